"""Identity rules shared by every code and config source (gate/discover/refs.py)."""

from __future__ import annotations

import pkgutil

import pytest

import gate.discover
from gate.discover import refs
from gate.discover.sources import SOURCES
from gate.model import Confidence, EvidenceKind, Location, Role
from gate.registry import apimodels


def hosted(value: str, **kw: object) -> refs.Ref | None:
    return refs.recognise_in(value, refs.RefContext(family="hosted", **kw))  # type: ignore[arg-type]


def test_endpoint_decides_the_provider_not_the_sdk() -> None:
    ref = hosted(
        "qwen-max",
        sdk="openai",
        provider="openai",
        base_url="https://dashscope.aliyuncs.com/compatible-mode/v1",
    )
    assert ref is not None and ref.identity == "api:alibaba/qwen-max"
    assert ref.attributes["host"] == "dashscope.aliyuncs.com"
    assert ref.attributes["host_source"] == "base_url"
    assert ref.role is Role.HOSTED_API and ref.kind is EvidenceKind.API_REF


def test_sdk_default_host_when_no_endpoint_is_written() -> None:
    ref = hosted("claude-3-5-haiku-latest", sdk="anthropic", provider="anthropic")
    assert ref is not None and ref.identity == "api:anthropic/claude-3-5-haiku-latest"
    assert (ref.attributes["host"], ref.attributes["host_source"]) == (
        "api.anthropic.com",
        "sdk-default",
    )


def test_openai_sdk_calling_another_publishers_model_is_that_publishers_api() -> None:
    ref = hosted("deepseek-chat", sdk="openai", provider="openai")
    assert ref is not None and ref.identity == "api:deepseek/deepseek-chat"
    assert ref.attributes["host"] == "api.deepseek.com"
    assert ref.attributes["host_source"] == "model-provider-default"


def test_azure_deployment_names_stay_azure() -> None:
    ref = hosted(
        "gpt-4o", sdk="openai", provider="azure-openai", base_url="https://x.openai.azure.com"
    )
    assert ref is not None and ref.identity == "api:azure-openai/gpt-4o"


def test_unknown_host_is_its_own_provider_and_a_dynamic_one_has_no_host() -> None:
    ref = hosted("gpt-4o", provider="openai", base_url="https://llm.corp.example/v1")
    assert ref is not None and ref.identity == "api:llm.corp.example/gpt-4o"
    dynamic = hosted("gpt-4o", provider="openai", base_url_dynamic="settings.base_url")
    assert dynamic is not None and "host" not in dynamic.attributes
    assert dynamic.attributes["base_url_expr"] == "settings.base_url"


def test_bedrock_region_host() -> None:
    ref = hosted("anthropic.claude-3-haiku-20240307-v1:0", provider="bedrock", region="eu-west-1")
    assert ref is not None
    assert ref.attributes["host"] == "bedrock-runtime.eu-west-1.amazonaws.com"


def test_localhost_endpoints_are_local_models() -> None:
    ollama = hosted("qwen2.5:7b", provider="openai", base_url="http://localhost:11434/v1")
    assert ollama is not None and ollama.identity == "ollama:qwen2.5:7b"
    vllm = hosted(
        "Qwen/Qwen2.5-7B-Instruct", provider="openai", base_url="http://127.0.0.1:8000/v1"
    )
    # A Hub id sent to the deployment's own server is that server's model (corpus rule).
    assert vllm is not None and vllm.identity == "api:local/Qwen/Qwen2.5-7B-Instruct"


@pytest.mark.parametrize(
    ("value", "identity"),
    [
        ("ollama/llama3.1", "ollama:llama3.1:latest"),
        ("ollama_chat/qwen2.5:14b", "ollama:qwen2.5:14b"),
        ("huggingface/together/deepseek-ai/DeepSeek-R1", "api:huggingface/deepseek-ai/DeepSeek-R1"),
        ("dashscope/qwen-max", "api:alibaba/qwen-max"),
        ("openrouter/deepseek/deepseek-chat", "api:openrouter/deepseek/deepseek-chat"),
        ("gpt-4o-mini", "api:openai/gpt-4o-mini"),
    ],
)
def test_litellm_prefixes(value: str, identity: str) -> None:
    ref = refs.recognise_in(value, refs.RefContext(family="litellm", sdk="litellm"))
    assert ref is not None and ref.identity == identity


def test_litellm_unknown_bare_name_is_dropped() -> None:
    assert refs.recognise_in("my-finetune", refs.RefContext(family="litellm")) is None


@pytest.mark.parametrize(
    ("value", "identity"),
    [
        ("BAAI/bge-m3", "hf:BAAI/bge-m3@unpinned"),
        ("gpt-4o", "api:openai/gpt-4o"),
        ("llama3.1:8b", "ollama:llama3.1:8b"),
        ("deepseek/deepseek-chat", "api:deepseek/deepseek-chat"),
        ("openai/whisper-large-v3", "hf:openai/whisper-large-v3@unpinned"),
        ("https://huggingface.co/Qwen/Qwen2.5-7B/tree/main", "hf:Qwen/Qwen2.5-7B@unpinned"),
    ],
)
def test_config_values_by_shape(value: str, identity: str) -> None:
    ref = refs.recognise_in(value, refs.RefContext(family="config", in_config=True))
    assert ref is not None and ref.identity == identity


@pytest.mark.parametrize(
    "value",
    [
        *("default", "article", "models/bert", "./ckpt", "Model S", "data/train", "v2", ""),
        # base64 data under a model key (a serialised model in an export), not a Hub id
        "gASVKAAAAAAAAACMCGJ1aWx0aW5zlIwFcHJpbnSUk5Qu/Zm9vYmFyYmF6cXV4",
        "ZGVlcHNlZWstY2hhdA==",
    ],
)
def test_config_values_that_are_not_models(value: str) -> None:
    assert refs.recognise_in(value, refs.RefContext(family="config")) is None


def test_hf_pinning_only_by_full_sha() -> None:
    sha = "a09a35458c702b33eeacc393d103063234e8bc28"
    pinned = refs.recognise_in("Qwen/Qwen2.5-7B", refs.RefContext(family="hf", revision=sha))
    branch = refs.recognise_in("Qwen/Qwen2.5-7B", refs.RefContext(family="hf", revision="main"))
    assert pinned is not None and pinned.identity == f"hf:Qwen/Qwen2.5-7B@{sha}"
    assert pinned.attributes["pinned"] is True
    assert branch is not None and branch.identity == "hf:Qwen/Qwen2.5-7B@unpinned"
    assert (branch.attributes["pinned"], branch.attributes["revision"]) == (False, "main")


def test_legacy_hub_ids_and_sentence_transformers_short_names() -> None:
    gpt2 = refs.recognise_in("gpt2", refs.RefContext(family="hf"))
    st = refs.recognise_in("all-MiniLM-L6-v2", refs.RefContext(family="sentence-transformers"))
    assert gpt2 is not None and gpt2.identity == "hf:openai-community/gpt2@unpinned"
    assert st is not None and st.identity == "hf:sentence-transformers/all-MiniLM-L6-v2@unpinned"
    assert refs.recognise_in("my_local_model", refs.RefContext(family="hf")) is None


def test_datasets_and_modelscope() -> None:
    ds = refs.recognise_in("squad", refs.RefContext(family="hf-dataset"))
    # Canonical datasets moved under organisations (2024); the Hub redirects the bare name.
    assert ds is not None and ds.identity == "dataset:hf:rajpurkar/squad"
    assert ds.role is Role.DATASET
    assert refs.recognise_in("parquet", refs.RefContext(family="hf-dataset")) is None
    ms = refs.recognise_in("qwen/Qwen2.5-7B-Instruct", refs.RefContext(family="modelscope"))
    assert ms is not None and ms.identity == "modelscope:qwen/Qwen2.5-7B-Instruct@unpinned"
    msd = refs.recognise_in(
        "qwen/data", refs.RefContext(family="modelscope-hub", repo_type="dataset")
    )
    assert msd is not None and msd.identity == "dataset:modelscope:qwen/data"


def test_partial_values_need_a_known_prefix() -> None:
    ctx = refs.RefContext(family="hf")
    ref = refs.recognise_in("Qwen/Qwen2.5-*-Instruct", ctx, partial=True)
    assert ref is not None and ref.identity == "hf:Qwen/Qwen2.5-*-Instruct@unpinned"
    assert refs.recognise_in("*/model", ctx, partial=True) is None


def test_ollama_hub_models_are_hub_models() -> None:
    ref = refs.recognise_in(
        "hf.co/bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M", refs.RefContext(family="ollama")
    )
    assert ref is not None and ref.identity == "hf:bartowski/Llama-3.2-1B-Instruct-GGUF@unpinned"
    assert ref.attributes["quantization"] == "Q4_K_M"


def test_endpoint_only_for_known_remote_hosts() -> None:
    ref = refs.endpoint_only(
        refs.RefContext(family="hosted", base_url="https://api.moonshot.cn/v1")
    )
    assert ref is not None and ref.identity == "api:moonshot/*"
    assert (
        refs.endpoint_only(refs.RefContext(family="hosted", base_url="http://localhost:8000"))
        is None
    )


@pytest.mark.parametrize(
    ("path", "scope"),
    [
        ("tests/test_app.py", "test"),
        ("src/app_test.py", "test"),
        ("web/src/chat.spec.ts", "test"),
        ("pkg/__tests__/x.js", "test"),
        ("docs/examples/quickstart.py", "docs"),
        ("src/testing_utils.py", None),
        ("examples/demo/main.py", None),
        ("app/main.py", None),
    ],
)
def test_test_and_docs_paths(path: str, scope: str | None) -> None:
    assert refs.path_scope(path) == scope


def test_model_keys() -> None:
    for key in ("model", "EMBEDDING_MODEL", "modelName", "llm", "repo_id", "OPENAI_MODEL_NAME"):
        assert refs.is_model_key(key), key
    for key in ("model_type", "model_dir", "models", "remodel", "model_max_length"):
        assert not refs.is_model_key(key), key


def test_code_and_config_sources_are_registered_under_their_module_names() -> None:
    registered = dict(SOURCES)
    for module in ("python", "javascript", "configs", "dependencies"):
        assert module in {m.name for m in pkgutil.iter_modules(gate.discover.__path__)}
        assert registered[module].__module__ == f"gate.discover.{module}"


@pytest.mark.parametrize(
    ("value", "identity"),
    [
        ("qwen2.5:7b", "ollama:qwen2.5:7b"),
        ("openai:gpt-4o-mini", "api:openai/gpt-4o-mini"),
        (
            "anthropic.claude-3-5-sonnet-20240620-v1:0",
            "api:bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0",
        ),
        ("qwen-max", "api:alibaba/qwen-max"),
    ],
)
def test_config_values_seen_in_real_apps(value: str, identity: str) -> None:
    # gpt-researcher writes "openai:gpt-4o-mini"; mem0 Bedrock ids end in ":0"; an Ollama
    # tag on a Qwen name is an Ollama model, not Alibaba's API.
    ref = refs.recognise_in(value, refs.RefContext(family="config"))
    assert ref is not None and ref.identity == identity


@pytest.mark.parametrize(
    ("family", "value", "provider"),
    [
        ("hosted", "gpt-4o", "openai"),
        ("hosted", "deepseek-chat", "openai"),
        ("litellm", "huggingface/meta-llama/Llama-3.1-8B-Instruct", None),
        ("litellm", "anthropic/claude-3-5-haiku-latest", None),
        ("ollama", "llama3.2", None),
        ("hf-hosted", "mistralai/Mistral-7B-Instruct-v0.3", "huggingface"),
        ("gateway", "xai/grok-3", None),
        ("provider-colon", "openai:gpt-4o", None),
        ("config", "qwen2.5:7b", None),
    ],
)
def test_an_endpoint_set_by_an_expression_gets_no_default_host(
    family: str, value: str, provider: str | None
) -> None:
    ctx = refs.RefContext(family=family, provider=provider, base_url_dynamic="settings.url")
    ref = refs.recognise_in(value, ctx)
    assert ref is not None
    assert "host" not in ref.attributes and "host_source" not in ref.attributes
    assert ref.attributes["base_url_expr"] == "settings.url"


@pytest.mark.parametrize(
    "name", ["gpt-neo-20b", "gpt-neox-20b", "gpt-j-6b", "GPT-J-6B", "gpt-sw3-6.7b"]
)
def test_open_weights_gpt_names_are_not_openais_hosted_api(name: str) -> None:
    assert apimodels.lookup(name) is None
    assert refs.recognise_in(name, refs.RefContext(family="config")) is None
    assert hosted(name) is None
    # Still OpenAI's: the hosted family the prefix is for.
    assert apimodels.provider_for_model("gpt-4o-mini") == "openai"


def test_api_model_lookup_agrees_with_plain_glob_matching() -> None:
    import fnmatch

    names = [row.pattern.replace("*", "x1") for row in apimodels.api_models()]
    names += ["gpt-4o", "us.anthropic.claude-3-5-sonnet", "x", "o1", "models/gemini-2.0", "qwen"]
    for name in names:
        brute = next(
            (r for r in apimodels.api_models() if fnmatch.fnmatchcase(name.lower(), r.pattern)),
            None,
        )
        if any(
            fnmatch.fnmatchcase(name.lower(), p)
            for p in ("gpt-neo*", "gpt-j*", "gpt-2*", "gpt-sw3*", "gpt-bigcode*")
        ):
            brute = None
        assert apimodels.lookup(name) == brute, name


def test_importable_packages_named_like_tests_are_code() -> None:
    scopes = refs.PathScopes(
        [
            "src/pkg/__init__.py",
            "src/pkg/testing/__init__.py",
            "src/pkg/testing/models.py",
            "src/pkg/fixtures/__init__.py",
            "src/pkg/fixtures/llm.py",
            "src/pkg/docs/notes.py",
            "tests/__init__.py",
            "tests/unit/test_x.py",
            "tests/helpers.py",
            "web/spec/chat.js",
            "docs/conf.py",
        ]
    )
    assert scopes.scope("src/pkg/testing/models.py") is None  # numpy.testing-style package
    assert scopes.scope("src/pkg/fixtures/llm.py") is None
    assert scopes.scope("src/pkg/docs/notes.py") == "docs"  # no __init__.py: a docs folder
    assert scopes.scope("tests/helpers.py") == "test"  # tests/ is tests, importable or not
    assert scopes.scope("web/spec/chat.js") == "test"
    assert scopes.scope("docs/conf.py") == "docs"
    assert scopes.note() == (
        "tests and docs set aside (not read for model references; --include-tests reads"
        " them): 6 files in tests/ (3), docs/ (1), src/pkg/docs/ (1), web/spec/ (1)"
    )


def test_a_litellm_string_is_one_identity_whatever_names_it() -> None:
    loc = Location("x", line=1)
    ids = {
        key: refs.named_value(
            "t",
            "deepseek/deepseek-chat",
            key,
            loc,
            as_written="",
            confidence=Confidence.MEDIUM,
            flow="assignment",
        )
        for key in ("deepseek_model", "weak_model_name", "OPENAI_MODEL", "model")
    }
    assert {k: ev.identity if ev else None for k, ev in ids.items()} == dict.fromkeys(
        ids, "api:deepseek/deepseek-chat"
    )
    # Outside a litellm call, openai/ before a Hub name stays a Hub id.
    assert refs.litellm_prefix("openai/whisper-large-v3", litellm_call=False) is None
    assert refs.litellm_prefix("openai/whisper-large-v3") == ("openai", "whisper-large-v3")


def test_google_resource_names_are_the_model_they_name() -> None:
    sdk = refs.RefContext(family="hosted", provider="google")
    ref = refs.recognise_in("models/gemini-2.5-flash", sdk)
    assert ref is not None and ref.identity == "api:google/gemini-2.5-flash"
    config = refs.RefContext(family="config")
    ref = refs.recognise_in("models/gemini-2.5-flash-image", config)
    assert ref is not None and ref.identity == "api:google/gemini-2.5-flash-image"
    # Open weights and unknown names under models/ stay paths.
    assert refs.recognise_in("models/gemma-2b", config) is None
    assert refs.recognise_in("models/my-finetune", config) is None


def test_a_path_key_counts_only_a_known_publishers_hub_id() -> None:
    ctx = refs.RefContext(family="config")
    ref = refs.recognise_under("model_path", "lmsys/vicuna-7b-v1.5", ctx)
    assert ref is not None and ref.identity == "hf:lmsys/vicuna-7b-v1.5@unpinned"
    for folder in ("my_team/finetune-v2", "models/vicuna", "./lmsys/vicuna", "/opt/m", "gpt2"):
        assert refs.recognise_under("model_path", folder, ctx) is None, folder
    assert refs.recognise_under("model_dir", "lmsys/vicuna-7b-v1.5", ctx) is None
    assert refs.names_model("--model-path".lstrip("-")) and not refs.is_model_key("model_path")


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("https://api.groq.com/openai/v1", True),
        ("localhost:11434/api/chat", True),
        ("ollama:11434", True),
        ("llama3.2:latest", False),  # a tag, not a port
        ("qwen2.5:7b", False),
        ("/api/chat", False),
    ],
)
def test_is_request_url(text: str, url: bool) -> None:
    assert refs.is_request_url(text) is url
