"""Assistant config files: every kind is found, and the models and endpoints they name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gate.discover.assistants import discover
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.model import Confidence, Evidence, EvidenceKind
from gate.pipeline import ScanOptions, scan

FILES: dict[str, str] = {
    "CLAUDE.md": "# Project notes for Claude\n",
    ".claude/settings.json": """{
  // Claude Code pointed at DeepSeek's Anthropic-compatible endpoint
  "env": {
    "ANTHROPIC_BASE_URL": "https://api.deepseek.com/anthropic",
    "ANTHROPIC_MODEL": "deepseek-chat",
  },
  "attribution": {"commit": "", "pr": ""},
}
""",
    ".claude/commands/review.md": "Review the diff.\n",
    "AGENTS.md": "# Agents\n",
    "QWEN.md": "# Qwen context\n",
    ".qwen/settings.json": json.dumps(
        {
            "model": {"name": "qwen3-coder-plus"},
            "modelProviders": {
                "openai": [
                    {
                        "id": "qwen3-coder-plus",
                        "baseUrl": "https://dashscope.aliyuncs.com/compatible-mode/v1",
                        "envKey": "DASHSCOPE_API_KEY",
                    }
                ]
            },
            "git": {"gitCoAuthor": {"enabled": False}},
        }
    ),
    "GEMINI.md": "# Gemini\n",
    ".gemini/settings.json": '{"model": {"name": "gemini-2.5-pro"}}',
    ".cursor/rules/style.mdc": "---\nalwaysApply: true\n---\nUse tabs.\n",
    ".cursorrules": "Be terse.\n",
    ".github/copilot-instructions.md": "Prefer pytest.\n",
    ".github/instructions/py.instructions.md": "---\napplyTo: '**/*.py'\n---\n",
    ".github/workflows/copilot-setup-steps.yml": "jobs: {copilot-setup-steps: {runs-on: x}}\n",
    ".aider.conf.yml": (
        "model: deepseek/deepseek-coder\nweak-model: ${WEAK}\n"
        "openai-api-base: https://api.deepseek.com/v1\nattribute-co-authored-by: false\n"
    ),
    ".aiderignore": "secrets/\n",
    ".continue/config.yaml": (
        "name: local\nmodels:\n  - name: Qwen\n    provider: openai\n"
        "    model: qwen2.5-coder-32b-instruct\n    apiBase: https://api.siliconflow.cn/v1\n"
    ),
    ".windsurfrules": "rules\n",
    ".clinerules": "rules\n",
    ".roo/rules/a.md": "rules\n",
    ".roomodes": "customModes: []\n",
    ".codex/config.toml": (
        'model = "kimi-k2"\nmodel_provider = "moonshot"\n\n[model_providers.moonshot]\n'
        'name = "Moonshot"\nbase_url = "https://api.moonshot.ai/v1"\n'
    ),
    ".github/workflows/ai.yml": """name: ai
on: [issue_comment]
env:
  ANTHROPIC_BASE_URL: https://api.moonshot.ai/anthropic
jobs:
  claude:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
      - uses: anthropics/claude-code-action@v1
        with:
          claude_args: "--max-turns 5 --model claude-opus-4-5"
  codex:
    runs-on: ubuntu-latest
    steps:
      - uses: openai/codex-action@v1
        with:
          model: gpt-5-codex
          openai-api-key: ${{ secrets.OPENAI_API_KEY }}
  qwen:
    runs-on: ubuntu-latest
    steps:
      - uses: QwenLM/qwen-code-action@v1
        with:
          openai_model: ${{ vars.MODEL }}
""",
    ".github/workflows/ci.yml": "jobs: {test: {runs-on: x, steps: [{run: make test}]}}\n",
    "src/app.py": "print('hello')\n",
}


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _configs(root: Path) -> tuple[list[Evidence], DiscoverContext]:
    ctx = DiscoverContext(history="none")
    found = [e for e in discover(Tree.walk(root), ctx) if e.kind is EvidenceKind.ASSISTANT_CONFIG]
    return found, ctx


def _payload(found: list[Evidence], path: str) -> dict[str, Any]:
    [ev] = [e for e in found if e.location.path == path]
    return dict(ev.attributes["assistant"])


def test_every_kind_of_config_file(tmp_path: Path) -> None:
    _write(tmp_path, FILES)
    found, _ = _configs(tmp_path)
    by_path = {e.location.path: e.identity for e in found if e.as_written == e.location.path}
    assert by_path == {
        "CLAUDE.md": "assistant:anthropic/claude-code",
        ".claude/settings.json": "assistant:anthropic/claude-code",
        ".claude/commands/review.md": "assistant:anthropic/claude-code",
        "AGENTS.md": "assistant:unknown/agents-md",
        "QWEN.md": "assistant:alibaba/qwen-code",
        ".qwen/settings.json": "assistant:alibaba/qwen-code",
        "GEMINI.md": "assistant:google/gemini-cli",
        ".gemini/settings.json": "assistant:google/gemini-cli",
        ".cursor/rules/style.mdc": "assistant:anysphere/cursor",
        ".cursorrules": "assistant:anysphere/cursor",
        ".github/copilot-instructions.md": "assistant:github/copilot",
        ".github/instructions/py.instructions.md": "assistant:github/copilot",
        ".github/workflows/copilot-setup-steps.yml": "assistant:github/copilot",
        ".aider.conf.yml": "assistant:aider/aider",
        ".aiderignore": "assistant:aider/aider",
        ".continue/config.yaml": "assistant:continue/continue",
        ".windsurfrules": "assistant:cognition/windsurf",
        ".clinerules": "assistant:cline/cline",
        ".roo/rules/a.md": "assistant:roo-code/roo-code",
        ".roomodes": "assistant:roo-code/roo-code",
        ".codex/config.toml": "assistant:openai/codex",
    }
    [agents] = [e for e in found if e.location.path == "AGENTS.md"]
    assert agents.confidence is Confidence.MEDIUM


def test_models_and_endpoints_are_recorded_as_written(tmp_path: Path) -> None:
    _write(tmp_path, FILES)
    found, ctx = _configs(tmp_path)
    claude = _payload(found, ".claude/settings.json")
    assert claude["models"] == ["deepseek-chat"]
    assert claude["endpoints"] == ["https://api.deepseek.com/anthropic"]
    assert claude["attribution_off"] == ['.claude/settings.json: attribution.commit = ""']
    qwen = _payload(found, ".qwen/settings.json")
    assert qwen["models"] == ["qwen3-coder-plus"]
    assert qwen["endpoints"] == ["https://dashscope.aliyuncs.com/compatible-mode/v1"]
    assert qwen["attribution_off"] == [".qwen/settings.json: git.gitCoAuthor.enabled = false"]
    aider = _payload(found, ".aider.conf.yml")
    assert aider["models"] == ["deepseek/deepseek-coder"]  # ${WEAK} is not a model
    assert aider["endpoints"] == ["https://api.deepseek.com/v1"]
    assert aider["kind"] == "open-source-client"
    cont = _payload(found, ".continue/config.yaml")
    assert cont["models"] == ["qwen2.5-coder-32b-instruct"]
    assert cont["endpoints"] == ["https://api.siliconflow.cn/v1"]
    assert cont["providers"] == ["openai"]
    codex = _payload(found, ".codex/config.toml")
    assert codex["models"] == ["kimi-k2"]
    assert codex["providers"] == ["moonshot"]
    assert codex["endpoints"] == ["https://api.moonshot.ai/v1"]
    assert _payload(found, ".gemini/settings.json")["models"] == ["gemini-2.5-pro"]
    # Switched-off attribution is a scan note: those assistants' commits carry no mark.
    assert any("Claude Code: commit attribution is switched off" in n for n in ctx.facts.notes)
    assert any("aider: commit attribution is switched off" in n for n in ctx.facts.notes)
    [ev] = [e for e in found if e.location.path == ".aider.conf.yml"]
    assert ev.location.line == 1


def test_assistant_actions_in_workflows(tmp_path: Path) -> None:
    _write(tmp_path, FILES)
    found, _ = _configs(tmp_path)
    actions = {
        e.as_written: (e.identity, e.location.line, e.attributes["assistant"])
        for e in found
        if e.location.path == ".github/workflows/ai.yml"
    }
    assert set(actions) == {
        "anthropics/claude-code-action@v1",
        "openai/codex-action@v1",
        "QwenLM/qwen-code-action@v1",
    }
    claude_id, line, claude = actions["anthropics/claude-code-action@v1"]
    assert claude_id == "assistant:anthropic/claude-code" and line == 10
    assert claude["models"] == ["claude-opus-4-5"]
    assert claude["endpoints"] == ["https://api.moonshot.ai/anthropic"]  # workflow-level env
    assert actions["openai/codex-action@v1"][2]["models"] == ["gpt-5-codex"]
    qwen = actions["QwenLM/qwen-code-action@v1"][2]
    assert "models" not in qwen  # ${{ vars.MODEL }} is unresolved: not recorded
    assert not [e for e in found if e.location.path == ".github/workflows/ci.yml"]


def test_broken_settings_are_a_recorded_skip_not_a_crash(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            ".claude/settings.json": "{not json",
            ".github/workflows/x.yml": "jobs: [\n  uses: anthropics/claude-code-action@v1\n",
        },
    )
    tree = Tree.walk(tmp_path)
    found = list(discover(tree, DiscoverContext(history="none")))
    assert [e.location.path for e in found] == [".claude/settings.json"]
    reasons = {s.path: s.reason for s in tree.skipped}
    assert reasons[".claude/settings.json"].startswith("invalid JSON at line 1")
    assert reasons[".github/workflows/x.yml"].startswith("invalid YAML")


def test_merged_component_and_bom(tmp_path: Path) -> None:
    _write(tmp_path, FILES)
    result = scan(ScanOptions(root=tmp_path, history="none"))
    claude = result.inventory.component("assistant:anthropic/claude-code")
    assert claude is not None and claude.role.value == "code-assistant"
    payload = claude.properties["assistant"]
    assert payload["vendor"] == "Anthropic" and payload["product"] == "Claude Code"
    assert payload["configs"] == [
        ".claude/commands/review.md",
        ".claude/settings.json",
        ".github/workflows/ai.yml",
        "CLAUDE.md",
    ]
    assert payload["models"] == ["claude-opus-4-5", "deepseek-chat"]
    assert payload["endpoints"] == [
        "https://api.deepseek.com/anthropic",
        "https://api.moonshot.ai/anthropic",
    ]
    assert result.inventory.properties["history"]["read"] is False
    assert any("--history none" in n for n in result.inventory.notes)
    # The assistant's settings name the model that writes code, not one the release calls:
    # they live on the assistant only, never as a hosted-API component of their own (which
    # would be judged twice, and a waiver on the assistant would not cover it).
    for comp in result.inventory.components:
        if comp.role.value == "code-assistant":
            continue
        assistant_files = {
            e.location.path
            for e in comp.evidence
            if e.location.path.startswith((".claude/", ".qwen/", ".continue/", ".codex/"))
            or e.location.path.startswith(".aider")
        }
        assert not assistant_files, (comp.id, assistant_files)


@pytest.mark.parametrize("name", ["config.json", "config.yaml"])
def test_continue_json_and_yaml(tmp_path: Path, name: str) -> None:
    doc = {"models": [{"title": "DS", "provider": "deepseek", "model": "deepseek-coder"}]}
    text = (
        json.dumps(doc)
        if name.endswith(".json")
        else "models:\n  - {provider: deepseek, model: deepseek-coder}\n"
    )
    _write(tmp_path, {f".continue/{name}": text})
    found, _ = _configs(tmp_path)
    assert _payload(found, f".continue/{name}")["models"] == ["deepseek-coder"]
