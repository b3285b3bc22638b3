"""Judge only what a release introduces (``aigate check --baseline BASE --new-only``).

As dependency review does for pull requests: the whole inventory is evaluated and waivers
are applied as usual (so a waiver still counts as used), then findings about components
the baseline already had, unchanged in every security-relevant aspect, are set aside and
counted. Findings about no component (the project) and about waivers themselves (expired,
unused) are kept: they concern the policy set this release ships with, not a component.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from gate.inventory_diff import InventoryDiff
from gate.model import Baseline, ComponentId, Decision
from gate.policy.decision import verdict_of
from gate.policy.waivers import BUILTIN_RULES

_POLICY_SET_RULES = frozenset(rule.id for rule in BUILTIN_RULES)


def baseline_note(diff: InventoryDiff) -> str:
    """What the release changes against its baseline, in one line for the decision."""
    relevant = sum(1 for c in diff.changed if c.relevant)
    return (
        f"baseline {diff.base}: {len(diff.added)} component(s) added,"
        f" {len(diff.changed)} changed ({relevant} in a security-relevant way),"
        f" {len(diff.removed)} removed, {diff.unchanged} unchanged"
    )


def judge_introduced(
    decision: Decision, introduced: Collection[ComponentId], baseline: str
) -> Decision:
    """The decision restricted to findings about ``introduced`` components.

    The verdict is recomputed from the findings kept; the decision's notes say what the
    baseline was and how many findings (about how many components) were set aside.
    """
    kept = []
    dropped = 0
    dropped_components: set[str] = set()
    for finding in decision.findings:
        if (
            finding.component is None
            or finding.rule in _POLICY_SET_RULES
            or finding.component in introduced
        ):
            kept.append(finding)
        else:
            dropped += 1
            dropped_components.add(finding.component)
    note = (
        f"new-only: judged the {len(introduced)} component(s) new or changed in a"
        f" security-relevant way since baseline {baseline}; {dropped} finding(s) about"
        f" {len(dropped_components)} component(s) unchanged since the baseline were not judged"
    )
    return replace(
        decision,
        verdict=verdict_of(kept, decision.fail_on),
        findings=tuple(kept),
        notes=(*decision.notes, note),
        baseline=Baseline(ref=baseline, new_only=True, judged=len(introduced), dropped=dropped),
    )


def compared(decision: Decision, baseline: str, note: str) -> Decision:
    """The decision with the comparison recorded (every component still judged)."""
    return replace(decision, notes=(*decision.notes, note), baseline=Baseline(ref=baseline))


def no_baseline(decision: Decision, why: str, *, new_only: bool) -> Decision:
    """The decision with a note saying why there is nothing to compare with."""
    text = f"new-only: {why}; every component was judged" if new_only else f"baseline: {why}"
    return replace(decision, notes=(*decision.notes, text), baseline=Baseline(ref=None))
