"""What every report needs from a decision: rules looked up, findings ranked, places resolved.

The formats differ in syntax, not in judgement: the order findings are shown in, which
location stands for a finding and which waiver covered it are decided here once, so that
the annotations, the job summary, SARIF and JUnit agree with each other.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from gate.model import (
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

SEVERITIES = ("critical", "high", "medium", "low")
"""Rule severities, most serious first."""

_SEVERITY_RANK = {name: i for i, name in enumerate(SEVERITIES)}

PROJECT_SUBJECT = "(project)"
"""How a finding about no component in particular (e.g. an unused waiver) is named."""


def level_rank(level: Level) -> int:
    """0 for deny, 1 for warn, 2 for info (by identity: hashing an enum member runs Python
    code, which showed at 20,000 findings)."""
    return 0 if level is Level.DENY else 1 if level is Level.WARN else 2


def severity_rank(severity: str) -> int:
    """0 for critical … 3 for low; an unknown severity ranks as medium."""
    return _SEVERITY_RANK.get(severity.lower(), _SEVERITY_RANK["medium"])


def rule_catalogue(decision: Decision) -> dict[RuleId, RuleMeta]:
    """Every rule a report may mention, by id, sorted by id.

    Findings can come from rules the policy set does not describe (the engine's own
    ``waiver.expired``, a user module without ``# METADATA``): they get a minimal entry
    so that every finding has a rule to point at.
    """
    rules: dict[RuleId, RuleMeta] = {}
    for meta in decision.rules:
        rules.setdefault(meta.id, meta)
    for finding in decision.findings:
        if finding.rule not in rules:
            rules[finding.rule] = RuleMeta(
                id=finding.rule, title=finding.rule, level=finding.level.value, severity="medium"
            )
    return {rid: rules[rid] for rid in sorted(rules)}


def is_waived(finding: Finding) -> bool:
    """The finding is covered by an applied waiver."""
    return finding.waived_by is not None


def rank_key(finding: Finding, rules: dict[RuleId, RuleMeta]) -> tuple[object, ...]:
    """Most important first: un-waived, then level, rule severity, rule, component, place."""
    meta = rules.get(finding.rule)
    first = min((loc.sort_key() for loc in finding.evidence), default=("", 0, 0, ""))
    return (
        is_waived(finding),
        level_rank(finding.level),
        severity_rank(meta.severity if meta else "medium"),
        finding.rule,
        finding.component or "",
        first,
        finding.message,
    )


def ranked(decision: Decision, rules: dict[RuleId, RuleMeta] | None = None) -> list[Finding]:
    """The decision's findings, most important first, in a total (deterministic) order."""
    catalogue = rules if rules is not None else rule_catalogue(decision)
    return sorted(decision.findings, key=lambda f: rank_key(f, catalogue))


def waiver_index(decision: Decision) -> dict[str, Waiver]:
    """Waivers by id (applied ones win over expired/unused ones with the same id)."""
    index: dict[str, Waiver] = {}
    for group in (
        decision.waivers_applied,
        decision.waivers_expiring,
        decision.waivers_expired,
        decision.waivers_unused,
    ):
        for waiver in group:
            index.setdefault(waiver.id, waiver)
    return index


@dataclass(frozen=True, slots=True)
class Counts:
    """How many findings of each kind a decision holds (waived ones counted apart)."""

    deny: int
    warn: int
    info: int
    waived: int
    expired_waivers: int
    expiring_waivers: int
    fail_on_warn: bool = False


def counts(decision: Decision) -> Counts:
    """Counts of un-waived findings per level, waived findings and waiver states."""
    per_level = dict.fromkeys(Level, 0)
    waived = 0
    for finding in decision.findings:
        if is_waived(finding):
            waived += 1
        else:
            per_level[finding.level] += 1
    return Counts(
        deny=per_level[Level.DENY],
        warn=per_level[Level.WARN],
        info=per_level[Level.INFO],
        waived=waived,
        expired_waivers=len(decision.waivers_expired),
        expiring_waivers=len(decision.waivers_expiring),
        fail_on_warn=decision.fail_on == "warn",
    )


def fails_gate(finding: Finding, decision: Decision) -> bool:
    """This finding alone would make the verdict ``fail`` under the decision's ``fail_on``."""
    if is_waived(finding) or decision.fail_on == "never":
        return False
    if finding.level is Level.DENY:
        return True
    return finding.level is Level.WARN and decision.fail_on == "warn"


def verdict_sentence(decision: Decision) -> str:
    """One line that says what the gate decided and why."""
    c = counts(decision)
    if decision.verdict is Verdict.FAIL:
        what = f"{c.deny} deny" + (f" and {c.warn} warn" if c.fail_on_warn and c.warn else "")
        return f"fail: {what} finding(s) block the release (fail-on: {decision.fail_on})"
    if decision.fail_on == "never" and (c.deny or c.warn):
        return (
            f"pass (audit mode, fail-on: never): {c.deny} deny and {c.warn} warn finding(s)"
            " reported, none enforced"
        )
    if c.warn:
        return f"pass with {c.warn} warning(s) (fail-on: {decision.fail_on})"
    return f"pass: no finding blocks the release (fail-on: {decision.fail_on})"


def repo_path(path: str, root: str) -> str:
    """A scanned-root-relative path made relative to the repository.

    ``Project.root`` says where the scanned tree sits in the repository (``dist`` when
    ``aigate check dist`` ran at the repository root); GitHub resolves annotation and
    SARIF paths against the repository, so the prefix is added. An absolute or escaping
    root cannot be expressed relative to the repository and is left out.
    """
    root = root.strip()
    if not root or root == "." or root.startswith("/") or ".." in root.split("/"):
        return path
    return posixpath.normpath(posixpath.join(root, path))


def _in_repo(loc: Location, root: str) -> Location:
    if not root:
        return loc
    path = repo_path(loc.path, root)
    return loc if path == loc.path else replace(loc, path=path)


def shown(loc: Location) -> str:
    """A location as people read it: ``path:line:col``, or a short commit."""
    if not loc.path:
        return f"commit {loc.commit[:12]}" if loc.commit else ""
    return str(loc)


def _with_path(locations: Iterable[Location]) -> list[Location]:
    return sorted((loc for loc in locations if loc.path), key=Location.sort_key)


def places(
    finding: Finding, inventory: Inventory, waivers: dict[str, Waiver] | None = None
) -> list[Location]:
    """Where a finding is seen, best first, with paths relative to the repository.

    The rule's own evidence comes first, in the rule's order (its first location is the
    one the rule chose to point at, like conftest's ``_loc``). A rule may report without
    evidence (a fact of the component as a whole): the component's occurrences in the tree
    stand in, and a finding about a waiver points at the waiver file. Commit-only
    locations (an assistant commit) come after located ones.
    """
    root = inventory.project.root.strip()
    if root == ".":
        root = ""
    own = list(finding.evidence)
    located = [_in_repo(loc, root) for loc in own if loc.path]
    commit_only = [loc for loc in own if not loc.path]
    if located:
        return located + commit_only
    if finding.component is not None:
        comp = inventory.component(finding.component)
        if comp is not None:
            located = [
                _in_repo(loc, root) for loc in _with_path(ev.location for ev in comp.evidence)
            ]
            if located:
                return located + commit_only
    waiver = finding_waiver(finding, waivers or {}) if waivers is not None else None
    if waiver is not None and finding.waived_by is None:
        wloc = waiver_location(waiver)
        if wloc is not None:
            return [wloc, *commit_only]
    return commit_only


def waiver_location(waiver: Waiver) -> Location | None:
    """Where a waiver was written (``Waiver.source`` is ``path`` or ``path:line``)."""
    if not waiver.source:
        return None
    path, sep, line = waiver.source.rpartition(":")
    if sep and line.isdigit() and path:
        return Location(path, int(line))
    return Location(waiver.source)


def finding_waiver(finding: Finding, index: dict[str, Waiver]) -> Waiver | None:
    """The waiver a finding is about: the one that covered it, or the one it reports on.

    Engine findings about waivers themselves (expired, unused) name the waiver in
    ``facts.waiver``; their natural place is the waiver file.
    """
    if finding.waived_by is not None:
        return index.get(finding.waived_by)
    named = finding.facts.get("waiver") if finding.facts else None
    if isinstance(named, str):
        return index.get(named)
    if isinstance(named, dict) and isinstance(named.get("id"), str):
        return index.get(named["id"])
    return None


def commits(locations: Sequence[Location]) -> list[str]:
    """The distinct commits among locations, in order."""
    seen: list[str] = []
    for loc in locations:
        if loc.commit and loc.commit not in seen:
            seen.append(loc.commit)
    return seen


def subject(finding: Finding) -> str:
    """The component a finding is about, or the project."""
    return finding.component or PROJECT_SUBJECT
