"""JUnit XML for CI dashboards: one test case per rule × component, plus the gate itself.

A case fails for an un-waived deny finding (and for a warn finding when ``fail_on`` is
``warn``), is skipped when every finding it had was waived, and passes otherwise, with
warnings and notes in ``system-out``. A first case, ``aigate / gate``, carries the verdict,
so a dashboard that only counts failures still sees why the release was blocked.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from gate import __version__
from gate.model import Decision, Finding, Inventory, RuleId, RuleMeta, Verdict, Waiver
from gate.report import view

NAME = "junit"

GATE_CLASS = "aigate"
GATE_CASE = "gate"

# XML 1.0 cannot carry these characters at all, not even as references.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _clean(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def _describe(finding: Finding, inventory: Inventory, waivers: dict[str, Waiver]) -> str:
    lines = [f"[{finding.level.value}] {finding.message}"]
    for loc in view.places(finding, inventory, waivers)[:20]:
        lines.append(f"  at {view.shown(loc)}")
    if finding.waived_by is not None:
        waiver = waivers.get(finding.waived_by)
        if waiver is None:
            lines.append(f"  waived by {finding.waived_by}")
        else:
            lines.append(
                f"  waived by {waiver.id} until {waiver.expires}"
                f" (approved by {waiver.approved_by}): {waiver.reason}"
            )
    return "\n".join(lines)


def _case(
    parent: ET.Element,
    meta: RuleMeta,
    name: str,
    findings: Sequence[Finding],
    decision: Decision,
    inventory: Inventory,
    waivers: dict[str, Waiver],
) -> str:
    """Add one test case; return its outcome: passed, failed or skipped."""
    case = ET.SubElement(parent, "testcase", {"classname": meta.id, "name": _clean(name)})
    failing = [f for f in findings if view.fails_gate(f, decision)]
    open_ = [f for f in findings if not view.is_waived(f)]
    details = "\n".join(_describe(f, inventory, waivers) for f in findings)
    if meta.remediation and open_:
        details += f"\nfix: {meta.remediation}"
    if failing:
        first = failing[0]
        failure = ET.SubElement(
            case, "failure", {"message": _clean(first.message), "type": first.level.value}
        )
        failure.text = _clean(details)
        return "failed"
    if findings and not open_:
        waiver = waivers.get(findings[0].waived_by or "")
        reason = (
            f"waived by {waiver.id} until {waiver.expires}: {waiver.reason}"
            if waiver
            else f"waived by {findings[0].waived_by}"
        )
        ET.SubElement(case, "skipped", {"message": _clean(reason)})
        out = ET.SubElement(case, "system-out")
        out.text = _clean(details)
        return "skipped"
    if findings:
        out = ET.SubElement(case, "system-out")
        out.text = _clean(details)
    return "passed"


def _gate_case(parent: ET.Element, decision: Decision) -> str:
    case = ET.SubElement(parent, "testcase", {"classname": GATE_CLASS, "name": GATE_CASE})
    sentence = view.verdict_sentence(decision)
    if decision.verdict is Verdict.FAIL:
        failure = ET.SubElement(case, "failure", {"message": _clean(sentence), "type": "verdict"})
        failure.text = _clean(sentence)
        return "failed"
    out = ET.SubElement(case, "system-out")
    out.text = _clean(sentence)
    return "passed"


def _properties(suite: ET.Element, decision: Decision, inventory: Inventory) -> None:
    props = ET.SubElement(suite, "properties")
    pairs: list[tuple[str, str]] = [
        ("aigate.version", __version__),
        ("aigate.verdict", decision.verdict.value),
        ("aigate.fail-on", decision.fail_on),
        ("aigate.policy-digest", decision.policy_digest),
        ("aigate.evaluated-on", decision.evaluated_on),
        ("aigate.project", inventory.project.name),
        ("aigate.components", str(len(inventory.components))),
    ]
    pairs += [("aigate.policy-source", s) for s in decision.policy_sources]
    pairs += [("aigate.waiver-applied", w.id) for w in decision.waivers_applied]
    pairs += [("aigate.waiver-expired", w.id) for w in decision.waivers_expired]
    pairs += [("aigate.waiver-expiring", w.id) for w in decision.waivers_expiring]
    for name, value in pairs:
        if value:
            ET.SubElement(props, "property", {"name": name, "value": _clean(value)})


def render(decision: Decision, inventory: Inventory) -> str:
    """JUnit XML (the common Jenkins/Surefire dialect), deterministic and UTF-8."""
    rules: dict[RuleId, RuleMeta] = view.rule_catalogue(decision)
    waivers = view.waiver_index(decision)
    by_case: dict[tuple[RuleId, str], list[Finding]] = {}
    for finding in view.ranked(decision, rules):
        by_case.setdefault((finding.rule, view.subject(finding)), []).append(finding)
    components = sorted(c.id for c in inventory.components)
    described = {meta.id for meta in decision.rules}
    cases: list[tuple[RuleId, str]] = []
    for rid in rules:
        reported = sorted(s for r, s in by_case if r == rid)
        about_project = bool(reported) and all(s == view.PROJECT_SUBJECT for s in reported)
        # A described rule was evaluated on every component; an undescribed one, or one
        # that only speaks about the project (an expired waiver), only where it reported.
        subjects = reported if about_project or rid not in described else components + reported
        cases += [(rid, s) for s in sorted(set(subjects))]

    root = ET.Element("testsuites", {"name": "aigate"})
    suite = ET.SubElement(root, "testsuite", {"name": "aigate"})
    _properties(suite, decision, inventory)
    outcomes = [_gate_case(suite, decision)]
    for rid, name in cases:
        found = by_case.get((rid, name), [])
        outcomes.append(_case(suite, rules[rid], name, found, decision, inventory, waivers))
    stats = {
        "tests": str(len(outcomes)),
        "failures": str(outcomes.count("failed")),
        "errors": "0",
        "skipped": str(outcomes.count("skipped")),
    }
    for element in (root, suite):
        for key, value in stats.items():
            element.set(key, value)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
