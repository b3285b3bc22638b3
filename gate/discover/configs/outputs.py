"""The tree's own training output: a local model folder the tree's recipes write.

A fine-tune repository trains a model and then loads or serves it from the folder its recipe
wrote (``output_dir: /gdrive/.../models/`` in a LLaMA-Factory recipe, then
``finetuned_model_id = "/gdrive/.../models"``; ``merged_dir: /models/merged/my_model``, then
``vllm serve /models/merged/my_model``). That folder is the release's own product, not a
model it takes from elsewhere: its supply chain is the base model and the datasets the
recipe names, which are components of their own. Such a ``local:`` reference is therefore
not a component; the scan fact ``trained_here`` lists it with the recipe that writes it.

Written paths are read from the tree's YAML/JSON recipes (keys of
``config_vocabulary.yaml`` ``output_keys``, or a ``dir``/``path`` key inside a section named
in ``output_sections``), ``%%writefile`` recipes in notebooks and ``--output_dir`` flags of
shell lines, only when the configs source found a local model path at all.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Iterator

from gate.discover import loaders, refs
from gate.discover.base import DiscoverContext
from gate.discover.configs.kinds import _kind
from gate.discover.configs.nodes import _Node, _yaml_docs
from gate.discover.tree import Tree, TreeFile
from gate.model import JSON, Evidence
from gate.recognise import data as recognise_data

MAX_FILE = 2_000_000
"""Bytes of one recipe or notebook read at most."""
MAX_TOTAL = 64 << 20
"""Bytes read by the pass at most (it runs only when a local model path was found; past
this, later files are not searched and their paths stay components)."""
MAX_DEPTH = 32
"""Levels of a parsed recipe walked at most."""
_NEEDLES = ("output", "merged_dir", "save_dir", "save_path")


def _vocabulary() -> tuple[frozenset[str], frozenset[str]]:
    doc = recognise_data.load("config_vocabulary.yaml")
    return frozenset(doc.get("output_keys") or ()), frozenset(doc.get("output_sections") or ())


def _norm(path: str) -> str:
    text = path.strip().strip("\"'").replace("\\", "/")
    return posixpath.normpath(text) if text else ""


def _walk(node: _Node, parent: str | None, depth: int, found: list[tuple[str, int | None]]) -> None:
    if depth > MAX_DEPTH:
        return
    keys, sections = _vocabulary()
    value = node.value
    if isinstance(value, list):
        for item in value:
            _walk(item, parent, depth + 1, found)
        return
    if not isinstance(value, dict):
        return
    for key, child in value.items():
        norm = refs.norm_key(str(key))
        if isinstance(child.value, str):
            in_section = parent in sections and (norm in ("dir", "path") or norm.endswith("_dir"))
            if norm in keys or in_section:
                found.append((child.value, child.line))
        else:
            _walk(child, norm, depth + 1, found)


def _from_text(rel: str, text: str, kind: str) -> list[tuple[str, int | None]]:
    found: list[tuple[str, int | None]] = []
    if kind == "json":
        parsed = loaders.json_doc(text)
        docs: list[_Node] | str = "no JSON" if not parsed.ok else []
        if parsed.ok:
            from gate.discover.configs.nodes import _from_plain

            try:
                docs = [_from_plain(parsed.value)]
            except RecursionError:
                return found
    else:
        docs = _yaml_docs(rel, text)
    if isinstance(docs, str):
        return found  # the configs reader records why a file cannot be read
    for doc in docs:
        _walk(doc, None, 0, found)
    return found


def _flags(command: str) -> Iterator[str]:
    """``--output_dir X`` / ``--output-dir=X`` of one command line."""
    try:
        tokens = shlex.split(command, comments=True)
    except ValueError:
        return
    for index, token in enumerate(tokens):
        name, eq, rest = token.partition("=")
        if refs.norm_key(name.lstrip("-")) in ("output_dir", "save_dir", "merged_dir"):
            if not token.startswith("--"):
                continue
            if eq:
                yield rest
            elif index + 1 < len(tokens):
                yield tokens[index + 1]


def _notebook(rel: str, text: str) -> list[tuple[str, str]]:
    from gate.discover.configs.notebooks import _cells

    parsed = loaders.json_doc(text)
    cells = parsed.value.get("cells") if parsed.ok and isinstance(parsed.value, dict) else None
    if not isinstance(cells, list):
        return []
    out: list[tuple[str, str]] = []
    read = _cells(cells)
    for number, path, body in read.files:
        kind = _kind(TreeFile(path, path))
        if kind in ("yaml", "json"):
            for value, _ in _from_text(rel, body, kind):
                out.append((value, f"{rel} cell {number} (%%writefile {path})"))
        elif kind == "shell":
            out += [(v, f"{rel} cell {number}") for ln in body.splitlines() for v in _flags(ln)]
    for number, _, command, _ in read.shell:
        out += [(v, f"{rel} cell {number}") for v in _flags(command)]
    return out


def written_paths(tree: Tree) -> dict[str, str]:
    """Normalised folder → where a recipe of the tree writes a model to it."""
    out: dict[str, str] = {}
    budget = MAX_TOTAL
    for tf in tree.files:
        kind = _kind(tf)
        if kind not in ("yaml", "json", "notebook", "shell") or tf.size > MAX_FILE:
            continue
        budget -= tf.size
        if budget < 0:
            break
        try:
            with open(tf.abspath, "rb") as fh:
                raw = fh.read(MAX_FILE)
        except OSError:
            continue  # the configs reader records an unreadable file
        if not any(n.encode() in raw for n in _NEEDLES):
            continue
        text = raw.decode("utf-8", errors="replace")
        pairs: list[tuple[str, str]]
        if kind == "notebook":
            pairs = _notebook(tf.rel, text)
        elif kind == "shell":
            pairs = [(v, tf.rel) for ln in text.splitlines() for v in _flags(ln)]
        else:
            pairs = [
                (v, f"{tf.rel}:{line}" if line else tf.rel)
                for v, line in _from_text(tf.rel, text, kind)
            ]
        for value, where in pairs:
            path = _norm(value)
            if path and path not in (".", "/") and "$" not in path and "{" not in path:
                out.setdefault(path, where)
    return out


def _paths_of(ev: Evidence) -> list[str]:
    found = [ev.attributes.get(k) for k in ("local_path", "container_path")] + [ev.as_written]
    return [_norm(p) for p in found if isinstance(p, str) and p]


def set_aside(found: list[Evidence], tree: Tree, ctx: DiscoverContext) -> list[Evidence]:
    """``found`` without the local model paths the tree's own recipes write (recorded as the
    scan fact ``trained_here`` and a note)."""
    local = [ev for ev in found if ev.identity.startswith("local:")]
    if not local:
        return found
    written = written_paths(tree)
    if not written:
        return found
    kept: list[Evidence] = []
    trained: dict[str, dict[str, JSON]] = {}
    for ev in found:
        match = next((p for p in _paths_of(ev) if p in written), None)
        if not ev.identity.startswith("local:") or match is None:
            kept.append(ev)
            continue
        where = f"{ev.location.path}:{ev.location.line}" if ev.location.line else ev.location.path
        entry = trained.setdefault(
            ev.identity, {"id": ev.identity, "written_by": written[match], "used_at": []}
        )
        used = entry["used_at"]
        assert isinstance(used, list)
        used.append(where)
    if trained:
        facts: list[JSON] = [trained[k] for k in sorted(trained)]
        ctx.facts.set("trained_here", facts)
        ctx.facts.note(
            f"{len(trained)} local model path(s) are the tree's own training output (written"
            " by its recipes): not components; their base models and datasets are"
            " (inventory property trained_here)"
        )
    return kept
