"""``recognise(value, site, serving, knowledge)``: the one place that decides what a string
names. The rules are documented in ``docs/references.md``."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

from gate import identity
from gate.model import JSON, ComponentId, Evidence, EvidenceKind, Role
from gate.recognise.knowledge import Knowledge, conventions, providers
from gate.recognise.shapes import (
    BARE_NAME,
    BEDROCK_ARN,
    BEDROCK_ID,
    OLLAMA_NAME,
    OLLAMA_SIZE_TAG,
    OLLAMA_TAGGED,
    SNAKE_IDENTIFIER,
    VERTEX_RESOURCE,
    hf_quantization,
    hf_repo,
    hf_repo_of_url,
    is_model_value,
    looks_like_path,
    port_of,
    split_prefix,
)
from gate.recognise.site import HostSource, Reading, Recognised, Serving, Site, SiteKind
from gate.registry.endpoints import deployment_named, host_of

_SCHEMES = ("hf:", "api:", "ollama:", "file:", "local:", "dataset:", "modelscope:", "assistant:")
_DATASET_BUILDERS = frozenset(
    "json csv parquet text arrow pandas sql generator imagefolder audiofolder videofolder"
    " webdataset xml spark".split()
)
# Where a person or another tool writes the string (not code calling an SDK): the string is
# all there is, so a bare Ollama library name or an identity with a scheme counts.
_NAMING_SITES = frozenset({SiteKind.USER_INPUT, SiteKind.FOREIGN_BOM, SiteKind.ASSISTANT_CONFIG})
# The word an aggregator puts before a Hub id for a tier or variant of it ("Pro", "LoRA"):
# letters only, so a folder ("models", "./x") or a version ("v1") is not read as one.
_TIER = re.compile(r"^[A-Z][A-Za-z]{1,15}$")


@dataclass(frozen=True, slots=True)
class _Ctx:
    """Site and serving flattened for the rules below, with the knowledge they consult."""

    kn: Knowledge
    site: Site
    reads: Reading
    sdk: str | None = None
    provider: str | None = None
    base_url: str | None = None
    base_url_dynamic: str | None = None
    base_url_source: HostSource | None = None
    region: str | None = None
    vertex: bool = False
    revision: str | None = None
    repo_type: str | None = None
    provider_hint: str | None = None
    namespace: str | None = None
    in_config: bool = False


def recognise(
    value: str,
    site: Site,
    serving: Serving,
    knowledge: Knowledge,
    *,
    partial: bool = False,
) -> Recognised | None:
    """What ``value`` names where it was found (``site``) and as served (``serving``), or
    None when it names no model or dataset.

    ``partial`` values have ``*`` where the scan could not learn a part (an f-string with an
    unknown variable); they name a model only when a constant prefix of at least three
    characters says whose it is (``Qwen/Qwen2.5-*-Instruct``, ``gpt-4o-*``).
    """
    base_url, base_url_expr = serving.base_url, serving.base_url_expr
    host = host_of(base_url) if base_url else None
    if (
        base_url
        and _TEMPLATED_HOST.search(host or base_url)
        and not (host and knowledge.endpoint(host))
    ):
        # api_base: {{ env "AZURE_API_BASE" }} (read as ${tpl}): a template the deployment
        # fills, so the host is unknown here, never a provider named "${tpl}" (a known
        # domain around it, https://${RESOURCE}.openai.azure.com, still says whose).
        base_url, base_url_expr = None, base_url_expr or base_url
    ctx = _Ctx(
        kn=knowledge,
        site=site,
        reads=site.reads,
        sdk=serving.sdk,
        provider=serving.provider,
        base_url=base_url,
        base_url_dynamic=base_url_expr,
        base_url_source=serving.host_source if base_url else None,
        region=serving.region,
        vertex=serving.vertex,
        revision=site.revision,
        repo_type=site.repo_type,
        provider_hint=serving.provider_hint,
        namespace=site.namespace,
        in_config=site.in_config,
    )
    text = value.strip()
    if _provider_named(text, site, serving, knowledge):
        return None
    found: Recognised | None
    # (an identity's scheme is never followed by "//": hf://org/name is a Hub URL, read below)
    written = text.lower().startswith(_SCHEMES) and not text.partition(":")[2].startswith("//")
    if site.kind in _NAMING_SITES and written:
        found = _written_identity(text)
    else:
        found = _resolve(text, ctx, partial=partial)
        if found is None and site.kind in _NAMING_SITES and not partial:
            found = _named_elsewhere(text, ctx)
    if found is not None and site.listed:
        found = replace(found, attributes={**found.attributes, "listed": True})
    return found


def _provider_named(text: str, site: Site, serving: Serving, kn: Knowledge) -> bool:
    """An entry's ``name`` that is a provider's name, in an entry with its own endpoint
    (``{"name": "deepseek", "base_url": ..., "models": [...]}``: that provider's settings),
    not a hosted model's. An Ollama menu's ``{"name": "mistral"}`` (no endpoint of its own,
    or Ollama's) names a model."""
    if (site.key or "").lower() != "name" or kn.provider_alias(text) is None:
        return False
    url = serving.base_url
    return bool(url) and kn.providers.local_servers.get(port_of(url or "") or 0) != "ollama"


# Characters of a template expression (${VAR}, {{ env "X" }}, %(name)s, <your-host>) that no
# host name holds.
_TEMPLATED_HOST = re.compile(r"[${}%<>]")


def _written_identity(text: str) -> Recognised | None:
    """An identity as written (``hf:…``, ``api:…``): completed, never re-read."""
    if identity.problem(text) is not None:
        return None
    kind, _, body = text.partition(":")
    kind = kind.lower()
    cid: ComponentId | None
    if kind == "hf":
        repo, _, rev = body.partition("@")
        cid = identity.hf(repo, rev or None) if identity.is_hf_repo_id(repo) else None
    elif kind == "modelscope":
        repo, _, rev = body.partition("@")
        cid = identity.modelscope(repo, rev or None)
    elif kind == "ollama":
        cid = identity.ollama(body)
    elif kind == "api":
        provider, _, model = body.partition("/")
        cid = identity.api(provider, model) if provider and model else None
    elif kind == "assistant":
        vendor, _, product = body.partition("/")
        cid = identity.assistant(vendor, product) if vendor and product else None
    else:
        cid = ComponentId(text)
    if cid is None:
        return None
    role = {
        "api": Role.HOSTED_API,
        "assistant": Role.CODE_ASSISTANT,
        "dataset": Role.DATASET,
        "file": Role.EMBEDDED_WEIGHTS,
    }.get(kind, Role.RUNTIME_MODEL)
    ev_kind = {
        "api": EvidenceKind.API_REF,
        "ollama": EvidenceKind.OLLAMA_REF,
        "dataset": EvidenceKind.DATASET_REF,
    }.get(kind, EvidenceKind.CODE_REF)
    return Recognised(cid, role, ev_kind, {})


def _named_elsewhere(text: str, ctx: _Ctx) -> Recognised | None:
    """What a person or another tool's file means by a string code would not claim: a
    litellm ``provider/model`` and an Ollama library name (``llama3.1``)."""
    if not is_model_value(text):
        return None
    split = split_prefix(text, "/")
    if split is not None and "/" not in split[1] and ctx.kn.is_provider(split[0].lower()):
        return _hosted(split[1], replace(ctx, provider=split[0].lower(), provider_hint=None))
    registry = ctx.kn.registry
    name = text.split(":", 1)[0]
    if ":" not in text and registry.ollama(text) is not None:
        return _ollama_ref(text, ctx)
    if OLLAMA_TAGGED.match(text) and registry.ollama(name) is not None:
        return _ollama_ref(text, ctx)
    return None


# --- the rules ---------------------------------------------------------------------------


def _resolve(value: str, ctx: _Ctx, *, partial: bool = False) -> Recognised | None:
    value = google_model_name(value, ctx)
    if not is_model_value(value):
        return None
    if partial and len(value.split("*", 1)[0]) < 3:
        return None
    reads = ctx.reads
    arn = _bedrock_arn(value, ctx)
    if arn is not None:
        return arn
    if reads is Reading.HOSTED:
        return _hosted(value, ctx)
    if reads is Reading.LITELLM:
        prefixed = litellm_prefix(value, ctx.kn) if partial or ctx.base_url else None
        if partial and (prefixed or ("", value))[1].strip("*") == "":
            # f"groq/{model}" with the model unknown: a provider, but no model of it.
            return None
        if ctx.base_url:
            if prefixed is not None and prefixed[0] == "ollama":
                # ollama_chat/llama3.2 at api_base=https://x.ngrok-free.app: an Ollama tag,
                # whatever machine runs the daemon (the host stays on the evidence).
                return _ollama_ref(prefixed[1], ctx)
            return _hosted(prefixed[1] if prefixed else value, ctx)
        return _litellm(value, ctx)
    if reads is Reading.PROVIDER_COLON:
        return _provider_colon(value, ctx)
    if reads is Reading.PROVIDER_SLASH:
        return _provider_colon(value, ctx, sep="/")
    if reads is Reading.GATEWAY:
        return _gateway(value, ctx)
    if reads is Reading.OLLAMA:
        return _ollama_ref(value, ctx)
    if reads is Reading.FLASHRANK:
        return _file_hub(value, ctx, "flashrank")
    if reads is Reading.SHAPE:
        return _shape(value, ctx)
    if reads in (Reading.HF_DATASET, Reading.MODELSCOPE_DATASET):
        return _dataset(value, ctx)
    if reads in (Reading.MODELSCOPE, Reading.MODELSCOPE_HUB):
        if ctx.repo_type == "dataset":
            return _dataset(value, replace(ctx, reads=Reading.MODELSCOPE_DATASET))
        repo = hf_repo(value, ctx.kn, allow_bare=False)
        if repo is None:
            return None
        pinned = identity.is_pinned_revision(ctx.revision)
        return Recognised(
            identity.modelscope(repo, ctx.revision if pinned else None),
            Role.RUNTIME_MODEL,
            _hub_kind(ctx),
            _hub_attrs(ctx),
        )
    return _hf_family(value, ctx)


def _bedrock_arn(value: str, ctx: _Ctx) -> Recognised | None:
    """A Bedrock model or cross-region inference-profile ARN names its model id
    (``arn:aws:bedrock:ap-south-1:…:inference-profile/apac.amazon.nova-lite-v1:0`` is
    ``api:bedrock/apac.amazon.nova-lite-v1:0``) in the ARN's region, whatever client or key
    carries it: one identity for the id and the ARN spelling of it. Hub and dataset
    readings never take an ARN."""
    if not value.startswith("arn:") or ctx.reads in _NO_ARN:
        return None
    match = BEDROCK_ARN.match(value)
    if match is None:
        return None
    region = ctx.region or match.group("region")
    ep = ctx.kn.endpoint(ctx.base_url) if ctx.base_url else None
    at_bedrock = ep is not None and ep.provider == "bedrock"  # a Bedrock host as written
    sub = replace(
        ctx, provider="bedrock", provider_hint=None, region=region, vertex=False,
        base_url=ctx.base_url if at_bedrock else None,
        base_url_source=ctx.base_url_source if at_bedrock else None, base_url_dynamic=None,
    )  # fmt: skip
    found = _hosted(match.group("model"), sub)
    if found is None:
        return None
    return replace(found, attributes={**found.attributes, "arn": value})


_NO_ARN = frozenset(
    {
        Reading.HF,
        Reading.HF_HUB,
        Reading.HF_DATASET,
        Reading.HF_URL,
        Reading.SENTENCE_TRANSFORMERS,
        Reading.MODELSCOPE,
        Reading.MODELSCOPE_HUB,
        Reading.MODELSCOPE_DATASET,
        Reading.OLLAMA,
        Reading.FLASHRANK,
    }
)


def _file_hub(value: str, ctx: _Ctx, library: str) -> Recognised | None:
    """A library's short name for a file of its own Hub repo (FlashRank's
    ``ms-marco-MiniLM-L-12-v2`` is ``prithivida/flashrank``'s ``ms-marco-MiniLM-L-12-v2.zip``):
    the weights are that repo's, the file says which; an ``org/name`` is a Hub id as usual."""
    if "/" in value:
        repo = hf_repo(value, ctx.kn, allow_bare=False)
        return _hf_ref(repo, ctx) if repo else None
    if not BARE_NAME.match(value) or ":" in value:
        return None
    hub = conventions().file_hubs[library]
    return _hf_ref(hub["repo"], ctx, filename=hub["file"].format(name=value), short_name=value)


def google_model_name(value: str, ctx: _Ctx) -> str:
    """``models/gemini-2.5-flash`` (the Gemini API's resource name) → ``gemini-2.5-flash``:
    through a Google SDK always; elsewhere only for Google's hosted-only models, since
    ``models/gemma-2b`` may as well be a local folder of open weights."""
    if not value.startswith("models/"):
        return value
    rest = value[len("models/") :]
    if not rest or "/" in rest:
        return value
    if ctx.vertex or ctx.provider in ("google", "google-vertex"):
        return rest
    known = ctx.kn.api_model(rest)
    if known is not None and known.provider == "google" and known.family != "Gemma":
        return rest
    return value


def _hub_kind(ctx: _Ctx) -> EvidenceKind:
    return EvidenceKind.CONFIG_REF if ctx.in_config else EvidenceKind.CODE_REF


def _hub_attrs(ctx: _Ctx) -> dict[str, JSON]:
    attrs: dict[str, JSON] = {"pinned": identity.is_pinned_revision(ctx.revision)}
    if ctx.revision:
        attrs["revision"] = ctx.revision
    if ctx.sdk:
        attrs["sdk"] = ctx.sdk
    return attrs


def _hf_ref(repo: str, ctx: _Ctx, role: Role = Role.RUNTIME_MODEL, **extra: JSON) -> Recognised:
    pinned = identity.is_pinned_revision(ctx.revision)
    attrs = _hub_attrs(ctx)
    attrs.update(extra)
    return Recognised(
        identity.hf(repo, ctx.revision if pinned else None), role, _hub_kind(ctx), attrs
    )


def _dataset_ref(repo: str, ctx: _Ctx, hub: str = "hf") -> Recognised:
    cid = identity.hf_dataset(repo) if hub == "hf" else identity.modelscope_dataset(repo)
    return Recognised(cid, Role.DATASET, EvidenceKind.DATASET_REF, _hub_attrs(ctx))


def _ollama_ref(value: str, ctx: _Ctx) -> Recognised | None:
    url = hf_repo_of_url(value)
    if url is not None:
        # hf.co/org/repo-GGUF:Q4_K_M: Ollama pulls the Hub repo's GGUF file; the weights are
        # the Hub repo's, whichever spelling names them (one identity in code and explain).
        extra: dict[str, JSON] = {"server": "ollama"}
        quant = hf_quantization(value)
        if quant:
            extra["quantization"] = quant
        return _hf_ref(url[0], ctx, **extra)
    routed = litellm_prefix(value, ctx.kn)
    if routed is not None and routed[0] == "ollama" and routed[1]:
        # LITELLM_MODEL=ollama/mistral beside an Ollama URL: litellm's route to the daemon,
        # which serves `mistral` (no Ollama namespace is called "ollama").
        value = routed[1]
    if not OLLAMA_NAME.match(value.lower().replace("*", "x")) and "@sha256:" not in value:
        return None
    pinned = "@sha256:" in value or ":sha256-" in value
    attrs: dict[str, JSON] = {"pinned": pinned, **_endpoint_attrs(ctx, "ollama")}
    if ctx.sdk:
        attrs["sdk"] = ctx.sdk
    attrs["provider"] = "ollama"
    return Recognised(identity.ollama(value), Role.RUNTIME_MODEL, EvidenceKind.OLLAMA_REF, attrs)


def _host_or_default(ctx: _Ctx, provider: str) -> str | None:
    if ctx.base_url:
        return host_of(ctx.base_url) or None
    if ctx.base_url_dynamic:
        return None
    return ctx.kn.default_host(provider)


def _endpoint_attrs(ctx: _Ctx, provider: str) -> dict[str, JSON]:
    """``host`` (written, else the provider's default) and ``base_url``; for an endpoint set
    by an expression the scan cannot read, ``base_url_expr`` and no host at all."""
    attrs: dict[str, JSON] = {}
    host = _host_or_default(ctx, provider)
    if host:
        attrs["host"] = host
    if ctx.base_url:
        attrs["base_url"] = ctx.base_url
    elif ctx.base_url_dynamic:
        attrs["base_url_expr"] = ctx.base_url_dynamic
    return attrs


def _unlisted(host: str) -> str:
    """The provider of a host no table knows: itself, or ``local`` for a host only the
    deployment's own machines or network reach (:func:`is_own_host`) that spells an address
    (loopback, a private IP, ``nip.io``). A named host of the deployment (a bare single-label
    name: a cluster node ``n0998``, a compose service ``tgi-qwen2``; a Kubernetes service
    ``vllm.llm.svc.cluster.local``) is its own provider, as the corpus keys label it
    (bench/apps-round6 README-label-h: "a bare cluster host name is unlisted, so it is its
    own provider"); it is still the deployment's own host for the rules that ask
    (:func:`is_own_host`, :func:`local_served_as_deployed`)."""
    return "local" if is_own_host(host) and not _named_own_host(host) else host


def _named_own_host(host: str) -> bool:
    """A host of the deployment named as a service or machine: a single-label name, or one
    under ``own_host_named_domains`` (``svc.cluster.local``)."""
    domains = providers().own_host_named_domains
    return _single_label(host) or _host_name(host).endswith(tuple("." + d for d in domains))


def _host_name(host: str) -> str:
    """A host as the own-host rules compare it: lower case, no IPv6 brackets, no root dot."""
    return host.lower().strip("[]").rstrip(".")


def _single_label(host: str) -> bool:
    """A host name of one label that is not ``localhost`` nor an IP address."""
    name = _host_name(host)
    if not name or "." in name or ":" in name or name == "localhost":
        return False
    return not name.isdigit()


def is_own_host(host: str) -> bool:
    """A host of the deployment itself: loopback, private or link-local addresses, a
    single-label name (a compose service, ``http://tgi-qwen2``), ``localhost`` and the
    domains of ``providers.yaml``'s ``own_host_domains`` (``qwen.127.0.0.1.nip.io``,
    ``vllm.ai.svc``)."""
    name = _host_name(host)
    if not name:
        return False
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        pass
    else:
        return address.is_loopback or address.is_private or address.is_link_local
    if "." not in name:
        return True
    domains = providers().own_host_domains
    return name in domains or name.endswith(tuple("." + d for d in domains))


def unlisted_model_api(url: str, kn: Knowledge) -> str | None:
    """The host of a model API a URL names at a host no table knows and the deployment does
    not own (``https://llm.chutes.ai/v1/chat/completions``): its path ends in a route of the
    OpenAI-compatible API (``providers.yaml`` ``compatible_api_paths``), so it is a model
    server's endpoint, not a link or a page. None for a known or own host or another path."""
    host = host_of(url) if "://" in url else ""
    if not host or kn.endpoint(host) is not None or is_own_host(host):
        return None
    path = "/" + url.split("://", 1)[1].partition("/")[2].split("?", 1)[0].rstrip("/")
    if not path.endswith(kn.providers.compatible_api_paths):
        return None
    return host


_URL_METHOD = re.compile(r"^(?P<model>[\w.-]+):[a-z][A-Za-z]+$")


def model_in_url(url: str, kn: Knowledge) -> tuple[str, str] | None:
    """``(provider, model)`` a request URL names in its path, else None: an id in a shape one
    provider defines (``…/ai/run/@cf/meta/llama-3-8b-instruct``, an AI Gateway's
    ``…/workers-ai/@cf/openai/whisper``), or, at a known endpoint, a REST resource
    ``models/<model>:<method>`` (Google's ``/v1beta/models/gemini-2.0-flash:generateContent``).
    Parts the scan could not read are ``*``; the model itself must be constant."""
    if "://" in url:
        rest = url.split("://", 1)[1]
    elif url.startswith("*/"):
        rest = url  # ${GATEWAY_URL}/workers-ai/@cf/...: a base the scan could not read
    else:
        return None
    segs = rest.split("?", 1)[0].split("#", 1)[0].split("/")[1:]
    for i, seg in enumerate(segs):
        if not seg.startswith(("@", "accounts")):
            continue
        for j in range(min(len(segs), i + 5), i + 1, -1):
            value = "/".join(segs[i:j])
            owner = kn.providers.shape_owner(value) if "*" not in value else None
            if owner is not None:
                return owner, value
    host = host_of(url) if "://" in url else ""
    ep = kn.endpoint(host) if host and "*" not in host else None
    if ep is None or ep.provider in kn.providers.local_server_providers:
        return None
    for before, seg in pairwise(segs):
        match = _URL_METHOD.match(seg) if before == "models" else None
        if match is not None:
            return ep.provider, match.group("model")
    return None


def _routed_name(value: str, ctx: _Ctx) -> bool:
    """A hosted name with path segments a provider defines, not a filesystem path:
    Cloudflare's ``@cf/meta/x``, and at a provider the code names (an endpoint, an SDK, a
    provider beside it) an aggregator's ``<tier>/<org>/<name>`` (SiliconFlow's
    ``Pro/deepseek-ai/DeepSeek-V3``, ``LoRA/Qwen/…``): one word before a Hub id."""
    if ctx.kn.providers.shape_owner(value):
        return True  # @cf/meta/x, accounts/fireworks/models/x: providers.yaml id_shapes
    if not (ctx.base_url or ctx.provider or ctx.provider_hint) or value.count("/") != 2:
        return False
    tier, _, repo = value.partition("/")
    return (
        _TIER.match(tier) is not None
        and tier.lower() not in conventions().path_orgs
        and identity.is_hf_repo_id(repo)
        and not looks_like_path(repo)
    )


def _gateway_own_id(value: str, prefix: tuple[str, str], kn: Knowledge) -> bool:
    """``openrouter/auto``: a gateway's own model (its router), written under the gateway's
    own name. A gateway spells every other model ``<creator>/<model>``, so a route to the
    gateway through a litellm-style prefix has two slashes (``openrouter/google/gemini-2.0-
    flash``); one slash after the gateway's own name is the gateway's id, sent as written."""
    provider, rest = prefix
    return (
        provider in kn.providers.gateways
        and "/" not in rest
        and value.partition("/")[0].lower() == provider
    )


def _hosted(value: str, ctx: _Ctx) -> Recognised | None:
    """A hosted-API model: provider from the endpoint, else the SDK, else the model name."""
    if not is_model_value(value) or "://" in value:
        return None
    if looks_like_path(value) and not _routed_name(value, ctx):
        return None
    kn = ctx.kn
    owner = kn.providers.shape_owner(value) if not ctx.base_url else None
    if owner is not None and ctx.provider != owner:
        # accounts/fireworks/models/x: Fireworks' own id shape, whatever client sends it
        ctx = replace(ctx, provider=owner, provider_hint=None, base_url_dynamic=None, vertex=False)
    attrs: dict[str, JSON] = {}
    host: str | None = None
    host_source: HostSource | None = None
    provider: str | None = None
    if ctx.base_url:
        host = host_of(ctx.base_url) or None
        if host is None:
            return None
        ep = kn.endpoint(host)
        provider = ep.provider if ep else _unlisted(host)
        host_source = ctx.base_url_source or HostSource.BASE_URL
        attrs["base_url"] = ctx.base_url
        if ep is None and kn.providers.local_servers.get(port_of(ctx.base_url) or 0) == "ollama":
            # http://gpu.example.org:11434: Ollama's port on a machine of its own.
            provider = "ollama"
        if provider == "ollama":
            # Ollama's own cloud (ollama.com) runs Ollama library tags: the model is the
            # Ollama tag, served from that host, as at a local daemon.
            return _ollama_ref(value, ctx)
        if provider == "local":
            server = kn.providers.local_servers.get(port_of(ctx.base_url) or 0)
            path = ctx.base_url.split("?", 1)[0].rstrip("/")
            # http://localhost:3000/api/generate (a compose port mapped to the daemon's):
            # Ollama's own API path says which server it is, whatever the port.
            server = server or next(
                (s for p, s in kn.providers.server_api_paths.items() if path.endswith(p)), None
            )
            if server == "ollama":
                return _ollama_ref(value, ctx)
            if "_" in value.split("/", 1)[0]:
                routed = _proxy_route(value, ctx)  # no Hub org has "_": vertex_ai/…
                if routed is not None:
                    return routed
            # Any other name a client sends to a server of the deployment's own (vLLM, TGI,
            # LM Studio, llama.cpp) is that server's model, api:local/<name>, a Hub id
            # included (api:local/Qwen/Qwen3-1.7B: weights and lineage from the Hub org,
            # served on the deployment's own machines): the corpus READMEs' rule.
    elif ctx.base_url_dynamic:
        # A Hub-style org/name at an unknown host is whoever serves it there: the model name's
        # own provider (deepseek-ai/... is not DeepSeek's API) says nothing.
        own = None if "/" in value else _maker_or_server(value, ctx)
        # An Azure client talks to an Azure resource whatever its URL: the operator is known
        # though the host is not. Other clients may be pointed anywhere: the model's own.
        provider = ctx.provider if ctx.provider in deployment_named() else own or ctx.provider
        attrs["base_url_expr"] = ctx.base_url_dynamic
        host_source = HostSource.UNKNOWN
    elif ctx.vertex or ctx.provider in ("google-vertex", "bedrock", "volcengine"):
        provider = "google-vertex" if ctx.vertex else ctx.provider
        assert provider is not None
        host = kn.region_host(provider, ctx.region) or kn.default_host(provider)
        host_source = HostSource.REGION if ctx.region and host else HostSource.SDK_DEFAULT
    else:
        hub_style = "/" in value and identity.is_hf_repo_id(value)
        provider = ctx.provider or (
            kn.provider_alias(ctx.provider_hint) if ctx.provider_hint else None
        )
        # A Hub-style org/name sent through a provider's own SDK with the endpoint set outside
        # the code (OPENAI_BASE_URL) is no API's own spelling: the maker's pattern
        # (deepseek-ai/… → DeepSeek) says nothing of who serves it, as at an unknown host.
        own = (
            None
            if hub_style and provider in kn.providers.own_models_only
            else _maker_or_server(value, ctx)
        )
        by_table = own is not None and own != kn.provider_for_model(value)
        if provider in kn.providers.own_models_only and own is None:
            routed = _proxy_route(value, ctx)
            if routed is not None:
                return routed
        if provider is None:
            provider = own
            host_source = HostSource.MODEL_PROVIDER_DEFAULT
        elif provider in kn.providers.own_models_only and own is not None and own != provider:
            # OpenAI() calling "deepseek-chat" cannot be served by OpenAI: the endpoint is set
            # outside the code (OPENAI_BASE_URL); the model's own provider is the best answer.
            provider = own
            host_source = HostSource.MODEL_PROVIDER_DEFAULT
        else:
            host_source = HostSource.SDK_DEFAULT
        if provider is not None:
            host = kn.default_host(provider)
        if by_table and host_source is HostSource.MODEL_PROVIDER_DEFAULT:
            attrs["named_by"] = "served-names"  # the served-names table, not a pattern
    if provider is None:
        return None
    if host:
        attrs["host"] = host
        if host_source and host_source is not HostSource.UNKNOWN:
            attrs["host_source"] = str(host_source)
    if ctx.region:
        attrs["region"] = ctx.region
    attrs["provider"] = provider
    if ctx.sdk:
        attrs["sdk"] = ctx.sdk
    # A Hub id served by a provider (Together, Groq, Hugging Face's own inference API...)
    # is that provider's hosted model, api:<provider>/<org>/<name>: served by its operator,
    # published (and descended) as the Hub org says; never a local hf: load.
    return Recognised(identity.api(provider, value), Role.HOSTED_API, EvidenceKind.API_REF, attrs)


def _proxy_route(value: str, ctx: _Ctx) -> Recognised | None:
    """A LiteLLM route (``vertex_ai/gemini-2.5-flash``) sent through an OpenAI-compatible
    client that cannot serve it itself (OpenAI's own API, a server on this machine): a
    LiteLLM proxy in front forwards it to the route's provider, so the model is the route's
    (``api:google-vertex/gemini-2.5-flash``), marked as reached through a proxy."""
    prefixed = litellm_prefix(value, ctx.kn)
    if prefixed is None or prefixed[0] in ("openai", ctx.provider):
        return None
    direct = replace(
        ctx, provider=None, provider_hint=None, base_url=None, base_url_dynamic=None,
        base_url_source=None,
    )  # fmt: skip
    found = _litellm(value, direct)
    if found is None:
        return None
    attrs: dict[str, JSON] = {**found.attributes, "routed_by": "litellm-proxy"}
    if ctx.base_url:
        attrs["proxy_base_url"] = ctx.base_url
    return replace(found, attributes=attrs)


# litellm prefixes that are also Hub organisations (databricks/dbrx-instruct): read as a
# prefix only in a litellm call (`openai` is decided by the OpenAI model list above).
_HUB_ORG_PREFIXES = frozenset({"databricks"})


def litellm_prefix(
    value: str, kn: Knowledge, *, litellm_call: bool = True
) -> tuple[str, str] | None:
    """``(provider, model)`` of a litellm-style ``provider/model`` string, else None: the one
    place the prefix is read, so ``deepseek/deepseek-chat`` is ``api:deepseek/deepseek-chat``
    wherever it is written. Outside a litellm call (a config value, a variable) ``openai``
    is also a Hub organisation: ``openai/whisper-large-v3`` stays a Hub id, and the prefix
    counts only before a known OpenAI API model."""
    split = split_prefix(value, "/")
    if split is None or split[0] not in kn.providers.litellm:
        return None
    if (
        not litellm_call
        and split[0] == "openai"
        and ("/" in split[1] or not kn.api_model(split[1]))
    ):
        return None
    if not litellm_call and split[0] in _HUB_ORG_PREFIXES:
        return None
    return kn.providers.litellm[split[0]], split[1]


def _litellm(value: str, ctx: _Ctx) -> Recognised | None:
    prefixed = litellm_prefix(value, ctx.kn)
    if prefixed is not None:
        provider, rest = prefixed
        sub = replace(ctx, provider=provider, provider_hint=None)
        if provider == "ollama":
            return _ollama_ref(rest, sub)
        if provider == "huggingface":
            # huggingface/<inference provider>/<org>/<name>: Hugging Face's router is the
            # host the app talks to; the model is the Hub repo.
            segs = rest.split("/")
            repo = "/".join(segs[-2:]) if len(segs) >= 2 else None
            if repo and identity.is_hf_repo_id(repo):
                return _hosted(repo, sub)
            return None
        if provider == "local":
            # hosted_vllm/, lm_studio/: the deployment's own server (as a base URL at one).
            return _hosted(rest, replace(sub, provider="local"))
        return _hosted(rest, sub)
    return _hosted(value, replace(ctx, provider=None))


def _provider_colon(value: str, ctx: _Ctx, sep: str = ":") -> Recognised | None:
    kn = ctx.kn
    if ctx.provider_hint:
        provider = kn.provider_alias(ctx.provider_hint)
        if provider == "ollama":
            return _ollama_ref(value, ctx)
        if provider is not None:
            return _hosted(value, replace(ctx, provider=provider))
    split = split_prefix(value, sep)
    if split is not None:
        provider = kn.provider_alias(split[0])
        # "deepseek::deepseek-chat": an app's own doubled separator joins the same two parts
        model = split[1][len(sep) :] if split[1].startswith(sep) else split[1]
        if provider == "ollama":
            return _ollama_ref(model, ctx)
        if provider is not None and model:
            return _hosted(model, replace(ctx, provider=provider))
    return _hosted(value, replace(ctx, provider=None))


def _gateway(value: str, ctx: _Ctx) -> Recognised | None:
    """A ``provider/model`` string handed to the Vercel AI SDK with no provider object: the
    SDK sends it to the Vercel AI Gateway, which serves it (as an aggregator serves its
    ``org/name`` ids): ``api:vercel/groq/llama-3.1-70b-versatile``, served by Vercel."""
    split = split_prefix(value, "/")
    if split is None or "/" in split[1] or ctx.kn.provider_alias(split[0]) is None:
        return None
    return _hosted(value, replace(ctx, provider="vercel", provider_hint=None))


def _vertex_resource(value: str, ctx: _Ctx) -> Recognised | None:
    """``publishers/google/models/gemini-1.5-pro`` (Vertex AI's resource name)."""
    match = VERTEX_RESOURCE.match(value)
    if match is None:
        return None
    region = match.group("region") or ctx.region
    sub = replace(ctx, provider="google-vertex", region=region, provider_hint=None)
    return _hosted(match.group("model"), sub)


def _shape(value: str, ctx: _Ctx) -> Recognised | None:
    """A value the code does not read for us (a config value, a catalogue entry, a user's
    reference): the value's shape, the provider named beside it and the endpoint decide."""
    kn = ctx.kn
    hinted = kn.provider_alias(ctx.provider_hint) if ctx.provider_hint else None
    owner = kn.providers.shape_owner(value)
    if owner is not None and not ctx.base_url and hinted != "ollama":
        # Fireworks' accounts/fireworks/models/x, Workers AI's @cf/meta/llama-3-8b-instruct,
        # OpenRouter's deepseek/deepseek-r1:free: the one provider that defines the shape
        # serves it, before a maker's prefix (deepseek/) or a hosted-only maker (google/)
        # is read from it; an endpoint written beside it still decides (_hosted).
        return _hosted(value, replace(ctx, provider=owner))
    prefix = litellm_prefix(value, kn, litellm_call=False)
    if prefix is not None and not ctx.base_url and _gateway_own_id(value, prefix, kn):
        # A gateway's own id (`openrouter/auto`, `openrouter/free`) is its router, sent as
        # written, whatever is named beside it.
        return _hosted(value, replace(ctx, provider=prefix[0], provider_hint=None))
    if (
        not ctx.base_url
        and hinted != "huggingface"
        and prefix is not None
        # An aggregator named beside the value (OpenRouter's `openai/gpt-4o`) serves it
        # under that very id: the prefix is the maker, not who is called.
        and not (hinted and hinted != prefix[0] and kn.registry.is_aggregator(hinted))
    ):
        # The value's own prefix is more specific than a name's (DEEPSEEK_MODEL = "deepseek/
        # deepseek-chat" is deepseek-chat, not a model called "deepseek/deepseek-chat").
        found = _litellm(value, replace(ctx, provider_hint=None))
        if found is not None and (
            _hosted_only(prefix[0], prefix[1], ctx)
            # a menu's `mistral/mistral-large`: the spelling gateways list every maker's
            # models under (a litellm route is written in code, not offered in a menu)
            or (ctx.site.kind is SiteKind.CATALOGUE_ITEM and "/" not in prefix[1])
        ):
            # also a gateway's id (OpenRouter's, Vercel's `openai/gpt-5`): a project that
            # reaches one gateway sends it there (gate.recognise.project)
            found = replace(found, attributes={**found.attributes, "gateway_id": value})
        return found
    vertex = _vertex_resource(value, ctx)
    if vertex is not None:
        return vertex
    if ctx.provider_hint:
        if hinted == "ollama" and _another_servers_port(ctx):
            # OLLAMA_BASE_URL=http://localhost:8000 beside OLLAMA_MODEL: the port the URL
            # names is another server's (TGI, vLLM), and the URL decides, not the name.
            return _hosted(value, ctx)
        if hinted == "ollama" or (
            hinted != "huggingface" and OLLAMA_TAGGED.match(value) and _size_tagged(value)
        ):
            return _ollama_ref(value, ctx)
        if hinted == "huggingface" and ctx.base_url:
            # huggingface: {base_url: https://api-inference.huggingface.co/models, ...}: the
            # endpoint serves the Hub id (an inference API), nothing is downloaded.
            return _hosted(value, ctx)
        if hinted == "huggingface":
            repo = hf_repo(value, kn, allow_bare=False)
            return _hf_ref(repo, ctx) if repo else None
        if hinted is not None:
            return _hosted(value, replace(ctx, provider=hinted))
    if ctx.base_url or ctx.base_url_dynamic:
        return _hosted(value, ctx)
    url = hf_repo_of_url(value)
    if url is not None:
        if value.startswith(("hf.co/", "huggingface.co/")) and hf_quantization(value):
            return _ollama_ref(value, ctx)  # an Ollama pull of a Hub GGUF repo
        return _hf_ref(url[0], replace(ctx, revision=ctx.revision or url[1]))
    gateway = _gateway_route(value, ctx)
    if gateway is not None:
        return gateway
    repo = hf_repo(value, kn, allow_bare=False) or _embedding_name(value, ctx)
    if repo is not None:
        return _hf_ref(repo, ctx)
    if BEDROCK_ID.match(value):
        return _hosted(value, replace(ctx, provider="bedrock"))
    colon = split_prefix(value, ":")
    if (
        colon is not None
        and kn.provider_alias(colon[0]) not in (None, "ollama")
        and not _size_tagged(value)
    ):
        # ("mistral:7b" is Ollama's mistral at its 7b tag: a size names no provider's model.)
        # "openai:gpt-4o" (pydantic-ai, LangChain init_chat_model), "deepseek:deepseek-chat"
        # (Vercel AI SDK provider registries)
        return _provider_colon(value, replace(ctx, provider_hint=None))
    if OLLAMA_TAGGED.match(value):
        # "qwen2.5:7b": a tag is Ollama's spelling; hosted API names carry none.
        return _ollama_ref(value, ctx)
    if _family_word(value):
        return None
    known = kn.api_model(value) is not None or _only_server(value, ctx) is not None
    if known and not _release_name(value) and not _display_label(value, ctx):
        return _hosted(value, replace(ctx, provider=None))
    return None


def _display_label(value: str, ctx: _Ctx) -> bool:
    """``GPT-3.5-Turbo`` in an app's code or config: a name its maker's API would refuse as
    written (the API matches names exactly and spells them in lower case), so with no call
    sending it, a label shown to the user (a saved conversation's model, a menu's title),
    not a model id. A reference a user types or another tool's BOM names is read as meant."""
    if value == value.lower() or ctx.site.kind in (SiteKind.USER_INPUT, SiteKind.FOREIGN_BOM):
        return False
    maker = ctx.kn.provider_for_model(value)
    return maker is not None and maker in ctx.kn.providers.lowercase_names


def _size_tagged(value: str) -> bool:
    """``x:7b``, ``x:latest``, ``x:q4_K_M``: the tag after the first colon is one only Ollama
    (and GGUF quantisers) write, so the value is an Ollama tag whatever word precedes it (a
    provider named beside it, or a provider's name as the word: ``mistral:7b``)."""
    return OLLAMA_SIZE_TAG.match(value.partition(":")[2]) is not None


_KEY_WORD_BREAK = re.compile(r"[^a-z0-9]+")


def _embedding_name(value: str, ctx: _Ctx) -> str | None:
    """A bare sentence-transformers name under an embedding key (``embedding_model:
    all-MiniLM-L6-v2``) with no endpoint or provider beside it: the repo sentence-transformers
    resolves it to, under its own Hub organisation, when the registry knows that repo."""
    if "/" in value or ctx.base_url or ctx.provider_hint:
        return None
    key = (ctx.site.key or "").lower()
    if "embed" not in key and "emb" not in _KEY_WORD_BREAK.split(key):  # EMB_MODEL
        return None
    repo = ctx.kn.providers.hf_legacy.get(value) or ctx.kn.registry.known_repo_for_name(value)
    return repo if repo is not None and repo.startswith("sentence-transformers/") else None


def _another_servers_port(ctx: _Ctx) -> bool:
    """The base URL names a port explicitly, and it is not Ollama's."""
    port = port_of(ctx.base_url) if ctx.base_url else None
    return port is not None and ctx.kn.providers.local_servers.get(port) != "ollama"


# An open-weights release as its makers name it, lower case, with nothing a server adds:
# family and version, a size (7b, 8x7b, 0.5b, 125m) or a Whisper size, then only variant
# words (instruct, chat, it...). ``llama-3.1-8b``, ``qwen2.5-72b-instruct``, ``gemma-7b-it``,
# ``whisper-large-v3``: anyone may serve such a name (or run it locally), so a table listing
# one server proves little. ``llama-3.1-8b-instant``, ``mixtral-8x7b-32768`` (a context size),
# ``meta-llama/...-Turbo`` carry the server's own words and are not plain.
PLAIN_RELEASE = re.compile(
    r"^[a-z][a-z-]*?[\d.]*(?:-[a-z]+[\d.]*)*?"
    r"-(?:\d+(?:\.\d+)?[bm]|\d+x\d+b|large(?:-v\d)?|medium|small|base|tiny)"
    r"(?:-(?:instruct|chat|it|base|hf|fp8|en|v\d[\w.]*))*$"
)


def _only_server(value: str, ctx: _Ctx) -> str | None:
    """The one provider whose API serves exactly this name (the served-names table), when
    that alone may say who serves it: ``llama-3.1-8b-instant`` and ``mixtral-8x7b-32768`` are
    Groq's names. Not when a maker's pattern already names a provider and the name is a
    plain release (``qwen2.5-72b-instruct`` is DashScope's too, whatever the table lists),
    nor for a plain release outside a catalogue (a script's ``--model llama-3.1-8b``), nor
    for a name with no digit (``embeddings``). A cloud serving a maker's own model under
    the maker's spelling (Vertex's ``claude-3-opus``) leaves the maker's API: the cloud's
    own spelling (``claude-3-opus@20240229``) names the cloud."""
    if "/" in value or not any(c.isdigit() for c in value):
        return None
    server = ctx.kn.only_server(value)
    if server is None:
        return None
    maker = ctx.kn.provider_for_model(value)
    plain = PLAIN_RELEASE.match(value) is not None
    if plain and (maker is not None or ctx.site.kind is not SiteKind.CATALOGUE_ITEM):
        return None
    if (
        maker in ctx.kn.providers.own_models_only
        and server in ("google-vertex", "bedrock")
        and "@" not in value
        and not BEDROCK_ID.match(value)
    ):
        return None
    return server


def _maker_or_server(value: str, ctx: _Ctx) -> str | None:
    """Who serves a hosted name when nothing around it says: the one provider serving
    exactly that name, else the provider the maker's pattern names (``gpt-*`` → OpenAI); a
    snake_case identifier (``qwen2_vl``) is no API's name unless the pattern itself is
    written with an underscore (``chatglm_*``)."""
    server = _only_server(value, ctx)
    if server is not None:
        return server
    row = ctx.kn.api_model(value)
    if row is None or (SNAKE_IDENTIFIER.match(value) and "_" not in row.pattern):
        return None  # a pattern written with "_" (Zhipu's chatglm_*) speaks for such names
    return row.provider


def _hosted_only(provider: str, model: str, ctx: _Ctx) -> bool:
    """``model`` is a name only ``provider``'s API serves as its maker (no open weights):
    ``gemini-2.0-flash-001`` is Google's, ``gemma-2-9b-it`` and ``gpt-oss-120b`` are not."""
    if provider not in ctx.kn.providers.own_models_only or "/" in model:
        return False
    if _release_name(model) or PLAIN_RELEASE.match(model):
        return False
    return ctx.kn.provider_for_model(model) == provider


def _gateway_route(value: str, ctx: _Ctx) -> Recognised | None:
    """``google/gemini-2.0-flash-001``, ``x-ai/grok-4``: a gateway's id for a hosted-only
    model (OpenRouter, Vercel AI Gateway, DeepInfra spell models ``<creator>/<model>``),
    never a Hub repo (Gemini has no weights on the Hub). With no gateway beside it the
    server is unknown: the model is recorded as its maker's, with no host (``gateway_id``
    says which id was written; a project reaching one gateway places it there)."""
    split = split_prefix(value, "/")
    if split is None:
        return None
    provider = ctx.kn.provider_alias(split[0])
    if provider is None or not _hosted_only(provider, split[1], ctx):
        return None
    found = _hosted(split[1], replace(ctx, provider=provider, provider_hint=None))
    if found is None:
        return None
    attrs = {k: v for k, v in found.attributes.items() if k not in ("host", "host_source")}
    attrs["gateway_id"] = value
    return replace(found, attributes=attrs)


_RELEASE = re.compile(r"(?:^|[-_.])(?:\d+(?:\.\d+)?[BM]|(?:Instruct|Chat|Base))(?:$|[-_.])")


def _release_name(value: str) -> bool:
    """An open-weights release as its Hub repository names it, without the org
    (``Qwen2-7B-Instruct``, ``DeepSeek-Coder-V2-Instruct``): a folder a script loads or a
    server is started with, never a hosted API's name (those are lower case:
    ``qwen2-7b-instruct``). With no provider or endpoint beside it, it names no API."""
    return value != value.lower() and _RELEASE.search(value) is not None


_FAMILY_WORD = re.compile(r"^(?P<family>[a-z]+)\d*(?:\.\d+)?$")


def _family_word(value: str) -> bool:
    """An open model family's bare name, at most with its generation (``qwen``, ``qwen2``,
    ``llama3``, ``qwen2.5``): what a gateway or a menu calls a model it serves its own way,
    or an Ollama library name, but no hosted API's model name; with no SDK or endpoint
    beside it, whose model it is cannot be told, so it names none."""
    match = _FAMILY_WORD.match(value)
    return match is not None and match.group("family") in conventions().open_model_families


def _dataset(value: str, ctx: _Ctx) -> Recognised | None:
    kn = ctx.kn
    hub = "modelscope" if ctx.reads is Reading.MODELSCOPE_DATASET else "hf"
    if value.startswith("hf://datasets/"):
        value = "/".join(value[len("hf://datasets/") :].split("/")[:2])
    if value.lower() in _DATASET_BUILDERS:
        return None
    if ctx.namespace and "/" not in value:
        value = f"{ctx.namespace}/{value}"
    if hub == "hf":
        # A bare canonical name ("squad") is written as the id the Hub redirects it to.
        value = kn.providers.hf_legacy_datasets.get(value, value)
    repo: str | None
    if "/" in value:
        repo = value if identity.is_hf_repo_id(value) and not looks_like_path(value) else None
        if repo is not None and hub == "hf" and "_" in repo.split("/", 1)[0]:
            # hf_datasets/rplan: a Hub namespace is letters, digits and dashes (no "_"), so
            # this is a folder a dataset was saved to (save_to_disk), not a Hub dataset.
            repo = None
    elif value in kn.providers.hf_legacy:
        repo = None  # a model's legacy name ("gpt2"): no dataset of that name
    else:
        repo = value if BARE_NAME.match(value) and ":" not in value else None
    if repo is None:
        return None
    return _dataset_ref(repo, ctx, hub)


def _hf_family(value: str, ctx: _Ctx) -> Recognised | None:
    reads = ctx.reads
    kn = ctx.kn
    if reads is Reading.HF_HUB and ctx.repo_type == "dataset":
        return _dataset(value, replace(ctx, reads=Reading.HF_DATASET))
    if reads is Reading.HF_HUB and ctx.repo_type not in (None, "model"):
        return None
    url = hf_repo_of_url(value)
    if url is not None:
        return _hf_ref(url[0], replace(ctx, revision=ctx.revision or url[1]))
    if reads is Reading.HF_URL:
        return None
    if reads is Reading.SENTENCE_TRANSFORMERS and "/" not in value and BARE_NAME.match(value):
        # sentence-transformers resolves a bare name under its own Hub organisation.
        legacy = kn.providers.hf_legacy.get(value)
        return _hf_ref(legacy or f"sentence-transformers/{value}", ctx)
    if reads is Reading.HF_HOSTED:
        if "://" in value:
            return None  # an Inference Endpoint URL: the endpoint, not the model
        return _hosted(value, replace(ctx, reads=Reading.HOSTED))
    repo = hf_repo(value, kn, allow_bare=reads is Reading.HF_HUB)
    if repo is None:
        return None
    return _hf_ref(repo, ctx)


def endpoint_of(serving: Serving, knowledge: Knowledge) -> Recognised | None:
    """The endpoint a client is pointed at when no model reaches it in view: a known host
    is worth recording (the app is configured for DashScope) although it names no model
    (``api:<provider>/*``, with ``endpoint_only``)."""
    if not serving.base_url:
        return None
    host = host_of(serving.base_url)
    ep = knowledge.endpoint(host) if host else None
    if ep is not None and ep.provider == "local":
        return None
    if ep is None and not _unlisted_client_host(host, serving):
        return None
    attrs: dict[str, JSON] = {
        "host": host,
        "host_source": str(serving.host_source or HostSource.BASE_URL),
        "base_url": serving.base_url,
        # a host no table knows is its own provider (a reseller, a company's proxy)
        "provider": ep.provider if ep is not None else host,
        "endpoint_only": True,
    }
    if serving.sdk:
        attrs["sdk"] = serving.sdk
    provider = str(attrs["provider"])
    return Recognised(identity.api(provider, "*"), Role.HOSTED_API, EvidenceKind.API_REF, attrs)


def _unlisted_client_host(host: str | None, serving: Serving) -> bool:
    """An SDK's client pointed at a public host no table knows (``new OpenAI({baseURL:
    "https://bothub.chat/api/v2/openai/v1"})``): a server of that SDK's API (a reseller, a
    company's proxy), its own provider, worth recording as the app's endpoint. Not a host
    of the deployment's own (loopback, private, a service name), nor a template."""
    return (
        host is not None
        and serving.sdk is not None
        and "." in host
        and not _TEMPLATED_HOST.search(host)
        and not is_own_host(host)
    )


def with_user_endpoints(found: Sequence[Evidence], kn: Knowledge) -> list[Evidence]:
    """Evidence whose endpoint host discovery could not place (``api:<host>/…``), placed
    with a run's user registry files: discovery runs in worker processes with the shipped
    knowledge, so the user's hosts are applied here, once, with the same rule."""
    if not kn.user_files:
        return list(found)
    out: list[Evidence] = []
    for ev in found:
        host = ev.attributes.get("host")
        provider = ev.attributes.get("provider")
        prefix = f"api:{host}/"
        if isinstance(host, str) and provider == host and ev.identity.startswith(prefix):
            ep = kn.endpoint(host)
            if ep is not None and ep.provider != host:
                model = ev.identity[len(prefix) :]
                attrs = {**ev.attributes, "provider": ep.provider}
                ev = replace(ev, identity=identity.api(ep.provider, model), attributes=attrs)
        out.append(ev)
    return out


_UNWRITTEN_HOSTS = frozenset(
    {HostSource.SDK_DEFAULT, HostSource.MODEL_PROVIDER_DEFAULT, HostSource.PROJECT}
)
"""How a host is learned when no endpoint is written beside the name."""


def _cannot_serve_hub_ids(provider: JSON, host_source: JSON) -> bool:
    """Whether a provider reached only through its SDK's default endpoint cannot be what
    serves an ``org/name`` Hub id: one serving only its own models (``OpenAI()`` sending
    ``Qwen/...`` reaches a server the environment names, the deployment's own). A provider
    serving other makers' models (``Groq()``, ``Together()``) hosts its own copy."""
    if host_source != str(HostSource.SDK_DEFAULT):
        return True
    return isinstance(provider, str) and provider in providers().own_models_only


def local_served_as_deployed(found: Sequence[Evidence]) -> list[Evidence]:
    """A Hub id a client sends to the deployment's own server (``api:local/<org>/<name>``)
    is the Hub model the same deployment runs, when the scan also finds those weights
    loaded or served (``vllm serve <org>/<name>``, ``hf:<org>/<name>``): one model, one
    identity in an app. A name the app's own server answers to with no such load stays
    ``api:local/…`` (served by the deployment, weights unknown to the scan)."""
    deployed: dict[str, Evidence] = {}
    folders: dict[str, Evidence | None] = {}
    for ev in found:
        if ev.identity.startswith("hf:"):
            repo = ev.identity[len("hf:") :].partition("@")[0]
            deployed.setdefault(repo.casefold(), ev)
        elif ev.identity.startswith("local:"):
            # A local model folder the deployment serves (a TGI/vLLM container mounting
            # ./models/Qwen2-7B-Instruct-GPTQ-Int4): its name is what clients send.
            name = ev.identity[len("local:") :].rstrip("/").rsplit("/", 1)[-1].casefold()
            seen = folders.get(name, ev)
            # Two folders of one name: neither is meant.
            folders[name] = ev if seen is not None and seen.identity == ev.identity else None
    if not deployed and not folders:
        return list(found)
    out: list[Evidence] = []
    for ev in found:
        provider = ev.attributes.get("provider")
        # A named host of the deployment is its own provider (provider == host); a provider's
        # key (``sagemaker``, ``together``) is a single label too, but no host: its hosted copy
        # stays its own when an endpoint is written (a SageMaker runtime, a base URL) or a
        # catalogue entry names its provider (``groq: [...]``), and is the deployed model when
        # only a default or a name's hint placed it there.
        own = (
            provider == "local"
            or (
                ev.attributes.get("host_source") in _UNWRITTEN_HOSTS
                and ev.attributes.get("provider_named") is not True
                and _cannot_serve_hub_ids(provider, ev.attributes.get("host_source"))
            )
            or (
                isinstance(provider, str)
                and provider == ev.attributes.get("host")
                and _named_own_host(provider)
            )
        )
        prefix = f"api:{provider}/"
        repo = ev.identity[len(prefix) :] if own and ev.identity.startswith(prefix) else ""
        hub = deployed.get(repo.casefold()) if "/" in repo else None
        if hub is None and repo and "/" not in repo and any(c.isdigit() for c in repo):
            # api:tgi-qwen2/Qwen2-7B-Instruct-GPTQ-Int4 beside the served folder of that
            # name: the client's name is the folder the deployment serves.
            hub = folders.get(repo.casefold())
        if hub is not None:
            attrs = {**ev.attributes, "served_by": "local"}
            ev = replace(ev, identity=hub.identity, role=hub.role, kind=hub.kind, attributes=attrs)
        out.append(ev)
    return out


def endpoints_apart(
    found: Sequence[Evidence], kn: Knowledge
) -> tuple[list[Evidence], list[dict[str, JSON]]]:
    """Evidence of clients pointed at a known endpoint with no model in view, set apart as
    configured endpoints: the endpoint matters (the app is configured for DashScope) but
    names no model, so it is recorded as an endpoint rather than a wildcard model
    ``api:<provider>/*``. Returns the other evidence and one record per host (sorted)."""
    kept: list[Evidence] = []
    by_host: dict[str, dict[str, JSON]] = {}
    where: dict[str, set[str]] = {}
    for ev in found:
        host = ev.attributes.get("host")
        if ev.attributes.get("endpoint_only") is not True or not isinstance(host, str):
            kept.append(ev)
            continue
        if host not in by_host:  # one record per host; the first base URL seen stands for it
            ep = kn.endpoint(host)
            by_host[host] = {
                "host": host,
                "provider": ep.provider if ep else str(ev.attributes.get("provider") or host),
                "operator": ep.operator if ep else None,
                "country": ep.country if ep else None,
                "base_url": str(ev.attributes.get("base_url") or host),
            }
        loc = ev.location
        where.setdefault(host, set()).add(
            f"{loc.path}:{loc.line}" if loc.path and loc.line else (loc.path or "")
        )
    records = []
    for host in sorted(by_host):
        rec = dict(by_host[host])
        rec["locations"] = sorted(w for w in where[host] if w)
        records.append(rec)
    return kept, records
