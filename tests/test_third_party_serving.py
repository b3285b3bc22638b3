"""Hub-style ids served by a third party, and the other Python/config/deployment classes of
the round-7 recogniser work (issue 12): raw HTTP bodies held in a variable, Hugging Face's
own inference clients, scripts named like tests, ModelScope as the hub, Ollama tags in more
sites, relays named by an env file's base URL. Hand-written cases, none copied from a
scanned repository."""

from __future__ import annotations

import textwrap

from gate.discover import python, refs
from gate.model import Evidence


def py(source: str, name: str = "app.py") -> list[Evidence]:
    outcome = python.analyse_file(name, textwrap.dedent(source).encode())
    assert outcome.skipped == []
    return refs.dedupe(outcome.evidence)


def ids(found: list[Evidence]) -> set[str]:
    return {ev.identity for ev in found}


# --- 1. Hub-style ids served by a third party -----------------------------------------------


def test_a_request_body_held_in_a_variable_is_served_at_the_url_it_is_posted_to() -> None:
    found = py(
        """
        import requests
        def ask(text):
            body = {
                "model": "acme-ai/Chatty-7B-Instruct",
                "prompt": text,
            }
            return requests.post("https://api.together.xyz/v1/completions", json=body)
        """
    )
    assert ids(found) == {"api:together/acme-ai/Chatty-7B-Instruct"}
    (ev,) = found
    assert ev.location.line == 5


def test_a_body_serialised_with_json_dumps_and_a_module_url_constant() -> None:
    found = py(
        """
        import json, httpx
        URL = "https://router.huggingface.co/v1/chat/completions"
        payload = {"model": "acme-ai/Chatty-7B-Instruct", "messages": []}
        async def ask():
            async with httpx.AsyncClient() as http:
                return await http.post(URL, data=json.dumps(payload))
        """
    )
    assert ids(found) == {"api:huggingface/acme-ai/Chatty-7B-Instruct"}


def test_a_multipart_model_field_is_served_where_it_is_uploaded() -> None:
    found = py(
        """
        import requests
        BASE = "https://api.siliconflow.cn/v1"
        def upload(audio):
            files = {"model": (None, "acme-ai/Voice-0.5B"), "audio": (None, audio)}
            return requests.post(f"{BASE}/uploads/audio/voice", files=files)
        """
    )
    assert ids(found) == {"api:siliconflow/acme-ai/Voice-0.5B"}


def test_a_body_never_posted_stays_what_its_shape_says() -> None:
    found = py(
        """
        import requests
        body = {"model": "acme-ai/Chatty-7B-Instruct"}
        other = {"x": 1}
        requests.post("https://api.together.xyz/v1/completions", json=other)
        """
    )
    assert ids(found) == {"hf:acme-ai/Chatty-7B-Instruct@unpinned"}


def test_a_body_posted_to_the_deployments_own_server_is_its_model() -> None:
    found = py(
        """
        import requests
        body = {"model": "acme-ai/Chatty-7B-Instruct"}
        requests.post("http://localhost:8000/v1/completions", json=body)
        """
    )
    assert ids(found) == {"api:local/acme-ai/Chatty-7B-Instruct"}


def test_haystack_hugging_face_api_components_are_hugging_faces_inference() -> None:
    found = py(
        """
        from haystack.components.generators import HuggingFaceAPIGenerator
        from haystack.components.embedders import HuggingFaceAPITextEmbedder
        gen = HuggingFaceAPIGenerator(
            api_type="serverless_inference_api",
            api_params={"model": "acme-ai/Chatty-7B-Instruct"},
        )
        emb = HuggingFaceAPITextEmbedder(
            api_type="serverless_inference_api", api_params={"model": "acme-ai/embed-small"}
        )
        """
    )
    assert ids(found) == {
        "api:huggingface/acme-ai/Chatty-7B-Instruct",
        "api:huggingface/acme-ai/embed-small",
    }


def test_hugging_face_inference_clients_and_the_together_sdk() -> None:
    found = py(
        """
        from huggingface_hub import InferenceClient
        from langchain_huggingface import HuggingFaceEndpoint
        from langchain_community.llms import HuggingFaceHub
        from together import Together
        InferenceClient(model="acme-ai/Chatty-7B-Instruct").chat_completion([])
        HuggingFaceEndpoint(repo_id="acme-ai/Chatty-13B-Instruct")
        HuggingFaceHub(repo_id="acme-ai/Chatty-1B")
        Together().chat.completions.create(model="acme-ai/Chatty-70B-Instruct-Turbo")
        """
    )
    assert ids(found) == {
        "api:huggingface/acme-ai/Chatty-7B-Instruct",
        "api:huggingface/acme-ai/Chatty-13B-Instruct",
        "api:huggingface/acme-ai/Chatty-1B",
        "api:together/acme-ai/Chatty-70B-Instruct-Turbo",
    }
