"""Go, Rust, Java, Kotlin, C#, Ruby and PHP code that names models, read with tree-sitter.

One front end over four grammars (:mod:`.grammars` says which node types play each role):
string literals placed as call arguments, builder and option methods
(``ollama.WithModel("llama3.2")``, ``.model("gpt-4o")``), struct fields and named arguments,
constants, list items under a catalogue name and Spring ``@Value`` defaults; serving from the
SDK a call's receiver is imported from (``data/polyglot_calls.yaml``), its base-URL member,
and the one known endpoint the file's URLs point at. The files go through the same byte
pre-filter, size cap and worker pool as the other code front ends; nothing is built or run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import ahocorasick_rs
import tree_sitter

from gate.discover import refs, scanning
from gate.discover.base import DiscoverContext
from gate.discover.calltable import hosted_name_needles
from gate.discover.javascript.tables import _extra_strong, _shape_needles
from gate.discover.polyglot import across
from gate.discover.polyglot import analyser as analyser_mod
from gate.discover.polyglot.analyser import NAME, Analyser, constant_rows, sdk_rows
from gate.discover.polyglot.grammars import SUFFIXES, grammar_for, language
from gate.discover.tree import Tree
from gate.model import Evidence

__all__ = ["NAME", "SUFFIXES", "analyse_file", "discover", "needles", "worth_parsing"]

_WEAK_NEEDLES = (
    "MODEL", "model:", "Model:", "model =", "Model =", "model=", "modelName", '"model"',
    "WithModel", ".model(", "withModel", "_models", "Models", "LLM",
)  # fmt: skip
"""Words a file naming a model under a model-ish name holds (``Model: "gpt-4o"``,
``free_models: vec![...]``); a file with none of these, no SDK import, no known endpoint
host and no quoted hosted-model prefix is not read."""


def discover(tree: Tree, ctx: DiscoverContext) -> Iterator[Evidence]:
    """Yield model references found in the tree's Go, Rust, Java, Kotlin, C#, Ruby and PHP files."""
    reads = refs.readable(tree, ctx.include_tests)
    files = [f for f in tree.files if f.suffix in SUFFIXES and reads(f.rel)]
    if not files:
        return
    ctx.observer.stage("go/rust/java/kotlin code", len(files))
    found, _ = scanning.scan(tree, files, needles(), _analyse_tree_file, observer=ctx.observer)
    ctx.observer.done()
    yield from refs.finish(tree, ctx, across.resolve(found))


@cache
def _strong_words() -> tuple[bytes, ...]:
    words: set[str] = set()
    for row in sdk_rows():
        for pattern in row.match:
            head = pattern.split("*", 1)[0].rstrip(":./")
            if len(head) >= 4:
                words.add(head)
    for crow in constant_rows():
        for owner in crow.owner:
            # a Rust crate (`use rig::{providers::{openai::{GPT_4O}}}` spells no whole path);
            # a Java enum by its package (a star import names no class)
            words.add(owner.split("::", 1)[0] + "::" if "::" in owner else owner.rsplit(".", 1)[0])
    words |= _shape_needles() | hosted_name_needles()
    # Known endpoint hosts and Ollama's port, but not loopback hosts (``127.0.0.1``,
    # ``localhost``): every web server's code and tests bind to them (a fifth of axum's files).
    hosts = {h for h in _extra_strong() if not _LOOPBACK.match(h)}
    out = {w.encode() for w in words if len(w) >= 4} | hosts
    return tuple(sorted(out))


_LOOPBACK = re.compile(rb"^(?:localhost|[\d.]+|[\da-f:]*::[\da-f:]*)$")


@cache
def needles() -> tuple[bytes, ...]:
    """Byte strings one of which every file worth parsing contains."""
    return tuple(sorted(set(_strong_words()) | {w.encode() for w in _WEAK_NEEDLES}))


@cache
def _strong() -> ahocorasick_rs.BytesAhoCorasick:
    return scanning.automaton(_strong_words())


def worth_parsing(data: bytes) -> bool:
    """Whether a file that passed the needles can name a model: an SDK, a known endpoint
    or a model-looking string."""
    return bool(_strong().find_matches_as_indexes(data)) or refs.has_model_literal(data)


def _analyse_tree_file(rel: str, data: bytes) -> scanning.Outcome:
    """:func:`analyse_file`, keeping what only the tree's other files can resolve."""
    return analyse_file(rel, data, pending=True)


def analyse_file(rel: str, data: bytes, *, pending: bool = False) -> scanning.Outcome:
    """Parse one Go/Rust/Java/Kotlin file and return its model references; ``pending``:
    also the placeholders :mod:`.across` resolves over the tree."""
    grammar = grammar_for(rel)
    if grammar is None or not worth_parsing(data):
        return scanning.Outcome()
    parser = tree_sitter.Parser(language(grammar.name))
    syntax = parser.parse(data)
    root = syntax.root_node
    if root.has_error:
        errors = sum(1 for child in root.children if child.type == "ERROR")
        if errors / max(1, root.child_count) > 0.5:
            return scanning.Outcome(skipped=[(rel, f"not parseable as {grammar.name}")])
    analyser = Analyser(grammar, rel, data, root)
    found = analyser.run()
    if pending:
        found += across.placeholders(analyser)
    # Strings past the node bound were never placed: the file is recorded as read in part,
    # so a model named after a megabyte of filler is not a silent pass.
    cut = [(rel, f"more than {analyser_mod.MAX_NODES} syntax nodes: read only in part")]
    return scanning.Outcome(evidence=found, skipped=cut if analyser.truncated else [])
