"""DSSE (Dead Simple Signing Envelope) v1: the pre-authentication encoding and the envelope JSON.

Implemented from the DSSE spec (secure-systems-lab/dsse, envelope.md and protocol.md): a
signature covers ``PAE(payloadType, payload)``, never the JSON envelope, so re-encoding the
envelope cannot change what was signed and a swapped ``payloadType`` breaks the signature.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gate.errors import VerificationError

PAYLOAD_TYPE = "application/vnd.in-toto+json"
"""The payload type of an in-toto Statement inside DSSE."""


def pae(payload_type: str, payload: bytes) -> bytes:
    """The DSSEv1 pre-authentication encoding, the exact bytes a signature covers.

    ``"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body``, where LEN is the decimal byte
    length (of the UTF-8 type, of the raw body).
    """
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %b %d %b" % (len(kind), kind, len(payload), payload)


def b64decode_strict(text: object, *, what: str, source: str) -> bytes:
    """Standard base64 (padding required, no stray characters), or a VerificationError."""
    if not isinstance(text, str) or not text:
        raise VerificationError(f"{source}: {what} is missing or not a base64 string")
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise VerificationError(f"{source}: {what} is not valid base64") from exc
    # The decoder ignores the unused low bits of the last character, so several spellings
    # decode to the same bytes; only the canonical one is accepted, so that no edit to a
    # signed bundle goes unnoticed.
    if base64.b64encode(data).decode("ascii") != text:
        raise VerificationError(f"{source}: {what} is not canonical base64")
    return data


def b64(data: bytes) -> str:
    """Standard base64 with padding, as protobuf JSON writes ``bytes``."""
    return base64.b64encode(data).decode("ascii")


@dataclass(frozen=True, slots=True)
class Signature:
    """One DSSE signature: the raw signature bytes and an optional (unauthenticated) key id."""

    sig: bytes
    keyid: str = ""


@dataclass(frozen=True, slots=True)
class Envelope:
    """A DSSE envelope: the payload, its type, and the signatures over their PAE."""

    payload_type: str
    payload: bytes
    signatures: tuple[Signature, ...]

    def pae(self) -> bytes:
        """The bytes every signature in this envelope must cover."""
        return pae(self.payload_type, self.payload)

    def to_dict(self) -> dict[str, Any]:
        """The envelope as protobuf-JSON (``io.intoto.Envelope``) fields."""
        sigs: list[dict[str, str]] = []
        for s in self.signatures:
            entry = {"sig": b64(s.sig)}
            if s.keyid:
                entry["keyid"] = s.keyid
            sigs.append(entry)
        return {"payload": b64(self.payload), "payloadType": self.payload_type, "signatures": sigs}

    @classmethod
    def from_dict(cls, obj: object, *, source: str) -> Envelope:
        """Parse an envelope, rejecting anything malformed with a VerificationError."""
        if not isinstance(obj, Mapping):
            raise VerificationError(f"{source}: the DSSE envelope is not a JSON object")
        unknown = set(obj) - {"payload", "payloadType", "signatures"}
        if unknown:
            raise VerificationError(
                f"{source}: the DSSE envelope has unknown fields: {', '.join(sorted(unknown))}"
            )
        payload_type = obj.get("payloadType")
        if not isinstance(payload_type, str) or not payload_type:
            raise VerificationError(f"{source}: the DSSE envelope has no payloadType")
        payload = b64decode_strict(obj.get("payload"), what="the DSSE payload", source=source)
        raw_sigs = obj.get("signatures")
        if not isinstance(raw_sigs, list) or not raw_sigs:
            raise VerificationError(f"{source}: the DSSE envelope has no signatures")
        sigs: list[Signature] = []
        for raw in raw_sigs:
            if not isinstance(raw, Mapping):
                raise VerificationError(f"{source}: a DSSE signature is not a JSON object")
            if set(raw) - {"sig", "keyid"}:
                raise VerificationError(f"{source}: a DSSE signature has unknown fields")
            keyid = raw.get("keyid", "")
            if not isinstance(keyid, str):
                raise VerificationError(f"{source}: a DSSE signature keyid is not a string")
            sig = b64decode_strict(raw.get("sig"), what="a DSSE signature", source=source)
            sigs.append(Signature(sig=sig, keyid=keyid))
        return cls(payload_type=payload_type, payload=payload, signatures=tuple(sigs))
