"""Python and config classes measured on round 10 (issue 12): provider sections of a model
catalogue, and the other classes below. Hand-written cases, none copied from a scanned
repository."""

from __future__ import annotations

from pathlib import Path

from tests.treehelp import components as _scan
from tests.treehelp import write as _write

# --- a provider's section of a catalogue, however deep ---------------------------------------


def test_a_gateway_section_of_a_provider_catalogue_keeps_its_maker_prefixed_ids(
    tmp_path: Path,
) -> None:
    _write(
        tmp_path,
        {
            "catalog.py": """
                PROVIDER_MODELS = {
                    "mistral": {"models": ["mistral-small-latest"]},
                    "github": {
                        "default_model": "openai/gpt-4o-mini",
                        "models": ["openai/gpt-4o-mini", "meta/Llama-3.3-70B-Instruct"],
                    },
                }
            """,
            "gh.py": """
                import os

                class GitHubChat:
                    def __init__(self, model_name: str = "openai/gpt-4o-mini", base_url=None):
                        self.model_name = model_name
                        self.base_url = base_url or os.getenv("GH_URL") or "https://models.github.ai/inference"
            """,
        },
    )
    got = _scan(tmp_path)
    assert "api:github-models/openai/gpt-4o-mini" in got
    assert "api:github-models/meta/Llama-3.3-70B-Instruct" in got
    assert "api:openai/gpt-4o-mini" not in got  # the default and the class's own default too
    assert "api:mistral/mistral-small-latest" in got


# --- a settings module's constants reached through a helper's locals and parameters -------


def test_xinference_embeddings_at_a_settings_server_through_function_locals(
    tmp_path: Path,
) -> None:
    _write(
        tmp_path,
        {
            "conf.py": """
                EMBED_SERVER = "http://gpu7.lab.example.net:9997"
                EMBED_UID = "bge-small-zh-v1.5"
            """,
            "embed.py": """
                from langchain_community.embeddings import XinferenceEmbeddings
                import conf

                def make_embedder():
                    url = conf.EMBED_SERVER
                    uid = conf.EMBED_UID
                    return XinferenceEmbeddings(server_url=url, model_uid=uid)
            """,
        },
    )
    got = _scan(tmp_path)
    assert set(got) == {"api:gpu7.lab.example.net/bge-small-zh-v1.5"}
    assert got["api:gpu7.lab.example.net/bge-small-zh-v1.5"].evidence[0].location.path == "conf.py"


def test_a_method_called_once_with_settings_constants_serves_them_there(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "cfg.py": """
                INTENT_URL = "http://infer.example.org:8100/v1"
                INTENT_MODEL = "intent-7b-sft"
            """,
            "bot.py": """
                from langchain_openai import ChatOpenAI
                import cfg

                class Bot:
                    def __init__(self):
                        self.intent = self.connect(base_url=cfg.INTENT_URL, model=cfg.INTENT_MODEL)

                    def connect(self, base_url, model):
                        base_url = base_url
                        return ChatOpenAI(base_url=base_url, model=model, api_key="none")
            """,
        },
    )
    assert set(_scan(tmp_path)) == {"api:infer.example.org/intent-7b-sft"}


# --- openai-python 0.x audio calls ----------------------------------------------------------


def test_legacy_openai_audio_transcription_names_its_model_first(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "listen.py": """
                import openai

                def hear(path):
                    with open(path, "rb") as f:
                        return openai.Audio.translate("whisper-1", f).text
            """,
        },
    )
    assert set(_scan(tmp_path)) == {"api:openai/whisper-1"}


# --- a data file of a Hub dataset under a recipe's dataset key ------------------------------


def test_an_axolotl_bench_dataset_file_names_its_hub_dataset(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "recipe.yml": """
                base_model: openlm-research/open_llama_3b_v2
                datasets:
                  - path: data/local/train.jsonl
                    type: alpaca
                bench_dataset: someorg/mmlu-lite/mmlu_lite_full.json
                do_bench_eval: true
            """,
        },
    )
    got = _scan(tmp_path)
    assert "dataset:hf:someorg/mmlu-lite" in got
    assert not any(i.startswith("dataset:hf:data/") for i in got)  # a local file stays out


# --- Hub download URLs in a settings file, JSON under a .txt name ---------------------------


def test_checkpoint_download_urls_in_a_json_config_txt(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "server/config.txt": """
                {
                    "path_checkpoints": "/app/checkpoints",
                    "checkpoint_downloads": {
                        "dreamy.safetensors": "https://huggingface.co/artist-lab/DreamyXL/resolve/main/dreamy.safetensors"
                    },
                    "homepage": "https://huggingface.co/artist-lab/OtherXL"
                }
            """,
            "notes/config.txt": "model = whatever\nthreads: 4\n",
        },
    )
    got = _scan(tmp_path)
    assert set(got) == {"hf:artist-lab/DreamyXL@unpinned"}


# --- docker run in a script: -e names a container path, -v fills it --------------------------


def test_a_docker_run_env_path_is_the_folder_its_volume_mounts(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "serve.sh": """
                #!/bin/bash
                weights=$(pwd)/merged-sql-7b   # the fine-tuned folder
                docker run -d --gpus all -p 8080:80 \\
                  -e MODEL_ID=/data \\
                  -v $weights:/data \\
                  ghcr.io/huggingface/text-generation-inference:latest
            """,
        },
    )
    assert set(_scan(tmp_path)) == {"local:merged-sql-7b"}
