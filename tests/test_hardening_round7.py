"""Hostile-repository bounds of the round-7 recogniser passes (review rev-h): crafted input
gives a recorded skip or a bounded amount of work, never an internal error; work is counted,
never timed."""

from __future__ import annotations

import ast
from typing import Any

import pytest

from gate.discover import python as py
from gate.discover.configs import analyse_file, documents
from gate.discover.python import values


def test_form_feeds_before_a_supervisord_program_are_no_internal_error() -> None:
    # str.splitlines() also breaks at \x0c, \x1c, \u2028...: the command line was put at a
    # line index past the end of a list sized by "\n" (IndexError: "analysis failed").
    text = "\x0c\x0c\x0c\n[program:chat]\n\x0c\ncommand=vllm serve acme-ai/Chat-1B\n"
    out = analyse_file("deploy/chat.conf", text.encode())
    assert out.skipped == []
    assert [(ev.identity, ev.location.line) for ev in out.evidence] == [
        ("hf:acme-ai/Chat-1B@unpinned", 4)
    ]
