"""How ``aigate diff`` shows a BOM comparison: text for terminals, JSON for tools, Markdown
for pull requests and release notes. Each is a pure function of a :class:`InventoryDiff`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gate import jsontext
from gate.inventory_diff import Change, ComponentChange, InventoryDiff
from gate.model import Component
from gate.report import markdown as md

SCHEMA = "aigate.bom-diff/v1"
RELEVANT_MARK = "!"


def _who(comp: Component) -> str:
    pub = comp.publisher
    who = f"{pub.name} [{pub.country or '?'}]" if pub else "unknown publisher [?]"
    if comp.served_by:
        who += f", served from {comp.served_by.host} [{comp.served_by.country or '?'}]"
    licence = comp.licence.expression if comp.licence else "no licence stated"
    return f"{comp.role.value}; {who}; {licence}"


def describe(change: Change) -> str:
    """A change in one phrase, e.g. ``licence: apache-2.0 → cc-by-nc-4.0``."""
    about = f" {change.subject}" if change.subject else ""
    before, after = change.before, change.after
    if change.aspect.value.endswith(("-added", "-removed")):
        return f"{change.aspect.value}:{about}"
    return f"{change.aspect.value}{about}: {before or '(none)'} → {after or '(none)'}"


def _headline(d: InventoryDiff) -> str:
    relevant = len(d.introduced())
    return (
        f"aigate diff {d.base} → {d.head}: {len(d.added)} added, {len(d.removed)} removed,"
        f" {len(d.changed)} changed, {d.unchanged} unchanged;"
        f" {relevant} introduced or changed in a security-relevant way"
    )


def render_text(d: InventoryDiff) -> str:
    """Lines prefixed ``+`` added, ``-`` removed, ``~`` changed; ``!`` marks what matters."""
    lines = [_headline(d)]
    for comp in d.added:
        lines.append(f"+ {comp.id}  ({_who(comp)})")
    for comp in d.removed:
        lines.append(f"- {comp.id}")
    for change in d.changed:
        moved = f" (was {change.base_id})" if change.base_id != change.id else ""
        lines.append(f"~ {change.id}{moved}")
        for item in change.changes:
            mark = RELEVANT_MARK if item.relevant else " "
            lines.append(f"    {mark} {describe(item)}")
    return "\n".join(lines) + "\n"


def _component_json(comp: Component) -> dict[str, Any]:
    pub = comp.publisher
    return {
        "id": comp.id,
        "role": comp.role.value,
        "name": comp.name,
        "version": comp.version,
        "publisher": {"name": pub.name, "country": pub.country} if pub else None,
        "served_by": (
            {"host": comp.served_by.host, "country": comp.served_by.country}
            if comp.served_by
            else None
        ),
        "licence": comp.licence.expression if comp.licence else None,
        "lineage": [a.id for a in comp.lineage],
        "risks": [f"{r.kind}: {r.detail}" for r in comp.risks],
    }


def _change_json(change: ComponentChange) -> dict[str, Any]:
    return {
        "id": change.id,
        "base_id": change.base_id,
        "relevant": change.relevant,
        "changes": [
            {
                "aspect": c.aspect.value,
                "subject": c.subject,
                "before": c.before,
                "after": c.after,
                "relevant": c.relevant,
            }
            for c in change.changes
        ],
    }


def render_json(d: InventoryDiff) -> str:
    """``aigate.bom-diff/v1`` JSON, sorted keys, trailing newline."""
    doc = {
        "schema": SCHEMA,
        "base": d.base,
        "head": d.head,
        "summary": {
            "added": len(d.added),
            "removed": len(d.removed),
            "changed": len(d.changed),
            "unchanged": d.unchanged,
            "introduced": len(d.introduced()),
        },
        "added": [_component_json(c) for c in d.added],
        "removed": [_component_json(c) for c in d.removed],
        "changed": [_change_json(c) for c in d.changed],
        "introduced": sorted(d.introduced()),
    }
    return jsontext.dumps(doc) + "\n"


def render_markdown(d: InventoryDiff) -> str:
    """A section per kind of change, tables of components, ⚠️ on what matters."""
    lines = [f"## AI components: {md.text(d.base)} → {md.text(d.head)}", ""]
    lines += [
        f"**{len(d.added)} added, {len(d.removed)} removed, {len(d.changed)} changed,"
        f" {d.unchanged} unchanged**; {len(d.introduced())} introduced or changed in a"
        " security-relevant way.",
        "",
    ]
    header = ("Component", "Role", "Publisher", "Served from", "Licence", "Lineage")
    if d.added:
        lines += [f"### ➕ Added ({len(d.added)})", ""]
        lines += [*md.table(header, [md.component_row(c) for c in d.added]), ""]
    if d.removed:
        lines += [f"### ➖ Removed ({len(d.removed)})", ""]
        lines += [*md.table(header, [md.component_row(c) for c in d.removed]), ""]
    if d.changed:
        lines += [f"### ✏️ Changed ({len(d.changed)})", ""]
        rows = []
        for change in d.changed:
            name = md.code(change.id)
            if change.base_id != change.id:
                name += f"<br>was {md.code(change.base_id)}"
            what = "<br>".join(
                ("⚠️ " if c.relevant else "") + md.text(describe(c)) for c in change.changes
            )
            rows.append([name, what])
        lines += [*md.table(("Component", "Changes"), rows), ""]
    if not (d.added or d.removed or d.changed):
        lines += ["No AI component was added, removed or changed.", ""]
    return "\n".join(lines)


DIFF_FORMATS: dict[str, Callable[[InventoryDiff], str]] = {
    "text": render_text,
    "json": render_json,
    "markdown": render_markdown,
}
