"""Hostile scanned sources (review of round 11's changes): work stays linear in the input,
counted, never timed."""

from __future__ import annotations

from typing import Any

import pytest
import tree_sitter
import tree_sitter_javascript

from gate.discover import python
from gate.discover.javascript import analyser, markup, nodes
from tests.jshelp import js


class _Spy:
    """A syntax node's stand-in that counts the bytes its ``text`` copies."""

    def __init__(self, node: tree_sitter.Node, copied: list[int]) -> None:
        self._node, self._copied = node, copied

    def __getattr__(self, name: str) -> object:
        value = getattr(self._node, name)
        if name == "text":
            self._copied[0] += len(value or b"")
        return value

    def child_by_field_name(self, name: str) -> _Spy | None:
        child = self._node.child_by_field_name(name)
        return _Spy(child, self._copied) if child is not None else None


def test_the_default_export_check_does_not_copy_nested_left_sides() -> None:
    # `((x = 1).a = 1).a = 1 ...`: each assignment's left side holds every assignment below
    # it, so copying each left side's text to compare it with `module.exports` was quadratic
    # in the nesting (a 1.8 MB file: 23 s of copies); a span of another length is not read.
    n = 2_000
    source = ("(" * n + "x=1" + ").a=1" * n + ";\nmodule.exports = x;\n").encode()
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_javascript.language()))
    root = parser.parse(source).root_node
    copied = [0]
    stack = [root]
    found = []
    while stack:
        node = stack.pop()
        if node.type == "assignment_expression":
            exported = nodes._default_export(_Spy(node, copied))  # type: ignore[arg-type]
            if exported is not None:
                found.append(exported.text)
        stack.extend(node.children)
    assert found == [b"x"]
    assert copied[0] < 10 * len(source)  # n * n / 2 * 6 bytes before


def test_the_token_counter_rule_asks_a_bounded_number_of_scopes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # n nested functions each assigning `model`, in a file handing `model` to a token
    # counter: each value's function was looked up (a walk from the root per parent in
    # tree-sitter: 4 s at n = 4,000, minutes at the size limit); past a bound, a value is
    # read as any other, so every one is still reported.
    n = 500
    asked = [0]
    real = nodes._scope_of

    def counted(node: tree_sitter.Node) -> int:
        asked[0] += 1
        return real(node)

    monkeypatch.setattr(analyser, "_scope_of", counted)
    source = (
        'import { encodeChat } from "gpt-tokenizer";\nencodeChat(m, model);\n'
        + "function f() { const model = 'gpt-4o';\n" * n
        + "}" * n
        + "\n"
    )
    found = js(source, "count.ts")
    assert len([ev for ev in found if ev.identity == "api:openai/gpt-4o"]) == n
    assert asked[0] <= 2 * analyser._MAX_SCOPE_ASKS + 2  # n + 1 before


def test_what_an_object_names_beside_its_models_is_read_once_per_object(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # An object of n `model:` pairs: the provider and the endpoint named beside them were
    # looked for over every pair once per model pair (n * n pair reads: 12 s at n = 2,000,
    # hours at the size limit); each object is read once.
    n = 300
    read = [0]
    for name in ("_entry_provider", "_settings_endpoint"):
        real = getattr(analyser._Analyser, name)

        def counted(self: Any, node: tree_sitter.Node, real: Any = real) -> Any:
            read[0] += len(node.named_children)
            return real(self, node)

        monkeypatch.setattr(analyser._Analyser, name, counted)
    source = "const settings = {\n" + "  model: 'gpt-4o',\n" * n + "};\n"
    found = js(source, "settings.ts")
    assert len([ev for ev in found if ev.identity == "api:openai/gpt-4o"]) == n
    assert read[0] <= 4 * n  # 2 * n * n before


def test_a_page_of_many_endpoint_and_model_fields_reads_its_endpoints_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # n endpoint fields and n model text fields: "the page's only endpoint" was worked out
    # over every endpoint field once per model field (n * n); it is worked out once.
    n = 300
    walked = [0]

    class Counted(dict[str, str]):
        def values(self) -> Any:
            walked[0] += len(self)
            return super().values()

    real = markup._Reader.__init__

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        real(self, *args, **kwargs)
        self.urls = Counted()

    monkeypatch.setattr(markup._Reader, "__init__", init)
    source = (
        "<html><body>\n"
        + "".join(
            f'<input type="hidden" id="s{i}-base-url" value="https://api{i}.example.com/v1">\n'
            for i in range(n)
        )
        + '<input type="text" id="openai-model" value="gpt-4o">\n' * n
        + "</body></html>\n"
    )
    found = js(source, "page.html")
    assert any(ev.identity == "api:openai/gpt-4o" for ev in found)
    assert walked[0] <= 2 * n  # n * n before


def test_a_capitalised_model_sent_lower_cased_is_not_dropped_as_a_label() -> None:
    # A capitalised constant alone is read as a display label (recognise.core, this round):
    # the API refuses `GPT-4o`. Sent through `.lower()` / `.toLowerCase()` it is `gpt-4o`, and
    # the call was left naming nothing: a model hidden from the gate by its letter case.
    source = (
        "from openai import OpenAI\n"
        'MODEL = "GPT-4o"\n'
        "client = OpenAI()\n"
        "client.chat.completions.create(model=MODEL.lower(), messages=[])\n"
    )
    found = python.analyse_file("app.py", source.encode()).evidence
    assert [ev.identity for ev in found] == ["api:openai/gpt-4o"]
    found_js = js(
        'import OpenAI from "openai";\n'
        'const MODEL = "GPT-4o";\n'
        "const client = new OpenAI();\n"
        "await client.chat.completions.create({ model: MODEL.toLowerCase(), messages: [] });\n"
    )
    assert [ev.identity for ev in found_js] == ["api:openai/gpt-4o"]
