"""The explicit list of report formats (name → renderer)."""

from __future__ import annotations

from gate.report import github, html, json, junit, markdown, sarif, summary, text
from gate.report.base import Render

FORMATS: dict[str, Render] = {
    github.NAME: github.render,
    html.NAME: html.render,
    json.NAME: json.render,
    junit.NAME: junit.render,
    markdown.NAME: markdown.render,
    sarif.NAME: sarif.render,
    summary.NAME: summary.render,
    text.NAME: text.render,
}
"""Format name → pure renderer; each format module adds one line here."""
