"""Is a committed AI-BOM still what a fresh scan says? Compared without the facts that
change with every commit, so that the check is stable and still means something.

A BOM kept in a repository (aigate's own ``sboms/aigate.cdx.json``) cannot be byte-equal to
a fresh scan for long: the git history it reads grows with every commit, including the one
that updates the BOM. So both BOMs are compared as *snapshots*: the history's facts
(commits read, HEAD, range, assistant commits and components known only from commits) and
the counts of files read and of test files not read are set aside; every other fact
(components, origins, licences, lineage, hashes, evidence places, skipped files, registry and
tool versions) must match.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from gate.bom.cyclonedx import read_bom, write_bom
from gate.discover.refs import SET_ASIDE_FACT, SET_ASIDE_NOTE
from gate.model import JSON, Component, Evidence, Inventory

HISTORY_PROPERTY = "history"
"""The inventory property the history reader fills (range, commits read, HEAD ...)."""
HISTORY_NOTE = "history:"
ASSISTANT_FACT = "assistant"
ASSISTANT_HISTORY_KEYS = frozenset({"commits", "commit_count", "path_counts", "authored"})
"""Keys of an assistant's fact that count its commits; its config files stay compared."""


AUTHORED_PROPERTY = "ai_authored"
AUTHORED_NOTE = "AI-authored code:"
"""The lines at HEAD that assistants wrote move with the history too (gate/authored/)."""


def _from_history(evidence: Evidence) -> bool:
    if evidence.location.context == "authored":
        return True
    return not evidence.location.path and evidence.location.commit is not None


def _without_history(properties: Mapping[str, JSON]) -> dict[str, JSON]:
    kept = dict(properties)
    fact = kept.get(ASSISTANT_FACT)
    if isinstance(fact, Mapping):
        kept[ASSISTANT_FACT] = {k: v for k, v in fact.items() if k not in ASSISTANT_HISTORY_KEYS}
    return kept


def _component(comp: Component) -> Component | None:
    evidence = tuple(ev for ev in comp.evidence if not _from_history(ev))
    if comp.evidence and not evidence:
        return None  # known only from commits
    return replace(comp, evidence=evidence, properties=_without_history(comp.properties))


def _set_aside_folders(fact: JSON) -> JSON:
    """The set-aside fact without its file count, which changes with every test added."""
    if isinstance(fact, Mapping):
        return {k: v for k, v in fact.items() if k != "files"}
    return fact


def snapshot(inventory: Inventory) -> Inventory:
    """The inventory without history-derived facts and without the count of files read."""
    components = tuple(c for c in map(_component, inventory.components) if c is not None)
    properties = {
        k: v
        for k, v in inventory.properties.items()
        if k not in (HISTORY_PROPERTY, AUTHORED_PROPERTY)
    }
    if SET_ASIDE_FACT in properties:
        # What was set aside is compared by its folders, from the fact (the note, which says
        # the same for people with counts, is left out).
        properties[SET_ASIDE_FACT] = _set_aside_folders(properties[SET_ASIDE_FACT])
    return replace(
        inventory,
        components=components,
        files_scanned=0,
        notes=tuple(
            n
            for n in inventory.notes
            if not n.startswith((HISTORY_NOTE, AUTHORED_NOTE, SET_ASIDE_NOTE))
        ),
        properties=properties,
    )


def snapshot_text(path: Path) -> str:
    """A BOM file's snapshot as CycloneDX JSON text (read back, so both sides are alike)."""
    inventory, _ = read_bom(path)
    return write_bom(snapshot(inventory), fmt="json", spec="1.6")


def stale(committed: Path, fresh: Path) -> list[str]:
    """A unified diff of the two snapshots: empty when the committed BOM is up to date."""
    old = snapshot_text(committed).splitlines(keepends=True)
    new = snapshot_text(fresh).splitlines(keepends=True)
    return list(difflib.unified_diff(old, new, str(committed), f"{fresh} (fresh scan)"))
