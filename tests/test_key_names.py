"""One answer to "whose key is this": a variable or key name says its provider by the
provider's name at its head (providers.yaml env_prefixes), read by one function
(Knowledge.provider_from_env_name) for env files, configs and code alike. The Python
analyser's API-key reading (``api_key=st.session_state["dashscope_api_key"]``) asked the
alias table word by word instead; it now asks the same function."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gate.discover import python, refs
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree


@pytest.mark.parametrize(
    ("name", "provider"),
    [
        ("DEEPSEEK_API_KEY", "deepseek"),
        ("dashscope_api_key", "alibaba"),
        ("togetherApiKey", "together"),
        ("VITE_OPENROUTER_API_KEY", "openrouter"),
        ("AZURE_OPENAI_API_KEY", "azure-openai"),
        ("MY_KEY", None),
        ("api_key", None),
    ],
)
def test_a_key_names_its_provider_at_its_head(name: str, provider: str | None) -> None:
    assert refs.provider_from_env_name(name) == provider


def _py(source: str, tmp_path: Path) -> set[str]:
    (tmp_path / "app.py").write_text(textwrap.dedent(source))
    found = python.discover(Tree.walk(tmp_path), DiscoverContext())
    return {ev.identity for ev in found}


def test_the_api_key_beside_an_apps_own_wrapper_is_read_like_an_env_files_key(
    tmp_path: Path,
) -> None:
    found = _py(
        """
        import os
        import streamlit as st
        import rag_handler
        a = rag_handler.ChatModel(model="acme-ai/Chat-70B", api_key=os.environ["GROQ_API_KEY"])
        b = rag_handler.ChatModel(model="acme-ai/Chat-8B", api_key=st.session_state.togetherApiKey)
        """,
        tmp_path,
    )
    assert found == {"api:groq/acme-ai/Chat-70B", "api:together/acme-ai/Chat-8B"}
