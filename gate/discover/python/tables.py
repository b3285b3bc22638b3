"""The Python call table and the byte filters that skip files naming no model."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

import ahocorasick_rs

from gate.discover import refs, scanning
from gate.discover.calltable import CallTable, hosted_name_needles, load_table, strong_needles


@cache
def table() -> CallTable:
    """The Python call table."""
    return load_table("python_calls.yaml")


@cache
def _module_base_urls() -> Mapping[str, tuple[str, ...]]:
    # SDK-wide endpoint settings written as module attributes (openai.base_url = ...).
    return {
        "openai": ("openai.base_url", "openai.api_base"),
        "dashscope": ("dashscope.base_http_api_url",),
        "litellm": ("litellm.api_base",),
    }


# Needles that only say "a model-ish name may be here": a file matched by these alone is
# parsed only when it also holds a model-looking string literal.
_WEAK_NEEDLES = (
    "MODEL", "model_name", "model_id", "_model", "model=", "model =", "model:", '"model"',
    "'model'", "llm", "LLM",
)  # fmt: skip


@cache
def needles() -> tuple[bytes, ...]:
    """Byte strings one of which every interesting Python file contains."""
    words = strong_needles(table()) | set(_WEAK_NEEDLES) | hosted_name_needles()
    return tuple(sorted(w.encode() for w in words))


@cache
def _strong() -> ahocorasick_rs.BytesAhoCorasick:
    return ahocorasick_rs.BytesAhoCorasick(
        sorted(w.encode() for w in strong_needles(table())),
        matchkind=ahocorasick_rs.MatchKind.LeftmostFirst,
    )


def worth_parsing(data: bytes) -> bool:
    """Whether a file that passed the needle filter can name a model at all."""
    if scanning.holds(_strong(), data):
        return True
    return refs.has_model_literal(data)
