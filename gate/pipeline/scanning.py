"""Scan: tree → evidence → inventory (with origins), or a BOM read as the gate judges it."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate import registry, workspace
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree, WalkOptions
from gate.errors import BomError
from gate.model import Evidence, Inventory, Project
from gate.progress import NullObserver, Observer
from gate.recognise import knowledge
from gate.recognise.core import endpoints_apart, local_served_as_deployed, with_user_endpoints
from gate.recognise.envdefaults import env_defaults_as_configured, env_files_as_called
from gate.recognise.project import served_in_project
from gate.resolve import origins, packages
from gate.resolve.assemble import assemble


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """What to scan and how."""

    root: Path
    include_tests: bool = False
    history: str | None = None
    """Git range for assistant attribution (``all``, ``none``, ``A..B``; None: since last tag)."""
    history_from: tuple[Path, str] | None = None
    """Read history from this folder of a repository at this commit (a baseline's tree)."""
    online: bool = False
    """Ask the Hugging Face Hub for facts the registry and cache lack."""
    cache_dir: Path | None = None
    registry_files: tuple[Path, ...] = ()
    """User registry files that add or override publishers, endpoints, ..."""
    review_rules: tuple[Path, ...] = ()
    """The user's own Semgrep rule files, run with aigate's on AI-authored lines."""
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
    # The sources (every parser of every format, 0.15 s) load when a tree is scanned, not
    # when a BOM is read.
    from gate.discover import loaders, scanning
    from gate.discover.sources import EARLY, SOURCES

    found: list[Evidence] = []
    with loaders.parses_shared():  # a file two sources read is parsed once
        # Sources with pool work submit it first and are finished last (this process runs
        # the others meanwhile); each one's evidence keeps its place.
        early = {n: begin(tree, ctx) for n, begin in EARLY if names is None or n in names}
        parts: list[Callable[[], Iterable[Evidence]]] = []
        with scanning.beside_workers():  # their files wait behind no early source's batches
            for name, fn in SOURCES:
                if names is not None and name not in names:
                    continue
                if name in early:
                    parts.append(early[name]())
                else:
                    parts.append(_given(list(fn(tree, ctx))))
        for part in parts:
            found.extend(part())
    return found


def _given(found: list[Evidence]) -> Callable[[], list[Evidence]]:
    return lambda: found


def scan(options: ScanOptions) -> ScanResult:
    """Walk, discover, assemble and resolve: the inventory of AI in a tree."""
    from gate.discover import scanning

    tree = Tree.walk(options.root, options.walk)
    ctx = DiscoverContext(
        include_tests=options.include_tests,
        history=options.history,
        history_from=options.history_from,
        review_rules=options.review_rules,
        hash_workers=options.hash_workers,
        observer=options.observer,
    )
    kn = knowledge(options.registry_files)
    # What is loaded by now (modules, the knowledge, the walked tree) lives as long as the
    # scan: frozen, the cyclic collector does not walk it again at each full collection the
    # scan's allocations trigger (one took 0.13-0.16 s on diffusers and freed nothing), nor
    # in the workers forked from this process.
    gc.freeze()
    try:
        found = discover(tree, ctx)
    finally:
        scanning.release_pool()
        gc.unfreeze()
    configured_env = env_defaults_as_configured(with_user_endpoints(found, kn))
    placed = local_served_as_deployed(env_files_as_called(configured_env, kn))
    evidence, configured = endpoints_apart(served_in_project(placed, kn), kn)
    if configured:
        ctx.facts.set("endpoints", configured)
        ctx.facts.note(_endpoints_note(configured))
    root_name = options.root.resolve().name if options.root.is_dir() else options.root.name
    project = Project(
        name=options.project_name or root_name or "project",
        version=options.project_version,
        root=workspace.place(tree.root),
    )
    inventory = assemble(
        evidence,
        project,
        skipped=tree.skipped,
        files_scanned=len(tree.files),
        notes=[*tree.notes, *ctx.facts.notes],
        properties=ctx.facts.properties,
    )
    inventory = with_origins(inventory, options)
    return ScanResult(inventory=inventory, evidence=tuple(evidence))


def _endpoints_note(records: Sequence[Mapping[str, Any]]) -> str:
    shown = ", ".join(
        f"{r['host']} ({r['provider']}{', ' + str(r['country']) if r.get('country') else ''})"
        for r in records
    )
    return f"endpoints configured with no model in view (recorded, no model assumed): {shown}"


def with_origins(inventory: Inventory, options: ScanOptions) -> Inventory:
    """Give every component its publisher, country, lineage and licence (with sources)."""
    resolved = origins.resolve_inventory(
        inventory,
        origins.ResolveOptions(
            registry_files=options.registry_files,
            online=options.online,
            cache_dir=options.cache_dir,
            observer=options.observer,
        ),
    )
    # SDK packages: origins leaves pkg: components alone; their publishers are registry facts.
    return packages.with_package_publishers(resolved, registry.load(options.registry_files))


def load_bom(path: Path, options: ScanOptions) -> tuple[Inventory, list[str]]:
    """A BOM as the gate judges it: what it states, plus what aigate resolves for the
    components another tool made (registry, user registry files, Hub cache); aigate's own
    components are kept exactly as written. Warnings say what the BOM lacked and what is
    still unknown."""
    from gate.bom.cyclonedx import read_bom_detail

    read = read_bom_detail(path)
    if not read.inventory.components and not read.inventory.files_scanned:
        # A document that lists nothing and records no scan that found nothing is evidence
        # of nothing: judged, it would pass any policy. It is an error, not a verdict.
        raise BomError(
            path,
            "lists no components and records no scan that looked and found none"
            " (aigate:files-scanned): an empty document is evidence of nothing, so it is"
            " not judged",
            hint="judge the release itself (aigate check DIR), or a BOM that lists its components",
        )
    warnings = list(read.warnings)
    if not read.foreign:
        return read.inventory, warnings
    inventory = origins.resolve_foreign(
        read.inventory,
        read.foreign,
        origins.ResolveOptions(
            registry_files=options.registry_files,
            online=options.online,
            cache_dir=options.cache_dir,
            observer=options.observer,
        ),
    )
    warning = read.foreign_warning(inventory)
    if warning:
        warnings.append(warning)
    return inventory, warnings
