"""Large lock files are parsed by a worker while the scan runs its other sources
(``dependencies.begin``, issue 15): the evidence and the skips, in their order, are those
the source gives reading every file itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gate.discover import dependencies, scanning
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree


def _tree(root: Path) -> Path:
    (root / "web").mkdir(parents=True)
    (root / "svc").mkdir()
    (root / "requirements.txt").write_text("openai==1.40.0\n-r missing.txt\n")
    filler = {f"node_modules/pad-{i}": {"version": "1.0.0"} for i in range(6_000)}
    packages = {"": {"name": "web"}, **filler, "node_modules/openai": {"version": "4.56.0"}}
    lock = {"name": "web", "lockfileVersion": 3, "packages": packages}
    (root / "web" / "package-lock.json").write_text(json.dumps(lock, indent=2))
    (root / "web" / "package.json").write_text('{"dependencies": {"@anthropic-ai/sdk": "^0.27"}}')
    # A large lock file that holds a package name but is no TOML: a recorded skip.
    (root / "svc" / "poetry.lock").write_text(
        '[[package]]\nname = "transformers"\n' + "x=" * 200_000
    )
    small = '[[package]]\nname = "anthropic"\nversion = "0.34.0"\n'
    (root / "poetry.lock").write_text(small)
    assert (root / "web" / "package-lock.json").stat().st_size > dependencies._APART_BYTES
    return root


def _run(root: Path) -> tuple[list[str], list[str]]:
    tree = Tree.walk(root)
    try:
        found = list(dependencies.discover(tree, DiscoverContext(include_tests=False)))
    finally:
        scanning.release_pool()
    return [repr(e) for e in found], [repr(s) for s in tree.skipped]


def test_a_large_lock_file_parsed_by_a_worker_gives_what_reading_it_here_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path / "app")
    submitted: list[Any] = []
    original = scanning.apart

    def counted(*args: Any, **kwargs: Any) -> Any:
        future = original(*args, **kwargs)
        submitted.append(future)
        return future

    monkeypatch.setattr(scanning, "workers", lambda: 2)
    monkeypatch.setattr(scanning, "apart", counted)
    pooled = _run(root)
    assert len(submitted) == 2 and all(f is not None for f in submitted)  # the two large locks
    monkeypatch.setattr(scanning, "workers", lambda: 1)
    here = _run(root)
    assert pooled == here
    evidence, skips = pooled
    assert any("pkg:npm/openai@4.56.0" in e for e in evidence)
    assert any("pkg:pypi/anthropic@0.34.0" in e for e in evidence)
    assert any("svc/poetry.lock" in s for s in skips)  # unreadable TOML, said so
    assert any("missing.txt" in s for s in skips)


def test_large_lock_files_read_ahead_are_bounded_in_bytes_held(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Many large lock files (a hostile repository's 50 MB ones compress to nothing in git):
    # only a bounded number of bytes is read ahead and held until the source's turn; the
    # rest is read in turn, one at a time, and every file still gives its package.
    root = tmp_path / "app"
    for i in range(8):
        (root / f"p{i}").mkdir(parents=True)
        filler = {f"node_modules/pad-{j}": {"version": "1.0.0"} for j in range(6_000)}
        packages = {"": {"name": f"p{i}"}, **filler, "node_modules/openai": {"version": f"4.{i}.0"}}
        lock = {"name": f"p{i}", "lockfileVersion": 3, "packages": packages}
        (root / f"p{i}" / "package-lock.json").write_text(json.dumps(lock, indent=2))
    size = (root / "p0" / "package-lock.json").stat().st_size
    assert size > dependencies._APART_BYTES
    monkeypatch.setattr(dependencies, "_APART_BUDGET", 3 * size + 10)
    monkeypatch.setattr(scanning, "workers", lambda: 2)
    ahead: list[int] = []
    original = scanning.apart

    def counted(rel: str, data: bytes, *args: Any, **kwargs: Any) -> Any:
        ahead.append(len(data))
        return original(rel, data, *args, **kwargs)

    monkeypatch.setattr(scanning, "apart", counted)
    evidence, _ = _run(root)
    assert len(ahead) == 3 and sum(ahead) <= 3 * size + 10  # eight before: all of them held
    assert sum("pkg:npm/openai@4." in e for e in evidence) == 8
