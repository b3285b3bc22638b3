"""Coding assistants in the BOM: a long history is capped there, and only there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gate.bom import cyclonedx
from gate.bom.cyclonedx import (
    BOM_MAX_ASSISTANT_COMMITS,
    BOM_MAX_ASSISTANT_PATHS,
    BOM_MAX_COMMIT_PATHS,
    write_bom,
)
from gate.model import Confidence, Evidence, EvidenceKind, Location, Project, Role
from gate.resolve.assemble import assemble

CID = "assistant:anthropic/claude-code"


def _commit_evidence(i: int, paths: list[str]) -> Evidence:
    sha = f"{i:040x}"
    entry = {
        "sha": sha,
        "date": f"2026-01-{1 + i // 1440:02d}T{(i // 60) % 24:02d}:{i % 60:02d}:00+00:00",
        "author": "Dev <dev@example.com>",
        "trailer": "Co-Authored-By: Claude <noreply@anthropic.com>",
        "signals": ["message line 3: Co-Authored-By: Claude <noreply@anthropic.com>"],
        "reviewed_by": [],
        "paths": paths,
    }
    return Evidence(
        source="assistants",
        kind=EvidenceKind.ASSISTANT_COMMIT,
        identity=CID,  # type: ignore[arg-type]
        role=Role.CODE_ASSISTANT,
        as_written=entry["trailer"],  # type: ignore[arg-type]
        location=Location(path="", commit=sha, context="message line 3"),
        confidence=Confidence.HIGH,
        attributes={
            "assistant": {
                "vendor": "Anthropic",
                "product": "Claude Code",
                "commits": [entry],
                "path_counts": dict.fromkeys(paths, 1),
            }
        },
    )


def _payload(doc: dict[str, Any]) -> dict[str, Any]:
    [comp] = [c for c in doc["components"] if c["bom-ref"] == CID]
    props = {p["name"]: p["value"] for p in comp["properties"]}
    payload: dict[str, Any] = json.loads(props["aigate:fact:assistant"])
    payload["_occurrences"] = len(comp["evidence"]["occurrences"])
    return payload


def test_a_long_history_is_capped_in_the_bom_only(tmp_path: Path) -> None:
    total = BOM_MAX_ASSISTANT_COMMITS + 50
    evidence = [_commit_evidence(i, [f"src/f{i}.py", "src/common.py"]) for i in range(total)]
    evidence.append(_commit_evidence(total, [f"big/{n}.py" for n in range(300)]))
    inventory = assemble(evidence, Project("p"))
    [comp] = inventory.components
    full = comp.properties["assistant"]
    assert full["commit_count"] == total + 1 and len(full["commits"]) == total + 1
    assert len(full["path_counts"]) == total + 1 + 300

    text = write_bom(inventory)
    assert cyclonedx.validate(text) is None
    capped = _payload(json.loads(text))
    assert capped["commit_count"] == total + 1  # the count stays exact
    assert len(capped["commits"]) == BOM_MAX_ASSISTANT_COMMITS
    assert capped["_occurrences"] == BOM_MAX_ASSISTANT_COMMITS
    assert len(capped["path_counts"]) == BOM_MAX_ASSISTANT_PATHS
    assert capped["path_counts"]["src/common.py"] == total  # the most touched path is kept
    assert capped["bom_cap"] == {
        "commits_total": total + 1,
        "commits_kept": BOM_MAX_ASSISTANT_COMMITS,
        "paths_total": total + 1 + 300,
        "paths_kept": BOM_MAX_ASSISTANT_PATHS,
        "commit_paths_max": BOM_MAX_COMMIT_PATHS,
    }
    # The most recent commits are kept, the oldest dropped.
    kept = {c["sha"] for c in capped["commits"]}
    assert f"{total:040x}" in kept and f"{0:040x}" not in kept
    [big] = [c for c in capped["commits"] if c["sha"] == f"{total:040x}"]
    assert len(big["paths"]) == BOM_MAX_COMMIT_PATHS and big["paths_total"] == 300
    # The inventory itself (policy input, JSON report) keeps everything.
    assert inventory.components[0].properties["assistant"] == full
    # Same input, same bytes.
    assert write_bom(inventory) == text


def test_a_short_history_is_written_whole() -> None:
    inventory = assemble([_commit_evidence(i, [f"f{i}.py"]) for i in range(3)], Project("p"))
    payload = _payload(json.loads(write_bom(inventory)))
    assert "bom_cap" not in payload and payload["commit_count"] == 3
    assert payload["_occurrences"] == 3
