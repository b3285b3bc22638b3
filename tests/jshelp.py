"""Helpers shared by the JS/TS front-end tests: analyse one source, scan a small tree."""

from __future__ import annotations

import textwrap
from pathlib import Path

from gate import pipeline
from gate.discover import javascript, refs
from gate.model import Evidence


def js(source: str, name: str = "app.ts") -> list[Evidence]:
    """The deduplicated evidence of one JS/TS/HTML source (dedented), analysed as `name`."""
    outcome = javascript.analyse_file(name, textwrap.dedent(source).encode())
    return refs.dedupe(outcome.evidence)


def listed_ids(found: list[Evidence]) -> list[tuple[str, int | None, bool]]:
    """(identity, line, whether the reference is a listed catalogue entry), sorted."""
    return sorted(
        (ev.identity, ev.location.line, ev.attributes.get("listed") is True) for ev in found
    )


def scan_tree(tmp_path: Path, files: dict[str, str]) -> list[Evidence]:
    """Write `files` (dedented) under `tmp_path`, scan it, and keep the model evidence
    (neither packages nor coding assistants)."""
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    result = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    return [ev for ev in result.evidence if not ev.identity.startswith(("pkg:", "assistant:"))]
