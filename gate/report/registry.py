"""The explicit list of report formats (name → renderer)."""

from __future__ import annotations

from gate.report import html
from gate.report.base import Render

FORMATS: dict[str, Render] = {
    html.NAME: html.render,
}
"""Format name → pure renderer; each format module adds one line here."""
