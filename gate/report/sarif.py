"""SARIF 2.1.0 for GitHub code scanning and any other SARIF viewer.

One ``rules[]`` entry per policy rule (stable ids, descriptions, ``security-severity``), one
result per finding at its evidence file and line, waived findings as accepted external
suppressions, and the gate's exit code in ``invocations``. GitHub's ingestion rules shape
a few choices: every result carries a physical location (an unlocated result makes GitHub
reject the whole file), results are capped at its per-run limit, and fingerprints leave
line numbers out so that editing a file does not reopen its alerts.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

from gate import __version__, jsontext
from gate.model import Decision, Finding, Inventory, Level, Location, RuleId, RuleMeta, Waiver
from gate.report import view
from gate.report.base import exit_code

NAME = "sarif"

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFORMATION_URI = "https://github.com/aigate/aigate"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "aigateFinding/v1"

MAX_RESULTS = 25_000
"""GitHub rejects runs with more results; the ranking keeps the most serious ones."""
MAX_RELATED = 99
"""GitHub keeps 100 locations per result (one primary plus these)."""
MAX_TAGS = 20

_LEVEL = {Level.DENY: "error", Level.WARN: "warning", Level.INFO: "note"}
_LEVEL_BY_NAME = {level.value: sarif for level, sarif in _LEVEL.items()}
# GitHub's bands: >= 9.0 critical, 7.0-8.9 high, 4.0-6.9 medium, 0.1-3.9 low.
_SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}


def security_severity(severity: str) -> str:
    """The numeric string GitHub sorts security alerts by, for a rule severity."""
    return _SECURITY_SEVERITY.get(severity.lower(), _SECURITY_SEVERITY["medium"])


def fingerprint(finding: Finding, primary: Location | None) -> str:
    """Stable across runs: rule, component, file and message, but not the line.

    The message is part of it because one rule can report one component twice for
    different reasons (two ancestors from a denied country) in the same file.
    """
    parts = [
        finding.rule,
        finding.component or "",
        primary.path if primary else "",
        finding.message,
    ]
    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()


def _help(meta: RuleMeta) -> dict[str, str]:
    text = [meta.description or meta.title]
    markdown = [f"**{meta.title}**", "", meta.description or meta.title]
    if meta.remediation:
        text.append(f"Remediation: {meta.remediation}")
        markdown += ["", f"**Remediation:** {meta.remediation}"]
    if meta.regulation:
        text.append(f"Regulation: {meta.regulation}")
        markdown += ["", f"**Regulation:** {meta.regulation}"]
    if meta.source:
        text.append(f"Defined in: {meta.source}")
        markdown += ["", f"Defined in `{meta.source}`."]
    return {"text": "\n\n".join(text), "markdown": "\n".join(markdown)}


def _tags(meta: RuleMeta) -> list[str]:
    parts = meta.id.split(".")
    area = parts[1] if len(parts) > 2 and parts[0] == "aigate" else parts[0]
    tags = ["security", "ai-supply-chain", area, meta.severity.lower()]
    if meta.regulation:
        tags.append(meta.regulation)
    unique: list[str] = []
    for tag in tags:
        if tag and tag not in unique:
            unique.append(tag)
    return unique[:MAX_TAGS]


def _rule(meta: RuleMeta) -> dict[str, Any]:
    level = _LEVEL_BY_NAME.get(meta.level, "error")
    rule: dict[str, Any] = {
        "id": meta.id,
        "shortDescription": {"text": meta.title},
        "fullDescription": {"text": meta.description or meta.title},
        "help": _help(meta),
        "defaultConfiguration": {"level": level},
        "properties": {
            "security-severity": security_severity(meta.severity),
            "severity": meta.severity,
            "tags": _tags(meta),
        },
    }
    if meta.help_uri and meta.help_uri.startswith(("https://", "http://")):
        rule["helpUri"] = meta.help_uri
    return rule


def artifact_uri(path: str) -> str:
    """A repository-relative path as a relative URI reference (percent-encoded UTF-8).

    ``:`` is encoded too: in a first segment it would read as a URI scheme.
    """
    return quote(path, safe="/!$&'()*+,;=@~")


def _physical(loc: Location) -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": artifact_uri(loc.path), "uriBaseId": SRCROOT}
    }
    if loc.line is not None and loc.line >= 1:
        region: dict[str, int] = {"startLine": loc.line}
        if loc.column is not None and loc.column >= 1:
            region["startColumn"] = loc.column
        physical["region"] = region
    return physical


def _location(loc: Location, component: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"physicalLocation": _physical(loc)}
    if component:
        out["logicalLocations"] = [{"fullyQualifiedName": component, "kind": "module"}]
    if loc.context:
        out["message"] = {"text": loc.context}
    return out


def _result(
    finding: Finding,
    index: int,
    inventory: Inventory,
    waivers: dict[str, Waiver],
    fallback: str,
) -> dict[str, Any]:
    places = [loc for loc in view.places(finding, inventory, waivers) if loc.path]
    waiver = view.finding_waiver(finding, waivers)
    primary = places[0] if places else Location(fallback)
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": _LEVEL[finding.level],
        "message": {"text": finding.message},
        "locations": [_location(primary, finding.component)],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(finding, primary)},
    }
    related = places[1 : 1 + MAX_RELATED]
    if related:
        result["relatedLocations"] = [
            {"id": i + 1, "physicalLocation": _physical(loc)} for i, loc in enumerate(related)
        ]
    properties: dict[str, Any] = {"level": finding.level.value}
    if finding.component:
        properties["component"] = finding.component
    commit_list = view.commits(finding.evidence)
    if commit_list:
        properties["commits"] = commit_list
    if len(places) - 1 > MAX_RELATED:
        properties["locationsOmitted"] = len(places) - 1 - MAX_RELATED
    if finding.facts:
        properties["facts"] = finding.facts
    result["properties"] = properties
    if finding.waived_by is not None:
        suppression: dict[str, Any] = {"kind": "external", "status": "accepted"}
        if waiver is not None:
            suppression["justification"] = waiver.reason
            suppression["properties"] = {
                k: v
                for k, v in (
                    ("waiver", waiver.id),
                    ("approvedBy", waiver.approved_by),
                    ("expires", waiver.expires),
                    ("reference", waiver.reference),
                    ("source", waiver.source),
                )
                if v
            }
        else:
            suppression["justification"] = f"waived by {finding.waived_by}"
            suppression["properties"] = {"waiver": finding.waived_by}
        result["suppressions"] = [suppression]
    return result


def to_sarif(
    decision: Decision, inventory: Inventory, *, bom_path: str | None = None
) -> dict[str, Any]:
    """The SARIF log as a JSON-compatible dict.

    ``bom_path`` (repository-relative) is where a finding with no place in the tree is
    shown; without it such a finding points at the scanned root.
    """
    catalogue = view.rule_catalogue(decision)
    rule_ids: list[RuleId] = list(catalogue)
    position = {rid: i for i, rid in enumerate(rule_ids)}
    waivers = view.waiver_index(decision)
    findings = view.ranked(decision, catalogue)
    fallback = bom_path or view.repo_path(".", inventory.project.root)
    results = [
        _result(f, position[f.rule], inventory, waivers, fallback) for f in findings[:MAX_RESULTS]
    ]
    code = exit_code(decision)
    notifications = [{"level": "note", "message": {"text": note}} for note in decision.notes]
    if len(findings) > MAX_RESULTS:
        notifications.append(
            {
                "level": "warning",
                "message": {
                    "text": f"{len(findings) - MAX_RESULTS} lower-ranked findings are left out:"
                    f" GitHub accepts at most {MAX_RESULTS} results per run"
                },
            }
        )
    invocation: dict[str, Any] = {
        "executionSuccessful": True,
        "exitCode": code,
        "exitCodeDescription": "pass" if code == 0 else "policy failed",
    }
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    c = view.counts(decision)
    run_properties: dict[str, Any] = {
        "verdict": decision.verdict.value,
        "failOn": decision.fail_on,
        "policyDigest": decision.policy_digest,
        "policySources": list(decision.policy_sources),
        "evaluatedOn": decision.evaluated_on,
        "counts": {
            "deny": c.deny,
            "warn": c.warn,
            "info": c.info,
            "waived": c.waived,
            "expiredWaivers": c.expired_waivers,
        },
        "waivers": {
            "applied": sorted(w.id for w in decision.waivers_applied),
            "expired": sorted(w.id for w in decision.waivers_expired),
            "unused": sorted(w.id for w in decision.waivers_unused),
            "expiring": sorted(w.id for w in decision.waivers_expiring),
        },
        "project": {"name": inventory.project.name, "version": inventory.project.version},
        "components": len(inventory.components),
        "filesScanned": inventory.files_scanned,
        "filesSkipped": len(inventory.skipped),
    }
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "aigate",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(catalogue[rid]) for rid in rule_ids],
            }
        },
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": "The root of the repository that was checked."}}
        },
        "invocations": [invocation],
        "columnKind": "unicodeCodePoints",
        "results": results,
        "properties": run_properties,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(decision: Decision, inventory: Inventory, *, bom_path: str | None = None) -> str:
    """SARIF 2.1.0 JSON text (sorted keys, two-space indent, trailing newline)."""
    log = to_sarif(decision, inventory, bom_path=bom_path)
    return jsontext.dumps(log) + "\n"
