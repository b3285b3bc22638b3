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
_SHAPE_PREFIX = re.compile(r"^\s*(?:\(\s*[\d\s,]*\)|\d+)\s*")
_PLAIN_CODE = re.compile(r"^[?bBhHiIlLqQpPnNeEfdgFDGSaUVmMc]\d*(?:\[\w+\])?$")
_PLAIN_NAMES: Final = frozenset(
    "bool bool_ bool8 int int8 int16 int32 int64 int_ intc intp uint uint8 uint16 uint32 uint64"
    " uintc uintp float float16 float32 float64 float96 float128 float_ half single double"
    " longdouble longfloat complex complex64 complex128 complex192 complex256 complex_ csingle"
    " cdouble clongdouble str str_ unicode unicode_ bytes bytes_ string string_ void void0"
    " byte ubyte short ushort long ulong longlong ulonglong datetime64 timedelta64".split()
)


def has_objects(descr: object) -> bool | None:
    """Whether a ``.npy`` dtype holds Python objects (a pickle follows), or None when the
    spelling is not understood.

    NumPy builds the dtype with ``np.dtype(descr)``, which takes many spellings of an
    object type (``'O'``, ``'|O8'``, ``'object'``, a comma list ``'i4,O'``, a sub-array
    ``('O', (2,))``, a structured list with an object field at any depth, a dict of
    formats); any of them makes ``np.load`` unpickle what follows the header.
    """
    if isinstance(descr, str):
        verdicts = [_code_has_objects(part) for part in descr.split(",")]
        if any(v is True for v in verdicts):
            return True
        return None if None in verdicts else False
    if isinstance(descr, tuple) and len(descr) == 2:
        return has_objects(descr[0])  # (base, shape) sub-array
    if isinstance(descr, list):
        fields: list[object] = []
        for item in descr:
            if not isinstance(item, tuple) or len(item) not in (2, 3):
                return None
            fields.append(item[1])
        return _any_objects(fields)
    if isinstance(descr, dict) and isinstance(descr.get("formats"), list | tuple):
        return _any_objects(list(descr["formats"]))
    return None


def _any_objects(formats: list[object]) -> bool | None:
    verdicts = [has_objects(f) for f in formats]
    if any(v is True for v in verdicts):
        return True
    return None if None in verdicts else False


def _code_has_objects(part: str) -> bool | None:
    code = _SHAPE_PREFIX.sub("", part.strip(), count=1).strip().lstrip("<>|=")
    if code[:1] in ("O", "o"):
        return True  # 'O', 'O8', 'object', 'object_'
    if _PLAIN_CODE.match(code) or code.split("[", 1)[0] in _PLAIN_NAMES:
        return False
    return None


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
    objects = has_objects(descr)
    if objects is None:
        header.risk(
            "malformed-header",
            f"{where + ': ' if where else ''}dtype {repr(descr)[:120]} is not one aigate"
            " reads: numpy may take it for Python objects, so what follows the header was"
            " scanned as a pickle",
        )
    if objects is not False:
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
