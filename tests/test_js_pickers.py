"""JS/TS/HTML front end: model pickers in markup, gateway-namespaced catalogues, third-party
serving of Hub-style ids and Ollama reached from JS (issue 12, hand-written cases)."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.discover import javascript
from tests.jshelp import js, scan_tree
from tests.jshelp import listed_ids as ids

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
    # one 880 KB line: the minified-markup bound stops it before the markup reader
    assert outcome.skipped == [("evil.html", "minified or bundled markup: not parsed")]


# ---- class 2: gateway-namespaced catalogues ---------------------------------------------------


def test_a_gateway_catalogue_is_served_by_the_gateway_the_app_fetches(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "src/models.ts": """\
                export const MODEL_OPTIONS = [
                  { id: "openai/gpt-4o", label: "GPT-4o" },
                  { id: "anthropic/claude-3.5-sonnet", label: "Sonnet" },
                  { id: "mistral/mistral-large", label: "Large" },
                ];
                """,
            "src/chat.ts": """\
                export async function send(model: string, messages: unknown[]) {
                  const base = "https://openrouter.ai/api/v1";
                  return fetch(`${base}/chat/completions`, {
                    method: "POST",
                    body: JSON.stringify({ model: "google/gemini-2.0-flash-001", messages }),
                  });
                }
                """,
        },
    )
    assert sorted((ev.identity, ev.attributes.get("listed") is True) for ev in found) == [
        ("api:openrouter/anthropic/claude-3.5-sonnet", True),
        ("api:openrouter/google/gemini-2.0-flash-001", False),
        ("api:openrouter/mistral/mistral-large", True),
        ("api:openrouter/openai/gpt-4o", True),
    ]


def test_maker_prefixed_names_stay_the_makers_without_a_gateway(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "src/models.ts": """\
                export const MODEL_OPTIONS = [
                  { id: "openai/gpt-4o" },
                  { id: "mistral/mistral-large" },
                ];
                """,
        },
    )
    assert sorted(ev.identity for ev in found) == ["api:mistral/mistral-large", "api:openai/gpt-4o"]


def test_a_provider_named_key_serves_the_names_nested_under_it() -> None:
    found = js(
        """
        export const MODEL_COSTS = {
          groq: {
            "deepseek-r1-distill-llama-70b": { input: 0.1, output: 0.2 },
            "meta-llama/llama-4-scout-17b-16e-instruct": { input: 0.1, output: 0.2 },
          },
          anthropic: { "claude-3-5-haiku-latest": { input: 1, output: 2 } },
        };
        """
    )
    assert [ev.identity for ev in found] == [
        "api:groq/deepseek-r1-distill-llama-70b",
        "api:groq/meta-llama/llama-4-scout-17b-16e-instruct",
        "api:anthropic/claude-3-5-haiku-latest",
    ]


def test_an_ai_sdk_model_string_imported_from_another_module_goes_to_the_gateway(
    tmp_path: Path,
) -> None:
    found = scan_tree(
        tmp_path,
        {
            "src/lib/ai.ts": """\
                // provider/model strings go through the AI Gateway
                export const model = "anthropic/claude-sonnet-4" as const;
                """,
            "src/app/api/route.ts": """\
                import { generateText } from "ai";
                import { model } from "@/lib/ai";
                export async function POST(req: Request) {
                  const { text } = await generateText({ model, prompt: await req.text() });
                  return new Response(text);
                }
                """,
        },
    )
    assert [(ev.identity, ev.location.path, ev.location.line) for ev in found] == [
        ("api:vercel/anthropic/claude-sonnet-4", "src/lib/ai.ts", 2)
    ]


# ---- class 3: Hub-style ids and provider id shapes served by third parties -------------------


def test_an_id_shape_of_one_provider_is_its_model_whatever_client_sends_it() -> None:
    found = js(
        """
        export const MODEL_CONFIG = {
          "maverick": {
            label: "Llama 4 Maverick",
            provider: "openai",
            modelId: "accounts/fireworks/models/llama4-maverick-instruct-basic",
          },
        };
        import OpenAI from "openai";
        const client = new OpenAI({ baseURL: process.env.LLM_BASE });
        const m = "accounts/acme/deployedModels/qwen3-8b-ft";
        client.chat.completions.create({ model: m, messages: [] });
        """
    )
    assert [ev.identity for ev in found] == [
        "api:fireworks/accounts/fireworks/models/llama4-maverick-instruct-basic",
        "api:fireworks/accounts/acme/deployedModels/qwen3-8b-ft",
    ]


def test_langchain_community_third_party_chat_models_serve_hub_ids() -> None:
    found = js(
        """
        import { ChatTogetherAI } from "@langchain/community/chat_models/togetherai";
        import { ChatFireworks } from "@langchain/community/chat_models/fireworks";
        const a = new ChatTogetherAI({ model: "meta-llama/Llama-3.3-70B-Instruct-Turbo" });
        const b = new ChatFireworks({ model: "accounts/fireworks/models/qwen3-235b-a22b" });
        """,
        name="graph.js",
    )
    assert [ev.identity for ev in found] == [
        "api:together/meta-llama/Llama-3.3-70B-Instruct-Turbo",
        "api:fireworks/accounts/fireworks/models/qwen3-235b-a22b",
    ]


# ---- class 4: Ollama reached from JS ------------------------------------------------------------


def test_a_request_body_in_a_variable_goes_where_its_env_named_url_points() -> None:
    found = js(
        """
        import axios from "axios";
        class App {
          baseUrl = import.meta.env.VITE_OLLAMA_BASE_URL;
          send = async () => {
            const requestBody = { model: "moondream", messages: [], stream: false };
            const endpoint = this.baseUrl + "/chat";
            return axios.post(endpoint, requestBody);
          };
        }
        """,
        name="App.tsx",
    )
    assert [ev.identity for ev in found] == ["ollama:moondream:latest"]


def test_a_menu_of_bare_names_in_a_file_whose_requests_go_to_ollama() -> None:
    found = js(
        """
        class App {
          baseUrl = import.meta.env.VITE_OLLAMA_BASE_URL;
          state = { models: ["moondream", "llava"], theme: ["light", "dark"] };
          send = async () => {
            const body = { model: "moondream", stream: false };
            return axios.post(this.baseUrl + "/chat", body);
          };
        }
        """,
        name="App.tsx",
    )
    assert ids(found) == [
        ("ollama:llava:latest", 4, True),
        ("ollama:moondream:latest", 4, True),
        ("ollama:moondream:latest", 6, False),
    ]


def test_bare_names_stay_unread_when_requests_go_elsewhere() -> None:
    found = js(
        """
        const MODELS = ["moondream", "llava"];
        fetch("https://api.groq.com/openai/v1/chat/completions", {
          body: JSON.stringify({ model: "llama-3.1-8b-instant" }),
        });
        """,
        name="x.js",
    )
    assert [ev.identity for ev in found] == ["api:groq/llama-3.1-8b-instant"]


def test_a_request_handed_to_the_apps_function_named_for_a_provider() -> None:
    found = js(
        """
        function generateWithOllama(data) {
          return chrome.runtime.sendMessage({ type: "generate", data });
        }
        generateWithOllama({ model: "llama3.2", prompt: "hi", stream: false });
        log({ model: "llama3.2" });
        """,
        name="content.js",
    )
    assert [(ev.identity, ev.location.line) for ev in found] == [("ollama:llama3.2:latest", 5)]


def test_a_bare_name_in_a_body_for_an_unknown_endpoint_names_nothing() -> None:
    found = js(
        """
        const body = { model: "moondream" };
        axios.post(import.meta.env.VITE_API_URL + "/chat", body);
        """,
        name="x.js",
    )
    assert found == []


def test_a_model_and_endpoint_imported_from_a_settings_module(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "api/config.js": """\
                export const BASE_URL = "https://api.siliconflow.cn/v1";
                export const MODEL = "deepseek-ai/DeepSeek-V3";
                """,
            "api/generate.js": """\
                import OpenAI from "openai";
                import { BASE_URL, MODEL } from "./config.js";
                const client = new OpenAI({ baseURL: BASE_URL });
                client.chat.completions.create({ model: MODEL, messages: [] });
                """,
        },
    )
    assert [(ev.identity, ev.location.path) for ev in found] == [
        ("api:siliconflow/deepseek-ai/DeepSeek-V3", "api/config.js")
    ]


def test_a_name_a_catalogue_places_under_a_provider_is_that_providers_everywhere_listed(
    tmp_path: Path,
) -> None:
    found = scan_tree(
        tmp_path,
        {
            "lib/registry.ts": """\
                export const MODEL_COSTS = {
                  groq: {
                    "deepseek-r1-distill-llama-70b": { input: 1 },
                    "qwen-qwq-32b": { input: 1 },
                  },
                };
                export const MODEL_TIERS = { basic: { models: ["qwen-qwq-32b", "gpt-4o-mini"] } };
                """,
            "backend/registry.py": """\
                MODEL_METADATA = {"deepseek-r1-distill-llama-70b": {"display_name": "R1 Distill"}}
                """,
        },
    )
    assert sorted((ev.identity, ev.location.path, ev.location.line) for ev in found) == [
        ("api:groq/deepseek-r1-distill-llama-70b", "backend/registry.py", 1),
        ("api:groq/deepseek-r1-distill-llama-70b", "lib/registry.ts", 3),
        ("api:groq/qwen-qwq-32b", "lib/registry.ts", 4),
        ("api:groq/qwen-qwq-32b", "lib/registry.ts", 7),
        ("api:openai/gpt-4o-mini", "lib/registry.ts", 7),
    ]


def test_a_picker_is_served_by_the_one_provider_a_raw_request_reaches(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "src/models.js": """\
                export const MODELS = [
                  { id: "openai/gpt-oss-120b", name: "GPT OSS 120B" },
                  { id: "llama-3.3-70b-versatile", name: "Llama 3.3" },
                ];
                """,
            "src/groq.js": """\
                export const chat = async (apiKey, model, messages) =>
                  fetch("https://api.groq.com/openai/v1/chat/completions", {
                    method: "POST",
                    body: JSON.stringify({ model: model, messages }),
                  });
                """,
        },
    )
    assert sorted(ev.identity for ev in found) == [
        "api:groq/llama-3.3-70b-versatile",
        "api:groq/openai/gpt-oss-120b",
    ]


def test_a_provider_the_app_implements_over_raw_requests_serves_where_it_posts(
    tmp_path: Path,
) -> None:
    found = scan_tree(
        tmp_path,
        {
            "lib/providers/compat.ts": """\
                export function compatModel(model: string) {
                  return {
                    doGenerate: async (prompt: string) =>
                      fetch("https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions", {
                        method: "POST",
                        body: JSON.stringify({ model, messages: [prompt] }),
                      }),
                  };
                }
                """,
            "lib/models.ts": """\
                import { compatModel } from "./providers/compat";
                export const DEFAULT_CHAT_MODEL = "deepseek-r1";
                export const provider = { "deepseek-r1": compatModel("deepseek-r1") };
                """,
        },
    )
    assert sorted((ev.identity, ev.location.line) for ev in found) == [
        ("api:alibaba/deepseek-r1", 2),
        ("api:alibaba/deepseek-r1", 3),
    ]


def test_an_xmlhttprequest_body_goes_where_the_request_was_opened() -> None:
    found = js(
        """
        function ask(messages) {
          const xhr = new XMLHttpRequest();
          const json = JSON.stringify({ model: "gemma2", messages, stream: true });
          xhr.open("POST", "http://localhost:11434/api/chat");
          xhr.setRequestHeader("Content-Type", "application/json");
          xhr.send(json);
        }
        """,
        name="chat.js",
    )
    assert [(ev.identity, ev.location.line) for ev in found] == [("ollama:gemma2:latest", 4)]


def test_cerebras_sdk_serves_its_names() -> None:
    found = js(
        """
        const Cerebras = require("@cerebras/cerebras_cloud_sdk");
        const client = new Cerebras({ apiKey: process.env.CEREBRAS_API_KEY });
        client.chat.completions.create({ model: "llama-4-scout-17b-16e-instruct", messages: [] });
        """,
        name="c.js",
    )
    assert [ev.identity for ev in found] == ["api:cerebras/llama-4-scout-17b-16e-instruct"]


def test_a_hugging_face_inference_call_routed_to_a_provider_is_served_there() -> None:
    found = js(
        """
        import { InferenceClient, chatCompletion } from "@huggingface/inference";
        const hf = new InferenceClient(process.env.HF_TOKEN);
        const r1 = "deepseek-ai/DeepSeek-R1";
        await hf.chatCompletion({ provider: "together", model: r1, messages: [] });
        await hf.chatCompletion({ model: "Qwen/Qwen2.5-7B-Instruct", messages: [] });
        const l8 = "meta-llama/Llama-3.1-8B-Instruct";
        await chatCompletion({ provider: "fireworks-ai", model: l8 });
        await hf.chatCompletion({ provider: "hf-inference", model: "google/gemma-2-2b-it" });
        """
    )
    assert [ev.identity for ev in found] == [
        "api:together/deepseek-ai/DeepSeek-R1",
        "api:huggingface/Qwen/Qwen2.5-7B-Instruct",
        "api:fireworks/meta-llama/Llama-3.1-8B-Instruct",
        "api:huggingface/google/gemma-2-2b-it",
    ]


def test_an_html_picker_is_served_where_the_apps_request_goes(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "index.html": """\
                <select id="model-select">
                  <option value="meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo">Llama</option>
                </select>
                <script src="api.js"></script>
                """,
            "api.js": """\
                async function complete(model, messages) {
                  const url = "https://api.together.xyz/v1/chat/completions";
                  const options = { method: "POST", body: JSON.stringify({ model, messages }) };
                  return fetch(url, options);
                }
                """,
        },
    )
    assert [(ev.identity, ev.location.path) for ev in found] == [
        ("api:together/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo", "index.html")
    ]


def test_request_following_is_bounded_on_crafted_code(monkeypatch: pytest.MonkeyPatch) -> None:
    # thousands of bodies bound to one name and posted thousands of times, and a URL built
    # from a long chain of bindings: every look-up stays within the file's budget
    from gate.discover.javascript.analyser import _Analyser

    asked: list[int] = []
    url_above = _Analyser._url_above

    def counted(self: _Analyser, start: object) -> str | None:
        asked.append(1)
        return url_above(self, start)  # type: ignore[arg-type]

    monkeypatch.setattr(_Analyser, "_url_above", counted)
    chain = "".join(f"const u{i} = u{i - 1} + '/x';\n" for i in range(1, 3000))
    bodies = "const body = { model: 'moondream' };\naxios.post(u2999, body);\n" * 3000
    source = "const u0 = import.meta.env.VITE_OLLAMA_BASE_URL;\n" + chain + bodies
    outcome = javascript.analyse_file("crafted.js", source.encode())
    assert len(outcome.evidence) <= 3000
    # each body asks its own call, and the calls sending its name are asked once for all
    # of them (it was every call for every body: 9 M look-ups, half a minute)
    assert 0 < len(asked) <= 2 * 3000


def test_a_picker_of_the_apps_own_model_aliases_names_no_model(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "lib/ai/providers.ts": """\
                import { customProvider } from "ai";
                import { deepseek } from "@ai-sdk/deepseek";
                export const myProvider = customProvider({
                  languageModels: { "deepseek-chat": deepseek("deepseek-reasoner") },
                });
                """,
            "lib/ai/models.ts": """\
                export const chatModels = [
                  { id: "deepseek-chat", name: "DeepSeek" },
                  { id: "gpt-4o-mini", name: "Mini" },
                ];
                """,
        },
    )
    assert sorted((ev.identity, ev.location.path) for ev in found) == [
        ("api:deepseek/deepseek-reasoner", "lib/ai/providers.ts"),
        ("api:openai/gpt-4o-mini", "lib/ai/models.ts"),
    ]


def test_an_app_function_named_for_a_provider_wrapping_an_unknown_sdk(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "lib/providers/bailian.ts": """\
                export function bailian(model: string) {
                  return loadSdk().then((sdk) => sdk.chat(model));
                }
                export const helper = (s: string) => s.length;
                """,
            "lib/models.ts": """\
                import { bailian, helper } from "./providers/bailian";
                export const long = bailian("qwen-max-longcontext");
                export const n = helper("gpt-4o");
                """,
        },
    )
    assert [(ev.identity, ev.location.line) for ev in found] == [
        ("api:alibaba/qwen-max-longcontext", 2)
    ]


def test_a_platform_block_serves_the_model_list_under_it() -> None:
    found = js(
        """
        module.exports = {
          model_list: {
            "Ali_DashScope": {
              platform_name: "Bailian",
              list: [{ type: "llm", version: "deepseek-r1" }],
            },
            "Baidu_QianFan": { list: [{ type: "llm", version: "deepseek-r1" }] },
            "TT_Volcengine": { list: [{ type: "llm", version: "deepseek-v3-250324" }] },
          },
        };
        """,
        "config.js",
    )
    assert sorted(ev.identity for ev in found) == [
        "api:alibaba/deepseek-r1",
        "api:baidu/deepseek-r1",
        "api:volcengine/deepseek-v3-250324",
    ]


def test_hub_ids_of_a_file_that_only_reaches_siliconflow_are_served_by_it() -> None:
    found = js(
        """
        const config = {
          endpoint: "https://api.siliconflow.cn/v1/chat/completions",
          model: "Qwen/Qwen3-8B",
        };
        const DEFAULT_AI_MODEL = "Qwen/Qwen3-8B";
        const AVAILABLE_AI_MODELS = ["Qwen/Qwen3-8B", "THUDM/GLM-Z1-9B-0414",
          "Pro/deepseek-ai/DeepSeek-V3"];
        """
    )
    assert sorted({ev.identity for ev in found}) == [
        "api:siliconflow/Pro/deepseek-ai/DeepSeek-V3",
        "api:siliconflow/Qwen/Qwen3-8B",
        "api:siliconflow/THUDM/GLM-Z1-9B-0414",
    ]


def test_hub_ids_stay_on_the_hub_when_the_file_reaches_two_hosts() -> None:
    found = js(
        """
        const urls = ["https://api.siliconflow.cn/v1", "https://api.openai.com/v1"];
        const AVAILABLE_MODELS = ["Qwen/Qwen3-8B"];
        """
    )
    assert [ev.identity for ev in found] == ["hf:Qwen/Qwen3-8B@unpinned"]


def test_a_transformers_js_pipeline_through_a_dynamic_import_names_its_hub_model() -> None:
    found = js(
        """
        let pipeline: any = null;
        async function load() {
          const transformers = await import("@xenova/transformers");
          pipeline = transformers.pipeline;
          return { pipeline };
        }
        async function init() {
          const { pipeline: make } = await load();
          return make("feature-extraction", "Xenova/all-MiniLM-L6-v2");
        }
        """
    )
    assert [ev.identity for ev in found] == ["hf:Xenova/all-MiniLM-L6-v2@unpinned"]


def test_a_dashscope_qwen1_5_name_in_a_picker_is_alibabas() -> None:
    found = js(
        """
        const state = { modelList: [{ name: "Qwen1.5 110B", modelName: "qwen1.5-110b-chat" }] };
        """
    )
    assert [ev.identity for ev in found] == ["api:alibaba/qwen1.5-110b-chat"]


def test_markup_nested_past_the_bound_is_a_recorded_skip_never_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 20,000 unclosed <select> on their own lines: tree-sitter-html copies its open-tag stack
    # at every token (minutes of work); the one-pass depth count stops it before any parse
    import gate.discover.javascript as js_front

    parsed: list[str] = []
    monkeypatch.setattr(js_front, "read_markup", lambda rel, *a: parsed.append(rel))
    many = "<select id='model'>\n" * 20_000 + "<option value='gpt-4o'>\n" * 20_000
    outcome = javascript.analyse_file("evil.html", many.encode())
    assert parsed == []
    assert outcome.evidence == []
    assert outcome.skipped == [
        ("evil.html", "markup nesting more than 1000 open elements: not parsed")
    ]


def test_optional_end_tags_and_closed_elements_do_not_count_as_depth() -> None:
    # thousands of <option> without end tags (HTML lets a writer leave them out) and deep but
    # closed <div>s are a page like any other: read, and its menu found
    options = "".join(f"<option value='acme-{i}'>Acme {i}\n" for i in range(3_000))
    divs = "<div>" * 900 + "</div>" * 900
    page = f"{divs}\n<select id='model'>\n<option value='gpt-4o'>GPT-4o\n{options}</select>\n"
    outcome = javascript.analyse_file("page.html", page.encode())
    assert outcome.skipped == []
    assert {ev.identity for ev in outcome.evidence} == {"api:openai/gpt-4o"}
