"""Per identity scheme: publisher, lineage, licence and served-by of one component."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from gate import identity
from gate.authored import egress as ai_egress
from gate.model import (
    Ancestor,
    Component,
    FactSource,
    Licence,
    Party,
    Provenance,
    Role,
    ServedBy,
)
from gate.registry import Registry
from gate.resolve import licences
from gate.resolve.hub import Hub, ModelInfo
from gate.resolve.lineage import LineageResolver, ParentLink, gguf_links, unknown_party
from gate.resolve.origins.makers import _repo_behind_api_name, api_maker
from gate.resolve.origins.references import bare_component, model_identity
from gate.resolve.origins.served import (
    SERVED_BY_UNKNOWN,
    _served_by,
    call_endpoints,
    served_by_for,
    unread_endpoint_note,
)


@dataclass(frozen=True, slots=True)
class _Context:
    registry: Registry
    hub: Hub
    lineage: LineageResolver


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
    authored = payload.get("authored")
    if isinstance(authored, Mapping) and authored.get("egress"):
        # Where AI-authored lines send data: each literal placed by the same registry.
        placed_egress = ai_egress.placed(list(authored["egress"]), ctx.registry.endpoint)
        props["assistant"] = {
            **props.get("assistant", payload),
            "authored": {**authored, "egress": placed_egress},
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
