"""No file is parsed by two discovery sources (issue 15): ``pyproject.toml`` is read by the
configs and dependencies sources, a workflow naming an assistant action by the configs and
assistants sources; each is parsed once per scan, and the scan finds what it found when
each source parsed the file itself."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from gate.bom.cyclonedx import write_bom
from gate.discover import loaders
from gate.pipeline import ScanOptions, scan

FILES = {
    "pyproject.toml": (
        '[project]\nname = "app"\ndependencies = ["transformers>=4.40", "openai"]\n\n'
        '[tool.app]\nmodel = "Qwen/Qwen2.5-7B-Instruct"\n'
    ),
    ".github/workflows/ai.yml": (
        "name: ai\non: [issue_comment]\nenv:\n  ANTHROPIC_MODEL: claude-opus-4-5\njobs:\n"
        "  claude:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: anthropics/claude-code-action@v1\n        with:\n"
        '          claude_args: "--max-turns 5 --model claude-opus-4-5"\n'
        "  serve:\n    runs-on: ubuntu-latest\n    env:\n"
        "      MODEL: meta-llama/Llama-3.1-8B-Instruct\n    steps: [{run: make serve}]\n"
    ),
    ".github/workflows/ci.yml": "jobs: {test: {runs-on: x, steps: [{run: make test}]}}\n",
    "svc/pyproject.toml": '[tool.other]\nllm = "gpt-4o"\n',
    "config.yaml": "model: mistralai/Mistral-7B-Instruct-v0.3\n",
    "app.py": "from openai import OpenAI\nOpenAI().chat.completions.create(model='gpt-4o')\n",
}


def _tree(root: Path) -> Path:
    for rel, text in FILES.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _bom(root: Path) -> str:
    inventory = scan(ScanOptions(root=root, history="none")).inventory
    return write_bom(inventory).split('"serialNumber"')[0]


def _parses(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in ("_toml", "_yaml_nodes"):
        original = getattr(loaders, name)

        def counted(text: str, _original=original) -> loaders.Parsed:  # type: ignore[no-untyped-def]
            counts[text] = counts.get(text, 0) + 1
            return _original(text)

        monkeypatch.setattr(loaders, name, counted)
    return counts


def test_each_file_is_parsed_once_per_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _tree(tmp_path)
    counts = _parses(monkeypatch)
    before = dict(loaders.PARSES)
    _bom(root)
    by_file = {rel: counts.get(text, 0) for rel, text in FILES.items() if rel != "app.py"}
    # ci.yml names no model and no assistant action: no source parses it.
    assert by_file == {
        "pyproject.toml": 1,
        ".github/workflows/ai.yml": 1,
        ".github/workflows/ci.yml": 0,
        "svc/pyproject.toml": 1,
        "config.yaml": 1,
    }
    # yaml_doc's own parse (the assistants source before) did not run for the workflow.
    assert loaders.PARSES["yaml"] - before["yaml"] == 2


def test_sharing_changes_nothing_in_the_bom(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _tree(tmp_path)
    shared = _bom(root)

    @contextlib.contextmanager
    def not_shared() -> Iterator[None]:
        yield

    monkeypatch.setattr(loaders, "parses_shared", not_shared)
    assert _bom(root) == shared
    for what in ("pkg:pypi/transformers", "Qwen2.5-7B-Instruct", "claude-code", "gpt-4o"):
        assert what in shared, what
