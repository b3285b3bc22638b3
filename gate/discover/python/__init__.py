"""Python code that names models, read with ``ast``: SDK calls, hub downloads, clients.

Calls are recognised by their qualified name as imported (``data/python_calls.yaml``) or,
for client methods, by the client they are called on. Model arguments are followed through
simple data flow within one module: variables, module constants, default arguments, class
attributes (``self.x`` set anywhere in the class), pydantic settings fields, environment
defaults (``os.getenv("X", "default")``, medium confidence), f-strings and ``+`` with
constant parts, loops over constant lists, dict look-ups with constant keys, local helper
functions' return values and call-site arguments. What is not followed is in
``docs/references.md``.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from typing import overload

from gate.discover import refs, scanning
from gate.discover.base import DiscoverContext
from gate.discover.python import across, imports, recover
from gate.discover.python.analyser import Analyser
from gate.discover.python.tables import declared_encoding, needles, worth_parsing
from gate.discover.tree import Tree
from gate.model import Evidence, Location

__all__ = [
    "NAME",
    "SUFFIXES",
    "Analyser",
    "analyse_file",
    "begin",
    "discover",
    "needles",
    "worth_parsing",
]

NAME = "python"
SUFFIXES = (".py", ".pyw")


# --- discovery ---------------------------------------------------------------------------


def discover(tree: Tree, ctx: DiscoverContext) -> Iterator[Evidence]:
    """Yield model references found in the tree's Python files."""
    yield from begin(tree, ctx)()()


def begin(tree: Tree, ctx: DiscoverContext) -> Callable[[], Callable[[], list[Evidence]]]:
    """:func:`discover` in three steps (as ``javascript.begin``), so that this process runs
    the other sources while the workers parse: now, the files are read and filtered and
    their batches handed to the workers; in the source's turn, the files it could not read
    and the scan's note are recorded; the function that step returns waits for the
    analysis, follows values through the app's other modules and gives the evidence. The
    files recorded as not read from then on are put where the source's turn left them, so
    the tree's list of skips reads as if the source had run whole in its turn."""
    reads = refs.readable(tree, ctx.include_tests)
    files = [f for f in tree.files if f.suffix in SUFFIXES and reads(f.rel)]
    submitted = scanning.submit(tree, files, needles(), _analyse_app_file)

    def turn() -> Callable[[], list[Evidence]]:
        for rel, reason in submitted.take_unread():
            tree.skip(rel, reason)
        place = len(tree.skipped)
        refs.finish(tree, ctx, [])  # the scan note it adds, in this source's turn

        def finish() -> list[Evidence]:
            mark = len(tree.skipped)
            ctx.observer.stage("python code", len(files))
            found, _ = submitted.collect(ctx.observer)
            ctx.observer.done()
            parsed: dict[str, ast.Module | None] = {}  # modules both passes read, parsed once
            found = across.through_app_modules(tree, found, parsed)
            found = imports.hub_through_local_imports(tree, found, parsed, submitted.imports)
            found = imports.endpoints_through_imports(tree, found, parsed)
            found = refs.finish(tree, ctx, found)
            late = tree.skipped[mark:]
            del tree.skipped[mark:]
            tree.skipped[place:place] = late
            return found

        return finish

    return turn


def _analyse_app_file(rel: str, data: bytes) -> scanning.Outcome:
    """:func:`analyse_file`, keeping what only the app's other modules can resolve."""
    return analyse_file(rel, data, pending=True)


def analyse_file(rel: str, data: bytes, *, pending: bool = False) -> scanning.Outcome:
    """Parse one Python file and return its model references (a module-level function).
    ``pending``: also the calls whose model or client another module of the app binds, as
    placeholders :func:`across.through_app_modules` resolves (or drops)."""
    if not worth_parsing(data):
        return scanning.Outcome()
    text = data.decode(declared_encoding(data) or "utf-8", errors="replace")
    lines = _Lines(text)

    def locate(line: int, column: int) -> Location:
        return Location(rel, line=line, column=column)

    try:
        module = ast.parse(text, filename=rel)
    except SyntaxError as exc:
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        where = f" (line {exc.lineno})" if exc.lineno else ""
        reason = f"not parseable by Python {version}{where}: {exc.msg}"
        # One syntax error must not silence a whole settings module: read what still parses
        # (statement by statement), marked as recovered, and say which lines were not read.
        recovered = recover.recover(text)
        if recovered is None:
            return scanning.Outcome(skipped=[(rel, reason)])
        found = _run(Analyser(recovered.module, text, lines, locate, source=NAME))
        marked = [replace(ev, attributes={**ev.attributes, "recovered": True}) for ev in found]
        return scanning.Outcome(evidence=marked, skipped=[(rel, f"{reason}; {recovered.note()}")])
    except (ValueError, RecursionError, MemoryError) as exc:
        return scanning.Outcome(skipped=[(rel, f"cannot parse: {type(exc).__name__}")])
    try:
        found = _run(Analyser(module, text, lines, locate, source=NAME), pending=pending)
    except RecursionError:
        # A tree ast.parse accepts can still be deeper than the analysis recurses (a chain of
        # a thousand `"a" + "a" + ...`): the file is recorded as not read, not a crashed scan.
        return scanning.Outcome(skipped=[(rel, "cannot analyse: nested too deeply")])
    # A module with evidence may be re-read by the cross-module pass for its imports
    # (imports.hub_through_local_imports): they go back with the evidence, read from the
    # tree parsed here, instead of a second parse in the main process after the workers.
    roots = imports.import_roots(module) if pending and found else None
    return scanning.Outcome(evidence=found, imports=roots)


class _Lines(Sequence[str]):
    """``text.splitlines()``, split on first use: only a module that yields evidence reads
    its lines (for columns), and splitting every candidate cost a twentieth of its parse."""

    __slots__ = ("_lines", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._lines: list[str] | None = None

    def _split(self) -> list[str]:
        if self._lines is None:
            self._lines = self._text.splitlines()
        return self._lines

    def __len__(self) -> int:
        return len(self._split())

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        return self._split()[index]


def _run(analyser: Analyser, *, pending: bool = False) -> list[Evidence]:
    """The analysis's evidence (and its placeholders for other modules when ``pending``),
    then the syntax tree freed at once (the index's scopes hold cycles)."""
    try:
        found = analyser.run()
        if pending:
            found += across.placeholders(analyser)
        return found
    finally:
        analyser.release()
