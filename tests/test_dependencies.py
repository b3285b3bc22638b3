"""AI SDK dependencies from manifests and lock files."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from gate.discover import dependencies
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.model import Evidence, Project, Role
from gate.resolve.assemble import assemble


def scan(tmp_path: Path, files: dict[str, str]) -> tuple[list[Evidence], Tree]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    tree = Tree.walk(tmp_path)
    return list(dependencies.discover(tree, DiscoverContext())), tree


def test_python_manifests(tmp_path: Path) -> None:
    found, tree = scan(
        tmp_path,
        {
            "requirements/base.txt": "Sentence_Transformers==3.2.1\nflask\n-e git+https://x/y.git#egg=vllm\n",
            "pyproject.toml": """
            [project]
            dependencies = ["openai>=1.40", "httpx"]
            [project.optional-dependencies]
            local = ["llama-cpp-python==0.3.1"]
            [dependency-groups]
            dev = ["langchain-openai"]
            """,
            "Pipfile": '[packages]\nzhipuai = "*"\n[dev-packages]\npytest = "*"\n',
            "setup.cfg": "[options]\ninstall_requires =\n    dashscope>=1.20\n    click\n",
            "setup.py": (
                "from setuptools import setup\nREQ = ['qianfan==0.4.8']\n"
                "setup(install_requires=REQ)\n"
            ),
        },
    )
    assert tree.skipped == []
    got = {
        (ev.identity, ev.location.path, ev.location.line, ev.attributes.get("version"))
        for ev in found
    }
    assert got == {
        ("pkg:pypi/sentence-transformers", "requirements/base.txt", 1, "3.2.1"),
        ("pkg:pypi/vllm", "requirements/base.txt", 3, None),
        ("pkg:pypi/openai", "pyproject.toml", 3, None),
        ("pkg:pypi/llama-cpp-python", "pyproject.toml", 5, "0.3.1"),
        ("pkg:pypi/langchain-openai", "pyproject.toml", 7, None),
        ("pkg:pypi/zhipuai", "Pipfile", 2, None),
        ("pkg:pypi/dashscope", "setup.cfg", 3, None),
        ("pkg:pypi/qianfan", "setup.py", 2, "0.4.8"),
    }
    assert all(ev.role is Role.SDK for ev in found)


def test_lock_versions_win_and_purls_carry_them(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "package.json": json.dumps(
                {"dependencies": {"openai": "^4.70.0", "@ai-sdk/openai": "1.0.5", "react": "18"}}
            ),
            "package-lock.json": json.dumps(
                {
                    "lockfileVersion": 3,
                    "packages": {
                        "": {"name": "web"},
                        "node_modules/openai": {"version": "4.71.1"},
                        "node_modules/react": {"version": "18.3.1"},
                    },
                }
            ),
            "uv.lock": '[[package]]\nname = "anthropic"\nversion = "0.40.0"\n',
        },
    )
    inventory = assemble(found, Project("p"))
    openai = inventory.component("pkg:npm/openai")
    assert openai is not None and openai.version == "4.71.1"
    assert openai.purl == "pkg:npm/openai@4.71.1"
    scoped = inventory.component("pkg:npm/@ai-sdk/openai")
    assert scoped is not None and scoped.purl == "pkg:npm/%40ai-sdk/openai@1.0.5"
    anthropic = inventory.component("pkg:pypi/anthropic")
    assert anthropic is not None and anthropic.version == "0.40.0"
    assert inventory.component("pkg:npm/react") is None


def test_yarn_and_pnpm_locks(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "yarn.lock": (
                '"@anthropic-ai/sdk@^0.30.0":\n  version "0.30.1"\n\n'
                'left-pad@^1:\n  version "1.3.0"\n'
            ),
            "pnpm-lock.yaml": (
                "lockfileVersion: '9.0'\npackages:\n"
                "  ollama@0.5.9:\n    resolution: {integrity: x}\n"
            ),
        },
    )
    got = {(ev.identity, ev.attributes.get("version")) for ev in found}
    assert got == {("pkg:npm/@anthropic-ai/sdk", "0.30.1"), ("pkg:npm/ollama", "0.5.9")}


def test_broken_manifest_is_a_recorded_skip(tmp_path: Path) -> None:
    found, tree = scan(tmp_path, {"package.json": '{"dependencies": {"openai": '})
    assert found == []
    assert [s.path for s in tree.skipped] == ["package.json"]
