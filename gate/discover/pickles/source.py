"""Bounded reads over a binary stream: long payloads are skipped, never allocated."""

from __future__ import annotations

import io
from typing import BinaryIO, Final

MAX_LINE: Final = 1 << 16
"""Longest newline-terminated argument (protocol 0 opcodes)."""
_CHUNK: Final = 1 << 20


class _StopError(Exception):
    """The stream cannot be read further; ``kind`` says why."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


class _StreamError(_StopError):
    """The container (zip member, compressed stream) failed, not the pickle."""


class _Source:
    """Bounded reads over a binary stream; long payloads are skipped, not allocated."""

    def __init__(self, fh: BinaryIO, size: int | None) -> None:
        self.fh = fh
        self.size = size
        self.buf = b""
        self.p = 0
        self.consumed = 0  # stream bytes before buf[0]
        self.eof = False
        try:
            self.seekable = fh.seekable()
        except (OSError, ValueError):
            self.seekable = False

    @property
    def pos(self) -> int:
        return self.consumed + self.p

    def _fill(self, n: int) -> bool:
        while len(self.buf) - self.p < n and not self.eof:
            chunk = self._read(max(_CHUNK, n))
            if not chunk:
                self.eof = True
                break
            self.consumed += self.p
            self.buf = self.buf[self.p :] + chunk
            self.p = 0
        return len(self.buf) - self.p >= n

    def _read(self, n: int) -> bytes:
        try:
            return self.fh.read(n)
        except Exception as exc:
            # Zip members, gzip, bz2, lzma and zlib streams each report damaged data with
            # their own exception types; whatever was read up to here still counts.
            raise _StreamError("malformed-header", f"the stream cannot be read: {exc}") from exc

    def peek(self) -> int | None:
        if not self._fill(1):
            return None
        return self.buf[self.p]

    def read(self, n: int, what: str) -> bytes:
        if not self._fill(n):
            raise _StopError("truncated-file", f"{what} at byte {self.pos} runs past the end")
        data = self.buf[self.p : self.p + n]
        self.p += n
        return data

    def readline(self, what: str) -> bytes | None:
        """The next newline-terminated argument, or None when it is longer than MAX_LINE.

        The unpickler reads lines of any length, so a long one is stepped over to its
        newline (never kept), and the scan goes on where the loader would.
        """
        long_line = False
        while True:
            idx = self.buf.find(b"\n", self.p)
            if idx >= 0:
                line = self.buf[self.p : idx]
                self.p = idx + 1
                return None if long_line else line
            if len(self.buf) - self.p > MAX_LINE:
                long_line = True
                self.consumed += len(self.buf)
                self.buf, self.p = b"", 0
            if not self._fill(len(self.buf) - self.p + 1):
                raise _StopError("truncated-file", f"{what} at byte {self.pos} runs past the end")

    def skip(self, n: int, what: str) -> None:
        available = len(self.buf) - self.p
        if n <= available:
            self.p += n
            return
        rest = n - available
        if self.size is not None and self.pos + n > self.size:
            raise _StopError(
                "truncated-file",
                f"{what} at byte {self.pos} claims {n} bytes; the stream has"
                f" {self.size - self.pos} left",
            )
        self.consumed += len(self.buf)
        self.buf, self.p = b"", 0
        if self.seekable:
            try:
                self.fh.seek(rest, io.SEEK_CUR)
            except Exception as exc:  # see _read
                raise _StreamError("malformed-header", f"the stream cannot be read: {exc}") from exc
            self.consumed += rest
            return
        while rest:
            chunk = self._read(min(rest, _CHUNK))
            if not chunk:
                self.eof = True
                raise _StopError("truncated-file", f"{what} runs past the end of the stream")
            rest -= len(chunk)
            self.consumed += len(chunk)


def _uint(data: bytes) -> int:
    return int.from_bytes(data, "little")


def _int(data: bytes) -> int:
    return int.from_bytes(data, "little", signed=True)
