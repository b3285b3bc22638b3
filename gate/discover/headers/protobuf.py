"""The protobuf wire format, walked field by field over a file: nothing generated, nothing run.

Length-delimited fields are returned as spans (offset, length) so a reader descends only into
the messages it needs and seeks past the rest (an ONNX graph's weights are never read).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from gate.discover.headers.base import Blob, MalformedError, OversizedError, TruncatedError

MAX_FIELDS: Final = 2_000_000
"""Fields visited per file; a header that needs more is reported, not walked."""

VARINT: Final = 0
FIXED64: Final = 1
LEN: Final = 2
FIXED32: Final = 5

Span = tuple[int, int]
"""(offset, length) of a length-delimited field's payload."""


class Walker:
    """Iterates the fields of messages inside one file, within a shared field budget."""

    def __init__(self, blob: Blob) -> None:
        self.blob = blob
        self.fields = 0

    def _varint(self, pos: int, end: int) -> tuple[int, int]:
        chunk = self.blob.read_at(pos, min(10, end - pos), "varint")
        value = shift = 0
        for i, byte in enumerate(chunk):
            value |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return value, pos + i + 1
            shift += 7
        if len(chunk) < 10 and end == self.blob.size:
            raise TruncatedError(f"a varint at byte {pos} runs past the end of the file")
        raise MalformedError(f"a varint at byte {pos} is longer than 10 bytes")

    def fields_of(self, span: Span) -> Iterator[tuple[int, int, int | Span]]:
        """(field number, wire type, value) for each field of the message in ``span``.

        Varints and fixed-width values are ints; length-delimited values are spans.
        """
        pos, end = span[0], span[0] + span[1]
        if end > self.blob.size:
            raise TruncatedError(f"a message at byte {pos} runs past the end of the file")
        while pos < end:
            self.fields += 1
            if self.fields > MAX_FIELDS:
                raise OversizedError(
                    f"more than {MAX_FIELDS} protobuf fields; the rest was not read"
                )
            key, pos = self._varint(pos, end)
            number, wire = key >> 3, key & 7
            if number == 0:
                raise MalformedError(f"field number 0 at byte {pos}")
            if wire == VARINT:
                value, pos = self._varint(pos, end)
                yield number, wire, value
            elif wire == LEN:
                length, pos = self._varint(pos, end)
                if pos + length > end:
                    if pos + length > self.blob.size:
                        raise TruncatedError(
                            f"field {number} at byte {pos} claims {length} bytes; the file"
                            f" has {self.blob.size - pos} left"
                        )
                    raise MalformedError(f"field {number} at byte {pos} overruns its message")
                yield number, wire, (pos, length)
                pos += length
            elif wire in (FIXED64, FIXED32):
                width = 8 if wire == FIXED64 else 4
                if pos + width > end:
                    raise MalformedError(f"field {number} at byte {pos} overruns its message")
                raw = self.blob.read_at(pos, width, f"field {number}")
                yield number, wire, int.from_bytes(raw, "little")
                pos += width
            else:
                raise MalformedError(f"wire type {wire} (field {number}) at byte {pos}")

    def text(self, value: int | Span, cap: int = 1024) -> str:
        """A string field, cut to ``cap`` bytes."""
        if not isinstance(value, tuple):
            raise MalformedError("a string field is not length-delimited")
        offset, length = value
        raw = self.blob.read_at(offset, min(length, cap), "string")
        text = raw.decode("utf-8", "replace")
        return text + "…" if length > cap else text

    def packed_varints(self, value: int | Span, cap: int = 64) -> list[int]:
        """A repeated varint field, packed (a span) or not (an int)."""
        if isinstance(value, int):
            return [value]
        out: list[int] = []
        pos, end = value[0], value[0] + value[1]
        while pos < end and len(out) < cap:
            item, pos = self._varint(pos, end)
            out.append(item)
        return out


def signed64(value: int) -> int:
    """A varint read as int64 (two's complement)."""
    return value - (1 << 64) if value >= 1 << 63 else value
