"""AI-authored line ranges at HEAD, from every source there is, each saying where it came from.

- **commits** an assistant marked (trailers, bot authors, ...: :mod:`gate.discover.assistants`):
  the lines they added that survive at HEAD, from ``git blame --incremental`` of only the files
  those commits touched, run in a bounded pool (one process per touched file, never per commit);
- **git-ai notes** (``refs/notes/ai``, Git AI Standard authorship/3.0.0): per commit, line
  ranges per session and the session's ``agent_id{tool, model}``; a line blamed to a noted
  commit is AI-authored when its line in that commit is in a session's ranges;
- **Agent Trace** records (``.agent-trace/traces.jsonl``, agent-trace.dev 0.1): per file, the
  conversations whose ``contributor.type`` is ``ai`` and their ``ranges``, at ``vcs.revision``
  (carried to HEAD through ``git diff -U0``).

A history or record that cannot be read is a :class:`gate.errors.GitError` or
:class:`gate.errors.InputError` naming the cause, never "no AI lines".
"""

from __future__ import annotations

import json
import os
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gate import files, git
from gate.authored import lines as ln
from gate.discover import history
from gate.discover.assistant_catalogue import Assistant, Catalogue
from gate.errors import AigateError, GitError, InputError

NOTES_REF = "refs/notes/ai"
TRACE_FILE = ".agent-trace/traces.jsonl"
MAX_TRACE_BYTES = 64 << 20
MAX_NOTE_BYTES = 16 << 20
BLAME_TIMEOUT = 600.0
_HUNK = re.compile(rb"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote a line: the assistant, its model (when known) and the source that says so."""

    assistant: Assistant
    model: str | None
    source: str
    """``commit`` (a marked commit), ``git-ai`` (a note) or ``agent-trace`` (a record)."""
    commit: str | None = None
    """The commit the lines came from (None for Agent Trace records)."""


@dataclass(slots=True)
class Attribution:
    """AI-authored lines at HEAD: path → author → line numbers; and each path's line count."""

    lines: dict[str, dict[Author, set[int]]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, path: str, author: Author, numbers: Iterable[int]) -> None:
        found = [n for n in numbers if n >= 1]
        if found:
            self.lines.setdefault(path, {}).setdefault(author, set()).update(found)

    def ai_lines(self, path: str) -> list[list[int]]:
        """Every AI-authored line of a path, whoever wrote it, as ranges."""
        every: set[int] = set()
        for numbers in self.lines.get(path, {}).values():
            every |= numbers
        return ln.to_ranges(every)


@dataclass(frozen=True, slots=True)
class Marked:
    """A commit an assistant marked, and the files it touched (relative to the scan folder)."""

    sha: str
    authors: tuple[tuple[Assistant, str | None], ...]
    paths: tuple[str, ...]


def attribute(
    repo: history.Repo,
    marked: Sequence[Marked],
    cat: Catalogue,
    *,
    workers: int = 0,
    exists: Callable[[str], bool] | None = None,
) -> Attribution:
    """AI-authored lines at ``repo.rev`` from marked commits, git-ai notes and Agent Trace."""
    result = Attribution()
    by_sha: dict[str, list[Author]] = {}
    touched: set[str] = set()
    for commit in marked:
        by_sha[commit.sha] = [Author(a, m, "commit", commit.sha) for a, m in commit.authors]
        touched.update(commit.paths)
    notes = read_notes(repo, cat)
    for note in notes.values():
        touched.update(_relative(repo, p) for p in note.files)
    touched.discard("")
    at_head = _files_at(repo, sorted(touched))
    if exists is not None:
        at_head = [p for p in at_head if exists(p)]
    for path, groups in _blame_all(repo, at_head, workers):
        total = 0
        for sha, orig_line, final_line, count, orig_path in groups:
            total = max(total, final_line + count - 1)
            for marked_by in by_sha.get(sha, ()):
                result.add(path, marked_by, range(final_line, final_line + count))
            noted = notes.get(sha)
            if noted is None:
                continue
            for session, ranges in noted.files.get(orig_path, {}).items():
                author = noted.sessions.get(session)
                if author is None:
                    continue
                hits = [
                    final_line + i
                    for i in range(count)
                    if any(s <= orig_line + i <= e for s, e in ranges)
                ]
                result.add(path, replace(author, commit=sha), hits)
        result.totals[path] = total
    _agent_trace(repo, cat, result)
    return result


def _relative(repo: history.Repo, root_path: str) -> str:
    """A repository-root path as a path of the scanned folder ("" when outside it)."""
    if not repo.prefix:
        return root_path
    return root_path[len(repo.prefix) :] if root_path.startswith(repo.prefix) else ""


def _files_at(repo: history.Repo, paths: Sequence[str]) -> list[str]:
    """The paths that are files in ``repo.rev`` (a touched file may be gone since)."""
    if not paths:
        return []
    done = git.run(repo.cwd, "ls-tree", "-r", "-z", "--name-only", "--end-of-options", repo.rev)
    if done.returncode != 0:
        raise GitError(f"{repo.cwd}: git ls-tree {repo.rev} failed: {git.first_line(done.stderr)}")
    present = {git.text(p) for p in done.stdout.split(b"\0") if p}
    return [p for p in paths if p in present]


_Group = tuple[str, int, int, int, str]


def _blame_all(
    repo: history.Repo, paths: Sequence[str], workers: int
) -> list[tuple[str, list[_Group]]]:
    if not paths:
        return []
    size = workers or min(8, (os.cpu_count() or 1) + 1)
    with ThreadPoolExecutor(max_workers=size) as pool:
        return list(zip(paths, pool.map(lambda p: _blame(repo, p), paths), strict=True))


def _blame(repo: history.Repo, path: str) -> list[_Group]:
    done = git.run(
        repo.cwd,
        "blame",
        "--incremental",
        *git.NO_PROGRAMS,
        repo.rev,
        "--",
        path,
        timeout=BLAME_TIMEOUT,
    )
    if done.returncode != 0:
        raise GitError(f"{repo.cwd}: git blame {path} failed: {git.first_line(done.stderr)}")
    return parse_incremental(done.stdout, path)


def parse_incremental(out: bytes, what: str) -> list[_Group]:
    """``git blame --incremental`` output as (sha, orig line, final line, count, orig path)."""
    groups: list[_Group] = []
    current: tuple[str, int, int, int] | None = None
    for raw in out.split(b"\n"):
        if not raw:
            continue
        if current is None:
            parts = raw.split(b" ")
            if len(parts) != 4:
                raise GitError(f"unexpected git blame output for {what}: {raw[:60]!r}")
            current = (parts[0].decode("ascii"), int(parts[1]), int(parts[2]), int(parts[3]))
        elif raw.startswith(b"filename "):
            name = _unquote(raw[len(b"filename ") :])
            groups.append((*current, name))
            current = None
    if current is not None:
        raise GitError(f"git blame output for {what} ended in the middle of an entry")
    return groups


_ESCAPES = {b"n": b"\n", b"t": b"\t", b'"': b'"', b"\\": b"\\", b"a": b"\a", b"b": b"\b",
            b"f": b"\f", b"r": b"\r", b"v": b"\v"}  # fmt: skip


def _unquote(raw: bytes) -> str:
    """A path as git prints it: C-quoted (``"a\\nb"``, octal bytes) when it has to be."""
    if not (raw.startswith(b'"') and raw.endswith(b'"') and len(raw) >= 2):
        return git.text(raw)
    body, out, i = raw[1:-1], bytearray(), 0
    while i < len(body):
        ch = body[i : i + 1]
        if ch != b"\\":
            out += ch
            i += 1
            continue
        nxt = body[i + 1 : i + 2]
        if nxt.isdigit():
            out.append(int(body[i + 1 : i + 4], 8))
            i += 4
        else:
            out += _ESCAPES.get(nxt, nxt)
            i += 2
    return git.text(bytes(out))


# --------------------------------------------------------------------------------------
# git-ai notes


@dataclass(slots=True)
class Note:
    """One git-ai authorship log: path (repository root) → session → ranges; sessions."""

    files: dict[str, dict[str, list[tuple[int, int]]]]
    sessions: dict[str, Author]


def read_notes(repo: history.Repo, cat: Catalogue) -> dict[str, Note]:
    """Every git-ai note under ``refs/notes/ai``, by commit (empty when there is none)."""
    probe = git.run(repo.cwd, "rev-parse", "--verify", "--quiet", f"{NOTES_REF}^{{commit}}")
    if probe.returncode != 0:
        return {}
    listed = git.run(repo.cwd, "notes", f"--ref={NOTES_REF}", "list")
    if listed.returncode != 0:
        raise GitError(f"{repo.cwd}: git notes list failed: {git.first_line(listed.stderr)}")
    pairs = [line.split() for line in git.text(listed.stdout).splitlines() if line.strip()]
    if not pairs:
        return {}
    feed = "".join(f"{blob}\n" for blob, _ in pairs).encode("ascii")
    done = git.run(repo.cwd, "cat-file", "--batch", input=feed)
    if done.returncode != 0:
        raise GitError(f"{repo.cwd}: git cat-file failed: {git.first_line(done.stderr)}")
    out, at, notes = done.stdout, 0, {}
    for blob, commit in pairs:
        end = out.index(b"\n", at)
        header = out[at:end].split(b" ")
        if len(header) != 3:
            raise GitError(f"{repo.cwd}: git-ai note {blob} of {commit} is missing")
        size = int(header[2])
        if size > MAX_NOTE_BYTES:
            raise GitError(f"{repo.cwd}: git-ai note of {commit} is larger than {MAX_NOTE_BYTES}")
        body = out[end + 1 : end + 1 + size]
        at = end + 2 + size
        notes[commit] = parse_note(body.decode("utf-8", "replace"), f"{NOTES_REF} {commit}", cat)
    return notes


def parse_note(text: str, where: str, cat: Catalogue) -> Note:
    """A git-ai authorship log (attestation, ``---``, JSON metadata); InputError when bad."""
    head, sep, meta_text = text.partition("\n---\n")
    if not sep:
        if text.startswith("---\n"):
            head, meta_text = "", text[4:]
        else:
            raise InputError(where, "not a git-ai authorship log (no '---' divider)")
    try:
        meta = json.loads(meta_text)
    except json.JSONDecodeError as exc:
        raise InputError(where, f"metadata is not JSON: {exc.msg} (line {exc.lineno})") from exc
    if not isinstance(meta, Mapping):
        raise InputError(where, "metadata is not a JSON object")
    version = str(meta.get("schema_version", ""))
    if not version.startswith("authorship/3."):
        raise InputError(where, f"unsupported schema_version {version!r} (authorship/3.x)")
    records = meta.get("sessions") or meta.get("prompts") or {}
    if not isinstance(records, Mapping):
        raise InputError(where, "sessions/prompts is not an object")
    sessions: dict[str, Author] = {}
    for key, record in records.items():
        agent = record.get("agent_id", record) if isinstance(record, Mapping) else None
        if not isinstance(agent, Mapping):
            raise InputError(where, f"session {key}: no agent_id")
        tool = str(agent.get("tool") or "unknown")
        model = agent.get("model")
        assistant, _, _ = cat.agent(tool)
        sessions[str(key)] = Author(
            assistant, str(model) if isinstance(model, str) and model else None, "git-ai"
        )
    files: dict[str, dict[str, list[tuple[int, int]]]] = {}
    current: str | None = None
    for number, line in enumerate(head.splitlines(), 1):
        if not line.strip():
            continue
        if not line.startswith(" "):
            current = line[1:-1] if line.startswith('"') and line.endswith('"') else line
            files.setdefault(current, {})
            continue
        session, _, spec = line.strip().partition(" ")
        if current is None or not spec:
            raise InputError(where, f"attestation line {number} is not 'hash ranges': {line!r}")
        if session not in sessions:
            raise InputError(where, f"attestation line {number}: session {session} has no record")
        try:
            files[current].setdefault(session, []).extend(ln.parse_spec(spec))
        except ValueError as exc:
            raise InputError(where, f"attestation line {number}: {exc}") from None
    return Note(files=files, sessions=sessions)


# --------------------------------------------------------------------------------------
# Agent Trace


def _agent_trace(repo: history.Repo, cat: Catalogue, result: Attribution) -> None:
    trace = repo.cwd / TRACE_FILE
    if not trace.exists() and not trace.is_symlink():
        return
    # A FIFO, a device, a link out of the tree or an oversized trace is an error, not a skip.
    text = files.read_in_tree(repo.cwd, TRACE_FILE, MAX_TRACE_BYTES).decode("utf-8", "replace")
    by_revision: dict[str | None, list[tuple[str, Author, list[tuple[int, int]]]]] = defaultdict(
        list
    )
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        for revision, entry in _trace_record(line, f"{TRACE_FILE}:{number}", cat):
            by_revision[revision].append(entry)
    for revision, entries in sorted(by_revision.items(), key=lambda kv: kv[0] or ""):
        moves = _line_moves(repo, revision, sorted({p for p, _, _ in entries}))
        for path, author, ranges in entries:
            total = result.totals.get(path) or _line_count(repo.cwd, path)
            if total is None:
                continue
            result.totals[path] = total
            move = moves.get(path)
            numbers = [n for s, e in ranges for n in range(s, e + 1)]
            mapped = [move(n) if move else n for n in numbers]
            result.add(path, author, [n for n in mapped if n is not None and n <= total])
    result.notes.append(f"Agent Trace records read from {TRACE_FILE}")


def _trace_record(
    line: str, where: str, cat: Catalogue
) -> list[tuple[str | None, tuple[str, Author, list[tuple[int, int]]]]]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(where, f"not JSON: {exc.msg}") from exc
    if not isinstance(record, Mapping) or not isinstance(record.get("files"), list):
        raise InputError(where, "an Agent Trace record needs a files list")
    vcs = record.get("vcs")
    revision = vcs.get("revision") if isinstance(vcs, Mapping) else None
    tool = record.get("tool")
    tool_name = tool.get("name") if isinstance(tool, Mapping) else None
    out: list[tuple[str | None, tuple[str, Author, list[tuple[int, int]]]]] = []
    for f in record["files"]:
        path = f.get("path") if isinstance(f, Mapping) else None
        if not isinstance(path, str) or not path or path.startswith("/") or ".." in path.split("/"):
            raise InputError(where, f"file entry without a relative path: {f!r}"[:200])
        for conv in f.get("conversations") or []:
            contributor = conv.get("contributor") if isinstance(conv, Mapping) else None
            kind = contributor.get("type") if isinstance(contributor, Mapping) else None
            if kind not in ("ai", "mixed"):
                continue
            assert isinstance(contributor, Mapping)
            model = contributor.get("model_id")
            assistant = _trace_assistant(tool_name, model, cat)
            author = Author(assistant, model if isinstance(model, str) else None, "agent-trace")
            ranges = _trace_ranges(conv.get("ranges"), where)
            out.append((revision if isinstance(revision, str) else None, (path, author, ranges)))
    return out


def _trace_assistant(tool: Any, model: Any, cat: Catalogue) -> Assistant:
    if isinstance(tool, str) and tool.strip():
        return cat.agent(tool)[0]
    return cat.agent("Agent Trace")[0]


def _trace_ranges(raw: Any, where: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for item in raw if isinstance(raw, list) else []:
        start = item.get("start_line") if isinstance(item, Mapping) else None
        end = item.get("end_line") if isinstance(item, Mapping) else None
        if not isinstance(start, int) or not isinstance(end, int) or start < 1 or end < start:
            raise InputError(where, f"bad range {item!r}"[:200])
        out.append((start, end))
    return out


def _line_count(root: Path, rel: str) -> int | None:
    """Lines of a file a trace names, read only inside the tree and bounded."""
    try:
        data = files.read_in_tree(root, rel, MAX_TRACE_BYTES)
    except AigateError:
        return None
    return data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)


def _line_moves(
    repo: history.Repo, revision: str | None, paths: Sequence[str]
) -> dict[str, Callable[[int], int | None]]:
    """How a line of ``revision`` moved by HEAD, per path (None: the line is gone)."""
    if revision is None or revision == repo.head or not paths:
        return {}
    done = git.run(
        repo.cwd,
        "diff",
        "-U0",
        "--no-color",
        *git.NO_PROGRAMS,
        "--no-renames",
        "--end-of-options",
        revision,
        repo.rev,
        "--",
        *paths,
    )
    if done.returncode != 0:
        raise GitError(
            f"{repo.cwd}: {TRACE_FILE} names revision {revision[:12]}, which git cannot diff"
            f" against HEAD: {git.first_line(done.stderr)}"
        )
    hunks: dict[str, list[tuple[int, int, int, int]]] = defaultdict(list)
    current = ""
    prefix = repo.prefix.encode()
    for line in done.stdout.split(b"\n"):
        if line.startswith(b"+++ "):
            name = line[4:]
            current = _unquote(name[2:] if name.startswith(b"b/") else name)
            if prefix and current.encode().startswith(prefix):
                current = current[len(prefix) :]
        elif line.startswith(b"@@"):
            m = _HUNK.match(line)
            if m:
                a, b = int(m[1]), int(m[2] or 1)
                c, d = int(m[3]), int(m[4] or 1)
                hunks[current].append((a, b, c, d))

    def mover(spans: list[tuple[int, int, int, int]]) -> Callable[[int], int | None]:
        def move(n: int) -> int | None:
            shift = 0
            for a, b, c, d in spans:
                if b and a <= n < a + b:
                    return None  # the line was changed or removed since
                # The first old line after the hunk, and where it lands now.
                after_old = a + b if b else a + 1
                after_new = c + d if d else c + 1
                if n >= after_old:
                    shift = after_new - after_old
            return n + shift

        return move

    return {path: mover(spans) for path, spans in hunks.items()}
