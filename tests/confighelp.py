"""Helpers shared by the tests of the configuration front end: write a small tree, read it."""

from __future__ import annotations

import textwrap
from pathlib import Path

from gate.discover import configs
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.model import Evidence


def scan(tmp_path: Path, files: dict[str, str]) -> tuple[list[Evidence], Tree]:
    """Write `files` (dedented) under `tmp_path`; the configuration front end's evidence
    of the tree, and the tree (its skips)."""
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    tree = Tree.walk(tmp_path)
    return list(configs.discover(tree, DiscoverContext())), tree


def located(found: list[Evidence]) -> set[tuple[str, str, int | None]]:
    """(identity, path, line) of each evidence item."""
    return {(ev.identity, ev.location.path, ev.location.line) for ev in found}
