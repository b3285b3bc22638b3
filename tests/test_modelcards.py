"""Hugging Face model folders: config.json, README front matter, adapter configs."""

from __future__ import annotations

import json
from pathlib import Path

from gate.discover.base import DiscoverContext
from gate.discover.modelcards import discover, read_front_matter
from gate.discover.tree import Tree
from gate.model import EvidenceKind


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


CARD = """---
license: other
license_name: qwen-research
license_link: https://huggingface.co/Qwen/Qwen2.5-3B/blob/main/LICENSE
base_model:
  - Qwen/Qwen2.5-3B
  - deepseek-ai/DeepSeek-R1
base_model_relation: merge
datasets: [HuggingFaceH4/ultrachat_200k]
pipeline_tag: text-generation
library_name: transformers
---
# A merged model
"""


def test_model_folder_with_card_config_and_generation(tmp_path: Path) -> None:
    _write(tmp_path, "m/README.md", CARD)
    _write(
        tmp_path,
        "m/config.json",
        json.dumps({"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2"}),
    )
    _write(tmp_path, "m/generation_config.json", '{"transformers_version": "4.46.0"}')
    [ev] = list(discover(Tree.walk(tmp_path), DiscoverContext()))
    assert ev.kind is EvidenceKind.MODEL_CARD
    assert ev.identity == "local:m"
    declared = ev.attributes["declared"]
    assert declared["license"] == "other"
    assert declared["license_name"] == "qwen-research"
    assert [b["ref"] for b in declared["base_models"]] == [
        "Qwen/Qwen2.5-3B",
        "deepseek-ai/DeepSeek-R1",
    ]
    assert {b["relation"] for b in declared["base_models"]} == {"merge"}
    assert declared["datasets"] == ["HuggingFaceH4/ultrachat_200k"]
    assert declared["architecture"] == "Qwen2ForCausalLM"
    assert declared["transformers_version"] == "4.46.0"
    assert ev.location.path == "m/README.md" and ev.location.line == 1


def test_adapter_config_gives_adapter_lineage(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "lora/adapter_config.json",
        json.dumps({"base_model_name_or_path": "meta-llama/Llama-3.1-8B", "peft_type": "LORA"}),
    )
    [ev] = list(discover(Tree.walk(tmp_path), DiscoverContext()))
    [base] = ev.attributes["declared"]["base_models"]
    assert base == {
        "ref": "meta-llama/Llama-3.1-8B",
        "relation": "adapter",
        "source": "adapter-config",
        "detail": "lora/adapter_config.json#base_model_name_or_path",
    }


def test_hub_cache_snapshot_is_the_pinned_hub_model(tmp_path: Path) -> None:
    sha = "a" * 40
    rel = f"hub/models--Qwen--Qwen2.5-0.5B/snapshots/{sha}/config.json"
    _write(tmp_path, rel, json.dumps({"model_type": "qwen2", "_name_or_path": "Qwen/Qwen2.5-0.5B"}))
    [ev] = list(discover(Tree.walk(tmp_path), DiscoverContext()))
    assert ev.identity == f"hf:Qwen/Qwen2.5-0.5B@{sha}"
    # It names itself: no self-lineage.
    assert "base_models" not in ev.attributes["declared"]


def test_a_lone_licence_in_a_model_folder_is_its_licence(tmp_path: Path) -> None:
    _write(tmp_path, "m/README.md", "---\nlicense: apache-2.0\n---\n# A model\n")
    _write(tmp_path, "m/config.json", json.dumps({"model_type": "bert"}))
    _write(tmp_path, "lora/README.md", "---\nlicense: mit\n---\n")
    _write(tmp_path, "lora/adapter_config.json", json.dumps({"peft_type": "LORA"}))
    _write(tmp_path, "docs/README.md", "---\nlicense: mit\n---\n")  # no config: no model
    evidence = {ev.identity: ev for ev in discover(Tree.walk(tmp_path), DiscoverContext())}
    assert sorted(evidence) == ["local:lora", "local:m"]
    assert evidence["local:m"].attributes["declared"]["license"] == "apache-2.0"
    assert evidence["local:lora"].attributes["declared"]["license"] == "mit"


def test_unrelated_json_and_readme_are_not_models(tmp_path: Path) -> None:
    _write(tmp_path, "app/config.json", '{"port": 8080}')
    _write(tmp_path, "README.md", "---\ntitle: my blog\n---\nhello\n")
    assert list(discover(Tree.walk(tmp_path), DiscoverContext())) == []


def test_malformed_files_are_skipped_with_reason(tmp_path: Path) -> None:
    _write(tmp_path, "m/config.json", '{"model_type": ')
    _write(tmp_path, "m/README.md", "---\nlicense: [unclosed\n---\n")
    tree = Tree.walk(tmp_path)
    assert list(discover(tree, DiscoverContext())) == []
    reasons = {s.path: s.reason for s in tree.skipped}
    assert "invalid JSON" in reasons["m/config.json"]
    assert "invalid YAML front matter" in reasons["m/README.md"]


def test_front_matter_edge_cases() -> None:
    assert read_front_matter("no front matter") == (None, None)
    assert read_front_matter("---\n---\n") == ({}, None)
    doc, problem = read_front_matter("---\n- a\n---\n")
    assert doc is None and problem == "front matter is not a mapping"


def test_a_relation_written_as_a_list_or_a_mapping_does_not_crash(tmp_path: Path) -> None:
    # Issue 13, item 6: `base_model_relation: [finetune]` was a TypeError (exit 2 on any repo).
    for i, relation in enumerate(("[finetune]", "{a: b}", "[merge, finetune]", "7")):
        _write(
            tmp_path,
            f"m{i}/README.md",
            f"---\nbase_model: Qwen/Qwen2.5-3B\nbase_model_relation: {relation}\n---\n",
        )
    found = {ev.identity: ev for ev in discover(Tree.walk(tmp_path), DiscoverContext())}
    relations = {
        cid: [b["relation"] for b in ev.attributes["declared"]["base_models"]]
        for cid, ev in found.items()
    }
    assert relations == {
        "local:m0": ["finetune"],
        "local:m1": ["unknown"],
        "local:m2": ["unknown"],
        "local:m3": ["unknown"],
    }
