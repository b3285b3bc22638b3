"""Serving: who serves a model as the code says it, along the path where the base URL and the
model meet (issue 12, items 2 and 3); where the code does not decide, the host is unknown."""

from __future__ import annotations

import textwrap
from pathlib import Path

from gate import pipeline
from gate.discover import javascript, python, refs
from gate.model import Evidence
from gate.policy.input import InputContext, build_input, validate_input


def py(source: str) -> list[Evidence]:
    outcome = python.analyse_file("app.py", textwrap.dedent(source).encode())
    assert outcome.skipped == []
    return refs.dedupe(outcome.evidence)


def js(source: str, name: str = "app.ts") -> list[Evidence]:
    outcome = javascript.analyse_file(name, textwrap.dedent(source).encode())
    assert outcome.skipped == []
    return refs.dedupe(outcome.evidence)


def hosts(found: list[Evidence]) -> dict[str, str | None]:
    return {ev.identity: ev.attributes.get("host") for ev in found}  # type: ignore[misc]


def test_python_a_base_url_set_in_one_branch_does_not_reach_other_models() -> None:
    found = py(
        """
        from langchain_openai import ChatOpenAI
        def make(provider: str):
            base_url = None
            if provider == "Kimi":
                base_url = "https://api.moonshot.ai/v1"
            return ChatOpenAI(base_url=base_url, model="claude-sonnet-4-20250514")
        def pick(kind):
            if kind == "a":
                base = "https://api.together.xyz/v1"
            else:
                base = "https://api.deepseek.com"
            return ChatOpenAI(base_url=base, model="deepseek-chat")
        def kimi(provider):
            if provider == "Kimi":
                url = "https://api.moonshot.ai/v1"
                return ChatOpenAI(base_url=url, model="kimi-k2-0711-preview")
        """
    )
    # Not "served from CN" by Moonshot: the code decides at run time, so the host is unknown.
    assert hosts(found) == {
        "api:anthropic/claude-sonnet-4-20250514": None,
        "api:deepseek/deepseek-chat": None,
        "api:moonshot/kimi-k2-0711-preview": "api.moonshot.ai",
    }
    by_id = {ev.identity: ev for ev in found}
    assert by_id["api:anthropic/claude-sonnet-4-20250514"].attributes["base_url_expr"] == "base_url"


def test_js_a_base_url_set_in_one_branch_does_not_reach_other_models() -> None:
    found = js(
        """
        import OpenAI from "openai";
        export function make(provider: string) {
          let baseURL: string | undefined = undefined;
          if (provider === "kimi") {
            baseURL = "https://api.moonshot.ai/v1";
          }
          const client = new OpenAI({ baseURL });
          const model = "claude-sonnet-4-20250514";
          return client.chat.completions.create({ model, messages: [] });
        }
        export function ok() {
          const baseURL = "https://api.deepseek.com";
          const client = new OpenAI({ baseURL });
          return client.chat.completions.create({ model: "deepseek-chat", messages: [] });
        }
        """
    )
    assert hosts(found) == {
        "api:anthropic/claude-sonnet-4-20250514": None,
        "api:deepseek/deepseek-chat": "api.deepseek.com",
    }


def test_python_third_party_and_local_serving() -> None:
    found = py(
        """
        import requests, httpx, litellm
        from openai import OpenAI
        from langchain_together import ChatTogether
        from langchain_openai import ChatOpenAI
        client = OpenAI(base_url="https://api.together.xyz/v1")
        def ask():
            m = "Qwen/Qwen2.5-72B-Instruct-Turbo"
            return client.chat.completions.create(model=m, messages=[])
        llm = ChatTogether(model="deepseek-ai/DeepSeek-V3")
        vllm = ChatOpenAI(base_url="http://localhost:8000/v1", model="Qwen/Qwen2.5-7B-Instruct")
        ol = OpenAI(base_url="http://localhost:11434/v1")
        ol.embeddings.create(model="nomic-embed-text:latest", input="x")
        litellm.completion(model="together_ai/Qwen/Qwen2.5-7B-Instruct-Turbo", messages=[])
        r = requests.post("https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions",
                          json={"model": "qwen-max", "messages": []})
        BASE = "https://api.deepseek.com/v1"
        r2 = httpx.post(f"{BASE}/chat/completions", json={"model": "deepseek-chat"})
        """
    )
    assert hosts(found) == {
        "api:together/Qwen/Qwen2.5-72B-Instruct-Turbo": "api.together.xyz",
        "api:together/deepseek-ai/DeepSeek-V3": "api.together.xyz",
        "api:local/Qwen/Qwen2.5-7B-Instruct": "localhost",
        "ollama:nomic-embed-text:latest": "localhost",
        "api:together/Qwen/Qwen2.5-7B-Instruct-Turbo": "api.together.xyz",
        "api:alibaba/qwen-max": "dashscope.aliyuncs.com",
        "api:deepseek/deepseek-chat": "api.deepseek.com",
    }
    assert not any(ev.identity.startswith("api:openai/") for ev in found)


def test_js_ai_sdk_providers_registries_and_raw_fetch() -> None:
    found = js(
        """
        import { createOpenAI } from "@ai-sdk/openai";
        import { togetherai } from "@ai-sdk/togetherai";
        import { deepseek } from "@ai-sdk/deepseek";
        import { generateText, createProviderRegistry } from "ai";
        const together = createOpenAI({ baseURL: "https://api.together.xyz/v1" });
        await generateText({ model: together("Qwen/Qwen2.5-72B-Instruct-Turbo"), prompt: "" });
        const llama = "meta-llama/Llama-3.3-70B-Instruct-Turbo";
        await generateText({ model: togetherai(llama), prompt: "" });
        await generateText({ model: deepseek("deepseek-chat"), prompt: "" });
        const registry = createProviderRegistry({ deepseek, together });
        const r1 = registry.languageModel("deepseek:deepseek-reasoner");
        await generateText({ model: r1, prompt: "" });
        await fetch("https://api.siliconflow.cn/v1/chat/completions",
          { method: "POST", body: JSON.stringify({ model: "Qwen/Qwen2.5-7B-Instruct" }) });
        const ol = createOpenAI({ baseURL: "http://localhost:11434/v1" });
        await generateText({ model: ol("nomic-embed-text:latest"), prompt: "" });
        """
    )
    assert hosts(found) == {
        "api:together/Qwen/Qwen2.5-72B-Instruct-Turbo": "api.together.xyz",
        "api:together/meta-llama/Llama-3.3-70B-Instruct-Turbo": "api.together.xyz",
        "api:deepseek/deepseek-chat": "api.deepseek.com",
        "api:deepseek/deepseek-reasoner": "api.deepseek.com",
        "api:siliconflow/Qwen/Qwen2.5-7B-Instruct": "api.siliconflow.cn",
        "ollama:nomic-embed-text:latest": "localhost",
    }


def test_a_base_url_with_no_model_is_an_endpoint_not_a_wildcard_model(tmp_path: Path) -> None:
    (tmp_path / ".env.example").write_text(
        "OPENAI_API_KEY=sk-xxx\nOPENAI_BASE_URL=https://dashscope.aliyuncs.com/compatible-mode/v1\n"
    )
    result = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    assert not [c.id for c in result.inventory.components if c.id.endswith("/*")]
    (record,) = result.inventory.properties["endpoints"]  # type: ignore[misc]
    assert record["host"] == "dashscope.aliyuncs.com"  # type: ignore[index]
    assert (record["provider"], record["country"]) == ("alibaba", "CN")  # type: ignore[index]
    assert record["locations"] == [".env.example:2"]  # type: ignore[index]
    doc = build_input(result.inventory, InputContext(now="2026-12-06"))
    validate_input(doc)
    assert [e["host"] for e in doc["inventory"]["endpoints"]] == ["dashscope.aliyuncs.com"]
    assert any("dashscope.aliyuncs.com (alibaba, CN)" in n for n in result.inventory.notes)


def test_an_azure_client_with_a_runtime_endpoint_is_still_azure() -> None:
    found = py(
        """
        import os
        from langchain_openai import AzureChatOpenAI
        llm = AzureChatOpenAI(azure_endpoint=os.getenv("AZURE_OPENAI_ENDPOINT"),
                              azure_deployment="gpt-4o")
        """
    )
    assert hosts(found) == {"api:azure-openai/gpt-4o": None}


def test_hub_ids_served_by_hugging_face_or_together_are_their_hosted_models() -> None:
    found = js(
        """
        import Together from "together-ai";
        import { HuggingFaceInferenceEmbeddings } from "@langchain/community/embeddings/hf";
        const client = new Together({});
        await client.images.create({ prompt: "", model: "black-forest-labs/FLUX.1-schnell" });
        const emb = new HuggingFaceInferenceEmbeddings({
          model: "sentence-transformers/all-MiniLM-L6-v2",
        });
        """
    )
    assert hosts(found) == {
        "api:together/black-forest-labs/FLUX.1-schnell": "api.together.xyz",
        "api:huggingface/sentence-transformers/all-MiniLM-L6-v2": "router.huggingface.co",
    }


def test_a_wrapper_given_an_endpoint_beside_the_model_is_hosted_not_a_local_load() -> None:
    found = py(
        """
        from mylib import ChatAI
        class Handler:
            def __init__(self, base_url):
                self.a = ChatAI(base_url=base_url, model="deepseek-ai/DeepSeek-V3")
                self.b = ChatAI(base_url="https://api.siliconflow.cn/v1", model="Qwen/Qwen2.5-7B")
                self.c = ChatAI(base_url=base_url, model="deepseek-chat")
        """
    )
    # An org/name at a host the scan cannot read is no hf: local load and no DeepSeek API
    # call: nothing is claimed for it; a hosted name keeps its provider, host unknown.
    assert hosts(found) == {
        "api:siliconflow/Qwen/Qwen2.5-7B": "api.siliconflow.cn",
        "api:deepseek/deepseek-chat": None,
    }


def test_catalogue_entries_are_served_where_their_entry_says() -> None:
    # A settings form: {"base_url": {"value": ...}, "model": {"options": [...]}}; the options
    # are served at that base URL: a constant places them, an expression leaves the host
    # unknown (and an org/name at an unknown host is not a local Hub load).
    found = py(
        """
        SILICONFLOW_MODELS = {
            "base_url": {"value": "https://api.siliconflow.cn/v1/"},
            "model": {"options": ["deepseek-ai/DeepSeek-V3", "Pro/deepseek-ai/DeepSeek-R1"]},
        }
        FORM = {"llm_models": {
            "base_url": {"value": settings.base_url},
            "model": {"options": ["deepseek-ai/DeepSeek-V3", "deepseek-chat"]},
        }}
        """
    )
    assert sorted((ev.identity, ev.location.line) for ev in found) == [
        ("api:deepseek/deepseek-chat", 8),
        ("api:siliconflow/Pro/deepseek-ai/DeepSeek-R1", 4),
        ("api:siliconflow/deepseek-ai/DeepSeek-V3", 4),
    ]
    deepseek = next(ev for ev in found if ev.identity == "api:deepseek/deepseek-chat")
    assert deepseek.attributes.get("base_url_expr") == "settings.base_url"
    assert "host" not in deepseek.attributes


def test_a_hub_id_an_app_sends_to_a_provider_is_that_providers_model_everywhere(
    tmp_path: Path,
) -> None:
    # The app calls Together with the id in one module; a client hook's default names the same
    # id with no call beside it: the same hosted model, not weights loaded from the Hub.
    (tmp_path / "route.ts").write_text(
        textwrap.dedent(
            """
            import Together from "together-ai";
            const together = new Together();
            export async function POST(req) {
              const { messages, model = "deepseek-ai/DeepSeek-V3" } = await req.json();
              return together.chat.completions.create({ model, messages });
            }
            """
        )
    )
    (tmp_path / "hook.ts").write_text(
        'export function useChat(model = "deepseek-ai/DeepSeek-V3") { return model; }\n'
        'export const config = { model: "Qwen/Qwen2.5-7B-Instruct" };\n'
    )
    result = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    assert {c.id for c in result.inventory.components} == {
        "api:together/deepseek-ai/DeepSeek-V3",
        "hf:Qwen/Qwen2.5-7B-Instruct@unpinned",
    }


def test_a_base_url_constant_of_another_module_reaches_the_call(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(
        'import os\nBASE_URL = os.getenv("LLM_BASE_URL", "https://api.together.xyz/v1")\n'
        'OTHER = "x"\nOTHER = "https://api.deepseek.com"\n'
    )
    (tmp_path / "app.py").write_text(
        textwrap.dedent(
            """
            from openai import OpenAI
            from settings import BASE_URL, OTHER
            import settings
            client = OpenAI(base_url=BASE_URL)
            client.chat.completions.create(model="Qwen/Qwen2.5-72B-Instruct", messages=[])
            other = OpenAI(base_url=OTHER)
            other.chat.completions.create(model="deepseek-chat", messages=[])
            third = OpenAI(base_url=settings.BASE_URL)
            third.embeddings.create(model="BAAI/bge-m3", input="x")
            """
        )
    )
    result = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    got = {c.id for c in result.inventory.components}
    # OTHER is bound twice in settings.py: which value reaches the call is not decided.
    assert got == {
        "api:together/Qwen/Qwen2.5-72B-Instruct",
        "api:together/BAAI/bge-m3",
        "api:deepseek/deepseek-chat",
    }
    evidence = [e for c in result.inventory.components for e in c.evidence]
    served = [e for e in evidence if e.identity.startswith("api:together/")]
    assert {e.attributes.get("host") for e in served} == {"api.together.xyz"}
    deepseek = next(e for e in evidence if e.identity == "api:deepseek/deepseek-chat")
    assert "host" not in deepseek.attributes and deepseek.attributes["base_url_expr"] == "OTHER"


def test_a_constant_in_a_module_symlinked_out_of_the_tree_is_not_read(tmp_path: Path) -> None:
    # Hostile tree: the imported module is a symlink to a file outside the scanned root.
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "settings.py").write_text('BASE_URL = "https://api.together.xyz/v1"\n')
    root = tmp_path / "repo"
    root.mkdir()
    (root / "settings.py").symlink_to(outside / "settings.py")
    (root / "app.py").write_text(
        textwrap.dedent(
            """
            from openai import OpenAI
            from settings import BASE_URL
            client = OpenAI(base_url=BASE_URL)
            client.chat.completions.create(model="Qwen/Qwen2.5-72B-Instruct", messages=[])
            """
        )
    )
    result = pipeline.scan(pipeline.ScanOptions(root=root, history="none"))
    evidence = [e for c in result.inventory.components for e in c.evidence]
    # The outside file's endpoint never reaches the call: no Together identity, no host, the
    # expression kept as written, and the link recorded as skipped.
    assert not any(e.identity.startswith("api:together/") for e in evidence)
    called = next(e for e in evidence if e.as_written == "Qwen/Qwen2.5-72B-Instruct")
    assert "host" not in called.attributes and "base_url_from" not in called.attributes
    assert called.attributes["base_url_expr"] == "BASE_URL"
    assert ("settings.py", "symlink points outside the scanned root") in {
        (s.path, s.reason) for s in result.inventory.skipped
    }


def test_a_base_url_set_in_the_process_environment_serves_clients_built_without_one() -> None:
    source = textwrap.dedent(
        """\
        import os
        from langchain_openai import ChatOpenAI
        from openai import OpenAI
        from anthropic import Anthropic
        os.environ["OPENAI_API_BASE"] = "https://api.siliconflow.cn/v1"
        judge = ChatOpenAI(model="Qwen/Qwen2.5-7B-Instruct", temperature=0.0)
        raw = OpenAI().chat.completions.create(model="deepseek-ai/DeepSeek-V3", messages=[])
        other = Anthropic().messages.create(model="claude-3-5-haiku-20241022", messages=[])
        """
    )
    outcome = python.analyse_file("eval.py", source.encode())
    assert {ev.identity for ev in outcome.evidence} == {
        "api:siliconflow/Qwen/Qwen2.5-7B-Instruct",
        "api:siliconflow/deepseek-ai/DeepSeek-V3",
        "api:anthropic/claude-3-5-haiku-20241022",  # OPENAI_* says nothing of Anthropic's
    }


def test_a_base_url_templated_only_in_its_path_keeps_its_host() -> None:
    source = textwrap.dedent(
        """\
        import os
        from openai import OpenAI
        ENDPOINT = os.environ.get("ENDPOINT_ID")
        client = OpenAI(base_url=f"https://serverless.example.net/v2/{ENDPOINT}/openai/v1")
        client.chat.completions.create(model="some-org/some-model-merged", messages=[])
        region = os.environ.get("REGION")
        other = OpenAI(base_url=f"https://{region}.example.org/v1")
        other.chat.completions.create(model="other-org/other-model", messages=[])
        """
    )
    outcome = python.analyse_file("client.py", source.encode())
    ids = {ev.identity for ev in outcome.evidence}
    assert "api:serverless.example.net/some-org/some-model-merged" in ids, ids
    assert not any(i.endswith("/other-org/other-model") and ".example.org" in i for i in ids)


def test_a_vllm_lora_request_names_the_adapter_it_loads() -> None:
    source = textwrap.dedent(
        """\
        from vllm.lora.request import LoRARequest
        ADAPTER = "some-org/some-lora-adapters"
        req = LoRARequest(lora_name="adapter", lora_int_id=1, lora_path=ADAPTER)
        req2 = LoRARequest("second", 2, "other-org/other-lora")
        """
    )
    outcome = python.analyse_file("server.py", source.encode())
    assert {ev.identity for ev in outcome.evidence} == {
        "hf:some-org/some-lora-adapters@unpinned",
        "hf:other-org/other-lora@unpinned",
    }


def test_a_body_sent_to_a_sagemaker_runtime_is_served_by_sagemaker() -> None:
    source = textwrap.dedent(
        """\
        import json
        import boto3

        class Client:
            def __init__(self, endpoint):
                self.rt = boto3.client("sagemaker-runtime", region_name="us-east-1")
                self.endpoint = endpoint

            def ask(self, text):
                payload = {"model": "some-org/some-model-merged", "messages": []}
                return self.rt.invoke_endpoint(
                    EndpointName=self.endpoint, Body=json.dumps(payload)
                )
        """
    )
    outcome = python.analyse_file("client.py", source.encode())
    assert [ev.identity for ev in outcome.evidence] == ["api:sagemaker/some-org/some-model-merged"]


def test_a_hub_id_served_by_a_provider_stays_that_providers_when_the_weights_load_too(
    tmp_path: Path,
) -> None:
    # The same id loaded from the Hub elsewhere in the app does not make a provider's hosted
    # copy (a provider key is a single label, but no host of the deployment's own) local.
    (tmp_path / "tok.py").write_text(
        "from transformers import AutoTokenizer\n"
        "tok = AutoTokenizer.from_pretrained('some-org/some-model-merged')\n"
    )
    (tmp_path / "client.py").write_text(
        textwrap.dedent(
            """\
            import json
            import boto3
            rt = boto3.client("sagemaker-runtime")
            payload = {"model": "some-org/some-model-merged", "messages": []}
            rt.invoke_endpoint(EndpointName="e", Body=json.dumps(payload))
            """
        )
    )
    scanned = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    ids = {c.id for c in scanned.inventory.components}
    assert "api:sagemaker/some-org/some-model-merged" in ids, ids
    assert "hf:some-org/some-model-merged@unpinned" in ids, ids
