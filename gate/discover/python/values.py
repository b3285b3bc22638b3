"""The string values an expression of a Python module may take, followed through
the module's bindings."""

from __future__ import annotations

import ast
import bisect
import functools
import posixpath
import re
from collections.abc import Sequence
from dataclasses import replace

from gate.discover.driver import TREE_PATH
from gate.discover.python.index import Indexer
from gate.discover.python.scopes import (
    _ENV_GETTERS,
    _FIELD_CALLS,
    _MAX_DEPTH,
    _MAX_VALUES,
    Scope,
    Val,
    _at_most_medium,
    _is_none,
    _kw,
    _weakest,
    _within,
    picker_options,
)
from gate.discover.python.tables import table
from gate.model import Confidence
from gate.recognise import conventions

_PATH_CALLS = frozenset(
    {"pathlib.Path", "pathlib.PurePath", "os.path.abspath", "os.path.realpath", "os.fspath"}
    | {"os.path.join", "os.path.dirname", "os.path.normpath"}
)
_SAME_PATH_METHODS = frozenset({"resolve", "absolute", "expanduser"})
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Za-z0-9]+)*$")
"""An environment variable's name as apps write them (``TTS_SERVICE_URL_SiliconFlow``)."""


_MEMO_STATES = 4
"""Answers kept for one name question, each for the guard state it was worked out in."""

_STMT_LISTS = ("body", "orelse", "handlers", "finalbody", "cases")
"""The fields of a statement that hold statements (``cases``: a ``match``'s, each case's body)."""
_SCOPE_STMTS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)


def _stmt_start(stmt: ast.AST) -> tuple[int, int]:
    """Where a statement's span begins: its first decorator's line for a decorated one."""
    decorators = getattr(stmt, "decorator_list", None)
    first = decorators[0] if decorators else stmt
    return (getattr(first, "lineno", 0), getattr(first, "col_offset", 0))


def _expression_places(stmt: ast.AST) -> dict[int, tuple[str, bool]]:
    """Where each node of ``stmt``'s own expressions (not of its statement lists) sits, by
    the node's id: ``cases`` for a match case's pattern or guard, else ``self``; and whether
    a ``lambda`` encloses it there."""
    todo: list[tuple[ast.AST, str, bool]] = []
    for name, value in ast.iter_fields(stmt):
        if name == "cases":  # a match case's pattern and guard are the match's own
            todo += [
                (part, "cases", False)
                for case in value
                for part in (case.pattern, case.guard)
                if part is not None
            ]
            continue
        if name in _STMT_LISTS:
            continue
        values = value if isinstance(value, list) else [value]
        todo += [(v, "self", False) for v in values if isinstance(v, ast.AST)]
    places: dict[int, tuple[str, bool]] = {}
    while todo:
        current, where, in_lambda = todo.pop()
        places.setdefault(id(current), (where, in_lambda))
        inner = in_lambda or isinstance(current, ast.Lambda)
        todo.extend((child, where, inner) for child in ast.iter_child_nodes(current))
    return places


class ValueReader(Indexer):
    """Values of expressions, as far as one module tells."""

    def values(
        self, expr: ast.expr, scope: Scope, flow: str = "literal", depth: int = 0
    ) -> list[Val]:
        """The string values an expression may take, as far as one module tells."""
        # Every look-up counts, even one refused for depth: a recursive function called from
        # many places fans out at each level (litellm's get_supported_openai_params: 1.4 M).
        self._budget -= 1
        if depth > _MAX_DEPTH or self._budget <= 0:
            return []
        out = self._values(expr, scope, flow, depth)
        return out[:_MAX_VALUES]

    def _values(self, expr: ast.expr, scope: Scope, flow: str, depth: int) -> list[Val]:
        if isinstance(expr, ast.Constant):
            if isinstance(expr.value, str):
                return [Val(expr.value, expr, Confidence.HIGH, flow)]
            return []
        if isinstance(expr, ast.JoinedStr):
            return self._joined(expr, list(expr.values), scope, depth)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            return self._joined(expr, [expr.left, expr.right], scope, depth)
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Div):
            # Path(__file__).parent / "models" / "x": a folder of the tree.
            return self._tree_path(expr, expr.left, [expr.right], scope, depth)
        if isinstance(expr, ast.Name):
            if expr.id == "__file__":
                rel = self.locate(1, 0).path
                return [Val(rel, expr, Confidence.HIGH, TREE_PATH)]
            return self._name_values(expr.id, scope, depth, expr)
        if isinstance(expr, ast.Attribute):
            if expr.attr == "parent":
                return self._tree_path(expr, expr.value, None, scope, depth)
            constant = table().constants.get(self._qualname(expr, scope) or "")
            if constant is not None:
                # DashScopeTextEmbeddingModels.TEXT_EMBEDDING_V2: an SDK's name for a model.
                return [Val(constant, expr, Confidence.HIGH, flow)]
            return self._attr_values(expr, scope, depth)
        if isinstance(expr, ast.IfExp):
            return self.values(expr.body, scope, flow, depth + 1) + self.values(
                expr.orelse, scope, flow, depth + 1
            )
        if isinstance(expr, ast.BoolOp) and isinstance(expr.op, ast.Or):
            return self._or_values(expr, scope, flow, depth)
        if isinstance(expr, ast.Call):
            return self._call_values(expr, scope, flow, depth)
        if isinstance(expr, ast.Subscript):
            return self._subscript_values(expr, scope, depth)
        if isinstance(expr, ast.Await):
            return self.values(expr.value, scope, flow, depth + 1)
        return []

    def _joined(
        self, node: ast.expr, parts: Sequence[ast.expr], scope: Scope, depth: int
    ) -> list[Val]:
        texts = [""]
        confidence = Confidence.HIGH
        partial = False
        env_var: str | None = None
        for part in parts:
            inner = part.value if isinstance(part, ast.FormattedValue) else part
            if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                texts = [t + inner.value for t in texts]
                continue
            got = self.values(inner, scope, "f-string", depth + 1)
            if not got or any(v.partial for v in got):
                texts = [t + "*" for t in texts]
                partial = True
                continue
            texts = [t + v.text for t in texts for v in got][:_MAX_VALUES]
            for v in got:
                confidence = _weakest(confidence, v.confidence)
                env_var = env_var or v.env_var
        if partial:
            if all(t.replace("*", "") == "" for t in texts):
                return []
            confidence = Confidence.LOW
        flow = "f-string" if isinstance(node, ast.JoinedStr) else "concatenation"
        return [Val(t, node, confidence, flow, env_var, partial) for t in texts]

    def _name_values(
        self, name: str, scope: Scope, depth: int, use: ast.Name | None = None
    ) -> list[Val]:
        owner = self._binding_scope(name, scope)
        if owner is None:
            return []
        if use is not None and owner.kind == "function" and name in owner.params:
            tested = self._tested_values(use, name)
            if tested is not None:
                return tested
        key = (id(owner), name)
        guard = self._guard
        at = guard.get(key)
        self._guard_tests.append((key, at))
        if at is not None and name not in owner.params:
            return []
        assigned = owner.assigns.get(name, [])
        several = at is None and use is not None and len(assigned) > 1
        memo_key = (key, depth, id(use) if several else 0, at is None)
        known = self._name_memo.get(memo_key)
        for found, cost, unknown, none, tested in known or ():
            # The same question asked again in a state that gives the same answer: as much
            # budget left as it used (none ran out), and the same names being resolved
            # among those its answer looked at. Its costs are counted as if asked again.
            if self._budget - cost > 0 and all((k in guard) is was for k, was in tested):
                self._budget -= cost
                self._unknown_args += unknown
                self._none_args += none
                self._guard_tests.extend((k, guard.get(k)) for k, _ in tested)
                return list(found)
        budget, unknown, none = self._budget, self._unknown_args, self._none_args
        mark = len(self._guard_tests)
        order = self._guard_order
        out: list[Val]
        if at is not None:
            # ``model = model or DEFAULT``: inside its own assignment the name is the parameter.
            out = self._param_values(name, owner, depth)
        else:
            self._guard_order += 1
            guard[key] = order
            try:
                out = []
                kind = "module-constant" if owner.kind == "module" else "variable"
                if several:
                    assert use is not None
                    assigned = [v for v in assigned if not self._other_arm(v, use)]
                for value in assigned:
                    out += self.values(value, owner, kind, depth + 1)
                for iterable in owner.loops.get(name, []):
                    out += self._iter_values(iterable, owner, depth)
                if name in owner.params:
                    out += self._param_values(name, owner, depth)
            finally:
                del guard[key]
        if self._budget > 0:  # the budget did not run out on the way: the answer is whole
            # Which names were being resolved (in the guard) when this question was asked,
            # among those the answer looked at: a name bound before it began was, any other
            # was not (names enter and leave the guard as a stack).
            was = {k: o is not None and o < order for k, o in self._guard_tests[mark:]}
            entry = (
                tuple(out),
                budget - self._budget,
                self._unknown_args - unknown,
                self._none_args - none,
                tuple(was.items()),
            )
            if known is None:
                self._name_memo[memo_key] = [entry]
            elif len(known) < _MEMO_STATES:
                known.append(entry)
        return out

    def _other_arm(self, value: ast.AST, use: ast.AST) -> bool:
        """Whether an assignment sits in one arm of an ``if`` and the use in another arm of
        the same ``if`` (``if provider == "GROQ": LLM(model=f"groq/{model}")`` ... ``else:
        model = "o1"``): the value never reaches the use, unless a loop around the ``if``
        carries it into a later pass."""
        theirs = self._arms(use)
        if not theirs:
            return False
        mine = self._arms(value)
        # Two nodes in different arms of one ``if`` share no ``if`` deeper than it: the
        # innermost ``if`` of the assignment's that also holds the use decides. Found from the
        # inside out, each ``if`` passed on the way remembered for this use, not by every arm
        # of the use for every assignment (an elif chain of k arms: u x k x k).
        walks = self._arm_walks.setdefault(id(use), {})
        passed: list[int] = []
        answer = False
        for key in reversed(mine):
            if key in walks:
                answer = walks[key]
                break
            arm = theirs.get(key)
            if arm is not None:
                answer = arm != mine[key]
                break
            passed.append(key)
        for key in passed:
            walks[key] = answer
        return answer

    def _arms(self, node: ast.AST) -> dict[int, str]:
        """The ``if`` arms enclosing a node within its function, by the ``if``'s id; those
        of an ``if`` inside a loop of that function are left out, and a node inside a
        ``lambda`` has none."""
        known = self._arms_of.get(id(node))
        if known is not None:
            return known
        out = self._arms_of[id(node)] = self._arms_uncached(node)
        return out

    def _arms_uncached(self, node: ast.AST) -> dict[int, str]:
        found = self.stmt_path(node)
        if found is None or found[1]:
            return {}
        out: dict[int, str] = {}
        recording = True
        for stmt, where in found[0]:
            if isinstance(stmt, _SCOPE_STMTS):
                out, recording = {}, True  # only the innermost function's arms count
            elif isinstance(stmt, _LOOPS):
                recording = False  # every arm below is run again in the next pass
            elif recording and isinstance(stmt, ast.If) and where in ("body", "orelse"):
                out[id(stmt)] = where
        return out

    def stmt_path(self, node: ast.AST) -> tuple[list[tuple[ast.AST, str]], bool] | None:
        """The statements enclosing ``node``, outermost first, each with the statement list
        of it that holds the next one (``body``, ``orelse``, ...; ``self`` when the node is
        in the statement's own expressions), and whether a ``lambda`` encloses the node
        inside the innermost statement. Found by position, descending the statement lists
        with a binary search at each level, instead of a map of every node's parent (a
        whole-module walk, which had become the largest cost of the analysis). None when
        the node is not this module's."""
        lineno = getattr(node, "lineno", None)
        end_lineno = getattr(node, "end_lineno", None)
        if lineno is None or end_lineno is None:
            return self._stmt_path_slow(node)
        start = (lineno, getattr(node, "col_offset", 0))
        end = (end_lineno, getattr(node, "end_col_offset", 0))
        path: list[tuple[ast.AST, str]] = []
        container: ast.AST = self.module
        while True:
            step = self._step(container, start, end)
            if step is None:
                break
            where, inner = step
            path.append((container, where))
            if inner is node:
                return path[1:], False  # the module itself is no enclosing statement
            container = inner
        if container is self.module:
            return None
        places = self._places.get(id(container))
        if places is None:
            # Every node of the statement's own expressions placed in one walk, not one walk
            # a node asked about: n uses in one statement walked it n times (n x n nodes).
            places = self._places[id(container)] = _expression_places(container)
        found = places.get(id(node))
        if found is None:
            return None
        path.append((container, found[0]))
        return path[1:], found[1]

    def _step(
        self, container: ast.AST, start: tuple[int, int], end: tuple[int, int]
    ) -> tuple[str, ast.AST] | None:
        """The statement of ``container``'s statement lists whose span holds ``start..end``."""
        for name in _STMT_LISTS:
            items = getattr(container, name, None)
            if not items or not isinstance(items, list):
                continue
            if name == "cases":
                for case in items:
                    hit = self._holding(case.body, start, end)
                    if hit is not None:
                        return name, hit
                continue
            hit = self._holding(items, start, end)
            if hit is not None:
                return name, hit
        return None

    def _holding(
        self, items: list[ast.AST], start: tuple[int, int], end: tuple[int, int]
    ) -> ast.AST | None:
        starts = self._starts.get(id(items))
        if starts is None:
            starts = self._starts[id(items)] = [_stmt_start(item) for item in items]
        index = bisect.bisect_right(starts, start) - 1
        if index < 0:
            return None
        item = items[index]
        stop = (getattr(item, "end_lineno", None) or 0, getattr(item, "end_col_offset", None) or 0)
        return item if stop >= end else None

    def _stmt_path_slow(self, node: ast.AST) -> tuple[list[tuple[ast.AST, str]], bool] | None:
        """:meth:`stmt_path` for a node without a position, through the parent map."""
        parents = self._parent_map()
        chain: list[tuple[ast.AST, str]] = []
        in_lambda = False
        child, parent = node, parents.get(id(node))
        if parent is None:
            return None
        while parent is not None and parent is not self.module:
            if isinstance(parent, ast.Lambda) and not chain:
                in_lambda = True
            if isinstance(parent, ast.stmt | ast.ExceptHandler):
                where = next(
                    (n for n in _STMT_LISTS if _within(child, getattr(parent, n, None) or ())),
                    "self",
                )
                chain.append((parent, where))
            child, parent = parent, parents.get(id(parent))
        chain.reverse()
        return chain, in_lambda

    def _parent_map(self) -> dict[int, ast.AST]:
        if self._parents is None:
            self._parents = {
                id(child): node
                for node in ast.walk(self.module)
                for child in ast.iter_child_nodes(node)
            }
        return self._parents

    def _iter_values(self, iterable: ast.expr, scope: Scope, depth: int) -> list[Val]:
        target = iterable
        if isinstance(target, ast.Name):
            bound = self._lookup(target.id, scope)
            if len(bound) == 1:
                target, scope = bound[0]
        if isinstance(target, ast.List | ast.Tuple | ast.Set):
            out: list[Val] = []
            for elt in target.elts:
                out += self.values(elt, scope, "loop", depth + 1)
            return out
        return []

    def _param_values(self, name: str, fn: Scope, depth: int) -> list[Val]:
        out: list[Val] = []
        default = fn.params.get(name)
        site = self._pinned.get(fn)
        if site is not None:
            # Read at the one call site the value being resolved came through.
            arg, unseen = self._site_arg(site, fn, name)
            if arg is not None:
                return self.values(arg, self._site_scope(site, fn), "call-argument", depth + 1)
            if unseen:
                self._unknown_args += 1
                return []
            if _is_none(default):
                self._none_args += 1
                return []
            assert default is not None
            return self.values(default, fn.parent or fn, "parameter-default", depth + 1)
        if default is not None:
            out += self.values(default, fn.parent or fn, "parameter-default", depth + 1)
        if fn.kind != "function" or not isinstance(fn.node, ast.FunctionDef | ast.AsyncFunctionDef):
            return out
        # Call sites of this function in the module that pass the argument; only for a name
        # defined once (eighty adapter classes each with a load_model() say nothing useful).
        # A constructor's are the calls of its class (LLM("x", base_url=...) → __init__).
        called = _constructed(fn) or fn.name
        if called == fn.name and len(self.functions.get(fn.name, ())) != 1:
            return out
        for call, scope in self._calls_by_name().get(called, []):
            if self._budget <= 0:
                break  # a function called from thousands of places: the budget is spent
            arg, unseen = self._site_arg(call, fn, name)
            if arg is not None:
                got = self.values(arg, scope, "call-argument", depth + 1)
                out += [replace(v, sites=((fn, call), *v.sites)) for v in got]
            elif unseen:
                self._unknown_args += 1
            elif _is_none(default):
                self._none_args += 1
        return out

    def _site_arg(self, call: ast.Call, fn: Scope, name: str) -> tuple[ast.expr | None, bool]:
        """The argument a call site passes for a parameter, and whether it may pass one
        the scan cannot see (``**kwargs``, ``*args`` before it)."""
        for kw in call.keywords:
            if kw.arg == name:
                return kw.value, False
        index = fn.param_order.index(name) if name in fn.param_order else None
        is_method = fn.parent is not None and fn.parent.kind == "class"
        if index is not None:
            bound = isinstance(call.func, ast.Attribute) or _constructed(fn) is not None
            pos = index - (1 if is_method and bound else 0)
            if any(isinstance(a, ast.Starred) for a in call.args[: max(pos + 1, 0)]):
                return None, True
            if 0 <= pos < len(call.args):
                return call.args[pos], False
        return None, any(kw.arg is None for kw in call.keywords)

    def _site_scope(self, call: ast.Call, fn: Scope) -> Scope:
        for site, scope in self._calls_by_name().get(_constructed(fn) or fn.name, []):
            if site is call:
                return scope
        return fn.parent or fn

    def _calls_by_name(self) -> dict[str, list[tuple[ast.Call, Scope]]]:
        if self._by_name is None:
            self._by_name = {}
            for call, scope in self.calls:
                func = call.func
                if isinstance(func, ast.Name):
                    self._by_name.setdefault(func.id, []).append((call, scope))
                elif isinstance(func, ast.Attribute):
                    self._by_name.setdefault(func.attr, []).append((call, scope))
        return self._by_name

    def _attr_values(self, expr: ast.Attribute, scope: Scope, depth: int) -> list[Val]:
        cls = self._class_of(expr.value, scope, depth)
        if cls is None:
            return []
        return self._class_attr(cls, expr.attr, depth)

    def _class_of(self, owner: ast.expr, scope: Scope, depth: int) -> Scope | None:
        if isinstance(owner, ast.Name):
            if owner.id in ("self", "cls"):
                return scope.enclosing_class()
            if owner.id in self.classes:
                return self.classes[owner.id]
            for value, _ in self._lookup(owner.id, scope):
                if (
                    isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Name)
                    and value.func.id in self.classes
                ):
                    return self.classes[value.func.id]
        return None

    def _class_attr(self, cls: Scope, attr: str, depth: int) -> list[Val]:
        out: list[Val] = []
        settings = any(b.endswith("BaseSettings") for b in cls.bases)
        for value in cls.assigns.get(attr, []):
            got = self.values(value, cls, "class-attribute", depth + 1)
            if settings:
                env = (cls.env_prefix + attr).upper()
                got = _at_most_medium(got, "settings-default", env)
            out += got
        for value, where in cls.self_attrs.get(attr, []):
            out += self.values(value, where, "instance-attribute", depth + 1)
        return out

    def _or_values(self, expr: ast.BoolOp, scope: Scope, flow: str, depth: int) -> list[Val]:
        out: list[Val] = []
        env: str | None = None
        for operand in expr.values:
            name = self._env_lookup(operand, scope)
            if name is not None:
                env = name
                out += self.values(operand, scope, flow, depth + 1)
                continue
            got = self.values(operand, scope, flow, depth + 1)
            if env is not None:
                got = _at_most_medium(got, "env-default", env)
            out += got
        return out

    def _env_lookup(self, expr: ast.expr, scope: Scope) -> str | None:
        """The variable name of ``os.getenv("X")`` / ``os.environ["X"]`` / ``.get("X")``."""
        if isinstance(expr, ast.Call):
            qual = self._qualname(expr.func, scope)
            if (qual in _ENV_GETTERS or self._app_env_getter(expr, qual)) and expr.args:
                first = expr.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    return first.value
                return "?"
        if isinstance(expr, ast.Subscript):
            qual = self._qualname(expr.value, scope)
            if qual == "os.environ":
                key = expr.slice
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    return key.value
                return "?"
        return None

    def _app_env_getter(self, call: ast.Call, qual: str | None) -> bool:
        """``get_env_var("TTS_URL", "https://...")``: the app's own environment helper,
        imported from another of its modules (one defined here is followed as a function):
        its name is one of ``config_vocabulary.yaml`` ``env_getters`` and its first argument
        an environment variable's name, so its second (or ``default=``) is the default."""
        if not qual or not call.args:
            return False
        name = qual.rsplit(".", 1)[-1]
        if name in self.functions or name not in conventions().env_getters:
            return False
        first = call.args[0]
        return (
            isinstance(first, ast.Constant)
            and isinstance(first.value, str)
            and _ENV_NAME.match(first.value) is not None
        )

    def _tree_path(
        self,
        node: ast.expr,
        base: ast.expr,
        parts: Sequence[ast.expr] | None,
        scope: Scope,
        depth: int,
    ) -> list[Val]:
        """A path built from the module's own file (``Path(__file__).parent / "models"``,
        ``os.path.join(os.path.dirname(__file__), "models")``): the tree path from the
        scanned root (flow :data:`TREE_PATH`). ``parts`` None: the base's parent folder.
        Only constant parts are joined; a path climbing out of the tree is no value."""
        out: list[Val] = []
        for got in self.values(base, scope, TREE_PATH, depth + 1):
            if got.flow != TREE_PATH:
                continue
            if parts is None:
                if got.text == ".":
                    continue  # the parent of the scanned root: outside the tree
                text = posixpath.dirname(got.text) or "."
            else:
                texts = [got.text]
                for part in parts:
                    if not (isinstance(part, ast.Constant) and isinstance(part.value, str)):
                        return []
                    texts.append(part.value)
                text = posixpath.normpath(posixpath.join(*texts))
            if text == ".." or text.startswith(("../", "/")):
                continue
            out.append(Val(text, node, got.confidence, TREE_PATH))
        return out

    def _call_values(self, call: ast.Call, scope: Scope, flow: str, depth: int) -> list[Val]:
        qual = self._qualname(call.func, scope) or ""
        if qual in _PATH_CALLS and call.args and not call.keywords:
            # Path(x), str(x), os.path.abspath(x), x.resolve(): the same tree path.
            if qual == "os.path.join":
                return self._tree_path(call, call.args[0], call.args[1:], scope, depth)
            if qual == "os.path.dirname" and len(call.args) == 1:
                return self._tree_path(call, call.args[0], None, scope, depth)
            got = self.values(call.args[0], scope, flow, depth + 1)
            return [replace(v, node=call) for v in got if v.flow == TREE_PATH]
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in _SAME_PATH_METHODS
            and not call.args
            and not call.keywords
        ):
            got = self.values(func.value, scope, flow, depth + 1)
            return [replace(v, node=call) for v in got if v.flow == TREE_PATH]
        if (
            isinstance(func, ast.Attribute)
            and func.attr in ("strip", "rstrip", "lstrip")
            and not call.keywords
            and len(call.args) <= 1
            and all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in call.args)
        ):
            # base_url.rstrip("/"), get_env(...).strip(): the same string, trimmed.
            chars = call.args[0].value if call.args else None  # type: ignore[attr-defined]
            trim = getattr(str, func.attr)
            got = self.values(func.value, scope, flow, depth + 1)
            return [replace(v, text=trim(v.text, chars)) for v in got]
        if (
            isinstance(func, ast.Attribute)
            and func.attr in ("lower", "upper", "casefold")
            and not call.args
            and not call.keywords
        ):
            # MODEL.lower(): the same string, in the case the call sends (a capitalised
            # constant alone reads as a display label, recognise.core)
            change = getattr(str, func.attr)
            got = self.values(func.value, scope, flow, depth + 1)
            return [replace(v, text=change(v.text)) for v in got]
        if qual in _ENV_GETTERS or self._app_env_getter(call, qual):
            env = self._env_lookup(call, scope)
            default = call.args[1] if len(call.args) > 1 else _kw(call, "default")
            if default is None:
                return []
            return _at_most_medium(self.values(default, scope, flow, depth + 1), "env-default", env)
        if qual in _FIELD_CALLS or qual.endswith((".Field", ".field")):
            default = _kw(call, "default") or (call.args[0] if call.args else None)
            return self.values(default, scope, flow, depth + 1) if default is not None else []
        if qual in ("str", "getattr") and call.args:
            if qual == "getattr" and len(call.args) >= 3:
                return self.values(call.args[2], scope, "get-default", depth + 1)
            if qual == "getattr" and len(call.args) == 2:
                return self._sdk_member_values(call, scope, flow, depth)
            return self.values(call.args[0], scope, flow, depth + 1) if qual == "str" else []
        options = picker_options(qual, call)
        if options is not None:
            # choice = st.selectbox("Model", ["llama3.2", "mistral"]): any option may be
            # picked, so each flows on (medium: the run decides which).
            return _at_most_medium(self._iter_values(options, scope, depth), "picker")
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr == "get" and len(call.args) >= 2:
            key = call.args[0]
            if isinstance(key, ast.Constant) and isinstance(key.value, str):
                got = self.values(call.args[1], scope, "get-default", depth + 1)
                return _at_most_medium(got, "get-default")
        if isinstance(func, ast.Name) and func.id in self.functions:
            out: list[Val] = []
            for fn in self.functions[func.id]:
                for ret in fn.returns:
                    out += self.values(ret, fn, "return-value", depth + 1)
            return out
        return []

    def _sdk_member_values(self, call: ast.Call, scope: Scope, flow: str, depth: int) -> list[Val]:
        """``getattr(dashscope.Generation.Models, name)`` with ``name`` holding
        ``"qwen_turbo"``: the SDK constant that member is (``qwen-turbo``), at the string
        that names it. A member the SDK does not define raises before any request: nothing."""
        first = call.args[0]
        owner = self._qualname(first, scope) if isinstance(first, ast.Attribute) else None
        constants = table().constants
        if not owner or owner not in _constant_owners():
            return []
        out: list[Val] = []
        for val in self.values(call.args[1], scope, flow, depth + 1):
            constant = constants.get(f"{owner}.{val.text}") if not val.partial else None
            if constant is not None:
                out.append(replace(val, text=constant))
        return out

    def _subscript_values(self, expr: ast.Subscript, scope: Scope, depth: int) -> list[Val]:
        key = expr.slice
        container = expr.value
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str | int)):
            # ROUTES[task] with a key only known at run time: any value of the table, or
            # those the enclosing ``if task == "a" or task == "b":`` lets through.
            anywhere: list[Val] = []
            if isinstance(container, ast.Name):
                allowed = self._tested_keys(expr, key) if isinstance(key, ast.Name) else None
                for value, where in self._lookup(container.id, scope):
                    if isinstance(value, ast.Dict):
                        for k, v in zip(value.keys, value.values, strict=True):
                            if allowed is not None and not (
                                isinstance(k, ast.Constant) and k.value in allowed
                            ):
                                continue
                            anywhere += self.values(v, where, "dict-entry", depth + 1)
            return anywhere
        candidates: list[tuple[ast.expr, Scope]] = []
        if isinstance(container, ast.Name):
            candidates = self._lookup(container.id, scope)
        elif isinstance(container, ast.Dict | ast.List | ast.Tuple):
            candidates = [(container, scope)]
        out: list[Val] = []
        for value, where in candidates:
            if isinstance(value, ast.Dict):
                for v in self._dict_index(value).get(key.value, ()):
                    out += self.values(v, where, "dict-entry", depth + 1)
            elif (
                isinstance(value, ast.List | ast.Tuple)
                and isinstance(key.value, int)
                and -len(value.elts) <= key.value < len(value.elts)
            ):
                out += self.values(value.elts[key.value], where, "list-entry", depth + 1)
        return out

    def _tested_values(self, use: ast.Name, name: str) -> list[Val] | None:
        """A parameter's value where an ``if`` of its function has tested it against
        constants (``if model_name == "claude-3-opus-20240229": return Claude(model_name)``):
        those constants, whatever the callers pass; None when no test says. Asked once per
        use; each test read once (u uses under a test of n constants: n, not u x n)."""
        if id(use) in self._tested_of:
            return self._tested_of[id(use)]
        found = self.stmt_path(use)
        answer: list[Val] | None = None
        if found is not None and not found[1]:
            decided: ast.If | None = None
            for stmt, where in found[0]:
                if isinstance(stmt, _SCOPE_STMTS):
                    decided = None  # only the innermost function's tests count
                elif (
                    isinstance(stmt, ast.If)
                    and where == "body"
                    and name in self._narrowed(stmt.test)[0]
                ):
                    decided = stmt
            if decided is not None:
                answer = self._tested_vals.get((id(decided), name))
                if answer is None:
                    answer = self._tested_vals[(id(decided), name)] = [
                        Val(c.value, c, Confidence.HIGH, "tested")
                        for c in self._narrowed(decided.test)[0][name]
                        if isinstance(c.value, str)
                    ]
        self._tested_of[id(use)] = answer
        return answer

    def _tested_keys(self, expr: ast.Subscript, key: ast.Name) -> frozenset[object] | None:
        """The keys a run-time key can hold where ``expr`` runs, as the ``if`` arms around
        it within its function test them (``if model == "A" or model == "B":
        ChatOpenAI(model=TABLE[model])``): None when no test says. Each arm's answer is
        worked out once for every lookup under it."""
        found = self.stmt_path(expr)
        if found is None:
            return None
        allowed: frozenset[object] | None = None
        for stmt, where in found[0]:
            if isinstance(stmt, _SCOPE_STMTS):
                allowed = None  # only the innermost function's tests count
            elif isinstance(stmt, ast.If) and where == "body":
                slot = (id(stmt), key.id)
                if slot in self._tested_key_arms:
                    allowed = self._tested_key_arms[slot]
                    continue
                tested = self._narrowed(stmt.test)[0].get(key.id)
                if tested is not None:
                    keys = frozenset(c.value for c in tested)
                    allowed = keys if allowed is None else allowed & keys
                self._tested_key_arms[slot] = allowed
        return allowed

    def _narrowed(self, test: ast.expr) -> tuple[dict[str, list[ast.Constant]], frozenset[str]]:
        """What a test lets each name it narrows equal when true (:func:`_narrowing`), and
        the names it reads; worked out once per test."""
        known = self._narrowed_of.get(id(test))
        if known is None:
            names = frozenset(n.id for n in ast.walk(test) if isinstance(n, ast.Name))
            known = self._narrowed_of[id(test)] = (_narrowing(test), names)
        return known

    def _dict_index(self, table: ast.Dict) -> dict[object, list[ast.expr]]:
        """A dict literal's values by constant key, made once per dict: each ``MAP["k"]``
        compared every key of the table (n keys x u lookups in a crafted file)."""
        index = self._dict_indexes.get(id(table))
        if index is None:
            index = self._dict_indexes[id(table)] = {}
            for k, v in zip(table.keys, table.values, strict=True):
                if isinstance(k, ast.Constant):
                    index.setdefault(k.value, []).append(v)
        return index

    def _truthy(self, expr: ast.expr | None, scope: Scope) -> bool:
        if expr is None:
            return False
        if isinstance(expr, ast.Constant):
            return expr.value is True
        if isinstance(expr, ast.Name):
            return any(
                isinstance(v, ast.Constant) and v.value is True
                for v, _ in self._lookup(expr.id, scope)
            )
        return False

    def _first_constant(self, call: ast.Call, names: Sequence[str], scope: Scope) -> str | None:
        for val in self._arg_values(call, names, scope):
            if not val.partial:
                return val.text
        return None

    def _arg(self, call: ast.Call, names: Sequence[str]) -> tuple[ast.expr, str] | None:
        for name in names:
            if name.startswith("#"):
                index = int(name[1:])
                if index < len(call.args) and not isinstance(call.args[index], ast.Starred):
                    if any(isinstance(a, ast.Starred) for a in call.args[:index]):
                        continue
                    return call.args[index], name
            elif "." in name:
                # api_params.model: the key of a dict literal passed as that keyword
                # (haystack's HuggingFaceAPIGenerator(api_params={"model": ...})).
                holder, _, key = name.partition(".")
                outer = _kw(call, holder)
                entry = self._dict_entry(outer, key) if outer is not None else None
                if entry is not None:
                    return entry, name
            else:
                value = _kw(call, name)
                if value is not None:
                    return value, name
        # create(**params) with params = {"model": ...}: the dict literal holds the argument.
        for kw in call.keywords:
            if kw.arg is None and isinstance(kw.value, ast.Name | ast.Dict):
                for name in names:
                    if not name.startswith("#"):
                        entry = self._dict_entry(kw.value, name)
                        if entry is not None:
                            return entry, name
        return None

    def _dict_entry(self, expr: ast.expr, key: str) -> ast.expr | None:
        targets: list[ast.expr] = [expr]
        if isinstance(expr, ast.Name):
            assigned = self.item_sets.get((expr.id, key))
            if assigned:
                return assigned[0]
            targets = [v for scope in self.scopes.values() for v in scope.assigns.get(expr.id, [])]
        for target in targets:
            if isinstance(target, ast.Dict):
                for k, v in zip(target.keys, target.values, strict=True):
                    if isinstance(k, ast.Constant) and k.value == key:
                        return v
        return None

    def _arg_values(self, call: ast.Call, names: Sequence[str], scope: Scope) -> list[Val]:
        found = self._arg(call, names)
        return self.values(found[0], scope) if found else []


def _constructed(fn: Scope) -> str | None:
    """The class whose calls call ``fn``, when ``fn`` is that class's ``__init__``."""
    parent = fn.parent
    if fn.name == "__init__" and parent is not None and parent.kind == "class" and parent.name:
        return parent.name
    return None


@functools.cache
def _constant_owners() -> frozenset[str]:
    """The classes the call table's SDK constants are members of (``dashscope.Generation.
    Models``)."""
    return frozenset(k.rsplit(".", 1)[0] for k in table().constants)


def _narrowing(test: ast.expr) -> dict[str, list[ast.Constant]]:
    """The constants a test lets each name equal when it is true (``name == "a"``,
    ``"a" == name``, ``name in ("a", "b")``, joined by ``or``; one narrowing part of an
    ``and`` is enough), for every name it narrows, in one pass over the test (asking it
    name by name read an ``and`` of n names n times)."""
    if isinstance(test, ast.BoolOp):
        parts = [_narrowing(v) for v in test.values]
        if isinstance(test.op, ast.Or):
            # a name every part narrows: any of their constants
            return {
                name: [c for p in parts for c in p[name]]
                for name in parts[0]
                if all(name in p for p in parts[1:])
            }
        joined: dict[str, list[list[ast.Constant]]] = {}
        for p in parts:
            for name, constants in p.items():
                joined.setdefault(name, []).append(constants)
        out: dict[str, list[ast.Constant]] = {}
        for name, known in joined.items():
            # the constants every narrowing part allows, in the first one's order
            values = set.intersection(*({c.value for c in k} for k in known))
            out[name] = [c for c in known[0] if c.value in values]
        return out
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return {}
    left, op, right = test.left, test.ops[0], test.comparators[0]
    if isinstance(op, ast.Eq):
        if isinstance(right, ast.Name) and isinstance(left, ast.Constant):
            left, right = right, left
        if isinstance(left, ast.Name) and isinstance(right, ast.Constant):
            return {left.id: [right]}
        return {}
    if (
        isinstance(op, ast.In)
        and isinstance(left, ast.Name)
        and isinstance(right, ast.Tuple | ast.List | ast.Set)
        and all(isinstance(e, ast.Constant) for e in right.elts)
    ):
        return {left.id: [e for e in right.elts if isinstance(e, ast.Constant)]}
    return {}
