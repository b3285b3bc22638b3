"""Report formats and ``aigate diff`` on big decisions: time and output size per format.

Usage: python bench/reports.py [--findings N] [--components N]

Builds a decision with N findings over N components (a third of them warn, every tenth
waived, two evidence locations each) and two inventories of N components that differ in
revisions, licences, countries and lineage, then times each renderer and the diff.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from dataclasses import replace

from gate.inventory_diff import diff
from gate.model import (
    Ancestor,
    Component,
    ComponentId,
    Confidence,
    Decision,
    Evidence,
    EvidenceKind,
    Finding,
    Inventory,
    Level,
    Licence,
    Location,
    Party,
    Project,
    Role,
    RuleId,
    RuleMeta,
    Verdict,
    Waiver,
)
from gate.report.diff import DIFF_FORMATS
from gate.report.formats import FORMATS

RULES = tuple(
    RuleMeta(RuleId(f"aigate.area{i}.rule{i}"), f"Rule {i}", f"What rule {i} checks.", "deny")
    for i in range(12)
)


TARGET = 2.0
"""Issue 15: every report format at 20,000 findings in at most this many seconds."""


def build(n: int) -> tuple[Decision, Inventory]:
    comps = []
    findings = []
    waivers = []
    for i in range(n):
        cid = ComponentId(f"hf:org{i % 300}/model-{i:06d}@unpinned")
        locs = (Location(f"src/p{i % 80}/m{i:06d}.py", i % 500 + 1, 5), Location("cfg.yaml", i + 1))
        evidence = tuple(
            Evidence(
                "bench",
                EvidenceKind.CODE_REF,
                cid,
                Role.RUNTIME_MODEL,
                str(cid),
                loc,
                Confidence.HIGH,
            )
            for loc in locs
        )
        comps.append(
            Component(
                cid,
                Role.RUNTIME_MODEL,
                f"model-{i:06d}",
                publisher=Party(f"Org {i % 300}", "CN"),
                evidence=evidence,
            )
        )
        waived = f"WVR-{i:06d}" if i % 10 == 0 else None
        if waived:
            waivers.append(
                Waiver(
                    waived,
                    RULES[i % 12].id,
                    cid,
                    "accepted risk",
                    "ciso",
                    "2026-12-31",
                    source=f"waivers.yaml:{i + 1}",
                )
            )
        findings.append(
            Finding(
                RULES[i % 12].id,
                Level.WARN if i % 3 == 0 else Level.DENY,
                cid,
                f"model-{i:06d} is published by Org {i % 300} (CN)",
                locs,
                waived_by=waived,
            )
        )
    dec = Decision(
        Verdict.FAIL,
        tuple(findings),
        "deny",
        "sha256:" + "0" * 64,
        waivers_applied=tuple(waivers),
        evaluated_on="2026-09-01",
        rules=RULES,
    )
    return dec, Inventory(Project("bench"), tuple(comps), files_scanned=n)


def changed(inv: Inventory) -> Inventory:
    comps = []
    for i, comp in enumerate(inv.components):
        if i % 7 == 0:
            comp = replace(comp, id=ComponentId(str(comp.id).replace("@unpinned", "@" + "a" * 40)))
        if i % 11 == 0:
            comp = replace(comp, licence=Licence("cc-by-nc-4.0"))
        if i % 13 == 0:
            comp = replace(comp, lineage=(Ancestor(ComponentId("hf:base/x@unpinned"), "base/x"),))
        if i % 17 != 0:
            comps.append(comp)
    return replace(inv, components=tuple(comps))


def timed(fn: Callable[[], str]) -> tuple[float, int, float]:
    """Best wall seconds of three runs, the output's size and that run's CPU seconds (on a
    busy machine wall time moves far more than CPU time)."""
    best, best_cpu = float("inf"), 0.0
    size = 0
    for _ in range(3):
        start, cpu = time.perf_counter(), time.process_time()
        out = fn()
        wall = time.perf_counter() - start
        if wall < best:
            best, best_cpu = wall, time.process_time() - cpu
        size = len(out.encode("utf-8"))
    return best, size, best_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=20_000)
    args = parser.parse_args()
    dec, inv = build(args.findings)
    print(
        f"{args.findings} findings, {len(inv.components)} components, {len(RULES)} rules"
        f" (best of 3; load average {os.getloadavg()[0]:.1f})"
    )
    for name in sorted(FORMATS):
        seconds, size, cpu = timed(lambda name=name: FORMATS[name](dec, inv))
        verdict = "ok" if seconds <= TARGET else "OVER"
        print(
            f"  {name:<10} {seconds:7.3f} s  ({cpu:.3f} s CPU)  {size / 1e6:8.2f} MB"
            f"  (target ≤ {TARGET:.0f} s at 20,000 findings: {verdict})"
        )
    head = changed(inv)
    start = time.perf_counter()
    result = diff(inv, head)
    elapsed = time.perf_counter() - start
    print(
        f"  diff       {elapsed:7.3f} s  ({len(result.added)} added, {len(result.removed)}"
        f" removed, {len(result.changed)} changed)"
    )
    for name in sorted(DIFF_FORMATS):
        seconds, size, cpu = timed(lambda name=name: DIFF_FORMATS[name](result))
        print(f"  diff/{name:<5} {seconds:7.3f} s  ({cpu:.3f} s CPU)  {size / 1e6:8.2f} MB")


if __name__ == "__main__":
    main()
