"""JavaScript/TypeScript references with tree-sitter."""

from __future__ import annotations

import textwrap
from pathlib import Path

from gate.discover import javascript, refs
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.model import Confidence, Evidence


def scan(source: str, name: str = "app.ts") -> list[Evidence]:
    outcome = javascript.analyse_file(name, textwrap.dedent(source).encode())
    assert outcome.skipped == []
    return refs.dedupe(outcome.evidence)


def test_openai_client_with_base_url_and_this_field() -> None:
    found = scan(
        """
        import OpenAI from "openai";
        class Bot {
          client = new OpenAI({ baseURL: "https://api.siliconflow.cn/v1" });
          ask(q: string) {
            return this.client.chat.completions.create({ model: "Qwen/Qwen2.5-72B", messages: [] });
          }
        }
        """
    )
    assert [ev.identity for ev in found] == ["api:siliconflow/Qwen/Qwen2.5-72B"]
    assert found[0].attributes["host"] == "api.siliconflow.cn"
    assert (found[0].location.line, found[0].location.column) == (6, 57)


def test_commonjs_require_and_shorthand_and_defaults() -> None:
    found = scan(
        """
        const { Ollama } = require("ollama");
        const client = new Ollama({ host: "http://127.0.0.1:11434" });
        async function run(model = "qwen2.5:7b") {
          return client.chat({ model, messages: [] });
        }
        """,
        name="run.js",
    )
    assert [(ev.identity, ev.attributes["flow"]) for ev in found] == [
        ("ollama:qwen2.5:7b", "parameter-default")
    ]


def test_vercel_ai_providers_and_gateway_strings() -> None:
    found = scan(
        """
        import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
        import { google } from "@ai-sdk/google";
        import { generateText } from "ai";
        const zhipu = createOpenAICompatible({
          name: "zhipu",
          baseURL: "https://open.bigmodel.cn/api/paas/v4",
        });
        generateText({ model: zhipu.chatModel("glm-4-plus"), prompt: "x" });
        generateText({ model: google("gemini-1.5-pro"), prompt: "x" });
        generateText({ model: "xai/grok-3", prompt: "x" });
        """
    )
    got = {ev.identity: ev.attributes.get("host") for ev in found}
    assert got == {
        "api:zhipu/glm-4-plus": "open.bigmodel.cn",
        "api:google/gemini-1.5-pro": "generativelanguage.googleapis.com",
        "api:vercel/xai/grok-3": "ai-gateway.vercel.sh",
    }


def test_env_default_and_template_strings() -> None:
    found = scan(
        """
        import { pipeline } from "@xenova/transformers";
        const ORG = "Xenova";
        const task = process.env.TASK_MODEL || "Xenova/bert-base-NER";
        pipeline("token-classification", task);
        pipeline("feature-extraction", `${ORG}/all-MiniLM-L6-v2`);
        """,
        name="x.mjs",
    )
    got = {ev.identity: (ev.confidence, ev.attributes.get("env_var")) for ev in found}
    assert got == {
        "hf:Xenova/bert-base-NER@unpinned": (Confidence.MEDIUM, "TASK_MODEL"),
        "hf:Xenova/all-MiniLM-L6-v2@unpinned": (Confidence.HIGH, None),
    }


def test_comments_props_and_unrelated_objects_are_not_references() -> None:
    found = scan(
        """
        // const r = await openai.chat.completions.create({ model: "gpt-4o" })
        const car = { model: "Model 3", make: "Tesla" };
        const model = "sedan";
        export default function View() { return <div data-model="gpt-4o">{model}</div>; }
        """,
        name="view.tsx",
    )
    assert found == []


def test_fetch_body_with_a_model_names_the_endpoint() -> None:
    found = scan(
        """
        await fetch("https://api.deepseek.com/chat/completions", {
          method: "POST",
          body: JSON.stringify({ model: "deepseek-chat", messages: [] }),
        });
        """
    )
    assert [(ev.identity, ev.confidence) for ev in found] == [
        ("api:deepseek/deepseek-chat", Confidence.MEDIUM)
    ]


def test_discover_skips_tests_minified_and_declaration_files(tmp_path: Path) -> None:
    call = (
        'import OpenAI from "openai";\nnew OpenAI().chat.completions.create({ model: "gpt-4o" });\n'
    )
    for name in ("src/a.ts", "src/a.test.ts", "dist/b.min.js", "types/c.d.ts"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(call)
    found = list(javascript.discover(Tree.walk(tmp_path), DiscoverContext()))
    assert [ev.location.path for ev in found] == ["src/a.ts"]


def test_a_client_the_file_does_not_make_is_not_assumed_to_be_openai() -> None:
    found = scan(
        """
        export class Svc {
          constructor(private client: any) {}
          async run() {
            return this.client.chat.completions.create({ model: "gpt-4o", messages: [] });
          }
        }
        """
    )
    assert [ev.identity for ev in found] == ["api:openai/gpt-4o"]
    ev = found[0]
    assert "host" not in ev.attributes and "sdk" not in ev.attributes
    assert ev.attributes["base_url_expr"] == "this.client"
    assert ev.confidence is Confidence.LOW


def test_the_ai_sdk_gateway_provider_serves_its_strings() -> None:
    found = scan(
        """
        import { gateway } from "ai";
        const DEFAULT_MODEL = "anthropic/some-claude-model-1";
        export function getModel() {
          return gateway(process.env.AI_MODEL ?? DEFAULT_MODEL);
        }
        """
    )
    assert {ev.identity for ev in found} == {"api:vercel/anthropic/some-claude-model-1"}


def test_a_catalogue_entrys_api_call_name_is_its_model_not_the_display_name() -> None:
    found = scan(
        """
        export const openaiModelDetails = [
          { name: "4o-Mini", apiCallName: "gpt-4o-mini-2024-07-18", reasoning: false },
          { name: "4.1", apiCallName: "gpt-4.1-2025-04-14", reasoning: false },
        ];
        """
    )
    assert sorted(ev.identity for ev in found) == [
        "api:openai/gpt-4.1-2025-04-14",
        "api:openai/gpt-4o-mini-2024-07-18",
    ]


def test_request_body_sent_to_a_host_and_port_without_scheme() -> None:
    # `localhost:11434/api/chat` is a URL the HTTP client is given (refs.is_request_url); a
    # body posted to the page's own origin (`/api/chat`) is the app's backend's to decide.
    found = scan(
        """
        const a = await fetch("localhost:11434/api/chat", {
          body: JSON.stringify({ model: "qwen2.5:7b" }),
        });
        const b = await fetch("/api/chat", { body: JSON.stringify({ model: "qwen2.5:7b" }) });
        """
    )
    assert [(ev.identity, ev.location.line) for ev in found] == [("ollama:qwen2.5:7b", 3)]
    assert found[0].attributes["base_url"] == "localhost:11434/api/chat"
