"""Raw pickle files (``.pkl``, ``.pickle``, ``.joblib``, legacy ``torch.save``), plain or
compressed the way joblib writes them; their imports are read from the opcodes only.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from typing import BinaryIO, Final

from gate.discover import pickles
from gate.discover.headers.base import Header

MAX_DECOMPRESSED: Final = 1 << 30
"""Bytes of a compressed pickle that are decompressed and scanned at most."""

COMPRESSION_MAGIC: Final = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bz2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x5d\x00\x00", "lzma"),
    (b"\x04\x22\x4d\x18", "lz4"),
    (b"\x78\x01", "zlib"),
    (b"\x78\x5e", "zlib"),
    (b"\x78\x9c", "zlib"),
    (b"\x78\xda", "zlib"),
)


def compression(head: bytes) -> str | None:
    """The compression a joblib file was written with, from its first bytes."""
    for magic, name in COMPRESSION_MAGIC:
        if head.startswith(magic):
            return name
    return None


class _Bounded(io.RawIOBase):
    """A decompressing reader that stops (and says so) after ``limit`` bytes."""

    def __init__(self, inner: BinaryIO, limit: int) -> None:
        self.inner = inner
        self.left = limit
        self.exceeded = False

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        if self.left <= 0:
            self.exceeded = True
            return 0
        view = memoryview(b)
        data = self.inner.read(min(len(view), self.left))
        view[: len(data)] = data
        self.left -= len(data)
        return len(data)


class _Zlib(io.RawIOBase):
    """A raw zlib stream (joblib's ``zlib`` compressor) as a file."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh = fh
        self.inflater = zlib.decompressobj()
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(b)
        while not self.pending:
            if self.inflater.eof:
                return 0
            chunk = self.fh.read(1 << 16)
            if not chunk:
                self.pending = self.inflater.flush()
                if not self.pending:
                    return 0
                break
            self.pending = self.inflater.decompress(chunk, len(view))
            while not self.pending and self.inflater.unconsumed_tail:
                self.pending = self.inflater.decompress(self.inflater.unconsumed_tail, len(view))
        n = min(len(view), len(self.pending))
        view[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


def _decompressed(fh: BinaryIO, method: str) -> BinaryIO:
    """A reader of the decompressed stream (closing it leaves ``fh`` open)."""
    if method == "gzip":
        return gzip.GzipFile(fileobj=fh)  # type: ignore[return-value]
    if method == "bz2":
        return bz2.BZ2File(fh)  # type: ignore[return-value]
    if method in ("xz", "lzma"):
        fmt = lzma.FORMAT_XZ if method == "xz" else lzma.FORMAT_ALONE
        return lzma.LZMAFile(fh, format=fmt)  # type: ignore[return-value]
    return _Zlib(fh)  # type: ignore[return-value]


def read(fh: BinaryIO, size: int, head: bytes) -> Header:
    """Scan a pickle file, decompressing it first if joblib compressed it."""
    header = Header("pickle")
    method = compression(head)
    if method is None:
        scan = pickles.scan_stream(fh, size)
    elif method == "lz4":
        header.metadata["compression"] = method
        header.risk(
            "unsafe-pickle",
            "lz4-compressed pickle: its imports could not be read (no lz4 decoder)",
            "medium",
        )
        return header
    else:
        header.metadata["compression"] = method
        try:
            with _decompressed(fh, method) as opened:
                bounded = _Bounded(opened, MAX_DECOMPRESSED)
                scan = pickles.scan_stream(io.BufferedReader(bounded), None)
        except (EOFError, lzma.LZMAError, zlib.error, ValueError) as exc:
            scan = pickles.PickleScan(problem=("malformed-header", f"bad {method} data: {exc}"))
        else:
            if bounded.exceeded and scan.problem and scan.problem[0] == "truncated-file":
                scan.problem = (
                    "oversized-header",
                    f"more than {MAX_DECOMPRESSED} bytes once decompressed; the rest was not read",
                )
    meta = header.metadata
    meta["pickle_globals"] = scan.names()
    if scan.protocol is not None:
        meta["pickle_protocol"] = scan.protocol
    meta["pickles"] = scan.pickles
    if scan.trailing_data:
        meta["trailing_data"] = True
    if any(m == "torch" or m.startswith("torch.") for m, _ in scan.globals):
        meta["layout"] = "legacy torch.save"
    for risk in scan.risks():
        header.risk(risk["kind"], risk["detail"], risk["severity"])
    return header
