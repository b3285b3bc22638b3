"""What ``aigate explain`` prints: the chain identity → publisher → parent → country →
lineage → licence of each component, every fact with its source (text or JSON)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gate import facts
from gate.model import Component, Licence, Party, Provenance
from gate.resolve import origins


@dataclass(frozen=True, slots=True)
class Explanation:
    """The resolved components a reference denotes, and how they were resolved."""

    reference: str
    components: tuple[Component, ...]
    notes: tuple[str, ...] = ()
    scanned: bool = False
    """The reference was a path, scanned for models."""


def countries(comp: Component) -> dict[str, Any]:
    """Every country the chain touches: publisher, its parent, lineage, where it is served."""
    lineage = sorted(
        {
            c
            for a in comp.lineage
            if a.publisher is not None
            for c in (a.publisher.country, a.publisher.parent_country)
            if c
        }
    )
    pub = comp.publisher
    return {
        "publisher": pub.country if pub else None,
        "parent": pub.parent_country if pub else None,
        "lineage": lineage,
        "served_by": comp.served_by.country if comp.served_by else None,
        "served_from": comp.served_by.region_country if comp.served_by else None,
        "unknown": _unknowns(comp),
    }


def _unknowns(comp: Component) -> list[str]:
    missing = []
    if comp.publisher is None or comp.publisher.country is None:
        missing.append("publisher country")
    if any(a.publisher is None or a.publisher.country is None for a in comp.lineage):
        missing.append("a lineage country")
    if comp.role.value == "hosted-api" and (comp.served_by is None or not comp.served_by.country):
        missing.append("serving country")
    if comp.licence is None or comp.licence.category.value == "unknown":
        missing.append("licence")
    return missing


def _licence(lic: Licence | None) -> dict[str, Any] | None:
    out = facts.licence(lic)
    if lic is not None and out is not None:
        out["url"] = lic.url
    return out


def component_json(comp: Component) -> dict[str, Any]:
    """One component's explanation as a JSON-compatible dict."""
    return {
        "id": comp.id,
        "role": comp.role.value,
        "pinned": comp.pinned,
        "publisher": facts.party(comp.publisher),
        "served_by": facts.served_by(comp.served_by),
        "lineage": [facts.ancestor(a) for a in comp.lineage],
        "licence": _licence(comp.licence),
        "countries": countries(comp),
    }


def to_json(expl: Explanation) -> str:
    """The explanation as stable, sorted JSON."""
    doc = {
        "schema": "aigate.explain/v1",
        "reference": expl.reference,
        "scanned": expl.scanned,
        "components": [component_json(c) for c in expl.components],
        "notes": list(expl.notes),
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _where(country: str | None) -> str:
    return f"[{country}]" if country else "[country unknown]"


def _party_line(party: Party) -> str:
    text = f"{party.name} {_where(party.country)}"
    if party.parent:
        text += f", parent {party.parent} {_where(party.parent_country)}"
    if party.entity_listed:
        text += "  (on the BIS Entity List)"
    return text


def _from(prov: Sequence[Provenance], indent: str) -> list[str]:
    return [f"{indent}← {p}" for p in prov] or [f"{indent}← (no source recorded)"]


def render_text(expl: Explanation) -> str:
    """The explanation for people: one block per component, each fact with its source."""
    out: list[str] = []
    for comp in expl.components:
        out.append(comp.id)
        pinned = {True: "pinned", False: "not pinned to a commit", None: "n/a"}[comp.pinned]
        out.append(f"  identity   {comp.id} ({comp.role.value}; {pinned})")
        if comp.publisher is not None:
            out.append(f"  publisher  {_party_line(comp.publisher)}")
            out.extend(_from(comp.publisher.provenance, "             "))
        else:
            out.append("  publisher  unknown (no source names the maker)")
        if comp.served_by is not None:
            sb = comp.served_by
            region = f", region {sb.region}" if sb.region else ""
            if sb.region and sb.region_country:
                region += f" {_where(sb.region_country)}"
            operator = sb.operator or "unknown operator"
            out.append(f"  served by  {sb.host}: {operator} {_where(sb.country)}{region}")
            out.extend(_from(sb.provenance, "             "))
        elif comp.properties.get(origins.SERVED_BY_UNKNOWN):
            out.append("  served by  unknown")
            for note in comp.properties[origins.SERVED_BY_UNKNOWN]:
                out.append(f"             ← {note.get('source')}: {note.get('detail')}")
        if comp.lineage:
            out.append("  lineage    (nearest first)")
            for anc in comp.lineage:
                out.append(f"    {anc.depth}. {anc.relation:<10} {anc.name}")
                if anc.publisher is not None:
                    out.append(f"       made by {_party_line(anc.publisher)}")
                    out.extend(_from(anc.publisher.provenance, "         "))
                else:
                    out.append("       made by unknown")
                out.extend(_from(anc.provenance, "       link "))
        else:
            out.append("  lineage    none known")
        if comp.licence is not None:
            lic = comp.licence
            name = f" ({lic.name})" if lic.name and lic.name != lic.expression else ""
            out.append(f"  licence    {lic.expression}{name}: {lic.category.value}")
            for obligation in lic.obligations:
                out.append(f"             - {obligation}")
            out.extend(_from(lic.provenance, "             "))
        else:
            out.append("  licence    unknown (none declared or known)")
        summary = countries(comp)
        chain = sorted(
            {
                c
                for c in (
                    summary["publisher"],
                    summary["parent"],
                    summary["served_by"],
                    summary["served_from"],
                )
                if c
            }
            | set(summary["lineage"])
        )
        out.append(f"  countries  {', '.join(chain) if chain else 'none known'}")
        if summary["unknown"]:
            out.append(f"  unknown    {', '.join(summary['unknown'])}")
        out.append("")
    out.extend(f"note: {n}" for n in expl.notes)
    return "\n".join(out).rstrip() + "\n"
