"""Publishers of SDK and framework packages: who publishes ``pkg:pypi/dashscope``.

A dependency on an SDK is a supply-chain fact of its own (a CN-published SDK runs inside the
release whatever model it calls); the registry's ``packages`` section (``data/packages.yaml``
and user registry files) says who publishes each one, with the source of that fact.
"""

from __future__ import annotations

from dataclasses import replace

from gate.model import Component, Inventory
from gate.registry import Registry


def package_publisher(comp: Component, registry: Registry) -> Component:
    """The component with its publisher from the registry, when it is a ``pkg:`` component
    without one and the registry knows the package; otherwise unchanged."""
    if comp.publisher is not None or not comp.id.startswith("pkg:"):
        return comp
    ecosystem, _, name = comp.id[len("pkg:") :].partition("/")
    entry = registry.package(ecosystem, name)
    if entry is None:
        return comp
    pub = registry.publisher(entry.publisher)
    if pub is None:
        return comp
    how = f"{ecosystem} package {entry.name!r} ({entry.origin}; {entry.verified}: {entry.source})"
    return replace(comp, publisher=registry.party(pub, how))


def with_package_publishers(inventory: Inventory, registry: Registry) -> Inventory:
    """Every ``pkg:`` component the registry knows, with its publisher."""
    components = tuple(package_publisher(c, registry) for c in inventory.components)
    if components == inventory.components:
        return inventory
    return replace(inventory, components=components)
