"""Flat CSV tables for auditors: findings, inventory and waivers, one row per thing.

The columns are stable (``*_COLUMNS`` below, documented in docs/evidence.md): new columns
are only ever added at the end. RFC 4180 CSV, UTF-8 without a byte-order mark, CRLF line
ends, every field quoted when needed. Cells that a spreadsheet would run as a formula (a
leading ``=``, ``+``, ``-``, ``@``, tab or carriage return) get a leading apostrophe: model
cards, file names and waiver reasons are attacker-controlled text (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence

from gate.model import Component, Decision, Finding, Inventory, Location, Waiver

FINDINGS_COLUMNS = (
    "rule",
    "level",
    "blocking",
    "component",
    "message",
    "waived_by",
    "waiver_approved_by",
    "waiver_expires",
    "file",
    "line",
    "column",
    "commit",
    "locations",
    "facts",
)
INVENTORY_COLUMNS = (
    "id",
    "role",
    "name",
    "group",
    "version",
    "purl",
    "pinned",
    "publisher",
    "publisher_country",
    "parent",
    "parent_country",
    "entity_listed",
    "served_by_host",
    "served_by_country",
    "licence",
    "licence_category",
    "lineage",
    "datasets",
    "sha256",
    "files",
    "risks",
    "evidence",
)
WAIVERS_COLUMNS = (
    "id",
    "status",
    "expiring_soon",
    "rule",
    "component",
    "approved_by",
    "reason",
    "created",
    "expires",
    "reference",
    "source",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _table(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def _place(loc: Location) -> str:
    where = loc.path or (f"commit {loc.commit}" if loc.commit else "")
    if loc.line:
        where += f":{loc.line}"
        if loc.column:
            where += f":{loc.column}"
    return where


def _blocking(finding: Finding, fail_on: str) -> bool:
    if finding.waived_by is not None or fail_on == "never":
        return False
    return finding.level.value == "deny" or (fail_on == "warn" and finding.level.value == "warn")


def findings_csv(decision: Decision) -> str:
    """One row per finding, in the decision's order (waived ones included, marked)."""
    waivers = {w.id: w for w in (*decision.waivers_applied, *decision.waivers_expired)}
    rows = []
    for f in decision.findings:
        first = f.evidence[0] if f.evidence else None
        waiver = waivers.get(f.waived_by) if f.waived_by else None
        rows.append(
            [
                f.rule,
                f.level.value,
                _blocking(f, decision.fail_on),
                f.component,
                f.message,
                f.waived_by,
                waiver.approved_by if waiver else None,
                waiver.expires if waiver else None,
                first.path if first else None,
                first.line if first else None,
                first.column if first else None,
                first.commit if first else None,
                "; ".join(_place(e) for e in f.evidence),
                json.dumps(dict(f.facts), sort_keys=True, ensure_ascii=False) if f.facts else None,
            ]
        )
    return _table(FINDINGS_COLUMNS, rows)


def _lineage(comp: Component) -> str:
    steps = []
    for anc in comp.lineage:
        country = anc.publisher.country if anc.publisher and anc.publisher.country else "?"
        steps.append(f"{anc.relation} of {anc.name} [{country}]")
    return " <- ".join(steps)


def _component_row(comp: Component) -> list[object]:
    pub, served, lic = comp.publisher, comp.served_by, comp.licence
    sha = sorted(
        {h.value for h in comp.hashes if h.alg == "SHA-256"}
        | {f.sha256 for f in comp.files if f.sha256}
    )
    return [
        comp.id,
        comp.role.value,
        comp.name,
        comp.group,
        comp.version,
        comp.purl,
        comp.pinned,
        pub.name if pub else None,
        pub.country if pub else None,
        pub.parent if pub else None,
        pub.parent_country if pub else None,
        pub.entity_listed if pub else None,
        served.host if served else None,
        served.country if served else None,
        lic.expression if lic else None,
        lic.category.value if lic else None,
        _lineage(comp),
        "; ".join(comp.datasets),
        "; ".join(sha),
        "; ".join(f.path for f in comp.files),
        "; ".join(f"{r.severity} {r.kind}: {r.detail}" for r in comp.risks),
        "; ".join(_place(e.location) for e in comp.evidence),
    ]


def inventory_csv(inventory: Inventory) -> str:
    """One row per component, in identity order."""
    comps = sorted(inventory.components, key=lambda c: c.id)
    return _table(INVENTORY_COLUMNS, (_component_row(c) for c in comps))


def _waiver_row(w: Waiver, status: str, expiring: bool) -> list[object]:
    return [
        w.id,
        status,
        expiring,
        w.rule,
        w.component,
        w.approved_by,
        w.reason,
        w.created,
        w.expires,
        w.reference,
        w.source,
    ]


def waivers_csv(decision: Decision) -> str:
    """One row per waiver: applied, expired or unused, and whether it expires soon."""
    expiring = {w.id for w in decision.waivers_expiring}
    rows = [
        _waiver_row(w, status, w.id in expiring)
        for status, group in (
            ("applied", decision.waivers_applied),
            ("expired", decision.waivers_expired),
            ("unused", decision.waivers_unused),
        )
        for w in group
    ]
    return _table(WAIVERS_COLUMNS, rows)
