"""JavaScript and TypeScript code that names models, read with tree-sitter.

The same ideas as :mod:`gate.discover.python` over a JS/TS syntax tree: imports and
``require`` give calls their qualified names (``data/javascript_calls.yaml``), clients made
with ``new`` carry their ``baseURL`` to the method calls made on them, Vercel AI SDK
providers (``openai('gpt-4o')``, ``createOpenAI({baseURL})``) name models when called, and
values are followed through ``const``/``let`` bindings, default parameters, class fields,
object properties, template strings and ``process.env.X ?? "default"`` (medium confidence).
Scoping is simplified: a name means every binding of that name in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

import ahocorasick_rs
import tree_sitter
import tree_sitter_javascript
import tree_sitter_typescript

from gate.discover import refs, scanning
from gate.discover.base import DiscoverContext
from gate.discover.driver import Driver, Seen, endpoint_choice, weakest
from gate.discover.python import (
    CallSpec,
    CallTable,
    ClientFamily,
    load_table,
    strong_needles,
    unknown_client_spec,
)
from gate.discover.tree import Tree
from gate.model import Confidence, Evidence, Location
from gate.recognise import SiteKind

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

_QUERY = """
(import_statement) @import
(variable_declarator) @decl
(assignment_expression) @assign
(call_expression) @call
(new_expression) @new
(pair) @pair
(assignment_pattern) @param
(object_assignment_pattern) @param
"""
_FIELD_QUERY_JS = "(field_definition) @field"
_FIELD_QUERY_TS = "(public_field_definition) @field"


@cache
def table() -> CallTable:
    """The JavaScript/TypeScript call table."""
    return load_table("javascript_calls.yaml")


@cache
def _instances() -> dict[str, str]:
    doc = refs.load_data("javascript_calls.yaml")
    return {str(k): str(v) for k, v in (doc.get("instances") or {}).items()}


_WEAK_NEEDLES = ("MODEL", "model:", "model =", "modelName", '"model"', "'model'", "llm", "LLM")


@cache
def needles() -> tuple[bytes, ...]:
    """Byte strings one of which every interesting JS/TS file contains."""
    words = {w.split("/", 1)[0] if w.startswith("@") else w for w in strong_needles(table())}
    words |= set(_WEAK_NEEDLES) | {"from_pretrained"}
    return tuple(sorted(w.encode() for w in words if len(w) >= 4))


@cache
def _strong() -> ahocorasick_rs.BytesAhoCorasick:
    words = {w.split("/", 1)[0] if w.startswith("@") else w for w in strong_needles(table())}
    return ahocorasick_rs.BytesAhoCorasick(
        sorted(w.encode() for w in words if len(w) >= 4),
        matchkind=ahocorasick_rs.MatchKind.LeftmostFirst,
    )


@cache
def _language(suffix: str) -> tree_sitter.Language:
    if suffix in (".ts", ".mts", ".cts"):
        return tree_sitter.Language(tree_sitter_typescript.language_typescript())
    if suffix == ".tsx":
        return tree_sitter.Language(tree_sitter_typescript.language_tsx())
    return tree_sitter.Language(tree_sitter_javascript.language())


@cache
def _query(suffix: str) -> tree_sitter.Query:
    fields = _FIELD_QUERY_TS if suffix in (".ts", ".mts", ".cts", ".tsx") else _FIELD_QUERY_JS
    return tree_sitter.Query(_language(suffix), _QUERY + fields)


def discover(tree: Tree, ctx: DiscoverContext) -> Iterator[Evidence]:
    """Yield model references found in the tree's JavaScript and TypeScript files."""
    reads = refs.readable(tree, ctx.include_tests)
    files = [
        f
        for f in tree.files
        if f.suffix in SUFFIXES and not f.name.endswith((".min.js", ".d.ts")) and reads(f.rel)
    ]
    ctx.observer.stage("javascript code", len(files))
    found, _ = scanning.scan(tree, files, needles(), analyse_file, observer=ctx.observer)
    ctx.observer.done()
    yield from refs.finish(tree, ctx, found)


def analyse_file(rel: str, data: bytes) -> scanning.Outcome:
    """Parse one JS/TS file and return its model references."""
    if not _strong().find_matches_as_indexes(data) and not refs.model_literal_regex().search(data):
        return scanning.Outcome()
    suffix = "." + rel.rsplit(".", 1)[-1].lower() if "." in rel else ".js"
    if len(data) > 50_000 and len(data) / (data.count(b"\n") + 1) > _MINIFIED_LINE:
        # A bundle (vendor code, mangled names): data flow means nothing in it.
        return scanning.Outcome(skipped=[(rel, "minified or bundled JavaScript: not parsed")])
    parser = tree_sitter.Parser(_language(suffix))
    syntax = parser.parse(data)
    if syntax.root_node.has_error and _error_share(syntax.root_node) > 0.5:
        return scanning.Outcome(skipped=[(rel, "not parseable as JavaScript/TypeScript")])
    return scanning.Outcome(evidence=_Analyser(rel, data, syntax.root_node, _query(suffix)).run())


def _error_share(root: tree_sitter.Node) -> float:
    errors = sum(1 for child in root.children if child.type == "ERROR")
    return errors / max(1, root.child_count)


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
    if node is None or node.text is None:
        return ""
    return node.text.decode("utf-8", errors="replace")


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


class _Analyser:
    def __init__(
        self, rel: str, data: bytes, root: tree_sitter.Node, query: tree_sitter.Query
    ) -> None:
        self.rel = rel
        self.data = data
        self.lines = data.split(b"\n")
        self.root = root
        self.query = query
        self.imports: dict[str, str] = {}
        self.namespaces: dict[str, str] = {}
        self.values_of: dict[str, list[tree_sitter.Node]] = {}
        self.params: dict[str, list[tree_sitter.Node]] = {}
        self.calls: list[tree_sitter.Node] = []
        self.pairs: list[tree_sitter.Node] = []
        self.decls: list[tuple[str, tree_sitter.Node]] = []
        self.driver = Driver(NAME)
        self.found: list[Evidence] = self.driver.found
        self.consumed: set[int] = self.driver.consumed
        self.client_used: set[int] = set()
        self.clients_made: list[tuple[tree_sitter.Node, CallSpec, str]] = []
        self._guard: set[str] = set()
        self._budget = _BUDGET

    # ---- index ----

    def run(self) -> list[Evidence]:
        captures = tree_sitter.QueryCursor(self.query).captures(self.root)
        for node in captures.get("import", []):
            self._import(node)
        for node in captures.get("decl", []):
            self._declarator(node)
        for node in captures.get("assign", []):
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and right is not None:
                key = _text(left) if left.type in ("identifier", "member_expression") else ""
                if key:
                    self.values_of.setdefault(key, []).append(right)
                    self.decls.append((key.rsplit(".", 1)[-1], right))
        for node in captures.get("param", []):
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if (
                left is not None
                and right is not None
                and left.type
                in (
                    "identifier",
                    "shorthand_property_identifier_pattern",
                )
            ):
                self.params.setdefault(_text(left), []).append(right)
        for node in captures.get("field", []):
            name = node.child_by_field_name("property") or node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if name is not None and value is not None:
                self.values_of.setdefault("this." + _text(name), []).append(value)
                self.decls.append((_text(name), value))
        self.calls = sorted(
            [*captures.get("call", []), *captures.get("new", [])], key=lambda n: n.start_byte
        )
        self.pairs = captures.get("pair", [])
        for call in self.calls:
            self._call(call)
        self._endpoints_without_model()
        self._generic()
        return self.found

    def _import(self, node: tree_sitter.Node) -> None:
        source = node.child_by_field_name("source")
        module = _string_value(source) if source is not None else None
        if module is None:
            return
        for clause in node.named_children:
            if clause.type != "import_clause":
                continue
            for part in clause.named_children:
                if part.type == "identifier":
                    self.imports[_text(part)] = f"{module}:default"
                elif part.type == "namespace_import":
                    ident = next((c for c in part.named_children if c.type == "identifier"), None)
                    if ident is not None:
                        self.namespaces[_text(ident)] = module
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias")
                        if name is not None:
                            local = _text(alias) if alias is not None else _text(name)
                            self.imports[local] = f"{module}:{_text(name)}"

    def _require_module(self, node: tree_sitter.Node | None) -> str | None:
        node = _unwrap(node)
        if node is None or node.type != "call_expression":
            return None
        func = node.child_by_field_name("function")
        if func is None or _text(func) not in ("require", "import"):
            return None
        args = node.child_by_field_name("arguments")
        first = args.named_children[0] if args is not None and args.named_children else None
        return _string_value(first) if first is not None else None

    def _declarator(self, node: tree_sitter.Node) -> None:
        name = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name is None or value is None:
            return
        module = self._require_module(value)
        unwrapped = _unwrap(value)
        if (
            module is None
            and unwrapped is not None
            and unwrapped.type == "member_expression"
            and _text(unwrapped.child_by_field_name("property")) == "default"
        ):
            # const ollama = require("ollama").default
            module = self._require_module(unwrapped.child_by_field_name("object"))
        if module is not None:
            if name.type == "identifier":
                self.imports[_text(name)] = f"{module}:default"
            elif name.type == "object_pattern":
                for prop in name.named_children:
                    if prop.type == "shorthand_property_identifier_pattern":
                        self.imports[_text(prop)] = f"{module}:{_text(prop)}"
                    elif prop.type == "pair_pattern":
                        key = prop.child_by_field_name("key")
                        val = prop.child_by_field_name("value")
                        if key is not None and val is not None:
                            self.imports[_text(val)] = f"{module}:{_text(key)}"
            return
        if name.type == "identifier":
            self.values_of.setdefault(_text(name), []).append(value)
            self.decls.append((_text(name), value))
        elif name.type == "object_pattern":
            # const { model = "gpt-4o" } = options: the default is the value we can know.
            for prop in name.named_children:
                if prop.type == "object_assignment_pattern":
                    left, right = (
                        prop.child_by_field_name("left"),
                        prop.child_by_field_name("right"),
                    )
                    if left is not None and right is not None:
                        self.params.setdefault(_text(left), []).append(right)

    # ---- names ----

    def _qualname(self, node: tree_sitter.Node | None, depth: int = 0) -> str | None:
        node = _unwrap(node)
        if node is None or depth > _MAX_DEPTH:
            return None
        if node.type == "identifier":
            name = _text(node)
            if name in self.imports:
                return self.imports[name]
            bound = self.values_of.get(name, [])
            if len(bound) == 1:
                inner = _unwrap(bound[0])
                if inner is not None and inner.type in ("call_expression", "new_expression"):
                    callee = self._callee(inner)
                    if callee is not None and self._is_imported(callee):
                        q = self._qualname(callee, depth + 1)
                        return f"{q}()" if q else None
            return name
        if node.type == "member_expression":
            obj = node.child_by_field_name("object")
            prop = _text(node.child_by_field_name("property"))
            obj = _unwrap(obj)
            if obj is not None and obj.type == "identifier" and _text(obj) in self.namespaces:
                return f"{self.namespaces[_text(obj)]}:{prop}"
            if obj is not None and obj.type == "this":
                return f"this.{prop}"
            base = self._qualname(obj, depth + 1)
            return f"{base}.{prop}" if base else f"?.{prop}"
        if node.type in ("call_expression", "new_expression"):
            module = self._require_module(node)
            if module is not None:
                return f"{module}:default"
            called = self._qualname(self._callee(node), depth + 1)
            return f"{called}()" if called else None
        return None

    def _callee(self, node: tree_sitter.Node) -> tree_sitter.Node | None:
        if node.type == "new_expression":
            return node.child_by_field_name("constructor")
        return node.child_by_field_name("function")

    def _is_imported(self, node: tree_sitter.Node | None) -> bool:
        node = _unwrap(node)
        while node is not None and node.type in ("member_expression", "call_expression"):
            node = _unwrap(
                node.child_by_field_name("object")
                if node.type == "member_expression"
                else node.child_by_field_name("function")
            )
        if node is None or node.type != "identifier":
            return False
        name = _text(node)
        return name in self.imports or name in self.namespaces

    # ---- values ----

    def values(
        self, node: tree_sitter.Node | None, flow: str = "literal", depth: int = 0
    ) -> list[_Val]:
        node = _unwrap(node)
        if node is None or depth > _MAX_DEPTH or self._budget <= 0:
            return []
        self._budget -= 1
        return self._values(node, flow, depth)[:_MAX_VALUES]

    def _values(self, node: tree_sitter.Node, flow: str, depth: int) -> list[_Val]:
        kind = node.type
        if kind == "string":
            return [_Val(_string_value(node) or "", node, Confidence.HIGH, flow)]
        if kind == "template_string":
            return self._template(node, depth)
        if kind in ("identifier", "shorthand_property_identifier"):
            return self._name(_text(node), depth)
        if kind == "member_expression":
            return self._member(node, depth)
        if kind == "binary_expression":
            return self._binary(node, flow, depth)
        if kind == "ternary_expression":
            return self.values(node.child_by_field_name("consequence"), flow, depth + 1) + (
                self.values(node.child_by_field_name("alternative"), flow, depth + 1)
            )
        if kind == "subscript_expression":
            index = _unwrap(node.child_by_field_name("index"))
            key = _string_value(index) if index is not None else None
            if key is not None:
                return self._property(node.child_by_field_name("object"), key, depth)
        if kind == "call_expression":
            func = self._qualname(node.child_by_field_name("function")) or ""
            args = node.child_by_field_name("arguments")
            if func == "String" and args is not None and args.named_children:
                return self.values(args.named_children[0], flow, depth + 1)
        return []

    def _template(self, node: tree_sitter.Node, depth: int) -> list[_Val]:
        texts = [""]
        partial = False
        confidence = Confidence.HIGH
        env: str | None = None
        for part in node.named_children:
            if part.type == "string_fragment":
                texts = [t + _text(part) for t in texts]
            elif part.type == "template_substitution":
                inner = part.named_children[0] if part.named_children else None
                got = self.values(inner, "template", depth + 1)
                if not got or any(v.partial for v in got):
                    texts = [t + "*" for t in texts]
                    partial = True
                else:
                    texts = [t + v.text for t in texts for v in got][:_MAX_VALUES]
                    for v in got:
                        confidence = _weakest(confidence, v.confidence)
                        env = env or v.env_var
            elif part.type == "escape_sequence":
                texts = [t + _text(part) for t in texts]
        if not node.named_children:
            return [_Val("", node, Confidence.HIGH, "literal")]
        if partial:
            confidence = Confidence.LOW
        return [_Val(t, node, confidence, "template", env, partial) for t in texts]

    def _name(self, name: str, depth: int) -> list[_Val]:
        if name in self._guard:
            return []
        self._guard.add(name)
        try:
            out: list[_Val] = []
            bound = self.values_of.get(name, [])
            defaults = self.params.get(name, [])
            if len(bound) + len(defaults) > _MAX_BINDINGS:
                return []
            for value in bound:
                out += self.values(value, "variable", depth + 1)
            for default in defaults:
                out += self.values(default, "parameter-default", depth + 1)
            return out
        finally:
            self._guard.discard(name)

    def _member(self, node: tree_sitter.Node, depth: int) -> list[_Val]:
        obj = _unwrap(node.child_by_field_name("object"))
        prop = _text(node.child_by_field_name("property"))
        if obj is None:
            return []
        if obj.type == "this":
            return self._name("this." + prop, depth)
        return self._property(obj, prop, depth)

    def _property(self, obj: tree_sitter.Node | None, key: str, depth: int) -> list[_Val]:
        out: list[_Val] = []
        for target in self._objects(obj, depth):
            for pair in target.named_children:
                if pair.type == "pair" and self._key(pair) == key:
                    out += self.values(pair.child_by_field_name("value"), "property", depth + 1)
                elif pair.type == "shorthand_property_identifier" and _text(pair) == key:
                    out += self.values(pair, "property", depth + 1)
        return out

    def _objects(self, node: tree_sitter.Node | None, depth: int) -> list[tree_sitter.Node]:
        """Object literals an expression may be (through bindings)."""
        node = _unwrap(node)
        if node is None or depth > _MAX_DEPTH:
            return []
        if node.type == "object":
            return [node]
        if node.type == "identifier":
            name = _text(node)
            if name in self._guard:
                return []
            self._guard.add(name)
            try:
                out: list[tree_sitter.Node] = []
                bound = self.values_of.get(name, [])
                if len(bound) > _MAX_BINDINGS:
                    return []
                for value in bound:
                    out += self._objects(value, depth + 1)
                return out
            finally:
                self._guard.discard(name)
        if node.type == "member_expression":
            inner = self._objects(node.child_by_field_name("object"), depth + 1)
            prop = _text(node.child_by_field_name("property"))
            out = []
            for obj in inner:
                for pair in obj.named_children:
                    if pair.type == "pair" and self._key(pair) == prop:
                        out += self._objects(pair.child_by_field_name("value"), depth + 1)
            return out
        return []

    def _key(self, pair: tree_sitter.Node) -> str:
        key = pair.child_by_field_name("key")
        if key is None:
            return ""
        if key.type == "string":
            return _string_value(key) or ""
        return _text(key)

    def _env_name(self, node: tree_sitter.Node | None) -> str | None:
        node = _unwrap(node)
        if node is None:
            return None
        if node.type == "member_expression":
            obj = _unwrap(node.child_by_field_name("object"))
            if obj is not None and _text(obj) in ("process.env", "import.meta.env", "Deno.env"):
                return _text(node.child_by_field_name("property"))
        if node.type == "subscript_expression":
            obj = _unwrap(node.child_by_field_name("object"))
            index = _unwrap(node.child_by_field_name("index"))
            if obj is not None and _text(obj) == "process.env" and index is not None:
                return _string_value(index) or "?"
        return None

    def _binary(self, node: tree_sitter.Node, flow: str, depth: int) -> list[_Val]:
        operator = _text(node.child_by_field_name("operator"))
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if operator in ("??", "||"):
            env = self._env_name(left)
            got_right = self.values(right, flow, depth + 1)
            if env is not None:
                return [
                    _Val(
                        v.text,
                        v.node,
                        _weakest(v.confidence, Confidence.MEDIUM),
                        "env-default",
                        env,
                        v.partial,
                    )
                    for v in got_right
                ]
            return self.values(left, flow, depth + 1) + got_right
        if operator == "+":
            lefts = self.values(left, flow, depth + 1)
            rights = self.values(right, flow, depth + 1)
            if lefts and rights:
                return [
                    _Val(
                        a.text + b.text,
                        node,
                        _weakest(a.confidence, b.confidence),
                        "concatenation",
                        a.env_var or b.env_var,
                        a.partial or b.partial,
                    )
                    for a in lefts
                    for b in rights
                ][:_MAX_VALUES]
        return []

    # ---- arguments ----

    def _args(self, call: tree_sitter.Node) -> list[tree_sitter.Node]:
        args = call.child_by_field_name("arguments")
        if args is None:
            return []
        return [a for a in args.named_children if a.type != "comment"]

    def _arg(
        self, call: tree_sitter.Node, names: Sequence[str]
    ) -> tuple[tree_sitter.Node, str] | None:
        args = self._args(call)
        for name in names:
            if name.startswith("#"):
                index = int(name[1:])
                if index < len(args) and args[index].type != "spread_element":
                    return args[index], name
                continue
            for arg in args:
                found = self._path(arg, name.split("."))
                if found is not None:
                    return found, name
        return None

    def _path(self, node: tree_sitter.Node, path: Sequence[str]) -> tree_sitter.Node | None:
        for obj in self._objects(node, 0):
            for pair in obj.named_children:
                if pair.type == "pair" and self._key(pair) == path[0]:
                    value = pair.child_by_field_name("value")
                    if len(path) == 1 or value is None:
                        return value
                    return self._path(value, path[1:])
                if pair.type == "shorthand_property_identifier" and _text(pair) == path[0]:
                    return pair if len(path) == 1 else None
        return None

    def _first_constant(self, call: tree_sitter.Node | None, names: Sequence[str]) -> str | None:
        if call is None or not names:
            return None
        found = self._arg(call, names)
        if found is None:
            return None
        for val in self.values(found[0]):
            if not val.partial:
                return val.text
        return None

    def _truthy(self, call: tree_sitter.Node | None, name: str | None) -> bool:
        if call is None or not name:
            return False
        found = self._arg(call, (name,))
        return found is not None and _text(_unwrap(found[0])) == "true"

    # ---- calls ----

    def _call(self, call: tree_sitter.Node) -> None:
        callee = self._callee(call)
        qual = self._qualname(callee)
        spec = table().lookup(qual) if qual else None
        if spec is not None and spec.raw.get("provider_fn"):
            # openai("gpt-4o") names a model; createOpenAI({...}) makes a provider and does not.
            made = self._provider_fn(callee)
            if made is not None:
                self._emit(("#0",), call, self._context(made[0], made[1]), made[2])
            return
        if spec is not None:
            if spec.client:
                self.clients_made.append((call, spec, qual or ""))
            if spec.model:
                ctx = self._context(spec, call)
                self._emit(
                    spec.model, call, ctx, qual or "", string_only=bool(spec.raw.get("string_only"))
                )
            if spec.client or spec.model:
                return
        provider = self._provider_fn(callee)
        if provider is not None:
            spec, made_by, where = provider
            ctx = self._context(spec, made_by)
            self._emit(("#0",), call, ctx, where)
            return
        callee = _unwrap(callee)
        if callee is not None and callee.type == "member_expression":
            self._method_call(call, callee)

    def _provider_fn(
        self, callee: tree_sitter.Node | None
    ) -> tuple[CallSpec, tree_sitter.Node | None, str] | None:
        """A Vercel AI SDK provider being asked for a model: ``openai("gpt-4o")``,
        ``deepseek.chat("deepseek-chat")`` where ``deepseek = createDeepSeek({...})``."""
        node = _unwrap(callee)
        if node is not None and node.type == "member_expression":
            node = _unwrap(node.child_by_field_name("object"))
        if node is None or node.type != "identifier":
            return None
        name = _text(node)
        if name in self.imports:
            spec = table().lookup(self.imports[name])
            if spec is not None and spec.raw.get("provider_fn"):
                if self.imports[name].split(":", 1)[1].startswith("create"):
                    return None
                return spec, None, self.imports[name]
            return None
        for value in self.values_of.get(name, []):
            inner = _unwrap(value)
            if inner is None or inner.type != "call_expression":
                continue
            qual = self._qualname(inner.child_by_field_name("function"))
            spec = table().lookup(qual) if qual else None
            if spec is not None and spec.raw.get("provider_fn"):
                return spec, inner, f"{qual}()"
        return None

    def _method_call(self, call: tree_sitter.Node, func: tree_sitter.Node) -> None:
        attrs: list[str] = []
        receivers: list[tree_sitter.Node] = []
        node: tree_sitter.Node | None = func
        while node is not None and node.type == "member_expression" and len(attrs) < 6:
            attrs.insert(0, _text(node.child_by_field_name("property")))
            node = _unwrap(node.child_by_field_name("object"))
            if node is None:
                return
            receivers.insert(0, node)
        for i in range(len(attrs)):
            method = ".".join(attrs[i:])
            families = [f for f in table().clients.values() if method in f.methods]
            if families:
                self._client_method(call, receivers[i], method, families)
                return

    def _client_method(
        self,
        call: tree_sitter.Node,
        receiver: tree_sitter.Node,
        method: str,
        families: Sequence[ClientFamily],
    ) -> None:
        clients = self._clients(receiver, 0)
        if clients is None:
            return
        for fam in families:
            matched = [c for c in clients if c.spec.client == fam.name]
            for client in matched:
                ctx = self._context(client.spec, client.call)
                emitted = self._emit(fam.model, call, ctx, f"{client.qualname}.{method}")
                if emitted and client.call is not None:
                    self.client_used.add(client.call.id)
            if matched:
                return
        if clients:
            return
        imported = {q.split(":", 1)[0] for q in self.imports.values()} | set(
            self.namespaces.values()
        )
        picked = unknown_client_spec(table(), families, method, imported, sep=":")
        if picked is not None:
            fam, spec, cap = picked
            expr = re.sub(r"\s+", " ", _text(receiver))[:200] or "?"
            ctx = refs.RefContext(family=spec.family, base_url_dynamic=expr)
            self._emit(fam.model, call, ctx, f"?.{method}", cap=cap)

    def _clients(self, node: tree_sitter.Node | None, depth: int) -> list[_Client] | None:
        node = _unwrap(node)
        if node is None or depth > _MAX_DEPTH:
            return []
        if node.type in ("new_expression", "call_expression"):
            qual = self._qualname(self._callee(node)) or ""
            spec = table().lookup(qual) if qual else None
            if spec is not None and spec.client:
                return [_Client(spec, node, qual)]
            return None if self._is_imported(self._callee(node)) else []
        if node.type == "identifier":
            name = _text(node)
            if name in self.imports:
                instance = _instances().get(self.imports[name])
                if instance is not None:
                    spec = next((s for s in table().calls if s.client == instance), None)
                    if spec is not None:
                        return [_Client(spec, None, self.imports[name])]
                return None
            return self._bound_clients(name, depth, _scope_of(node))
        if node.type == "member_expression":
            obj = _unwrap(node.child_by_field_name("object"))
            if obj is not None and obj.type == "this":
                return self._bound_clients(
                    "this." + _text(node.child_by_field_name("property")), depth
                )
        return []

    def _bound_clients(
        self, name: str, depth: int, home: int | None = None
    ) -> list[_Client] | None:
        if name in self._guard:
            return []
        self._guard.add(name)
        try:
            out: list[_Client] = []
            other = False
            bound = self.values_of.get(name, [])
            if home is not None:
                # A client bound in the caller's own function is the one it uses; a name
                # bound in another function is another variable.
                local = [v for v in bound if _scope_of(v) == home]
                bound = local or bound
            if len(bound) > _MAX_BINDINGS:
                return []
            for value in bound:
                got = self._clients(value, depth + 1)
                if got is None:
                    other = True
                else:
                    out += got
            return None if other and not out else out
        finally:
            self._guard.discard(name)

    def _context(self, spec: CallSpec, call: tree_sitter.Node | None) -> refs.RefContext:
        base_url: str | None = None
        dynamic: str | None = None
        if call is not None and spec.base_url:
            found = self._arg(call, spec.base_url)
            if found is not None:
                bound = self._local_bindings(found[0], call)
                exprs = bound if bound is not None else [found[0]]
                texts = [v.text for e in exprs for v in self.values(e) if not v.partial]
                # Set by an expression, or differently on different paths (a branch per
                # provider): then which host serves this call is not decided here.
                base_url, dynamic = endpoint_choice(
                    texts,
                    decided=self._decided(exprs, call),
                    expression=re.sub(r"\s+", " ", _text(found[0]))[:200],
                )
        resource = self._first_constant(call, spec.raw.get("resource") or ())
        if base_url is None and resource:
            base_url = f"https://{resource}.openai.azure.com"
        return refs.RefContext(
            family=spec.family,
            sdk=spec.sdk,
            provider=spec.provider,
            base_url=base_url,
            base_url_dynamic=dynamic,
            region=self._first_constant(call, spec.region),
            vertex=self._truthy(call, spec.vertex_flag),
            provider_hint=self._first_constant(call, spec.provider_arg),
        )

    def _local_bindings(
        self, node: tree_sitter.Node, call: tree_sitter.Node
    ) -> list[tree_sitter.Node] | None:
        """The values a variable is bound to in the call's own function (else at the top
        level): a name bound in another function is another variable. None for anything
        but a name."""
        name = _unwrap(node)
        if name is None or name.type not in ("identifier", "shorthand_property_identifier"):
            return None
        every = self.values_of.get(_text(name), [])
        home = _scope_of(call)
        local = [v for v in every if _scope_of(v) == home]
        if local:
            return local
        return [v for v in every if _scope_of(v) == self.root.id]

    def _decided(self, bound: Sequence[tree_sitter.Node], call: tree_sitter.Node) -> bool:
        """The endpoint's bindings hold wherever the call runs: none is null/undefined (the
        SDK's default on that path) or sits in a branch (``if``, ``switch`` case, ``catch``,
        ternary arm) the call is not in."""
        where = _branches(call)
        for value in bound:
            node = _unwrap(value)
            if node is not None and node.type in ("null", "undefined"):
                return False
            if not _branches(value) <= where:
                return False
        return True

    def _emit(
        self,
        names: Sequence[str],
        call: tree_sitter.Node,
        ctx: refs.RefContext,
        qual: str,
        *,
        cap: Confidence = Confidence.HIGH,
        string_only: bool = False,
    ) -> int:
        found = self._arg(call, names)
        if found is None:
            return 0
        node, arg_name = found
        target = _unwrap(node)
        if string_only and target is not None and target.type not in _STRINGISH:
            return 0
        count = 0
        argument = f"positional {arg_name[1:]}" if arg_name.startswith("#") else arg_name
        for val in self.values(node):
            elsewhere = val.node.start_point[0] != call.start_point[0]
            if self.driver.call(
                self._seen(val),
                ctx,
                call=qual,
                argument=argument,
                cap=cap,
                used_at=self._where(call) if elsewhere else None,
            ):
                count += 1
        return count

    def _seen(self, val: _Val) -> Seen:
        """A value as the driver takes it."""
        return Seen(
            text=val.text,
            location=self._loc(val.node),
            mark=val.node.id,
            as_written=val.text,
            confidence=val.confidence,
            flow=val.flow,
            env_var=val.env_var,
            partial=val.partial,
        )

    def _loc(self, node: tree_sitter.Node) -> Location:
        row, col = node.start_point
        line = self.lines[row] if row < len(self.lines) else b""
        column = len(line[:col].decode("utf-8", errors="replace"))
        return Location(self.rel, line=row + 1, column=column + 1)

    def _where(self, node: tree_sitter.Node) -> str:
        loc = self._loc(node)
        return f"{loc.line}:{loc.column}"

    # ---- endpoints and model-ish names outside known calls ----

    def _endpoints_without_model(self) -> None:
        for call, spec, qual in self.clients_made:
            if call.id in self.client_used:
                continue
            ctx = self._context(spec, call)
            if not ctx.base_url:
                continue
            found = self._arg(call, spec.base_url)
            node = found[0] if found is not None else call
            vals = [v for v in self.values(node) if not v.partial]
            where = vals[0].node if vals else node
            self.driver.endpoint(ctx, self._loc(where), qual)

    def _generic(self) -> None:
        for name, value in self.decls:
            if refs.is_model_key(name):
                self._generic_value(value, name, None)
        for name, defaults in self.params.items():
            # function Chat({ model = "gpt-4o" }): a default prop or parameter.
            if refs.is_model_key(name):
                for default in defaults:
                    self._generic_value(default, name, None)
        self._catalogues()
        for pair in self.pairs:
            key = self._key(pair)
            if key and refs.is_model_key(key):
                self._generic_value(pair.child_by_field_name("value"), key, self._fetch_url(pair))

    # ---- catalogues: models the module offers rather than calls ----

    def _catalogues(self) -> None:
        """Arrays, objects and maps of models (``export const MODELS = [{ id: "claude-3-
        haiku-20240307", name: ... }] as const``, ``{ deepseek: "deepseek-chat" }``) and UI
        defaults (``useState("claude-3-5-sonnet-20240620")``): listed, medium."""
        for name, value in self.decls:
            node = _unwrap(value)
            if node is not None and node.type in ("array", "object", "new_expression"):
                self._catalogue(node, name, refs.is_catalogue_name(name), 0)
        for call in self.calls:
            func = call.child_by_field_name("function")
            if func is None or _text(func).rsplit(".", 1)[-1] not in _STATE_HOOKS:
                continue
            args = self._args(call)
            first = _unwrap(args[0]) if args else None
            if first is not None and first.type == "string":
                self._listed(first, _text(func), None, SiteKind.DEFAULT)

    def _catalogue(self, node: tree_sitter.Node, key: str, named: bool, depth: int) -> None:
        if depth > 4:
            return
        if node.type == "new_expression":
            # new Map([["deepseek", "deepseek-chat"], ...])
            if _text(node.child_by_field_name("constructor")) != "Map":
                return
            args = node.child_by_field_name("arguments")
            entries = _unwrap(args.named_children[0]) if args and args.named_children else None
            if entries is None or entries.type != "array":
                return
            for entry in entries.named_children:
                kv = [_unwrap(c) for c in entry.named_children] if entry.type == "array" else []
                head, tail = (kv[0], kv[1]) if len(kv) == 2 else (None, None)
                if head is not None and tail is not None:
                    hint_key = _string_value(head) or ""
                    hint = refs.catalogue_hint(hint_key) if hint_key else None
                    if named:
                        self._listed(head, key, None)
                    if named or hint:
                        self._listed(tail, hint_key or key, hint)
            return
        if node.type == "array":
            for elt in node.named_children:
                item = _unwrap(elt)
                if item is None:
                    continue
                if named:
                    self._listed(item, key, None)
                if item.type in ("array", "object"):
                    self._catalogue(item, key, named, depth + 1)
            return
        if node.type != "object":
            return
        pairs = [p for p in node.named_children if p.type == "pair"]
        fields = refs.catalogue_fields(self._key(p) for p in pairs)
        for pair in pairs:
            text = self._key(pair)
            value = _unwrap(pair.child_by_field_name("value"))
            hint = refs.catalogue_hint(text) if text else None
            if named and pair.child_by_field_name("key") is not None:
                k = pair.child_by_field_name("key")
                if k is not None and k.type == "string":
                    self._listed(k, key, None)
            if value is None:
                continue
            if (named and (text in fields or value.type == "array")) or hint:
                items = value.named_children if value.type == "array" else [value]
                for item in items:
                    inner = _unwrap(item)
                    if inner is not None:
                        self._listed(inner, text or key, hint)
            if value.type in ("array", "object"):
                inner_named = named or (bool(text) and refs.is_catalogue_name(text))
                self._catalogue(value, text or key, inner_named, depth + 1)

    def _listed(
        self,
        node: tree_sitter.Node,
        key: str,
        hint: str | None,
        site: SiteKind = SiteKind.CATALOGUE_ITEM,
    ) -> None:
        text = _string_value(node) if node.type == "string" else None
        if text is not None:
            seen = Seen(text, self._loc(node), node.id, text, flow="catalogue")
            self.driver.listed(seen, key, provider_hint=hint, site=site)

    def _generic_value(
        self, value: tree_sitter.Node | None, key: str, base_url: str | None
    ) -> None:
        value = _unwrap(value)
        if value is None or value.type not in ("string", "template_string", "binary_expression"):
            return
        for val in self.values(value, "assignment"):
            self.driver.named(self._seen(val), key, base_url=base_url)

    def _fetch_url(self, pair: tree_sitter.Node) -> str | None:
        """The URL of a fetch/axios call whose body holds this object (a raw API call)."""
        node = pair.parent
        for _ in range(8):
            if node is None:
                return None
            if node.type == "call_expression":
                func = _text(node.child_by_field_name("function"))
                if func in _HTTP_CALLS:
                    args = self._args(node)
                    if args:
                        for val in self.values(args[0]):
                            if "://" in val.text and not val.partial:
                                return val.text
                    return None
            node = node.parent
        return None
