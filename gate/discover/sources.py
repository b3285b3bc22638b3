"""The explicit list of discovery sources, in the order they run."""

from __future__ import annotations

from collections.abc import Callable

from gate.discover import (
    assistants,
    configs,
    dependencies,
    javascript,
    modelcards,
    polyglot,
    python,
    weights,
)
from gate.discover.base import DiscoverContext, DiscoverFn
from gate.discover.tree import Tree
from gate.model import Evidence

SOURCES: tuple[tuple[str, DiscoverFn], ...] = (
    ("modelcards", modelcards.discover),
    ("python", python.discover),
    ("javascript", javascript.discover),
    ("polyglot", polyglot.discover),
    ("configs", configs.discover),
    ("dependencies", dependencies.discover),
    ("assistants", assistants.discover),
    ("weights", weights.discover),
)
"""(name, discover function) pairs; a test checks every module in the package is listed."""

EARLY: tuple[
    tuple[str, Callable[[Tree, DiscoverContext], Callable[[], Callable[[], list[Evidence]]]]],
    ...,
] = (
    ("dependencies", dependencies.begin),
    ("python", python.begin),
    ("javascript", javascript.begin),
)
"""Sources whose files go to the worker pool before any source runs (``begin`` reads and
submits; in the source's turn the function it returns records what the source records on
the tree and the scan's facts; the function that returns waits for the workers once every
other source has run): this process runs the sources of its own work (configs,
dependencies...) while the workers analyse. The evidence keeps its place among the
sources' (a test compares the two ways). The pool takes work in the order it comes: the
dependencies source's large lock files first (their parse is the longest single piece of
work, and that source's turn waits for it), then Python, whose analysis so ends before the
JS/TS files' and whose cross-module pass runs while the workers are still on those."""
