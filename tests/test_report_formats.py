"""The report formats: every format is listed, pure and deterministic."""

from __future__ import annotations

import pytest
from decisions import decision, empty, inventory

from gate.report import github, junit, markdown, sarif, summary
from gate.report.formats import FORMATS


def test_formats_are_registered_under_their_names() -> None:
    for module in (sarif, junit, github, summary, markdown):
        assert FORMATS[module.NAME] is module.render


@pytest.mark.parametrize(
    "name", sorted(n for n in FORMATS if n in {"sarif", "junit", "github", "summary", "markdown"})
)
def test_each_format_is_deterministic_and_handles_an_empty_decision(name: str) -> None:
    render = FORMATS[name]
    first = render(decision(), inventory())
    assert first == render(decision(), inventory())
    assert first.endswith("\n") and not first.endswith("\n\n\n")
    assert render(*empty()).endswith("\n")
