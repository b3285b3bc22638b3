"""Helpers shared by the tests that scan a small tree written for them: write it, scan it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from gate import pipeline
from gate.model import Component


def write(root: Path, files: dict[str, str]) -> None:
    """Write `files` (relative path → text, dedented) under `root`."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def components(root: Path) -> dict[str, Component]:
    """The tree's scanned components by id, packages left out."""
    result = pipeline.scan(pipeline.ScanOptions(root=root, history="none"))
    return {c.id: c for c in result.inventory.components if not c.id.startswith("pkg:")}
