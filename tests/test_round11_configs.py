"""Round 11's deployment-file cases (hand-written, in the shapes the blind corpus showed):
compose services built from a merge-key anchor, the model as a vLLM command's first
argument, prefixed served-name variables, Helm values holding the server's shell line, and
Kubernetes labels and image tables that name no model."""

from __future__ import annotations

import json
from pathlib import Path

from tests.confighelp import located as _got
from tests.confighelp import scan


def test_compose_anchor_and_leading_model_with_a_default(tmp_path: Path) -> None:
    found, tree = scan(
        tmp_path,
        {
            "compose.yaml": """\
            x-vllm: &vllm
              image: ${VLLM_IMAGE:-vllm/vllm-openai:v0.11.0}
              ipc: host
            services:
              main:
                <<: *vllm
                command: >-
                  ${MAIN_MODEL_ID:-Qwen/Qwen3-4B-AWQ}
                  --served-model-name ${MAIN_NAME:-qwen3-4b}
              alt:
                <<: *vllm
                command: ["--model", "${ALT_MODEL:-org/alt-model}"]
              shell:
                <<: *vllm
                entrypoint: ["/bin/bash", "-c"]
                command: ["org/not-a-model-here"]
            """,
            ".env.example": "MAIN_SERVED_MODEL_NAME=qwen3-4b\nMAIN_MODEL_ID=Qwen/Qwen3-4B-AWQ\n",
        },
    )
    assert tree.skipped == []
    assert _got(found) == {
        ("hf:Qwen/Qwen3-4B-AWQ@unpinned", "compose.yaml", 7),
        ("hf:org/alt-model@unpinned", "compose.yaml", 12),
        ("hf:Qwen/Qwen3-4B-AWQ@unpinned", ".env.example", 2),
    }


def test_helm_values_shell_line_labels_and_images(tmp_path: Path) -> None:
    found, tree = scan(
        tmp_path,
        {
            "configs/a/values.yaml": """\
            images:
              vLLM: lmcache/vllm-openai:v0.3.7
            cli: "bash /ws/multi-node.sh leader --size=$N;
                  python3 -m vllm.entrypoints.openai.api_server
                    --port 8000 --model deepseek-ai/DeepSeek-V2.5 --enforce-eager"
            """,
            "configs/b/values.yaml": """\
            cli: "sleep 1; vllm serve google/gemma-3-27b-it --max-model-len 25000"
            description: "to try it, run vllm serve org/prose-model on a GPU box"
            """,
            "configs/b/sm.yaml": """\
            apiVersion: monitoring.coreos.com/v1
            kind: ServiceMonitor
            metadata: {name: m, labels: {model: deepseek-v2-5}}
            spec:
              selector:
                matchLabels:
                  model: deepseek-v2-5
            """,
        },
    )
    assert tree.skipped == []
    assert _got(found) == {
        ("hf:deepseek-ai/DeepSeek-V2.5@unpinned", "configs/a/values.yaml", 3),
        ("hf:google/gemma-3-27b-it@unpinned", "configs/b/values.yaml", 1),
    }


def test_a_litellm_ollama_route_in_an_env_file_is_the_daemons_tag(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            ".env.template": (
                "LITELLM_API_KEY=\nLITELLM_API_BASE=http://localhost:11434\n"
                "LITELLM_API_MODEL=ollama/mistral\nCHAT_MODEL=ollama_chat/qwen2.5:7b\n"
            ),
        },
    )
    assert {ev.identity for ev in found} == {"ollama:mistral:latest", "ollama:qwen2.5:7b"}


def test_a_placeholder_to_fill_in_is_no_model(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            ".env": (
                "LLM_BASE_URL=https://api.moonshot.cn/v1\nLLM_MODEL_ID=kimi-k2-turbo-preview\n"
                "LLM_EMBEDDING_MODEL=your-local-path-to-embedding-model\n"
                "AZURE_DEPLOYMENT=your_deployment_name\n"
            ),
        },
    )
    assert {ev.identity for ev in found} == {"api:moonshot/kimi-k2-turbo-preview"}


def test_a_notebook_shell_curl_to_an_ollama_daemon(tmp_path: Path) -> None:
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": [
            "!ollama create tuned_model -f ./model/Modelfile"]},
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": [
            "!curl http://localhost:11434/api/chat -d '{ \\\n",
            '    "model": "tuned_model", \\\n',
            '    "messages": [{"role": "user", "content": "hi"}] \\\n',
            "    }'",
        ]},
    ]  # fmt: skip
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    found, tree = scan(tmp_path, {"tune.ipynb": json.dumps(notebook)})
    assert tree.skipped == []
    assert {(ev.identity, ev.location.context) for ev in found} == {
        ("ollama:tuned_model:latest", "cell 2")
    }
