"""NumPy ``.npy`` headers: dtype, shape and order, read as a literal (nothing is evaluated).

An array of Python objects is a pickle after its header; that pickle is scanned for imports
like any other (``np.load(allow_pickle=True)`` would run it).
"""

from __future__ import annotations

import ast
import math
import re
from typing import Any, BinaryIO, Final

from gate.discover import pickles
from gate.discover.headers.base import (
    Header,
    HeaderError,
    MalformedError,
    OversizedError,
    TruncatedError,
)

MAGIC: Final = b"\x93NUMPY"
MAX_HEADER: Final = 1 << 20
"""NumPy itself refuses headers over 10,000 bytes unless told otherwise; 1 MiB is generous."""
_TYPESTR = re.compile(r"^[<>|=]?([a-zA-Z])(\d*)$")
_OBJECT = re.compile(r"'[<>|=]?O'")
"""A dtype (or a field of a structured one) of Python objects."""


def _read_exact(fh: BinaryIO, n: int, what: str) -> bytes:
    data = fh.read(n)
    if len(data) != n:
        raise TruncatedError(f"{what}: the data ends after {len(data)} of {n} bytes")
    return data


def _itemsize(descr: str) -> int | None:
    match = _TYPESTR.match(descr)
    if not match or not match.group(2):
        return None
    width = int(match.group(2))
    return width * 4 if match.group(1) == "U" else width


def read_stream(fh: BinaryIO, size: int | None, header: Header, where: str = "") -> None:
    """Read one ``.npy`` stream into ``header.metadata`` (``where`` names an archive member)."""
    meta: dict[str, Any] = {}
    try:
        _read(fh, size, header, meta, where)
    except HeaderError as exc:
        header.risk(exc.kind, f"{where}: {exc.detail}" if where else exc.detail)
    if where:
        header.metadata.setdefault("arrays", {})[where] = meta
    else:
        header.metadata.update(meta)


def _read(fh: BinaryIO, size: int | None, header: Header, meta: dict[str, Any], where: str) -> None:
    if _read_exact(fh, 6, "magic") != MAGIC:
        raise MalformedError("no NumPy magic")
    major, minor = _read_exact(fh, 2, "version")
    meta["npy_version"] = f"{major}.{minor}"
    if major == 1:
        length = int.from_bytes(_read_exact(fh, 2, "header length"), "little")
        start = 10
    elif major in (2, 3):
        length = int.from_bytes(_read_exact(fh, 4, "header length"), "little")
        start = 12
    else:
        raise MalformedError(f"unknown .npy version {major}.{minor}")
    if length > MAX_HEADER:
        raise OversizedError(f"claims a {length}-byte header (limit {MAX_HEADER})")
    if size is not None and start + length > size:
        raise TruncatedError(f"claims a {length}-byte header; the data has {size} bytes")
    text = _read_exact(fh, length, "header").decode("utf-8" if major == 3 else "latin-1")
    try:
        doc = ast.literal_eval(text)
    except (ValueError, SyntaxError, RecursionError, MemoryError, TypeError) as exc:
        raise MalformedError("header is not a Python literal") from exc
    if not isinstance(doc, dict) or not {"descr", "fortran_order", "shape"} <= doc.keys():
        raise MalformedError("header lacks descr, fortran_order or shape")
    descr, shape = doc["descr"], doc["shape"]
    if not isinstance(shape, tuple) or not all(
        isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in shape
    ):
        raise MalformedError("shape is not a tuple of sizes")
    meta["dtype"] = descr if isinstance(descr, str) else "structured"
    meta["shape"] = list(shape)
    meta["fortran_order"] = bool(doc["fortran_order"])
    elements = math.prod(shape)
    meta["parameters"] = elements
    if _OBJECT.search(repr(descr)):
        # Object arrays are stored as a pickle right after the header.
        scan = pickles.scan_stream(fh, None if size is None else size - start - length)
        meta["pickle_globals"] = scan.names()
        for risk in scan.risks(where):
            header.risk(risk["kind"], risk["detail"], risk["severity"])
        return
    itemsize = _itemsize(descr) if isinstance(descr, str) else None
    if itemsize is not None and size is not None and start + length + elements * itemsize > size:
        raise TruncatedError(
            f"{elements} elements of {itemsize} bytes need {elements * itemsize} bytes of data;"
            f" {size - start - length} follow the header"
        )


def read(fh: BinaryIO, size: int) -> Header:
    """Read a ``.npy`` file."""
    header = Header("npy")
    read_stream(fh, size, header)
    return header
