"""Local model paths outside the tree: unresolved local models, judged as unknown origin."""

from __future__ import annotations

import json
from pathlib import Path

from gate.model import FactSource, Role
from gate.pipeline import ScanOptions, scan
from tests.treehelp import write as _write


def test_paths_outside_the_tree_are_unresolved_local_models(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "lora/adapter_config.json": json.dumps(
                {
                    "base_model_name_or_path": "D:\\projects\\llm\\Mistral-7B-v0.3",
                    "peft_type": "LORA",
                }
            ),
            "train.yaml": "model_name_or_path: /data/models/llama-7b-private\nlr: 1e-4\n",
            "Modelfile": "FROM ./model/chat.gguf\nPARAMETER temperature 0.2\n",
            "run.sh.ipynb": json.dumps(
                {
                    "cells": [
                        {
                            "cell_type": "code",
                            "metadata": {},
                            "outputs": [],
                            "execution_count": None,
                            "source": ["!python serve.py --model ~/models/qwen-private\n"],
                        }
                    ],
                    "metadata": {},
                    "nbformat": 4,
                    "nbformat_minor": 5,
                }
            ),
        },
    )
    inventory = scan(ScanOptions(root=tmp_path)).inventory
    local = {c.id: c for c in inventory.components if c.id.startswith("local:")}
    assert set(local) == {
        "local:lora",
        "local:D:/projects/llm/Mistral-7B-v0.3",
        "local:/data/models/llama-7b-private",
        "local:model/chat.gguf",
        "local:~/models/qwen-private",
    }
    mistral = local["local:D:/projects/llm/Mistral-7B-v0.3"]
    assert mistral.role is Role.RUNTIME_MODEL
    assert mistral.properties["not_in_checkout"] == [
        "D:\\projects\\llm\\Mistral-7B-v0.3 (local path outside the tree)"
    ]
    # Unknown origin: nothing in the tree says who made it ...
    assert mistral.publisher is None
    # ... but its folder's name is a known model's: a suggested base, marked heuristic.
    (base,) = mistral.lineage[:1]
    assert base.id == "hf:mistralai/Mistral-7B-v0.3@unpinned"
    assert base.provenance[0].source is FactSource.HEURISTIC
    assert local["local:model/chat.gguf"].properties["not_in_checkout"] == [
        "model/chat.gguf (path not in the checkout)"
    ]
    private = local["local:/data/models/llama-7b-private"]
    assert private.publisher is None
    assert private.evidence[0].location.path == "train.yaml"


def test_a_served_folder_mounted_from_the_host_is_that_local_model(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "deploy/docker-compose.yml": """\
            services:
              tgi:
                image: ghcr.io/huggingface/text-generation-inference:latest
                volumes:
                  - ./models/Qwen2-7B-Instruct-GPTQ-Int4:/data
                command: ["--model-id=/data", "--quantize=gptq"]
              vllm:
                image: vllm/vllm-openai:latest
                command: ["--model", "/models/private-7b"]
            """,
        },
    )
    inventory = scan(ScanOptions(root=tmp_path)).inventory
    local = {c.id: c for c in inventory.components if c.id.startswith("local:")}
    assert set(local) == {
        "local:deploy/models/Qwen2-7B-Instruct-GPTQ-Int4",
        "local:/models/private-7b",
    }
    qwen = local["local:deploy/models/Qwen2-7B-Instruct-GPTQ-Int4"]
    assert "not_in_checkout" not in qwen.properties  # a tree path: may be there or not
    assert qwen.lineage[0].id == "hf:Qwen/Qwen2-7B-Instruct@unpinned"
    assert qwen.lineage[0].provenance[0].source is FactSource.HEURISTIC


def test_url_routes_are_not_local_model_paths(tmp_path: Path) -> None:
    # A browser app's routes and dev-proxy prefixes start with "/" but name no folder.
    _write(
        tmp_path,
        {
            "src/api/vendor.js": """\
            const API_URLS = {
                llm: "/proxy/remote/api/v1/services/text/generation",
                vlm: "/other/remote/v1beta/openai/chat/completions",
            };
            export const modelApi = "/api/chat/some-model/2.0-pro";
            """,
            "app/main.tsx": """\
            const [modelApi, setModelApi] = useState("/api/chat/vendor/flash");
            """,
            "serve.py": """\
            from transformers import AutoModelForCausalLM
            model_path = "/srv/models/v1/private-7b"
            m = AutoModelForCausalLM.from_pretrained(model_path)
            win = AutoModelForCausalLM.from_pretrained(r"E:\\\\weights\\\\chat-model")
            """,
        },
    )
    inventory = scan(ScanOptions(root=tmp_path)).inventory
    local = sorted(c.id for c in inventory.components if c.id.startswith("local:"))
    # A model folder with a version segment and no route word stays a path.
    assert local == ["local:/srv/models/v1/private-7b", "local:E:/weights/chat-model"]


def test_is_url_route() -> None:
    from gate.discover.localpaths import is_outside, is_url_route

    for route in ("/api/x", "/a/api/v2/b", "/p/v1beta/openai/chat/completions", "/x/v1/embeddings"):
        assert is_url_route(route) and not is_outside(route), route
    for path in ("/models/v1/qwen", "/mnt/work/output/x/", "/data/api-keys/x", "api/v1/x"):
        assert not is_url_route(path), path
    assert is_outside("/mnt/work/output/x/") and is_outside("D:\\m\\x")
