"""Evidence bundle at scale: export and verify an N-component BOM, key-signed.

Usage: .venv/bin/python bench/evidence_bundle.py [--components N]
Writes bench/_data/evidence/ (a BOM of policy_eval.py's synthetic inventory, a key, two
bundles) and prints the time of each phase: export (judge the BOM, copy the policy, render
the reports and tables, replay the bundle once, sign three statements) and verify (digests,
signatures, bindings, replay of the policy and every report). No target is set by the issue;
the figures show where the time goes.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from policy_eval import inventory

from gate import pipeline
from gate.bom.cyclonedx import write_bom
from gate.evidence import sign_key


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--components", type=int, default=2000)
    args = parser.parse_args()
    data = Path(__file__).parent / "_data" / "evidence"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    bom = data / "bom.cdx.json"
    bom.write_text(write_bom(inventory(args.components)), encoding="utf-8")
    private, public = sign_key.generate(data / "keys")
    signer = sign_key.KeySigner.from_file(private)
    started = time.perf_counter()
    result = pipeline.export(
        pipeline.ExportOptions(
            out=data / "bundle",
            check=pipeline.CheckOptions(bom=bom, policies=("release",), now="2026-11-26"),
            signer=signer,
            public_key=signer.public_pem(),
        )
    )
    exported = time.perf_counter() - started
    started = time.perf_counter()
    verified = pipeline.verify(
        pipeline.VerifyOptions(
            bundle=data / "bundle", verifier=sign_key.KeyVerifier.from_file(public)
        )
    )
    checked = time.perf_counter() - started
    size = sum(p.stat().st_size for p in (data / "bundle").rglob("*") if p.is_file())
    print(f"components: {args.components}  findings: {len(result.decision.findings)}")
    print(f"bundle: {size / 1e6:.1f} MB in {len(result.manifest['files']) + 2} files")
    print(f"export: {exported:.2f} s  (judge, render, self-replay, sign)")
    print(f"verify: {checked:.2f} s  valid={verified.ok}")


if __name__ == "__main__":
    main()
