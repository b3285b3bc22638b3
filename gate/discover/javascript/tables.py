"""The JS/TS call table, tree-sitter grammars and queries, and the byte filters that
skip files naming no model."""

from __future__ import annotations

from functools import cache

import ahocorasick_rs
import tree_sitter
import tree_sitter_javascript
import tree_sitter_typescript

from gate.discover import refs, scanning
from gate.discover.calltable import (
    CallTable,
    hosted_name_needles,
    load_table,
    strong_needles,
)
from gate.recognise.knowledge import providers

_QUERY = """
(import_statement) @import
(variable_declarator) @decl
(assignment_expression) @assign
(call_expression) @call
(new_expression) @new
(pair) @pair
(object (shorthand_property_identifier) @shorthand)
(assignment_pattern) @param
(object_assignment_pattern) @param
"""
_FIELD_QUERY_JS = "(field_definition) @field"
_FIELD_QUERY_TS = "(public_field_definition) @field"
# TypeScript's string-literal union types and enums (`type ChatModel = "a" | "b"`,
# `enum Models { Fast = "a" }`): catalogues of the names a release offers.
_TYPE_QUERY_TS = "(type_alias_declaration) @typealias\n(enum_declaration) @enum\n"
# JSX elements (JavaScript and TSX grammars): model pickers (`<select name="model">`).
_JSX_QUERY = "(jsx_opening_element) @jsx\n"


@cache
def table() -> CallTable:
    """The JavaScript/TypeScript call table."""
    return load_table("javascript_calls.yaml")


@cache
def _instances() -> dict[str, str]:
    doc = refs.load_data("javascript_calls.yaml")
    return {str(k): str(v) for k, v in (doc.get("instances") or {}).items()}


@cache
def tokenizers() -> tuple[str, ...]:
    """Token-counting calls (qualified-name globs): a name given to one picks an encoding."""
    doc = refs.load_data("javascript_calls.yaml")
    return tuple(str(t) for t in doc.get("tokenizers") or ())


@cache
def pipeline_tasks() -> frozenset[str]:
    """transformers.js pipeline task names (``feature-extraction``)."""
    doc = refs.load_data("javascript_calls.yaml")
    return frozenset(str(t) for t in doc.get("pipeline_tasks") or ())


# `modelList`: a catalogue whose entries name their model by `id` (`{ 'id': 'claude-...' }`)
# and say nothing else a needle would catch.
_WEAK_NEEDLES = (
    "MODEL", "model:", "model =", "modelName", '"model"', "'model'", "llm", "LLM",
    "modelList", "ModelList", "model_name",
)  # fmt: skip


@cache
def needles() -> tuple[bytes, ...]:
    """Byte strings one of which every interesting JS/TS file contains."""
    words = {w.split("/", 1)[0] if w.startswith("@") else w for w in strong_needles(table())}
    words |= set(_WEAK_NEEDLES) | {"from_pretrained"} | hosted_name_needles() | _shape_needles()
    extra = set(_extra_strong()) | set(menu_needles())
    return tuple(sorted({w.encode() for w in words if len(w) >= 4} | extra))


@cache
def shape_needles() -> tuple[bytes, ...]:
    """:func:`_shape_needles` as bytes: a file holding none quotes no such id."""
    return tuple(sorted(n.encode() for n in _shape_needles()))


def _shape_needles() -> set[str]:
    """A quote before the prefix of an id shape one provider defines (``"@cf/``): a Workers
    AI call on a binding (``env.AI.run("@cf/...")``) names no SDK a needle would catch."""
    shapes = providers()
    starts = {q + p for p in shapes.id_shape_prefixes for q in "\"'`"}
    # ... or the end of one before its closing quote (OpenRouter's `:free"`): an enum of
    # such ids names no SDK either
    ends = {s + q for s in shapes.id_shape_suffixes for q in "\"'`"}
    # ... or a path segment of a URL naming one (`${GATEWAY}/workers-ai/@cf/openai/whisper`);
    # only the `@` prefixes: `/accounts/` is in too many URLs
    paths = {"/" + p for p in shapes.id_shape_prefixes if p.startswith("@")}
    return starts | ends | paths


@cache
def _strong_words() -> tuple[bytes, ...]:
    words = {w.split("/", 1)[0] if w.startswith("@") else w for w in strong_needles(table())}
    words |= _shape_needles()
    return tuple(sorted({w.encode() for w in words if len(w) >= 4} | set(_extra_strong())))


def _extra_strong() -> list[bytes]:
    """Needles besides the call table's: short imports, the hosts of known AI endpoints
    (``fetch("https://api.together.xyz/v1/...")`` with no SDK nor model literal in the file)
    and Ollama's port."""
    from gate.recognise import knowledge
    from gate.registry.endpoints import endpoints

    out = list(_short_imports())
    out += [e.host.encode() for e in endpoints() if "*" not in e.host]
    local = knowledge().providers.local_servers
    out += [f":{port}".encode() for port, server in local.items() if server == "ollama"]
    return sorted(set(out))


@cache
def menu_needles() -> tuple[bytes, ...]:
    """``<select``, ``<datalist``…: a markup file holding a picker menu is parsed. Not a
    needle for JS/TS code (a JSX ``<select>`` of a settings form is common; one listing
    models has a model literal)."""
    from gate.discover.javascript.markup import pickers

    return tuple(sorted(f"<{menu}".encode() for menu in pickers().menus))


def worth_parsing_markup(data: bytes) -> bool:
    """:func:`worth_parsing` for a markup file: also when it holds a picker menu."""
    return worth_parsing(data) or any(n in data for n in menu_needles())


def _short_imports() -> list[bytes]:
    """Imports of a table module too short to be a needle by itself (the AI SDK's ``"ai"``),
    as an import spells them: ``from "ai"``, ``require('ai')``."""
    heads = {
        pattern.split(":", 1)[0]
        for spec in table().calls
        for pattern in spec.match
        if ":" in pattern and len(pattern.split(":", 1)[0]) < 4
    }
    out: list[bytes] = []
    for head in sorted(heads):
        for quote in ('"', "'"):
            out += [
                f"from {quote}{head}{quote}".encode(),
                f"require({quote}{head}{quote})".encode(),
            ]
    return out


@cache
def _strong() -> ahocorasick_rs.BytesAhoCorasick:
    return scanning.automaton(_strong_words())


@cache
def _language(suffix: str) -> tree_sitter.Language:
    if suffix in (".ts", ".mts", ".cts"):
        return tree_sitter.Language(tree_sitter_typescript.language_typescript())
    if suffix == ".tsx":
        return tree_sitter.Language(tree_sitter_typescript.language_tsx())
    return tree_sitter.Language(tree_sitter_javascript.language())


@cache
def _query(suffix: str) -> tree_sitter.Query:
    ts = suffix in (".ts", ".mts", ".cts", ".tsx")
    fields = _FIELD_QUERY_TS + "\n" + _TYPE_QUERY_TS if ts else _FIELD_QUERY_JS
    if suffix not in (".ts", ".mts", ".cts"):
        fields += "\n" + _JSX_QUERY
    return tree_sitter.Query(_language(suffix), _QUERY + fields)


def worth_parsing(data: bytes) -> bool:
    """Whether a file that passed the needle filter can name a model at all: an SDK or
    call name, or a model-looking string."""
    return scanning.holds(_strong(), data) or refs.has_model_literal(data)
