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


def test_pnpm_v9_lock_with_blank_lines_between_entries(tmp_path: Path) -> None:
    # pnpm 9 writes a blank line after `packages:` and between entries, and quotes scoped
    # names: a blank line is not the end of the section.
    lock = (
        "lockfileVersion: '9.0'\n\nimporters:\n\n  .:\n    dependencies:\n"
        "      ai:\n        specifier: ^4.0.0\n        version: 4.0.1\n\n"
        "packages:\n\n  '@ai-sdk/openai@1.0.5':\n    resolution: {integrity: x}\n\n"
        "  ai@4.0.1:\n    resolution: {integrity: y}\n\n"
        "snapshots:\n\n  ai@4.0.1: {}\n"
    )
    found, _ = scan(tmp_path, {"pnpm-lock.yaml": lock})
    got = {(ev.identity, ev.attributes.get("version"), ev.location.line) for ev in found}
    assert got == {("pkg:npm/@ai-sdk/openai", "1.0.5", 13), ("pkg:npm/ai", "4.0.1", 16)}


def test_broken_manifest_is_a_recorded_skip(tmp_path: Path) -> None:
    found, tree = scan(tmp_path, {"package.json": '{"dependencies": {"openai": '})
    assert found == []
    assert [s.path for s in tree.skipped] == ["package.json"]


def _build(project: Path, out: Path) -> tuple[Path, Path]:
    """A real wheel and sdist of a tiny project, built by hatchling."""
    from hatchling.builders.sdist import SdistBuilder
    from hatchling.builders.wheel import WheelBuilder

    wheel = next(iter(WheelBuilder(str(project)).build(directory=str(out), versions=["standard"])))
    sdist = next(iter(SdistBuilder(str(project)).build(directory=str(out), versions=["standard"])))
    return Path(wheel), Path(sdist)


def test_an_unpacked_wheel_and_sdist_declare_their_dependencies(tmp_path: Path) -> None:
    import tarfile
    import zipfile

    project = tmp_path / "src"
    (project / "demo").mkdir(parents=True)
    (project / "demo" / "__init__.py").write_text("")
    (project / "pyproject.toml").write_text(
        textwrap.dedent(
            """
            [build-system]
            requires = ["hatchling"]
            build-backend = "hatchling.build"
            [project]
            name = "demo-app"
            version = "0.1.0"
            dependencies = ["openai>=1.40", "requests", "torch==2.5.1; platform_system != 'Darwin'"]
            [project.optional-dependencies]
            local = ["llama-cpp-python==0.3.1", "anthropic; python_version >= '3.9'"]
            [tool.hatch.build.targets.wheel]
            packages = ["demo"]
            """
        )
    )
    wheel, sdist = _build(project, tmp_path / "dist")
    scanned = tmp_path / "scanned"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(scanned / "wheel")
    with tarfile.open(sdist) as tf:
        tf.extractall(scanned / "sdist", filter="data")
    (scanned / "sdist" / "demo_app-0.1.0" / "pyproject.toml").unlink()  # PKG-INFO alone
    tree = Tree.walk(scanned)
    found = list(dependencies.discover(tree, DiscoverContext()))
    metadata = "wheel/demo_app-0.1.0.dist-info/METADATA"
    got = {
        (ev.location.path, ev.identity, ev.attributes.get("scope"), ev.attributes.get("marker"))
        for ev in found
    }
    for where in (metadata, "sdist/demo_app-0.1.0/PKG-INFO"):
        assert {
            (where, "pkg:pypi/openai", None, None),
            (where, "pkg:pypi/torch", None, 'platform_system != "Darwin"'),
            (where, "pkg:pypi/llama-cpp-python", "optional:local", 'extra == "local"'),
            (where, "pkg:pypi/anthropic", "optional:local",
             'python_version >= "3.9" and extra == "local"'),
        } <= got, got  # fmt: skip
    torch = next(ev for ev in found if ev.identity == "pkg:pypi/torch")
    assert torch.attributes["version"] == "2.5.1" and torch.location.line is not None
    assert tree.skipped == []


def test_egg_info_requires_txt(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            # As setuptools' egg_info writes it.
            "demo_egg.egg-info/requires.txt": (
                'openai>=1\n\n[:python_version < "3.8"]\nanthropic\n\n[local]\nvllm==0.6.0\n'
            ),
            "demo_egg.egg-info/PKG-INFO": "Metadata-Version: 2.1\nName: demo-egg\nVersion: 0.1\n",
        },
    )
    got = {(ev.identity, ev.location.line, ev.attributes.get("scope")) for ev in found}
    assert got == {
        ("pkg:pypi/openai", 1, None),
        ("pkg:pypi/anthropic", 4, None),
        ("pkg:pypi/vllm", 7, "optional:local"),
    }
    anthropic = next(ev for ev in found if ev.identity == "pkg:pypi/anthropic")
    assert anthropic.attributes["marker"] == 'python_version < "3.8"'


def test_requirement_includes_are_read_and_a_missing_one_is_a_skip(tmp_path: Path) -> None:
    found, tree = scan(
        tmp_path,
        {
            "requirements.txt": "-r deps/base.txt\n--requirement=missing.txt\n-r https://x/r.txt\n",
            "deps/base.txt": "openai==1.51.0\n-r ../requirements.txt\n",
        },
    )
    assert [(ev.location.path, ev.identity) for ev in found] == [
        ("deps/base.txt", "pkg:pypi/openai")
    ]
    assert sorted((s.path, s.reason) for s in tree.skipped) == [
        (
            "missing.txt",
            "included by requirements.txt:2 (-r) but not in the scanned tree: not read",
        ),
        ("requirements.txt", "-r https://x/r.txt (line 3): a URL, not fetched"),
    ]
