"""The fast CycloneDX JSON validator agrees with the official schema's verdicts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.validation import make_schemabased_validator

from gate.bom.validate import validate


def bom(**component: Any) -> dict[str, Any]:
    comp = {"type": "library", "name": "x", "bom-ref": "x", **component}
    return {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [comp]}


def library_says(doc: dict[str, Any]) -> bool:
    """True when cyclonedx-python-lib's own (slow) validator accepts the document."""
    v = make_schemabased_validator(OutputFormat.JSON, SchemaVersion.V1_6)
    return v.validate_str(json.dumps(doc)) is None


REF = "externalReferences"
CASES = [
    ("plain", bom(), True),
    (
        "iri with non-ASCII",
        bom(**{REF: [{"type": "website", "url": "https://例え.jp/パス?q=ü"}]}),
        True,
    ),
    ("relative reference", bom(**{REF: [{"type": "website", "url": "../models/x"}]}), True),
    ("space in iri", bom(**{REF: [{"type": "website", "url": "https://exa mple.com/"}]}), False),
    ("iri with a bad scheme", bom(**{REF: [{"type": "website", "url": "1http://x"}]}), False),
    ("duplicate components", {**bom(), "components": [bom()["components"][0]] * 2}, False),
    (
        "duplicate dependsOn",
        {**bom(), "dependencies": [{"ref": "x", "dependsOn": ["y", "y"]}]},
        False,
    ),
    (
        "distinct dependsOn",
        {**bom(), "dependencies": [{"ref": "x", "dependsOn": ["y", "z"]}]},
        True,
    ),
    ("wrong type", bom(type="spaceship"), False),
]


@pytest.mark.parametrize(("name", "doc", "valid"), CASES, ids=[c[0] for c in CASES])
def test_verdicts_match_the_official_schema(name: str, doc: dict[str, Any], valid: bool) -> None:
    problem = validate(json.dumps(doc))
    assert (problem is None) is valid, problem
    # The stock validator (jsonschema with its format checkers) reaches the same verdict,
    # where its IRI checker is installed; without one it cannot reject a bad IRI.
    if valid or "iri" not in name:
        assert library_says(doc) is valid


def test_unique_items_keeps_json_equality() -> None:
    # 1 and 1.0 are the same JSON number; true and 1 are not.
    from gate.bom.validate import _canonical

    assert _canonical({"a": [1, 2.0]}) == _canonical({"a": [1.0, 2]})
    assert _canonical(True) != _canonical(1)


def test_problem_names_the_place() -> None:
    problem = validate(json.dumps(bom(type="spaceship")))
    assert problem is not None and "$.components[0].type" in problem
