"""Judge an inventory: scan a tree (or read a BOM), evaluate the policy set, apply waivers,
and, with a baseline, record (or judge only) what the release changes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gate import forked, inventory_diff, workspace
from gate.errors import InputError, PolicyError
from gate.model import Decision, Finding, Inventory, Waiver
from gate.pipeline import baseline
from gate.pipeline.scanning import ScanOptions, load_bom, scan
from gate.progress import NullObserver, Observer

if TYPE_CHECKING:
    from gate.policy.engine import Engine
    from gate.policy.packs import Layout


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

    def with_waivers(engine: Engine) -> tuple[Engine, list[Waiver]]:
        rule_ids = [str(r.id) for r in engine.rules]
        found = waivers.load_waivers(policy.waiver_files, rule_ids, policy.waiver_policy, today)
        for path, display in policy.waiver_files:
            policy.add_file(path, display, "waivers")
        return engine, found

    # A large BOM is parsed while regopy compiles the policy in a thread (C code that lets
    # the GIL go): joined before the BOM's validation forks, and a policy or waiver error
    # still comes before any error of the BOM, as when the policy was built first.
    building = forked.beside(lambda: packs.build_engine(policy)) if _large(options.bom) else None
    if building is None:
        engine, waiver_list = with_waivers(packs.build_engine(policy))
    warnings: list[str] = []
    notes: list[str] = []
    if options.bom is not None:
        scan_options = ScanOptions(
            root=Path("."), registry_files=tuple(policy.registry_files), observer=options.observer
        )
        try:
            inventory, bom_warnings = load_bom(options.bom, scan_options)
        except Exception:
            if building is not None:
                with_waivers(building.result())
            raise
        if building is not None:
            engine, waiver_list = with_waivers(building.result())
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
    findings, digest = _evaluated(engine, doc)
    options.observer.done()
    result = decisions.decide(
        findings,
        policy,
        engine.rules,
        waiver_list,
        today=today,
        fail_on=options.fail_on,
        input_digest=digest,
        notes=notes,
    )
    if options.baseline is not None:
        result = _against_baseline(result, inventory, options, scan_options)
    return CheckResult(inventory, result, doc, tuple(warnings))


def _large(bom: Path | None) -> bool:
    """A BOM large enough for its parsing to hide the policy's compilation (~0.15 s)."""
    from gate.bom.cyclonedx.read import PARALLEL_FROM

    try:
        return bom is not None and bom.stat().st_size >= PARALLEL_FROM
    except OSError:
        return False  # the reader says what is wrong with it


APART_FROM = 1_000
"""Components from which the policy input is checked against its schema and its digest taken
in forked children while the policy is evaluated (:mod:`gate.forked`: ~0.35 s of a
10,000-component check, on the core the evaluation leaves idle while its own child runs the
engine). Below, one after the other: check, evaluate, digest."""


def _evaluated(engine: Engine, doc: dict[str, Any]) -> tuple[list[Finding], str]:
    """The findings of a policy input and its digest; a PolicyError when the input does not
    match its schema, whatever the evaluation did (as when it is checked first)."""
    from gate.policy import input as policy_input

    if len(doc.get("components") or ()) < APART_FROM:
        policy_input.validate_input(doc)
        return engine.evaluate(doc), policy_input.input_digest(doc)

    def problem() -> tuple[Any, str, int | None, str] | None:
        try:
            policy_input.validate_input(doc)
        except PolicyError as exc:
            return (exc.path, exc.problem, exc.line, exc.hint)
        return None

    checking = forked.start(problem)
    digest = forked.start(lambda: policy_input.input_digest(doc))
    try:
        try:
            findings = engine.evaluate(doc)
        except Exception:
            _refuse(checking.result())
            raise
        _refuse(checking.result())
        return findings, digest.result()
    finally:  # children still running (an error, an interrupt in a join) are stopped, reaped
        checking.close()
        digest.close()


def _refuse(problem: tuple[Any, str, int | None, str] | None) -> None:
    if problem is not None:
        path, text, line, hint = problem
        raise PolicyError(path, text, line=line, hint=hint)


def _against_baseline(
    decision: Decision, inventory: Inventory, options: CheckOptions, scan_options: ScanOptions
) -> Decision:
    """Record what changed since the baseline; with ``new_only``, judge only that."""
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
    changes = inventory_diff.diff(
        base.inventory, inventory, base_label=base.label, head_label="head"
    )
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
