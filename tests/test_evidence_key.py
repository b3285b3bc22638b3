"""Attestations signed with a local key: statements, DSSE, Sigstore bundles, and tampering."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from evidence_data import POLICY_DIGEST, decision, inventory

from gate.bom.cyclonedx import write_bom
from gate.errors import AigateError, InputError, SignatureError, VerificationError
from gate.evidence import attest, dsse
from gate.evidence.attest import InputAttestation, Statement, Subject
from gate.evidence.sign import BUNDLE_MEDIA_TYPE, expect
from gate.evidence.sign_key import (
    PASSPHRASE_ENV,
    KeySigner,
    KeyVerifier,
    generate,
    key_id,
    passphrase_from_env,
)
from gate.model import Verdict

NOW = "2026-05-01T12:00:00Z"


@pytest.fixture(scope="module")
def signer() -> KeySigner:
    return KeySigner(ec.generate_private_key(ec.SECP256R1()))


@pytest.fixture(scope="module")
def verifier(signer: KeySigner) -> KeyVerifier:
    return KeyVerifier(signer._key.public_key())


def _bom() -> str:
    return write_bom(inventory())


def _statements() -> tuple[Statement, Statement, Subject]:
    bom = _bom()
    artefact = Subject.of_bytes("dist/app-2.3.whl", b"the wheel")
    bom_stmt = attest.bom_statement(bom, bom_name="bom.cdx.json", subjects=[artefact])
    bom_subject = Subject.of_bytes("bom.cdx.json", bom.encode())
    vsa = attest.decision_statement(
        decision(),
        bom=bom_subject,
        subjects=[artefact],
        time_verified=NOW,
        resource_uri="pkg:pypi/app@2.3",
        policy_uri="policy/",
        inputs=[
            InputAttestation("attestations/bom.sigstore.json", "1" * 64),
            InputAttestation("bom.cdx.json", bom_subject.sha256),
        ],
        component_ids=[c.id for c in inventory().components],
    )
    return bom_stmt, vsa, bom_subject


def test_pae_follows_the_dsse_spec() -> None:
    # The DSSE protocol document's worked example.
    assert (
        dsse.pae("http://example.com/HelloWorld", b"hello world")
        == b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )
    # Lengths are byte lengths, not character counts.
    assert dsse.pae("t\u00e9", "\u00e9".encode()) == b"DSSEv1 3 t\xc3\xa9 2 \xc3\xa9"
    assert dsse.pae("", b"") == b"DSSEv1 0  0 "


def test_bom_statement_shape() -> None:
    bom_stmt, _, _ = _statements()
    doc = json.loads(bom_stmt.to_json())
    assert doc["_type"] == "https://in-toto.io/Statement/v1"
    assert doc["predicateType"] == "https://cyclonedx.org/bom"
    assert doc["predicate"] == json.loads(_bom())
    assert doc["subject"] == [
        {
            "digest": {"sha256": Subject.of_bytes("x", b"the wheel").sha256},
            "name": "dist/app-2.3.whl",
        }
    ]
    # No artefacts given: the BOM itself is the subject.
    alone = attest.bom_statement(_bom(), bom_name="bom.cdx.json", subjects=[])
    assert [s.name for s in alone.subjects] == ["bom.cdx.json"]
    assert alone.subjects[0].sha256 == attest.sha256_hex(_bom().encode())


def test_decision_is_a_vsa_bound_to_policy_and_bom() -> None:
    _, vsa, bom_subject = _statements()
    doc = json.loads(vsa.to_json())
    assert doc["predicateType"] == "https://slsa.dev/verification_summary/v1"
    pred = doc["predicate"]
    assert pred["verificationResult"] == "FAILED"
    assert pred["policy"] == {"digest": {"sha256": POLICY_DIGEST}, "uri": "policy/"}
    assert pred["timeVerified"] == NOW
    assert pred["resourceUri"] == "pkg:pypi/app@2.3"
    # A URN that claims no domain the project does not own, versioned by the major version.
    assert pred["verifier"]["id"] == "urn:aigate:gate:v0"
    assert {"digest": {"sha256": bom_subject.sha256}, "uri": "bom.cdx.json"} in pred[
        "inputAttestations"
    ]
    # The jurisdiction deny is not waived, the licence warn does not gate (fail_on deny),
    # and integrity had no finding.
    assert pred["verifiedLevels"] == [
        "AIGATE_INTEGRITY_PASSED",
        "AIGATE_JURISDICTION_FAILED",
        "AIGATE_LICENCE_PASSED",
    ]
    assert pred["dependencyLevels"] == {"AIGATE_COMPONENT_FAILED": 1, "AIGATE_COMPONENT_PASSED": 4}
    # The BOM it judged is a subject, beside the artefact.
    assert vsa.has_subject(bom_subject.sha256)
    assert len(vsa.subjects) == 2
    passed = attest.decision_statement(
        decision(Verdict.PASS),
        bom=bom_subject,
        subjects=[],
        time_verified=NOW,
        resource_uri="x",
        policy_uri="policy/",
        inputs=[],
    )
    assert passed.predicate["verificationResult"] == "PASSED"
    assert [s.name for s in passed.subjects] == ["bom.cdx.json"]
    assert "dependencyLevels" not in passed.predicate


def test_statements_are_deterministic() -> None:
    first = [s.to_json() for s in _statements()[:2]]
    second = [s.to_json() for s in _statements()[:2]]
    assert first == second
    assert b"\n" not in first[1] and b": " not in first[1]


def test_statement_rules_are_enforced() -> None:
    with pytest.raises(AigateError, match="no sha256"):
        Subject("x", {"sha512": "ab"})
    with pytest.raises(AigateError, match="not a SHA-256"):
        Subject("x", {"sha256": "abc"})
    with pytest.raises(AigateError, match="at least one subject"):
        Statement((), attest.BOM_PREDICATE_TYPE, {})
    _, _, bom_subject = _statements()
    with pytest.raises(AigateError, match="RFC 3339"):
        attest.decision_statement(
            decision(),
            bom=bom_subject,
            subjects=[],
            time_verified="yesterday",
            resource_uri="x",
            policy_uri="p",
            inputs=[],
        )
    with pytest.raises(InputError, match="not a CycloneDX"):
        attest.bom_statement('{"spdxVersion": "SPDX-2.3"}', bom_name="x.json", subjects=[])


def test_subject_of_file(tmp_path: Path) -> None:
    path = tmp_path / "app.whl"
    path.write_bytes(b"x" * (3 << 20))
    assert Subject.of_file(path).sha256 == attest.sha256_hex(b"x" * (3 << 20))
    with pytest.raises(InputError, match="cannot read subject"):
        Subject.of_file(tmp_path / "missing.whl")


def test_bom_predicate_type_spellings() -> None:
    assert attest.bom_predicate_type_ok("https://cyclonedx.org/bom") == (True, None)
    ok, warning = attest.bom_predicate_type_ok("https://cyclonedx.org/bom/v1.4")
    assert ok and warning and "current spelling" in warning
    assert attest.bom_predicate_type_ok("https://cyclonedx.org/schema")[0]
    assert attest.bom_predicate_type_ok("https://spdx.dev/Document") == (False, None)


def test_key_bundle_round_trips(signer: KeySigner, verifier: KeyVerifier) -> None:
    bom_stmt, vsa, bom_subject = _statements()
    for stmt in (bom_stmt, vsa):
        bundle = signer.sign(stmt)
        doc = json.loads(bundle)
        assert doc["mediaType"] == BUNDLE_MEDIA_TYPE
        assert doc["verificationMaterial"] == {
            "publicKey": {"hint": signer.key_id},
            "tlogEntries": [],
        }
        envelope = doc["dsseEnvelope"]
        assert envelope["payloadType"] == "application/vnd.in-toto+json"
        assert base64.b64decode(envelope["payload"]) == stmt.to_json()
        assert envelope["signatures"][0]["keyid"] == signer.key_id
        verified = verifier.verify(bundle, source="b.json")
        assert verified.statement == Statement.from_json(stmt.to_json(), source="x")
        assert verified.statement.to_json() == stmt.to_json()
        assert verified.signer.method == "key" and verified.signer.key_id == signer.key_id
    verified = verifier.verify(signer.sign(vsa), source="decision.sigstore.json")
    expect(
        verified,
        predicate_type=attest.VSA_PREDICATE_TYPE,
        subjects=[bom_subject],
        source="decision.sigstore.json",
    )


def test_every_byte_of_the_bundle_is_protected(signer: KeySigner, verifier: KeyVerifier) -> None:
    stmt = attest.bom_statement(
        '{"bomFormat": "CycloneDX", "specVersion": "1.6"}', bom_name="bom.cdx.json", subjects=[]
    )
    bundle = signer.sign(stmt).encode()
    verifier.verify(bundle, source="ok")
    for i in range(len(bundle)):
        for flip in (0x01, 0x20):
            tampered = bytearray(bundle)
            tampered[i] ^= flip
            if tampered[i] in b" \t\r\n" and bundle[i] in b" \t\r\n":
                continue  # whitespace for whitespace is not a change of content
            with pytest.raises(VerificationError):
                verifier.verify(bytes(tampered), source=f"byte {i}")


def _edit(bundle: str, fn: object) -> str:
    doc = json.loads(bundle)
    fn(doc)  # type: ignore[operator]
    return json.dumps(doc)


def test_tampered_payload_signature_and_envelope_are_caught(
    signer: KeySigner, verifier: KeyVerifier
) -> None:
    bom_stmt, _, _ = _statements()
    bundle = signer.sign(bom_stmt)

    def payload(doc: dict) -> None:  # type: ignore[type-arg]
        raw = json.loads(base64.b64decode(doc["dsseEnvelope"]["payload"]))
        raw["predicate"]["components"] = []
        doc["dsseEnvelope"]["payload"] = base64.b64encode(json.dumps(raw).encode()).decode()

    def signature(doc: dict) -> None:  # type: ignore[type-arg]
        sig = bytearray(base64.b64decode(doc["dsseEnvelope"]["signatures"][0]["sig"]))
        sig[-1] ^= 1
        doc["dsseEnvelope"]["signatures"][0]["sig"] = base64.b64encode(sig).decode()

    def payload_type(doc: dict) -> None:  # type: ignore[type-arg]
        doc["dsseEnvelope"]["payloadType"] = "application/json"

    def two_signatures(doc: dict) -> None:  # type: ignore[type-arg]
        doc["dsseEnvelope"]["signatures"].append(doc["dsseEnvelope"]["signatures"][0])

    def media_type(doc: dict) -> None:  # type: ignore[type-arg]
        doc["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.4+json"

    def keyid(doc: dict) -> None:  # type: ignore[type-arg]
        doc["dsseEnvelope"]["signatures"][0]["keyid"] = "0" * 64

    cases = {
        payload: "does not verify",
        signature: "does not verify",
        payload_type: "payload type",
        two_signatures: "2 signatures",
        media_type: "media type",
        keyid: "differs",
    }
    for fn, message in cases.items():
        with pytest.raises(VerificationError, match=message):
            verifier.verify(_edit(bundle, fn), source="b.json")


def test_wrong_key_is_caught(signer: KeySigner) -> None:
    bom_stmt, _, _ = _statements()
    bundle = signer.sign(bom_stmt)
    other = KeyVerifier(ec.generate_private_key(ec.SECP256R1()).public_key())
    with pytest.raises(VerificationError, match="signed by another key"):
        other.verify(bundle, source="b.json")

    # Lying about the hint does not help: the signature is checked against the trusted key.
    def claim(doc: dict) -> None:  # type: ignore[type-arg]
        doc["verificationMaterial"]["publicKey"]["hint"] = other.key_id
        doc["dsseEnvelope"]["signatures"][0]["keyid"] = other.key_id

    with pytest.raises(VerificationError, match="does not verify"):
        other.verify(_edit(bundle, claim), source="b.json")


def test_swapped_predicate_type_is_caught(signer: KeySigner, verifier: KeyVerifier) -> None:
    bom_stmt, vsa, _ = _statements()
    verified = verifier.verify(signer.sign(bom_stmt), source="decision.sigstore.json")
    with pytest.raises(VerificationError, match="predicate type"):
        expect(verified, predicate_type=attest.VSA_PREDICATE_TYPE, source="decision.sigstore.json")
    # A statement signed with another predicate type under the same key is still refused.
    swapped = Statement(vsa.subjects, attest.BOM_PREDICATE_TYPE, vsa.predicate)
    verified = verifier.verify(signer.sign(swapped), source="d")
    with pytest.raises(VerificationError, match=r"expected 'https://slsa\.dev/verification"):
        expect(verified, predicate_type=attest.VSA_PREDICATE_TYPE, source="d")


def test_subject_digest_mismatch_is_caught(signer: KeySigner, verifier: KeyVerifier) -> None:
    _, vsa, _ = _statements()
    verified = verifier.verify(signer.sign(vsa), source="decision.sigstore.json")
    other_bom = Subject.of_bytes("bom.cdx.json", b'{"bomFormat": "CycloneDX"}')
    with pytest.raises(VerificationError, match="speaks of something else"):
        expect(
            verified,
            predicate_type=attest.VSA_PREDICATE_TYPE,
            subjects=[other_bom],
            source="decision.sigstore.json",
        )


def test_malformed_payloads_are_refused(signer: KeySigner, verifier: KeyVerifier) -> None:
    def signed(payload: bytes) -> str:
        env = dsse.Envelope(dsse.PAYLOAD_TYPE, payload, ())
        sig = signer._key.sign(env.pae(), ec.ECDSA(hashes.SHA256()))
        doc = {
            "dsseEnvelope": dsse.Envelope(
                dsse.PAYLOAD_TYPE, payload, (dsse.Signature(sig, signer.key_id),)
            ).to_dict(),
            "mediaType": BUNDLE_MEDIA_TYPE,
            "verificationMaterial": {"publicKey": {"hint": signer.key_id}},
        }
        return json.dumps(doc)

    cases = {
        b"not json": "not JSON",
        b"[]": "not a JSON object",
        b'{"_type": "https://in-toto.io/Statement/v0.1"}': "not an in-toto Statement v1",
        b'{"_type": "https://in-toto.io/Statement/v1", "predicateType": "x", "subject": []}': (
            "no subject"
        ),
        b'{"_type": "https://in-toto.io/Statement/v1", "predicateType": "x",'
        b' "subject": [{"name": "a", "digest": {"sha1": "ab"}}]}': "no sha256",
    }
    for payload, message in cases.items():
        with pytest.raises(VerificationError, match=message):
            verifier.verify(signed(payload), source="b.json")
    for text, message in {
        "{": "not a JSON Sigstore bundle",
        "[]": "not a JSON Sigstore bundle",
        json.dumps({"mediaType": BUNDLE_MEDIA_TYPE, "extra": 1}): "unknown bundle fields",
    }.items():
        with pytest.raises(VerificationError, match=message):
            verifier.verify(text, source="b.json")


def test_keygen_writes_a_usable_pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    private, public = generate(tmp_path / "keys")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert b"BEGIN PRIVATE KEY" in private.read_bytes()
    assert b"BEGIN PUBLIC KEY" in public.read_bytes()
    bom_stmt, _, _ = _statements()
    bundle = KeySigner.from_file(private).sign(bom_stmt)
    assert KeyVerifier.from_file(public).verify(bundle, source="b").signer.key_id == key_id(
        KeyVerifier.from_file(public)._key
    )
    with pytest.raises(InputError, match="refusing to overwrite"):
        generate(tmp_path / "keys")


def test_encrypted_keys_need_their_passphrase(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, "correct horse")
    passphrase = passphrase_from_env()
    assert passphrase == b"correct horse"
    private, public = generate(tmp_path, passphrase=passphrase)
    assert b"ENCRYPTED PRIVATE KEY" in private.read_bytes()
    bom_stmt, _, _ = _statements()
    bundle = KeySigner.from_file(private, passphrase).sign(bom_stmt)
    KeyVerifier.from_file(public).verify(bundle, source="b")
    with pytest.raises(SignatureError, match="wrong passphrase"):
        KeySigner.from_file(private, b"wrong")
    with pytest.raises(SignatureError, match="encrypted but a passphrase was not given"):
        KeySigner.from_file(private, None)
    monkeypatch.delenv(PASSPHRASE_ENV)
    assert passphrase_from_env() is None


def test_bad_key_files_are_clear_errors(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("hello")
    with pytest.raises(SignatureError, match="cannot load the private key"):
        KeySigner.from_file(junk)
    with pytest.raises(InputError, match="not a PEM public key"):
        KeyVerifier.from_file(junk)
    with pytest.raises(InputError, match="cannot read key"):
        KeyVerifier.from_file(tmp_path / "missing.pub")


def test_keygen_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from gate.cli import main

    runner = CliRunner()
    out = tmp_path / "keys"
    result = runner.invoke(main, ["keygen", "--out-dir", str(out)], standalone_mode=False)
    assert result.exit_code == 0, result.output
    assert "(not encrypted)" in result.output and "key id:      sha256:" in result.output
    assert (out / "aigate.key").exists() and (out / "aigate.pub").exists()
    kid = KeyVerifier.from_file(out / "aigate.pub").key_id
    assert kid in result.output
    # A second run refuses to overwrite: exit 2 with the file named.
    import subprocess
    import sys

    again = subprocess.run(
        [sys.executable, "-m", "gate", "keygen", "--out-dir", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert again.returncode == 2
    assert "aigate.key: already exists" in again.stderr
    monkeypatch.setenv(PASSPHRASE_ENV, "s3cret")
    result = runner.invoke(main, ["keygen", "--out-dir", str(tmp_path / "enc")])
    assert "(encrypted)" in result.output
    KeySigner.from_file(tmp_path / "enc" / "aigate.key", b"s3cret")


def test_the_wrong_half_of_the_key_pair_is_named(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from gate.cli import main

    runner = CliRunner()
    assert runner.invoke(main, ["keygen", "--out-dir", str(tmp_path)]).exit_code == 0
    bom = tmp_path / "bom.cdx.json"
    bom.write_text(write_bom(inventory()), "utf-8")
    result = runner.invoke(
        main,
        [
            "export",
            "--bom",
            str(bom),
            "--out",
            str(tmp_path / "ev"),
            "--sign",
            "key",
            "--key",
            str(tmp_path / "aigate.pub"),
            "--now",
            "2026-05-01",
        ],
    )
    assert result.exit_code == 2
    assert "aigate.pub: this is a public key; signing needs the private key" in result.stderr
    assert "passphrase" not in result.stderr.splitlines()[0]
    bundle = tmp_path / "bundle"  # the key must not lie inside the bundle verified
    bundle.mkdir()
    result = runner.invoke(main, ["verify", str(bundle), "--key", str(tmp_path / "aigate.key")])
    assert result.exit_code == 2
    assert "this is a private key; verifying needs the public key" in result.stderr
