"""aigate export / aigate verify: the evidence bundle, its determinism, and every tampering.

Bundles are made from a real BOM (tests/evidence_data.py's inventory, written by aigate),
judged by the shipped release pack plus a user pack whose Rego module sits in a sibling
folder, and real waiver files, with the real engine; signatures are real ECDSA P-256.
Forgeries are made the way an attacker would: edit a file, then rewrite the manifest and
re-sign what the key at hand can sign (another key, or even the legitimate one).
"""

from __future__ import annotations

import base64
import csv
import io
import json
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric import ec
from evidence_data import inventory

from gate import cli, pipeline
from gate.bom.cyclonedx import write_bom
from gate.discover.tree import WalkOptions
from gate.errors import InputError
from gate.evidence import attest, bundle, tables
from gate.evidence import verify as verifying
from gate.evidence.attest import Statement, Subject
from gate.evidence.run import RunContext, run_context
from gate.evidence.sign_key import KeySigner, KeyVerifier
from gate.model import Inventory, Project

NOW = "2026-05-01"

CUSTOM_RULE = (
    "package aigate.rules.custom\n\n"
    "# METADATA\n# title: AI SDK in the release\n# custom:\n#   id: custom.sdk\n"
    'warn_sdk := [f | some c in input.components; c.role == "sdk";'
    ' f := {"component": c.id, "msg": "an AI SDK ships in the release"}]\n'
)
PACK = "apiVersion: aigate/v1\nkind: PolicyPack\nname: acme\nmodules: [../rules/custom.rego]\n"
WAIVERS = """apiVersion: aigate/v1
kind: Waivers
waivers:
  - id: WVR-1
    rule: jurisdiction.*
    component: api:deepseek/deepseek-chat
    reason: "Migration to a US-hosted model scheduled; no customer data"
    approved_by: "J. Doe (Export Control)"
    created: 2026-04-01
    expires: 2026-05-10
  - id: WVR-2
    rule: licence.*
    component: dataset:hf:acme/tickets
    reason: "Evaluation data only, never shipped"
    approved_by: "R. Roe (Legal)"
    expires: 2026-09-30
"""


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    src = tmp_path_factory.mktemp("inputs")
    (src / "rules").mkdir()
    (src / "rules/custom.rego").write_text(CUSTOM_RULE)
    (src / "packs").mkdir()
    (src / "packs/acme.yaml").write_text(PACK)
    (src / "waivers").mkdir()
    (src / "waivers/waivers.yaml").write_text(WAIVERS)
    (src / "dist").mkdir()
    (src / "dist/app-2.3.whl").write_bytes(b"the release wheel")
    (src / "dist/other.whl").write_bytes(b"another artefact")
    (src / "bom.cdx.json").write_text(write_bom(inventory()))
    return {
        "bom": src / "bom.cdx.json",
        "pack": src / "packs/acme.yaml",
        "waivers": src / "waivers/waivers.yaml",
        "wheel": src / "dist/app-2.3.whl",
        "other": src / "dist/other.whl",
    }


@pytest.fixture(scope="module")
def key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _check(inputs: dict[str, Path], **over: Any) -> pipeline.CheckOptions:
    fields: dict[str, Any] = {
        "bom": inputs["bom"],
        "policies": ("release", str(inputs["pack"])),
        "waiver_files": (inputs["waivers"],),
        "now": NOW,
    }
    fields.update(over)
    return pipeline.CheckOptions(**fields)


def _export(
    out: Path, inputs: dict[str, Path], signer: KeySigner | None, **over: Any
) -> pipeline.ExportResult:
    subjects = over.pop("subjects", (inputs["wheel"],))
    return pipeline.export(
        pipeline.ExportOptions(
            out=out,
            check=_check(inputs, **over),
            signer=signer,
            subjects=subjects,
            public_key=signer.public_pem() if signer else None,
            run=RunContext(source="git", repository="https://git.example/acme/app", sha="a" * 40),
        )
    )


@pytest.fixture(scope="module")
def signed(
    tmp_path_factory: pytest.TempPathFactory,
    inputs: dict[str, Path],
    key: ec.EllipticCurvePrivateKey,
) -> Path:
    out = tmp_path_factory.mktemp("signed") / "bundle"
    _export(out, inputs, KeySigner(key))
    return out


@pytest.fixture(scope="module")
def unsigned(tmp_path_factory: pytest.TempPathFactory, inputs: dict[str, Path]) -> Path:
    out = tmp_path_factory.mktemp("unsigned") / "bundle"
    _export(out, inputs, None)
    return out


def _copy(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "copy"
    shutil.copytree(src, dst)
    return dst


def _verify(root: Path, key: ec.EllipticCurvePrivateKey | None, **kw: Any) -> pipeline.VerifyResult:
    verifier = KeyVerifier(key.public_key()) if key is not None else None
    kw.setdefault("allow_unsigned", key is None)
    return pipeline.verify(pipeline.VerifyOptions(bundle=root, verifier=verifier, **kw))


def _failed(result: pipeline.VerifyResult) -> str:
    assert not result.ok
    return " | ".join(f"{s.name}: {s.detail}" for s in result.failures)


def _statement(root: Path, name: str, signed: bool) -> Statement:
    data = (root / bundle.attestation_path(name, signed=signed)).read_bytes()
    if not signed:
        return Statement.from_json(data, source=name)
    payload = json.loads(data)["dsseEnvelope"]["payload"]
    return Statement.from_json(base64.b64decode(payload), source=name)


def _sign_as(root: Path, name: str, statement: Statement, signer: KeySigner | None) -> None:
    signed = signer is not None
    path = root / bundle.attestation_path(name, signed=signed)
    path.write_bytes(
        signer.sign(statement).encode() if signer is not None else statement.to_json() + b"\n"
    )


def _forge_manifest(
    root: Path, signer: KeySigner | None, edit: Callable[[dict[str, Any]], None] | None = None
) -> None:
    """Rewrite manifest.json to match the files on disk, and sign it with ``signer``."""
    manifest = json.loads((root / bundle.MANIFEST).read_text())
    for entry in manifest["files"]:
        data = (root / entry["path"]).read_bytes()
        entry["sha256"], entry["size"] = attest.sha256_hex(data), len(data)
    if edit is not None:
        edit(manifest)
    (root / bundle.MANIFEST).write_text(bundle.json_text(manifest))
    old = _statement(root, "manifest", signer is not None)
    _sign_as(root, "manifest", Statement(old.subjects, old.predicate_type, manifest), signer)


# ---- the bundle ------------------------------------------------------------------------------


def test_bundle_layout_and_manifest(signed: Path, inputs: dict[str, Path]) -> None:
    files = sorted(p.relative_to(signed).as_posix() for p in signed.rglob("*") if p.is_file())
    for name in (
        "manifest.json",
        "bom.cdx.json",
        "bom.cdx.xml",
        "bom.spdx.json",
        "decision.json",
        "report.html",
        "report.md",
        "findings.csv",
        "inventory.csv",
        "waivers.csv",
        "results.sarif",
        "attestations/bom.sigstore.json",
        "attestations/decision.sigstore.json",
        "attestations/manifest.sigstore.json",
        "keys/aigate.pub",
        "policy/aigate/policies/jurisdiction.rego",
        "policy/aigate/policies/params.yaml",
        "policy/aigate/policies/packs/release.yaml",
        "policy/aigate/gate/resolve/data/regulatory.yaml",
        "policy/aigate/gate/resolve/data/licences.yaml",
    ):
        assert name in files, name
    manifest = json.loads((signed / "manifest.json").read_text())
    assert manifest["schema"] == "aigate.evidence/v1"
    assert manifest["signing"] == "key" and manifest["now"] == NOW
    assert manifest["verdict"] == "fail"
    assert manifest["run"] == {
        "repository": "https://git.example/acme/app",
        "ref": None,
        "run_url": None,
        "sha": "a" * 40,
        "source": "git",
    }
    wheel = attest.sha256_hex(inputs["wheel"].read_bytes())
    assert manifest["subjects"] == [{"digest": {"sha256": wheel}, "name": "app-2.3.whl"}]
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    # Every file but the manifest and its own attestation is listed with its digest.
    assert set(listed) == set(files) - {"manifest.json", "attestations/manifest.sigstore.json"}
    assert all(attest.sha256_hex((signed / p).read_bytes()) == d for p, d in listed.items())
    # The user's pack, its module (a sibling folder) and the waivers keep their relative
    # layout under policy/local/, and the decision's names for them.
    policy = manifest["policy"]
    by_kind = {f["kind"]: f for f in policy["files"] if f["file"].startswith("policy/local/")}
    assert by_kind["module"]["path"].endswith("rules/custom.rego")
    assert by_kind["pack"]["file"].endswith("/packs/acme.yaml")
    assert by_kind["waivers"]["file"].endswith("/waivers/waivers.yaml")
    decision = json.loads((signed / "decision.json").read_text())
    assert policy["digest"] == decision["policy"]["digest"]
    assert {(f["path"], f["sha256"]) for f in policy["files"]} == {
        (f["path"], f["sha256"]) for f in decision["policy"]["files"]
    }
    assert policy["packs"] == ["release", "acme"]
    # The BOM judged is the input BOM, byte for byte.
    assert (signed / "bom.cdx.json").read_bytes() == inputs["bom"].read_bytes()


def test_statements_bind_subjects_bom_and_policy(signed: Path) -> None:
    manifest = json.loads((signed / "manifest.json").read_text())
    subjects = {s["digest"]["sha256"] for s in manifest["subjects"]}
    bom_sha = attest.sha256_hex((signed / "bom.cdx.json").read_bytes())
    bom = _statement(signed, "bom", True)
    assert bom.predicate_type == "https://cyclonedx.org/bom"
    assert {s.sha256 for s in bom.subjects} == subjects
    assert bom.predicate == json.loads((signed / "bom.cdx.json").read_text())
    vsa = _statement(signed, "decision", True)
    assert vsa.predicate_type == "https://slsa.dev/verification_summary/v1"
    assert {s.sha256 for s in vsa.subjects} == subjects | {bom_sha}
    pred = vsa.predicate
    assert pred["policy"]["digest"]["sha256"] == manifest["policy"]["digest"]  # type: ignore[index]
    assert pred["policy"]["uri"] == "urn:aigate:policy:release+acme"  # type: ignore[index]
    assert pred["verificationResult"] == "FAILED"
    assert pred["timeVerified"] == f"{NOW}T00:00:00Z"
    assert pred["verifier"]["id"] == "urn:aigate:gate:v0"  # type: ignore[index]
    assert pred["resourceUri"] == "git+https://git.example/acme/app@" + "a" * 40
    inputs = {(i["uri"], i["digest"]["sha256"]) for i in pred["inputAttestations"]}  # type: ignore[index, union-attr]
    bom_attestation = attest.sha256_hex((signed / "attestations/bom.sigstore.json").read_bytes())
    assert inputs == {
        ("bom.cdx.json", bom_sha),
        ("attestations/bom.sigstore.json", bom_attestation),
    }
    man = _statement(signed, "manifest", True)
    assert man.predicate_type == "urn:aigate:evidence:v1" and man.predicate == manifest


def test_csv_tables_have_stable_columns(signed: Path) -> None:
    def rows(name: str) -> list[dict[str, str]]:
        text = (signed / name).read_bytes().decode("utf-8")
        assert "\r\n" in text and not text.startswith("\ufeff")
        return list(csv.DictReader(io.StringIO(text, newline="")))

    findings = rows("findings.csv")
    assert list(findings[0]) == list(tables.FINDINGS_COLUMNS)
    deepseek = [f for f in findings if f["component"] == "api:deepseek/deepseek-chat"]
    assert deepseek and all(f["waived_by"] == "WVR-1" for f in deepseek)
    assert all(f["waiver_approved_by"] == "J. Doe (Export Control)" for f in deepseek)
    assert any(f["blocking"] == "true" for f in findings)
    assert any(f["rule"] == "custom.sdk" and f["level"] == "warn" for f in findings)
    inv = rows("inventory.csv")
    assert list(inv[0]) == list(tables.INVENTORY_COLUMNS) and len(inv) == 5
    bot = next(r for r in inv if r["id"].startswith("hf:acme/support-bot"))
    assert bot["lineage"].startswith("finetune of Qwen/Qwen2.5-7B-Instruct [CN]")
    waivers = rows("waivers.csv")
    assert list(waivers[0]) == list(tables.WAIVERS_COLUMNS)
    assert {(w["id"], w["status"], w["expiring_soon"]) for w in waivers} == {
        ("WVR-1", "applied", "true"),
        ("WVR-2", "applied", "false"),
    }


def test_csv_cells_cannot_run_as_formulas() -> None:
    hostile = inventory()
    comp = hostile.components[0]
    from dataclasses import replace

    evil = replace(hostile, components=(replace(comp, name='=HYPERLINK("http://x")'),))
    text = tables.inventory_csv(evil)
    row = next(csv.DictReader(io.StringIO(text, newline="")))
    assert row["name"] == '\'=HYPERLINK("http://x")'


def test_export_is_deterministic_except_signatures(
    tmp_path: Path, inputs: dict[str, Path], key: ec.EllipticCurvePrivateKey, unsigned: Path
) -> None:
    def contents(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    _export(tmp_path / "again", inputs, None)
    assert contents(tmp_path / "again") == contents(unsigned)
    # ECDSA signatures are randomised: two key-signed exports differ only in the three
    # signed attestations and in the manifest's digests of them.
    _export(tmp_path / "k1", inputs, KeySigner(key))
    _export(tmp_path / "k2", inputs, KeySigner(key))
    one, two = contents(tmp_path / "k1"), contents(tmp_path / "k2")
    differ = {name for name in one if one[name] != two[name]}
    assert differ == {
        "manifest.json",
        "attestations/bom.sigstore.json",
        "attestations/decision.sigstore.json",
        "attestations/manifest.sigstore.json",
    }


# ---- verify: the good cases ------------------------------------------------------------------


def test_verify_a_key_signed_bundle(
    signed: Path, key: ec.EllipticCurvePrivateKey, inputs: dict[str, Path]
) -> None:
    result = _verify(signed, key, subjects=(inputs["wheel"],))
    assert result.ok, _failed(result)
    assert [s.name for s in result.steps] == ["digests", "signatures", "statements", "replay"]
    assert result.signed and result.signer is not None and result.signer.method == "key"
    assert "byte for byte" in result.steps[-1].detail


def test_unsigned_bundle_fails_unless_the_user_accepts_it(unsigned: Path) -> None:
    # Issue 14: verify only vouches for what is signed.
    refused = _verify(unsigned, None, allow_unsigned=False)
    assert "UNSIGNED" in _failed(refused) and "--allow-unsigned" in _failed(refused)
    # Nothing is replayed for a bundle nobody vouches for.
    assert [(s.name, s.ok) for s in refused.steps] == [
        ("digests", True),
        ("signatures", False),
        ("replay", False),
    ]
    result = _verify(unsigned, None)
    assert result.ok, _failed(result)
    assert not result.signed
    assert "UNSIGNED" in next(s.detail for s in result.steps if s.name == "signatures")
    runner = CliRunner()
    out = runner.invoke(cli.main, ["verify", str(unsigned)])
    assert out.exit_code == 1, out.output
    assert "✗ signatures: the bundle is UNSIGNED" in out.output
    assert "Verification FAILED (signatures, replay)" in out.output
    out = runner.invoke(cli.main, ["verify", str(unsigned), "--allow-unsigned"])
    assert out.exit_code == 0, out.output
    assert "UNSIGNED" in out.output and "Verification succeeded" in out.output


def test_a_key_on_an_unsigned_bundle_fails_with_one_line_per_check(
    unsigned: Path, key: ec.EllipticCurvePrivateKey, tmp_path: Path
) -> None:
    assert "UNSIGNED" in _failed(_verify(unsigned, key))
    from gate.evidence import sign_key

    _, public = sign_key.generate(tmp_path / "keys")
    out = CliRunner().invoke(cli.main, ["verify", str(unsigned), "--key", str(public)])
    assert out.exit_code == 1, out.output
    lines = [line for line in out.output.splitlines() if line[:2] in ("✓ ", "✗ ")]
    names = [line.split(":")[0][2:] for line in lines]
    assert len(names) == len(set(names)), lines
    assert "✗ signatures: the bundle is UNSIGNED" in out.output


def test_a_key_from_inside_the_bundle_is_refused(
    signed: Path, key: ec.EllipticCurvePrivateKey
) -> None:
    out = CliRunner().invoke(
        cli.main, ["verify", str(signed), "--key", str(signed / "keys/aigate.pub")]
    )
    assert out.exit_code == 2, out.output
    assert "keys/aigate.pub" in out.stderr and "inside the bundle" in out.stderr


def test_a_signed_bundle_needs_someone_to_trust(signed: Path) -> None:
    with pytest.raises(InputError, match="signed"):
        _verify(signed, None)


# ---- verify: every tampering -----------------------------------------------------------------


def test_changing_any_byte_of_any_file_is_caught(
    signed: Path, key: ec.EllipticCurvePrivateKey, tmp_path: Path
) -> None:
    names = sorted(p.relative_to(signed).as_posix() for p in signed.rglob("*") if p.is_file())
    assert len(names) >= 25
    missed = []
    for i, name in enumerate(names):
        root = tmp_path / str(i)
        shutil.copytree(signed, root)
        data = bytearray((root / name).read_bytes())
        data[len(data) // 2] ^= 0x01
        (root / name).write_bytes(bytes(data))
        try:
            result = _verify(root, key)
        except InputError:
            continue
        if result.ok:
            missed.append(name)
    assert missed == []


def test_unlisted_and_missing_files_are_caught(
    signed: Path, key: ec.EllipticCurvePrivateKey, tmp_path: Path
) -> None:
    root = _copy(signed, tmp_path)
    (root / "policy/aigate/policies/extra.rego").write_text("package aigate.rules.extra\n")
    (root / "results.sarif").unlink()
    message = _failed(_verify(root, key))
    assert "policy/aigate/policies/extra.rego is not listed" in message
    assert "results.sarif is listed but missing" in message


def test_swapping_the_bom_is_caught(
    signed: Path, key: ec.EllipticCurvePrivateKey, tmp_path: Path
) -> None:
    other = Inventory(project=Project("demo", "2.3"), components=inventory().components[2:])
    root = _copy(signed, tmp_path)
    (root / "bom.cdx.json").write_text(write_bom(other))
    assert "bom.cdx.json does not match its SHA-256" in _failed(_verify(root, key))
    # Even with the manifest rewritten and re-signed with the legitimate key, the signed
    # BOM statement and the decision still speak of the original BOM.
    _forge_manifest(root, KeySigner(key))
    message = _failed(_verify(root, key))
    assert "the attested BOM is not bom.cdx.json" in message


def test_editing_a_waiver_is_caught(
    unsigned: Path, signed: Path, key: ec.EllipticCurvePrivateKey, tmp_path: Path
) -> None:
    def edit(root: Path) -> None:
        (path,) = root.glob("policy/local/**/waivers.yaml")
        path.write_text(path.read_text().replace("2026-05-10", "2026-06-10"))

    root = _copy(signed, tmp_path)
    edit(root)
    assert "waivers.yaml does not match its SHA-256" in _failed(_verify(root, key))
    # An unsigned bundle rewritten consistently (manifest, its statement): the policy files
    # no longer hash to the digest the decision statement was made with.
    root = tmp_path / "unsigned"
    shutil.copytree(unsigned, root)
    edit(root)
    _forge_manifest(root, None)
    message = _failed(_verify(root, None))
    assert "waivers.yaml is not the bundled" in message
    # ...and with the recorded digests rewritten too, the replay gives another decision.
    digest = ""

    def fix(manifest: dict[str, Any]) -> None:
        nonlocal digest
        for f in manifest["policy"]["files"]:
            f["sha256"] = attest.sha256_hex((root / f["file"]).read_bytes())
        from gate.model import PolicyFile
        from gate.policy.packs import policy_digest

        digest = policy_digest(
            [PolicyFile(f["path"], f["sha256"], f["kind"]) for f in manifest["policy"]["files"]],
            manifest["aigate_version"],
        )
        manifest["policy"]["digest"] = digest

    _forge_manifest(root, None, fix)
    vsa = _statement(root, "decision", False)
    predicate = dict(vsa.predicate)
    predicate["policy"] = {"digest": {"sha256": digest}, "uri": predicate["policy"]["uri"]}  # type: ignore[index]
    _sign_as(root, "decision", Statement(vsa.subjects, vsa.predicate_type, predicate), None)
    _forge_manifest(root, None)
    message = _failed(_verify(root, None))
    assert "replay" in message and "decision.json" in message


def test_editing_the_verdict_is_caught_even_when_re_signed(
    signed: Path, key: ec.EllipticCurvePrivateKey, tmp_path: Path
) -> None:
    root = _copy(signed, tmp_path)
    decision = root / "decision.json"
    decision.write_text(decision.read_text().replace('"verdict": "fail"', '"verdict": "pass"'))
    assert "decision.json does not match its SHA-256" in _failed(_verify(root, key))
    # Whoever holds the signing key can re-sign a PASSED decision and a matching manifest;
    # the replay of the bundled policy on the bundled BOM still says FAIL.
    signer = KeySigner(key)
    vsa = _statement(root, "decision", True)
    predicate = {**vsa.predicate, "verificationResult": "PASSED"}
    _sign_as(root, "decision", Statement(vsa.subjects, vsa.predicate_type, predicate), signer)

    def to_pass(manifest: dict[str, Any]) -> None:
        manifest["verdict"] = "pass"

    _forge_manifest(root, signer, to_pass)
    result = _verify(root, key)
    message = _failed(result)
    assert [s.name for s in result.failures] == ["replay"]
    assert "replaying the policy gives verdict 'fail'" in message


def test_re_signing_with_another_key_is_caught(
    signed: Path, key: ec.EllipticCurvePrivateKey, tmp_path: Path
) -> None:
    root = _copy(signed, tmp_path)
    mallory = KeySigner(ec.generate_private_key(ec.SECP256R1()))
    _sign_as(root, "bom", _statement(root, "bom", True), mallory)
    # A careful forger also points the decision at the re-signed BOM attestation.
    vsa = _statement(root, "decision", True)
    bom_attestation = attest.sha256_hex((root / "attestations/bom.sigstore.json").read_bytes())
    inputs = [
        {**i, "digest": {"sha256": bom_attestation}} if i["uri"].startswith("attest") else i
        for i in vsa.predicate["inputAttestations"]  # type: ignore[union-attr]
    ]
    predicate = {**vsa.predicate, "inputAttestations": inputs}
    _sign_as(root, "decision", Statement(vsa.subjects, vsa.predicate_type, predicate), mallory)
    (root / "keys/aigate.pub").write_bytes(mallory.public_pem())
    _forge_manifest(root, mallory)
    message = _failed(_verify(root, key))
    assert "signed by another key" in message
    # The bundled public key is never trusted: it is whatever the bundle's maker put there.
    assert _verify(root, mallory._key).ok


def test_a_statement_for_other_subjects_is_caught(
    signed: Path, key: ec.EllipticCurvePrivateKey, tmp_path: Path, inputs: dict[str, Path]
) -> None:
    # This bundle is no evidence for another artefact...
    message = _failed(_verify(signed, key, subjects=(inputs["other"],)))
    assert "other.whl" in message and "not among the attested subjects" in message
    # ...and a BOM statement signed (even with the right key) for other subjects is refused.
    root = _copy(signed, tmp_path)
    signer = KeySigner(key)
    old = _statement(root, "bom", True)
    other = Subject.of_file(inputs["other"])
    _sign_as(root, "bom", Statement((other,), old.predicate_type, old.predicate), signer)
    _forge_manifest(root, signer)
    assert "speaks of other subjects" in _failed(_verify(root, key))


def test_a_bundle_from_another_aigate_version_is_not_replayed(
    unsigned: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(verifying, "__version__", "9.0.0")
    message = _failed(_verify(unsigned, None))
    assert "made by aigate 0.1.0; this is aigate 9.0.0" in message


def test_a_baseline_is_refused_by_export_and_by_verify(
    unsigned: Path, inputs: dict[str, Path], tmp_path: Path
) -> None:
    # The bundle holds the judged BOM only: a judgement narrowed to what changed since a
    # baseline could not be replayed from it, so export refuses rather than record one...
    with pytest.raises(InputError, match="whole release") as err:
        _export(tmp_path / "b", inputs, None, baseline=str(inputs["bom"]), new_only=True)
    assert err.value.path == "--baseline" and not (tmp_path / "b").exists()
    # ...and verify refuses a decision.json that says it was narrowed, with a clear reason
    # (not a confusing list of findings the replay did not drop).
    root = _copy(unsigned, tmp_path)
    decision = json.loads((root / "decision.json").read_text())
    decision["baseline"] = {"ref": "v1.0.0 (1a2b3c4d5e6f)", "new_only": True, "judged": 1,
                            "dropped": 3}  # fmt: skip
    (root / "decision.json").write_text(bundle.json_text(decision))
    _forge_manifest(root, None)
    result = _verify(root, None)
    assert [s.name for s in result.failures] == ["replay"]
    assert "judgement against baseline v1.0.0 (1a2b3c4d5e6f) (new components only)" in (
        _failed(result)
    )


# ---- the command line ------------------------------------------------------------------------


def test_cli_export_and_verify_exit_codes(
    tmp_path: Path, inputs: dict[str, Path], key: ec.EllipticCurvePrivateKey
) -> None:
    from gate.evidence import sign_key

    private, public = sign_key.generate(tmp_path / "keys")
    runner = CliRunner()
    base = ["export", "--bom", str(inputs["bom"]), "--policy", "release", "--now", NOW]
    out = tmp_path / "ev"
    done = runner.invoke(
        cli.main,
        [
            *base,
            "--out",
            str(out),
            "--sign",
            "key",
            "--key",
            str(private),
            "--subject",
            str(inputs["wheel"]),
        ],
    )
    # The gate failed (exit 1), and the folder is written all the same.
    assert done.exit_code == 1, done.output
    assert "evidence written to" in done.output and (out / "manifest.json").is_file()
    ok = runner.invoke(cli.main, ["verify", str(out), "--key", str(public)])
    assert ok.exit_code == 0, ok.output
    assert "The following policy criteria were enforced:" in ok.output
    assert "- Signing key must be:" in ok.output and "Verification succeeded" in ok.output
    # Intact is not passing: the last line says what the bundle records.
    assert ok.output.rstrip().endswith("The bundle records a FAIL verdict.")
    # A pass exits 0.
    passing = tmp_path / "pass"
    done = runner.invoke(cli.main, [*base, "--fail-on", "never", "--out", str(passing)])
    assert done.exit_code == 0, done.output
    # Errors exit 2 and leave nothing behind: an occupied folder, a broken BOM, a bad key.
    assert runner.invoke(cli.main, [*base, "--out", str(out)]).exit_code == 2
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    failed = tmp_path / "failed"
    assert (
        runner.invoke(cli.main, ["export", "--bom", str(bad), "--out", str(failed)]).exit_code == 2
    )
    assert not failed.exists() and not list(tmp_path.glob(".failed.*"))
    assert runner.invoke(cli.main, [*base, "--out", str(failed), "--sign", "key"]).exit_code == 2
    # verify: invalid is 1 and names the check; bad arguments or no bundle are 2.
    (out / "report.md").write_text("edited")
    invalid = runner.invoke(cli.main, ["verify", str(out), "--key", str(public)])
    assert invalid.exit_code == 1 and "Verification FAILED (digests" in invalid.output
    assert runner.invoke(cli.main, ["verify", str(tmp_path / "nope")]).exit_code == 2
    assert runner.invoke(cli.main, ["verify", str(out)]).exit_code == 2
    both = ["verify", str(out), "--key", str(public), "--certificate-identity", "x"]
    assert runner.invoke(cli.main, both).exit_code == 2


def test_export_from_a_scan_replays(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("GITHUB_ACTIONS", "GITHUB_REF", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(var, raising=False)
    runner = CliRunner()
    out = tmp_path / "demo"
    done = runner.invoke(
        cli.main,
        [
            "export",
            "examples/demo-app",
            "--policy",
            "release",
            "--waivers",
            "examples/waivers.yaml",
            "--now",
            "2026-11-26",
            "--out",
            str(out),
        ],
    )
    assert done.exit_code == 0, done.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["input"]["source"] == "scan"
    assert runner.invoke(cli.main, ["verify", str(out), "--allow-unsigned"]).exit_code == 0


def test_run_context_from_github_and_git(tmp_path: Path) -> None:
    env = {
        "GITHUB_ACTIONS": "true",
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "acme/app",
        "GITHUB_REF": "refs/tags/v2.3",
        "GITHUB_SHA": "b" * 40,
        "GITHUB_RUN_ID": "42",
        "GITHUB_RUN_ATTEMPT": "2",
    }
    run = run_context(env, tmp_path)
    assert run == RunContext(
        "github-actions",
        "https://github.com/acme/app",
        "refs/tags/v2.3",
        "b" * 40,
        "https://github.com/acme/app/actions/runs/42/attempts/2",
    )
    assert run_context({}, tmp_path) == RunContext()
    import subprocess

    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "init", "-q", "-b", "main", str(repo)], check=True)
    subprocess.run([*git, "-C", str(repo), "commit", "-q", "--allow-empty", "-m", "x"], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "remote",
            "add",
            "origin",
            "https://x-access-token:secret@github.com/acme/app.git",
        ],
        check=True,
    )
    run = run_context({}, repo)
    assert run.source == "git" and run.ref == "refs/heads/main" and len(run.sha or "") == 40
    assert run.repository == "https://github.com/acme/app.git"


# ---- keyless, end to end against the local Sigstore stand-in --------------------------------


def test_keyless_export_and_verify_through_the_cli(
    tmp_path: Path, inputs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--sign sigstore` as a GitHub Actions job with `id-token: write` runs it.

    Real: aigate's CLI and bundle code, sigstore-python's ambient-credential detection,
    Fulcio and Rekor clients, DSSE signing and offline verification (tests/sigstore_fake.py
    says what the stand-in answers). Not exercised: the public-good services, TUF, a TSA.
    """
    import sigstore_fake

    with sigstore_fake.running() as fake:
        config = tmp_path / "trust.json"
        config.write_text(fake.client_trust_config_json())
        env = {
            "GITHUB_ACTIONS": "true",
            "ACTIONS_ID_TOKEN_REQUEST_URL": f"{fake.url}/oidc/token",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN": sigstore_fake.REQUEST_TOKEN,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": "acme/app",
            "GITHUB_REF": "refs/tags/v2.3",
            "GITHUB_SHA": "c" * 40,
            "GITHUB_RUN_ID": "7",
        }
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        runner = CliRunner()
        out = tmp_path / "keyless"
        done = runner.invoke(
            cli.main,
            [
                "export",
                "--bom",
                str(inputs["bom"]),
                "--policy",
                "release",
                "--now",
                NOW,
                "--sign",
                "sigstore",
                "--trust-config",
                str(config),
                "--subject",
                str(inputs["wheel"]),
                "--out",
                str(out),
            ],
        )
        assert done.exit_code == 1, done.output  # the gate failed; the evidence is written
        assert fake.requests.count("POST /api/v2/signingCert") == 3
        assert fake.requests.count("POST /api/v1/log/entries") == 3
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["signing"] == "sigstore"
    assert manifest["run"]["run_url"] == "https://github.com/acme/app/actions/runs/7"
    # The decision's input context came from the same job.
    decision_input = json.loads((out / "decision.json").read_text())["input"]["digest"]
    assert decision_input and manifest["input"]["ref"] == "refs/tags/v2.3"
    assert manifest["input"]["ci"] == "github-actions"
    for name in ("bom", "decision", "manifest"):
        doc = json.loads((out / f"attestations/{name}.sigstore.json").read_text())
        assert "certificate" in doc["verificationMaterial"]
        assert doc["verificationMaterial"]["tlogEntries"]
    assert not (out / "keys").exists()

    def verify(*args: str) -> Any:
        return runner.invoke(cli.main, ["verify", str(out), "--trust-config", str(config), *args])

    good = verify(
        "--certificate-identity",
        sigstore_fake.IDENTITY,
        "--certificate-oidc-issuer",
        sigstore_fake.ISSUER,
        "--subject",
        str(inputs["wheel"]),
    )
    assert good.exit_code == 0, good.output
    assert re.search(
        rf"Subject Alternative Name must be:\.* {re.escape(sigstore_fake.IDENTITY)}", good.output
    )
    other = "https://github.com/acme/app/.github/workflows/other.yml@refs/heads/main"
    wrong = verify(
        "--certificate-identity", other, "--certificate-oidc-issuer", sigstore_fake.ISSUER
    )
    assert wrong.exit_code == 1 and "signatures" in wrong.output
    key_file = tmp_path / "k"
    from gate.evidence import sign_key

    _, public = sign_key.generate(key_file)
    keyed = runner.invoke(cli.main, ["verify", str(out), "--key", str(public)])
    assert keyed.exit_code == 1 and "signed keylessly" in keyed.output


def test_a_bundle_inside_the_scanned_tree_is_not_scanned(tmp_path: Path) -> None:
    app = tmp_path / "app"
    shutil.copytree("examples/demo-app/app", app)
    out = app / "evidence" / "v1"
    assert bundle.own_output(app, out) == ("/evidence/v1/", "/evidence/.v1.*/")
    assert bundle.own_output(app, tmp_path / "elsewhere") == ()
    first = pipeline.export(
        pipeline.ExportOptions(
            out=out,
            check=pipeline.CheckOptions(
                scan=pipeline.ScanOptions(root=app, history="none"), now=NOW
            ),
        )
    )
    scanned = first.inventory.files_scanned
    again = pipeline.export(
        pipeline.ExportOptions(
            out=app / "evidence" / "v2",
            check=pipeline.CheckOptions(
                scan=pipeline.ScanOptions(
                    root=app,
                    history="none",
                    walk=WalkOptions(extra_ignores=("/evidence/v1/",)),
                ),
                now=NOW,
            ),
        )
    )
    assert again.inventory.files_scanned == scanned
    assert (app / "evidence/v2/bom.cdx.json").read_bytes() == (
        app / "evidence/v1/bom.cdx.json"
    ).read_bytes()
    assert _verify(app / "evidence/v2", None).ok


def test_a_broken_bom_is_named_as_given_not_by_its_staged_copy(tmp_path: Path) -> None:
    broken = tmp_path / "release.cdx.json"
    broken.write_text("not json\n")
    out = tmp_path / "ev"
    done = CliRunner().invoke(
        cli.main, ["export", "--bom", str(broken), "--out", str(out), "--now", NOW]
    )
    assert done.exit_code == 2
    assert done.stderr.startswith(f"aigate: error: {broken}:1: not JSON")
    assert not out.exists() or not any(out.iterdir())
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".ev")]


# ---- verify: confined to the bundle (issue 13, item 3) ----------------------------------------


def _forge_policy(root: Path) -> None:
    """Make an edited unsigned bundle consistent again: file digests, the policy digest, the
    decision statement's policy digest and the manifest statement (what an attacker can do
    to any unsigned bundle)."""
    from gate.model import PolicyFile
    from gate.policy.packs import policy_digest

    digest = ""

    def fix(manifest: dict[str, Any]) -> None:
        nonlocal digest
        for f in manifest["policy"]["files"]:
            f["sha256"] = attest.sha256_hex((root / f["file"]).read_bytes())
        digest = policy_digest(
            [PolicyFile(f["path"], f["sha256"], f["kind"]) for f in manifest["policy"]["files"]],
            manifest["aigate_version"],
        )
        manifest["policy"]["digest"] = digest

    _forge_manifest(root, None, fix)
    vsa = _statement(root, "decision", False)
    predicate = dict(vsa.predicate)
    predicate["policy"] = {"digest": {"sha256": digest}, "uri": predicate["policy"]["uri"]}  # type: ignore[index]
    _sign_as(root, "decision", Statement(vsa.subjects, vsa.predicate_type, predicate), None)
    _forge_manifest(root, None)


@pytest.mark.parametrize("section", ["modules", "registries", "waivers"])
def test_a_bundled_pack_naming_files_outside_the_bundle_is_refused(
    unsigned: Path, tmp_path: Path, section: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.rego").write_text("package aigate.rules.evil\n")
    root = tmp_path / "bundle"
    shutil.copytree(unsigned, root)
    (pack,) = root.glob("policy/local/**/acme.yaml")
    target = {"modules": "evil.rego", "registries": "evil.rego", "waivers": "evil.rego"}[section]
    rel = Path(os.path.relpath(outside / target, pack.parent)).as_posix()
    for name in (rel, str(outside / target)):
        pack.write_text(PACK.replace("modules: [../rules/custom.rego]", f"{section}: [{name}]"))
        _forge_policy(root)
        result = _verify(root, None)
        message = _failed(result)
        assert [s.name for s in result.failures] == ["replay"], message
        assert name in message and "outside the bundle's policy folder" in message, message
    # ...and through the CLI: exit 1, naming the path.
    out = CliRunner().invoke(cli.main, ["verify", str(root), "--allow-unsigned"])
    assert out.exit_code == 1 and str(outside / target) in out.output, out.output


def test_a_signed_bundle_that_fails_its_bindings_is_not_replayed(
    signed: Path, key: ec.EllipticCurvePrivateKey, tmp_path: Path
) -> None:
    root = _copy(signed, tmp_path)
    (pack,) = root.glob("policy/local/**/acme.yaml")
    pack.write_text(PACK.replace("../rules/custom.rego", "/etc/passwd"))
    _forge_manifest(root, KeySigner(ec.generate_private_key(ec.SECP256R1())))
    result = _verify(root, key)
    assert {s.name: s.ok for s in result.steps}["replay"] is False
    assert "not run" in next(s.detail for s in result.steps if s.name == "replay")
    assert "/etc/passwd" not in _failed(result)


@pytest.mark.parametrize("how", ["fifo", "zero", "folder"])
def test_a_manifest_that_is_a_fifo_or_device_is_refused_promptly(
    unsigned: Path, tmp_path: Path, how: str
) -> None:

    root = _copy(unsigned, tmp_path)
    (root / bundle.MANIFEST).unlink()
    if how == "fifo":
        os.mkfifo(root / bundle.MANIFEST)
    elif how == "zero":
        (root / bundle.MANIFEST).symlink_to("/dev/zero")
    else:
        (root / bundle.MANIFEST).mkdir()
    out = CliRunner().invoke(cli.main, ["verify", str(root), "--allow-unsigned"])
    assert out.exit_code == 1, out.output
    assert "manifest.json" in out.output


def test_a_huge_sparse_file_in_a_bundle_is_never_read(unsigned: Path, tmp_path: Path) -> None:
    import resource

    root = _copy(unsigned, tmp_path)
    with open(root / "report.md", "r+b") as f:
        f.truncate(3 * 1024 * 1024 * 1024)
    with open(root / "extra.bin", "wb") as f:
        f.truncate(3 * 1024 * 1024 * 1024)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    message = _failed(_verify(root, None))
    assert "report.md does not match its SHA-256" in message and "its size differs" in message
    assert "extra.bin is not listed" in message
    # Peak memory grew by far less than the file (ru_maxrss is in KiB on Linux).
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 512 * 1024


def test_export_of_packs_kept_under_policies_packs_in_the_working_directory(
    tmp_path: Path, inputs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 13: a user's ./policies/packs/… collided with the bundle's own layout (and an
    # exact copy of a shipped pack was taken for the shipped one, then not found).
    from gate.policy.locate import policies_dir

    work = tmp_path / "work"
    (work / "policies/packs").mkdir(parents=True)
    (work / "policies/rules").mkdir()
    (work / "policies/rules/custom.rego").write_text(CUSTOM_RULE)
    (work / "policies/packs/acme.yaml").write_text(PACK)
    shutil.copy(policies_dir() / "packs/release.yaml", work / "policies/packs/release.yaml")
    monkeypatch.chdir(work)
    runner = CliRunner()
    base = ["export", "--bom", str(inputs["bom"]), "--now", NOW, "--fail-on", "never"]
    for i, policies in enumerate(
        (
            ["policies/packs/acme.yaml"],
            ["policies/packs/release.yaml"],
            ["policies/packs/release.yaml", "policies/packs/acme.yaml", "release"],
        )
    ):
        out = tmp_path / f"ev{i}"
        args = [*base, "--out", str(out)]
        for p in policies:
            args += ["--policy", p]
        done = runner.invoke(cli.main, args)
        assert done.exit_code == 0, (policies, done.output)
        ok = runner.invoke(cli.main, ["verify", str(out), "--allow-unsigned"])
        assert ok.exit_code == 0, (policies, ok.output)


def test_the_bundled_report_says_how_it_was_signed_and_how_to_verify(
    signed: Path, unsigned: Path, key: ec.EllipticCurvePrivateKey, inputs: dict[str, Path]
) -> None:
    # Issue 14: the auditor's page says who signed and how to check it; verify re-renders
    # it from the signed manifest, so the page cannot claim another signing method.
    page = (signed / "report.html").read_text(encoding="utf-8")
    assert "Signed" in page and "aigate verify BUNDLE --key SIGNER.pub" in page
    assert "not the copy inside the bundle" in page
    assert _verify(signed, key, subjects=(inputs["wheel"],)).ok
    page = (unsigned / "report.html").read_text(encoding="utf-8")
    assert "--allow-unsigned" in page
