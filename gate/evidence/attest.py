"""in-toto Statement v1 and the two predicates aigate attests: the BOM and the gate's decision.

The BOM is attested as ``https://cyclonedx.org/bom`` (predicate = the BOM JSON itself), the
type ``gh attestation verify --predicate-type`` and cosign expect. The decision is a SLSA
Verification Summary (VSA v1) bound to the policy digest and to the BOM it judged: the BOM is
both an input attestation and a subject of the decision statement.

Statements are written as canonical JSON (sorted keys, no whitespace) and carry no clock of
their own: ``timeVerified`` comes from the caller, so the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from gate import __version__
from gate.errors import AigateError, InputError, VerificationError
from gate.model import JSON, Decision, Finding, Level, Verdict

STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
BOM_PREDICATE_TYPE = "https://cyclonedx.org/bom"
VSA_PREDICATE_TYPE = "https://slsa.dev/verification_summary/v1"

_BOM_VERSIONED = re.compile(r"^https://cyclonedx\.org/bom/v1\.\d+$")
_LEGACY_COSIGN_BOM = "https://cyclonedx.org/schema"

VERIFIER_ID = f"urn:aigate:gate:v{__version__.split('.')[0]}"
"""The VSA ``verifier.id``, versioned by aigate's major version.

VSA v1 types it as a URI; the project controls no domain, so it is a URN that claims none
(``urn:aigate:…`` is not a registered namespace and says only "aigate's gate, major N").
Consumers match it as an opaque string, and trust comes from the signer's key or
certificate, never from this field."""

_SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")


def canonical_json(value: JSON) -> bytes:
    """Deterministic JSON bytes: sorted keys, no insignificant whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sha256_hex(data: bytes) -> str:
    """Lower-case hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def normalise_sha256(value: str, *, what: str) -> str:
    """A SHA-256 as 64 lower-case hex digits (``sha256:`` prefix allowed), else an error."""
    text = value.strip().lower().removeprefix("sha256:")
    if not _SHA256_HEX.match(text):
        raise AigateError(f"{what} is not a SHA-256 digest: {value!r}")
    return text


@dataclass(frozen=True, slots=True)
class Subject:
    """A statement subject: an artefact's name and digests (``sha256`` is always present)."""

    name: str
    digest: Mapping[str, str]

    def __post_init__(self) -> None:
        if "sha256" not in self.digest:
            raise AigateError(f"subject {self.name!r} has no sha256 digest")
        normalise_sha256(self.digest["sha256"], what=f"subject {self.name!r}")

    @property
    def sha256(self) -> str:
        """The subject's SHA-256 (lower-case hex)."""
        return self.digest["sha256"].lower()

    @classmethod
    def of_bytes(cls, name: str, data: bytes) -> Subject:
        """A subject for in-memory content."""
        return cls(name=name, digest={"sha256": sha256_hex(data)})

    @classmethod
    def of_file(cls, path: Path, name: str | None = None) -> Subject:
        """A subject for a release artefact on disk (named by its file name by default)."""
        digest = hashlib.sha256()
        try:
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
        except OSError as exc:
            raise InputError(path, f"cannot read subject: {exc.strerror}") from exc
        return cls(name=name or path.name, digest={"sha256": digest.hexdigest()})

    def to_dict(self) -> dict[str, Any]:
        """The in-toto ResourceDescriptor form."""
        return {"digest": dict(sorted(self.digest.items())), "name": self.name}


@dataclass(frozen=True, slots=True)
class Statement:
    """An in-toto Statement v1: what (subjects) is said (predicate) of what type."""

    subjects: tuple[Subject, ...]
    predicate_type: str
    predicate: Mapping[str, JSON] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.subjects:
            raise AigateError("an in-toto statement needs at least one subject")
        if not self.predicate_type:
            raise AigateError("an in-toto statement needs a predicate type")

    def to_dict(self) -> dict[str, Any]:
        """The statement as a JSON object."""
        return {
            "_type": STATEMENT_TYPE,
            "predicate": self.predicate,
            "predicateType": self.predicate_type,
            "subject": [s.to_dict() for s in self.subjects],
        }

    def to_json(self) -> bytes:
        """Canonical JSON bytes: the DSSE payload."""
        return canonical_json(self.to_dict())

    @classmethod
    def from_json(cls, payload: bytes, *, source: str) -> Statement:
        """Parse a (verified) payload; anything that is not a Statement v1 is refused."""
        try:
            doc = json.loads(payload)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise VerificationError(f"{source}: the signed payload is not JSON") from exc
        if not isinstance(doc, dict):
            raise VerificationError(f"{source}: the signed payload is not a JSON object")
        if doc.get("_type") != STATEMENT_TYPE:
            raise VerificationError(
                f"{source}: the signed payload is not an in-toto Statement v1"
                f" (_type {doc.get('_type')!r})"
            )
        predicate_type = doc.get("predicateType")
        if not isinstance(predicate_type, str) or not predicate_type:
            raise VerificationError(f"{source}: the statement has no predicateType")
        predicate = doc.get("predicate", {})
        if not isinstance(predicate, dict):
            raise VerificationError(f"{source}: the statement's predicate is not an object")
        raw_subjects = doc.get("subject")
        if not isinstance(raw_subjects, list) or not raw_subjects:
            raise VerificationError(f"{source}: the statement has no subject")
        subjects: list[Subject] = []
        for raw in raw_subjects:
            if not isinstance(raw, dict) or not isinstance(raw.get("digest"), dict):
                raise VerificationError(f"{source}: a subject has no digest")
            digest = raw["digest"]
            if not all(isinstance(k, str) and isinstance(v, str) for k, v in digest.items()):
                raise VerificationError(f"{source}: a subject digest is not a string map")
            name = raw.get("name", "")
            if not isinstance(name, str):
                raise VerificationError(f"{source}: a subject name is not a string")
            try:
                subjects.append(Subject(name=name, digest=dict(digest)))
            except AigateError as exc:
                raise VerificationError(f"{source}: {exc}") from exc
        return cls(subjects=tuple(subjects), predicate_type=predicate_type, predicate=predicate)

    def has_subject(self, sha256: str) -> bool:
        """Whether a subject has this SHA-256 (in-toto matches subjects by digest only)."""
        want = sha256.lower()
        return any(s.sha256 == want for s in self.subjects)


def bom_predicate_type_ok(predicate_type: str) -> tuple[bool, str | None]:
    """Whether a predicate type names a CycloneDX BOM, and a warning for legacy spellings.

    aigate writes the unversioned ``https://cyclonedx.org/bom``; versioned ``/bom/v1.x``
    (the in-toto predicate page's example) and cosign's legacy ``/schema`` are accepted
    with a warning when reading.
    """
    if predicate_type == BOM_PREDICATE_TYPE:
        return True, None
    if _BOM_VERSIONED.match(predicate_type) or predicate_type == _LEGACY_COSIGN_BOM:
        return True, (
            f"BOM attestation uses predicate type {predicate_type!r};"
            f" {BOM_PREDICATE_TYPE!r} is the current spelling"
        )
    return False, None


def subjects_or_bom(subjects: Sequence[Subject], bom: Subject) -> tuple[Subject, ...]:
    """The release artefacts given, or the BOM itself when none were."""
    return tuple(subjects) if subjects else (bom,)


def bom_statement(
    bom_text: str | bytes, *, bom_name: str, subjects: Sequence[Subject]
) -> Statement:
    """The BOM attestation: predicate = the CycloneDX JSON; subjects = artefacts (or the BOM)."""
    data = bom_text.encode("utf-8") if isinstance(bom_text, str) else bom_text
    try:
        bom = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(bom_name, "the BOM to attest is not JSON") from exc
    if not isinstance(bom, dict) or bom.get("bomFormat") != "CycloneDX":
        raise InputError(bom_name, "the BOM to attest is not a CycloneDX JSON document")
    return Statement(
        subjects=subjects_or_bom(subjects, Subject.of_bytes(bom_name, data)),
        predicate_type=BOM_PREDICATE_TYPE,
        predicate=bom,
    )


def _area(rule: str) -> str:
    """The policy area of a rule id: ``aigate.jurisdiction.publisher-country`` → JURISDICTION."""
    parts = rule.split(".")
    name = parts[1] if len(parts) > 1 and parts[0] == "aigate" else parts[0]
    return re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_") or "POLICY"


def _blocks(finding: Finding, fail_on: str) -> bool:
    if finding.waived_by:
        return False
    if fail_on == "never":
        return False
    if finding.level is Level.DENY:
        return True
    return fail_on == "warn" and finding.level is Level.WARN


def verified_levels(decision: Decision) -> list[str]:
    """One VSA level per policy area: ``AIGATE_<AREA>_PASSED`` or ``AIGATE_<AREA>_FAILED``.

    VSA v1 allows custom levels (not prefixed ``SLSA_``); each area is its own track.
    """
    areas = {_area(r.id) for r in decision.rules} | {_area(f.rule) for f in decision.findings}
    failed = {_area(f.rule) for f in decision.findings if _blocks(f, decision.fail_on)}
    return sorted(f"AIGATE_{a}_{'FAILED' if a in failed else 'PASSED'}" for a in areas)


def dependency_levels(decision: Decision, component_ids: Iterable[str]) -> dict[str, int]:
    """How many components (the release's AI dependencies) passed or failed the gate."""
    ids = set(component_ids)
    failed = {
        f.component for f in decision.findings if f.component and _blocks(f, decision.fail_on)
    }
    failed &= ids
    return {"AIGATE_COMPONENT_FAILED": len(failed), "AIGATE_COMPONENT_PASSED": len(ids - failed)}


def _check_time(value: str) -> str:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise AigateError(f"timeVerified is not an RFC 3339 time: {value!r}") from exc
    if parsed.tzinfo is None:
        raise AigateError(f"timeVerified has no time zone: {value!r}")
    return value


@dataclass(frozen=True, slots=True)
class InputAttestation:
    """A VSA input: where an attestation (or document) is, and its digest."""

    uri: str
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        """The VSA ResourceDescriptor form."""
        return {"digest": {"sha256": self.sha256}, "uri": self.uri}


def decision_statement(
    decision: Decision,
    *,
    bom: Subject,
    subjects: Sequence[Subject],
    time_verified: str,
    resource_uri: str,
    policy_uri: str,
    inputs: Sequence[InputAttestation],
    component_ids: Iterable[str] = (),
) -> Statement:
    """The decision as a SLSA VSA v1, bound to the policy digest and the BOM it judged.

    ``bom`` is added to the subjects (unless an artefact already has its digest), so a
    verifier can check that the decision speaks of exactly this BOM; ``inputs`` should name
    the BOM attestation and the BOM file.
    """
    policy_digest = normalise_sha256(decision.policy_digest, what="the decision's policy digest")
    subject_list = list(subjects)
    if not any(s.sha256 == bom.sha256 for s in subject_list):
        subject_list.append(bom)
    predicate: dict[str, JSON] = {
        "inputAttestations": [i.to_dict() for i in sorted(inputs, key=lambda i: i.uri)],
        "policy": {"digest": {"sha256": policy_digest}, "uri": policy_uri},
        "resourceUri": resource_uri,
        "timeVerified": _check_time(time_verified),
        "verificationResult": "PASSED" if decision.verdict is Verdict.PASS else "FAILED",
        "verifiedLevels": verified_levels(decision),
        "verifier": {"id": VERIFIER_ID, "version": {"aigate": __version__}},
    }
    ids = list(component_ids)
    if ids:
        predicate["dependencyLevels"] = dependency_levels(decision, ids)
    return Statement(
        subjects=tuple(subject_list), predicate_type=VSA_PREDICATE_TYPE, predicate=predicate
    )
