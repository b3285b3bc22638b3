"""Origins: give every component its publisher, serving endpoint, lineage and licence.

Each fact carries its Provenance (registry entry and version, model card, GGUF key, Hub, name
heuristic). For hosted APIs the publisher is the model's maker and ``served_by`` the endpoint
the code calls (``qwen-max`` through an OpenAI client at DashScope: Alibaba, served from CN).
What no source states stays unknown.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gate import identity
from gate.model import (
    Ancestor,
    Component,
    ComponentId,
    FactSource,
    Inventory,
    Licence,
    Party,
    Provenance,
    Role,
    ServedBy,
)
from gate.progress import NullObserver, Observer
from gate.recognise import Knowledge, Serving, Site, SiteKind, recognise
from gate.resolve import endpoints, licences
from gate.resolve.endpoints import Endpoint
from gate.resolve.hub import DEFAULT_TTL, Hub, ModelInfo, default_cache_dir
from gate.resolve.lineage import LineageResolver, ParentLink, gguf_links, unknown_party
from gate.resolve.registry import Publisher, Registry, load

# Cross-region inference-profile prefixes of Bedrock model ids (us.anthropic.claude-…).
_BEDROCK_REGION = re.compile(r"^(?:us|eu|apac|global|us-gov|jp|au|ca)\.")
# Path prefixes SDKs put before the model name: google-genai `models/…`, Vertex
# `publishers/<vendor>/models/…`, Fireworks `accounts/<account>/models/…`, Cloudflare `@cf/…`.
_PATH_PREFIX = re.compile(r"^(?:models/|@cf/|@hf/|accounts/[^/]+/models/)")
_VERTEX = re.compile(r"^(?:projects/[^/]+/locations/[^/]+/)?publishers/([^/]+)/models/(.+)$")
_LOCAL_PROVIDERS = frozenset({"local", "ollama-local"})
SERVED_BY_UNKNOWN = "served_by_unknown"
"""Component property: why a hosted call's endpoint is unknown (``[{source, detail}]``)."""


@dataclass(frozen=True, slots=True)
class ResolveOptions:
    """How to resolve: user registry files, network opt-in, cache location, progress."""

    registry_files: tuple[Path, ...] = ()
    online: bool = False
    cache_dir: Path | None = None
    observer: Observer = field(default_factory=NullObserver)
    hub_ttl: float = DEFAULT_TTL
    hub_endpoint: str | None = None
    """Overrides ``HF_ENDPOINT`` (tests point it at a local server)."""


@dataclass(frozen=True, slots=True)
class _Context:
    registry: Registry
    hub: Hub
    lineage: LineageResolver


def resolve(inventory: Inventory, options: ResolveOptions) -> Inventory:
    """The inventory with every component's origins filled in, and how they were learned."""
    return _resolve_all(inventory, options, None)


def resolve_foreign(
    inventory: Inventory, foreign: Collection[str], options: ResolveOptions
) -> Inventory:
    """Fill in what the components of another tool's BOM leave out, keeping what it states.

    A foreign component is resolved from its identity and endpoints like a scanned one; a
    fact the BOM states (a manufacturer with a country, a licence, pedigree ancestors) is kept
    with the BOM as its source, and resolution adds what it lacks. Every other component
    (aigate's own, read back losslessly) is left exactly as the BOM states it.
    """
    if not foreign:
        return inventory
    return _resolve_all(inventory, options, frozenset(foreign))


def _resolve_all(
    inventory: Inventory, options: ResolveOptions, only: frozenset[str] | None
) -> Inventory:
    registry = load(options.registry_files)
    hub = Hub(
        online=options.online,
        cache_dir=options.cache_dir if options.cache_dir is not None else default_cache_dir(),
        observer=options.observer,
        endpoint=options.hub_endpoint,
        ttl=options.hub_ttl,
    )
    ctx = _Context(registry, hub, LineageResolver(registry, hub))
    try:
        options.observer.stage("origins", len(inventory.components))
        components = []
        for comp in inventory.components:
            if only is None:
                components.append(resolve_component(comp, ctx))
            elif comp.id in only:
                components.append(_fill_stated(comp, ctx))
            else:
                components.append(comp)
            options.observer.advance()
        options.observer.done()
    finally:
        hub.close()
    mode = (
        f"online: Hugging Face Hub at {hub.endpoint}"
        if options.online
        else "offline: facts not in the registry or the Hub cache stay unknown"
    )
    if only is not None:
        note = (
            f"origins: {len(only)} component(s) of a BOM made by another tool resolved with "
            f"{registry.describe()}; facts the BOM states are kept; {mode}"
        )
        return replace(inventory, components=tuple(components), notes=(*inventory.notes, note))
    note = f"origins: {registry.describe()}; {mode}"
    props = dict(inventory.properties)
    props["origins"] = {
        "registry_version": registry.version,
        "registry_files": list(registry.user_files),
        "online": options.online,
        "hub_endpoint": hub.endpoint if options.online else None,
    }
    return replace(
        inventory,
        components=tuple(components),
        notes=(*(n for n in inventory.notes if not n.startswith("origins: ")), note),
        properties=props,
    )


def _fill_stated(comp: Component, ctx: _Context) -> Component:
    stated = comp.publisher
    probe = comp if stated is not None and stated.country else replace(comp, publisher=None)
    resolved = resolve_component(probe, ctx)
    publisher = resolved.publisher
    if stated is not None and (stated.country or publisher is None):
        publisher = stated  # what the BOM states stands when it is complete or all we have
    elif stated is not None and publisher is not None:
        named = Provenance(
            FactSource.BOM, f"the BOM names the manufacturer {stated.name!r} without a country"
        )
        publisher = replace(publisher, provenance=(*publisher.provenance, named))
    served_by = comp.served_by or resolved.served_by
    provider = comp.properties.get("service_provider")
    if (
        served_by is not None
        and served_by.country is None
        and isinstance(provider, Mapping)
        and isinstance(provider.get("country"), str)
    ):
        # The host is not in the registry, but the BOM says who provides the service.
        said = Provenance(
            FactSource.BOM, f"service provider {provider.get('name')!r} as the BOM states it"
        )
        served_by = replace(
            served_by,
            operator=served_by.operator or str(provider.get("name")),
            country=str(provider["country"]),
            provenance=(*served_by.provenance, said),
        )
    pinned = comp.pinned if comp.pinned is not None else identity.pinned(comp.id)
    return replace(resolved, publisher=publisher, served_by=served_by, pinned=pinned)


def resolve_component(comp: Component, ctx: _Context) -> Component:
    """One component with publisher, served_by, lineage and licence resolved."""
    kind = identity.scheme(comp.id)
    handler = _HANDLERS.get(kind, _resolve_other)
    return handler(comp, ctx)


# --------------------------------------------------------------------------------------
# shared pieces


def _declared_links(comp: Component, ctx: _Context) -> list[ParentLink]:
    """Parents the component's own artefacts declare (card, adapter config, GGUF keys)."""
    links: list[ParentLink] = []
    for anc in comp.lineage:
        if anc.depth != 1:
            continue
        ref = anc.id.split(":", 1)[1] if anc.id.startswith("name:") else anc.name
        if anc.id.startswith("hf:"):
            ref = identity.split_hf(anc.id)[0]
        prov = anc.provenance[0] if anc.provenance else Provenance(FactSource.MODEL_CARD, "")
        links.append(ParentLink(ref, anc.relation, prov))
    for link in gguf_links(comp.files):
        if not any(existing.ref.lower() == link.ref.lower() for existing in links):
            links.append(link)
    return links


def _hub_info(comp: Component, ctx: _Context) -> ModelInfo | None:
    if identity.scheme(comp.id) != "hf":
        return None
    repo, rev = identity.split_hf(comp.id)
    return ctx.hub.model_info(repo, rev)


def _licence(
    comp: Component, ctx: _Context, *, hub: ModelInfo | None, known_repo: str | None
) -> Licence | None:
    """Declared licence first; then GGUF, the Hub, and the exact repo's registry entry."""
    if comp.licence is not None:
        lic = comp.licence
        raw = lic.expression if lic.expression != lic.name else None
        if lic.category.value != "unknown" or lic.obligations:
            return lic  # already classified (e.g. read back from a BOM)
        found = licences.normalise(raw, lic.name, lic.url, lic.provenance)
        return found or lic
    for wf in comp.files:
        value = wf.metadata.get("general.license")
        if isinstance(value, str) and value.strip():
            prov = (Provenance(FactSource.GGUF, f"{wf.path}#general.license"),)
            return licences.normalise(value, None, None, prov)
    if hub is not None and (hub.license or hub.license_name):
        prov = (Provenance(FactSource.HUB, f"{hub.where} cardData.license"),)
        return licences.normalise(hub.license, hub.license_name, hub.license_link, prov)
    if known_repo is not None:
        known = ctx.registry.model(known_repo)
        if known is not None and known.license and not any(c in known.id for c in "*?["):
            where = known.origin if known.user else f"{known.origin}#{known.id}"
            source = FactSource.USER_REGISTRY if known.user else FactSource.REGISTRY
            detail = (
                f"{where}: the licence {known.id}'s card declares "
                f"({ctx.registry.describe()}; {known.verified})"
            )
            return licences.normalise(known.license, None, None, (Provenance(source, detail),))
    return None


def _with(
    comp: Component,
    *,
    publisher: Party | None,
    lineage: Sequence[Ancestor] | None = None,
    licence: Licence | None = None,
    served_by: ServedBy | None = None,
    datasets: Iterable[str] = (),
) -> Component:
    changes: dict[str, Any] = {"publisher": publisher or comp.publisher}
    if lineage is not None:
        changes["lineage"] = tuple(lineage)
    if licence is not None:
        changes["licence"] = licence
    if served_by is not None:
        changes["served_by"] = served_by
    extra = [identity.hf_dataset(d) for d in datasets if identity.is_hf_repo_id(d)]
    if extra:
        changes["datasets"] = tuple(sorted({*comp.datasets, *extra}))
    return replace(comp, **changes)


def _registry_model_publisher(comp_id: str, ctx: _Context) -> Party | None:
    """A publisher a user (or shipped) registry assigns to this exact identity or repo."""
    keys = [comp_id]
    if comp_id.startswith(("hf:", "modelscope:")):
        keys.append(identity.split_hf(comp_id)[0])
    for key in keys:
        known = ctx.registry.model(key)
        if known is not None and known.publisher:
            pub = ctx.registry.publisher(known.publisher)
            if pub is not None:
                return ctx.registry.party(pub, f"model entry {known.id!r} ({known.origin})")
    return None


# --------------------------------------------------------------------------------------
# per identity scheme


def _resolve_hf(comp: Component, ctx: _Context) -> Component:
    repo, rev = identity.split_hf(comp.id)
    org = repo.partition("/")[0]
    publisher = _registry_model_publisher(comp.id, ctx) or ctx.lineage.publisher_for_org(
        org, f"Hugging Face org {org!r}"
    )
    hub = _hub_info(comp, ctx)
    direct = _declared_links(comp, ctx)
    if not direct:
        direct = ctx.lineage.parents_of(repo, revision=rev)
    lineage = ctx.lineage.ancestors(comp.id, direct)
    datasets = hub.datasets if hub is not None and not comp.datasets else ()
    return _with(
        comp,
        publisher=publisher,
        lineage=lineage,
        licence=_licence(comp, ctx, hub=hub, known_repo=repo),
        datasets=datasets,
    )


def _resolve_modelscope(comp: Component, ctx: _Context) -> Component:
    repo, _ = identity.split_hf(comp.id)
    org = repo.partition("/")[0]
    pub = ctx.registry.publisher_for_modelscope_org(org)
    publisher = _registry_model_publisher(comp.id, ctx) or (
        ctx.registry.party(pub, f"ModelScope org {org!r}")
        if pub is not None
        else unknown_party(org, f"ModelScope org {org!r}: not in the registry, country unknown")
    )
    # ModelScope mirrors (LLM-Research, ZhipuAI…) reuse Hub names: the name rules find the
    # original; the Hugging Face API is never asked about a ModelScope id.
    direct = _declared_links(comp, ctx) or ctx.lineage.parents_of(repo, use_hub=False)
    served = _served_by_host("modelscope.cn", ctx, "the ModelScope hub the identity names")
    return _with(
        comp,
        publisher=publisher,
        lineage=ctx.lineage.ancestors(comp.id, direct),
        licence=_licence(comp, ctx, hub=None, known_repo=repo),
        served_by=served,
    )


def _resolve_ollama(comp: Component, ctx: _Context) -> Component:
    body = comp.id.split(":", 1)[1]
    name, _, tag = body.rpartition(":")
    publisher: Party | None
    links: list[ParentLink] = []
    if name.startswith(("hf.co/", "huggingface.co/")):
        # `ollama pull hf.co/<org>/<repo>:<quant>` pulls a GGUF repo from the Hub.
        hub_repo = name.split("/", 1)[1]
        if identity.is_hf_repo_id(hub_repo):
            org = hub_repo.split("/", 1)[0]
            publisher = ctx.lineage.publisher_for_org(org, f"Hugging Face org {org!r}")
            link = ParentLink(
                hub_repo,
                "copy",
                Provenance(FactSource.IDENTITY, f"ollama pulls {hub_repo} from the Hub ({tag})"),
            )
            return _with(
                comp,
                publisher=publisher,
                lineage=ctx.lineage.ancestors(comp.id, [link]),
                licence=_licence(comp, ctx, hub=None, known_repo=None),
            )
    entry = ctx.registry.ollama(name)
    if entry is None:
        base = name.rsplit("/", 1)[-1]
        publisher = ctx.lineage.publisher_for_name(base)
        if "/" in name and publisher is None:
            user = name.split("/", 1)[0]
            publisher = unknown_party(user, f"Ollama namespace {user!r}: country unknown")
        if publisher is not None:
            links = ctx.lineage.parents_of(base)
        return _with(
            comp,
            publisher=publisher,
            lineage=ctx.lineage.ancestors(comp.id, links),
            licence=_licence(comp, ctx, hub=None, known_repo=None),
        )
    pub = ctx.registry.publisher(entry.publisher)
    assert pub is not None  # the registry validates references
    where = entry.origin if entry.user else f"{entry.origin}#{entry.name}"
    publisher = ctx.registry.party(pub, f"Ollama library name {entry.name!r} ({entry.family})")
    repo = entry.repo_for(tag)
    if repo is not None:
        source = FactSource.USER_REGISTRY if entry.user else FactSource.REGISTRY
        detail = f"{where}: tag {tag!r} is built from {repo} ({ctx.registry.describe()})"
        links.append(ParentLink(repo, "quantized", Provenance(source, detail)))
    lineage = ctx.lineage.ancestors(comp.id, links)
    lic = _licence(comp, ctx, hub=None, known_repo=None)
    if lic is None and repo is not None:
        inherited = _licence(comp, ctx, hub=None, known_repo=repo)
        if inherited is not None:
            detail = f"the licence declared by {repo}, which this tag repackages: " + "; ".join(
                p.detail for p in inherited.provenance
            )
            lic = replace(inherited, provenance=(Provenance(FactSource.HEURISTIC, detail),))
    return _with(comp, publisher=publisher, lineage=lineage, licence=lic)


def _resolve_api(comp: Component, ctx: _Context) -> Component:
    body = comp.id.split(":", 1)[1]
    provider, _, model = body.partition("/")
    served_by = served_by_for(comp, provider, ctx.registry)
    # An OpenAI-compatible client pointed elsewhere: the endpoint, not the SDK, says whose
    # models are served; an unknown host says nothing.
    serving = provider
    found = call_endpoints(comp)
    if found.written or found.unread:
        ep = ctx.registry.endpoint(served_by.host) if served_by is not None else None
        serving = ep.provider if ep is not None else ""
    maker = api_maker(provider, model, ctx.registry, fallback_provider=serving)
    publisher = maker.party(ctx.registry)
    links: list[ParentLink] = []
    repo = _repo_behind_api_name(model, maker.name, ctx.registry)
    if repo is not None:
        detail = f"the hosted name {model!r} is the open model {repo} (registry known models)"
        links.append(ParentLink(repo, "copy", Provenance(FactSource.HEURISTIC, detail)))
    elif maker.publisher is not None:
        own = maker.publisher.id
        links = [
            link
            for link in ctx.lineage.parents_of(maker.name)
            if link.family is None or link.family.publisher != own
        ]
    resolved = _with(
        comp,
        publisher=publisher,
        lineage=ctx.lineage.ancestors(comp.id, links) if links else comp.lineage,
        licence=_licence(comp, ctx, hub=None, known_repo=None),
        served_by=served_by,
    )
    unknown = unread_endpoint_note(comp) if served_by is None else []
    if unknown:
        # ServedBy has no "unknown host" form (null means unknown, as the input schema says):
        # why it is unknown is kept beside it, for explain and for policies.
        props = dict(resolved.properties)
        props[SERVED_BY_UNKNOWN] = unknown
        resolved = replace(resolved, properties=props)
    return resolved


def _repo_behind_api_name(model: str, bare: str, registry: Registry) -> str | None:
    """The open-weights Hub repo a hosted model id names exactly, if the registry knows it."""
    if identity.is_hf_repo_id(model) and registry.model(model) is not None:
        return model
    return registry.known_repo_for_name(bare.rsplit("/", 1)[-1])


@dataclass(frozen=True, slots=True)
class ApiMaker:
    """Who made a hosted model, how that was learned, and the model's bare name."""

    publisher: Publisher | None
    how: str
    heuristic: bool
    name: str

    def party(self, registry: Registry) -> Party | None:
        """The maker as a Party with its provenance."""
        if self.publisher is None:
            return None
        return registry.party(self.publisher, self.how, heuristic=self.heuristic)


def api_maker(
    provider: str, model: str, registry: Registry, *, fallback_provider: str | None = None
) -> ApiMaker:
    """The maker of a hosted model and the model's bare name.

    Order: a vendor prefix in the id (``qwen/qwen-2.5-72b`` on OpenRouter, Vertex
    ``publishers/google/models/…``, Bedrock ``anthropic.claude-…``), the hosted-name table, a
    family named in the model name (heuristic), and finally the provider itself when it is not
    an aggregator (heuristic: a provider may also serve others' models).
    """
    name = model.strip()
    aggregator = registry.is_aggregator(provider)
    if aggregator and ":" in name and not name.startswith("@"):
        name = name.split(":", 1)[0]  # OpenRouter variants (":free"), Bedrock versions (":0")
    vertex = _VERTEX.match(name)
    if vertex:
        vendor, name = vertex.groups()
        pub = registry.publisher_for_vendor(vendor)
        if pub is not None:
            return ApiMaker(pub, f"Vertex publisher {vendor!r} in the model path", False, name)
    name = _PATH_PREFIX.sub("", name)
    if "/" in name:
        vendor, rest = name.split("/", 1)
        pub = registry.publisher_for_vendor(vendor)
        if pub is not None and not pub.redistributor:
            return ApiMaker(pub, f"vendor prefix {vendor!r} in the model id {model!r}", False, rest)
        name = rest
    row = registry.api_model(name)
    bare = _BEDROCK_REGION.sub("", name)
    if "." in bare and (
        provider in ("bedrock", "aws-china")
        or (row is not None and row.provider in ("bedrock", "aws-china"))
    ):
        vendor, _, rest = bare.partition(".")
        pub = registry.publisher_for_vendor(vendor)
        if pub is not None:
            return ApiMaker(pub, f"Bedrock model id vendor {vendor!r}", False, rest)
    if row is not None and not registry.is_aggregator(row.provider):
        pub = registry.publisher_for_provider(row.provider)
        if pub is not None:
            how = f"hosted model name {name!r} (api_models.yaml {row.pattern!r} → {row.provider})"
            if provider.lower() in endpoints.deployment_named():
                # Azure OpenAI's `model` is a deployment name the user chose: it usually
                # echoes the model, but nothing makes it (`gpt-4o-eu`, `prod-chat`).
                how = (
                    f"{provider} deployment name {name!r}, chosen by the user, resembles the "
                    f"hosted model name pattern {row.pattern!r} → {row.provider}"
                )
                return ApiMaker(pub, how, True, name)
            return ApiMaker(pub, how, False, name)
    families = registry.families_in(name)
    if families:
        fam = families[0][2]
        pub = registry.publisher(fam.publisher)
        if pub is not None:
            return ApiMaker(pub, f"family {fam.family} in the model name {name!r}", True, name)
    fallback = provider if fallback_provider is None else fallback_provider
    if fallback and not registry.is_aggregator(fallback):
        pub = registry.publisher_for_provider(fallback)
        if pub is not None:
            how = (
                f"the provider {fallback!r} makes models and {name!r} is not in the registry: "
                "assumed to be its own"
            )
            return ApiMaker(pub, how, True, name)
    return ApiMaker(None, "", False, name)


# How discovery says a host was not written in the code but filled in from an SDK's default.
_DEFAULT_HOST_SOURCES = frozenset({"sdk-default", "model-provider-default"})


@dataclass(frozen=True, slots=True)
class CallEndpoints:
    """What the evidence says about where a hosted call goes."""

    written: tuple[str, ...] = ()
    """Hosts or URLs the code (or a BOM) names: base URLs, regional hosts."""
    defaults: tuple[str, ...] = ()
    """Hosts discovery filled in from the SDK's default (no endpoint in the code)."""
    unread: tuple[str, ...] = ()
    """Endpoints set in the code by an expression the scan cannot read, with where."""
    region: str | None = None
    """A cloud region the code names (``region_name="ap-east-1"``)."""


def call_endpoints(comp: Component) -> CallEndpoints:
    """Sort the component's endpoint evidence into written, default and unreadable."""
    written: set[str] = set()
    defaults: set[str] = set()
    unread: set[str] = set()
    regions: set[str] = set()
    hosts_in_evidence = False
    for ev in comp.evidence:
        attrs = ev.attributes
        base = _text(attrs.get("base_url"))
        host = _text(attrs.get("host"))
        explicit = bool(base) or (
            bool(host) and attrs.get("host_source") not in _DEFAULT_HOST_SOURCES
        )
        if base:
            written.add(base)
        if host:
            hosts_in_evidence = True
            (written if explicit else defaults).add(host)
        expr = _text(attrs.get("base_url_expr"))
        if expr and not explicit:
            unread.add(f"{expr} at {ev.location}")
        region = _text(attrs.get("region"))
        if region:
            regions.add(region)
    value = comp.properties.get("endpoints")
    if isinstance(value, list):
        written.update(str(v).strip() for v in value if str(v).strip())
    value = comp.properties.get("hosts")
    if isinstance(value, list) and not hosts_in_evidence:
        # Read from a BOM without evidence attributes: the hosts it lists are all we know.
        written.update(str(v).strip() for v in value if str(v).strip())
    return CallEndpoints(
        written=tuple(sorted(written)),
        defaults=tuple(sorted(defaults - written)),
        unread=tuple(sorted(unread)),
        region=min(regions) if len(regions) == 1 else None,
    )


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def served_by_for(comp: Component, provider: str, registry: Registry) -> ServedBy | None:
    """Where a hosted call goes: the host in the code, else the SDK's default endpoint.

    Several hosts: a known remote endpoint is preferred over a local or unknown one, then the
    first in sorted order; every host stays listed in the component's ``hosts`` property.
    When the code sets the endpoint by an expression aigate cannot read
    (``OpenAI(base_url=os.environ["LLM_BASE_URL"])``), the SDK's default says nothing about
    where the call goes: None (see :func:`unread_endpoint_note`). The SDK default applies only
    when the code shows no endpoint at all, and is recorded as a heuristic.
    """
    found = call_endpoints(comp)
    if found.written:
        served = _pick(found.written, registry, "the host the code calls", found.region)
        if found.unread:
            also = Provenance(
                FactSource.CODE,
                "another call sets the endpoint by an expression aigate cannot read ("
                + "; ".join(found.unread)
                + "): it may go elsewhere",
            )
            served = replace(served, provenance=(*served.provenance, also))
        return served
    if found.unread:
        return None
    if found.defaults:
        return _pick(
            found.defaults,
            registry,
            "the SDK's default endpoint (no base URL in the code)",
            found.region,
            heuristic=True,
        )
    if provider in _LOCAL_PROVIDERS:
        return None
    ep = registry.default_endpoint(provider)
    if ep is not None:
        return _served_by(
            ep.host,
            ep,
            registry,
            f"default endpoint of provider {provider!r} (no base URL in the code)",
            found.region,
            heuristic=True,
        )
    for candidate in endpoints.endpoints():
        if candidate.provider == provider:
            return _served_by(
                candidate.host,
                candidate,
                registry,
                f"provider {provider!r} (no base URL in the code; only the host pattern is known)",
                found.region,
                heuristic=True,
            )
    return None


def unread_endpoint_note(comp: Component) -> list[dict[str, str]]:
    """Why a hosted call's serving host and country are unknown, as ``[{source, detail}]``."""
    found = call_endpoints(comp)
    if found.written or not found.unread:
        return []
    detail = (
        "the endpoint is set by an expression aigate cannot read ("
        + "; ".join(found.unread)
        + "): serving host, operator and country unknown; the SDK's default host is not assumed"
    )
    return [{"source": FactSource.CODE.value, "detail": detail}]


def _pick(
    hosts: Sequence[str],
    registry: Registry,
    how: str,
    region: str | None,
    *,
    heuristic: bool = False,
) -> ServedBy:
    candidates = []
    for raw in hosts:
        ep = registry.endpoint(raw)
        rank = 0 if ep is not None and ep.provider not in _LOCAL_PROVIDERS else 1
        candidates.append((rank, raw, ep))
    candidates.sort(key=lambda c: (c[0], c[1]))
    _, raw, ep = candidates[0]
    return _served_by(raw, ep, registry, how, region, heuristic=heuristic)


def _served_by(
    raw: str,
    ep: Endpoint | None,
    registry: Registry,
    how: str,
    region_hint: str | None = None,
    *,
    heuristic: bool = False,
) -> ServedBy:
    host = endpoints.host_of(raw) or raw
    if ep is None:
        return ServedBy(
            host=host,
            provenance=(
                Provenance(
                    FactSource.HEURISTIC if heuristic else FactSource.CODE,
                    f"{how}: {host} is not in the registry; country unknown",
                ),
            ),
        )
    if heuristic:
        source = FactSource.HEURISTIC
    elif registry.is_user_endpoint(ep):
        source = FactSource.USER_REGISTRY
    else:
        source = FactSource.REGISTRY
    detail = f"{how}: endpoints.yaml {ep.host!r} ({registry.describe()}; {ep.source})"
    if registry.is_user_endpoint(ep):
        detail = f"{how}: user registry endpoint {ep.host!r} ({registry.describe()}; {ep.source})"
    region = ep.region_of(host) or (region_hint if ep.cloud else None)
    region_country = endpoints.region_country(ep.cloud, region)
    if region and ep.cloud:
        where = region_country or "country unknown"
        detail += f"; region {region} ({ep.cloud}: {where}, regions.yaml)"
    return ServedBy(
        host=host,
        operator=ep.operator,
        country=ep.country,
        provenance=(Provenance(source, detail),),
        region=region,
        region_country=region_country,
    )


def _served_by_host(host: str, ctx: _Context, how: str) -> ServedBy | None:
    ep = ctx.registry.endpoint(host)
    return _served_by(host, ep, ctx.registry, how) if ep is not None else None


def _resolve_file(comp: Component, ctx: _Context) -> Component:
    sha = comp.id.rsplit(":", 1)[1]
    links = _declared_links(comp, ctx)
    for repo, rev, path in ctx.hub.files_with_sha256(sha)[:3]:
        detail = f"{ctx.hub.endpoint}/api/models/{repo}@{rev}: {path} has this SHA-256 (Hub cache)"
        links.insert(0, ParentLink(repo, "copy", Provenance(FactSource.HUB, detail)))
    if not links:
        links = _gguf_self_links(comp)
    publisher = _registry_model_publisher(comp.id, ctx) or _gguf_publisher(comp, ctx)
    return _with(
        comp,
        publisher=publisher,
        lineage=ctx.lineage.ancestors(comp.id, links),
        licence=_licence(comp, ctx, hub=None, known_repo=None),
    )


def _gguf_self_links(comp: Component) -> list[ParentLink]:
    """A GGUF that names itself (general.name) but no base model: it is a copy of that model."""
    for wf in comp.files:
        name = wf.metadata.get("general.name") or wf.metadata.get("general.basename")
        if isinstance(name, str) and name.strip():
            org = wf.metadata.get("general.organization")
            return [
                ParentLink(
                    name.strip(),
                    "unknown",
                    Provenance(FactSource.GGUF, f"{wf.path}#general.name"),
                    organization=org if isinstance(org, str) and org.strip() else None,
                )
            ]
    return []


def _gguf_publisher(comp: Component, ctx: _Context) -> Party | None:
    for wf in comp.files:
        org = wf.metadata.get("general.organization")
        if isinstance(org, str) and org.strip():
            pub = ctx.registry.publisher_for_vendor(org.strip())
            how = f"GGUF {wf.path}#general.organization {org.strip()!r}"
            if pub is not None:
                return ctx.registry.party(pub, how)
            return unknown_party(org.strip(), f"{how}: not in the registry, country unknown")
    return None


def _resolve_local(comp: Component, ctx: _Context) -> Component:
    links = _declared_links(comp, ctx)
    known = ctx.registry.model(comp.id)
    if not links and known is not None:
        links = ctx.lineage.parents_of(comp.id)
    return _with(
        comp,
        publisher=_registry_model_publisher(comp.id, ctx),
        lineage=ctx.lineage.ancestors(comp.id, links),
        licence=_licence(comp, ctx, hub=None, known_repo=comp.id),
    )


def _resolve_dataset(comp: Component, ctx: _Context) -> Component:
    repo = comp.id.split(":", 2)[-1]
    org = repo.split("/", 1)[0] if "/" in repo else None
    publisher = (
        ctx.lineage.publisher_for_org(org, f"Hugging Face org {org!r} (dataset)") if org else None
    )
    return _with(comp, publisher=publisher, licence=_licence(comp, ctx, hub=None, known_repo=None))


def _resolve_assistant(comp: Component, ctx: _Context) -> Component:
    key = comp.id.split(":", 1)[1]
    entry = ctx.registry.assistant(key) or ctx.registry.assistant(key.split("/", 1)[-1])
    publisher: Party | None = None
    if entry is not None and entry.vendor:
        pub = ctx.registry.publisher(entry.vendor)
        if pub is not None:
            how = f"assistant {entry.product!r} ({entry.origin}#{entry.key}; {entry.kind})"
            publisher = ctx.registry.party(pub, how)
    elif entry is None:
        vendor = key.split("/", 1)[0]
        pub = ctx.registry.publisher_for_vendor(vendor)
        if pub is not None:
            publisher = ctx.registry.party(pub, f"assistant vendor {vendor!r}", heuristic=True)
    payload = comp.properties.get("assistant")
    if not isinstance(payload, Mapping):
        return _with(comp, publisher=publisher)
    # An open client's origin is the model it is connected to: each model, then its lineage.
    lineage: list[Ancestor] = []
    for model in _strings(payload.get("models"), payload.get("model")):
        for anc in _model_in_use(model, comp.id, ctx):
            if all(a.id != anc.id for a in lineage):
                lineage.append(anc)
    lineage.sort(key=lambda a: (a.depth, a.id))
    # Every endpoint the assistant is pointed at, placed in a country; the first known one is
    # the component's served_by (the policy reads them all from the payload).
    placed: list[ServedBy] = []
    for url in _strings(payload.get("endpoints")):
        ep = ctx.registry.endpoint(url)
        placed.append(_served_by(url, ep, ctx.registry, f"the assistant config points at {url!r}"))
    props = dict(comp.properties)
    if placed:
        props["assistant"] = {
            **payload,
            "endpoints_resolved": [
                {
                    "host": sb.host,
                    "operator": sb.operator,
                    "country": sb.country,
                    "sources": [str(p) for p in sb.provenance],
                }
                for sb in placed
            ],
        }
    served = next((sb for sb in placed if sb.country), placed[0] if placed else None)
    resolved = _with(comp, publisher=publisher, lineage=lineage or None, served_by=served)
    return replace(resolved, properties=props)


def _strings(*values: object) -> list[str]:
    """Non-empty strings from str or list values, de-duplicated, in order."""
    out: list[str] = []
    for value in values:
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, str) and item.strip() and item.strip() not in out:
                out.append(item.strip())
    return out


def model_identity(model: str, registry: Registry) -> ComponentId | None:
    """The identity of a model as a client config names it (the recogniser's answer for an
    assistant config: litellm ``provider/model`` first)."""
    found = recognise(model, _ASSISTANT_SITE, Serving(), Knowledge(registry))
    return found.identity if found is not None else None


def _model_in_use(model: str, owner: str, ctx: _Context) -> list[Ancestor]:
    cid = model_identity(model, ctx.registry)
    if cid is None:
        return []
    used = resolve_component(bare_component(cid), ctx)
    head = Ancestor(
        id=cid,
        name=model,
        relation="uses",
        publisher=used.publisher,
        provenance=(
            Provenance(FactSource.CONFIG, f"the assistant is configured to use {model!r}"),
        ),
        depth=1,
    )
    rest = [replace(a, depth=a.depth + 1) for a in used.lineage if a.id != owner]
    return [head, *rest]


def _resolve_name(comp: Component, ctx: _Context) -> Component:
    """A model another tool's BOM names without a purl or digest (``name:<group>/<name>``)."""
    if comp.role not in (Role.EMBEDDED_WEIGHTS, Role.RUNTIME_MODEL, Role.HOSTED_API):
        return comp
    body = comp.id.split(":", 1)[1]
    publisher: Party | None = None
    if identity.is_hf_repo_id(body):
        org = body.split("/", 1)[0]
        pub = ctx.registry.publisher_for_org(org)
        if pub is not None:
            how = f"the BOM names {body!r} without a purl: read as the Hub org {org!r}"
            publisher = ctx.registry.party(pub, how, heuristic=True)
        links = _declared_links(comp, ctx) or ctx.lineage.parents_of(body, use_hub=False)
    else:
        publisher = ctx.lineage.publisher_for_name(body)
        links = _declared_links(comp, ctx) or ctx.lineage.parents_of(body)
    return _with(
        comp,
        publisher=publisher,
        lineage=ctx.lineage.ancestors(comp.id, links),
        licence=_licence(comp, ctx, hub=None, known_repo=None),
    )


def _resolve_other(comp: Component, ctx: _Context) -> Component:
    # SDK packages (pkg:) and foreign identities: no publisher country is needed or guessed.
    return comp


_HANDLERS = {
    "hf": _resolve_hf,
    "modelscope": _resolve_modelscope,
    "ollama": _resolve_ollama,
    "api": _resolve_api,
    "file": _resolve_file,
    "local": _resolve_local,
    "dataset": _resolve_dataset,
    "assistant": _resolve_assistant,
    "name": _resolve_name,
}


def identity_for_reference(text: str, registry: Registry) -> ComponentId | None:
    """The identity a model reference denotes, as a user writes it (the recogniser's answer
    for user input): ``hf:…``/``api:…``/``ollama:…`` identities pass through (completed:
    ``@unpinned``, ``:latest``); ``org/name`` and Hub URLs are Hub models; a litellm
    ``provider/model`` is the provider's hosted model; ``name:tag`` and Ollama library names
    are Ollama models; a bare hosted name is its provider's (``gpt-4o``). None when the text
    names nothing aigate can place."""
    ref = text.strip()
    if not ref or len(ref) > identity.MAX_LENGTH:
        return None
    if ref.lower().startswith("pkg:"):
        return ComponentId(ref) if identity.problem(ref) is None else None
    found = recognise(ref, _USER_SITE, Serving(), Knowledge(registry))
    return found.identity if found is not None else None


_USER_SITE = Site(SiteKind.USER_INPUT)
_ASSISTANT_SITE = Site(SiteKind.ASSISTANT_CONFIG)


def bare_component(cid: ComponentId) -> Component:
    """A component known only by its identity (no evidence), ready to be resolved."""
    kind = identity.scheme(cid)
    role = {
        "api": Role.HOSTED_API,
        "ollama": Role.RUNTIME_MODEL,
        "assistant": Role.CODE_ASSISTANT,
        "dataset": Role.DATASET,
        "pkg": Role.SDK,
    }.get(kind, Role.RUNTIME_MODEL)
    body = cid.split(":", 1)[1]
    group: str | None = None
    version: str | None = None
    if kind in ("hf", "modelscope"):
        repo, version = identity.split_hf(cid)
        group, _, name = repo.rpartition("/")
    elif kind in ("api", "assistant"):
        group, _, name = body.partition("/")
    elif kind == "ollama":
        name, _, version = body.rpartition(":")
    else:
        name = body
    pinned: bool | None = None
    if kind in ("hf", "modelscope"):
        pinned = identity.is_pinned_revision(version)
    elif kind == "ollama":
        pinned = bool(version and version.startswith("sha256:"))
    elif kind in ("file", "local"):
        pinned = True
    return Component(
        id=cid, role=role, name=name, group=group or None, version=version, pinned=pinned
    )


__all__ = [
    "ApiMaker",
    "ResolveOptions",
    "api_maker",
    "bare_component",
    "identity_for_reference",
    "model_identity",
    "resolve",
    "resolve_component",
    "resolve_foreign",
    "served_by_for",
    "unread_endpoint_note",
]
