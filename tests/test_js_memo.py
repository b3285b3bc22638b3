"""The JS/TS analysis reads each call's callee, its text and each pair's key once (issue 15:
several passes asked them of every call and pair); the kept answers are the ones a fresh
reading gives."""

from __future__ import annotations

import textwrap

import pytest
import tree_sitter

from gate.discover.calltable import CallTable, ClientFamily
from gate.discover.javascript import _language, _query, tables
from gate.discover.javascript.analyser import _Analyser
from gate.discover.javascript.nodes import _text

_SOURCE = textwrap.dedent(
    """
    import OpenAI from "openai";
    import * as ai from "ai";
    import { createOpenAI as make } from "@ai-sdk/openai";
    const client = new OpenAI({ baseURL: process.env.BASE ?? "https://api.example.com/v1" });
    const provider = make({ apiKey: "k" });
    const chat = (client).chat.completions;
    export async function ask(model = "gpt-4o") {
      const body = { model, "messages": [], [dynamic]: 1, 'quoted-key': "x" };
      await fetch("https://api.example.com/v1/chat", { body: JSON.stringify(body) });
      await chat.create({ model: "gpt-4o-mini", messages: [] });
      await ai.generateText({ model: provider("gpt-4.1") });
      const [value, setValue] = useState("claude-3-5-haiku-latest");
      return (getClient() as any).embeddings.create({ model: "text-embedding-3-small" });
    }
    promise.then((x) => x).catch(() => null).finally(() => done());
    """
).encode()


def _analysed() -> _Analyser:
    root = tree_sitter.Parser(_language(".ts")).parse(_SOURCE).root_node
    analyser = _Analyser("app.ts", _SOURCE, root, _query(".ts"))
    analyser.run()
    return analyser


def test_kept_answers_are_a_fresh_readings() -> None:
    analyser = _analysed()
    assert analyser.calls and analyser.pairs
    for call in analyser.calls:
        callee = analyser._callee(call)
        for _ in range(2):  # the first asking keeps the answer, the second reads it
            assert analyser._qualname(callee) == analyser._qualname_at(callee, 0)
            assert analyser._func_text(call) == _text(call.child_by_field_name("function"))
    for pair in analyser.pairs:
        for _ in range(2):
            assert analyser._key(pair) == analyser._key_of(pair)
    assert analyser._quals  # kept once the bindings were indexed


def test_no_qualified_name_is_kept_before_the_bindings_are_indexed() -> None:
    root = tree_sitter.Parser(_language(".ts")).parse(_SOURCE).root_node
    analyser = _Analyser("app.ts", _SOURCE, root, _query(".ts"))
    assert analyser._quals is None
    analyser._qualname(root)
    assert analyser._quals is None


def test_a_method_no_client_has_is_refused_before_its_chain_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    table = tables.table()
    asked: list[str] = []
    families = CallTable.families

    def spy(self: CallTable, method: str) -> list[ClientFamily]:
        asked.append(method)
        return families(self, method)

    monkeypatch.setattr(CallTable, "families", spy)
    analyser = _analysed()
    ends = table.method_ends()
    assert asked, "the client calls of the source were looked up"
    assert all(m.rsplit(".", 1)[-1] in ends for m in asked)
    # ... and the client's own call still names its model
    assert any(ev.identity.endswith("gpt-4o-mini") for ev in analyser.found)


def test_a_nodes_text_read_from_the_files_bytes_is_its_own() -> None:
    analyser = _analysed()
    stack = [analyser.root]
    while stack:
        node = stack.pop()
        assert analyser._source(node) == _text(node)
        stack.extend(node.children)
    assert analyser._source(None) == ""


def test_a_factory_named_callee_is_read_however_it_is_written() -> None:
    from tests.jshelp import js

    cases = {
        'createArkModel("deepseek-v3-1-250821")': "api:volcengine/deepseek-v3-1-250821",
        '(getGroqLLM as any)("llama-3.1-8b-instant")': "api:groq/llama-3.1-8b-instant",
        'llm.createArkModel("deepseek-v3-1-250821")': "api:volcengine/deepseek-v3-1-250821",
    }
    for call, identity in cases.items():
        assert [ev.identity for ev in js(f"const m = {call};")] == [identity], call
    assert js('const m = createThing("deepseek-chat");') == []
