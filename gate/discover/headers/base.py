"""What a header reader returns, the problems it reports, and bounded readers over a file.

A reader never trusts a length it reads: every claim is checked against the file's size and
against a cap before anything is allocated. A claim past the end is a ``truncated-file``
problem, a claim past a cap an ``oversized-header`` one, anything else that does not parse a
``malformed-header`` one.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field
from functools import cache
from typing import Any, BinaryIO, Final

from gate import shipped

SEVERITY: Final = {
    "malformed-header": "high",
    "oversized-header": "high",
    "truncated-file": "medium",
    "unsafe-pickle": "high",
    "unsafe-external-data": "high",
    "unsafe-code": "high",
    "ambiguous-archive": "high",
}
"""Default severity per risk kind (a malformed header is how parser exploits arrive)."""


class HeaderError(Exception):
    """The header cannot be read further; ``kind`` is the risk kind it becomes."""

    kind = "malformed-header"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class TruncatedError(HeaderError):
    """A length or offset points past the end of the file."""

    kind = "truncated-file"


class OversizedError(HeaderError):
    """A length is larger than any real header needs (a bound, not an allocation)."""

    kind = "oversized-header"


class MalformedError(HeaderError):
    """Bytes that do not follow the format."""

    kind = "malformed-header"


class AmbiguousError(HeaderError):
    """A container two readers of its format would read differently (so what aigate read
    may not be what the loader runs): refused, never guessed."""

    kind = "ambiguous-archive"


@dataclass(slots=True)
class Header:
    """What a weight file's header says: its format, metadata, declared facts and risks."""

    format: str
    metadata: dict[str, Any] = field(default_factory=dict)
    declared: dict[str, Any] = field(default_factory=dict)
    """Facts for ``Evidence.attributes["declared"]`` (see :mod:`gate.discover.base`)."""
    risks: list[dict[str, str]] = field(default_factory=list)
    companions: list[tuple[str, str]] = field(default_factory=list)
    """Other files that hold this model's weights: (path relative to this file, format)."""

    def risk(self, kind: str, detail: str, severity: str | None = None) -> None:
        """Record a risk (deduplicated)."""
        entry = {"kind": kind, "detail": detail, "severity": severity or SEVERITY.get(kind, "high")}
        if entry not in self.risks:
            self.risks.append(entry)

    def problem(self, exc: HeaderError) -> None:
        """Record a problem that stopped the reader."""
        self.risk(exc.kind, exc.detail)


@cache
def format_tables() -> dict[str, Any]:
    """Format constants (``data/weight_formats.yaml``), loaded once."""
    doc: dict[str, Any] = shipped.yaml_data("gate.discover", "data/weight_formats.yaml")
    return doc


def short_text(value: str, limit: int = 256) -> str:
    """A string cut to ``limit`` characters, marked when cut."""
    return value if len(value) <= limit else value[:limit] + "…"


class Blob:
    """Random-access reads of a file, each checked against its size."""

    def __init__(self, fh: BinaryIO, size: int) -> None:
        self.fh = fh
        self.size = size

    def read_at(self, offset: int, n: int, what: str) -> bytes:
        """Exactly ``n`` bytes at ``offset``, or :class:`TruncatedError`."""
        if offset < 0 or n < 0 or offset + n > self.size:
            raise TruncatedError(
                f"{what} at byte {offset} needs {n} bytes; the file has {self.size} bytes"
            )
        self.fh.seek(offset)
        data = self.fh.read(n)
        if len(data) != n:
            raise TruncatedError(f"{what} at byte {offset}: the file ended early")
        return data


_U32 = {"<": struct.Struct("<I"), ">": struct.Struct(">I")}
_U64 = {"<": struct.Struct("<Q"), ">": struct.Struct(">Q")}


class Cursor:
    """Sequential reads through a sliding window: O(window) memory whatever the header size."""

    CHUNK: Final = 1 << 20

    def __init__(self, fh: BinaryIO, size: int, start: int = 0, endian: str = "<") -> None:
        self.fh = fh
        self.size = size
        self.buf = b""
        self.base = start  # file offset of buf[0]
        self.p = 0
        self.endian = endian
        self.u32 = _U32[endian].unpack_from
        self.u64 = _U64[endian].unpack_from

    @property
    def pos(self) -> int:
        """The file offset of the next byte."""
        return self.base + self.p

    @property
    def remaining(self) -> int:
        """Bytes between the cursor and the end of the file."""
        return self.size - self.pos

    def set_endian(self, endian: str) -> None:
        """Switch byte order (a big-endian GGUF is told by its version field)."""
        self.endian = endian
        self.u32 = _U32[endian].unpack_from
        self.u64 = _U64[endian].unpack_from

    def need(self, n: int, what: str) -> None:
        """Make ``buf[p:p+n]`` available or raise :class:`TruncatedError`."""
        if self.p + n <= len(self.buf):
            return
        if self.pos + n > self.size:
            raise TruncatedError(
                f"{what} at byte {self.pos} needs {n} bytes; {self.remaining} remain in the file"
            )
        keep = self.buf[self.p :]
        self.base += self.p
        self.p = 0
        self.fh.seek(self.base + len(keep))
        want = min(max(n - len(keep), self.CHUNK), self.size - self.base - len(keep))
        more = self.fh.read(want)
        self.buf = keep + more
        if len(self.buf) < n:
            raise TruncatedError(f"{what} at byte {self.pos}: the file ended early")

    def take(self, n: int, what: str) -> bytes:
        """The next ``n`` bytes (callers bound ``n``)."""
        self.need(n, what)
        data = self.buf[self.p : self.p + n]
        self.p += n
        return data

    def skip(self, n: int, what: str) -> None:
        """Move past ``n`` bytes without reading them."""
        if n < 0 or self.pos + n > self.size:
            raise TruncatedError(
                f"{what} at byte {self.pos} claims {n} bytes; {self.remaining} remain in the file"
            )
        if self.p + n <= len(self.buf):
            self.p += n
            return
        self.base = self.pos + n
        self.buf, self.p = b"", 0

    def read_u32(self, what: str) -> int:
        """An unsigned 32-bit integer."""
        self.need(4, what)
        value: int = self.u32(self.buf, self.p)[0]
        self.p += 4
        return value

    def read_u64(self, what: str) -> int:
        """An unsigned 64-bit integer."""
        self.need(8, what)
        value: int = self.u64(self.buf, self.p)[0]
        self.p += 8
        return value

    def unpack(self, fmt: struct.Struct, what: str) -> tuple[Any, ...]:
        """Values of a fixed-size struct."""
        self.need(fmt.size, what)
        values = fmt.unpack_from(self.buf, self.p)
        self.p += fmt.size
        return values


def open_binary(path: str) -> BinaryIO:
    """The file opened for header reads (buffered: many small reads are cheap)."""
    return io.open(path, "rb", buffering=1 << 16)  # noqa: UP020 - explicit buffering
