"""Hub-style ids served by a third party, and the other Python/config/deployment classes of
the round-7 recogniser work (issue 12): raw HTTP bodies held in a variable, Hugging Face's
own inference clients, scripts named like tests, ModelScope as the hub, Ollama tags in more
sites, relays named by an env file's base URL. Hand-written cases, none copied from a
scanned repository."""

from __future__ import annotations

import textwrap
from pathlib import Path

from gate.discover import python, refs
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.model import Evidence


def py(source: str, name: str = "app.py") -> list[Evidence]:
    outcome = python.analyse_file(name, textwrap.dedent(source).encode())
    assert outcome.skipped == []
    return refs.dedupe(outcome.evidence)


def ids(found: list[Evidence]) -> set[str]:
    return {ev.identity for ev in found}


# --- 1. Hub-style ids served by a third party -----------------------------------------------


def test_a_request_body_held_in_a_variable_is_served_at_the_url_it_is_posted_to() -> None:
    found = py(
        """
        import requests
        def ask(text):
            body = {
                "model": "acme-ai/Chatty-7B-Instruct",
                "prompt": text,
            }
            return requests.post("https://api.together.xyz/v1/completions", json=body)
        """
    )
    assert ids(found) == {"api:together/acme-ai/Chatty-7B-Instruct"}
    (ev,) = found
    assert ev.location.line == 5


def test_a_body_serialised_with_json_dumps_and_a_module_url_constant() -> None:
    found = py(
        """
        import json, httpx
        URL = "https://router.huggingface.co/v1/chat/completions"
        payload = {"model": "acme-ai/Chatty-7B-Instruct", "messages": []}
        async def ask():
            async with httpx.AsyncClient() as http:
                return await http.post(URL, data=json.dumps(payload))
        """
    )
    assert ids(found) == {"api:huggingface/acme-ai/Chatty-7B-Instruct"}


def test_a_multipart_model_field_is_served_where_it_is_uploaded() -> None:
    found = py(
        """
        import requests
        BASE = "https://api.siliconflow.cn/v1"
        def upload(audio):
            files = {"model": (None, "acme-ai/Voice-0.5B"), "audio": (None, audio)}
            return requests.post(f"{BASE}/uploads/audio/voice", files=files)
        """
    )
    assert ids(found) == {"api:siliconflow/acme-ai/Voice-0.5B"}


def test_a_body_never_posted_stays_what_its_shape_says() -> None:
    found = py(
        """
        import requests
        body = {"model": "acme-ai/Chatty-7B-Instruct"}
        other = {"x": 1}
        requests.post("https://api.together.xyz/v1/completions", json=other)
        """
    )
    assert ids(found) == {"hf:acme-ai/Chatty-7B-Instruct@unpinned"}


def test_a_body_posted_to_the_deployments_own_server_is_its_model() -> None:
    found = py(
        """
        import requests
        body = {"model": "acme-ai/Chatty-7B-Instruct"}
        requests.post("http://localhost:8000/v1/completions", json=body)
        """
    )
    assert ids(found) == {"api:local/acme-ai/Chatty-7B-Instruct"}


def test_haystack_hugging_face_api_components_are_hugging_faces_inference() -> None:
    found = py(
        """
        from haystack.components.generators import HuggingFaceAPIGenerator
        from haystack.components.embedders import HuggingFaceAPITextEmbedder
        gen = HuggingFaceAPIGenerator(
            api_type="serverless_inference_api",
            api_params={"model": "acme-ai/Chatty-7B-Instruct"},
        )
        emb = HuggingFaceAPITextEmbedder(
            api_type="serverless_inference_api", api_params={"model": "acme-ai/embed-small"}
        )
        """
    )
    assert ids(found) == {
        "api:huggingface/acme-ai/Chatty-7B-Instruct",
        "api:huggingface/acme-ai/embed-small",
    }


def test_hugging_face_inference_clients_and_the_together_sdk() -> None:
    found = py(
        """
        from huggingface_hub import InferenceClient
        from langchain_huggingface import HuggingFaceEndpoint
        from langchain_community.llms import HuggingFaceHub
        from together import Together
        InferenceClient(model="acme-ai/Chatty-7B-Instruct").chat_completion([])
        HuggingFaceEndpoint(repo_id="acme-ai/Chatty-13B-Instruct")
        HuggingFaceHub(repo_id="acme-ai/Chatty-1B")
        Together().chat.completions.create(model="acme-ai/Chatty-70B-Instruct-Turbo")
        """
    )
    assert ids(found) == {
        "api:huggingface/acme-ai/Chatty-7B-Instruct",
        "api:huggingface/acme-ai/Chatty-13B-Instruct",
        "api:huggingface/acme-ai/Chatty-1B",
        "api:together/acme-ai/Chatty-70B-Instruct-Turbo",
    }


# --- 2. Scripts named like tests ------------------------------------------------------------


def test_a_script_named_like_a_test_is_read_when_no_test_runner_would_collect_it(
    tmp_path: Path,
) -> None:
    call = 'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o")\n'
    files = {
        "app.py": call,
        "ui_test.py": "import streamlit as st\n" + call,  # an app someone named *_test.py
        "sub/api_test.py": call,
        "test_pytest_style.py": "def test_chat():\n    " + call.replace("\n", "\n    "),
        "model_test.py": "import pytest\n" + call,
        "case_test.py": "from unittest import TestCase\n" + call,
        "class_test.py": "class TestChat:\n    x = 1\n" + call,
        "async_test.py": "async def test_it():\n    pass\n" + call,
        "tests/run_api.py": call,  # a test folder stays a test folder
        "test_manual.py": call,  # test_*.py stays a test whatever it holds
    }
    for rel, body in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(body)
    ctx = DiscoverContext()
    found = list(python.discover(Tree.walk(tmp_path), ctx))
    assert sorted(ev.location.path for ev in found) == ["app.py", "sub/api_test.py", "ui_test.py"]
    assert ctx.facts.notes == [
        "tests and docs set aside (not read for model references; --include-tests reads"
        " them): 7 files in async_test.py (1), case_test.py (1), class_test.py (1),"
        " model_test.py (1), test_manual.py (1), test_pytest_style.py (1), tests/ (1)"
    ]


def test_a_test_named_file_too_big_to_check_stays_set_aside(tmp_path: Path) -> None:
    call = 'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o")\n'
    (tmp_path / "big_test.py").write_text(call + "# padding\n" * 200_000)
    found = list(python.discover(Tree.walk(tmp_path), DiscoverContext()))
    assert found == []


# --- 3. ModelScope as the hub ---------------------------------------------------------------


def cfg(text: str, name: str = "config.yaml") -> list[Evidence]:
    from gate.discover import configs

    outcome = configs.analyse_file(name, textwrap.dedent(text).encode())
    return refs.dedupe(outcome.evidence)


def test_funasr_automodel_downloads_from_modelscope_unless_told_the_hub() -> None:
    found = py(
        """
        import os
        from funasr import AutoModel
        ASR = os.environ.get("ASR_MODEL", "acme-lab/SpeechSmall")
        asr = AutoModel(model=ASR, vad_model="acme-lab/vad-16k", punc_model="ct-punc")
        hub = AutoModel(model="acme-lab/SpeechLarge", hub="hf")
        """
    )
    assert ids(found) == {
        "modelscope:acme-lab/SpeechSmall@unpinned",
        "modelscope:acme-lab/vad-16k@unpinned",
        "hf:acme-lab/SpeechLarge@unpinned",
    }


def test_a_sibling_hub_key_puts_a_config_id_on_modelscope() -> None:
    found = cfg(
        """
        tasks:
          quiz:
            data_cfgs:
              load_type: modelscope
              data_path: acme-lab/quiz-set
          other:
            data_cfgs:
              load_type: datasets
              data_path: acme-lab/other-set
        asr:
          hub: ms
          model: acme-lab/SpeechSmall
        llm:
          model: acme-lab/Chat-7B
        """
    )
    assert ids(found) == {
        "dataset:modelscope:acme-lab/quiz-set",
        "dataset:hf:acme-lab/other-set",
        "modelscope:acme-lab/SpeechSmall@unpinned",
        "hf:acme-lab/Chat-7B@unpinned",
    }


# --- 4. Ollama tags in more sites -----------------------------------------------------------


def test_an_ollama_tag_is_ollamas_whatever_host_runs_the_daemon() -> None:
    found = py(
        """
        import dspy
        from openai import OpenAI
        from smolagents import LiteLLMModel
        name = "llama3.2"
        lm = dspy.LM(f"ollama_chat/{name}", api_base="https://abc-1-2.ngrok-free.app")
        agent = LiteLLMModel(model_id="ollama/qwen2.5-coder:7b", api_base="http://gpu.example.org:11434")
        OpenAI(base_url="http://gpu.example.org:11434/v1").chat.completions.create(model="phi3:mini")
        """
    )
    assert ids(found) == {
        "ollama:llama3.2:latest",
        "ollama:qwen2.5-coder:7b",
        "ollama:phi3:mini",
    }


def test_a_raw_request_to_ollamas_own_api_paths_names_an_ollama_tag() -> None:
    found = py(
        """
        import requests
        from settings import OLLAMA_BASE
        class Batch:
            def __init__(self, model: str = "mistral", base_url: str = "http://localhost:11434"):
                self.model = model
                self.base_url = base_url.rstrip("/")
            def run(self, prompt):
                data = {"model": self.model, "messages": [prompt]}
                return requests.post(f"{self.base_url}/api/chat", json=data)
        class Gen:
            def __init__(self, model_name="llama2"):
                self.model_name = model_name
                self.api_base = OLLAMA_BASE
            def generate(self, prompt):
                body = {"model": self.model_name, "prompt": prompt}
                return requests.post(f"{self.api_base}/api/generate", json=body)
        """
    )
    assert ids(found) == {"ollama:mistral:latest", "ollama:llama2:latest"}


def test_an_apps_own_backend_route_named_api_chat_is_not_ollama() -> None:
    found = py(
        """
        import requests
        from settings import BACKEND
        requests.post(f"{BACKEND}/api/chat", json={"model": "gpt-4o", "messages": []})
        """
    )
    assert ids(found) == {"api:openai/gpt-4o"}


def env(text: str, name: str = ".env.example") -> list[Evidence]:
    return cfg(text, name)


def test_an_env_files_ollama_url_serves_its_ollama_library_names() -> None:
    found = env(
        """
        OPENAI_API_KEY=sk-
        OLLAMA_BASE_URL=http://localhost:11434
        # choose bge-m3 or nomic-embed-text
        EMBEDDING_MODEL_NAME=nomic-embed-text
        CHAT_MODEL=gpt-4o
        """
    )
    assert ids(found) == {"ollama:nomic-embed-text:latest", "api:openai/gpt-4o"}


def test_an_env_files_one_relay_url_serves_its_model_variables() -> None:
    found = env(
        """
        # upstream OpenAI-compatible relay
        OPENAI_BASE_URL=https://relay.example.net/v1
        OPENAI_API_KEY=sk-your-key
        PROXY_MASTER_KEY=sk-local
        MODEL_MAIN_UPSTREAM_MODEL=gpt-5
        MODEL_DS_UPSTREAM_MODEL=deepseek-v3.2
        """
    )
    assert ids(found) == {
        "api:relay.example.net/gpt-5",
        "api:relay.example.net/deepseek-v3.2",
    }


def test_a_relay_url_with_another_providers_key_beside_it_decides_nothing() -> None:
    found = env(
        """
        OPENAI_BASE_URL=https://relay.example.net/v1
        ANTHROPIC_API_KEY=sk-ant-x
        MODEL=claude-3-5-sonnet-20241022
        """
    )
    assert ids(found) == {"api:anthropic/claude-3-5-sonnet-20241022"}


def test_anythingllm_style_env_in_a_kubernetes_configmap() -> None:
    found = cfg(
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: chat-env
        data:
          .env: |
            LLM_PROVIDER='ollama'
            OLLAMA_BASE_PATH='http://ollama.ai.svc.cluster.local:11434'
            OLLAMA_MODEL_PREF='granite4:3b'
            EMBEDDING_ENGINE='ollama'
            EMBEDDING_BASE_PATH='http://ollama.ai.svc.cluster.local:11434'
            EMBEDDING_MODEL_PREF='embeddinggemma:latest'
        """,
        "k8s/chat.yaml",
    )
    assert ids(found) == {"ollama:granite4:3b", "ollama:embeddinggemma:latest"}
    lines = sorted(ev.location.line for ev in found)
    assert lines == [10, 13]


def test_requests_request_takes_its_url_second() -> None:
    found = py(
        """
        import requests
        url = "https://api.siliconflow.cn/v1/images/generations"
        payload = {"model": "acme-ai/Painter", "prompt": "1"}
        requests.request("POST", url, json=payload)
        """
    )
    assert ids(found) == {"api:siliconflow/acme-ai/Painter"}


# --- 5. Relays and deployments --------------------------------------------------------------


def test_terraform_model_deployments_name_the_model_they_deploy() -> None:
    found = cfg(
        """
        resource "azurerm_cognitive_deployment" "chat" {
          name                 = "chat-prod"
          cognitive_account_id = azurerm_ai_services.main.id
          model {
            format  = "OpenAI"
            name    = "gpt-4o-mini"
            version = "2024-07-18"
          }
          sku {
            name = "Standard"
          }
        }

        resource "azurerm_cognitive_deployment" "other" {
          name = "llama"
          model {
            format  = "Meta"
            name    = "Llama-3.3-70B-Instruct"
            version = "1"
          }
        }

        resource "azurerm_cognitive_deployment" "var" {
          name = "x"
          model {
            format = "OpenAI"
            name   = var.model_name
          }
        }

        resource "aws_bedrockagent_agent" "helper" {
          agent_name       = "helper"
          foundation_model = "anthropic.claude-3-5-sonnet-20240620-v1:0"
        }

        resource "azurerm_storage_account" "s" {
          name = "gpt4o"
        }
        """,
        "infra/ai.tf",
    )
    got = {(ev.identity, ev.location.line) for ev in found}
    assert got == {
        ("api:azure-openai/gpt-4o-mini", 7),
        ("api:azure-ai/Llama-3.3-70B-Instruct", 19),
        ("api:bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0", 34),
    }


def test_terraform_bedrock_data_sources_and_variable_defaults_name_the_model() -> None:
    found = cfg(
        """
        data "aws_bedrock_foundation_model" "m" {
          model_id = "anthropic.claude-3-haiku-20240307-v1:0"
        }

        data "aws_bedrock_inference_profile" "p" {
          inference_profile_id = "eu.amazon.nova-lite-v1:0"
        }

        variable "model_id" {
          type    = string
          default = "us.meta.llama3-1-8b-instruct-v1:0"
        }

        variable "region" {
          default = "us-east-1"
        }

        variable "chat" {
          default = "gpt-4o"
        }
        """,
        "infra/main.tf",
    )
    assert {(ev.identity, ev.location.line) for ev in found} == {
        ("api:bedrock/anthropic.claude-3-haiku-20240307-v1:0", 3),
        ("api:bedrock/eu.amazon.nova-lite-v1:0", 7),
        ("api:bedrock/us.meta.llama3-1-8b-instruct-v1:0", 12),
    }


def test_a_dict_keyed_by_model_id_with_its_loader_class_lists_each_model() -> None:
    found = py(
        """
        import transformers
        from transformers import LlamaForCausalLM, AutoTokenizer

        CONFIG = {
            "acme-lab/tiny-chat-1b": {"model": LlamaForCausalLM, "tokenizer": AutoTokenizer},
            "acme-lab/tiny-coder-1b": {"model": transformers.AutoModelForCausalLM},
            "acme-lab/not-a-model": {"colour": "blue", "size": 3},
        }
        """,
        "lib/config.py",
    )
    assert {(ev.identity, ev.location.line, ev.attributes.get("listed")) for ev in found} == {
        ("hf:acme-lab/tiny-chat-1b@unpinned", 6, True),
        ("hf:acme-lab/tiny-coder-1b@unpinned", 7, True),
    }


def test_a_ui_picker_whose_id_names_a_model_lists_each_option_value() -> None:
    found = cfg(
        """
        {"blocks": [
          {"type": "input", "block_id": "chat_model",
           "element": {"type": "static_select", "action_id": "chat_model",
            "options": [
              {"text": {"type": "plain_text", "text": "Chat: gpt-4o-mini"}, "value": "gpt-4o-mini"},
              {"text": {"type": "plain_text", "text": "Claude"}, "value": "claude-3-haiku-20240307"}
            ]}},
          {"type": "input", "block_id": "tone",
           "element": {"type": "static_select", "action_id": "tone",
            "options": [{"text": {"type": "plain_text", "text": "gpt-4o"}, "value": "gpt-4o"}]}}
        ]}
        """,
        "src/payloads/modal.json",
    )
    assert {(ev.identity, ev.location.line, ev.attributes.get("listed")) for ev in found} == {
        ("api:openai/gpt-4o-mini", 6, True),
        ("api:anthropic/claude-3-haiku-20240307", 7, True),
    }


def test_a_model_name_the_app_saves_its_own_model_to_is_no_hosted_model() -> None:
    found = py(
        """
        from transformers import AutoModelForCausalLM
        base_model_name = "acme-lab/tiny-chat-1b"
        new_model_name = "Qwen2.5-Tiny-LoRA"
        model = AutoModelForCausalLM.from_pretrained(base_model_name)
        model.save_pretrained(new_model_name)
        other_model = "qwen-max"
        """,
        "train.py",
    )
    assert ids(found) == {"hf:acme-lab/tiny-chat-1b@unpinned", "api:alibaba/qwen-max"}


def test_a_dot_relative_folder_the_checkout_lacks_given_to_a_loader_is_local() -> None:
    found = py(
        """
        from peft import PeftModel
        from transformers import AutoModelForCausalLM
        ADAPTER = "./Tiny-Chat-LoRA"
        base = AutoModelForCausalLM.from_pretrained("acme-lab/tiny-chat-1b")
        model = PeftModel.from_pretrained(base, ADAPTER)
        here = AutoModelForCausalLM.from_pretrained("./")
        """,
        "serve.py",
    )
    assert ids(found) == {"hf:acme-lab/tiny-chat-1b@unpinned", "local:Tiny-Chat-LoRA"}
    (adapter,) = (ev for ev in found if ev.identity == "local:Tiny-Chat-LoRA")
    assert "does not hold" in str(adapter.attributes["not_in_checkout"])


def test_an_unparsable_terraform_file_names_nothing_and_is_not_an_error() -> None:
    from gate.discover import configs

    outcome = configs.analyse_file("x.tf", b'resource "azurerm_cognitive_deployment" {{{{ \\x00')
    assert outcome.evidence == []


# --- 6. Legacy ids and local paths ----------------------------------------------------------


def test_a_retired_canonical_dataset_name_is_the_id_it_moved_to() -> None:
    found = py(
        """
        from datasets import load_dataset
        ds = load_dataset("amazon_polarity", split="train[:10%]")
        other = load_dataset("banking77")
        """
    )
    assert ids(found) == {
        "dataset:hf:fancyzhx/amazon_polarity",
        "dataset:hf:PolyAI/banking77",
    }


def test_a_keras_model_file_named_relative_to_the_module_is_that_tree_file() -> None:
    found = py(
        """
        from tensorflow.keras.models import load_model
        import keras
        def predict(x):
            model = load_model("air_v1.h5", custom_objects={})
            other = keras.saving.load_model("weights/sky.keras")
            hub = keras.saving.load_model("hf://acme-lab/keras-net")
            away = load_model("../../outside.h5")
            folder = load_model("saved_model_dir")
        """,
        "backend/model.py",
    )
    assert ids(found) == {
        "local:backend/air_v1.h5",
        "local:backend/weights/sky.keras",
        "hf:acme-lab/keras-net@unpinned",
    }


def test_an_apps_own_env_helper_gives_its_default() -> None:
    found = py(
        """
        import requests
        from utils.env_utils import get_env_var
        class Tts:
            def __init__(self):
                self.base_url = get_env_var("TTS_URL_SiliconFlow", "https://api.siliconflow.cn/v1").strip()
                self.model = get_env_var("TTS_MODEL", default="acme-ai/Voice-0.5B")
            def speak(self, text):
                body = {"model": self.model, "input": text}
                return requests.post(f"{self.base_url}/audio/speech", json=body)
        """
    )
    assert ids(found) == {"api:siliconflow/acme-ai/Voice-0.5B"}


def test_a_code_default_of_an_env_variable_is_the_model_the_env_file_configures(
    tmp_path: Path,
) -> None:
    from gate import pipeline

    (tmp_path / ".env.example").write_text(
        "CHAT_API_BASE_URL=https://api.siliconflow.cn/v1\nCHAT_MODEL=acme-ai/Chat-V3\n"
    )
    (tmp_path / "config.py").write_text(
        "import os\n"
        'CHAT = {"model": os.getenv("CHAT_MODEL", "acme-ai/Chat-V3")}\n'
        'EMBED = {"model": os.getenv("EMBED_MODEL", "acme-ai/Embed-1")}\n'
    )
    result = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    got = {c.id for c in result.inventory.components if not c.id.startswith("pkg:")}
    assert got == {"api:siliconflow/acme-ai/Chat-V3", "hf:acme-ai/Embed-1@unpinned"}


def test_a_one_entry_map_named_for_base_urls_serves_its_model_there() -> None:
    found = py(
        """
        class Client:
            _BASE_URL_MAP = {"kimi-k2-0711-preview": "https://api.moonshot.cn/anthropic"}
        SETTINGS = {"timeout": "https://example.org/x"}
        """
    )
    assert ids(found) == {"api:moonshot/kimi-k2-0711-preview"}
    assert all(ev.attributes.get("listed") for ev in found)


def test_a_model_list_in_a_branch_for_one_provider_is_that_providers() -> None:
    found = py(
        """
        def models_for(provider):
            models = []
            if provider == "dashscope":
                embedding_models = ["text-embedding-v2", "text-embedding-v1"]
                models.extend(embedding_models)
            elif provider == "zhipuai":
                embedding_models = ["embedding-2"]
                models.extend(embedding_models)
            return models
        """
    )
    assert ids(found) == {
        "api:alibaba/text-embedding-v2",
        "api:alibaba/text-embedding-v1",
        "api:zhipu/embedding-2",
    }


def test_a_manifest_a_script_writes_or_applies_from_a_here_document_is_read() -> None:
    script = textwrap.dedent(
        """\
        #!/bin/bash
        cat <<EOF >>chat.yaml
        apiVersion: apps/v1
        kind: Deployment
        spec:
          template:
            spec:
              containers:
              - name: vllm
                image: vllm/vllm-openai:latest
                command: ["/bin/sh", "-c"]
                args: ["vllm serve acme-ai/Chat-1B-Instruct"]
        EOF
        kubectl apply -f chat.yaml
        cat <<'END' | kubectl apply -f -
        apiVersion: v1
        kind: ConfigMap
        data:
          MODEL_ID: acme-ai/Embed-Small
        END
        cat <<EOF > notes.txt
        model: acme-ai/Not-A-Manifest
        EOF
        """
    )
    found = cfg(script, "deploy/install.sh")
    assert {(ev.identity, ev.location.line) for ev in found} == {
        ("hf:acme-ai/Chat-1B-Instruct@unpinned", 12),
        ("hf:acme-ai/Embed-Small@unpinned", 19),
    }


def test_a_yaml_document_carried_as_a_string_is_read_at_its_lines() -> None:
    found = cfg(
        """
        apiVersion: ray.io/v1
        kind: RayService
        spec:
          serveConfigV2: |
            applications:
            - name: llm
              runtime_env:
                env_vars:
                  MODEL_ID: "acme-ai/Chat-8B-Instruct"
        ---
        apiVersion: v1
        kind: ConfigMap
        data:
          config.yaml: |
            model_list:
              - model_name: chat
                litellm_params:
                  model: ollama/qwen2.5:7b
                  api_base: http://ollama:11434
          notes.md: |
            model: acme-ai/Prose-Only
        """,
        "k8s/ray.yaml",
    )
    assert {(ev.identity, ev.location.line) for ev in found} == {
        ("hf:acme-ai/Chat-8B-Instruct@unpinned", 10),
        ("ollama:qwen2.5:7b", 19),
    }


def test_a_key_named_for_a_provider_beside_the_model_of_an_apps_own_wrapper() -> None:
    found = py(
        """
        import os
        import streamlit as st
        import rag_handler
        llm = rag_handler.ChatModel(
            model="acme-ai/Chat-70B-Instruct-Turbo", api_key=st.session_state["together_api_key"]
        )
        emb = rag_handler.Embedder(model="acme-ai/Embed-1", api_key=os.environ["MY_KEY"])
        """
    )
    assert ids(found) == {
        "api:together/acme-ai/Chat-70B-Instruct-Turbo",
        "hf:acme-ai/Embed-1@unpinned",
    }


def test_a_hub_id_served_on_a_cluster_node_is_the_deployed_model_when_deployed() -> None:
    from gate.recognise.core import local_served_as_deployed

    routes = cfg(
        """
        model_list:
          - model_name: chat
            litellm_params:
              model: openai/acme-ai/Chat-8B
              api_base: http://n0998:30000/v1
        """,
        "config.yaml",
    )
    assert ids(routes) == {"api:n0998/acme-ai/Chat-8B"}
    served = py('from vllm import LLM\nLLM(model="acme-ai/Chat-8B")\n', "serve.py")
    both = local_served_as_deployed([*routes, *served])
    assert ids(both) == {"hf:acme-ai/Chat-8B@unpinned"}


def test_a_name_sent_to_an_own_server_is_the_served_local_folder_of_that_name() -> None:
    from gate.recognise.core import local_served_as_deployed

    sent = py(
        """
        from openai import OpenAI
        OpenAI(base_url="http://tgi-chat/v1").chat.completions.create(model="Chat-7B-Int4")
        OpenAI(base_url="http://tgi-chat/v1").chat.completions.create(model="other-1b")
        """
    )
    served = cfg(
        """
        services:
          tgi-chat:
            image: ghcr.io/huggingface/text-generation-inference:2.0
            command: --model-id /data
            volumes:
              - ./models/Chat-7B-Int4:/data
        """,
        "docker-compose.yml",
    )
    local = {ev.identity for ev in served}
    assert local == {"local:models/Chat-7B-Int4"}
    both = local_served_as_deployed([*sent, *served])
    assert ids(both) == {"local:models/Chat-7B-Int4", "api:tgi-chat/other-1b"}


def test_a_provider_keys_hub_id_is_not_the_deployed_model_of_the_same_name() -> None:
    # groq is a single word like a cluster node, but a provider key: api:groq/<org>/<name>
    # is Groq's hosted model, not an own server's, whatever weights the app also names.
    from gate.recognise.core import local_served_as_deployed

    listed = py(
        """
        from groq import Groq
        Groq().chat.completions.create(model="acme-ai/chat-120b")
        """
    )
    assert ids(listed) == {"api:groq/acme-ai/chat-120b"}
    loaded = py(
        'from transformers import AutoModel\nAutoModel.from_pretrained("acme-ai/chat-120b")\n'
    )
    both = local_served_as_deployed([*listed, *loaded])
    assert ids(both) == {"api:groq/acme-ai/chat-120b", "hf:acme-ai/chat-120b@unpinned"}
