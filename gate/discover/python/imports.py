"""Which hub a module's bare ``org/name`` strings are on, judged across the tree's own modules.

A module that loads models through ModelScope only names ModelScope ids (a hub in CN), not
Hugging Face ones; one file decides that from its own imports (see ``Analyser.run``). An app
often keeps the ModelScope calls in a module of its own (``from modelscope_hub import
ModelScopeEmbeddings``, ``from chatglm_llm import ChatGLM``) and its catalogue of ids in the
module that imports it: the hub is then read one import away, through the tree's modules.
Only strings no known call read (catalogue entries, model-ish names) are re-read.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping, Sequence

from gate.discover import refs
from gate.discover.python.scopes import _HF_LIBRARIES
from gate.discover.tree import Tree, TreeFile
from gate.model import Evidence

_MAX_BYTES = 2_000_000


def import_roots(module: ast.AST) -> frozenset[str]:
    """The top-level names a module imports anywhere in it (``from a.b import c`` → ``a``);
    a relative import gives the name of the sibling module it reads."""
    roots: set[str] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".", 1)[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.module:
                roots.add(node.module.split(".", 1)[0])
            elif node.level:
                roots.update(alias.name for alias in node.names)
    return frozenset(roots)


def _roots_of(file: TreeFile, cache: dict[str, frozenset[str] | None]) -> frozenset[str] | None:
    if file.rel in cache:
        return cache[file.rel]
    found: frozenset[str] | None = None
    try:
        text = file.read_text(_MAX_BYTES)
        if text is not None:
            found = import_roots(ast.parse(text))
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        found = None
    cache[file.rel] = found
    return found


def _local_module(
    name: str, rel: str, modules: Mapping[str, Sequence[TreeFile]]
) -> TreeFile | None:
    """The tree's module ``name`` as imported from ``rel``: one in the same folder first,
    else the only one of that name in the tree."""
    candidates = modules.get(name, ())
    folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
    for file in candidates:
        if (file.rel.rsplit("/", 1)[0] if "/" in file.rel else "") == folder:
            return file
    return candidates[0] if len(candidates) == 1 else None


def _modules(files: Iterable[TreeFile]) -> dict[str, list[TreeFile]]:
    out: dict[str, list[TreeFile]] = {}
    for file in files:
        name = file.name
        if name.endswith(".py"):
            stem = name[: -len(".py")]
            if stem == "__init__" and "/" in file.rel:
                stem = file.rel.rsplit("/", 2)[-2]
            out.setdefault(stem, []).append(file)
    return out


def _on_modelscope(
    file: TreeFile,
    modules: Mapping[str, Sequence[TreeFile]],
    cache: dict[str, frozenset[str] | None],
) -> bool:
    own = _roots_of(file, cache)
    if own is None or own & _HF_LIBRARIES or "modelscope" in own:
        return False  # the file decided on its own (Analyser.run)
    roots: set[str] = set(own)
    local = False
    for name in own:
        imported = _local_module(name, file.rel, modules)
        if imported is None or imported.rel == file.rel:
            continue
        theirs = _roots_of(imported, cache)
        if theirs is not None:
            roots |= theirs
            local = True
    return local and "modelscope" in roots and not roots & _HF_LIBRARIES


def _reread(ev: Evidence) -> bool:
    """A Hub id no known call read (a catalogue entry, a model-ish name)."""
    return ev.identity.startswith("hf:") and "call" not in ev.attributes


def hub_through_local_imports(tree: Tree, found: list[Evidence]) -> list[Evidence]:
    """``found`` with the Hub ids of modules that reach ModelScope through the tree's own
    modules (and no Hugging Face library) read as ModelScope ids."""
    candidates = {ev.location.path for ev in found if _reread(ev) and ev.location.path}
    if not candidates:
        return found
    modules = _modules(tree.files)
    cache: dict[str, frozenset[str] | None] = {}
    on_ms: set[str] = set()
    for rel in sorted(candidates):
        file = tree.get(rel)
        if file is not None and _on_modelscope(file, modules, cache):
            on_ms.add(rel)
    if not on_ms:
        return found
    ctx = refs.RefContext(family="modelscope", sdk="modelscope")
    out: list[Evidence] = []
    for ev in found:
        if _reread(ev) and ev.location.path in on_ms:
            ref = refs.resolve(ev.as_written, ctx)
            if ref is not None:
                attrs = {**ev.attributes, "hub_from": "imports"}
                ev = refs.evidence(ev.source, ref, ev.as_written, ev.location, ev.confidence, attrs)
        out.append(ev)
    return out
