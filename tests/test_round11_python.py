"""Python classes measured on round 11 (issue 12): a dispatch table read only for the keys
the surrounding test lets through, and a local model file reached through a variable.
Hand-written cases, none copied from a scanned repository."""

from __future__ import annotations

from pathlib import Path

from tests.treehelp import components as _scan
from tests.treehelp import write as _write


def test_a_table_looked_up_by_a_tested_key_sends_only_those_entries(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "connect.py": """
                from langchain_openai import ChatOpenAI
                from langchain_ollama import ChatOllama
                from langchain_huggingface import HuggingFaceEndpoint

                TABLE = {
                    "FAST": "gpt-4o-mini",
                    "BIG": "meta-llama/Llama-3.3-70B-Instruct",
                    "LOCAL": "qwen2.5",
                    "LOCAL2": "phi3",
                }

                def connect(name, flag=True):
                    if name == "FAST":
                        return ChatOpenAI(model=TABLE[name])
                    if name in ("BIG",) and flag:
                        repo_id = TABLE[name]
                        return HuggingFaceEndpoint(repo_id=repo_id)
                    if name == "LOCAL" or "LOCAL2" == name:
                        return ChatOllama(model=TABLE[name])
            """,
        },
    )
    got = set(_scan(tmp_path))
    assert got == {
        "api:openai/gpt-4o-mini",
        "api:huggingface/meta-llama/Llama-3.3-70B-Instruct",
        "ollama:qwen2.5:latest",
        "ollama:phi3:latest",
    }


def test_a_local_model_file_reached_through_a_variable(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "local.py": r"""
                from langchain_community.llms import GPT4All

                local_path = ("C:\\Users\\me\\Meta-Llama-3-8B-Instruct.Q4_0.gguf")
                label = "gpt-4o"
                llm = GPT4All(model=local_path, verbose=False)
                other = GPT4All(model=label)
            """,
        },
    )
    got = set(_scan(tmp_path))
    assert got == {"local:C:/Users/me/Meta-Llama-3-8B-Instruct.Q4_0.gguf"}


def test_distilabel_serverless_llms_and_hub_dataset_steps(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pipe.py": """
                from distilabel.llms import InferenceEndpointsLLM, OpenAILLM
                from distilabel.pipeline import Pipeline
                from distilabel.steps import LoadDataFromHub, LoadHubDataset

                with Pipeline(name="p") as pipeline:
                    judge = InferenceEndpointsLLM(
                        model_id="meta-llama/Meta-Llama-3-70B-Instruct",
                        tokenizer_id="meta-llama/Meta-Llama-3-70B-Instruct",
                    )
                    writer = OpenAILLM(model="gpt-4o")
                    load = LoadHubDataset(name="load_dataset")
                    other = LoadDataFromHub(repo_id="org/prompts")

                pipeline.run(
                    parameters={
                        "load_dataset": {"repo_id": "org/cards", "split": "train"},
                        "writer": {"llm": {"generation_kwargs": {"max_new_tokens": 64}}},
                    }
                )
            """,
        },
    )
    got = set(_scan(tmp_path))
    assert "api:huggingface/meta-llama/Meta-Llama-3-70B-Instruct" in got
    assert "api:openai/gpt-4o" in got
    assert "dataset:hf:org/cards" in got
    assert "dataset:hf:org/prompts" in got
    assert not {i for i in got if i.startswith("hf:org/")}


def test_a_dispatcher_testing_the_model_name_sends_that_name(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "models.py": """
                import anthropic
                from openai import OpenAI

                class Chat:
                    def __init__(self, model_name):
                        self.model_name = model_name
                        if model_name == "deepseek-chat":
                            self.client = OpenAI(base_url="https://api.deepseek.com/v1")
                        else:
                            self.client = OpenAI()

                    def ask(self, text):
                        return self.client.chat.completions.create(
                            model=self.model_name, messages=[]
                        )

                class Claude:
                    def __init__(self, model_name):
                        self.model_name = model_name
                        self.client = anthropic.Anthropic()

                    def ask(self, text):
                        return self.client.messages.create(model=self.model_name, messages=[])

                def pick(model_name):
                    if model_name == "deepseek-chat" or model_name == "gpt-4o-mini":
                        return Chat(model_name)
                    elif model_name in ("claude-3-opus-20240229",):
                        return Claude(model_name)
                    raise ValueError(model_name)
            """,
        },
    )
    got = set(_scan(tmp_path))
    assert got == {
        "api:deepseek/deepseek-chat",
        "api:openai/gpt-4o-mini",
        "api:anthropic/claude-3-opus-20240229",
    }


def test_a_command_the_program_runs_names_its_model(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "run.py": """
                import os
                import subprocess

                MODEL = "qwen2.5:7b"

                def answer(prompt):
                    done = subprocess.run(["ollama", "run", "llama3", prompt], capture_output=True)
                    subprocess.Popen(["ollama", "run", MODEL, prompt])
                    os.system("huggingface-cli download BAAI/bge-m3 --local-dir /models")
                    subprocess.run(["ls", "-l", "llama3.2"])
                    return done.stdout
            """,
        },
    )
    got = set(_scan(tmp_path))
    assert got == {"ollama:llama3:latest", "ollama:qwen2.5:7b", "hf:BAAI/bge-m3@unpinned"}


def test_a_model_read_from_the_environment_is_what_the_env_file_sets(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "stack/.env": "HF_URL=mistralai/Mistral-7B-Instruct-v0.2\nCHAT_MODEL=deepseek-chat\n",
            "stack/app/backend/query.py": """
                import os

                from huggingface_hub import AsyncInferenceClient
                from openai import OpenAI

                HF = AsyncInferenceClient(os.getenv("HF_URL"))
                DS = OpenAI(base_url="https://api.deepseek.com")

                def ask(q):
                    DS.chat.completions.create(model=os.environ["CHAT_MODEL"], messages=[])
                    DS.chat.completions.create(model=os.getenv("UNSET_MODEL"), messages=[])
            """,
            "other/tool.py": """
                import os
                from huggingface_hub import InferenceClient

                CLIENT = InferenceClient(os.getenv("HF_URL"))
            """,
        },
    )
    got = _scan(tmp_path)
    assert set(got) == {
        "api:huggingface/mistralai/Mistral-7B-Instruct-v0.2",
        "api:deepseek/deepseek-chat",
    }
    hosted = got["api:huggingface/mistralai/Mistral-7B-Instruct-v0.2"]
    assert {(ev.location.path, ev.location.line) for ev in hosted.evidence} == {("stack/.env", 1)}


def test_a_client_whose_endpoint_the_env_sets_leaves_the_model_to_the_env_file(
    tmp_path: Path,
) -> None:
    _write(
        tmp_path,
        {
            ".env.example": (
                "OPTION_API_BASE_URL=https://api.siliconflow.cn/v1\nOPTION_MODEL=Qwen/Qwen3-8B\n"
            ),
            "option.py": """
                import os
                from openai import OpenAI

                client = OpenAI(base_url=os.getenv("OPTION_API_BASE_URL"))

                def pick(q):
                    return client.chat.completions.create(
                        model=os.getenv("OPTION_MODEL"), messages=[]
                    )
            """,
        },
    )
    assert set(_scan(tmp_path)) == {"api:siliconflow/Qwen/Qwen3-8B"}


def test_a_command_line_option_written_with_its_value_names_the_model() -> None:
    """`--model=org/x` in a subprocess argument list, as deployment files already read it
    (the Python reader had refused any token holding `=`)."""
    from gate.discover.python import analyse_file

    src = (
        b"import subprocess\n"
        b'subprocess.run(["python", "-m", "vllm.entrypoints.openai.api_server",'
        b' "--model=Qwen/Qwen2.5-7B-Instruct"])\n'
    )
    found = analyse_file("serve.py", src, pending=True).evidence
    assert [str(e.identity) for e in found] == ["hf:Qwen/Qwen2.5-7B-Instruct@unpinned"]
