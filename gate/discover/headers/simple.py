"""Formats read for their signature, version and declared size: HDF5 (and Keras H5),
legacy GGML, ONNX Runtime ``.ort``.
"""

from __future__ import annotations

import struct
from typing import BinaryIO, Final

from gate.discover.headers.base import Blob, Header, HeaderError, MalformedError, TruncatedError

HDF5_MAGIC: Final = b"\x89HDF\r\n\x1a\n"
KERAS_MARKERS: Final = (b"keras_version", b"model_config", b"layer_names", b"backend")
"""Root attributes Keras writes into an HDF5 model; sought in the first 64 KiB only."""
_GGML_MAGICS: Final = {b"lmgg": "ggml", b"fmgg": "ggmf", b"tjgg": "ggjt", b"algg": "ggla"}


def read_hdf5(fh: BinaryIO, size: int, suffix: str) -> Header:
    """Read an HDF5 superblock and look for the attributes Keras writes."""
    header = Header("keras" if suffix == ".keras" else "hdf5")
    blob = Blob(fh, size)
    try:
        _hdf5(blob, header)
    except HeaderError as exc:
        header.problem(exc)
    return header


def _hdf5(blob: Blob, header: Header) -> None:
    head = blob.read_at(0, min(blob.size, 1 << 16), "superblock")
    if not head.startswith(HDF5_MAGIC) or len(head) < 16:
        raise MalformedError("no HDF5 signature")
    version = head[8]
    header.metadata["superblock_version"] = version
    if version in (0, 1):
        size_offsets = head[13]
        fields_at = 24 if version == 0 else 28
    elif version in (2, 3):
        size_offsets = head[9]
        fields_at = 12
    else:
        raise MalformedError(f"unknown HDF5 superblock version {version}")
    if size_offsets not in (2, 4, 8):
        raise MalformedError(f"HDF5 offsets of {size_offsets} bytes")
    fmt = {2: "<H", 4: "<I", 8: "<Q"}[size_offsets]
    # base address, then (v0/1) free-space address or (v2/3) extension address, then EOF.
    count = 3
    raw = blob.read_at(fields_at, size_offsets * count, "superblock addresses")
    base, _, eof = (struct.unpack_from(fmt, raw, i * size_offsets)[0] for i in range(count))
    undefined = (1 << (8 * size_offsets)) - 1
    if eof != undefined and base + eof > blob.size:
        raise TruncatedError(
            f"the superblock says the file ends at byte {base + eof}; it has {blob.size}"
        )
    markers = sorted(m.decode() for m in KERAS_MARKERS if m in head)
    if markers:
        header.metadata["keras_attributes"] = markers
        if header.format == "hdf5" and ("keras_version" in markers or "model_config" in markers):
            header.format = "keras-h5"


def read_ggml(fh: BinaryIO, size: int) -> Header:
    """Name a legacy (pre-GGUF) GGML file and its version."""
    header = Header("ggml")
    try:
        head = Blob(fh, size).read_at(0, 8, "magic")
        header.metadata["variant"] = _GGML_MAGICS.get(head[:4], "unknown")
        if header.metadata["variant"] != "ggml":
            header.metadata["version"] = int.from_bytes(head[4:8], "little")
    except HeaderError as exc:
        header.problem(exc)
    return header


def is_ggml(head: bytes) -> bool:
    """True for the magics of the GGML formats GGUF replaced."""
    return head[:4] in _GGML_MAGICS


def read_ort(fh: BinaryIO, size: int) -> Header:
    """Check an ONNX Runtime flatbuffer's identifier."""
    header = Header("onnx-runtime")
    try:
        head = Blob(fh, size).read_at(0, 8, "header")
        if head[4:8] != b"ORTM":
            raise MalformedError("no ORTM file identifier")
    except HeaderError as exc:
        header.problem(exc)
    return header
