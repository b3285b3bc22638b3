"""SHA-256 of weight files: streamed in large blocks, several files at once, cached by stat.

``hashlib`` releases the GIL while it hashes a block and ``readinto`` while it reads, so
threads use every core across files; one file is one thread's sequential stream (SHA-256
cannot be split). Digests are cached under ``$XDG_CACHE_HOME/aigate`` keyed by the file's
path, size, mtime, inode and ctime (ctime cannot be set back by a user, so a file rewritten
with a forged mtime is hashed again); ``AIGATE_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from gate.files import printable_name
from gate.progress import NullObserver, Observer

BLOCK: Final = 4 << 20
"""Read size: large enough that per-call overhead vanishes, small enough to stay in cache."""
PROGRESS_EVERY: Final = 64 << 20
"""Bytes hashed between two progress reports (the observer draws; keep it calm)."""


@dataclass(frozen=True, slots=True)
class FileDigest:
    """A file's SHA-256 and the size that was hashed."""

    sha256: str
    size: int


_local = threading.local()


def _buffer() -> bytearray:
    # One reused buffer per thread: no allocation per block or per file.
    buf: bytearray | None = getattr(_local, "buf", None)
    if buf is None:
        buf = bytearray(BLOCK)
        _local.buf = buf
    return buf


def sha256_file(
    path: str | os.PathLike[str], progress: Callable[[int], None] | None = None
) -> FileDigest:
    """Stream one file through SHA-256 (``progress`` gets byte counts as they are hashed)."""
    digest = hashlib.sha256()
    buf = _buffer()
    view = memoryview(buf)
    total = pending = 0
    with open(path, "rb", buffering=0) as fh:
        if hasattr(os, "posix_fadvise"):
            with contextlib.suppress(OSError):  # a hint only: read-ahead for a sequential scan
                os.posix_fadvise(fh.fileno(), 0, 0, os.POSIX_FADV_SEQUENTIAL)
        while True:
            n = fh.readinto(buf)
            if not n:
                break
            digest.update(view[:n])
            total += n
            pending += n
            if progress is not None and pending >= PROGRESS_EVERY:
                progress(pending)
                pending = 0
    if progress is not None and pending:
        progress(pending)
    return FileDigest(digest.hexdigest(), total)


def _stat_key(path: str) -> tuple[str, int, int, int, int] | None:
    try:
        st = os.stat(path)
        real = os.path.realpath(path)
    except OSError:
        return None
    # SQLite stores text as UTF-8: a name that is not UTF-8 is keyed by its escaped form
    # (the inode and times in the key keep two such names apart).
    return (printable_name(real), st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def cache_dir() -> Path:
    """Where aigate keeps caches (``$XDG_CACHE_HOME/aigate``, else ``~/.cache/aigate``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "aigate"


class HashCache:
    """Digests by (path, size, mtime_ns, inode, ctime_ns) in a small SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), timeout=2.0, check_same_thread=False)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS digests (path TEXT PRIMARY KEY, size INTEGER,"
            " mtime_ns INTEGER, inode INTEGER, ctime_ns INTEGER, sha256 TEXT)"
        )

    @classmethod
    def default(cls) -> HashCache | None:
        """The user's cache, or None when disabled (``AIGATE_NO_CACHE=1``) or unusable."""
        if os.environ.get("AIGATE_NO_CACHE", "") not in ("", "0"):
            return None
        try:
            return cls(cache_dir() / "hashes.sqlite3")
        except (OSError, sqlite3.Error):
            return None

    def get(self, key: tuple[str, int, int, int, int]) -> str | None:
        """The cached digest for this exact stat, if any."""
        row = self.db.execute(
            "SELECT sha256 FROM digests WHERE path=? AND size=? AND mtime_ns=? AND inode=?"
            " AND ctime_ns=?",
            key,
        ).fetchone()
        return str(row[0]) if row else None

    def put_many(self, rows: Sequence[tuple[tuple[str, int, int, int, int], str]]) -> None:
        """Remember digests (one transaction)."""
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO digests VALUES (?, ?, ?, ?, ?, ?)",
                [(*key, sha) for key, sha in rows],
            )

    def close(self) -> None:
        """Close the database."""
        self.db.close()


def default_workers() -> int:
    """Hashing threads: the usable cores plus two.

    The extra threads keep a read in flight while the others hash (a cold cache or a
    network disk waits on I/O), and keep the scan's share of a CPU that other processes
    also want (measured: on a loaded 2-core machine 2 threads gave 1.3x one core, 3 gave 1.9x).
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, cores) + 2


def hash_files(
    paths: Sequence[str],
    *,
    workers: int = 0,
    observer: Observer | None = None,
    cache: HashCache | None = None,
) -> dict[str, FileDigest | OSError]:
    """SHA-256 of every path, in parallel; an unreadable file maps to its ``OSError``.

    Progress is reported to ``observer`` as stage ``hashing`` in bytes. ``cache`` (e.g.
    :meth:`HashCache.default`) answers files whose stat has not changed.
    """
    obs: Observer = observer if observer is not None else NullObserver()
    results: dict[str, FileDigest | OSError] = {}
    keys: dict[str, tuple[str, int, int, int, int]] = {}
    todo: list[tuple[int, str]] = []
    for path in dict.fromkeys(paths):
        key = _stat_key(path)
        if key is not None:
            keys[path] = key
            cached = _cache_get(cache, key)
            if cached is not None:
                results[path] = FileDigest(cached, key[1])
                continue
        todo.append((key[1] if key else 0, path))
    if not todo:
        return results
    # Largest first, so the last file to finish is a small one (both cores busy to the end).
    todo.sort(key=lambda item: (-item[0], item[1]))
    lock = threading.Lock()

    def progress(n: int) -> None:
        with lock:
            obs.advance(n)

    def work(path: str) -> FileDigest | OSError:
        try:
            return sha256_file(path, progress)
        except OSError as exc:
            return exc

    obs.stage("hashing", sum(size for size, _ in todo))
    try:
        count = min(workers or default_workers(), len(todo))
        if count == 1:
            for _, path in todo:
                results[path] = work(path)
        else:
            with ThreadPoolExecutor(max_workers=count, thread_name_prefix="aigate-hash") as pool:
                ordered = [p for _, p in todo]
                results.update(zip(ordered, pool.map(work, ordered), strict=True))
    finally:
        obs.done()
    _cache_put(cache, keys, results, [p for _, p in todo])
    return results


def _cache_get(cache: HashCache | None, key: tuple[str, int, int, int, int]) -> str | None:
    if cache is None:
        return None
    try:
        return cache.get(key)
    except sqlite3.Error:
        return None


def _cache_put(
    cache: HashCache | None,
    keys: dict[str, tuple[str, int, int, int, int]],
    results: dict[str, FileDigest | OSError],
    hashed: Sequence[str],
) -> None:
    if cache is None:
        return
    rows = []
    for path in hashed:
        result, key = results.get(path), keys.get(path)
        # Only a file that did not change while it was read is remembered.
        if (
            isinstance(result, FileDigest)
            and key is not None
            and result.size == key[1]
            and _stat_key(path) == key
        ):
            rows.append((key, result.sha256))
    # The cache is an optimisation: a read-only or locked cache changes nothing.
    with contextlib.suppress(sqlite3.Error):
        cache.put_many(rows)
