"""Reading a file the user (or a repository, or a bundle) named: bounded, regular files only.

A path aigate is given may be a FIFO (opening it would wait for a writer forever), a device
(``/dev/zero`` never ends), a symbolic link to either, a folder, or a regular file of many
gigabytes. :func:`read_bounded` opens without blocking, checks what the open file *is*
(``fstat`` on the descriptor, so a swap between check and read changes nothing), and reads
at most ``limit`` bytes; :func:`sha256_file` digests a regular file in chunks, never holding
it whole. Errors name the file and say what it is instead.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from gate.errors import AigateError, InputError

MAX_POLICY_FILE = 8 * 1024 * 1024
"""Bytes a pack, waiver file, registry file or Rego module may hold (real ones: a few KB)."""
MAX_BOM_FILE = 512 * 1024 * 1024
"""Bytes a CycloneDX document given with ``--bom`` may hold."""
CHUNK = 1 << 20

ErrorFactory = Callable[[str, str], AigateError]
"""Builds the error to raise from (display name, problem)."""


def _input_error(display: str, problem: str) -> AigateError:
    return InputError(display, problem)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MiB" if n >= 1024 * 1024 else f"{n} bytes"


@contextmanager
def open_regular(
    path: Path,
    *,
    display: str | None = None,
    limit: int | None = None,
    error: ErrorFactory = _input_error,
    follow: bool = True,
) -> Iterator[tuple[int, int]]:
    """An open descriptor of a regular file and its size, or an error naming the file.

    Opened with ``O_NONBLOCK`` (a FIFO opens at once instead of waiting for a writer) and
    checked with ``fstat``; ``follow=False`` also refuses a symbolic link.
    """
    shown = display if display is not None else str(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    flags |= getattr(os, "O_BINARY", 0)
    if not follow:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if not follow and os.path.islink(path):
            raise error(shown, "is a symbolic link (only regular files are read)") from exc
        raise error(shown, f"cannot read: {exc.strerror or exc}") from exc
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            via = f" (reached through the link {path})" if os.path.islink(path) else ""
            raise error(shown, f"is {_kind(info.st_mode)}, not a regular file: not read{via}")
        if limit is not None and info.st_size > limit:
            raise error(
                shown,
                f"is {_size(info.st_size)}, more than the {_size(limit)} aigate reads from"
                " such a file: not read",
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        yield fd, info.st_size
    finally:
        os.close(fd)


def read_bounded(
    path: Path,
    limit: int,
    *,
    display: str | None = None,
    error: ErrorFactory = _input_error,
    follow: bool = True,
) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or an error naming the file."""
    with open_regular(path, display=display, limit=limit, error=error, follow=follow) as (fd, _):
        try:
            data = _read_at_most(fd, limit)
        except OSError as exc:
            shown = display if display is not None else str(path)
            raise error(shown, f"cannot read: {exc.strerror or exc}") from exc
        if len(data) > limit:
            # It grew while being read (a file still being written).
            shown = display if display is not None else str(path)
            raise error(shown, f"grew past {_size(limit)} while being read: not read")
        return data


def _read_at_most(fd: int, limit: int) -> bytes:
    """At most ``limit + 1`` bytes from ``fd`` (one more than allowed tells a caller the file
    is too big without reading the rest of it)."""
    chunks: list[bytes] = []
    total = 0
    while total <= limit:
        chunk = os.read(fd, min(CHUNK, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def read_text_or_skip(
    path: str | Path,
    limit: int,
    skip: Callable[[str], object],
    *,
    too_big: str | None = None,
) -> str | None:
    """A scanned file as UTF-8 text (invalid bytes replaced), or None once ``skip(reason)``
    has recorded why not: it cannot be opened, it is not a regular file, or it holds more than
    ``limit`` bytes (``too_big`` words that reason; at most ``limit + 1`` bytes are read).

    Discovery sources read files they do not trust; a file they cannot read is a recorded
    reason in the inventory, never an exception that stops the scan nor a silent pass.
    """
    data = read_bytes_or_skip(path, limit, skip, too_big=too_big)
    return None if data is None else data.decode("utf-8", errors="replace")


def read_bytes_or_skip(
    path: str | Path,
    limit: int,
    skip: Callable[[str], object],
    *,
    too_big: str | None = None,
) -> bytes | None:
    """:func:`read_text_or_skip`'s bytes, not yet decoded (for a worker process to decode)."""
    problems: list[str] = []

    def record(_: str, problem: str) -> AigateError:
        problems.append(problem)
        return InputError(None, problem)

    try:
        with open_regular(Path(path), error=record) as (fd, _):
            data = _read_at_most(fd, limit)
    except AigateError:
        skip(problems[0] if problems else "cannot read")
        return None
    except OSError as exc:
        skip(f"cannot read: {exc.strerror or exc}")
        return None
    if len(data) > limit:
        skip(too_big or f"larger than {limit} bytes: not read")
        return None
    return data


def read_in_tree(root: Path, rel: str, limit: int) -> bytes:
    """A file a scanned tree names (``rel``, relative to ``root``), bounded like
    :func:`read_bounded`, and refused when it, or a folder link on its way, leads outside
    ``root``: a repository's own records (Agent Trace, notes) must not make aigate read
    ``/etc/passwd`` or ``/dev/zero``."""
    path = root / rel
    try:
        inside = path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError) as exc:  # a symlink loop
        raise InputError(rel, f"cannot read: {exc}") from exc
    if not inside:
        raise InputError(rel, "leads outside the scanned folder: not read")
    return read_bounded(path, limit, display=rel)


def read_text_bounded(
    path: Path,
    limit: int,
    *,
    display: str | None = None,
    error: ErrorFactory = _input_error,
) -> str:
    """A bounded regular file decoded as UTF-8 (a leading BOM dropped), or a located error."""
    data = read_bounded(path, limit, display=display, error=error)
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        shown = display if display is not None else str(path)
        raise error(shown, f"is not UTF-8 text (byte {exc.start})") from exc


def sha256_file(
    path: Path,
    *,
    display: str | None = None,
    limit: int | None = None,
    error: ErrorFactory = _input_error,
    follow: bool = True,
) -> tuple[str, int]:
    """The SHA-256 (hex) and size of a regular file, read in chunks; never held whole."""
    digest = hashlib.sha256()
    size = 0
    with open_regular(path, display=display, limit=limit, error=error, follow=follow) as (fd, _):
        while chunk := os.read(fd, CHUNK):
            digest.update(chunk)
            size += len(chunk)
            if limit is not None and size > limit:
                shown = display if display is not None else str(path)
                raise error(shown, f"grew past {_size(limit)} while being read: not read")
    return digest.hexdigest(), size


def printable_name(name: str) -> str:
    """A file name that any UTF-8 output can hold: bytes that are not UTF-8 (read from the
    file system as surrogate escapes) are shown as ``\\xff``; valid names are unchanged."""
    if name.isascii():
        return name
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return name.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")
