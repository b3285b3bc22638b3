"""Reading git history fast and safely: one streamed ``git log``, one batched ``git diff-tree``.

Commits are read from a single ``git log -z`` process and parsed from the pipe as it fills,
never one process per commit. The files a commit touched are asked for only for the commits
a caller picks, through one ``git diff-tree --stdin`` process fed while the log is still
streaming. git runs through :mod:`gate.git` (no caller GIT_* environment, no system or
global config, no program the repository's config names, no network), so neither the user's
nor the repository's configuration can change what is read or run anything, and every
failure is a :class:`gate.errors.GitError`: history that could not be read is never
"no commits".
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NamedTuple

from gate import git
from gate.errors import GitError, InputError

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]


# Only what every commit needs for matching; dates and parents are asked for the chosen few
# (see CommitDetails), which keeps the stream, and the Python work on it, small.
_FORMAT = "%H%x00%an%x00%ae%x00%cn%x00%ce%x00%B"
_FIELDS = 6
_CHUNK = 1 << 20
_NO_TAG = ("no names found", "no tags can describe", "no annotated tags can describe")

SHALLOW_FIX = (
    "fetch the full history: `fetch-depth: 0` on actions/checkout, or `git fetch --unshallow`"
)


class Commit(NamedTuple):
    """One commit as ``git log`` printed it."""

    sha: str
    author_name: str
    author_email: str
    committer_name: str
    committer_email: str
    message: str


@dataclass(frozen=True, slots=True)
class CommitDetail:
    """What :class:`CommitDetails` learns about a chosen commit."""

    date: str
    """Author date, strict ISO 8601 with the author's offset."""
    parents: tuple[str, ...]
    paths: tuple[str, ...]
    """Files the commit touched, relative to the scanned folder, sorted."""


@dataclass(frozen=True, slots=True)
class Repo:
    """A git work tree as seen from the scanned folder."""

    cwd: Path
    """The scanned folder: git runs there, and paths are relative to it."""
    toplevel: str
    prefix: str
    """The scanned folder relative to the work tree's top ("" at the top, else ``a/b/``)."""
    shallow: bool
    head: str | None
    """HEAD's commit, or None in a repository with no commits yet."""
    rev: str = "HEAD"
    """The commit the history is read back from: HEAD, or a commit a baseline names."""


@dataclass(frozen=True, slots=True)
class Range:
    """Which commits to read, and how to describe that to a reader."""

    mode: str
    """``default`` (since the newest tag), ``all`` or ``range`` (as given)."""
    revisions: tuple[str, ...]
    label: str
    since_tag: str | None = None


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = git.run(cwd, *args)
    return subprocess.CompletedProcess(
        done.args,
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )


def _failure(cwd: Path, what: str, stderr: str) -> GitError:
    message = " ".join(line.strip() for line in stderr.strip().splitlines()[:3]) or "no message"
    if "dubious ownership" in stderr:
        return GitError(
            f"{cwd}: git refuses to read this repository ({message})",
            hint=(
                "the repository is owned by another user; if you trust it, run "
                f"`git config --global --add safe.directory {cwd}`, or pass --history none"
            ),
        )
    return GitError(
        f"{cwd}: {what} failed: {message}",
        hint="check the repository (git fsck) and the --history range, or pass --history none",
    )


def _has_dot_git(path: Path) -> bool:
    return any((p / ".git").exists() for p in (path, *path.parents))


def open_repo(cwd: Path, at: str | None = None) -> Repo | None:
    """The work tree ``cwd`` belongs to, or None when it is not inside one.

    ``at`` reads the history back from that commit instead of HEAD (a baseline's tree is
    exported from the repository, not checked out, so its history is the repository's).
    """
    if shutil.which("git") is None and not _has_dot_git(cwd):
        return None  # nothing to read, so no need for git
    probe = _git(cwd, "rev-parse", "--show-toplevel", "--show-prefix", "--is-shallow-repository")
    if probe.returncode != 0:
        if "not a git repository" in probe.stderr.lower():
            return None
        raise _failure(cwd, "git rev-parse", probe.stderr)
    lines = probe.stdout.split("\n")
    if len(lines) < 3:
        raise GitError(f"{cwd}: unexpected output from git rev-parse: {probe.stdout!r}")
    toplevel, prefix, shallow = lines[0], lines[1], lines[2].strip() == "true"
    rev = at or "HEAD"
    head = _git(cwd, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
    if head.returncode not in (0, 1):
        raise _failure(cwd, f"git rev-parse {rev}", head.stderr)
    sha = head.stdout.strip() or None
    if at is not None:
        if sha is None:
            raise GitError(f"{cwd}: {at} is not a commit of this repository")
        rev = sha
    return Repo(cwd=cwd, toplevel=toplevel, prefix=prefix, shallow=shallow, head=sha, rev=rev)


def resolve_range(repo: Repo, history: str | None) -> Range:
    """The commits ``--history`` asks for: None = since the newest tag reachable from HEAD.

    When HEAD itself carries that tag (a release build), the range starts at the tag before
    it, so a tagged release is checked against its own commits rather than against nothing.
    """
    tip = repo.rev
    name_of_tip = "HEAD" if tip == "HEAD" else tip[:12]
    if history == "all":
        return Range("all", (tip,), f"all history of {name_of_tip}")
    if history is not None:
        if not history or history.startswith("-") or any(c.isspace() or c == "\0" for c in history):
            raise InputError(
                "--history", f"not a revision range: {history!r}", hint="e.g. v1.2.0..HEAD"
            )
        return Range("range", (history,), history)
    tag = _newest_tag(repo, tip)
    if tag is None:
        return Range("default", (tip,), f"all history of {name_of_tip}: no tag found")
    name, distance = tag
    if distance == 0:
        parent = _git(repo.cwd, "rev-parse", "--verify", "--quiet", f"{tip}^1")
        previous = _newest_tag(repo, f"{tip}^1") if parent.returncode == 0 else None
        if previous is None:
            label = f"all history of {name_of_tip}: {name_of_tip} is tag {name}, no earlier tag"
            return Range("default", (tip,), label)
        name = previous[0]
    return Range("default", (f"refs/tags/{name}..{tip}",), f"{name}..{name_of_tip}", since_tag=name)


def _newest_tag(repo: Repo, rev: str) -> tuple[str, int] | None:
    described = _git(repo.cwd, "describe", "--tags", "--long", rev)
    if described.returncode != 0:
        if any(text in described.stderr.lower() for text in _NO_TAG):
            return None
        raise _failure(repo.cwd, f"git describe --tags {rev}", described.stderr)
    name, distance, _ = described.stdout.strip().rsplit("-", 2)
    return name, int(distance)


def _spawn(
    repo: Repo, args: Sequence[str], stdin: int | None, err: IO[bytes]
) -> subprocess.Popen[bytes]:
    proc = git.spawn(repo.cwd, args, stdin=stdin, stderr=err)
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None:
            _widen(pipe.fileno())
    return proc


def _widen(fd: int) -> None:
    # Bigger pipes mean fewer wake-ups and less waiting between git and us (Linux only;
    # the default size is only slower, so failure is ignored).
    setsize = getattr(fcntl, "F_SETPIPE_SZ", None)
    if setsize is not None:
        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, setsize, _CHUNK)


def _scope(repo: Repo) -> tuple[list[str], list[str]]:
    # A scan of a sub-folder reads the commits that touched it, merges' sides included.
    return (["--full-history"], ["--", "."]) if repo.prefix else ([], ["--"])


def read_commits(repo: Repo, rng: Range) -> Iterator[Commit]:
    """The commits of a range, newest first, streamed from one ``git log`` process."""
    options, pathspec = _scope(repo)
    args = [
        "log",
        "-z",
        f"--format={_FORMAT}",
        "--no-color",
        "--no-notes",
        "--encoding=UTF-8",
        *options,
        "--end-of-options",
        *rng.revisions,
        *pathspec,
    ]
    with tempfile.TemporaryFile() as err:
        proc = _spawn(repo, args, subprocess.DEVNULL, err)
        assert proc.stdout is not None
        try:
            yield from _parse_log(proc.stdout.fileno(), repo)
            code = proc.wait()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
        if code != 0:
            err.seek(0)
            stderr = err.read().decode("utf-8", "replace")
            raise _failure(repo.cwd, f"git log {' '.join(rng.revisions)}", stderr)


def _parse_log(fd: int, repo: Repo) -> Iterator[Commit]:
    pending = b""
    carry: list[str] = []
    new = tuple.__new__
    lengths = (40, 64)
    while True:
        chunk = os.read(fd, _CHUNK)
        if not chunk:
            break
        data = pending + chunk
        cut = data.rfind(b"\0")
        if cut < 0:
            pending = data
            continue
        pending = data[cut + 1 :]
        # NUL never occurs inside a UTF-8 sequence, so decoding up to one is safe.
        tokens = data[:cut].decode("utf-8", "replace").split("\0")
        if carry:
            tokens = carry + tokens
        end = len(tokens) - len(tokens) % _FIELDS
        for i in range(0, end, _FIELDS):
            sha = tokens[i]
            # A cheap guard against losing step with the records (fail closed).
            if len(sha) not in lengths or not sha.isalnum():
                raise GitError(f"{repo.cwd}: cannot parse git log output near {sha[:60]!r}")
            yield new(Commit, tokens[i : i + _FIELDS])
        carry = tokens[end:]
    if pending or carry:
        raise GitError(f"{repo.cwd}: git log output ended in the middle of a commit")


class CommitDetails:
    """Date, parents and touched files of chosen commits, from one ``git diff-tree --stdin``.

    Commits are fed while the log is still streaming and a reader thread drains git's
    output, so the diff work runs alongside the log. Merges list the files that differ from
    every parent (what the merge itself wrote); paths are relative to the scanned folder.
    """

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.requested: list[str] = []
        self._proc: subprocess.Popen[bytes] | None = None
        self._err: IO[bytes] | None = None
        self._out: list[bytes] = []
        self._thread: threading.Thread | None = None

    def _start(self) -> subprocess.Popen[bytes]:
        args = [
            "diff-tree",
            "--stdin",
            "-z",
            "-r",
            "--root",
            "-c",
            "--name-only",
            "--always",
            "--no-renames",
            "--format=%x00%H %aI %P",
        ]
        if self.repo.prefix:
            args.append("--relative")
        # Closed by finish() or abort(): its life spans several calls.
        self._err = tempfile.TemporaryFile()  # noqa: SIM115
        proc = _spawn(self.repo, args, subprocess.PIPE, self._err)
        stdout = proc.stdout
        assert stdout is not None
        self._thread = threading.Thread(target=lambda: self._out.append(stdout.read()), daemon=True)
        self._thread.start()
        return proc

    def request(self, sha: str) -> None:
        """Ask for the files of one commit (answers come with :meth:`finish`)."""
        if self._proc is None:
            self._proc = self._start()
        assert self._proc.stdin is not None
        with contextlib.suppress(BrokenPipeError):  # git died: finish() reports why
            self._proc.stdin.write(sha.encode("ascii") + b"\n")
        self.requested.append(sha)

    def finish(self) -> dict[str, CommitDetail]:
        """Every requested commit's details, once git is done."""
        if self._proc is None:
            return {}
        proc, err = self._proc, self._err
        assert proc.stdin is not None and err is not None and self._thread is not None
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.close()
        self._thread.join()
        code = proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
        err.close()
        if code != 0:
            raise _failure(self.repo.cwd, "git diff-tree", stderr)
        return self._parse(b"".join(self._out))

    def abort(self) -> None:
        """Stop git early (the history read failed)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        if self._thread is not None:
            self._thread.join()
        if self._err is not None:
            self._err.close()

    def _parse(self, data: bytes) -> dict[str, CommitDetail]:
        # Each record is "\0<sha> <date> <parents>\0", then for a merge one more "\0" (git's
        # combined-diff separator), then the paths, each ending in "\0" (the first prefixed
        # by "\n" for a single-parent commit). Read by position, never by guessing whether a
        # token looks like a header: a path may hold any byte but NUL, and paths are never
        # empty, so an empty token is where the next record starts.
        tokens = data.split(b"\0")
        found: dict[str, CommitDetail] = {}
        cwd = self.repo.cwd
        at = 0
        for want in self.requested:
            if at >= len(tokens) or tokens[at]:
                raise GitError(f"{cwd}: git diff-tree output lost step before commit {want}")
            at += 1
            header = tokens[at].decode("ascii", "replace") if at < len(tokens) else ""
            sha, _, rest = header.partition(" ")
            if sha != want:
                raise GitError(
                    f"{cwd}: unexpected git diff-tree output: {header[:60]!r}"
                    f" where commit {want} was expected"
                )
            date, _, parent_text = rest.partition(" ")
            parents = tuple(parent_text.split())
            at += 1
            if len(parents) > 1:
                if at >= len(tokens) or tokens[at]:
                    raise GitError(f"{cwd}: unexpected git diff-tree output for merge {want}")
                at += 1
            paths: list[str] = []
            first = True
            while at < len(tokens) and tokens[at]:
                raw = tokens[at]
                if first and len(parents) <= 1:
                    if not raw.startswith(b"\n"):
                        raise GitError(f"{cwd}: unexpected git diff-tree output for {want}")
                    raw = raw[1:]
                first = False
                paths.append(git.text(raw))
                at += 1
            found[sha] = CommitDetail(date, parents, tuple(sorted(set(paths))))
        if any(tokens[at:]):
            raise GitError(f"{cwd}: git diff-tree gave more output than commits asked for")
        return found
