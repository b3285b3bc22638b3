"""JUnit XML for CI dashboards: one test case per rule × component, plus the gate itself.

A case fails for an un-waived deny finding (and for a warn finding when ``fail_on`` is
``warn``), is skipped when every finding it had was waived, and passes otherwise, with
warnings and notes in ``system-out``. A first case, ``aigate / gate``, carries the verdict,
so a dashboard that only counts failures still sees why the release was blocked.
"""

from __future__ import annotations

import functools
import re
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


# Written as text, not through ElementTree: a case per rule × component is 240,000 elements
# at 20,000 components, and building then indenting that tree was most of the time. The
# escaping and layout are ElementTree's (``ET.indent(space="  ")``, `` />`` for empty).
_ATTR = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\r": "&#13;",
        "\n": "&#10;",
        "\t": "&#09;",
    }
)
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


@functools.lru_cache(maxsize=65_536)
def _attr(value: str) -> str:
    # Cached: the same component and rule names recur in every rule's cases.
    return _clean(value).translate(_ATTR)


def _element(tag: str, attrs: dict[str, str], text: str | None = None) -> str:
    head = tag + "".join(f' {k}="{_attr(v)}"' for k, v in attrs.items())
    if not text:
        return f"<{head} />"
    return f"<{head}>{_clean(text).translate(_TEXT)}</{tag}>"


def _case_xml(attrs: dict[str, str], children: Sequence[str]) -> str:
    if not children:
        return "    " + _element("testcase", attrs)
    inner = "".join(f"\n      {c}" for c in children)
    return "    " + _element("testcase", attrs)[:-3] + f">{inner}\n    </testcase>"


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
    meta: RuleMeta,
    name: str,
    findings: Sequence[Finding],
    decision: Decision,
    inventory: Inventory,
    waivers: dict[str, Waiver],
) -> tuple[str, str]:
    """One test case: its outcome (passed, failed or skipped) and its XML."""
    if not findings:  # most cases: a rule that found nothing on a component
        return "passed", f'    <testcase classname="{_attr(meta.id)}" name="{_attr(name)}" />'
    attrs = {"classname": meta.id, "name": name}
    failing = [f for f in findings if view.fails_gate(f, decision)]
    open_ = [f for f in findings if not view.is_waived(f)]
    details = "\n".join(_describe(f, inventory, waivers) for f in findings)
    if meta.remediation and open_:
        details += f"\nfix: {meta.remediation}"
    if failing:
        first = failing[0]
        failure = _element(
            "failure", {"message": first.message, "type": first.level.value}, details
        )
        return "failed", _case_xml(attrs, (failure,))
    if not open_:
        waiver = waivers.get(findings[0].waived_by or "")
        reason = (
            f"waived by {waiver.id} until {waiver.expires}: {waiver.reason}"
            if waiver
            else f"waived by {findings[0].waived_by}"
        )
        children = (_element("skipped", {"message": reason}), _element("system-out", {}, details))
        return "skipped", _case_xml(attrs, children)
    return "passed", _case_xml(attrs, (_element("system-out", {}, details),))


def _gate_case(decision: Decision) -> tuple[str, str]:
    attrs = {"classname": GATE_CLASS, "name": GATE_CASE}
    sentence = view.verdict_sentence(decision)
    if decision.verdict is Verdict.FAIL:
        failure = _element("failure", {"message": sentence, "type": "verdict"}, sentence)
        return "failed", _case_xml(attrs, (failure,))
    return "passed", _case_xml(attrs, (_element("system-out", {}, sentence),))


def _properties(decision: Decision, inventory: Inventory) -> list[str]:
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
    props = [
        "      " + _element("property", {"name": name, "value": value})
        for name, value in pairs
        if value
    ]
    if not props:
        return ["    <properties />"]
    return ["    <properties>", *props, "    </properties>"]


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

    results = [_gate_case(decision)]
    for rid, name in cases:
        found = by_case.get((rid, name), [])
        results.append(_case(rules[rid], name, found, decision, inventory, waivers))
    outcomes = [outcome for outcome, _ in results]
    stats = (
        f' tests="{len(outcomes)}" failures="{outcomes.count("failed")}" errors="0"'
        f' skipped="{outcomes.count("skipped")}"'
    )
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name="aigate"{stats}>',
        f'  <testsuite name="aigate"{stats}>',
        *_properties(decision, inventory),
        *(xml for _, xml in results),
        "  </testsuite>",
        "</testsuites>",
    ]
    return "\n".join(lines) + "\n"
