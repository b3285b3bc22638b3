"""Notebooks read cell by cell: Python cells, shell lines, %%bash and %%writefile cells."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gate.discover import configs
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.model import Evidence


def _notebook(*cells: tuple[str, str]) -> str:
    return json.dumps(
        {
            "cells": [
                {
                    "cell_type": kind,
                    "metadata": {},
                    "source": source.splitlines(keepends=True),
                    **({"outputs": [], "execution_count": None} if kind == "code" else {}),
                }
                for kind, source in cells
            ],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


def scan(tmp_path: Path, text: str) -> tuple[list[Evidence], Tree]:
    (tmp_path / "nb.ipynb").write_text(text)
    tree = Tree.walk(tmp_path)
    return list(configs.discover(tree, DiscoverContext())), tree


def test_one_bad_cell_never_silences_the_rest(tmp_path: Path) -> None:
    text = _notebook(
        ("code", "from transformers import AutoModel\nMODEL = 'Qwen/Qwen2.5-7B-Instruct'\n"),
        ("code", "def broken(:\n    pass\n"),
        ("code", "model = AutoModel.from_pretrained(MODEL)\n"),
    )
    found, tree = scan(tmp_path, text)
    got = {(ev.identity, ev.location.context, ev.location.line) for ev in found}
    assert ("hf:Qwen/Qwen2.5-7B-Instruct@unpinned", "cell 1", 2) in got
    assert [s.reason for s in tree.skipped] == [
        "cell 2 is not Python 3 (line 1): invalid syntax; the other cells are read"
    ]


def test_continued_shell_lines_and_bash_cells_are_command_lines(tmp_path: Path) -> None:
    text = _notebook(
        ("markdown", "Run with `--model gpt-4o`"),
        (
            "code",
            "import os\n"
            "!python train.py \\\n"
            "    --model_name_or_path meta-llama/Llama-3.1-8B \\\n"
            "    --dataset HuggingFaceH4/ultrachat_200k\n"
            "x = 1\n",
        ),
        (
            "code",
            "%%bash\n"
            "python -m fastchat.llm_judge.gen_judgment \\\n"
            "  --judge-model gpt-4-1106-preview --model-list vicuna-13b\n"
            "huggingface-cli download deepseek-ai/DeepSeek-R1-Distill-Qwen-7B\n",
        ),
    )
    found, tree = scan(tmp_path, text)
    assert tree.skipped == []
    got = {(ev.identity, ev.location.context, ev.location.line) for ev in found}
    assert got == {
        ("hf:meta-llama/Llama-3.1-8B@unpinned", "cell 2", 2),
        ("dataset:hf:HuggingFaceH4/ultrachat_200k", "cell 2", 2),
        ("api:openai/gpt-4-1106-preview", "cell 3", 2),
        ("hf:deepseek-ai/DeepSeek-R1-Distill-Qwen-7B@unpinned", "cell 3", 4),
    }


def test_writefile_bodies_are_read_as_the_file_they_write(tmp_path: Path) -> None:
    text = _notebook(
        (
            "code",
            "%%writefile recipes/sft.yaml\n"
            "model_name_or_path: Qwen/Qwen2.5-1.5B\n"
            "tokenizer_name_or_path: Qwen/Qwen2.5-1.5B-Instruct\n"
            "dataset_id_or_path: trl-lib/Capybara\n"
            "learning_rate: 2.0e-5\n",
        ),
        (
            "code",
            "%%writefile serve.py\n"
            "from openai import OpenAI\n"
            "OpenAI().chat.completions.create(model='gpt-4o-mini', messages=[])\n",
        ),
        ("code", "%%html\n<b>model: gpt-4o</b>\n"),
    )
    found, tree = scan(tmp_path, text)
    assert tree.skipped == []
    got = {(ev.identity, ev.location.path, ev.location.line) for ev in found}
    assert got == {
        ("hf:Qwen/Qwen2.5-1.5B@unpinned", "nb.ipynb", 2),
        ("hf:Qwen/Qwen2.5-1.5B-Instruct@unpinned", "nb.ipynb", 3),
        ("dataset:hf:trl-lib/Capybara", "nb.ipynb", 4),
        ("api:openai/gpt-4o-mini", "nb.ipynb", 3),
    }
    yaml_ev = next(ev for ev in found if ev.identity.startswith("dataset:"))
    assert yaml_ev.location.context == "cell 1 (%%writefile recipes/sft.yaml): dataset_id_or_path"
    assert yaml_ev.attributes["written_file"] == "recipes/sft.yaml"


def test_shell_assignment_and_help_lines_keep_the_cell_python(tmp_path: Path) -> None:
    text = _notebook(
        (
            "code",
            "files = !ls models\n"
            "AutoModel?\n"
            "%env HF_HOME=/tmp\n"
            "from sentence_transformers import SentenceTransformer\n"
            "SentenceTransformer('BAAI/bge-small-en-v1.5')\n",
        ),
    )
    found, tree = scan(tmp_path, text)
    assert tree.skipped == []
    assert {(ev.identity, ev.location.line) for ev in found} == {
        ("hf:BAAI/bge-small-en-v1.5@unpinned", 5)
    }


def test_a_notebook_too_deep_to_analyse_is_recorded_not_a_crash() -> None:
    # Hostile cell: parseable, yet deeper than the analysis recurses.
    chain = " + ".join(['"a"'] * 1000)
    text = _notebook(
        ("code", 'from openai import OpenAI\nOpenAI().chat.completions.create(model="gpt-4o")\n'),
        ("code", f'M = "gpt-4o" + {chain}\n'),
    )
    outcome = configs.analyse_file("nb.ipynb", text.encode())
    assert ("nb.ipynb", "cannot analyse: nested too deeply") in outcome.skipped


def test_a_notebook_larger_than_the_code_bound_through_its_outputs_is_read(
    tmp_path: Path,
) -> None:
    from gate.discover import scanning

    doc = json.loads(
        _notebook(
            ("code", "import datasets\nkb = datasets.load_dataset('some-org/some-docs')\n"),
            ("code", "from langchain_community.embeddings import HuggingFaceEmbeddings\n"
                     "emb = HuggingFaceEmbeddings(model_name='thenlper/gte-small')\n"),
        )
    )  # fmt: skip
    image = "A" * (scanning.MAX_SOURCE_BYTES + 1000)  # a plotted figure, base64
    doc["cells"][0]["outputs"] = [
        {"output_type": "display_data", "data": {"image/png": image}, "metadata": {}}
    ]
    found, tree = scan(tmp_path, json.dumps(doc))
    assert {ev.identity for ev in found} == {
        "dataset:hf:some-org/some-docs",
        "hf:thenlper/gte-small@unpinned",
    }
    assert tree.skipped == []


def test_a_notebook_whose_cells_hold_more_code_than_the_bound_is_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from gate.discover.configs import notebooks

    monkeypatch.setattr(notebooks, "MAX_CELL_SOURCE", 100)
    text = _notebook(("code", "MODEL = 'Qwen/Qwen2.5-7B-Instruct'\n" + "x = 1\n" * 30))
    found, tree = scan(tmp_path, text)
    assert found == []
    assert [s.reason for s in tree.skipped] == [
        "cells hold more than 100 bytes of source: not parsed"
    ]
