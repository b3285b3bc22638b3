"""Serving as it flows through an application (issue 12, item 2): Bedrock ARNs, hosts that
are the deployment's own, a project's own client wrappers and factories, clients and
constants of other modules. Hand-written cases, none copied from a scanned repository."""

from __future__ import annotations

import textwrap
from pathlib import Path

from gate.discover import javascript, python, refs
from gate.model import Evidence
from gate.recognise import Reading, Serving, Site, SiteKind, knowledge, recognise
from tests.treehelp import components as _scan


def py(source: str, name: str = "app.py") -> list[Evidence]:
    outcome = python.analyse_file(name, textwrap.dedent(source).encode())
    assert outcome.skipped == []
    return refs.dedupe(outcome.evidence)


def ids(found: list[Evidence]) -> set[str]:
    return {ev.identity for ev in found}


# --- Bedrock ARNs ---------------------------------------------------------------------------


def test_a_bedrock_inference_profile_arn_names_its_model_in_the_arns_region() -> None:
    arn = (
        "arn:aws:bedrock:eu-central-1:000011112222:inference-profile/"
        "eu.meta.llama3-2-3b-instruct-v1:0"
    )
    for site in (
        Site(SiteKind.CALL_ARGUMENT, reads=Reading.HOSTED),
        Site(SiteKind.CONFIG_KEY),
        Site(SiteKind.USER_INPUT),
    ):
        found = recognise(arn, site, Serving(), knowledge())
        assert found is not None
        assert found.identity == "api:bedrock/eu.meta.llama3-2-3b-instruct-v1:0"
        assert found.attributes["region"] == "eu-central-1"
        assert found.attributes["host"] == "bedrock-runtime.eu-central-1.amazonaws.com"
        assert found.attributes["arn"] == arn
    model = "arn:aws:bedrock:us-west-2::foundation-model/cohere.command-r-v1:0"
    got = recognise(model, Site(SiteKind.CONFIG_KEY), Serving(), knowledge())
    assert got is not None and got.identity == "api:bedrock/cohere.command-r-v1:0"
    # An application inference profile hides its model behind a random id: the ARN stays
    # what a Bedrock call names, with no model id read out of it.
    app = "arn:aws:bedrock:us-east-1:000011112222:application-inference-profile/a1b2c3d4e5"
    hosted = Site(SiteKind.CALL_ARGUMENT, reads=Reading.HOSTED)
    got = recognise(app, hosted, Serving(sdk="boto3", provider="bedrock"), knowledge())
    assert got is not None and got.identity == f"api:bedrock/{app}"
    assert "arn" not in got.attributes


def test_bedrock_arns_through_boto3_and_llamaindex() -> None:
    found = py(
        """
        import boto3
        from llama_index.llms.bedrock_converse import BedrockConverse
        class Answerer:
            def __init__(self):
                self.rt = boto3.client("bedrock-runtime", region_name="eu-west-1")
                self.profile = (
                    "arn:aws:bedrock:eu-west-1:000011112222:inference-profile/"
                    "eu.anthropic.claude-3-haiku-20240307-v1:0"
                )
            def ask(self, text):
                return self.rt.converse(modelId=self.profile, messages=[])
        summariser = BedrockConverse(
            model="arn:aws:bedrock:eu-west-1:000011112222:inference-profile/eu.amazon.nova-pro-v1:0",
            region_name="eu-west-1",
        )
        """
    )
    assert ids(found) == {
        "api:bedrock/eu.anthropic.claude-3-haiku-20240307-v1:0",
        "api:bedrock/eu.amazon.nova-pro-v1:0",
    }
    assert {ev.attributes.get("region") for ev in found} == {"eu-west-1"}


def test_a_chroma_sentence_transformer_embedding_function_loads_hub_weights() -> None:
    found = py(
        """
        from chromadb.utils import embedding_functions
        class Store:
            def __init__(self, name, embedder="paraphrase-MiniLM-L3-v2"):
                self.fn = embedding_functions.SentenceTransformerEmbeddingFunction(
                    model_name=embedder
                )
        s = Store("docs")
        """
    )
    assert ids(found) == {"hf:sentence-transformers/paraphrase-MiniLM-L3-v2@unpinned"}


# --- hosts of the deployment's own ----------------------------------------------------------


def test_hosts_only_the_deployment_reaches_are_its_own_server() -> None:
    hosted = Site(SiteKind.CALL_ARGUMENT, reads=Reading.HOSTED)
    for url in (
        "http://127.0.0.1:8080/v1",
        "http://10.0.3.7:8000/v1",
        "http://192.168.1.20:1234/v1",
        "http://172.20.0.5/v1",
        "http://[::1]:8000/v1",
        "http://169.254.10.1/v1",
        "https://llm.10.0.0.5.nip.io/v1",
        "https://chat.192-168-1-2.sslip.io/v1",
        "http://host.docker.internal:8000/v1",
        "http://api.localhost/v1",
    ):
        serving = Serving(sdk="openai", provider="openai", base_url=url)
        got = recognise("mistralai/Mistral-7B-Instruct-v0.3", hosted, serving, knowledge())
        assert got is not None, url
        assert got.identity == "api:local/mistralai/Mistral-7B-Instruct-v0.3", url
        assert got.attributes["provider"] == "local", url
        named = recognise("my-finetune", hosted, serving, knowledge())
        assert named is not None and named.identity == "api:local/my-finetune", url
    # A named host of the deployment (a bare single-label name: a cluster node, a compose
    # service; a Kubernetes service's DNS name; an mDNS machine) is its own provider, as the
    # corpus keys label it (bench/apps-round6 README-label-h, hieum98/litellm-proxy;
    # apps-round8 pocharlies-org/k8s-litellm-pocharlies).
    for host in (
        "n0998:30000",
        "gpu-box.local:8000",
        "vllm.inference.svc:8000",
        "vllm.inference.svc.cluster.local",
    ):
        node = Serving(sdk="openai", provider="openai", base_url=f"http://{host}/v1")
        got = recognise("mistralai/Mistral-7B-Instruct-v0.3", hosted, node, knowledge())
        name = host.split(":")[0]
        assert got is not None, host
        assert got.identity == f"api:{name}/mistralai/Mistral-7B-Instruct-v0.3", host
    # Public addresses and hosted APIs keep their own provider.
    public = Serving(sdk="openai", provider="openai", base_url="http://52.14.1.9:3000/v1")
    got = recognise("my-finetune", hosted, public, knowledge())
    assert got is not None and got.identity == "api:52.14.1.9/my-finetune"
    together = Serving(sdk="openai", base_url="https://api.together.xyz/v1")
    got = recognise("mistralai/Mistral-7B-Instruct-v0.3", hosted, together, knowledge())
    assert got is not None and got.identity == "api:together/mistralai/Mistral-7B-Instruct-v0.3"


def test_a_litellm_route_to_a_local_server_is_its_model() -> None:
    got = recognise(
        "hosted_vllm/mistralai/Mistral-7B-Instruct-v0.3",
        Site(SiteKind.CALL_ARGUMENT, reads=Reading.LITELLM),
        Serving(sdk="litellm"),
        knowledge(),
    )
    assert got is not None and got.identity == "api:local/mistralai/Mistral-7B-Instruct-v0.3"


def test_a_deployments_ingress_host_is_not_a_server_its_model_is_sent_to() -> None:
    from gate.discover import configs

    outcome = configs.analyse_file(
        "claims/phi.yaml",
        textwrap.dedent(
            """
            apiVersion: serving.example.dev/v1
            kind: ModelDeployment
            metadata:
              name: phi
            spec:
              model: microsoft/Phi-3-mini-4k-instruct
              ingressHost: phi.10.1.2.3.nip.io
            """
        ).encode(),
    )
    assert {ev.identity for ev in outcome.evidence} == {
        "hf:microsoft/Phi-3-mini-4k-instruct@unpinned"
    }


def test_a_request_body_naming_a_variable_is_served_at_the_request_url() -> None:
    found = py(
        """
        import os, httpx
        class Tgi:
            def __init__(self, url=None):
                self.url = url or os.getenv("TGI_URL", "http://127.0.0.1:8080")
                self.model = os.getenv("TGI_MODEL", "mistralai/Mistral-7B-Instruct-v0.3")
            def ask(self, messages):
                with httpx.Client() as http:
                    return http.post(
                        f"{self.url}/v1/chat/completions",
                        json={"model": self.model, "messages": messages},
                    )
        """
    )
    assert ids(found) == {"api:local/mistralai/Mistral-7B-Instruct-v0.3"}
    (ev,) = found
    assert ev.location.line == 6  # where the value is written


def test_an_env_file_url_on_another_servers_port_beats_an_ollama_variable_name() -> None:
    from gate.discover import configs

    def env(text: str) -> set[str]:
        outcome = configs.analyse_file("backend/.env.example", text.encode())
        return {ev.identity for ev in outcome.evidence}

    # A TGI server on :8080 configured through variables named after Ollama.
    assert env("OLLAMA_BASE_URL=http://localhost:8080\nOLLAMA_MODEL=qwen/qwen2-0.5b\n") == {
        "api:local/qwen/qwen2-0.5b"
    }
    # Ollama's own port, or no port: the variable's name stands.
    assert env("OLLAMA_BASE_URL=http://localhost:11434\nOLLAMA_MODEL=qwen2:0.5b\n") == {
        "ollama:qwen2:0.5b"
    }
    assert env("OLLAMA_BASE_URL=http://ollama\nOLLAMA_MODEL=qwen2:0.5b\n") == {"ollama:qwen2:0.5b"}


# --- a project's own factories, clients and constants ---------------------------------------


def test_a_provider_named_to_the_projects_own_factory_serves_the_model() -> None:
    found = py(
        """
        class Registry:
            @staticmethod
            def build(provider, model, **kw):
                ...
        def ark_chat(model=None):
            model = model or "doubao-seed-1-6-250615"
            return Registry.build("volcengine", model, temperature=0)
        def local_chat(model=None):
            model = model or "llama3.2:3b"
            return Registry.build(provider="ollama", model=model)
        def either(model=None):
            model = model or "glm-4-flash"
            return Registry.build(pick(), model)
        """
    )
    by_value = {ev.as_written: ev.identity for ev in found}
    assert by_value == {
        "doubao-seed-1-6-250615": "api:volcengine/doubao-seed-1-6-250615",
        "llama3.2:3b": "ollama:llama3.2:3b",
        # No provider written beside it: the name's own provider, as before.
        "glm-4-flash": "api:zhipu/glm-4-flash",
    }


def test_a_client_made_in_another_module_serves_the_calls_made_on_it(tmp_path: Path) -> None:
    (tmp_path / "clients.py").write_text(
        textwrap.dedent(
            """
            import os
            from openai import OpenAI
            ARK = "https://ark.cn-beijing.volces.com/api/v3"
            ark = OpenAI(api_key=os.getenv("ARK_KEY"), base_url=ARK)
            fireworks = OpenAI(base_url=os.getenv("FW_URL", "https://api.fireworks.ai/inference/v1"))
            plain = OpenAI()
            hub = OpenAI(base_url="https://router.huggingface.co/v1")
            """
        )
    )
    (tmp_path / "agent.py").write_text(
        textwrap.dedent(
            """
            from clients import ark, fireworks, plain, hub
            def run(q):
                hub.chat.completions.create(model="HuggingFaceTB/SmolLM3-3B", messages=[])
                ark.chat.completions.create(model="deepseek-v3-1-terminus", messages=[])
                fireworks.chat.completions.create(
                    model="accounts/fireworks/models/qwen3-235b-a22b", messages=[]
                )
                plain.chat.completions.create(model="gpt-4.1-mini", messages=[])
            """
        )
    )
    got = _scan(tmp_path)
    assert set(got) == {
        "api:volcengine/deepseek-v3-1-terminus",
        "api:fireworks/accounts/fireworks/models/qwen3-235b-a22b",
        "api:openai/gpt-4.1-mini",
        "api:huggingface/HuggingFaceTB/SmolLM3-3B",
    }
    ark = got["api:volcengine/deepseek-v3-1-terminus"].evidence[0]
    assert ark.attributes["host"] == "ark.cn-beijing.volces.com"
    assert ark.attributes["client_from"] == "clients.py:ark"


def test_a_model_constant_of_another_module_is_read_in_the_calls_context(tmp_path: Path) -> None:
    (tmp_path / "settings.py").write_text(
        textwrap.dedent(
            """
            import os
            GROQ_BASE = "https://api.groq.com/openai/v1"
            CHAT_MODEL = "meta-llama/llama-4-scout-17b-16e-instruct"
            EMBED = os.getenv("EMBED_MODEL", "nomic-ai/nomic-embed-text-v1.5")
            """
        )
    )
    (tmp_path / "llm.py").write_text(
        textwrap.dedent(
            """
            import settings
            from langchain_openai import ChatOpenAI
            from langchain_huggingface import HuggingFaceEmbeddings
            from settings import CHAT_MODEL, GROQ_BASE
            chat = ChatOpenAI(model_name=CHAT_MODEL, openai_api_base=GROQ_BASE)
            emb = HuggingFaceEmbeddings(model_name=settings.EMBED)
            """
        )
    )
    got = _scan(tmp_path)
    # Groq serves the Hub-style name (not a local Hub load where the constant is written).
    assert set(got) == {
        "api:groq/meta-llama/llama-4-scout-17b-16e-instruct",
        "hf:nomic-ai/nomic-embed-text-v1.5@unpinned",
    }
    chat = got["api:groq/meta-llama/llama-4-scout-17b-16e-instruct"]
    assert {(e.location.path, e.location.line) for e in chat.evidence} == {("settings.py", 4)}
    assert not any(c.startswith("pending:") for c in got)


def test_a_hub_id_sent_to_the_deployments_own_server_is_the_model_it_deploys(
    tmp_path: Path,
) -> None:
    (tmp_path / "serve.sh").write_text(
        "#!/bin/sh\nvllm serve microsoft/Phi-3-mini-4k-instruct --port 8000 "
        "--enable-lora --lora-modules support-lora=/adapters/support\n"
    )
    (tmp_path / "client.py").write_text(
        textwrap.dedent(
            """
            import requests
            from openai import OpenAI
            local = OpenAI(base_url="http://localhost:8000/v1", api_key="none")
            local.chat.completions.create(model="microsoft/Phi-3-mini-4k-instruct", messages=[])
            local.chat.completions.create(model="google/gemma-2-2b-it", messages=[])
            ALIAS = "support-lora"
            requests.post("http://localhost:8000/v1/completions", json={"model": ALIAS})
            """
        )
    )
    got = _scan(tmp_path)
    # The deployed weights are one model whichever file names them; a Hub id the deployment
    # does not run stays the local server's model; the LoRA alias names no weights (the
    # adapter --lora-modules loads is a model folder outside the tree).
    assert set(got) == {
        "hf:microsoft/Phi-3-mini-4k-instruct@unpinned",
        "api:local/google/gemma-2-2b-it",
        "local:/adapters/support",
    }
    served = [
        e
        for e in got["hf:microsoft/Phi-3-mini-4k-instruct@unpinned"].evidence
        if e.location.path == "client.py"
    ]
    assert served and served[0].attributes["served_by"] == "local"


# --- JS/TS ----------------------------------------------------------------------------------


def js(source: str, name: str = "app.ts") -> list[Evidence]:
    outcome = javascript.analyse_file(name, textwrap.dedent(source).encode())
    assert outcome.skipped == []
    return refs.dedupe(outcome.evidence)


def test_js_request_bodies_are_served_at_their_url_whatever_holds_the_model() -> None:
    found = js(
        """
        const axios = require("axios");
        const prefs = { host: "http://127.0.0.1:11434", chatModel: "phi4-mini" };
        export async function chat(messages) {
          await fetch(`${prefs.host}/api/chat`, {
            method: "POST",
            body: JSON.stringify({ model: prefs.chatModel, messages }),
          });
          const base = process.env.OLLAMA_HOST || "localhost:11434";
          await axios.post(`${base}/api/generate`, { model: "my-tuned-granite", prompt: "" });
          // The page's own backend decides what it calls with this.
          await fetch("/api/ask", { method: "POST", body: JSON.stringify({ model: "gpt-4o" }) });
        }
        """,
        "popup.js",
    )
    assert ids(found) == {"ollama:phi4-mini:latest", "ollama:my-tuned-granite:latest"}


def test_js_a_provider_made_by_the_apps_own_function(tmp_path: Path) -> None:
    util = tmp_path / "server" / "utils"
    util.mkdir(parents=True)
    (util / "llm.ts").write_text(
        textwrap.dedent(
            """
            import { createOpenAI } from "@ai-sdk/openai";
            import { createMistral } from "@ai-sdk/mistral";
            export function useTogether() {
              const together = createOpenAI({ baseURL: "https://api.together.xyz/v1" });
              return together;
            }
            export const useMistral = () => createMistral({});
            """
        )
    )
    api = tmp_path / "server" / "api"
    api.mkdir(parents=True)
    # Auto-imported (Nuxt server utils): no import line.
    (api / "chat.post.ts").write_text(
        textwrap.dedent(
            """
            import { streamText, embed } from "ai";
            export default defineEventHandler(async () => {
              const together = useTogether();
              const mistral = useMistral();
              await embed({ model: together.embedding("BAAI/bge-base-en-v1.5"), value: "x" });
              return streamText({ model: mistral("mistral-small-latest"), prompt: "" });
            });
            """
        )
    )
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "providers.ts").write_text(
        textwrap.dedent(
            """
            import { createDeepSeek } from "@ai-sdk/deepseek";
            export function makeDeepSeek() {
              return createDeepSeek({ apiKey: process.env.KEY });
            }
            """
        )
    )
    (lib / "answer.ts").write_text(
        textwrap.dedent(
            """
            import { generateText } from "ai";
            import { makeDeepSeek } from "./providers";
            import { createGroq } from "@ai-sdk/groq";
            function own() {
              return createGroq({ baseURL: "https://api.groq.com/openai/v1" });
            }
            export async function answer() {
              const ds = makeDeepSeek();
              const groq = own();
              await generateText({ model: groq("llama-3.1-8b-instant"), prompt: "" });
              return generateText({ model: ds("deepseek-reasoner"), prompt: "" });
            }
            """
        )
    )
    got = _scan(tmp_path)
    assert set(got) == {
        "api:together/BAAI/bge-base-en-v1.5",
        "api:mistral/mistral-small-latest",
        "api:deepseek/deepseek-reasoner",
        "api:groq/llama-3.1-8b-instant",
    }


def test_a_wrapper_class_is_served_where_its_callers_point_it() -> None:
    found = py(
        """
        import os
        from langchain_openai import ChatOpenAI
        class Chat:
            def __init__(self, model, api_base, temperature=0.2):
                self.llm = ChatOpenAI(model=model, base_url=api_base, temperature=temperature)
        fast = Chat("meta-llama/Llama-3.3-70B-Instruct-Turbo", "https://api.together.xyz/v1")
        cn = Chat(
            model="qwen-plus",
            api_base=os.getenv("QWEN_URL", "https://dashscope.aliyuncs.com/compatible-mode/v1"),
        )
        """
    )
    assert {ev.identity: ev.attributes.get("host") for ev in found} == {
        "api:together/meta-llama/Llama-3.3-70B-Instruct-Turbo": "api.together.xyz",
        "api:alibaba/qwen-plus": "dashscope.aliyuncs.com",
    }


def test_python_a_host_and_port_without_scheme_is_the_request_url() -> None:
    found = py(
        """
        import os, requests
        HOST = os.getenv("OLLAMA", "localhost:11434")
        requests.post(f"{HOST}/api/generate", json={"model": "my-granite-tune", "prompt": ""})
        """
    )
    assert ids(found) == {"ollama:my-granite-tune:latest"}


def test_a_client_factory_of_another_module_is_served_where_its_caller_points_it(
    tmp_path: Path,
) -> None:
    (tmp_path / "factory.py").write_text(
        textwrap.dedent(
            """
            from openai import OpenAI
            def make_client(base_url, key=None):
                client = OpenAI(base_url=base_url, api_key=key)
                return client
            def default_client(url="https://api.deepseek.com"):
                return OpenAI(base_url=url)
            """
        )
    )
    (tmp_path / "bot.py").write_text(
        textwrap.dedent(
            """
            from factory import make_client, default_client
            together = make_client("https://api.together.xyz/v1")
            together.chat.completions.create(model="Qwen/Qwen2.5-Coder-32B-Instruct", messages=[])
            ds = default_client()
            ds.chat.completions.create(model="deepseek-chat", messages=[])
            """
        )
    )
    got = _scan(tmp_path)
    assert set(got) == {
        "api:together/Qwen/Qwen2.5-Coder-32B-Instruct",
        "api:deepseek/deepseek-chat",
    }
    ev = got["api:together/Qwen/Qwen2.5-Coder-32B-Instruct"].evidence[0]
    assert ev.attributes["host"] == "api.together.xyz"
    assert ev.attributes["client_factory"] == "factory.make_client"


def test_a_settings_object_of_another_module_gives_the_model_and_its_endpoint(
    tmp_path: Path,
) -> None:
    (tmp_path / "config.py").write_text(
        textwrap.dedent(
            """
            from pydantic import Field
            from pydantic_settings import BaseSettings
            class Settings(BaseSettings):
                llm_base_url: str = "https://api.siliconflow.cn/v1"
                llm_model: str = Field(default="Qwen/Qwen3-32B")
            settings = Settings()
            """
        )
    )
    (tmp_path / "chain.py").write_text(
        textwrap.dedent(
            """
            from langchain_openai import ChatOpenAI
            from config import settings
            llm = ChatOpenAI(model=settings.llm_model, base_url=settings.llm_base_url)
            """
        )
    )
    got = _scan(tmp_path)
    assert set(got) == {"api:siliconflow/Qwen/Qwen3-32B"}


def test_js_a_client_made_by_the_apps_own_function(tmp_path: Path) -> None:
    (tmp_path / "llm.js").write_text(
        textwrap.dedent(
            """
            import OpenAI from "openai";
            export function getClient() {
              return new OpenAI({ baseURL: "https://dashscope.aliyuncs.com/compatible-mode/v1" });
            }
            """
        )
    )
    (tmp_path / "bot.js").write_text(
        textwrap.dedent(
            """
            import { getClient } from "./llm.js";
            export async function reply(messages) {
              const client = getClient();
              return client.chat.completions.create({ model: "deepseek-v3.2", messages });
            }
            """
        )
    )
    got = _scan(tmp_path)
    assert set(got) == {"api:alibaba/deepseek-v3.2"}
    (ev,) = got["api:alibaba/deepseek-v3.2"].evidence
    assert ev.attributes["host"] == "dashscope.aliyuncs.com"


def test_js_factory_resolution_tries_every_suffix_the_scan_reads() -> None:
    from gate.discover.javascript import SUFFIXES, across

    assert sorted(across._SUFFIXES) == sorted(SUFFIXES)


def test_js_a_provider_made_by_an_arrow_function_of_the_same_file(tmp_path: Path) -> None:
    # `const own = () => createGroq(...)` is found as the factory pass finds it (the same
    # check as for `function own()`), not only a `function` declaration.
    (tmp_path / "answer.ts").write_text(
        textwrap.dedent(
            """
            import { generateText } from "ai";
            import { createGroq } from "@ai-sdk/groq";
            const own = () => createGroq({ baseURL: "https://api.groq.com/openai/v1" });
            export async function answer() {
              const groq = own();
              return generateText({ model: groq("llama-3.1-8b-instant"), prompt: "" });
            }
            """
        )
    )
    assert set(_scan(tmp_path)) == {"api:groq/llama-3.1-8b-instant"}


def test_js_a_provider_another_module_holds_is_asked_for_its_model(tmp_path: Path) -> None:
    # export const gemini = createGoogleGenerativeAI(...) in the app's own module, imported
    # relatively or through the project-root alias (@/), and asked for a model elsewhere.
    (tmp_path / "server").mkdir()
    (tmp_path / "server" / "llm.ts").write_text(
        'import { createGoogleGenerativeAI } from "@ai-sdk/google";\n'
        "export const gemini = createGoogleGenerativeAI({ apiKey: process.env.KEY });\n"
        "export const helper = (s: string) => s.length;\n"
    )
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "a.ts").write_text(
        'import { gemini } from "../server/llm";\nconst m = gemini("gemini-1.5-flash-latest");\n'
    )
    (tmp_path / "pages" / "b.ts").write_text(
        'import { gemini as g, helper } from "@/server/llm";\n'
        'const m = g("gemini-2.0-flash");\nconst n = helper("gpt-4o");\n'
    )
    comps = _scan(tmp_path)
    assert sorted(comps) == ["api:google/gemini-1.5-flash-latest", "api:google/gemini-2.0-flash"]
