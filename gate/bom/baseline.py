"""One side of a comparison: a BOM file, a directory, or a git ref scanned as it was.

A git ref is checked out into a temporary detached worktree (so its history and attributes
are what ``aigate scan`` would have seen at that commit) and removed afterwards. Hooks are
disabled for that checkout (comparing releases must not run repository code), and Git LFS
files come from the local LFS store only: the offline-by-default promise holds for refs too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from gate import pipeline
from gate.errors import InputError
from gate.model import Inventory

# GIT_LFS_SKIP_SMUDGE: the LFS filter would otherwise download missing objects on checkout.
_GIT_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_LFS_SKIP_SMUDGE": "1",
    "LC_ALL": "C",
}


@dataclass(frozen=True, slots=True)
class Side:
    """An inventory and how to name where it came from."""

    inventory: Inventory
    label: str


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **_GIT_ENV}
    try:
        return subprocess.run(
            ["git", "-C", str(repo), "-c", "core.hooksPath=/dev/null", *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
    except FileNotFoundError as exc:
        raise InputError(repo, "git is not installed, so git refs cannot be compared") from exc


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


def _repository(spec: str, repo: Path) -> tuple[Path, str]:
    """The repository's top-level folder and where ``repo`` sits inside it."""
    top = _git(repo, "rev-parse", "--show-toplevel")
    if top.returncode != 0:
        raise InputError(
            spec,
            f"not a BOM file or a directory, and {repo} is not inside a git repository"
            " to read it as a ref",
            hint="pass a CycloneDX BOM, a directory, or a git ref with --repo pointing at the"
            " repository",
        )
    prefix = _git(repo, "rev-parse", "--show-prefix").stdout.strip()
    return Path(top.stdout.strip()), prefix


def _commit(spec: str, top: Path) -> str:
    if spec.startswith("-"):
        raise InputError(spec, "not a git ref (refs never start with '-')")
    found = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{spec}^{{commit}}")
    if found.returncode != 0 or not found.stdout.strip():
        raise InputError(
            spec,
            f"not a BOM file, a directory or a commit in the git repository {top}",
            hint="check the spelling; a tag or branch from a remote must be fetched first",
        )
    return found.stdout.strip()


def _lfs_from_local_store(spec: str, tree: Path, options: pipeline.ScanOptions) -> None:
    """Replace LFS pointer files with objects already on this machine (never downloads)."""
    attributes = tree / ".gitattributes"
    try:
        uses_lfs = "filter=lfs" in attributes.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    if not uses_lfs:
        return
    done = _git(tree, "lfs", "checkout")
    if done.returncode != 0:
        options.observer.warn(
            f"{spec}: Git LFS files stay pointer files ({_first_line(done.stderr)}); weights"
            " stored in LFS are compared by pointer, not content"
        )


def scan_ref(spec: str, *, repo: Path, options: pipeline.ScanOptions) -> Side:
    """Scan the tree of a git ref at the position ``repo`` has in its repository."""
    top, prefix = _repository(spec, repo)
    sha = _commit(spec, top)
    with tempfile.TemporaryDirectory(prefix="aigate-ref-") as tmp:
        tree = Path(tmp) / "tree"
        added = _git(top, "worktree", "add", "--detach", "--quiet", str(tree), sha)
        if added.returncode != 0:
            raise InputError(
                spec, f"git could not check out {sha[:12]}: {_first_line(added.stderr)}"
            )
        try:
            _lfs_from_local_store(spec, tree, options)
            root = tree / prefix if prefix else tree
            name = options.project_name or (Path(prefix.rstrip("/")).name if prefix else top.name)
            result = pipeline.scan(replace(options, root=root, project_name=name))
        finally:
            removed = _git(top, "worktree", "remove", "--force", str(tree))
            if removed.returncode != 0:
                shutil.rmtree(tree, ignore_errors=True)
                _git(top, "worktree", "prune")
    return Side(result.inventory, f"{spec} ({sha[:12]})")


def load(spec: str, *, repo: Path, options: pipeline.ScanOptions) -> Side:
    """A BOM file, a directory to scan, or a git ref to scan (tried in that order).

    Warnings (a BOM from another tool lacks facts, …) go to ``options.observer``.
    """
    path = Path(spec)
    if path.is_file():
        inventory, warnings = pipeline.load_bom(path, options)
        for warning in warnings:
            options.observer.warn(warning)
        return Side(inventory, spec)
    if path.is_dir():
        name = options.project_name or path.resolve().name
        result = pipeline.scan(replace(options, root=path, project_name=name))
        return Side(result.inventory, spec)
    return scan_ref(spec, repo=repo, options=options)
