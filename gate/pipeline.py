"""The main loop: tree → evidence → inventory → (BOM, decision). The CLI only calls this.

Each stage is a function of typed values, so it can be run alone: ``scan`` stops after the
inventory; ``check`` starts from a scan or from a BOM file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gate import workspace
from gate.discover import scanning
from gate.discover.base import DiscoverContext
from gate.discover.sources import SOURCES
from gate.discover.tree import Tree, WalkOptions
from gate.errors import BomError, InputError
from gate.model import Decision, Evidence, Inventory, Project
from gate.progress import NullObserver, Observer
from gate.recognise import knowledge
from gate.recognise.core import endpoints_apart, with_user_endpoints
from gate.resolve import origins, packages, registry
from gate.resolve.assemble import assemble

if TYPE_CHECKING:
    from gate.policy.packs import Layout


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
        history_from=options.history_from,
        review_rules=options.review_rules,
        hash_workers=options.hash_workers,
        observer=options.observer,
    )
    kn = knowledge(options.registry_files)
    try:
        found = discover(tree, ctx)
    finally:
        scanning.release_pool()
    evidence, configured = endpoints_apart(with_user_endpoints(found, kn), kn)
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
    resolved = origins.resolve(
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
    policy_layout: Layout | None = None
    """Where policy files are read from; None: the installed aigate and the user's files
    (an evidence bundle's copies when ``aigate verify`` replays a decision)."""
    registries_applied: bool = False
    """The BOM comes from aigate's own scan, which already used the packs' registry files
    (an evidence export): no note that they do not apply to BOM input."""
    baseline: str | None = None
    """What the release is compared with: a BOM file, a directory, a git ref, or ``auto``
    (the previous release tag, see :func:`gate.workspace.previous_release`)."""
    new_only: bool = False
    """Judge only components new or changed in a security-relevant way since ``baseline``."""
    repo: Path | None = None
    """Where git refs of ``baseline`` are read; default: the scanned tree (or ``.``)."""


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The inventory judged, the decision, and the policy input that was evaluated."""

    inventory: Inventory
    decision: Decision
    policy_input: dict[str, Any]
    warnings: tuple[str, ...] = ()


def check(options: CheckOptions) -> CheckResult:
    """Scan (or read a BOM), evaluate the policy set, apply waivers: the gate's decision."""
    from gate.policy import decision as decisions
    from gate.policy import input as policy_input
    from gate.policy import packs, waivers

    if options.fail_on not in decisions.FAIL_ON:
        raise InputError(None, f"--fail-on must be one of {', '.join(decisions.FAIL_ON)}")
    if (options.scan is None) == (options.bom is None):
        raise InputError(None, "check needs exactly one of a tree to scan or a BOM")
    if options.new_only and options.baseline is None:
        raise InputError(
            "--new-only",
            "judging only what a release introduces needs a baseline",
            hint="add --baseline BASE (a BOM file, a directory, a git ref, or auto)",
        )
    today = _today(options.now)
    policy = packs.load_policy(
        options.policies, options.waiver_files, layout=options.policy_layout or packs.INSTALLED
    )
    options.observer.stage("policy")
    engine = packs.build_engine(policy)
    rule_ids = [str(r.id) for r in engine.rules]
    waiver_list = waivers.load_waivers(policy.waiver_files, rule_ids, policy.waiver_policy, today)
    for path, display in policy.waiver_files:
        policy.add_file(path, display, "waivers")
    warnings: list[str] = []
    notes: list[str] = []
    if options.bom is not None:
        scan_options = ScanOptions(
            root=Path("."), registry_files=tuple(policy.registry_files), observer=options.observer
        )
        inventory, bom_warnings = load_bom(options.bom, scan_options)
        warnings.extend(bom_warnings)
        if policy.registry_files and not options.registries_applied:
            notes.append(
                "registry files named by the pack apply to --bom input only for components "
                "another tool made; aigate's own components keep the facts the BOM states"
            )
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
    if options.baseline is not None:
        result = _against_baseline(result, inventory, options, scan_options)
    return CheckResult(inventory, result, doc, tuple(warnings))


def _against_baseline(
    decision: Decision, inventory: Inventory, options: CheckOptions, scan_options: ScanOptions
) -> Decision:
    """Record what changed since the baseline; with ``new_only``, judge only that."""
    from gate.bom import baseline
    from gate.bom import diff as bom_diff
    from gate.policy import new_only

    assert options.baseline is not None
    repo = options.repo or (options.scan.root if options.scan is not None else Path("."))
    spec = options.baseline
    if spec == "auto":
        tag = workspace.previous_release(repo)
        if tag is None:
            why = f"no earlier release tag before HEAD in {repo} to compare with"
            return new_only.no_baseline(decision, why, new_only=options.new_only)
        spec = tag
    # The baseline is scanned as the head was (same registry files, same options) so that
    # a difference is a difference in the tree, not in how it was read.
    base = baseline.load(spec, repo=repo, options=scan_options)
    changes = bom_diff.diff(base.inventory, inventory, base_label=base.label, head_label="head")
    decision = new_only.compared(decision, base.label, new_only.baseline_note(changes))
    if options.new_only:
        decision = new_only.judge_introduced(decision, changes.introduced(), base.label)
    return decision


def _today(now: str | None) -> date:
    if now is None:
        return datetime.now(UTC).date()
    try:
        return date.fromisoformat(now)
    except ValueError as exc:
        raise InputError(None, f"--now {now!r} is not a date (YYYY-MM-DD)") from exc
