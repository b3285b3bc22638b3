"""Models asked of a provider the app's own function makes, finished through the file that
defines the function: ``const siliconflow = useSiliconflow(); siliconflow.embedding(
"Qwen/Qwen3-Embedding-0.6B")`` where ``useSiliconflow`` (a Nuxt server util, auto-imported,
or ``import { useSiliconflow } from "./ai"``) returns ``createOpenAI({ baseURL:
"https://api.siliconflow.cn/v1" })``.

The per-file analysis leaves a placeholder (identity ``pending:<function>``); this pass, run
once after the scan, reads only the files that can define the function: the relative import's
target, the calling file itself, or, for an auto-imported function, the tree's util folders
(``utils/``, ``composables/``, ``server/utils/`` at any depth, as Nuxt auto-imports them).
The provider the function makes gives the model's context; a placeholder not resolved is
dropped.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

import tree_sitter

from gate import files
from gate.discover import refs, scanning
from gate.discover.calltable import CallSpec
from gate.discover.javascript.analyser import _Analyser
from gate.discover.javascript.nodes import _MAX_BINDINGS, declarations
from gate.discover.pending import placeholder
from gate.discover.tree import Tree, TreeFile
from gate.model import JSON, Confidence, Evidence

PENDING = "pending:"
ALIAS = "alias:"
"""Placeholders for the app's own model aliases (customProvider keys): :func:`without_aliases`."""
_NAME = re.compile(r"^[A-Za-z_$][\w$]*$")
_AUTO_DIRS = frozenset({"utils", "composables"})
_SUFFIXES = (".ts", ".js", ".mjs", ".cjs", ".tsx", ".jsx", ".mts", ".cts")
"""The suffixes an import written without one is tried with, in this order: every suffix the
JavaScript source reads (``nodes.SUFFIXES``; a test keeps the two sets equal)."""


def _placeholder(
    analyser: _Analyser,
    identity: str,
    as_written: str,
    node: tree_sitter.Node,
    attrs: dict[str, JSON],
    confidence: Confidence = Confidence.HIGH,
) -> Evidence:
    """One placeholder the cross-module pass resolves (or drops) after the scan."""
    loc = analyser._loc(node)
    return placeholder(analyser.driver.source, identity, as_written, loc, confidence, attrs)


def placeholders(analyser: _Analyser) -> list[Evidence]:
    """Placeholders for an analyser's models asked of the app's own provider functions."""
    from gate.discover.javascript.calls import SELF

    out: list[Evidence] = []
    for val, fn, module in analyser.pending:
        attrs: dict[str, JSON] = {"factory": fn, "flow": val.flow}
        if val.env_var:
            attrs["env_var"] = val.env_var
        attrs["factory_module"] = analyser.rel if module == SELF else module
        out.append(_placeholder(analyser, PENDING + fn, val.text, val.node, attrs, val.confidence))
    for alias, node in analyser.aliases:
        out.append(_placeholder(analyser, ALIAS + alias, alias, node, {"flow": "alias"}))
    for node, exported, module, ctx, call, argument in analyser.pending_constants:
        attrs = {
            "constant": exported,
            "factory_module": module,
            "call": call,
            "argument": argument,
            "reading": ctx.family,
        }
        for field in ("sdk", "provider", "base_url", "base_url_dynamic", "region"):
            value = getattr(ctx, field)
            if value:
                attrs[field] = value
        out.append(_placeholder(analyser, PENDING + exported, exported, node, attrs))
    return out


def _context_of(ev: Evidence) -> refs.RefContext:
    """The call's context a constant placeholder carries."""
    attrs = ev.attributes

    def text(key: str) -> str | None:
        value = attrs.get(key)
        return value if isinstance(value, str) and value else None

    return refs.RefContext(
        family=text("reading") or "config",
        sdk=text("sdk"),
        provider=text("provider"),
        base_url=text("base_url"),
        base_url_dynamic=text("base_url_dynamic"),
        region=text("region"),
    )


def _constant_values(file: TreeFile, name: str, parsed: dict[str, _Analyser | None]) -> list[Any]:
    """The constant string values the module ``file`` binds to ``name`` (each file parsed
    once per pass)."""
    if file.rel not in parsed:
        parsed[file.rel] = _analysed(file, always=True)
    analyser = parsed[file.rel]
    if analyser is None:
        return []
    out = []
    for bound in analyser.values_of.get(name, [])[:_MAX_BINDINGS]:
        out += [(analyser, v) for v in analyser.values(bound) if not v.partial]
    return out


def _auto_imported(tree: Tree) -> list[TreeFile]:
    """The files of the tree's util folders (Nuxt auto-imports), listed once per pass."""
    return [
        f for f in tree.files if f.suffix in _SUFFIXES and _AUTO_DIRS & set(f.rel.split("/")[:-1])
    ]


def _candidates(tree: Tree, ev: Evidence, auto: Sequence[TreeFile]) -> Iterator[TreeFile]:
    module = ev.attributes.get("factory_module")
    here = ev.location.path or ""
    if isinstance(module, str) and module == here:
        file = tree.get(here)
        if file is not None:
            yield file
        return
    if isinstance(module, str):
        base = posixpath.dirname(here)
        if module.startswith("."):
            stem = posixpath.normpath(posixpath.join(base, module))
        else:
            stem = module.lstrip("~@/")  # ~/x, ~~/x, @/x: the project root's x
        # `@/x` is `src/x` in the projects that keep their code under src/ (Next.js, Vite).
        stems = (stem,) if module.startswith(".") else (stem, f"src/{stem}")
        for root in stems:
            for cand in (
                root,
                *(root + s for s in _SUFFIXES),
                *(f"{root}/index{s}" for s in _SUFFIXES),
            ):
                file = tree.get(cand)
                if file is not None:
                    yield file
                    return
        return
    yield from auto


_Call = tuple[tree_sitter.Node, CallSpec]
_Read = tuple[
    _Analyser, dict[bytes, tree_sitter.Node], dict[bytes, tree_sitter.Node], dict[int, _Call | None]
]


def _made_provider(
    file: TreeFile,
    name: str,
    read: dict[str, _Read | None],
    urls: dict[str, str | None] | None = None,
) -> refs.RefContext | None:
    """The context of the provider the function ``name`` of ``file`` makes, or the provider
    the constant ``name`` holds (``export const gemini = createGoogleGenerativeAI({...})``)
    (``read``: the files analysed so far, each once)."""
    if file.rel not in read:
        analysed = _analysed(file)
        read[file.rel] = None if analysed is None else (analysed, *declarations(analysed.root), {})
    entry = read[file.rel]
    if entry is None:
        return None
    analyser, functions, values, first = entry
    body = functions.get(name.encode()) or values.get(name.encode())
    if body is None:
        return None
    found = _first_provider_call(analyser, body, first)
    if found is not None:
        return analyser._context(found[1], found[0])
    # A provider the app implements itself over raw requests (LanguageModelV1 with fetch):
    # the one hosted endpoint its module posts to serves what it is asked for.
    urls = {} if urls is None else urls
    if file.rel not in urls:
        urls[file.rel] = _one_endpoint(analyser.root)  # one walk of each module
    url = urls[file.rel]
    return refs.RefContext(family="hosted", base_url=url) if url is not None else None


def _one_endpoint(root: tree_sitter.Node) -> str | None:
    """The URL of the one known hosted endpoint a module's string literals name (every
    such URL on one provider), or None."""
    providers: set[str] = set()
    first: str | None = None
    stack = [root]
    while stack:
        node = stack.pop()
        if node.type == "string":
            text = (node.text or b"").decode("utf-8", errors="replace")[1:-1]
            if "://" in text and refs.hosted_endpoint(text):
                providers.add(refs.endpoint_provider(text) or "")
                first = first or text
            continue
        stack.extend(node.children)
    return first if len(providers) == 1 else None


def _first_provider_call(
    analyser: _Analyser, body: tree_sitter.Node, first: dict[int, _Call | None]
) -> _Call | None:
    """The first provider or client constructor call under ``body`` (in source order),
    remembered for every node walked (``first``, by node id): factories nested in one
    another share their inner bodies' answers instead of walking them again (n^2 / 2)."""
    from gate.discover.javascript.tables import table

    stack: list[tuple[tree_sitter.Node, bool]] = [(body, False)]
    while stack:
        node, ready = stack.pop()
        if node.id in first:
            continue
        if not ready:
            stack.append((node, True))
            stack.extend((c, False) for c in reversed(node.children) if c.id not in first)
            continue
        found: _Call | None = None
        if node.type in ("call_expression", "new_expression"):
            qual = analyser._qualname(analyser._callee(node))
            spec = table().lookup(qual) if qual else None
            if spec is not None and (spec.raw.get("provider_fn") or spec.client):
                found = (node, spec)
        if found is None:
            found = next((f for c in node.children if (f := first.get(c.id)) is not None), None)
        first[node.id] = found
    return first.get(body.id)


def _analysed(file: TreeFile, *, always: bool = False) -> _Analyser | None:
    """A file parsed and analysed (its bindings indexed), or None when it holds no
    ``create…`` provider call nor ``new`` client at all (most util files: not parsed),
    unless ``always``."""
    from gate.discover.javascript import _language, _query

    text = files.read_text_or_skip(file.abspath, scanning.MAX_SOURCE_BYTES, _unrecorded)
    if text is None or (
        not always and "create" not in text and "new " not in text and "://" not in text
    ):
        return None
    data = text.encode("utf-8")
    suffix = "." + file.rel.rsplit(".", 1)[-1].lower()
    syntax = tree_sitter.Parser(_language(suffix)).parse(data)
    analyser = _Analyser(file.rel, data, syntax.root_node, _query(suffix))
    analyser.run()
    return analyser


def _unrecorded(_why: str) -> None:
    """A second read of a file the scan has read (or recorded as unreadable) already."""


def through_app_factories(tree: Tree, found: Sequence[Evidence]) -> list[Evidence]:
    """``found`` with placeholders resolved through the function that makes the provider,
    or dropped."""
    if not any(ev.identity.startswith(PENDING) for ev in found):
        return list(found)
    made: dict[tuple[str, str], refs.RefContext | None] = {}
    read: dict[str, _Read | None] = {}
    urls: dict[str, str | None] = {}
    kept: set[int] = set()
    where: set[tuple[str | None, int | None, int | None, str]] = set()
    out: list[Evidence] = []
    auto = _auto_imported(tree)
    parsed: dict[str, _Analyser | None] = {}
    for ev in found:
        if not ev.identity.startswith(PENDING):
            out.append(ev)
            continue
        if "constant" in ev.attributes:
            for placed in _through_constant(tree, ev, parsed):
                out.append(placed)
                kept.add(id(placed))
                where.add(_where(placed))
            continue
        fn = ev.identity[len(PENDING) :]
        ctx: refs.RefContext | None = None
        for file in _candidates(tree, ev, auto):
            key = (file.rel, fn)
            if key not in made:
                made[key] = _made_provider(file, fn, read, urls)
            ctx = made[key]
            if ctx is not None:
                break
        if ctx is None:
            # bailian("qwen-max-longcontext"): a function named for a provider that wraps an
            # SDK the table does not know is that provider's
            hinted = refs.provider_in_name(fn)
            if hinted is None:
                continue
            ctx = refs.RefContext(family="hosted", provider=hinted)
        ref = refs.recognise_in(ev.as_written, ctx)
        if ref is None:
            continue
        attrs = {k: v for k, v in ev.attributes.items() if k != "factory_module"}
        attrs["call"] = f"{fn}()"
        placed = refs.evidence(ev.source, ref, ev.as_written, ev.location, ev.confidence, attrs)
        out.append(placed)
        kept.add(id(placed))
        where.add(_where(ev))
    # A reading of the same value by its name alone (no call known) is superseded.
    return [e for e in out if id(e) in kept or "call" in e.attributes or _where(e) not in where]


def _through_constant(
    tree: Tree, ev: Evidence, parsed: dict[str, _Analyser | None]
) -> list[Evidence]:
    """A call's model argument imported from another module of the app: the constant's
    values there, read in the call's context and located where they are written."""
    name = str(ev.attributes["constant"])
    ctx = _context_of(ev)
    out: list[Evidence] = []
    for file in _candidates(tree, ev, ()):
        expr = ctx.base_url_dynamic
        if expr is not None and _NAME.match(expr):
            # baseURL: SILICONFLOW_BASE_URL imported beside the model from the same module
            urls = {v.text for _, v in _constant_values(file, expr, parsed)}
            if len(urls) == 1 and refs.is_request_url(next(iter(urls))):
                ctx = replace(ctx, base_url=urls.pop(), base_url_dynamic=None)
        if ctx.base_url_dynamic is not None:
            break  # the endpoint is not known here: the module's own reading stands
        for analyser, val in _constant_values(file, name, parsed):
            ref = refs.recognise_in(val.text, ctx)
            if ref is None:
                continue
            loc = ev.location
            attrs: dict[str, JSON] = {
                "call": str(ev.attributes.get("call") or ""),
                "argument": str(ev.attributes.get("argument") or ""),
                "flow": "imported-constant",
                "used_at": [f"{loc.path}:{loc.line}:{loc.column}"],
            }
            where = analyser._loc(val.node)
            out.append(refs.evidence(ev.source, ref, val.text, where, val.confidence, attrs))
        break
    return out


def _where(ev: Evidence) -> tuple[str | None, int | None, int | None, str]:
    loc = ev.location
    return loc.path, loc.line, loc.column, ev.as_written


def without_aliases(found: Sequence[Evidence]) -> list[Evidence]:
    """``found`` without the alias placeholders, and without the catalogue entries that name
    one of the app's aliases (a picker's ``{ id: "chat-model" }`` or ``{ id: "deepseek-chat" }``
    where ``customProvider({ languageModels: { "deepseek-chat": deepseek("deepseek-v3") } })``):
    the entry names the alias, whose model the customProvider call already reports."""
    aliases = {ev.as_written for ev in found if ev.identity.startswith(ALIAS)}
    return [
        ev
        for ev in found
        if not ev.identity.startswith(ALIAS)
        and not (
            aliases
            and ev.attributes.get("listed") is True
            and "call" not in ev.attributes
            and ev.as_written in aliases
        )
    ]
