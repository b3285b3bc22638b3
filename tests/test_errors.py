"""One base for errors about a place: InputError and PolicyError differ only in kind."""

from __future__ import annotations

import pytest

from gate.errors import BomError, InputError, LocatedError, PolicyError


@pytest.mark.parametrize("kind", [InputError, PolicyError, BomError])
def test_a_located_error_names_file_line_and_problem(kind: type[LocatedError]) -> None:
    error = kind("packs/release.yaml", "rules must be a list", line=7, hint="see docs/policy.md")
    assert isinstance(error, LocatedError)
    assert str(error) == "packs/release.yaml:7: rules must be a list"
    assert (error.path, error.line, error.problem) == (
        "packs/release.yaml",
        7,
        "rules must be a list",
    )
    assert error.diagnostics().endswith("hint: see docs/policy.md")


def test_without_a_line_or_a_file() -> None:
    assert str(PolicyError("w.yaml", "expired")) == "w.yaml: expired"
    assert str(InputError(None, "--now is not a date")) == "--now is not a date"
    # The kinds stay apart: a policy problem is never caught as an input problem.
    assert not isinstance(PolicyError(None, "x"), InputError)
