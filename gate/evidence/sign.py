"""The signing seam: a Signer turns a Statement into a Sigstore bundle, a Verifier turns a
bundle back into the Statement and the identity that signed it.

The signer's identity is what the key or the certificate proves, never what the predicate
says: a predicate is written by whoever ran the workflow. Both implementations (a local
ECDSA key, keyless Sigstore) write the same Sigstore bundle v0.3 JSON around a DSSE envelope.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from gate.errors import VerificationError
from gate.evidence.attest import Statement, Subject
from gate.evidence.dsse import PAYLOAD_TYPE, Envelope

BUNDLE_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json"
"""What aigate writes (protobuf-specs ``Bundle`` v0.3)."""
_ACCEPTED_MEDIA_TYPES = (
    BUNDLE_MEDIA_TYPE,
    "application/vnd.dev.sigstore.bundle+json;version=0.3",
)
# protobuf-JSON parsers refuse unknown fields; so does aigate, so that no edit goes unnoticed.
_BUNDLE_FIELDS = {"mediaType", "verificationMaterial", "dsseEnvelope", "messageSignature"}
_MATERIAL_FIELDS = {
    "publicKey",
    "x509CertificateChain",
    "certificate",
    "tlogEntries",
    "timestampVerificationData",
}


@dataclass(frozen=True, slots=True)
class SignerIdentity:
    """Who signed, as proven by the verification material (key or certificate)."""

    method: str
    """``key`` or ``sigstore``."""
    key_id: str | None = None
    """For key signatures: SHA-256 (hex) of the DER public key that verified."""
    identity: str | None = None
    """For keyless signatures: the certificate's subject alternative name."""
    issuer: str | None = None
    """For keyless signatures: the OIDC issuer recorded in the certificate."""

    def __str__(self) -> str:
        if self.method == "key":
            return f"key sha256:{self.key_id}"
        return f"{self.identity} (issuer {self.issuer})"


@dataclass(frozen=True, slots=True)
class Verified:
    """A bundle whose signature verified: the statement it carries and who signed it."""

    statement: Statement
    signer: SignerIdentity


class Signer(Protocol):
    """Signs in-toto statements into Sigstore bundles."""

    method: str
    """``key`` or ``sigstore``."""

    def sign(self, statement: Statement) -> str:
        """The Sigstore bundle v0.3 JSON of a DSSE envelope over the statement."""
        ...


class Verifier(Protocol):
    """Verifies Sigstore bundles against a trusted key or identity."""

    def verify(self, bundle: str | bytes, *, source: str) -> Verified:
        """The verified statement and signer; VerificationError when anything is off."""
        ...


@dataclass(frozen=True, slots=True)
class ParsedBundle:
    """The parts of a bundle every verifier needs, structurally checked."""

    document: Mapping[str, Any]
    envelope: Envelope
    verification_material: Mapping[str, Any]


def parse_bundle(bundle: str | bytes, *, source: str) -> ParsedBundle:
    """Parse a Sigstore bundle holding exactly one DSSE signature over an in-toto payload.

    Rejects unknown media types, message-signature bundles, other payload types and
    multi-signature envelopes: what aigate cannot verify is never passed through.
    """
    try:
        doc = json.loads(bundle)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise VerificationError(f"{source}: not a JSON Sigstore bundle") from exc
    if not isinstance(doc, dict):
        raise VerificationError(f"{source}: not a JSON Sigstore bundle")
    unknown = set(doc) - _BUNDLE_FIELDS
    if unknown:
        raise VerificationError(f"{source}: unknown bundle fields: {', '.join(sorted(unknown))}")
    media_type = doc.get("mediaType")
    if media_type not in _ACCEPTED_MEDIA_TYPES:
        raise VerificationError(
            f"{source}: unsupported bundle media type {media_type!r}",
            hint=f"aigate writes and reads {BUNDLE_MEDIA_TYPE}",
        )
    if "messageSignature" in doc:
        raise VerificationError(f"{source}: the bundle signs a message, not a DSSE envelope")
    envelope = Envelope.from_dict(doc.get("dsseEnvelope"), source=source)
    if envelope.payload_type != PAYLOAD_TYPE:
        raise VerificationError(
            f"{source}: the DSSE payload type is {envelope.payload_type!r},"
            f" expected {PAYLOAD_TYPE!r}"
        )
    if len(envelope.signatures) != 1:
        raise VerificationError(
            f"{source}: the DSSE envelope has {len(envelope.signatures)} signatures;"
            " a Sigstore bundle holds exactly one"
        )
    material = doc.get("verificationMaterial")
    if not isinstance(material, dict):
        raise VerificationError(f"{source}: the bundle has no verificationMaterial")
    unknown = set(material) - _MATERIAL_FIELDS
    if unknown:
        raise VerificationError(
            f"{source}: unknown verificationMaterial fields: {', '.join(sorted(unknown))}"
        )
    return ParsedBundle(document=doc, envelope=envelope, verification_material=material)


def expect(
    verified: Verified,
    *,
    predicate_type: str,
    subjects: Sequence[Subject] = (),
    source: str,
) -> Statement:
    """Check a verified statement has the expected predicate type and covers every subject.

    Subjects are matched by SHA-256 only, as the in-toto spec requires.
    """
    statement = verified.statement
    if statement.predicate_type != predicate_type:
        raise VerificationError(
            f"{source}: predicate type is {statement.predicate_type!r}, expected {predicate_type!r}"
        )
    for subject in subjects:
        if not statement.has_subject(subject.sha256):
            raise VerificationError(
                f"{source}: no subject has the digest of {subject.name}"
                f" (sha256:{subject.sha256}): the attestation speaks of something else"
            )
    return statement
