"""One side of a comparison: a BOM file, a directory, or a git ref scanned as it was.

A git ref's files are written to a temporary folder from ``git ls-tree`` and ``git cat-file``
(:func:`gate.git.export_tree`), never checked out: a checkout would run the repository's
smudge filters, fsmonitor and hooks, and comparing releases must not run repository code.
Git LFS files come from the local LFS store only: the offline-by-default promise holds for
refs too.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from gate import git
from gate.errors import GitError, InputError
from gate.model import Inventory
from gate.pipeline.scanning import ScanOptions, load_bom, scan


@dataclass(frozen=True, slots=True)
class Side:
    """An inventory and how to name where it came from."""

    inventory: Inventory
    label: str


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    if shutil.which("git") is None:
        raise InputError(repo, "git is not installed, so git refs cannot be compared")
    return git.run(repo, *args)


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
    prefix = git.text(_git(repo, "rev-parse", "--show-prefix").stdout).strip()
    return Path(git.text(top.stdout).strip()), prefix


def _commit(spec: str, top: Path) -> str:
    if spec.startswith("-"):
        raise InputError(spec, "not a git ref (refs never start with '-')")
    found = _git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{spec}^{{commit}}")
    sha = git.text(found.stdout).strip()
    if found.returncode != 0 or not sha:
        raise InputError(
            spec,
            f"not a BOM file, a directory or a commit in the git repository {top}",
            hint="check the spelling; a tag or branch from a remote must be fetched first",
        )
    return sha


def scan_ref(spec: str, *, repo: Path, options: ScanOptions) -> Side:
    """Scan the tree of a git ref at the position ``repo`` has in its repository."""
    top, prefix = _repository(spec, repo)
    sha = _commit(spec, top)
    with tempfile.TemporaryDirectory(prefix="aigate-ref-") as tmp:
        tree = Path(tmp) / "tree"
        try:
            left_out = git.export_tree(top, sha, tree)
        except GitError as exc:
            raise InputError(spec, f"git could not read {sha[:12]}: {exc}") from exc
        for reason in left_out:
            options.observer.warn(f"{spec}: {reason}")
        root = tree / prefix if prefix else tree
        name = options.project_name or (Path(prefix.rstrip("/")).name if prefix else top.name)
        scanned = replace(options, root=root, project_name=name, history_from=(top / prefix, sha))
        result = scan(scanned)
    return Side(result.inventory, f"{spec} ({sha[:12]})")


def load(spec: str, *, repo: Path, options: ScanOptions) -> Side:
    """A BOM file, a directory to scan, or a git ref to scan (tried in that order).

    Warnings (a BOM from another tool lacks facts, …) go to ``options.observer``.
    """
    path = Path(spec)
    if path.is_file():
        inventory, warnings = load_bom(path, options)
        for warning in warnings:
            options.observer.warn(warning)
        return Side(inventory, spec)
    if path.is_dir():
        name = options.project_name or path.resolve().name
        result = scan(replace(options, root=path, project_name=name))
        return Side(result.inventory, spec)
    return scan_ref(spec, repo=repo, options=options)
