"""The one way aigate runs git: a repository being scanned can make git run nothing.

A scanned repository is untrusted input, and its ``.git/config`` and ``.gitattributes`` can
name programs for git to run (``core.fsmonitor``, ``filter.<x>.smudge``/``clean``/``process``,
``diff.<x>.textconv``/``command``, ``diff.external``, ``gpg.program`` under
``log.showSignature``, hooks, ``core.sshCommand`` ...). Every git call aigate makes goes
through :func:`run` or :func:`spawn`, which

- drop the caller's ``GIT_*`` environment (``GIT_DIR``, ``GIT_EXTERNAL_DIFF``,
  ``GIT_CONFIG_PARAMETERS`` ... would redirect or extend git) and read no system or global
  configuration (only the ``safe.directory`` entries the user trusts are carried over);
- override on the command line every setting that runs a program or reaches the network
  (command-line ``-c`` wins over the repository's own config);
- pass ``--no-ext-diff``/``--no-textconv`` where a command takes them (:data:`NO_PROGRAMS`);
- never check files out: a commit's tree is materialised by :func:`export_tree` from
  ``ls-tree`` and ``cat-file --batch``, so no smudge filter, hook or attribute runs;
- bound each call with a timeout.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import IO

from gate.errors import GitError

TIMEOUT = 300.0
"""Seconds one non-streaming git call may take."""

_OVERRIDES: tuple[tuple[str, str], ...] = (
    # Programs a repository's config could make git run.
    ("core.fsmonitor", "false"),
    ("core.hooksPath", "/dev/null"),
    ("core.pager", "cat"),
    ("core.editor", "true"),
    ("core.askPass", ""),
    ("core.sshCommand", "false"),
    ("core.gitProxy", ""),
    ("core.alternateRefsCommand", ""),
    ("credential.helper", ""),
    ("diff.external", ""),
    ("log.showSignature", "false"),
    ("gpg.program", "false"),
    ("gpg.ssh.program", "false"),
    ("gpg.x509.program", "false"),
    ("sequence.editor", "true"),
    ("uploadpack.packObjectsHook", ""),
    ("submodule.recurse", "false"),
    # Nothing reaches the network (no lazy fetch of a partial clone, no remote helper).
    ("protocol.allow", "never"),
    ("fetch.recurseSubmodules", "false"),
    # A bare repository planted inside the scanned tree is not picked up implicitly.
    ("safe.bareRepository", "explicit"),
    # Output that must not depend on the user's or the repository's taste.
    ("core.quotepath", "off"),
    ("color.ui", "false"),
    ("log.mailmap", "false"),
    ("i18n.logOutputEncoding", "UTF-8"),
    ("core.untrackedCache", "false"),
)

NO_PROGRAMS: tuple[str, ...] = ("--no-ext-diff", "--no-textconv")
"""Flags for ``log -p``, ``diff``, ``diff-tree`` and ``show``: no diff driver or textconv runs."""

_ENV = {
    "LC_ALL": "C",
    "LANG": "C",
    "LANGUAGE": "C",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_ATTR_NOSYSTEM": "1",
    "GIT_PAGER": "cat",
    "PAGER": "cat",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_ASKPASS": "",
    "SSH_ASKPASS": "",
    "GIT_NO_REPLACE_OBJECTS": "1",
    "GIT_NO_LAZY_FETCH": "1",
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_LFS_SKIP_SMUDGE": "1",
    "GIT_PROTOCOL_FROM_USER": "0",
}

_LFS_POINTER = b"version https://git-lfs.github.com/spec/v1\n"


def env() -> dict[str, str]:
    """The environment git runs in: the caller's, minus every GIT_* variable, plus ours."""
    kept = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GIT_") and k not in ("EDITOR", "VISUAL", "SSH_ASKPASS")
    }
    kept.update(_ENV)
    return kept


def executable() -> str:
    """The git binary, or a GitError saying it is missing."""
    found = shutil.which("git")
    if found is None:
        raise GitError(
            "git is not installed (or not on PATH): the history cannot be read",
            hint="install git, or pass --history none to skip commit attribution knowingly",
        )
    return found


@functools.cache
def _trusted_directories() -> tuple[str, ...]:
    """``safe.directory`` entries of the user's own system and global config.

    aigate reads no global config, but a CI job (actions/checkout in a container) marks the
    checkout safe there, and refusing it would block every such release. Reading those
    entries runs nothing: ``git config --get-all`` only reads files.
    """
    git = shutil.which("git")
    if git is None:
        return ()
    base = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    base.update({"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"})
    try:
        done = subprocess.run(
            [git, "config", "--includes", "--get-all", "safe.directory"],
            cwd=tempfile.gettempdir(),
            env=base,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ()
    if done.returncode != 0:
        return ()
    return tuple(line for line in os.fsdecode(done.stdout).splitlines() if line.strip())


def command(*args: str) -> list[str]:
    """``git`` with aigate's overrides, then ``args``."""
    argv = [executable()]
    for key, value in _OVERRIDES:
        argv += ["-c", f"{key}={value}"]
    for directory in _trusted_directories():
        argv += ["-c", f"safe.directory={directory}"]
    return [*argv, *args]


def run(
    cwd: Path,
    *args: str,
    timeout: float = TIMEOUT,
    input: bytes | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run git to completion in ``cwd``; output as bytes (decode with :func:`text`)."""
    try:
        return subprocess.run(
            command(*args),
            cwd=cwd,
            env=env(),
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise GitError(
            f"{cwd}: git {args[0] if args else ''} took longer than {timeout:.0f} s",
            hint="the repository may be very large or on a slow disk; pass --history none"
            " to skip reading history",
        ) from exc
    except OSError as exc:
        raise GitError(f"{cwd}: cannot run git: {exc.strerror}") from exc


def spawn(
    cwd: Path,
    args: Sequence[str],
    *,
    stdin: int | IO[bytes] | None,
    stderr: int | IO[bytes] | None,
) -> subprocess.Popen[bytes]:
    """Start a streaming git process in ``cwd`` (stdout is a pipe); the caller reaps it."""
    try:
        return subprocess.Popen(
            command(*args),
            cwd=cwd,
            env=env(),
            stdin=stdin,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
    except OSError as exc:
        raise GitError(f"{cwd}: cannot run git: {exc.strerror}") from exc


def text(data: bytes) -> str:
    """git output as text (paths may hold any byte: those survive as surrogate escapes)."""
    return os.fsdecode(data)


def first_line(data: bytes | str) -> str:
    """The first non-blank line of git's stderr, for an error message."""
    value = text(data) if isinstance(data, bytes) else data
    return next((line.strip() for line in value.splitlines() if line.strip()), "")


def value(cwd: Path, *args: str) -> str | None:
    """The stripped output of a git query, or None when git is missing or says no."""
    try:  # run raises GitError when git is missing, too
        done = run(cwd, *args, timeout=30)
    except GitError:
        return None
    out = text(done.stdout).strip()
    return out if done.returncode == 0 and out else None


def _safe_relative(raw: bytes) -> PurePosixPath | None:
    """A tree path that stays inside the export folder, or None (never written)."""
    name = os.fsdecode(raw)
    path = PurePosixPath(name)
    if not name or path.is_absolute() or "\\" in name:
        return None
    if any(part in ("", ".", "..", ".git") for part in name.split("/")):
        return None
    return path


def export_tree(top: Path, commit: str, dest: Path, *, git_dir: Path | None = None) -> list[str]:
    """Write the files of ``commit`` under ``dest`` without running anything from the repo.

    Files come from ``git ls-tree`` and ``git cat-file --batch`` (no checkout, so no smudge
    filter, hook, fsmonitor or attribute program runs). Symbolic links are written as links
    (the tree walker never follows one out of its root); submodules are left out. A Git LFS
    pointer is replaced by its object when the object is already in this repository's local
    LFS store (nothing is downloaded). Returns the paths that were left out and why.
    """
    listed = run(top, "ls-tree", "-r", "-z", "--full-tree", "--end-of-options", commit)
    if listed.returncode != 0:
        raise GitError(f"{top}: git ls-tree {commit[:12]} failed: {first_line(listed.stderr)}")
    entries: list[tuple[str, str, PurePosixPath]] = []
    left_out: list[str] = []
    # A crafted tree may name one path twice (a link ``a`` and a folder ``a/``): writing
    # ``a/b`` through the link ``a`` would land outside ``dest``, so only the first stays.
    taken: set[PurePosixPath] = set()
    links: set[PurePosixPath] = set()
    for record in listed.stdout.split(b"\0"):
        if not record:
            continue
        meta, _, raw_path = record.partition(b"\t")
        mode, kind, sha = meta.decode("ascii", "replace").split(" ")
        rel = _safe_relative(raw_path)
        if rel is None:
            left_out.append(f"{os.fsdecode(raw_path)}: path leaves the tree")
            continue
        if kind == "commit":
            left_out.append(f"{rel}: submodule (not part of this repository)")
            continue
        if rel in taken or any(parent in links for parent in rel.parents):
            left_out.append(f"{rel}: the tree names this path twice (not written)")
            continue
        taken.update((rel, *rel.parents))
        if mode == "120000":
            links.add(rel)
        entries.append((mode, sha, rel))
    lfs_store = _lfs_store(top, git_dir)
    dest.mkdir(parents=True, exist_ok=True)
    if not entries:
        return left_out
    shas = "".join(f"{sha}\n" for _, sha, _ in entries).encode("ascii")
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as feed:
        feed.write(shas)
        feed.seek(0)
        proc = spawn(top, ["cat-file", "--batch"], stdin=feed, stderr=err)
        assert proc.stdout is not None
        try:
            for mode, sha, rel in entries:
                header = proc.stdout.readline().split(b" ")
                if len(header) != 3 or header[0].decode("ascii", "replace") != sha:
                    raise GitError(f"{top}: unexpected git cat-file output for {rel}")
                size = int(header[2])
                target = dest.joinpath(*rel.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                if mode == "120000":
                    link = proc.stdout.read(size)
                    target.symlink_to(os.fsdecode(link))
                else:
                    kept = _copy_blob(proc.stdout, size, target, lfs_store)
                    if kept is not None:
                        left_out.append(f"{rel}: {kept}")
                    if mode == "100755":
                        target.chmod(0o755)
                proc.stdout.read(1)  # the newline after each object
            code = proc.wait(timeout=TIMEOUT)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
        if code != 0:
            err.seek(0)
            raise GitError(f"{top}: git cat-file failed: {first_line(err.read())}")
    return left_out


def _lfs_store(top: Path, git_dir: Path | None) -> Path | None:
    common = git_dir
    if common is None:
        found = value(top, "rev-parse", "--path-format=absolute", "--git-common-dir")
        common = Path(found) if found else None
    if common is None:
        return None
    store = common / "lfs" / "objects"
    return store if store.is_dir() else None


_NOT_IN_STORE = (
    "Git LFS object not in the local store, so it stays a pointer file (compared by pointer,"
    " not content)"
)


def _copy_blob(stream: IO[bytes], size: int, target: Path, lfs_store: Path | None) -> str | None:
    """Write one blob, or the local LFS object it points to once that object's size and
    SHA-256 match the pointer. Returns why a pointer file stayed in place, else None."""
    with open(target, "wb") as out:
        head = stream.read(min(size, 1024))
        remaining = size - len(head)
        pointer = remaining == 0 and head.startswith(_LFS_POINTER)
        if pointer and lfs_store is not None:
            found = _lfs_object(head, lfs_store)
            if found is not None:
                local, digest, expected = found
                if _copy_checked(local, out, digest, expected):
                    return None
                out.seek(0)
                out.truncate()
                out.write(head)
                return (
                    "the local Git LFS object does not match its pointer (size or SHA-256),"
                    " so it stays a pointer file"
                )
        out.write(head)
        while remaining:
            chunk = stream.read(min(remaining, 1 << 20))
            if not chunk:
                raise GitError(f"{target.name}: git cat-file ended early")
            out.write(chunk)
            remaining -= len(chunk)
    return _NOT_IN_STORE if pointer else None


def _copy_checked(local: Path, out: IO[bytes], digest: str, expected: int | None) -> bool:
    """Copy an LFS object while hashing it; True when its size and SHA-256 are the pointer's.
    The store is the user's own ``.git``, but a baseline must compare the bytes the commit
    names, not whatever a damaged or edited store holds."""
    sha = hashlib.sha256()
    copied = 0
    with open(local, "rb") as src:
        while chunk := src.read(1 << 20):
            copied += len(chunk)
            if expected is not None and copied > expected:
                return False
            sha.update(chunk)
            out.write(chunk)
    return (expected is None or copied == expected) and sha.hexdigest() == digest


def _lfs_object(pointer: bytes, store: Path) -> tuple[Path, str, int | None] | None:
    """The local LFS object a pointer names (its path, SHA-256 and size as the pointer says),
    when its oid is well formed and it is there."""
    fields: Mapping[str, str] = dict(
        line.split(" ", 1)
        for line in pointer.decode("utf-8", "replace").splitlines()
        if " " in line
    )
    oid = fields.get("oid", "")
    if not oid.startswith("sha256:"):
        return None
    digest = oid.removeprefix("sha256:")
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        return None
    size_text = fields.get("size", "").strip()
    size = int(size_text) if size_text.isascii() and size_text.isdigit() else None
    path = store / digest[:2] / digest[2:4] / digest
    return (path, digest, size) if path.is_file() and not path.is_symlink() else None
