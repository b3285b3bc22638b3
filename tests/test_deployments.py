"""Deployment files: Dockerfiles, Kubernetes manifests, Helm values, compose environment."""

from __future__ import annotations

from pathlib import Path

from gate.discover import configs
from tests.confighelp import located as _got
from tests.confighelp import scan


def test_dockerfile_args_env_and_downloads(tmp_path: Path) -> None:
    found, tree = scan(
        tmp_path,
        {
            "Dockerfile": """\
            FROM python:3.11-slim
            ARG MODEL_URL=https://huggingface.co/TheBloke/Mistral-7B-Instruct-v0.2-GGUF/resolve/main/mistral-7b-instruct-v0.2.Q4_K_M.gguf
            ARG EMBED_REPO=BAAI/bge-m3
            ENV MODEL_ID=Qwen/Qwen2.5-0.5B-Instruct
            RUN wget -q "$MODEL_URL" -O /models/model.gguf
            RUN huggingface-cli download ${EMBED_REPO} --local-dir /models/embed && \\
                hf download sentence-transformers/all-MiniLM-L6-v2
            RUN ollama serve & sleep 5 && ollama pull nomic-embed-text
            CMD ["python", "serve.py", "--model", "microsoft/Phi-3-mini-4k-instruct"]
            """,
        },
    )
    assert tree.skipped == []
    assert _got(found) == {
        ("hf:TheBloke/Mistral-7B-Instruct-v0.2-GGUF@unpinned", "Dockerfile", 2),
        ("hf:TheBloke/Mistral-7B-Instruct-v0.2-GGUF@unpinned", "Dockerfile", 5),
        ("hf:BAAI/bge-m3@unpinned", "Dockerfile", 6),
        ("hf:Qwen/Qwen2.5-0.5B-Instruct@unpinned", "Dockerfile", 4),
        ("hf:sentence-transformers/all-MiniLM-L6-v2@unpinned", "Dockerfile", 6),
        ("ollama:nomic-embed-text:latest", "Dockerfile", 8),
        ("hf:microsoft/Phi-3-mini-4k-instruct@unpinned", "Dockerfile", 9),
    }


def test_kubernetes_args_and_env_helm_values_and_compose(tmp_path: Path) -> None:
    found, tree = scan(
        tmp_path,
        {
            "k8s/deployment.yaml": """\
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: api}
            spec:
              template:
                spec:
                  containers:
                    - name: api
                      image: ghcr.io/acme/rag-api:1.2
                      args: ["--port", "8080", "--model", "deepseek-chat"]
                      env:
                        - name: MODEL_ID
                          value: mistralai/Mistral-7B-Instruct-v0.3
                        - name: LOG_LEVEL
                          value: info
            """,
            "chart/values.yaml": """\
            replicaCount: 1
            extraEnv:
              - name: EMBEDDING_MODEL
                value: BAAI/bge-small-en-v1.5
            """,
            "docker-compose.yml": """\
            services:
              app:
                build: .
                command: python app.py --judge-model gpt-4o-mini
                environment:
                  - MODEL_NAME=claude-3-5-sonnet-20240620
                  - OPENAI_API_KEY=${OPENAI_API_KEY}
            """,
        },
    )
    assert tree.skipped == []
    assert _got(found) == {
        ("api:deepseek/deepseek-chat", "k8s/deployment.yaml", 10),
        ("hf:mistralai/Mistral-7B-Instruct-v0.3@unpinned", "k8s/deployment.yaml", 13),
        ("hf:BAAI/bge-small-en-v1.5@unpinned", "chart/values.yaml", 4),
        ("api:openai/gpt-4o-mini", "docker-compose.yml", 4),
        ("api:anthropic/claude-3-5-sonnet-20240620", "docker-compose.yml", 6),
    }


def test_lock_files_are_left_to_the_dependency_source(tmp_path: Path) -> None:
    # A lock file mentions model-ish keys and Hub URLs (package names, tarball links) but is
    # read once, by the dependencies source: the configs source does not parse it again.
    lock = "lockfileVersion: '9.0'\npackages:\n  model-viewer@1.0.0:\n    resolution: {model: x}\n"
    for name in ("pnpm-lock.yaml", "package-lock.json", "poetry.lock", "conda-lock.yml"):
        assert configs._kind(configs.TreeFile(name, name)) is None
    found, _ = scan(tmp_path, {"pnpm-lock.yaml": lock, "config.yaml": "model: gpt-4o\n"})
    assert {ev.location.path for ev in found} == {"config.yaml"}


def test_helm_values_of_the_ollama_chart_pull_models(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "values.yaml": """\
            ollama:
              gpu: {enabled: false}
              models:
                pull:
                  - qwen2.5:14b
                  - mistral
            """,
        },
    )
    assert {(ev.identity, ev.location.line, ev.attributes.get("listed")) for ev in found} == {
        ("ollama:qwen2.5:14b", 5, None),
        ("ollama:mistral:latest", 6, None),
    }


def test_shell_scripts_read_model_variables_and_command_lines(tmp_path: Path) -> None:
    found, tree = scan(
        tmp_path,
        {
            "scripts/start-tgi.sh": """\
            #!/usr/bin/env bash
            model=LGAI-EXAONE/EXAONE-3.0-7.8B-Instruct
            volume=$PWD/data
            docker run --gpus all -v $volume:/data \\
                ghcr.io/huggingface/text-generation-inference:2.0 \\
                --model-id $model --max-input-length 2048
            huggingface-cli download BAAI/bge-m3
            """,
        },
    )
    assert tree.skipped == []
    assert _got(found) == {
        ("hf:LGAI-EXAONE/EXAONE-3.0-7.8B-Instruct@unpinned", "scripts/start-tgi.sh", 2),
        ("hf:LGAI-EXAONE/EXAONE-3.0-7.8B-Instruct@unpinned", "scripts/start-tgi.sh", 4),
        ("hf:BAAI/bge-m3@unpinned", "scripts/start-tgi.sh", 7),
    }


def test_model_and_dataset_entries_and_model_path_keys(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "configs/train.yaml": """\
            model:
              name: "Qwen/Qwen2.5-14B-Instruct"
              load_in_4bit: true
            dataset:
              name: "HuggingFaceH4/ultrachat_200k"
              split: "train_sft[:1000]"
            base_model_path: "/opt/tiger/model/Qwen2-7B"
            reward_model_path: "weqweasdas/hh_rlhf_rm_open_llama_3b"
            sft_adapter_path: "out/sft/final"
            output:
              merged_dir: "/models/merged/my_model"
            """,
        },
    )
    assert _got(found) == {
        ("hf:Qwen/Qwen2.5-14B-Instruct@unpinned", "configs/train.yaml", 2),
        ("dataset:hf:HuggingFaceH4/ultrachat_200k", "configs/train.yaml", 5),
        ("local:/opt/tiger/model/Qwen2-7B", "configs/train.yaml", 7),
        ("hf:weqweasdas/hh_rlhf_rm_open_llama_3b@unpinned", "configs/train.yaml", 8),
    }


def test_docker_run_volumes_and_ollama_create_in_scripts(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "scripts/start-tgi-qwen.sh": """\
            docker run --rm --gpus all \\
              -v $PWD/models/Qwen2-7B-Instruct-GPTQ-Int4:/data \\
              ghcr.io/huggingface/text-generation-inference:latest \\
              --model-id /data --quantize gptq
            """,
            "scripts/update-model.sh": """\
            ollama create body-builder-model -f bodyBuilderModelfile
            ollama run body-builder-model
            ollama pull llama3.1:8b
            """,
        },
    )
    assert _got(found) == {
        ("local:models/Qwen2-7B-Instruct-GPTQ-Int4", "scripts/start-tgi-qwen.sh", 1),
        ("ollama:llama3.1:8b", "scripts/update-model.sh", 3),
    }
