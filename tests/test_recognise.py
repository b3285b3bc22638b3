"""One string, one identity: every front end, ``explain`` and the foreign-BOM reader ask the
one recogniser (issue 12, item 11). The same table runs through each of them."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from gate import pipeline
from gate.discover import configs, javascript, polyglot, python, refs, scanning
from gate.recognise import (
    HostSource,
    Reading,
    Serving,
    Site,
    SiteKind,
    knowledge,
    recognise,
)
from gate.registry import load
from gate.resolve import origins

# (string, identity): strings whose identity their own shape decides.
TABLE = [
    ("gpt-4o", "api:openai/gpt-4o"),
    ("claude-3-5-sonnet-20240620", "api:anthropic/claude-3-5-sonnet-20240620"),
    ("deepseek-chat", "api:deepseek/deepseek-chat"),
    ("qwen-max", "api:alibaba/qwen-max"),
    ("Qwen/Qwen2.5-7B-Instruct", "hf:Qwen/Qwen2.5-7B-Instruct@unpinned"),
    ("openai/whisper-large-v3", "hf:openai/whisper-large-v3@unpinned"),
    ("https://huggingface.co/Qwen/Qwen2.5-7B-Instruct", "hf:Qwen/Qwen2.5-7B-Instruct@unpinned"),
    (
        "hf.co/bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M",
        "hf:bartowski/Llama-3.2-3B-Instruct-GGUF@unpinned",
    ),
    ("qwen2.5-coder:7b", "ollama:qwen2.5-coder:7b"),
    ("deepseek/deepseek-chat", "api:deepseek/deepseek-chat"),
    ("deepseek:deepseek-chat", "api:deepseek/deepseek-chat"),
    ("openai:gpt-4o-mini", "api:openai/gpt-4o-mini"),
    ("together_ai/Qwen/Qwen2.5-72B-Instruct-Turbo", "api:together/Qwen/Qwen2.5-72B-Instruct-Turbo"),
    ("togetherai:Qwen/Qwen2.5-72B-Instruct-Turbo", "api:together/Qwen/Qwen2.5-72B-Instruct-Turbo"),
    ("openrouter/anthropic/claude-3.5-sonnet", "api:openrouter/anthropic/claude-3.5-sonnet"),
    ("groq/llama-3.1-8b-instant", "api:groq/llama-3.1-8b-instant"),
    ("cerebras/llama3.1-8b", "api:cerebras/llama3.1-8b"),
    ("github/gpt-4o", "api:github-models/gpt-4o"),
    (
        "cloudflare/@cf/meta/llama-3.1-8b-instruct",
        "api:cloudflare/@cf/meta/llama-3.1-8b-instruct",
    ),
    ("ollama/llama3.1", "ollama:llama3.1:latest"),
    (
        "us.anthropic.claude-3-5-sonnet-20240620-v1:0",
        "api:bedrock/us.anthropic.claude-3-5-sonnet-20240620-v1:0",
    ),
    (
        "jp.anthropic.claude-3-5-sonnet-20240620-v1:0",
        "api:bedrock/jp.anthropic.claude-3-5-sonnet-20240620-v1:0",
    ),
    (
        "au.anthropic.claude-sonnet-4-20250514-v1:0",
        "api:bedrock/au.anthropic.claude-sonnet-4-20250514-v1:0",
    ),
    ("ca.amazon.nova-pro-v1:0", "api:bedrock/ca.amazon.nova-pro-v1:0"),
    # An inference-profile ARN names the profile's model id (one identity for both spellings).
    (
        "arn:aws:bedrock:eu-west-3:000011112222:inference-profile/eu.amazon.nova-micro-v1:0",
        "api:bedrock/eu.amazon.nova-micro-v1:0",
    ),
    ("publishers/google/models/gemini-1.5-pro", "api:google-vertex/gemini-1.5-pro"),
    # Names one provider alone serves (the served-names table): that provider's.
    ("llama-3.1-8b-instant", "api:groq/llama-3.1-8b-instant"),
    ("mixtral-8x7b-32768", "api:groq/mixtral-8x7b-32768"),
    # Gateway ids of hosted-only models are never Hub repos; open weights stay Hub ids.
    ("google/gemini-2.0-flash-001", "api:google/gemini-2.0-flash-001"),
    ("x-ai/grok-4", "api:xai/grok-4"),
    ("openai/gpt-oss-120b", "hf:openai/gpt-oss-120b@unpinned"),
    ("google/gemma-2-9b-it", "hf:google/gemma-2-9b-it@unpinned"),
    # Spellings of round 7: id shapes one provider alone defines (providers.yaml id_shapes),
    # Keras 3 / HfFileSystem Hub URLs, an Ollama size tag after a provider-looking word.
    ("@cf/meta/llama-3.1-8b-instruct", "api:cloudflare/@cf/meta/llama-3.1-8b-instruct"),
    (
        "@hf/thebloke/deepseek-coder-6.7b-base-awq",
        "api:cloudflare/@hf/thebloke/deepseek-coder-6.7b-base-awq",
    ),
    (
        "accounts/fireworks/models/llama-v3p1-8b-instruct",
        "api:fireworks/accounts/fireworks/models/llama-v3p1-8b-instruct",
    ),
    ("qwen/qwen3-8b:free", "api:openrouter/qwen/qwen3-8b:free"),
    # OpenRouter's variant suffix decides over a maker's prefix or a hosted-only maker
    ("deepseek/deepseek-r1:free", "api:openrouter/deepseek/deepseek-r1:free"),
    ("google/gemini-2.0-flash-exp:free", "api:openrouter/google/gemini-2.0-flash-exp:free"),
    ("hf://google/gemma-2-9b-it", "hf:google/gemma-2-9b-it@unpinned"),
    ("mistral:7b", "ollama:mistral:7b"),
]

CASES = [pytest.param(s, i, id=s) for s, i in TABLE]


def _one(found: list[str], where: str) -> str:
    assert len(set(found)) == 1, f"{where}: {found}"
    return found[0]


def _python(value: str) -> str:
    source = f"MODEL_NAME = {value!r}\n"
    outcome = python.analyse_file("app.py", source.encode())
    return _one([ev.identity for ev in outcome.evidence], "python")


def _javascript(value: str) -> str:
    source = f"export const config = {{ model: {json.dumps(value)} }};\n"
    outcome = javascript.analyse_file("app.ts", source.encode())
    return _one([ev.identity for ev in outcome.evidence], "javascript")


# One model constant per language of the Go/Rust/Java/Kotlin front end.
_POLYGLOT = {
    "main.go": "package main\n\nconst Model = {v}\n",
    "main.rs": "const MODEL: &str = {v};\n",
    "App.java": "class App {{\n  static final String MODEL = {v};\n}}\n",
    "App.kt": "const val MODEL = {v}\n",
}


def _polyglot(value: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, template in _POLYGLOT.items():
        source = template.format(v=json.dumps(value))
        outcome = polyglot.analyse_file(name, source.encode())
        out[name] = _one([ev.identity for ev in outcome.evidence], name)
    return out


def _config(value: str) -> str:
    outcome = configs.analyse_file("config.yaml", f"llm:\n  model: {json.dumps(value)}\n".encode())
    return _one([ev.identity for ev in outcome.evidence], "config")


def _explain(value: str) -> str:
    cid = origins.identity_for_reference(value, load())
    assert cid is not None, f"explain: {value}"
    return cid


def _foreign_bom(tmp_path: Path, value: str, endpoint: str | None = None) -> str:
    service: dict[str, object] = {
        "name": "chat",
        "properties": [{"name": "model", "value": value}],
    }
    if endpoint:
        service["endpoints"] = [endpoint]
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"component": {"type": "application", "name": "x"}},
        "services": [service],
    }
    path = tmp_path / "foreign.json"
    path.write_text(json.dumps(doc))
    inventory, _ = pipeline.load_bom(path, pipeline.ScanOptions(root=tmp_path, online=False))
    return _one([c.id for c in inventory.components], "foreign BOM")


@pytest.mark.parametrize(("value", "expected"), CASES)
def test_one_string_one_identity_everywhere(tmp_path: Path, value: str, expected: str) -> None:
    got = {
        "recognise": recognise(value, Site(SiteKind.CONFIG_KEY), Serving(), knowledge()),
        "python": _python(value),
        "javascript": _javascript(value),
        **_polyglot(value),
        "config": _config(value),
        "explain": _explain(value),
        "foreign-bom": _foreign_bom(tmp_path, value),
    }
    first = got.pop("recognise")
    assert first is not None and first.identity == expected
    assert got == dict.fromkeys(got, expected)


ACME = (
    "apiVersion: aigate/v1\nkind: Registry\nendpoints:\n"
    "  - {host: llm.acme.internal, provider: acme, operator: Acme AI, country: DE,"
    ' source: "ours"}\n'
)
THIRD_PARTY = "https://api.together.xyz/v1"
SERVED = "api:together/Qwen/Qwen2.5-72B-Instruct-Turbo"


def _served_python(value: str, endpoint: str) -> scanning.Outcome:
    """An OpenAI client at `endpoint` asked for `value`, in Python."""
    source = f"""
        from openai import OpenAI
        client = OpenAI(base_url={endpoint!r})
        client.chat.completions.create(model={value!r}, messages=[])
        """
    return python.analyse_file("app.py", textwrap.dedent(source).encode())


def _served_javascript(value: str, endpoint: str) -> scanning.Outcome:
    """An OpenAI client at `endpoint` asked for `value`, in TypeScript."""
    source = f"""
        import OpenAI from "openai";
        const client = new OpenAI({{ baseURL: "{endpoint}" }});
        await client.chat.completions.create({{ model: "{value}", messages: [] }});
        """
    return javascript.analyse_file("app.ts", textwrap.dedent(source).encode())


def test_a_hub_id_served_by_a_third_party_is_that_providers_hosted_model(tmp_path: Path) -> None:
    value = "Qwen/Qwen2.5-72B-Instruct-Turbo"
    py = _served_python(value, THIRD_PARTY)
    js = _served_javascript(value, THIRD_PARTY)
    cfg = configs.analyse_file(
        "config.yaml", f"llm:\n  base_url: {THIRD_PARTY}\n  model: {value}\n".encode()
    )
    found = {
        "python": _one([e.identity for e in py.evidence], "python"),
        "javascript": _one([e.identity for e in js.evidence], "javascript"),
        "config": _one([e.identity for e in cfg.evidence], "config"),
        "foreign-bom": _foreign_bom(tmp_path, value, THIRD_PARTY),
    }
    assert found == dict.fromkeys(found, SERVED)
    ev = py.evidence[0]
    assert ev.attributes["host"] == "api.together.xyz"
    assert ev.attributes["host_source"] == "base_url"


# (value, endpoint, identity): strings whose identity the endpoint written beside them decides,
# the same whichever front end reads the pair.
SERVED_TABLE = [
    # The deployment's own hosts: a named one is its own provider, whether a bare single-label
    # host (a compose service, recog7p) or a Kubernetes service's DNS name; one that only
    # spells an address (a private IP, loopback, nip.io) is `local`.
    ("Qwen/Qwen2-7B-Instruct", "http://tgi-qwen2/v1", "api:tgi-qwen2/Qwen/Qwen2-7B-Instruct"),
    (
        "Qwen/Qwen2-7B-Instruct",
        "http://vllm-7b.llm.svc.cluster.local:8000/v1",
        "api:vllm-7b.llm.svc.cluster.local/Qwen/Qwen2-7B-Instruct",
    ),
    ("qwen-7b-chat", "http://vllm-7b.llm.svc:8000/v1", "api:vllm-7b.llm.svc/qwen-7b-chat"),
    ("Qwen/Qwen2-7B-Instruct", "http://10.1.2.3:8000/v1", "api:local/Qwen/Qwen2-7B-Instruct"),
    (
        "Qwen/Qwen2-7B-Instruct",
        "http://x.10.1.2.3.nip.io:8000/v1",
        "api:local/Qwen/Qwen2-7B-Instruct",
    ),
    # a known endpoint under Azure's per-resource host pattern
    ("gpt-4o", "https://my-res.openai.azure.com/", "api:azure-openai/gpt-4o"),
    # Ollama's port on a machine of its own
    ("llama3.2", "http://gpu.example.org:11434/v1", "ollama:llama3.2:latest"),
    # Fireworks' own id shape at Fireworks' endpoint
    (
        "accounts/fireworks/models/llama-v3p1-8b-instruct",
        "https://api.fireworks.ai/inference/v1",
        "api:fireworks/accounts/fireworks/models/llama-v3p1-8b-instruct",
    ),
]


@pytest.mark.parametrize(
    ("value", "endpoint", "expected"),
    [pytest.param(v, e, i, id=f"{v}@{e}") for v, e, i in SERVED_TABLE],
)
def test_one_served_string_one_identity_everywhere(
    tmp_path: Path, value: str, endpoint: str, expected: str
) -> None:
    py = _served_python(value, endpoint)
    js = _served_javascript(value, endpoint)
    go = polyglot.analyse_file(
        "main.go",
        textwrap.dedent(
            f"""
            package main
            import "github.com/tmc/langchaingo/llms/openai"
            func main() {{
                llm, _ := openai.New(openai.WithBaseURL("{endpoint}"), openai.WithModel("{value}"))
                _ = llm
            }}
            """
        ).encode(),
    )
    java = polyglot.analyse_file(
        "Chat.java",
        textwrap.dedent(
            f"""
            import dev.langchain4j.model.openai.OpenAiChatModel;
            class Chat {{
              OpenAiChatModel model =
                  OpenAiChatModel.builder().baseUrl("{endpoint}").modelName("{value}").build();
            }}
            """
        ).encode(),
    )
    cfg = configs.analyse_file(
        "config.yaml", f"llm:\n  base_url: {endpoint}\n  model: {value}\n".encode()
    )
    alone = recognise(value, Site(SiteKind.CONFIG_KEY), Serving(base_url=endpoint), knowledge())
    found = {
        "recognise": alone.identity if alone is not None else None,
        "python": _one([e.identity for e in py.evidence], "python"),
        "javascript": _one([e.identity for e in js.evidence], "javascript"),
        "go": _one([e.identity for e in go.evidence], "go"),
        "java": _one([e.identity for e in java.evidence], "java"),
        "config": _one([e.identity for e in cfg.evidence], "config"),
        "foreign-bom": _foreign_bom(tmp_path, value, endpoint),
    }
    assert found == dict.fromkeys(found, expected)


def test_a_litellm_ollama_route_is_an_ollama_tag_at_any_host(tmp_path: Path) -> None:
    # ollama/ and ollama_chat/ (litellm, dspy) with api_base at a tunnel: an Ollama tag,
    # whatever machine runs the daemon, in code and in a LiteLLM proxy's model_list alike.
    url = "https://abc.ngrok-free.app"
    expected = "ollama:llama3.2:latest"
    py = python.analyse_file(
        "app.py",
        textwrap.dedent(
            f"""
            import litellm
            litellm.completion(model="ollama_chat/llama3.2", api_base={url!r}, messages=[])
            """
        ).encode(),
    )
    proxy = configs.analyse_file(
        "litellm_config.yaml",
        (
            "model_list:\n  - model_name: local\n    litellm_params:\n"
            f"      model: ollama/llama3.2\n      api_base: {url}\n"
        ).encode(),
    )
    alone = recognise(
        "ollama/llama3.2",
        Site(SiteKind.CALL_ARGUMENT, reads=Reading.LITELLM),
        Serving(base_url=url),
        knowledge(),
    )
    found = {
        "recognise": alone.identity if alone is not None else None,
        "python": _one([e.identity for e in py.evidence], "python"),
        "config": _one([e.identity for e in proxy.evidence], "config"),
        "explain": _explain("ollama/llama3.2"),
    }
    assert found == dict.fromkeys(found, expected)


def test_a_local_ollama_server_gives_ollama_identities_never_openai() -> None:
    found = recognise(
        "nomic-embed-text:latest",
        Site(SiteKind.CALL_ARGUMENT, reads=Reading.HOSTED),
        Serving(sdk="openai", provider="openai", base_url="http://localhost:11434/v1"),
        knowledge(),
    )
    assert found is not None and found.identity == "ollama:nomic-embed-text:latest"


def test_an_endpoint_set_at_run_time_leaves_the_host_unknown() -> None:
    found = recognise(
        "claude-sonnet-4-20250514",
        Site(SiteKind.CALL_ARGUMENT, reads=Reading.HOSTED),
        Serving(sdk="openai", provider="openai", base_url_expr="settings.base_url"),
        knowledge(),
    )
    assert found is not None
    assert found.identity == "api:anthropic/claude-sonnet-4-20250514"
    assert "host" not in found.attributes
    serving = found.serving
    assert serving is not None and serving.host is None
    assert serving.host_source is HostSource.UNKNOWN


def test_a_catalogue_item_is_listed() -> None:
    found = recognise("deepseek-chat", Site(SiteKind.CATALOGUE_ITEM), Serving(), knowledge())
    assert found is not None and found.listed
    assert found.identity == "api:deepseek/deepseek-chat"


def test_a_user_registry_host_is_recognised(tmp_path: Path) -> None:
    reg = tmp_path / "reg.yaml"
    reg.write_text(ACME)
    kn = knowledge((reg,))
    found = recognise(
        "qwen-max",
        Site(SiteKind.CONFIG_KEY),
        Serving(base_url="https://llm.acme.internal/v1"),
        kn,
    )
    assert found is not None and found.identity == "api:acme/qwen-max"
    with refs.using(kn):
        ev = refs.recognise_in(
            "qwen-max", refs.RefContext(family="hosted", base_url="llm.acme.internal")
        )
    assert ev is not None and ev.identity == "api:acme/qwen-max"


def test_a_scan_places_hosts_of_the_users_registry(tmp_path: Path) -> None:
    reg = tmp_path / "reg.yaml"
    reg.write_text(ACME)
    app = tmp_path / "app"
    app.mkdir()
    (app / "config.yaml").write_text(
        "llm:\n  base_url: https://llm.acme.internal/v1\n  model: qwen-max\n"
    )
    result = pipeline.scan(pipeline.ScanOptions(root=app, registry_files=(reg,), history="none"))
    ids = [c.id for c in result.inventory.components]
    assert "api:acme/qwen-max" in ids
    assert not any(i.startswith("api:llm.acme.internal/") for i in ids)


def _hosted_at(value: str, serving: Serving) -> str | None:
    found = recognise(
        value, Site(SiteKind.CALL_ARGUMENT, reads=Reading.HOSTED), serving, knowledge()
    )
    return found.identity if found is not None else None


def test_an_aggregators_tier_word_before_a_hub_id_is_its_hosted_name() -> None:
    # SiliconFlow's paid tier "Pro/deepseek-ai/DeepSeek-V3": a name at a provider the code
    # names, not a path; without a provider the same string is a folder.
    at = Serving(sdk="openai", provider="openai", base_url="https://api.siliconflow.cn/v1/")
    assert (
        _hosted_at("Pro/deepseek-ai/DeepSeek-V3", at)
        == "api:siliconflow/Pro/deepseek-ai/DeepSeek-V3"
    )
    in_config = recognise(
        "Pro/deepseek-ai/DeepSeek-R1",
        Site(SiteKind.CATALOGUE_ITEM),
        Serving(base_url="https://api.siliconflow.cn/v1"),
        knowledge(),
    )
    assert in_config is not None
    assert in_config.identity == "api:siliconflow/Pro/deepseek-ai/DeepSeek-R1"
    assert _hosted_at("models/deepseek-ai/DeepSeek-V3", at) is None
    assert _hosted_at("Pro/deepseek-ai/DeepSeek-V3", Serving()) is None
    shape = recognise(
        "Pro/deepseek-ai/DeepSeek-V3", Site(SiteKind.CONFIG_KEY), Serving(), knowledge()
    )
    assert shape is None


def test_ollamas_cloud_runs_ollama_tags() -> None:
    # litellm `ollama/gemma4:31b-cloud` with api_base https://ollama.com: an Ollama tag.
    found = recognise(
        "ollama/gemma4:31b-cloud",
        Site(SiteKind.CATALOGUE_ITEM, reads=Reading.LITELLM),
        Serving(base_url="https://ollama.com"),
        knowledge(),
    )
    assert found is not None and found.identity == "ollama:gemma4:31b-cloud"
    assert found.attributes["host"] == "ollama.com"


def test_a_litellm_route_through_an_openai_client_is_the_routes_model() -> None:
    # ChatOpenAI(model="vertex_ai/gemini-2.5-flash-lite") with OPENAI_API_BASE at a LiteLLM
    # proxy: OpenAI cannot serve that name; the proxy forwards it to Vertex AI.
    for serving in (
        Serving(sdk="langchain-openai", provider="openai"),
        Serving(sdk="openai", provider="openai", base_url="http://localhost:4000"),
    ):
        found = recognise(
            "vertex_ai/gemini-2.5-flash-lite",
            Site(SiteKind.CALL_ARGUMENT, reads=Reading.HOSTED),
            serving,
            knowledge(),
        )
        assert found is not None
        assert found.identity == "api:google-vertex/gemini-2.5-flash-lite"
        assert found.attributes["routed_by"] == "litellm-proxy"
    # A Hub id sent to a server on this machine is that server's model (the corpus rule:
    # api:local/<name>, lineage from the Hub org); OpenAI's own names stay OpenAI's.
    local = Serving(sdk="openai", provider="openai", base_url="http://localhost:8000/v1")
    assert _hosted_at("Qwen/Qwen2.5-7B-Instruct", local) == "api:local/Qwen/Qwen2.5-7B-Instruct"
    assert _hosted_at("gpt-4o", Serving(provider="openai")) == "api:openai/gpt-4o"


def test_a_vercel_ai_gateway_string_is_served_by_the_gateway() -> None:
    found = recognise(
        "groq/llama-3.1-70b-versatile",
        Site(SiteKind.CALL_ARGUMENT, reads=Reading.GATEWAY),
        Serving(sdk="ai"),
        knowledge(),
    )
    assert found is not None
    assert found.identity == "api:vercel/groq/llama-3.1-70b-versatile"
    assert found.attributes["host"] == "ai-gateway.vercel.sh"


def test_retired_canonical_dataset_names_are_their_hub_ids() -> None:
    found = recognise(
        "hans", Site(SiteKind.CALL_ARGUMENT, reads=Reading.HF_DATASET), Serving(), knowledge()
    )
    assert found is not None and found.identity == "dataset:hf:jhu-cogsci/hans"


def test_flashrank_short_names_are_files_of_its_hub_repo() -> None:
    source = textwrap.dedent(
        """
        from flashrank import Ranker
        ranker = Ranker(model_name="ms-marco-MiniLM-L-12-v2", cache_dir="/opt")
        from langchain_community.document_compressors import FlashrankRerank
        compressor = FlashrankRerank(model="ms-marco-MultiBERT-L-12")
        """
    )
    found = python.analyse_file("rerank.py", source.encode()).evidence
    got = {(ev.identity, ev.attributes["filename"]) for ev in found}
    assert got == {
        ("hf:prithivida/flashrank@unpinned", "ms-marco-MiniLM-L-12-v2.zip"),
        ("hf:prithivida/flashrank@unpinned", "ms-marco-MultiBERT-L-12.zip"),
    }
    # An org/name is a Hub id as anywhere else.
    ref = recognise(
        "Alibaba-NLP/gte-multilingual-reranker-base",
        Site(SiteKind.CALL_ARGUMENT, reads=Reading.FLASHRANK),
        Serving(),
        knowledge(),
    )
    assert ref is not None
    assert ref.identity == "hf:Alibaba-NLP/gte-multilingual-reranker-base@unpinned"


def _shape(value: str, serving: Serving | None = None) -> str | None:
    found = recognise(
        value, Site(SiteKind.CONFIG_KEY, reads=Reading.SHAPE), serving or Serving(), knowledge()
    )
    return found.identity if found is not None else None


def test_a_release_name_alone_names_no_hosted_api() -> None:
    # `--model Qwen2-7B-Instruct` for the app's own script: the Hub release's name (a folder
    # under the script's model dir), not DashScope's lower-case `qwen2-7b-instruct`.
    assert _shape("Qwen2-7B-Instruct") is None
    assert _shape("DeepSeek-Coder-V2-Instruct") is None
    assert _shape("qwen2-7b-instruct") == "api:alibaba/qwen2-7b-instruct"
    assert _shape("DeepSeek-R1") == "api:deepseek/DeepSeek-R1"
    # With the provider named beside it, the provider's catalogue spelling stands.
    assert _shape("Qwen2-7B-Instruct", Serving(provider_hint="groq")) == (
        "api:groq/Qwen2-7B-Instruct"
    )


def test_an_aggregator_beside_an_org_name_serves_it() -> None:
    assert _shape("openai/gpt-5-mini", Serving(provider_hint="openrouter")) == (
        "api:openrouter/openai/gpt-5-mini"
    )
    assert _shape("openai/gpt-5-mini") == "api:openai/gpt-5-mini"


def test_provider_shaped_names_name_their_provider() -> None:
    # Fireworks resource names and Workers AI catalogue names say who serves them.
    assert _shape("accounts/fireworks/models/some-model-8b") == (
        "api:fireworks/accounts/fireworks/models/some-model-8b"
    )
    assert _shape("@cf/meta/some-model-8b-instruct") == (
        "api:cloudflare/@cf/meta/some-model-8b-instruct"
    )


@pytest.mark.parametrize(
    "value",
    [
        "claude-",  # a prefix a picker matches names on
        "gpt-",
        "mistral_",
        "AZURE_OPENAI_DEPLOYMENT_NAME",  # the setting's name, not its value
        "embeddings.implementations.openai",  # an import path in a registry dict
        "Asia/Bangkok",  # an IANA time zone, not a Hub id
        "Europe/London",
        "chat",  # section keys of a provider store
        "embedding",
        "other",
        "tgi",  # TGI's documented placeholder: the server runs whatever it was started with
    ],
)
def test_strings_that_are_never_model_names(value: str) -> None:
    assert _shape(value) is None
    assert _shape(value, Serving(provider_hint="openai")) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("amazon.titan-embed-text-v1", "api:bedrock/amazon.titan-embed-text-v1"),
        ("gpt-4o", "api:openai/gpt-4o"),
        ("Asiana/model-7b", "hf:Asiana/model-7b@unpinned"),
    ],
)
def test_model_names_near_those_shapes_stay_models(value: str, expected: str) -> None:
    assert _shape(value) == expected


def test_own_host_domains_come_from_the_shipped_table() -> None:
    from gate.recognise.core import is_own_host
    from gate.recognise.knowledge import providers

    assert "nip.io" in providers().own_host_domains
    for host in ("nip.io", "x.10.0.0.1.nip.io", "svc", "a.b.svc", "host.docker.internal"):
        assert is_own_host(host), host
    # a domain merely ending in the same letters, or holding one inside, is not one
    for host in ("evilnip.io", "svc.example.com", "api.openai.com", "52.14.1.9", ""):
        assert not is_own_host(host), host


def test_a_menu_holding_a_gateways_own_id_is_that_gateways_menu_everywhere() -> None:
    # One entry in a shape only OpenRouter defines (`:free`) makes the menu OpenRouter's: its
    # other <maker>/<model> entries are OpenRouter ids, in Python, JS and config alike
    # (refs.menu_gateway), where alone `openai/gpt-oss-120b` is the Hub repo.
    expected = {
        "api:openrouter/openai/gpt-oss-120b",
        "api:openrouter/tngtech/deepseek-r1t2-chimera:free",
    }
    py = python.analyse_file(
        "models.py",
        textwrap.dedent(
            """
            MODELS = [
                {"name": "GPT", "id": "openai/gpt-oss-120b"},
                {"name": "Chimera", "id": "tngtech/deepseek-r1t2-chimera:free"},
            ]
            """
        ).encode(),
    )
    js = javascript.analyse_file(
        "models.ts",
        textwrap.dedent(
            """
            export const MODELS = [
              { name: "GPT", id: "openai/gpt-oss-120b" },
              { name: "Chimera", id: "tngtech/deepseek-r1t2-chimera:free" },
            ];
            """
        ).encode(),
    )
    cfg = configs.analyse_file(
        "models.yaml",
        b"models:\n  - openai/gpt-oss-120b\n  - tngtech/deepseek-r1t2-chimera:free\n",
    )
    rust = polyglot.analyse_file(
        "models.rs",
        textwrap.dedent(
            """
            fn models() -> Vec<Model> {
                let free_models = vec![
                    Model { name: "GPT".to_string(), id: "openai/gpt-oss-120b".to_string() },
                    Model {
                        name: "Chimera".into(),
                        id: "tngtech/deepseek-r1t2-chimera:free".into(),
                    },
                ];
                free_models
            }
            """
        ).encode(),
    )
    go = polyglot.analyse_file(
        "models.go",
        textwrap.dedent(
            """
            package models
            var Models = []string{"openai/gpt-oss-120b", "tngtech/deepseek-r1t2-chimera:free"}
            """
        ).encode(),
    )
    found = {
        "python": {e.identity for e in py.evidence},
        "javascript": {e.identity for e in js.evidence},
        "rust": {e.identity for e in rust.evidence},
        "go": {e.identity for e in go.evidence},
        "config": {e.identity for e in cfg.evidence},
    }
    assert found == dict.fromkeys(found, expected)


def test_a_bundlers_public_prefix_hides_no_provider_in_an_env_file() -> None:
    # VITE_OPENROUTER_MODEL is OPENROUTER_MODEL to the app (providers.yaml
    # public_env_prefixes): the JS front end and the env-file reader ask one rule.
    assert refs.provider_from_env_name("VITE_OPENROUTER_MODEL") == "openrouter"
    assert refs.provider_from_env_name("NEXT_PUBLIC_GROQ_BASE_URL") == "groq"
    assert refs.provider_from_env_name("VITE_") is None
    plain = configs.analyse_file(".env", b"OPENROUTER_MODEL=openai/gpt-4o\n")
    public = configs.analyse_file(".env", b"VITE_OPENROUTER_MODEL=openai/gpt-4o\n")
    assert [e.identity for e in plain.evidence] == ["api:openrouter/openai/gpt-4o"]
    assert [e.identity for e in public.evidence] == ["api:openrouter/openai/gpt-4o"]


def test_the_tgi_placeholder_sent_to_a_tgi_server_names_no_model() -> None:
    source = textwrap.dedent(
        """\
        from openai import OpenAI
        client = OpenAI(base_url="http://localhost:8080/v1", api_key="-")
        client.chat.completions.create(model="tgi", messages=[])
        class Settings:
            model_name: str = "tgi"
        """
    )
    outcome = python.analyse_file("app.py", source.encode())
    assert not [ev.identity for ev in outcome.evidence if ev.identity.endswith("/tgi")]


def test_a_litellm_infinity_route_at_a_cluster_service_is_that_services_model() -> None:
    # LiteLLM's infinity/ route is a self-hosted Infinity server at the entry's api_base.
    text = textwrap.dedent(
        """\
        model_list:
          - model_name: reranker
            litellm_params:
              model: infinity/bge-reranker-v2-m3
              api_base: http://rerank.llm.svc.cluster.local:7997
          - model_name: chat
            litellm_params:
              model: hosted_vllm/Qwen/Qwen2-7B-Instruct
              api_base: http://10.1.2.3:8000/v1
        """
    )
    outcome = configs.analyse_file("litellm.yaml", text.encode())
    assert {ev.identity for ev in outcome.evidence} == {
        "api:rerank.llm.svc.cluster.local/bge-reranker-v2-m3",
        "api:local/Qwen/Qwen2-7B-Instruct",
    }


def test_an_entry_named_after_its_provider_names_no_model() -> None:
    # {"name": <provider>, "base_url": ..., "models": [...]}: the entry is the provider's
    # settings; its models are the list. An Ollama menu's {"name": "mistral"} is a model.
    source = textwrap.dedent(
        """\
        PROVIDERS = {
            "deepseek": {
                "name": "deepseek",
                "base_url": "http://10.0.0.9:3001/v1",
                "models": ["coder"],
            },
            "qwen": {
                "name": "qwen",
                "base_url": "https://dashscope.aliyuncs.com/compatible-mode/v1",
                "models": ["qwen-plus"],
            },
        }
        LOCAL_MODELS = [
            {"name": "mistral", "base_url": "http://localhost:11434"},
        ]
        """
    )
    outcome = python.analyse_file("settings.py", source.encode())
    ids = {ev.identity for ev in outcome.evidence}
    assert "api:local/deepseek" not in ids and "api:alibaba/qwen" not in ids, ids
    assert {"api:local/coder", "api:alibaba/qwen-plus", "ollama:mistral:latest"} == ids, ids
