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

from collections.abc import Callable, Iterator
from functools import partial

import tree_sitter

from gate.discover import refs, scanning
from gate.discover.base import DiscoverContext
from gate.discover.javascript import across
from gate.discover.javascript.analyser import Route, _Analyser
from gate.discover.javascript.markup import (
    MARKUP_SUFFIXES,
    MAX_MARKUP_DEPTH,
    markup_depth,
    read_markup,
)
from gate.discover.javascript.nodes import _MINIFIED_LINE, NAME, SUFFIXES
from gate.discover.javascript.tables import (
    _language,
    _query,
    _strong_words,
    needles,
    worth_parsing,
    worth_parsing_markup,
)
from gate.discover.tree import Tree
from gate.model import Evidence

__all__ = [
    "NAME",
    "SUFFIXES",
    "_language",
    "_query",
    "analyse_file",
    "begin",
    "discover",
    "needles",
    "worth_parsing",
]


def discover(tree: Tree, ctx: DiscoverContext) -> Iterator[Evidence]:
    """Yield model references found in the tree's JavaScript and TypeScript files."""
    yield from begin(tree, ctx)()()


def begin(tree: Tree, ctx: DiscoverContext) -> Callable[[], Callable[[], list[Evidence]]]:
    """:func:`discover` in three steps, so that this process can run other sources while
    the workers analyse: now, the files are read and filtered and their batches handed to
    the workers; in the source's turn, what it records on the tree and the scan's facts is
    recorded; the function that step returns waits for the analysis and gives the evidence
    (its place among the sources' evidence is the pipeline's to keep)."""
    reads = refs.readable(tree, ctx.include_tests)
    sources = [
        f
        for f in tree.files
        if (f.suffix in SUFFIXES or f.suffix in MARKUP_SUFFIXES) and reads(f.rel)
    ]
    files = [f for f in sources if not f.name.endswith((".min.js", ".d.ts"))]
    # Minified bundles are not parsed; one that names an SDK or model is recorded as unread.
    minified = [f for f in sources if f.name.endswith(".min.js")]
    routes = _provider_proxies(tree) if files else ()
    analyse = partial(_analyse_app_file, proxies=routes) if routes else _analyse_app_file
    submitted = scanning.submit(tree, files, needles(), analyse)

    def turn() -> Callable[[], list[Evidence]]:
        scanning.note_unread(
            tree,
            minified,
            _strong_words(),
            "minified JavaScript (.min.js) naming an AI SDK: not parsed",
        )
        for rel, reason in submitted.take_unread():
            tree.skip(rel, reason)
        refs.finish(tree, ctx, [])  # the scan note it adds, in this source's turn

        def finish() -> list[Evidence]:
            ctx.observer.stage("javascript code", len(files))
            found, _ = submitted.collect(ctx.observer)
            ctx.observer.done()
            found = across.without_aliases(across.through_app_factories(tree, found))
            return refs.finish(tree, ctx, found)

        return finish

    return turn


def _provider_proxies(tree: Tree) -> tuple[Route, ...]:
    """The tree's nginx locations that proxy to a hosted provider's API (``location /openai/
    { proxy_pass https://api.openai.com/; }``): a page's relative request URL through one of
    them is that provider's (a proxy to the app's own backend changes nothing)."""
    from gate.discover.configs import nginx  # the configs package: loaded here, not in workers

    found = nginx.configs(tree)
    routes = nginx.proxy_routes(tree, found) if found else ()
    return tuple(r for r in routes if refs.hosted_endpoint(r[1]))


def _analyse_app_file(rel: str, data: bytes, proxies: tuple[Route, ...] = ()) -> scanning.Outcome:
    """:func:`analyse_file`, keeping what only the app's other files can resolve."""
    return analyse_file(rel, data, pending=True, proxies=proxies)


def analyse_file(
    rel: str, data: bytes, *, pending: bool = False, proxies: tuple[Route, ...] = ()
) -> scanning.Outcome:
    """Parse one JS/TS file and return its model references; ``pending``: also placeholders
    for models asked of the app's own provider functions (see :mod:`.across`); ``proxies``:
    the tree's nginx routes to providers, through which a relative request URL is read."""
    suffix = "." + rel.rsplit(".", 1)[-1].lower() if "." in rel else ".js"
    if suffix in MARKUP_SUFFIXES:
        if not worth_parsing_markup(data):
            return scanning.Outcome()
        return _analyse_markup(rel, data, pending=pending, proxies=proxies)
    if not worth_parsing(data):
        return scanning.Outcome()
    return _analyse_code(rel, data, suffix, pending=pending, proxies=proxies)


def _bundled(data: bytes) -> bool:
    """A file long and of long lines on average: minified or bundled, not read."""
    return len(data) > 50_000 and len(data) / (data.count(b"\n") + 1) > _MINIFIED_LINE


def _analyse_markup(
    rel: str, data: bytes, *, pending: bool, proxies: tuple[Route, ...]
) -> scanning.Outcome:
    """A page or single-file component: its model pickers, and its ``<script>`` blocks read
    as code at their own lines (see :mod:`.markup`)."""
    if _bundled(data):
        return scanning.Outcome(skipped=[(rel, "minified or bundled markup: not parsed")])
    if markup_depth(data):
        reason = f"markup nesting more than {MAX_MARKUP_DEPTH} open elements: not parsed"
        return scanning.Outcome(skipped=[(rel, reason)])
    markup = read_markup(rel, data, NAME)
    if markup.code is None or not worth_parsing(markup.code):
        return scanning.Outcome(evidence=markup.evidence)
    outcome = _analyse_code(rel, markup.code, markup.suffix, pending=pending, proxies=proxies)
    return scanning.Outcome(
        evidence=[*markup.evidence, *outcome.evidence], skipped=list(outcome.skipped)
    )


def _analyse_code(
    rel: str, data: bytes, suffix: str, *, pending: bool, proxies: tuple[Route, ...] = ()
) -> scanning.Outcome:
    if _bundled(data):
        # A bundle (vendor code, mangled names): data flow means nothing in it.
        return scanning.Outcome(skipped=[(rel, "minified or bundled JavaScript: not parsed")])
    parser = tree_sitter.Parser(_language(suffix))
    syntax = parser.parse(data)
    if syntax.root_node.has_error and _error_share(syntax.root_node) > 0.5:
        return scanning.Outcome(skipped=[(rel, "not parseable as JavaScript/TypeScript")])
    analyser = _Analyser(rel, data, syntax.root_node, _query(suffix))
    analyser.proxies = proxies
    found = analyser.run()
    if pending:
        found += across.placeholders(analyser)
    return scanning.Outcome(evidence=found)


def _error_share(root: tree_sitter.Node) -> float:
    errors = sum(1 for child in root.children if child.type == "ERROR")
    return errors / max(1, root.child_count)
