"""JS/TS serving classes measured on round 11's applications (issue 12): hand-written cases
of each pattern, no corpus code."""

from __future__ import annotations

from pathlib import Path

from tests.jshelp import js, scan_tree
from tests.jshelp import listed_ids as ids

# ---- a gateway's own router id: `openrouter/auto` ------------------------------------------


def test_a_gateways_own_id_is_the_gateways_wherever_it_is_written() -> None:
    found = js(
        """
        export const DEFAULT_SETTINGS = {
          openRouter: { apiKey: "", model: "openrouter/auto", max_tokens: 100 },
        };
        let currentModel = localStorage.getItem("model") || "openrouter/free";
        """
    )
    assert ids(found) == [
        ("api:openrouter/openrouter/auto", 3, False),
        ("api:openrouter/openrouter/free", 5, False),
    ]


def test_a_route_through_the_gateways_prefix_keeps_its_model() -> None:
    found = js(
        """
        const settings = { model: "openrouter/anthropic/claude-3.5-sonnet" };
        """
    )
    assert ids(found) == [("api:openrouter/anthropic/claude-3.5-sonnet", 2, False)]


# ---- a client the app's own module exports, and the env file's model it sends --------------


def test_a_client_required_from_the_apps_own_module_serves_its_calls(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "config/openai.js": """
                const OpenAI = require("openai");
                const client = new OpenAI({
                  apiKey: process.env.DASHSCOPE_API_KEY,
                  baseURL: "https://dashscope.aliyuncs.com/compatible-mode/v1",
                });
                module.exports = client;
                """,
            "controllers/chat.js": """
                const client = require("../config/openai");
                exports.chat = async (req, res) => {
                  const stream = await client.chat.completions.create({
                    model: process.env.MODEL_NAME || "deepseek-v3",
                    messages: req.body.messages,
                  });
                };
                """,
            ".env.example": "PORT=3008\nMODEL_NAME=deepseek-r1\nDASHSCOPE_API_KEY=your_key\n",
        },
    )
    # the env file's model is sent where the call reading MODEL_NAME sends its default
    assert sorted((ev.identity, ev.location.path) for ev in found) == [
        ("api:alibaba/deepseek-r1", ".env.example"),
        ("api:alibaba/deepseek-v3", "controllers/chat.js"),
    ]


def test_a_client_a_module_exports_as_default_serves_its_calls(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "src/llm.ts": """
                import OpenAI from "openai";
                export default new OpenAI({ baseURL: "https://api.siliconflow.cn/v1" });
                """,
            "src/ask.ts": """
                import llm from "./llm";
                export async function ask(q: string) {
                  const model = "Qwen/Qwen2.5-7B-Instruct";
                  return llm.chat.completions.create({ model, messages: [] });
                }
                """,
        },
    )
    assert [ev.identity for ev in found] == ["api:siliconflow/Qwen/Qwen2.5-7B-Instruct"]


def test_an_env_file_model_keeps_its_shape_when_the_calls_disagree(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "a.js": """
                import OpenAI from "openai";
                const ds = new OpenAI({ baseURL: "https://dashscope.aliyuncs.com/api/v1" });
                const gq = new OpenAI({ baseURL: "https://api.groq.com/openai/v1" });
                ds.chat.completions.create({ model: process.env.MODEL_NAME || "qwen-plus" });
                gq.chat.completions.create({ model: process.env.MODEL_NAME || "gemma2-9b-it" });
                """,
            ".env": "MODEL_NAME=deepseek-r1\n",
        },
    )
    assert ("api:deepseek/deepseek-r1", ".env") in {(ev.identity, ev.location.path) for ev in found}


# ---- a picker in a project reaching one aggregator ------------------------------------------


def test_an_open_release_no_table_lists_is_the_one_aggregators(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "lib/groq.ts": """
                import OpenAI from "openai";
                export const groq = new OpenAI({ baseURL: "https://api.groq.com/openai/v1" });
                """,
            "lib/models.ts": """
                export const models = [
                  { id: "qwen-qwq-32b", name: "QwQ (Alibaba Cloud)" },
                  { id: "compound-beta", name: "Compound (Groq)" },
                  { id: "qwen-max", name: "Qwen Max" },
                ];
                """,
        },
    )
    assert sorted(ev.identity for ev in found) == [
        # a hosted-only name of its maker's API stays its maker's
        "api:alibaba/qwen-max",
        "api:groq/compound-beta",
        "api:groq/qwen-qwq-32b",
    ]


# ---- a settings page: whose a menu's models are, and a text field's default -----------------


def test_a_menus_id_says_whose_models_it_offers_and_a_fields_default_is_offered() -> None:
    found = js(
        """
        <form>
          <select id="ollama-model" name="ollama-model">
            <option value="llama2"></option>
          </select>
          <input type="text" id="openrouter-model" value="anthropic/claude-3.5-sonnet"
                 placeholder="Enter model identifier">
          <input type="text" id="user-name" value="gpt-4o">
          <input type="text" id="model-filter" placeholder="qwen-max">
        </form>
        """,
        name="options.html",
    )
    assert ids(found) == [
        ("api:openrouter/anthropic/claude-3.5-sonnet", 6, True),
        ("ollama:llama2:latest", 4, True),
    ]


# ---- a settings object: the endpoint beside the model ---------------------------------------


def test_a_settings_objects_endpoint_serves_its_model() -> None:
    found = js(
        """
        async function load(saved) {
          this.settings = {
            modelUrl: saved.modelUrl || "https://api.siliconflow.cn/v1/chat/completions",
            modelName: saved.modelName || "MiniMaxAI/MiniMax-M2",
            apiType: saved.apiType || "anthropic",
          };
          this.local = { homepageUrl: "https://example.org", model: "Qwen/Qwen2.5-7B-Instruct" };
        }
        """,
        name="content-script.js",
    )
    assert sorted((ev.identity, ev.location.line) for ev in found) == [
        ("api:siliconflow/MiniMaxAI/MiniMax-M2", 5),
        # a URL that is no provider's endpoint says nothing of the model beside it
        ("hf:Qwen/Qwen2.5-7B-Instruct@unpinned", 8),
    ]


# ---- a client at a host no table knows: the project's one server ----------------------------


_RESELLER_CLIENT = """
    import OpenAI from "openai";
    export const openai = new OpenAI({ baseURL: "https://llm-reseller.io/api/v2/openai/v1" });
    """

_CATALOGUE = """
    import { AIModel } from "./base";
    export const fast = new AIModel({ name: "fast", model: "gpt-3.5-turbo" });
    export const best = new AIModel({ name: "best", model: "gpt-4o" });
    """


def test_names_an_app_offers_go_to_its_one_unlisted_server(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path, {"src/providers/openai.ts": _RESELLER_CLIENT, "src/models.ts": _CATALOGUE}
    )
    assert sorted(ev.identity for ev in found) == [
        "api:llm-reseller.io/gpt-3.5-turbo",
        "api:llm-reseller.io/gpt-4o",
    ]


def test_an_unlisted_server_beside_another_provider_decides_nothing(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "src/providers/openai.ts": _RESELLER_CLIENT,
            "src/models.ts": _CATALOGUE,
            "src/claude.ts": """
                import Anthropic from "@anthropic-ai/sdk";
                const claude = new Anthropic();
                claude.messages.create({ model: "claude-3-5-haiku-latest", messages: [] });
                """,
        },
    )
    assert sorted(ev.identity for ev in found) == [
        "api:anthropic/claude-3-5-haiku-latest",
        "api:openai/gpt-3.5-turbo",
        "api:openai/gpt-4o",
    ]


# ---- a token counter's model name -----------------------------------------------------------


def test_a_name_handed_to_a_token_counter_is_no_model() -> None:
    found = js(
        """
        import { encodeChat } from "gpt-tokenizer";
        export function count({ model, messages }) {
          if (model === "gpt-4o-2024-11-20") {
            model = "gpt-4o-2024-08-06"; // the counter does not know the newer one
          }
          return encodeChat(messages, model).length;
        }
        export function ask(client, messages) {
          let model = "gpt-4o-mini";
          return send(messages, model);
        }
        """
    )
    assert ids(found) == [("api:openai/gpt-4o-mini", 10, False)]


# ---- a display spelling of a name its API spells in lower case ------------------------------


def test_a_capitalised_openai_name_with_no_call_is_a_label() -> None:
    found = js(
        """
        export const conversations = [
          { id: 1, selectedModel: "GPT-3.5-Turbo", title: "photosynthesis" },
        ];
        export const settings = { selectedModel: "gpt-4o-mini", other: "ERNIE-4.0-8K" };
        const llmModel = "ERNIE-4.0-8K";
        """
    )
    # OpenAI's API refuses "GPT-3.5-Turbo"; Baidu's capitalised names are its own spelling
    assert ids(found) == [
        ("api:baidu/ERNIE-4.0-8K", 6, False),
        ("api:openai/gpt-4o-mini", 5, False),
    ]


def test_an_unlisted_host_only_a_config_names_serves_only_its_own_values(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "deploy/values.yaml": """
                llm:
                  apiBaseUrl: https://litellm.example-corp.io
                  model: gpt-4o-mini
                """,
            "src/models.ts": _CATALOGUE,
        },
    )
    assert sorted(ev.identity for ev in found) == [
        "api:litellm.example-corp.io/gpt-4o-mini",
        "api:openai/gpt-3.5-turbo",
        "api:openai/gpt-4o",
    ]


def test_an_env_file_model_a_call_reads_with_no_default_is_served_there(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "server.js": """
                import OpenAI from "openai";
                const client = new OpenAI({
                  baseURL: "https://dashscope.aliyuncs.com/compatible-mode/v1",
                });
                export async function chat(msgs) {
                  return client.chat.completions.create({ model: process.env.MODEL_NAME, msgs });
                }
                """,
            ".env.example": "MODEL_NAME=deepseek-r1\n",
        },
    )
    # the client's endpoint is set apart as a configured endpoint; the model is the env file's
    assert [(ev.identity, ev.location.path) for ev in found] == [
        ("api:alibaba/deepseek-r1", ".env.example")
    ]
