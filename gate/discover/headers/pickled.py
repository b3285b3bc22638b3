"""Raw pickle files (``.pkl``, ``.pickle``, ``.joblib``, legacy ``torch.save``), plain or
compressed the way joblib writes them; their imports are read from the opcodes only.
"""

from __future__ import annotations

import bz2
import io
import lzma
import zlib
from typing import Any, BinaryIO, Final

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


_INPUT_STEP: Final = 1 << 12
"""Compressed bytes fed per step: damage is met late, after what precedes it was delivered."""

_Decompressor = Any  # zlib's, bz2's and lzma's decompressor objects share no base class


def _decompressor(method: str) -> _Decompressor:
    if method in ("gzip", "zlib"):
        return zlib.decompressobj(47 if method == "gzip" else 15)  # 47: gzip header
    if method == "bz2":
        return bz2.BZ2Decompressor()
    return lzma.LZMADecompressor(lzma.FORMAT_XZ if method == "xz" else lzma.FORMAT_ALONE)


class _Inflate(io.RawIOBase):
    """A compressed stream as a file of its decompressed bytes, bounded to ``limit``.

    Input is fed in small steps so that a damaged block raises only after everything
    before it has been read (the scan keeps what it saw).
    """

    def __init__(self, fh: BinaryIO, method: str, limit: int) -> None:
        self.fh = fh
        self.dec = _decompressor(method)
        self.pending = b""
        self.done = False
        self.left = limit
        self.exceeded = False

    def readable(self) -> bool:
        return True

    def _step(self, limit: int) -> bytes:
        dec = self.dec
        tail = getattr(dec, "unconsumed_tail", b"")
        if tail:
            return bytes(dec.decompress(tail, limit))
        if dec.eof:
            self.done = True
            return b""
        if getattr(dec, "needs_input", True):
            chunk = self.fh.read(_INPUT_STEP)
            if not chunk:
                self.done = True
                return b""
            return bytes(dec.decompress(chunk, limit))
        return bytes(dec.decompress(b"", limit))

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        view = memoryview(b)
        if self.left <= 0:
            self.exceeded = True
            return 0
        want = min(len(view), self.left)
        while not self.pending and not self.done:
            self.pending = self._step(want)
        n = min(want, len(self.pending))
        view[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        self.left -= n
        return n


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
        # Unbuffered on purpose: a buffered read that meets damage would drop its whole
        # chunk, and with it the imports read before the damage.
        stream = _Inflate(fh, method, MAX_DECOMPRESSED)
        scan = pickles.scan_stream(stream, None)  # type: ignore[arg-type]
        # Past the bound the scan saw an end of stream that is not the file's: a pickle cut
        # there, or one after it never read, is a finding either way.
        if stream.exceeded and (scan.problem is None or scan.problem[0] == "truncated-file"):
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
