"""A scan run while the workers still hold another scan's batches analyses its own files in
this process (``scanning.beside_workers``), with the same outcome in the same order."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from gate.discover import scanning
from gate.discover.tree import Tree


def _slow(rel: str, data: bytes) -> scanning.Outcome:
    time.sleep(0.05)
    return scanning.Outcome(skipped=[(rel, f"pid {os.getpid()}")])


def _where(rel: str, data: bytes) -> scanning.Outcome:
    return scanning.Outcome(skipped=[(rel, f"pid {os.getpid()} {len(data)}")])


def _tree(tmp_path: Path, n: int) -> Tree:
    for i in range(n):
        (tmp_path / f"f{i:02}.txt").write_text(f"needle {i}\n")
    return Tree.walk(tmp_path)


def _pids(found: list[tuple[str, str]]) -> set[str]:
    return {reason.split()[1] for _, reason in found}


@pytest.fixture
def pooled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scanning, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(scanning, "_BATCH_BYTES", 1)
    monkeypatch.setattr(scanning, "workers", lambda: 2)


@pytest.mark.usefixtures("pooled")
def test_a_scan_beside_busy_workers_runs_here_in_order(tmp_path: Path) -> None:
    tree = _tree(tmp_path, 12)
    try:
        early = scanning.submit(tree, tree.files, [b"needle"], _slow)
        with scanning.beside_workers():
            beside = scanning.submit(tree, tree.files, [b"needle"], _where)
            busy_then = any(not f.done() for f in early.futures)
        beside.collect()
        here = list(tree.skipped)
        early.collect()
    finally:
        scanning.release_pool()
    assert busy_then
    assert [s.path for s in here] == sorted(f.rel for f in tree.files)
    assert _pids([(s.path, s.reason) for s in here]) == {str(os.getpid())}
    # the early scan's batches went to the workers
    assert str(os.getpid()) not in _pids([(s.path, s.reason) for s in tree.skipped[12:]])


@pytest.mark.usefixtures("pooled")
def test_without_busy_workers_or_outside_the_block_batches_go_to_the_workers(
    tmp_path: Path,
) -> None:
    tree = _tree(tmp_path, 6)
    try:
        with scanning.beside_workers():  # nothing queued: the pool is used as ever
            scanning.submit(tree, tree.files, [b"needle"], _where).collect()
        early = scanning.submit(tree, tree.files, [b"needle"], _slow)
        outside = scanning.submit(tree, tree.files, [b"needle"], _where)
        outside.collect()
        early.collect()
    finally:
        scanning.release_pool()
    first = [(s.path, s.reason) for s in tree.skipped[:6]]
    assert str(os.getpid()) not in _pids(first)
    third = [(s.path, s.reason) for s in tree.skipped[6:12]]
    assert str(os.getpid()) not in _pids(third)
