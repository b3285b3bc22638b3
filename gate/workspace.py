"""Where the repository is: a scanned tree's place in it, repository-relative report paths,
and the release a check compares against by default.

GitHub resolves annotation and SARIF paths against the repository root, while evidence
paths are relative to the scanned tree; ``Project.root`` bridges the two. The top is found
by looking for ``.git`` (a folder, or the file a worktree or submodule has), so no git
process is needed for it.
"""

from __future__ import annotations

from pathlib import Path

from gate.discover import history


def repository_top(path: Path) -> Path | None:
    """The nearest folder at or above ``path`` that holds ``.git``, or None."""
    start = path.resolve()
    if not start.is_dir():
        start = start.parent
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def place(root: Path) -> str:
    """Where the scanned tree ``root`` sits in its repository, as a POSIX path.

    ``.`` for the repository itself, and also when ``root`` is in no repository (paths
    are then reported relative to the scanned tree, which is all there is).
    """
    resolved = root.resolve()
    if not resolved.is_dir():
        resolved = resolved.parent
    top = repository_top(resolved)
    if top is None:
        return "."
    rel = resolved.relative_to(top).as_posix()
    return rel or "."


def repo_relative(path: Path) -> str | None:
    """``path`` relative to the top of the repository it is in; None outside one."""
    resolved = path.resolve()
    top = repository_top(resolved.parent)
    if top is None:
        return None
    try:
        return resolved.relative_to(top).as_posix()
    except ValueError:
        return None


def previous_release(cwd: Path) -> str | None:
    """The tag a release built at ``cwd``'s HEAD is compared with: None when there is none.

    It is the tag ``--history`` starts from by default: the newest tag reachable from HEAD,
    or, when HEAD itself is that tag (a release build), the tag before it. The rule is
    shared so that a release's assistant commits and its new components are counted
    against the same previous release.
    """
    folder = cwd if cwd.is_dir() else cwd.parent
    repo = history.open_repo(folder)
    if repo is None or repo.head is None:
        return None
    return history.resolve_range(repo, None).since_tag
