"""Formats read for their signature, version and declared size: HDF5 (and Keras H5),
legacy GGML, ONNX Runtime ``.ort``.
"""

from __future__ import annotations

import json
import struct
from typing import BinaryIO, Final

from gate.discover.headers.archives import count_lambdas
from gate.discover.headers.base import (
    Blob,
    Header,
    HeaderError,
    MalformedError,
    OversizedError,
    TruncatedError,
)

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
    sizes = (size_offsets, head[14] if version in (0, 1) else head[10])
    configs = _model_configs(blob, base, sizes)
    if configs and header.format == "hdf5":
        header.format = "keras-h5"
    lambdas = 0
    for text in configs:
        try:
            lambdas += count_lambdas(json.loads(text))
        except (ValueError, RecursionError) as exc:
            raise MalformedError("the model_config attribute is not JSON") from exc
    if lambdas:
        header.risk(
            "unsafe-code",
            f"{lambdas} Lambda layer(s) in model_config: Keras stores their Python code in the"
            " file and runs it when the model is loaded with safe_mode off",
        )


_CONFIG_NAME: Final = b"model_config\x00"
_SEARCH_CHUNK: Final = 8 << 20
MAX_CONFIG: Final = 64 << 20
"""Bytes of one model_config attribute read (real ones are a few hundred kilobytes)."""
MAX_CONFIGS: Final = 16
"""model_config attribute messages read per file (a Keras file has one)."""


def _model_configs(blob: Blob, base: int, sizes: tuple[int, int]) -> list[str]:
    """The value of every ``model_config`` attribute message in the file (the Keras H5
    model's architecture, Lambda layers included), found by its name and then parsed.

    An attribute message that names model_config but whose value cannot be read raises:
    what Keras would run from it was not judged.
    """
    found: list[str] = []
    offset = 0
    keep = len(_CONFIG_NAME)
    while offset < blob.size:
        n = min(_SEARCH_CHUNK, blob.size - offset)
        start = max(0, offset - keep)
        chunk = blob.read_at(start, offset + n - start, "model_config search")
        # A name that straddles the previous chunk's end starts in the overlap.
        at = chunk.find(_CONFIG_NAME, max(0, offset - start - len(_CONFIG_NAME) + 1))
        while at >= 0:
            value = _attribute_value(blob, start + at, base, sizes)
            if value is not None:
                found.append(value)
                if len(found) > MAX_CONFIGS:
                    raise OversizedError(
                        f"more than {MAX_CONFIGS} model_config attributes: the rest were not read"
                    )
            at = chunk.find(_CONFIG_NAME, at + 1)
        offset += n
    return found


def _attribute_value(blob: Blob, name_at: int, base: int, sizes: tuple[int, int]) -> str | None:
    """The string value of the attribute message whose name starts at ``name_at``, or None
    when the bytes there are no attribute message (a link name, a string in data)."""
    for version, name_off in ((1, 8), (2, 8), (3, 9)):
        msg = name_at - name_off
        if msg < 0:
            continue
        fixed = blob.read_at(msg, 8, "attribute message")
        if fixed[0] != version or struct.unpack_from("<H", fixed, 2)[0] != len(_CONFIG_NAME):
            continue
        dt_size, ds_size = struct.unpack_from("<HH", fixed, 4)

        align = 7 if version == 1 else 0  # version 1 pads each part to 8 bytes
        dt_at = name_at + ((len(_CONFIG_NAME) + align) & ~align)
        data_at = dt_at + ((dt_size + align) & ~align) + ((ds_size + align) & ~align)
        dtype = blob.read_at(dt_at, max(dt_size, 8), "attribute datatype")
        return _string_value(blob, dtype, data_at, base, sizes)
    return None


def _string_value(blob: Blob, dtype: bytes, data_at: int, base: int, sizes: tuple[int, int]) -> str:
    size_offsets, size_lengths = sizes
    klass = dtype[0] & 0x0F
    if klass == 3:  # fixed-length string
        (length,) = struct.unpack_from("<I", dtype, 4)
        if length > MAX_CONFIG:
            raise OversizedError(f"a {length}-byte model_config attribute (limit {MAX_CONFIG})")
        raw = blob.read_at(data_at, length, "model_config value")
        return raw.rstrip(b"\x00 ").decode("utf-8", "replace")
    if klass == 9 and dtype[1] & 0x0F == 1:  # variable-length string: in a global heap
        raw = blob.read_at(data_at, 8 + size_offsets, "model_config reference")
        (length,) = struct.unpack_from("<I", raw, 0)
        address = int.from_bytes(raw[4 : 4 + size_offsets], "little")
        (index,) = struct.unpack_from("<I", raw, 4 + size_offsets)
        return _global_heap_object(blob, base + address, index, length, size_lengths)
    raise MalformedError(
        f"the model_config attribute has a datatype of class {klass}, not a string aigate"
        " reads: the layers Keras would build from it (Lambda code among them) were not judged"
    )


def _global_heap_object(blob: Blob, at: int, index: int, length: int, size_lengths: int) -> str:
    head = blob.read_at(at, 8 + size_lengths, "global heap")
    if head[:4] != b"GCOL":
        raise MalformedError(f"no global heap collection at byte {at} for model_config")
    total = int.from_bytes(head[8 : 8 + size_lengths], "little")
    pos, end = at + 8 + size_lengths, min(at + total, blob.size)
    while pos + 8 + size_lengths <= end:
        obj = blob.read_at(pos, 8 + size_lengths, "global heap object")
        (number,) = struct.unpack_from("<H", obj, 0)
        size = int.from_bytes(obj[8 : 8 + size_lengths], "little")
        if number == 0:
            break  # free space: no more objects
        if number == index:
            if size > MAX_CONFIG or length > size:
                raise OversizedError(f"a {size}-byte model_config attribute (limit {MAX_CONFIG})")
            raw = blob.read_at(pos + 8 + size_lengths, length, "model_config value")
            return raw.decode("utf-8", "replace")
        pos += 8 + size_lengths + ((size + 7) & ~7)
    raise MalformedError(f"model_config's global heap object {index} was not found")


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
