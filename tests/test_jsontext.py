"""gate.jsontext writes exactly what json.dumps(indent=2, sort_keys=True, ensure_ascii=False)
writes, for every JSON value and for what it hands back to json.dumps."""

from __future__ import annotations

import enum
import json
from typing import Any

import pytest

from gate import jsontext


class Colour(enum.StrEnum):
    RED = "red"


class Shade(enum.Enum):
    DARK = "dark"


DOCS: list[Any] = [
    {},
    [],
    "",
    0,
    None,
    True,
    {"b": [1, 2.5, -0.0, 1e300, True, False, None], "a": {"z": {}, "y": [], "x": [[], {}]}},
    {"é": 'ünïcødé \u2028 \x00 \x1f "quoted" \\ back\tslash\n', "emoji": "🙂"},
    [{"k": [{"deep": [[[1]]]}]}, (1, 2), "s"],
    {"nan": float("nan"), "inf": float("inf"), "-inf": -float("inf")},
    {"int_key": {1: "a", 2: "b"}},
    {"enum": Colour.RED, "big": 2**80},
    {"tuple": (("a", 1),)},
]


@pytest.mark.parametrize("doc", DOCS)
def test_same_text_as_json_dumps(doc: Any) -> None:
    assert jsontext.dumps(doc) == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)


def test_what_json_dumps_refuses_is_refused() -> None:
    with pytest.raises(TypeError):
        jsontext.dumps({"x": object()})
    with pytest.raises(TypeError):
        jsontext.dumps({"mixed": {1: "a", "b": 2}})


MORE: list[Any] = [
    {"small": [1e-7, 1.5e-9, 1e-10, 2e-100, 1e16, 0.1, -0.0, 1e-4]},
    {"looks like a float": "a1e-5 x", "e-5": "1e-5"},
    {"é": 1, "e": 2, "z": 3, "\U0001f642": 4, "\uffff": 5, "\u2028": "\x7f\x1f"},
    (1, 2),
]


@pytest.mark.parametrize("doc", DOCS + MORE)
def test_every_writer_gives_the_standard_librarys_text(doc: Any) -> None:
    indented = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)
    assert jsontext.dumps(doc) == indented
    assert jsontext.dumps_bytes(doc) == indented.encode()
    compact = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert jsontext.canonical(doc) == compact


def test_what_orjson_would_write_differently_is_left_to_json() -> None:
    # orjson writes NaN as null and 1e-07 as 1e-7: never taken
    assert jsontext._orjson_text({"x": float("nan")}, jsontext._INDENTED) is None
    assert jsontext._orjson_text([1e-7], jsontext._INDENTED) is None
    # a plain Enum: orjson writes its value, json refuses it (so does jsontext)
    assert jsontext._orjson_text({"x": Shade.DARK}, jsontext._INDENTED) is None
    with pytest.raises(TypeError):
        jsontext.dumps({"x": Shade.DARK})
    assert jsontext._orjson_text({"x": [1, "a", None]}, jsontext._INDENTED) is not None
