"""Process launchers and serving aliases: supervisord programs run model servers; the name a
server answers to is an alias, not a model; a program identifier is no hosted API's name."""

from __future__ import annotations

import textwrap
from pathlib import Path

from gate.discover import python, refs
from gate.discover.tree import Tree
from tests import confighelp


def scan(tmp_path: Path, files: dict[str, str]) -> tuple[set[tuple[str, str, int | None]], Tree]:
    found, tree = confighelp.scan(tmp_path, files)
    return confighelp.located(found), tree


def test_supervisord_programs_commands_are_read_as_command_lines(tmp_path: Path) -> None:
    found, tree = scan(
        tmp_path,
        {
            "deploy/asr.conf": """\
            ; started from the web UI
            [program:asr]
            command=vllm serve openai/whisper-large-v2
                --served-model-name asr-large
            autostart=false

            [program:ui]
            command=python ui.py --port 7860
            """,
            "deploy/conf.d/chat.ini": """\
            [program:chat]
            command = python -m vllm.entrypoints.openai.api_server --model Qwen/Qwen2.5-3B-Instruct
            """,
            "deploy/nginx.conf": "server { location /vllm { proxy_pass http://x; } }\n",
        },
    )
    assert tree.skipped == []
    assert found == {
        ("hf:openai/whisper-large-v2@unpinned", "deploy/asr.conf", 3),
        ("hf:Qwen/Qwen2.5-3B-Instruct@unpinned", "deploy/conf.d/chat.ini", 2),
    }


def test_a_served_model_name_is_an_alias_not_a_model(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "serve.sh": """\
            SERVED=qwen-finetuned
            vllm serve ./merged --served-model-name $SERVED
            docker run vllm/vllm-openai --model mistralai/Mistral-7B-v0.3 \\
                --served-model-name deepseek-chat
            """,
        },
    )
    assert found == {
        ("local:merged", "serve.sh", 2),
        ("hf:mistralai/Mistral-7B-v0.3@unpinned", "serve.sh", 3),
    }
    assert not any(i.startswith("api:") for i, _, _ in found)


def test_a_snake_case_identifier_is_no_hosted_api_name() -> None:
    outcome = python.analyse_file(
        "demo.py",
        textwrap.dedent(
            """
            MODEL_LOADERS = {"qwen2_vl": load_qwen2_vl, "qwen2_5_vl": load_qwen2_5_vl}
            AVAILABLE_MODELS = ["qwen-max", "deepseek-chat", "chatglm_std"]
            """
        ).encode(),
    )
    found = {ev.identity for ev in refs.dedupe(outcome.evidence)}
    # Zhipu's retired chatglm_std is its API's name: its pattern is written with "_".
    assert found == {"api:alibaba/qwen-max", "api:deepseek/deepseek-chat", "api:zhipu/chatglm_std"}


def test_a_client_passed_to_a_function_keeps_its_endpoint() -> None:
    outcome = python.analyse_file(
        "client.py",
        textwrap.dedent(
            """
            from openai import OpenAI
            def translate(path, client: OpenAI):
                return client.audio.translations.create(model="whisper-large-v3", file=path)
            def main():
                client = OpenAI(base_url="http://localhost:8000/v1", api_key="EMPTY")
                translate("a.wav", client)
            """
        ).encode(),
    )
    found = {ev.identity for ev in refs.dedupe(outcome.evidence)}
    assert found == {"api:local/whisper-large-v3"}


def _python_ids(source: str) -> set[str]:
    outcome = python.analyse_file("settings.py", textwrap.dedent(source).encode())
    return {ev.identity for ev in refs.dedupe(outcome.evidence)}


def test_a_name_the_module_uses_for_a_server_is_not_a_model() -> None:
    found = _python_ids(
        """
        import os
        SERVERS = {
            "gpu_small": os.getenv("SMALL_URL", "http://localhost:11434"),
            "gpu_large": "http://localhost:11436",
        }
        RECOMMENDED_MODELS = {
            "chat": ("llama3.2:3b", "gpu_small"),
            "code": ("qwen2.5-coder:7b", "gpu_large"),
        }
        class Config:
            AVAILABLE_LLM_MODELS = {
                "gemma-2b": {"host": "gemma-2b", "port": "8080"},
                "deepseek-chat": {"tier": "paid"},
            }
            DEFAULT_LLM_MODEL = "gemma-2b"
            LLM_HOST = os.getenv("LLM_HOST", "gemma-2b")
        ROUTES = {"train_model": "/train_model (POST)"}
        """
    )
    assert found == {
        "ollama:llama3.2:3b",
        "ollama:qwen2.5-coder:7b",
        "api:deepseek/deepseek-chat",
    }
    assert not any("gpu_" in i or "gemma-2b" in i or "train_model" in i for i in found)


def test_a_size_tag_after_a_provider_word_is_an_ollama_tag(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "models.sh": """\
            RECOMMENDED_MODEL="mistral:7b"
            ollama pull $RECOMMENDED_MODEL
            CHAT_MODEL="openai:gpt-4o-mini"
            """,
        },
    )
    ids = {i for i, _, _ in found}
    assert "ollama:mistral:7b" in ids and "api:mistral/7b" not in ids
    assert "api:openai/gpt-4o-mini" in ids


def test_llama_cpp_hf_repo_variable_and_bare_embedding_names(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            ".env.example": """\
            LLAMA_ARG_HF_REPO=bartowski/Qwen2.5-7B-Instruct-GGUF
            """,
            "config/config.yaml": """\
            llm:
              embedding_model: "all-MiniLM-L6-v2"
              model: "qwen-turbo"
            """,
        },
    )
    assert found == {
        ("hf:bartowski/Qwen2.5-7B-Instruct-GGUF@unpinned", ".env.example", 1),
        ("hf:sentence-transformers/all-MiniLM-L6-v2@unpinned", "config/config.yaml", 2),
        ("api:alibaba/qwen-turbo", "config/config.yaml", 3),
    }


def test_ms_swift_resolves_models_and_dataset_lists_on_modelscope() -> None:
    found = _python_ids(
        """
        from swift import get_model_processor, load_dataset
        base = "Qwen/Qwen2.5-0.5B-Instruct"
        data = ["AI-ModelScope/alpaca-gpt4-data-en#500", "swift/self-cognition#200"]
        model, tokenizer = get_model_processor(base)
        train, val = load_dataset(data, split_dataset_ratio=0.01)
        """
    )
    assert found == {
        "modelscope:Qwen/Qwen2.5-0.5B-Instruct@unpinned",
        "dataset:modelscope:AI-ModelScope/alpaca-gpt4-data-en",
        "dataset:modelscope:swift/self-cognition",
    }


def test_an_sdk_constant_naming_a_model_is_that_model() -> None:
    found = _python_ids(
        """
        import dashscope
        from llama_index.embeddings.dashscope import (
            DashScopeEmbedding,
            DashScopeTextEmbeddingModels as Models,
        )
        embedder = DashScopeEmbedding(model_name=Models.TEXT_EMBEDDING_V3)
        v1 = dashscope.TextEmbedding.Models.text_embedding_v1
        dashscope.TextEmbedding.call(model=v1, input="x")
        """
    )
    assert found == {"api:alibaba/text-embedding-v3", "api:alibaba/text-embedding-v1"}


def test_a_table_of_models_endpoints_still_lists_its_models() -> None:
    found = _python_ids(
        """
        model_to_url = {
            "deepseek-reasoner": "https://api.deepseek.com",
            "glm-z1-air": "https://open.bigmodel.cn/api/paas/v4/",
        }
        """
    )
    assert found == {"api:deepseek/deepseek-reasoner", "api:zhipu/glm-z1-air"}


def test_a_model_arguments_string_on_a_command_line_names_its_models(tmp_path: Path) -> None:
    # lighteval's model-args string, lm-eval's --model_args, a key=value override.
    found, _ = scan(
        tmp_path,
        {
            "eval.sh": """\
            #!/bin/bash
            lighteval vllm \\
              "model_name=SomeOrg/Some-Model-0.5B,dtype=bf16,generation_parameters={a:6,b:0.9}" \\
              "lighteval|gsm8k|5"
            lm_eval --model hf --model_args pretrained=OtherOrg/other-7b,peft=OtherOrg/other-lora
            trainer-cli train model_name_or_path=ThirdOrg/third-1b output_dir=out
            lighteval vllm "model_name=/srv/ckpt/checkpoint-10,dtype=bfloat16" "x|y|0"
            run model=llama tokenizer_name=bert
            """,
        },
    )
    assert {identity for identity, _, _ in found} == {
        "hf:SomeOrg/Some-Model-0.5B@unpinned",
        "hf:OtherOrg/other-7b@unpinned",
        "hf:OtherOrg/other-lora@unpinned",
        "hf:ThirdOrg/third-1b@unpinned",
        "local:/srv/ckpt/checkpoint-10",
    }
    assert {line for identity, _, line in found if "SomeOrg" in identity} == {2}


def test_a_modelscope_download_in_a_script_is_a_modelscope_id_only(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "download.sh": """\
            #!/bin/bash
            DIR=./models
            modelscope download --model SomeOrg/Some-Model-3B --local_dir $DIR/x --revision master
            python -m vllm.entrypoints.openai.api_server --model /models/private-7b
            """,
        },
    )
    assert {identity for identity, _, _ in found} == {
        "modelscope:SomeOrg/Some-Model-3B@unpinned",
        "local:/models/private-7b",  # a path: still read by the generic flag rule
    }


def test_lora_modules_of_a_vllm_server_name_their_adapters(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "serve.sh": """\
            vllm serve SomeOrg/base-1b --enable-lora \\
              --lora-modules sql=SomeOrg/sql-lora chat=/srv/adapters/chat --max-lora-rank 64
            """,
        },
    )
    assert {identity for identity, _, _ in found} == {
        "hf:SomeOrg/base-1b@unpinned",
        "hf:SomeOrg/sql-lora@unpinned",
        "local:/srv/adapters/chat",
    }
