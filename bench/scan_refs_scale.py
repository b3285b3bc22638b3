"""`aigate scan` of a tree with many model references: is the BOM stage linear?

Builds (once, under bench/_data/) 100 Python files with N/100 ``from_pretrained`` calls each,
every call naming a different Hub model, and runs ``aigate scan TREE -o BOM`` in a fresh
process for each size, printing wall time and peak memory beside the target (10,000
references in at most 5 s and 200 MB; CPU time too, which a busy machine disturbs less,
the ratio of each to its target and the load average) and the growth from one size to the
next (linear: time ratio close to the size ratio).

    python bench/scan_refs_scale.py [--refs 1000,3000,10000] [--profile]

``--profile`` runs the largest size in-process under cProfile and prints the top entries.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
FILES = 100


def tree(refs: int) -> Path:
    root = HERE / "_data" / f"refs_scale_{refs}"
    stamp = root / ".complete"
    if stamp.exists():
        return root
    root.mkdir(parents=True, exist_ok=True)
    per_file = max(1, refs // FILES)
    for f in range(FILES):
        lines = ["from transformers import AutoModel", "", "", "def load():"]
        for j in range(per_file):
            n = f * per_file + j
            lines.append(f'    m{j} = AutoModel.from_pretrained("org{n % 97}/model-{n}")')
        lines.append("    return locals()")
        (root / f"mod{f:03d}.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    stamp.write_text("", encoding="utf-8")
    return root


def run(root: Path, out: Path) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS (MB) of one `aigate scan` process."""
    aigate = Path(sys.executable).with_name("aigate")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    # As installed: byte code cached (pip compiles it), not recompiled by every process.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    started = time.perf_counter()
    done = subprocess.run(
        [str(aigate), "scan", str(root), "-o", str(out), "-q", "--history", "none"],
        capture_output=True,
        text=True,
        env=env,
    )
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"aigate scan failed ({done.returncode}): {done.stderr[-2000:]}")
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = usage.ru_utime + usage.ru_stime - cpu
    # ru_maxrss of children is the largest child so far: sizes run in increasing order.
    return wall, cpu, max(usage.ru_maxrss, before) / 1024


def profile(root: Path, out: Path) -> None:
    import cProfile
    import pstats

    from click.testing import CliRunner

    from gate.cli import main

    prof = cProfile.Profile()
    prof.enable()
    CliRunner().invoke(main, ["scan", str(root), "-o", str(out), "-q", "--history", "none"])
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--refs", default="1000,3000,10000")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.refs.split(","))
    out = HERE / "_data" / "refs_scale.cdx.json"
    if args.profile:
        profile(tree(sizes[-1]), out)
        return
    previous: tuple[int, float] | None = None
    for refs in sizes:
        root = tree(refs)
        wall, cpu, peak = min(run(root, out) for _ in range(args.runs))
        growth = ""
        if previous:
            growth = f"  growth {cpu / previous[1]:.1f}x CPU for {refs / previous[0]:.1f}x refs"
        target = ""
        if refs == 10_000:
            target = (
                f"  target <= 5 s, <= 200 MB (CPU {cpu / 5:.2f}x, wall {wall / 5:.2f}x,"
                f" peak {peak / 200:.2f}x of target; load {os.getloadavg()[0]:.1f})"
            )
        print(
            f"{refs:>6} references: {wall:6.2f} s wall  {cpu:6.2f} s CPU"
            f"  peak {peak:5.0f} MB{growth}{target}"
        )
        previous = (refs, cpu)


if __name__ == "__main__":
    main()
