"""BOMs made by other tools: nothing they state is dropped, and what they lack is resolved.

A foreign component gets its publisher, serving endpoint, lineage and licence category from
aigate's registry (with sources), services become hosted-API components, weight files keep
their hashes or show they have none; aigate's own BOMs still read back untouched.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from test_bom import CDXGEN_AI_BOM, rich_inventory

from gate import pipeline
from gate.bom.cyclonedx import read_bom, read_bom_detail, write_bom
from gate.model import FactSource, LicenceCategory, Role, Verdict

NOW = "2026-11-26"

DEEPSEEK_MODEL = {
    "type": "machine-learning-model",
    "name": "DeepSeek-R1",
    "group": "deepseek-ai",
    "purl": "pkg:huggingface/deepseek-ai/DeepSeek-R1",
    "bom-ref": "m1",
    "licenses": [{"license": {"id": "MIT"}}],
}
DEEPSEEK_SERVICE = {
    "bom-ref": "s1",
    "name": "deepseek-chat",
    "endpoints": ["https://api.deepseek.com/v1"],
}


def bom(tmp_path: Path, name: str, **parts: Any) -> Path:
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, **parts}
    path = tmp_path / name
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def check(path: Path, pack: str) -> pipeline.CheckResult:
    return pipeline.check(pipeline.CheckOptions(bom=path, policies=(pack,), now=NOW))


def denied(result: pipeline.CheckResult) -> set[tuple[str, str | None]]:
    return {(f.rule, f.component) for f in result.decision.findings if f.level.value == "deny"}


def test_a_foreign_model_and_service_are_resolved_and_judged(tmp_path: Path) -> None:
    path = bom(tmp_path, "ds.json", components=[DEEPSEEK_MODEL], services=[DEEPSEEK_SERVICE])
    result = check(path, "release")
    assert result.decision.verdict is Verdict.FAIL
    found = denied(result)
    assert ("jurisdiction.publisher-country", "hf:deepseek-ai/DeepSeek-R1@unpinned") in found
    assert ("jurisdiction.serving-country", "api:deepseek/deepseek-chat") in found
    model = result.inventory.component("hf:deepseek-ai/DeepSeek-R1@unpinned")
    assert model is not None and model.publisher is not None
    assert model.publisher.country == "CN"
    assert model.publisher.provenance[0].source is FactSource.REGISTRY
    # The licence is the BOM's, now classified; its source is still the BOM.
    assert model.licence is not None and model.licence.expression == "MIT"
    assert model.licence.category is LicenceCategory.PERMISSIVE
    assert model.licence.provenance[0].source is FactSource.BOM
    assert model.pinned is False
    api = result.inventory.component("api:deepseek/deepseek-chat")
    assert api is not None and api.role is Role.HOSTED_API
    assert api.served_by is not None and api.served_by.host == "api.deepseek.com"
    assert api.served_by.country == "CN"


def test_a_service_alone_no_longer_passes_the_strictest_pack(tmp_path: Path) -> None:
    path = bom(tmp_path, "svc.json", services=[DEEPSEEK_SERVICE])
    result = check(path, "cfius-strict")
    assert ("jurisdiction.serving-country", "api:deepseek/deepseek-chat") in denied(result)
    # A service at an unknown host with an unknown model: a component all the same.
    other = bom(
        tmp_path,
        "other.json",
        services=[{"name": "Inference", "endpoints": ["https://llm.example.net/v1"]}],
    )
    inventory, warnings = pipeline.load_bom(other, pipeline.ScanOptions(root=tmp_path))
    (comp,) = inventory.components
    assert comp.id == "api:llm.example.net/*" and comp.role is Role.HOSTED_API
    assert comp.served_by is not None and comp.served_by.country is None
    assert "serving country" in warnings[-1]
    assert ("jurisdiction.unknown-country", comp.id) in denied(check(other, "cfius-strict"))


def test_the_cdxgen_fixture_under_cfius_strict(tmp_path: Path) -> None:
    path = tmp_path / "cdxgen.json"
    path.write_text(json.dumps(CDXGEN_AI_BOM), encoding="utf-8")
    result = check(path, "cfius-strict")
    found = denied(result)
    qwen = "hf:Qwen/Qwen2.5-7B-Instruct@unpinned"
    assert ("jurisdiction.publisher-country", qwen) in found
    assert ("integrity.unpinned-revision", qwen) in found
    assert ("integrity.unhashed-weights", "name:model.gguf") in found
    gguf = result.inventory.component("name:model.gguf")
    assert gguf is not None and [(f.path, f.format, f.sha256) for f in gguf.files] == [
        ("model.gguf", "gguf", None)
    ]


def test_stated_facts_are_kept_with_the_bom_as_their_source(tmp_path: Path) -> None:
    model = {
        "type": "machine-learning-model",
        "name": "Qwen2.5-7B-Instruct",
        "purl": "pkg:huggingface/Qwen/Qwen2.5-7B-Instruct",
        "manufacturer": {"name": "Our vendor review", "address": {"country": "SG"}},
    }
    named = {
        "type": "machine-learning-model",
        "name": "DeepSeek-V3",
        "purl": "pkg:huggingface/deepseek-ai/DeepSeek-V3",
        "manufacturer": {"name": "DeepSeek"},
        "hashes": [{"alg": "SHA-256", "content": "a" * 64}],
    }
    path = bom(tmp_path, "stated.json", components=[model, named])
    inventory, _ = pipeline.load_bom(path, pipeline.ScanOptions(root=tmp_path))
    qwen = inventory.component("hf:Qwen/Qwen2.5-7B-Instruct@unpinned")
    assert qwen is not None and qwen.publisher is not None
    assert (qwen.publisher.name, qwen.publisher.country) == ("Our vendor review", "SG")
    assert qwen.publisher.provenance[0].source is FactSource.BOM
    # Lineage is still resolved for it.
    assert qwen.lineage and qwen.lineage[0].publisher is not None
    ds = inventory.component("hf:deepseek-ai/DeepSeek-V3@unpinned")
    assert ds is not None and ds.publisher is not None and ds.publisher.country == "CN"
    assert ds.publisher.provenance[-1].source is FactSource.BOM
    assert "'DeepSeek' without a country" in ds.publisher.provenance[-1].detail
    # An ML model with a digest is a weight file whose hash integrity rules can see.
    assert [(f.path, f.sha256) for f in ds.files] == [("DeepSeek-V3", "a" * 64)]


def test_nested_foreign_components_are_not_dropped(tmp_path: Path) -> None:
    app = {
        "type": "application",
        "name": "chatbot",
        "components": [
            {"type": "machine-learning-model", "name": "m", "purl": "pkg:huggingface/Qwen/QwQ-32B"},
            {"type": "file", "name": "weights.safetensors"},
        ],
    }
    path = bom(tmp_path, "nested.json", components=[app])
    inventory, _ = read_bom(path)
    ids = [c.id for c in inventory.components]
    assert "hf:Qwen/QwQ-32B@unpinned" in ids


def test_aigate_boms_read_back_untouched_and_services_not_doubled(tmp_path: Path) -> None:
    inventory = rich_inventory()
    path = tmp_path / "own.json"
    path.write_text(write_bom(inventory), encoding="utf-8")
    read = read_bom_detail(path)
    assert read.foreign == ()
    loaded, warnings = pipeline.load_bom(path, pipeline.ScanOptions(root=tmp_path))
    assert warnings == []
    assert loaded.components == inventory.components
    assert loaded == read_bom(path)[0]


def test_the_warning_says_what_was_lacking_and_what_is_still_unknown(tmp_path: Path) -> None:
    path = tmp_path / "cdxgen.json"
    path.write_text(json.dumps(CDXGEN_AI_BOM), encoding="utf-8")
    [raw] = read_bom(path)[1]
    assert "lack publisher country" in raw and "policies treat those facts as unknown" in raw
    [resolved] = pipeline.load_bom(path, pipeline.ScanOptions(root=tmp_path))[1]
    lacked, still = resolved.split("still unknown:")
    assert "publisher country" in lacked and "weight hashes" in lacked
    # Qwen's country is now known; model.gguf's publisher and hash still are not.
    assert "publisher country" in still and "weight hashes" in still
    pkg_only = bom(
        tmp_path,
        "py.json",
        components=[
            {
                "type": "machine-learning-model",
                "name": "x",
                "purl": "pkg:huggingface/Qwen/QwQ-32B",
                "licenses": [{"license": {"id": "Apache-2.0"}}],
                "evidence": {"occurrences": [{"location": "a.py"}]},
            }
        ],
    )
    [done] = pipeline.load_bom(pkg_only, pipeline.ScanOptions(root=tmp_path))[1]
    assert "still unknown" not in done and "resolved them" in done


def test_a_model_named_without_a_purl_is_placed_as_a_heuristic(tmp_path: Path) -> None:
    model = {"type": "machine-learning-model", "name": "Qwen2.5-7B-Instruct", "group": "Qwen"}
    path = bom(tmp_path, "named.json", components=[model])
    inventory, _ = pipeline.load_bom(path, pipeline.ScanOptions(root=tmp_path))
    (comp,) = inventory.components
    assert comp.id == "name:Qwen/Qwen2.5-7B-Instruct"
    assert comp.publisher is not None and comp.publisher.country == "CN"
    assert comp.publisher.provenance[0].source is FactSource.HEURISTIC
    assert "without a purl" in comp.publisher.provenance[0].detail
