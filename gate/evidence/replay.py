"""Replaying the gate from a bundle: where its policy copies are, and how what the replay
renders differs from what the bundle records. The replay itself runs the pipeline's check
(:func:`gate.pipeline.evidence.replay`), which calls these."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gate.evidence.bundle import DECISION, POLICY, SHIPPED, read_text, render_views, safe_relative
from gate.model import Decision, Inventory
from gate.policy import decision as decisions
from gate.policy import packs
from gate.report import html


@dataclass(frozen=True, slots=True)
class ReplayPolicy:
    """The bundle's policy as ``check`` takes it: the layout of its copies, the ``--policy``
    arguments and the waiver files, each a path inside the bundle."""

    layout: packs.Layout
    arguments: tuple[str, ...]
    waivers: tuple[Path, ...]


def replay_layout(root: Path, policy: Mapping[str, Any]) -> ReplayPolicy:
    """Where the manifest's ``policy`` section says the copies are (never outside ``root``)."""
    layout = packs.Layout(
        shipped=root / SHIPPED,
        local=root / safe_relative(str(policy["working_directory"]), what="working_directory"),
        confine=root / POLICY,
    )
    arguments = [
        str(root / safe_relative(str(a), what="policy argument")) for a in policy["arguments"]
    ]
    waivers = [root / safe_relative(str(w), what="waiver file") for w in policy["waivers"]]
    return ReplayPolicy(layout, tuple(arguments), tuple(waivers))


def compare_views(
    root: Path, decision: Decision, inventory: Inventory, now: str, context: html.AuditContext
) -> list[str]:
    """What differs between the bundle's files and what the replayed decision renders to."""
    problems: list[str] = []
    views = render_views(decision, inventory, now, context)
    recorded = read_text(root / DECISION)
    if recorded != views[DECISION]:
        problems.append(_decision_difference(recorded, decision))
    for name, text in sorted(views.items()):
        if name == DECISION:
            continue
        if read_text(root / name) != text:
            problems.append(
                f"{name} is not what this decision and BOM render to (edited after export?)"
            )
    return problems


def recorded_baseline(path: Path) -> str | None:
    """How decision.json describes its baseline (``--baseline``), or None when it has none."""
    text = read_text(path)
    try:
        doc = json.loads(text) if text is not None else None
    except json.JSONDecodeError:
        return None  # the replay names an unreadable decision.json
    raw = doc.get("baseline") if isinstance(doc, dict) else None
    if raw is None:
        return None
    if isinstance(raw, dict):
        ref = raw.get("ref") or "(none found)"
        narrowed = "new components only" if raw.get("new_only") else "all components"
        return f"{ref} ({narrowed})"
    return repr(raw)


def _decision_difference(recorded: str | None, replayed: Decision) -> str:
    """Name the first thing that differs between decision.json and the replayed decision."""
    if recorded is None:
        return f"{DECISION} is missing or not UTF-8"
    try:
        old = json.loads(recorded)
    except json.JSONDecodeError:
        return f"{DECISION} is not JSON"
    new = decisions.to_dict(replayed)
    if not isinstance(old, dict):
        return f"{DECISION} is not a decision document"
    if old.get("verdict") != new["verdict"]:
        return (
            f"replaying the policy gives verdict {new['verdict']!r}, but {DECISION} records"
            f" {old.get('verdict')!r}"
        )
    if old.get("findings") != new["findings"]:
        old_f, new_f = old.get("findings") or [], new["findings"]
        for a, b in zip(old_f, new_f, strict=False):
            if a != b:
                return (
                    f"replaying the policy gives a different finding: {b.get('rule')} on"
                    f" {b.get('component')} ({b.get('level')}, waived by {b.get('waived_by')}),"
                    f" where {DECISION} records {a.get('rule') if isinstance(a, dict) else a!r}"
                    f" on {a.get('component') if isinstance(a, dict) else '?'}"
                    f" ({a.get('level') if isinstance(a, dict) else '?'}, waived by"
                    f" {a.get('waived_by') if isinstance(a, dict) else '?'})"
                )
        return f"replaying the policy gives {len(new_f)} findings, {DECISION} records {len(old_f)}"
    for key in sorted(new):
        if old.get(key) != new[key]:
            return f"replaying the policy gives a different {key!r} than {DECISION} records"
    return f"{DECISION} is not byte-for-byte what the replayed decision serialises to"
