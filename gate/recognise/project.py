"""Project-level serving: when an application reaches exactly one hosted serving provider,
the model names it lists without saying who serves them are that provider's.

A picker of names (``MODELS = [{id: "llama-3.1-8b-instant"}, {id: "openai/gpt-oss-120b"}]``)
says nothing about its server; a project that calls Groq and nothing else (a ``groq-sdk``
dependency, ``fetch("https://api.groq.com/openai/v1/…")``, a client pointed there) offers
them through Groq. Kept conservative: two providers in the project decide nothing, a name
the served-names table gives to other providers only keeps its reading, and a value a call
placed (a base URL, an SDK) or loads as weights is never moved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from gate import identity
from gate.model import JSON, Evidence, EvidenceKind, Role
from gate.recognise.core import PLAIN_RELEASE
from gate.recognise.knowledge import Knowledge, providers
from gate.recognise.relabel import Rule, relabel
from gate.recognise.site import HostSource

# The Hub as the provider of weights loaded from it (``hf:`` evidence): no hosted service
# the project calls. Local servers are providers.yaml's `local_server` rows.
_HUB = "huggingface"
# SDKs used as the generic client of any OpenAI-compatible server: their presence says
# nothing about which provider is called.
_COMPATIBLE_SDKS = frozenset({"openai"})
# How a call's host was learned when the code itself places it.
_PLACED = frozenset(
    {
        str(HostSource.BASE_URL),
        str(HostSource.ENV_DEFAULT),
        str(HostSource.CONFIG),
        str(HostSource.REGION),
        str(HostSource.SDK_DEFAULT),
    }
)


def project_provider(found: Sequence[Evidence]) -> str | None:
    """The one hosted provider the project reaches (an SDK it depends on, a call or client
    placed at a provider's endpoint), or None when it reaches none or several."""
    reached = project_providers(found)
    return next(iter(reached)) if reached and len(reached) == 1 else None


def project_providers(found: Sequence[Evidence]) -> frozenset[str] | None:
    """The hosted providers the project reaches, or None when a client is pointed somewhere
    the scan cannot read (it may reach any other)."""
    local = providers().local_server_providers
    reached: set[str] = set()
    for ev in found:
        attrs = ev.attributes
        if "call" in attrs and "base_url_expr" in attrs and "host" not in attrs:
            return None  # a client pointed somewhere the scan cannot read: maybe another
        provider = attrs.get("provider")
        if not isinstance(provider, str) or provider in local or provider == _HUB:
            continue
        if ev.kind is EvidenceKind.DEPENDENCY:
            # a lock file lists transitive packages too; the manifest says what the app uses
            if provider not in _COMPATIBLE_SDKS and attrs.get("locked") is not True:
                reached.add(provider)
        elif attrs.get("endpoint_only") is True or (
            ("call" in attrs or _sent_to(ev)) and attrs.get("host_source") in _PLACED
        ):
            reached.add(provider)
    return frozenset(reached)


def _sent_to(ev: Evidence) -> bool:
    """A hosted model a request body sends to the endpoint written beside it
    (``fetch("https://openrouter.ai/api/v1/chat/completions", {body: {model: ...}})``):
    the project reaches that provider as surely as through its SDK."""
    attrs = ev.attributes
    return (
        ev.kind is EvidenceKind.API_REF
        and "key" in attrs
        and isinstance(attrs.get("base_url"), str)
        and attrs.get("host_source") == str(HostSource.BASE_URL)
        and attrs.get("listed") is not True
    )


def served_in_project(found: Sequence[Evidence], kn: Knowledge) -> list[Evidence]:
    """Evidence whose server only the model name decided, served by the project's one
    provider where that provider may serve it (see the module's doc)."""
    found = listed_as_placed(found)
    reached = project_providers(found)
    if not reached:  # none, or a client pointed somewhere the scan cannot read
        return list(found)
    if len(reached) > 1:
        return [_served_among(ev, reached, kn) or ev for ev in found]
    (provider,) = reached
    if _unlisted_host(provider, kn) and not _client_at(found, provider):
        # a host no table knows, named only beside some values (a deployment's settings):
        # what it serves is known only for those
        return list(found)
    return [_served_by(ev, provider, kn) or ev for ev in found]


def _unlisted_host(provider: str, kn: Knowledge) -> bool:
    """A provider that is a host no table knows (``api:<host>/…``)."""
    return (
        provider not in kn.providers.hosts and provider not in kn.providers.local_server_providers
    )


def _client_at(found: Sequence[Evidence], provider: str) -> bool:
    """Whether an SDK's client the app makes is pointed at ``provider``'s host (a client made
    with that base URL, or a call of one): the app's own calls go there."""
    return any(
        ev.attributes.get("provider") == provider
        and isinstance(ev.attributes.get("sdk"), str)
        and (ev.attributes.get("endpoint_only") is True or "call" in ev.attributes)
        for ev in found
    )


def _served_among(ev: Evidence, reached: frozenset[str], kn: Knowledge) -> Evidence | None:
    """A Hub-shaped value no call or endpoint placed, in a project reaching several
    providers, served by the one of them the served-names table says serves that exact id
    (``meta-llama/llama-4-scout-17b-16e-instruct`` in a bot on Groq and OpenRouter: Groq's
    id; JavaScript loads no Hub weights but through transformers.js, a call)."""
    if not ev.identity.startswith("hf:") or "call" in ev.attributes:
        return None
    candidates = reached & kn.served_by(ev.as_written.strip())
    if len(candidates) != 1:
        return None
    (provider,) = candidates
    return _served_by(ev, provider, kn)


def listed_as_placed(found: Sequence[Evidence]) -> list[Evidence]:
    """One listed name, one identity in an app: a name a catalogue places under a provider
    (``{groq: {"qwen-qwq-32b": ...}}``, an entry's ``provider: "groq"``) is that provider's
    where the app lists the same name with only its shape to go by (a tier list, a metadata
    table, the backend's copy), when every such placement agrees. Only listed entries and
    Hub-shaped values move, never a call or a value beside an endpoint."""
    return relabel(found, _PLACED_AS_LISTED)


def _placed(ev: Evidence) -> str | None:
    attrs = ev.attributes
    named = attrs.get("listed") is True and attrs.get("provider_named") is True
    return ev.as_written.strip() if named else None


def _listed_by_shape(ev: Evidence) -> str | None:
    attrs = ev.attributes
    # `openai/gpt-4.1` read by its maker prefix alone, which is also a gateway's own spelling
    # (GitHub Models', OpenRouter's): the app's catalogue placing it says whose it is, for
    # a default held apart (`"default_model": "openai/gpt-4.1"`) as for a listed copy.
    gateway_spelt = attrs.get("gateway_id") == ev.as_written.strip()
    shape_only = (
        ev.identity.startswith("hf:")
        or attrs.get("host_source") == str(HostSource.MODEL_PROVIDER_DEFAULT)
        or gateway_spelt
    )
    if (
        # a listed copy, or the same Hub-shaped value held apart (DEFAULT_MODEL_ID =
        # "openai/gpt-oss-120b" beside the entry placing it under Groq)
        (attrs.get("listed") is True or ev.identity.startswith("hf:") or gateway_spelt)
        and attrs.get("provider_named") is not True
        and shape_only
        and "call" not in attrs
        and "base_url" not in attrs
        and "base_url_expr" not in attrs
    ):
        return ev.as_written.strip()
    return None


_PLACED_AS_LISTED = Rule(
    authority=_placed,
    follower=_listed_by_shape,
    mark="placed_as_listed",
    where=lambda by: by.location.path or True,
    takes=lambda ev, by: by.identity != ev.identity,
    drop=("named_by",),
)


def _served_by(ev: Evidence, provider: str, kn: Knowledge) -> Evidence | None:
    attrs = ev.attributes
    if "call" in attrs and not ev.identity.startswith("api:"):
        return None  # a loader call: weights, not a name sent to a server
    if "base_url" in attrs or "base_url_expr" in attrs:
        return None  # the code names (or computes) the endpoint beside the value
    gateway = attrs.get("gateway_id")
    value = gateway if isinstance(gateway, str) else ev.as_written.strip()
    if not value or attrs.get("provider") == provider:
        return None
    served = kn.served_by(value)
    if ev.identity.startswith("hf:"):
        if provider not in served:
            return None
    elif ev.identity.startswith("api:") and ev.kind is EvidenceKind.API_REF:
        named_only = attrs.get("host_source") == str(HostSource.MODEL_PROVIDER_DEFAULT)
        if not named_only and not (isinstance(gateway, str) and "call" not in attrs):
            return None  # placed by an SDK, a region, a routing prefix: stays where it is
        if not _may_serve(value, provider, served, isinstance(gateway, str), attrs, kn):
            return None
    else:
        return None
    host = kn.default_host(provider)
    new: dict[str, JSON] = {
        k: v
        for k, v in attrs.items()
        if k not in ("host", "host_source", "base_url", "pinned", "revision", "provider")
    }
    new["provider"] = provider
    if host:
        new["host"] = host
    new["host_source"] = str(HostSource.PROJECT)
    return replace(
        ev,
        identity=identity.api(provider, value),
        kind=EvidenceKind.API_REF,
        role=Role.HOSTED_API,
        attributes=new,
    )


def _may_serve(
    value: str,
    provider: str,
    served: frozenset[str],
    gateway: bool,
    attrs: Mapping[str, JSON],
    kn: Knowledge,
) -> bool:
    if provider in served:
        return True
    if _unlisted_host(provider, kn):
        # a host no table knows, the one server the project's clients reach (a reseller of
        # OpenAI's API, a company's proxy): it is sent every name the app offers
        return True
    maker = kn.provider_for_model(value)
    if maker is not None and maker in kn.providers.serves_makers.get(provider, ()):
        return True  # Azure OpenAI serves OpenAI's models under OpenAI's names
    if gateway:
        return provider in kn.providers.gateways  # routes every maker's <creator>/<model> id
    if not kn.registry.is_aggregator(provider):
        return False  # a provider serving its own models serves only the names it lists
    if not served:
        # a name no table gives to anyone and no maker's pattern claims (Groq serves no
        # Claude, and no DashScope name either); or an open-weights release named by its
        # size (`qwen-qwq-32b`, a name no table lists): its maker's pattern says whose
        # weights, not that the maker's API, which the project never reaches, is called
        return kn.provider_for_model(value) is None or PLAIN_RELEASE.match(value) is not None
    # the table's one claim rests on a plain release name (anyone may serve it)
    return attrs.get("named_by") == "served-names" and PLAIN_RELEASE.match(value) is not None
