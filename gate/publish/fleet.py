"""Portfolio answers from the AI-BOMs of many releases (read back from Dependency-Track).

Which releases depend on a model published or served in a listed country, or on code an
assistant from one wrote? Where are origins unknown? Which licence categories are in use?
The facts come from the ``aigate:`` properties :mod:`gate.publish.portable` wrote (the only
place they survive Dependency-Track's ingest), with CycloneDX's own fields as a fallback.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gate.bom.properties import Prop
from gate.publish import portable

UNKNOWN = "unknown"
AI_ROLES = frozenset(
    {"embedded-weights", "runtime-model", "hosted-api", "code-assistant", "dataset", "sdk"}
)


@dataclass(frozen=True, slots=True)
class Use:
    """One AI component as one release uses it."""

    release: str
    ident: str
    role: str
    publisher: str
    publisher_country: str
    serving_country: str | None
    lineage_countries: tuple[str, ...]
    licence: str
    concern: tuple[str, ...]


@dataclass
class Fleet:
    """Everything the report needs, built once from the portfolio's BOMs."""

    lists: tuple[str, ...]
    releases: list[str] = field(default_factory=list)
    without_aigate: list[str] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)


def _walk(components: Iterable[Any]) -> Iterable[Mapping[str, Any]]:
    for comp in components:
        if isinstance(comp, Mapping):
            yield comp
            yield from _walk(comp.get("components") or ())


def _split(value: str | None) -> tuple[str, ...]:
    return tuple(sorted({v for v in (value or "").split(",") if v}))


def _use(release: str, comp: Mapping[str, Any], concern: frozenset[str]) -> Use | None:
    facts = portable.component_facts(comp)
    role = facts.get(str(Prop.ROLE))
    if role not in AI_ROLES:
        return None
    ident = facts.get(str(Prop.ID)) or str(comp.get("bom-ref") or comp.get("name"))
    manufacturer = comp.get("manufacturer")
    name = facts.get(portable.PUBLISHER_NAME)
    if not name and isinstance(manufacturer, Mapping):
        name = str(manufacturer.get("name") or "")
    country = facts.get(portable.PUBLISHER_COUNTRY) or UNKNOWN
    serving = facts.get(str(Prop.SERVED_BY_COUNTRY))
    lineage = _split(facts.get(portable.LINEAGE_COUNTRIES))
    touched = {
        country,
        facts.get(str(Prop.PUBLISHER_PARENT_COUNTRY)) or "",
        serving or "",
        facts.get(str(Prop.SERVED_BY_REGION_COUNTRY)) or "",
        *lineage,
    }
    return Use(
        release=release,
        ident=ident,
        role=role,
        publisher=name or UNKNOWN,
        publisher_country=country,
        serving_country=serving,
        lineage_countries=lineage,
        licence=facts.get(str(Prop.LICENCE_CATEGORY)) or UNKNOWN,
        concern=tuple(sorted(c for c in touched if c in concern)),
    )


def build(
    boms: Iterable[tuple[str, Mapping[str, Any]]], lists: Mapping[str, Sequence[str]]
) -> Fleet:
    """A fleet from ``(release label, CycloneDX JSON)`` pairs; ``lists``: country lists."""
    concern = frozenset(code for codes in lists.values() for code in codes)
    fleet = Fleet(lists=tuple(sorted(lists)))
    for release, doc in boms:
        fleet.releases.append(release)
        found = [u for c in _walk(doc.get("components") or ()) if (u := _use(release, c, concern))]
        if not any(portable.component_facts(c) for c in _walk(doc.get("components") or ())):
            fleet.without_aigate.append(release)
        seen: set[str] = set()
        for use in sorted(found, key=lambda u: u.ident):
            if use.ident not in seen:
                seen.add(use.ident)
                fleet.uses.append(use)
    fleet.releases.sort()
    fleet.without_aigate.sort()
    fleet.uses.sort(key=lambda u: (u.release, u.ident))
    return fleet


def _count(uses: Iterable[Use], key: str) -> list[dict[str, Any]]:
    components: dict[str, set[str]] = defaultdict(set)
    releases: dict[str, set[str]] = defaultdict(set)
    for use in uses:
        value = getattr(use, key) or UNKNOWN
        components[value].add(use.ident)
        releases[value].add(use.release)
    return [
        {key: value, "components": len(components[value]), "releases": len(releases[value])}
        for value in sorted(components, key=lambda v: (-len(releases[v]), v))
    ]


def summary(fleet: Fleet) -> dict[str, Any]:
    """The answers as one JSON-able document (sorted, no timestamps)."""
    concern: dict[str, list[dict[str, Any]]] = defaultdict(list)
    unknown: dict[str, list[str]] = defaultdict(list)
    for use in fleet.uses:
        if use.concern:
            concern[use.release].append(
                {"component": use.ident, "role": use.role, "countries": list(use.concern)}
            )
        if use.publisher_country == UNKNOWN and use.role != "sdk":
            unknown[use.release].append(use.ident)
    return {
        "country_lists": list(fleet.lists),
        "releases": len(fleet.releases),
        "releases_without_aigate_facts": fleet.without_aigate,
        "ai_components": len({u.ident for u in fleet.uses}),
        "by_publisher_country": _count(fleet.uses, "publisher_country"),
        "by_serving_country": _count(
            [u for u in fleet.uses if u.serving_country], "serving_country"
        ),
        "by_licence_category": _count(fleet.uses, "licence"),
        "releases_touching_listed_countries": [
            {"release": release, "components": rows} for release, rows in sorted(concern.items())
        ],
        "unknown_origins": [
            {"release": release, "components": sorted(ids)}
            for release, ids in sorted(unknown.items())
        ],
    }


def render(fleet: Fleet, fmt: str) -> str:
    """The report as text, json, markdown or csv."""
    doc = summary(fleet)
    if fmt == "json":
        return json.dumps(doc, indent=2, sort_keys=True) + "\n"
    if fmt == "csv":
        return _csv(fleet)
    md = fmt == "markdown"
    out: list[str] = []
    lists = ", ".join(doc["country_lists"]) or "none"
    touching = doc["releases_touching_listed_countries"]
    head = (
        f"{doc['releases']} releases, {doc['ai_components']} AI components;"
        f" {len(touching)} releases touch a listed country ({lists})"
    )
    out.append(f"# AI provenance across the portfolio\n\n{head}" if md else head)

    def table(title: str, rows: list[dict[str, Any]], key: str) -> None:
        out.append("")
        out.append(f"## {title}" if md else f"{title}:")
        if md:
            out.append(f"| {key.replace('_', ' ')} | components | releases |")
            out.append("|---|---:|---:|")
        for row in rows:
            if md:
                out.append(f"| {row[key]} | {row['components']} | {row['releases']} |")
            else:
                out.append(
                    f"  {row[key]:<16} {row['components']:>5} components"
                    f" {row['releases']:>5} releases"
                )
        if not rows:
            out.append("  (none)" if not md else "| (none) | | |")

    table("By publisher country", doc["by_publisher_country"], "publisher_country")
    table("By serving country", doc["by_serving_country"], "serving_country")
    table("By licence category", doc["by_licence_category"], "licence")
    out.append("")
    out.append(
        "## Releases touching a listed country" if md else "Releases touching a listed country:"
    )
    for item in touching:
        out.append(f"- {item['release']}" if md else f"  {item['release']}")
        for row in item["components"]:
            line = f"{row['component']} ({row['role']}; {', '.join(row['countries'])})"
            out.append(f"  - {line}" if md else f"      {line}")
    if not touching:
        out.append("  (none)")
    out.append("")
    out.append("## Unknown origins" if md else "Unknown origins:")
    for item in doc["unknown_origins"]:
        ids = ", ".join(item["components"])
        out.append(f"- {item['release']}: {ids}" if md else f"  {item['release']}: {ids}")
    if not doc["unknown_origins"]:
        out.append("  (none)")
    if doc["releases_without_aigate_facts"]:
        out.append("")
        names = ", ".join(doc["releases_without_aigate_facts"])
        out.append(f"Releases whose BOM carries no aigate facts (not published by aigate): {names}")
    return "\n".join(out) + "\n"


def _csv(fleet: Fleet) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(
        [
            "release",
            "component",
            "role",
            "publisher",
            "publisher_country",
            "serving_country",
            "lineage_countries",
            "licence_category",
            "listed_countries",
        ]
    )
    for use in fleet.uses:
        writer.writerow(
            [
                use.release,
                use.ident,
                use.role,
                use.publisher,
                use.publisher_country,
                use.serving_country or "",
                " ".join(use.lineage_countries),
                use.licence,
                " ".join(use.concern),
            ]
        )
    return buf.getvalue()
