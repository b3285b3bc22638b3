"""JS/TS/HTML front end: model pickers in markup, gateway-namespaced catalogues, third-party
serving of Hub-style ids and Ollama reached from JS (issue 12, hand-written cases)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from gate import pipeline
from gate.discover import javascript, refs
from gate.model import Evidence


def js(source: str, name: str = "app.ts") -> list[Evidence]:
    outcome = javascript.analyse_file(name, textwrap.dedent(source).encode())
    return refs.dedupe(outcome.evidence)


def ids(found: list[Evidence]) -> list[tuple[str, int | None, bool]]:
    return sorted(
        (ev.identity, ev.location.line, ev.attributes.get("listed") is True) for ev in found
    )


def scan_tree(tmp_path: Path, files: dict[str, str]) -> list[Evidence]:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    result = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    return [ev for ev in result.evidence if not ev.identity.startswith(("pkg:", "assistant:"))]


# ---- class 1: HTML model pickers ------------------------------------------------------------


def test_an_html_select_of_models_lists_its_options() -> None:
    found = js(
        """
        <html><body>
          <label for="llm">Model</label>
          <select id="llm-choice">
            <option value="gpt-4o-mini" selected>Mini</option>
            <option value="claude-3-5-haiku-20241022">Haiku</option>
            <option>o3-mini</option>
          </select>
          <select id="lang"><option value="en">English</option></select>
        </body></html>
        """,
        name="public/index.html",
    )
    assert ids(found) == [
        ("api:anthropic/claude-3-5-haiku-20241022", 6, True),
        ("api:openai/gpt-4o-mini", 5, True),
        ("api:openai/o3-mini", 7, True),
    ]


def test_a_datalist_and_a_vue_template_picker_are_listed() -> None:
    found = js(
        """
        <template>
          <input list="models" v-model="model" />
          <datalist id="models">
            <option value="deepseek-chat" />
          </datalist>
          <select v-model="selectedModel"><option value="gpt-4.1">GPT 4.1</option></select>
        </template>
        <script setup lang="ts">
        const endpoint = "https://api.deepseek.com/v1";
        </script>
        """,
        name="src/Picker.vue",
    )
    assert ids(found) == [("api:deepseek/deepseek-chat", 5, True), ("api:openai/gpt-4.1", 7, True)]


def test_a_select_not_about_models_and_markup_prose_name_nothing() -> None:
    found = js(
        """
        <p>We compared gpt-4o and claude-3-opus in our blog.</p>
        <select name="country"><option value="gpt-4">not a model menu</option></select>
        <!-- <select id="model"><option value="gpt-4">old</option></select> -->
        """,
        name="about.html",
    )
    assert found == []


def test_a_jsx_select_of_models_lists_its_options() -> None:
    found = js(
        """
        export function Picker() {
          return (
            <select name="model" onChange={(e) => setModel(e.target.value)}>
              <option value="gemini-2.0-flash">Flash</option>
              <option value="gemini-1.5-pro">Pro</option>
            </select>
          );
        }
        """,
        name="Picker.tsx",
    )
    assert ids(found) == [
        ("api:google/gemini-1.5-pro", 6, True),
        ("api:google/gemini-2.0-flash", 5, True),
    ]


def test_a_vue_script_block_is_read_as_code_at_its_own_lines() -> None:
    found = js(
        """
        <template><div>{{ answer }}</div></template>
        <script>
        import OpenAI from "openai";
        const client = new OpenAI({ baseURL: "https://api.together.xyz/v1" });
        client.chat.completions.create({ model: "Qwen/Qwen2.5-7B-Instruct-Turbo", messages: [] });
        </script>
        """,
        name="src/App.vue",
    )
    assert ids(found) == [("api:together/Qwen/Qwen2.5-7B-Instruct-Turbo", 6, False)]


def test_html_reading_is_bounded_on_hostile_markup() -> None:
    many = "<select id='model'>" * 20_000 + "<option value='gpt-4o'>" * 20_000
    outcome = javascript.analyse_file("evil.html", many.encode())
    assert len(outcome.evidence) <= 1
