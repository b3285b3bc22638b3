"""The full text form (``check --verbose``): each finding as a chain (component → fact →
source → rule), by rule, every waived finding in full; one verdict line last.

The default ``text`` format (:mod:`gate.report.text`) is the component-first digest of this.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gate.authored import summary as ai_summary
from gate.model import Decision, Finding, Inventory, Level, RuleMeta, Waiver
from gate.report.text import skipped_lines, verdict_line

_MARK = {Level.DENY: "DENY", Level.WARN: "WARN", Level.INFO: "INFO"}


def _value(value: Any) -> str:
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ", ".join(_value(v) for v in value) or "none"
    if isinstance(value, Mapping):
        return "; ".join(f"{k} {_value(v)}" for k, v in value.items()) or "none"
    return str(value)


def _sources(facts: Mapping[str, Any]) -> str:
    raw = facts.get("sources")
    if not isinstance(raw, list) or not raw:
        return ""
    parts = []
    for item in raw:
        if isinstance(item, Mapping):
            src, detail = item.get("source", ""), item.get("detail", "")
            parts.append(f"{src}: {detail}" if detail else str(src))
    return "; ".join(parts)


def _chain(f: Finding, inventory: Inventory, waivers: Mapping[str, Waiver]) -> list[str]:
    comp = inventory.component(f.component) if f.component else None
    head = f.component or "(project)"
    if comp is not None and comp.name and comp.name not in head:
        head += f" ({comp.name})"
    lines = [f"  - {head}"]
    fact = f.facts.get("fact")
    if fact:
        lines.append(f"      fact:   {fact} = {_value(f.facts.get('value'))}")
    sources = _sources(f.facts)
    if sources:
        lines.append(f"      source: {sources}")
    if f.evidence:
        seen = ", ".join(str(loc) for loc in f.evidence[:3])
        more = f" (+{len(f.evidence) - 3} more)" if len(f.evidence) > 3 else ""
        lines.append(f"      seen:   {seen}{more}")
    lines.append(f"      why:    {f.message}")
    if f.waived_by:
        w = waivers.get(f.waived_by)
        detail = f" by {w.approved_by} until {w.expires}: {w.reason}" if w else ""
        lines.append(f"      WAIVED: {f.waived_by}{detail}")
    return lines


def _rule_header(rid: str, level: Level, meta: RuleMeta | None, waived: bool) -> list[str]:
    title = meta.title if meta else rid
    sev = f", {meta.severity}" if meta else ""
    note = ", waived" if waived else ""
    lines = [f"{_MARK[level]} {rid}: {title} [{level.value}{sev}{note}]"]
    if meta and meta.regulation:
        lines.append(f"  regulation: {meta.regulation}")
    return lines


def _waiver_lines(title: str, waivers: Sequence[Waiver]) -> list[str]:
    if not waivers:
        return []
    lines = [title]
    for w in waivers:
        ref = f" [{w.reference}]" if w.reference else ""
        lines.append(
            f"  - {w.id}: {w.rule} on {w.component}; approved by {w.approved_by};"
            f" expires {w.expires}{ref}; {w.reason}"
        )
    return lines


def render(decision: Decision, inventory: Inventory) -> str:
    """The decision explained for humans, grouped by rule, most serious first; what waivers
    cover comes after everything still open, so a passing gate does not open on DENY."""
    meta: dict[str, RuleMeta] = {str(r.id): r for r in decision.rules}
    waivers = {w.id: w for w in decision.waivers_applied}
    packs = ", ".join(decision.packs) or "none"
    out = [
        f"aigate check: {len(inventory.components)} components of {inventory.project.name}"
        f" judged by pack {packs} on {decision.evaluated_on}",
        f"policy digest: sha256:{decision.policy_digest}",
        *skipped_lines(inventory),
        "",
    ]
    groups: dict[tuple[bool, int, str, Level], list[Finding]] = {}
    order = {Level.DENY: 0, Level.WARN: 1, Level.INFO: 2}
    for f in decision.findings:
        key = (f.waived_by is not None, order[f.level], f.rule, f.level)
        groups.setdefault(key, []).append(f)
    for (waived, _, rid, level), findings in sorted(groups.items(), key=lambda kv: kv[0][:3]):
        out.extend(_rule_header(rid, level, meta.get(rid), waived))
        for f in findings:
            out.extend(_chain(f, inventory, waivers))
        rule = meta.get(rid)
        if rule and rule.remediation and level is not Level.INFO:
            out.append(f"  fix: {rule.remediation}")
        out.append("")
    if not decision.findings:
        out.extend(["no findings", ""])
    out.extend(_waiver_lines("waivers applied:", decision.waivers_applied))
    out.extend(_waiver_lines("waivers expired (no longer applied):", decision.waivers_expired))
    out.extend(_waiver_lines("waivers unused:", decision.waivers_unused))
    out.extend(_waiver_lines("waivers expiring soon:", decision.waivers_expiring))
    out.extend(ai_summary.text_lines(inventory))
    for note in decision.notes:
        out.append(f"note: {note}")
    out.append(verdict_line(decision))
    return "\n".join(out) + "\n"
