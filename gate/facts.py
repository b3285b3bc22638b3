"""Resolved facts as plain JSON: one spelling for ``aigate explain`` and the policy input.

Publisher, serving endpoint, ancestor and licence are rendered here once, each with the
sources it was learned from, so the explanation a person reads and the document a policy
judges cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gate.model import Ancestor, Licence, Location, Party, Provenance, ServedBy


def sources(prov: Sequence[Provenance]) -> list[dict[str, str]]:
    """Where facts came from: ``[{source, detail}]``."""
    return [{"source": p.source.value, "detail": p.detail} for p in prov]


def party(value: Party | None) -> dict[str, Any] | None:
    """An organisation: name, country, controlling parent and its country, Entity List mark."""
    if value is None:
        return None
    return {
        "name": value.name,
        "country": value.country,
        "parent": value.parent,
        "parent_country": value.parent_country,
        "entity_listed": value.entity_listed,
        "sources": sources(value.provenance),
    }


def location(loc: Location) -> dict[str, Any]:
    """A place as policies and decisions spell it: file, line, column, commit."""
    return {"file": loc.path, "line": loc.line, "column": loc.column, "commit": loc.commit}


def served_by(value: ServedBy | None) -> dict[str, Any] | None:
    """Where a hosted model is called: host, operator, its country, the region and its country."""
    if value is None:
        return None
    return {
        "host": value.host,
        "operator": value.operator,
        "country": value.country,
        "region": value.region,
        "region_country": value.region_country,
        "sources": sources(value.provenance),
    }


def ancestor(value: Ancestor) -> dict[str, Any]:
    """One lineage step with its publisher and how the link was learned."""
    return {
        "id": value.id,
        "name": value.name,
        "relation": value.relation,
        "depth": value.depth,
        "publisher": party(value.publisher),
        "sources": sources(value.provenance),
    }


def licence(value: Licence | None) -> dict[str, Any] | None:
    """The licence as classified: expression, name, category, obligations and sources."""
    if value is None:
        return None
    return {
        "expression": value.expression,
        "name": value.name,
        "category": value.category.value,
        "obligations": list(value.obligations),
        "sources": sources(value.provenance),
    }
