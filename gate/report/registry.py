"""The explicit list of report formats (name → renderer)."""

from __future__ import annotations

from gate.report import json, text
from gate.report.base import Render

FORMATS: dict[str, Render] = {}
"""Format name → pure renderer; each format module adds one line here."""
FORMATS[text.NAME] = text.render
FORMATS[json.NAME] = json.render
