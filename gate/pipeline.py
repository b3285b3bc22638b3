"""The main loop: tree → evidence → inventory → (BOM, decision). The CLI only calls this.

Each stage is a function of typed values, so it can be run alone: ``scan`` stops after the
inventory; ``check`` starts from a scan or from a BOM file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from gate.discover.base import DiscoverContext
from gate.discover.registry import SOURCES
from gate.discover.tree import Tree, WalkOptions
from gate.model import Evidence, Inventory, Project
from gate.progress import NullObserver, Observer
from gate.resolve.assemble import assemble


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """What to scan and how."""

    root: Path
    include_tests: bool = False
    history: str | None = None
    """Git range for assistant attribution (``all``, ``none``, ``A..B``; None: since last tag)."""
    online: bool = False
    """Ask the Hugging Face Hub for facts the registry and cache lack."""
    cache_dir: Path | None = None
    registry_files: tuple[Path, ...] = ()
    """User registry files that add or override publishers, endpoints, ..."""
    walk: WalkOptions = field(default_factory=WalkOptions)
    hash_workers: int = 0
    observer: Observer = field(default_factory=NullObserver)
    project_name: str | None = None
    project_version: str | None = None


@dataclass(frozen=True, slots=True)
class ScanResult:
    """An inventory and the evidence behind it."""

    inventory: Inventory
    evidence: tuple[Evidence, ...]


def discover(
    tree: Tree, ctx: DiscoverContext, names: Sequence[str] | None = None
) -> list[Evidence]:
    """Run the discovery sources (all, or those named) over a walked tree."""
    found: list[Evidence] = []
    for name, fn in SOURCES:
        if names is not None and name not in names:
            continue
        found.extend(fn(tree, ctx))
    return found


def scan(options: ScanOptions) -> ScanResult:
    """Walk, discover, assemble and resolve: the inventory of AI in a tree."""
    tree = Tree.walk(options.root, options.walk)
    ctx = DiscoverContext(
        include_tests=options.include_tests,
        history=options.history,
        hash_workers=options.hash_workers,
        observer=options.observer,
    )
    evidence = discover(tree, ctx)
    root_name = options.root.resolve().name if options.root.is_dir() else options.root.name
    project = Project(
        name=options.project_name or root_name or "project",
        version=options.project_version,
    )
    inventory = assemble(
        evidence,
        project,
        skipped=tree.skipped,
        files_scanned=len(tree.files),
        notes=ctx.facts.notes,
        properties=ctx.facts.properties,
    )
    inventory = resolve(inventory, options)
    return ScanResult(inventory=inventory, evidence=tuple(evidence))


def resolve(inventory: Inventory, options: ScanOptions) -> Inventory:
    """Give every component its publisher, country, lineage and licence (with sources)."""
    try:
        from gate.resolve import origins  # type: ignore[attr-defined,unused-ignore]
    except ImportError:  # pragma: no cover - until the resolver lands
        return inventory
    resolved: Inventory = origins.resolve(
        inventory,
        origins.ResolveOptions(
            registry_files=options.registry_files,
            online=options.online,
            cache_dir=options.cache_dir,
            observer=options.observer,
        ),
    )
    return resolved


def with_notes(inventory: Inventory, notes: Sequence[str]) -> Inventory:
    """The inventory with further scan notes."""
    return replace(inventory, notes=(*inventory.notes, *notes))
