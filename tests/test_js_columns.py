"""Columns of JS/TS and markup evidence are character columns, read from a line's layout
computed once (gate.discover.javascript.nodes.Columns) rather than by decoding the line's
prefix at every site: the same answers as decoding, on valid and invalid UTF-8 alike."""

from __future__ import annotations

from gate.discover import javascript, refs
from gate.discover.javascript.nodes import Columns


def _decoded(line: bytes, col: int) -> int:
    return len(line[:col].decode("utf-8", errors="replace")) + 1


def test_columns_count_characters_as_decoding_does() -> None:
    lines = [
        b"x" * 300 + "é—漢字😀".encode() * 100 + b'"gpt-4o"',
        ("ü" * 400).encode() + b"\xff\xfe" + b"a" * 300,  # not valid UTF-8: decoded
        b"a" * 1000,
        b"",
    ]
    columns = Columns(lines)
    for row, line in enumerate(lines):
        for col in range(0, len(line) + 1, 7):
            assert columns.at(row, col) == _decoded(line, col), (row, col)
    assert columns.at(10, 5) == 1  # a row past the end


def test_sites_on_one_long_line_keep_their_character_columns() -> None:
    pad = "const note = '" + "модель " * 80 + "';"
    src = (
        'import OpenAI from "openai"; const c = new OpenAI(); '
        + pad
        + ' c.chat.completions.create({ model: "gpt-4o" });'
        + ' c.chat.completions.create({ model: "gpt-4o-mini" });\n'
    )
    out = javascript.analyse_file("app.ts", src.encode())
    found = {ev.as_written: ev.location.column for ev in refs.dedupe(out.evidence)}
    assert found["gpt-4o"] == src.index('"gpt-4o"') + 1
    assert found["gpt-4o-mini"] == src.index('"gpt-4o-mini"') + 1
