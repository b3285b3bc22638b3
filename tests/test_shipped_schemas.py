"""Every YAML file aigate ships follows a JSON Schema, read by the one line-keeping reader.

At run time shipped data is parsed once with libyaml and not checked again (gate.shipped):
these tests are its check. Each file goes through gate.yamlfile (duplicate keys, alias
budget, depth cap) and its schema, so a misspelt field or a wrong type in a data edit fails
here with the file and line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gate import yamlfile
from gate.errors import InputError
from gate.registry import reading

GATE = Path(__file__).resolve().parent.parent / "gate"
POLICIES = Path(__file__).resolve().parent.parent / "policies"

REGISTRY_FILES = {
    "resolve/data/publishers.yaml",
    "resolve/data/models.yaml",
    "resolve/data/ollama.yaml",
    "resolve/data/families.yaml",
    "resolve/data/packages.yaml",
}
"""In the registry file format: tests/test_registry.py checks them (with shipped-only keys)."""

DATA = sorted(
    str(p.relative_to(GATE))
    for p in GATE.glob("*/data/*.yaml")
    if str(p.relative_to(GATE)) not in REGISTRY_FILES
)


def _schema_for(rel: str) -> dict[str, Any]:
    if rel == "recognise/data/endpoints.yaml":
        # Endpoint rows are the registry's own (a user file may add endpoints).
        return reading.schema()
    sibling = (GATE / rel).with_suffix(".schema.json")
    schema: dict[str, Any] = json.loads(sibling.read_text(encoding="utf-8"))
    return schema


@pytest.mark.parametrize("rel", DATA)
def test_each_shipped_data_file_follows_its_schema(rel: str) -> None:
    doc = yamlfile.load(GATE / rel, error=InputError)
    yamlfile.validate(doc, yamlfile.compile_schema(_schema_for(rel)), rel)


def test_every_data_file_has_a_schema() -> None:
    missing = [
        rel
        for rel in DATA
        if rel != "recognise/data/endpoints.yaml"
        and not (GATE / rel).with_suffix(".schema.json").is_file()
    ]
    assert missing == []


def test_params_give_every_parameter_a_pack_may_set() -> None:
    # policies/params.yaml holds the defaults of what a pack's `params` may set: the same
    # shape as the pack schema's, with every area and every parameter present (a missing
    # default would silently disable a rule).
    pack = json.loads((POLICIES / "schema" / "pack.schema.json").read_text(encoding="utf-8"))
    params = pack["properties"]["params"]
    schema = {**params, "required": sorted(params["properties"]), "additionalProperties": False}
    schema["properties"] = {
        area: {**spec, "required": sorted(spec.get("properties", {}))}
        for area, spec in params["properties"].items()
    }
    doc = yamlfile.load(POLICIES / "params.yaml", error=InputError)
    yamlfile.validate(doc, yamlfile.compile_schema(schema), "policies/params.yaml")


@pytest.mark.parametrize("name", sorted(p.name for p in (POLICIES / "packs").glob("*.yaml")))
def test_shipped_packs_follow_the_pack_schema(name: str) -> None:
    schema = json.loads((POLICIES / "schema" / "pack.schema.json").read_text(encoding="utf-8"))
    doc = yamlfile.load(POLICIES / "packs" / name, error=InputError)
    yamlfile.validate(doc, yamlfile.compile_schema(schema), f"pack {name}")
