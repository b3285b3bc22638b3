"""The cost of bounding policy evaluation (a forked child under RLIMIT_AS and a deadline).

Usage: .venv/bin/python bench/policy_bounded.py [--components N ...] [--repeat R]
For each size, evaluates the same policy input through the shipped release pack R times
in-process (unbounded, as before) and R times bounded (:mod:`gate.policy.bounded`), checks
that both give the same value, and prints the best time of each and their ratio.
Target: the bounded evaluation costs at most a few milliseconds more than the unbounded one.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from policy_eval import inventory

from gate.policy import input as policy_input
from gate.policy import packs


def best(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--components", type=int, nargs="+", default=[20, 1_000, 10_000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    engine = packs.build_engine(packs.load_policy(["release"]))
    ctx = policy_input.InputContext(now="2026-11-26")
    print(f"{'components':>10}  {'in-process':>11}  {'bounded':>9}  {'ratio':>6}  extra")
    for n in args.components:
        doc = policy_input.build_input(inventory(n), ctx)
        plain_s, plain = best(lambda doc=doc: engine._evaluate(doc, True), args.repeat)
        bounded_s, bounded = best(lambda doc=doc: engine.query(doc), args.repeat)
        assert plain == bounded, "bounded evaluation gave another value"
        print(
            f"{n:>10}  {plain_s * 1000:>9.1f}ms  {bounded_s * 1000:>7.1f}ms"
            f"  {bounded_s / plain_s:>6.2f}  {(bounded_s - plain_s) * 1000:+.1f} ms"
        )


if __name__ == "__main__":
    main()
