"""JS/TS front end: who serves what a web application sends (issue 12, round-7 classes,
hand-written cases): Azure OpenAI reached through a per-resource host or Azure's own
client, Workers AI bindings, catalogues of gateways whose ids look like Hub ids."""

from __future__ import annotations

import textwrap
from pathlib import Path

from gate.model import Evidence
from tests.jshelp import js, scan_tree


def ids(found: list[Evidence]) -> list[tuple[str, int | None]]:
    return sorted((ev.identity, ev.location.line) for ev in found)


# ---- Azure OpenAI --------------------------------------------------------------------------


def test_an_openai_client_at_a_templated_azure_resource_is_azure() -> None:
    found = js(
        """
        import OpenAI from "openai";
        const resource = process.env.AZ_RESOURCE;
        export async function POST(req: Request) {
          const { name = "gpt-4o-mini" } = await req.json();
          const deployment = process.env.AZ_DEPLOYMENT;
          const client = new OpenAI({
            baseURL: `https://${resource}.openai.azure.com/openai/deployments/${deployment}`,
          });
          return client.chat.completions.create({ model: name, messages: [] });
        }
        """
    )
    assert ids(found) == [("api:azure-openai/gpt-4o-mini", 5)]


def test_a_templated_host_with_an_unknown_domain_decides_nothing() -> None:
    # The variable is the whole host, or the domain is nobody's: the host stays unknown.
    for url in ("https://${host}/v1", "https://${org}.example-llm.dev/v1"):
        found = js(
            """
            import OpenAI from "openai";
            const client = new OpenAI({ baseURL: `URL` });
            client.chat.completions.create({ model: "gpt-4o", messages: [] });
            """.replace("URL", url)
        )
        assert [ev.identity for ev in found] == ["api:openai/gpt-4o"]
        assert found[0].attributes.get("host_source") != "base-url"


def test_azures_own_js_client_takes_the_deployment_first() -> None:
    found = js(
        """
        import { OpenAIClient, AzureKeyCredential } from "@azure/openai";
        const client = new OpenAIClient(
          process.env.AZURE_OPENAI_ENDPOINT!, new AzureKeyCredential(process.env.KEY!));
        export const ask = (q: string) =>
          client.getChatCompletions("gpt-35-turbo", [{ role: "user", content: q }]);
        export const draw = (q: string) => client.getImages("dall-e-3", q);
        """
    )
    assert ids(found) == [("api:azure-openai/dall-e-3", 7), ("api:azure-openai/gpt-35-turbo", 6)]


def test_openai_names_an_azure_only_app_offers_are_served_by_azure(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "app/api/chat/route.ts": """
                import OpenAI from "openai";
                export async function POST(req: Request) {
                  const { modelName = "gpt-4o" } = await req.json();
                  const openai = new OpenAI({
                    baseURL: `https://${process.env.RES}.openai.azure.com/openai/deployments/x`,
                  });
                  return openai.chat.completions.create({ model: modelName, messages: [] });
                }
                """,
            "app/lib/models.ts": """
                export const MODEL_NAMES: Record<string, string> = {
                  Fast: "gpt-4o-mini",
                  Images: "dall-e-3",
                };
                export function body(pickedImage: boolean, picked: string) {
                  return { modelName: pickedImage ? "gpt-4-vision" : picked };
                }
                """,
        },
    )
    assert sorted({ev.identity for ev in found}) == [
        "api:azure-openai/dall-e-3",
        "api:azure-openai/gpt-4-vision",
        "api:azure-openai/gpt-4o",
        "api:azure-openai/gpt-4o-mini",
    ]


def test_openai_names_stay_openais_in_an_app_reaching_openai(tmp_path: Path) -> None:
    found = scan_tree(
        tmp_path,
        {
            "src/chat.ts": """
                import OpenAI from "openai";
                const openai = new OpenAI({ baseURL: "https://api.openai.com/v1" });
                export const ask = () =>
                  openai.chat.completions.create({ model: "gpt-4o", messages: [] });
                export const MODELS = ["gpt-4o-mini"];
                """,
        },
    )
    assert sorted({ev.identity for ev in found}) == ["api:openai/gpt-4o", "api:openai/gpt-4o-mini"]


# ---- Workers AI ----------------------------------------------------------------------------


def test_workers_ai_bindings_run_cloudflares_catalogue_names() -> None:
    found = js(
        """
        export default defineEventHandler(async () => {
          const ai = hubAI();
          return ai.run("@cf/qwen/qwen1.5-7b-chat-awq", { messages: [] });
        });
        export const worker = {
          async fetch(req: Request, env: Env) {
            const model = "@hf/thebloke/deepseek-coder-6.7b-instruct-awq";
            return env.AI.run(model, { prompt: "hi" });
          },
        };
        """,
        name="server/api/chat.ts",
    )
    assert ids(found) == [
        ("api:cloudflare/@cf/qwen/qwen1.5-7b-chat-awq", 4),
        ("api:cloudflare/@hf/thebloke/deepseek-coder-6.7b-instruct-awq", 8),
    ]


def test_a_run_call_with_an_ordinary_string_is_not_a_model() -> None:
    found = js(
        """
        const job = queue.run("@scope/pkg", { now: true });
        task.run("cf/meta/llama");
        """,
        name="src/jobs.ts",
    )
    assert found == []


# ---- catalogues of gateways and request bodies ---------------------------------------------


def test_a_lookup_table_sent_in_a_body_variable_is_served_at_the_fetched_url() -> None:
    found = js(
        """
        async function draw(req: { model: string }, key: string) {
          const ids: Record<string, string> = {
            "kolors": "Kwai-Kolors/Kolors",
            "qwen-image": "Qwen/Qwen-Image",
          };
          const picked = ids[req.model] || req.model;
          const payload: any = { model: picked, prompt: "a cat" };
          return fetch("https://api.siliconflow.cn/v1/images/generations", {
            method: "POST",
            body: JSON.stringify(payload),
          });
        }
        """
    )
    assert ids(found) == [
        ("api:siliconflow/Kwai-Kolors/Kolors", 4),
        ("api:siliconflow/Qwen/Qwen-Image", 5),
    ]


def test_an_object_with_other_values_is_no_lookup_table() -> None:
    found = js(
        """
        const conf = { "a": "Qwen/Qwen2.5-7B-Instruct", "b": 3 };
        const payload = { model: conf[pick()] };
        fetch("https://api.siliconflow.cn/v1/chat/completions", { body: JSON.stringify(payload) });
        """
    )
    assert [ev.identity for ev in found if ev.identity.startswith("api:siliconflow/Qwen")] == []


def test_a_catalogue_entrys_own_base_url_decides_its_server() -> None:
    found = js(
        """
        export const availableModels = [
          { id: "qwen/qwen3-8b", name: "Qwen 3 8B", provider: "aliyun",
            baseURL: "https://openrouter.ai/api/v1" },
          { id: "qwen-qwq-32b", name: "QwQ", provider: "microsoft",
            baseURL: "https://api.groq.com/openai/v1" },
          { id: "qwen-max", name: "Qwen Max", provider: "aliyun" },
        ];
        """
    )
    assert ids(found) == [
        ("api:alibaba/qwen-max", 7),
        ("api:groq/qwen-qwq-32b", 5),
        ("api:openrouter/qwen/qwen3-8b", 3),
    ]


def test_a_menu_with_an_openrouter_variant_is_an_openrouter_menu() -> None:
    found = js(
        """
        export const MODELS = [
          { name: "GPT", id: "openai/gpt-oss-120b" },
          { name: "Chimera", id: "tngtech/deepseek-r1t2-chimera:free" },
          { name: "Router", id: "openrouter/free" },
        ];
        """
    )
    assert ids(found) == [
        ("api:openrouter/openai/gpt-oss-120b", 3),
        ("api:openrouter/openrouter/free", 5),
        ("api:openrouter/tngtech/deepseek-r1t2-chimera:free", 4),
    ]


def test_a_menu_without_a_gateways_id_keeps_hub_ids() -> None:
    found = js(
        """
        export const MODELS = [{ id: "openai/gpt-oss-120b" }, { id: "Qwen/Qwen3-8B" }];
        """
    )
    assert {ev.identity for ev in found} == {
        "hf:openai/gpt-oss-120b@unpinned",
        "hf:Qwen/Qwen3-8B@unpinned",
    }


# ---- spellings -----------------------------------------------------------------------------


def test_an_apps_doubled_separator_joins_provider_and_model() -> None:
    found = js(
        """
        export function getModel(model?: string) {
          model = model ?? "deepseek::deepseek-chat";
          return model;
        }
        """
    )
    assert [ev.identity for ev in found] == ["api:deepseek/deepseek-chat"]


def test_a_family_named_like_a_provider_with_an_ollama_tag_is_ollamas() -> None:
    found = js(
        """
        let currentModel = "mistral:latest";
        const fallbackModel = "mistral:7b";
        const hostedModel = "mistral:mistral-large-latest";
        """
    )
    assert sorted(ev.identity for ev in found) == [
        "api:mistral/mistral-large-latest",
        "ollama:mistral:7b",
        "ollama:mistral:latest",
    ]


def test_a_js_base_url_templated_only_in_its_path_keeps_its_host() -> None:
    from gate.discover import javascript

    source = textwrap.dedent(
        """\
        import OpenAI from "openai";
        const id = process.env.ENDPOINT_ID;
        const client = new OpenAI({ baseURL: `https://serverless.example.net/v2/${id}/openai/v1` });
        await client.chat.completions.create({ model: "some-org/some-model", messages: [] });
        const region = process.env.REGION;
        const other = new OpenAI({ baseURL: `https://${region}.example.org/v1` });
        await other.chat.completions.create({ model: "other-org/other-model", messages: [] });
        """
    )
    ids = {ev.identity for ev in javascript.analyse_file("a.ts", source.encode()).evidence}
    assert "api:serverless.example.net/some-org/some-model" in ids, ids
    assert not any("example.org" in i for i in ids), ids
