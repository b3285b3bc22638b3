"""The served-names table: generated from LiteLLM's model map by tools/gen_served_names.py,
shipped as gate/recognise/data/served_names.json, read once by gate.registry.servednames."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

from gate import yamlfile
from gate.errors import InputError
from gate.registry import servednames
from gate.shipped import yaml_data

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "gate" / "recognise" / "data"


def _tool() -> ModuleType:
    path = ROOT / "tools" / "gen_served_names.py"
    spec = importlib.util.spec_from_file_location("gen_served_names", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_served_names"] = module
    spec.loader.exec_module(module)
    return module


# A hand-written map in LiteLLM's shape: prefixed aggregator keys, bare Bedrock and OpenAI
# keys, a price tier with no mode, an image size route, a rerank model, Azure and Ollama rows.
FIXTURE = {
    "sample_spec": {"litellm_provider": "one of the providers", "mode": "chat"},
    "acme-chat-1": {"litellm_provider": "openai", "mode": "chat", "input_cost_per_token": 1e-6},
    "groq/acme-7b-fast": {"litellm_provider": "groq", "mode": "chat"},
    "groq/acme/acme-oss-9b": {"litellm_provider": "groq", "mode": "chat"},
    "together_ai/acme/Acme-9B-Instruct-Turbo": {"litellm_provider": "together_ai", "mode": "chat"},
    "together-ai-up-to-4b": {"litellm_provider": "together_ai", "input_cost_per_token": 1e-7},
    "together-ai-tier-x": {"litellm_provider": "together_ai", "mode": "chat"},
    "acme.widget-v1:0": {"litellm_provider": "bedrock_converse", "mode": "chat"},
    "bedrock/us-east-1/acme.widget-v1:0": {"litellm_provider": "bedrock", "mode": "chat"},
    "1024-x-1024/acme-draw-2": {"litellm_provider": "openai", "mode": "image_generation"},
    "vertex_ai/acme-vision@001": {"litellm_provider": "vertex_ai-acme_models", "mode": "chat"},
    "vertex_ai/acme-embed-3": {
        "litellm_provider": "vertex_ai-embedding-models",
        "mode": "embedding",
    },
    "cohere/acme-rerank-2": {"litellm_provider": "cohere", "mode": "rerank"},
    "azure/acme-chat-1": {"litellm_provider": "azure", "mode": "chat"},
    "ollama/acme:7b": {"litellm_provider": "ollama", "mode": "chat"},
    "fireworks_ai/accounts/fireworks/models/acme-9b": {
        "litellm_provider": "fireworks_ai",
        "mode": "chat",
    },
}


def test_the_generator_keeps_each_providers_own_spelling_and_nothing_else(tmp_path: Path) -> None:
    tool = _tool()
    source = tmp_path / "map.json"
    source.write_text(json.dumps(FIXTURE), encoding="utf-8")
    out = tmp_path / "served.json"
    argv = ["--date", "2026-12-07", "--input", f"litellm==0.0.1={source}", "--out", str(out)]
    assert tool.main(argv) == 0
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["served"] == {
        "bedrock": ["acme.widget-v1:0"],
        "fireworks": ["accounts/fireworks/models/acme-9b"],
        "google-vertex": ["acme-embed-3"],
        "groq": ["acme-7b-fast", "acme/acme-oss-9b"],
        "openai": ["acme-chat-1"],
        "together": ["acme/Acme-9B-Instruct-Turbo"],
    }
    assert doc["date"] == "2026-12-07"
    assert doc["inputs"][0]["input"] == "litellm==0.0.1"
    assert len(doc["inputs"][0]["sha256"]) == 64
    # Deterministic: the same inputs give the same bytes, and --check agrees.
    first = out.read_bytes()
    assert tool.main(argv) == 0
    assert out.read_bytes() == first
    assert tool.main([*argv, "--check"]) == 0
    out.write_text("{}", encoding="utf-8")
    assert tool.main([*argv, "--check"]) == 1


def test_the_generator_refuses_a_file_that_is_not_a_model_map(tmp_path: Path) -> None:
    tool = _tool()
    source = tmp_path / "map.json"
    source.write_text("[1, 2]", encoding="utf-8")
    try:
        tool.main(["--date", "2026-12-07", "--input", f"x={source}", "--out", str(tmp_path / "o")])
    except SystemExit as exc:
        assert "not a LiteLLM model map" in str(exc)
    else:
        raise AssertionError("a list was accepted as a model map")


def test_the_shipped_table_is_valid_sorted_and_names_known_providers() -> None:
    # JSON is YAML: the one line-keeping reader checks it like every shipped data file.
    loaded = yamlfile.load(DATA / "served_names.json", error=InputError)
    schema = json.loads((DATA / "served_names.schema.json").read_text(encoding="utf-8"))
    yamlfile.validate(loaded, yamlfile.compile_schema(schema), "served_names.json")
    doc = json.loads((DATA / "served_names.json").read_text(encoding="utf-8"))
    assert list(doc["served"]) == sorted(doc["served"])
    for names in doc["served"].values():
        assert names == sorted(names)
    providers = yaml_data("gate.recognise", "data/providers.yaml")
    known = {
        *providers["providers"],
        *providers["litellm_prefixes"].values(),
        *providers["served_names"]["litellm_providers"].values(),
    }
    assert set(doc["served"]) <= known
    assert not set(doc["served"]) & set(providers["served_names"]["skip"])
    assert "pinned" not in doc["about"]  # no prices or sizes: names only


def test_lookup_is_exact_and_case_insensitive() -> None:
    assert servednames.only_server("llama-3.1-8b-instant") == "groq"
    assert servednames.only_server("MIXTRAL-8x7b-32768") == "groq"
    assert servednames.only_server("gpt-4o") == "openai"
    assert servednames.only_server("llama-3.1-8b-instruct-fast") is None  # nobody serves it
    assert len(servednames.served_by("openai/gpt-oss-120b")) > 1  # several: context decides
    assert "LiteLLM" in servednames.source()
