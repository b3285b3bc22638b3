"""A local stand-in for the services keyless signing talks to, with test keys.

One http.server on 127.0.0.1 answers like:
- the GitHub Actions OIDC token endpoint (``ACTIONS_ID_TOKEN_REQUEST_URL``): ``{"value": JWT}``;
- Fulcio v2 ``/api/v2/signingCert``: a leaf certificate issued by a test CA for the token's
  workflow identity, with an embedded SCT signed by a test CT log key (RFC 6962);
- Rekor v1 ``/api/v1/log/entries``: a ``dsse`` 0.0.1 entry with a signed entry timestamp,
  an inclusion proof for a one-leaf tree and a signed checkpoint (signed-note format).

The trust config it hands out (trusted root + signing config) names these keys and URLs, so
sigstore-python's real Signer and Verifier run unchanged against it.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import struct
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import rfc8785
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

WORKFLOW = "acme/app/.github/workflows/release.yml@refs/tags/v2.3"
IDENTITY = f"https://github.com/{WORKFLOW}"
ISSUER = "https://token.actions.githubusercontent.com"
REQUEST_TOKEN = "runtime-request-token"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _spki(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _key_id(key: ec.EllipticCurvePublicKey) -> bytes:
    return hashlib.sha256(_spki(key)).digest()


def github_token(*, issuer: str = ISSUER, expires_in: int = 600) -> str:
    """An unsigned-looking GitHub Actions OIDC JWT (sigstore reads its claims unverified;
    Fulcio, here the fake, is what checks tokens)."""
    now = int(time.time())
    header = {"alg": "RS256", "typ": "JWT", "kid": "test"}
    claims = {
        "iss": issuer,
        "aud": "sigstore",
        "sub": "repo:acme/app:ref:refs/tags/v2.3",
        "iat": now - 5,
        "nbf": now - 5,
        "exp": now + expires_in,
        "repository": "acme/app",
        "job_workflow_ref": WORKFLOW,
    }
    parts = [json.dumps(header).encode(), json.dumps(claims).encode(), b"not-a-real-signature"]
    return ".".join(_b64url(p) for p in parts)


def _claims(token: str) -> dict[str, Any]:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))  # type: ignore[no-any-return]


def _der_utf8(text: str) -> bytes:
    raw = text.encode()
    assert len(raw) < 128
    return bytes([0x0C, len(raw)]) + raw


class FakeSigstore:
    """Test CA, CT log and Rekor keys, and the HTTP handlers that use them."""

    def __init__(self) -> None:
        self.ca_key = ec.generate_private_key(ec.SECP256R1())
        self.ct_key = ec.generate_private_key(ec.SECP256R1())
        self.rekor_key = ec.generate_private_key(ec.SECP256R1())
        now = dt.datetime.now(dt.UTC)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "aigate test Fulcio root")])
        self.ca_cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.ca_key.public_key())
            .serial_number(1)
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=False,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(self.ca_key.public_key()), critical=False
            )
            .sign(self.ca_key, hashes.SHA256())
        )
        self.log_index = 0
        self.requests: list[str] = []
        self.url = ""
        self.fail_with: int | None = None

    # ---- Fulcio ---------------------------------------------------------------------------

    def _sct(self, tbs_precert: bytes, when_ms: int) -> bytes:
        issuer_key_hash = _key_id(self.ca_key.public_key())
        signed = struct.pack("!BBQH", 0, 0, when_ms, 1) + issuer_key_hash
        signed += len(tbs_precert).to_bytes(3, "big") + tbs_precert + struct.pack("!H", 0)
        sig = self.ct_key.sign(signed, ec.ECDSA(hashes.SHA256()))
        sct = (
            bytes([0])
            + _key_id(self.ct_key.public_key())
            + struct.pack("!QH", when_ms, 0)
            + bytes([4, 3])
            + struct.pack("!H", len(sig))
            + sig
        )
        sct_list = struct.pack("!H", len(sct) + 2) + struct.pack("!H", len(sct)) + sct
        return bytes([0x04]) + _der_len(len(sct_list)) + sct_list

    def issue(self, csr_pem: bytes, token: str) -> list[str]:
        csr = x509.load_pem_x509_csr(csr_pem)
        claims = _claims(token)
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([]))
            .issuer_name(self.ca_cert.subject)
            .public_key(csr.public_key())  # type: ignore[arg-type]
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(seconds=30))
            .not_valid_after(now + dt.timedelta(minutes=10))
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), critical=False
            )
            .add_extension(
                x509.SubjectAlternativeName(
                    [
                        x509.UniformResourceIdentifier(
                            f"https://github.com/{claims['job_workflow_ref']}"
                        )
                    ]
                ),
                critical=True,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca_key.public_key()),
                critical=False,
            )
            .add_extension(
                x509.UnrecognizedExtension(
                    x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.1"), claims["iss"].encode()
                ),
                critical=False,
            )
            .add_extension(
                x509.UnrecognizedExtension(
                    x509.ObjectIdentifier("1.3.6.1.4.1.57264.1.8"), _der_utf8(claims["iss"])
                ),
                critical=False,
            )
        )
        precert = builder.sign(self.ca_key, hashes.SHA256())
        sct_ext = x509.UnrecognizedExtension(
            x509.ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2"),
            self._sct(precert.tbs_certificate_bytes, int(now.timestamp() * 1000)),
        )
        leaf = builder.add_extension(sct_ext, critical=False).sign(self.ca_key, hashes.SHA256())
        assert leaf.tbs_precertificate_bytes == precert.tbs_certificate_bytes
        pem = serialization.Encoding.PEM
        return [leaf.public_bytes(pem).decode(), self.ca_cert.public_bytes(pem).decode()]

    # ---- Rekor ----------------------------------------------------------------------------

    def log_entry(self, proposed: dict[str, Any]) -> dict[str, Any]:
        assert proposed["kind"] == "dsse", proposed
        content = proposed["spec"]["proposedContent"]
        envelope_text = content["envelope"]
        envelope = json.loads(envelope_text)
        payload = base64.b64decode(envelope["payload"])
        body = {
            "apiVersion": "0.0.1",
            "kind": "dsse",
            "spec": {
                "envelopeHash": {
                    "algorithm": "sha256",
                    "value": hashlib.sha256(envelope_text.encode()).hexdigest(),
                },
                "payloadHash": {
                    "algorithm": "sha256",
                    "value": hashlib.sha256(payload).hexdigest(),
                },
                "signatures": [
                    {"signature": s["sig"], "verifier": content["verifiers"][0]}
                    for s in envelope["signatures"]
                ],
            },
        }
        body_bytes = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
        log_id = _key_id(self.rekor_key.public_key())
        index, integrated = self.log_index, int(time.time())
        self.log_index += 1
        root = hashlib.sha256(b"\x00" + body_bytes).digest()  # a one-leaf tree
        origin = "rekor.test - 1"
        note = f"{origin}\n1\n{_b64(root)}\n"
        note_sig = self.rekor_key.sign(note.encode(), ec.ECDSA(hashes.SHA256()))
        checkpoint = note + f"\n\u2014 rekor.test {_b64(log_id[:4] + note_sig)}\n"
        set_payload = rfc8785.dumps(
            {
                "body": _b64(body_bytes),
                "integratedTime": integrated,
                "logID": log_id.hex(),
                "logIndex": index,
            }
        )
        set_sig = self.rekor_key.sign(set_payload, ec.ECDSA(hashes.SHA256()))
        return {
            hashlib.sha256(body_bytes).hexdigest(): {
                "body": _b64(body_bytes),
                "integratedTime": integrated,
                "logID": log_id.hex(),
                "logIndex": index,
                "verification": {
                    "inclusionProof": {
                        "checkpoint": checkpoint,
                        "hashes": [],
                        "logIndex": 0,
                        "rootHash": root.hex(),
                        "treeSize": 1,
                    },
                    "signedEntryTimestamp": _b64(set_sig),
                },
            }
        }

    # ---- trust material -------------------------------------------------------------------

    def _log(self, key: ec.EllipticCurvePrivateKey) -> dict[str, Any]:
        return {
            "baseUrl": self.url,
            "hashAlgorithm": "SHA2_256",
            "publicKey": {
                "rawBytes": _b64(_spki(key.public_key())),
                "keyDetails": "PKIX_ECDSA_P256_SHA_256",
                "validFor": {"start": "2020-01-01T00:00:00Z"},
            },
            "logId": {"keyId": _b64(_key_id(key.public_key()))},
        }

    def trusted_root_json(self) -> dict[str, Any]:
        der = self.ca_cert.public_bytes(serialization.Encoding.DER)
        return {
            "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            "tlogs": [self._log(self.rekor_key)],
            "certificateAuthorities": [
                {
                    "subject": {"organization": "aigate", "commonName": "aigate test Fulcio root"},
                    "uri": self.url,
                    "certChain": {"certificates": [{"rawBytes": _b64(der)}]},
                    "validFor": {"start": "2020-01-01T00:00:00Z"},
                }
            ],
            "ctlogs": [self._log(self.ct_key)],
            "timestampAuthorities": [],
        }

    def client_trust_config_json(self) -> str:
        service = {
            "url": self.url,
            "majorApiVersion": 1,
            "validFor": {"start": "2020-01-01T00:00:00Z"},
            "operator": "aigate-test",
        }
        return json.dumps(
            {
                "mediaType": "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json",
                "trustedRoot": self.trusted_root_json(),
                "signingConfig": {
                    "mediaType": "application/vnd.dev.sigstore.signingconfig.v0.2+json",
                    "caUrls": [service],
                    "oidcUrls": [],
                    "rekorTlogUrls": [service],
                    "tsaUrls": [],
                    "rekorTlogConfig": {"selector": "ANY"},
                    "tsaConfig": {"selector": "ANY"},
                },
            }
        )


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _handler(fake: FakeSigstore) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            return

        def _send(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlparse(self.path)
            fake.requests.append(f"GET {url.path}")
            if url.path == "/oidc/token":
                if self.headers.get("Authorization") != f"bearer {REQUEST_TOKEN}":
                    self._send(403, {"message": "bad request token"})
                    return
                audience = parse_qs(url.query).get("audience", [""])[0]
                assert audience == "sigstore", audience
                self._send(200, {"value": github_token()})
                return
            self._send(404, {"message": "not found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length))
            fake.requests.append(f"POST {self.path}")
            if fake.fail_with is not None:
                self._send(fake.fail_with, {"message": "service unavailable"})
                return
            if self.path == "/api/v2/signingCert":
                auth = self.headers.get("Authorization", "")
                token = auth.removeprefix("Bearer ")
                csr = base64.b64decode(body["certificateSigningRequest"])
                chain = fake.issue(csr, token)
                self._send(
                    200, {"signedCertificateEmbeddedSct": {"chain": {"certificates": chain}}}
                )
            elif self.path == "/api/v1/log/entries":
                self._send(201, fake.log_entry(body))
            else:
                self._send(404, {"message": "not found"})

    return Handler


@contextmanager
def running() -> Iterator[FakeSigstore]:
    """The fake services, listening on a free port of 127.0.0.1 until the block ends."""
    fake = FakeSigstore()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
