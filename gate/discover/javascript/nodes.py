"""Values, clients and syntax-node helpers of the JS/TS analysis."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

import tree_sitter

from gate.discover.calltable import (
    CallSpec,
)
from gate.discover.driver import weakest
from gate.model import Confidence

NAME = "javascript"
SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
_MAX_DEPTH = 8
_MAX_VALUES = 16
_MAX_BINDINGS = 8
"""A name bound more often than this (minified code reuses ``e``, ``t``...) is unknown."""
_MINIFIED_LINE = 1000
_BUDGET = 20_000
"""Value look-ups one file may cost: a bound on pathological code, far above real files."""
_WRAPPERS = frozenset(
    {"parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"}
    | {"await_expression", "type_assertion"}
)
_STRINGISH = frozenset({"string", "template_string", "identifier", "shorthand_property_identifier"})
_STATE_HOOKS = frozenset({"useState", "useLocalStorage", "useSessionStorage", "ref", "signal"})
_HTTP_CALLS = frozenset({"fetch", "axios", "axios.post", "ky.post", "got.post", "$fetch"})


class Columns:
    """1-based character columns of a file's byte points (tree-sitter's ``start_point``):
    where a long line's multi-byte characters are is read once, so n sites on one long line
    (a bundled template, a data literal) cost n·log(length) rather than n·length."""

    _SHORT = 256
    """Up to this many bytes into a line, decoding the prefix is as cheap as looking up."""

    def __init__(self, lines: Sequence[bytes]) -> None:
        self.lines = lines
        self._tails: dict[int, list[int] | None] = {}

    def at(self, row: int, col: int) -> int:
        """The column of byte ``col`` of line ``row`` (0-based), counted in characters."""
        line = self.lines[row] if row < len(self.lines) else b""
        if col > self._SHORT:
            if row not in self._tails:
                self._tails[row] = _continuation_bytes(line)
            tails = self._tails[row]
            if tails is not None:
                return col - bisect_left(tails, col) + 1
        return len(line[:col].decode("utf-8", errors="replace")) + 1


def _continuation_bytes(line: bytes) -> list[int] | None:
    """Offsets of a line's UTF-8 continuation bytes (not characters of their own), or None
    when the line is not valid UTF-8 (its columns are then counted by decoding)."""
    if line.isascii():
        return []
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return [m.start() for m in _CONTINUATION.finditer(line)]


_CONTINUATION = re.compile(rb"[\x80-\xbf]")


@dataclass(frozen=True, slots=True)
class _Val:
    text: str
    node: tree_sitter.Node
    confidence: Confidence
    flow: str
    env_var: str | None = None
    partial: bool = False


_weakest = weakest


def _text(node: tree_sitter.Node | None) -> str:
    # Node.text copies the node's bytes out of the source on every access: taken once
    # (twice was a twelfth of the JS/TS analysis on vercel/ai).
    raw = node.text if node is not None else None
    # positional: the keyword form costs twice as much, and this runs a million times a scan
    return "" if raw is None else raw.decode("utf-8", "replace")


def _string_value(node: tree_sitter.Node) -> str | None:
    if node.type != "string":
        return None
    raw = _text(node)
    return raw[1:-1] if len(raw) >= 2 else ""


def _unwrap(node: tree_sitter.Node | None) -> tree_sitter.Node | None:
    while node is not None and node.type in _WRAPPERS:
        node = node.named_children[0] if node.named_children else None
    return node


_SCOPES = frozenset(
    {"function_declaration", "function_expression", "arrow_function", "method_definition"}
    | {"program", "class_body"}
)


def _branches(node: tree_sitter.Node) -> frozenset[tuple[int, str]]:
    """The conditional branches enclosing a node, up to its function or program."""
    out: set[tuple[int, str]] = set()
    child, parent = node, node.parent
    while parent is not None and parent.type not in _SCOPES:
        if parent.type == "if_statement":
            cond = parent.child_by_field_name("condition")
            if cond is None or child.id != cond.id:
                cons = parent.child_by_field_name("consequence")
                arm = "then" if cons is not None and child.id == cons.id else "else"
                out.add((parent.id, arm))
        elif parent.type in ("switch_case", "switch_default", "catch_clause"):
            out.add((parent.id, "case"))
        elif parent.type == "ternary_expression":
            cond = parent.child_by_field_name("condition")
            if cond is None or child.id != cond.id:
                out.add((parent.id, str(child.id)))
        child, parent = parent, parent.parent
    return frozenset(out)


def _scope_of(node: tree_sitter.Node) -> int:
    """The id of the function (or program) a node belongs to."""
    parent = node.parent
    while parent is not None and parent.type not in _SCOPES:
        parent = parent.parent
    return parent.id if parent is not None else -1


@dataclass(frozen=True, slots=True)
class _Client:
    spec: CallSpec
    call: tree_sitter.Node | None
    qualname: str


def declared_functions(root: tree_sitter.Node) -> dict[bytes, tree_sitter.Node]:
    """Every function a file declares, by name: ``function name(...)`` (its declaration) or
    ``const name = (...) => ...`` / ``= function (...)`` (the function value); the first in
    source order wins."""
    return declarations(root)[0]


def declarations(
    root: tree_sitter.Node,
) -> tuple[dict[bytes, tree_sitter.Node], dict[bytes, tree_sitter.Node]]:
    """A file's functions (as :func:`declared_functions`) and the constants it binds to a call
    (``export const gemini = createGoogleGenerativeAI({...})``: the call), by name, first in
    source order, found in one walk of the syntax tree ``root``: a file asked about thousands
    of names is not walked once per name (quadratic on crafted input)."""
    functions: dict[bytes, tree_sitter.Node] = {}
    values: dict[bytes, tree_sitter.Node] = {}
    default: tree_sitter.Node | None = None
    stack = [root]
    while stack:
        node = stack.pop()
        if default is None:
            default = _default_export(node)
        if node.type == "function_declaration":
            ident = node.child_by_field_name("name")
            if ident is not None and ident.text is not None:
                functions.setdefault(ident.text, node)
        elif node.type == "variable_declarator":
            ident = node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if ident is not None and ident.text is not None and value is not None:
                if value.type in ("arrow_function", "function_expression", "function"):
                    functions.setdefault(ident.text, value)
                elif value.type in ("call_expression", "new_expression"):
                    values.setdefault(ident.text, value)
        stack.extend(reversed(node.children))
    if default is not None:
        # The module's default export, under the name an import of it is given (`default`).
        if default.type == "identifier" and default.text is not None:
            named = functions.get(default.text)
            if named is not None:
                functions.setdefault(_DEFAULT, named)
            elif default.text in values:
                values.setdefault(_DEFAULT, values[default.text])
        elif default.type in _FUNCTIONS:
            functions.setdefault(_DEFAULT, default)
        elif default.type in ("call_expression", "new_expression"):
            values.setdefault(_DEFAULT, default)
    return functions, values


_DEFAULT = b"default"
_EXPORTS = b"module.exports"
_FUNCTIONS = ("arrow_function", "function_expression", "function", "function_declaration")


def _default_export(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The value a statement exports as the module's default (``export default x``,
    ``module.exports = x``), or None."""
    if node.type == "export_statement" and any(c.type == "default" for c in node.children):
        value = node.child_by_field_name("value") or node.child_by_field_name("declaration")
        return _unwrap(value) if value is not None else None
    if node.type == "assignment_expression":
        left = node.child_by_field_name("left")
        # the span's length first: `.text` copies it, and a left side may hold the whole
        # nest of assignments below it (`((x = 1).a = 1).a = 1`, quadratic in copies)
        if left is not None and left.end_byte - left.start_byte == 14 and left.text == _EXPORTS:
            right = node.child_by_field_name("right")
            return _unwrap(right) if right is not None else None
    return None
