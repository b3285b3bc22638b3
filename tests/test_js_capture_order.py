"""The JS/TS analysis reads its query's captures in document order, whatever order
py-tree-sitter lists them in (issue 15: that order varies between processes and with what a
process analysed before, and one file's evidence changed with it)."""

from __future__ import annotations

import textwrap

import pytest
import tree_sitter

from gate.discover import javascript

# Two bindings lead to the one model literal: the constant's own (first in the file) and a
# variable in a function below it; the first read consumes the literal.
_SOURCE = textwrap.dedent(
    """
    const DEFAULT_MODEL = 'openai:gpt-4o-mini'

    export async function POST(req: Request) {
      const modelFromCookie = req.headers.get('selected-model')
      const model = modelFromCookie || DEFAULT_MODEL
      return model
    }
    """
).encode()


def _keys(data: bytes) -> list[tuple[str, str | None]]:
    found = javascript.analyse_file("app/route.ts", data, pending=True).evidence
    return sorted((ev.identity, ev.attributes.get("key")) for ev in found)


_CURSOR = tree_sitter.QueryCursor


class _Reversed:
    """A query cursor listing every capture's nodes backwards (an order py-tree-sitter
    may give)."""

    def __init__(self, query: tree_sitter.Query) -> None:
        self._cursor = _CURSOR(query)

    def captures(self, node: tree_sitter.Node) -> dict[str, list[tree_sitter.Node]]:
        return {name: nodes[::-1] for name, nodes in self._cursor.captures(node).items()}


def test_the_binding_first_in_the_file_names_the_model() -> None:
    assert _keys(_SOURCE) == [("api:openai/gpt-4o-mini", "DEFAULT_MODEL")]


def test_evidence_does_not_depend_on_the_order_captures_are_listed_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = _keys(_SOURCE)
    monkeypatch.setattr(tree_sitter, "QueryCursor", _Reversed)
    assert _keys(_SOURCE) == expected
