"""Lock-file entries are located by line and column as counting the line breaks before each
from the start of the text did (a table of the breaks now: issue 15, quadratic before)."""

from __future__ import annotations

import random

from gate.discover import dependencies


def _counted(text: str, needle: str, start: int = 0) -> tuple[int | None, int | None]:
    index = text.find(needle, start)
    if index < 0:
        return None, None
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def test_lines_and_columns_are_the_counted_ones() -> None:
    rng = random.Random(15)
    for _ in range(3000):
        text = "".join(rng.choice('ab\n"x') for _ in range(rng.randint(0, 300)))
        needle = rng.choice(["a", '"x', "b\n", "\n", "zz", "ab", ""])
        start = rng.randint(0, len(text) + 1)
        assert dependencies._line_of(text, needle, start) == _counted(text, needle, start)


def test_a_lock_file_s_entries_keep_their_places() -> None:
    lock = "".join(f'[[package]]\nname = "pkg{i}"\nversion = "1.{i}"\n\n' for i in range(500))
    for i in (0, 1, 250, 499):
        assert dependencies._line_of(lock, f'"pkg{i}"') == (4 * i + 2, 8)
