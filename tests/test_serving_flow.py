"""Serving as it flows through an application (issue 12, item 2): Bedrock ARNs, hosts that
are the deployment's own, a project's own client wrappers and factories, clients and
constants of other modules. Hand-written cases, none copied from a scanned repository."""

from __future__ import annotations

import textwrap

from gate.discover import python, refs
from gate.model import Evidence
from gate.recognise import Reading, Serving, Site, SiteKind, knowledge, recognise


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
        "http://gpu-box.local:8000/v1",
        "http://vllm.inference.svc:8000/v1",
        "http://vllm.inference.svc.cluster.local/v1",
        "http://host.docker.internal:8000/v1",
        "http://api.localhost/v1",
        "http://textgen:5000/v1",
    ):
        serving = Serving(sdk="openai", provider="openai", base_url=url)
        got = recognise("mistralai/Mistral-7B-Instruct-v0.3", hosted, serving, knowledge())
        assert got is not None, url
        assert got.identity == "api:local/mistralai/Mistral-7B-Instruct-v0.3", url
        assert got.attributes["provider"] == "local", url
        named = recognise("my-finetune", hosted, serving, knowledge())
        assert named is not None and named.identity == "api:local/my-finetune", url
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
