"""The evidence bundle's layout: its file names, how its files are read and written, and
the views rendered from the judged BOM and the decision.

One folder an auditor keeps: the BOM judged, the decision, reports and CSV tables, the exact
policy files used (:mod:`gate.evidence.policy_copy`), where the export ran
(:mod:`gate.evidence.run`) and in-toto attestations, signed or not. Writing it is the
pipeline's (:func:`gate.pipeline.export`); checking it is :mod:`gate.evidence.verify`'s, with
a replay of the gate (:mod:`gate.evidence.replay`).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from gate import files
from gate.bom.cyclonedx import write_bom
from gate.errors import InputError, VerificationError
from gate.evidence import spdx, tables
from gate.evidence.attest import Statement
from gate.evidence.run import RunContext
from gate.evidence.sign import Signer
from gate.model import Decision, Inventory
from gate.policy import decision as decisions
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

ATTESTED = ("bom", "decision", "manifest")
_SIGNED_SUFFIX = ".sigstore.json"
_UNSIGNED_SUFFIX = ".intoto.json"
DATA_PREFIX = "gate/resolve/data/"
MAX_MANIFEST = 64 * 1024 * 1024
"""Bytes a manifest may hold (a real one lists a few dozen files)."""
MAX_FILE = 4 * 1024 * 1024 * 1024
"""Bytes any one bundled file may hold; listed files are digested in chunks, never whole."""


def unverified(display: str, problem: str) -> VerificationError:
    return VerificationError(f"{display}: {problem}")


def read_bundled(root: Path, rel: str, limit: int = MAX_FILE) -> bytes:
    """A file of the bundle: a regular file (no link, FIFO or device), at most ``limit``."""
    return files.read_bounded(root / rel, limit, display=rel, error=unverified, follow=False)


def attestation_path(name: str, *, signed: bool) -> str:
    """``attestations/<name>.sigstore.json`` (signed) or ``.intoto.json`` (a bare Statement)."""
    return f"{ATTESTATIONS}/{name}{_SIGNED_SUFFIX if signed else _UNSIGNED_SUFFIX}"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def json_text(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def safe_relative(text: str, *, what: str) -> str:
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


def decision_time(now: str) -> str:
    """The bundle's one clock reading: the decision day at midnight UTC (``--now``)."""
    return f"{now}T00:00:00Z"


def read_text(path: Path) -> str | None:
    try:
        return read_bundled(path.parent, path.name).decode("utf-8")
    except (VerificationError, UnicodeDecodeError):
        return None


# ---- the views -------------------------------------------------------------------------------


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
        BOM_SPDX: spdx.write_spdx(inventory, created=decision_time(now)),
        DECISION: decisions.to_json(decision),
        REPORT_HTML: html.render(decision, inventory, context=context),
        REPORT_MD: markdown.render(decision, inventory),
        SARIF: sarif.render(decision, inventory, bom_path=BOM_JSON),
        FINDINGS_CSV: tables.findings_csv(decision),
        INVENTORY_CSV: tables.inventory_csv(inventory),
        WAIVERS_CSV: tables.waivers_csv(decision),
    }


# ---- writing ---------------------------------------------------------------------------------


def resource_uri(run: RunContext, inventory: Inventory) -> str:
    if run.repository and run.sha and "://" in run.repository:
        return f"git+{run.repository}@{run.sha}"
    name = quote(inventory.project.name, safe="")
    version = f"@{quote(inventory.project.version, safe='')}" if inventory.project.version else ""
    return f"urn:aigate:project:{name}{version}"


def policy_uri(decision: Decision) -> str:
    return "urn:aigate:policy:" + ("+".join(quote(p, safe="") for p in decision.packs) or "none")


def prepare_out(out: Path) -> Path:
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


def write_file(root: Path, rel: str, data: bytes) -> None:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def own_output(root: Path, out: Path) -> tuple[str, ...]:
    """Ignore patterns for the bundle being written, when it lies inside the scanned tree."""
    top, target = root.resolve(), out.resolve()
    if not target.is_relative_to(top) or target == top:
        return ()
    rel = target.relative_to(top).as_posix()
    parent = target.parent.relative_to(top).as_posix()
    staging = f"/{parent}/.{target.name}.*/" if parent != "." else f"/.{target.name}.*/"
    return (f"/{rel}/", staging)


def statement_file(statement: Statement, signer: Signer | None) -> bytes:
    if signer is None:
        return statement.to_json() + b"\n"
    return signer.sign(statement).encode("utf-8")


def listing(root: Path, *, exclude: set[str]) -> list[dict[str, Any]]:
    files = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(root).as_posix()
        if rel in exclude:
            continue
        data = path.read_bytes()
        files.append({"path": rel, "sha256": sha256_hex(data), "size": len(data)})
    return files
