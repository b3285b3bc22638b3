"""Hostile scanned sources (review of round 10's new code): work stays linear in the input,
counted, never timed."""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from gate import shipped
from gate.discover import polyglot
from gate.discover.configs import nginx
from gate.discover.javascript import analyser
from gate.discover.polyglot import analyser as polyglot_analyser
from gate.discover.python import tables
from tests.jshelp import js
from tests.jshelp import listed_ids as ids
from tests.treehelp import components


def _counting(
    monkeypatch: pytest.MonkeyPatch,
    owner: object,
    name: str,
    weigh: Callable[[Any], int] = lambda _: 1,
) -> list[int]:
    """Replace ``owner.name`` by itself, tallied: one per call, or ``weigh`` of what it
    returned. The tally is the returned list's only item."""
    real = getattr(owner, name)
    tally = [0]

    def counted(*args: Any) -> Any:
        out = real(*args)
        tally[0] += weigh(out)
        return out

    monkeypatch.setattr(owner, name, counted)
    return tally


def test_form_fields_work_is_linear_in_appends_and_bodies(monkeypatch: pytest.MonkeyPatch) -> None:
    # n appends of a model field and n requests passing the form as their body: each form's
    # URL is worked out once, not once per append over every request (n * n URL reads)
    n = 300
    calls = _counting(monkeypatch, analyser._Analyser, "_url_above")
    source = (
        "async function send(audio) {\n  const form = new FormData();\n"
        + '  form.append("model", "whisper-large-v3");\n' * n
        + '  await fetch("https://api.groq.com/openai/v1/audio/transcriptions", { body: form });\n'
        + '  await fetch("https://api.groq.com/openai/v1/audio/transcriptions", { body: form });\n'
        * (n - 1)
        + "}\n"
    )
    found = js(source, "upload.js")
    assert ("api:groq/whisper-large-v3", 3, False) in ids(found)
    assert calls[0] < 4 * n  # n * n before


def test_star_imports_are_tried_once_per_name_and_only_when_an_sdk_may_own_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # n unrelated star imports and n calls on n different class names: each name was tried
    # under every star import against the whole SDK table (500 of each: 20 s)
    n = 400
    asked = _counting(monkeypatch, polyglot_analyser.Analyser, "sdk_of")
    source = (
        "package demo;\n"
        + "".join(f"import vendor{i}.util.*;\n" for i in range(n))
        + "import dev.langchain4j.model.openai.*;\n"
        + "class Beans {\n  Object chat(String key) {\n"
        + "".join(f"    Helper{i}.run(Value{i}.ONE);\n" for i in range(n))
        + '    return OpenAiChatModel.builder().apiKey(key).modelName("gpt-4o-mini").build();\n'
        + "  }\n}\n"
    )
    outcome = polyglot.analyse_file("src/Beans.java", source.encode())
    assert outcome.skipped == []
    assert "api:openai/gpt-4o-mini" in {ev.identity for ev in outcome.evidence}
    assert asked[0] < 20 * n  # n * n before


def test_nested_arguments_are_not_each_read_whole_as_constants(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # g(f(f(f(x).y).y).y) thousands deep in a file importing an SDK's constants: every level
    # is an argument, and each was read whole (its text, stripped) to see if it names one
    depth = 3000
    read = _counting(monkeypatch, polyglot_analyser, "_text", weigh=len)
    expr = "x"
    for _ in range(depth):
        expr = f"f({expr}).y"
    source = (
        "package demo;\nimport dev.langchain4j.model.openai.*;\n"
        f"class C {{ void m() {{ g({expr}); }} }}\n"
        "class D { Object e() { return OpenAiImageModel.builder()"
        ".modelName(OpenAiImageModelName.DALL_E_2).build(); } }\n"
    )
    outcome = polyglot.analyse_file("src/C.java", source.encode())
    assert "api:openai/dall-e-2" in {ev.identity for ev in outcome.evidence}
    assert read[0] < 100 * len(source)  # about depth * len / 2 before


@pytest.mark.parametrize(
    "form", [b"[" * 100_000, b"{" + b'"a":{' * 100_000, b"\xff\xfe{}", b'{"source_sha256": []}']
)
def test_a_corrupted_compiled_form_is_refused_not_raised(
    form: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = resources.files

    class _Corrupted:
        def joinpath(self, name: str) -> _Corrupted:
            return self

        def read_bytes(self) -> bytes:
            return form

    monkeypatch.setattr(resources, "files", lambda p: _Corrupted() if p == "gate" else real(p))
    assert shipped._compiled_values("_compiled/resolve/data/regions.json", b"a: 1\n") is None


def _through_reference(path: str, routes: list[nginx.Route]) -> str | None:
    exact = [r for r in routes if r[2] and r[0] == path]
    taking = [r for r in routes if not r[2] and path.startswith(r[0])]
    best = exact[0] if exact else max(taking, key=lambda r: len(r[0]), default=None)
    if best is None:
        return None
    prefix, target, _ = best
    host_end = target.find("/", target.index("://") + 3)
    return target + path if host_end < 0 else target + path[len(prefix) :]


def test_nginx_routes_are_matched_by_look_up_not_against_every_route() -> None:
    routes = [
        ("/llm/", "https://api.openai.com/", False),
        ("/llm/v2/", "https://api.anthropic.com/v1/", False),
        ("/llm/v2/", "https://other.example/", False),  # a second route of one prefix
        ("/claude", "https://api.anthropic.com", False),
        ("/llm/v2/messages", "https://exact.example/m", True),
        ("/", "http://app:3000/", False),
    ]
    paths = ["/llm/v1/chat", "/llm/v2/messages", "/llm/v2/x", "/claudex", "/", "/other", ""]
    for path in paths:
        assert nginx.through(path, routes) == _through_reference(path, routes), path
    # 50,000 locations and 50,000 request paths: every path against every route was 2.5e9
    # comparisons (minutes); the look-ups are a few per path
    many = tuple((f"/p{i}/", "https://api.openai.com/", False) for i in range(50_000))
    hits = sum(nginx.through(f"/p{i}/v1/chat/completions", many) is not None for i in range(50_000))
    assert hits == 50_000


def test_a_declared_source_encoding_is_how_the_file_is_read(tmp_path: Path) -> None:
    # under `# coding: utf-7` the comment holds an encoded newline (+AAo-): Python runs the
    # import and the call, which the byte lexer and a UTF-8 decoding saw as one comment
    hidden = (
        b"# coding: utf-7\n"
        b"import os #+AAo-from transformers import pipeline"
        b'+AAo-pipe = pipeline("text-generation", model="Qwen/Qwen2.5-7B-Instruct")\n'
    )
    assert tables.worth_parsing(hidden)
    (tmp_path / "app.py").write_bytes(hidden)
    assert "hf:Qwen/Qwen2.5-7B-Instruct@unpinned" in components(tmp_path)
    assert tables.declared_encoding(b"# -*- coding: utf-8 -*-\nx = 1\n") is None
    assert tables.declared_encoding(b"#!/usr/bin/env python\n# coding=latin-1\n") is None
    assert tables.declared_encoding(b"x = 1\n\n# coding: utf-7\n") is None  # third line
