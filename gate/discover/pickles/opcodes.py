"""The pickle opcode table (from the stdlib's own record of the format) and the opcode groups
the reader treats apart."""

from __future__ import annotations

import pickletools
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class _OpInfo:
    name: str
    arg: str | None
    pops: int
    """Items popped above the mark (or from the top when ``to_mark`` is False)."""
    to_mark: bool
    below_mark: int
    """Items popped below the mark, after it."""
    pushes: int


def _build_table() -> dict[int, _OpInfo]:
    # pickletools' opcode descriptions are the stdlib's own record of the format; only the
    # table is used here, never its readers (they trust the lengths a stream claims).
    table: dict[int, _OpInfo] = {}
    for op in pickletools.opcodes:
        before = [s.name for s in op.stack_before]
        to_mark = "mark" in before
        below = before.index("mark") if to_mark else 0
        table[ord(op.code)] = _OpInfo(
            name=op.name,
            arg=op.arg.name if op.arg is not None else None,
            pops=0 if to_mark else len(before),
            to_mark=to_mark,
            below_mark=below,
            pushes=len(op.stack_after),
        )
    return table


_OPS: Final = _build_table()


def opcode_bytes() -> list[int]:
    """Every byte that is a pickle opcode (a stream's first byte is one of them)."""
    return sorted(_OPS)


_STRING_OPS: Final = frozenset(
    {
        "STRING",
        "BINSTRING",
        "SHORT_BINSTRING",
        "UNICODE",
        "SHORT_BINUNICODE",
        "BINUNICODE",
        "BINUNICODE8",
    }
)
_MODELLED_OPS: Final = frozenset(
    "EMPTY_TUPLE TUPLE1 TUPLE2 TUPLE3 TUPLE EMPTY_DICT DICT SETITEM SETITEMS REDUCE NEWOBJ"
    " NEWOBJ_EX OBJ BUILD".split()
)
