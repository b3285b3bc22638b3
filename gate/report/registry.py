"""The explicit list of report formats (name → renderer)."""

from __future__ import annotations

from gate.report import github, junit, markdown, sarif, summary
from gate.report.base import Render

FORMATS: dict[str, Render] = {}
"""Format name → pure renderer; each format module adds one line here."""

FORMATS[sarif.NAME] = sarif.render
FORMATS[junit.NAME] = junit.render
FORMATS[github.NAME] = github.render
FORMATS[summary.NAME] = summary.render
FORMATS[markdown.NAME] = markdown.render
