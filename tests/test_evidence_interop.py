"""Key-signed bundles against the sigstore-python stack: its protobuf-specs models and DSSE code.

sigstore-python's ``Bundle`` refuses key-signed bundles on purpose (it only verifies keyless
bundles: a v0.3 bundle must carry a certificate and a log entry), so interop is proven one
layer down: the protobuf-specs models (sigstore-models) parse aigate's bundles, sigstore's
DSSE verifier accepts aigate's signatures, and aigate verifies envelopes signed by sigstore.
"""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from sigstore import dsse as sigstore_dsse
from sigstore.models import Bundle as SigstoreBundle
from sigstore.models import InvalidBundle
from sigstore_models.bundle.v1 import Bundle as ProtoBundle

from gate.evidence import attest
from gate.evidence.sign import BUNDLE_MEDIA_TYPE
from gate.evidence.sign_key import KeySigner, KeyVerifier


@pytest.fixture(scope="module")
def key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _statement() -> attest.Statement:
    return attest.bom_statement(
        '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": []}',
        bom_name="bom.cdx.json",
        subjects=[attest.Subject.of_bytes("app.whl", b"wheel")],
    )


def test_protobuf_specs_models_parse_our_bundle(key: ec.EllipticCurvePrivateKey) -> None:
    signer = KeySigner(key)
    bundle = signer.sign(_statement())
    parsed = ProtoBundle.from_json(bundle)
    assert parsed.media_type == BUNDLE_MEDIA_TYPE
    assert parsed.verification_material.public_key is not None
    assert parsed.verification_material.public_key.hint == signer.key_id
    assert parsed.dsse_envelope is not None
    assert parsed.dsse_envelope.payload_type == "application/vnd.in-toto+json"
    assert parsed.dsse_envelope.payload == _statement().to_json()
    assert parsed.dsse_envelope.signatures[0].keyid == signer.key_id
    # What the models write back still verifies with aigate.
    KeyVerifier(key.public_key()).verify(parsed.to_json(), source="re-encoded")


def test_sigstore_dsse_verifies_our_signature(key: ec.EllipticCurvePrivateKey) -> None:
    doc = json.loads(KeySigner(key).sign(_statement()))
    envelope = sigstore_dsse.Envelope._from_json(json.dumps(doc["dsseEnvelope"]))
    payload = sigstore_dsse._verify(key.public_key(), envelope)
    assert payload == _statement().to_json()


def test_we_verify_an_envelope_signed_by_sigstore(key: ec.EllipticCurvePrivateKey) -> None:
    statement = (
        sigstore_dsse.StatementBuilder()
        .subjects([sigstore_dsse.Subject(name="app.whl", digest={"sha256": "ab" * 32})])
        .predicate_type(attest.BOM_PREDICATE_TYPE)
        .predicate({"bomFormat": "CycloneDX", "specVersion": "1.6"})
        .build()
    )
    envelope = json.loads(sigstore_dsse._sign(key, statement).to_json())
    signer = KeySigner(key)
    envelope["signatures"][0]["keyid"] = signer.key_id
    bundle = json.dumps(
        {
            "mediaType": BUNDLE_MEDIA_TYPE,
            "verificationMaterial": {"publicKey": {"hint": signer.key_id}},
            "dsseEnvelope": envelope,
        }
    )
    verified = KeyVerifier(key.public_key()).verify(bundle, source="sigstore-signed")
    assert verified.statement.predicate_type == attest.BOM_PREDICATE_TYPE
    assert verified.statement.has_subject("ab" * 32)


def test_sigstore_python_refuses_key_bundles_by_design(key: ec.EllipticCurvePrivateKey) -> None:
    with pytest.raises(InvalidBundle, match="expected certificate in bundle"):
        SigstoreBundle.from_json(KeySigner(key).sign(_statement()))
