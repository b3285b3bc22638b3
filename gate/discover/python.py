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
import fnmatch
import re
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

import ahocorasick_rs

from gate.discover import refs, scanning
from gate.discover.base import DiscoverContext
from gate.discover.driver import Driver, Seen, endpoint_choice, weakest
from gate.discover.tree import Tree
from gate.model import JSON, Confidence, Evidence, Location

NAME = "python"
SUFFIXES = (".py", ".pyw")
_MAX_DEPTH = 8
_MAX_VALUES = 16
_BUDGET = 20_000
"""Value look-ups one module may cost: a bound on pathological code, far above real files."""
_ENV_GETTERS = frozenset({"os.getenv", "os.environ.get", "os.environ.setdefault", "os.getenvb"})
_VALIDATORS = frozenset({"model_validator", "root_validator", "pre_init", "validator"})
"""Decorators of pydantic (and LangChain's ``pre_init``) that fill a model's fields from a
``values`` dict."""
_FIELD_CALLS = ("Field", "field", "pydantic.Field", "dataclasses.field", "attr.ib", "attrs.field")

Locator = Callable[[int, int], Location]
"""(1-based line, 1-based column) → Location; notebooks map lines to cells."""


# --- tables ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CallSpec:
    """One entry of the call table."""

    match: tuple[str, ...]
    family: str
    sdk: str | None
    provider: str | None
    model: tuple[str, ...]
    base_url: tuple[str, ...]
    region: tuple[str, ...]
    also: tuple[str, ...]
    client: str | None
    provider_arg: tuple[str, ...]
    repo_type: tuple[str, ...]
    namespace: tuple[str, ...]
    filename: tuple[str, ...]
    vertex_flag: str | None
    service: str | None
    service_names: tuple[str, ...]
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ClientFamily:
    """Methods of a client and where their model is."""

    name: str
    model: tuple[str, ...]
    methods: frozenset[str]
    distinctive: frozenset[str]


def _spec(row: Mapping[str, Any]) -> CallSpec:
    def tup(key: str) -> tuple[str, ...]:
        return tuple(str(v) for v in row.get(key) or ())

    return CallSpec(
        match=tup("match"),
        family=str(row["family"]),
        sdk=row.get("sdk"),
        provider=row.get("provider"),
        model=tup("model"),
        base_url=tup("base_url"),
        region=tup("region"),
        also=tup("also"),
        client=row.get("client"),
        provider_arg=tup("provider_arg"),
        repo_type=tup("repo_type"),
        namespace=tup("namespace"),
        filename=tup("filename"),
        vertex_flag=row.get("vertex_flag"),
        service=row.get("service"),
        service_names=tup("service_names"),
        raw=row,
    )


@dataclass(frozen=True, slots=True)
class CallTable:
    """The call table of one language, loaded once."""

    calls: tuple[CallSpec, ...]
    clients: Mapping[str, ClientFamily]
    exact: Mapping[str, CallSpec]
    globs: tuple[tuple[str, CallSpec], ...]
    _memo: dict[str, CallSpec | None] = field(default_factory=dict, compare=False)

    def lookup(self, qualname: str) -> CallSpec | None:
        """The first entry matching a qualified call name (memoised: names repeat)."""
        if qualname in self._memo:
            return self._memo[qualname]
        hit = self.exact.get(qualname)
        if hit is None:
            hit = next(
                (spec for pattern, spec in self.globs if fnmatch.fnmatchcase(qualname, pattern)),
                None,
            )
        self._memo[qualname] = hit
        return hit


def load_table(name: str) -> CallTable:
    """A call table from ``data/<name>``."""
    doc = refs.load_data(name)
    calls = tuple(_spec(row) for row in doc["calls"])
    exact: dict[str, CallSpec] = {}
    globs: list[tuple[str, CallSpec]] = []
    # Exact names win over globs only if no earlier glob already claims them.
    for spec in calls:
        for pattern in spec.match:
            if any(c in pattern for c in "*?["):
                globs.append((pattern, spec))
            elif pattern not in exact and not any(
                fnmatch.fnmatchcase(pattern, g) for g, _ in globs
            ):
                exact[pattern] = spec
    clients = {
        key: ClientFamily(
            name=key,
            model=tuple(str(v) for v in value.get("model") or ()),
            methods=frozenset(value.get("methods") or ()),
            distinctive=frozenset(value.get("distinctive") or ()),
        )
        for key, value in doc["clients"].items()
    }
    return CallTable(calls, clients, exact, tuple(globs))


@cache
def table() -> CallTable:
    """The Python call table."""
    return load_table("python_calls.yaml")


@cache
def _module_base_urls() -> Mapping[str, tuple[str, ...]]:
    # SDK-wide endpoint settings written as module attributes (openai.base_url = ...).
    return {
        "openai": ("openai.base_url", "openai.api_base"),
        "dashscope": ("dashscope.base_http_api_url",),
        "litellm": ("litellm.api_base",),
    }


def unknown_client_spec(
    calls: CallTable,
    families: Sequence[ClientFamily],
    method: str,
    imported: set[str],
    sep: str,
) -> tuple[ClientFamily, CallSpec, Confidence] | None:
    """How to read a client method called on a receiver the file neither constructs nor
    types: the method says which argument is the model, never whose client it is nor where
    it points (so callers claim no SDK and no host). The one SDK of the method's family the
    file imports gives medium confidence; a method only OpenAI-shaped clients have, low.
    ``sep`` ends a call-table pattern's module (``.`` in ``openai.OpenAI``, ``:`` in JS)."""

    def root(pattern: str) -> str:
        return pattern.split(sep, 1)[0]

    for fam in families:
        specs = [s for s in calls.calls if s.client == fam.name and not s.service]
        by_import = [s for s in specs if root(s.match[0]) in imported]
        if len({root(s.match[0]) for s in by_import}) == 1:
            return fam, by_import[0], Confidence.MEDIUM
        if method in fam.distinctive and specs:
            return fam, specs[0], Confidence.LOW
    return None


# Needles that only say "a model-ish name may be here": a file matched by these alone is
# parsed only when it also holds a model-looking string literal.
_WEAK_NEEDLES = (
    "MODEL", "model_name", "model_id", "_model", "model=", "model =", "model:", '"model"',
    "'model'", "llm", "LLM",
)  # fmt: skip


def strong_needles(calls: CallTable) -> set[str]:
    """Needles that mean "an SDK or hub call may be here": imported module roots, bare
    call names, and the distinctive client method chains (clients passed in from elsewhere)."""
    words: set[str] = set()
    for spec in calls.calls:
        for pattern in spec.match:
            head = re.split(r"[.:]", pattern, maxsplit=1)[0].strip("*")
            if "." not in pattern and ":" not in pattern:
                words.add(pattern.strip("*"))
            elif pattern.startswith("*."):
                words.add(pattern[2:])
            elif len(head) >= 4:
                words.add(head)
    for fam in calls.clients.values():
        words |= set(fam.distinctive)
    return {w for w in words if len(w) >= 4}


@cache
def needles() -> tuple[bytes, ...]:
    """Byte strings one of which every interesting Python file contains."""
    words = strong_needles(table()) | set(_WEAK_NEEDLES)
    return tuple(sorted(w.encode() for w in words))


@cache
def _strong() -> ahocorasick_rs.BytesAhoCorasick:
    return ahocorasick_rs.BytesAhoCorasick(
        sorted(w.encode() for w in strong_needles(table())),
        matchkind=ahocorasick_rs.MatchKind.LeftmostFirst,
    )


def worth_parsing(data: bytes) -> bool:
    """Whether a file that passed the needle filter can name a model at all."""
    if _strong().find_matches_as_indexes(data):
        return True
    return refs.model_literal_regex().search(data) is not None


# --- discovery ---------------------------------------------------------------------------


def discover(tree: Tree, ctx: DiscoverContext) -> Iterator[Evidence]:
    """Yield model references found in the tree's Python files."""
    reads = refs.readable(tree, ctx.include_tests)
    files = [f for f in tree.files if f.suffix in SUFFIXES and reads(f.rel)]
    ctx.observer.stage("python code", len(files))
    found, _ = scanning.scan(tree, files, needles(), analyse_file, observer=ctx.observer)
    ctx.observer.done()
    yield from refs.finish(tree, ctx, found)


def analyse_file(rel: str, data: bytes) -> scanning.Outcome:
    """Parse one Python file and return its model references (a module-level function)."""
    if not worth_parsing(data):
        return scanning.Outcome()
    text = data.decode("utf-8", errors="replace")
    try:
        module = ast.parse(text, filename=rel)
    except SyntaxError as exc:
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        reason = f"not parseable by Python {version} (line {exc.lineno}): {exc.msg}"
        return scanning.Outcome(skipped=[(rel, reason)])
    except (ValueError, RecursionError, MemoryError) as exc:
        return scanning.Outcome(skipped=[(rel, f"cannot parse: {type(exc).__name__}")])
    lines = text.splitlines()

    def locate(line: int, column: int) -> Location:
        return Location(rel, line=line, column=column)

    return scanning.Outcome(evidence=Analyser(module, text, lines, locate, source=NAME).run())


# --- scopes ------------------------------------------------------------------------------


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


class Analyser:
    """One module: index its bindings, then read every call."""

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
        self.dicts: list[tuple[ast.Dict, Scope, ast.Call | None]] = []
        self.keyword_sites: list[tuple[ast.Call, ast.keyword, Scope]] = []
        self.generic_assigns: list[tuple[str, ast.expr, Scope]] = []
        self._guard: set[tuple[int, str]] = set()
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

    # ---- pass 1: index ----

    def run(self) -> list[Evidence]:
        """All references in the module."""
        self._index(self.module, self.root, None)
        self._set_aside_examples()
        for call, scope in self.calls:
            self._call(call, scope)
        self._endpoints_without_model()
        self._generic()
        self._catalogues()
        return self.found

    def _set_aside_examples(self) -> None:
        """Values under OpenAPI ``example``/pydantic ``json_schema_extra`` keys and keyword
        arguments document an API (``responses={200: {... "example": {"llm_model":
        "gpt-4"}}}``): no model-ish name under them is a reference."""
        if "example" not in self.text and "schema_extra" not in self.text:
            return
        examples: list[ast.AST] = []
        for node, _, _ in self.dicts:
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and isinstance(key.value, str)
                    and refs.is_example_key(key.value)
                ):
                    examples.append(value)
        for _, kw, _ in self.keyword_sites:
            if kw.arg and refs.is_example_key(kw.arg):
                examples.append(kw.value)
        inside = {id(n) for example in examples for n in ast.walk(example)}
        if inside:
            self.dicts = [d for d in self.dicts if id(d[0]) not in inside]
            self.keyword_sites = [k for k in self.keyword_sites if id(k[1].value) not in inside]

    def _index(self, node: ast.AST, scope: Scope, call: ast.Call | None) -> None:
        for child in ast.iter_child_nodes(node):
            self._index_node(child, scope, call)

    def _index_node(self, node: ast.AST, scope: Scope, call: ast.Call | None) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self.imports[alias.asname] = alias.name
                else:
                    top = alias.name.split(".", 1)[0]
                    self.imports.setdefault(top, top)
            return
        if isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            for alias in node.names:
                if alias.name != "*":
                    self.imports[alias.asname or alias.name] = f"{base}.{alias.name}".lstrip(".")
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            self._index_function(node, scope)
            return
        if isinstance(node, ast.ClassDef):
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
            return
        if isinstance(node, ast.Assign):
            for target in node.targets:
                self._bind(target, node.value, scope)
        elif isinstance(node, ast.AnnAssign):
            if isinstance(node.target, ast.Name):
                scope.annotations[node.target.id] = node.annotation
            if node.value is not None:
                self._bind(node.target, node.value, scope)
            elif isinstance(node.target, ast.Attribute):
                self._annotate_attr(node.target, node.annotation, scope)
        elif isinstance(node, ast.NamedExpr):
            self._bind(node.target, node.value, scope)
        elif isinstance(node, ast.For | ast.AsyncFor | ast.comprehension):
            if isinstance(node.target, ast.Name):
                scope.loops.setdefault(node.target.id, []).append(node.iter)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                if item.optional_vars is not None:
                    self._bind(item.optional_vars, item.context_expr, scope)
        elif isinstance(node, ast.Return) and node.value is not None and scope.kind == "function":
            scope.returns.append(node.value)
        elif isinstance(node, ast.Call):
            self.calls.append((node, scope))
            self._super_init(node, scope)
            for kw in node.keywords:
                if kw.arg:
                    self.keyword_sites.append((node, kw, scope))
            call = node
        elif isinstance(node, ast.Dict):
            self.dicts.append((node, scope, call))
        elif isinstance(node, ast.Lambda):
            return
        self._index(node, scope, call)

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
        for default in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self._index_node(default, scope, None)
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
            isinstance(target, ast.Tuple | ast.List)
            and isinstance(value, ast.Tuple | ast.List)
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
        while isinstance(expr, ast.Attribute | ast.Call):
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

    # ---- values ----

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
        if isinstance(expr, ast.Name):
            return self._name_values(expr.id, scope, depth)
        if isinstance(expr, ast.Attribute):
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

    def _name_values(self, name: str, scope: Scope, depth: int) -> list[Val]:
        owner = self._binding_scope(name, scope)
        if owner is None:
            return []
        key = (id(owner), name)
        if key in self._guard:
            # ``model = model or DEFAULT``: inside its own assignment the name is the parameter.
            return self._param_values(name, owner, depth) if name in owner.params else []
        self._guard.add(key)
        try:
            out: list[Val] = []
            kind = "module-constant" if owner.kind == "module" else "variable"
            for value in owner.assigns.get(name, []):
                out += self.values(value, owner, kind, depth + 1)
            for iterable in owner.loops.get(name, []):
                out += self._iter_values(iterable, owner, depth)
            if name in owner.params:
                out += self._param_values(name, owner, depth)
            return out
        finally:
            self._guard.discard(key)

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
        if len(self.functions.get(fn.name, ())) != 1:
            return out
        for call, scope in self._calls_by_name().get(fn.name, []):
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
            pos = index - (1 if is_method and isinstance(call.func, ast.Attribute) else 0)
            if any(isinstance(a, ast.Starred) for a in call.args[: max(pos + 1, 0)]):
                return None, True
            if 0 <= pos < len(call.args):
                return call.args[pos], False
        return None, any(kw.arg is None for kw in call.keywords)

    def _site_scope(self, call: ast.Call, fn: Scope) -> Scope:
        for site, scope in self._calls_by_name().get(fn.name, []):
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
            if qual in _ENV_GETTERS and expr.args:
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

    def _call_values(self, call: ast.Call, scope: Scope, flow: str, depth: int) -> list[Val]:
        qual = self._qualname(call.func, scope) or ""
        if qual in _ENV_GETTERS:
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
            return self.values(call.args[0], scope, flow, depth + 1) if qual == "str" else []
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

    def _subscript_values(self, expr: ast.Subscript, scope: Scope, depth: int) -> list[Val]:
        key = expr.slice
        container = expr.value
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str | int)):
            # ROUTES[task] with a key only known at run time: any value of the table.
            anywhere: list[Val] = []
            if isinstance(container, ast.Name):
                for value, where in self._lookup(container.id, scope):
                    if isinstance(value, ast.Dict):
                        for v in value.values:
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
                for k, v in zip(value.keys, value.values, strict=True):
                    if isinstance(k, ast.Constant) and k.value == key.value:
                        out += self.values(v, where, "dict-entry", depth + 1)
            elif (
                isinstance(value, ast.List | ast.Tuple)
                and isinstance(key.value, int)
                and -len(value.elts) <= key.value < len(value.elts)
            ):
                out += self.values(value.elts[key.value], where, "list-entry", depth + 1)
        return out

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

    # ---- pass 2: calls ----

    def _call(self, call: ast.Call, scope: Scope) -> None:
        qual = self._qualname(call.func, scope)
        spec = table().lookup(qual) if qual else None
        if spec is not None:
            if spec.client:
                if not self._is_service_client(call, spec, scope):
                    return
                self.clients_made.append((call, scope, spec, qual or ""))
            if spec.model:

                def ctx(sites: Sequence[tuple[Scope, ast.Call]]) -> refs.RefContext:
                    return self._context(spec, call, scope, sites)

                named = self._emit(spec.model, call, scope, ctx, qual or "", spec)
                for extra in spec.also:
                    named += self._emit((extra,), call, scope, ctx, qual or "", spec)
                if not named and spec.base_url and not spec.client:
                    # ChatOpenAI(openai_api_base="https://api.deepseek.com", **kwargs): the
                    # model comes from elsewhere, the endpoint is still where prompts go.
                    self.clients_made.append((call, scope, spec, qual or ""))
                return
            if spec.client:
                return
        if isinstance(call.func, ast.Attribute):
            self._method_call(call, scope)

    def _is_service_client(self, call: ast.Call, spec: CallSpec, scope: Scope) -> bool:
        if not spec.service:
            return True
        service = self._first_constant(call, (spec.service, "service_name"), scope)
        return service in spec.service_names

    def _method_call(self, call: ast.Call, scope: Scope) -> None:
        # receivers[i] is the expression the method chain attrs[i:] is called on.
        attrs: list[str] = []
        receivers: list[ast.expr] = []
        node: ast.expr = call.func
        while isinstance(node, ast.Attribute) and len(attrs) < 6:
            attrs.insert(0, node.attr)
            node = node.value
            receivers.insert(0, node)
        for i in range(len(attrs)):
            method = ".".join(attrs[i:])
            families = [f for f in table().clients.values() if method in f.methods]
            if not families:
                continue
            # The longest chain that is a client method decides (client.chat.completions.create
            # is "chat.completions.create" on client, not "completions.create" on client.chat).
            self._client_method(call, scope, receivers[i], method, families)
            return

    def _client_method(
        self,
        call: ast.Call,
        scope: Scope,
        receiver: ast.expr,
        method: str,
        families: Sequence[ClientFamily],
    ) -> None:
        clients = self._clients(receiver, scope, 0)
        if clients is None:
            return  # the receiver is something else (a non-AI client)
        for fam in families:
            matched = [c for c in clients if c.spec.client == fam.name]
            for client in matched:
                where = f"{client.qualname}().{method}"
                if self._emit(
                    fam.model, call, scope, self._client_context(client), where, client.spec
                ):
                    self.client_used.add(id(client.call))
            if matched:
                return
        if clients:
            return
        # A receiver the module neither constructs nor types (self.client set by a base
        # class, a client passed in): see unknown_client_spec. base_url_expr names it.
        imported = {q.split(".", 1)[0] for q in self.imports.values()}
        picked = unknown_client_spec(table(), families, method, imported, sep=".")
        if picked is not None:
            fam, spec, cap = picked
            receiver_text = _segment(self.text, receiver) or "?"
            ctx = refs.RefContext(family=spec.family, base_url_dynamic=receiver_text)
            self._emit(fam.model, call, scope, ctx, f"?.{method}", spec, cap=cap)

    def _client_context(
        self, client: Client
    ) -> Callable[[Sequence[tuple[Scope, ast.Call]]], refs.RefContext]:
        def ctx(sites: Sequence[tuple[Scope, ast.Call]]) -> refs.RefContext:
            return self._context(client.spec, client.call, client.scope, sites)

        return ctx

    def _clients(self, expr: ast.expr, scope: Scope, depth: int) -> list[Client] | None:
        """Clients an expression may be; [] when unknown, None when known not to be one."""
        if depth > _MAX_DEPTH:
            return []
        if isinstance(expr, ast.Call):
            qual = self._qualname(expr.func, scope) or ""
            spec = table().lookup(qual) if qual else None
            if spec is not None and spec.client and self._is_service_client(expr, spec, scope):
                return [Client(spec, expr, scope, qual)]
            if isinstance(expr.func, ast.Name) and expr.func.id in self.functions:
                out: list[Client] = []
                for fn in self.functions[expr.func.id]:
                    for ret in fn.returns:
                        out += self._clients(ret, fn, depth + 1) or []
                return out
            if isinstance(expr.func, ast.Attribute) and expr.func.attr in ("with_options", "copy"):
                return self._clients(expr.func.value, scope, depth + 1)
            # A call to something imported that is not an AI client (twilio's Client()).
            return None if self._is_imported(expr.func) else []
        if isinstance(expr, ast.Name):
            if expr.id in self.imports:
                return None
            owner = self._binding_scope(expr.id, scope)
            if owner is None:
                return []
            out = []
            known_other = False
            for value in owner.assigns.get(expr.id, []):
                got = self._clients(value, owner, depth + 1)
                if got is None:
                    known_other = True
                else:
                    out += got
            annotation = owner.annotations.get(expr.id)
            if annotation is not None:
                out += self._annotated(annotation, owner)
            if not out and known_other:
                return None
            return out
        if isinstance(expr, ast.Attribute):
            cls = self._class_of(expr.value, scope, depth)
            if cls is None:
                return []
            out = []
            for value in cls.assigns.get(expr.attr, []):
                out += self._clients(value, cls, depth + 1) or []
            for value, where in cls.self_attrs.get(expr.attr, []):
                out += self._clients(value, where, depth + 1) or []
            annotation = cls.annotations.get(expr.attr)
            if annotation is not None:
                out += self._annotated(annotation, cls)
            return out
        if isinstance(expr, ast.Await):
            return self._clients(expr.value, scope, depth + 1)
        return []

    def _annotated(self, annotation: ast.expr, scope: Scope) -> list[Client]:
        qual = (
            self._qualname(annotation, scope)
            if isinstance(annotation, ast.Name | ast.Attribute)
            else None
        )
        spec = table().lookup(qual) if qual else None
        if spec is not None and spec.client:
            return [Client(spec, None, scope, qual or "")]
        return []

    def _context(
        self,
        spec: CallSpec,
        call: ast.Call | None,
        scope: Scope,
        sites: Sequence[tuple[Scope, ast.Call]] = (),
    ) -> refs.RefContext:
        """What a call's own arguments say (endpoint, region, revision...). ``sites``: the
        call sites the model value came through, where parameters are read (a base_url
        passed by one caller is not another caller's)."""
        saved = self._pinned
        self._pinned = dict(sites)
        try:
            return self._context_pinned(spec, call, scope)
        finally:
            self._pinned = saved

    def _context_pinned(
        self, spec: CallSpec, call: ast.Call | None, scope: Scope
    ) -> refs.RefContext:
        base_url: str | None = None
        dynamic: str | None = None
        region: str | None = None
        vertex = False
        revision = repo_type = provider_hint = namespace = None
        if call is not None:
            found = self._arg(call, spec.base_url)
            if found is not None:
                unknown, none = self._unknown_args, self._none_args
                vals = [v for v in self.values(found[0], scope) if not v.partial]
                unknown_at_a_site = self._unknown_args > unknown
                none_at_a_site = self._none_args > none
                decided = self._decided(found[0], scope, call)
                if vals and len({v.text for v in vals}) == 1 and not unknown_at_a_site:
                    if not none_at_a_site and decided:
                        base_url = vals[0].text
                    else:
                        # Some callers pass it, others leave it None: which host serves a
                        # given call depends on the caller, which this model does not say.
                        dynamic = _segment(self.text, found[0])
                elif not vals and none_at_a_site and not unknown_at_a_site:
                    pass  # None at every site the value came through: the SDK's default
                else:
                    dynamic = _segment(self.text, found[0])
            region = self._first_constant(call, spec.region, scope) if spec.region else None
            if spec.vertex_flag:
                vertex = self._truthy(_kw(call, spec.vertex_flag), scope)
            revision = self._first_constant(call, ("revision",), scope)
            repo_type = (
                self._first_constant(call, spec.repo_type, scope) if spec.repo_type else None
            )
            provider_hint = (
                self._first_constant(call, spec.provider_arg, scope) if spec.provider_arg else None
            )
            namespace = (
                self._first_constant(call, spec.namespace, scope) if spec.namespace else None
            )
        settings = _module_base_urls().get(spec.sdk or "", ())
        if base_url is None and dynamic is None:
            for setting in settings:
                for value, where in self.module_settings.get(setting, []):
                    vals = [v for v in self.values(value, where) if not v.partial]
                    if vals:
                        base_url = vals[0].text
        return refs.RefContext(
            family=spec.family,
            sdk=spec.sdk,
            provider=spec.provider,
            base_url=base_url,
            base_url_dynamic=dynamic,
            region=region,
            vertex=vertex,
            revision=revision,
            repo_type=repo_type,
            provider_hint=provider_hint,
            namespace=namespace,
        )

    # ---- branches: a serving fact reaches a call only along a path where both meet ----

    def _decided(self, expr: ast.expr, scope: Scope, call: ast.Call) -> bool:
        """Whether a variable holding an endpoint has that value wherever the call runs: not
        when some binding is None (the SDK's default on that path) or sits in an ``if``
        branch, ``match`` case or ``except`` handler the call is not in (``if provider ==
        "Kimi": base_url = "https://api.moonshot.ai/v1"`` says nothing of other providers)."""
        if not isinstance(expr, ast.Name):
            return True
        owner = self._binding_scope(expr.id, scope)
        if owner is None:
            return True
        for value in owner.assigns.get(expr.id, []):
            if isinstance(value, ast.Constant) and not isinstance(value.value, str):
                return False
            if not self._branches(value) <= self._branches(call):
                return False
        return True

    def _branches(self, node: ast.AST) -> frozenset[tuple[int, str]]:
        """The conditional branches enclosing a node, up to its function or module."""
        parents = self._parent_map()
        out: set[tuple[int, str]] = set()
        child = node
        parent = parents.get(id(child))
        while parent is not None and not isinstance(
            parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module | ast.ClassDef
        ):
            if isinstance(parent, ast.If) and child is not parent.test:
                out.add((id(parent), "body" if _within(child, parent.body) else "orelse"))
            elif isinstance(parent, ast.match_case | ast.ExceptHandler):
                out.add((id(parent), "case"))
            elif isinstance(parent, ast.IfExp) and child is not parent.test:
                out.add((id(parent), "body" if child is parent.body else "orelse"))
            child, parent = parent, parents.get(id(parent))
        return frozenset(out)

    def _parent_map(self) -> dict[int, ast.AST]:
        if self._parents is None:
            self._parents = {
                id(child): node
                for node in ast.walk(self.module)
                for child in ast.iter_child_nodes(node)
            }
        return self._parents

    def _emit(
        self,
        names: Sequence[str],
        call: ast.Call,
        scope: Scope,
        ctx: refs.RefContext | Callable[[Sequence[tuple[Scope, ast.Call]]], refs.RefContext],
        qual: str,
        spec: CallSpec,
        cap: Confidence = Confidence.HIGH,
    ) -> int:
        """Evidence for the model argument of a call; returns how many were found. ``ctx``
        as a function is asked once per set of call sites a model value came through."""
        found = self._arg(call, names)
        if found is None:
            return 0
        expr, arg_name = found
        count = 0
        argument = f"positional {arg_name[1:]}" if arg_name.startswith("#") else arg_name
        extra: dict[str, JSON] = {}
        if self._truthy(_kw(call, "trust_remote_code"), scope):
            extra["trust_remote_code"] = True
        filename = self._first_constant(call, spec.filename, scope) if spec.filename else None
        if filename:
            extra["filename"] = filename
        contexts: dict[tuple[tuple[Scope, ast.Call], ...], refs.RefContext] = {}
        for val in self.values(expr, scope):
            if isinstance(ctx, refs.RefContext):
                here = ctx
            else:
                if val.sites not in contexts:
                    contexts[val.sites] = ctx(val.sites)
                here = contexts[val.sites]
            elsewhere = getattr(val.node, "lineno", None) != call.lineno
            if self.driver.call(
                self._seen(val),
                here,
                call=qual,
                argument=argument,
                cap=cap,
                used_at=self._where(call) if elsewhere else None,
                extra=extra,
            ):
                count += 1
        return count

    def _seen(self, val: Val) -> Seen:
        """A value as the driver takes it."""
        return Seen(
            text=val.text,
            location=self._loc(val.node),
            mark=id(val.node),
            as_written=self._as_written(val),
            confidence=val.confidence,
            flow=val.flow,
            env_var=val.env_var,
            partial=val.partial,
        )

    def _as_written(self, val: Val) -> str:
        node = val.node
        if isinstance(node, ast.Constant):
            return val.text
        return _segment(self.text, node) or val.text

    def _loc(self, node: ast.AST) -> Location:
        line = int(getattr(node, "lineno", 1))
        col = int(getattr(node, "col_offset", 0))
        return self.locate(line, self._char_col(line, col) + 1)

    def _where(self, node: ast.AST) -> str:
        loc = self._loc(node)
        return (
            f"{loc.line}:{loc.column}"
            if loc.context is None
            else f"{loc.context}:{loc.line}:{loc.column}"
        )

    def _char_col(self, line: int, byte_col: int) -> int:
        if 0 < line <= len(self.lines):
            text = self.lines[line - 1]
            if text.isascii():
                return byte_col
            return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))
        return byte_col

    # ---- endpoints and model-ish names outside known calls ----

    def _endpoints_without_model(self) -> None:
        for call, scope, spec, qual in self.clients_made:
            if id(call) in self.client_used:
                continue
            ctx = self._context(spec, call, scope)
            if not ctx.base_url:
                continue
            found = self._arg(call, spec.base_url)
            node: ast.AST = call
            if found is not None:
                vals = [v for v in self.values(found[0], scope) if not v.partial]
                if vals:
                    node = vals[0].node
            self.driver.endpoint(ctx, self._loc(node), qual)

    def _generic(self) -> None:
        """Model-looking values under model-ish names that no known call consumed (medium)."""
        for call, scope in self.calls:
            # parser.add_argument("--model", default="gpt-4o"): the default a run gets.
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr == "add_argument" and call.args:
                flag = call.args[0]
                default = _kw(call, "default")
                if default is not None and isinstance(flag, ast.Constant):
                    name = str(flag.value).lstrip("-")
                    if refs.names_model(name):
                        self._generic_value(default, scope, name, None, "cli-default")
                    elif refs.is_dataset_key(name):
                        self._dataset_value(default, scope, name, "cli-default")
        for name, value, scope in self.generic_assigns:
            if refs.names_model(name):
                self._generic_value(value, scope, name, None)
            elif refs.is_dataset_key(name):
                self._dataset_value(value, scope, name, "assignment")
        # def pick_model(task): return "gpt-4o": what a model-ish function hands its callers
        # (in this module or, not followed, another one).
        for name, functions in self.functions.items():
            if refs.names_model(name):
                for fn in functions:
                    for ret in fn.returns:
                        self._generic_value(ret, fn, name, None, flow="return-value")
        for call, kw, scope in self.keyword_sites:
            if kw.arg and refs.names_model(kw.arg):
                qual = self._qualname(call.func, scope) or ""
                if table().lookup(qual) is None:
                    # upload(repo_id=..., repo_type="dataset"): the Hub's own word decides.
                    repo_type = self._first_constant(call, ("repo_type",), scope)
                    base_url, expr = self._endpoint_beside(call, scope)
                    self._generic_value(
                        kw.value, scope, kw.arg, base_url, repo_type=repo_type, base_url_expr=expr
                    )
        for node, scope, owner in self.dicts:
            base_url = self._request_url(owner, scope) if owner is not None else None
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and isinstance(key.value, str)
                    and refs.names_model(key.value)
                ):
                    self._generic_value(value, scope, key.value, base_url)

    # ---- catalogues: models the module offers rather than calls ----

    def _catalogues(self) -> None:
        """Lists, tuples, sets, dicts and enums of models (``AVAILABLE_MODELS = [...]``,
        ``{"deepseek": "deepseek-chat"}``, ``class Model(str, Enum)``): each entry is a
        model the release can call, so it is *listed* (medium)."""
        for name, value, scope in self.generic_assigns:
            if scope.kind == "class" and self._is_enum(scope) and is_catalogue_scope(scope):
                self._listed(value, name, None)
            elif isinstance(value, ast.List | ast.Tuple | ast.Set | ast.Dict):
                self._catalogue(value, name, refs.is_catalogue_name(name), depth=0)
        for functions in self.functions.values():
            for fn in functions:
                # def embed(text, model: str = "text-embedding-v3"): the default a call gets.
                for param, default in fn.params.items():
                    if default is not None and refs.names_model(param):
                        self._generic_value(default, fn, param, None, flow="parameter-default")

    def _is_enum(self, cls: Scope) -> bool:
        return any(b.rsplit(".", 1)[-1] in _ENUM_BASES for b in cls.bases)

    def _catalogue(self, node: ast.expr, key: str, named: bool, depth: int) -> None:
        if depth > 4:
            return
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            for elt in node.elts:
                if named:
                    self._listed(elt, key, None)
                if isinstance(elt, ast.List | ast.Tuple | ast.Set | ast.Dict):
                    self._catalogue(elt, key, named, depth + 1)
            return
        if not isinstance(node, ast.Dict):
            return
        names = [
            k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
        ]
        fields = refs.catalogue_fields(names)
        for k, v in zip(node.keys, node.values, strict=True):
            text = k.value if isinstance(k, ast.Constant) and isinstance(k.value, str) else None
            hint = refs.catalogue_hint(text) if text else None
            if named and k is not None:
                self._listed(k, key, None)
            entry = named and (not fields or text in fields or not isinstance(v, ast.Constant))
            if hint is not None or entry:
                # {"deepseek": "deepseek-chat"} / {"openai": ["gpt-4o", ...]}: the key says
                # whose models the values are.
                for item in v.elts if isinstance(v, ast.List | ast.Tuple | ast.Set) else [v]:
                    self._listed(item, text or key, hint)
            if isinstance(v, ast.List | ast.Tuple | ast.Set | ast.Dict):
                inner = named or (text is not None and refs.is_catalogue_name(text))
                self._catalogue(v, text or key, inner, depth + 1)

    def _listed(self, node: ast.expr, key: str, hint: str | None) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            seen = Seen(node.value, self._loc(node), id(node), node.value, flow="catalogue")
            self.driver.listed(seen, key, provider_hint=hint)

    def _generic_value(
        self,
        value: ast.expr,
        scope: Scope,
        key: str,
        base_url: str | None,
        flow: str = "assignment",
        repo_type: str | None = None,
        base_url_expr: str | None = None,
    ) -> None:
        if not isinstance(value, ast.Constant | ast.Call | ast.BoolOp | ast.JoinedStr):
            return
        if repo_type not in (None, "model", "dataset"):
            return  # a Space, or something else that is not a model
        family = "hf-dataset" if repo_type == "dataset" else "config"
        for val in self.values(value, scope, flow):
            self.driver.named(
                self._seen(val), key, base_url=base_url, family=family, base_url_expr=base_url_expr
            )

    def _endpoint_beside(self, call: ast.Call, scope: Scope) -> tuple[str | None, str | None]:
        """The endpoint an unknown call (a project's own client wrapper) is given beside a
        model keyword: ``(constant, None)``, ``(None, expression)`` or ``(None, None)``."""
        for kw in call.keywords:
            if kw.arg and refs.is_url_key(kw.arg) and not _is_none(kw.value):
                texts = [v.text for v in self.values(kw.value, scope) if not v.partial]
                texts = [t for t in texts if "://" in t or "." in t]
                return endpoint_choice(
                    texts,
                    decided=self._decided(kw.value, scope, call),
                    expression=_segment(self.text, kw.value) or kw.arg,
                )
        return None, None

    def _dataset_value(self, value: ast.expr, scope: Scope, key: str, flow: str) -> None:
        """A Hub dataset under a dataset-ish name (``--dataset`` default): only an org/name
        id counts (a bare ``train`` or ``data.json`` names no Hub dataset)."""
        for val in self.values(value, scope, flow):
            if "/" in val.text and not refs.looks_like_path(val.text):
                self.driver.named(self._seen(val), key, family="hf-dataset")

    def _request_url(self, call: ast.Call, scope: Scope) -> str | None:
        """The URL of an HTTP call whose JSON body names a model (requests.post(url, json=...))."""
        qual = self._qualname(call.func, scope) or ""
        if qual.split(".", 1)[0] not in ("requests", "httpx", "aiohttp") and not qual.endswith(
            (".post", ".request")
        ):
            return None
        found = self._arg(call, ("url", "#0"))
        if found is None:
            return None
        for val in self.values(found[0], scope):
            if "://" in val.text and not val.partial:
                return val.text
        return None


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
    segment = ast.get_source_segment(text, node)
    if segment is None:
        return None
    return re.sub(r"\s+", " ", segment)[:200]
