"""Export and verify an evidence bundle: judge, write every file, attest and sign, and
check it by a replay of the gate (:mod:`gate.evidence` holds the bundle's parts)."""

from __future__ import annotations

import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gate import __version__, files
from gate.bom.cyclonedx import read_bom, write_bom
from gate.errors import AigateError, InputError
from gate.evidence import attest
from gate.evidence import verify as verifying
from gate.evidence.attest import InputAttestation, Statement, Subject
from gate.evidence.bundle import (
    BOM_JSON,
    MANIFEST,
    MANIFEST_PREDICATE_TYPE,
    PUBLIC_KEY,
    SCHEMA,
    attestation_path,
    audit_context,
    decision_time,
    json_text,
    listing,
    own_output,
    policy_uri,
    prepare_out,
    render_views,
    resource_uri,
    sha256_hex,
    statement_file,
    write_file,
)
from gate.evidence.policy_copy import collect_policy, policy_argument
from gate.evidence.replay import compare_views, replay_layout
from gate.evidence.run import RunContext
from gate.evidence.sign import Signer
from gate.evidence.verify import VerifyOptions, VerifyResult
from gate.model import Decision, Inventory
from gate.pipeline import checking, scanning
from gate.pipeline.checking import CheckOptions
from gate.policy import packs
from gate.report import html


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What to judge and how to sign the evidence."""

    out: Path
    check: CheckOptions
    """A tree to scan or a BOM, the policy, waivers, fail-on, ``now`` (None: today, UTC)."""
    signer: Signer | None = None
    """None: an unsigned bundle (bare in-toto Statements, said clearly by verify)."""
    subjects: tuple[Path, ...] = ()
    """Release artefacts the attestations speak of; none: the BOM itself."""
    run: RunContext = field(default_factory=RunContext)
    public_key: bytes | None = None
    """PEM public key bundled as keys/aigate.pub (key signing): informative, never trusted."""
    cwd: Path | None = None
    """The folder policy file names are relative to (None: the working directory)."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    """The bundle written, and the decision it records."""

    out: Path
    decision: Decision
    inventory: Inventory
    manifest: dict[str, Any]
    warnings: tuple[str, ...] = ()


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def _bom_unreadable(display: str, problem: str) -> InputError:
    return InputError(display, f"cannot read BOM: {problem}")


def _bom_bytes(options: ExportOptions, ps_registries: Sequence[Path]) -> tuple[bytes, str]:
    """The CycloneDX JSON to judge, and where it came from (``scan`` or ``bom``)."""
    check = options.check
    if check.bom is not None:
        raw = files.read_bounded(check.bom, files.MAX_BOM_FILE, error=_bom_unreadable)
        if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
            inventory, _ = read_bom(check.bom)
            return write_bom(inventory).encode("utf-8"), "bom-xml"
        return raw, "bom"
    assert check.scan is not None
    ignores = (*check.scan.walk.extra_ignores, *own_output(check.scan.root, options.out))
    scan = replace(
        check.scan,
        registry_files=(*check.scan.registry_files, *tuple(ps_registries)),
        walk=replace(check.scan.walk, extra_ignores=ignores),
    )
    inventory = scanning.scan(scan).inventory
    return write_bom(inventory).encode("utf-8"), "scan"


def export(options: ExportOptions) -> ExportResult:
    """Judge, then write the evidence bundle to ``options.out`` (which must not hold files).

    The folder is always written when the gate could decide, whatever the verdict; errors
    (unreadable input, broken policy, failed signing) leave nothing behind.
    """
    if options.check.baseline is not None:
        # The bundle holds the judged BOM, not the baseline's: a narrowed (or annotated)
        # decision could not be replayed from it, so the evidence is the whole release's.
        raise InputError(
            "--baseline",
            "an evidence bundle records the judgement of the whole release; a comparison"
            " with a baseline (--baseline, --new-only) cannot be replayed from it",
            hint="export without --baseline; keep `aigate check --baseline … --new-only` for"
            " reviews",
        )
    now = options.check.now or _today()
    check = replace(options.check, now=now)
    cwd = options.cwd or Path.cwd()
    subjects = tuple(Subject.of_file(p) for p in options.subjects)
    ps = packs.load_policy(check.policies, check.waiver_files)
    staging = prepare_out(options.out)
    try:
        bom, source = _bom_bytes(options, ps.registry_files)
        write_file(staging, BOM_JSON, bom)
        try:
            result = checking.check(
                replace(
                    check,
                    scan=None,
                    bom=staging / BOM_JSON,
                    registries_applied=source == "scan",
                )
            )
        except InputError as exc:
            # The judged copy sits in the staging folder; name the file the user gave.
            if check.bom is None or exc.path != str(staging / BOM_JSON):
                raise
            raise type(exc)(check.bom, exc.problem, line=exc.line, hint=exc.hint) from (
                exc.__cause__
            )
        decision, inventory = result.decision, result.inventory
        copies, working, place = collect_policy(decision, cwd)
        for copy in copies:
            write_file(staging, copy.target, copy.data)
        signing = options.signer.method if options.signer is not None else "none"
        context = audit_context(options.run.to_dict(), signing)
        for name, view in render_views(decision, inventory, now, context).items():
            write_file(staging, name, view.encode("utf-8"))
        policy = {
            "arguments": [policy_argument(s, place) for s in check.policies],
            "digest": decision.policy_digest,
            "files": [
                {
                    "file": c.target,
                    "kind": c.entry.kind,
                    "path": c.entry.path,
                    "sha256": c.entry.sha256,
                }
                for c in sorted(copies, key=lambda c: (c.entry.kind, c.entry.path))
            ],
            "packs": list(decision.packs),
            "waivers": [place(w) for w in check.waiver_files],
            "working_directory": working,
        }
        replay_problems, _ = replay(staging, _input_section(check, source), policy, now, context)
        if replay_problems:
            raise AigateError(
                "the exported bundle does not replay to the same decision: "
                + "; ".join(replay_problems),
                hint="this is a bug in aigate; please report it with the policy files",
            )
        signed = options.signer is not None
        if options.signer is not None and options.public_key is not None:
            write_file(staging, PUBLIC_KEY, options.public_key)
        bom_subject = Subject.of_bytes(BOM_JSON, bom)
        bom_file = statement_file(
            attest.bom_statement(bom, bom_name=BOM_JSON, subjects=subjects), options.signer
        )
        bom_attestation = attestation_path("bom", signed=signed)
        write_file(staging, bom_attestation, bom_file)
        vsa = attest.decision_statement(
            decision,
            bom=bom_subject,
            subjects=subjects,
            time_verified=decision_time(now),
            resource_uri=resource_uri(options.run, inventory),
            policy_uri=policy_uri(decision),
            inputs=[
                InputAttestation(bom_attestation, sha256_hex(bom_file)),
                InputAttestation(BOM_JSON, bom_subject.sha256),
            ],
            component_ids=[c.id for c in inventory.components],
        )
        write_file(
            staging,
            attestation_path("decision", signed=signed),
            statement_file(vsa, options.signer),
        )
        manifest = {
            "aigate_version": __version__,
            "files": listing(
                staging, exclude={MANIFEST, attestation_path("manifest", signed=signed)}
            ),
            "input": _input_section(check, source),
            "now": now,
            "policy": policy,
            "run": options.run.to_dict(),
            "schema": SCHEMA,
            "signing": options.signer.method if options.signer is not None else "none",
            "subjects": [s.to_dict() for s in attest.subjects_or_bom(subjects, bom_subject)],
            "verdict": decision.verdict.value,
        }
        text = json_text(manifest).encode("utf-8")
        write_file(staging, MANIFEST, text)
        statement = Statement(
            subjects=attest.subjects_or_bom(subjects, bom_subject),
            predicate_type=MANIFEST_PREDICATE_TYPE,
            predicate=manifest,
        )
        write_file(
            staging,
            attestation_path("manifest", signed=signed),
            statement_file(statement, options.signer),
        )
        if options.out.exists():
            options.out.rmdir()
        staging.rename(options.out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ExportResult(options.out, decision, inventory, manifest, result.warnings)


def _input_section(check: CheckOptions, source: str) -> dict[str, Any]:
    return {
        "bom": BOM_JSON,
        "ci": check.ci,
        "fail_on": check.fail_on,
        "ref": check.ref,
        "release": check.release,
        "source": source,
    }


def replay(
    root: Path,
    input_section: Mapping[str, Any],
    policy: Mapping[str, Any],
    now: str,
    context: html.AuditContext,
) -> tuple[list[str], Decision]:
    """Re-run the gate from the bundle's BOM and policy copies; what differs, if anything."""
    copies = replay_layout(root, policy)
    result = checking.check(
        CheckOptions(
            bom=root / BOM_JSON,
            policies=copies.arguments,
            waiver_files=copies.waivers,
            fail_on=str(input_section["fail_on"]),
            now=now,
            ref=input_section.get("ref"),
            release=input_section.get("release"),
            ci=input_section.get("ci"),
            policy_layout=copies.layout,
            registries_applied=input_section.get("source") == "scan",
        )
    )
    problems = compare_views(root, result.decision, result.inventory, now, context)
    return problems, result.decision


def verify(options: VerifyOptions) -> VerifyResult:
    """Check a bundle end to end, its replay included (see :func:`gate.evidence.verify.verify`)."""
    return verifying.verify(options, replay=replay)
