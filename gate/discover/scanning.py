"""Candidate files: a byte pre-filter over many files, parsing only those that match.

Parsing every source file of a large tree is far too slow (``ast.parse`` costs about 1.5 ms
per file), so a source gives the needles any interesting file must contain (SDK module
names, call names); one Aho-Corasick pass over each file's bytes keeps the few candidates,
and only those are parsed. On a big tree the files are split across worker processes (one
per core), each reading, filtering and analysing its share.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
import os
import platform
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field

import ahocorasick_rs

from gate.discover.tree import Tree, TreeFile
from gate.model import Evidence
from gate.progress import NullObserver, Observer, ignore_interrupts

MAX_SOURCE_BYTES = 2_000_000
"""Source files above this size (minified bundles, generated code) are skipped, and say so."""

PARALLEL_MIN_BYTES = 200_000
"""Below this many bytes of candidates to parse, a process pool costs more than it saves."""
_BATCH_BYTES = 192_000
"""Bytes of candidates per batch handed to a worker. Each batch is a round trip through
this process's pool thread (the next batch is fed when a result comes back), and now that
most candidates are refused in under a millisecond, batches of 48 KB left each worker
waiting 0.3-0.6 s over diffusers' 500 batches (issue 15); at 192 KB, 0.1-0.2 s, and the
last batch still parses in tens of milliseconds."""


@dataclass(slots=True)
class Outcome:
    """What analysing one file produced: evidence, and files that could not be read."""

    evidence: list[Evidence] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    imports: frozenset[str] | None = None
    """The top-level names the file imports, when the analysis has them at hand and the
    source's cross-module pass may ask (Python: ``imports.import_roots`` of the module it
    parsed), so that pass need not parse the file again in the main process."""


_Result = tuple[list[Evidence], list[tuple[str, str]], dict[str, frozenset[str]]]
"""A batch's evidence, skips, and the imports of the files that gave theirs."""


Analyser = Callable[[str, bytes], Outcome]
"""``(relative path, file bytes) → Outcome``; a module-level function (workers pickle it)."""

_AUTOMATA: dict[tuple[bytes, ...], ahocorasick_rs.BytesAhoCorasick] = {}


def automaton(
    needles: Iterable[bytes],
    matchkind: ahocorasick_rs.MatchKind = ahocorasick_rs.MatchKind.LeftmostFirst,
) -> ahocorasick_rs.BytesAhoCorasick:
    """An Aho-Corasick automaton over ``needles``, built as a DFA: it searches source code
    about three times as fast as the library's default (a contiguous NFA: 140 against 430
    MB/s over diffusers' candidates, issue 15) and takes a few milliseconds more to build,
    once per process, for the few hundred needles a front end has."""
    return ahocorasick_rs.BytesAhoCorasick(
        list(needles), matchkind=matchkind, implementation=ahocorasick_rs.Implementation.DFA
    )


def _automaton(needles: tuple[bytes, ...]) -> ahocorasick_rs.BytesAhoCorasick:
    found = _AUTOMATA.get(needles)
    if found is None:
        found = automaton(needles)
        _AUTOMATA[needles] = found
    return found


def matches(data: bytes, needles: tuple[bytes, ...]) -> bool:
    """True when ``data`` contains any of the needles."""
    return holds(_automaton(needles), data)


_HEAD = 2048


def holds(automaton: ahocorasick_rs.BytesAhoCorasick, data: bytes) -> bool:
    """Whether ``data`` holds any of the automaton's needles. The search lists every match,
    and a candidate holds dozens (``model`` in every other line): its first lines (the
    imports) are searched first, and a needle there is a needle in the file; only a file
    without one there is searched whole. A third of the cost on diffusers' and vercel/ai's
    sources (issue 15: the filter runs in the main process beside the workers)."""
    if len(data) > _HEAD and automaton.find_matches_as_indexes(data[:_HEAD]):
        return True
    return bool(automaton.find_matches_as_indexes(data))


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


FILE_SECONDS = 30.0
"""Wall-clock time one file's analysis may take before it is given up as a recorded skip.

The parsers bound their own work (value look-ups, YAML alias nodes, nesting), so real files
finish in milliseconds; this is the backstop that turns a pathological file the bounds did
not foresee into a skip instead of a scan that never ends."""


class _TookTooLongError(BaseException):
    """Raised by the alarm inside an analysis that ran past its time (a BaseException, so
    that the analysers' own ``except Exception`` handlers do not swallow it)."""


def _alarm(signum: int, frame: object) -> None:
    raise _TookTooLongError


def _timer_usable(seconds: float) -> bool:
    """Whether an interval timer can bound each analysis: in the main thread of a process
    (workers always are) that has no timer of its own running."""
    return (
        seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0
    )


def _analyse_many(chunk: tuple[tuple[tuple[str, bytes], ...], Analyser, float]) -> _Result:
    files, analyse, seconds = chunk
    found: list[Evidence] = []
    skipped: list[tuple[str, str]] = []
    imported: dict[str, frozenset[str]] = {}
    # The alarm's handler is installed once per batch and the timer armed per file: the
    # handler swap, the thread check and the timer query cost 12 us a file, a tenth of the
    # workers' time on a tree of many small candidates (bench/scan_code.py).
    timed = _timer_usable(seconds)
    previous = signal.signal(signal.SIGALRM, _alarm) if timed else None
    # A parse allocates a syntax tree of tens of thousands of objects, and the cyclic
    # collector, triggered by allocation counts, walked the growing tree again and again
    # (a quarter of the Python analysis on diffusers). It is held off while a file is
    # analysed; the young generation is collected once after each file, which frees the
    # few analyses that leave a cycle (scopes that point at each other) with their tree.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for rel, data in files:
            try:
                if timed:
                    signal.setitimer(signal.ITIMER_REAL, seconds)
                try:
                    outcome = analyse(rel, data)
                finally:
                    if timed:
                        signal.setitimer(signal.ITIMER_REAL, 0)
            except _TookTooLongError:
                skipped.append((rel, f"took longer than {seconds:g} s to analyse: not read"))
                continue
            except Exception as exc:  # a bug must not hide the rest of the tree
                skipped.append((rel, f"analysis failed: {type(exc).__name__}: {exc}"))
                continue
            finally:
                gc.collect(0)
            found.extend(outcome.evidence)
            skipped.extend(outcome.skipped)
            if outcome.imports is not None:
                imported[rel] = outcome.imports
    finally:
        if was_enabled:
            gc.enable()
        if timed:
            signal.signal(signal.SIGALRM, previous)
    return found, skipped, imported


MAX_SEARCH_BYTES = 1 << 30
"""Bytes of an unparsed file searched for needles (past this it is recorded unsearched)."""


def contains(abspath: str, automaton: ahocorasick_rs.BytesAhoCorasick, overlap: int) -> bool:
    """True when the file holds a needle anywhere (read in chunks, never whole), or is too
    large or unreadable to tell: an unread file that may name a model is recorded."""
    try:
        with open(abspath, "rb") as fh:
            tail = b""
            read = 0
            while chunk := fh.read(_SEARCH_CHUNK):
                read += len(chunk)
                if automaton.find_matches_as_indexes(tail + chunk):
                    return True
                if read > MAX_SEARCH_BYTES:
                    return True
                tail = chunk[-overlap:] if overlap else b""
    except OSError:
        return True
    return False


_SEARCH_CHUNK = 4 << 20


def note_unread(
    tree: Tree, files: Sequence[TreeFile], needles: Sequence[bytes], reason: str
) -> None:
    """Record the files a source does not parse (minified bundles) that hold a needle: what
    they name was not read, and the policy's ``scan.incomplete`` judges that."""
    if not needles:
        return
    automaton = _automaton(tuple(needles))
    overlap = max(len(n) for n in needles) - 1
    for tf in files:
        if contains(str(tf.abspath), automaton, overlap):
            tree.skip(tf.rel, reason)


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


_POOL: ProcessPoolExecutor | None = None


def _pool() -> ProcessPoolExecutor:
    """One pool of workers for the whole process, made on first need and reused by every
    source (forking a pool per source would cost more than small trees take to parse)."""
    global _POOL
    if _POOL is None:
        _POOL = ProcessPoolExecutor(
            max_workers=workers(), mp_context=_pool_context(), initializer=ignore_interrupts
        )
        atexit.register(_POOL.shutdown, wait=False, cancel_futures=True)
    return _POOL


def release_pool() -> None:
    """Stop the workers once a scan is done: a process that later forks (the bounded policy
    evaluation, ``policy test``'s pool) must not carry the pool's threads into the child."""
    global _POOL
    if _POOL is not None:
        _POOL.shutdown(wait=True, cancel_futures=True)
        _POOL = None
    _QUEUED.clear()


_QUEUED: list[Future[_Result]] = []
"""Batches handed to the pool that were not yet seen finished."""
_BESIDE: list[bool] = []


@contextmanager
def beside_workers() -> Iterator[None]:
    """Inside the block, a scan's batch that would wait behind batches the workers have not
    finished is analysed in this process at once (the same function on the same bytes, in
    the same order), so that a source run while the workers analyse another one's files
    (``gate.discover.sources.EARLY``) does not wait for them: on two cores the workers keep
    both busy and this process would otherwise sit idle until they are done."""
    _BESIDE.append(True)
    try:
        yield
    finally:
        _BESIDE.pop()


def _ahead() -> list[Future[_Result]]:
    """The batches other scans left with the workers, inside :func:`beside_workers`."""
    _QUEUED[:] = [f for f in _QUEUED if not f.done()]
    return list(_QUEUED) if _BESIDE else []


def _here(
    files: tuple[tuple[str, bytes], ...], analyse: Analyser, seconds: float
) -> Future[_Result]:
    """A batch analysed in this process, as a finished future."""
    done: Future[_Result] = Future()
    done.set_result(_analyse_many((files, analyse, seconds)))
    return done


def scan(
    tree: Tree,
    files: Sequence[TreeFile],
    needles: Sequence[bytes],
    analyse: Analyser,
    *,
    observer: Observer | None = None,
    limit: int = MAX_SOURCE_BYTES,
    parallel: bool | None = None,
    seconds: float = FILE_SECONDS,
) -> tuple[list[Evidence], ScanStats]:
    """Analyse the files that contain a needle (all files when ``needles`` is empty).

    Reading and filtering stay in this process (a few microseconds a file). Candidates are
    batched; once enough bytes wait to be parsed to pay for it, batches go to the worker
    pool while this process keeps reading, so reading and parsing overlap.
    """
    submitted = submit(
        tree, files, needles, analyse, limit=limit, parallel=parallel, seconds=seconds
    )
    return submitted.collect(observer)


@dataclass(slots=True)
class Submitted:
    """A scan whose candidates are read and whose batches are with the workers
    (:func:`submit`): :meth:`collect` waits for them and records what the scan records,
    in the order :func:`scan` records it."""

    tree: Tree
    files: int
    analyse: Analyser
    seconds: float
    pending: tuple[tuple[str, bytes], ...]
    futures: list[Future[_Result]]
    unread: list[tuple[str, str]]
    candidates: int
    imports: dict[str, frozenset[str]] = field(default_factory=dict)
    """After :meth:`collect`: what the analysis gave as each file's imports
    (:attr:`Outcome.imports`)."""

    def take_unread(self) -> list[tuple[str, str]]:
        """The files that could not be read, handed over once (then not recorded by
        :meth:`collect`): for a caller that records them earlier than the analysis."""
        unread, self.unread = self.unread, []
        return unread

    def collect(self, observer: Observer | None = None) -> tuple[list[Evidence], ScanStats]:
        """The evidence found (waiting for the workers), the skips recorded on the tree."""
        obs = observer or NullObserver()
        for rel, reason in self.take_unread():
            self.tree.skip(rel, reason)
        results: list[_Result] = []
        if self.pending:
            results.append(_analyse_many((self.pending, self.analyse, self.seconds)))
        results.extend(f.result() for f in self.futures)
        found: list[Evidence] = []
        for evidence, skipped, imported in results:
            found.extend(evidence)
            for rel, reason in skipped:
                self.tree.skip(rel, reason)
            self.imports.update(imported)
        obs.advance(self.files)
        return found, ScanStats(files=self.files, candidates=self.candidates)


def submit(
    tree: Tree,
    files: Sequence[TreeFile],
    needles: Sequence[bytes],
    analyse: Analyser,
    *,
    limit: int = MAX_SOURCE_BYTES,
    parallel: bool | None = None,
    seconds: float = FILE_SECONDS,
) -> Submitted:
    """The first half of :func:`scan`: candidates read and filtered here, their batches
    handed to the workers (the last one too, once the pool is in use), nothing recorded on
    the tree yet. A source that submits early lets this process do other work while the
    workers analyse (see ``gate.pipeline.scanning.discover``)."""
    automaton = _automaton(tuple(needles)) if needles else None
    overlap = max((len(n) for n in needles), default=1) - 1
    use_pool = parallel if parallel is not None else workers() > 1
    ahead = _ahead() if parallel is None else []
    pending: list[tuple[str, bytes]] = []
    pending_bytes = 0
    futures: list[Future[_Result]] = []
    unread: list[tuple[str, str]] = []
    candidates = 0
    for tf in files:
        try:
            data = _read(str(tf.abspath), limit)
        except OSError as exc:
            unread.append((tf.rel, f"cannot read: {exc.strerror}"))
            continue
        if data is None:
            # Past the parse bound, the whole file is still searched: a model named after
            # its first megabytes is recorded as not read, never passed over.
            if automaton is None or contains(str(tf.abspath), automaton, overlap):
                unread.append((tf.rel, f"larger than {limit} bytes: not parsed"))
            continue
        if automaton is not None and not holds(automaton, data):
            continue
        candidates += 1
        pending.append((tf.rel, data))
        pending_bytes += len(data)
        started = bool(futures) or pending_bytes >= PARALLEL_MIN_BYTES
        if use_pool and started and pending_bytes >= _BATCH_BYTES:
            futures.append(_batch(tuple(pending), analyse, seconds, ahead))
            pending, pending_bytes = [], 0
    if pending and use_pool and futures:
        futures.append(_batch(tuple(pending), analyse, seconds, ahead))
        pending = []
    return Submitted(
        tree, len(files), analyse, seconds, tuple(pending), futures, unread, candidates
    )


def apart(
    rel: str, data: bytes, analyse: Analyser, *, seconds: float = FILE_SECONDS
) -> Future[_Result] | None:
    """One large file's analysis handed to the workers now, its result taken when the
    caller's turn comes (``gate.discover.dependencies``: a lock file's parse, while this
    process runs the other sources); None on one core, where the caller reads it itself."""
    if workers() <= 1:
        return None
    future = _pool().submit(_analyse_many, (((rel, data),), analyse, seconds))
    _QUEUED.append(future)
    return future


def _batch(
    files: tuple[tuple[str, bytes], ...],
    analyse: Analyser,
    seconds: float,
    ahead: Sequence[Future[_Result]],
) -> Future[_Result]:
    """A batch handed to the workers, or analysed here while another scan's batches
    (``ahead``) are still with them (see :func:`beside_workers`)."""
    if any(not f.done() for f in ahead):
        return _here(files, analyse, seconds)
    future = _pool().submit(_analyse_many, (files, analyse, seconds))
    _QUEUED.append(future)
    return future
