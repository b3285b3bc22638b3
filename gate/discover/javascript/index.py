"""Pass 1 of the JS/TS analysis: imports, bindings and qualified names of one file."""

from __future__ import annotations

import tree_sitter

from gate.discover import refs
from gate.discover.calltable import (
    CallSpec,
)
from gate.discover.driver import Driver
from gate.discover.javascript.nodes import (
    _BUDGET,
    _MAX_DEPTH,
    NAME,
    Columns,
    _Client,
    _string_value,
    _unwrap,
    _Val,
)
from gate.model import Evidence


class Indexer:
    """The bindings of one file, and how names resolve to imports."""

    def __init__(
        self, rel: str, data: bytes, root: tree_sitter.Node, query: tree_sitter.Query
    ) -> None:
        self.rel = rel
        self.data = data
        self.lines = data.split(b"\n")
        self.columns = Columns(self.lines)
        self.root = root
        self.query = query
        self.imports: dict[str, str] = {}
        self.namespaces: dict[str, str] = {}
        self.values_of: dict[str, list[tree_sitter.Node]] = {}
        self.params: dict[str, list[tree_sitter.Node]] = {}
        self.calls: list[tree_sitter.Node] = []
        self.pairs: list[tree_sitter.Node] = []
        self.typed: list[tree_sitter.Node] = []
        self._name_hint: str | None = None
        self.decls: list[tuple[str, tree_sitter.Node]] = []
        self.driver = Driver(NAME)
        self.found: list[Evidence] = self.driver.found
        self.consumed: set[int] = self.driver.consumed
        self.client_used: set[int] = set()
        self.env_models: dict[int, set[str]] = {}
        """Clients (by their constructor call's id) whose calls take the model from an
        environment variable with no default (``model: process.env.MODEL_NAME``)."""
        self.clients_made: list[tuple[tree_sitter.Node, CallSpec, str]] = []
        self._declared: dict[bytes, tree_sitter.Node] | None = None
        """Function names this file declares, asked by the factory check (CallReader)."""
        self.pending: list[tuple[_Val, str, str | None]] = []
        self._sent: dict[str, list[tree_sitter.Node]] | None = None
        self.aliases: list[tuple[str, tree_sitter.Node]] = []
        """The app's own model aliases (customProvider keys) and where they are written."""
        self._methods: dict[str, list[tree_sitter.Node]] | None = None
        self.pending_constants: list[
            tuple[tree_sitter.Node, str, str, refs.RefContext, str, str]
        ] = []
        """Model arguments that are another app module's constant (``import { model } from
        "@/lib/ai"``): (argument node, exported name, module, the call's context, call,
        argument), read in that module after the scan (javascript/across.py)."""
        """Models asked of a provider the app's own function makes (CallReader._app_factory)."""
        self._guard: set[str] = set()
        self._bound_memo: dict[tuple[str, int | None], tuple[list[_Client] | None, int | None]] = {}
        """The clients a name is bound to, by name and function, with the depth asked at when
        the depth limit cut the answer (``_bound_clients``)."""
        self._depth_cuts = 0
        """How many times the depth limit cut a client question (``_clients``)."""
        self._guard_hits: list[str] = []
        """Names found already being asked (a cycle), in order (``_bound_clients``)."""
        self._tables: dict[int, list[_Val]] = {}
        """A lookup table's values, by the object literal's node id (``_lookup``)."""
        self._budget = _BUDGET
        self._quals: dict[int, str | None] | None = None
        """Qualified names asked at the top (depth 0), by node id, once the bindings are all
        indexed (``_qualname`` then depends on the node alone): several passes ask the same
        call's callee (``_call``, ``_client_of_file``, the factory checks)."""
        self._func_texts: dict[int, str] = {}
        """The text of a call's ``function`` field, by the call's node id (``_func_text``)."""
        self._keys: dict[int, str] = {}
        """An object pair's key, by the pair's node id (``ValueReader._key``)."""

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
                    self.imports[self._source(part)] = f"{module}:default"
                elif part.type == "namespace_import":
                    ident = next((c for c in part.named_children if c.type == "identifier"), None)
                    if ident is not None:
                        self.namespaces[self._source(ident)] = module
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type != "import_specifier":
                            continue
                        name = spec.child_by_field_name("name")
                        alias = spec.child_by_field_name("alias")
                        if name is not None:
                            local = self._source(alias) if alias is not None else self._source(name)
                            self.imports[local] = f"{module}:{self._source(name)}"

    def _require_module(self, node: tree_sitter.Node | None) -> str | None:
        node = _unwrap(node)
        if node is None or node.type != "call_expression":
            return None
        func = node.child_by_field_name("function")
        if func is None or self._source(func) not in ("require", "import"):
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
            and self._source(unwrapped.child_by_field_name("property")) == "default"
        ):
            # const ollama = require("ollama").default
            module = self._require_module(unwrapped.child_by_field_name("object"))
        if module is not None:
            if name.type == "identifier":
                self.imports[self._source(name)] = f"{module}:default"
            elif name.type == "object_pattern":
                for prop in name.named_children:
                    if prop.type == "shorthand_property_identifier_pattern":
                        self.imports[self._source(prop)] = f"{module}:{self._source(prop)}"
                    elif prop.type == "pair_pattern":
                        key = prop.child_by_field_name("key")
                        val = prop.child_by_field_name("value")
                        if key is not None and val is not None:
                            self.imports[self._source(val)] = f"{module}:{self._source(key)}"
            return
        if name.type == "identifier":
            self.values_of.setdefault(self._source(name), []).append(value)
            self.decls.append((self._source(name), value))
        elif name.type == "object_pattern":
            # const { model = "gpt-4o" } = options: the default is the value we can know.
            for prop in name.named_children:
                if prop.type == "object_assignment_pattern":
                    left, right = (
                        prop.child_by_field_name("left"),
                        prop.child_by_field_name("right"),
                    )
                    if left is not None and right is not None:
                        self.params.setdefault(self._source(left), []).append(right)

    # ---- names ----

    def _source(self, node: tree_sitter.Node | None) -> str:
        """:func:`_text` of a node of this file, sliced from the file's bytes (a node's own
        ``text`` costs twice as much, and the analysis reads a million texts a scan)."""
        if node is None:
            return ""
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def _indexed(self) -> None:
        """Every binding is indexed: from now on a top-level qualified name is kept."""
        self._quals = {}

    def _func_text(self, call: tree_sitter.Node) -> str:
        """The text of a call's ``function`` field ("" without one), read once per call:
        several passes test every call's (``fetch``, ``useState``, ``JSON.stringify``), and a
        chained call's holds the whole chain before it."""
        key = call.id
        text = self._func_texts.get(key)
        if text is None:
            text = self._func_texts[key] = self._source(call.child_by_field_name("function"))
        return text

    def _qualname(self, node: tree_sitter.Node | None, depth: int = 0) -> str | None:
        quals = self._quals
        if depth or quals is None or node is None:
            return self._qualname_at(node, depth)
        key = node.id
        if key in quals:
            return quals[key]
        found = quals[key] = self._qualname_at(node, 0)
        return found

    def _qualname_at(self, node: tree_sitter.Node | None, depth: int) -> str | None:
        node = _unwrap(node)
        if node is None or depth > _MAX_DEPTH:
            return None
        if node.type == "identifier":
            name = self._source(node)
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
            prop = self._source(node.child_by_field_name("property"))
            obj = _unwrap(obj)
            if (
                obj is not None
                and obj.type == "identifier"
                and self._source(obj) in self.namespaces
            ):
                return f"{self.namespaces[self._source(obj)]}:{prop}"
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
        name = self._source(node)
        return name in self.imports or name in self.namespaces
