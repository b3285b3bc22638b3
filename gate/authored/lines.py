"""Line sets as sorted, inclusive ranges, and the range spellings the sources use."""

from __future__ import annotations

from collections.abc import Iterable


def to_ranges(lines: Iterable[int]) -> list[list[int]]:
    """``[[start, end], ...]`` (inclusive, sorted, merged) of a set of 1-based line numbers."""
    out: list[list[int]] = []
    for n in sorted(set(lines)):
        if out and n == out[-1][1] + 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return out


def parse_spec(spec: str) -> list[tuple[int, int]]:
    """``1-4,9,12-20`` (git-ai's attestation ranges) as inclusive pairs; ValueError if bad."""
    out: list[tuple[int, int]] = []
    for part in spec.split(","):
        start, dash, end = part.partition("-")
        first = int(start)
        last = int(end) if dash else first
        if first < 1 or last < first:
            raise ValueError(f"bad line range {part!r}")
        out.append((first, last))
    return out


def count(ranges: Iterable[Iterable[int]]) -> int:
    """How many lines ``[[start, end], ...]`` cover."""
    total = 0
    for pair in ranges:
        start, end = list(pair)
        total += end - start + 1
    return total


def contains(ranges: list[list[int]], line: int, end: int | None = None) -> bool:
    """Whether any line of ``line..end`` is in the ranges."""
    last = line if end is None else max(end, line)
    return any(s <= last and line <= e for s, e in ranges)
