"""A shell assignment's trailing comment is dropped in time linear in the line (a hostile
script's long line of blanks and ``#`` made the regular expression quadratic)."""

from __future__ import annotations

import re

from gate.discover.configs.envfiles import _without_comment

# what the linear reading replaces, kept here as the reference for short lines
_REFERENCE = re.compile(r"\s+#[^'\"]*$")


def test_a_trailing_comment_is_dropped_as_the_regular_expression_dropped_it() -> None:
    cases = [
        "$(pwd)/out   # path to model",
        "org/model\t#c",
        "org/model#not-a-comment",
        "'a # b'",
        '"x" # it\'s quoted',
        "a # b # c",
        "a  #",
        " # lead",
        "",
        "x y",
        "a\u00a0# nbsp",
    ]
    for value in cases:
        assert _without_comment(value) == _REFERENCE.sub("", value), value


def test_a_long_hostile_line_is_read_whole() -> None:
    # 400,000 ` #` then a quote: no comment (a quote follows every #); the regular expression
    # tried each of them to the end (minutes)
    line = " #" * 400_000 + "'"
    assert _without_comment(line) == line
    assert _without_comment("v" + " " * 400_000 + "# c") == "v"
