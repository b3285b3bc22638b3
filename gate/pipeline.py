"""The main loop: tree → evidence → inventory → (BOM, decision). The CLI only calls this.

Each stage is a function of typed values, so it can be run alone: ``scan`` stops after the
inventory; ``check`` starts from a scan or from a BOM file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from gate.discover.base import DiscoverContext
from gate.discover.registry import SOURCES
from gate.discover.tree import Tree, WalkOptions
from gate.errors import InputError
from gate.model import Decision, Evidence, Inventory, Project
from gate.progress import NullObserver, Observer
from gate.resolve import origins
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
        notes=[*tree.notes, *ctx.facts.notes],
        properties=ctx.facts.properties,
    )
    inventory = resolve(inventory, options)
    return ScanResult(inventory=inventory, evidence=tuple(evidence))


def resolve(inventory: Inventory, options: ScanOptions) -> Inventory:
    """Give every component its publisher, country, lineage and licence (with sources)."""
    return origins.resolve(
        inventory,
        origins.ResolveOptions(
            registry_files=options.registry_files,
            online=options.online,
            cache_dir=options.cache_dir,
            observer=options.observer,
        ),
    )


def with_notes(inventory: Inventory, notes: Sequence[str]) -> Inventory:
    """The inventory with further scan notes."""
    return replace(inventory, notes=(*inventory.notes, *notes))


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """What to judge (a tree to scan, or a BOM) and against which policy."""

    scan: ScanOptions | None = None
    """Scan a tree; None when ``bom`` is given."""
    bom: Path | None = None
    policies: tuple[str, ...] = ()
    """Pack names (``release``), pack files, policy directories or Rego modules."""
    waiver_files: tuple[Path, ...] = ()
    fail_on: str = "deny"
    now: str | None = None
    """ISO date to judge waivers and ``effective_on`` against; None: today (UTC)."""
    ref: str | None = None
    release: str | None = None
    ci: str | None = None
    observer: Observer = field(default_factory=NullObserver)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The inventory judged, the decision, and the policy input that was evaluated."""

    inventory: Inventory
    decision: Decision
    policy_input: dict[str, Any]
    warnings: tuple[str, ...] = ()


def check(options: CheckOptions) -> CheckResult:
    """Scan (or read a BOM), evaluate the policy set, apply waivers: the gate's decision."""
    from gate.bom.cyclonedx import read_bom
    from gate.policy import decision as decisions
    from gate.policy import input as policy_input
    from gate.policy import packs, waivers

    if options.fail_on not in decisions.FAIL_ON:
        raise InputError(None, f"--fail-on must be one of {', '.join(decisions.FAIL_ON)}")
    if (options.scan is None) == (options.bom is None):
        raise InputError(None, "check needs exactly one of a tree to scan or a BOM")
    today = _today(options.now)
    policy = packs.load_policy(options.policies, options.waiver_files)
    options.observer.stage("policy")
    engine = packs.build_engine(policy)
    rule_ids = [str(r.id) for r in engine.rules]
    waiver_list = waivers.load_waivers(policy.waiver_files, rule_ids, policy.waiver_policy, today)
    for path, display in policy.waiver_files:
        policy._add_file(path, display, "waivers")
    warnings: list[str] = []
    notes: list[str] = []
    if options.bom is not None:
        inventory, bom_warnings = read_bom(options.bom)
        warnings.extend(bom_warnings)
        if policy.registry_files:
            notes.append("registry files named by the pack do not apply to --bom input")
    else:
        assert options.scan is not None
        scan_options = replace(
            options.scan,
            registry_files=(*options.scan.registry_files, *policy.registry_files),
        )
        inventory = scan(scan_options).inventory
    context = policy_input.InputContext(
        now=today.isoformat(), ref=options.ref, release=options.release, ci=options.ci
    )
    doc = policy_input.build_input(inventory, context)
    policy_input.validate_input(doc)
    findings = engine.evaluate(doc)
    options.observer.done()
    result = decisions.decide(
        findings,
        policy,
        engine.rules,
        waiver_list,
        today=today,
        fail_on=options.fail_on,
        input_digest=policy_input.input_digest(doc),
        notes=notes,
    )
    return CheckResult(inventory, result, doc, tuple(warnings))


def _today(now: str | None) -> date:
    if now is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(now)
    except ValueError as exc:
        raise InputError(None, f"--now {now!r} is not a date (YYYY-MM-DD)") from exc
