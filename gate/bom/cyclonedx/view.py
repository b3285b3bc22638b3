"""What of a component goes into a BOM: a coding assistant's commit history is capped."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from gate.authored.summary import bom_authored
from gate.model import Component, EvidenceKind, Role

BOM_MAX_ASSISTANT_COMMITS = 100
"""Commits of one coding assistant kept in the BOM (the most recent; the count stays exact)."""
BOM_MAX_ASSISTANT_PATHS = 100
"""Paths of one coding assistant's ``path_counts`` kept in the BOM (the most touched)."""
BOM_MAX_COMMIT_PATHS = 20
"""Paths listed per kept commit in the BOM."""


def _newest_first(commit: Mapping[str, Any]) -> tuple[float, str]:
    try:
        stamp = datetime.fromisoformat(str(commit.get("date"))).timestamp()
    except ValueError:
        stamp = float("-inf")
    return (-stamp, str(commit.get("sha", "")))


def _cap_commit(commit: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(commit)
    paths = out.get("paths")
    if isinstance(paths, list) and len(paths) > BOM_MAX_COMMIT_PATHS:
        out["paths"] = paths[:BOM_MAX_COMMIT_PATHS]
        out["paths_total"] = len(paths)
    return out


def _cap_payload(
    payload: Mapping[str, Any], keep: set[str] | None, paths_max: int = BOM_MAX_ASSISTANT_PATHS
) -> dict[str, Any]:
    out = dict(payload)
    commits = [c for c in out.get("commits") or [] if isinstance(c, Mapping)]
    if keep is not None:
        commits = [c for c in commits if c.get("sha") in keep]
    out["commits"] = [_cap_commit(c) for c in commits]
    counts = out.get("path_counts")
    if isinstance(counts, Mapping) and len(counts) > paths_max:
        top = sorted(counts.items(), key=lambda kv: (-int(kv[1]), str(kv[0])))
        out["path_counts"] = dict(sorted(top[:paths_max]))
    return out


def bom_view(comp: Component) -> Component:
    """What of a component goes into the BOM: a coding assistant's history is capped.

    A long history must not make a huge BOM: the BOM keeps the most recent
    :data:`BOM_MAX_ASSISTANT_COMMITS` commits (and their evidence), the
    :data:`BOM_MAX_ASSISTANT_PATHS` most touched paths and :data:`BOM_MAX_COMMIT_PATHS`
    paths per commit, and says so in ``bom_cap`` with the totals. ``commit_count`` stays
    exact; the inventory, the policy input and the JSON report keep everything.
    """
    payload = comp.properties.get("assistant")
    if comp.role is not Role.CODE_ASSISTANT or not isinstance(payload, Mapping):
        return comp
    if isinstance(payload.get("authored"), Mapping):
        # The AI-authored lines ride along, capped the same way (gate/authored/summary.py).
        payload = {**payload, "authored": bom_authored(payload["authored"])}
        comp = replace(comp, properties={**comp.properties, "assistant": payload})
    commits = [c for c in payload.get("commits") or [] if isinstance(c, Mapping)]
    counts = payload.get("path_counts") or {}
    too_long = any(len(c.get("paths") or ()) > BOM_MAX_COMMIT_PATHS for c in commits)
    if (
        len(commits) <= BOM_MAX_ASSISTANT_COMMITS
        and len(counts) <= BOM_MAX_ASSISTANT_PATHS
        and not too_long
    ):
        return comp
    kept = {
        str(c.get("sha")) for c in sorted(commits, key=_newest_first)[:BOM_MAX_ASSISTANT_COMMITS]
    }
    capped = _cap_payload(payload, kept)
    capped["bom_cap"] = {
        "commits_total": len(commits),
        "commits_kept": len(capped["commits"]),
        "paths_total": len(counts),
        "paths_kept": len(capped.get("path_counts") or {}),
        "commit_paths_max": BOM_MAX_COMMIT_PATHS,
    }
    evidence = []
    for ev in comp.evidence:
        if ev.kind is EvidenceKind.ASSISTANT_COMMIT:
            if ev.location.commit not in kept:
                continue
            inner = ev.attributes.get("assistant")
            if isinstance(inner, Mapping):
                ev = replace(
                    ev,
                    attributes={
                        **ev.attributes,
                        "assistant": _cap_payload(inner, None, BOM_MAX_COMMIT_PATHS),
                    },
                )
        evidence.append(ev)
    return replace(
        comp,
        properties={**comp.properties, "assistant": capped},
        evidence=tuple(evidence),
    )
