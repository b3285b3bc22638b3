"""Git LFS pointer files standing in for weights that are not in the checkout.

A clone without ``git lfs pull`` (or an archive of one) holds, in place of
``adapter_model.safetensors``, a pointer of a few lines (the Git LFS specification,
``docs/spec.md`` of git-lfs, v1)::

    version https://git-lfs.github.com/spec/v1
    oid sha256:4d7a2146...
    size 12345

The oid is the SHA-256 of the real file, so it is still an exact identity of the weights,
although their content (and its header) cannot be read here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAGIC = b"version https://git-lfs.github.com/spec/v1"
MAX_POINTER = 1024
"""The specification's bound: a pointer file is smaller than 1024 bytes."""

_LINE = re.compile(r"^([a-z0-9.-]+) (.*)$")
_OID = re.compile(r"^sha256:([0-9a-f]{64})$")


@dataclass(frozen=True, slots=True)
class Pointer:
    """What a pointer says: the object's SHA-256 and size in bytes."""

    sha256: str
    size: int


def is_pointer_head(head: bytes, size: int) -> bool:
    """Whether a file's first bytes and size are those of an LFS pointer."""
    return size < MAX_POINTER and head.startswith(MAGIC)


def parse(data: bytes) -> Pointer | str:
    """The pointer, or why the text is not a valid one (a damaged pointer is a finding)."""
    if len(data) >= MAX_POINTER:
        return f"{len(data)} bytes: a pointer is smaller than {MAX_POINTER}"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8 text"
    values: dict[str, str] = {}
    for line in text.splitlines():
        match = _LINE.match(line)
        if match is None:
            return f"not a 'key value' line: {line[:40]!r}"
        values[match.group(1)] = match.group(2)
    if values.get("version") != MAGIC.decode().split(" ", 1)[1]:
        return "no 'version https://git-lfs.github.com/spec/v1' line"
    oid = _OID.match(values.get("oid", ""))
    if oid is None:
        return "no 'oid sha256:<64 hex digits>' line"
    size = values.get("size", "")
    if not size.isdigit():
        return "no 'size <bytes>' line"
    return Pointer(oid.group(1), int(size))
