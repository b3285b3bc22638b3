"""Who serves a model name: names one provider alone serves, gateway ids of hosted-only
models, and the project's one hosted provider (gate.recognise.core, gate.recognise.project).
Every case is written for this test; none is copied from a scanned repository."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from gate import pipeline
from gate.discover import javascript, python
from gate.model import Confidence, Evidence, EvidenceKind, Location, Role
from gate.recognise import Serving, Site, SiteKind, knowledge, recognise
from gate.recognise.project import project_provider, served_in_project


def _id(value: str, kind: SiteKind = SiteKind.CATALOGUE_ITEM, **serving: str) -> str | None:
    found = recognise(value, Site(kind), Serving(**serving), knowledge())  # type: ignore[arg-type]
    return found.identity if found is not None else None


# --- 1. names one provider alone serves --------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # Groq's own spellings: a serving word or a context size no Hub release carries
        ("llama-3.1-8b-instant", "api:groq/llama-3.1-8b-instant"),
        ("llama-3.3-70b-versatile", "api:groq/llama-3.3-70b-versatile"),
        ("llama3-70b-8192", "api:groq/llama3-70b-8192"),
        ("mixtral-8x7b-32768", "api:groq/mixtral-8x7b-32768"),
        # a maker's pattern still says who made (and serves) its own names
        ("gpt-4o-mini", "api:openai/gpt-4o-mini"),
        ("claude-3-5-haiku-20241022", "api:anthropic/claude-3-5-haiku-20241022"),
        # a cloud serving a maker's model under the maker's spelling leaves the maker's API;
        # the cloud's own spelling names the cloud
        ("claude-3-opus", "api:anthropic/claude-3-opus"),
        ("claude-3-opus@20240229", "api:google-vertex/claude-3-opus@20240229"),
        ("gemini-1.0-pro", "api:google/gemini-1.0-pro"),
        # a plain release under a maker's pattern is not given to the one server listed
        ("qwen2.5-72b-instruct", "api:alibaba/qwen2.5-72b-instruct"),
        # a word with no digit names nothing, whatever a table lists
        ("embeddings", None),
    ],
)
def test_a_name_one_provider_alone_serves_is_that_providers(
    value: str, expected: str | None
) -> None:
    assert _id(value) == expected
    assert _id(value, SiteKind.CONFIG_KEY) == expected


def test_a_plain_release_name_counts_only_in_a_catalogue() -> None:
    # One provider lists "gemma2-9b-it": in a picker that is the name it offers; a script's
    # --model flag with the same words may as well be a local folder.
    assert _id("gemma2-9b-it") == "api:groq/gemma2-9b-it"
    assert _id("gemma2-9b-it", SiteKind.CONFIG_KEY) is None
    assert _id("gemma2-9b-it", SiteKind.DEFAULT) is None


def test_the_served_name_rule_says_so_in_the_evidence() -> None:
    found = recognise("llama-3.1-8b-instant", Site(SiteKind.CATALOGUE_ITEM), Serving(), knowledge())
    assert found is not None
    assert found.attributes["named_by"] == "served-names"
    assert found.attributes["host"] == "api.groq.com"
    assert found.attributes["listed"] is True


def test_context_still_beats_the_table() -> None:
    # a client's base URL, an SDK's provider and a litellm prefix decide before the table
    assert (
        _id("llama-3.1-8b-instant", SiteKind.CALL_ARGUMENT, base_url="https://api.acme.dev/v1")
        == "api:api.acme.dev/llama-3.1-8b-instant"
    )
    assert _id("together_ai/llama-3.1-8b-instant") == "api:together/llama-3.1-8b-instant"
    assert _id("llama-3.1-8b-instant", provider_hint="cerebras") == (
        "api:cerebras/llama-3.1-8b-instant"
    )


def test_an_openai_client_calling_another_providers_name_is_that_provider() -> None:
    # OpenAI() with no base URL cannot serve Groq's name: the endpoint is set outside the
    # code (OPENAI_BASE_URL); the one provider serving that name is the best answer.
    outcome = python.analyse_file(
        "app.py",
        textwrap.dedent(
            """
            from openai import OpenAI
            client = OpenAI()
            client.chat.completions.create(model="mixtral-8x7b-32768", messages=[])
            """
        ).encode(),
    )
    assert [e.identity for e in outcome.evidence] == ["api:groq/mixtral-8x7b-32768"]
    assert outcome.evidence[0].attributes["host_source"] == "model-provider-default"


# --- 2. gateway ids ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("google/gemini-2.0-flash-001", "api:google/gemini-2.0-flash-001"),
        ("google/gemini-2.5-pro-preview-03-25", "api:google/gemini-2.5-pro-preview-03-25"),
        ("x-ai/grok-4", "api:xai/grok-4"),
        # open weights of the same makers stay Hub ids
        ("google/gemma-2-9b-it", "hf:google/gemma-2-9b-it@unpinned"),
        ("openai/gpt-oss-20b", "hf:openai/gpt-oss-20b@unpinned"),
        ("openai/whisper-large-v3", "hf:openai/whisper-large-v3@unpinned"),
        ("mistralai/Mistral-7B-Instruct-v0.2", "hf:mistralai/Mistral-7B-Instruct-v0.2@unpinned"),
    ],
)
def test_gateway_ids_of_hosted_only_models_are_never_hub_repos(value: str, expected: str) -> None:
    assert _id(value) == expected
    assert _id(value, SiteKind.CONFIG_KEY) == expected


def test_a_gateway_id_with_no_gateway_beside_it_has_no_host() -> None:
    found = recognise(
        "google/gemini-2.0-flash-001", Site(SiteKind.CONFIG_KEY), Serving(), knowledge()
    )
    assert found is not None
    assert found.attributes["gateway_id"] == "google/gemini-2.0-flash-001"
    assert "host" not in found.attributes
    assert found.serving is not None and found.serving.host_source == "unknown"


def test_a_gateway_beside_a_gateway_id_serves_it() -> None:
    value = "google/gemini-2.0-flash-001"
    assert _id(value, SiteKind.CALL_ARGUMENT, base_url="https://openrouter.ai/api/v1") == (
        f"api:openrouter/{value}"
    )
    assert _id(value, provider_hint="openrouter") == f"api:openrouter/{value}"


# --- 3. a settings module's one endpoint ---------------------------------------------------


def test_a_settings_module_with_one_endpoint_serves_its_model_there() -> None:
    outcome = python.analyse_file(
        "settings.py",
        textwrap.dedent(
            """
            import os
            ACME_KEY = os.getenv("ACME_KEY")
            LLM_API_BASE = "https://api.together.xyz/v1"
            CHAT_MODEL = "meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo"
            EMBED_MODEL = "BAAI/bge-small-en-v1.5"
            """
        ).encode(),
    )
    ids = sorted(e.identity for e in outcome.evidence)
    # the provider's own name is served there; a Hub id it does not list keeps its reading
    assert ids == [
        "api:together/meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo",
        "hf:BAAI/bge-small-en-v1.5@unpinned",
    ]


def test_a_settings_module_naming_two_endpoints_says_nothing() -> None:
    outcome = python.analyse_file(
        "settings.py",
        textwrap.dedent(
            """
            PRIMARY_API_BASE = "https://api.together.xyz/v1"
            FALLBACK_API_BASE = "https://api.groq.com/openai/v1"
            CHAT_MODEL = "meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo"
            """
        ).encode(),
    )
    assert [e.identity for e in outcome.evidence] == [
        "hf:meta-llama/Meta-Llama-3.1-70B-Instruct-Turbo@unpinned"
    ]


# --- 4. the project's one provider ---------------------------------------------------------


def _ev(identity: str, as_written: str, **attrs: object) -> Evidence:
    kind = EvidenceKind.API_REF if identity.startswith("api:") else EvidenceKind.CODE_REF
    role = Role.HOSTED_API if identity.startswith("api:") else Role.RUNTIME_MODEL
    return Evidence(
        source="javascript",
        kind=kind,
        identity=identity,  # type: ignore[arg-type]
        role=role,
        as_written=as_written,
        location=Location("models.js", 3),
        confidence=Confidence.MEDIUM,
        attributes=attrs,
    )


def _dep(name: str, provider: str, **attrs: object) -> Evidence:
    return Evidence(
        source="dependencies",
        kind=EvidenceKind.DEPENDENCY,
        identity=f"pkg:npm/{name}",  # type: ignore[arg-type]
        role=Role.SDK,
        as_written=name,
        location=Location("package.json", 10),
        confidence=Confidence.HIGH,
        attributes={"name": name, "provider": provider, **attrs},
    )


GROQ_CALL = _ev(
    "api:groq/*",
    "https://api.groq.com/openai/v1",
    provider="groq",
    host="api.groq.com",
    endpoint_only=True,
)


def test_the_projects_one_provider_is_learned_from_sdks_calls_and_endpoints() -> None:
    assert project_provider([_dep("groq-sdk", "groq")]) == "groq"
    assert project_provider([GROQ_CALL]) == "groq"
    # an OpenAI SDK talks to any compatible server: it says nothing
    assert project_provider([_dep("openai", "openai"), GROQ_CALL]) == "groq"
    # a lock file's transitive packages say nothing either
    assert project_provider([_dep("@anthropic-ai/sdk", "anthropic", locked=True)]) is None
    # two providers: no project-level default
    assert project_provider([_dep("groq-sdk", "groq"), _dep("together-ai", "together")]) is None
    assert project_provider([]) is None
    # a client whose endpoint the scan cannot read may reach another provider
    unread = _ev(
        "api:deepseek/deepseek-chat",
        "deepseek-chat",
        provider="deepseek",
        base_url_expr="settings.base_url",
        call="openai.OpenAI().chat.completions.create",
    )
    assert project_provider([_dep("groq-sdk", "groq"), unread]) is None


def test_names_only_the_model_name_placed_are_served_by_the_projects_provider() -> None:
    kn = knowledge()
    listed = [
        # a Hub-shaped id the provider serves under that very name
        _ev("hf:openai/gpt-oss-120b@unpinned", "openai/gpt-oss-120b", listed=True),
        # an open model a maker's pattern gave to its maker's API
        _ev(
            "api:google/gemma-7b-it",
            "gemma-7b-it",
            provider="google",
            host="generativelanguage.googleapis.com",
            host_source="model-provider-default",
            listed=True,
        ),
        # a hosted-only maker's model: Groq serves no Claude
        _ev(
            "api:anthropic/claude-3-5-haiku-20241022",
            "claude-3-5-haiku-20241022",
            provider="anthropic",
            host="api.anthropic.com",
            host_source="model-provider-default",
            listed=True,
        ),
        # a Hub id the provider does not serve: weights, left alone
        _ev("hf:BAAI/bge-small-en-v1.5@unpinned", "BAAI/bge-small-en-v1.5"),
        # a value the code places beside an endpoint, or by a routing prefix, stays
        _ev(
            "api:llm.acme.dev/acme-chat-2",
            "acme-chat-2",
            provider="llm.acme.dev",
            host="llm.acme.dev",
            base_url="https://llm.acme.dev/v1",
            host_source="config",
        ),
        _ev(
            "api:together/acme/acme-9b",
            "together_ai/acme/acme-9b",
            provider="together",
            host="api.together.xyz",
            host_source="sdk-default",
        ),
        # a loader call is never moved
        _ev(
            "hf:openai/gpt-oss-20b@unpinned",
            "openai/gpt-oss-20b",
            call="transformers:AutoModelForCausalLM.from_pretrained",
        ),
    ]
    out = served_in_project([_dep("groq-sdk", "groq"), *listed], kn)
    assert [e.identity for e in out[1:]] == [
        "api:groq/openai/gpt-oss-120b",
        "api:groq/gemma-7b-it",
        "api:anthropic/claude-3-5-haiku-20241022",
        "hf:BAAI/bge-small-en-v1.5@unpinned",
        "api:llm.acme.dev/acme-chat-2",
        "api:together/acme/acme-9b",
        "hf:openai/gpt-oss-20b@unpinned",
    ]
    moved = out[1]
    assert moved.attributes["host"] == "api.groq.com"
    assert moved.attributes["host_source"] == "project-provider"
    assert moved.attributes["listed"] is True
    assert "pinned" not in moved.attributes


def test_two_providers_move_nothing() -> None:
    listed = [_ev("hf:openai/gpt-oss-120b@unpinned", "openai/gpt-oss-120b", listed=True)]
    found = [_dep("groq-sdk", "groq"), _dep("together-ai", "together"), *listed]
    assert served_in_project(found, knowledge()) == found


def test_a_provider_of_its_own_models_takes_only_the_names_it_serves() -> None:
    # A Google SDK is the project's one provider: DashScope's and Volcengine's names in a
    # picker stay theirs (Google serves neither), as does a name no table lists.
    names = [
        _ev(
            f"api:{maker}/{name}",
            name,
            provider=maker,
            host_source="model-provider-default",
            listed=True,
        )
        for maker, name in (("alibaba", "qwen-max-0125"), ("volcengine", "doubao-pro-32k"))
    ]
    found = [_dep("@google/genai", "google"), *names]
    assert served_in_project(found, knowledge()) == found


def test_a_gateway_project_serves_the_gateway_ids_it_lists() -> None:
    gateway_id = _ev(
        "api:google/gemini-2.0-flash-001",
        "google/gemini-2.0-flash-001",
        provider="google",
        gateway_id="google/gemini-2.0-flash-001",
        listed=True,
    )
    openrouter = _dep("@openrouter/ai-sdk-provider", "openrouter")
    out = served_in_project([openrouter, gateway_id], knowledge())
    assert out[1].identity == "api:openrouter/google/gemini-2.0-flash-001"


def test_a_groq_picker_in_a_whole_scan(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text(
        json.dumps({"name": "chat", "dependencies": {"groq-sdk": "^0.9.0"}})
    )
    (tmp_path / "models.ts").write_text(
        textwrap.dedent(
            """
            export const MODELS = [
              { id: "llama-3.1-8b-instant", label: "Fast" },
              { id: "gemma-7b-it", label: "Small" },
              { id: "openai/gpt-oss-120b", label: "Open" },
            ];
            """
        )
    )
    result = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    models = sorted(c.id for c in result.inventory.components if c.id.startswith(("api:", "hf:")))
    assert models == [
        "api:groq/gemma-7b-it",
        "api:groq/llama-3.1-8b-instant",
        "api:groq/openai/gpt-oss-120b",
    ]


def test_the_served_js_catalogue_alone_needs_no_project(tmp_path: Path) -> None:
    outcome = javascript.analyse_file(
        "models.ts",
        b'export const MODELS = ["mixtral-8x7b-32768", "llama-3.3-70b-versatile"];\n',
    )
    assert sorted(e.identity for e in outcome.evidence) == [
        "api:groq/llama-3.3-70b-versatile",
        "api:groq/mixtral-8x7b-32768",
    ]
    assert all(e.attributes.get("listed") is True for e in outcome.evidence)


def test_typescript_union_types_and_enums_of_served_names_are_catalogues() -> None:
    source = textwrap.dedent(
        """
        export type ChatModel = "llama-3.1-8b-instant" | "mixtral-8x7b-32768";
        export enum Models { Fast = "gpt-4o-mini", Big = "llama-3.3-70b-versatile" }
        type Theme = "dark" | "light";
        export enum Color { Red = "claude-3-opus" }
        """
    ).encode()
    outcome = javascript.analyse_file("models.ts", source)
    found = sorted((e.identity, e.location.line) for e in outcome.evidence)
    # a type or enum named for something else (Theme, Color) is no catalogue
    assert found == [
        ("api:groq/llama-3.1-8b-instant", 2),
        ("api:groq/llama-3.3-70b-versatile", 3),
        ("api:groq/mixtral-8x7b-32768", 2),
        ("api:openai/gpt-4o-mini", 3),
    ]
    assert all(e.attributes.get("listed") is True for e in outcome.evidence)


def test_a_js_catalogue_named_after_a_provider_is_that_providers() -> None:
    source = textwrap.dedent(
        """
        export const TOGETHER_MODELS = ["meta-llama/Llama-3.3-70B-Instruct-Turbo"];
        export const GROQ_MODELS = [{ id: "gemma-7b-it", name: "Gemma 7B" }];
        export const CHAT_MODELS = [{ id: "gpt-4o", provider: "openai" }];
        """
    ).encode()
    outcome = javascript.analyse_file("models.ts", source)
    # a Hub id a provider serves is its hosted model, an open model's name is the provider's
    # own; a catalogue named for no provider leaves each entry its own reading
    assert sorted(e.identity for e in outcome.evidence) == [
        "api:groq/gemma-7b-it",
        "api:openai/gpt-4o",
        "api:together/meta-llama/Llama-3.3-70B-Instruct-Turbo",
    ]
