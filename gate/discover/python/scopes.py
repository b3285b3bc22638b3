"""Scopes, values and clients of one Python module, and small AST helpers."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from gate.discover import refs
from gate.discover.calltable import CallSpec
from gate.discover.driver import weakest
from gate.model import Confidence, Location

_MAX_DEPTH = 8
_MAX_VALUES = 16
_BUDGET = 20_000
"""Value look-ups one module may cost: a bound on pathological code, far above real files."""
_ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault", "os.getenvb"})
_VALIDATORS = frozenset({"model_validator", "root_validator", "pre_init", "validator"})
"""Decorators of pydantic (and LangChain's ``pre_init``) that fill a model's fields from a
``values`` dict."""
_FIELD_CALLS = ("Field", "field", "pydantic.Field", "dataclasses.field", "attr.ib", "attrs.field")
_PICKERS: dict[str, tuple[frozenset[str], str, int]] = {
    # UI widgets whose return value is one of their options: (widget names, options keyword,
    # options position). Streamlit's st.selectbox(label, options), gradio's
    # gr.Dropdown(choices), ipywidgets' Dropdown(options=...).
    "streamlit": (
        frozenset(
            {"selectbox", "radio", "select_slider", "multiselect", "pills", "segmented_control"}
        ),
        "options",
        1,
    ),
    "gradio": (frozenset({"Dropdown", "Radio", "CheckboxGroup"}), "choices", 0),
    "ipywidgets": (
        frozenset({"Dropdown", "RadioButtons", "Select", "ToggleButtons"}),
        "options",
        -1,
    ),
}
"""Widgets a user picks a value from (a model picker's options flow to the call it feeds)."""


def picker_options(qual: str, call: ast.Call) -> ast.expr | None:
    """The options expression of a UI picker call (``st.sidebar.selectbox("Model", [...])``)."""
    library, _, rest = qual.partition(".")
    spec = _PICKERS.get(library)
    if spec is None:
        return None
    names, keyword, position = spec
    if rest.rsplit(".", 1)[-1] not in names:
        return None
    found = _kw(call, keyword)
    if found is None and 0 <= position < len(call.args):
        found = call.args[position]
    return found


Locator = Callable[[int, int], Location]
"""(1-based line, 1-based column) → Location; notebooks map lines to cells."""


@dataclass(eq=False)
class Scope:
    """Bindings of one module, class or function body."""

    node: ast.AST
    kind: str
    parent: Scope | None
    name: str = ""
    assigns: dict[str, list[ast.expr]] = field(default_factory=dict)
    loops: dict[str, list[ast.expr]] = field(default_factory=dict)
    params: dict[str, ast.expr | None] = field(default_factory=dict)
    param_order: list[str] = field(default_factory=list)
    annotations: dict[str, ast.expr] = field(default_factory=dict)
    returns: list[ast.expr] = field(default_factory=list)
    self_attrs: dict[str, list[tuple[ast.expr, Scope]]] = field(default_factory=dict)
    bases: list[str] = field(default_factory=list)
    env_prefix: str = ""
    validator: bool = False
    """A pydantic validator (``values["client"] = ...`` sets the model's field)."""

    def enclosing_class(self) -> Scope | None:
        """The class a method belongs to."""
        scope: Scope | None = self
        while scope is not None:
            if scope.kind == "class":
                return scope
            scope = scope.parent
        return None

    def module(self) -> Scope:
        """The module scope."""
        scope = self
        while scope.parent is not None:
            scope = scope.parent
        return scope


@dataclass(frozen=True, slots=True)
class Val:
    """A string value an expression may take, and how sure the flow is."""

    text: str
    node: ast.AST
    confidence: Confidence
    flow: str
    env_var: str | None = None
    partial: bool = False
    sites: tuple[tuple[Scope, ast.Call], ...] = ()
    """The module's call sites (function, call) whose arguments carried the value: an
    endpoint argument of the same function is read at the same site (see _context)."""


@dataclass(frozen=True, slots=True)
class Client:
    """A client object: its constructor entry and the call that made it (None: annotated)."""

    spec: CallSpec
    call: ast.Call | None
    scope: Scope
    qualname: str


_weakest = weakest


def _at_most_medium(vals: Sequence[Val], flow: str, env_var: str | None = None) -> list[Val]:
    """Values that came through a default (environment, settings, ``.get``): a run may
    override them, so they are medium at most, and say through which variable."""
    return [
        replace(
            v,
            confidence=_weakest(v.confidence, Confidence.MEDIUM),
            flow=flow,
            env_var=env_var if env_var is not None else v.env_var,
        )
        for v in vals
    ]


_ENUM_BASES = frozenset({"Enum", "StrEnum"})


def is_catalogue_scope(cls: Scope) -> bool:
    """An enum whose name says it lists models (``class ModelName(str, Enum)``)."""
    return refs.is_catalogue_name(cls.name) or "model" in cls.name.lower()


def _within(node: ast.AST, body: Sequence[ast.stmt]) -> bool:
    return any(node is stmt for stmt in body)


def _is_none(expr: ast.expr | None) -> bool:
    return expr is None or (isinstance(expr, ast.Constant) and expr.value is None)


def _kw(call: ast.Call, name: str) -> ast.expr | None:
    for kw in call.keywords:
        if kw.arg == name:
            return kw.value
    return None


def _segment(text: str, node: ast.AST) -> str | None:
    segment = _source_segment(text, node)
    if segment is None:
        return None
    return re.sub(r"\s+", " ", segment)[:200]


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)")
_split: tuple[str, list[str]] = ("", [])
_OTHER_BREAKS = ("\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
"""Where ``str.splitlines`` ends a line and the parser does not (besides ``\\r``, ``\\n``)."""


def _source_lines(text: str) -> list[str]:
    """The lines of a module as the parser counts them (``\\r\\n``, ``\\r``, ``\\n`` end a
    line, a form feed does not), ends kept; the last module's are kept for the next call."""
    global _split
    if _split[0] is not text:
        if any(brk in text for brk in _OTHER_BREAKS):
            lines = _LINE.findall(text)
            rest = text[sum(map(len, lines)) :]
            if rest:
                lines.append(rest)
        else:
            # str.splitlines ends lines where the parser does when no other character it
            # breaks at is present, at a tenth of the regex's cost (issue 15).
            lines = text.splitlines(keepends=True)
        _split = (text, lines)
    return _split[1]


def _source_segment(text: str, node: ast.AST) -> str | None:
    """The source text of a node, as ``ast.get_source_segment`` gives it, without
    splitting the whole module again on every call (a large module asked many times)."""
    end_line: int | None = getattr(node, "end_lineno", None)
    end_col: int | None = getattr(node, "end_col_offset", None)
    if end_line is None or end_col is None:
        return None
    lines = _source_lines(text)
    first: int = getattr(node, "lineno", 1) - 1
    col: int = getattr(node, "col_offset", 0)
    last = end_line - 1
    if first == last:
        return lines[first].encode()[col:end_col].decode()
    head = lines[first].encode()[col:].decode()
    tail = lines[last].encode()[:end_col].decode()
    return "".join([head, *lines[first + 1 : last], tail])
