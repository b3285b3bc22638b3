"""safetensors headers: the JSON table of tensors, ``__metadata__``, dtypes and parameters.

The 8-byte length is checked against the file and against the format's own cap before the
JSON is read; every tensor's offsets are checked against the data the file holds.
"""

from __future__ import annotations

import json
import math
import struct
from collections import Counter
from typing import Any, BinaryIO, Final

from gate.discover.headers.base import (
    Blob,
    Header,
    HeaderError,
    MalformedError,
    OversizedError,
    TruncatedError,
    format_tables,
    short_text,
)

MAX_HEADER: Final = 100_000_000
"""The safetensors library refuses headers above 100 MB; so does this reader."""
KEEP_METADATA: Final = 256
"""``__metadata__`` entries kept in the BOM."""

# Stability AI's model-spec keys, the one convention in __metadata__ that names origins.
_MODELSPEC: Final = (
    ("name", "modelspec.title"),
    ("license", "modelspec.license"),
    ("architecture", "modelspec.architecture"),
)


def read(fh: BinaryIO, size: int) -> Header:
    """Read a safetensors header."""
    header = Header("safetensors")
    try:
        _read_into(Blob(fh, size), header)
    except HeaderError as exc:
        header.problem(exc)
    return header


def _read_into(blob: Blob, header: Header) -> None:
    (length,) = struct.unpack("<Q", blob.read_at(0, 8, "header length"))
    header.metadata["header_size"] = length
    if length > MAX_HEADER:
        raise OversizedError(f"claims a {length}-byte header (limit {MAX_HEADER})")
    if 8 + length > blob.size:
        raise TruncatedError(f"claims a {length}-byte header; the file has {blob.size} bytes")
    raw = blob.read_at(8, length, "header")
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise MalformedError(f"header is not JSON: {str(exc)[:120]}") from exc
    if not isinstance(doc, dict):
        raise MalformedError("header is not a JSON object")
    meta = doc.pop("__metadata__", None)
    if meta is not None:
        if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
            header.risk("malformed-header", "__metadata__ is not a map of strings")
        else:
            kept = sorted(meta)[:KEEP_METADATA]
            header.metadata["metadata"] = {k: short_text(meta[k]) for k in kept}
            if len(meta) > KEEP_METADATA:
                header.metadata["metadata_entries"] = len(meta)
            _declare(header, meta)
    _tensors(doc, header, blob.size - 8 - length)


def _tensors(doc: dict[str, Any], header: Header, data_size: int) -> None:
    bits: dict[str, int] = format_tables()["safetensors_dtypes"]
    dtypes: Counter[str] = Counter()
    params = 0
    data_end = 0
    bad: list[str] = []
    for name, info in doc.items():
        if not isinstance(info, dict):
            bad.append(name)
            continue
        dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
        if (
            not isinstance(dtype, str)
            or not isinstance(shape, list)
            or not all(isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape)
            or not isinstance(offsets, list)
            or len(offsets) != 2
            or not all(isinstance(o, int) and not isinstance(o, bool) for o in offsets)
            or not 0 <= offsets[0] <= offsets[1]
        ):
            bad.append(name)
            continue
        elements = math.prod(shape)
        params += elements
        dtypes[dtype] += 1
        if dtype in bits and offsets[1] - offsets[0] != -(-elements * bits[dtype] // 8):
            bad.append(name)
        data_end = max(data_end, offsets[1])
    header.metadata["tensor_count"] = len(doc)
    header.metadata["dtypes"] = dict(sorted(dtypes.items()))
    header.metadata["parameters"] = params
    unknown = sorted(d for d in dtypes if d not in bits)
    if unknown:
        header.metadata["unknown_dtypes"] = unknown
    if bad:
        shown = ", ".join(short_text(n, 80) for n in sorted(bad)[:5])
        header.risk(
            "malformed-header",
            f"{len(bad)} tensor entr{'y' if len(bad) == 1 else 'ies'} with an invalid dtype,"
            f" shape or offsets ({shown})",
        )
    if data_end > data_size:
        header.risk(
            "truncated-file",
            f"tensor data should be {data_end} bytes; the file holds {data_size}",
        )


def _declare(header: Header, meta: dict[str, str]) -> None:
    provenance: dict[str, str] = {}
    for field_name, key in _MODELSPEC:
        value = meta.get(key, "").strip()
        if value:
            header.declared[field_name] = short_text(value, 1024)
            provenance[field_name] = f"__metadata__.{key}"
    if provenance:
        header.declared["provenance"] = provenance
