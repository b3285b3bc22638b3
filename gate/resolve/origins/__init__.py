"""Origins: give every component its publisher, serving endpoint, lineage and licence.

Each fact carries its Provenance (registry entry and version, model card, GGUF key, Hub, name
heuristic). For hosted APIs the publisher is the model's maker and ``served_by`` the endpoint
the code calls (``qwen-max`` through an OpenAI client at DashScope: Alibaba, served from CN).
What no source states stays unknown.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from gate import identity
from gate.model import Component, FactSource, Inventory, Provenance
from gate.progress import NullObserver, Observer
from gate.registry import load
from gate.resolve.hub import DEFAULT_TTL, Hub, default_cache_dir
from gate.resolve.lineage import LineageResolver
from gate.resolve.origins.makers import ApiMaker, api_maker
from gate.resolve.origins.references import bare_component, identity_for_reference, model_identity
from gate.resolve.origins.schemes import _Context, resolve_component
from gate.resolve.origins.served import SERVED_BY_UNKNOWN, served_by_for, unread_endpoint_note


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


def resolve_inventory(inventory: Inventory, options: ResolveOptions) -> Inventory:
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


__all__ = [
    "SERVED_BY_UNKNOWN",
    "ApiMaker",
    "ResolveOptions",
    "api_maker",
    "bare_component",
    "identity_for_reference",
    "model_identity",
    "resolve_component",
    "resolve_foreign",
    "resolve_inventory",
    "served_by_for",
    "unread_endpoint_note",
]
