"""The ``text`` format: the verdict first, then what blocks the release, component by component.

Written for a terminal or a CI log (lines of at most 120 characters, wrapped, never cut):
one block per component with its failing facts merged per rule, then the warnings the same
way, waived items one line each, the fix once per rule, and the verdict again last. Every
finding in full is in ``check --verbose`` (:mod:`gate.report.text_full`), JSON and SARIF.
Colour only when asked (the CLI asks on a terminal without ``NO_COLOR``).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping, Sequence

from gate.authored import summary as ai_summary
from gate.model import Decision, Inventory, Location, RuleId, RuleMeta, Verdict, Waiver
from gate.report import components as cv
from gate.report import view

NAME = "text"
WIDTH = 120
_SHOWN_PLACES = 3
_SHOWN_SKIPPED = 5

_CODES = {"fail": "1;31", "pass": "1;32", "deny": "31", "warn": "33", "dim": "2", "bold": "1"}

Paint = Callable[[str, str], str]


def _plain(text: str, _style: str) -> str:
    return text


def _ansi(text: str, style: str) -> str:
    return f"\x1b[{_CODES[style]}m{text}\x1b[0m" if text else text


def verdict_line(decision: Decision) -> str:
    """``verdict: FAIL: 2 deny, 1 warn, 3 info (1 waived); failing on deny``."""
    c = view.counts(decision)
    word = "PASS" if decision.verdict is Verdict.PASS else "FAIL"
    return (
        f"verdict: {word}: {c.deny} deny, {c.warn} warn, {c.info} info ({c.waived} waived);"
        f" failing on {decision.fail_on}"
    )


def skipped_lines(inventory: Inventory) -> list[str]:
    """What the scan could not read, whatever the policy made of it: it was not judged."""
    skipped = sorted(inventory.skipped, key=lambda s: s.path)
    if not skipped:
        return []
    lines = [
        f"scan: {len(skipped)} file(s) or folder(s) not read, so not judged (the BOM lists"
        " each: property aigate:skipped):"
    ]
    lines.extend(f"  - {s.path}: {s.reason}" for s in skipped[:_SHOWN_SKIPPED])
    if len(skipped) > _SHOWN_SKIPPED:
        lines.append(f"  (+{len(skipped) - _SHOWN_SKIPPED} more)")
    return lines


def _wrap(text: str, indent: int, hang: int) -> list[str]:
    """Wrapped at WIDTH with a hanging indent; long words (paths, ids) are never split."""
    if indent + len(text) <= WIDTH and "\n" not in text:
        return [" " * indent + text]  # the common case, without textwrap's cost
    return textwrap.wrap(
        text,
        WIDTH,
        initial_indent=" " * indent,
        subsequent_indent=" " * hang,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [" " * indent]


def _places(places: Sequence[Location], root: str) -> list[str]:
    """Places as the scan saw them (relative to the scanned folder, like the BOM)."""
    prefix = view.repo_path("", root).rstrip("/") + "/" if view.repo_path("", root) else ""
    shown = [view.shown(p) for p in places]
    return [s.removeprefix(prefix) if prefix != "/" else s for s in shown if s]


def _heading(item: cv.ComponentFindings, root: str, brief: bool) -> str:
    """``name (role, publisher [CC]) at place (+N more)``; a weight file is its own place.
    ``brief`` (the component was shown in an earlier section): the name alone."""
    comp = item.component
    if brief or comp is None:
        return item.name
    about = ", ".join(a for a in (comp.role.value, cv.publisher_text(comp)) if a)
    head = f"{item.name} ({about})"
    where = _places(item.places, root)
    if where and where != [item.name.split(" [sha256:")[0]]:
        more = f" (+{len(where) - 1} more)" if len(where) > 1 else ""
        head += f" at {where[0]}{more}"
    return head


def _block(item: cv.ComponentFindings, paint: Paint, mark: str, style: str, head: str) -> list[str]:
    width = max(len(g.rule) for g in item.groups)
    if len(item.groups) == 1:
        g = item.groups[0]
        if len(f"  {mark} {head}: {g.rule}: {g.phrase}") <= WIDTH:
            return [f"  {paint(mark, style)} {head}: {g.rule}: {g.phrase}"]
    wrapped = _wrap(head, 4, 6)
    lines = [f"  {paint(mark, style)} {wrapped[0][4:]}", *wrapped[1:]]
    for g in item.groups:
        lines.extend(_wrap(f"{g.rule.ljust(width)}  {g.phrase}", 6, 8 + width))
    return lines


def _section(
    title: str,
    items: list[cv.ComponentFindings],
    paint: Paint,
    mark: str,
    style: str,
    *,
    root: str,
    shown: set[str | None],
) -> list[str]:
    if not items:
        return []
    out = [paint(f"{title} ({len(items)} component{'s' if len(items) != 1 else ''}):", style)]
    # Components already described above whose only finding here is one rule with the same
    # phrase share one line: "! integrity.unpinned-revision: revision pinned: no: a, b, c".
    shared: dict[tuple[str, str], list[str]] = {}
    for item in items:
        if item.id in shown and len(item.groups) == 1:
            g = item.groups[0]
            shared.setdefault((g.rule, g.phrase), []).append(_heading(item, root, brief=True))
    for item in items:
        if item.id in shown and len(item.groups) == 1:
            key = (item.groups[0].rule, item.groups[0].phrase)
            names = shared.pop(key, None)
            if names is None:
                continue  # already listed with the first of its kind
            if len(names) > 1:
                text = f"{key[0]}: {key[1]}: {', '.join(names)}"
                wrapped = _wrap(text, 4, 6)
                out.append(f"  {paint(mark, style)} {wrapped[0][4:]}")
                out.extend(wrapped[1:])
                continue
        head = _heading(item, root, brief=item.id in shown)
        out.extend(_block(item, paint, mark, style, head))
        shown.add(item.id)
    return [*out, ""]


def _rule_list(rids: list[str]) -> str:
    """``jurisdiction.parent-country, publisher-country; licence.unknown``: an area once."""
    areas: dict[str, list[str]] = {}
    for rid in sorted(rids):
        area, _, name = rid.rpartition(".")
        areas.setdefault(area, []).append(name)
    return "; ".join(
        f"{area}.{', '.join(names)}" if area else ", ".join(names) for area, names in areas.items()
    )


def _waived(items: list[cv.ComponentFindings]) -> list[str]:
    """One line per component and waiver: ``name  WVR-1 (expires …): rule, rule``."""
    rows: dict[tuple[str, str], list[str]] = {}
    expiry: dict[str, str] = {}
    for item in items:
        for g in item.groups:
            wid = g.waiver.id if g.waiver else "waived"
            expiry[wid] = f" (expires {g.waiver.expires})" if g.waiver else ""
            rows.setdefault((item.name, wid), []).append(g.rule)
    if not rows:
        return []
    total = sum(len(g.findings) for item in items for g in item.groups)
    out = [f"Waived ({total} findings; each in full with --verbose or --format json):"]
    for (name, wid), rids in sorted(rows.items()):
        out.extend(_wrap(f"- {name}: {wid}{expiry[wid]}: {_rule_list(rids)}", 2, 6))
    return [*out, ""]


def _info(per_rule: Mapping[RuleId, int]) -> list[str]:
    if not per_rule:
        return []
    parts = ", ".join(
        f"{rid} on {n} component{'s' if n != 1 else ''}" for rid, n in per_rule.items()
    )
    return [*_wrap(f"Info: {parts} (shown with --verbose)", 0, 2), ""]


def _fixes(sections: cv.Sections, rules: dict[str, RuleMeta]) -> list[str]:
    seen: list[str] = []
    for item in (*sections.blocking, *sections.warnings):
        for g in item.groups:
            if g.rule not in seen:
                seen.append(g.rule)
    lines = []
    for rid in sorted(seen):
        meta = rules.get(rid)
        if meta is not None and meta.remediation:
            lines.extend(_wrap(f"{rid}: {meta.remediation}", 2, 4))
    return ["How to fix:", *lines, ""] if lines else []


def _waiver_list(title: str, waivers: Sequence[Waiver]) -> list[str]:
    if not waivers:
        return []
    out = [title]
    for w in waivers:
        ref = f" [{w.reference}]" if w.reference else ""
        out.extend(
            _wrap(
                f"- {w.id}: {w.rule} on {w.component}; approved by {w.approved_by};"
                f" expires {w.expires}{ref}",
                2,
                4,
            )
        )
    return [*out, ""]


def render(decision: Decision, inventory: Inventory, *, colour: bool = False) -> str:
    """The decision for a release engineer: verdict, what blocks, what warns, what is waived."""
    paint: Paint = _ansi if colour else _plain
    rules = {str(rid): meta for rid, meta in view.rule_catalogue(decision).items()}
    parts = cv.sections(decision, inventory, info_in_full=False)
    failed = decision.verdict is Verdict.FAIL
    packs = ", ".join(decision.packs) or "none"
    digest = decision.policy_digest.removeprefix("sha256:")
    out = [
        paint(verdict_line(decision), "fail" if failed else "pass"),
        *_wrap(
            f"{inventory.project.name}: {len(inventory.components)} components judged by pack"
            f" {packs} on {decision.evaluated_on}; policy sha256:{digest[:16]}",
            0,
            2,
        ),
        *skipped_lines(inventory),
        "",
    ]
    audit = decision.fail_on == "never"
    title = "Would block the release (audit mode)" if audit else "Blocks the release"
    shown: set[str | None] = set()
    root = inventory.project.root
    out += _section(title, parts.blocking, paint, "x", "deny", root=root, shown=shown)
    # Under --fail-on warn the warnings are in the blocking section already.
    out += _section("Warnings", parts.warnings, paint, "!", "warn", root=root, shown=shown)
    out += _info(parts.info_counts)
    out += _waived(parts.waived)
    out += _fixes(parts, rules)
    out += _waiver_list("Waivers expired (no longer applied):", decision.waivers_expired)
    out += _waiver_list("Waivers unused:", decision.waivers_unused)
    out += _waiver_list("Waivers expiring soon:", decision.waivers_expiring)
    if not decision.findings:
        out += ["No findings.", ""]
    out.extend(ai_summary.text_lines(inventory))
    for note in decision.notes:
        out.extend(_wrap(f"note: {note}", 0, 2))
    out.append(paint(verdict_line(decision), "fail" if failed else "pass"))
    return "\n".join(out) + "\n"
