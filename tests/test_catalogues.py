"""Catalogues: models an application offers (lists, dicts, enums, pickers) are components
whose evidence says *listed*, not *called* (issue 12, item 1), and what is not a model
stays out."""

from __future__ import annotations

import textwrap
from pathlib import Path

from gate import pipeline
from gate.discover import javascript, python
from gate.model import Confidence, Evidence
from gate.policy.input import InputContext, build_input, validate_input


def py(source: str) -> list[Evidence]:
    outcome = python.analyse_file("app.py", textwrap.dedent(source).encode())
    assert outcome.skipped == []
    return outcome.evidence


def js(source: str, name: str = "app.tsx") -> list[Evidence]:
    outcome = javascript.analyse_file(name, textwrap.dedent(source).encode())
    assert outcome.skipped == []
    return outcome.evidence


def listed(found: list[Evidence]) -> set[str]:
    return {ev.identity for ev in found if ev.attributes.get("listed") is True}


def called(found: list[Evidence]) -> set[str]:
    return {ev.identity for ev in found if ev.attributes.get("listed") is not True}


def test_python_lists_tuples_sets_and_dicts_of_models_are_listed() -> None:
    found = py(
        """
        AVAILABLE_MODELS = ["gpt-4", "claude-3-opus-20240229", "gemini-pro"]
        EMBEDDING_MODELS = ("text-embedding-3-small",)
        FAST_LLMS = {"groq/llama-3.1-8b-instant"}
        MODEL_TO_CONF = {"claude-opus-4-20250514": {"max_tokens": 8192}}
        """
    )
    assert listed(found) == {
        "api:openai/gpt-4",
        "api:anthropic/claude-3-opus-20240229",
        "api:google/gemini-pro",
        "api:openai/text-embedding-3-small",
        "api:groq/llama-3.1-8b-instant",
        "api:anthropic/claude-opus-4-20250514",
    }
    assert called(found) == set()
    assert {ev.confidence for ev in found} == {Confidence.MEDIUM}
    assert {ev.attributes["flow"] for ev in found} == {"catalogue"}


def test_a_provider_to_model_table_reads_the_key_as_the_provider() -> None:
    found = py(
        """
        PROVIDER_DEFAULTS = {"deepseek": "deepseek-chat", "qwen": "qwen-max",
                             "openai": ["gpt-4o", "gpt-4o-mini"]}
        """
    )
    assert listed(found) == {
        "api:deepseek/deepseek-chat",
        "api:alibaba/qwen-max",
        "api:openai/gpt-4o",
        "api:openai/gpt-4o-mini",
    }


def test_an_enum_of_models_is_listed() -> None:
    found = py(
        """
        from enum import Enum
        class ModelName(str, Enum):
            GPT4O = "gpt-4o"
            QWEN = "qwen-plus"
        class Colour(str, Enum):
            RED = "gpt-4o"
        """
    )
    assert listed(found) == {"api:openai/gpt-4o", "api:alibaba/qwen-plus"}
    assert {ev.location.line for ev in found} == {4, 5}


def test_defaults_are_called_not_listed() -> None:
    found = py(
        """
        import os
        from dataclasses import dataclass, field
        from pydantic import BaseModel, Field
        @dataclass
        class Cfg:
            embedding_model: str = field(default="text-embedding-3-small")
        class S(BaseModel):
            llm_model: str = Field(default="glm-4")
        def embed(text, model: str = "text-embedding-v3"):
            return text
        MODEL = os.getenv("MODEL", "deepseek-reasoner")
        """
    )
    assert called(found) == {
        "api:openai/text-embedding-3-small",
        "api:zhipu/glm-4",
        "api:alibaba/text-embedding-v3",
        "api:deepseek/deepseek-reasoner",
    }
    assert listed(found) == set()


def test_an_ollama_catalogue_naming_a_cloud_provider_stays_ollama() -> None:
    # {"provider": "Alibaba", "model": "qwen3:4b"}: the tag is Ollama's; no hosted API
    # names a model "qwen3:4b", so no DashScope endpoint (and no false "served from CN").
    found = py('LOCAL = [{"provider": "Alibaba", "model": "qwen3:4b"}]\n')
    assert {ev.identity for ev in found} == {"ollama:qwen3:4b"}


def test_python_hard_negatives_stay_out() -> None:
    found = py(
        """
        # AVAILABLE_MODELS = ["gpt-4o"]
        '''Use models such as "gpt-4o" or "claude-3-opus-20240229".'''
        MODEL_TYPES = ["gpt-4o", "bert"]
        VEHICLE_MODELS = ["civic", "corolla", "model-s"]
        CHAT_TEMPLATES = {"chatml": "<|im_start|>", "llama3": "<|begin_of_text|>"}
        models = [User, Post]
        """
    )
    assert found == []


def test_js_arrays_objects_maps_and_pickers_are_listed() -> None:
    found = js(
        """
        export const MODELS = [
          { id: "claude-3-haiku-20240307", name: "Claude 3 Haiku" },
          { id: "gpt-4o-mini", name: "GPT-4o mini" },
        ] as const;
        const PROVIDER_DEFAULTS = { deepseek: "deepseek-chat", qwen: "qwen-max" };
        const modelOptions = ["gemini-1.5-pro", "mistral-large-latest"];
        const byProvider = new Map([["deepseek", "deepseek-reasoner"]]);
        """
    )
    assert listed(found) == {
        "api:anthropic/claude-3-haiku-20240307",
        "api:openai/gpt-4o-mini",
        "api:deepseek/deepseek-chat",
        "api:alibaba/qwen-max",
        "api:google/gemini-1.5-pro",
        "api:mistral/mistral-large-latest",
        "api:deepseek/deepseek-reasoner",
    }
    assert called(found) == set()


def test_js_ui_defaults_and_default_props() -> None:
    found = js(
        """
        import { useState } from "react";
        export function Chat({ model = "gpt-4.1" }) {
          const [m, setM] = useState("claude-3-5-sonnet-20240620");
          const [theme] = useState("dark");
          return m;
        }
        """
    )
    assert called(found) == {"api:openai/gpt-4.1", "api:anthropic/claude-3-5-sonnet-20240620"}


def test_js_hard_negatives_stay_out() -> None:
    found = js(
        """
        // const MODELS = ["gpt-4o"];
        const carModels = ["civic", "corolla"];
        const templates = { chatml: "<|im_start|>" };
        const label = "Try gpt-4o today";
        """
    )
    assert found == []


def test_the_policy_input_says_listed_or_called(tmp_path: Path) -> None:
    (tmp_path / "models.py").write_text(
        'AVAILABLE_MODELS = ["deepseek-chat", "gpt-4o"]\n'
        "from openai import OpenAI\n"
        'OpenAI().chat.completions.create(model="gpt-4o", messages=[])\n'
    )
    result = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    doc = build_input(result.inventory, InputContext(now="2026-12-06"))
    validate_input(doc)
    use = {c["id"]: c["use"] for c in doc["components"] if c["id"].startswith("api:")}
    assert use == {"api:deepseek/deepseek-chat": "listed", "api:openai/gpt-4o": "called"}


def test_a_picker_entry_is_read_by_its_model_field_not_its_display_id() -> None:
    found = js(
        """
        export const models = [
          { id: "deepseek-v3", label: "DeepSeek V3", apiIdentifier: "deepseek:deepseek-chat" },
          { id: "deepseek-r1-distill-llama-70b", label: "DeepSeek-R1",
            apiIdentifier: "groq:deepseek-r1-distill-llama-70b" },
          { id: "claude-3-haiku-20240307", label: "Claude 3 Haiku" },
        ];
        """
    )
    assert listed(found) == {
        "api:deepseek/deepseek-chat",
        "api:groq/deepseek-r1-distill-llama-70b",
        "api:anthropic/claude-3-haiku-20240307",
    }


def test_a_provider_keyed_table_of_settings_is_not_a_catalogue() -> None:
    found = js(
        """
        const providerKeyMap = { deepseek: "deepseek_api_key", qwen: "qwen_api_key",
                                 openai: "OPENAI_API_KEY", kimi: "kimi" };
        """
    )
    assert found == []
    assert py('PROVIDER_ENV = {"deepseek": "DEEPSEEK_API_KEY", "qwen": "qwen_base_url"}\n') == []


def test_dataset_flags_and_variables_name_hub_datasets() -> None:
    found = py(
        """
        import argparse
        p = argparse.ArgumentParser()
        p.add_argument("--dataset", type=str, default="bitext/customer-support-dataset")
        p.add_argument("--output", default="out/dir")
        TRAIN_DATASET = "HuggingFaceH4/ultrachat_200k"
        dataset_name = "train"
        """
    )
    assert {ev.identity for ev in found} == {
        "dataset:hf:bitext/customer-support-dataset",
        "dataset:hf:HuggingFaceH4/ultrachat_200k",
    }


def test_llamaindex_ts_local_embeddings_are_hub_models() -> None:
    found = js(
        """
        import { HuggingFaceEmbedding } from "@llamaindex/huggingface";
        Settings.embedModel = new HuggingFaceEmbedding({ modelType: "BAAI/bge-small-en-v1.5" });
        """,
        name="config.ts",
    )
    assert called(found) == {"hf:BAAI/bge-small-en-v1.5@unpinned"}


def test_a_modelscope_only_module_names_modelscope_ids() -> None:
    found = py(
        """
        from modelscope import snapshot_download
        EMBEDDING_MODELS = {"corom": "damo/nlp_corom_sentence-embedding_chinese-base"}
        LLM_MODEL = "ZhipuAI/chatglm3-6b"
        """
    )
    assert {ev.identity for ev in found} == {
        "modelscope:damo/nlp_corom_sentence-embedding_chinese-base@unpinned",
        "modelscope:ZhipuAI/chatglm3-6b@unpinned",
    }


def test_modelscope_reached_through_the_apps_own_module_names_modelscope_ids(
    tmp_path: Path,
) -> None:
    # The ModelScope calls live in a module of the app (ms_embeddings.py imports modelscope
    # inside a method); the catalogue sits in the module that imports it.
    (tmp_path / "ms_embeddings.py").write_text(
        textwrap.dedent(
            """
            class ModelScopeEmbeddings:
                def __init__(self, model_id):
                    from modelscope.pipelines import pipeline
                    self.pipe = pipeline("sentence-embedding", model=model_id)
            """
        )
    )
    (tmp_path / "app.py").write_text(
        textwrap.dedent(
            """
            from ms_embeddings import ModelScopeEmbeddings
            embedding_model_dict = {"corom": "damo/nlp_corom_sentence-embedding_chinese-base"}
            llm_dict = {"ChatGLM-6B": {"model_name": "ZhipuAI/ChatGLM-6B"}}
            """
        )
    )
    (tmp_path / "hf_app.py").write_text(
        textwrap.dedent(
            """
            import transformers
            from ms_embeddings import ModelScopeEmbeddings
            MODEL_NAME = "Qwen/Qwen2.5-7B-Instruct"
            """
        )
    )
    result = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    ids = {c.id for c in result.inventory.components}
    assert ids == {
        "modelscope:damo/nlp_corom_sentence-embedding_chinese-base@unpinned",
        "modelscope:ZhipuAI/ChatGLM-6B@unpinned",
        "hf:Qwen/Qwen2.5-7B-Instruct@unpinned",
    }


def test_a_key_whose_value_is_a_model_id_is_its_label() -> None:
    # {"ernie-tiny": "nghuyong/ernie-3.0-nano-zh"}: the key names the id for a menu; read as
    # a model it would be Baidu's hosted ERNIE API, which the app never calls.
    source_py = """
        embedding_model_dict = {
            "ernie-tiny": "nghuyong/ernie-3.0-nano-zh",
            "jina-embeddings-v2-base-zh": "jinaai/jina-embeddings-v2-base-zh",
            "fast": "gpt-4o-mini",
        }
        MODEL_TO_CONF = {"claude-opus-4-20250514": {"max_tokens": 4096}}
        """
    found = py(source_py)
    assert listed(found) == {
        "hf:nghuyong/ernie-3.0-nano-zh@unpinned",
        "hf:jinaai/jina-embeddings-v2-base-zh@unpinned",
        "api:openai/gpt-4o-mini",
        "api:anthropic/claude-opus-4-20250514",
    }
    found_js = js(
        """
        export const EMBEDDING_MODELS = {
          "ernie-tiny": "nghuyong/ernie-3.0-nano-zh",
          "claude-3-haiku-20240307": { maxTokens: 4096 },
        };
        """
    )
    assert listed(found_js) == {
        "hf:nghuyong/ernie-3.0-nano-zh@unpinned",
        "api:anthropic/claude-3-haiku-20240307",
    }


def test_a_gateways_aliases_and_provider_names_are_not_models() -> None:
    # MODEL_REGISTRY = {"qwen2": {"name": <served folder>, "endpoint": ...}}: "qwen2" is the
    # gateway's alias; llm_api_keys is keyed by provider names; a bare family word at a
    # config site names no hosted API (DashScope has no model "qwen2").
    found = py(
        """
        MODEL_REGISTRY = {
            "qwen2": {"name": "qwen2-7b-instruct", "stop": ["<|im_end|>"]},
        }
        LLM_MODELS = {"qwen": "qwen-max", "fast": {"max_tokens": 10}}
        model_id = "qwen2"
        """
    )
    assert {ev.identity for ev in found} == {
        "api:alibaba/qwen2-7b-instruct",
        "api:alibaba/qwen-max",
    }
    found_js = js(
        """
        export const MODEL_REGISTRY = { qwen2: { name: "qwen2-7b-instruct" }, "gpt-4o": {} };
        """
    )
    assert listed(found_js) == {"api:alibaba/qwen2-7b-instruct", "api:openai/gpt-4o"}


def test_an_entry_naming_its_model_holds_settings_not_models() -> None:
    # A gateway's registry entry: the model is its "name", served by a compose service
    # (a single-label host: its own provider, as the corpus keys label bare host names);
    # stop tokens and template names are not models, whatever endpoint stands beside them.
    found = py(
        """
        MODEL_REGISTRY = {
            "qwen2": {
                "name": "Qwen2-7B-Instruct-GPTQ-Int4",
                "endpoint": "http://tgi-qwen2",
                "default_template": "base",
                "stop": ["<|im_end|>"],
            },
        }
        """
    )
    assert [(ev.identity, ev.attributes.get("provider")) for ev in found] == [
        ("api:tgi-qwen2/Qwen2-7B-Instruct-GPTQ-Int4", "tgi-qwen2")
    ]


def test_entries_of_a_catalogue_are_listed_whatever_their_keys() -> None:
    # llm_dict = {"ChatGLM-6B": {"model_name": ..., "model_revision": ...}}: a menu of
    # models, not a call of each; the same entry outside a catalogue is a named value.
    found = py(
        """
        llm_dict = {"ChatGLM-6B": {"model_name": "THUDM/chatglm-6b", "model_revision": "v1"}}
        request = {"model_name": "Qwen/Qwen2.5-7B-Instruct"}
        """
    )
    assert listed(found) == {"hf:THUDM/chatglm-6b@unpinned"}
    assert called(found) == {"hf:Qwen/Qwen2.5-7B-Instruct@unpinned"}


def test_js_entries_served_by_the_provider_object_they_carry() -> None:
    # Per-provider model files: a module-level provider object, entries carrying it (as a
    # shorthand property or `provider: "<name>"`). An aggregator named beside an org/name
    # serves it under that id; the org is the maker, not who is called.
    found = js(
        """
        export const provider = { id: 'openrouter', providerName: 'OpenRouter' }
        export const modelList = [
          { 'id': 'openai/gpt-5-mini', 'displayName': 'GPT 5 mini', provider },
          { 'id': 'deepseek/deepseek-r1:free', 'displayName': 'R1 (free)', provider },
        ]
        const qianfan = { id: 'qianfan', name: 'Qianfan' }
        export const more = [{ id: 'deepseek-v3', label: 'V3', provider: qianfan }]
        export const models = [{ id: 'some-new-model-1', provider: 'claude' }]
        """,
        "models.tsx",
    )
    assert listed(found) == {
        "api:openrouter/openai/gpt-5-mini",
        "api:openrouter/deepseek/deepseek-r1:free",
        "api:baidu/deepseek-v3",
        "api:anthropic/some-new-model-1",
    }


def test_a_python_catalogue_is_offered_through_the_modules_one_endpoint() -> None:
    found = py(
        """
        from openai import OpenAI
        client = OpenAI(base_url="https://dashscope.aliyuncs.com/compatible-mode/v1")
        AVAILABLE_MODELS = ["deepseek-r1", "some-model-7b-instruct"]
        """
    )
    assert listed(found) == {"api:alibaba/deepseek-r1", "api:alibaba/some-model-7b-instruct"}
    # So is a bare hosted name the module holds under a model key; a Hub id keeps its shape.
    found = py(
        """
        from openai import OpenAI
        client = OpenAI(base_url="https://dashscope.aliyuncs.com/compatible-mode/v1")
        CONFIG = {"default_model": "deepseek-v3", "embedding_model": "BAAI/bge-m3"}
        """
    )
    models = {i for i in called(found) if not i.endswith("/*")}  # the client's endpoint record
    assert models == {"api:alibaba/deepseek-v3", "hf:BAAI/bge-m3@unpinned"}
    # Two endpoints (or one not a constant): the module says nothing about its catalogue.
    found = py(
        """
        import os
        from openai import OpenAI
        a = OpenAI(base_url="https://dashscope.aliyuncs.com/compatible-mode/v1")
        b = OpenAI(base_url=os.environ["URL"])
        AVAILABLE_MODELS = ["deepseek-r1"]
        """
    )
    assert listed(found) == {"api:deepseek/deepseek-r1"}


def test_a_catalogue_named_after_a_provider_is_that_providers() -> None:
    found = py(
        """
        from enum import Enum
        class GroqModelVersion(str, Enum):
            SCOUT = "meta-llama/llama-4-scout-17b-16e-instruct"
            KIMI = "moonshotai/kimi-k2-instruct"
        OPENROUTER_MODELS = ["deepseek/deepseek-r1:free"]
        AVAILABLE_MODELS = ["deepseek-chat"]
        """
    )
    assert listed(found) == {
        "api:groq/meta-llama/llama-4-scout-17b-16e-instruct",
        "api:groq/moonshotai/kimi-k2-instruct",
        "api:openrouter/deepseek/deepseek-r1:free",
        "api:deepseek/deepseek-chat",
    }


def test_the_hub_a_modules_imports_choose_is_data() -> None:
    # gate/recognise/data/config_vocabulary.yaml `hub_libraries`: which import names say a
    # hub; the Python front end holds no library name of its own.
    from gate.recognise import conventions

    conv = conventions()
    assert conv.hub_libraries["modelscope"] == frozenset({"modelscope"})
    assert conv.hub_from_imports({"modelscope", "os"}) == "modelscope"
    assert conv.hub_from_imports({"modelscope", "transformers"}) is None
    assert conv.hub_from_imports({"peft"}) is None and conv.hub_from_imports(set()) is None
    assert conv.imports_a_hub({"sentence_transformers"}) and not conv.imports_a_hub({"os"})
    source = (Path(__file__).resolve().parent.parent / "gate" / "discover" / "python").glob("*.py")
    assert not [p.name for p in source if '"modelscope" in' in p.read_text()]


def test_a_module_importing_modelscope_alone_names_modelscope_ids() -> None:
    from gate.discover import python as py

    ms = b"from modelscope import snapshot_download\nMODEL_ID = 'qwen/Qwen2-7B-Instruct'\n"
    both = b"import modelscope\nimport transformers\nMODEL_ID = 'qwen/Qwen2-7B-Instruct'\n"
    assert [e.identity for e in py.analyse_file("a.py", ms).evidence] == [
        "modelscope:qwen/Qwen2-7B-Instruct@unpinned"
    ]
    assert [e.identity for e in py.analyse_file("b.py", both).evidence] == [
        "hf:qwen/Qwen2-7B-Instruct@unpinned"
    ]


def test_a_menu_inside_a_menu_takes_the_gateway_its_own_ids_or_an_outer_menus_name() -> None:
    # The gateway of a menu is worked out when one of its entries is listed: the innermost
    # menu naming one decides, a menu naming none takes its outer menu's.
    found = py(
        """
        AVAILABLE_MODELS = [
            ["deepseek/deepseek-r1:free", "meta-llama/llama-3-8b-instruct"],
            ["mistralai/mistral-7b-instruct"],
        ]
        MODEL_MENU = [
            "deepseek/deepseek-r1:free",
            ["qwen/qwen-2.5-72b-instruct"],
            ("google/gemma-2-9b-it", "anthropic/claude-3-haiku"),
        ]
        """
    )
    assert listed(found) == {
        "api:openrouter/anthropic/claude-3-haiku",
        "api:openrouter/deepseek/deepseek-r1:free",
        "api:openrouter/google/gemma-2-9b-it",
        "api:openrouter/meta-llama/llama-3-8b-instruct",
        "api:openrouter/qwen/qwen-2.5-72b-instruct",
        "hf:mistralai/mistral-7b-instruct@unpinned",
    }
