"""The evidence bundle: one folder an auditor keeps, and the checks ``aigate verify`` runs on it.

``export`` judges a tree (or a BOM) and writes the BOM it judged, the decision, reports and
CSV tables, the exact policy files used (laid out so the gate can be replayed from them) and
in-toto attestations (the BOM; the decision as a SLSA VSA; the manifest), signed with a key,
keylessly, or left unsigned. ``verify`` recomputes every digest, checks the signatures and
what they bind, replays the gate on the bundled BOM with the bundled policy, and re-renders
every report: a bundle is evidence only if all of that agrees.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from gate import __version__, files, git, pipeline
from gate.bom.cyclonedx import read_bom, write_bom
from gate.errors import AigateError, InputError, VerificationError
from gate.evidence import attest, spdx, tables
from gate.evidence.attest import InputAttestation, Statement, Subject
from gate.evidence.sign import Signer, SignerIdentity, Verifier
from gate.model import Decision, Inventory, PolicyFile
from gate.policy import decision as decisions
from gate.policy import packs
from gate.policy.locate import policies_dir
from gate.report import html, markdown, sarif

SCHEMA = "aigate.evidence/v1"
MANIFEST_PREDICATE_TYPE = "urn:aigate:evidence:v1"
"""The manifest attestation's predicate type: a URN, since the project owns no domain."""

MANIFEST = "manifest.json"
BOM_JSON = "bom.cdx.json"
BOM_XML = "bom.cdx.xml"
BOM_SPDX = "bom.spdx.json"
DECISION = "decision.json"
REPORT_HTML = "report.html"
REPORT_MD = "report.md"
FINDINGS_CSV = "findings.csv"
INVENTORY_CSV = "inventory.csv"
WAIVERS_CSV = "waivers.csv"
SARIF = "results.sarif"
POLICY = "policy"
SHIPPED = "policy/aigate"
"""Copies of the shipped files used, under their recorded names (``policies/…``, ``gate/…``)."""
LOCAL = "policy/local"
"""Copies of the user's files, laid out as they were relative to each other."""
ATTESTATIONS = "attestations"
PUBLIC_KEY = "keys/aigate.pub"
SIGNING_METHODS = ("none", "key", "sigstore")

_ATTESTED = ("bom", "decision", "manifest")
_SIGNED_SUFFIX = ".sigstore.json"
_UNSIGNED_SUFFIX = ".intoto.json"
_DATA_PREFIX = "gate/resolve/data/"
MAX_MANIFEST = 64 * 1024 * 1024
"""Bytes a manifest may hold (a real one lists a few dozen files)."""
MAX_FILE = 4 * 1024 * 1024 * 1024
"""Bytes any one bundled file may hold; listed files are digested in chunks, never whole."""


def _unverified(display: str, problem: str) -> VerificationError:
    return VerificationError(f"{display}: {problem}")


def _bundled(root: Path, rel: str, limit: int = MAX_FILE) -> bytes:
    """A file of the bundle: a regular file (no link, FIFO or device), at most ``limit``."""
    return files.read_bounded(root / rel, limit, display=rel, error=_unverified, follow=False)


def attestation_path(name: str, *, signed: bool) -> str:
    """``attestations/<name>.sigstore.json`` (signed) or ``.intoto.json`` (a bare Statement)."""
    return f"{ATTESTATIONS}/{name}{_SIGNED_SUFFIX if signed else _UNSIGNED_SUFFIX}"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json_text(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# ---- run context ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunContext:
    """Where the export ran: from GitHub Actions' variables, else from git, else unknown.

    Recorded in the manifest (signed with it); in keyless mode the certificate's own
    extensions are what an auditor can trust about the workflow, not these fields.
    """

    source: str | None = None
    """``github-actions``, ``git``, or None when nothing was found."""
    repository: str | None = None
    ref: str | None = None
    sha: str | None = None
    run_url: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """The manifest's ``run`` object."""
        return {
            "repository": self.repository,
            "ref": self.ref,
            "run_url": self.run_url,
            "sha": self.sha,
            "source": self.source,
        }


def _without_credentials(url: str) -> str:
    """A remote URL without ``user:token@`` (CI checkouts often embed a token)."""
    parts = urlsplit(url)
    if not parts.scheme or "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def run_context(environ: Mapping[str, str], root: Path) -> RunContext:
    """The run context from GITHUB_* variables when in Actions, else from git at ``root``."""
    if environ.get("GITHUB_ACTIONS") == "true" and environ.get("GITHUB_REPOSITORY"):
        server = environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
        repo = environ["GITHUB_REPOSITORY"]
        run_url = None
        if environ.get("GITHUB_RUN_ID"):
            run_url = f"{server}/{repo}/actions/runs/{environ['GITHUB_RUN_ID']}"
            if environ.get("GITHUB_RUN_ATTEMPT"):
                run_url += f"/attempts/{environ['GITHUB_RUN_ATTEMPT']}"
        return RunContext(
            source="github-actions",
            repository=f"{server}/{repo}",
            ref=environ.get("GITHUB_REF") or None,
            sha=environ.get("GITHUB_SHA") or None,
            run_url=run_url,
        )
    where = root if root.is_dir() else root.parent
    sha = git.value(where, "rev-parse", "--verify", "-q", "HEAD")
    if sha is None:
        return RunContext()
    remote = git.value(where, "config", "--get", "remote.origin.url")
    return RunContext(
        source="git",
        repository=_without_credentials(remote) if remote else None,
        ref=git.value(where, "symbolic-ref", "-q", "HEAD"),
        sha=sha,
    )


# ---- policy files --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _PolicyCopy:
    entry: PolicyFile
    target: str
    data: bytes


def _safe_relative(text: str, *, what: str) -> str:
    """A bundle-relative POSIX path that stays inside the bundle, or a VerificationError."""
    path = PurePosixPath(text)
    if (
        not text
        or "\\" in text
        or path.is_absolute()
        or any(part in ("..", "") for part in text.split("/"))
    ):
        raise VerificationError(f"{what}: {text!r} is not a plain path inside the bundle")
    return text


def _shipped_source(entry: PolicyFile) -> bytes | None:
    """The installed copy of a shipped file, if the entry is one (same name, same bytes)."""
    if entry.path.startswith(_DATA_PREFIX):
        name = entry.path.removeprefix(_DATA_PREFIX)
        if name in ("regulatory.yaml", "licences.yaml"):
            data = packs.INSTALLED.data_text(name)
            return data if _sha256(data) == entry.sha256 else None
    if entry.path.startswith("policies/"):
        candidate = policies_dir() / entry.path.removeprefix("policies/")
        if candidate.is_file():
            data = files.read_bounded(candidate, files.MAX_POLICY_FILE, display=entry.path)
            return data if _sha256(data) == entry.sha256 else None
    return None


def _collect_policy(
    decision: Decision, cwd: Path
) -> tuple[list[_PolicyCopy], str, Callable[[Path], str]]:
    """Where each policy file the decision used goes in the bundle, with its bytes.

    Shipped files go under ``policy/aigate/`` by name. The user's files keep their layout
    relative to each other (packs name modules and waivers by relative path) under
    ``policy/local/``, rooted at the deepest folder that holds them all and the working
    directory; the returned folder stands for the working directory, and the function maps a
    user file to its place in the bundle.
    """
    here = Path(os.path.realpath(cwd))
    shipped: list[_PolicyCopy] = []
    local: list[tuple[PolicyFile, Path]] = []
    gate_dir = Path(__file__).resolve().parent.parent
    installed = [Path(os.path.realpath(policies_dir())), gate_dir / "resolve" / "data"]
    for entry in decision.policy_files:
        # A user's file may carry a shipped file's name (and even its bytes): a pack at
        # ./policies/packs/release.yaml is the user's when it is there, not aigate's.
        mine = Path(os.path.realpath(here / entry.path))
        users = mine.is_file() and not any(mine.is_relative_to(d) for d in installed)
        data = _shipped_source(entry)
        if data is not None:
            # Same name, same bytes: the one entry may stand for both, so both are bundled.
            shipped.append(_PolicyCopy(entry, f"{SHIPPED}/{entry.path}", data))
            if not users:
                continue
        if PurePosixPath(entry.path).is_absolute() or re.match(r"^[A-Za-z]:", entry.path):
            raise InputError(
                entry.path,
                "cannot bundle a policy file named by an absolute path (another drive?)",
                hint="run aigate from a folder on the same drive as the policy files",
            )
        local.append((entry, Path(os.path.realpath(here / entry.path))))
    top = Path(os.path.commonpath([here, *(src.parent for _, src in local)]))

    def place(path: Path) -> str:
        rel = Path(os.path.relpath(os.path.realpath(path), top)).as_posix()
        return f"{LOCAL}/{rel}" if rel != "." else LOCAL

    copies = list(shipped)
    for entry, src in local:
        data = files.read_bounded(src, files.MAX_POLICY_FILE, display=entry.path)
        if _sha256(data) != entry.sha256:
            raise InputError(
                entry.path, "changed while the evidence was exported (its SHA-256 differs)"
            )
        copies.append(_PolicyCopy(entry, place(src), data))
    return copies, place(here), place


def _argument(spec: str, place: Callable[[Path], str]) -> str:
    """A ``--policy`` argument as a bundle path (shipped pack names become their file)."""
    path = Path(spec)
    installed = packs.shipped_packs()
    if spec in installed and not path.exists():
        return f"{SHIPPED}/{packs.display_path(installed[spec])}"
    resolved = path.resolve()
    if resolved.is_relative_to(policies_dir().resolve()):
        return f"{SHIPPED}/{packs.display_path(path)}"
    return place(path)


# ---- the views -------------------------------------------------------------------------------


def _time(now: str) -> str:
    """The bundle's one clock reading: the decision day at midnight UTC (``--now``)."""
    return f"{now}T00:00:00Z"


def audit_context(run: Mapping[str, Any], signing: str) -> html.AuditContext:
    """What report.html says about the run and how to check it, from the manifest's ``run``
    and ``signing`` (export and verify build it from the same signed fields)."""
    repository = run.get("repository")
    web = None
    if isinstance(repository, str) and repository.startswith("https://"):
        web = repository.removesuffix(".git")
    verify = {
        "key": "aigate verify BUNDLE --key SIGNER.pub (the signer's public key as you"
        " received it, not the copy inside the bundle)",
        "sigstore": "aigate verify BUNDLE --certificate-identity IDENTITY"
        " --certificate-oidc-issuer ISSUER (keyless: checked against Sigstore's trusted root)",
    }.get(
        signing,
        "unsigned: aigate verify BUNDLE --allow-unsigned checks digests and the"
        " replay only; nothing vouches for who made it",
    )

    def text(key: str) -> str | None:
        value = run.get(key)
        return value if isinstance(value, str) and value else None

    return html.AuditContext(
        repository=web,
        ref=text("ref"),
        sha=text("sha"),
        run_url=text("run_url"),
        signing=signing,
        verify=verify,
    )


def render_views(
    decision: Decision,
    inventory: Inventory,
    now: str,
    context: html.AuditContext | None = None,
) -> dict[str, str]:
    """Every file derived from the judged BOM and the decision (verify re-renders these)."""
    return {
        BOM_XML: write_bom(inventory, fmt="xml"),
        BOM_SPDX: spdx.write_spdx(inventory, created=_time(now)),
        DECISION: decisions.to_json(decision),
        REPORT_HTML: html.render(decision, inventory, context=context),
        REPORT_MD: markdown.render(decision, inventory),
        SARIF: sarif.render(decision, inventory, bom_path=BOM_JSON),
        FINDINGS_CSV: tables.findings_csv(decision),
        INVENTORY_CSV: tables.inventory_csv(inventory),
        WAIVERS_CSV: tables.waivers_csv(decision),
    }


# ---- export ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportOptions:
    """What to judge and how to sign the evidence."""

    out: Path
    check: pipeline.CheckOptions
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


def _resource_uri(run: RunContext, inventory: Inventory) -> str:
    if run.repository and run.sha and "://" in run.repository:
        return f"git+{run.repository}@{run.sha}"
    name = quote(inventory.project.name, safe="")
    version = f"@{quote(inventory.project.version, safe='')}" if inventory.project.version else ""
    return f"urn:aigate:project:{name}{version}"


def _policy_uri(decision: Decision) -> str:
    return "urn:aigate:policy:" + ("+".join(quote(p, safe="") for p in decision.packs) or "none")


def _prepare_out(out: Path) -> Path:
    """A fresh staging folder beside ``out`` (the bundle appears whole or not at all)."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise InputError(
            out, "already exists and is not an empty folder", hint="remove it or choose another"
        )
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    except OSError as exc:
        raise InputError(out, f"cannot create the bundle folder: {exc.strerror}") from exc


def _write(root: Path, rel: str, data: bytes) -> None:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


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
    ignores = (*check.scan.walk.extra_ignores, *_own_output(check.scan.root, options.out))
    scan = replace(
        check.scan,
        registry_files=(*check.scan.registry_files, *tuple(ps_registries)),
        walk=replace(check.scan.walk, extra_ignores=ignores),
    )
    inventory = pipeline.scan(scan).inventory
    return write_bom(inventory).encode("utf-8"), "scan"


def _own_output(root: Path, out: Path) -> tuple[str, ...]:
    """Ignore patterns for the bundle being written, when it lies inside the scanned tree."""
    top, target = root.resolve(), out.resolve()
    if not target.is_relative_to(top) or target == top:
        return ()
    rel = target.relative_to(top).as_posix()
    parent = target.parent.relative_to(top).as_posix()
    staging = f"/{parent}/.{target.name}.*/" if parent != "." else f"/.{target.name}.*/"
    return (f"/{rel}/", staging)


def _statement_file(statement: Statement, signer: Signer | None) -> bytes:
    if signer is None:
        return statement.to_json() + b"\n"
    return signer.sign(statement).encode("utf-8")


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
    staging = _prepare_out(options.out)
    try:
        bom, source = _bom_bytes(options, ps.registry_files)
        _write(staging, BOM_JSON, bom)
        try:
            result = pipeline.check(
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
        copies, working, place = _collect_policy(decision, cwd)
        for copy in copies:
            _write(staging, copy.target, copy.data)
        signing = options.signer.method if options.signer is not None else "none"
        context = audit_context(options.run.to_dict(), signing)
        for name, view in render_views(decision, inventory, now, context).items():
            _write(staging, name, view.encode("utf-8"))
        policy = {
            "arguments": [_argument(s, place) for s in check.policies],
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
        replay_problems, _ = _replay(staging, _input_section(check, source), policy, now, context)
        if replay_problems:
            raise AigateError(
                "the exported bundle does not replay to the same decision: "
                + "; ".join(replay_problems),
                hint="this is a bug in aigate; please report it with the policy files",
            )
        signed = options.signer is not None
        if options.signer is not None and options.public_key is not None:
            _write(staging, PUBLIC_KEY, options.public_key)
        bom_subject = Subject.of_bytes(BOM_JSON, bom)
        bom_file = _statement_file(
            attest.bom_statement(bom, bom_name=BOM_JSON, subjects=subjects), options.signer
        )
        bom_attestation = attestation_path("bom", signed=signed)
        _write(staging, bom_attestation, bom_file)
        vsa = attest.decision_statement(
            decision,
            bom=bom_subject,
            subjects=subjects,
            time_verified=_time(now),
            resource_uri=_resource_uri(options.run, inventory),
            policy_uri=_policy_uri(decision),
            inputs=[
                InputAttestation(bom_attestation, _sha256(bom_file)),
                InputAttestation(BOM_JSON, bom_subject.sha256),
            ],
            component_ids=[c.id for c in inventory.components],
        )
        _write(
            staging,
            attestation_path("decision", signed=signed),
            _statement_file(vsa, options.signer),
        )
        manifest = {
            "aigate_version": __version__,
            "files": _listing(
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
        text = _json_text(manifest).encode("utf-8")
        _write(staging, MANIFEST, text)
        statement = Statement(
            subjects=attest.subjects_or_bom(subjects, bom_subject),
            predicate_type=MANIFEST_PREDICATE_TYPE,
            predicate=manifest,
        )
        _write(
            staging,
            attestation_path("manifest", signed=signed),
            _statement_file(statement, options.signer),
        )
        if options.out.exists():
            options.out.rmdir()
        staging.rename(options.out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ExportResult(options.out, decision, inventory, manifest, result.warnings)


def _input_section(check: pipeline.CheckOptions, source: str) -> dict[str, Any]:
    return {
        "bom": BOM_JSON,
        "ci": check.ci,
        "fail_on": check.fail_on,
        "ref": check.ref,
        "release": check.release,
        "source": source,
    }


def _listing(root: Path, *, exclude: set[str]) -> list[dict[str, Any]]:
    files = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        if rel in exclude:
            continue
        data = path.read_bytes()
        files.append({"path": rel, "sha256": _sha256(data), "size": len(data)})
    return files


# ---- replay ----------------------------------------------------------------------------------


def _replay(
    root: Path,
    input_section: Mapping[str, Any],
    policy: Mapping[str, Any],
    now: str,
    context: html.AuditContext,
) -> tuple[list[str], Decision]:
    """Re-run the gate from the bundle's BOM and policy copies; what differs, if anything."""
    layout = packs.Layout(
        shipped=root / SHIPPED,
        local=root / _safe_relative(str(policy["working_directory"]), what="working_directory"),
        confine=root / POLICY,
    )
    arguments = [
        str(root / _safe_relative(str(a), what="policy argument")) for a in policy["arguments"]
    ]
    waivers = [root / _safe_relative(str(w), what="waiver file") for w in policy["waivers"]]
    result = pipeline.check(
        pipeline.CheckOptions(
            bom=root / BOM_JSON,
            policies=tuple(arguments),
            waiver_files=tuple(waivers),
            fail_on=str(input_section["fail_on"]),
            now=now,
            ref=input_section.get("ref"),
            release=input_section.get("release"),
            ci=input_section.get("ci"),
            policy_layout=layout,
            registries_applied=input_section.get("source") == "scan",
        )
    )
    problems: list[str] = []
    views = render_views(result.decision, result.inventory, now, context)
    recorded = _read_text(root / DECISION)
    if recorded != views[DECISION]:
        problems.append(_decision_difference(recorded, result.decision))
    for name, text in sorted(views.items()):
        if name == DECISION:
            continue
        if _read_text(root / name) != text:
            problems.append(
                f"{name} is not what this decision and BOM render to (edited after export?)"
            )
    return problems, result.decision


def _recorded_baseline(path: Path) -> str | None:
    """How decision.json describes its baseline (``--baseline``), or None when it has none."""
    text = _read_text(path)
    try:
        doc = json.loads(text) if text is not None else None
    except json.JSONDecodeError:
        return None  # the replay names an unreadable decision.json
    raw = doc.get("baseline") if isinstance(doc, dict) else None
    if raw is None:
        return None
    if isinstance(raw, dict):
        ref = raw.get("ref") or "(none found)"
        narrowed = "new components only" if raw.get("new_only") else "all components"
        return f"{ref} ({narrowed})"
    return repr(raw)


def _read_text(path: Path) -> str | None:
    try:
        return _bundled(path.parent, path.name).decode("utf-8")
    except (VerificationError, UnicodeDecodeError):
        return None


def _decision_difference(recorded: str | None, replayed: Decision) -> str:
    """Name the first thing that differs between decision.json and the replayed decision."""
    if recorded is None:
        return f"{DECISION} is missing or not UTF-8"
    try:
        old = json.loads(recorded)
    except json.JSONDecodeError:
        return f"{DECISION} is not JSON"
    new = decisions.to_dict(replayed)
    if not isinstance(old, dict):
        return f"{DECISION} is not a decision document"
    if old.get("verdict") != new["verdict"]:
        return (
            f"replaying the policy gives verdict {new['verdict']!r}, but {DECISION} records"
            f" {old.get('verdict')!r}"
        )
    if old.get("findings") != new["findings"]:
        old_f, new_f = old.get("findings") or [], new["findings"]
        for a, b in zip(old_f, new_f, strict=False):
            if a != b:
                return (
                    f"replaying the policy gives a different finding: {b.get('rule')} on"
                    f" {b.get('component')} ({b.get('level')}, waived by {b.get('waived_by')}),"
                    f" where {DECISION} records {a.get('rule') if isinstance(a, dict) else a!r}"
                    f" on {a.get('component') if isinstance(a, dict) else '?'}"
                    f" ({a.get('level') if isinstance(a, dict) else '?'}, waived by"
                    f" {a.get('waived_by') if isinstance(a, dict) else '?'})"
                )
        return f"replaying the policy gives {len(new_f)} findings, {DECISION} records {len(old_f)}"
    for key in sorted(new):
        if old.get(key) != new[key]:
            return f"replaying the policy gives a different {key!r} than {DECISION} records"
    return f"{DECISION} is not byte-for-byte what the replayed decision serialises to"


# ---- verify ----------------------------------------------------------------------------------


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
    raw = _bundled(root, MANIFEST, MAX_MANIFEST)
    try:
        doc = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VerificationError(f"{MANIFEST} is not JSON") from exc
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        raise VerificationError(f"{MANIFEST} is not an {SCHEMA} manifest")
    if _json_text(doc).encode("utf-8") != raw:
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
        path = _safe_relative(str(entry.get("path", "")), what=f"{MANIFEST} file")
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
            root / rel, display=rel, limit=sizes[rel], error=_unverified, follow=False
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
    data = _bundled(root, rel)
    if signed:
        assert verifier is not None
        verified = verifier.verify(data, source=rel)
        return verified.statement, verified.signer
    return Statement.from_json(data, source=rel), None


def verify(options: VerifyOptions) -> VerifyResult:
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
        os.path.lexists(root / attestation_path(n, signed=True)) for n in _ATTESTED
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
        for name in _ATTESTED:
            statement, identity = _open_attestation(root, name, options.verifier, signed)
            statements[name] = statement
            if identity is not None:
                signer = identity
                who.add(str(identity))
        if not signed:
            return "UNSIGNED (accepted with --allow-unsigned): nothing vouches for the statements"
        if len(who) != 1:
            raise VerificationError("the attestations are signed by different identities")
        return f"{len(_ATTESTED)} attestations signed by {next(iter(who))}"

    sigs_ok = steps.run("signatures", signatures)

    def bind() -> str:
        subjects = _subjects(manifest)
        bom_bytes = _bundled(root, BOM_JSON)
        bom_sha = _sha256(bom_bytes)
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

    def replay() -> str:
        version = manifest.get("aigate_version")
        if version != __version__:
            raise VerificationError(
                f"the bundle was made by aigate {version}; this is aigate {__version__}, whose"
                " engine and shipped rules may differ: replay with the same version"
            )
        catalogue = f"{SHIPPED}/gate/resolve/data/licences.yaml"
        if (root / catalogue).is_file() and _bundled(root, catalogue) != packs.INSTALLED.data_text(
            "licences.yaml"
        ):
            raise VerificationError(
                "the bundled licence catalogue differs from this aigate's, which reads"
                " licences when it builds the policy input: replay needs the same catalogue"
            )
        recorded = _recorded_baseline(root / DECISION)
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
            problems, replayed = _replay(
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
        steps.run("replay", replay)
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
        rel = _safe_relative(str(f.get("file", "")), what="policy file")
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
    if predicate.get("timeVerified") != _time(str(manifest.get("now"))):
        raise VerificationError(f"{src}: timeVerified is not the recorded decision day")
    verifier = predicate.get("verifier", {})
    if not isinstance(verifier, dict) or verifier.get("id") != attest.VERIFIER_ID:
        raise VerificationError(
            f"{src}: verifier.id is {verifier.get('id') if isinstance(verifier, dict) else None!r},"
            f" expected {attest.VERIFIER_ID!r}"
        )
