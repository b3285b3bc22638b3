"""import_roots reads statement lists only: the same roots as a walk of every node."""

from __future__ import annotations

import ast
import textwrap

from gate.discover.python.imports import import_roots


def _walked(module: ast.AST) -> frozenset[str]:
    roots: set[str] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".", 1)[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.module:
                roots.add(node.module.split(".", 1)[0])
            elif node.level:
                roots.update(alias.name for alias in node.names)
    return frozenset(roots)


def test_imports_at_every_depth_are_found() -> None:
    source = textwrap.dedent(
        """
        import a.x
        from . import sibling
        from .pkg import thing
        class C:
            import b
            def m(self):
                if x:
                    import c
                elif y:
                    from d.e import f
                else:
                    import g as h
        async def f():
            async with w:
                import i
            async for q in z:
                pass
            else:
                import j
        try:
            import k
        except* ValueError:
            import l
        try:
            pass
        except ImportError:
            import m
        else:
            import n
        finally:
            import o
        while True:
            break
        else:
            import p
        match v:
            case 1:
                import q
            case _:
                from r import s
        lam = lambda: __import__("not_a_statement")
        """
    )
    module = ast.parse(source)
    found = import_roots(module)
    assert found == _walked(module)
    every = "a sibling pkg b c d g i j k l m n o p q r"  # not_a_statement: a call, no import
    assert found == set(every.split())
