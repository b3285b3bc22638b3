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
