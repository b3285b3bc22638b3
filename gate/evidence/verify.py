"""``aigate verify``: recompute every digest, check the signatures and what they bind, and
replay the gate (a callable the pipeline passes in): a bundle is evidence only if all of
that agrees."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate import __version__, files
from gate.errors import AigateError, InputError, VerificationError
from gate.evidence import attest
from gate.evidence.attest import Statement, Subject
from gate.evidence.bundle import (
    ATTESTED,
    BOM_JSON,
    DECISION,
    MANIFEST,
    MANIFEST_PREDICATE_TYPE,
    MAX_FILE,
    MAX_MANIFEST,
    POLICY,
    SCHEMA,
    SHIPPED,
    SIGNING_METHODS,
    attestation_path,
    audit_context,
    decision_time,
    json_text,
    read_bundled,
    safe_relative,
    sha256_hex,
    unverified,
)
from gate.evidence.replay import recorded_baseline
from gate.evidence.sign import SignerIdentity, Verifier
from gate.model import Decision, PolicyFile
from gate.policy import packs
from gate.report import html


@dataclass(frozen=True, slots=True)
class VerifyOptions:
    """What to verify, and whom to trust."""

    bundle: Path
    verifier: Verifier | None = None
    """A key or an expected keyless identity; None accepts only unsigned bundles (and says so)."""
    subjects: tuple[Path, ...] = ()
    """Release artefacts that must be among the attested subjects."""
    allow_unsigned: bool = False
    """Accept an unsigned bundle (its digests, statements and replay are still checked, but
    nothing vouches for who made it). Without it an unsigned bundle fails verification."""


@dataclass(frozen=True, slots=True)
class Step:
    """One verification step and its outcome."""

    name: str
    ok: bool
    detail: str


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """Every step taken; the bundle is valid only if all of them passed."""

    steps: tuple[Step, ...]
    signed: bool
    signer: SignerIdentity | None = None
    manifest: Mapping[str, Any] = field(default_factory=dict)
    criteria: tuple[tuple[str, str], ...] = ()
    """The criteria enforced, as ``gh attestation verify`` lists them."""
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether every step passed."""
        return bool(self.steps) and all(s.ok for s in self.steps)

    @property
    def failures(self) -> list[Step]:
        """The steps that failed."""
        return [s for s in self.steps if not s.ok]


class _Steps:
    def __init__(self) -> None:
        self.steps: list[Step] = []

    def run(self, name: str, fn: Callable[[], str]) -> bool:
        try:
            detail = fn()
        except VerificationError as exc:
            self.steps.append(Step(name, False, str(exc)))
            return False
        self.steps.append(Step(name, True, detail))
        return True

    def fail(self, name: str, detail: str) -> None:
        self.steps.append(Step(name, False, detail))


def _load_manifest(root: Path) -> tuple[dict[str, Any], bytes]:
    path = root / MANIFEST
    if not os.path.lexists(path):
        raise InputError(root, f"no {MANIFEST}: not an aigate evidence bundle")
    raw = read_bundled(root, MANIFEST, MAX_MANIFEST)
    try:
        doc = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VerificationError(f"{MANIFEST} is not JSON") from exc
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise VerificationError(f"{MANIFEST} is not an {SCHEMA} manifest")
    if json_text(doc).encode("utf-8") != raw:
        raise VerificationError(f"{MANIFEST} is not in canonical form (edited by hand?)")
    return doc, raw


def _file_entries(manifest: Mapping[str, Any], sizes: dict[str, int]) -> dict[str, str]:
    listing = manifest.get("files")
    if not isinstance(listing, list):
        raise VerificationError(f"{MANIFEST} has no file list")
    out: dict[str, str] = {}
    for entry in listing:
        if not isinstance(entry, dict):
            raise VerificationError(f"{MANIFEST}: a file entry is not an object")
        path = safe_relative(str(entry.get("path", "")), what=f"{MANIFEST} file")
        digest = entry.get("sha256")
        if not isinstance(digest, str) or not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise VerificationError(f"{MANIFEST}: {path} has no SHA-256")
        if path in out:
            raise VerificationError(f"{MANIFEST} lists {path} twice")
        size = entry.get("size")
        if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= MAX_FILE:
            raise VerificationError(f"{MANIFEST}: {path} has no size (or more than {MAX_FILE})")
        out[path] = digest
        sizes[path] = size
    return out


def _bundle_entries(root: Path) -> Iterator[tuple[str, os.stat_result]]:
    """Every entry under the bundle folder (never following a link), with its lstat."""
    for folder, dirs, names in os.walk(root, followlinks=False):
        base = Path(folder)
        for name in sorted([*dirs, *names]):
            path = base / name
            yield path.relative_to(root).as_posix(), path.lstat()


def _check_files(
    root: Path, listed: Mapping[str, str], sizes: Mapping[str, int], signed: bool
) -> str:
    expected = set(listed) | {MANIFEST, attestation_path("manifest", signed=signed)}
    present: dict[str, int] = {}
    problems: list[str] = []
    for rel, info in sorted(_bundle_entries(root)):
        if stat.S_ISLNK(info.st_mode):
            problems.append(f"{rel} is a symbolic link")
        elif stat.S_ISREG(info.st_mode):
            present[rel] = info.st_size
        elif not stat.S_ISDIR(info.st_mode):
            problems.append(f"{rel} is not a regular file")
    for rel in sorted(set(present) - expected):
        problems.append(f"{rel} is not listed in {MANIFEST}")
    for rel in sorted(expected - set(present)):
        problems.append(f"{rel} is listed but missing")
    for rel in sorted(set(present) & set(listed)):
        # The size first: a file of another size is never read (a 3 GB sparse file listed
        # as a 2 KB report costs one stat, not 3 GB of reading).
        if present[rel] != sizes[rel]:
            problems.append(
                f"{rel} does not match its SHA-256 in {MANIFEST} (its size differs:"
                f" {present[rel]} bytes, listed as {sizes[rel]}; not read)"
            )
            continue
        digest, _ = files.sha256_file(
            root / rel, display=rel, limit=sizes[rel], error=unverified, follow=False
        )
        if digest != listed[rel]:
            problems.append(f"{rel} does not match its SHA-256 in {MANIFEST}")
    if problems:
        raise VerificationError("; ".join(problems))
    return f"{len(listed) + 2} files, every digest matches, nothing unlisted"


def _subjects(manifest: Mapping[str, Any]) -> list[Subject]:
    raw = manifest.get("subjects")
    if not isinstance(raw, list) or not raw:
        raise VerificationError(f"{MANIFEST} names no subjects")
    out = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("digest"), dict):
            raise VerificationError(f"{MANIFEST}: a subject has no digest")
        try:
            out.append(Subject(name=str(item.get("name", "")), digest=dict(item["digest"])))
        except AigateError as exc:
            raise VerificationError(f"{MANIFEST}: {exc}") from exc
    return out


def _same_subjects(statement: Statement, expected: Sequence[Subject], *, source: str) -> None:
    got = {s.sha256 for s in statement.subjects}
    want = {s.sha256 for s in expected}
    if got != want:
        extra, missing = sorted(got - want), sorted(want - got)
        detail = []
        if missing:
            detail.append("missing " + ", ".join(f"sha256:{d[:16]}…" for d in missing))
        if extra:
            detail.append("extra " + ", ".join(f"sha256:{d[:16]}…" for d in extra))
        raise VerificationError(
            f"{source}: the statement speaks of other subjects than {MANIFEST}"
            f" ({'; '.join(detail)})"
        )


def _open_attestation(
    root: Path, name: str, verifier: Verifier | None, signed: bool
) -> tuple[Statement, SignerIdentity | None]:
    rel = attestation_path(name, signed=signed)
    data = read_bundled(root, rel)
    if signed:
        assert verifier is not None
        verified = verifier.verify(data, source=rel)
        return verified.statement, verified.signer
    return Statement.from_json(data, source=rel), None


Replay = Callable[
    [Path, Mapping[str, Any], Mapping[str, Any], str, html.AuditContext],
    tuple[list[str], Decision],
]
"""Re-run the gate from a bundle (root, manifest input, manifest policy, now, report context):
what differs from the bundle's files, and the replayed decision. The pipeline passes its own
(:func:`gate.pipeline.evidence.replay`): checking a bundle needs the whole gate."""


def verify(options: VerifyOptions, *, replay: Replay) -> VerifyResult:
    """Check a bundle end to end. Raises InputError only when it cannot be read at all."""
    root = options.bundle
    if not root.is_dir():
        raise InputError(root, "not a folder (an evidence bundle is a folder)")
    steps = _Steps()
    try:
        manifest, _ = _load_manifest(root)
    except VerificationError as exc:
        steps.fail("manifest", str(exc))
        return VerifyResult(tuple(steps.steps), signed=False)
    method = manifest.get("signing")
    if method not in SIGNING_METHODS:
        steps.fail("manifest", f"{MANIFEST}: unknown signing method {method!r}")
        return VerifyResult(tuple(steps.steps), signed=False, manifest=manifest)
    signed = method != "none"
    if signed and options.verifier is None:
        raise InputError(
            root,
            f"the bundle is signed ({method}): say whom to trust",
            hint="pass --key PUB, or --certificate-identity and --certificate-oidc-issuer",
        )
    # Why the signature check fails before it starts, if it does: one line per check.
    unsigned_problem: str | None = None
    if not signed and any(
        os.path.lexists(root / attestation_path(n, signed=True)) for n in ATTESTED
    ):
        unsigned_problem = f"{MANIFEST} says unsigned, but signed attestations are present"
    elif not signed and options.verifier is not None:
        unsigned_problem = (
            "the bundle is UNSIGNED: there is no signature for the given key or identity to check"
        )
    elif not signed and not options.allow_unsigned:
        unsigned_problem = (
            "the bundle is UNSIGNED: nothing vouches for who made it or that it was not"
            " edited (pass --allow-unsigned to accept that knowingly)"
        )
    criteria: list[tuple[str, str]] = []
    warnings: list[str] = []

    listed: dict[str, str] = {}
    sizes: dict[str, int] = {}

    def files_step() -> str:
        listed.update(_file_entries(manifest, sizes))
        return _check_files(root, listed, sizes, signed)

    files_ok = steps.run("digests", files_step)
    statements: dict[str, Statement] = {}
    signer: SignerIdentity | None = None

    def signatures() -> str:
        nonlocal signer
        if unsigned_problem is not None:
            raise VerificationError(unsigned_problem)
        who: set[str] = set()
        for name in ATTESTED:
            statement, identity = _open_attestation(root, name, options.verifier, signed)
            statements[name] = statement
            if identity is not None:
                signer = identity
                who.add(str(identity))
        if not signed:
            return "UNSIGNED (accepted with --allow-unsigned): nothing vouches for the statements"
        if len(who) != 1:
            raise VerificationError("the attestations are signed by different identities")
        return f"{len(ATTESTED)} attestations signed by {next(iter(who))}"

    sigs_ok = steps.run("signatures", signatures)

    def bind() -> str:
        subjects = _subjects(manifest)
        bom_bytes = read_bundled(root, BOM_JSON)
        bom_sha = sha256_hex(bom_bytes)
        bom_subject = Subject.of_bytes(BOM_JSON, bom_bytes)
        man = statements["manifest"]
        src = attestation_path("manifest", signed=signed)
        if man.predicate_type != MANIFEST_PREDICATE_TYPE:
            raise VerificationError(f"{src}: predicate type is {man.predicate_type!r}")
        if dict(man.predicate) != manifest:
            raise VerificationError(f"{src}: the attested manifest differs from {MANIFEST}")
        _same_subjects(man, subjects, source=src)
        bom = statements["bom"]
        src = attestation_path("bom", signed=signed)
        type_ok, legacy = attest.bom_predicate_type_ok(bom.predicate_type)
        if not type_ok:
            raise VerificationError(
                f"{src}: predicate type is {bom.predicate_type!r}, expected"
                f" {attest.BOM_PREDICATE_TYPE!r}"
            )
        if legacy:
            warnings.append(legacy)
        if dict(bom.predicate) != json.loads(bom_bytes):
            raise VerificationError(f"{src}: the attested BOM is not {BOM_JSON}")
        _same_subjects(bom, subjects, source=src)
        vsa = statements["decision"]
        src = attestation_path("decision", signed=signed)
        if vsa.predicate_type != attest.VSA_PREDICATE_TYPE:
            raise VerificationError(
                f"{src}: predicate type is {vsa.predicate_type!r}, expected"
                f" {attest.VSA_PREDICATE_TYPE!r}"
            )
        _same_subjects(vsa, [*subjects, bom_subject], source=src)
        _check_vsa(vsa.predicate, manifest, listed, bom_sha, src=src, signed=signed)
        for path in options.subjects:
            artefact = Subject.of_file(path)
            if not any(s.sha256 == artefact.sha256 for s in subjects):
                raise VerificationError(
                    f"{path}: its SHA-256 ({artefact.sha256}) is not among the attested subjects"
                )
        return (
            f"{len(subjects)} subject(s); the decision is bound to {BOM_JSON} (sha256:{bom_sha})"
            f" and policy sha256:{manifest['policy']['digest']}"
        )

    bound_ok = files_ok and sigs_ok and steps.run("statements", bind)

    def replayed_step() -> str:
        version = manifest.get("aigate_version")
        if version != __version__:
            raise VerificationError(
                f"the bundle was made by aigate {version}; this is aigate {__version__}, whose"
                " engine and shipped rules may differ: replay with the same version"
            )
        catalogue = f"{SHIPPED}/gate/resolve/data/licences.yaml"
        if (root / catalogue).is_file() and read_bundled(
            root, catalogue
        ) != packs.INSTALLED.data_text("licences.yaml"):
            raise VerificationError(
                "the bundled licence catalogue differs from this aigate's, which reads"
                " licences when it builds the policy input: replay needs the same catalogue"
            )
        recorded = recorded_baseline(root / DECISION)
        if recorded is not None:
            raise VerificationError(
                f"{DECISION} records a judgement against baseline {recorded}, which the"
                " bundle does not hold: the comparison cannot be replayed, so the decision"
                " cannot be verified (aigate export never writes one)"
            )
        try:
            run = manifest.get("run")
            context = audit_context(
                run if isinstance(run, Mapping) else {}, str(manifest.get("signing", "none"))
            )
            problems, replayed = replay(
                root, manifest["input"], manifest["policy"], str(manifest["now"]), context
            )
        except (AigateError, KeyError, TypeError) as exc:
            raise VerificationError(f"the bundled policy could not be re-evaluated: {exc}") from exc
        if replayed.verdict.value != manifest.get("verdict"):
            problems.insert(
                0,
                f"replaying the policy gives verdict {replayed.verdict.value!r}, but {MANIFEST}"
                f" records {manifest.get('verdict')!r}",
            )
        if problems:
            raise VerificationError("; ".join(problems))
        return (
            f"the bundled policy, re-evaluated on {BOM_JSON} as of {manifest['now']}, gives the"
            f" recorded decision ({manifest['verdict']}) and every report, byte for byte"
        )

    if bound_ok:
        # Only a bundle whose files, signatures and bindings hold is replayed: the replay
        # evaluates the bundled Rego and reads the files the bundled packs name.
        steps.run("replay", replayed_step)
    else:
        steps.fail("replay", "not run: the checks above must pass first")
    criteria.append(
        (
            "Predicate types must be",
            ", ".join(
                (attest.BOM_PREDICATE_TYPE, attest.VSA_PREDICATE_TYPE, MANIFEST_PREDICATE_TYPE)
            ),
        )
    )
    criteria.extend(_signer_criteria(options.verifier))
    policy = manifest.get("policy")
    if bound_ok and isinstance(policy, dict):
        criteria.append(("Policy digest must be", f"sha256:{policy.get('digest')}"))
        criteria.append(("Policy packs", ", ".join(policy.get("packs", [])) or "none"))
        criteria.append(("BOM must be", f"{BOM_JSON} sha256:{listed.get(BOM_JSON, '?')}"))
        criteria.append(("Re-evaluated as of", str(manifest.get("now"))))
        criteria.append(("Recorded verdict", str(manifest.get("verdict"))))
    return VerifyResult(
        tuple(steps.steps),
        signed=signed,
        signer=signer,
        manifest=manifest,
        criteria=tuple(criteria),
        warnings=tuple(warnings),
    )


def lies_inside(path: Path, bundle: Path) -> bool:
    """Whether ``path`` (a key given to verify) is inside the bundle folder, links resolved."""
    top = os.path.realpath(bundle)
    return os.path.realpath(path).startswith(top.rstrip(os.sep) + os.sep)


def _signer_criteria(verifier: Verifier | None) -> list[tuple[str, str]]:
    """What the signer must be, from the verifier the caller chose (never from the bundle)."""
    from gate.evidence.sign_key import KeyVerifier

    if verifier is None:
        return [("Signature", "none expected (unsigned bundle)")]
    if isinstance(verifier, KeyVerifier):
        return [("Signing key must be", f"sha256:{verifier.key_id}")]
    identity = getattr(verifier, "identity", None)
    issuer = getattr(verifier, "issuer", None)
    return [
        ("Subject Alternative Name must be", str(identity)),
        ("OIDC Issuer must be", str(issuer)),
    ]


def _check_vsa(
    predicate: Mapping[str, Any],
    manifest: Mapping[str, Any],
    listed: Mapping[str, str],
    bom_sha: str,
    *,
    src: str,
    signed: bool,
) -> None:
    policy = manifest.get("policy")
    if not isinstance(policy, dict):
        raise VerificationError(f"{MANIFEST} has no policy section")
    files = policy.get("files")
    if not isinstance(files, list):
        raise VerificationError(f"{MANIFEST} lists no policy files")
    entries = []
    for f in files:
        if not isinstance(f, dict):
            raise VerificationError(f"{MANIFEST}: a policy file entry is not an object")
        rel = safe_relative(str(f.get("file", "")), what="policy file")
        if not rel.startswith(POLICY + "/") or listed.get(rel) != f.get("sha256"):
            raise VerificationError(
                f"{MANIFEST}: policy file {f.get('path')} is not the bundled {rel}"
            )
        entry = PolicyFile(path=str(f["path"]), sha256=str(f["sha256"]), kind=str(f["kind"]))
        if entry not in entries:  # a user's copy of a shipped file is bundled twice
            entries.append(entry)
    digest = packs.policy_digest(entries, str(manifest.get("aigate_version")))
    if digest != policy.get("digest"):
        raise VerificationError(
            f"the policy files in {POLICY}/ hash to sha256:{digest}, not the recorded"
            f" sha256:{policy.get('digest')}"
        )
    attested = predicate.get("policy", {}).get("digest", {}).get("sha256")
    if attested != digest:
        raise VerificationError(
            f"{src}: the decision was made with policy sha256:{attested}, not the bundled"
            f" policy (sha256:{digest})"
        )
    inputs = {
        (i.get("uri"), i.get("digest", {}).get("sha256"))
        for i in predicate.get("inputAttestations", [])
        if isinstance(i, dict)
    }
    bom_attestation = attestation_path("bom", signed=signed)
    if (BOM_JSON, bom_sha) not in inputs:
        raise VerificationError(f"{src}: the decision does not name {BOM_JSON} as its input")
    if (bom_attestation, listed.get(bom_attestation)) not in inputs:
        raise VerificationError(f"{src}: the decision does not name {bom_attestation} as its input")
    expected = "PASSED" if manifest.get("verdict") == "pass" else "FAILED"
    if predicate.get("verificationResult") != expected:
        raise VerificationError(
            f"{src}: the signed result is {predicate.get('verificationResult')}, but"
            f" {MANIFEST} records verdict {manifest.get('verdict')!r}"
        )
    if predicate.get("timeVerified") != decision_time(str(manifest.get("now"))):
        raise VerificationError(f"{src}: timeVerified is not the recorded decision day")
    verifier = predicate.get("verifier", {})
    if not isinstance(verifier, dict) or verifier.get("id") != attest.VERIFIER_ID:
        raise VerificationError(
            f"{src}: verifier.id is {verifier.get('id') if isinstance(verifier, dict) else None!r},"
            f" expected {attest.VERIFIER_ID!r}"
        )
