"""Pass 1 of the Python analysis: bindings, imports, calls and dicts of one module."""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence
from typing import Any

from gate.discover.calltable import CallSpec
from gate.discover.driver import Driver
from gate.discover.python.scopes import (
    _BUDGET,
    _MAX_DEPTH,
    _VALIDATORS,
    Client,
    Locator,
    Scope,
    Val,
)
from gate.discover.refs import RefContext
from gate.model import JSON, Confidence, Evidence


class Indexer:
    """The bindings of one module, and how names resolve to imports."""

    def __init__(
        self, module: ast.Module, text: str, lines: Sequence[str], locate: Locator, source: str
    ) -> None:
        self.module = module
        self.text = text
        self.lines = lines
        self.locate = locate
        self.source = source
        self.imports: dict[str, str] = {}
        self.root = Scope(module, "module", None)
        self.scopes: dict[ast.AST, Scope] = {module: self.root}
        self.calls: list[tuple[ast.Call, Scope]] = []
        self.functions: dict[str, list[Scope]] = {}
        self.classes: dict[str, Scope] = {}
        self.module_settings: dict[str, list[tuple[ast.expr, Scope]]] = {}
        self.driver = Driver(source)
        self.found: list[Evidence] = self.driver.found
        self.consumed: set[int] = self.driver.consumed
        self.client_used: set[int] = set()
        self.clients_made: list[tuple[ast.Call, Scope, CallSpec, str]] = []
        self.pending: list[tuple[str, RefContext, str, ast.Call, Confidence]] = []
        """Model arguments that are another module's names (see CallReader._emit)."""
        self.pending_env: list[tuple[str, RefContext, str, ast.Call, Confidence]] = []
        """Model arguments read from an environment variable with no default in code (the
        variable, the call's context): set by the tree's env files (python/across.py)."""
        self.pending_made: list[tuple[Val, dict[str, JSON], str, Confidence]] = []
        """Models asked of a client the app's own factory of another module made."""
        self.dicts: list[tuple[ast.Dict, Scope, ast.Call | None]] = []
        self.keyword_sites: list[tuple[ast.Call, ast.keyword, Scope]] = []
        self.generic_assigns: list[tuple[str, ast.expr, Scope]] = []
        self._guard: dict[tuple[int, str], int] = {}
        """The names being resolved (``values``), each with the order it was bound in."""
        self._guard_order = 0
        self._guard_tests: list[tuple[tuple[int, str], int | None]] = []
        """Every guard test of ``_name_values``, with the tested name's order (None: not in
        the guard then): what an answer looked at, for :attr:`_name_memo`."""
        self._name_memo: dict[tuple[object, ...], list[tuple[Any, ...]]] = {}
        """``_name_values`` answers by (name's scope and name, depth, use): the answer, the
        budget it used, the counts it added, and the guard tests it depended on."""
        self._unpinned_memo = self._name_memo
        """The memo of answers made with no call site pinned (see ``CallReader._context``)."""
        self.item_sets: dict[tuple[str, str], list[ast.expr]] = {}
        self._budget = _BUDGET
        self._by_name: dict[str, list[tuple[ast.Call, Scope]]] | None = None
        self._pinned: dict[Scope, ast.Call] = {}
        """Functions whose parameters are read at one call site only (see _context)."""
        self._unknown_args = 0
        """Call sites that may pass a parameter unseen (``**kwargs``): counted, not valued."""
        self._none_args = 0
        """Call sites where a parameter takes its default ``None``: counted, not valued."""
        self._parents: dict[int, ast.AST] | None = None
        self._parents_of: dict[int, dict[int, ast.AST]] = {}
        """The parent map of one function, class or top-level statement, by its id."""
        self._starts: dict[int, list[tuple[int, int]]] = {}
        """Where each statement of a statement list begins, by the list's id (``stmt_path``)."""
        self._arms_of: dict[int, dict[int, str]] = {}
        """The ``if`` arms enclosing each node asked about, by the node's id (``_arms``): the
        nodes are the module's own, held by its scopes while the index lives (``release``)."""
        self._tested_of: dict[int, list[Val] | None] = {}
        """A parameter's values as the ``if`` tests around one use of it say, by the use's id
        (``_tested_values``): None when no test says."""
        self._narrowed_of: dict[int, tuple[dict[str, list[ast.Constant]], frozenset[str]]] = {}
        """What an ``if`` test lets each name it narrows equal, and every name it reads, by the
        test's id (``_narrowed``): read once, not once per use and name asked about."""
        self._tested_vals: dict[tuple[int, str], list[Val]] = {}
        self._tested_key_arms: dict[tuple[int, str], frozenset[object] | None] = {}
        self._tested_model_arms: dict[
            tuple[int, str], tuple[frozenset[object] | None, frozenset[object]]
        ] = {}
        """Per ``if`` arm (the statement's id, a name or the arm), what the tests from the
        function down to it allow (``_tested_values``, ``_tested_keys``,
        ``_models_tested_for``): each arm worked out once for all the uses under it."""
        self._places: dict[int, dict[int, tuple[str, bool]]] = {}
        """Where the nodes of a statement's own expressions sit, by the statement's id."""
        self._client_memo: dict[tuple[object, ...], tuple[list[Client], int | None]] = {}
        """The clients a function returns or its callers pass for a parameter, with the depth
        asked at when the depth limit cut the answer (``_asked_once``)."""
        self._client_cuts = 0
        """How many times the depth limit cut a client question (``_clients``)."""
        self._client_asking: set[tuple[object, ...]] = set()
        self._client_hits: list[tuple[object, ...]] = []
        self._dict_indexes: dict[int, dict[object, list[ast.expr]]] = {}
        """A dict literal's values by constant key, by the dict's id (``_dict_index``)."""
        self._arm_walks: dict[int, dict[int, bool]] = {}
        """By a use's id: the ``if`` ids passed on the way out of an assignment's arms, each
        with the answer found above it (``_other_arm``)."""

    def _index(self, node: ast.AST, scope: Scope, call: ast.Call | None) -> None:
        """Index the children of a node: only fields that can hold statements or
        expressions are read, and leaves (names, constants) are never entered.

        This runs for every node of every candidate file (issue 15), so a node's children
        are dispatched here, one dictionary look-up on each child's type, rather than
        through a call per child; nodes that only wrap one child and are indexed by nobody
        (``a.b``, ``f(k=v)``'s keyword, an expression statement) are stepped through in a
        loop. The order in which nodes are reached is the recursive walk's, unchanged."""
        cls = node.__class__
        fields = _CHILD_FIELDS.get(cls)
        if fields is None:
            fields = _CHILD_FIELDS[cls] = tuple(f for f in cls._fields if f not in _SCALARS)
        steps = _DISPATCH
        for name in fields:
            value = getattr(node, name, None)
            # The same steps for a list's items and for a single node, written twice: a
            # loop over a one-item tuple made per field cost a fifth of the walk. One
            # look-up on the child's type says both whether to step through it (a field's
            # name) and what indexing it does (a handler).
            if value.__class__ is list:
                for item in value:
                    step = steps.get(item.__class__)
                    while step.__class__ is str:
                        item = getattr(item, step, None)
                        step = steps.get(item.__class__)
                    if step is None:
                        step = _dispatch(item.__class__)
                    if step is not _leaf:
                        step(self, item, scope, call)
            else:
                step = steps.get(value.__class__)
                while step.__class__ is str:
                    value = getattr(value, step, None)
                    step = steps.get(value.__class__)
                if step is None:
                    step = _dispatch(value.__class__)
                if step is not _leaf:
                    step(self, value, scope, call)

    def _index_node(self, node: ast.AST, scope: Scope, call: ast.Call | None) -> None:
        item: Any = node
        step = _DISPATCH.get(item.__class__)
        while step.__class__ is str:
            item = getattr(item, step, None)
            step = _DISPATCH.get(item.__class__)
        if step is None:
            step = _dispatch(item.__class__)
        if step is not _leaf:
            step(self, item, scope, call)

    def _on_import(self, node: ast.Import, scope: Scope, call: ast.Call | None) -> None:
        for alias in node.names:
            if alias.asname:
                self.imports[alias.asname] = alias.name
            else:
                top = alias.name.split(".", 1)[0]
                self.imports.setdefault(top, top)

    def _on_import_from(self, node: ast.ImportFrom, scope: Scope, call: ast.Call | None) -> None:
        base = "." * node.level + (node.module or "")
        for alias in node.names:
            if alias.name != "*":
                self.imports[alias.asname or alias.name] = f"{base}.{alias.name}".lstrip(".")

    def _on_function(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope, call: ast.Call | None
    ) -> None:
        self._index_function(node, scope)

    def _on_class(self, node: ast.ClassDef, scope: Scope, call: ast.Call | None) -> None:
        cls = Scope(node, "class", scope, name=node.name)
        cls.bases = [self._dotted(b) or "" for b in node.bases]
        for kw in node.keywords:
            if kw.arg == "env_prefix" and isinstance(kw.value, ast.Constant):
                cls.env_prefix = str(kw.value.value)
        self.scopes[node] = cls
        if scope.kind == "module":
            self.classes[node.name] = cls
        for dec in node.decorator_list:
            self._index_node(dec, scope, call)
        self._index(node, cls, None)

    def _on_assign(self, node: ast.Assign, scope: Scope, call: ast.Call | None) -> None:
        value = node.value
        for target in node.targets:
            self._bind(target, value, scope)
        # The children in _index's order (targets, then the value), a plain name target (most
        # assignments) not even looked up: it indexes nothing.
        for target in node.targets:
            if target.__class__ is not ast.Name:
                self._index_node(target, scope, call)
        self._index_node(value, scope, call)

    def _on_ann_assign(self, node: ast.AnnAssign, scope: Scope, call: ast.Call | None) -> None:
        if isinstance(node.target, ast.Name):
            scope.annotations[node.target.id] = node.annotation
        if node.value is not None:
            self._bind(node.target, node.value, scope)
        elif isinstance(node.target, ast.Attribute):
            self._annotate_attr(node.target, node.annotation, scope)
        self._index(node, scope, call)

    def _on_named_expr(self, node: ast.NamedExpr, scope: Scope, call: ast.Call | None) -> None:
        self._bind(node.target, node.value, scope)
        self._index(node, scope, call)

    def _on_loop(
        self,
        node: ast.For | ast.AsyncFor | ast.comprehension,
        scope: Scope,
        call: ast.Call | None,
    ) -> None:
        if isinstance(node.target, ast.Name):
            scope.loops.setdefault(node.target.id, []).append(node.iter)
        self._index(node, scope, call)

    def _on_with(self, node: ast.With | ast.AsyncWith, scope: Scope, call: ast.Call | None) -> None:
        for item in node.items:
            if item.optional_vars is not None:
                self._bind(item.optional_vars, item.context_expr, scope)
        self._index(node, scope, call)

    def _on_return(self, node: ast.Return, scope: Scope, call: ast.Call | None) -> None:
        if node.value is not None and scope.kind == "function":
            scope.returns.append(node.value)
        self._index(node, scope, call)

    def _on_call(self, node: ast.Call, scope: Scope, call: ast.Call | None) -> None:
        self.calls.append((node, scope))
        keywords = node.keywords
        if keywords:  # super().__init__(model=...) passes keywords; most calls pass none
            func = node.func
            if func.__class__ is ast.Attribute and func.attr == "__init__":
                self._super_init(node, scope)
            for kw in keywords:
                if kw.arg:
                    self.keyword_sites.append((node, kw, scope))
        self._index(node, scope, node)

    def _on_dict(self, node: ast.Dict, scope: Scope, call: ast.Call | None) -> None:
        self.dicts.append((node, scope, call))
        self._index(node, scope, call)

    def _on_lambda(self, node: ast.Lambda, scope: Scope, call: ast.Call | None) -> None:
        return

    def _super_init(self, call: ast.Call, scope: Scope) -> None:
        """``super().__init__(model=model)`` in a method sets the instance's field of that name
        (pydantic models, dataclass-like bases): read back as ``self.model``."""
        func = call.func
        if not (
            isinstance(func, ast.Attribute)
            and func.attr == "__init__"
            and isinstance(func.value, ast.Call)
            and isinstance(func.value.func, ast.Name)
            and func.value.func.id == "super"
        ):
            return
        cls = scope.enclosing_class()
        if cls is None:
            return
        for kw in call.keywords:
            if kw.arg:
                cls.self_attrs.setdefault(kw.arg, []).append((kw.value, scope))

    def _index_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: Scope) -> None:
        fn = Scope(node, "function", scope, name=node.name)
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
        defaults.extend(args.defaults)
        for arg, default in zip(positional, defaults, strict=True):
            fn.params[arg.arg] = default
            fn.param_order.append(arg.arg)
            if arg.annotation is not None:
                fn.annotations[arg.arg] = arg.annotation
        for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
            fn.params[arg.arg] = kw_default
            if arg.annotation is not None:
                fn.annotations[arg.arg] = arg.annotation
        for dec in node.decorator_list:
            name = self._dotted(dec.func if isinstance(dec, ast.Call) else dec) or ""
            if name.rsplit(".", 1)[-1] in _VALIDATORS:
                fn.validator = True
        self.scopes[node] = fn
        self.functions.setdefault(node.name, []).append(fn)
        for dec in node.decorator_list:
            self._index_node(dec, scope, None)
        for default in args.defaults:
            self._index_node(default, scope, None)
        for kw_default in args.kw_defaults:
            if kw_default is not None:
                self._index_node(kw_default, scope, None)
        for stmt in node.body:
            self._index_node(stmt, fn, None)

    def _bind(self, target: ast.expr, value: ast.expr, scope: Scope) -> None:
        if isinstance(target, ast.Name):
            scope.assigns.setdefault(target.id, []).append(value)
            self.generic_assigns.append((target.id, value, scope))
        elif (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and isinstance(target.slice, ast.Constant)
            and isinstance(target.slice.value, str)
        ):
            # kwargs["base_url"] = url: read back when kwargs is passed as **kwargs.
            self.item_sets.setdefault((target.value.id, target.slice.value), []).append(value)
            if scope.validator and target.value.id in scope.params:
                # values["client"] = ZhipuAI(...) in a pydantic validator: the field.
                cls = scope.enclosing_class()
                if cls is not None:
                    cls.self_attrs.setdefault(target.slice.value, []).append((value, scope))
        elif (
            isinstance(target, ast.Subscript)
            and isinstance(target.slice, ast.Constant)
            and isinstance(target.slice.value, str)
            and self._qualname(target.value, scope) == "os.environ"
        ):
            # os.environ["OPENAI_API_BASE"] = url: the process's setting every SDK client
            # built without a base URL reads (read as a module setting ``env:<NAME>``).
            self.module_settings.setdefault(f"env:{target.slice.value}", []).append((value, scope))
        elif isinstance(target, ast.Attribute):
            owner = target.value
            if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                cls = scope.enclosing_class()
                if cls is not None:
                    cls.self_attrs.setdefault(target.attr, []).append((value, scope))
                    self.generic_assigns.append((target.attr, value, scope))
            else:
                dotted = self._qualname(target, scope)
                if dotted:
                    self.module_settings.setdefault(dotted, []).append((value, scope))
                # self.config.model = ..., args.llm_model = os.getenv(...): the last name is
                # the key, read like a variable of that name (medium, not followed further).
                self.generic_assigns.append((target.attr, value, scope))
        elif (
            isinstance(target, _TUPLE_OR_LIST)
            and isinstance(value, _TUPLE_OR_LIST)
            and len(target.elts) == len(value.elts)
        ):
            for t, v in zip(target.elts, value.elts, strict=True):
                self._bind(t, v, scope)

    def _annotate_attr(self, target: ast.Attribute, annotation: ast.expr, scope: Scope) -> None:
        if isinstance(target.value, ast.Name) and target.value.id == "self":
            cls = scope.enclosing_class()
            if cls is not None:
                cls.annotations.setdefault(target.attr, annotation)

    # ---- names ----

    def _dotted(self, expr: ast.expr) -> str | None:
        if isinstance(expr, ast.Name):
            return expr.id
        if isinstance(expr, ast.Attribute):
            base = self._dotted(expr.value)
            return f"{base}.{expr.attr}" if base else None
        return None

    def _qualname(self, expr: ast.expr, scope: Scope, depth: int = 0) -> str | None:
        """The qualified name of a callee as imported; variables bound to calls collapse."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(expr, ast.Name):
            if expr.id in self.imports:
                return self.imports[expr.id]
            bound = self._lookup(expr.id, scope)
            if len(bound) == 1 and isinstance(bound[0][0], ast.Call):
                call = bound[0][0]
                if self._is_imported(call.func):
                    return self._qualname(call, bound[0][1], depth + 1)
            return expr.id
        if isinstance(expr, ast.Attribute):
            base = self._qualname(expr.value, scope, depth + 1)
            return f"{base}.{expr.attr}" if base else f"?.{expr.attr}"
        if isinstance(expr, ast.Call):
            # The result of a call: "boto3.Session().client", never the callee itself.
            inner = self._qualname(expr.func, scope, depth + 1)
            return f"{inner}()" if inner else None
        return None

    def _is_imported(self, expr: ast.expr) -> bool:
        """Whether an expression's root name comes from an import."""
        while isinstance(expr, _ATTRIBUTE_OR_CALL):
            expr = expr.value if isinstance(expr, ast.Attribute) else expr.func
        return isinstance(expr, ast.Name) and expr.id in self.imports

    def _lookup(self, name: str, scope: Scope) -> list[tuple[ast.expr, Scope]]:
        """Assignments of a name, from the innermost scope that binds it."""
        current: Scope | None = scope
        while current is not None:
            if current.kind == "class" and current is not scope:
                current = current.parent  # class bodies are not enclosing scopes
                continue
            values = current.assigns.get(name)
            if values:
                return [(v, current) for v in values]
            if name in current.params or name in current.loops:
                return []
            current = current.parent
        return []

    def release(self) -> None:
        """Break the reference cycle the index makes (a class's ``self.x`` bindings point at
        its methods' scopes, whose parent is the class), so that the module's syntax tree is
        freed by reference counting once the analysis is dropped, not by a pass of the
        cyclic collector over the whole tree."""
        for scope in self.scopes.values():
            scope.self_attrs.clear()
        self._starts.clear()
        self._arms_of.clear()
        self._tested_of.clear()
        self._narrowed_of.clear()
        self._tested_vals.clear()
        self._tested_key_arms.clear()
        self._tested_model_arms.clear()
        self._places.clear()
        self._client_memo.clear()
        self._arm_walks.clear()
        self._dict_indexes.clear()
        self._parents_of.clear()
        self._name_memo.clear()
        self._guard_tests.clear()

    def _binding_scope(self, name: str, scope: Scope) -> Scope | None:
        current: Scope | None = scope
        while current is not None:
            if current.kind == "class" and current is not scope:
                current = current.parent
                continue
            if name in current.assigns or name in current.params or name in current.loops:
                return current
            current = current.parent
        return None


_TUPLE_OR_LIST = (ast.Tuple, ast.List)
_ATTRIBUTE_OR_CALL = (ast.Attribute, ast.Call)
"""Type tuples made once (an inline ``A | B`` is built again on every test)."""

_Handler = Callable[[Indexer, Any, Scope, "ast.Call | None"], None]
_HANDLERS: dict[type[ast.AST], _Handler] = {
    ast.Import: Indexer._on_import,
    ast.ImportFrom: Indexer._on_import_from,
    ast.FunctionDef: Indexer._on_function,
    ast.AsyncFunctionDef: Indexer._on_function,
    ast.ClassDef: Indexer._on_class,
    ast.Assign: Indexer._on_assign,
    ast.AnnAssign: Indexer._on_ann_assign,
    ast.NamedExpr: Indexer._on_named_expr,
    ast.For: Indexer._on_loop,
    ast.AsyncFor: Indexer._on_loop,
    ast.comprehension: Indexer._on_loop,
    ast.With: Indexer._on_with,
    ast.AsyncWith: Indexer._on_with,
    ast.Return: Indexer._on_return,
    ast.Call: Indexer._on_call,
    ast.Dict: Indexer._on_dict,
    ast.Lambda: Indexer._on_lambda,
}
"""What indexing does with a node, by its type; other nodes are only entered."""

_SCALARS = frozenset(
    {"ctx", "op", "ops", "id", "attr", "arg", "name", "names", "asname", "module", "level"}
    | {"kind", "type_comment", "conversion", "is_async", "simple", "tag", "lineno"}
    | {"kwd_attrs", "rest"}
)
"""Fields that never hold a statement or an expression (contexts, operators, strings): a
node's children are read from its other fields only. Imports, whose ``names`` are
aliases, are handled before their children would be read."""

_LEAVES: frozenset[type] = frozenset(
    {ast.Name, ast.Constant, ast.Pass, ast.Break, ast.Continue, ast.Global, ast.Nonlocal}
)
"""Nodes whose indexing does nothing: not entered at all."""

_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}

_THROUGH: dict[type, str] = {
    ast.Attribute: "value",
    ast.keyword: "value",
    ast.Expr: "value",
    ast.Starred: "value",
    ast.Await: "value",
    ast.YieldFrom: "value",
    ast.UnaryOp: "operand",
}
"""Nodes with no handler whose one child field is one node: indexing them is indexing that
child, so the walk steps through them (long ``a.b.c`` chains, keywords) without a call."""


def _leaf(indexer: Indexer, node: Any, scope: Scope, call: ast.Call | None) -> None:
    """A node whose indexing does nothing (a leaf, or a field's non-node value)."""


_DISPATCH: dict[type, Any] = dict(_THROUGH)
"""By a node's type: the field to step through (a string, :data:`_THROUGH`), or what
indexing does with a node of a type met so far: its handler, entering it, or nothing (see
:func:`_dispatch`)."""


def _dispatch(kind: type) -> _Handler:
    if kind in _LEAVES or not issubclass(kind, ast.AST):
        handler: _Handler = _leaf
    else:
        handler = _HANDLERS.get(kind, Indexer._index)
    _DISPATCH[kind] = handler
    return handler
