"""Header readers, one module per family of weight-file formats; :func:`read_header` picks one.

Readers read headers only, bound every length they are told, and turn what does not parse
into risks on the returned :class:`~gate.discover.headers.base.Header`. They raise only
``OSError`` (the file cannot be read at all).
"""

from __future__ import annotations

import os

from gate.discover.headers import (
    archives,
    arrays,
    gguf,
    pickled,
    protomodels,
    safetensors,
    simple,
    tflite,
)
from gate.discover.headers.base import Header, open_binary

__all__ = ["Header", "read_header"]

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


def read_header(path: str, fmt: str, size: int, head: bytes) -> Header | None:
    """Read the header of a file the walk typed as ``fmt``; None when it is no model file."""
    suffix = os.path.splitext(path)[1].lower()
    with open_binary(path) as fh:
        if fmt in ("zip", "keras", "npz", "pytorch") and head.startswith(_ZIP_MAGIC):
            return archives.read(fh, size, suffix)
        if fmt == "gguf":
            return gguf.read(fh, size)
        if fmt == "safetensors":
            return safetensors.read(fh, size)
        if fmt == "onnx":
            if suffix == ".ort":
                return simple.read_ort(fh, size)
            return protomodels.read_onnx(fh, size)
        if fmt == "coreml":
            return protomodels.read_coreml(fh, size)
        if fmt == "tf-savedmodel":
            if path.endswith(".pbtxt"):
                return Header("tf-savedmodel", {"encoding": "text"})
            return protomodels.read_savedmodel(fh, size)
        if fmt == "hdf5":
            return simple.read_hdf5(fh, size, suffix)
        if fmt == "npy":
            return arrays.read(fh, size)
        if fmt == "tflite":
            return tflite.read(fh, size)
        if fmt == "pickle":
            return pickled.read(fh, size, head)
        if fmt == "ggml":
            return simple.read_ggml(fh, size)
    return None
