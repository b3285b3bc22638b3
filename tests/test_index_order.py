"""The index's own handling of assignments (children reached without the generic field
loop, plain-name targets not looked up) reaches the same nodes in the same order as the
generic walk of every field (``Indexer._index``)."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest

from gate.discover.python import index
from gate.discover.python.analyser import Analyser
from gate.discover.python.scopes import Scope
from gate.model import Location
from tests.suitesrc import suite_python

SOURCE = textwrap.dedent(
    """
    import os
    a = b = make(model="gpt-4o")
    x[f(1)] = {"model": "gpt-4o-mini", "k": g(2)}
    obj.attr[h(3)], (p, *q) = [{"m": 1}], (i(4), j(5))
    self.client = OpenAI(base_url=os.getenv("U", "http://x"))
    m = (n := k(6)) or {"llm": "claude"}
    class C(Base):
        def __init__(self, model="x"):
            super().__init__(model=model, api={"a": z(7)})
            out[sel(8)] = [w(9) for w in ws if w(10)]
    """
)


def _snippets() -> Iterator[str]:
    yield SOURCE
    yield from suite_python(lambda text: "=" in text and "(" in text)


def _indexed(source: str) -> list[list[Any]]:
    module = ast.parse(source)
    analyser = Analyser(module, source, source.splitlines(), lambda a, b: Location("m", a, b), "")
    analyser._index(module, analyser.root, None)
    out = [
        [id(c) for c, _ in analyser.calls],
        [(id(d), id(o)) for d, _, o in analyser.dicts],
        [(n, id(v)) for n, v, _ in analyser.generic_assigns],
        [(id(c), id(k)) for c, k, _ in analyser.keyword_sites],
        sorted((s.name, sorted(s.assigns), sorted(s.self_attrs)) for s in analyser.scopes.values()),
    ]
    analyser.release()
    return [out, [module]]  # the module kept alive while ids are compared


def _generic_assign(
    indexer: index.Indexer, node: ast.Assign, scope: Scope, call: ast.Call | None
) -> None:
    for target in node.targets:
        indexer._bind(target, node.value, scope)
    indexer._index(node, scope, call)


def test_assignments_are_indexed_as_the_generic_walk_indexes_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sources = list(_snippets())
    assert len(sources) > 50
    for source in sources:
        mine, keep = _indexed(source)
        with monkeypatch.context() as patch:
            patch.setitem(index._HANDLERS, ast.Assign, _generic_assign)
            patch.setitem(index._DISPATCH, ast.Assign, _generic_assign)
            theirs, keep2 = _indexed(source)
        # ids differ between two parses: compare positions of the nodes instead
        assert _shape(mine, keep[0]) == _shape(theirs, keep2[0]), source


def _shape(lists: list[Any], module: ast.Module) -> list[Any]:
    where = {id(n): (getattr(n, "lineno", 0), getattr(n, "col_offset", 0), type(n).__name__)
             for n in ast.walk(module)}  # fmt: skip

    def place(item: Any) -> Any:
        if isinstance(item, tuple):
            return tuple(place(i) for i in item)
        return where.get(item, item) if isinstance(item, int) else item

    return [[place(i) for i in part] for part in lists[:4]] + [lists[4]]
