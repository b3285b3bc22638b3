"""``scanning.holds``: the head of a file searched first answers as the whole search does."""

from __future__ import annotations

import random

import ahocorasick_rs

from gate.discover import scanning

_NEEDLES = [b"openai", b"from_pretrained", b"model=", b"'gpt-", b"transformers"]


def _automaton() -> ahocorasick_rs.BytesAhoCorasick:
    return ahocorasick_rs.BytesAhoCorasick(
        _NEEDLES, matchkind=ahocorasick_rs.MatchKind.LeftmostFirst
    )


def test_holds_answers_as_the_whole_search_wherever_the_needle_stands() -> None:
    automaton = _automaton()
    head = scanning._HEAD
    filler = b"x = 1\n"
    cases = [b"", b"openai", filler * 10]
    for needle in _NEEDLES:
        for at in (0, head - len(needle) - 1, head - len(needle), head - 3, head - 1, head,
                   head + 1, 3 * head):  # fmt: skip
            body = bytearray(b"#" * max(at, 0))
            body[at:at] = needle
            cases.append(bytes(body + b"\n" + filler * 5))
            cases.append(bytes(body[: head - 1]))  # cut through the needle
    rng = random.Random(7)
    alphabet = b"openaimdl=_'gtrsf-x\n "
    for _ in range(300):
        size = rng.choice((10, head - 5, head, head + 5, 2 * head + 3))
        cases.append(bytes(rng.choice(alphabet) for _ in range(size)))
    answers = set()
    for data in cases:
        answer = bool(automaton.find_matches_as_indexes(data))
        assert scanning.holds(automaton, data) == answer
        answers.add(answer)
    assert answers == {True, False}  # the cases ask both questions
