"""Catalogues in YAML/JSON/TOML: every model a release offers is a component, listed."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from gate.discover import configs
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.model import Evidence


def scan(tmp_path: Path, files: dict[str, str]) -> list[Evidence]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    tree = Tree.walk(tmp_path)
    found = list(configs.discover(tree, DiscoverContext()))
    assert tree.skipped == []
    return found


def _got(found: list[Evidence]) -> set[tuple[str, str, int | None, bool]]:
    return {
        (ev.identity, ev.location.path, ev.location.line, ev.attributes.get("listed") is True)
        for ev in found
    }


def test_yaml_model_lists_and_mappings_are_listed(tmp_path: Path) -> None:
    found = scan(
        tmp_path,
        {
            "config.yaml": """\
            available_models:
              - gpt-4o
              - claude-3-opus-20240229
              - deepseek-chat
            default_model: gpt-4o-mini
            models:
              deepseek: deepseek-reasoner
              qwen-max: {context: 32000}
            description: the models we offer
            """,
        },
    )
    assert _got(found) == {
        ("api:openai/gpt-4o", "config.yaml", 2, True),
        ("api:anthropic/claude-3-opus-20240229", "config.yaml", 3, True),
        ("api:deepseek/deepseek-chat", "config.yaml", 4, True),
        ("api:openai/gpt-4o-mini", "config.yaml", 5, False),
        ("api:deepseek/deepseek-reasoner", "config.yaml", 7, True),
        ("api:alibaba/qwen-max", "config.yaml", 8, True),
    }


def test_litellm_proxy_routes_are_called_with_serving_from_api_base(tmp_path: Path) -> None:
    found = scan(
        tmp_path,
        {
            "litellm_config.yaml": """\
            model_list:
              - model_name: fast
                litellm_params:
                  model: openai/Qwen/Qwen2.5-72B-Instruct
                  api_base: https://api.together.xyz/v1
              - model_name: local
                litellm_params:
                  model: ollama/qwen2.5:7b
                  api_base: http://localhost:11434
            """,
        },
    )
    by_id = {ev.identity: ev for ev in found}
    assert set(by_id) == {"api:together/Qwen/Qwen2.5-72B-Instruct", "ollama:qwen2.5:7b"}
    # The proxy sends each alias's requests to its route: called (as the corpus keys label
    # proxy routes), not a catalogue entry.
    assert not any(ev.attributes.get("listed") for ev in found)
    assert {ev.attributes.get("flow") for ev in found} == {"route"}
    assert by_id["api:together/Qwen/Qwen2.5-72B-Instruct"].attributes["host"] == "api.together.xyz"


def test_litellm_api_base_from_the_environment_is_no_host(tmp_path: Path) -> None:
    # LiteLLM's proxy config reads `os.environ/NAME` values from the environment: the route
    # keeps its provider's default (an Ollama tag), never a host called "os.environ".
    found = scan(
        tmp_path,
        {
            "config.yaml": """\
            model_list:
              - model_name: small
                litellm_params:
                  model: ollama_chat/qwen3:4b
                  api_base: os.environ/OLLAMA_API_BASE
            """,
        },
    )
    assert {ev.identity for ev in found} == {"ollama:qwen3:4b"}
    assert all("os.environ" not in str(ev.attributes.get("host", "")) for ev in found)


def test_json_model_registry_reads_the_provider_each_entry_names(tmp_path: Path) -> None:
    found = scan(
        tmp_path,
        {
            "models.json": json.dumps(
                [
                    {"provider": "Alibaba", "model": "qwen3:4b", "label": "Qwen3 4B"},
                    {"provider": "DeepSeek", "model": "deepseek-chat"},
                    {"provider": "dashscope", "model": "qwen-max"},
                ],
                indent=1,
            ),
        },
    )
    assert {(ev.identity, ev.attributes.get("listed")) for ev in found} == {
        # An Ollama tag stays Ollama's whatever provider the entry names.
        ("ollama:qwen3:4b", True),
        ("api:deepseek/deepseek-chat", True),
        ("api:alibaba/qwen-max", True),
    }


def test_a_base_url_with_no_model_is_an_endpoint_record(tmp_path: Path) -> None:
    from gate.pipeline import ScanOptions
    from gate.pipeline import scan as scan_tree

    (tmp_path / ".env.example").write_text(
        "DASHSCOPE_BASE_URL=https://dashscope.aliyuncs.com/compatible-mode/v1\n"
        "DASHSCOPE_API_KEY=sk-your-key\n"
    )
    inventory = scan_tree(ScanOptions(root=tmp_path)).inventory
    # No model was named, so none is invented: no component ...
    assert inventory.components == ()
    # ... but where prompts go is recorded: the endpoint, served from CN.
    (record,) = inventory.properties["endpoints"]
    assert record["host"] == "dashscope.aliyuncs.com" and record["country"] == "CN"


def test_catalogue_grouped_by_providers_the_file_defines(tmp_path: Path) -> None:
    doc = {
        "api_providers": [
            {"id": "kourichat", "name": "KouriChat API", "url": "https://api.kourichat.com/v1"},
            {"id": "siliconflow", "url": "https://api.siliconflow.cn/v1/"},
        ],
        "models": {
            "kourichat": [{"id": "kourichat-v3", "name": "KouriChat V3", "type": "chat"}],
            "siliconflow": [{"id": "deepseek-ai/DeepSeek-V3", "name": "V3 (free)"}],
            "deepseek": [{"id": "deepseek-reasoner", "name": "R1"}],
        },
    }
    settings = {
        "llm_settings": {
            "settings": {
                "base_url": {"value": "https://dashscope.aliyuncs.com/compatible-mode/v1"},
                "model": {"value": "qwen-plus", "type": "string", "description": "model name"},
            }
        }
    }
    found = scan(
        tmp_path,
        {"models.json": json.dumps(doc, indent=2), "config.json": json.dumps(settings, indent=2)},
    )
    assert {(ev.identity, ev.attributes.get("listed") is True) for ev in found} == {
        ("api:api.kourichat.com/kourichat-v3", True),
        ("api:siliconflow/deepseek-ai/DeepSeek-V3", True),
        ("api:deepseek/deepseek-reasoner", True),
        ("api:alibaba/qwen-plus", False),
    }


def test_provider_sections_with_placeholder_defaults_and_model_versions(tmp_path: Path) -> None:
    # A Spring-style settings file: one section per provider, `${VAR:default}` values (the
    # default is what runs when the variable is unset), `model_versions` offered.
    found = scan(
        tmp_path,
        {
            "application-llm.yaml": """\
            groq:
              base_url: "${GROQ_BASE_URL:https://api.groq.com/openai/v1}"
              model: "${GROQ_MODEL:llama-3.1-8b-instant}"
              model_versions:
                - "openai/gpt-oss-20b"
            huggingface:
              base_url: "${HF_URL:https://api-inference.huggingface.co/models}"
              model_versions:
                - "google/gemma-2-9b-it"
            ollama:
              model: "${OLLAMA_MODEL:-llama3.1}"
            anthropic:
              model: "${ANTHROPIC_MODEL}"
            github_copilot:
              model_versions: ["some-model-4o"]
            """,
        },
    )
    assert _got(found) == {
        ("api:groq/llama-3.1-8b-instant", "application-llm.yaml", 3, False),
        ("api:groq/openai/gpt-oss-20b", "application-llm.yaml", 5, True),
        ("api:huggingface/google/gemma-2-9b-it", "application-llm.yaml", 9, True),
        ("ollama:llama3.1:latest", "application-llm.yaml", 11, False),
        ("api:github-models/some-model-4o", "application-llm.yaml", 15, True),
    }


def test_a_sql_dump_seeding_a_model_table_lists_its_rows(tmp_path: Path) -> None:
    # pg_dump's COPY block: a serial id, the model's name, the row's provider; other tables
    # and rows naming no model stay out.
    found = scan(
        tmp_path,
        {
            "init.sql": (
                'CREATE TABLE public.models (id integer, name text, "providerId" text);\n'
                'COPY public.models (id, name, "displayName", "providerId") FROM stdin;\n'
                "1\tsome-claude-model-1\tClaude\tclaude\n"
                "2\tdeepseek/deepseek-r1:free\tR1\topenrouter\n"
                "3\t\\N\tNothing\topenai\n"
                "\\.\n"
                "COPY public.users (id, name) FROM stdin;\n"
                "1\tgpt-4o\n"
                "\\.\n"
            ),
        },
    )
    assert _got(found) == {
        ("api:anthropic/some-claude-model-1", "init.sql", 3, True),
        ("api:openrouter/deepseek/deepseek-r1:free", "init.sql", 4, True),
    }


def test_sql_dump_lines_after_several_blocks_and_unterminated_blocks(tmp_path: Path) -> None:
    # Line numbers stay right past earlier blocks; a hostile dump of many unterminated COPY
    # headers is read in one pass (each header's block runs to the end of the file).
    hostile = "COPY public.models (id, name) FROM stdin;\n" * 20_000
    found = scan(
        tmp_path,
        {
            "init.sql": (
                "COPY public.users (id, name) FROM stdin;\n"
                "1\tgpt-4o\n"
                "\\.\n"
                "\n"
                "COPY public.models (id, name) FROM stdin;\n"
                "1\tdeepseek-chat\n"
                "\\.\n"
                "COPY public.llm_models (id, name, provider) FROM stdin;\n"
                "\n"
                "7\tqwen-max\tdashscope\n"
                "\\.\n"
            ),
            "hostile.sql": hostile,
        },
    )
    assert _got(found) == {
        ("api:deepseek/deepseek-chat", "init.sql", 6, True),
        ("api:alibaba/qwen-max", "init.sql", 10, True),
    }


def test_a_catalogue_grouped_by_task_lists_the_models_under_each_group(tmp_path: Path) -> None:
    # A provider store: `favoriteModels: {chat: {name: context}, embedding: {name: {...}}}`.
    # The task words are groups, the numbers are context sizes; each provider's url serves them.
    found = scan(
        tmp_path,
        {
            "store.yaml": """\
            provider:
              deepseek:
                url: https://api.deepseek.com/v1
                favoriteModels:
                  chat:
                    deepseek-chat: 128000
                  embedding: {}
                  other: {}
              dashscope:
                url: https://dashscope.aliyuncs.com/compatible-mode/v1
                favoriteModels:
                  chat:
                    deepseek-v3.1: 131072
                  embedding:
                    text-embedding-v4:
                      dimensions: 1024
            """
        },
    )
    assert _got(found) == {
        ("api:deepseek/deepseek-chat", "store.yaml", 6, True),
        ("api:alibaba/deepseek-v3.1", "store.yaml", 13, True),
        ("api:alibaba/text-embedding-v4", "store.yaml", 15, True),
    }


def test_an_evaluation_configs_data_path_names_a_hub_dataset(tmp_path: Path) -> None:
    found = scan(
        tmp_path,
        {
            "eval.yaml": """\
            model_cfgs:
              model_name_or_path: Qwen/Qwen2.5-7B-Instruct
            benchmarks:
              MMLU-Pro:
                data_cfgs:
                  data_path: TIGER-Lab/MMLU-Pro
              local:
                data_cfgs:
                  data_path: data/train.jsonl
            """
        },
    )
    assert {ev.identity for ev in found} == {
        "dataset:hf:TIGER-Lab/MMLU-Pro",
        "hf:Qwen/Qwen2.5-7B-Instruct@unpinned",
    }
