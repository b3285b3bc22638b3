"""One value, one identity in an app: the three post-passes that give a shape-only mention the
identity an authoritative mention of the same value gives share one rule and one list of
serving attributes (gate.recognise.relabel, site.SERVING_ATTRIBUTES)."""

from __future__ import annotations

from gate.discover.refs import served_as_called
from gate.model import JSON, Confidence, Evidence, EvidenceKind, Location, Role
from gate.recognise.envdefaults import env_defaults_as_configured
from gate.recognise.project import listed_as_placed
from gate.recognise.site import SERVING_ATTRIBUTES, HostSource
from gate.registry import load
from gate.resolve.origins.makers import api_maker


def _ev(identity: str, value: str, path: str, source: str = "python", **attrs: JSON) -> Evidence:
    hosted = identity.startswith("api:")
    return Evidence(
        source=source,
        kind=EvidenceKind.API_REF if hosted else EvidenceKind.CODE_REF,
        identity=identity,
        role=Role.HOSTED_API if hosted else Role.RUNTIME_MODEL,
        as_written=value,
        location=Location(path, 3),
        confidence=Confidence.MEDIUM,
        attributes=attrs,
    )


_BEDROCK = {
    "provider": "bedrock",
    "host": "bedrock-runtime.eu-west-1.amazonaws.com",
    "host_source": str(HostSource.REGION),
    "region": "eu-west-1",
    "sdk": "boto3",
}


def test_every_pass_moves_the_whole_serving_with_the_identity() -> None:
    """A call's region (Bedrock) goes with the identity it gives a shape-only mention: the
    three passes used three lists, none of which held ``region``."""
    value = "meta-llama/Llama-3.1-8B-Instruct"
    call = _ev(f"api:bedrock/{value}", value, "app.py", call="converse", **_BEDROCK)
    default = _ev(f"hf:{value}@unpinned", value, "config.py", pinned=False)
    out = served_as_called([call, default])
    moved = out[1]
    assert moved.identity == call.identity
    assert {k: moved.attributes[k] for k in _BEDROCK} == _BEDROCK
    assert moved.attributes["served_as_called"] == "app.py"
    assert "pinned" not in moved.attributes


def test_a_listed_name_placed_under_a_provider_takes_the_placements_endpoint_too() -> None:
    """``listed_as_placed`` copied provider, host, host_source and sdk but not the base URL:
    a catalogue entry ``{provider: together, base_url: https://api.together.xyz/v1}`` gave its
    identity to the same name in a tier list without saying where it is sent. The kept answer
    is the shared list's: the endpoint moves with the identity, as in the other two passes."""
    value = "Qwen/Qwen2.5-72B-Instruct"
    placed = _ev(
        f"api:together/{value}",
        value,
        "models.json",
        listed=True,
        provider_named=True,
        provider="together",
        host="api.together.xyz",
        host_source=str(HostSource.BASE_URL),
        base_url="https://api.together.xyz/v1",
    )
    tier = _ev(f"hf:{value}@unpinned", value, "tiers.py", listed=True, named_by="shape")
    out = listed_as_placed([placed, tier])
    assert out[1].identity == placed.identity
    assert out[1].attributes["base_url"] == "https://api.together.xyz/v1"
    assert out[1].attributes["placed_as_listed"] == "models.json"
    assert "named_by" not in out[1].attributes


def test_a_code_default_takes_the_env_files_hosted_model() -> None:
    value = "deepseek-ai/DeepSeek-V3"
    env = _ev(
        f"api:siliconflow/{value}",
        value,
        ".env.example",
        source="configs",
        env_var="CHAT_MODEL",
        key="CHAT_MODEL",
        provider="siliconflow",
        host="api.siliconflow.cn",
        base_url="https://api.siliconflow.cn/v1",
    )
    default = _ev(f"hf:{value}@unpinned", value, "settings.py", env_var="CHAT_MODEL")
    loader = _ev(f"hf:{value}@unpinned", value, "train.py", env_var="CHAT_MODEL", call="x")
    out = env_defaults_as_configured([env, default, loader])
    assert [e.identity for e in out] == [env.identity, env.identity, loader.identity]
    assert out[1].attributes["configured_by"] == ".env.example:3"
    assert out[1].attributes["base_url"] == "https://api.siliconflow.cn/v1"


def test_serving_attributes_are_what_recognised_serving_reads() -> None:
    from gate.recognise.site import Recognised

    attrs: dict[str, JSON] = {k: f"x-{k}" for k in SERVING_ATTRIBUTES}
    attrs["host_source"] = str(HostSource.BASE_URL)
    serving = Recognised("api:x/y", Role.HOSTED_API, EvidenceKind.API_REF, attrs).serving
    assert serving is not None
    for k in SERVING_ATTRIBUTES:
        assert getattr(serving, k) == attrs[k]


def test_a_makers_name_is_read_inside_the_providers_id_shape() -> None:
    """makers.py no longer holds its own copy of the id shapes' prefixes: the ``model`` group
    of providers.yaml ``id_shapes`` is the name a maker is read from. Fireworks' deployed
    models (``accounts/<a>/deployedModels/<name>``), which the data lists and the copy did
    not, keep the data's answer: the name after the path."""
    registry = load(())
    assert api_maker("cloudflare", "@cf/meta/llama-3.1-8b-instruct", registry).name == (
        "llama-3.1-8b-instruct"
    )
    fw = api_maker("fireworks", "accounts/fireworks/models/llama-v3p1-8b-instruct", registry)
    assert fw.name == "llama-v3p1-8b-instruct"
    deployed = api_maker("fireworks", "accounts/acme/deployedModels/support-bot-v2", registry)
    assert deployed.name == "support-bot-v2"
    assert api_maker("google", "models/gemini-2.5-flash", registry).name == "gemini-2.5-flash"


def test_local_servers_are_one_row_flag_in_the_provider_table() -> None:
    """Which providers are the deployment's own model servers was written three times in
    code (``("local", "ollama")`` twice, project's ``_NOT_HOSTED``); providers.yaml
    ``local_server`` is now the one place, and each such row's default host is the
    deployment's own."""
    from gate.recognise.core import is_own_host
    from gate.recognise.knowledge import providers

    table = providers()
    assert table.local_server_providers == {"ollama", "local"}
    for provider in table.local_server_providers:
        host = table.hosts[provider]
        assert host is not None and is_own_host(host)
