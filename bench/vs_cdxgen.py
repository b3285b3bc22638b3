"""aigate against `cdxgen -t ai` on real repositories, interleaved, same machine, same run.

Each repository is exported once (its HEAD tree, no history) under bench/_data/repos/ from
a local mirror (``--mirrors``, default /work/.mirror/<owner>+<name>/repo, bare git dirs) or,
failing that, a shallow ``git clone``. cdxgen comes from ``make bench-tools`` (npm,
bench/_tools). Rounds alternate the two tools so that machine noise falls on both; the
best wall time of each is kept and the ratio aigate / cdxgen printed (target <= 1).

    python bench/vs_cdxgen.py [--rounds 3] [--only diffusers,ai] [--profile NAME]

``--profile NAME`` runs aigate once on that repository under cProfile and prints where the
time goes, by module (for the recogniser work).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data" / "repos"
CDXGEN = HERE / "_tools" / "node_modules" / ".bin" / "cdxgen"
REPOS = {
    "diffusers": "huggingface/diffusers",  # Python-heavy, ~2,850 files
    "ai": "vercel/ai",  # TypeScript monorepo, ~8,000 files
    "aider": "Aider-AI/aider",
    "pydantic-ai": "pydantic/pydantic-ai",
    "lm-evaluation-harness": "EleutherAI/lm-evaluation-harness",
    # Kinds the five above lack (issue 15), chosen before aigate was run on them:
    # a Go library calling some twenty LLM APIs (~1,200 files, 670 .go: the polyglot front end);
    "langchaingo": "tmc/langchaingo",
    # a Java library of LLM API clients (~3,800 files, 3,170 .java);
    "langchain4j": "langchain4j/langchain4j",
    # a large Python application, not a library (an agent server and its React UI, ~2,600 files);
    "openhands": "All-Hands-AI/OpenHands",
    # a Helm/Kubernetes deployment repository (~600 files: charts, manifests, Terraform, a router);
    "production-stack": "vllm-project/production-stack",
    # a notebook-heavy repository (56 .ipynb of ~280 files: the configs source's notebooks).
    "anthropic-cookbook": "anthropics/anthropic-cookbook",
}


def export(name: str, slug: str, mirrors: Path) -> tuple[Path, str, int]:
    """The repository's HEAD tree on disk, its commit and its file count."""
    root = DATA / name
    git_dir = mirrors / slug.replace("/", "+") / "repo"
    if not git_dir.exists():
        git_dir = DATA / f"{name}.git"
        if not git_dir.exists():
            url = f"https://github.com/{slug}.git"
            subprocess.run(
                ["git", "clone", "--bare", "--depth", "1", url, str(git_dir)], check=True
            )
    commit = subprocess.run(
        ["git", "--git-dir", str(git_dir), "rev-parse", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    stamp = root / ".aigate-bench-commit"
    if not (stamp.exists() and stamp.read_text(encoding="utf-8") == commit):
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        missing = _extract(git_dir, root)
        if missing:
            print(f"{name}: {missing} blob(s) absent from the mirror were left out")
        stamp.write_text(commit, encoding="utf-8")
    files = sum(1 for p in root.rglob("*") if p.is_file()) - 1
    return root, commit, files


def _extract(git_dir: Path, root: Path) -> int:
    """Write HEAD's files under root with one `git cat-file --batch`; blobs a partial
    mirror lacks are skipped and counted (git archive would stop at the first)."""
    listing = subprocess.run(
        ["git", "--git-dir", str(git_dir), "ls-tree", "-r", "-z", "HEAD"],
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    entries = []
    for line in filter(None, listing):
        meta, _, path = line.partition(b"\t")
        mode, kind, sha = meta.split()
        if kind == b"blob" and mode != b"120000":
            entries.append((sha, path.decode("utf-8", "surrogateescape")))
    batch = subprocess.Popen(
        ["git", "--git-dir", str(git_dir), "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert batch.stdin is not None and batch.stdout is not None
    stdin = batch.stdin

    def feed() -> None:  # from a thread: both pipes would fill otherwise
        stdin.write(b"".join(sha + b"\n" for sha, _ in entries))
        stdin.close()

    feeder = threading.Thread(target=feed)
    feeder.start()
    missing = 0
    for _, path in entries:
        header = batch.stdout.readline().split()
        if len(header) != 3:
            missing += 1
            continue
        data = batch.stdout.read(int(header[2]))
        batch.stdout.read(1)
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    feeder.join()
    batch.wait()
    return missing


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system of the process and the children it waited for:
    aigate's analysis workers, node's helpers)."""
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{cmd[0]} failed ({done.returncode}): {done.stderr[-2000:]}")
    return wall, _children_cpu() - cpu


def profile(root: Path) -> None:
    import cProfile
    import pstats

    from click.testing import CliRunner

    from gate.cli import main

    prof = cProfile.Profile()
    prof.enable()
    out = DATA / "profile.cdx.json"
    CliRunner().invoke(main, ["scan", str(root), "-o", str(out), "-q", "--history", "none"])
    prof.disable()
    stats = pstats.Stats(prof)
    by_module: dict[str, float] = {}
    for (file, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        key = file.split("site-packages/")[-1].split("/gate/")[-1]
        by_module[key] = by_module.get(key, 0.0) + tottime
    print("own time by file (cProfile, in-process: the analysis pool is bypassed):")
    for key, seconds in sorted(by_module.items(), key=lambda kv: -kv[1])[:25]:
        print(f"  {seconds:7.2f} s  {key}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", default="")
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--profile", default="")
    args = parser.parse_args()
    wanted = [n for n in REPOS if not args.only or n in args.only.split(",")]
    if args.profile:
        root, _, _ = export(args.profile, REPOS[args.profile], args.mirrors)
        profile(root)
        return
    if not CDXGEN.exists():
        sys.exit("cdxgen is missing: run `make bench-tools` (npm install into bench/_tools)")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"FETCH_LICENSE": "false", "CDXGEN_NO_BANNER": "true"})
    aigate = str(Path(sys.executable).with_name("aigate"))
    out = DATA / "out"
    out.mkdir(parents=True, exist_ok=True)
    print(
        f"{'repository':<24} {'commit':<12} {'files':>6} {'aigate':>8} {'cdxgen':>8} ratio"
        "   (best wall of the rounds; per round: wall ratio, CPU s aigate/cdxgen, load)"
    )
    for name in wanted:
        root, commit, files = export(name, REPOS[name], args.mirrors)
        ours = [aigate, "scan", str(root), "-o", str(out / f"{name}.aigate.json"), "-q"]
        ours += ["--history", "none"]
        theirs = [str(CDXGEN), "-t", "ai", "--no-install-deps", "-o", str(out / f"{name}.cdx.json")]
        theirs.append(str(root))
        best_ours = best_theirs = float("inf")
        rounds = []
        for _ in range(args.rounds):
            wall_ours, cpu_ours = timed(ours, env)
            wall_theirs, cpu_theirs = timed(theirs, env)
            best_ours, best_theirs = min(best_ours, wall_ours), min(best_theirs, wall_theirs)
            rounds.append(
                f"{wall_ours / wall_theirs:.2f}x (CPU {cpu_ours:.1f}/{cpu_theirs:.1f} s,"
                f" load {os.getloadavg()[0]:.1f})"
            )
        print(
            f"{name:<24} {commit[:12]:<12} {files:>6} {best_ours:7.2f}s {best_theirs:7.2f}s"
            f" {best_ours / best_theirs:5.2f}x  target <= 1;  " + "; ".join(rounds),
            flush=True,
        )


if __name__ == "__main__":
    main()
