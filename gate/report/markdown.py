"""The Markdown report: verdict, findings per rule, waivers, components and the policy used.

This is the human-readable ``report.md`` of the auditor bundle and the building blocks of
the GitHub job summary (:mod:`gate.report.summary`). Everything that comes from a scanned
tree or a policy (messages, paths, reasons) is escaped, so a model name or a waiver reason
cannot break a table, inject HTML or mention a GitHub user.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from gate import __version__
from gate.authored import summary as ai_summary
from gate.model import (
    Component,
    Decision,
    Finding,
    Inventory,
    Level,
    Location,
    RuleId,
    RuleMeta,
    Verdict,
    Waiver,
)
from gate.report import view

NAME = "markdown"

ICON = {Verdict.PASS: "✅", Verdict.FAIL: "❌"}
LEVEL_ICON = {Level.DENY: "❌", Level.WARN: "⚠️", Level.INFO: "ℹ️"}
WAIVED_ICON = "🔕"
MAX_PLACES = 3
"""Evidence locations listed per finding row before ``+N more``."""

_ESCAPED = re.compile(r"([\\`*_\[\]<>|~&@#!])")
_BACKTICKS = re.compile(r"`+")


def text(value: str) -> str:
    """Inline text, safe anywhere including a table cell (one line, punctuation escaped)."""
    one_line = " ".join(value.replace("\r\n", "\n").split("\n"))
    return _ESCAPED.sub(r"\\\1", one_line)


def cell(value: str) -> str:
    """Multi-line text for a table cell: lines joined with ``<br>``."""
    lines = [text(line) for line in value.replace("\r\n", "\n").split("\n")]
    return "<br>".join(line for line in lines if line) or " "


def code(value: str) -> str:
    """A code span that survives backticks and pipes inside a table."""
    one_line = " ".join(value.splitlines()) or " "
    longest = max((len(m) for m in _BACKTICKS.findall(one_line)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if one_line.startswith("`") or one_line.endswith("`") else ""
    return f"{fence}{pad}{one_line.replace('|', chr(92) + '|')}{pad}{fence}"


def link(label: str, uri: str | None) -> str:
    """A link when the URI is http(s), plain text otherwise."""
    if uri and uri.startswith(("https://", "http://")) and not any(c in uri for c in " ()<>"):
        return f"[{text(label)}]({uri})"
    return text(label)


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """GitHub-flavoured table lines (cells must already be escaped)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def place(loc: Location) -> str:
    """``path:line`` (repository-relative) or a short commit, as a code span."""
    if not loc.path and loc.commit:
        return f"commit {code(loc.commit[:12])}"
    return code(view.shown(loc))


def places_cell(finding: Finding, inventory: Inventory, waivers: dict[str, Waiver]) -> str:
    """Where a finding was seen, a few places then a count."""
    locs = view.places(finding, inventory, waivers)
    if not locs:
        return "—"
    shown = [place(loc) for loc in locs[:MAX_PLACES]]
    if len(locs) > MAX_PLACES:
        shown.append(f"+{len(locs) - MAX_PLACES} more")
    return "<br>".join(shown)


def days_left(waiver: Waiver, on: str) -> int | None:
    """Days from ``on`` (the decision's date) until the waiver expires."""
    try:
        return (date.fromisoformat(waiver.expires) - date.fromisoformat(on)).days
    except ValueError:
        return None


def _in_days(left: int | None) -> str:
    if left is None:
        return ""
    return f" ({left} d left)" if left >= 0 else f" ({-left} d ago)"


def waiver_cell(finding: Finding, waivers: dict[str, Waiver], on: str) -> str:
    """The waiver column: who accepted the finding, until when."""
    if finding.waived_by is None:
        return "—"
    waiver = waivers.get(finding.waived_by)
    if waiver is None:
        return f"{WAIVED_ICON} {code(finding.waived_by)}"
    left = days_left(waiver, on)
    when = f"until {waiver.expires}" + _in_days(left)
    return f"{WAIVED_ICON} {code(waiver.id)} {when}"


def finding_row(
    finding: Finding, inventory: Inventory, waivers: dict[str, Waiver], on: str
) -> list[str]:
    """One table row: component, level, message, places, waiver."""
    level = f"{LEVEL_ICON[finding.level]} {finding.level.value}"
    return [
        code(view.subject(finding)),
        level,
        cell(finding.message),
        places_cell(finding, inventory, waivers),
        waiver_cell(finding, waivers, on),
    ]


FINDING_HEADER = ("Component", "Level", "Finding", "Where", "Waiver")


@dataclass(frozen=True, slots=True)
class RuleSection:
    """A rule's heading lines and one table row per finding (rows are cut one by one)."""

    rule: RuleMeta
    head: list[str]
    rows: list[str]


def rule_heading(
    meta: RuleMeta, findings: Sequence[Finding], level: int, *, describe: bool = False
) -> list[str]:
    """The heading and the one-line facts of a rule."""
    open_ = [f for f in findings if not view.is_waived(f)]
    icon = LEVEL_ICON[min((f.level for f in open_), key=_level_rank)] if open_ else WAIVED_ICON
    waived = len(findings) - len(open_)
    count = f"{len(open_)} open" + (f", {waived} waived" if waived else "")
    lines = [f"{'#' * level} {icon} {text(meta.title)} ({count})", ""]
    if describe and meta.description:
        lines += [text(meta.description), ""]
    facts = [f"rule {code(meta.id)}", f"severity **{text(meta.severity)}**"]
    if meta.regulation:
        facts.append(f"regulation: {text(meta.regulation)}")
    if meta.help_uri:
        facts.append(link("help", meta.help_uri))
    lines.append(" · ".join(facts))
    if meta.remediation:
        lines += ["", f"**Fix:** {text(meta.remediation)}"]
    return lines


def _level_rank(level: Level) -> int:
    return {Level.DENY: 0, Level.WARN: 1, Level.INFO: 2}[level]


def rule_sections(
    decision: Decision, inventory: Inventory, *, level: int, describe: bool = False
) -> list[RuleSection]:
    """One section per rule that produced findings, most serious rule first."""
    rules: dict[RuleId, RuleMeta] = view.rule_catalogue(decision)
    waivers = view.waiver_index(decision)
    by_rule: dict[RuleId, list[Finding]] = {}
    for finding in view.ranked(decision, rules):
        by_rule.setdefault(finding.rule, []).append(finding)
    sections = []
    for rid, findings in by_rule.items():
        meta = rules[rid]
        head = rule_heading(meta, findings, level, describe=describe)
        head += ["", *table(FINDING_HEADER, [])]
        rows = [
            "| " + " | ".join(finding_row(f, inventory, waivers, decision.evaluated_on)) + " |"
            for f in findings
        ]
        sections.append(RuleSection(meta, head, rows))
    return sections


def counts_table(decision: Decision) -> list[str]:
    """Deny / warn / info / waived / expired-waiver counts."""
    c = view.counts(decision)
    header = ("Deny", "Warn", "Info", "Waived", "Expired waivers", "Expiring soon")
    row = [str(n) for n in (c.deny, c.warn, c.info, c.waived, c.expired_waivers)]
    row.append(str(c.expiring_waivers))
    return table(header, [row])


def _waiver_rows(waivers: Sequence[Waiver], on: str) -> list[list[str]]:
    rows = []
    for w in sorted(waivers, key=lambda w: (w.expires, w.id)):
        left = days_left(w, on)
        expires = w.expires + _in_days(left)
        ref = link(w.reference, w.reference) if w.reference else "—"
        rows.append(
            [
                code(w.id),
                code(w.rule),
                code(w.component),
                text(expires),
                cell(w.approved_by),
                cell(w.reason),
                ref,
            ]
        )
    return rows


WAIVER_HEADER = ("Waiver", "Rule", "Component", "Expires", "Approved by", "Reason", "Reference")


def waiver_blocks(decision: Decision, level: int = 3) -> list[list[str]]:
    """Waiver sections (expiring soon, expired, unused, applied), each as a list of lines."""
    on = decision.evaluated_on
    groups = (
        ("⏳ Waivers expiring soon", decision.waivers_expiring, "Renew or remove them."),
        ("⌛ Expired waivers", decision.waivers_expired, "They no longer apply."),
        ("🗑️ Unused waivers", decision.waivers_unused, "They matched no finding."),
        ("🔕 Waivers applied", decision.waivers_applied, ""),
    )
    blocks = []
    for title, waivers, advice in groups:
        if not waivers:
            continue
        head = f"{'#' * level} {title} ({len(waivers)})"
        lines = [head, ""] + ([advice, ""] if advice else [])
        lines += table(WAIVER_HEADER, _waiver_rows(waivers, on))
        blocks.append(lines)
    return blocks


def policy_lines(decision: Decision, inventory: Inventory, level: int = 3) -> list[str]:
    """What was checked, against which policy, on which date."""
    lines = [f"{'#' * level} Policy", ""]
    lines.append(f"- digest: {code(decision.policy_digest or 'unknown')}")
    lines.append(f"- fail-on: {code(decision.fail_on)}")
    if decision.evaluated_on:
        lines.append(f"- evaluated on: {text(decision.evaluated_on)}")
    for source in decision.policy_sources:
        lines.append(f"- source: {code(source)}")
    project = inventory.project
    name = project.name + (f" {project.version}" if project.version else "")
    lines.append(
        f"- scanned: {text(name)}: {len(inventory.components)} AI components in"
        f" {'?' if inventory.files_scanned is None else inventory.files_scanned} files"
        f" ({len(inventory.skipped)} skipped)"
    )
    for note in (*decision.notes, *inventory.notes):
        lines.append(f"- note: {text(note)}")
    lines.append(f"- aigate {text(__version__)}")
    return lines


def _country(country: str | None) -> str:
    return country or "?"


def component_row(comp: Component) -> list[str]:
    """Identity, role, publisher and country, serving country, licence, lineage."""
    pub = comp.publisher
    publisher = f"{text(pub.name)} [{_country(pub.country)}]" if pub else "unknown [?]"
    if pub and pub.parent:
        publisher += f"<br>parent: {text(pub.parent)} [{_country(pub.parent_country)}]"
    served = (
        f"{text(comp.served_by.host)} [{_country(comp.served_by.country)}]"
        if comp.served_by
        else "—"
    )
    licence = (
        f"{code(comp.licence.expression)} ({text(comp.licence.category.value)})"
        if comp.licence
        else "none stated"
    )
    lineage = (
        " ← ".join(
            f"{code(a.id)} [{_country(a.publisher.country if a.publisher else None)}]"
            for a in comp.lineage
        )
        or "—"
    )
    return [code(comp.id), text(comp.role.value), publisher, served, licence, lineage]


COMPONENT_HEADER = ("Component", "Role", "Publisher", "Served from", "Licence", "Lineage")


def render(decision: Decision, inventory: Inventory) -> str:
    """The full report (no size limit): for people and auditors, not for GitHub's summary."""
    project = inventory.project
    name = project.name + (f" {project.version}" if project.version else "")
    lines = [f"# aigate report: {text(name)}", ""]
    lines += [f"{ICON[decision.verdict]} **{text(view.verdict_sentence(decision))}**", ""]
    lines += [*counts_table(decision), ""]
    sections = rule_sections(decision, inventory, level=3, describe=True)
    lines += ["## Findings", ""]
    if not sections:
        lines += ["No findings.", ""]
    for section in sections:
        lines += [*section.head, *section.rows, ""]
    lines += ["## Waivers", ""]
    blocks = waiver_blocks(decision)
    if not blocks:
        lines += ["No waivers.", ""]
    for block in blocks:
        lines += [*block, ""]
    lines += ["## Components", ""]
    if inventory.components:
        lines += table(COMPONENT_HEADER, [component_row(c) for c in inventory.components])
    else:
        lines.append("No AI components found.")
    lines.append("")
    if inventory.skipped:
        lines += ["## Skipped files", ""]
        lines += table(
            ("Path", "Reason"), [[code(s.path), cell(s.reason)] for s in inventory.skipped]
        )
        lines.append("")
    lines += ai_summary.markdown_lines(inventory, level=2)
    lines += policy_lines(decision, inventory, level=2)
    return "\n".join(lines) + "\n"
