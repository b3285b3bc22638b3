"""Views of ``properties.assistant.authored`` for the BOM and the reports.

The BOM keeps the attribution per assistant component, capped like its commit history (the
most-authored files, findings and egress first; totals stay exact and ``bom_cap`` says what
was cut). The reports share one section, "AI-authored code", built here as rows so each
renderer only lays them out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from gate.model import Component, Inventory, Role

BOM_MAX_FILES = 200
BOM_MAX_ITEMS = 200


def bom_authored(authored: Mapping[str, Any]) -> dict[str, Any]:
    """``authored`` as the BOM keeps it: every list capped, with the totals."""
    files = list(authored.get("files") or [])
    findings = list(authored.get("findings") or [])
    egress = list(authored.get("egress") or [])
    if (
        len(files) <= BOM_MAX_FILES
        and len(findings) <= BOM_MAX_ITEMS
        and len(egress) <= BOM_MAX_ITEMS
    ):
        return dict(authored)
    kept = sorted(files, key=lambda f: (-int(f.get("lines", 0)), str(f.get("path"))))[
        :BOM_MAX_FILES
    ]
    return {
        **authored,
        "files": sorted(kept, key=lambda f: (str(f.get("path")), str(f.get("model") or ""))),
        "findings": findings[:BOM_MAX_ITEMS],
        "egress": egress[:BOM_MAX_ITEMS],
        "bom_cap": {
            "files_total": len(files),
            "findings_total": len(findings),
            "egress_total": len(egress),
        },
    }


def _authored(comp: Component) -> Mapping[str, Any] | None:
    payload = comp.properties.get("assistant")
    if comp.role is not Role.CODE_ASSISTANT or not isinstance(payload, Mapping):
        return None
    authored = payload.get("authored")
    return authored if isinstance(authored, Mapping) else None


def section(inventory: Inventory) -> dict[str, Any] | None:
    """The "AI-authored code" section: per assistant and model, per path, and the findings.

    None when the scan found no AI-authored lines (or did not look).
    """
    assistants: list[dict[str, Any]] = []
    paths: dict[str, dict[str, Any]] = {}
    findings: list[dict[str, Any]] = []
    egress: list[dict[str, Any]] = []
    for comp in sorted(inventory.components, key=lambda c: c.id):
        authored = _authored(comp)
        if authored is None:
            continue
        country = comp.publisher.country if comp.publisher else None
        by_model: dict[str, int] = {}
        for f in authored.get("files") or []:
            by_model[str(f.get("model") or "model unknown")] = by_model.get(
                str(f.get("model") or "model unknown"), 0
            ) + int(f["lines"])
            row = paths.setdefault(
                str(f["path"]), {"path": f["path"], "lines": 0, "total": f["total"], "by": []}
            )
            row["lines"] += int(f["lines"])
            row["by"].append(comp.id)
        for model, count in sorted(by_model.items()):
            assistants.append(
                {"assistant": comp.id, "vendor_country": country, "model": model, "lines": count}
            )
        findings += [{**x, "assistant": comp.id} for x in authored.get("findings") or []]
        egress += [{**e, "assistant": comp.id} for e in authored.get("egress") or []]
    if not assistants:
        return None
    path_rows = []
    for row in sorted(paths.values(), key=lambda r: r["path"]):
        lines = min(int(row["lines"]), int(row["total"]) or int(row["lines"]))
        share = lines / int(row["total"]) if row["total"] else 0.0
        path_rows.append(
            {**row, "lines": lines, "share": round(share, 4), "by": sorted(set(row["by"]))}
        )
    return {
        "assistants": assistants,
        "paths": path_rows,
        "findings": sorted(findings, key=lambda x: (x["path"], x["line"], x["rule"])),
        "egress": sorted(egress, key=lambda e: (e["path"], e["line"], e["value"])),
    }


def text_lines(inventory: Inventory, limit: int = 20) -> list[str]:
    """The section as plain text lines (empty when there is nothing to say)."""
    sec = section(inventory)
    if sec is None:
        return []
    out = ["AI-authored code (lines at HEAD that coding assistants wrote):"]
    for a in sec["assistants"]:
        where = f" [{a['vendor_country']}]" if a["vendor_country"] else ""
        out.append(f"  {a['assistant']}{where}  {a['model']}: {a['lines']} line(s)")
    out.append("  share per path:")
    out += [_path_line(p) for p in _top(sec["paths"], limit)]
    if len(sec["paths"]) > limit:
        out.append(f"    ... and {len(sec['paths']) - limit} more")
    if sec["findings"]:
        out.append("  findings on AI-authored lines:")
        out += [
            f"    {x['severity']:<6} {x['path']}:{x['line']}  {x['rule']}  {x['message']}"
            for x in sec["findings"][:limit]
        ]
    if sec["egress"]:
        out.append("  network egress on AI-authored lines:")
        out += [_egress_line(e) for e in sec["egress"][:limit]]
    return [*out, ""]


def markdown_lines(inventory: Inventory, limit: int = 50, level: int = 3) -> list[str]:
    """The section as GitHub-flavoured Markdown lines (none when there is nothing to say)."""
    sec = section(inventory)
    if sec is None:
        return []
    out = [f"{'#' * level} AI-authored code", "", "| Assistant | Model | Lines |", "|---|---|---:|"]
    out += [f"| `{a['assistant']}` | {a['model']} | {a['lines']} |" for a in sec["assistants"]]
    out += ["", "| Path | AI lines | Share | By |", "|---|---:|---:|---|"]
    out += [
        f"| `{p['path']}` | {p['lines']}/{p['total']} | {p['share']:.0%} | {', '.join(p['by'])} |"
        for p in _top(sec["paths"], limit)
    ]
    if sec["findings"]:
        out += ["", "| Severity | Where | Rule | What |", "|---|---|---|---|"]
        out += [
            f"| {x['severity']} | `{x['path']}:{x['line']}` | `{x['rule']}` | {x['message']} |"
            for x in sec["findings"][:limit]
        ]
    if sec["egress"]:
        out += ["", "| Egress | Where | Operator | Country |", "|---|---|---|---|"]
        out += [
            f"| `{e['host']}` | `{e['path']}:{e['line']}` | {e.get('operator') or 'unknown'}"
            f" | {_country(e)} |"
            for e in sec["egress"][:limit]
        ]
    return [*out, ""]


def _top(rows: Sequence[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (-r["lines"], r["path"]))[:limit]


def _path_line(p: Mapping[str, Any]) -> str:
    return f"    {p['share']:>5.0%}  {p['lines']}/{p['total']}  {p['path']}  ({', '.join(p['by'])})"


def _country(e: Mapping[str, Any]) -> str:
    if e.get("local"):
        return "local"
    country = e.get("country") or "unknown"
    return f"{country} (guess: ccTLD)" if e.get("heuristic") else str(country)


def _egress_line(e: Mapping[str, Any]) -> str:
    return (
        f"    {e['path']}:{e['line']}  {e['host']}  {e.get('operator') or 'operator unknown'},"
        f" {_country(e)}"
    )


def html(inventory: Inventory) -> str:
    """The section as an HTML fragment (``""`` when there is nothing to say)."""
    sec = section(inventory)
    if sec is None:
        return ""

    def e(value: object) -> str:
        return escape(str(value), quote=True)

    rows = "".join(
        f"<tr><td><code>{e(a['assistant'])}</code></td><td>{e(a['model'])}</td>"
        f"<td>{e(a['lines'])}</td></tr>"
        for a in sec["assistants"]
    )
    paths = "".join(
        f"<tr><td><code>{e(p['path'])}</code></td><td>{e(p['lines'])}/{e(p['total'])}</td>"
        f"<td>{p['share']:.0%}</td><td>{e(', '.join(p['by']))}</td></tr>"
        for p in _top(sec["paths"], 100)
    )
    found = "".join(
        f"<tr><td>{e(x['severity'])}</td><td><code>{e(x['path'])}:{e(x['line'])}</code></td>"
        f"<td><code>{e(x['rule'])}</code></td><td>{e(x['message'])}</td></tr>"
        for x in sec["findings"][:200]
    )
    out = (
        "<h2>AI-authored code</h2><table><tr><th>Assistant</th><th>Model</th><th>Lines</th></tr>"
        f"{rows}</table><table><tr><th>Path</th><th>AI lines</th><th>Share</th><th>By</th></tr>"
        f"{paths}</table>"
    )
    if found:
        out += (
            "<table><tr><th>Severity</th><th>Where</th><th>Rule</th><th>What</th></tr>"
            f"{found}</table>"
        )
    if sec["egress"]:
        out += "<ul>" + "".join(
            f"<li>{e(_egress_line(x).strip())}</li>" for x in sec["egress"][:200]
        )
        out += "</ul>"
    return out
