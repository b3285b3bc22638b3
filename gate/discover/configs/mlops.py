"""Ollama Modelfiles, MLflow MLmodel files and DVC outputs and imports."""

from __future__ import annotations

import posixpath
import re

from gate import identity
from gate.discover import (
    localpaths,
    refs,
    scanning,
)
from gate.discover.configs.nodes import _items, _Node, _str, _yaml_docs
from gate.discover.configs.walker import _Walker
from gate.discover.tree import WEIGHT_SUFFIXES, TreeFile
from gate.model import JSON, Confidence, EvidenceKind, Role

# --- Modelfile, MLmodel, DVC ---------------------------------------------------------------

_DOCKERFILE_ONLY = re.compile(
    r"^\s*(RUN|COPY|ADD|WORKDIR|CMD|ENTRYPOINT|EXPOSE|ENV|ARG|USER|LABEL|VOLUME)\s", re.I | re.M
)


def _maybe_modelfile(tf: TreeFile) -> bool:
    """An Ollama Modelfile under another name (``body-builder-llama3-model``,
    ``ollama_alpaca_file``): a small file without extension whose name says model or
    ollama; its content decides (:func:`_is_modelfile`)."""
    lower = tf.name.lower()
    return tf.suffix == "" and tf.size < 65536 and ("model" in lower or "ollama" in lower)


def _is_modelfile(text: str) -> bool:
    """``FROM`` first, and no instruction only a Dockerfile has."""
    first = next(
        (ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")),
        "",
    )
    return first.upper().startswith("FROM ") and not _DOCKERFILE_ONLY.search(text)


def _in_tree(rel: str, target: str, rels: set[str]) -> str | None:
    """The tree path a Modelfile/DVC path names (relative to the file's folder), if present."""
    base = posixpath.dirname(rel)
    if target.startswith("/") or target.startswith("~"):
        return None
    path = posixpath.normpath(posixpath.join(base, target))
    if path.startswith(".."):
        return None
    if path in rels or any(r.startswith(path + "/") for r in rels):
        return path
    return None


def _modelfile(rel: str, text: str, rels: set[str]) -> scanning.Outcome:
    walker = _Walker(rel)
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"^\s*(FROM|ADAPTER)\s+(\S+)", line, re.IGNORECASE)
        if not match:
            continue
        instruction, value = match.group(1).upper(), match.group(2)
        node = _Node(value, number, match.start(2) + 1)
        extra: dict[str, JSON] = {"instruction": instruction}
        looks_local = value.startswith((".", "/", "~")) or value.lower().endswith(
            (".gguf", ".bin", ".safetensors")
        )
        if looks_local:
            path = _in_tree(rel, value, rels)
            if path is None:
                # Weights outside the tree, or not in the checkout (a gitignored ./model/):
                # known only by their path, an unresolved local model.
                if localpaths.is_outside(value):
                    missing = localpaths.ref(value)
                else:
                    target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), value))
                    missing = localpaths.ref(target, reason="path not in the checkout")
                walker.emit(missing, value, node, Confidence.HIGH, instruction, extra)
                continue
            ref = refs.Ref(
                identity.local(path),
                Role.RUNTIME_MODEL,
                EvidenceKind.OLLAMA_REF,
                {"weights_path": path, "pinned": True},
            )
            walker.emit(ref, value, node, Confidence.HIGH, instruction, extra)
            continue
        ctx = refs.RefContext(family="ollama", sdk="ollama", in_config=True)
        walker.emit(refs.recognise_in(value, ctx), value, node, Confidence.HIGH, instruction, extra)
    return scanning.Outcome(evidence=walker.found)


def _mlmodel(walker: _Walker, doc: _Node) -> None:
    if not isinstance(doc.value, dict):
        return
    flavors = doc.value.get("flavors")
    if flavors is None or not isinstance(flavors.value, dict):
        return
    for flavor, node in flavors.value.items():
        if not isinstance(node.value, dict):
            continue
        source = node.value.get("source_model_name")
        if source is None or not isinstance(source.value, str):
            continue
        revision = _str(node.value.get("source_model_revision"))
        ctx = refs.RefContext(
            family="hf", sdk=f"mlflow.{flavor}", revision=revision, in_config=True
        )
        walker.emit(
            refs.recognise_in(source.value, ctx),
            source.value,
            source,
            Confidence.HIGH,
            f"flavors.{flavor}.source_model_name",
        )


def _dvc(rel: str, text: str, rels: set[str]) -> scanning.Outcome:
    docs = _yaml_docs(rel, text)
    if isinstance(docs, str):
        return scanning.Outcome(skipped=[(rel, f"not a readable DVC file: {docs}")])
    if not docs:
        return scanning.Outcome()
    doc = docs[0]
    walker = _Walker(rel)
    if not isinstance(doc.value, dict):
        return scanning.Outcome()
    base = posixpath.dirname(rel)
    for index, out in enumerate(_items(doc.value.get("outs"))):
        path_node = out.get("path")
        if path_node is None or not isinstance(path_node.value, str):
            continue
        path = posixpath.normpath(posixpath.join(base, path_node.value))
        info: dict[str, JSON] = {
            k: str(out[k].value) for k in ("md5", "hash", "size", "nfiles") if k in out
        }
        weights = posixpath.splitext(path)[1].lower() in WEIGHT_SUFFIXES or bool(
            re.search(r"(^|[/_-])(models?|checkpoints?|weights)([/_.-]|$)", path.lower())
        )
        role = Role.EMBEDDED_WEIGHTS if weights else Role.DATASET
        kind = EvidenceKind.CONFIG_REF if weights else EvidenceKind.DATASET_REF
        attrs: dict[str, JSON] = {"dvc": info, "weights_path": path, "pinned": bool(info)}
        ref = refs.Ref(identity.local(path), role, kind, attrs)
        walker.emit(ref, path_node.value, path_node, Confidence.HIGH, f"outs.{index}.path")
    for index, dep in enumerate(_items(doc.value.get("deps"))):
        repo = dep.get("repo")
        if repo is None or not isinstance(repo.value, dict):
            continue
        url = _str(repo.value.get("url"))
        if not url:
            continue
        rev = _str(repo.value.get("rev_lock")) or _str(repo.value.get("rev"))
        dataset = "/datasets/" in url
        target = url.replace("/datasets/", "/") if dataset else url
        found = refs.hf_repo_of_url(target.removesuffix(".git"))
        if found is None:
            continue
        family = "hf-dataset" if dataset else "hf"
        ctx = refs.RefContext(family=family, sdk="dvc", revision=rev, in_config=True)
        walker.emit(
            refs.recognise_in(found[0], ctx), url, repo.value.get("url") or repo, Confidence.HIGH,
            f"deps.{index}.repo.url",
        )  # fmt: skip
    return scanning.Outcome(evidence=walker.found)
