"""Weight files: what each one's header says, and its SHA-256.

Every model artefact the walk finds (safetensors, GGUF, ONNX, PyTorch zip and pickles,
Keras/HDF5, TFLite, SavedModel, Core ML, NumPy, legacy GGML) becomes one WEIGHT_FILE
evidence known by its digest; headers are read within bounds (see
:mod:`gate.discover.headers`) and pickles are scanned, never loaded. A file that cannot be
read is a recorded skip.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import Any

from gate import identity
from gate.discover import datafiles, hashing, lfs, pickles
from gate.discover.base import DiscoverContext
from gate.discover.headers import Header, read_header
from gate.discover.headers.pickled import compression
from gate.discover.headers.simple import is_ggml
from gate.discover.tree import WEIGHT_SUFFIXES, Tree, TreeFile
from gate.model import Confidence, Evidence, EvidenceKind, Location, Role

NAME = "weights"

# Extensions that are pickles by convention whatever their first bytes (joblib compresses).
_PICKLE_SUFFIXES = frozenset({".pkl", ".pickle", ".joblib"})
# Extensions that only model files use: such a file is listed even when its content is not
# recognised (a damaged or disguised model is a finding, not an absence).
_MODEL_ONLY_SUFFIXES = frozenset(
    ".safetensors .gguf .ggml .onnx .h5 .hdf5 .keras .tflite .npy .npz .pt .pth .ckpt"
    " .mlmodel .llamafile".split()
)


# Extensions torch.load and pickle.load are handed whatever the first opcode: a pickle there
# need not start with PROTO (protocols 0 and 1 have none; ``N0`` pushes and pops a None).
_TRIAL_PICKLE_SUFFIXES = frozenset({".bin", ".pt", ".pth", ".ckpt"})
_PICKLE_OPCODES = frozenset(pickles.opcode_bytes())

_UNREAD = "weight file cannot be read"
"""Every skip of a weight file starts "weight file" (integrity.uninspectable judges it)."""

_PARSE_KINDS = frozenset({"malformed-header", "truncated-file", "oversized-header"})
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _clean(value: Any) -> Any:
    """Header text made safe for every BOM encoding (XML 1.0 forbids control characters)."""
    if isinstance(value, str):
        return _NOT_XML.sub("\ufffd", value)
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


def _candidate(tf: TreeFile) -> str | None:
    """The format to read ``tf`` as, or None when it is no model artefact."""
    fmt = tf.model_format()
    if fmt is not None:
        return fmt
    if tf.suffix not in _PICKLE_SUFFIXES | _MODEL_ONLY_SUFFIXES | {".bin"}:
        return None
    try:
        head = tf.head()
    except OSError:
        return None
    if is_ggml(head):
        return "ggml"
    if tf.suffix in _PICKLE_SUFFIXES:
        return "pickle"
    if tf.suffix in (".pt", ".pth", ".ckpt") and compression(head):
        return "pickle"
    if tf.suffix in _TRIAL_PICKLE_SUFFIXES and head[:1] and head[0] in _PICKLE_OPCODES:
        return "trial-pickle"
    return "unknown" if tf.suffix in _MODEL_ONLY_SUFFIXES else None


def _is_pickle(header: Header) -> bool:
    """A trial scan found a pickle: imports on the way, an opcode budget spent (a loader
    reads on), or one pickle read cleanly to its STOP (random data stops, or ends in bytes
    that are no pickle)."""
    meta = header.metadata
    kinds = {r["kind"] for r in header.risks}
    if meta.get("pickle_globals") or kinds & {"unsafe-pickle", "oversized-header"}:
        return True
    return bool(meta.get("pickles")) and not meta.get("trailing_data") and not kinds


def _read(tree: Tree, tf: TreeFile, fmt: str) -> Header | None:
    if fmt == "trial-pickle":
        # Opcodes, not only a PROTO header, say a pickle: scan it, and call it one only
        # when the scan finds one (a .bin of other data is no model).
        header = _read(tree, tf, "pickle")
        if header is None or _is_pickle(header):
            return header
        fmt = "unknown" if tf.suffix in _MODEL_ONLY_SUFFIXES else ""
        if not fmt:
            return None
    if fmt == "unknown":
        header = Header("unknown")
        header.risk(
            "malformed-header",
            f"a {tf.suffix} file whose content is not that of any model format",
        )
        return header
    try:
        found = read_header(str(tf.abspath), fmt, tf.size, tf.head())
    except OSError as exc:
        tree.skip(tf.rel, f"{_UNREAD}: {exc.strerror or exc}")
        return None
    if found is None:
        return None
    header = found
    typed_by_magic_only = tf.suffix not in WEIGHT_SUFFIXES | _PICKLE_SUFFIXES
    if (
        typed_by_magic_only
        and header.risks
        and all(r["kind"] in _PARSE_KINDS for r in header.risks)
    ):
        # A file with no model extension whose first bytes looked like a model format but
        # which does not parse as one is some other binary, not a broken model. (A pickle
        # that imports something dangerous before it breaks is still reported.) A file that
        # starts like a pickle is still recorded: pickle.load and torch.load take any name.
        if fmt == "pickle":
            first = header.risks[0]
            tree.skip(
                tf.rel,
                f"weight file (it starts like a pickle) whose scan stopped ({first['kind']}:"
                f" {first['detail']}): what a loader would run was not judged",
            )
        return None
    return header


def _companions(tree: Tree, tf: TreeFile, header: Header) -> list[tuple[TreeFile, Header]]:
    """Files that hold this model's weights without a weight extension of their own."""
    base = posixpath.dirname(tf.rel)
    found: list[tuple[TreeFile, Header]] = []
    wanted = list(header.companions)
    if header.format == "tf-savedmodel":
        prefix = posixpath.join(base, "variables") + "/"
        wanted.extend(
            (f.rel[len(base) + 1 :] if base else f.rel, "tf-variables")
            for f in tree.files
            if f.rel.startswith(prefix)
        )
    for rel, fmt in wanted:
        other = tree.get(posixpath.normpath(posixpath.join(base, rel)))
        if other is None:
            if fmt == "onnx-external-data":
                header.risk(
                    "truncated-file",
                    f"external tensor data {rel!r} is not in the scanned tree",
                )
            continue
        found.append((other, Header(fmt, {"part_of": tf.rel})))
    return found


def discover(tree: Tree, ctx: DiscoverContext) -> Iterator[Evidence]:
    """Yield one WEIGHT_FILE evidence per model artefact, with its header facts and digest."""
    found: dict[str, tuple[TreeFile, Header]] = {}
    data: list[Evidence] = []  # weight-file evidence, data files among it (see datafiles)
    for tf in tree.files:
        if tf.suffix in WEIGHT_SUFFIXES:
            try:
                head = tf.head()
            except OSError as exc:
                # A file named like a model that cannot be opened is listed, never dropped.
                tree.skip(tf.rel, f"{_UNREAD}: {exc.strerror or exc}")
                continue
            if lfs.is_pointer_head(head, tf.size):
                data += datafiles.lfs_evidence(tree, tf)
                continue
        fmt = _candidate(tf)
        if fmt is None or tf.rel in found:
            continue
        header = _read(tree, tf, fmt)
        if header is None:
            continue
        found[tf.rel] = (tf, header)
        for other, part in _companions(tree, tf, header):
            found.setdefault(other.rel, (other, part))
    if not found:
        yield from datafiles.record(ctx, data)
        return
    cache = hashing.HashCache.default()
    try:
        digests = hashing.hash_files(
            [str(tf.abspath) for tf, _ in found.values()],
            workers=ctx.hash_workers,
            observer=ctx.observer,
            cache=cache,
        )
    finally:
        if cache is not None:
            cache.close()
    for rel in sorted(found):
        tf, header = found[rel]
        digest = digests.get(str(tf.abspath))
        if not isinstance(digest, hashing.FileDigest):
            reason = getattr(digest, "strerror", None) or str(digest)
            tree.skip(rel, f"{_UNREAD}: {reason}")
            continue
        data.append(datafiles.classify(_evidence(tf, header, digest), tree))
    yield from datafiles.record(ctx, data)


def _evidence(tf: TreeFile, header: Header, digest: hashing.FileDigest) -> Evidence:
    attributes: dict[str, Any] = {
        "file": {
            "path": tf.rel,
            "size": digest.size,
            "format": header.format,
            "sha256": digest.sha256,
            "metadata": header.metadata,
        }
    }
    if header.declared:
        declared = dict(header.declared)
        # Provenance details name the file and the key the fact was read from.
        declared["provenance"] = {
            k: f"{tf.rel}#{v}" for k, v in dict(declared.get("provenance") or {}).items()
        }
        if isinstance(declared.get("base_models"), list):
            declared["base_models"] = [
                {**b, "detail": f"{tf.rel}#{b.get('detail', '')}"} for b in declared["base_models"]
            ]
        attributes["declared"] = declared
    if header.risks:
        attributes["risks"] = sorted(header.risks, key=lambda r: (r["kind"], r["detail"]))
    return Evidence(
        source=NAME,
        kind=EvidenceKind.WEIGHT_FILE,
        identity=identity.file_digest(digest.sha256),
        # A software package is reported only for a risky pickle inside: it is no model.
        role=Role.SDK if header.format == "package" else Role.EMBEDDED_WEIGHTS,
        as_written=tf.rel,
        location=Location(tf.rel),
        confidence=Confidence.HIGH,
        attributes=_clean(attributes),
    )
