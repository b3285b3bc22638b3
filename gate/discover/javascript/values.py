"""The string values a JS/TS expression may take, and call arguments."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import tree_sitter

from gate.discover.javascript.index import Indexer
from gate.discover.javascript.nodes import (
    _MAX_BINDINGS,
    _MAX_DEPTH,
    _MAX_VALUES,
    _string_value,
    _unwrap,
    _Val,
    _weakest,
)
from gate.model import Confidence


class ValueReader(Indexer):
    """Values of expressions and arguments, as far as one file tells."""

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
            return self._name(self._source(node), depth)
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
            if index is not None and index.type != "number":
                return self._lookup(node.child_by_field_name("object"), depth)
        if kind == "call_expression":
            changed = self._case_changed(node, flow, depth)
            if changed is not None:
                return changed
            func = self._qualname(node.child_by_field_name("function")) or ""
            args = node.child_by_field_name("arguments")
            if func == "String" and args is not None and args.named_children:
                return self.values(args.named_children[0], flow, depth + 1)
        return []

    def _case_changed(self, node: tree_sitter.Node, flow: str, depth: int) -> list[_Val] | None:
        """``MODEL.toLowerCase()``: the same string in the case the call sends, or None for
        any other call. A capitalised constant is read as a display
        label (recognise.core), so the lower-cased one sent must be read as sent."""
        callee = _unwrap(node.child_by_field_name("function"))
        args = node.child_by_field_name("arguments")
        if callee is None or callee.type != "member_expression" or args is None:
            return None
        prop = callee.child_by_field_name("property")
        change = _CASE_CHANGES.get(self._source(prop)) if prop is not None else None
        if change is None or args.named_children:
            return None
        got = self.values(callee.child_by_field_name("object"), flow, depth + 1)
        return [replace(v, text=change(v.text)) for v in got]

    def _template(self, node: tree_sitter.Node, depth: int) -> list[_Val]:
        texts = [""]
        partial = False
        confidence = Confidence.HIGH
        env: str | None = None
        for part in node.named_children:
            if part.type == "string_fragment":
                texts = [t + self._source(part) for t in texts]
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
                texts = [t + self._source(part) for t in texts]
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
        prop = self._source(node.child_by_field_name("property"))
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
                elif pair.type == "shorthand_property_identifier" and self._source(pair) == key:
                    out += self.values(pair, "property", depth + 1)
        return out

    def _lookup(self, obj: tree_sitter.Node | None, depth: int) -> list[_Val]:
        """``MAP[key]`` with a key the code computes, on a lookup table (an object literal
        whose every value is a string: ``{kolors: "Kwai-Kolors/Kolors", ...}``): any of its
        values. An object holding anything else is no table; its entries are not read."""
        out: list[_Val] = []
        for target in self._objects(obj, depth):
            # Each table read once (its values cut as every lookup cuts them): a table of n
            # entries looked up u times was read u times (4,000 x 400: 10 s).
            known = self._tables.get(target.id)
            if known is None:
                known = self._tables[target.id] = self._table_values(target)
            out += known
        return out[:_MAX_VALUES]

    @staticmethod
    def _table_values(target: tree_sitter.Node) -> list[_Val]:
        values = [
            _unwrap(p.child_by_field_name("value"))
            for p in target.named_children
            if p.type != "comment"
        ]
        if not values or any(v is None or v.type != "string" for v in values):
            return []
        found = [_Val(_string_value(v) or "", v, Confidence.HIGH, "lookup") for v in values if v]
        return found[:_MAX_VALUES]

    def _objects(self, node: tree_sitter.Node | None, depth: int) -> list[tree_sitter.Node]:
        """Object literals an expression may be (through bindings)."""
        node = _unwrap(node)
        if node is None or depth > _MAX_DEPTH:
            return []
        if node.type == "object":
            return [node]
        if node.type == "identifier":
            name = self._source(node)
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
            prop = self._source(node.child_by_field_name("property"))
            out = []
            for obj in inner:
                for pair in obj.named_children:
                    if pair.type == "pair" and self._key(pair) == prop:
                        out += self._objects(pair.child_by_field_name("value"), depth + 1)
            return out
        return []

    def _key(self, pair: tree_sitter.Node) -> str:
        # asked of every pair by several passes (request bodies, model keys, catalogues)
        known = self._keys.get(pair.id)
        if known is None:
            known = self._keys[pair.id] = self._key_of(pair)
        return known

    def _key_of(self, pair: tree_sitter.Node) -> str:
        key = pair.child_by_field_name("key")
        if key is None:
            return ""
        if key.type == "string":
            return _string_value(key) or ""
        return self._source(key)

    def _env_name(self, node: tree_sitter.Node | None) -> str | None:
        node = _unwrap(node)
        if node is None:
            return None
        if node.type == "member_expression":
            obj = _unwrap(node.child_by_field_name("object"))
            if obj is not None and self._source(obj) in (
                "process.env",
                "import.meta.env",
                "Deno.env",
            ):
                return self._source(node.child_by_field_name("property"))
        if node.type == "subscript_expression":
            obj = _unwrap(node.child_by_field_name("object"))
            index = _unwrap(node.child_by_field_name("index"))
            if obj is not None and self._source(obj) == "process.env" and index is not None:
                return _string_value(index) or "?"
        return None

    def _binary(self, node: tree_sitter.Node, flow: str, depth: int) -> list[_Val]:
        operator = self._source(node.child_by_field_name("operator"))
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
                if pair.type == "shorthand_property_identifier" and self._source(pair) == path[0]:
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
        return found is not None and self._source(_unwrap(found[0])) == "true"


_CASE_CHANGES: dict[str, Callable[[str], str]] = {
    "toLowerCase": str.lower,
    "toLocaleLowerCase": str.lower,
    "toUpperCase": str.upper,
    "toLocaleUpperCase": str.upper,
}
