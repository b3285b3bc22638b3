"""Data is not a model: which artefacts of generic container formats are model weights.

A NumPy array or a pickle is as often a RAG index's embeddings (``embeddings.npy``), a
vector store's metadata (``faiss_metadata.pkl``, LangChain's ``index.pkl`` beside
``index.faiss``) or a cached dataframe as it is a model. Such a file is reported as
weights only on evidence that it is one: its name or folder says so (``model.pkl``,
``weights/``), or the pickle imports a model library (torch, scikit-learn, XGBoost...).
Otherwise it is a data file: still hashed, and still scanned, so a malicious pickle is a
risk whatever it is called and stays a component (role ``dataset``, ``data_file`` saying
why, its risks). A data file with no risk is no AI component: it is listed in the scan fact
``data_files`` (path, SHA-256, why) and a note, not in the BOM's models and datasets.

Also here: Git LFS pointers standing in for weights (:mod:`gate.discover.lfs`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from gate import identity
from gate.discover import lfs
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree, TreeFile
from gate.model import JSON, Confidence, Evidence, EvidenceKind, Location, Role

# Formats that hold any data, not only models: a model only on further evidence.
_GENERIC_FORMATS = frozenset({"npy", "npz", "pickle"})

# Names and folders of vector stores and indexes (FAISS, Chroma, LangChain, LlamaIndex).
_INDEX_WORDS = re.compile(
    r"(?:^|[/_.-])(?:faiss|index|indices|docstore|vectorstores?|vector_?stores?|vector_?db|"
    r"vectors?|embeddings?|embeds?|chroma(?:_db)?|metadata|corpus|documents?|chunks?|"
    r"passages?|kb|knowledge_?base)(?:[/_.-]|$)",
    re.IGNORECASE,
)
# Names and folders that say a file is a model.
_MODEL_WORDS = re.compile(
    r"(?:^|[/_.-])(?:models?|weights?|checkpoints?|ckpts?|params|parameters|state_dict|"
    r"classifier|clf|regressor|estimator|lora|adapter|pytorch_model|tf_model|"
    r"encoder|decoder|tokenizer|vectorizer|scaler|pipeline)(?:[/_.-]|$)",
    re.IGNORECASE,
)
# Pickled classes from these modules make a pickle a model (or a fitted transformer).
_MODEL_MODULES = (
    "torch", "sklearn", "xgboost", "lightgbm", "catboost", "keras", "tensorflow",
    "transformers", "sentence_transformers", "gensim.models", "statsmodels", "prophet",
    "fastai", "spacy", "joblib.numpy_pickle", "onnx", "timm", "peft", "diffusers",
)  # fmt: skip


# A pickle importing only these holds plain Python values (dicts, lists, strings, dates): no
# array, no tensor, so no weights, whatever its name says (LangGraph's
# ``.langgraph_checkpoint.1.pckl`` is a saved conversation).
_PLAIN_MODULES = frozenset(
    {"builtins", "__builtin__", "_codecs", "collections", "copyreg", "datetime", "uuid"}
    | {"decimal", "fractions"}
)
# What torch.save writes for bare tensors: the rebuild functions, storage classes, the
# state dict's OrderedDict. Anything else (a layer class, a model library) is a model's.
_TENSOR_GLOBALS = re.compile(
    r"^(?:torch\._utils\._rebuild_\w+|torch\.\w*Storage|torch\.(?:bfloat16|float\w*|half|int\w*)"
    r"|collections\.OrderedDict|(?:__builtin__|builtins)\.(?:dict|list|tuple|set|str|int|float))$"
)
MAX_DATA_TENSORS = 4
"""A torch.save archive of at most this many bare tensors ..."""
MAX_DATA_BYTES = 1 << 20
"""... and at most this many bytes, or of one lone tensor of any size, with no model class
and no model word in its path, is data (a speaker embedding, a statistics vector, a matrix
of document embeddings), not a model's state."""


def _globals(metadata: Any) -> list[str] | None:
    names = metadata.get("pickle_globals") if isinstance(metadata, dict) else None
    return [str(n) for n in names] if isinstance(names, list) else None


def _plain_values(metadata: Any) -> bool:
    """A scanned pickle that imports nothing beyond plain Python value types (each a name
    the pickle rules call safe: ``builtins`` holds ``exec`` and ``eval`` too)."""
    names = _globals(metadata)
    return names is not None and all(_safe_plain(n) for n in names)


def _safe_plain(name: str) -> bool:
    from gate.discover.pickles.rules import classify

    module, _, attr = name.partition(".")
    return module in _PLAIN_MODULES and classify(module, attr) == "safe"


def _bare_tensors(metadata: Any) -> int | None:
    """The tensor count of a torch.save archive of bare tensors (no layer class, no model
    library: tensor rebuilds, storages, an ``OrderedDict``), else None."""
    if not isinstance(metadata, dict) or metadata.get("layout") != "torch.save":
        return None
    storages, names = metadata.get("storages"), _globals(metadata)
    if not isinstance(storages, int) or names is None:
        return None
    if not all(_TENSOR_GLOBALS.match(n) for n in names):
        return None
    return storages


def _torch_data(rel: str, metadata: Any, size: int | None) -> str | None:
    """Why a torch.save archive is data: bare tensors under a vector-store or index name
    (``doc_embeddings.pt``), one lone tensor, or a few small ones; None when it may be a
    model's state (or its path names a model)."""
    tensors = _bare_tensors(metadata)
    if tensors is None or _MODEL_WORDS.search(rel):
        return None
    index = _INDEX_WORDS.search(rel)
    if index is not None:
        word = index.group(0).strip("/_.-")
        return f"bare tensors of a vector store or index (its path names {word!r})"
    if tensors == 1:
        return "a torch.save of one bare tensor and no model class: no model's state"
    if tensors <= MAX_DATA_TENSORS and size is not None and size <= MAX_DATA_BYTES:
        return (
            f"a torch.save of {tensors} small tensor(s) ({size} bytes) and no model class:"
            " no model's state"
        )
    return None


def _model_import(metadata: Any) -> str | None:
    names = metadata.get("pickle_globals") if isinstance(metadata, dict) else None
    for name in names or ():
        text = str(name)
        for module in _MODEL_MODULES:
            if text == module or text.startswith(module + "."):
                if module == "joblib.numpy_pickle":
                    continue  # joblib wraps any array this way: not a model by itself
                return text
    return None


def _beside_index(tree: Tree, rel: str) -> str | None:
    """A FAISS/Annoy/HNSW index file in the same folder (LangChain's ``index.pkl`` beside
    ``index.faiss``)."""
    folder = posixpath.dirname(rel)
    stem = posixpath.splitext(posixpath.basename(rel))[0]
    for suffix in (".faiss", ".index", ".ann", ".hnsw", ".usearch"):
        other = posixpath.join(folder, stem + suffix)
        if tree.get(other) is not None:
            return other
    return None


# Office Open XML documents are zips of XML parts; their .bin parts are printer settings,
# embedded OLE objects or a macro project (ECMA-376 Part 2 package layout: xl/, word/, ppt/).
_DOCUMENT_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".docx", ".docm", ".dotx", ".pptx", ".pptm")
_DOCUMENT_PARTS = ("xl/", "word/", "ppt/", "customXml/", "docProps/")


def _office_document(rel: str, metadata: Any) -> bool:
    if not rel.lower().endswith(_DOCUMENT_SUFFIXES) or not isinstance(metadata, dict):
        return False
    members = metadata.get("model_members") or []
    return isinstance(members, list) and all(str(m).startswith(_DOCUMENT_PARTS) for m in members)


def why_data(tree: Tree, rel: str, fmt: str, metadata: Any, size: int | None = None) -> str | None:
    """Why a file of a generic format is data rather than a model, or None when the
    evidence says it is a model (or the format is a model format)."""
    if fmt == "zip" and _office_document(rel, metadata):
        return "an Office document (its .bin parts are printer settings, objects or macros)"
    if fmt == "pytorch":
        return _torch_data(rel, metadata, size)
    if fmt not in _GENERIC_FORMATS:
        return None
    index = _beside_index(tree, rel)
    if index is not None:
        return f"beside the vector index {index}"
    imported = _model_import(metadata) if fmt == "pickle" else None
    if imported is not None:
        return None
    name_index = _INDEX_WORDS.search(rel)
    if name_index is not None:
        return (
            f"a vector store or index file (its path names {name_index.group(0).strip('/_.-')!r})"
        )
    if fmt == "pickle" and _plain_values(metadata):
        return "a pickle of plain Python values (no array, no tensor, no model library in it)"
    if _MODEL_WORDS.search(rel):
        return None
    what = "pickle" if fmt == "pickle" else "NumPy array"
    return f"a {what} with no sign of a model (no model library in it, no model in its name)"


def classify(ev: Evidence, tree: Tree) -> Evidence:
    """Weight-file evidence, made a data file when nothing says it is a model."""
    info = ev.attributes.get("file")
    if not isinstance(info, dict) or ev.role is not Role.EMBEDDED_WEIGHTS:
        return ev
    size = info.get("size")
    reason = why_data(
        tree,
        str(info.get("path")),
        str(info.get("format")),
        info.get("metadata"),
        size if isinstance(size, int) else None,
    )
    if reason is None:
        return ev
    return replace(ev, role=Role.DATASET, attributes={**ev.attributes, "data_file": reason})


def lfs_evidence(tree: Tree, tf: TreeFile) -> Iterator[Evidence]:
    """A Git LFS pointer in place of a weight file: the weights known by the pointer's oid,
    marked as not in the checkout (``not_in_checkout``); a damaged pointer is a skip."""
    try:
        with open(tf.abspath, "rb") as fh:
            data = fh.read(lfs.MAX_POINTER)
    except OSError as exc:
        tree.skip(tf.rel, f"cannot read: {exc.strerror or exc}")
        return
    pointer = lfs.parse(data)
    if isinstance(pointer, str):
        tree.skip(tf.rel, f"a damaged Git LFS pointer ({pointer}): the weights are unknown")
        return
    role = Role.EMBEDDED_WEIGHTS
    attributes: dict[str, Any] = {
        "file": {
            "path": tf.rel,
            "size": pointer.size,
            "format": "git-lfs-pointer",
            "sha256": pointer.sha256,
            "metadata": {"pointer_bytes": tf.size},
        },
        "not_in_checkout": "git-lfs-pointer",
    }
    suffix = tf.suffix.lstrip(".")
    fmt = {"npy": "npy", "npz": "npz", "pkl": "pickle", "pickle": "pickle"}.get(suffix, "")
    # The content is not here: the name is the only evidence of what it holds.
    reason = why_data(tree, tf.rel, fmt, None)
    if reason is not None:
        role = Role.DATASET
        attributes["data_file"] = reason
    yield Evidence(
        source="weights",
        kind=EvidenceKind.WEIGHT_FILE,
        identity=identity.file_digest(pointer.sha256),
        role=role,
        as_written=tf.rel,
        location=Location(tf.rel),
        confidence=Confidence.HIGH,
        attributes=attributes,
    )


def record(ctx: DiscoverContext, found: Sequence[Evidence]) -> Iterator[Evidence]:
    """Yield the weight evidence that is a component (models; data files with a risk), and
    record the data files without one as the scan fact ``data_files`` and a note."""
    quiet: list[dict[str, JSON]] = []
    for ev in found:
        reason = ev.attributes.get("data_file")
        if reason is None or ev.attributes.get("risks"):
            yield ev
            continue
        info = ev.attributes.get("file")
        sha = info.get("sha256") if isinstance(info, dict) else None
        quiet.append({"path": ev.location.path, "sha256": sha, "why": str(reason)})
    if quiet:
        quiet.sort(key=lambda d: str(d["path"]))
        ctx.facts.set("data_files", list(quiet))
        ctx.facts.note(
            f"{len(quiet)} data file(s) (arrays, pickles, vector-index files) hashed and scanned:"
            " not models, no risk found (inventory property data_files)"
        )
