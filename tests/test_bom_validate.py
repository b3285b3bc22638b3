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


def test_the_bucketed_uniqueness_check_is_fastjsonschemas() -> None:
    # gate/bom/_schemas buckets items by a cheap key before fingerprinting them: the answer
    # must be fastjsonschema's own (every item fingerprinted) whatever the items hold.
    from gate.bom._schemas import cdx_1_6

    def fn(var: Any) -> Any:
        if hasattr(var, "items"):
            return frozenset({k: fn(v) for k, v in var.items()}.items())
        if isinstance(var, (dict, list)):
            return tuple(fn(v) for v in var)
        return (bool, var) if isinstance(var, bool) else var

    base = {"type": "library", "name": "a", "version": "1"}
    odd: list[Any] = ["a", 1, 1.0, True, None, [1], {"x": 1}, [True], {"x": 1.0}, "1"]
    arrays: list[list[Any]] = [[], [base], [base, dict(base)], ["a", "a"], ["a", "b"], [1, True]]
    for key in ("bom-ref", "ref", "name", "type", "version", "other"):
        for one in odd:
            for two in odd:
                arrays.append([{**base, key: one}, {**base, key: two}])
                arrays.append([{**base, key: one}, {**base, key: two}, base, "a"])
    for items in arrays:
        expected = len(items) > len({fn(x) for x in items})
        duplicates: Any = cdx_1_6._aigate_duplicates
        assert duplicates(items, fn) is expected, items
