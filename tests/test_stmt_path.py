"""The enclosing statements of a node, found by position (``ValueReader.stmt_path``), are
those a walk up a map of every node's parent finds (the slow reference it replaced)."""

from __future__ import annotations

import ast
import textwrap

from gate.discover.python.analyser import Analyser

SOURCE = textwrap.dedent(
    """
    import os; MODEL = "a"; OTHER = "b"

    @decorate(lambda: MODEL)
    @other(x="c")
    def make(provider, model="d", *, key=lambda k: k or "e"):
        if provider == "groq":
            model = "llama3-8b-8192"; extra = [m for m in ("f", "g") if m]
        elif provider == "openai":
            model = "gpt-4o" if os.environ.get("X") else "gpt-4o-mini"
        else:
            for name in ("h", "i"):
                if name:
                    model = name
                else:
                    model = (lambda: "j")()
            while False:
                pass
            else:
                model = "k"
        try:
            client = make_client(model=model)
        except (ValueError, KeyError) as err:
            client = None
        else:
            client.ping()
        finally:
            done = True
        with open("x") as f, open("y") as g:
            data = f.read()
        match provider:
            case "deepseek" if model:
                model = "deepseek-chat"
            case {"kind": "qwen"}:
                model = "qwen-max"
            case _:
                pass
        return client

    class Settings:
        @property
        def name(self) -> str:
            if self: return "l"
            return "m"

    async def run():
        async for item in source():
            async with lock:
                if item == "openai":
                    await call(model="o1")
    """
)


def test_fast_path_agrees_with_the_parent_map_on_every_node() -> None:
    module = ast.parse(SOURCE)
    reader = Analyser(module, SOURCE, SOURCE.splitlines(keepends=True), lambda *a: None, "python")  # type: ignore[arg-type]
    checked = 0
    for node in ast.walk(module):
        if node is module:
            continue
        fast = reader.stmt_path(node)
        slow = reader._stmt_path_slow(node)
        assert fast is not None and slow is not None, ast.dump(node)[:80]
        assert [(id(s), w) for s, w in fast[0]] == [(id(s), w) for s, w in slow[0]], ast.dump(node)[
            :80
        ]
        assert fast[1] == slow[1], ast.dump(node)[:80]
        checked += 1
    assert checked > 200


def test_a_node_of_another_module_has_no_path() -> None:
    module = ast.parse(SOURCE)
    reader = Analyser(module, SOURCE, SOURCE.splitlines(keepends=True), lambda *a: None, "python")  # type: ignore[arg-type]
    stranger = next(n for n in ast.parse(SOURCE).body if isinstance(n, ast.FunctionDef))
    assert isinstance(stranger, ast.FunctionDef)
    assert reader.stmt_path(stranger.body[0]) is None
    assert reader.stmt_path(stranger.args.defaults[0]) is None


def test_branches_from_the_enclosing_definition_agree_with_the_whole_module_map() -> None:
    module = ast.parse(SOURCE)
    reader = Analyser(module, SOURCE, SOURCE.splitlines(keepends=True), lambda *a: None, "python")  # type: ignore[arg-type]
    top = {id(stmt) for stmt in module.body}
    placed = [n for n in ast.walk(module) if hasattr(n, "end_lineno") and id(n) not in top]
    near = [reader._branches(node) for node in placed]
    assert reader._parents is None  # no question about a placed node needed the whole map
    # A top-level statement, and a node with no position (found through the whole map).
    others = [n for n in ast.walk(module) if n is not module and not hasattr(n, "end_lineno")]
    nodes = placed + module.body + others
    near += [reader._branches(node) for node in module.body + others]
    reader._parent_map()
    assert near == [reader._branches(node) for node in nodes]
    assert sum(1 for b in near if b) > 20
