"""Process launchers and serving aliases: supervisord programs run model servers; the name a
server answers to is an alias, not a model; a program identifier is no hosted API's name."""

from __future__ import annotations

import textwrap
from pathlib import Path

from gate.discover import configs, python, refs
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree


def scan(tmp_path: Path, files: dict[str, str]) -> tuple[set[tuple[str, str, int | None]], Tree]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    tree = Tree.walk(tmp_path)
    found = configs.discover(tree, DiscoverContext())
    return {(ev.identity, ev.location.path, ev.location.line) for ev in found}, tree


def test_supervisord_programs_commands_are_read_as_command_lines(tmp_path: Path) -> None:
    found, tree = scan(
        tmp_path,
        {
            "deploy/asr.conf": """\
            ; started from the web UI
            [program:asr]
            command=vllm serve openai/whisper-large-v2
                --served-model-name asr-large
            autostart=false

            [program:ui]
            command=python ui.py --port 7860
            """,
            "deploy/conf.d/chat.ini": """\
            [program:chat]
            command = python -m vllm.entrypoints.openai.api_server --model Qwen/Qwen2.5-3B-Instruct
            """,
            "deploy/nginx.conf": "server { location /vllm { proxy_pass http://x; } }\n",
        },
    )
    assert tree.skipped == []
    assert found == {
        ("hf:openai/whisper-large-v2@unpinned", "deploy/asr.conf", 3),
        ("hf:Qwen/Qwen2.5-3B-Instruct@unpinned", "deploy/conf.d/chat.ini", 2),
    }


def test_a_served_model_name_is_an_alias_not_a_model(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "serve.sh": """\
            SERVED=qwen-finetuned
            vllm serve ./merged --served-model-name $SERVED
            docker run vllm/vllm-openai --model mistralai/Mistral-7B-v0.3 \\
                --served-model-name deepseek-chat
            """,
        },
    )
    assert ("hf:mistralai/Mistral-7B-v0.3@unpinned", "serve.sh", 3) in found
    assert not any(i.startswith("api:") for i, _, _ in found)


def test_a_snake_case_identifier_is_no_hosted_api_name() -> None:
    outcome = python.analyse_file(
        "demo.py",
        textwrap.dedent(
            """
            MODEL_LOADERS = {"qwen2_vl": load_qwen2_vl, "qwen2_5_vl": load_qwen2_5_vl}
            AVAILABLE_MODELS = ["qwen-max", "deepseek-chat"]
            """
        ).encode(),
    )
    found = {ev.identity for ev in refs.dedupe(outcome.evidence)}
    assert found == {"api:alibaba/qwen-max", "api:deepseek/deepseek-chat"}


def test_a_client_passed_to_a_function_keeps_its_endpoint() -> None:
    outcome = python.analyse_file(
        "client.py",
        textwrap.dedent(
            """
            from openai import OpenAI
            def translate(path, client: OpenAI):
                return client.audio.translations.create(model="whisper-large-v3", file=path)
            def main():
                client = OpenAI(base_url="http://localhost:8000/v1", api_key="EMPTY")
                translate("a.wav", client)
            """
        ).encode(),
    )
    found = {ev.identity for ev in refs.dedupe(outcome.evidence)}
    assert found == {"api:local/whisper-large-v3"}
