"""Keyless signing through sigstore-python's real Signer and Verifier, against local fakes.

What runs for real: ambient-credential detection (the ``id`` package's GitHub Actions path,
an HTTP GET to ACTIONS_ID_TOKEN_REQUEST_URL), IdentityToken parsing, CSR creation, the
Fulcio v2 client, SCT verification, DSSE signing, the Rekor v1 client, bundle assembly, and
offline verification (chain to the root at the log's time, SCT, identity policy, checkpoint,
inclusion proof, SET, DSSE signature, log-entry consistency). What is faked: the services'
answers (tests/sigstore_fake.py, with test keys). Not exercised: a TSA timestamp, Rekor v2,
and the public-good TUF refresh (no network here).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator

import pytest
import sigstore_fake
from cryptography.hazmat.primitives.asymmetric import ec
from sigstore.models import ClientTrustConfig

from gate.errors import SignatureError, VerificationError
from gate.evidence import attest
from gate.evidence.sign import expect
from gate.evidence.sign_key import KeySigner, KeyVerifier
from gate.evidence.sign_sigstore import (
    GITHUB_ISSUER,
    SigstoreSigner,
    SigstoreVerifier,
    ambient_token,
    trust_config_from_json,
)


@pytest.fixture(scope="module")
def fake() -> Iterator[sigstore_fake.FakeSigstore]:
    with sigstore_fake.running() as running:
        yield running


@pytest.fixture
def github(monkeypatch: pytest.MonkeyPatch, fake: sigstore_fake.FakeSigstore) -> None:
    """The environment GitHub Actions gives a job with ``permissions: id-token: write``."""
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("ACTIONS_ID_TOKEN_REQUEST_URL", f"{fake.url}/oidc/token")
    monkeypatch.setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", sigstore_fake.REQUEST_TOKEN)


def _trust(fake: sigstore_fake.FakeSigstore) -> ClientTrustConfig:
    return trust_config_from_json(fake.client_trust_config_json())


def _verifier(
    fake: sigstore_fake.FakeSigstore,
    identity: str = sigstore_fake.IDENTITY,
    issuer: str = GITHUB_ISSUER,
) -> SigstoreVerifier:
    return SigstoreVerifier(
        identity=identity, issuer=issuer, trusted_root=_trust(fake).trusted_root
    )


def _statement(predicate: dict | None = None) -> attest.Statement:  # type: ignore[type-arg]
    bom = predicate or {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}
    return attest.bom_statement(
        json.dumps(bom),
        bom_name="bom.cdx.json",
        subjects=[attest.Subject.of_bytes("dist/app-2.3.whl", b"wheel")],
    )


@pytest.fixture(scope="module")
def signed(fake: sigstore_fake.FakeSigstore) -> str:
    mp = pytest.MonkeyPatch()
    mp.setenv("GITHUB_ACTIONS", "true")
    mp.setenv("ACTIONS_ID_TOKEN_REQUEST_URL", f"{fake.url}/oidc/token")
    mp.setenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", sigstore_fake.REQUEST_TOKEN)
    try:
        return SigstoreSigner(trust_config=_trust(fake)).sign(_statement())
    finally:
        mp.undo()


def test_keyless_round_trip_with_the_ambient_github_credential(
    github: None, fake: sigstore_fake.FakeSigstore
) -> None:
    fake.requests.clear()
    bundle = SigstoreSigner(trust_config=_trust(fake)).sign(_statement())
    assert fake.requests == [
        "GET /oidc/token",
        "POST /api/v2/signingCert",
        "POST /api/v1/log/entries",
    ]
    doc = json.loads(bundle)
    assert doc["mediaType"] == "application/vnd.dev.sigstore.bundle.v0.3+json"
    assert "certificate" in doc["verificationMaterial"]
    assert doc["verificationMaterial"]["tlogEntries"][0]["kindVersion"] == {
        "kind": "dsse",
        "version": "0.0.1",
    }
    verified = _verifier(fake).verify(bundle, source="bom.sigstore.json")
    assert verified.signer.method == "sigstore"
    assert verified.signer.identity == sigstore_fake.IDENTITY
    assert verified.signer.issuer == GITHUB_ISSUER
    statement = expect(
        verified,
        predicate_type=attest.BOM_PREDICATE_TYPE,
        subjects=[attest.Subject.of_bytes("app", b"wheel")],
        source="bom.sigstore.json",
    )
    assert statement.predicate == _statement().predicate


def test_identity_comes_from_the_certificate_not_the_predicate(
    github: None, fake: sigstore_fake.FakeSigstore
) -> None:
    claim = {"bomFormat": "CycloneDX", "specVersion": "1.6", "signer": "release-bot@acme.example"}
    bundle = SigstoreSigner(trust_config=_trust(fake)).sign(_statement(claim))
    verified = _verifier(fake).verify(bundle, source="b")
    assert verified.signer.identity == sigstore_fake.IDENTITY
    with pytest.raises(VerificationError, match="SANs do not match"):
        _verifier(fake, identity="release-bot@acme.example").verify(bundle, source="b")


def test_wrong_identity_issuer_or_root_is_refused(
    signed: str, fake: sigstore_fake.FakeSigstore
) -> None:
    other_workflow = "https://github.com/acme/app/.github/workflows/other.yml@refs/heads/main"
    with pytest.raises(VerificationError, match="SANs do not match"):
        _verifier(fake, identity=other_workflow).verify(signed, source="b")
    with pytest.raises(VerificationError, match="does not verify"):
        _verifier(fake, issuer="https://accounts.google.com").verify(signed, source="b")
    with (
        sigstore_fake.running() as stranger,
        pytest.raises(VerificationError, match="does not verify"),
    ):
        _verifier(stranger).verify(signed, source="b")


def _edit(bundle: str, fn: object) -> str:
    doc = json.loads(bundle)
    fn(doc)  # type: ignore[operator]
    return json.dumps(doc)


def test_tampering_with_a_keyless_bundle_is_caught(
    signed: str, fake: sigstore_fake.FakeSigstore
) -> None:
    def payload(doc: dict) -> None:  # type: ignore[type-arg]
        raw = json.loads(base64.b64decode(doc["dsseEnvelope"]["payload"]))
        raw["predicate"]["components"] = [{"name": "smuggled"}]
        doc["dsseEnvelope"]["payload"] = base64.b64encode(json.dumps(raw).encode()).decode()

    def signature(doc: dict) -> None:  # type: ignore[type-arg]
        sig = bytearray(base64.b64decode(doc["dsseEnvelope"]["signatures"][0]["sig"]))
        sig[8] ^= 1
        doc["dsseEnvelope"]["signatures"][0]["sig"] = base64.b64encode(sig).decode()

    def log_body(doc: dict) -> None:  # type: ignore[type-arg]
        entry = doc["verificationMaterial"]["tlogEntries"][0]
        body = json.loads(base64.b64decode(entry["canonicalizedBody"]))
        body["spec"]["payloadHash"]["value"] = "0" * 64
        entry["canonicalizedBody"] = base64.b64encode(json.dumps(body).encode()).decode()

    def integrated_time(doc: dict) -> None:  # type: ignore[type-arg]
        entry = doc["verificationMaterial"]["tlogEntries"][0]
        entry["integratedTime"] = str(int(entry["integratedTime"]) + 1)

    for fn in (payload, signature, log_body, integrated_time):
        with pytest.raises(VerificationError):
            _verifier(fake).verify(_edit(signed, fn), source=fn.__name__)


def test_certificate_swap_is_caught(
    github: None, signed: str, fake: sigstore_fake.FakeSigstore
) -> None:
    other = json.loads(SigstoreSigner(trust_config=_trust(fake)).sign(_statement()))

    def swap(doc: dict) -> None:  # type: ignore[type-arg]
        doc["verificationMaterial"]["certificate"] = other["verificationMaterial"]["certificate"]

    with pytest.raises(VerificationError):
        _verifier(fake).verify(_edit(signed, swap), source="swapped")


def test_key_and_keyless_bundles_are_not_confused(
    signed: str, fake: sigstore_fake.FakeSigstore
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(VerificationError, match="signed with a key"):
        _verifier(fake).verify(KeySigner(key).sign(_statement()), source="b")
    with pytest.raises(VerificationError, match="signed keylessly"):
        KeyVerifier(key.public_key()).verify(signed, source="b")
    with pytest.raises(VerificationError, match="not a JSON Sigstore bundle"):
        _verifier(fake).verify("{", source="b")
    with pytest.raises(VerificationError, match="needs both"):
        SigstoreVerifier(identity="", issuer=GITHUB_ISSUER)


def test_no_ambient_credential_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("GITHUB_ACTIONS", "ACTIONS_ID_TOKEN_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(SignatureError, match="no ambient OIDC credential") as err:
        ambient_token()
    assert "id-token: write" in err.value.diagnostics()


def test_missing_id_token_permission_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.delenv("ACTIONS_ID_TOKEN_REQUEST_URL", raising=False)
    monkeypatch.delenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN", raising=False)
    with pytest.raises(SignatureError, match="ACTIONS_ID_TOKEN_REQUEST_TOKEN") as err:
        SigstoreSigner(trust_config=None).sign(_statement())
    assert "id-token: write" in err.value.diagnostics()


def test_unreachable_or_failing_services_are_signature_errors(
    github: None, fake: sigstore_fake.FakeSigstore
) -> None:
    # A closed port: connection refused, as an offline runner sees it.
    with sigstore_fake.running() as gone:
        config = gone.client_trust_config_json()
    with pytest.raises(SignatureError, match="keyless signing failed"):
        SigstoreSigner(trust_config=trust_config_from_json(config)).sign(_statement())
    fake.fail_with = 503
    try:
        with pytest.raises(SignatureError, match="keyless signing failed"):
            SigstoreSigner(trust_config=_trust(fake)).sign(_statement())
    finally:
        fake.fail_with = None
    with pytest.raises(SignatureError, match="not usable"):
        SigstoreSigner(trust_config=_trust(fake), token="not-a-jwt").sign(_statement())
    expired = sigstore_fake.github_token(expires_in=-60)
    with pytest.raises(SignatureError, match="not usable"):
        SigstoreSigner(trust_config=_trust(fake), token=expired).sign(_statement())
    with pytest.raises(SignatureError, match="trust config"):
        trust_config_from_json("{}")
