"""Candidate files: a byte pre-filter over many files, parsing only those that match.

Parsing every source file of a large tree is far too slow (``ast.parse`` costs about 1.5 ms
per file), so a source gives the needles any interesting file must contain (SDK module
names, call names); one Aho-Corasick pass over each file's bytes keeps the few candidates,
and only those are parsed. On a big tree the files are split across worker processes (one
per core), each reading, filtering and analysing its share.
"""

from __future__ import annotations

import multiprocessing
import os
import platform
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

import ahocorasick_rs

from gate.discover.tree import Tree, TreeFile
from gate.model import Evidence
from gate.progress import NullObserver, Observer

MAX_SOURCE_BYTES = 2_000_000
"""Source files above this size (minified bundles, generated code) are skipped, and say so."""

PARALLEL_MIN_FILES = 1500
"""Below this many files the pool costs more than it saves."""


@dataclass(slots=True)
class Outcome:
    """What analysing one file produced: evidence, and files that could not be read."""

    evidence: list[Evidence] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


Analyser = Callable[[str, bytes], Outcome]
"""``(relative path, file bytes) → Outcome``; a module-level function (workers pickle it)."""

_AUTOMATA: dict[tuple[bytes, ...], ahocorasick_rs.BytesAhoCorasick] = {}


def _automaton(needles: tuple[bytes, ...]) -> ahocorasick_rs.BytesAhoCorasick:
    found = _AUTOMATA.get(needles)
    if found is None:
        found = ahocorasick_rs.BytesAhoCorasick(list(needles))
        _AUTOMATA[needles] = found
    return found


def matches(data: bytes, needles: tuple[bytes, ...]) -> bool:
    """True when ``data`` contains any of the needles."""
    return bool(_automaton(needles).find_matches_as_indexes(data))


_FIRST_READ = 65536


def _read(abspath: str, limit: int) -> bytes | None:
    # One small read covers almost every source file; asking for `limit` bytes up front
    # would allocate (and shrink) a buffer that large per file, which costs more than the I/O.
    fd = os.open(abspath, os.O_RDONLY)
    try:
        data = os.read(fd, _FIRST_READ)
        if len(data) < _FIRST_READ:
            return data
        parts = [data]
        size = len(data)
        while size <= limit:
            more = os.read(fd, 1 << 20)
            if not more:
                break
            parts.append(more)
            size += len(more)
    finally:
        os.close(fd)
    return None if size > limit else b"".join(parts)


_Chunk = tuple[tuple[tuple[str, str], ...], tuple[bytes, ...], Analyser, int]


def _run_chunk(chunk: _Chunk) -> tuple[list[Evidence], list[tuple[str, str]], int]:
    files, needles, analyse, limit = chunk
    automaton = _automaton(needles)
    found: list[Evidence] = []
    skipped: list[tuple[str, str]] = []
    candidates = 0
    for rel, abspath in files:
        try:
            data = _read(abspath, limit)
        except OSError as exc:
            skipped.append((rel, f"cannot read: {exc.strerror}"))
            continue
        if data is None:
            if needles and automaton.find_matches_as_indexes(_head(abspath)):
                skipped.append((rel, f"larger than {limit} bytes: not parsed"))
            continue
        if needles and not automaton.find_matches_as_indexes(data):
            continue
        candidates += 1
        try:
            outcome = analyse(rel, data)
        except Exception as exc:  # a bug must not hide the rest of the tree
            skipped.append((rel, f"analysis failed: {type(exc).__name__}: {exc}"))
            continue
        found.extend(outcome.evidence)
        skipped.extend(outcome.skipped)
    return found, skipped, candidates


def _head(abspath: str) -> bytes:
    try:
        with open(abspath, "rb") as fh:
            return fh.read(MAX_SOURCE_BYTES)
    except OSError:
        return b""


def workers() -> int:
    """The number of cores this process may use."""
    affinity = getattr(os, "sched_getaffinity", None)
    if affinity is not None:
        return max(1, len(affinity(0)))
    return max(1, os.cpu_count() or 1)


def _pool_context() -> multiprocessing.context.BaseContext:
    # fork is cheap and inherits the loaded tables; elsewhere spawn is the safe default.
    if platform.system() == "Linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


@dataclass(frozen=True, slots=True)
class ScanStats:
    """How much work the pre-filter saved (for the benchmark and progress)."""

    files: int
    candidates: int


def scan(
    tree: Tree,
    files: Sequence[TreeFile],
    needles: Sequence[bytes],
    analyse: Analyser,
    *,
    observer: Observer | None = None,
    limit: int = MAX_SOURCE_BYTES,
    parallel: bool | None = None,
) -> tuple[list[Evidence], ScanStats]:
    """Analyse the files that contain a needle (all files when ``needles`` is empty)."""
    obs = observer or NullObserver()
    pairs = tuple((f.rel, str(f.abspath)) for f in files)
    needle_tuple = tuple(needles)
    n_workers = workers()
    use_pool = (
        parallel if parallel is not None else len(pairs) >= PARALLEL_MIN_FILES and n_workers > 1
    )
    results: list[tuple[list[Evidence], list[tuple[str, str]], int]] = []
    if not use_pool:
        results.append(_run_chunk((pairs, needle_tuple, analyse, limit)))
    else:
        n_chunks = n_workers * 4
        size = -(-len(pairs) // n_chunks)
        chunks = [
            (pairs[i : i + size], needle_tuple, analyse, limit) for i in range(0, len(pairs), size)
        ]
        with ProcessPoolExecutor(max_workers=n_workers, mp_context=_pool_context()) as pool:
            results.extend(pool.map(_run_chunk, chunks))
    found: list[Evidence] = []
    candidates = 0
    for evidence, skipped, count in results:
        found.extend(evidence)
        candidates += count
        for rel, reason in skipped:
            tree.skip(rel, reason)
    obs.advance(len(pairs))
    return found, ScanStats(files=len(pairs), candidates=candidates)
