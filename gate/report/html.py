"""report.html: one self-contained page an auditor can open, keep and print.

No external assets and no script: inline CSS, inline SVG bar charts, and a Content Security
Policy that forbids loading anything, so the page shows the same thing offline and years
later. Every value from the scan or the policy is escaped: model cards, file names and
waiver reasons are attacker-controlled text.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from html import escape

from gate import __version__
from gate.authored import summary as ai_summary
from gate.model import (
    JSON,
    Component,
    Decision,
    Finding,
    Inventory,
    Level,
    LicenceCategory,
    Provenance,
    RuleMeta,
    Verdict,
    Waiver,
)

NAME = "html"

PASS_COLOUR = "#1a7f37"
FAIL_COLOUR = "#cf222e"
COUNTRY_BAR = "#0969da"
CATEGORY_COLOURS: Mapping[str, str] = {
    LicenceCategory.PERMISSIVE.value: "#2da44e",
    LicenceCategory.WEAK_COPYLEFT.value: "#54aeff",
    LicenceCategory.COPYLEFT.value: "#0550ae",
    LicenceCategory.NON_COMMERCIAL.value: "#bf8700",
    LicenceCategory.RESEARCH_ONLY.value: "#fb8f44",
    LicenceCategory.RESTRICTED_USE.value: "#cf222e",
    LicenceCategory.PROPRIETARY.value: "#8250df",
    LicenceCategory.UNKNOWN.value: "#8c959f",
}

_CSS = f"""
body{{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;
background:#fff}}
main{{max-width:1100px;margin:0 auto;padding:0 24px 48px}}
h1{{font-size:22px;margin:24px 0 4px}} h2{{font-size:18px;margin:32px 0 8px;
border-bottom:1px solid #d0d7de;padding-bottom:4px}}
.meta{{color:#59636e;margin:0 0 16px}} code{{font:12px ui-monospace,monospace;
overflow-wrap:anywhere}}
.verdict{{color:#fff;padding:20px 24px;border-radius:6px;margin:16px 0}}
.verdict.pass{{background:{PASS_COLOUR}}} .verdict.fail{{background:{FAIL_COLOUR}}}
.verdict strong{{font-size:28px;letter-spacing:.04em;display:block}}
table{{border-collapse:collapse;width:100%;margin:8px 0}}
th,td{{text-align:left;vertical-align:top;padding:6px 8px;border-bottom:1px solid #d0d7de}}
th{{background:#f6f8fa;font-weight:600}}
.badge{{display:inline-block;padding:0 6px;border-radius:10px;font-size:12px;color:#fff}}
.deny{{background:{FAIL_COLOUR}}} .warn{{background:#9a6700}} .info{{background:#59636e}}
.waived{{background:#8c959f}}
ol.chain{{margin:4px 0 0;padding-left:20px}} ol.chain li{{margin:2px 0}}
.k{{color:#59636e}} .charts{{display:flex;flex-wrap:wrap;gap:24px}}
.chart{{flex:1 1 420px}} .lineage li{{margin:4px 0}}
@media print{{.verdict{{-webkit-print-color-adjust:exact;print-color-adjust:exact}}}}
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _country(code: str | None) -> str:
    return code if code else "unknown"


def _sources(provenance: Iterable[Provenance]) -> str:
    return "; ".join(str(p) for p in provenance)


def _component_label(comp: Component | None, cid: str | None) -> str:
    if comp is None:
        return f"<code>{_e(cid)}</code>" if cid else "the release as a whole"
    return f"<code>{_e(comp.id)}</code> ({_e(comp.role.value)})"


def _fact_text(value: JSON) -> tuple[str, str]:
    """A fact's value and its source, from the forms policies write facts in."""
    if isinstance(value, Mapping) and "value" in value:
        source = value.get("source") or value.get("sources") or ""
        if isinstance(source, list):
            source = "; ".join(str(s) for s in source)
        shown = value["value"]
        return (
            shown if isinstance(shown, str) else json.dumps(shown, sort_keys=True),
            str(source),
        )
    return (value if isinstance(value, str) else json.dumps(value, sort_keys=True), "")


def _component_facts(comp: Component, area: str) -> list[tuple[str, str, str]]:
    """What the component record says, for findings whose policy gave no facts."""
    facts: list[tuple[str, str, str]] = []
    if area == "jurisdiction":
        if comp.publisher:
            facts.append(
                (
                    "publisher",
                    f"{comp.publisher.name} [{_country(comp.publisher.country)}]",
                    _sources(comp.publisher.provenance),
                )
            )
        if comp.served_by:
            facts.append(
                (
                    "served from",
                    f"{comp.served_by.host} [{_country(comp.served_by.country)}]",
                    _sources(comp.served_by.provenance),
                )
            )
        for anc in comp.lineage:
            country = anc.publisher.country if anc.publisher else None
            facts.append(
                (
                    f"ancestor {anc.depth}",
                    f"{anc.name} [{_country(country)}]",
                    _sources(anc.provenance),
                )
            )
    elif area in ("licence", "license"):
        if comp.licence:
            facts.append(
                (
                    "licence",
                    f"{comp.licence.expression} ({comp.licence.category.value})",
                    _sources(comp.licence.provenance),
                )
            )
        else:
            facts.append(("licence", "none stated", ""))
    elif area == "integrity":
        facts.append(("pinned", str(comp.pinned).lower(), ""))
        facts.extend(("risk", f"{r.kind}: {r.detail}", str(r.location or "")) for r in comp.risks)
    return facts


def _area(rule: str) -> str:
    parts = rule.split(".")
    return parts[1] if len(parts) > 2 and parts[0] == "aigate" else parts[0]


def _chain(finding: Finding, comp: Component | None, meta: RuleMeta | None) -> str:
    """component → fact → source → rule, as an ordered list."""
    steps = [f"<li><span class=k>component</span> {_component_label(comp, finding.component)}</li>"]
    facts = [(k, *_fact_text(v)) for k, v in sorted(finding.facts.items())]
    if not facts and comp is not None:
        facts = _component_facts(comp, _area(finding.rule))
    for key, value, source in facts:
        steps.append(
            f"<li><span class=k>fact</span> <code>{_e(key)}</code> = {_e(value)}"
            + (f" <span class=k>source</span> {_e(source)}" if source else "")
            + "</li>"
        )
    if finding.evidence:
        where = ", ".join(f"<code>{_e(loc)}</code>" for loc in finding.evidence)
        steps.append(f"<li><span class=k>seen at</span> {where}</li>")
    rule = f"<code>{_e(finding.rule)}</code>"
    if meta is not None:
        rule += f" {_e(meta.title)}"
        if meta.regulation:
            rule += f" <span class=k>serves</span> {_e(meta.regulation)}"
        if meta.source:
            rule += f" <span class=k>defined in</span> <code>{_e(meta.source)}</code>"
    steps.append(f"<li><span class=k>rule</span> {rule}</li>")
    return "<ol class=chain>" + "".join(steps) + "</ol>"


def _blocking(finding: Finding, fail_on: str) -> bool:
    if finding.waived_by or fail_on == "never":
        return False
    return finding.level is Level.DENY or (fail_on == "warn" and finding.level is Level.WARN)


_LEVEL_ORDER = {Level.DENY: 0, Level.WARN: 1, Level.INFO: 2}


def _findings(decision: Decision, inventory: Inventory) -> str:
    if not decision.findings:
        return "<p>No findings.</p>"
    metas = {m.id: m for m in decision.rules}
    rows = []
    ordered = sorted(
        decision.findings,
        key=lambda f: (bool(f.waived_by), _LEVEL_ORDER[f.level], f.rule, f.component or ""),
    )
    for f in ordered:
        comp = inventory.component(f.component) if f.component else None
        if f.waived_by:
            status = f"<span class='badge waived'>waived</span> by <code>{_e(f.waived_by)}</code>"
        elif _blocking(f, decision.fail_on):
            status = "<strong>blocks the release</strong>"
        else:
            status = "does not gate"
        rows.append(
            "<tr>"
            f"<td><span class='badge {f.level.value}'>{_e(f.level.value)}</span></td>"
            f"<td>{_e(f.message)}{_chain(f, comp, metas.get(f.rule))}</td>"
            f"<td>{status}</td>"
            "</tr>"
        )
    return (
        "<table><thead><tr><th>Level</th><th>Finding and why</th><th>Status</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _waivers(decision: Decision) -> str:
    groups: Sequence[tuple[str, Sequence[Waiver]]] = (
        ("applied", decision.waivers_applied),
        ("expiring soon", decision.waivers_expiring),
        ("expired", decision.waivers_expired),
        ("unused", decision.waivers_unused),
    )
    rows = []
    for status, waivers in groups:
        for w in sorted(waivers, key=lambda w: (w.rule, w.component, w.id)):
            ref = f" ({_e(w.reference)})" if w.reference else ""
            where = f"<br><code>{_e(w.source)}</code>" if w.source else ""
            rows.append(
                "<tr>"
                f"<td>{_e(status)}</td><td><code>{_e(w.id)}</code></td>"
                f"<td><code>{_e(w.rule)}</code><br><code>{_e(w.component)}</code></td>"
                f"<td>{_e(w.approved_by)}</td><td>{_e(w.reason)}{ref}{where}</td>"
                f"<td>{_e(w.expires)}</td>"
                "</tr>"
            )
    if not rows:
        return "<p>No waivers.</p>"
    return (
        "<table><thead><tr><th>Status</th><th>Id</th><th>Rule / component</th>"
        "<th>Approved by</th><th>Reason</th><th>Expires</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _bars(title: str, counts: Counter[str], colour: Mapping[str, str] | str) -> str:
    """A horizontal bar chart as inline SVG, biggest first."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if not items:
        return f"<div class=chart><h3>{_e(title)}</h3><p>No components.</p></div>"
    width, label_w, row_h, bar_max = 460, 150, 26, 260
    top = max(counts.values())
    parts = [
        f"<svg role='img' width='{width}'"
        f" height='{row_h * len(items) + 8}' aria-label='{_e(title)}'>"
    ]
    for i, (label, n) in enumerate(items):
        y = 4 + i * row_h
        w = max(2, round(bar_max * n / top))
        fill = colour if isinstance(colour, str) else colour.get(label, "#8c959f")
        parts.append(
            f"<text x='{label_w - 8}' y='{y + 16}' text-anchor='end' font-size='13'"
            f" fill='#1f2328'>{_e(label)}</text>"
            f"<rect x='{label_w}' y='{y + 2}' width='{w}' height='{row_h - 8}' fill='{fill}'>"
            f"<title>{_e(label)}: {n}</title></rect>"
            f"<text x='{label_w + w + 6}' y='{y + 16}' font-size='13' fill='#1f2328'>{n}</text>"
        )
    parts.append("</svg>")
    return f"<div class=chart><h3>{_e(title)}</h3>{''.join(parts)}</div>"


def _charts(inventory: Inventory) -> str:
    countries: Counter[str] = Counter(
        _country(c.publisher.country if c.publisher else None) for c in inventory.components
    )
    categories: Counter[str] = Counter(
        (c.licence.category.value if c.licence else LicenceCategory.UNKNOWN.value)
        for c in inventory.components
    )
    return (
        "<div class=charts>"
        + _bars("Components by publisher country", countries, COUNTRY_BAR)
        + _bars("Components by licence category", categories, CATEGORY_COLOURS)
        + "</div>"
    )


def _lineage(inventory: Inventory) -> str:
    items = []
    for comp in inventory.components:
        if not comp.lineage:
            continue
        links = [f"<code>{_e(comp.id)}</code>"]
        for anc in sorted(comp.lineage, key=lambda a: a.depth):
            who = anc.publisher.name if anc.publisher else "unknown publisher"
            country = _country(anc.publisher.country if anc.publisher else None)
            learned = (
                f" <span class=k>({_e(_sources(anc.provenance))})</span>" if anc.provenance else ""
            )
            links.append(
                f"<span class=k>{_e(anc.relation)} of</span> <code>{_e(anc.name)}</code>"
                f" {_e(who)} [{_e(country)}]{learned}"
            )
        items.append("<li>" + " ← ".join(links) + "</li>")
    if not items:
        return "<p>No component declares a base model.</p>"
    return "<ul class=lineage>" + "".join(items) + "</ul>"


def _components(inventory: Inventory) -> str:
    rows = []
    for c in inventory.components:
        pub = (
            f"{_e(c.publisher.name)} [{_e(_country(c.publisher.country))}]"
            if c.publisher
            else "unknown"
        )
        served = (
            f"{_e(c.served_by.host)} [{_e(_country(c.served_by.country))}]" if c.served_by else ""
        )
        licence = (
            f"{_e(c.licence.expression)} ({_e(c.licence.category.value)})"
            if c.licence
            else "none stated"
        )
        pinned = {True: "yes", False: "no", None: "n/a"}[c.pinned]
        rows.append(
            f"<tr><td><code>{_e(c.id)}</code></td><td>{_e(c.role.value)}</td><td>{pub}</td>"
            f"<td>{served}</td><td>{licence}</td><td>{pinned}</td></tr>"
        )
    if not rows:
        return "<p>No AI components were found.</p>"
    return (
        "<table><thead><tr><th>Component</th><th>Role</th><th>Publisher</th><th>Served from</th>"
        "<th>Licence</th><th>Pinned</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def render(decision: Decision, inventory: Inventory) -> str:
    """The whole report as one HTML document."""
    passed = decision.verdict is Verdict.PASS
    deny = [f for f in decision.findings if f.level is Level.DENY]
    waived = sum(1 for f in deny if f.waived_by)
    warn = sum(1 for f in decision.findings if f.level is Level.WARN)
    project = inventory.project
    title = f"aigate evidence: {project.name}" + (f" {project.version}" if project.version else "")
    notes = "".join(f"<li>{_e(n)}</li>" for n in (*decision.notes, *inventory.notes))
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none';"
        " style-src 'unsafe-inline'; img-src data:\">"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>"
        f"<h1>{_e(title)}</h1>"
        f"<p class=meta>policy <code>{_e(decision.policy_digest)}</code>"
        f" · evaluated on {_e(decision.evaluated_on or 'an unrecorded date')}"
        f" · fails on {_e(decision.fail_on)} · aigate {_e(__version__)}</p>"
        f"<section id=verdict class='verdict {'pass' if passed else 'fail'}'>"
        f"<strong>{'PASS' if passed else 'FAIL'}</strong>"
        f"{len(inventory.components)} AI components · {len(deny)} deny ({waived} waived)"
        f" · {warn} warn · {len(decision.waivers_applied)} waivers applied"
        f" · {len(decision.waivers_expired)} expired</section>"
        f"<h2>Findings</h2>{_findings(decision, inventory)}"
        f"<h2>Waivers</h2>{_waivers(decision)}"
        f"<h2>Where the components come from</h2>{_charts(inventory)}"
        f"<h2>Lineage</h2>{_lineage(inventory)}"
        f"<h2>Components</h2>{_components(inventory)}"
        f"{ai_summary.html(inventory)}"
        + (f"<h2>Notes</h2><ul>{notes}</ul>" if notes else "")
        + "</main></body></html>\n"
    )
