"""`aigate check --bom` of a large BOM made by another tool, and of aigate's own at scale.

Builds (once, under bench/_data/) a CycloneDX 1.6 JSON BOM shaped like a dependency
scanner's: N library components with purls, versions, hashes and licences, one model and
one service, nothing from aigate. Then runs ``aigate check --bom FILE --policy release`` in
a fresh process and prints wall time, CPU time and peak memory beside the target (50,000
components judged in at most 10 s and 500 MB), each as a ratio of its target, and the load
average (on a busy machine CPU time is the figure to compare).

``--own N`` instead writes aigate's own BOM of the synthetic 10,000-component inventory of
bench/policy_eval.py and judges it (target: at most 3 s wall), then runs it once more in
one process with a CPU timer on each phase (start-up and imports, policy, reading the BOM
and its schema validation, policy input, its validation, evaluation, decision and input
digest, text report; the CPU of the forked children is not in these: the evaluation's,
the input digest's and, for a BOM of 2 MB or more, the schema validation's, which run beside
this process's own work; for such a BOM "policy" is the CPU of the thread that compiles it
while the BOM is read).

    python bench/foreign_bom.py [--components 10000,50000] [--own 10000]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
LICENCES = ["MIT", "Apache-2.0", "BSD-3-Clause", "ISC", "GPL-3.0-only"]


def foreign(n: int) -> Path:
    path = DATA / f"foreign_{n}.cdx.json"
    if path.exists():
        return path
    DATA.mkdir(exist_ok=True)
    comps = []
    for i in range(n):
        name = f"pkg{i}"
        comps.append(
            {
                "type": "library",
                "bom-ref": f"pkg:npm/{name}@1.{i % 10}.0",
                "name": name,
                "version": f"1.{i % 10}.0",
                "purl": f"pkg:npm/{name}@1.{i % 10}.0",
                "hashes": [
                    {"alg": "SHA-256", "content": hashlib.sha256(name.encode()).hexdigest()}
                ],
                "licenses": [{"license": {"id": LICENCES[i % len(LICENCES)]}}],
            }
        )
    comps.append(
        {
            "type": "machine-learning-model",
            "bom-ref": "pkg:huggingface/Qwen/Qwen2.5-7B-Instruct@main",
            "name": "Qwen2.5-7B-Instruct",
            "group": "Qwen",
            "purl": "pkg:huggingface/Qwen/Qwen2.5-7B-Instruct@main",
        }
    )
    doc = {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {"tools": {"components": [{"type": "application", "name": "other-tool"}]}},
        "components": comps,
        "services": [
            {"bom-ref": "svc-openai", "name": "openai", "endpoints": ["https://api.openai.com/v1"]}
        ],
        "dependencies": [{"ref": c["bom-ref"]} for c in comps],
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def own(n: int) -> Path:
    path = DATA / f"own_{n}.cdx.json"
    if path.exists():
        return path
    sys.path.insert(0, str(HERE))
    from policy_eval import inventory

    from gate.bom.cyclonedx import write_bom

    DATA.mkdir(exist_ok=True)
    path.write_text(write_bom(inventory(n)), encoding="utf-8")
    return path


def check(path: Path) -> tuple[float, float, float, int]:
    """Wall, CPU seconds, peak RSS (MB) and exit code of one `aigate check --bom`."""
    aigate = Path(sys.executable).with_name("aigate")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [str(aigate), "check", "--bom", str(path), "--policy", "release", "--now", "2026-11-26"],
        capture_output=True,
        text=True,
        env=env,
    )
    wall = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"aigate check failed ({done.returncode}): {done.stderr[-2000:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime - cpu
    return wall, cpu, usage.ru_maxrss / 1024, done.returncode


PHASES = (
    ("policy", "gate.policy.packs", "load_policy"),
    ("policy", "gate.policy.packs", "build_engine"),
    ("read BOM", "gate.pipeline.checking", "load_bom"),
    ("  of which schema (here)", "gate.bom.validate", "validate_document"),
    ("input", "gate.policy.input", "build_input"),
    ("input check", "gate.policy.input", "validate_input"),
    ("evaluate", "gate.policy.engine", "Engine.evaluate"),
    ("decide+digest", "gate.policy.decision", "decide"),
    ("decide+digest", "gate.policy.input", "input_digest"),
    ("text report", "gate.report.formats", "render"),
)


def _timed(function: Any, name: str, spent: dict[str, float]) -> Any:
    # The CPU of the calling thread: the policy may be compiled in a thread while the BOM
    # is read (gate.forked.beside), and process CPU would count those seconds twice.
    def timed(*args: Any, **kwargs: Any) -> Any:
        started = time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] += time.thread_time() - started

    return timed


def phases_of(path: Path) -> None:
    """In this process: `aigate check --bom PATH --policy release`, CPU seconds per phase."""
    import importlib

    started = time.process_time()
    spent: dict[str, float] = {}
    for name, module_name, attr in PHASES:
        owner: Any = importlib.import_module(module_name)
        if "." in attr:
            owner, attr = getattr(owner, attr.split(".")[0]), attr.split(".")[1]
        spent.setdefault(name, 0.0)
        setattr(owner, attr, _timed(getattr(owner, attr), name, spent))
    from gate.cli.app import main as cli

    imports = time.process_time() - started
    argv = ["check", "--bom", str(path), "--policy", "release", "--now", "2026-11-26"]
    with open(os.devnull, "w") as null:
        sys.stdout = null
        try:
            cli(argv, standalone_mode=False)
        except SystemExit:
            pass
        finally:
            sys.stdout = sys.__stdout__
    total = time.process_time() - started
    rest = total - imports - sum(v for k, v in spent.items() if not k.startswith(" "))
    shown = ", ".join(f"{k.strip()} {v:.2f}" for k, v in spent.items())
    print(f"  phases (CPU s, in-process): imports {imports:.2f}, {shown}, other {rest:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--components", default="10000,50000")
    parser.add_argument("--own", type=int, default=0)
    parser.add_argument("--phases-of", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phases_of is not None:
        phases_of(args.phases_of)
        return
    if args.own:
        path = own(args.own)
        wall, cpu, peak, code = min(check(path) for _ in range(2))
        print(
            f"own BOM, {args.own} components: {wall:.2f} s wall  {cpu:.2f} s CPU"
            f"  peak {peak:.0f} MB  exit {code}  target <= 3 s wall"
            f" (CPU {cpu / 3:.2f}x, wall {wall / 3:.2f}x of target;"
            f" load {os.getloadavg()[0]:.1f})"
        )
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        cmd = [sys.executable, __file__, "--phases-of", str(path)]
        subprocess.run(cmd, env=env, check=True)
        return
    for n in sorted(int(s) for s in args.components.split(",")):
        path = foreign(n)
        wall, cpu, peak, code = min(check(path) for _ in range(2))
        target = ""
        if n == 50_000:
            target = (
                f"  target <= 10 s, <= 500 MB (CPU {cpu / 10:.2f}x, wall {wall / 10:.2f}x,"
                f" peak {peak / 500:.2f}x of target; load {os.getloadavg()[0]:.1f})"
            )
        print(
            f"foreign BOM, {n:>6} components: {wall:6.2f} s wall  {cpu:6.2f} s CPU"
            f"  peak {peak:5.0f} MB  exit {code}{target}"
        )


if __name__ == "__main__":
    main()
