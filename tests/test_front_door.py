"""The library's front door: gate.scan, check, explain, export and verify, loaded on first use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import gate

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "demo-app"


def test_all_names_the_front_door() -> None:
    for name in ("scan", "check", "explain", "export", "verify"):
        assert name in gate.__all__ and callable(getattr(gate, name))
    with pytest.raises(AttributeError):
        _ = gate.no_such_thing  # type: ignore[attr-defined]


def test_import_gate_loads_no_stage() -> None:
    script = "import json, sys, gate\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    loaded = json.loads(done.stdout)
    assert not [m for m in loaded if m.startswith(("gate.pipeline", "gate.discover", "yaml"))]


def test_each_entry_point_through_gate(tmp_path: Path) -> None:
    scanned = gate.scan(gate.ScanOptions(root=EXAMPLE, history="none"))
    assert scanned.inventory.components

    checked = gate.check(
        gate.CheckOptions(
            scan=gate.ScanOptions(root=EXAMPLE, history="none"),
            policies=("release",),
            now="2026-11-26",
        )
    )
    assert checked.decision.verdict.value == "fail"

    explained = gate.explain("qwen2.5-coder:7b", gate.ExplainOptions())
    assert explained.components and explained.components[0].publisher is not None

    bom = tmp_path / "demo.cdx.json"
    from gate.bom.cyclonedx import write_bom

    bom.write_text(write_bom(scanned.inventory), encoding="utf-8")
    exported = gate.export(
        gate.ExportOptions(
            out=tmp_path / "evidence",
            check=gate.CheckOptions(bom=bom, policies=("release",), now="2026-11-26"),
        )
    )
    assert exported.decision.verdict == checked.decision.verdict

    verified = gate.verify(gate.VerifyOptions(bundle=tmp_path / "evidence", allow_unsigned=True))
    assert verified.ok, [s for s in verified.steps if not s.ok]
