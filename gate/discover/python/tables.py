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
    # SDK-wide endpoint settings written as module attributes (openai.base_url = ...) or as
    # the environment variable the SDK reads when no base URL is passed (os.environ[...] =
    # ...; openai-python reads OPENAI_BASE_URL, langchain-openai OPENAI_API_BASE and then the
    # openai client's OPENAI_BASE_URL, anthropic-sdk ANTHROPIC_BASE_URL; their READMEs and
    # sources, read 2026-12).
    openai_env = ("env:OPENAI_BASE_URL", "env:OPENAI_API_BASE")
    return {
        "openai": ("openai.base_url", "openai.api_base", *openai_env),
        "langchain-openai": openai_env,
        "anthropic": ("env:ANTHROPIC_BASE_URL",),
        "langchain-anthropic": ("env:ANTHROPIC_BASE_URL",),
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
    return refs.has_model_literal(data) or _posts_a_model(data)


def _posts_a_model(data: bytes) -> bool:
    """A raw request body with a ``"model"`` key whose value is a name, not a literal
    (``requests.post(API_URL, json={"model": MODEL})`` with both imported from the app's
    settings module): the model is resolved through that module."""
    return (b'"model"' in data or b"'model'" in data) and (
        b".post(" in data or b".request(" in data
    )
