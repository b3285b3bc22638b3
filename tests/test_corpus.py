"""The labelled corpus: recall and precision of code/config/dependency discovery.

Exact, not a threshold: every labelled reference must be found and nothing else, except
the known misses and extras pinned below (each with why), so a regression cannot hide
under a percentage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.model import Evidence
from gate.pipeline import discover

CORPUS = Path(__file__).resolve().parent / "corpus"
SOURCES = ["python", "javascript", "configs", "dependencies"]


def _found(include_tests: bool = False) -> list[Evidence]:
    tree = Tree.walk(CORPUS)
    found = discover(tree, DiscoverContext(include_tests=include_tests), names=SOURCES)
    # The one file the corpus cannot read is one it names but does not hold.
    assert [(s.path, s.reason) for s in tree.skipped] == [
        (
            "deps/requirements-dev.txt",
            "included by deps/requirements.txt:5 (-r) but not in the scanned tree: not read",
        )
    ]
    return found


def _matches(ev: Evidence, row: dict[str, Any]) -> bool:
    if (ev.location.path, ev.location.line, ev.identity) != (
        row["path"],
        row["line"],
        row["identity"],
    ):
        return False
    if ev.confidence.value != row["confidence"]:
        return False
    return all(ev.attributes.get(k) == v for k, v in row.get("attributes", {}).items())


# (path, line, identity) of labelled references the scan does not find yet, with why.
KNOWN_MISSES: dict[tuple[str, int, str], str] = {}
# (path, line, identity, confidence) the scan reports that no label names, with why.
KNOWN_EXTRAS: dict[tuple[str, int, str, str], str] = {}


def test_recall_and_precision_on_the_labelled_corpus() -> None:
    doc = json.loads((CORPUS / "expected.json").read_text())
    expected: list[dict[str, Any]] = doc["expected"]
    found = _found()
    matched_expected = [row for row in expected if any(_matches(ev, row) for ev in found)]
    matched_found = [ev for ev in found if any(_matches(ev, row) for row in expected)]
    recall = len(matched_expected) / len(expected)
    precision = len(matched_found) / len(found)
    files = sum(1 for p in CORPUS.rglob("*") if p.is_file() and p.name != "expected.json")
    print(
        f"\ncorpus: {files} files, {len(expected)} labelled references, {len(found)} found;"
        f" recall {recall:.3f}, precision {precision:.3f}"
    )
    missed = {
        (row["path"], row["line"], row["identity"])
        for row in expected
        if row not in matched_expected
    }
    extra = {
        (ev.location.path, ev.location.line or 0, ev.identity, ev.confidence.value)
        for ev in found
        if ev not in matched_found
    }
    assert files == 85
    assert len(expected) == 143
    assert missed == set(KNOWN_MISSES), f"missed: {sorted(missed)}"
    assert extra == set(KNOWN_EXTRAS), f"unexpected: {sorted(extra)}"


def test_hard_negatives_yield_nothing() -> None:
    doc = json.loads((CORPUS / "expected.json").read_text())
    found = _found()
    for path in doc["negatives"]:
        assert not [ev for ev in found if ev.location.path == path], path
    # Inside files that do name a model: what they must not be taken for.
    for row in doc["must_not_find"]:
        wrong = [
            ev for ev in found if (ev.location.path, ev.identity) == (row["path"], row["identity"])
        ]
        assert not wrong, row["why"]


def test_include_tests_reads_tests_and_docs_and_marks_them() -> None:
    found = _found(include_tests=True)
    scoped = {
        ev.location.path: ev.attributes.get("scope") for ev in found if "scope" in ev.attributes
    }
    assert scoped == {
        "tests/test_llm.py": "test",
        "js/tests/chat.test.ts": "test",
        "docs/examples/quickstart.py": "docs",
    }
