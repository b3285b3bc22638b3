"""Scanned JSON, TOML and YAML files parsed safely: a file that cannot be read is a reason.

Every discovery source reads files it does not trust. A malformed, deeply nested or
hostile file (a YAML alias bomb, ten thousand nested brackets, a 5,000-digit number) must
become a recorded skip, never an exception that stops the scan nor a parse that never ends.
YAML goes through libyaml (``CSafeLoader``) when PyYAML was built with it, which also caps
nesting at 1,000 levels; the nodes YAML aliases add are counted before anything walks the
document.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import yaml

MAX_TEXT = 50_000_000
"""Characters any one parse may take (the largest lock file a source reads)."""

ALIAS_NODES = 100_000
"""Nodes YAML aliases may add to a document beyond those written in it. Real configs share
a few anchors (``<<: *defaults``); a billion-laughs file multiplies them without end."""

_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_JSONC = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/', re.DOTALL)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed document, or why it could not be parsed (the reason a skip records)."""

    value: Any = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """True when the document was parsed."""
        return self.problem is None


def _too_big(text: str, limit: int) -> Parsed | None:
    if len(text) > limit:
        return Parsed(problem=f"larger than {limit} characters: not parsed")
    return None


def _limits(fmt: str, exc: BaseException) -> str:
    if isinstance(exc, RecursionError):
        return f"{fmt} nested too deeply to parse"
    if isinstance(exc, MemoryError):
        return f"{fmt} too large to parse in memory"
    return f"invalid {fmt}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def json_doc(text: str, *, jsonc: bool = False, limit: int = MAX_TEXT) -> Parsed:
    """A JSON document; ``jsonc`` also accepts comments and trailing commas (VS Code style)."""
    if (big := _too_big(text, limit)) is not None:
        return big
    try:
        return Parsed(json.loads(text))
    except json.JSONDecodeError as exc:
        if jsonc:
            stripped = _JSONC.sub(lambda m: m.group(0) if m.group(0)[0] == '"' else "", text)
            again = json_doc(_TRAILING_COMMA.sub(r"\1", stripped), limit=limit)
            if again.ok:
                return again
        return Parsed(problem=f"invalid JSON at line {exc.lineno}: {exc.msg}")
    except (ValueError, RecursionError, MemoryError) as exc:
        # ValueError beyond JSONDecodeError: an integer of more than 4,300 digits.
        return Parsed(problem=_limits("JSON", exc))


def toml_doc(text: str, *, limit: int = MAX_TEXT) -> Parsed:
    """A TOML document."""
    if (big := _too_big(text, limit)) is not None:
        return big
    try:
        return Parsed(tomllib.loads(text))
    except (ValueError, RecursionError, MemoryError) as exc:
        return Parsed(problem=_limits("TOML", exc))


def yaml_nodes(text: str, *, limit: int = MAX_TEXT) -> Parsed:
    """Every document of a YAML stream as composed nodes (with their line marks), or why
    not. Aliases stay shared nodes; a stream whose aliases would add more than
    :data:`ALIAS_NODES` nodes to a walk, or that refers to itself, is refused."""
    if (big := _too_big(text, limit)) is not None:
        return big
    loader = _SAFE_LOADER(text)
    try:
        nodes: list[yaml.Node] = []
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            problem = _alias_problem(node)
            if problem is not None:
                return Parsed(problem=problem)
            nodes.append(node)
        return Parsed(nodes)
    except (yaml.YAMLError, ValueError, RecursionError, MemoryError) as exc:
        return Parsed(problem=_limits("YAML", exc))
    finally:
        loader.dispose()


def yaml_doc(text: str, *, limit: int = MAX_TEXT) -> Parsed:
    """A single YAML document as Python values (``yaml.safe_load`` with the alias budget)."""
    if (big := _too_big(text, limit)) is not None:
        return big
    loader = _SAFE_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Parsed(None)
        problem = _alias_problem(node)
        if problem is not None:
            return Parsed(problem=problem)
        return Parsed(loader.construct_document(node))
    except (yaml.YAMLError, ValueError, TypeError, RecursionError, MemoryError) as exc:
        # TypeError/ValueError: constructors of odd scalars (a 13th month in a timestamp).
        return Parsed(problem=_limits("YAML", exc))
    finally:
        loader.dispose()


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value
    elif isinstance(node, yaml.SequenceNode):
        yield from node.value


def _alias_problem(root: yaml.Node) -> str | None:
    """Why walking a composed document would not end in reasonable time, if it would not.

    The size of the document with every alias expanded is summed bottom-up, each distinct
    node once (an iterative walk: deep documents must not exhaust the stack).
    """
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] - len(sizes) > ALIAS_NODES:
                return f"YAML aliases expand to more than {ALIAS_NODES} further nodes: not read"
            continue
        if key in sizes:
            continue
        if key in on_path:
            return "a YAML alias refers to the node that contains it: not read"
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
    return None


SAFE_LOADER = _SAFE_LOADER
"""The YAML loader every reader of untrusted YAML uses (libyaml's when available)."""


def alias_problem(root: yaml.Node) -> str | None:
    """Why a composed YAML document's aliases make it unsafe to walk, or None (policy files
    and waivers use the same budget as scanned files)."""
    return _alias_problem(root)
