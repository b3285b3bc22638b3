"""Scanned JSON, TOML and YAML files parsed safely: a file that cannot be read is a reason.

Every discovery source reads files it does not trust. A malformed, deeply nested or
hostile file (a YAML alias bomb, ten thousand nested brackets, a 5,000-digit number) must
become a recorded skip, never an exception that stops the scan nor a parse that never ends.
YAML goes through libyaml (``CSafeLoader``) when PyYAML was built with it, which also caps
nesting at 1,000 levels; the nodes YAML aliases add are counted before anything walks the
document (the same budget as :mod:`gate.yamlfile`, whose checks these are).
"""

from __future__ import annotations

import contextlib
import json
import re
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import yaml

from gate.heap import cycles_held
from gate.yamlfile import ALIAS_NODES, SAFE_LOADER, alias_problem

MAX_TEXT = 50_000_000
"""Characters any one parse may take (the largest lock file a source reads)."""

_HELD_CHARS = 100_000
"""From this size a parse runs with the cyclic collector held off: a lock file's hundred
thousand nodes and values (all acyclic, freed by reference counting) made the collector walk
them again and again, 60% of the parse (vercel/ai's 1.8 MB pnpm-lock.yaml: 0.97 → 0.38 s)."""

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


def _held(text: str) -> contextlib.AbstractContextManager[None]:
    return cycles_held() if len(text) >= _HELD_CHARS else contextlib.nullcontext()


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
        with _held(text):
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


# --------------------------------------------------------------------------------------
# one parse per file and scan

_memo: dict[tuple[str, str], Parsed] | None = None
"""Parsed documents of the files two sources read, by format and text, during a scan."""
_sharing = False


@contextmanager
def parses_shared() -> Iterator[None]:
    """Within (one scan's discovery), a document parsed under :func:`share` by one source is
    not parsed again by another: ``pyproject.toml`` (configs and dependencies), a workflow
    (configs and assistants). Only those are kept, in this process, until the scan ends."""
    global _memo
    previous, _memo = _memo, {}
    try:
        yield
    finally:
        _memo = previous


@contextmanager
def share() -> Iterator[None]:
    """Parses within are of a file another source reads too: kept for it (see above)."""
    global _sharing
    previous, _sharing = _sharing, True
    try:
        yield
    finally:
        _sharing = previous


PARSES: dict[str, int] = {"toml": 0, "yaml": 0}
"""Documents parsed in this process, by format (a test counts them)."""


def _remembered(fmt: str, text: str, parse: Callable[[], Parsed]) -> Parsed:
    if not _sharing or _memo is None:
        return parse()
    key = (fmt, text)
    found = _memo.get(key)
    if found is None:
        found = _memo[key] = parse()
    return found


def toml_doc(text: str, *, limit: int = MAX_TEXT) -> Parsed:
    """A TOML document."""
    if (big := _too_big(text, limit)) is not None:
        return big
    return _remembered("toml", text, lambda: _toml(text))


def _toml(text: str) -> Parsed:
    PARSES["toml"] += 1
    try:
        with _held(text):
            return Parsed(tomllib.loads(text))
    except (ValueError, RecursionError, MemoryError) as exc:
        return Parsed(problem=_limits("TOML", exc))


def yaml_nodes(text: str, *, limit: int = MAX_TEXT) -> Parsed:
    """Every document of a YAML stream as composed nodes (with their line marks), or why
    not. Aliases stay shared nodes; a stream whose aliases would add more than
    :data:`ALIAS_NODES` nodes to a walk, or that refers to itself, is refused."""
    if (big := _too_big(text, limit)) is not None:
        return big
    return _remembered("yaml", text, lambda: _yaml_nodes(text))


def _yaml_nodes(text: str) -> Parsed:
    PARSES["yaml"] += 1
    with _held(text):
        return _composed(text)


def _composed(text: str) -> Parsed:
    loader = SAFE_LOADER(text)
    try:
        nodes: list[yaml.Node] = []
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            problem = alias_problem(node)
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
    if _sharing and _memo is not None:
        composed = _remembered("yaml", text, lambda: _yaml_nodes(text))
        if composed.ok and len(composed.value) <= 1:
            # The one document another source composed: only built into values here. A
            # stream it could not read, or of several documents, is parsed as below (the
            # error then is the one a single-document read gives).
            return _constructed(composed.value[0] if composed.value else None)
    PARSES["yaml"] += 1
    with _held(text):
        return _single(text)


def _single(text: str) -> Parsed:
    return _one_node(text, lambda node, loader: Parsed(loader.construct_document(node)))


def _one_node(text: str, then: Callable[[yaml.Node, Any], Parsed]) -> Parsed:
    """``then(node, loader)`` of a single-document stream's node: None for an empty stream,
    the problem of one with too many aliases or that YAML refuses (``then``'s too)."""
    loader = SAFE_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Parsed(None)
        problem = alias_problem(node)
        if problem is not None:
            return Parsed(problem=problem)
        return then(node, loader)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError, MemoryError) as exc:
        # TypeError/ValueError: constructors of odd scalars (a 13th month in a timestamp).
        return Parsed(problem=_limits("YAML", exc))
    finally:
        loader.dispose()


def yaml_top(text: str, *, limit: int = MAX_TEXT) -> Parsed:
    """What :func:`yaml_doc` tells of a document when only its top level matters: the same
    problem for a document it refuses, else None for a document that is not a mapping, or
    its top-level string keys, each with whether its value is a mapping (``dict``).

    The values are not built when the composed nodes show that building them cannot fail
    (plain mappings with scalar keys, sequences, strings, nulls and booleans; the other
    scalars built one by one): a lock file of 100,000 values is only checked (vercel/ai's
    1.8 MB pnpm-lock.yaml: 0.16 of its 0.39 s went to building values nobody read).
    Anything else is built as yaml_doc builds it, so the answer and any error are its own.
    """
    if (big := _too_big(text, limit)) is not None:
        return big
    PARSES["yaml"] += 1
    with _held(text):
        return _top(text)


_TAG = "tag:yaml.org,2002:"
_MAP, _SEQ, _STR, _MERGE, _VALUE = (_TAG + t for t in ("map", "seq", "str", "merge", "value"))
_BUILT_ONE_BY_ONE = frozenset(_TAG + t for t in ("int", "float", "binary", "timestamp"))


def _top(text: str) -> Parsed:
    return _one_node(text, _top_keys)


def _top_keys(node: yaml.Node, loader: Any) -> Parsed:
    if not _builds(node, loader):
        doc = loader.construct_document(node)
        if not isinstance(doc, dict):
            return Parsed(None)
        return Parsed({k: isinstance(v, dict) for k, v in doc.items() if isinstance(k, str)})
    if not isinstance(node, yaml.MappingNode) or node.tag != _MAP:
        return Parsed(None)
    top: dict[str, bool] = {}
    for key, value in node.value:  # a later duplicate wins, as in the built dict
        if key.tag in (_STR, _VALUE):
            top[key.value] = isinstance(value, yaml.MappingNode) and value.tag == _MAP
    return Parsed(top)


def _builds(root: yaml.Node, loader: Any) -> bool:
    """Whether ``loader.construct_document(root)`` surely returns (True), or may raise
    (False: then it is called, and raises or not as it will). Only the safe loader's own
    constructors are vouched for; a merge key, a non-scalar key (unhashable once built),
    an unknown tag or a scalar its constructor refuses is left to the constructor."""
    made = loader.yaml_constructors
    safe = yaml.SafeLoader
    if (
        made.get(_STR) is not safe.construct_yaml_str
        or made.get(_TAG + "null") is not safe.construct_yaml_null
        or made.get(_TAG + "bool") is not safe.construct_yaml_bool
        or made.get(_MAP) is not safe.construct_yaml_map
        or made.get(_SEQ) is not safe.construct_yaml_seq
    ):
        return False
    infallible = {_STR, _TAG + "null"}
    booleans = safe.bool_values
    stack = [root]
    while stack:
        node = stack.pop()
        tag = node.tag
        if isinstance(node, yaml.ScalarNode):
            if tag in infallible:
                continue
            if tag == _TAG + "bool":
                if node.value.lower() not in booleans:
                    return False
                continue
            if tag not in _BUILT_ONE_BY_ONE or made.get(tag) is None:
                return False
            try:
                made[tag](loader, node)
            except Exception:
                return False
        elif isinstance(node, yaml.MappingNode):
            if tag != _MAP:
                return False
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode) or key.tag == _MERGE:
                    return False
                if key.tag != _VALUE:  # "=" is built as the string "="
                    stack.append(key)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            if tag != _SEQ:
                return False
            stack.extend(node.value)
        else:
            return False
    return True


def _constructed(node: yaml.Node | None) -> Parsed:
    if node is None:
        return Parsed(None)
    loader = SAFE_LOADER("")
    try:
        return Parsed(loader.construct_document(node))
    except (yaml.YAMLError, ValueError, TypeError, RecursionError, MemoryError) as exc:
        return Parsed(problem=_limits("YAML", exc))
    finally:
        loader.dispose()


__all__ = [
    "ALIAS_NODES",
    "MAX_TEXT",
    "SAFE_LOADER",
    "Parsed",
    "alias_problem",
    "json_doc",
    "parses_shared",
    "share",
    "toml_doc",
    "yaml_doc",
    "yaml_nodes",
    "yaml_top",
]
