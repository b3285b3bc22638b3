"""SDK packages have publishers: a CN-published SDK is a visible, sourced fact."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gate import registry
from gate.errors import InputError
from gate.pipeline import ScanOptions, scan


def test_sdk_dependencies_carry_their_publisher_and_country(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text(
        "dashscope==1.20.0\nopenai>=1.40\nLangChain_OpenAI\ntorch\nzhipuai\n"
    )
    (tmp_path / "package.json").write_text(
        json.dumps({"dependencies": {"ai": "^4.0.0", "@ai-sdk/openai": "^1.0.0"}})
    )
    inventory = scan(ScanOptions(root=tmp_path)).inventory
    got = {
        c.id: (c.publisher.name if c.publisher else None, c.publisher and c.publisher.country)
        for c in inventory.components
        if c.id.startswith("pkg:")
    }
    assert got == {
        "pkg:pypi/dashscope": ("Alibaba Cloud (Aliyun)", "CN"),
        "pkg:pypi/zhipuai": (
            "Zhipu AI / Z.ai (Beijing Zhipu Huazhang Technology Co., Ltd.)",
            "CN",
        ),
        "pkg:pypi/openai": ("OpenAI", "US"),
        "pkg:pypi/langchain-openai": ("LangChain, Inc.", "US"),
        "pkg:pypi/torch": ("PyTorch Foundation (Linux Foundation)", "US"),
        "pkg:npm/ai": ("Vercel Inc.", "US"),
        "pkg:npm/@ai-sdk/openai": ("Vercel Inc.", "US"),
    }
    dashscope = next(c for c in inventory.components if c.id == "pkg:pypi/dashscope")
    assert dashscope.publisher is not None
    (prov,) = dashscope.publisher.provenance
    assert "pypi package 'dashscope' (packages.yaml; verified: pypi.org/project/dashscope" in (
        prov.detail
    )


def test_a_user_registry_names_a_package_publisher(tmp_path: Path) -> None:
    user = tmp_path / "reg.yaml"
    user.write_text(
        "packages:\n"
        "  - {ecosystem: pypi, name: acme-llm, publisher: acme, source: 'our vendor list'}\n"
        "publishers:\n"
        "  - {id: acme, name: Acme Corp, country: DE, source: 'contract 12'}\n"
    )
    reg = registry.load((user,))
    entry = reg.package("pypi", "Acme_LLM")
    assert entry is not None and entry.publisher == "acme"
    assert reg.package("npm", "acme-llm") is None


def test_a_package_entry_naming_an_unknown_publisher_is_an_error(tmp_path: Path) -> None:
    user = tmp_path / "reg.yaml"
    user.write_text("packages:\n  - {ecosystem: pypi, name: x, publisher: nobody, source: s}\n")
    with pytest.raises(InputError, match="names publisher 'nobody'"):
        registry.load((user,))
