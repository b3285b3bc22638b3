"""A source begun early (its batches with the workers while this process runs the other
sources: gate.discover.sources.EARLY) gives the evidence, skips and notes, in their places,
that running it in its turn gives."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from gate.discover import scanning, sources
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.pipeline import scanning as pipeline

CORPUS = Path(__file__).resolve().parent / "corpus"


def _tree(tmp_path: Path, python: bool) -> Path:
    root = tmp_path / "app"
    shutil.copytree(CORPUS, root)
    if not python:  # the JS source then is the first to note what the scan set aside
        shutil.rmtree(root / "py")
        for path in root.rglob("*.py"):
            path.unlink()
    big = root / "js" / "huge.js"
    big.write_bytes(b"const model = 'gpt-4o';\n" + b"x" * (scanning.MAX_SOURCE_BYTES + 10))
    (root / "js" / "bundle.min.js").write_text("import OpenAI from 'openai';\n")
    if python:  # skips the Python source records: unread, from the workers, and late
        (root / "py" / "huge.py").write_bytes(
            b"from openai import OpenAI\n" + b"#" * (scanning.MAX_SOURCE_BYTES + 10)
        )
        (root / "py" / "broken.py").write_text(
            "from openai import OpenAI\nclient = OpenAI(\nmodel = 'gpt-4o'\n"
        )
        (root / "py" / "deep.py").write_text(
            "import openai\nx = " + "-" * 600 + "1\nmodel = 'gpt-4o'\n"
        )
    (root / "bad.json").write_text('{"model": "gpt-4o",\n')
    (root / "bad.yaml").write_text("model: [gpt-4o\n")
    return root


def _run(root: Path, early: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    if not early:
        monkeypatch.setattr(sources, "EARLY", ())
    tree = Tree.walk(root)
    ctx = DiscoverContext(include_tests=False, history="none")
    try:
        found = pipeline.discover(tree, ctx)
    finally:
        scanning.release_pool()
    return (
        [repr(e) for e in found],
        [repr(s) for s in tree.skipped],
        list(ctx.facts.notes),
        repr(ctx.facts.properties),
    )


@pytest.mark.parametrize("python", [True, False])
@pytest.mark.parametrize("pooled", [False, True])
def test_early_and_in_turn_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pooled: bool, python: bool
) -> None:
    root = _tree(tmp_path, python)
    if pooled:  # every batch of one file, and the pool from the first byte
        monkeypatch.setattr(scanning, "PARALLEL_MIN_BYTES", 0)
        monkeypatch.setattr(scanning, "_BATCH_BYTES", 1)
    with monkeypatch.context() as m:
        in_turn = _run(root, False, m)
    early = _run(root, True, monkeypatch)
    assert early == in_turn
    assert any("javascript" in e for e in early[0])
    assert any("huge.js" in s for s in early[1]) and any("bundle.min.js" in s for s in early[1])
    assert early[2]  # notes, in the order the sources added them
    if python:
        assert any("huge.py" in s for s in early[1]) and any("broken.py" in s for s in early[1])
