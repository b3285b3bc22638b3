"""The assistants policy on a long history: protected paths checked over N assistant commits.

Usage: .venv/bin/python bench/assistant_policy.py [--commits N] [--protected-share F]
One coding assistant with N commits of about five paths each, drawn from 3,000 files;
a share F of the commits (default 1%) also touch src/crypto/aes.py, a quarter of all
commits carry a Reviewed-by trailer. The release pack plus three protected_paths globs;
prints the best of three for building, validating and evaluating the policy input, with
the protected paths and without any touched (path_counts lets the rule skip the commits).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import time
from typing import Any

from gate.model import Component, ComponentId, Inventory, Party, Project, Role
from gate.policy import input as policy_input
from gate.policy import packs

GLOBS = ["src/crypto/**", "*.pem", "/setup.py"]


def inventory(commits: int, share: float, seed: int = 1) -> Inventory:
    """One assistant with a long, synthetic but plausible history."""
    rng = random.Random(seed)
    pool = [f"src/pkg{k % 60}/mod{k}.py" for k in range(3000)]
    entries: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    for i in range(commits):
        paths = set(rng.sample(pool, 5))
        if rng.random() < share:
            paths.add("src/crypto/aes.py")
        for path in paths:
            counts[path] = counts.get(path, 0) + 1
        entries.append(
            {
                "sha": hashlib.sha1(str(i).encode()).hexdigest(),
                "date": f"2026-01-01T00:{i // 3600 % 60:02d}:{i % 60:02d}+00:00",
                "author": "Dev <dev@example.com>",
                "trailer": "Co-Authored-By: Claude <noreply@anthropic.com>",
                "signals": [],
                "reviewed_by": ["Alice <alice@example.com>"] if i % 4 == 1 else [],
                "paths": sorted(paths),
            }
        )
    payload = {
        "vendor": "Anthropic",
        "product": "Claude Code",
        "kind": "vendor-service",
        "commits": entries,
        "commit_count": commits,
        "path_counts": dict(sorted(counts.items())),
    }
    comp = Component(
        id=ComponentId("assistant:anthropic/claude-code"),
        role=Role.CODE_ASSISTANT,
        name="claude-code",
        group="anthropic",
        publisher=Party("Anthropic", "US"),
        properties={"assistant": payload},
    )
    return Inventory(project=Project("bench"), components=(comp,))


def best(fn: Any, repeat: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return min(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--protected-share", type=float, default=0.01)
    args = parser.parse_args()
    ps = packs.load_policy(["release"])
    ps.params["assistants"]["protected_paths"] = GLOBS
    engine = packs.build_engine(ps)
    ctx = policy_input.InputContext(now="2026-11-26")
    for share in (args.protected_share, 0.0):
        inv = inventory(args.commits, share)
        build_s, doc = best(lambda inv=inv: policy_input.build_input(inv, ctx))
        validate_s, _ = best(lambda doc=doc: policy_input.validate_input(doc), 1)
        eval_s, findings = best(lambda doc=doc: engine.evaluate(doc))
        denied = sum(f.rule == "assistants.protected-path" for f in findings)
        print(
            f"{args.commits} commits, {share:.0%} touching {GLOBS[0]}: {denied} denied;"
            f" build {build_s:.2f} s, validate {validate_s:.2f} s, evaluate {eval_s:.2f} s"
        )


if __name__ == "__main__":
    main()
