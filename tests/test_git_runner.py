"""The one git runner: a hostile repository's config and attributes run nothing through aigate.

Each test plants a program the repository's own config names (fsmonitor, a smudge/clean
filter, a textconv driver, an external diff, gpg under log.showSignature, a hook) that would
leave a marker file if git ran it, then drives aigate's commands that read git (scan with
history, diff of refs, check --baseline) and requires the marker to be absent.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from pathlib import Path

import pytest

from gate import git
from gate.cli import main
from tests.conftest import GitRepo


def _hostile(repo: GitRepo, marker: Path) -> None:
    """Config and attributes that would run ``trap.sh`` for every program git can be told of."""
    trap = repo.root.parent / "trap.sh"
    trap.write_text(f'#!/bin/sh\necho ran "$@" >> {marker}\ncat\n')
    trap.chmod(trap.stat().st_mode | stat.S_IEXEC)
    for key, value in {
        "core.fsmonitor": str(trap),
        "filter.x.smudge": str(trap),
        "filter.x.clean": str(trap),
        "filter.x.required": "true",
        "diff.x.textconv": str(trap),
        "diff.x.command": str(trap),
        "diff.external": str(trap),
        "log.showSignature": "true",
        "gpg.program": str(trap),
        "core.hooksPath": str(repo.root.parent),
        "core.pager": str(trap),
        "core.sshCommand": str(trap),
    }.items():
        repo.git("config", key, value)
    hook = repo.root.parent / "post-checkout"
    hook.write_text(f"#!/bin/sh\necho hook >> {marker}\n")
    hook.chmod(0o755)


def _run(*args: str) -> tuple[int, str]:
    from click.testing import CliRunner

    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def hostile(git_repo: GitRepo, tmp_path: Path) -> tuple[GitRepo, Path]:
    marker = tmp_path / "ran.txt"
    git_repo.commit(
        "one",
        {"app.py": 'from transformers import AutoModel\nAutoModel.from_pretrained("gpt2")\n'},
    )
    git_repo.git("tag", "v1")
    # Attributes arrive in a later commit (as in a hostile pull request), so the plain
    # commits above were made before any filter existed.
    git_repo.commit(
        "two",
        {
            ".gitattributes": "* filter=x diff=x\n",
            "more.py": 'AutoModel.from_pretrained("Qwen/Qwen2.5-0.5B")\n',
        },
    )
    _hostile(git_repo, marker)
    return git_repo, marker


def test_diff_of_refs_runs_nothing_from_the_repository(hostile: tuple[GitRepo, Path]) -> None:
    repo, marker = hostile
    code, out = _run("diff", "v1", "HEAD", "--repo", str(repo.root), "--format", "json")
    assert code == 0, out
    assert "Qwen/Qwen2.5-0.5B" in out
    assert not marker.exists(), marker.read_text()


def test_check_baseline_runs_nothing_from_the_repository(
    hostile: tuple[GitRepo, Path], tmp_path: Path
) -> None:
    repo, marker = hostile
    code, out = _run(
        "check", str(repo.root), "--history", "all", "--baseline", "v1", "--policy", "release"
    )
    assert code in (0, 1), out
    assert "Qwen" in out
    assert not marker.exists(), marker.read_text()


def test_caller_git_environment_is_not_inherited(
    hostile: tuple[GitRepo, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo, marker = hostile
    other = GitRepo(tmp_path / "other")
    other.commit("elsewhere", {"x.txt": "x"})
    monkeypatch.setenv("GIT_DIR", str(other.root / ".git"))
    monkeypatch.setenv("GIT_EXTERNAL_DIFF", str(repo.root.parent / "trap.sh"))
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", f"'core.fsmonitor={repo.root.parent}/trap.sh'")
    done = git.run(repo.root, "rev-parse", "--show-toplevel")
    assert git.text(done.stdout).strip() == str(repo.root)
    done = git.run(repo.root, "log", "-p", "-1", *git.NO_PROGRAMS)
    assert done.returncode == 0
    assert not marker.exists(), marker.read_text()


def test_export_tree_writes_files_links_and_modes_without_checkout(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    git_repo.commit("files", {"a/b.txt": "hello\n", "run.sh": "#!/bin/sh\n"})
    os.chmod(git_repo.root / "run.sh", 0o755)
    os.symlink("a/b.txt", git_repo.root / "link")
    git_repo.git("add", "-A")
    git_repo.commit("link and mode")
    out = tmp_path / "out"
    left = git.export_tree(git_repo.root, git_repo.git("rev-parse", "HEAD"), out)
    assert left == []
    assert (out / "a" / "b.txt").read_text() == "hello\n"
    assert os.readlink(out / "link") == "a/b.txt"
    assert os.access(out / "run.sh", os.X_OK)


def test_export_tree_writes_nothing_through_a_link_the_tree_names_twice(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    # A crafted tree (git mktree takes it) holds a link ``a`` to a folder outside and a
    # folder ``a/`` with a file: writing ``a/b`` through the link would land outside.
    outside = tmp_path / "outside"
    outside.mkdir()

    def plumbing(*args: str, stdin: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=git_repo.root, input=stdin, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    link = plumbing("hash-object", "-w", "--stdin", stdin=str(outside))
    blob = plumbing("hash-object", "-w", "--stdin", stdin="pwned\n")
    sub = plumbing("mktree", stdin=f"100644 blob {blob}\tb\n")
    tree = plumbing("mktree", stdin=f"120000 blob {link}\ta\n040000 tree {sub}\ta\n")
    commit = git_repo.git("commit-tree", tree, "-m", "crafted")
    out = tmp_path / "out"
    left = git.export_tree(git_repo.root, commit, out)
    assert left == ["a/b: the tree names this path twice (not written)"]
    assert list(outside.iterdir()) == []
    assert os.readlink(out / "a") == str(outside)


def test_export_tree_fills_lfs_pointers_from_the_local_store_only(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    content = b"GGUF" + b"\0" * 60
    oid = hashlib.sha256(content).hexdigest()
    pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {len(content)}\n"
    missing = "0" * 64
    other = f"version https://git-lfs.github.com/spec/v1\noid sha256:{missing}\nsize 3\n"
    git_repo.commit("lfs", {"m.gguf": pointer, "gone.gguf": other})
    store = git_repo.root / ".git" / "lfs" / "objects" / oid[:2] / oid[2:4]
    store.mkdir(parents=True)
    (store / oid).write_bytes(content)
    out = tmp_path / "out"
    left = git.export_tree(git_repo.root, git_repo.git("rev-parse", "HEAD"), out)
    assert (out / "m.gguf").read_bytes() == content
    assert (out / "gone.gguf").read_text() == other
    assert left == [
        "gone.gguf: Git LFS object not in the local store, so it stays a pointer file"
        " (compared by pointer, not content)"
    ]


def test_export_tree_keeps_the_pointer_when_the_local_lfs_object_was_altered(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    # The store is the user's .git, but a baseline compares what the commit names: an object
    # whose bytes no longer hash to the pointer's oid (or are longer than its size) is not used.
    content = b"GGUF" + b"\0" * 60
    oid = hashlib.sha256(content).hexdigest()
    pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {len(content)}\n"
    grown = hashlib.sha256(b"x").hexdigest()
    padded = f"version https://git-lfs.github.com/spec/v1\noid sha256:{grown}\nsize 1\n"
    git_repo.commit("lfs", {"m.gguf": pointer, "p.gguf": padded})
    lfs = git_repo.root / ".git" / "lfs" / "objects"
    for digest, body in ((oid, b"GGUF" + b"\1" * 60), (grown, b"x" * 5000)):
        (lfs / digest[:2] / digest[2:4]).mkdir(parents=True, exist_ok=True)
        (lfs / digest[:2] / digest[2:4] / digest).write_bytes(body)
    out = tmp_path / "out"
    left = git.export_tree(git_repo.root, git_repo.git("rev-parse", "HEAD"), out)
    assert (out / "m.gguf").read_text() == pointer
    assert (out / "p.gguf").read_text() == padded
    mismatch = (
        "the local Git LFS object does not match its pointer (size or SHA-256), so it stays a"
        " pointer file"
    )
    assert left == [f"m.gguf: {mismatch}", f"p.gguf: {mismatch}"]


def test_export_tree_reads_a_pointer_whose_size_is_not_an_ascii_number(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    # "²" is a digit to str.isdigit but not to int(): the export must not crash on such a
    # pointer (from the scanned repository); its size is unknown, so the SHA-256 alone decides.
    content = b"GGUF" + b"\0" * 60
    oid = hashlib.sha256(content).hexdigest()
    pointer = f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize \u00b2\n"
    git_repo.commit("lfs", {"m.gguf": pointer})
    store = git_repo.root / ".git" / "lfs" / "objects" / oid[:2] / oid[2:4]
    store.mkdir(parents=True)
    (store / oid).write_bytes(content)
    out = tmp_path / "out"
    left = git.export_tree(git_repo.root, git_repo.git("rev-parse", "HEAD"), out)
    assert (out / "m.gguf").read_bytes() == content
    assert left == []


def test_a_bare_repository_inside_the_tree_is_not_picked_up(tmp_path: Path) -> None:
    # A scanned folder that is itself a bare repository (planted by an attacker) is not
    # read implicitly: git needs --git-dir for it (safe.bareRepository=explicit).
    bare = tmp_path / "bare"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    done = git.run(bare, "rev-parse", "--git-dir")
    assert done.returncode != 0


def test_the_trap_fires_for_plain_git_so_the_tests_above_can_fail(
    hostile: tuple[GitRepo, Path], tmp_path: Path
) -> None:
    # Control: the same repository read by plain git (the user's environment, no overrides)
    # does run the planted programs; without this, "nothing ran" could mean a broken trap.
    repo, marker = hostile
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL=os.devnull)
    out = tmp_path / "plain"
    subprocess.run(
        ["git", "worktree", "add", "-q", "--detach", str(out), "v1"],
        cwd=repo.root,
        env=env,
        capture_output=True,
        check=False,
    )
    subprocess.run(
        ["git", "diff", "v1", "HEAD"], cwd=repo.root, env=env, capture_output=True, check=False
    )
    assert marker.exists()


def test_scan_with_history_runs_nothing_from_the_repository(hostile: tuple[GitRepo, Path]) -> None:
    repo, marker = hostile
    code, out = _run("scan", str(repo.root), "--history", "all", "-q")
    assert code == 0, out
    assert "Qwen/Qwen2.5-0.5B" in out
    assert not marker.exists(), marker.read_text()
