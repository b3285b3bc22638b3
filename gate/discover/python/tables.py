"""The Python call table and the byte filters that skip files naming no model."""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from functools import cache

import ahocorasick_rs

from gate.discover import refs, scanning
from gate.discover.calltable import CallTable, hosted_name_needles, load_table, strong_needles
from gate.discover.python import lexical


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
    return scanning.automaton(sorted(w.encode() for w in strong_needles(table())))


def worth_parsing(data: bytes) -> bool:
    """Whether a file that passed the needle filter can name a model at all: it may call
    what the call table knows (every word of one of its call names is written in its code),
    or it holds a model-looking or path-like string literal (a value the analysis could
    read under a model-ish name), or it posts a ``"model"`` body. An SDK name that appears
    only in docstrings and comments (``>>> pipe = Pipeline.from_pretrained("org/model")``,
    ``# Copied from transformers...``) or inside longer names (``is_transformers_available``)
    calls nothing (issue 15: three files in five of diffusers' candidates were such)."""
    if not scanning.holds(_strong(), data):
        return refs.has_model_literal(data, backticks=False) or _posts_a_model(data)
    if declared_encoding(data) is not None:
        return True  # bytes the lexer would not read as Python does: parsed
    seen = lexical.view(data)
    return (
        _may_call(seen.code)
        or refs.has_model_literal(seen.strings, backticks=False)
        or _PATH_LIKE.search(seen.strings) is not None
        or _posts_a_model(data)
    )


_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
"""PEP 263's source encoding declaration, on one of a file's first two lines."""
_LEXABLE = frozenset({"utf-8", "ascii", "latin-1", "iso8859-1"})


def declared_encoding(data: bytes) -> str | None:
    """The source encoding a file declares (PEP 263) when Python reads its bytes otherwise
    than as UTF-8 (or a single-byte ASCII superset) does: the file is to be decoded with it.
    Under ``# coding: utf-7`` the comment ``#+AAo-import transformers`` holds a newline and
    a line of code, which a byte lexer, or a decoding as UTF-8, sees as a comment: a file
    calling an SDK was skipped, silently. ``"utf-8"`` for a name Python does not know (it
    refuses the file: parsed as UTF-8, an error is recorded or the code is read)."""
    first = data.find(b"\n")
    second = data.find(b"\n", first + 1) if first >= 0 else -1
    # the first two lines only (splitting the whole file copied all of it, twice per file)
    for line in data[: second if second >= 0 else len(data)].split(b"\n"):
        found = _COOKIE.match(line)
        if found is not None:
            try:
                name = codecs.lookup(found.group(1).decode("ascii")).name
            except LookupError:
                return "utf-8"
            return None if name in _LEXABLE else name
    return None


_ESCAPE = rb"""abfnrtv0-7xNuU'"\n"""
_PATH_LIKE = re.compile(
    rb"""^(["'])(?:\\\\\\\\|\\\\[^\s"'/\\]+[/\\]|(?:[^\s"'/\\]|\\["""
    + _ESCAPE
    + rb"""])*(?:/|(?<=[\w:.~$}%\x80-\xff-])\\(?:\\|(?!["""
    + _ESCAPE
    + rb"""]))))[^\s"']*\1$""",
    re.MULTILINE,
)
"""A one-line literal without spaces holding a slash or a backslash between parts of a
path: a local model folder (``"/data/models/qwen"``, ``"./ckpt"``, ``f"{root}/models/x"``,
``"C:\\\\models"``, ``r"D:\\models"``, ``"\\\\\\\\server\\\\share"``), a URL, or a piece of a Hub id
that the analysis joins (``"meta-llama/" + name``), none of which is a model-looking
literal. Messages (``"see https://..."``) hold spaces; an escape (``"Examples:\\n"``) is no
separator, nor is the backslash of a regular expression (``r"\\s+"``, ``"\\\\)"``, ``r"(\\w+)"``),
which stands first or after an operator, not after a name. Read in the strings of the
lexer's view, where a raw literal's prefix is not seen: ``r"C:\\new"`` reads as an escape,
``r"C:\\new\\models"`` as a path. The part before the first separator cannot hold one (an
escape is not one), so a line is matched in one pass (a pattern free to split a run of
slashes anywhere took seconds on one hostile line of 20,000). A raw literal's network share
(``r"\\\\nas\\models"``) reads as two backslashes and a name, then a separator: the
analysis reads it as a folder (``local:/nas/models``), where a regular expression
(``"\\\\s+"``) has no second separator."""


_Needs = Mapping[str, tuple[frozenset[str], ...]]


@cache
def _call_needs() -> tuple[ahocorasick_rs.BytesAhoCorasick, _Needs]:
    """The sets of words one call the table knows needs written in a file's code, keyed by
    each set's longest word (its anchor: rarely written, so one search for the anchors
    finds the few sets worth checking). A call name's words (``transformers``,
    ``AutoModel``, ``from_pretrained`` for ``transformers.AutoModel.from_pretrained``; a
    wildcard part needs none); a client method's words (``chat``, ``completions``,
    ``create``) with, unless only clients have the method (``distinctive``), the module of
    a client of its family: a method called on a client the file does not make is read
    only when that SDK is imported (``calltable.unknown_client_spec``)."""
    calls = table()
    needs: set[frozenset[str]] = set()
    for spec in calls.calls:
        for pattern in spec.match:
            needs.add(_words(pattern))
    for fam in calls.clients.values():
        roots = {
            s.match[0].split(".", 1)[0] for s in calls.calls if s.client == fam.name and s.match
        }
        for method in fam.methods:
            words = _words(method)
            if method in fam.distinctive:
                needs.add(words)
            for module in roots:
                needs.add(words | _words(module))
    by_anchor: dict[str, list[frozenset[str]]] = {}
    for need in sorted(needs, key=sorted):
        # A name of wildcards alone needs no word: any file may make that call.
        anchor = max(sorted(need), key=len) if need else ""
        by_anchor.setdefault(anchor, []).append(need)
    automaton = scanning.automaton(
        [w.encode() for w in sorted(by_anchor)], ahocorasick_rs.MatchKind.LeftmostLongest
    )
    return automaton, {k: tuple(v) for k, v in by_anchor.items()}


def _words(name: str) -> frozenset[str]:
    return frozenset(p for p in name.split(".") if p and not any(c in p for c in "*?["))


_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def _written(code: bytes, word: bytes) -> bool:
    """Whether ``word`` is written in ``code`` as a whole name (``bytes.find`` is a fast
    scan; a regex with a look-behind first would test every position)."""
    end = len(code)
    at = code.find(word)
    while at >= 0:
        stop = at + len(word)
        if not (at and code[at - 1] in _WORD_BYTES) and not (
            stop < end and code[stop] in _WORD_BYTES
        ):
            return True
        at = code.find(word, at + 1)
    return False


def _may_call(code: bytes) -> bool:
    """Whether every word of some call the table knows is written in the code as a whole
    name (``transformers`` in ``is_transformers_available`` is not the module). The
    anchors' leftmost-longest matches find every whole-name occurrence of an anchor: a
    longer match hiding one would cover a letter beside it, and a name with a letter beside
    it is not whole. Bytes past ASCII count as no letter, so a name beside one is whole."""
    automaton, by_anchor = _call_needs()
    if "" in by_anchor:
        return True
    end = len(code)
    tried: set[str] = set()
    for _, start, stop in automaton.find_matches_as_indexes(code):
        if (start and code[start - 1] in _WORD_BYTES) or (stop < end and code[stop] in _WORD_BYTES):
            continue
        anchor = code[start:stop].decode()
        if anchor in tried:
            continue
        tried.add(anchor)
        for need in by_anchor[anchor]:
            if all(w == anchor or _written(code, w.encode()) for w in need):
                return True
    return False


def _posts_a_model(data: bytes) -> bool:
    """A raw request body with a ``"model"`` key whose value is a name, not a literal
    (``requests.post(API_URL, json={"model": MODEL})`` with both imported from the app's
    settings module): the model is resolved through that module."""
    return (b'"model"' in data or b"'model'" in data) and (
        b".post(" in data or b".request(" in data
    )
