"""Python references by AST: calls, clients, data flow, and what is not a reference."""

from __future__ import annotations

import textwrap
from pathlib import Path

from gate.discover import python, refs, scanning
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.model import Confidence, Evidence


def scan(source: str) -> list[Evidence]:
    outcome = python.analyse_file("app.py", textwrap.dedent(source).encode())
    assert outcome.skipped == []
    return refs.dedupe(outcome.evidence)


def ids(found: list[Evidence]) -> list[str]:
    return [ev.identity for ev in found]


def test_client_base_url_flows_to_method_calls_on_self() -> None:
    found = scan(
        """
        from openai import OpenAI
        class Bot:
            def __init__(self):
                self.client = OpenAI(base_url="https://api.deepseek.com/v1")
            def ask(self, q):
                return self.client.chat.completions.create(model="deepseek-chat", messages=[])
        """
    )
    assert ids(found) == ["api:deepseek/deepseek-chat"]
    ev = found[0]
    assert ev.attributes["host"] == "api.deepseek.com"
    assert ev.attributes["sdk"] == "openai"
    assert (ev.location.line, ev.location.column) == (7, 58)
    assert ev.confidence is Confidence.HIGH


def test_client_from_a_factory_function_and_with_statement() -> None:
    found = scan(
        """
        import anthropic
        def make():
            return anthropic.Anthropic(base_url="https://api.deepseek.com/anthropic")
        client = make()
        with anthropic.Anthropic() as other:
            other.messages.create(model="claude-3-opus-20240229", max_tokens=1, messages=[])
        client.messages.create(model="deepseek-chat", max_tokens=1, messages=[])
        """
    )
    assert sorted(ids(found)) == [
        "api:anthropic/claude-3-opus-20240229",
        "api:deepseek/deepseek-chat",
    ]


def test_values_through_defaults_loops_dicts_and_concatenation() -> None:
    found = scan(
        """
        from transformers import AutoModel
        MODELS = {"small": "google/flan-t5-small"}
        CANDIDATES = ["BAAI/bge-small-en-v1.5", "BAAI/bge-base-en-v1.5"]
        ORG = "Qwen"
        def load(name="distilbert/distilbert-base-uncased"):
            return AutoModel.from_pretrained(name)
        a = AutoModel.from_pretrained(MODELS["small"])
        for candidate in CANDIDATES:
            AutoModel.from_pretrained(candidate)
        b = AutoModel.from_pretrained(ORG + "/Qwen2.5-0.5B")
        """
    )
    flows = {ev.identity: ev.attributes["flow"] for ev in found}
    assert flows == {
        "hf:distilbert/distilbert-base-uncased@unpinned": "parameter-default",
        "hf:google/flan-t5-small@unpinned": "dict-entry",
        "hf:BAAI/bge-small-en-v1.5@unpinned": "loop",
        "hf:BAAI/bge-base-en-v1.5@unpinned": "loop",
        "hf:Qwen/Qwen2.5-0.5B@unpinned": "concatenation",
    }


def test_env_defaults_are_medium_with_the_variable_name() -> None:
    found = scan(
        """
        import os
        import litellm
        model = os.environ.get("LLM", "anthropic/claude-3-haiku-20240307")
        other = os.getenv("OTHER") or "gpt-4o"
        litellm.completion(model=model, messages=[])
        litellm.completion(model=other, messages=[])
        litellm.completion(model=os.environ["FROM_ENV_ONLY"], messages=[])
        """
    )
    got = {(ev.identity, ev.confidence, ev.attributes.get("env_var")) for ev in found}
    assert got == {
        ("api:anthropic/claude-3-haiku-20240307", Confidence.MEDIUM, "LLM"),
        ("api:openai/gpt-4o", Confidence.MEDIUM, "OTHER"),
    }


def test_self_referencing_assignment_reads_the_parameter() -> None:
    found = scan(
        """
        from openai import OpenAI
        def ask(model=None):
            model = model or "gpt-4o-mini"
            return OpenAI().chat.completions.create(model=model, messages=[])
        """
    )
    assert ids(found) == ["api:openai/gpt-4o-mini"]


def test_one_literal_used_twice_is_one_evidence_with_both_call_sites() -> None:
    found = scan(
        """
        from transformers import AutoModel, AutoTokenizer
        NAME = "Qwen/Qwen2.5-0.5B"
        tok = AutoTokenizer.from_pretrained(NAME)
        model = AutoModel.from_pretrained(NAME, trust_remote_code=True, revision="v1.0")
        """
    )
    assert len(found) == 1
    ev = found[0]
    assert ev.attributes["used_at"] == ["4:7", "5:9"]
    assert ev.attributes["trust_remote_code"] is True
    assert ev.location.line == 3


def test_google_genai_on_vertex_uses_the_region_host() -> None:
    found = scan(
        """
        from google import genai
        client = genai.Client(vertexai=True, project="p", location="europe-west4")
        client.models.generate_content(model="gemini-2.0-flash", contents="hi")
        """
    )
    assert ids(found) == ["api:google-vertex/gemini-2.0-flash"]
    assert found[0].attributes["host"] == "europe-west4-aiplatform.googleapis.com"


def test_non_ai_clients_and_look_alikes_are_not_references() -> None:
    found = scan(
        '''
        """Uses gpt-4o? No: this docstring is prose."""
        from twilio.rest import Client
        from sklearn.pipeline import Pipeline
        # client.chat.completions.create(model="gpt-4o")
        sms = Client("a", "b")
        sms.messages.create(to="+1", body="hi")
        model = "article"
        MODEL_PATH = "models/bert"
        label = "gpt-4o"
        '''
    )
    assert found == []


def test_unknown_receiver_with_openai_shape_is_low_without_an_sdk_import() -> None:
    found = scan(
        """
        def ask(client, q):
            return client.chat.completions.create(model="gpt-4o", messages=[])
        """
    )
    assert [(ev.identity, ev.confidence) for ev in found] == [("api:openai/gpt-4o", Confidence.LOW)]


def test_python2_file_is_a_recorded_skip(tmp_path: Path) -> None:
    (tmp_path / "old.py").write_text('from openai import OpenAI\nprint "gpt-4o"\n')
    tree = Tree.walk(tmp_path)
    assert list(python.discover(tree, DiscoverContext())) == []
    assert [s.path for s in tree.skipped] == ["old.py"]
    assert "not parseable by Python" in tree.skipped[0].reason


def test_files_without_needles_are_not_parsed(tmp_path: Path) -> None:
    (tmp_path / "plain.py").write_text("def f(x):\n    return x + 1\n")
    (tmp_path / "broken.py").write_text("def f(:\n")  # no needle: never parsed, no skip
    tree = Tree.walk(tmp_path)
    found, stats = scanning.scan(tree, tree.files, python.needles(), python.analyse_file)
    assert found == [] and stats.candidates == 0 and tree.skipped == []


def test_parallel_and_serial_scans_agree(tmp_path: Path) -> None:
    for i in range(30):
        body = f'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o-{i}")\n'
        (tmp_path / f"m{i:02d}.py").write_text(body if i % 3 == 0 else f"X = {i}\n")
    tree = Tree.walk(tmp_path)
    serial, _ = scanning.scan(
        tree, tree.files, python.needles(), python.analyse_file, parallel=False
    )
    pooled, _ = scanning.scan(
        tree, tree.files, python.needles(), python.analyse_file, parallel=True
    )
    key = sorted((ev.location.path, ev.identity) for ev in serial)
    assert key == sorted((ev.location.path, ev.identity) for ev in pooled)
    assert len(key) == 10


def test_kwargs_dict_built_item_by_item() -> None:
    # lightrag's nvidia_openai_embed: the endpoint reaches the client through **kwargs.
    found = scan(
        """
        from openai import AsyncOpenAI
        async def embed(texts, model="nvidia/nv-embedqa-e5-v5", base_url="https://integrate.api.nvidia.com/v1"):
            kwargs = {}
            if base_url is not None:
                kwargs["base_url"] = base_url
            client = AsyncOpenAI(**kwargs)
            return await client.embeddings.create(model=model, input=texts)
        """
    )
    assert [(ev.identity, ev.attributes["host"]) for ev in found] == [
        ("api:nvidia/nvidia/nv-embedqa-e5-v5", "integrate.api.nvidia.com")
    ]


def test_a_client_the_module_does_not_make_is_not_assumed_to_be_openai() -> None:
    # langchain_community chat_models/friendli.py: self.client comes from a base class in
    # another module; it is Friendli's client, not OpenAI's, whatever its method names.
    found = scan(
        """
        from langchain_community.llms.friendli import BaseFriendli
        from .clients import make_client

        class ChatFriendli(BaseFriendli):
            model: str = "meta-llama-3.1-8b-instruct"

            def _generate(self, messages):
                return self.client.chat.completions.create(model=self.model, messages=messages)

        class Agent:
            def __init__(self):
                self.client = make_client()

            def run(self):
                return self.client.chat.completions.create(model="gpt-4o-mini", messages=[])
        """
    )
    assert len(found) == 1, found  # the Llama name says no provider: nothing is guessed
    ev = found[0]
    assert ev.identity == "api:openai/gpt-4o-mini"  # the name says whose model it is ...
    assert "host" not in ev.attributes and "sdk" not in ev.attributes  # ... not who serves it
    assert ev.attributes["base_url_expr"] == "self.client"
    assert ev.confidence is Confidence.LOW


def test_a_client_made_or_typed_in_the_module_is_that_sdks() -> None:
    found = scan(
        """
        import openai
        from openai import OpenAI

        client = OpenAI()
        client.chat.completions.create(model="gpt-4o", messages=[])

        def ask(c: OpenAI):
            return c.responses.create(model="o3-mini", input="x")

        def passed_in(c):
            return c.chat.completions.create(model="gpt-4.1", messages=[])
        """
    )
    by_id = {ev.identity: ev for ev in found}
    for made in ("api:openai/gpt-4o", "api:openai/o3-mini"):
        assert by_id[made].attributes["host"] == "api.openai.com"
        assert by_id[made].attributes["sdk"] == "openai"
        assert by_id[made].confidence is Confidence.HIGH
    unknown = by_id["api:openai/gpt-4.1"]
    assert "host" not in unknown.attributes and unknown.attributes["base_url_expr"] == "c"
    assert unknown.confidence is Confidence.MEDIUM  # the module imports the SDK


def test_hub_datasets_through_hfapi_and_wrappers_are_datasets() -> None:
    # vllm/assets/video.py: hf_api().hf_hub_download(..., repo_type="dataset").
    found = scan(
        """
        from huggingface_hub import HfApi
        from vllm.transformers_utils.repo_utils import hf_api

        api = HfApi()
        api.hf_hub_download(repo_id="raushan-testing-hf/videos-test", repo_type="dataset")
        HfApi().snapshot_download("HuggingFaceH4/ultrachat_200k", repo_type="dataset")
        hf_api().hf_hub_download(repo_id="lmms-lab/Video-MME", filename="x", repo_type="dataset")
        api.snapshot_download(repo_id="Qwen/Qwen2.5-0.5B-Instruct")
        upload(repo_id="someone/space", repo_type="space")
        """
    )
    assert sorted(ids(found)) == [
        "dataset:hf:HuggingFaceH4/ultrachat_200k",
        "dataset:hf:lmms-lab/Video-MME",
        "dataset:hf:raushan-testing-hf/videos-test",
        "hf:Qwen/Qwen2.5-0.5B-Instruct@unpinned",
    ]


def test_set_aside_tests_and_docs_are_a_scan_note(tmp_path: Path) -> None:
    body = 'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o")\n'
    for rel in ("app.py", "tests/test_app.py", "tests/conftest.py", "docs/demo.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(body)
    (tmp_path / "pkg/testing").mkdir(parents=True)
    (tmp_path / "pkg/__init__.py").write_text("")
    (tmp_path / "pkg/testing/__init__.py").write_text(body)
    ctx = DiscoverContext()
    found = list(python.discover(Tree.walk(tmp_path), ctx))
    assert sorted(ev.location.path for ev in found) == ["app.py", "pkg/testing/__init__.py"]
    assert ctx.facts.notes == [
        "tests and docs set aside (not read for model references; --include-tests reads"
        " them): 3 files in tests/ (2), docs/ (1)"
    ]
    every = DiscoverContext(include_tests=True)
    scoped = {
        ev.location.path: ev.attributes.get("scope")
        for ev in python.discover(Tree.walk(tmp_path), every)
    }
    assert scoped == {
        "app.py": None,
        "pkg/testing/__init__.py": None,
        "tests/test_app.py": "test",
        "tests/conftest.py": "test",
        "docs/demo.py": "docs",
    }
    assert every.facts.notes == []


def test_fields_set_through_super_init_flow_to_client_calls() -> None:
    # llama_index core evaluation/retrieval/metrics.py: a pydantic model whose field is set
    # by super().__init__(model=model), used on a cohere Client made in __init__.
    found = scan(
        """
        import os
        from typing import Any
        from pydantic import Field, PrivateAttr

        class CohereRerankRelevancyMetric(BaseRetrievalMetric):
            model: str = Field(description="Cohere model name.")
            _client: Any = PrivateAttr()

            def __init__(self, model: str = "rerank-english-v2.0", api_key=None):
                api_key = api_key or os.environ["COHERE_API_KEY"]
                from cohere import Client

                super().__init__(model=model)
                self._client = Client(api_key=api_key)

            def compute(self, query, texts):
                return self._client.rerank(model=self.model, query=query, documents=texts)
        """
    )
    assert [(ev.identity, ev.location.line, ev.confidence) for ev in found] == [
        ("api:cohere/rerank-english-v2.0", 10, Confidence.HIGH)
    ]
    assert found[0].attributes["host"] == "api.cohere.com"
    assert found[0].attributes["call"] == "cohere.Client().rerank"


def test_llama_index_cohere_rerank() -> None:
    found = scan(
        """
        from llama_index.postprocessor.cohere_rerank import CohereRerank

        reranker = CohereRerank(model="rerank-v3.5", top_n=3)
        """
    )
    assert [(ev.identity, ev.confidence) for ev in found] == [
        ("api:cohere/rerank-v3.5", Confidence.HIGH)
    ]


def test_fields_a_pydantic_validator_fills_are_the_models_fields() -> None:
    # langchain_community embeddings/zhipuai.py: the client is made in a "before" validator.
    found = scan(
        """
        from typing import Any, Dict
        from pydantic import BaseModel, Field, model_validator

        class ZhipuAIEmbeddings(BaseModel):
            client: Any = Field(default=None, exclude=True)
            model: str = Field(default="embedding-2")

            @model_validator(mode="before")
            @classmethod
            def validate_environment(cls, values: Dict) -> Any:
                from zhipuai import ZhipuAI

                values["client"] = ZhipuAI(api_key=values["api_key"])
                return values

            def embed_documents(self, texts):
                return self.client.embeddings.create(model=self.model, input=texts)
        """
    )
    assert [(ev.identity, ev.confidence, ev.attributes.get("host")) for ev in found] == [
        ("api:zhipu/embedding-2", Confidence.HIGH, "open.bigmodel.cn")
    ]


def test_an_endpoint_passed_by_one_caller_is_not_another_callers() -> None:
    found = scan(
        """
        import litellm
        def complete(model, api_base=None):
            return litellm.completion(model=model, api_base=api_base, messages=[])
        def a():
            return complete("gpt-4o")
        def b():
            return complete("qwen-max", api_base="https://dashscope.aliyuncs.com/compatible-mode/v1")
        def c(**kw):
            return complete("claude-3-opus-20240229", **kw)
        """
    )
    hosts = {ev.identity: ev.attributes.get("host") for ev in found}
    assert hosts == {
        "api:openai/gpt-4o": "api.openai.com",
        "api:alibaba/qwen-max": "dashscope.aliyuncs.com",
        "api:anthropic/claude-3-opus-20240229": None,
    }
    by_id = {ev.identity: ev for ev in found}
    assert by_id["api:anthropic/claude-3-opus-20240229"].attributes["base_url_expr"] == "api_base"


def test_a_factory_whose_callers_disagree_on_the_endpoint_claims_no_host() -> None:
    found = scan(
        """
        from openai import OpenAI
        def make(base_url=None):
            return OpenAI(base_url=base_url)
        a = make("https://api.deepseek.com")
        b = make()
        a.chat.completions.create(model="gpt-4o", messages=[])
        """
    )
    assert ids(found) == ["api:openai/gpt-4o"]
    assert "host" not in found[0].attributes
    assert found[0].attributes["base_url_expr"] == "base_url"


def test_openapi_and_pydantic_examples_are_documentation_not_uses() -> None:
    found = scan(
        """
        from fastapi import FastAPI, Body
        from pydantic import BaseModel, Field
        app = FastAPI()
        class Req(BaseModel):
            model: str = Field(default="gpt-4o", json_schema_extra={"example": "gpt-4"})
            class Config:
                schema_extra = {"example": {"model": "claude-3-opus-20240229"}}
        @app.get("/h", responses={200: {"content": {"application/json": {
            "example": {"llm_model": "gpt-4", "cfg": dict(model="deepseek-chat")}}}}})
        def h(b=Body(examples=[{"embedding_model": "text-embedding-ada-002"}])):
            return {"llm_model": "gpt-4.1"}
        """
    )
    assert sorted(ids(found)) == ["api:openai/gpt-4.1", "api:openai/gpt-4o"]


def test_attribute_targets_deeper_than_self_use_their_last_name_as_the_key() -> None:
    found = scan(
        """
        import os
        class E:
            def __init__(self, config):
                self.config.model = self.config.model or "text-embedding-3-small"
                self.config.host = self.config.host or "gpt-4o"
        args.llm_model = os.getenv("LLM_MODEL", "o3-mini")
        settings.llm.chat_model = "deepseek-chat"
        """
    )
    got = {(ev.identity, ev.attributes["key"], ev.confidence) for ev in found}
    assert got == {
        ("api:openai/text-embedding-3-small", "model", Confidence.MEDIUM),
        ("api:openai/o3-mini", "llm_model", Confidence.MEDIUM),
        ("api:deepseek/deepseek-chat", "chat_model", Confidence.MEDIUM),
    }


def test_a_langchain_client_with_a_written_host_and_no_model_records_the_endpoint() -> None:
    found = scan(
        """
        from langchain_openai import ChatOpenAI
        def a(**kw):
            return ChatOpenAI(openai_api_base="https://api.moonshot.cn/v1", **kw)
        def b():
            return ChatOpenAI(openai_api_base="https://api.deepseek.com", model="deepseek-chat")
        """
    )
    assert sorted(ids(found)) == ["api:deepseek/deepseek-chat", "api:moonshot/*"]
    star = next(ev for ev in found if ev.identity == "api:moonshot/*")
    assert (star.confidence, star.location.line) == (Confidence.MEDIUM, 4)


def test_a_model_folder_outside_the_tree_is_a_local_model() -> None:
    found = scan(
        """
        from transformers import pipeline
        pipe = pipeline("text-generation", model="/home/u/google/gemma-3-1b-it")
        MODEL_PATH = "/opt/models/Qwen2-7B"
        llm_model_dict = {
            "BELLE-Local": "/pretrainmodel/belle",
            "ernie-tiny": "nghuyong/ernie-3.0-nano-zh",
        }
        """
    )
    got = {ev.identity: ev.attributes.get("listed") for ev in found}
    assert got == {
        "local:/home/u/google/gemma-3-1b-it": None,
        "local:/opt/models/Qwen2-7B": None,
        "local:/pretrainmodel/belle": True,
        "hf:nghuyong/ernie-3.0-nano-zh@unpinned": True,
    }
    gemma = next(ev for ev in found if ev.identity.startswith("local:/home"))
    assert gemma.attributes["unresolved"] is True
    base = gemma.attributes["declared"]["base_models"][0]  # type: ignore[index]
    assert base["ref"] == "google/gemma-3-1b-it" and base["source"] == "heuristic"


def test_a_value_overwritten_before_any_use_is_no_reference() -> None:
    found = scan(
        """
        from transformers import AutoModel
        base_model_name = "NousResearch/Llama-2-7b-chat"
        base_model_name = "meta-llama/Meta-Llama-3-8B"
        model = AutoModel.from_pretrained(base_model_name)
        fallback = "Qwen/Qwen2.5-7B"
        if model is None:
            fallback = "Qwen/Qwen2.5-14B"
        AutoModel.from_pretrained(fallback)
        first = "google/gemma-2b"
        AutoModel.from_pretrained(first)
        """
    )
    assert sorted(set(ids(found))) == [
        "hf:Qwen/Qwen2.5-14B@unpinned",
        "hf:Qwen/Qwen2.5-7B@unpinned",
        "hf:google/gemma-2b@unpinned",
        "hf:meta-llama/Meta-Llama-3-8B@unpinned",
    ]


def test_tracing_metadata_names_a_model_but_calls_none() -> None:
    found = scan(
        """
        with item.run(run_name="eval", run_metadata={"model": "qwen-vl-max"}) as span:
            pass
        chain.invoke(q, config={"metadata": {"model_name": "gpt-4o"}})
        body = {"model": "deepseek-chat"}
        """
    )
    assert ids(found) == ["api:deepseek/deepseek-chat"]


def test_unsloth_loads_its_model_name_from_the_hub() -> None:
    found = scan(
        """
        from unsloth import FastLanguageModel
        model, tokenizer = FastLanguageModel.from_pretrained(
            model_name="unsloth/Meta-Llama-3.1-8B", max_seq_length=2048
        )
        """
    )
    assert ids(found) == ["hf:unsloth/Meta-Llama-3.1-8B@unpinned"]
    assert found[0].attributes["sdk"] == "unsloth"


def test_a_dataset_path_flag_names_a_hub_dataset_only_as_org_name() -> None:
    found = scan(
        """
        import argparse
        parser = argparse.ArgumentParser()
        parser.add_argument("--dataset-path", type=str, default="lambdalabs/naruto-blip-captions")
        parser.add_argument("--data-path", type=str, default="./data/train.json")
        """
    )
    assert ids(found) == ["dataset:hf:lambdalabs/naruto-blip-captions"]


def test_dashscope_service_classes_take_the_model_first() -> None:
    found = scan(
        """
        import dashscope
        from dashscope.audio.tts import SpeechSynthesizer
        dashscope.Generation.call('some-chat-model-v1', messages=[])
        dashscope.Understanding.call(model='some-nlu-v1', sentence='x', labels='a,b')
        SpeechSynthesizer.call(model='some-tts-v1', text='hi')
        """
    )
    assert sorted(ids(found)) == [
        "api:alibaba/some-chat-model-v1",
        "api:alibaba/some-nlu-v1",
        "api:alibaba/some-tts-v1",
    ]


def test_haystack_ollama_components_and_fireworks_resource_names() -> None:
    found = scan(
        """
        import os
        from haystack_integrations.components.generators.ollama import OllamaGenerator
        from langchain_fireworks import ChatFireworks
        gen = OllamaGenerator(model="some-model:3b", url=os.getenv("OLLAMA_URL"))
        llm = ChatFireworks(model="accounts/fireworks/models/some-model-8x7b-instruct")
        """
    )
    assert sorted(ids(found)) == [
        "api:fireworks/accounts/fireworks/models/some-model-8x7b-instruct",
        "ollama:some-model:3b",
    ]


def test_qianfan_image_classes_name_baidu_models() -> None:
    found = scan(
        """
        import qianfan
        from qianfan.resources import Image2Text
        qianfan.Text2Image().do(prompt="a cat", model="Some-Diffusion-XL")
        Image2Text(model="Some-VL-8B").do(prompt="what", image="...")
        """
    )
    assert sorted(ids(found)) == ["api:baidu/Some-Diffusion-XL", "api:baidu/Some-VL-8B"]


def test_a_file_parseable_but_too_deep_to_analyse_is_skipped_not_a_crash() -> None:
    # Hostile source: a chain ast.parse accepts but whose tree is deeper than the analysis
    # recurses: the file is recorded as not read instead of the exception ending the scan.
    chain = " + ".join(['"a"'] * 1000)
    deep = (
        f'from openai import OpenAI\nMODEL = "gpt-4o" + {chain}\n'
        "OpenAI().chat.completions.create(model=MODEL)\n"
    )
    outcome = python.analyse_file("deep.py", deep.encode())
    assert outcome.evidence == []
    assert outcome.skipped == [("deep.py", "cannot analyse: nested too deeply")]


def test_a_folder_built_from_the_modules_own_file_is_a_tree_path() -> None:
    source = textwrap.dedent(
        """
        import os
        from pathlib import Path
        from openai import OpenAI
        from sentence_transformers import SentenceTransformer
        from transformers import AutoModel

        class Retriever:
            def __init__(self):
                model_path = Path(__file__).parent / "models" / "mini-embed-v1"
                model_path = model_path.resolve()
                self.model = SentenceTransformer(str(model_path), device="cpu")

        HERE = os.path.dirname(os.path.abspath(__file__))
        tok = AutoModel.from_pretrained(os.path.join(HERE, "..", "weights", "tiny"))
        out = AutoModel.from_pretrained(Path(__file__).parent.parent.parent.parent / "x")
        here = AutoModel.from_pretrained(str(Path(__file__).parent))
        docs = Path(__file__).parent / "docs" / "guide.md"
        OpenAI().chat.completions.create(model=str(docs), messages=[])
        """
    ).encode()
    outcome = python.analyse_file("svc/rag/index.py", source)
    got = {(ev.identity, ev.location.line) for ev in outcome.evidence}
    # Relative to the scanned root; a path climbing out of the tree and a path handed to a
    # hosted client name nothing.
    assert got == {
        ("local:svc/rag/models/mini-embed-v1", 10),
        ("local:svc/weights/tiny", 15),
        ("local:svc/rag", 17),
    }
    ev = next(e for e in outcome.evidence if e.location.line == 10)
    assert ev.attributes["flow"] == "tree-path" and ev.attributes["unresolved"] is True
    # At the root the folder is the path from the root.
    outcome = python.analyse_file("optimize.py", source)
    assert ("local:models/mini-embed-v1", 10) in {
        (ev.identity, ev.location.line) for ev in outcome.evidence
    }


def test_hostile_tree_paths_are_bounded() -> None:
    # A chain of thousands of joins, a computed part, a non-string part: no value, no crash.
    chain = " / ".join(['"a"'] * 3000)
    source = (
        "from pathlib import Path\nfrom transformers import AutoModel\n"
        f"p = Path(__file__).parent / {chain}\n"
        "AutoModel.from_pretrained(p)\n"
        "AutoModel.from_pretrained(Path(__file__).parent / name)\n"
        "AutoModel.from_pretrained(Path(__file__).parent / 3)\n"
    ).encode()
    outcome = python.analyse_file("m.py", source)
    assert outcome.evidence == [] or all(
        ev.identity.startswith("local:") for ev in outcome.evidence
    )


def test_a_ui_pickers_options_flow_to_the_call_the_pick_feeds(tmp_path: Path) -> None:
    # choice = st.selectbox(label, options): any option may be sent, so each is a reference
    # of the call it feeds, with that call's serving (Ollama here).
    (tmp_path / "app.py").write_text(
        "import ollama\nimport streamlit as st\n"
        'choice = st.sidebar.selectbox("Model", ["mistral", "llama3.2"])\n'
        "ollama.chat(model=choice, messages=[])\n"
        "import gradio as gr\n"
        'pick = gr.Dropdown(["qwen2.5:7b", "phi3"], value="phi3")\n'
        "def answer(m):\n    return ollama.generate(model=pick.value)\n"
    )
    ids = sorted({e.identity for e in python.discover(Tree.walk(tmp_path), DiscoverContext())})
    assert ids == ["ollama:llama3.2:latest", "ollama:mistral:latest"]


def test_a_table_of_hosted_names_alone_is_read(tmp_path: Path) -> None:
    # No SDK import, no "model" word: the quoted hosted names are what make the file worth reading.
    (tmp_path / "config.py").write_text(
        'PROVIDERS = {\n    "Groq": ["llama3-70b-8192"],\n    "OpenAI": ["gpt-4o"],\n}\n'
        'PROVIDER_DEFAULTS = {"deepseek": "deepseek-chat"}\n'
    )
    ids = sorted({e.identity for e in python.discover(Tree.walk(tmp_path), DiscoverContext())})
    assert ids == ["api:deepseek/deepseek-chat", "api:groq/llama3-70b-8192", "api:openai/gpt-4o"]


def test_a_map_from_model_to_endpoint_lists_each_model_at_its_endpoint() -> None:
    found = scan(
        """
        from openai import OpenAI
        class Api:
            _DEEPSEEK: str = "https://api.deepseek.com"
            _QWEN: str = "https://dashscope.aliyuncs.com/compatible-mode/v1"
            _BASE_URL_MAP: dict[str, str] = {
                "deepseek-chat": _DEEPSEEK,
                "qwen-max": _QWEN,
            }
            def __init__(self, model):
                self.client = OpenAI(base_url=self._BASE_URL_MAP[model])
        """
    )
    assert sorted(ids(found)) == ["api:alibaba/qwen-max", "api:deepseek/deepseek-chat"]
    assert all(ev.attributes.get("listed") is True for ev in found)


def test_a_name_given_to_the_apps_own_model_in_a_registry_is_no_hosted_model() -> None:
    source = textwrap.dedent(
        """\
        import mlflow
        from mlflow.tracking import MlflowClient
        MODEL_NAME = "qwen-1.5b-lora-adapter"
        OTHER_MODEL = "qwen-7b-own-build"
        CHAT_MODEL = "qwen-max"
        client = MlflowClient()
        client.create_registered_model(name=MODEL_NAME)
        mlflow.register_model("runs:/abc/model", OTHER_MODEL)
        """
    )
    outcome = python.analyse_file("register.py", source.encode())
    assert [ev.identity for ev in outcome.evidence] == ["api:alibaba/qwen-max"]


def test_a_value_read_before_it_is_overwritten_is_a_reference_however_the_read_is_written() -> None:
    # Reads the text screen of _drop_overwritten must not miss: in a decorator (on lines
    # before its def), through an identifier written in compatibility characters (read
    # NFKC-normalised as ``base``), and after an attribute of the same word.
    found = scan(
        """
        from transformers import AutoModel
        base = "NousResearch/Llama-2-7b-chat"
        @register(base)
        def load():
            pass
        base = "Qwen/Qwen2.5-7B"
        print(ｂａｓｅ)
        base = "google/gemma-2b"
        cfg.base = 1
        base = "meta-llama/Meta-Llama-3-8B"
        AutoModel.from_pretrained(base)
        """
    )
    assert sorted(set(ids(found))) == [
        "hf:NousResearch/Llama-2-7b-chat@unpinned",
        "hf:Qwen/Qwen2.5-7B@unpinned",
        "hf:meta-llama/Meta-Llama-3-8B@unpinned",
    ]
