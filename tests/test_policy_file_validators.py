"""Pack and waiver files are accepted by generated validators (no jsonschema import on the
path every ``aigate check`` takes); jsonschema stays the reference. These tests hold the
generated code to never accepting what jsonschema refuses, on the shipped files and on
variations that probe where the two could differ (dates, patterns, numbers, uniqueness,
unknown keys, non-string keys), and check that a refused file reports what it did before."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gate import yamlfile
from gate.errors import PolicyError
from gate.policy import yamlfile as policy_yaml

ROOT = Path(__file__).resolve().parent.parent
PACKS = sorted((ROOT / "policies" / "packs").glob("*.yaml"))
WAIVERS = [ROOT / "examples" / "waivers.yaml"]


def _reference_errors(value: Any, schema_name: str) -> list[str]:
    return [e.message for e in policy_yaml._schema(schema_name).iter_errors(value)]


def _variations(value: dict[str, Any]) -> Iterator[Any]:
    """The document with one value changed at a time, to probe both validators."""
    odd: list[Any] = [
        None, True, False, 0, 1, 1.0, 2.5, -1, "", "x", "CN\n", "CN", "cn", "2026-02-30",
        "2026-02-28", "2026-2-28", "２０２６-01-01", "2026-01-01\n", [], [1, 1.0], ["a", "a"],
        [True, 1], ["True", True], {}, {"x": 1}, {1: "a"}, "a.b.*", "A.b", "bad key",
    ]  # fmt: skip

    def paths(node: Any, at: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
        yield at
        if isinstance(node, dict):
            for k, v in node.items():
                yield from paths(v, (*at, k))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                yield from paths(v, (*at, i))

    for path in list(paths(value, ()))[1:]:
        for replacement in odd:
            doc = copy.deepcopy(value)
            node = doc
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = replacement
            yield doc
        doc = copy.deepcopy(value)
        node = doc
        for key in path[:-1]:
            node = node[key]
        if isinstance(node, dict):
            node["unexpected_key"] = 1
            node[7] = "int key"
            yield doc
            del node[path[-1]]
            yield doc


@pytest.mark.parametrize(
    ("path", "schema_name"),
    [*((p, "pack.schema.json") for p in PACKS), *((p, "waivers.schema.json") for p in WAIVERS)],
    ids=lambda v: getattr(v, "name", v),
)
def test_the_generated_validator_accepts_only_what_jsonschema_accepts(
    path: Path, schema_name: str
) -> None:
    accepts = policy_yaml._generated(schema_name)
    assert accepts is not None, "the shipped schema is not the one the validators were made from"
    value = policy_yaml.load_yaml(path).value
    accepts(value, policy_yaml._FORMATS)  # the shipped file takes the fast path
    assert _reference_errors(value, schema_name) == []
    tried = accepted = 0
    for doc in _variations(value):
        tried += 1
        try:
            accepts(doc, policy_yaml._FORMATS)
        except Exception:
            continue
        accepted += 1
        assert _reference_errors(doc, schema_name) == [], doc
    assert tried > 100 and 0 < accepted < tried


@pytest.mark.parametrize(
    "rule",
    ["{mode: warn, effective_on: '2026-02-30'}", "{mode: sometimes}", "{mode: warn, extra: 1}"],
)
def test_a_refused_file_is_worded_by_jsonschema(tmp_path: Path, rule: str) -> None:
    pack = tmp_path / "p.yaml"
    pack.write_text(
        f"apiVersion: aigate/v1\nkind: PolicyPack\nname: p\nrules:\n  licence.unknown: {rule}\n"
    )
    doc = policy_yaml.load_yaml(pack)
    with pytest.raises(PolicyError) as fast:
        policy_yaml.validate(doc, "pack.schema.json", "pack")
    with pytest.raises(PolicyError) as reference:
        yamlfile.validate(doc, policy_yaml._schema("pack.schema.json"), "pack")
    assert str(fast.value) == str(reference.value)
    assert "p.yaml" in str(fast.value)


def test_a_changed_schema_is_checked_by_jsonschema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema_dir = tmp_path / "schema"
    schema_dir.mkdir()
    shipped = (ROOT / "policies" / "schema" / "pack.schema.json").read_text()
    (schema_dir / "pack.schema.json").write_text(
        shipped.replace('"title"', '"$comment": "x", "title"', 1)
    )
    monkeypatch.setattr(policy_yaml, "policies_dir", lambda: tmp_path)
    policy_yaml._generated.cache_clear()
    try:
        assert policy_yaml._generated("pack.schema.json") is None
    finally:
        policy_yaml._generated.cache_clear()
