"""Model files that are protobuf messages: ONNX, Core ML ``.mlmodel`` and TF ``saved_model.pb``.

Field numbers are those of the formats' published ``.proto`` files (onnx/onnx.proto,
coremltools Model.proto, tensorflow saved_model.proto / meta_graph.proto). Only headers and
descriptions are read; tensors and graphs are counted or skipped.
"""

from __future__ import annotations

import math
import posixpath
from collections import Counter
from typing import Any, BinaryIO, Final

from gate.discover.headers.base import (
    Blob,
    Header,
    HeaderError,
    MalformedError,
    format_tables,
)
from gate.discover.headers.protobuf import LEN, VARINT, Span, Walker, signed64

KEEP_DOC: Final = 4096
KEEP_PROPS: Final = 256
KEEP_LOCATIONS: Final = 64


def _span(value: int | Span) -> Span:
    if not isinstance(value, tuple):
        raise MalformedError("a message field is not length-delimited")
    return value


def _entry(walker: Walker, value: int | Span) -> tuple[str, str]:
    """A ``map<string,string>`` entry or ``StringStringEntryProto``: (key, value)."""
    key = text = ""
    for number, _, item in walker.fields_of(_span(value)):
        if number == 1:
            key = walker.text(item, 256)
        elif number == 2:
            text = walker.text(item, 1024)
    return key, text


def read_onnx(fh: BinaryIO, size: int) -> Header:
    """Read an ONNX ``ModelProto``."""
    header = Header("onnx")
    walker = Walker(Blob(fh, size))
    try:
        _onnx(walker, header, size)
    except HeaderError as exc:
        header.problem(exc)
    return header


def _onnx(walker: Walker, header: Header, size: int) -> None:
    meta = header.metadata
    opsets: dict[str, int] = {}
    props: dict[str, str] = {}
    prop_count = 0
    seen_graph = False
    for number, wire, value in walker.fields_of((0, size)):
        if number == 1 and wire == VARINT:
            meta["ir_version"] = value
        elif number in (2, 3, 4) and wire == LEN:
            meta[{2: "producer_name", 3: "producer_version", 4: "domain"}[number]] = walker.text(
                value
            )
        elif number == 5 and wire == VARINT:
            meta["model_version"] = signed64(int(value))  # type: ignore[arg-type]
        elif number == 6 and wire == LEN:
            meta["doc_string"] = walker.text(value, KEEP_DOC)
        elif number == 7 and wire == LEN:
            seen_graph = True
            _graph(walker, _span(value), header)
        elif number == 8 and wire == LEN:
            domain, version = "", 0
            for n, w, v in walker.fields_of(_span(value)):
                if n == 1 and w == LEN:
                    domain = walker.text(v, 256)
                elif n == 2 and w == VARINT:
                    version = signed64(int(v))  # type: ignore[arg-type]
            opsets[domain or "ai.onnx"] = version
        elif number == 14 and wire == LEN:
            key, text = _entry(walker, value)
            prop_count += 1
            # Past the display bound only the licence is kept: it is a declared fact.
            if len(props) < KEEP_PROPS or key == "license":
                props[key] = text
        elif number == 20:
            meta["training_info"] = meta.get("training_info", 0) + 1
        elif number == 25:
            meta["functions"] = meta.get("functions", 0) + 1
    if "ir_version" not in meta or not seen_graph:
        raise MalformedError("no ir_version or graph: not an ONNX model")
    if opsets:
        meta["opset_import"] = dict(sorted(opsets.items()))
    if props:
        meta["metadata_props"] = dict(sorted(props.items()))
        if prop_count > len(props):
            meta["metadata_props_count"] = prop_count
        if props.get("license"):
            header.declared["license"] = props["license"]
            header.declared["provenance"] = {"license": "metadata_props.license"}


def _graph(walker: Walker, span: Span, header: Header) -> None:
    meta = header.metadata
    counts: Counter[str] = Counter()
    dtypes: Counter[str] = Counter()
    params = 0
    locations: set[str] = set()
    names: dict[int, str] = format_tables()["onnx_data_types"]
    for number, wire, value in walker.fields_of(span):
        if number == 2 and wire == LEN:
            meta["graph_name"] = walker.text(value, 256)
        elif number == 1:
            counts["nodes"] += 1
        elif number == 5 and wire == LEN:
            counts["initializers"] += 1
            dims: list[int] = []
            dtype = 0
            external = False
            location = None
            for n, w, v in walker.fields_of(_span(value)):
                if n == 1:
                    dims.extend(signed64(d) for d in walker.packed_varints(v))
                elif n == 2 and w == VARINT:
                    dtype = int(v)  # type: ignore[arg-type]
                elif n == 13 and w == LEN:
                    key, text = _entry(walker, v)
                    if key == "location":
                        location = text
                elif n == 14 and w == VARINT:
                    external = v == 1
            params += math.prod(d for d in dims if d >= 0)
            dtypes[names.get(dtype, str(dtype))] += 1
            if external and location is not None:
                locations.add(location)
        elif number == 11:
            counts["inputs"] += 1
        elif number == 12:
            counts["outputs"] += 1
        elif number == 15:
            counts["sparse_initializers"] += 1
    meta.update(dict(sorted(counts.items())))
    meta["parameters"] = params
    if dtypes:
        meta["initializer_dtypes"] = dict(sorted(dtypes.items()))
    if locations:
        meta["external_data"] = sorted(locations)[:KEEP_LOCATIONS]
        for loc in sorted(locations):
            norm = posixpath.normpath(loc.replace("\\", "/"))
            if posixpath.isabs(norm) or norm.startswith("..") or ":" in norm.split("/")[0]:
                header.risk(
                    "unsafe-external-data",
                    f"external tensor data at {loc!r} lies outside the model's folder",
                )
            else:
                header.companions.append((norm, "onnx-external-data"))


def read_coreml(fh: BinaryIO, size: int) -> Header:
    """Read a Core ML ``Model`` message (``.mlmodel``)."""
    header = Header("coreml")
    walker = Walker(Blob(fh, size))
    try:
        _coreml(walker, header, size)
    except HeaderError as exc:
        header.problem(exc)
    return header


def _coreml(walker: Walker, header: Header, size: int) -> None:
    meta = header.metadata
    types: dict[int, str] = format_tables()["coreml_model_types"]
    for number, wire, value in walker.fields_of((0, size)):
        if number == 1 and wire == VARINT:
            meta["specification_version"] = value
        elif number == 2 and wire == LEN:
            _coreml_description(walker, _span(value), header)
        elif number == 10 and wire == VARINT:
            meta["updatable"] = bool(value)
        elif number >= 200:
            meta["model_type"] = types.get(number, f"type-{number}")
    if "specification_version" not in meta or "model_type" not in meta:
        raise MalformedError("no specificationVersion or model type: not a Core ML model")


def _coreml_description(walker: Walker, span: Span, header: Header) -> None:
    meta = header.metadata
    counts: Counter[str] = Counter()
    for number, wire, value in walker.fields_of(span):
        if number == 1:
            counts["inputs"] += 1
        elif number == 10:
            counts["outputs"] += 1
        elif number == 100 and wire == LEN:
            user: dict[str, str] = {}
            for n, w, v in walker.fields_of(_span(value)):
                if n in (1, 2, 3, 4) and w == LEN:
                    key = {1: "short_description", 2: "version", 3: "author", 4: "license"}[n]
                    meta[key] = walker.text(v)
                elif n == 100 and w == LEN and len(user) < KEEP_PROPS:
                    key, text = _entry(walker, v)
                    user[key] = text
            if user:
                meta["user_defined"] = dict(sorted(user.items()))
    meta.update(dict(sorted(counts.items())))
    if meta.get("license"):
        header.declared["license"] = meta["license"]
        header.declared["provenance"] = {"license": "description.metadata.license"}


def read_savedmodel(fh: BinaryIO, size: int) -> Header:
    """Read a TensorFlow ``SavedModel`` message (``saved_model.pb``)."""
    header = Header("tf-savedmodel")
    walker = Walker(Blob(fh, size))
    try:
        _savedmodel(walker, header, size)
    except HeaderError as exc:
        header.problem(exc)
    return header


def _savedmodel(walker: Walker, header: Header, size: int) -> None:
    meta = header.metadata
    graphs: list[dict[str, Any]] = []
    for number, wire, value in walker.fields_of((0, size)):
        if number == 1 and wire == VARINT:
            meta["schema_version"] = value
        elif number == 2 and wire == LEN:
            graphs.append(_meta_graph(walker, _span(value)))
    if not graphs:
        raise MalformedError("no meta graph: not a TensorFlow SavedModel")
    meta["meta_graphs"] = graphs[:16]
    versions = sorted({g["tensorflow_version"] for g in graphs if g.get("tensorflow_version")})
    if versions:
        meta["tensorflow_version"] = versions[0] if len(versions) == 1 else versions


def _meta_graph(walker: Walker, span: Span) -> dict[str, Any]:
    out: dict[str, Any] = {}
    tags: list[str] = []
    signatures: list[str] = []
    for number, wire, value in walker.fields_of(span):
        if number == 1 and wire == LEN:
            for n, w, v in walker.fields_of(_span(value)):
                if n == 1 and w == LEN:
                    out["meta_graph_version"] = walker.text(v, 256)
                elif n == 4 and w == LEN and len(tags) < 64:
                    tags.append(walker.text(v, 256))
                elif n == 5 and w == LEN:
                    out["tensorflow_version"] = walker.text(v, 256)
                elif n == 6 and w == LEN:
                    out["tensorflow_git_version"] = walker.text(v, 256)
        elif number == 5 and wire == LEN and len(signatures) < 256:
            signatures.append(_entry_key(walker, value))
    if tags:
        out["tags"] = sorted(tags)
    if signatures:
        out["signatures"] = sorted(signatures)
    return out


def _entry_key(walker: Walker, value: int | Span) -> str:
    for number, wire, item in walker.fields_of(_span(value)):
        if number == 1 and wire == LEN:
            return walker.text(item, 256)
    return ""
