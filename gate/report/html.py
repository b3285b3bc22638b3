"""report.html: one self-contained page an auditor can open, keep and print.

No external assets and no script: inline CSS, inline SVG bar charts, and a Content Security
Policy that forbids loading anything, so the page shows the same thing offline and years
later. Every value from the scan or the policy is escaped: model cards, file names and
waiver reasons are attacker-controlled text.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

from gate import __version__, ci
from gate.authored import summary as ai_summary
from gate.model import (
    JSON,
    Decision,
    Inventory,
    Level,
    LicenceCategory,
    Location,
    RuleMeta,
    Verdict,
    Waiver,
)
from gate.report import components as cv
from gate.report import view

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
main{{max-width:1200px;margin:0 auto;padding:0 24px 48px}}
h1{{font-size:22px;margin:24px 0 4px}} h2{{font-size:18px;margin:32px 0 8px;
border-bottom:1px solid #d0d7de;padding-bottom:4px}} h3{{font-size:16px;margin:24px 0 8px}}
code{{font:12px ui-monospace,monospace;overflow-wrap:anywhere}} code.id{{color:#59636e}}
a{{color:#0969da}}
.verdict{{color:#fff;padding:16px 24px;border-radius:6px;margin:16px 0 8px;font-size:16px}}
.verdict.pass{{background:{PASS_COLOUR}}} .verdict.fail{{background:{FAIL_COLOUR}}}
.verdict strong{{font-size:28px;letter-spacing:.04em;display:block}}
table{{border-collapse:collapse;width:100%;margin:8px 0}}
th,td{{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid #d0d7de}}
th{{background:#f6f8fa;font-weight:600}} table.summary th{{width:130px}}
td{{overflow-wrap:break-word}} #components td:first-child{{width:24%}}
@media (max-width:900px){{#components{{font-size:12px}} #components td,#components th{{padding:4px}}
main{{padding:0 12px 32px}}}}
th button{{font:inherit;background:none;border:0;padding:0;cursor:pointer;color:inherit}}
th[aria-sort=ascending] button::after{{content:" ▲"}}
th[aria-sort=descending] button::after{{content:" ▼"}}
.badge{{display:inline-block;padding:0 6px;border-radius:10px;font-size:12px;color:#fff;
white-space:nowrap}}
.deny{{background:{FAIL_COLOUR}}} .warn{{background:#9a6700}} .info{{background:#59636e}}
.waived{{background:#8c959f}} .ok{{background:{PASS_COLOUR}}}
article.component{{border:1px solid #d0d7de;border-radius:6px;padding:4px 12px;margin:10px 0;
break-inside:avoid}}
article h4.name{{margin:8px 0}} .rule h4{{margin:8px 0 2px;font-size:14px}}
.rule{{border-top:1px solid #eaeef2;padding:2px 0 6px 10px;border-left:4px solid #8c959f}}
.r-deny{{border-left-color:{FAIL_COLOUR}}} .r-warn{{border-left-color:#9a6700}}
.facts{{margin:2px 0;font-weight:600}} .seen{{margin:2px 0 6px}}
dl{{display:grid;grid-template-columns:110px 1fr;gap:2px 12px;margin:4px 0}}
dt{{color:#59636e}} dd{{margin:0}}
.k{{color:#59636e;font-weight:400}} .charts{{display:flex;flex-wrap:wrap;gap:24px}}
.chart{{flex:1 1 420px}}
@media print{{
body{{font-size:10pt}} #components{{font-size:9pt}} main{{max-width:none;padding:0}}
.verdict,.badge{{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
th button{{pointer-events:none}} tr,article.component{{break-inside:avoid}}
h2,h3{{break-after:avoid}} a{{color:inherit;text-decoration:none}}
}}
"""


_SPECIAL = re.compile("[&<>\"']")


def _e(value: object) -> str:
    # Most texts hold nothing to escape: one search instead of escape's five replaces
    # (a quarter of the report's time at 20,000 findings).
    text = value if type(value) is str else str(value)
    return text if _SPECIAL.search(text) is None else escape(text, quote=True)


def _country(code: str | None) -> str:
    return code if code else "unknown"


@dataclass(frozen=True, slots=True)
class AuditContext:
    """What the page says about the run beyond the decision: where the code lives, which
    commit, who signed, how to verify. Every field is optional; a missing one is said so."""

    repository: str | None = None
    """The repository's web URL (``https://github.com/acme/app``): evidence links use it."""
    ref: str | None = None
    sha: str | None = None
    run_url: str | None = None
    signing: str | None = None
    """``key``, ``sigstore`` or ``none``; None when the page is not part of a bundle."""
    verify: str | None = None
    """The command an auditor runs to check the signatures."""

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> AuditContext:
        """The repository, ref and commit GitHub Actions names (nothing outside Actions)."""
        repo = ci.github_repository_url(environ)
        if repo is None:
            return cls()
        return cls(
            repository=repo,
            ref=environ.get("GITHUB_REF") or None,
            sha=environ.get("GITHUB_SHA") or None,
            run_url=ci.github_run_url(environ),
        )


_SORT_SCRIPT = (
    "document.querySelectorAll('table.sortable').forEach(function(t){"
    "t.querySelectorAll('th').forEach(function(th,i){"
    "var b=document.createElement('button');b.type='button';b.textContent=th.textContent;"
    "th.textContent='';th.appendChild(b);"
    "b.addEventListener('click',function(){"
    "var asc=th.getAttribute('aria-sort')!=='ascending';"
    "t.querySelectorAll('th').forEach(function(h){h.removeAttribute('aria-sort');});"
    "th.setAttribute('aria-sort',asc?'ascending':'descending');"
    "var rows=Array.prototype.slice.call(t.tBodies[0].rows);"
    "rows.sort(function(x,y){var a=x.cells[i].getAttribute('data-key')||x.cells[i].textContent,"
    "c=y.cells[i].getAttribute('data-key')||y.cells[i].textContent;"
    "return (asc?1:-1)*a.localeCompare(c,undefined,{numeric:true});});"
    "rows.forEach(function(r){t.tBodies[0].appendChild(r);});});});});"
)
"""Sorting the component table by a click on a column; without it the table stays in its
default order (most serious first). Allowed by its hash in the page's CSP, nothing else runs."""

SCRIPT_HASH = base64.b64encode(hashlib.sha256(_SORT_SCRIPT.encode()).digest()).decode()


def _link(url: str | None, text: str) -> str:
    """A link only to an https URL; anything else is shown as text."""
    if url and url.startswith("https://") and not any(ch in url for ch in " <>\"'`"):
        return f"<a href='{_e(url)}'>{_e(text)}</a>"
    return _e(text)


def _code_link(loc: Location, context: AuditContext | None) -> str:
    """``path:line`` linked to the repository at the scanned commit when its URL is known."""
    label = view.shown(loc)
    if context is None or not context.repository or not loc.path:
        return f"<code>{_e(label)}</code>"
    rev = context.sha or (context.ref or "").removeprefix("refs/heads/").removeprefix("refs/tags/")
    if not rev:
        return f"<code>{_e(label)}</code>"
    url = f"{context.repository.rstrip('/')}/blob/{quote(rev)}/{quote(loc.path)}"
    if loc.line:
        url += f"#L{loc.line}"
    return f"<code>{_link(url, label)}</code>"


def _sources(facts: Mapping[str, JSON]) -> list[str]:
    raw = facts.get("sources")
    out: list[str] = []
    if isinstance(raw, list):
        for item in raw:
            if isinstance(item, Mapping):
                src, detail = str(item.get("source", "")), str(item.get("detail", ""))
                out.append(f"{src}: {detail}" if detail else src)
            elif isinstance(item, str):
                out.append(item)
    return list(dict.fromkeys(out))


_STATUS = {
    "blocks": ("blocks the release", "deny"),
    "warn": ("warning", "warn"),
    "info": ("information", "info"),
    "waived": ("waived", "waived"),
    "ok": ("no finding", "ok"),
}
_STATUS_ORDER = {"blocks": "0", "warn": "1", "waived": "2", "info": "3", "ok": "4"}


def _statuses(parts: cv.Sections) -> dict[str | None, str]:
    status: dict[str | None, str] = {}
    for name, items in (
        ("info", parts.info),
        ("waived", parts.waived),
        ("warn", parts.warnings),
        ("blocks", parts.blocking),
    ):
        for item in items:
            status[item.id] = name
    return status


def _summary(
    decision: Decision, inventory: Inventory, context: AuditContext | None, parts: cv.Sections
) -> str:
    c = view.counts(decision)
    passed = decision.verdict is Verdict.PASS
    project = inventory.project
    digest = decision.policy_digest.removeprefix("sha256:")
    packs = ", ".join(decision.packs) or "none named"
    ctx = context or AuditContext()
    repo = _link(ctx.repository, ctx.repository) if ctx.repository else "not recorded"
    commit = f"<code>{_e(ctx.sha)}</code>" if ctx.sha else "not recorded"
    if ctx.signing in (None, ""):
        signed = (
            "This page is not signed by itself. In an evidence bundle it is listed with its"
            " SHA-256 in <code>manifest.json</code>, whose signature"
            " <code>aigate verify &lt;bundle&gt; --key aigate.pub</code> (or"
            " <code>--certificate-identity … --certificate-oidc-issuer …</code> for keyless"
            " signatures) checks."
        )
    elif ctx.signing == "none":
        signed = "<strong>Unsigned</strong>: nothing vouches for who produced this evidence."
    else:
        how = {"key": "with a private key", "sigstore": "keylessly through Sigstore"}
        signed = f"Signed {_e(how.get(ctx.signing, ctx.signing))}."
    if ctx.verify:
        signed += f" Verify with <code>{_e(ctx.verify)}</code>."
    rows = [
        (
            "Findings",
            f"{c.deny} deny, {c.warn} warn, {c.info} info, {c.waived} waived;"
            f" {len(parts.blocking)} component(s) block the release",
        ),
        (
            "Project",
            _e(project.name + (f" {project.version}" if project.version else ""))
            + f" ({len(inventory.components)} AI components)",
        ),
        ("Repository", repo),
        ("Ref", f"<code>{_e(ctx.ref)}</code>" if ctx.ref else "not recorded"),
        ("Commit", commit),
        ("Judged on", _e(decision.evaluated_on or "an unrecorded date")),
        (
            "Policy",
            f"packs {_e(packs)}, fail on {_e(decision.fail_on)};"
            f" digest <code>sha256:{_e(digest)}</code>",
        ),
        ("Signature", signed),
        ("aigate", _e(decision.aigate_version or __version__)),
    ]
    if ctx.run_url:
        rows.insert(6, ("CI run", _link(ctx.run_url, ctx.run_url)))
    body = "".join(f"<tr><th scope=row>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return (
        f"<section id=verdict class='verdict {'pass' if passed else 'fail'}'>"
        f"<strong>{'PASS' if passed else 'FAIL'}</strong>"
        f"{_e(view.verdict_sentence(decision))}</section>"
        f"<table class=summary><tbody>{body}</tbody></table>"
    )


def _components(inventory: Inventory, parts: cv.Sections) -> str:
    if not inventory.components:
        return "<p>No AI components were found.</p>"
    status = _statuses(parts)
    rows: list[tuple[tuple[str, str], str]] = []
    for comp in inventory.components:
        state = status.get(comp.id, "ok")
        word, cls = _STATUS[state]
        pub = comp.publisher
        name = cv.display_name(comp.id, comp)
        served = (
            f"{comp.served_by.host} [{comp.served_by.country or '?'}]" if comp.served_by else ""
        )
        licence = (
            f"{comp.licence.expression} ({comp.licence.category.value})"
            if comp.licence
            else "none stated"
        )
        anchor = f"c-{_anchor(comp.id)}"
        link = f"<a href='#{anchor}'>{_e(name)}</a>" if state != "ok" else _e(name)
        ident = f"<br><code class=id>{_e(comp.id)}</code>" if name != comp.id else ""
        row = (
            f"<tr><td data-key='{_e(name)}'><code>{link}</code>{ident}</td>"
            f"<td>{_e(comp.role.value)}</td>"
            f"<td>{_e(pub.name if pub else 'unknown')}</td>"
            f"<td>{_e(pub.country if pub and pub.country else 'unknown')}</td>"
            f"<td>{_e(served)}</td><td>{_e(cv.lineage_text(comp))}</td><td>{_e(licence)}</td>"
            f"<td data-key='{_STATUS_ORDER[state]}{_e(name)}'>"
            f"<span class='badge {cls}'>{_e(word)}</span></td></tr>"
        )
        rows.append(((_STATUS_ORDER[state], name), row))
    rows.sort(key=lambda r: r[0])
    head = "".join(
        f"<th scope=col>{h}</th>"
        for h in (
            "Component",
            "Role",
            "Publisher",
            "Country",
            "Served from",
            "Lineage",
            "Licence",
            "Status",
        )
    )
    return (
        f"<table id=components class=sortable><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(r[1] for r in rows)}</tbody></table>"
    )


_NOT_ANCHOR = re.compile(r"[^\w.-]")


def _anchor(text: str) -> str:
    return _NOT_ANCHOR.sub("-", text)


def _waiver_text(w: Waiver | None, wid: str | None) -> str:
    if w is None:
        return f"waived by <code>{_e(wid)}</code>" if wid else ""
    ticket = f", ticket {_link(w.reference, w.reference)}" if w.reference else ""
    return (
        f"waived by <a href='#w-{_anchor(w.id)}'><code>{_e(w.id)}</code></a>, approved by"
        f" {_e(w.approved_by)}{ticket}, expires {_e(w.expires)}: {_e(w.reason)}"
    )


def _group(
    g: cv.RuleGroup,
    shared: tuple[Location, ...],
    meta: RuleMeta | None,
    inventory: Inventory,
    context: AuditContext | None,
    waivers: dict[str, Waiver],
) -> str:
    title = meta.title if meta else g.rule
    parts = [
        f"<div class='rule r-{g.level.value}'><h4><span class='badge {g.level.value}'>"
        f"{_e(g.level.value)}</span> {_e(title)} <code>{_e(g.rule)}</code></h4>",
        f"<p class=facts>{_e(g.phrase)}</p>",
    ]
    dl = []
    if meta is not None and meta.description:
        dl.append(("Rule", _e(meta.description)))
    if meta is not None and meta.regulation:
        dl.append(("Regulation", _e(meta.regulation)))
    messages = list(dict.fromkeys(f.message for f in g.findings))
    if messages != [g.phrase]:
        dl.append(("Why", "<br>".join(_e(m) for m in messages)))
    sources = list(dict.fromkeys(s for f in g.findings for s in _sources(f.facts)))
    if sources:
        dl.append(("Sources", "<br>".join(_e(s) for s in sources)))
    shown = g.places
    if shown and shown != shared:
        dl.append(("Evidence", ", ".join(_code_link(loc, context) for loc in shown)))
    if meta is not None and meta.remediation and g.level is not Level.INFO:
        dl.append(("Remediation", _e(meta.remediation)))
    if g.findings[0].waived_by:
        dl.append(("Waiver", _waiver_text(g.waiver, g.findings[0].waived_by)))
    parts.append("<dl>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in dl) + "</dl></div>")
    return "".join(parts)


def _findings(
    decision: Decision, inventory: Inventory, context: AuditContext | None, parts: cv.Sections
) -> str:
    if not decision.findings:
        return "<p>No findings.</p>"
    rules = view.rule_catalogue(decision)
    waivers = view.waiver_index(decision)
    blocking = {item.id for item in parts.blocking}
    out = []
    for title, items in (
        ("Blocks the release", parts.blocking),
        ("Warnings", parts.warnings),
        ("Waived", parts.waived),
        ("Information", parts.info),
    ):
        if not items:
            continue
        out.append(f"<h3>{_e(title)} ({len(items)} component{'s' if len(items) != 1 else ''})</h3>")
        for item in items:
            comp = item.component
            about = (
                f" <span class=k>{_e(comp.role.value)}, {_e(cv.publisher_text(comp))}</span>"
                if comp is not None
                else ""
            )
            body = "".join(
                _group(g, item.places, rules.get(g.rule), inventory, context, waivers)
                for g in item.groups
            )
            if item.places:
                seen = ", ".join(_code_link(loc, context) for loc in item.places)
                body = f"<p class=seen><span class=k>Evidence:</span> {seen}</p>{body}"
            anchor = f" id='c-{_anchor(item.id)}'" if item.id and title != "Waived" else ""
            if item.id and title != "Blocks the release" and item.id in blocking:
                anchor = ""
            out.append(
                f"<article class=component{anchor}><h4 class=name><code>{_e(item.name)}</code>"
                f"{about}</h4>{body}</article>"
            )
    return "".join(out)


def _waivers(decision: Decision) -> str:
    groups: Sequence[tuple[str, Sequence[Waiver]]] = (
        ("applied", decision.waivers_applied),
        ("expiring soon", decision.waivers_expiring),
        ("expired", decision.waivers_expired),
        ("unused", decision.waivers_unused),
    )
    rows = []
    seen: set[str] = set()
    for status, waivers in groups:
        for w in sorted(waivers, key=lambda w: (w.rule, w.component, w.id)):
            if w.id in seen and status == "expiring soon":
                continue
            anchor = "" if w.id in seen else f" id='w-{_anchor(w.id)}'"
            seen.add(w.id)
            soon = status == "applied" and any(x.id == w.id for x in decision.waivers_expiring)
            ticket = _link(w.reference, w.reference) if w.reference else ""
            where = f"<br><code>{_e(w.source)}</code>" if w.source else ""
            rows.append(
                f"<tr{anchor}>"
                f"<td>{_e(status + (', expiring soon' if soon else ''))}</td>"
                f"<td><code>{_e(w.id)}</code></td>"
                f"<td><code>{_e(w.rule)}</code><br><code>{_e(w.component)}</code></td>"
                f"<td>{_e(w.approved_by)}</td><td>{_e(w.reason)}{where}</td>"
                f"<td>{ticket}</td><td>{_e(w.expires)}</td>"
                "</tr>"
            )
    if not rows:
        return "<p>No waivers.</p>"
    return (
        "<table><thead><tr><th>Status</th><th>Id</th><th>Rule / component</th>"
        "<th>Approved by</th><th>Reason</th><th>Ticket</th><th>Expires</th></tr></thead>"
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


def render(decision: Decision, inventory: Inventory, *, context: AuditContext | None = None) -> str:
    """The whole report as one HTML document."""
    parts = cv.sections(decision, inventory)
    project = inventory.project
    title = f"aigate audit report: {project.name}" + (
        f" {project.version}" if project.version else ""
    )
    notes = "".join(f"<li>{_e(n)}</li>" for n in (*decision.notes, *inventory.notes))
    skipped = "".join(
        f"<li><code>{_e(s.path)}</code>: {_e(s.reason)}</li>"
        for s in sorted(inventory.skipped, key=lambda s: s.path)
    )
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none';"
        f" style-src 'unsafe-inline'; script-src 'sha256-{SCRIPT_HASH}'\">"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>"
        f"<h1>{_e(title)}</h1>"
        f"{_summary(decision, inventory, context, parts)}"
        f"<h2>Components</h2>{_components(inventory, parts)}"
        f"<h2>Findings by component</h2>{_findings(decision, inventory, context, parts)}"
        f"<h2>Waivers</h2>{_waivers(decision)}"
        f"<h2>Where the components come from</h2>{_charts(inventory)}"
        f"{ai_summary.html(inventory)}"
        + (
            f"<h2>Not read by the scan</h2><p>These were not judged.</p><ul>{skipped}</ul>"
            if skipped
            else ""
        )
        + (f"<h2>Notes</h2><ul>{notes}</ul>" if notes else "")
        + f"</main><script>{_SORT_SCRIPT}</script></body></html>\n"
    )
