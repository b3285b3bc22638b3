"""The per-language table of the Go/Rust/Java/Kotlin front end: which syntax node types of
each tree-sitter grammar are strings, calls, keyed values, declarations and collections.

The analysis (:mod:`.analyser`) is written once over these roles; a language is a row here,
not a copy of the analysis. Node type names are those of the grammars' ``node-types.json``
(tree-sitter-go 0.25, tree-sitter-rust 0.24, tree-sitter-java 0.23, tree-sitter-kotlin 1.1,
tree-sitter-c-sharp 0.23, tree-sitter-ruby 0.23, tree-sitter-php 0.25).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import tree_sitter
import tree_sitter_c_sharp
import tree_sitter_go
import tree_sitter_java
import tree_sitter_kotlin
import tree_sitter_php
import tree_sitter_ruby
import tree_sitter_rust


@dataclass(frozen=True, slots=True)
class Grammar:
    """The node types that play each role in one language."""

    name: str
    suffixes: tuple[str, ...]
    language: Callable[[], object]
    strings: frozenset[str]
    """String literals (raw strings and text blocks included)."""
    content: frozenset[str]
    """Children of a string literal that hold its text."""
    interpolations: frozenset[str]
    """Children of a string literal that splice a value in (the literal is partial)."""
    calls: frozenset[str]
    """Calls, method calls and constructor calls."""
    arguments: frozenset[str]
    """A call's argument list."""
    keyed: dict[str, tuple[str, str]]
    """Node type → (key field, value field): struct fields, keyed elements, annotation
    element pairs (``Model: "x"``, ``model: "x".to_string()``)."""
    declarations: dict[str, str]
    """Node type → the field holding the declared name (``const MODEL = "..."``)."""
    collections: frozenset[str]
    """Array and list literals whose elements are values."""
    collection_calls: frozenset[str]
    """Calls that build a list or map from their arguments (``List.of``, ``listOf``)."""
    transparent: frozenset[str]
    """Nodes a value passes through unchanged (``literal_element``, parentheses)."""
    conversions: frozenset[str]
    """Methods that only convert a string (``"x".to_string()``, ``.into()``)."""
    imports: frozenset[str]
    """Import declarations."""
    annotations: frozenset[str]
    """Annotations (Spring ``@Value("${key:default}")``)."""
    skipped_blocks: frozenset[str] = frozenset()
    """Blocks never read (Rust ``mod tests``: the crate's unit tests)."""
    functions: frozenset[str] = frozenset()
    """Function and method declarations (their ``name`` field names them)."""
    returns: frozenset[str] = frozenset()
    """Return statements (and Rust's ``return`` expression; a block's tail expression is
    its function's value too)."""


_GO = Grammar(
    name="go",
    suffixes=(".go",),
    language=tree_sitter_go.language,
    strings=frozenset({"interpreted_string_literal", "raw_string_literal"}),
    content=frozenset({"interpreted_string_literal_content", "raw_string_literal_content"}),
    interpolations=frozenset(),
    calls=frozenset({"call_expression"}),
    arguments=frozenset({"argument_list"}),
    keyed={"keyed_element": ("key", "value")},
    declarations={"const_spec": "name", "var_spec": "name", "short_var_declaration": "left",
                  "assignment_statement": "left"},
    collections=frozenset({"literal_value"}),
    collection_calls=frozenset(),
    transparent=frozenset({"literal_element", "expression_list", "parenthesized_expression"}),
    conversions=frozenset(),
    imports=frozenset({"import_spec"}),
    annotations=frozenset(),
    functions=frozenset({'method_declaration', 'function_declaration'}),
    returns=frozenset({'return_statement'}),
)  # fmt: skip

_RUST = Grammar(
    name="rust",
    suffixes=(".rs",),
    language=tree_sitter_rust.language,
    strings=frozenset({"string_literal", "raw_string_literal"}),
    content=frozenset({"string_content", "escape_sequence"}),
    interpolations=frozenset(),
    calls=frozenset({"call_expression"}),
    arguments=frozenset({"arguments"}),
    keyed={"field_initializer": ("field", "value")},
    declarations={"const_item": "name", "static_item": "name", "let_declaration": "pattern",
                  "assignment_expression": "left"},
    collections=frozenset({"array_expression"}),
    collection_calls=frozenset({"vec", "from", "of"}),
    transparent=frozenset({"parenthesized_expression", "reference_expression"}),
    conversions=frozenset({"to_string", "into", "to_owned", "from", "String::from"}),
    imports=frozenset({"use_declaration"}),
    annotations=frozenset(),
    skipped_blocks=frozenset({"mod_item"}),
    functions=frozenset({'function_item'}),
    returns=frozenset({'return_expression'}),
)  # fmt: skip

_JAVA = Grammar(
    name="java",
    suffixes=(".java",),
    language=tree_sitter_java.language,
    strings=frozenset({"string_literal"}),
    content=frozenset({"string_fragment", "multiline_string_fragment", "escape_sequence"}),
    interpolations=frozenset({"string_interpolation"}),
    calls=frozenset({"method_invocation", "object_creation_expression"}),
    arguments=frozenset({"argument_list"}),
    keyed={"element_value_pair": ("key", "value")},
    declarations={"variable_declarator": "name", "assignment_expression": "left"},
    collections=frozenset({"array_initializer", "element_value_array_initializer"}),
    collection_calls=frozenset({"of", "asList", "ofEntries"}),
    transparent=frozenset({"parenthesized_expression"}),
    conversions=frozenset(),
    imports=frozenset({"import_declaration"}),
    annotations=frozenset({"annotation", "marker_annotation"}),
    functions=frozenset({'method_declaration'}),
    returns=frozenset({'return_statement'}),
)  # fmt: skip

_KOTLIN = Grammar(
    name="kotlin",
    suffixes=(".kt", ".kts"),
    language=tree_sitter_kotlin.language,
    strings=frozenset({"string_literal", "multiline_string_literal"}),
    content=frozenset({"string_content", "escape_sequence"}),
    interpolations=frozenset({"interpolation"}),
    calls=frozenset({"call_expression", "constructor_invocation"}),
    arguments=frozenset({"value_arguments"}),
    keyed={},
    declarations={"property_declaration": "", "assignment": ""},
    collections=frozenset({"collection_literal"}),
    collection_calls=frozenset({"listOf", "arrayOf", "setOf", "mutableListOf", "mapOf",
                                "mutableMapOf", "hashMapOf", "linkedMapOf", "mutableSetOf"}),
    transparent=frozenset({"parenthesized_expression"}),
    conversions=frozenset(),
    imports=frozenset({"import"}),
    annotations=frozenset({"annotation"}),
    functions=frozenset({'function_declaration'}),
    returns=frozenset({'jump_expression'}),
)  # fmt: skip

# C#: `using` directives import namespaces (read like Java's star imports); an argument is
# an `argument` node holding an optional `name:` before its value (Semantic Kernel's
# `AddOpenAIChatCompletion(modelId: "gpt-4o", ...)`).
_CSHARP = Grammar(
    name="csharp",
    suffixes=(".cs",),
    language=tree_sitter_c_sharp.language,
    strings=frozenset({"string_literal", "interpolated_string_expression"}),
    content=frozenset({"string_literal_content", "string_content", "escape_sequence"}),
    interpolations=frozenset({"interpolation"}),
    calls=frozenset({"invocation_expression", "object_creation_expression"}),
    arguments=frozenset({"argument_list"}),
    keyed={},
    declarations={"variable_declarator": "name", "assignment_expression": "left"},
    collections=frozenset({"initializer_expression", "collection_expression"}),
    collection_calls=frozenset(),
    transparent=frozenset({"parenthesized_expression"}),
    conversions=frozenset(),
    imports=frozenset({"using_directive"}),
    annotations=frozenset(),
    functions=frozenset({'method_declaration', 'local_function_statement'}),
    returns=frozenset({'return_statement'}),
)  # fmt: skip

# Ruby: a method call is `call` (receiver, method, arguments); keyword arguments and hash
# entries are `pair`s (`model: "x"`, `"model" => "x"`); `X = "y".freeze` and
# `config.default_model = "x"` are assignments (RubyLLM initializers, the anthropic gem).
_RUBY = Grammar(
    name="ruby",
    suffixes=(".rb",),
    language=tree_sitter_ruby.language,
    strings=frozenset({"string"}),
    content=frozenset({"string_content", "escape_sequence"}),
    interpolations=frozenset({"interpolation"}),
    calls=frozenset({"call"}),
    arguments=frozenset({"argument_list"}),
    keyed={"pair": ("key", "value")},
    declarations={"assignment": "left", "operator_assignment": "left"},
    collections=frozenset({"array"}),
    collection_calls=frozenset(),
    transparent=frozenset({"parenthesized_statements"}),
    conversions=frozenset({"freeze", "to_s", "to_str", "dup"}),
    imports=frozenset(),
    annotations=frozenset(),
    functions=frozenset({"method", "singleton_method"}),
    returns=frozenset({"return"}),
)  # fmt: skip

# PHP: `protected $model = 'gpt-4o-mini';` (a property element), array entries `'model' =>
# env('OPENAI_MODEL', 'gpt-4o-mini')` (Laravel config files), calls and their `argument`s.
_PHP = Grammar(
    name="php",
    suffixes=(".php",),
    language=tree_sitter_php.language_php,
    strings=frozenset({"string", "encapsed_string"}),
    content=frozenset({"string_content", "escape_sequence"}),
    interpolations=frozenset({"variable_name", "member_access_expression", "subscript_expression",
                              "dynamic_variable_name", "function_call_expression",
                              "member_call_expression"}),
    calls=frozenset({"function_call_expression", "member_call_expression",
                     "scoped_call_expression", "object_creation_expression"}),
    arguments=frozenset({"arguments"}),
    keyed={},
    declarations={"property_element": "name", "assignment_expression": "left"},
    collections=frozenset({"array_creation_expression"}),
    collection_calls=frozenset(),
    transparent=frozenset({"parenthesized_expression"}),
    conversions=frozenset(),
    imports=frozenset(),
    annotations=frozenset(),
    functions=frozenset({"method_declaration", "function_definition"}),
    returns=frozenset({"return_statement"}),
)  # fmt: skip

GRAMMARS: tuple[Grammar, ...] = (_GO, _RUST, _JAVA, _KOTLIN, _CSHARP, _RUBY, _PHP)
SUFFIXES: tuple[str, ...] = tuple(s for g in GRAMMARS for s in g.suffixes)


def grammar_for(rel: str) -> Grammar | None:
    """The grammar of a path by its suffix, or None."""
    for grammar in GRAMMARS:
        if rel.endswith(grammar.suffixes):
            return grammar
    return None


@cache
def language(name: str) -> tree_sitter.Language:
    """The tree-sitter language of a grammar (loaded once per process)."""
    grammar = next(g for g in GRAMMARS if g.name == name)
    return tree_sitter.Language(grammar.language())
