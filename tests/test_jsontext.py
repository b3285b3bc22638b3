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
