"""Config, container, Modelfile, MLmodel, DVC and notebook references."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from gate.discover import configs
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.model import Confidence, Evidence, EvidenceKind, Project, Role
from gate.resolve.assemble import assemble


def scan(tmp_path: Path, files: dict[str, str]) -> tuple[list[Evidence], Tree]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    tree = Tree.walk(tmp_path)
    return list(configs.discover(tree, DiscoverContext())), tree


def test_sibling_provider_parent_key_and_endpoint(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "config.yaml": """
            ollama:
              model: llama3.2
            chat:
              provider: openai
              base_url: https://api.moonshot.cn/v1
              model: moonshot-v1-8k
            """
        },
    )
    got = {(ev.identity, ev.location.line, ev.location.context) for ev in found}
    assert got == {
        ("ollama:llama3.2:latest", 3, "ollama.model"),
        ("api:moonshot/moonshot-v1-8k", 7, "chat.model"),
    }
    assert all(ev.confidence is Confidence.MEDIUM for ev in found)


def test_env_file_pairs_urls_with_models_by_stem(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            ".env": """
            LLM_BASE_URL=https://api.deepseek.com
            LLM_MODEL=deepseek-chat
            EMBEDDING_MODEL=text-embedding-3-small
            ANTHROPIC_BASE_URL=https://api.anthropic.com
            SECRET_KEY=not-a-model
            """
        },
    )
    got = {ev.identity: ev.attributes.get("host") for ev in found}
    assert got == {
        "api:deepseek/deepseek-chat": "api.deepseek.com",
        "api:openai/text-embedding-3-small": "api.openai.com",
        "api:anthropic/*": "api.anthropic.com",
    }
    assert all(ev.as_written != "not-a-model" for ev in found)


def test_env_file_with_one_endpoint_serves_every_model_variable(tmp_path: Path) -> None:
    # CHAT_API_BASE_URL ↔ CHAT_MODEL share a stem once "_API" is read as part of the suffix;
    # EMBEDDING_MODEL has no URL of its stem, but every URL the file sets is the same one.
    found, _ = scan(
        tmp_path,
        {
            ".env.example": """
            CHAT_API_BASE_URL=https://api.siliconflow.cn/v1
            CHAT_MODEL=deepseek-ai/DeepSeek-V3
            MEMORY_API_BASE_URL=https://api.siliconflow.cn/v1
            EMBEDDING_MODEL=BAAI/bge-m3
            """
        },
    )
    assert {ev.identity for ev in found} == {
        "api:siliconflow/deepseek-ai/DeepSeek-V3",
        "api:siliconflow/BAAI/bge-m3",
    }


def test_compose_servers_and_commands(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "compose.yaml": """
            services:
              llm:
                image: vllm/vllm-openai:v0.6.3
                command: vllm serve Qwen/Qwen2.5-1.5B-Instruct --port 8000
              embed:
                image: ghcr.io/huggingface/text-embeddings-inference:1.5
                command: ["--model-id", "BAAI/bge-small-en-v1.5"]
              pull:
                image: curlimages/curl
                command: ["sh", "-c", "huggingface-cli download TheBloke/Mistral-7B-GGUF x.gguf"]
            """
        },
    )
    got = {(ev.identity, ev.attributes.get("server")) for ev in found}
    assert got == {
        ("hf:Qwen/Qwen2.5-1.5B-Instruct@unpinned", "vllm"),
        ("hf:BAAI/bge-small-en-v1.5@unpinned", "tei"),
        ("hf:TheBloke/Mistral-7B-GGUF@unpinned", None),
    }
    assert all(ev.confidence is Confidence.HIGH for ev in found)


def test_modelfile_local_weights_join_the_weight_file_component(tmp_path: Path) -> None:
    (tmp_path / "weights").mkdir()
    (tmp_path / "weights" / "coder.gguf").write_bytes(b"GGUF" + bytes(60))
    found, _ = scan(
        tmp_path,
        {"Modelfile": "FROM ./weights/coder.gguf\nADAPTER /abs/elsewhere.gguf\nFROM llama3.1\n"},
    )
    by_line = {ev.location.line: ev for ev in found}
    assert set(by_line) == {1, 2, 3}
    assert by_line[1].identity == "local:weights/coder.gguf"
    # Weights outside the tree: an unresolved local model known by its path.
    assert by_line[2].identity == "local:/abs/elsewhere.gguf"
    assert by_line[2].attributes["not_in_checkout"] == "local path outside the tree"
    assert by_line[1].attributes["weights_path"] == "weights/coder.gguf"
    assert by_line[3].identity == "ollama:llama3.1:latest"
    # The weights source names the file by content; assembly joins the Modelfile to it.
    weight = Evidence(
        source="weights",
        kind=EvidenceKind.WEIGHT_FILE,
        identity="file:sha256:" + "ab" * 32,  # type: ignore[arg-type]
        role=Role.EMBEDDED_WEIGHTS,
        as_written="weights/coder.gguf",
        location=by_line[1].location.__class__("weights/coder.gguf"),
        confidence=Confidence.HIGH,
    )
    inventory = assemble([weight, *found], Project("p"))
    joined = inventory.component("file:sha256:" + "ab" * 32)
    assert joined is not None and len(joined.evidence) == 2
    assert inventory.component("local:weights/coder.gguf") is None


def test_mlmodel_and_dvc(tmp_path: Path) -> None:
    sha = "0fc9ddf78a1e988dac52e2dac162b0ede4fd74ab"
    found, _ = scan(
        tmp_path,
        {
            "model/MLmodel": f"""
            flavors:
              transformers:
                source_model_name: google/flan-t5-small
                source_model_revision: {sha}
            """,
            "data/train.csv.dvc": "outs:\n- md5: abc\n  size: 10\n  path: train.csv\n",
            "hub.dvc": "deps:\n- path: x\n  repo:\n    url: https://huggingface.co/datasets/org/ds\n"
            "    rev_lock: 1111111111111111111111111111111111111111\n",
        },
    )
    got = {(ev.identity, ev.role) for ev in found}
    assert got == {
        (f"hf:google/flan-t5-small@{sha}", Role.RUNTIME_MODEL),
        ("local:data/train.csv", Role.DATASET),
        ("dataset:hf:org/ds", Role.DATASET),
    }


def test_notebook_cells_are_python_with_cell_locations(tmp_path: Path) -> None:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": ["gpt-4o is discussed here"]},
            {"cell_type": "code", "source": ["import litellm\n", "M = 'deepseek/deepseek-chat'\n"]},
            {"cell_type": "code", "source": ["%time x = 1\n", "litellm.completion(model=M)\n"]},
            {"cell_type": "code", "source": ["!ollama pull qwen2.5:0.5b\n"]},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    found, _ = scan(tmp_path, {"nb.ipynb": json.dumps(notebook)})
    got = {(ev.identity, ev.location.context, ev.location.line) for ev in found}
    assert got == {
        ("api:deepseek/deepseek-chat", "cell 2", 2),
        ("ollama:qwen2.5:0.5b", "cell 4", 1),
    }


def test_malformed_configs_are_recorded_skips(tmp_path: Path) -> None:
    found, tree = scan(
        tmp_path,
        {
            "bad.yaml": "model: [unclosed\n",
            "bad.json": '{"model": "gpt-4o"',
            "bad.toml": "model = \n",
            "fine.yaml": "note: nothing here\n",
        },
    )
    assert found == []
    assert sorted(s.path for s in tree.skipped) == ["bad.json", "bad.toml", "bad.yaml"]


def test_pip_installs_in_notebooks_and_dockerfiles_are_dependencies(tmp_path: Path) -> None:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# pip install openai\n"]},
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": [
                "%pip install -q transformers>=4.46 'openai==1.51.0' -i https://pypi.org/simple\n",
                "!pip install --upgrade anthropic && echo done\n",
                "import os\n",
            ],
        },
    ]
    notebook = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    found, tree = scan(
        tmp_path,
        {
            "nb.ipynb": notebook,
            "Dockerfile": (
                "FROM python:3.12-slim\n"
                "RUN pip install --no-cache-dir -r requirements.txt && \\\n"
                "    pip install vllm==0.6.3 flask\n"
            ),
        },
    )
    assert tree.skipped == []
    got = {
        (ev.location.path, ev.location.line, ev.location.context, ev.identity): (
            ev.attributes.get("version")
        )
        for ev in found
    }
    assert got == {
        ("nb.ipynb", 1, "cell 2", "pkg:pypi/transformers"): None,
        ("nb.ipynb", 1, "cell 2", "pkg:pypi/openai"): "1.51.0",
        ("nb.ipynb", 2, "cell 2", "pkg:pypi/anthropic"): None,
        ("Dockerfile", 2, "RUN", "pkg:pypi/vllm"): "0.6.3",
    }
    assert all(ev.kind is EvidenceKind.DEPENDENCY and ev.role is Role.SDK for ev in found)


def test_a_modelfile_under_another_name_is_read_by_its_content(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "bot/body-builder-llama3-1-model": (
                "# set the base model\nFROM llama3.1:8b\nPARAMETER temperature 0.2\n"
            ),
            "bot/ollama_alpaca_file": "FROM model_trained_with_alpaca_format.gguf\n",
            "bot/model-server": "FROM python:3.12\nRUN pip install vllm\n",
        },
    )
    assert {(ev.identity, ev.location.path, ev.location.line) for ev in found} == {
        ("ollama:llama3.1:8b", "bot/body-builder-llama3-1-model", 2),
        ("local:bot/model_trained_with_alpaca_format.gguf", "bot/ollama_alpaca_file", 1),
    }


def test_a_config_shipped_as_its_own_template_is_read_as_its_format(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "config.json.template": json.dumps(
                {
                    "llm": {
                        "base_url": {"value": "https://api.siliconflow.cn/v1/"},
                        "model": {"value": "Pro/deepseek-ai/DeepSeek-V3"},
                    }
                },
                indent=2,
            ),
            "settings.yaml.example": "llm:\n  model: qwen-max\n",
            "package.json.example": '{"name": "x", "model": "gpt-4o"}',
        },
    )
    assert sorted((ev.identity, ev.location.path) for ev in found) == [
        ("api:alibaba/qwen-max", "settings.yaml.example"),
        ("api:siliconflow/Pro/deepseek-ai/DeepSeek-V3", "config.json.template"),
    ]


def test_curl_request_bodies_in_shell_scripts_are_raw_api_calls(tmp_path: Path) -> None:
    # A JSON body in single quotes spans lines; one the API would refuse (a trailing comma)
    # still names its model; a body with no literal URL or a variable model names none.
    found, _ = scan(
        tmp_path,
        {
            "call.sh": """\
            curl --location 'https://dashscope.aliyuncs.com/api/v1/services/aigc/generation' \\
            --header 'Content-Type: application/json' \\
            --data '{
                "model": "some-dashscope-model-v1",
                "input": {"prompt": "hi"}
            }'
            curl https://api.openai.com/v1/chat/completions -d '{"model": "gpt-4o-mini",}'
            curl "$BASE/v1/chat" -d '{"model": "gpt-4o"}'
            curl https://api.openai.com/v1/chat/completions -d '{"model": "$MODEL"}'
            """,
        },
    )
    assert {(ev.identity, ev.location.line) for ev in found} == {
        ("api:alibaba/some-dashscope-model-v1", 4),
        ("api:openai/gpt-4o-mini", 7),
    }


def test_entrypoint_defaults_and_lists_of_named_models(tmp_path: Path) -> None:
    # `${VAR:-default}` with no ARG/ENV above still runs its default; a list of entries under
    # a model key (a CI matrix) names one model per entry's `name`.
    found, _ = scan(
        tmp_path,
        {
            "Dockerfile": """\
            FROM vllm/vllm-openai:latest
            ENTRYPOINT python3 -m vllm.entrypoints.openai.api_server \\
                --model ${MODEL_NAME:-example-org/example-7b-instruct}
            """,
            "ci.yaml": """\
            strategy:
              matrix:
                model:
                  - name: example-org/example-2b-it
                    tag: registry/example-2b:latest
                  - name: other-org/other-1b
                    tag: registry/other-1b:latest
            """,
        },
    )
    assert {ev.identity for ev in found} == {
        "hf:example-org/example-7b-instruct@unpinned",
        "hf:example-org/example-2b-it@unpinned",
        "hf:other-org/other-1b@unpinned",
    }


def test_a_dockerfile_heredoc_script_is_run_line_by_line(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "ollama.Dockerfile": """\
            FROM ollama/ollama:0.6.6
            RUN <<EOF
            ollama serve &
            ollama pull some-embed-text
            EOF
            """,
        },
    )
    assert {(ev.identity, ev.location.line) for ev in found} == {
        ("ollama:some-embed-text:latest", 4),
    }


def test_ollama_chart_operations_are_not_models_and_created_models_are(tmp_path: Path) -> None:
    # otwld's chart: `run:` with every entry commented out is empty, not a model called "run";
    # `create:` entries are models the chart builds and serves under their name.
    found, _ = scan(
        tmp_path,
        {
            "values.yaml": """\
            ollama:
              models:
                pull:
                  - some-model
                run:
                  # - other-model
                create:
                  - name: some-model-ctx
                    template: |
                      FROM some-model
            """,
        },
    )
    assert {ev.identity for ev in found} == {
        "ollama:some-model:latest",
        "ollama:some-model-ctx:latest",
    }
