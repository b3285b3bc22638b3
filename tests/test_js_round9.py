"""JS/TS serving classes measured on round 9's applications (issue 12): hand-written cases
of each pattern, no corpus code."""

from __future__ import annotations

from pathlib import Path

from tests.jshelp import js, scan_tree
from tests.jshelp import listed_ids as ids

# ---- a file that reaches one model API at a host no table knows ---------------------------


def test_hub_ids_of_a_file_posting_to_one_unlisted_model_api_are_that_hosts() -> None:
    found = js(
        """
        const ENDPOINT = "https://inference.acme-gpu.example/v1/chat/completions";
        export const HOSTED_MODELS = [
          { id: "acme-ai/Chat-70B", label: "Chat 70B" },
          { id: "other-org/Coder-7B-Instruct", label: "Coder" },
        ];
        export async function ask(model: string, key: string) {
          return fetch(ENDPOINT, { method: "POST", body: JSON.stringify({ model }) });
        }
        """
    )
    assert ids(found) == [
        ("api:inference.acme-gpu.example/acme-ai/Chat-70B", 4, True),
        ("api:inference.acme-gpu.example/other-org/Coder-7B-Instruct", 5, True),
    ]


def test_hub_ids_beside_a_link_to_an_unlisted_host_stay_hub_ids() -> None:
    # a documentation link is no model API route: nothing says where the ids are sent
    found = js(
        """
        const DOCS = "https://docs.acme-gpu.example/models";
        export const HOSTED_MODELS = [{ id: "acme-ai/Chat-70B", label: "Chat 70B" }];
        """
    )
    assert ids(found) == [("hf:acme-ai/Chat-70B@unpinned", 3, True)]


# ---- a file of OpenRouter variant ids and nothing else -------------------------------------


def test_an_enum_of_openrouter_variant_ids_alone_in_its_file_is_read(tmp_path: Path) -> None:
    # no SDK, no lower-case "model" word, no hosted-name prefix: the `:free` ending is the
    # needle that gets the file parsed
    found = scan_tree(
        tmp_path,
        {
            "src/ids.ts": """
                export enum RouterModel {
                  FAST = "acme/fast-chat-2:free",
                  SMART = "other-lab/reasoner-v1:free",
                }
                """,
        },
    )
    assert sorted((ev.identity, ev.location.line) for ev in found) == [
        ("api:openrouter/acme/fast-chat-2:free", 3),
        ("api:openrouter/other-lab/reasoner-v1:free", 4),
    ]


# ---- fields of a catalogue entry that are not models -------------------------------------


def test_an_entrys_aliases_are_not_models_of_their_own() -> None:
    found = js(
        """
        export const MODELS = [
          { id: "acme/chat-32b", provider: "groq", aliases: ["chat", "qwen3-32b"] },
          { id: "gpt-4o-mini", name: "Mini", models: ["gpt-4o"] },
        ];
        """
    )
    assert ids(found) == [
        ("api:groq/acme/chat-32b", 3, True),
        ("api:openai/gpt-4o", 4, True),
        ("api:openai/gpt-4o-mini", 4, True),
    ]


# ---- an app's own model factory named after a provider ------------------------------------


def test_an_apps_model_factory_named_after_a_provider_serves_its_argument() -> None:
    found = js(
        """
        function makeDoubaoModel(id: string) {
          return { run: (prompt: string) => send(id, prompt) };
        }
        export const main = makeDoubaoModel("deepseek-v9-250101");
        export const other = makeWidget("deepseek-v9-250101");
        """
    )
    assert ids(found) == [("api:volcengine/deepseek-v9-250101", 5, False)]


# ---- a file that makes one client: its catalogue's Hub-style ids go there ------------------


def test_org_prefixed_ids_listed_beside_a_client_at_a_written_host_keep_their_prefix() -> None:
    found = js(
        """
        import { createOpenAI } from "@ai-sdk/openai";
        export const acme = {
          models: [{ id: "openai/gpt-4o-mini", name: "Mini" }, { id: "gpt-4o", name: "4o" }],
          make(key: string, base?: string) {
            return createOpenAI({ apiKey: key, baseURL: base || "https://api.openai.com/v1" });
          },
        };
        """
    )
    assert ids(found) == [
        ("api:openai/gpt-4o", 4, True),
        ("api:openai/openai/gpt-4o-mini", 4, True),
    ]


def test_a_hub_id_listed_beside_a_providers_own_client_is_that_providers() -> None:
    found = js(
        """
        import { createDeepSeek } from "@ai-sdk/deepseek";
        export const MODELS = [{ id: "deepseek-chat" }, { id: "acme-ai/Chat-V3" }];
        export const make = (key: string, base?: string) =>
          createDeepSeek({ apiKey: key, baseURL: base });
        """
    )
    assert [ev.identity for ev in found if ev.location.line == 3] == [
        "api:deepseek/deepseek-chat",
        "api:deepseek/acme-ai/Chat-V3",
    ]


def test_hub_ids_beside_two_different_clients_stay_hub_ids() -> None:
    found = js(
        """
        import { createDeepSeek } from "@ai-sdk/deepseek";
        import { createGroq } from "@ai-sdk/groq";
        export const MODELS = [{ id: "acme-ai/Chat-V3" }];
        export const a = createDeepSeek({});
        export const b = createGroq({});
        """
    )
    assert [ev.identity for ev in found] == ["hf:acme-ai/Chat-V3@unpinned"]


# ---- models a request URL names, and provider-shaped ids under any name --------------------


def test_a_workers_ai_id_in_a_gateway_url_is_served_by_workers_ai() -> None:
    found = js(
        """
        export async function listen(env: Env, audio: number[]) {
          const url = `${env.GATEWAY_BASE}/workers-ai/@cf/acme/speech-1`;
          return fetch(url, { method: "POST", body: JSON.stringify({ audio }) });
        }
        """
    )
    assert ids(found) == [("api:cloudflare/@cf/acme/speech-1", 3, False)]


def test_a_google_rest_url_names_its_model() -> None:
    found = js(
        """
        export async function embed(text: string, key: string) {
          const base = "https://generativelanguage.googleapis.com/v1beta";
          return fetch(`${base}/models/acme-embed-001:embedContent?key=${key}`, {
            method: "POST", body: JSON.stringify({ text }),
          });
        }
        export const other = (m: string) => fetch(`https://generativelanguage.googleapis.com/v1beta/models/${m}:generateContent`);
        """
    )
    assert ids(found) == [("api:google/acme-embed-001", 4, False)]


def test_a_workers_ai_id_under_any_name_is_workers_ais() -> None:
    found = js(
        """
        const settings = {
          picture: process.env.PICTURE || "@cf/acme/painter-1.0",
          greeting: "hello",
        };
        """
    )
    assert ids(found) == [("api:cloudflare/@cf/acme/painter-1.0", 3, False)]


# ---- a raw request whose options are built apart, and a form control's default -------------


def test_a_request_whose_options_are_built_apart_reaches_its_endpoint(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "ext/content.js": """
                const MENU = `<select class="pick">
                  <option value="acme-r1-distill-70b">R1 distill</option>
                </select>`;
                async function ask(key, messages, model) {
                  const url = "https://api.groq.com/openai/v1/chat/completions";
                  const options = {
                    method: "POST",
                    body: JSON.stringify({ messages: messages, model: model }),
                  };
                  return fetch(url, options);
                }
                const MODELS = ["deepseek-r1-distill-llama-70b"];
                """,
        },
    )
    assert {ev.identity for ev in found} == {"api:groq/deepseek-r1-distill-llama-70b"}


def test_a_default_written_into_a_model_form_control_is_called() -> None:
    found = js(
        """
        async function restore() {
          const { model_name } = await chrome.storage.sync.get(["model_name"]);
          model_name_input.value = model_name || "llama3-70b-8192";
          theme_select.value = "llama3-70b-8192";
        }
        """,
        name="popup.js",
    )
    assert ids(found) == [("api:groq/llama3-70b-8192", 4, False)]


# ---- a project reaching several providers ---------------------------------------------------


def test_hub_shaped_constants_of_a_project_on_groq_and_openrouter(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "package.json": """
                {"name": "bot", "dependencies": {"@ai-sdk/groq": "^2.0.0",
                 "@openrouter/ai-sdk-provider": "^1.0.0", "ai": "^5.0.0"}}
                """,
            "src/models.ts": """
                export const FALLBACK_MODEL_ID = "acme-ai/chat-120b";
                export const SEE_MODEL_ID = "meta-llama/llama-4-scout-17b-16e-instruct";
                export const MODELS = [
                  { id: "acme-ai/chat-120b", name: "Chat", provider: "groq" },
                  { id: "acme-ai/other:free", name: "Other", provider: "openrouter" },
                ];
                """,
        },
    )
    assert sorted((ev.identity, ev.location.line) for ev in found) == [
        # the same value as the entry the catalogue places under Groq
        ("api:groq/acme-ai/chat-120b", 2),
        ("api:groq/acme-ai/chat-120b", 5),
        # of the two providers reached, only Groq serves this exact id (served-names table)
        ("api:groq/meta-llama/llama-4-scout-17b-16e-instruct", 3),
        ("api:openrouter/acme-ai/other:free", 6),
    ]


# ---- the choices of one expression ----------------------------------------------------------


def test_a_choice_beside_an_openrouter_variant_id_is_openrouters() -> None:
    found = js(
        """
        export function pickModel(current: string) {
          const fallbackModel = current.includes("mini") ? "acme/small-4b-it" : "acme/big-m2:free";
          return fallbackModel;
        }
        """
    )
    assert ids(found) == [
        ("api:openrouter/acme/big-m2:free", 3, False),
        ("api:openrouter/acme/small-4b-it", 3, False),
    ]


def test_a_provider_field_beside_a_model_field_serves_it() -> None:
    found = js(
        """
        await runPipeline({
          url: "https://example.com",
          mapper: { provider: "openrouter", apiKey: key, model: "gpt-4.1-mini" },
        });
        """
    )
    assert ids(found) == [("api:openrouter/gpt-4.1-mini", 4, False)]


def test_a_popup_whose_only_model_word_is_model_name_is_read(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "popup/index.js": """
                async function restore() {
                  const saved = await chrome.storage.sync.get(["picked"]);
                  model_name_input.value = saved.picked || "llama3-70b-8192";
                }
                """,
        },
    )
    assert [(ev.identity, ev.location.line) for ev in found] == [("api:groq/llama3-70b-8192", 4)]
