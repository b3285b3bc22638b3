"""Findings seen from the component's side: what blocks the release, per component, per rule.

A rule reports one finding per fact (one per ancestor of a lineage, say); people read one
component at a time. This module groups a decision's findings by component and rule and
merges the facts of each group into one phrase (all ancestors on one line, a publisher
named once), so that the text and HTML reports say the same thing in the same order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from gate.model import (
    JSON,
    Component,
    Decision,
    Finding,
    Inventory,
    Level,
    Location,
    RuleId,
    RuleMeta,
    Waiver,
)
from gate.report import view

_FACTS: dict[str, tuple[str, str]] = {
    "publisher.country": ("publisher's country", "publisher in {}"),
    "publisher.parent_country": ("parent's country", "controlled from {}"),
    "publisher.entity_listed": ("publisher on an entity list", "publisher on an entity list: {}"),
    "served_by": ("serving host", "served by {}"),
    "served_by.country": ("serving country", "served from {}"),
    "served_by.region_country": ("hosting region's country", "hosting region in {}"),
    "licence": ("licence", "licence {}"),
    "licence.expression": ("licence", "licence {}"),
    "licence.category": ("licence category", "licence category {}"),
    "licence.obligations": ("licence obligations", "licence obliges {}"),
    "pinned": ("revision pinned", "revision pinned: {}"),
}
"""Plain words for the fact paths the shipped rules report (the noun, used when the value is
unknown, and the phrase); other paths are spelled from the path itself."""

_PREFIXES = {"lineage": "ancestors"}

_DETAIL_KEYS = ("parent", "host", "region", "model")
"""Facts that say *who* or *where* beside the value (the publisher itself is in the heading)."""

_FULL_REVISION = re.compile(r"@[0-9a-f]{40}$")
_INDEXED = re.compile(r"^(?P<prefix>[\w.]+)\[(?P<key>[^\]]*)\]\.?(?P<suffix>.*)$")


def short_id(cid: str) -> str:
    """A model as people write it: ``Qwen/Qwen2.5-7B`` for ``hf:Qwen/Qwen2.5-7B@unpinned``."""
    text = cid.removeprefix("hf:")
    return text.removesuffix("@unpinned")


def display_name(cid: str | None, comp: Component | None) -> str:
    """A readable name: a weight file by its path and short hash, a model by its id."""
    if cid is None:
        return view.PROJECT_SUBJECT
    if cid.startswith("file:sha256:"):
        digest = cid.removeprefix("file:sha256:")[:12]
        path = comp.files[0].path if comp is not None and comp.files else ""
        if not path and comp is not None and comp.evidence:
            path = comp.evidence[0].location.path
        return f"{path} [sha256:{digest}]" if path else f"file sha256:{digest}"
    return _FULL_REVISION.sub(lambda m: m.group(0)[:13], cid)


def short_party(name: str) -> str:
    """A long name shortened to the name it is known by: ``Hangzhou DeepSeek … (DeepSeek)``
    reads ``DeepSeek``, ``Xenova (ONNX conversions …)`` reads ``Xenova``; short names stay."""
    head, sep, rest = name.partition(" (")
    if not sep or len(name) <= 32 or not rest.endswith(")"):
        return name
    alias = rest[:-1]
    return alias if len(alias) <= 24 and len(head) > 24 and "(" not in alias else head


def value_text(value: JSON) -> str:
    """A fact's value in words."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(value_text(v) for v in value) or "none"
    if isinstance(value, Mapping):
        return "; ".join(f"{k} {value_text(v)}" for k, v in value.items()) or "none"
    return str(value)


def fact_phrase(path: str, value: str) -> str:
    """``publisher in CN``, ``publisher's country unknown``, ``files sha256 abc``."""
    noun, template = _FACTS.get(path) or (path.replace("_", " ").replace(".", " "), "")
    if value == "unknown" or not template:
        return f"{noun} {value}"
    return template.format(value)


def _detail(facts: Mapping[str, JSON]) -> str:
    parts = [
        short_party(value_text(facts[key]))
        for key in _DETAIL_KEYS
        if isinstance(facts.get(key), str | list)
    ]
    return f" ({', '.join(parts)})" if parts else ""


def merged_facts(findings: Sequence[Finding], comp: Component | None = None) -> str:
    """One phrase for a rule's findings on one component.

    Indexed facts (``lineage[X].publisher.country``) are merged per value: ``lineage
    A, B, C: publisher in CN``. A finding without a ``fact`` is told by its message.
    """
    indexed: dict[tuple[str, str, str], list[str]] = {}
    plain: list[str] = []
    for f in findings:
        fact = f.facts.get("fact")
        if not isinstance(fact, str) or not fact:
            plain.append(f.message)
            continue
        value = value_text(f.facts.get("value"))
        match = _INDEXED.match(fact)
        if match is None:
            plain.append(f"{fact_phrase(fact, value)}{_detail(f.facts)}")
            continue
        key = (match["prefix"], match["suffix"], value)
        names = indexed.setdefault(key, [])
        name = short_id(match["key"])
        if name not in names:
            names.append(name)
    phrases = list(dict.fromkeys(plain))
    order = {short_id(a.id): i for i, a in enumerate(comp.lineage)} if comp is not None else {}
    for (prefix, suffix, value), names in indexed.items():
        what = fact_phrase(suffix, value) if suffix else value
        names.sort(key=lambda n: order.get(n, len(order)))
        noun = _PREFIXES.get(prefix) or prefix.replace("_", " ")
        phrases.append(f"{noun} ({what}): {', '.join(names)}")
    return "; ".join(phrases)


@dataclass(frozen=True, slots=True)
class RuleGroup:
    """One rule's findings on one component, merged."""

    rule: RuleId
    level: Level
    findings: tuple[Finding, ...]
    phrase: str
    waiver: Waiver | None = None
    places: tuple[Location, ...] = ()
    """Where the findings are seen (``view.places``), in order, each place once."""


@dataclass(frozen=True, slots=True)
class ComponentFindings:
    """A component (or the project) and its findings in one section, by rule."""

    id: str | None
    name: str
    component: Component | None
    groups: tuple[RuleGroup, ...]
    places: tuple[Location, ...]

    @property
    def rules(self) -> list[RuleId]:
        """The rule ids, in the order shown."""
        return [g.rule for g in self.groups]


def _places(
    findings: Sequence[Finding],
    inventory: Inventory,
    waivers: dict[str, Waiver],
    seen_evidence: dict[tuple[int, str | None], tuple[tuple[Location, ...], tuple[Location, ...]]],
) -> tuple[Location, ...]:
    # Findings of one component share one evidence tuple (the engine reads a component's
    # occurrences once): where it leads is worked out once.
    if len(findings) == 1:
        f = findings[0]
        cached = f.evidence and f.waived_by is None and not f.facts.get("waiver")
        key = (id(f.evidence), f.component)
        hit = seen_evidence.get(key) if cached else None
        if hit is not None and hit[0] is f.evidence:
            return hit[1]
        done = _distinct(view.places(f, inventory, waivers))
        if cached:
            seen_evidence[key] = (f.evidence, done)
        return done
    return _distinct(loc for f in findings for loc in view.places(f, inventory, waivers))


def _distinct(locations: Iterable[Location]) -> tuple[Location, ...]:
    seen: dict[str, Location] = {}
    for loc in locations:
        seen.setdefault(view.shown(loc), loc)
    return tuple(sorted(seen.values(), key=Location.sort_key))


def _merge(groups: Sequence[tuple[Location, ...]]) -> tuple[Location, ...]:
    if groups and all(places is groups[0] for places in groups):
        return groups[0]  # every rule seen at the same places (the usual case)
    return _distinct(loc for places in groups for loc in places)


def group(
    findings: Iterable[Finding],
    inventory: Inventory,
    rules: Mapping[RuleId, RuleMeta],
    waivers: dict[str, Waiver],
) -> list[ComponentFindings]:
    """Findings grouped by component, then rule; components with the most serious finding
    first (level, severity, how many rules), then by name."""
    by_comp: dict[str | None, dict[RuleId, list[Finding]]] = {}
    for f in findings:
        by_comp.setdefault(f.component, {}).setdefault(f.rule, []).append(f)
    out: list[ComponentFindings] = []
    evidence_places: dict[
        tuple[int, str | None], tuple[tuple[Location, ...], tuple[Location, ...]]
    ] = {}
    ranks: dict[tuple[int, RuleId], tuple[int, int]] = {}
    phrases: dict[tuple[int, str], tuple[Mapping[str, JSON], str]] = {}

    def phrase(items: list[Finding], comp: Component | None) -> str:
        # A lone finding's phrase depends on its facts only (on its message when they name
        # no fact), and the engine fans one facts object out to every component of a
        # signature: merged once per facts object.
        if len(items) != 1:
            return merged_facts(items, comp)
        f = items[0]
        fact = f.facts.get("fact")
        key = (id(f.facts), "" if isinstance(fact, str) and fact else f.message)
        hit = phrases.get(key)
        if hit is not None and hit[0] is f.facts:
            return hit[1]
        text = merged_facts(items, comp)
        phrases[key] = (f.facts, text)
        return text

    def rank(level: Level, rule: RuleId) -> tuple[int, int]:
        key = (view.level_rank(level), rule)
        found = ranks.get(key)
        if found is None:
            found = ranks[key] = _rank(level, rules.get(rule))
        return found

    for cid, by_rule in by_comp.items():
        comp = inventory.component(cid) if cid is not None else None
        groups = []
        for rid, items in by_rule.items():
            level = (
                items[0].level
                if len(items) == 1
                else min((f.level for f in items), key=view.level_rank)
            )
            waived_by = items[0].waived_by
            groups.append(
                RuleGroup(
                    rid,
                    level,
                    tuple(items),
                    phrase(items, comp),
                    waivers.get(waived_by) if waived_by else None,
                    _places(items, inventory, waivers, evidence_places),
                )
            )
        groups.sort(key=lambda g: (rank(g.level, g.rule), g.rule))
        out.append(
            ComponentFindings(
                cid,
                display_name(cid, comp),
                comp,
                tuple(groups),
                _merge([g.places for g in groups]),
            )
        )
    out.sort(
        key=lambda c: (
            min(rank(g.level, g.rule) for g in c.groups),
            -len(c.groups),
            c.id is None,
            c.name,
        )
    )
    return out


def rule_counts(
    findings: Iterable[Finding], inventory: Inventory, rules: Mapping[RuleId, RuleMeta]
) -> dict[RuleId, int]:
    """How many components each rule has findings on, in the order :func:`group` shows
    them (components, then their rules), without building each finding's phrase and places
    (the text report's info line: a quarter of a large decision's findings)."""
    levels: dict[str | None, dict[RuleId, Level]] = {}
    for f in findings:
        by_rule = levels.setdefault(f.component, {})
        held = by_rule.get(f.rule)
        if held is None or view.level_rank(f.level) < view.level_rank(held):
            by_rule[f.rule] = f.level
    ranks: dict[tuple[Level, RuleId], tuple[int, int]] = {}
    shown: list[tuple[tuple[tuple[int, int], int, bool, str], list[RuleId]]] = []
    for cid, by_rule in levels.items():
        keyed = []
        for rid, level in by_rule.items():
            rank = ranks.get((level, rid))
            if rank is None:
                rank = ranks[level, rid] = _rank(level, rules.get(rid))
            keyed.append((rank, rid))
        keyed.sort()
        comp = inventory.component(cid) if cid is not None else None
        key = (keyed[0][0], -len(keyed), cid is None, display_name(cid, comp))
        shown.append((key, [rid for _, rid in keyed]))
    shown.sort(key=lambda item: item[0])
    counts: dict[RuleId, int] = {}
    for _, rids in shown:
        for rid in rids:
            counts[rid] = counts.get(rid, 0) + 1
    return counts


def _rank(level: Level, meta: RuleMeta | None) -> tuple[int, int]:
    return view.level_rank(level), view.severity_rank(meta.severity if meta else "medium")


@dataclass(frozen=True, slots=True)
class Sections:
    """A decision split the way a release engineer reads it."""

    blocking: list[ComponentFindings]
    """Un-waived findings that fail the gate (deny; warn too under ``--fail-on warn``)."""
    warnings: list[ComponentFindings]
    """Un-waived findings that do not fail the gate but want attention (warn)."""
    info: list[ComponentFindings]
    """Empty when the sections were asked without info in full: see ``info_counts``."""
    waived: list[ComponentFindings]
    info_counts: dict[RuleId, int] = field(default_factory=dict)
    """Rule → components with an info finding of it, in display order (when info is not in
    full)."""


def sections(decision: Decision, inventory: Inventory, *, info_in_full: bool = True) -> Sections:
    """The decision's findings split into blocking, warnings, info and waived, per component
    (info only counted per rule unless ``info_in_full``)."""
    rules = view.rule_catalogue(decision)
    waivers = view.waiver_index(decision)
    blocking: list[Finding] = []
    warnings: list[Finding] = []
    info: list[Finding] = []
    waived: list[Finding] = []
    for f in decision.findings:
        if view.is_waived(f):
            waived.append(f)
        elif f.level is Level.DENY or view.fails_gate(f, decision):
            # In audit mode (fail-on: never) a deny still reads as what would block.
            blocking.append(f)
        elif f.level is Level.WARN:
            warnings.append(f)
        else:
            info.append(f)
    return Sections(
        blocking=group(blocking, inventory, rules, waivers),
        warnings=group(warnings, inventory, rules, waivers),
        info=group(info, inventory, rules, waivers) if info_in_full else [],
        waived=group(waived, inventory, rules, waivers),
        info_counts={} if info_in_full else rule_counts(info, inventory, rules),
    )


def publisher_text(comp: Component | None) -> str:
    """``Qwen Team, Alibaba Cloud [CN]``, or ``publisher unknown``."""
    if comp is None:
        return ""
    if comp.publisher is None:
        return "publisher unknown"
    return f"{short_party(comp.publisher.name)} [{comp.publisher.country or '?'}]"


def lineage_text(comp: Component | None) -> str:
    """``Qwen/Qwen2.5-7B [CN] ← …``, nearest ancestor first."""
    if comp is None or not comp.lineage:
        return ""
    return " ← ".join(
        f"{short_id(a.id) if a.id else a.name}"
        f" [{a.publisher.country if a.publisher and a.publisher.country else '?'}]"
        for a in comp.lineage
    )
