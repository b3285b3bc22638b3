"""The explicit list of report formats (name → renderer)."""

from __future__ import annotations

from gate.model import Decision, Inventory
from gate.report import github, html, json, junit, markdown, sarif, summary, text, text_full
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


def render(
    name: str,
    decision: Decision,
    inventory: Inventory,
    *,
    bom_path: str | None = None,
    verbose: bool = False,
    colour: bool = False,
    context: html.AuditContext | None = None,
) -> str:
    """One report of a check: SARIF points findings with no place in the tree at the BOM
    (``bom_path``, when in the repository); text is in full with ``verbose`` and coloured on
    a terminal; HTML says where the run was (``context``)."""
    if name == sarif.NAME:
        return sarif.render(decision, inventory, bom_path=bom_path)
    if name == text.NAME:
        if verbose:
            return text_full.render(decision, inventory)
        return text.render(decision, inventory, colour=colour)
    if name == html.NAME:
        return html.render(decision, inventory, context=context)
    return FORMATS[name](decision, inventory)
