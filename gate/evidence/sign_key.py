"""Signing with a local ECDSA P-256 key, for air-gapped use: key pairs, DSSE, Sigstore bundles.

The bundle is protobuf-specs ``Bundle`` v0.3 with ``verificationMaterial.publicKey.hint``
set to the key id (SHA-256 of the DER SubjectPublicKeyInfo, as RFC 6962 log ids are made and
as protobuf-specs recommends); the DSSE signature carries the same key id, as the spec requires
when both are present. No transparency log is involved, so ``tlogEntries`` is empty.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from gate import files
from gate.errors import InputError, SignatureError, VerificationError
from gate.evidence.attest import Statement, canonical_json
from gate.evidence.dsse import PAYLOAD_TYPE, Envelope, Signature
from gate.evidence.sign import BUNDLE_MEDIA_TYPE, SignerIdentity, Verified, parse_bundle

PASSPHRASE_ENV = "AIGATE_KEY_PASSPHRASE"
"""The environment variable a private key's passphrase is read from (never a CLI argument)."""
PRIVATE_KEY_NAME = "aigate.key"
PUBLIC_KEY_NAME = "aigate.pub"


def key_id(public_key: ec.EllipticCurvePublicKey) -> str:
    """SHA-256 (hex) of the DER SubjectPublicKeyInfo: the key's hint in bundles."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


def passphrase_from_env(var: str = PASSPHRASE_ENV) -> bytes | None:
    """The passphrase in ``var``, or None when it is unset or empty."""
    value = os.environ.get(var)
    return value.encode("utf-8") if value else None


def _write_new(path: Path, data: bytes, mode: int) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError as exc:
        raise InputError(
            path, "already exists; refusing to overwrite a key", hint="choose another --out-dir"
        ) from exc
    except OSError as exc:
        raise InputError(path, f"cannot create: {exc.strerror}") from exc
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def generate(out_dir: Path, *, passphrase: bytes | None = None) -> tuple[Path, Path]:
    """Make a P-256 key pair in ``out_dir``: (private key PEM, public key PEM).

    The private key is PKCS#8, encrypted when a passphrase is given, created 0600; existing
    files are never overwritten.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(out_dir, f"cannot create directory: {exc.strerror}") from exc
    private = ec.generate_private_key(ec.SECP256R1())
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private_path, public_path = out_dir / PRIVATE_KEY_NAME, out_dir / PUBLIC_KEY_NAME
    for path in (private_path, public_path):
        if path.exists():
            raise InputError(path, "already exists; refusing to overwrite a key")
    _write_new(private_path, private_pem, 0o600)
    _write_new(public_path, public_pem, 0o644)
    return private_path, public_path


def _key_error(display: str, problem: str) -> InputError:
    return InputError(display, f"cannot read key: {problem}")


def _read(path: Path) -> bytes:
    # A key is a few hundred bytes; a FIFO or a device given as --key must not hang.
    return files.read_bounded(path, 1024 * 1024, error=_key_error)


def load_private_key(path: Path, passphrase: bytes | None) -> ec.EllipticCurvePrivateKey:
    """A P-256 private key from PEM; clear errors for a wrong or missing passphrase."""
    data = _read(path)
    if b"-----BEGIN PUBLIC KEY-----" in data and b"PRIVATE KEY-----" not in data:
        # Not a passphrase problem: the other half of the pair was given.
        raise SignatureError(
            f"{path}: this is a public key; signing needs the private key",
            hint="pass the private half of the pair (aigate.key from `aigate keygen`);"
            " the .pub file is for `aigate verify --key`",
        )
    try:
        key = serialization.load_pem_private_key(data, password=passphrase)
    except TypeError as exc:
        # cryptography raises TypeError for "encrypted but no password" and the reverse.
        needs = b"ENCRYPTED" in data
        raise SignatureError(
            f"{path}: the private key is {'encrypted' if needs else 'not encrypted'}"
            f" but a passphrase was {'not ' if needs else ''}given",
            hint=f"set {PASSPHRASE_ENV}" if needs else f"unset {PASSPHRASE_ENV}",
        ) from exc
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise SignatureError(
            f"{path}: cannot load the private key (wrong passphrase or not a PEM key)",
            hint=f"check {PASSPHRASE_ENV}; keys come from `aigate keygen`",
        ) from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise SignatureError(f"{path}: not an ECDSA P-256 private key")
    return key


def load_public_key(path: Path) -> ec.EllipticCurvePublicKey:
    """A P-256 public key from PEM."""
    data = _read(path)
    if b"PRIVATE KEY-----" in data:
        raise InputError(
            path,
            "this is a private key; verifying needs the public key",
            hint="pass the public half of the pair (aigate.pub from `aigate keygen`) and keep"
            " the private key to the signer",
        )
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise InputError(path, "not a PEM public key") from exc
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise InputError(path, "not an ECDSA P-256 public key")
    return key


class KeySigner:
    """Signs statements with a local P-256 key into Sigstore bundles with a key hint."""

    method = "key"

    def __init__(self, private_key: ec.EllipticCurvePrivateKey) -> None:
        self._key = private_key
        self.key_id = key_id(private_key.public_key())

    @classmethod
    def from_file(cls, path: Path, passphrase: bytes | None = None) -> KeySigner:
        """A signer from a PEM private key file (passphrase from the caller or the env)."""
        return cls(load_private_key(path, passphrase))

    def public_pem(self) -> bytes:
        """The public half as PEM (SubjectPublicKeyInfo), as ``aigate keygen`` writes it."""
        return self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def envelope(self, statement: Statement) -> Envelope:
        """A DSSE envelope over the statement's canonical JSON."""
        payload = statement.to_json()
        unsigned = Envelope(payload_type=PAYLOAD_TYPE, payload=payload, signatures=())
        sig = self._key.sign(unsigned.pae(), ec.ECDSA(hashes.SHA256()))
        return Envelope(
            payload_type=PAYLOAD_TYPE,
            payload=payload,
            signatures=(Signature(sig=sig, keyid=self.key_id),),
        )

    def sign(self, statement: Statement) -> str:
        """The Sigstore bundle v0.3 JSON (canonical, newline-terminated)."""
        bundle = {
            "dsseEnvelope": self.envelope(statement).to_dict(),
            "mediaType": BUNDLE_MEDIA_TYPE,
            "verificationMaterial": {"publicKey": {"hint": self.key_id}, "tlogEntries": []},
        }
        return canonical_json(bundle).decode("utf-8") + "\n"


class KeyVerifier:
    """Verifies key-signed bundles against one trusted public key."""

    def __init__(self, public_key: ec.EllipticCurvePublicKey) -> None:
        self._key = public_key
        self.key_id = key_id(public_key)

    @classmethod
    def from_file(cls, path: Path) -> KeyVerifier:
        """A verifier from a PEM public key file."""
        return cls(load_public_key(path))

    def verify(self, bundle: str | bytes, *, source: str) -> Verified:
        """The statement, if the single DSSE signature verifies with the trusted key."""
        parsed = parse_bundle(bundle, source=source)
        material = parsed.verification_material
        if "certificate" in material or "x509CertificateChain" in material:
            raise VerificationError(
                f"{source}: signed keylessly (it carries a certificate), not with a key",
                hint="verify with --certificate-identity and --certificate-oidc-issuer",
            )
        public = material.get("publicKey")
        hint = public.get("hint") if isinstance(public, dict) else None
        if not isinstance(hint, str) or not hint:
            raise VerificationError(f"{source}: the bundle names no public key (publicKey.hint)")
        signature = parsed.envelope.signatures[0]
        if signature.keyid and signature.keyid != hint:
            raise VerificationError(
                f"{source}: the DSSE keyid ({signature.keyid}) differs from the bundle's key"
                f" hint ({hint})"
            )
        if hint != self.key_id:
            raise VerificationError(
                f"{source}: signed by another key (hint {hint}); the trusted key is {self.key_id}",
                hint="pass the public key that belongs to the signer with --key",
            )
        try:
            self._key.verify(signature.sig, parsed.envelope.pae(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature as exc:
            raise VerificationError(
                f"{source}: the signature does not verify: the statement or envelope was changed"
                " after signing"
            ) from exc
        statement = Statement.from_json(parsed.envelope.payload, source=source)
        signer = SignerIdentity(method="key", key_id=self.key_id)
        return Verified(statement=statement, signer=signer)
