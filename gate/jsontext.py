"""Indented, key-sorted JSON text, as ``json.dumps(obj, indent=2, sort_keys=True,
ensure_ascii=False)`` writes it, several times faster.

The standard library falls back to its pure-Python encoder whenever ``indent`` is set (its
C encoder only writes compact text): a 20,000-finding SARIF log or decision took 1.5-2 s in
that encoder alone. This writer walks the document once, appending pieces to one list, and
leaves string escaping to the C function the standard encoder uses. Anything it does not
know (a type json.dumps would reject or convert, keys that are not strings) is handed to
``json.dumps`` whole, so the text is always what ``json.dumps`` gives.

Faster still, orjson (used by the BOM writer, the decision, SARIF and ``aigate diff``)
writes the same bytes for nearly every document; where it might not, the standard
library's text is taken (see :func:`_orjson_text`).
"""

from __future__ import annotations

import json
import re
from json.encoder import encode_basestring
from typing import Any

import orjson

_INDENT = "  "


class _UnknownValueError(Exception):
    """A value the fast writer leaves to json.dumps."""


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def dumps(obj: Any) -> str:
    """``json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False)``, faster."""
    fast = _orjson_text(obj, _INDENTED)
    if fast is not None:
        return fast.decode()
    return _walked(obj)


def dumps_bytes(obj: Any, *, finite: bool = False) -> bytes:
    """:func:`dumps` UTF-8 encoded.

    ``finite``: the caller vouches that ``obj`` holds only str, int, bool, None, finite
    floats, and dicts with str keys and lists of those (a document it built itself, like a
    BOM): the check that orjson wrote what json would is then skipped.
    """
    fast = _orjson_text(obj, _INDENTED, checked=not finite)
    return fast if fast is not None else _walked(obj).encode()


def canonical(obj: Any) -> str:
    """``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``: the
    compact text digests are taken of.

    The standard library's C encoder writes compact text; orjson is faster only by what its
    read-back check (below) costs again (0.24 s against 0.04 + 0.2 s on a 10,000-component
    policy input), so the standard library writes it.
    """
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


_INDENTED = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS

_PASSTHROUGH = (
    orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
)
"""Types json.dumps refuses or writes its own way (str/int subclasses such as StrEnum,
dataclasses, dates): orjson hands them to a ``default`` there is none of, so it refuses
them and the standard library decides."""

_ONE_DIGIT_EXPONENT = re.compile(rb"e-[1-9](?![0-9])")


def _short_exponent(text: bytes) -> bool:
    """A float orjson wrote as ``1e-7`` where Python writes ``1e-07`` (the one float
    spelling where the two differ; the digits are the same shortest round trip). The
    literal ``e-`` is searched for first (a digit before it is what makes it a number):
    a character class in front would make the engine try every position of the text."""
    return any(48 <= text[m.start() - 1] <= 57 for m in _ONE_DIGIT_EXPONENT.finditer(text))


def _orjson_text(obj: Any, option: int, *, checked: bool = True) -> bytes | None:
    """orjson's text of ``obj`` when it is the standard library's, else None.

    Besides the refusals (non-str keys, integers beyond 64 bits, lone surrogates, the
    passthrough types), orjson differs from json in two ways: NaN and infinities become
    ``null``, and small floats are spelled with a one-digit exponent. The second shows in
    the text; the first (and any value orjson writes as something it is not) shows when the
    text, read back, is not equal to ``obj`` (a tuple reads back as a list: also not equal,
    and left to the standard library, which writes the same, only slower).
    """
    try:
        text = orjson.dumps(obj, option=option | _PASSTHROUGH)
    except orjson.JSONEncodeError:
        return None
    if _short_exponent(text):
        return None
    if checked and orjson.loads(text) != obj:
        return None
    return text


def _walked(obj: Any) -> str:
    try:
        return _dumps(obj)
    except _UnknownValueError:
        return json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False)


def _dumps(obj: Any) -> str:
    parts: list[str] = []
    add = parts.append
    enc = encode_basestring

    def write(value: Any, newline: str) -> None:
        kind = type(value)
        if kind is str:
            add(enc(value))
        elif kind is dict:
            if not value:
                add("{}")
                return
            inner = newline + _INDENT
            if not all(type(k) is str for k in value):
                raise _UnknownValueError
            head = "{" + inner
            for key in sorted(value):
                add(head + enc(key) + ": ")
                write(value[key], inner)
                head = "," + inner
            add(newline + "}")
        elif kind is list or kind is tuple:
            if not value:
                add("[]")
                return
            inner = newline + _INDENT
            head = "[" + inner
            for item in value:
                add(head)
                write(item, inner)
                head = "," + inner
            add(newline + "]")
        elif value is None:
            add("null")
        elif value is True:
            add("true")
        elif value is False:
            add("false")
        elif kind is int:
            add(int.__repr__(value))
        elif kind is float:
            add(_float(value))
        else:
            raise _UnknownValueError

    write(obj, "\n")
    return "".join(parts)
