"""Waivers: approved, time-bound exceptions, applied after Rego and judged by date in Python.

A waiver names one rule (exact id or ``area.*``, never a bare ``*``) and one component (its
canonical id; without ``@revision`` it covers every revision). It needs a reason, an
approver and an expiry within the pack's horizon. Expiry is decided here and only here, so
no code path can keep applying an expired waiver.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from gate.model import ComponentId, Finding, Level, RuleId, RuleMeta, Waiver
from gate.policy.packs import WaiverPolicy
from gate.policy.yamlfile import YamlDoc, load_yaml, validate

EXPIRED = RuleMeta(
    id=RuleId("waiver.expired"),
    title="Waiver expired",
    description="A waiver's expiry date has passed: it no longer applies, and the findings it"
    " covered count again.",
    level="warn",
    severity="medium",
    remediation="Fix the finding, or renew the waiver with a fresh approval and expiry.",
    regulation="Exception management (time-bound, approved exceptions)",
    source="aigate (gate/policy/waivers.py)",
)
UNUSED = RuleMeta(
    id=RuleId("waiver.unused"),
    title="Waiver unused",
    description="A waiver matched no finding: the component or rule it names is gone, or it"
    " was written for another id.",
    level="info",
    severity="low",
    remediation="Remove the waiver so that stale exceptions do not accumulate.",
    regulation="Exception management",
    source="aigate (gate/policy/waivers.py)",
)
BUILTIN_RULES = (EXPIRED, UNUSED)

CREATED_GRACE = timedelta(days=1)
"""How far past the decision date a waiver's ``created`` may lie: one day, so that a waiver
approved today east of UTC is not refused by a CI job whose date is still yesterday's."""


def load_waivers(
    files: Iterable[tuple[Path, str]],
    rule_ids: Iterable[str],
    policy: WaiverPolicy,
    today: date,
) -> list[Waiver]:
    """Read and check waiver files; a malformed waiver is a PolicyError with file and line."""
    ids = set(rule_ids)
    areas = {i.split(".", 1)[0] for i in ids}
    seen: dict[str, str] = {}
    out: list[Waiver] = []
    for path, display in files:
        doc = load_yaml(path, display)
        if not isinstance(doc.value, dict):
            raise doc.error((), "a waiver file must be a mapping (apiVersion, kind, waivers)")
        validate(doc, "waivers.schema.json", "waiver file")
        for i, raw in enumerate(doc.value["waivers"]):
            where = f"{display}:{doc.line(('waivers', i))}"
            wid = raw["id"]
            if wid in seen:
                raise doc.error(
                    ("waivers", i, "id"), f"waiver id {wid} is also used at {seen[wid]}"
                )
            seen[wid] = where
            rule = raw["rule"]
            known = rule in ids or (rule.endswith(".*") and rule[:-2] in areas)
            if not known:
                raise doc.error(("waivers", i, "rule"), f"waiver {wid}: no rule {rule!r} is loaded")
            expires = _date(doc, ("waivers", i, "expires"), raw["expires"], wid)
            start = today
            if "created" in raw:
                created = _date(doc, ("waivers", i, "created"), raw["created"], wid)
                if created > expires:
                    raise doc.error(
                        ("waivers", i, "expires"), f"waiver {wid} expires before it was created"
                    )
                if created > today + CREATED_GRACE:
                    # A future approval date would move the start of the horizon as far out
                    # as the author likes (created 9999-07-01, expires 9999-12-28).
                    raise doc.error(
                        ("waivers", i, "created"),
                        f"waiver {wid} was created on {created}, after the decision date"
                        f" {today}: an approval cannot come from the future",
                    )
                # The horizon runs from the approval, or from today when that is earlier:
                # the waiver may never reach further than max_days past the decision date.
                start = min(created, today)
            if expires - start > timedelta(days=policy.max_days):
                raise doc.error(
                    ("waivers", i, "expires"),
                    f"waiver {wid} runs {(expires - start).days} days, beyond the pack's"
                    f" maximum of {policy.max_days} (waiver_policy.max_days)",
                )
            out.append(
                Waiver(
                    id=wid,
                    rule=rule,
                    component=raw["component"],
                    reason=raw["reason"],
                    approved_by=raw["approved_by"],
                    expires=raw["expires"],
                    reference=raw.get("reference"),
                    source=where,
                    created=raw.get("created"),
                )
            )
    return out


def _date(doc: YamlDoc, where: tuple[str | int, ...], text: str, wid: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise doc.error(where, f"waiver {wid}: {text!r} is not a date") from exc


def rule_matches(pattern: str, rule: str) -> bool:
    """Exact id, or ``area.*`` for every rule of an area."""
    if pattern.endswith(".*"):
        return rule.startswith(pattern[:-1])
    return pattern == rule


def component_matches(pattern: str, component: str | None) -> bool:
    """Exact id; an id without ``@revision`` covers every revision of that model."""
    if component is None:
        return False
    if pattern == component:
        return True
    return "@" not in pattern.split(":", 1)[-1] and component.split("@", 1)[0] == pattern


@dataclass(frozen=True, slots=True)
class WaiverOutcome:
    """Findings after waivers, and the waivers sorted by what happened to them."""

    findings: list[Finding]
    applied: list[Waiver]
    expired: list[Waiver]
    unused: list[Waiver]
    expiring: list[Waiver]


def apply_waivers(
    findings: Sequence[Finding], waivers: Sequence[Waiver], policy: WaiverPolicy, today: date
) -> WaiverOutcome:
    """Mark waived findings (they stay, with ``waived_by``) and report expired/unused ones."""
    active = [w for w in waivers if date.fromisoformat(w.expires) >= today]
    expired = [w for w in waivers if date.fromisoformat(w.expires) < today]
    horizon = today + timedelta(days=policy.expiring_within_days)
    expiring = [w for w in active if date.fromisoformat(w.expires) <= horizon]
    used: set[str] = set()
    out: list[Finding] = []
    for finding in findings:
        if finding.level is not Level.INFO:
            for waiver in active:
                if rule_matches(waiver.rule, finding.rule) and component_matches(
                    waiver.component, finding.component
                ):
                    finding = replace(finding, waived_by=waiver.id)
                    used.add(waiver.id)
                    break
        out.append(finding)
    for waiver in expired:
        out.append(
            Finding(
                rule=EXPIRED.id,
                level=Level(policy.expired_level),
                component=ComponentId(waiver.component),
                message=f"waiver {waiver.id} ({waiver.rule} on {waiver.component}, approved by"
                f" {waiver.approved_by}) expired on {waiver.expires}: it no longer applies",
                facts={"waiver": waiver.id, "expires": waiver.expires, "source": waiver.source},
            )
        )
    unused = [w for w in active if w.id not in used]
    for waiver in unused:
        out.append(
            Finding(
                rule=UNUSED.id,
                level=Level.INFO,
                component=ComponentId(waiver.component),
                message=f"waiver {waiver.id} ({waiver.rule} on {waiver.component}) matched no"
                " finding",
                facts={"waiver": waiver.id, "source": waiver.source},
            )
        )
    applied = [w for w in active if w.id in used]
    return WaiverOutcome(out, applied, expired, unused, expiring)
