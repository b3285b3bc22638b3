"""The values the opcode reader models on its stack: strings, small ints, and the few
shapes joblib's array layout needs (tuples, dicts, the wrapper and dtype objects)."""

from __future__ import annotations

import re
from typing import Final


class _Unknown:
    """A stack value whose content is not modelled (an object, a long string, ...)."""

    __slots__ = ("label",)

    def __init__(self, label: str) -> None:
        self.label = label


_OBJ: Final = _Unknown("object")
_LONG_STR: Final = _Unknown("long string")
_MARK: Final = _Unknown("mark")
_WRAPPER_CLASS: Final = _Unknown("joblib NumpyArrayWrapper class")
_DTYPE_CLASS: Final = _Unknown("numpy dtype class")


class _Tuple:
    """A tuple of modelled values (joblib's array shapes, a dtype's arguments)."""

    __slots__ = ("items",)

    def __init__(self, items: list[_Item]) -> None:
        self.items = items


class _Dict:
    """A dict with string keys, mutated in place like the unpickler's (an object's state)."""

    __slots__ = ("items", "overflow")

    def __init__(self) -> None:
        self.items: dict[str, _Item] = {}
        self.overflow = False


class _Wrapper:
    """A joblib ``NumpyArrayWrapper`` instance: its BUILD is followed by raw array bytes."""

    __slots__ = ()


class _Dtype:
    """A numpy dtype built by the stream: its type string, then what BUILD sets."""

    __slots__ = ("descr", "elsize", "structured")

    def __init__(self, descr: _Item) -> None:
        self.descr = descr
        self.elsize = -1
        self.structured = False


_Item = str | int | _Unknown | _Tuple | _Dict | _Wrapper | _Dtype


_TYPESTR: Final = re.compile(r"[<>|=]?([?bBhHiIlLqQpPeEfdgFDGSUVaOmMc])(\d*)(?:\[\w+\])?\Z")
_DEFAULT_SIZES: Final = {
    "?": 1,
    "b": 1,
    "B": 1,
    "h": 2,
    "H": 2,
    "i": 4,
    "I": 4,
    "l": 8,
    "L": 8,
    "q": 8,
    "Q": 8,
    "p": 8,
    "P": 8,
    "e": 2,
    "f": 4,
    "d": 8,
    "g": 16,
    "F": 8,
    "D": 16,
    "G": 32,
    "m": 8,
    "M": 8,
}


def _dtype_size(dtype: _Item | None) -> int | None:
    """Bytes per element of a modelled dtype; 0 for Python objects; None when unknown."""
    if not isinstance(dtype, _Dtype) or dtype.structured or not isinstance(dtype.descr, str):
        return None
    match = _TYPESTR.match(dtype.descr)
    if match is None:
        return None
    code, width = match.group(1), match.group(2)
    if code == "O":
        return 0
    if dtype.elsize > 0:
        return dtype.elsize
    if width:
        return int(width) * (4 if code == "U" else 1)
    return _DEFAULT_SIZES.get(code)
