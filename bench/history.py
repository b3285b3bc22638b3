"""Benchmark: aigate's history scan vs ``git log --format=%B`` on a 100,000-commit repository.

The repository is generated with ``git fast-import`` (one process, not 100k ``git commit``
calls) and kept in ``bench/_data/``; about one commit in ten carries an assistant mark of
some convention (trailers, bot authors, aider's name suffix). Both sides read the whole
history through a pipe; the best of ``--repeat`` runs is compared. Target: ratio ≤ 2.

    python bench/history.py [--commits 100000] [--repeat 3] [--fresh]
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from gate import git
from gate.discover import assistants
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree

GENERATOR_VERSION = 1
DATA = Path(__file__).resolve().parent / "_data"
TARGET = 2.0

# (share of commits, message trailer, author override); the rest are plain human commits.
_MARKS: tuple[tuple[float, str, str | None], ...] = (
    (0.04, "Co-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>", None),
    (0.01, "🤖 Generated with [Claude Code](https://claude.com/claude-code)", None),
    (0.01, "Co-authored-by: aider (deepseek/deepseek-coder) <aider@aider.chat>", None),
    (0.01, "Co-authored-by: Qwen-Coder <qwen-coder@alibabacloud.com>", None),
    (0.01, "Assisted-by: Cursor:gpt-5 coccinelle", None),
    (0.01, "", "copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>"),
    (0.01, "", "Dana (aider) <dana@example.com>"),
)


def generate(dest: Path, commits: int, seed: int = 7) -> int:
    """Write a repository of ``commits`` commits with fast-import; the number marked."""
    dest.mkdir(parents=True)
    subprocess.run(git.command("init", "-q", "-b", "main", str(dest)), check=True, env=git.env())
    rnd = random.Random(seed)
    folders = [f"src/pkg{i}" for i in range(40)]
    files = [f"{folder}/module{j}.py" for folder in folders for j in range(50)]
    proc = subprocess.Popen(
        git.command("fast-import", "--quiet"), cwd=dest, stdin=subprocess.PIPE, env=git.env()
    )
    assert proc.stdin is not None
    marked = 0
    when = 1_600_000_000
    for i in range(commits):
        author = f"Dev {i % 13} <dev{i % 13}@example.com>"
        body = f"Change {i}: adjust module behaviour\n\nWhy: keeps the benchmark realistic ({i}).\n"
        roll, floor = rnd.random(), 0.0
        for share, trailer, who in _MARKS:
            if floor <= roll < floor + share:
                marked += 1
                if trailer:
                    body += f"\n{trailer}\n"
                    if rnd.random() < 0.3:
                        body += "Reviewed-by: Erin <erin@example.com>\n"
                author = who or author
                break
            floor += share
        message = body.encode()
        when += 60
        parts = [
            b"commit refs/heads/main\n",
            f"mark :{i + 1}\n".encode(),
            f"author {author} {when} +0000\n".encode(),
            f"committer {author} {when} +0000\n".encode(),
            f"data {len(message)}\n".encode(),
            message,
            f"from :{i}\n".encode() if i else b"",
        ]
        for _ in range(rnd.randint(1, 3)):
            content = f"# revision {i}\nVALUE = {rnd.random()!r}\n".encode()
            parts.append(f"M 100644 inline {rnd.choice(files)}\ndata {len(content)}\n".encode())
            parts.append(content)
        parts.append(b"\n")
        proc.stdin.write(b"".join(parts))
    proc.stdin.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    (dest / "MARKED").write_text(str(marked))
    return marked


def _cpu() -> float:
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _best(fn: Callable[[], int], repeat: int) -> tuple[float, float, int]:
    """Best wall time, best CPU time (ours + git's), and the result."""
    wall, cpu, result = float("inf"), float("inf"), 0
    for _ in range(repeat):
        cpu0, start = _cpu(), time.perf_counter()
        result = fn()
        wall = min(wall, time.perf_counter() - start)
        cpu = min(cpu, _cpu() - cpu0)
    return wall, cpu, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="regenerate the repository")
    args = parser.parse_args()

    repo = DATA / f"history-{args.commits}-v{GENERATOR_VERSION}"
    if args.fresh and repo.exists():
        shutil.rmtree(repo)
    if not (repo / "MARKED").exists():
        shutil.rmtree(repo, ignore_errors=True)
        start = time.perf_counter()
        generate(repo, args.commits)
        print(f"generated {args.commits} commits in {time.perf_counter() - start:.1f} s: {repo}")
    marked = int((repo / "MARKED").read_text())

    def git_log() -> int:
        # Through aigate's git runner, as the history reader runs git (same overrides,
        # same environment): the ratio is then the reading, not the configuration.
        done = git.run(repo, "log", "--format=%B")
        if done.returncode != 0:
            raise SystemExit(f"git log failed: {git.first_line(done.stderr)}")
        return len(done.stdout)

    def aigate_history() -> int:
        # The history part of a scan: the tree walk and config files are not timed.
        ctx = DiscoverContext(history="all")
        evidence = list(assistants.discover(Tree(repo, [], []), ctx))
        return len({ev.location.commit for ev in evidence})

    git_s, git_cpu, size = _best(git_log, args.repeat)
    gate_s, gate_cpu, found = _best(aigate_history, args.repeat)
    ratio = gate_s / git_s
    print(f"repository: {args.commits} commits, {marked} with an assistant mark")
    print(f"git log --format=%B : {git_s:.3f} s wall, {git_cpu:.3f} s CPU ({size} bytes)")
    print(
        f"aigate history scan : {gate_s:.3f} s wall, {gate_cpu:.3f} s CPU"
        f" ({found} assistant commits found, their files included)"
    )
    print(f"ratio (wall)        : {ratio:.2f}x (target <= {TARGET:.0f}x)")
    print(f"ratio (CPU)         : {gate_cpu / git_cpu:.2f}x (git log, diff-tree and Python)")
    if found != marked:
        print(f"FAIL: found {found} assistant commits, generated {marked}")
        return 1
    print("PASS" if ratio <= TARGET else "OVER TARGET (noisy machine? re-run on a quiet one)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
