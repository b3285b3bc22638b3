"""Keyless signing through Sigstore: the CI's OIDC identity, a Fulcio certificate, a Rekor entry.

In GitHub Actions (``permissions: id-token: write``) the ambient credential is fetched from
``ACTIONS_ID_TOKEN_REQUEST_URL``; the statement is signed with ``Signer.sign_dsse`` and the
result is a Sigstore bundle v0.3 with the leaf certificate and the transparency-log entry.
Verification is offline against a trusted root (Sigstore's public-good root shipped in the
``sigstore`` package by default) and an expected identity and OIDC issuer: the signer is who
the certificate says, never what the predicate claims.
"""

from __future__ import annotations

import requests
from cryptography.x509 import (
    Certificate,
    ExtensionNotFound,
    ObjectIdentifier,
    OtherName,
    RFC822Name,
    SubjectAlternativeName,
    UniformResourceIdentifier,
    UnrecognizedExtension,
)
from sigstore import dsse as sigstore_dsse
from sigstore import errors as sigstore_errors
from sigstore import oidc
from sigstore._internal.fulcio.client import ExpiredCertificate, FulcioClientError
from sigstore._internal.rekor import RekorClientError
from sigstore.models import Bundle, ClientTrustConfig, TrustedRoot
from sigstore.sign import SigningContext
from sigstore.verify import Verifier as SigstoreVerifierImpl
from sigstore.verify.policy import Identity

from gate.errors import SignatureError, VerificationError
from gate.evidence.attest import Statement
from gate.evidence.dsse import PAYLOAD_TYPE
from gate.evidence.sign import SignerIdentity, Verified, parse_bundle

GITHUB_ISSUER = "https://token.actions.githubusercontent.com"
_ISSUER_V1 = ObjectIdentifier("1.3.6.1.4.1.57264.1.1")
_ISSUER_V2 = ObjectIdentifier("1.3.6.1.4.1.57264.1.8")
_OTHERNAME_SAN = ObjectIdentifier("1.3.6.1.4.1.57264.1.7")

_NO_CREDENTIAL_HINT = (
    "keyless signing needs a CI identity: in GitHub Actions grant the job"
    " `permissions: id-token: write`; elsewhere sign with --sign key"
)
# What the sigstore client raises when a service is unreachable or answers badly.
_SERVICE_ERRORS: tuple[type[BaseException], ...] = (
    requests.RequestException,
    FulcioClientError,
    RekorClientError,
    ExpiredCertificate,
    oidc.ExpiredIdentity,
    sigstore_errors.Error,
)


def ambient_token() -> str:
    """The CI's OIDC token for Sigstore, or a SignatureError saying how to get one."""
    try:
        token = oidc.detect_credential()
    except oidc.IdentityError as exc:
        raise SignatureError(
            f"the ambient OIDC credential could not be obtained: {exc}", hint=_NO_CREDENTIAL_HINT
        ) from exc
    if not token:
        raise SignatureError("no ambient OIDC credential was found", hint=_NO_CREDENTIAL_HINT)
    return token


def _sigstore_statement(statement: Statement) -> sigstore_dsse.Statement:
    subjects = [
        sigstore_dsse.Subject(name=s.name, digest=sigstore_dsse.DigestSet({"sha256": s.sha256}))
        for s in statement.subjects
    ]
    try:
        return (
            sigstore_dsse.StatementBuilder()
            .subjects(subjects)
            .predicate_type(statement.predicate_type)
            .predicate(dict(statement.predicate))
            .build()
        )
    except sigstore_errors.Error as exc:
        raise SignatureError(f"sigstore refused the statement: {exc}") from exc


class SigstoreSigner:
    """Signs statements keylessly with the ambient (or a given) OIDC identity."""

    method = "sigstore"

    def __init__(
        self, *, trust_config: ClientTrustConfig | None = None, token: str | None = None
    ) -> None:
        self._trust_config = trust_config
        self._token = token

    def _context(self) -> SigningContext:
        try:
            trust = self._trust_config or ClientTrustConfig.production()
            return SigningContext.from_trust_config(trust)
        except _SERVICE_ERRORS as exc:
            raise SignatureError(
                f"cannot load the Sigstore signing configuration: {exc}",
                hint="keyless signing needs network access to Sigstore; offline, use --sign key",
            ) from exc

    def sign(self, statement: Statement) -> str:
        """The Sigstore bundle JSON (certificate, DSSE envelope, transparency-log entry)."""
        raw = self._token or ambient_token()
        try:
            identity = oidc.IdentityToken(raw)
        except oidc.IdentityError as exc:
            raise SignatureError(f"the OIDC token is not usable for Sigstore: {exc}") from exc
        built = _sigstore_statement(statement)
        context = self._context()
        try:
            with context.signer(identity, cache=True) as signer:
                bundle = signer.sign_dsse(built)
        except _SERVICE_ERRORS as exc:
            detail = str(exc) or type(exc).__name__
            raise SignatureError(
                f"keyless signing failed: {detail}",
                hint="check access to the Fulcio and Rekor services named in the trust config",
            ) from exc
        return bundle.to_json()


def _extension_text(cert: Certificate, oid: ObjectIdentifier) -> str | None:
    try:
        ext = cert.extensions.get_extension_for_oid(oid).value
    except ExtensionNotFound:
        return None
    if not isinstance(ext, UnrecognizedExtension):
        return None
    raw = ext.value
    if oid == _ISSUER_V2 and len(raw) > 2 and raw[0] == 0x0C:
        # DER UTF8String: tag, length (short or long form), then the text.
        if raw[1] < 0x80:
            return raw[2 : 2 + raw[1]].decode("utf-8", "replace")
        size = raw[1] & 0x7F
        return raw[2 + size :].decode("utf-8", "replace")
    return raw.decode("utf-8", "replace")


def certificate_identity(cert: Certificate) -> tuple[str | None, str | None]:
    """The certificate's subject alternative name and its OIDC issuer extension."""
    try:
        san = cert.extensions.get_extension_for_class(SubjectAlternativeName).value
    except ExtensionNotFound:
        san = None
    names: list[str] = []
    if san is not None:
        names += san.get_values_for_type(UniformResourceIdentifier)
        names += san.get_values_for_type(RFC822Name)
        names += [
            on.value.decode("utf-8", "replace")
            for on in san.get_values_for_type(OtherName)
            if on.type_id == _OTHERNAME_SAN
        ]
    issuer = _extension_text(cert, _ISSUER_V2) or _extension_text(cert, _ISSUER_V1)
    return (names[0] if names else None), issuer


class SigstoreVerifier:
    """Verifies keyless bundles offline against a trusted root and an expected identity."""

    def __init__(
        self, *, identity: str, issuer: str, trusted_root: TrustedRoot | None = None
    ) -> None:
        if not identity or not issuer:
            raise VerificationError(
                "keyless verification needs both the certificate identity and the OIDC issuer",
                hint="pass --certificate-identity and --certificate-oidc-issuer",
            )
        self.identity, self.issuer = identity, issuer
        self._trusted_root = trusted_root

    def _root(self) -> TrustedRoot:
        if self._trusted_root is not None:
            return self._trusted_root
        try:
            return ClientTrustConfig.production(offline=True).trusted_root
        except _SERVICE_ERRORS as exc:
            raise VerificationError(
                f"cannot load Sigstore's trusted root offline: {exc}",
                hint="run once online to fill the TUF cache, or pass a trusted root",
            ) from exc

    def verify(self, bundle: str | bytes, *, source: str) -> Verified:
        """The statement, if the certificate chains to the root, names the expected identity
        and issuer, the log entry is consistent, and the DSSE signature verifies."""
        parsed = parse_bundle(bundle, source=source)
        if "publicKey" in parsed.verification_material:
            raise VerificationError(
                f"{source}: signed with a key, not keylessly", hint="verify with --key PUB"
            )
        try:
            loaded = Bundle.from_json(bundle)
        except (sigstore_errors.Error, ValueError) as exc:
            raise VerificationError(f"{source}: not a valid Sigstore bundle: {exc}") from exc
        policy = Identity(identity=self.identity, issuer=self.issuer)
        try:
            payload_type, payload = SigstoreVerifierImpl(trusted_root=self._root()).verify_dsse(
                loaded, policy
            )
        except (sigstore_errors.Error, ValueError) as exc:
            raise VerificationError(f"{source}: keyless signature does not verify: {exc}") from exc
        if payload_type != PAYLOAD_TYPE:
            raise VerificationError(f"{source}: unexpected DSSE payload type {payload_type!r}")
        statement = Statement.from_json(payload, source=source)
        who, issuer = certificate_identity(loaded.signing_certificate)
        return Verified(
            statement=statement,
            signer=SignerIdentity(method="sigstore", identity=who, issuer=issuer),
        )


def trust_config_from_json(text: str) -> ClientTrustConfig:
    """A ClientTrustConfig (trusted root + signing config) from its JSON, e.g. a private
    Sigstore deployment."""
    try:
        return ClientTrustConfig.from_json(text)
    except (sigstore_errors.Error, ValueError) as exc:
        raise SignatureError(f"not a Sigstore client trust config: {exc}") from exc
