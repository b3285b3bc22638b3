"""Findings → Decision: pack modes and dates, waivers, verdict; and ``aigate.decision/v1`` JSON.

The JSON form is what ``--format json`` prints and what the evidence bundle stores; it reads
back into the same Decision (``from_json(to_json(d)) == d``), so ``aigate verify`` can
re-check a recorded decision.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from gate import __version__, facts, jsontext
from gate.errors import InputError
from gate.model import (
    Baseline,
    ComponentId,
    Decision,
    Finding,
    Level,
    Location,
    PolicyFile,
    RuleId,
    RuleMeta,
    Verdict,
    Waiver,
)
from gate.policy.findings import finding_sort_key
from gate.policy.packs import PolicySet
from gate.policy.waivers import BUILTIN_RULES, apply_waivers

SCHEMA = "aigate.decision/v1"
FAIL_ON = ("deny", "warn", "never")


def apply_modes(
    findings: Sequence[Finding], ps: PolicySet, today: date
) -> tuple[list[Finding], list[str]]:
    """Pack modes (``off`` drops, ``warn`` caps), level overrides and ``effective_on``."""
    out: list[Finding] = []
    notes: set[str] = set()
    for finding in findings:
        setting = ps.setting(finding.rule)
        if setting.mode == "off":
            continue
        level = Level(setting.level) if setting.level else finding.level
        if setting.mode == "warn" and level is Level.DENY:
            level = Level.WARN
        if (
            setting.effective_on
            and level is Level.DENY
            and today < date.fromisoformat(setting.effective_on)
        ):
            level = Level.WARN
            notes.add(
                f"{finding.rule} enforces from {setting.effective_on}; until then its"
                f" denials are warnings ({setting.source})"
            )
        out.append(replace(finding, level=level) if level is not finding.level else finding)
    return out, sorted(notes)


def verdict_of(findings: Sequence[Finding], fail_on: str) -> Verdict:
    """Fail on any un-waived deny (or warn, with ``--fail-on warn``); never with ``never``."""
    if fail_on == "never":
        return Verdict.PASS
    failing = {Level.DENY} if fail_on == "deny" else {Level.DENY, Level.WARN}
    if any(f.level in failing and f.waived_by is None for f in findings):
        return Verdict.FAIL
    return Verdict.PASS


def decide(
    findings: Sequence[Finding],
    ps: PolicySet,
    rules: Sequence[RuleMeta],
    waivers: Sequence[Waiver],
    *,
    today: date,
    fail_on: str,
    input_digest: str,
    notes: Sequence[str] = (),
) -> Decision:
    """The gate's answer for evaluated findings."""
    moded, mode_notes = apply_modes(findings, ps, today)
    outcome = apply_waivers(moded, waivers, ps.waiver_policy, today)
    ordered = sorted(outcome.findings, key=finding_sort_key)
    all_rules = {r.id: r for r in (*rules, *BUILTIN_RULES)}
    return Decision(
        verdict=verdict_of(ordered, fail_on),
        findings=tuple(ordered),
        fail_on=fail_on,
        policy_digest=ps.digest(),
        policy_sources=tuple(sorted(f.path for f in ps.files)),
        waivers_applied=tuple(outcome.applied),
        waivers_expired=tuple(outcome.expired),
        waivers_unused=tuple(outcome.unused),
        waivers_expiring=tuple(outcome.expiring),
        evaluated_on=today.isoformat(),
        notes=(*ps.notes, *notes, *mode_notes),
        rules=tuple(all_rules[k] for k in sorted(all_rules)),
        policy_files=tuple(sorted(ps.files, key=lambda f: (f.kind, f.path))),
        packs=tuple(ps.packs),
        input_digest=input_digest,
        aigate_version=__version__,
    )


# -- aigate.decision/v1


def _waiver(w: Waiver) -> dict[str, Any]:
    return {
        "id": w.id,
        "rule": w.rule,
        "component": w.component,
        "reason": w.reason,
        "approved_by": w.approved_by,
        "expires": w.expires,
        "created": w.created,
        "reference": w.reference,
        "source": w.source,
    }


def _rule(r: RuleMeta) -> dict[str, Any]:
    return {
        "id": r.id,
        "title": r.title,
        "description": r.description,
        "level": r.level,
        "severity": r.severity,
        "remediation": r.remediation,
        "regulation": r.regulation,
        "help_uri": r.help_uri,
        "source": r.source,
    }


def to_dict(d: Decision) -> dict[str, Any]:
    """The decision as an ``aigate.decision/v1`` document."""
    counts = {lvl.value: 0 for lvl in Level}
    for f in d.findings:
        if f.waived_by is None:
            counts[f.level.value] += 1
    counts["waived"] = sum(1 for f in d.findings if f.waived_by is not None)
    return {
        "schema": SCHEMA,
        "verdict": d.verdict.value,
        "fail_on": d.fail_on,
        "evaluated_on": d.evaluated_on,
        "aigate_version": d.aigate_version,
        "summary": counts,
        "policy": {
            "digest": d.policy_digest,
            "packs": list(d.packs),
            "files": [{"path": f.path, "sha256": f.sha256, "kind": f.kind} for f in d.policy_files],
            "sources": list(d.policy_sources),
        },
        "input": {"digest": d.input_digest},
        "findings": [
            {
                "rule": f.rule,
                "level": f.level.value,
                "component": f.component,
                "message": f.message,
                "evidence": [facts.location(e) for e in f.evidence],
                "facts": dict(f.facts),
                "waived_by": f.waived_by,
            }
            for f in d.findings
        ],
        "waivers": {
            "applied": [_waiver(w) for w in d.waivers_applied],
            "expired": [_waiver(w) for w in d.waivers_expired],
            "unused": [_waiver(w) for w in d.waivers_unused],
            "expiring": [_waiver(w) for w in d.waivers_expiring],
        },
        "rules": [_rule(r) for r in d.rules],
        "notes": list(d.notes),
        "baseline": _baseline(d.baseline),
    }


def _baseline(b: Baseline | None) -> dict[str, Any] | None:
    if b is None:
        return None
    return {"ref": b.ref, "new_only": b.new_only, "judged": b.judged, "dropped": b.dropped}


def _read_baseline(raw: Any) -> Baseline | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise TypeError("baseline must be an object or null")
    ref, new_only, judged, dropped = raw["ref"], raw["new_only"], raw["judged"], raw["dropped"]
    if (
        not isinstance(ref, str | None)
        or not isinstance(new_only, bool)
        or not (judged is None or (isinstance(judged, int) and not isinstance(judged, bool)))
        or not isinstance(dropped, int)
        or isinstance(dropped, bool)
    ):
        raise TypeError(f"baseline {dict(raw)!r}: ref, new_only, judged or dropped mistyped")
    return Baseline(ref=ref, new_only=new_only, judged=judged, dropped=dropped)


def to_json(d: Decision) -> str:
    """Deterministic JSON text of a decision (sorted keys, two-space indent, final newline)."""
    return jsontext.dumps(to_dict(d)) + "\n"


def from_json(text: str, source: str = "<decision>") -> Decision:
    """Read an ``aigate.decision/v1`` document back; a malformed one is an InputError."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(source, f"not JSON: {exc.msg}", line=exc.lineno) from exc
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise InputError(source, f"not an {SCHEMA} document")
    try:
        return _from_dict(doc)
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(source, f"malformed {SCHEMA} document: {exc!r}") from exc


def _from_dict(doc: Mapping[str, Any]) -> Decision:
    def waiver(w: Mapping[str, Any]) -> Waiver:
        return Waiver(
            id=w["id"],
            rule=w["rule"],
            component=w["component"],
            reason=w["reason"],
            approved_by=w["approved_by"],
            expires=w["expires"],
            reference=w.get("reference"),
            source=w.get("source"),
            created=w.get("created"),
        )

    policy = doc["policy"]
    waivers = doc["waivers"]
    return Decision(
        verdict=Verdict(doc["verdict"]),
        findings=tuple(
            Finding(
                rule=RuleId(f["rule"]),
                level=Level(f["level"]),
                component=ComponentId(f["component"]) if f["component"] is not None else None,
                message=f["message"],
                evidence=tuple(
                    Location(path=e["file"], line=e["line"], column=e["column"], commit=e["commit"])
                    for e in f["evidence"]
                ),
                facts=f["facts"],
                waived_by=f["waived_by"],
            )
            for f in doc["findings"]
        ),
        fail_on=doc["fail_on"],
        policy_digest=policy["digest"],
        policy_sources=tuple(policy["sources"]),
        waivers_applied=tuple(waiver(w) for w in waivers["applied"]),
        waivers_expired=tuple(waiver(w) for w in waivers["expired"]),
        waivers_unused=tuple(waiver(w) for w in waivers["unused"]),
        waivers_expiring=tuple(waiver(w) for w in waivers["expiring"]),
        evaluated_on=doc["evaluated_on"],
        notes=tuple(doc["notes"]),
        rules=tuple(
            RuleMeta(
                id=RuleId(r["id"]),
                title=r["title"],
                description=r["description"],
                level=r["level"],
                severity=r["severity"],
                remediation=r["remediation"],
                regulation=r["regulation"],
                help_uri=r["help_uri"],
                source=r["source"],
            )
            for r in doc["rules"]
        ),
        policy_files=tuple(
            PolicyFile(path=f["path"], sha256=f["sha256"], kind=f["kind"]) for f in policy["files"]
        ),
        packs=tuple(policy["packs"]),
        input_digest=doc["input"]["digest"],
        aigate_version=doc["aigate_version"],
        # Decisions written before the field existed have no key: no baseline was recorded.
        baseline=_read_baseline(doc.get("baseline")),
    )
