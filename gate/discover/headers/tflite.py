"""TensorFlow Lite flatbuffers: the model table, its metadata entries and TFLite Support's
``ModelMetadata`` (name, version, author, licence) when the file carries it.

Field slots follow tensorflow/lite/schema/schema.fbs (``Model``, ``Metadata``, ``Buffer``)
and tflite-support's metadata_schema.fbs (``ModelMetadata``). Every offset is checked
against the file before it is followed.
"""

from __future__ import annotations

import struct
from typing import Any, BinaryIO, Final

from gate.discover.headers.base import Blob, Header, HeaderError, MalformedError, OversizedError

MAX_VECTOR: Final = 1_000_000
MAX_METADATA_BUFFER: Final = 16 << 20
KEEP_ENTRIES: Final = 64


class _Flat:
    """Flatbuffer tables read through a Blob, at a base offset (a buffer inside the file)."""

    def __init__(self, blob: Blob, base: int = 0, size: int | None = None) -> None:
        self.blob = blob
        self.base = base
        self.size = blob.size - base if size is None else size

    def read_bytes(self, offset: int, n: int, what: str) -> bytes:
        if offset < 0 or offset + n > self.size:
            raise MalformedError(f"{what}: offset {offset} lies outside the flatbuffer")
        return self.blob.read_at(self.base + offset, n, what)

    def u32(self, offset: int, what: str) -> int:
        value: int = struct.unpack("<I", self.read_bytes(offset, 4, what))[0]
        return value

    def field(self, table: int, slot: int, what: str) -> int | None:
        """The offset of field ``slot`` of the table at ``table``, or None when absent."""
        (soffset,) = struct.unpack("<i", self.read_bytes(table, 4, what))
        vtable = table - soffset
        vsize = struct.unpack("<H", self.read_bytes(vtable, 2, what))[0]
        entry = 4 + 2 * slot
        if entry + 2 > vsize:
            return None
        (rel,) = struct.unpack("<H", self.read_bytes(vtable + entry, 2, what))
        return table + rel if rel else None

    def deref(self, at: int, what: str) -> int:
        return at + self.u32(at, what)

    def string(self, table: int, slot: int, what: str, cap: int = 1024) -> str | None:
        at = self.field(table, slot, what)
        if at is None:
            return None
        start = self.deref(at, what)
        length = self.u32(start, what)
        raw = self.read_bytes(start + 4, min(length, cap), what)
        text = raw.decode("utf-8", "replace")
        return text + "…" if length > cap else text

    def vector(self, table: int, slot: int, what: str) -> tuple[int, int] | None:
        """(start of elements, count) of a vector field."""
        at = self.field(table, slot, what)
        if at is None:
            return None
        start = self.deref(at, what)
        count = self.u32(start, what)
        if count > MAX_VECTOR:
            raise OversizedError(f"{what}: a vector of {count} entries (limit {MAX_VECTOR})")
        return start + 4, count

    def tables(self, table: int, slot: int, what: str, limit: int) -> list[int]:
        """Offsets of the first ``limit`` tables of a vector of tables."""
        vec = self.vector(table, slot, what)
        if vec is None:
            return []
        start, count = vec
        return [self.deref(start + 4 * i, what) for i in range(min(count, limit))]

    def table_at(self, table: int, slot: int, index: int, what: str) -> int:
        """Offset of table ``index`` of a vector of tables."""
        vec = self.vector(table, slot, what)
        count = vec[1] if vec else 0
        if vec is None or index >= count:
            raise MalformedError(f"{what}: entry {index} of a vector of {count}")
        return self.deref(vec[0] + 4 * index, what)


def read(fh: BinaryIO, size: int) -> Header:
    """Read a TFLite model."""
    header = Header("tflite")
    try:
        _read(_Flat(Blob(fh, size)), header)
    except HeaderError as exc:
        header.problem(exc)
    return header


def _read(flat: _Flat, header: Header) -> None:
    meta = header.metadata
    root = flat.u32(0, "root table")
    if flat.read_bytes(4, 4, "file identifier") != b"TFL3":
        raise MalformedError("no TFL3 file identifier")
    version_at = flat.field(root, 0, "version")
    meta["schema_version"] = flat.u32(version_at, "version") if version_at is not None else 0
    for key, slot in (("operator_codes", 1), ("subgraphs", 2), ("buffers", 4)):
        vec = flat.vector(root, slot, key)
        meta[key] = vec[1] if vec else 0
    description = flat.string(root, 3, "description")
    if description:
        meta["description"] = description
    entries: dict[str, int] = {}
    listed = flat.vector(root, 6, "metadata")
    if listed is not None and listed[1] > KEEP_ENTRIES:
        # TFLITE_METADATA (name, licence) may be one of those not read.
        header.risk(
            "oversized-header",
            f"{listed[1]} metadata entries; only the first {KEEP_ENTRIES} were read",
        )
    for table in flat.tables(root, 6, "metadata", KEEP_ENTRIES):
        name = flat.string(table, 0, "metadata name", 256) or ""
        buffer_at = flat.field(table, 1, "metadata buffer")
        entries[name] = flat.u32(buffer_at, "metadata buffer") if buffer_at is not None else 0
    if entries:
        meta["metadata"] = sorted(entries)
    if "min_runtime_version" in entries:
        raw = _buffer(flat, root, entries["min_runtime_version"])
        if raw is not None:
            meta["min_runtime_version"] = raw.split(b"\0", 1)[0].decode("ascii", "replace")[:64]
    if "TFLITE_METADATA" in entries:
        _model_metadata(flat, root, entries["TFLITE_METADATA"], header)


def _buffer_span(flat: _Flat, root: int, index: int) -> tuple[int, int] | None:
    """(offset, size) of buffer ``index``: inline data, or offset/size for models over 2 GB."""
    table = flat.table_at(root, 4, index, "buffers")
    vec = flat.vector(table, 0, "buffer data")
    if vec is not None:
        start, count = vec
    else:
        offset_at = flat.field(table, 1, "buffer offset")
        size_at = flat.field(table, 2, "buffer size")
        if offset_at is None or size_at is None:
            return None
        start = struct.unpack("<Q", flat.read_bytes(offset_at, 8, "buffer offset"))[0]
        count = struct.unpack("<Q", flat.read_bytes(size_at, 8, "buffer size"))[0]
    if count > MAX_METADATA_BUFFER:
        raise OversizedError(f"a {count}-byte metadata buffer (limit {MAX_METADATA_BUFFER})")
    return start, count


def _buffer(flat: _Flat, root: int, index: int) -> bytes | None:
    span = _buffer_span(flat, root, index)
    return None if span is None else flat.read_bytes(span[0], span[1], "buffer")


def _model_metadata(flat: _Flat, root: int, index: int, header: Header) -> None:
    span = _buffer_span(flat, root, index)
    if span is None or span[1] < 8:
        return
    if flat.read_bytes(span[0] + 4, 4, "ModelMetadata identifier") != b"M001":
        header.risk("malformed-header", "TFLITE_METADATA buffer is not a ModelMetadata flatbuffer")
        return
    inner = _Flat(flat.blob, flat.base + span[0], span[1])
    table = inner.u32(0, "ModelMetadata")
    found: dict[str, Any] = {}
    for key, slot in (
        ("name", 0),
        ("description", 1),
        ("version", 2),
        ("author", 4),
        ("license", 5),
        ("min_parser_version", 7),
    ):
        value = inner.string(table, slot, f"ModelMetadata.{key}")
        if value:
            found[key] = value
    if found:
        header.metadata["model_metadata"] = found
    provenance: dict[str, str] = {}
    for key in ("name", "license"):
        if found.get(key):
            header.declared[key] = found[key]
            provenance[key] = f"TFLITE_METADATA.{key}"
    if provenance:
        header.declared["provenance"] = provenance
