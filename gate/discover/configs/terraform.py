"""Terraform files: resources that deploy a hosted model (``azurerm_cognitive_deployment``'s
``model { format, name }``, ``aws_bedrockagent_agent``'s ``foundation_model``).

Parsed with the tree-sitter HCL grammar (nothing evaluated: a value that is not a plain
string literal, ``var.model_name`` or ``"${...}"``, names nothing). Which resources and which
of their attributes name the model is data: ``config_vocabulary.yaml`` ``terraform_models``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from gate.discover import refs, scanning
from gate.discover.configs.nodes import _Node
from gate.discover.configs.walker import _Walker
from gate.model import Confidence
from gate.recognise import conventions
from gate.recognise.shapes import BEDROCK_ID

if TYPE_CHECKING:
    import tree_sitter

SUFFIXES = (".tf",)
_MAX_DEPTH = 6
"""Nested blocks read below a resource (``model { ... }`` is one)."""


def worth_parsing(data: bytes) -> bool:
    """Whether the file declares a resource type of the table or a variable (a byte search)."""
    conv = conventions()
    if conv.terraform_variable_shapes and b"variable" in data:
        return True
    return any(rule["resource"].encode() in data for rule in conv.terraform_models)


@cache
def _parser() -> tree_sitter.Parser:
    import tree_sitter
    import tree_sitter_hcl

    return tree_sitter.Parser(tree_sitter.Language(tree_sitter_hcl.language()))


def read(rel: str, data: bytes) -> scanning.Outcome:
    """The models a Terraform file's resources deploy."""
    if not worth_parsing(data):
        return scanning.Outcome()
    rules = {str(r["resource"]): r for r in conventions().terraform_models}
    tree = _parser().parse(data)
    walker = _Walker(rel)
    for block in _children(tree.root_node, "body", "block"):
        labels = _labels(block, data)
        if len(labels) == 1 and _name(block, data) == "variable":
            _variable_default(walker, block, labels[0], data)
            continue
        if len(labels) < 2 or labels[0] not in rules:
            continue
        rule = rules[labels[0]]
        if _name(block, data) != rule.get("block", "resource"):
            continue
        body = _body(block)
        if body is None:
            continue
        found = _attribute(body, data, rule["model"])
        if found is None:
            continue
        value, node = found
        provider = str(rule["provider"])
        if "format" in rule:
            fmt = _attribute(body, data, rule["format"])
            formats: Mapping[str, str] = rule.get("formats", {})
            provider = formats.get(fmt[0], provider) if fmt else provider
        ctx = refs.RefContext(family="hosted", provider=provider, in_config=True, key="model")
        resource = ".".join(labels[:2])
        key = ".".join(rule["model"])
        _emit(walker, value, node, ctx, resource, {"key": key, "resource": resource})
    return scanning.Outcome(evidence=walker.found)


def _emit(
    walker: _Walker,
    value: str,
    node: tree_sitter.Node,
    ctx: refs.RefContext,
    where: str,
    attrs: dict[str, str],
) -> None:
    """What the string ``value`` (the literal ``node``) names, as the attribute ``where``."""
    line, column = node.start_point
    walker.emit(
        refs.recognise_in(value, ctx),
        value,
        _Node(value, line + 1, column + 1),
        Confidence.MEDIUM,
        where,
        attrs,
    )


def _variable_default(walker: _Walker, block: tree_sitter.Node, name: str, data: bytes) -> None:
    """A variable's string ``default`` whose shape alone names a hosted model
    (``terraform_variable_shapes``): a Bedrock id is served by Bedrock."""
    body = _body(block)
    found = _attribute(body, data, ["default"]) if body is not None else None
    if found is None:
        return
    value, node = found
    shapes = conventions().terraform_variable_shapes
    if not ("bedrock" in shapes and BEDROCK_ID.match(value)):
        return
    ctx = refs.RefContext(family="hosted", provider="bedrock", in_config=True, key="default")
    where = f"var.{name}"
    _emit(walker, value, node, ctx, where, {"key": "default", "variable": where})


def _children(node: tree_sitter.Node, *types: str) -> Iterator[tree_sitter.Node]:
    """The nodes of ``types[-1]`` reached through children of the types before it."""
    level = [node]
    for kind in types:
        level = [c for n in level for c in n.children if c.type == kind]
    yield from level


def _name(block: tree_sitter.Node, data: bytes) -> str:
    ident = next((c for c in block.children if c.type == "identifier"), None)
    return data[ident.start_byte : ident.end_byte].decode("utf-8", "replace") if ident else ""


def _labels(block: tree_sitter.Node, data: bytes) -> list[str]:
    """A block's quoted labels (``resource "type" "name"`` → ``[type, name]``)."""
    out = []
    for child in block.children:
        if child.type == "string_lit":
            text = _literal(child, data)
            if text is None:
                return []
            out.append(text)
    return out


def _body(block: tree_sitter.Node) -> tree_sitter.Node | None:
    return next((c for c in block.children if c.type == "body"), None)


def _literal(node: tree_sitter.Node, data: bytes) -> str | None:
    """A string literal's text; None for anything with an interpolation or not a string."""
    parts = [
        c for c in node.children if c.type not in ("quoted_template_start", "quoted_template_end")
    ]
    if any(p.type != "template_literal" for p in parts):
        return None
    return "".join(data[p.start_byte : p.end_byte].decode("utf-8", "replace") for p in parts)


def _attribute(
    body: tree_sitter.Node, data: bytes, path: Sequence[Any], depth: int = 0
) -> tuple[str, tree_sitter.Node] | None:
    """The string literal at ``path`` (nested block names, then the attribute's name) in a
    resource's body, with its node; None when absent or not a plain string."""
    if not path or depth > _MAX_DEPTH:
        return None
    head = str(path[0])
    if len(path) > 1:
        for block in (c for c in body.children if c.type == "block"):
            inner = _body(block)
            if _name(block, data) == head and inner is not None:
                found = _attribute(inner, data, path[1:], depth + 1)
                if found is not None:
                    return found
        return None
    for attr in (c for c in body.children if c.type == "attribute"):
        ident = next((c for c in attr.children if c.type == "identifier"), None)
        if ident is None or data[ident.start_byte : ident.end_byte].decode() != head:
            continue
        expr = next((c for c in attr.children if c.type == "expression"), None)
        literal = expr.children[0] if expr is not None and expr.children else None
        string = (
            next((c for c in literal.children if c.type == "string_lit"), None)
            if literal is not None and literal.type == "literal_value"
            else None
        )
        if string is None:
            return None
        text = _literal(string, data)
        return (text.strip(), string) if text and text.strip() else None
    return None
