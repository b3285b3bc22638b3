"""Carry aigate's country and lineage facts in ``aigate:`` properties that survive ingest.

Dependency-Track keeps a component's name, purl, classifier, hashes, licences, evidence and
**properties** (a property name is split at its first ``:`` into group and name), but drops
``modelCard``, ``pedigree`` and the addresses of manufacturer and supplier: exactly where a
CycloneDX BOM says which country published a model, who its ancestors are, and where they
come from. :func:`portable` copies those facts into properties of the ``aigate`` group, so a
Dependency-Track policy condition or portfolio search can use them and ``aigate fleet``
can read them back. The names are a stable contract, documented in docs/dependency-track.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gate.bom.properties import Prop

PUBLISHER_NAME = "aigate:publisher:name"
PUBLISHER_COUNTRY = "aigate:publisher:country"
LINEAGE = "aigate:lineage"
"""JSON list of ``{"id", "relation", "country"}``, nearest ancestor first."""
LINEAGE_COUNTRIES = "aigate:lineage:countries"
"""Comma-separated, sorted country codes of every ancestor's publisher."""
CONCERN_COUNTRIES = "aigate:concern:countries"
"""Comma-separated listed countries this component touches (publisher, parent, serving,
ancestors), under the country lists named in ``aigate:concern:lists``; absent when none."""
CONCERN_LISTS = "aigate:concern:lists"
POLICY_STATUS = "aigate:policy:status"
"""``deny``, ``warn`` or ``pass``: the worst open finding of the policy run on this component."""
POLICY_VERDICT = "aigate:policy:verdict"
"""On the BOM's metadata: ``pass`` or ``fail`` (the gate's verdict for the release)."""
POLICY_PACKS = "aigate:policy:packs"

CONTRACT: tuple[str, ...] = (
    str(Prop.ID),
    str(Prop.ROLE),
    PUBLISHER_NAME,
    PUBLISHER_COUNTRY,
    str(Prop.PUBLISHER_PARENT),
    str(Prop.PUBLISHER_PARENT_COUNTRY),
    str(Prop.SERVED_BY_HOST),
    str(Prop.SERVED_BY_OPERATOR),
    str(Prop.SERVED_BY_COUNTRY),
    LINEAGE,
    LINEAGE_COUNTRIES,
    str(Prop.LICENCE_CATEGORY),
    CONCERN_COUNTRIES,
    CONCERN_LISTS,
    POLICY_STATUS,
)
"""Component property names ``aigate publish`` guarantees (when the fact is known)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """What a policy run said: the release verdict and each component's worst status."""

    verdict: str
    packs: tuple[str, ...]
    status: Mapping[str, str]
    """Component identity → ``deny`` / ``warn`` (components with no open finding are absent)."""


def _props(obj: Mapping[str, Any]) -> dict[str, str]:
    found: dict[str, str] = {}
    for prop in obj.get("properties") or ():
        if isinstance(prop, Mapping) and isinstance(prop.get("name"), str):
            found.setdefault(prop["name"], str(prop.get("value", "")))
    return found


def _country(party: Any) -> str | None:
    if not isinstance(party, Mapping):
        return None
    address = party.get("address")
    if isinstance(address, Mapping) and isinstance(address.get("country"), str):
        return address["country"] or None
    return None


def _party(comp: Mapping[str, Any]) -> Mapping[str, Any] | None:
    for key in ("manufacturer", "supplier", "provider"):
        value = comp.get(key)
        if isinstance(value, Mapping):
            return value
    return None


def _lineage(comp: Mapping[str, Any]) -> list[dict[str, Any]]:
    pedigree = comp.get("pedigree")
    if not isinstance(pedigree, Mapping):
        return []
    steps: list[tuple[int, dict[str, Any]]] = []
    for anc in pedigree.get("ancestors") or ():
        if not isinstance(anc, Mapping):
            continue
        props = _props(anc)
        party = _party(anc)
        country = _country(party)
        parent_country = props.get(str(Prop.PUBLISHER_PARENT_COUNTRY))
        try:
            depth = int(props.get(str(Prop.DEPTH), "0"))
        except ValueError:
            depth = 0
        steps.append(
            (
                depth,
                {
                    "id": props.get(str(Prop.ID)) or anc.get("purl") or anc.get("name"),
                    "relation": props.get(str(Prop.RELATION), "unknown"),
                    "country": country,
                    "parent_country": parent_country,
                },
            )
        )
    steps.sort(key=lambda step: (step[0], str(step[1]["id"])))
    return [step for _, step in steps]


def _set(props: list[dict[str, str]], name: str, value: str | None) -> None:
    """Add or replace one property (values aigate computed win over stale copies)."""
    props[:] = [p for p in props if p.get("name") != name]
    if value:
        props.append({"name": name, "value": value})


def _join(values: Iterable[str | None]) -> str | None:
    found = sorted({v for v in values if v})
    return ",".join(found) if found else None


def _enrich(
    comp: dict[str, Any],
    concern: Mapping[str, Sequence[str]],
    verdict: Verdict | None,
    served: Mapping[str, Mapping[str, Any]],
) -> None:
    props = [dict(p) for p in comp.get("properties") or () if isinstance(p, Mapping)]
    known = _props(comp)
    ident = known.get(str(Prop.ID)) or comp.get("bom-ref")
    party = _party(comp)
    country = _country(party)
    _set(props, PUBLISHER_NAME, party.get("name") if party else None)
    _set(props, PUBLISHER_COUNTRY, country)
    lineage = _lineage(comp)
    if lineage:
        _set(props, LINEAGE, json.dumps(lineage, sort_keys=True, separators=(",", ":")))
        _set(props, LINEAGE_COUNTRIES, _join(step["country"] for step in lineage))
    service = served.get(str(ident)) if ident else None
    serving_country = known.get(str(Prop.SERVED_BY_COUNTRY))
    if service is not None and not serving_country:
        serving_country = _country(service.get("provider"))
        _set(props, str(Prop.SERVED_BY_COUNTRY), serving_country)
    touched = [
        country,
        known.get(str(Prop.PUBLISHER_PARENT_COUNTRY)),
        serving_country,
        known.get(str(Prop.SERVED_BY_REGION_COUNTRY)),
        *(step["country"] for step in lineage),
        *(step["parent_country"] for step in lineage),
    ]
    hits = {c for c in touched if c and any(c in codes for codes in concern.values())}
    _set(props, CONCERN_COUNTRIES, _join(hits))
    _set(props, CONCERN_LISTS, ",".join(sorted(concern)) if hits else None)
    if verdict is not None and ident:
        _set(props, POLICY_STATUS, verdict.status.get(str(ident), "pass"))
    props.sort(key=lambda p: (p.get("name", ""), p.get("value", "")))
    comp["properties"] = props
    for child in comp.get("components") or ():
        if isinstance(child, dict):
            _enrich(child, concern, verdict, served)


def portable(
    doc: Mapping[str, Any],
    *,
    concern: Mapping[str, Sequence[str]],
    verdict: Verdict | None = None,
) -> dict[str, Any]:
    """A copy of a CycloneDX JSON document with the facts Dependency-Track would drop
    repeated as ``aigate:`` properties (see the module doc); ``concern`` maps a country
    list's id to its codes."""
    out: dict[str, Any] = json.loads(json.dumps(doc))
    served: dict[str, Mapping[str, Any]] = {}
    for service in out.get("services") or ():
        if isinstance(service, Mapping):
            ident = _props(service).get(str(Prop.ID))
            if ident:
                served.setdefault(ident, service)
    for comp in out.get("components") or ():
        if isinstance(comp, dict):
            _enrich(comp, concern, verdict, served)
    if verdict is not None:
        metadata = out.setdefault("metadata", {})
        props = [dict(p) for p in metadata.get("properties") or () if isinstance(p, Mapping)]
        _set(props, POLICY_VERDICT, verdict.verdict)
        _set(props, POLICY_PACKS, ",".join(verdict.packs))
        props.sort(key=lambda p: (p.get("name", ""), p.get("value", "")))
        metadata["properties"] = props
    return out


def component_facts(comp: Mapping[str, Any]) -> dict[str, str]:
    """The ``aigate:`` properties of one component as read back from any BOM."""
    return {k: v for k, v in _props(comp).items() if k.startswith("aigate:")}
