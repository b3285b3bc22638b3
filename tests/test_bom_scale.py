"""BOM writing and reading stay linear: the library's outputter is bypassed for JSON (same
document), generated validators stand in for jsonschema, deep nesting is an error."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion

from gate.bom import cyclonedx
from gate.bom.cyclonedx import write as cdx_write
from gate.errors import BomError
from gate.model import (
    Ancestor,
    Component,
    ComponentId,
    Inventory,
    Party,
    Project,
    Role,
    ServedBy,
    WeightFile,
)

ROOT = Path(__file__).resolve().parent.parent


def _inventory() -> Inventory:
    meta = Party("Meta", "US")
    comps = [
        Component(
            id=ComponentId(f"hf:org/m{i}@unpinned"),
            role=Role.RUNTIME_MODEL,
            name=f"m{i}",
            group="org",
            publisher=meta,
            lineage=(
                Ancestor(ComponentId("hf:meta-llama/Llama-3.1-8B@unpinned"), "b", "finetune", meta),
            ),
        )
        for i in range(5)
    ]
    comps.append(
        Component(
            id=ComponentId("local:models/x"),
            role=Role.EMBEDDED_WEIGHTS,
            name="x",
            files=(WeightFile("models/x/model.safetensors", 8, "safetensors", "a" * 64),),
        )
    )
    comps.append(
        Component(
            id=ComponentId("api:openai/gpt-4o"),
            role=Role.HOSTED_API,
            name="gpt-4o",
            served_by=ServedBy("api.openai.com", "OpenAI", "US"),
        )
    )
    return Inventory(project=Project("scale"), components=tuple(comps))


def test_json_output_is_the_library_outputters_document() -> None:
    inventory = _inventory()
    mine = cyclonedx.build_bom(inventory)
    cdx_write._register_dependencies(mine)
    ours = cdx_write._as_json(mine, SchemaVersion.V1_6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bom = cyclonedx.build_bom(inventory)
        theirs = json.loads(
            make_outputter(bom, OutputFormat.JSON, SchemaVersion.V1_6).output_as_string()
        )
    assert ours == theirs
    assert len(ours["dependencies"]) == len(ours["components"]) + len(ours["services"]) + 1


def test_written_bom_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_text(cyclonedx.write_bom(_inventory()), encoding="utf-8")
    read = cyclonedx.read_bom_detail(path)
    assert {c.id for c in read.inventory.components} >= {"api:openai/gpt-4o", "local:models/x"}


def test_a_bom_nested_200_deep_is_an_error_not_a_crash(tmp_path: Path) -> None:
    node: dict[str, object] = {"type": "library", "name": "leaf", "bom-ref": "n200"}
    for depth in range(199, -1, -1):
        node = {
            "type": "library",
            "name": f"n{depth}",
            "bom-ref": f"n{depth}",
            "components": [node],
        }
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [node]}
    path = tmp_path / "deep.cdx.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(BomError, match=r"nested (more than 32 deep|deeper than 100 levels)") as err:
        cyclonedx.read_bom_detail(path)
    assert err.value.path == str(path)


def test_generated_validators_are_fresh() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_bom_validators.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
