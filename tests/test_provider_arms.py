"""A model's provider follows the ``if`` arm it is chosen in: pickers grouped by provider,
and assignments in one arm that never reach a call in another."""

from __future__ import annotations

import textwrap

from gate.discover import python, refs


def ids(source: str) -> set[str]:
    outcome = python.analyse_file("ui.py", textwrap.dedent(source).encode())
    return {ev.identity for ev in refs.dedupe(outcome.evidence)}


def test_a_picker_in_a_providers_arm_offers_that_providers_models() -> None:
    found = ids(
        """
        import streamlit as st
        backend = st.radio("Backend", ["Anthropic", "Groq"])
        if backend == "Groq":
            model = st.selectbox("Model", ["qwen-qwq-32b", "mixtral-8x7b-32768"])
        elif backend == "Anthropic":
            pick = st.selectbox("Model", ["claude-3-5-haiku-latest", "Other"])
            if pick == "Other":
                model = st.text_input("Name")
            else:
                model = pick
        """
    )
    # Served by the arm's provider, not the provider the name suggests (qwen: Alibaba).
    assert "api:groq/qwen-qwq-32b" in found
    assert "api:groq/mixtral-8x7b-32768" in found
    # `model = pick`: a variable not named for a model is followed to the picker.
    assert "api:anthropic/claude-3-5-haiku-latest" in found
    assert not any(i.startswith("api:alibaba/") for i in found)


def test_an_arm_compared_with_a_model_name_says_no_provider() -> None:
    found = ids(
        """
        def pick(model_name):
            if model_name == "deepseek":
                model = "qwen-max"
            return model
        """
    )
    assert "api:deepseek/qwen-max" not in found


def test_a_value_assigned_in_one_arm_does_not_reach_a_call_in_another() -> None:
    found = ids(
        """
        from crewai import LLM
        def make(selection):
            provider = selection["provider"]
            model = selection["model"]
            if provider == "groq":
                return LLM(model=f"groq/{model}")
            else:
                if not model:
                    model = "o1-mini"
                return LLM(model=f"openai/{model}")
        """
    )
    assert "api:openai/o1-mini" in found
    # Neither the other arm's value nor a wildcard for the unknown one.
    assert not any(i.startswith("api:groq/") for i in found)


def test_a_loop_carries_an_arms_value_into_the_next_pass() -> None:
    found = ids(
        """
        from crewai import LLM
        model = "gpt-4o"
        for step in range(2):
            if step == 0:
                model = "o1-mini"
            else:
                LLM(model=f"openai/{model}")
        """
    )
    assert {"api:openai/o1-mini", "api:openai/gpt-4o"} == found


def test_a_hub_id_through_an_sdk_with_the_endpoint_set_outside_is_not_the_makers_api() -> None:
    found = ids(
        """
        import os
        from openai import OpenAI
        MODEL_NAME = os.getenv("MODEL_NAME", "deepseek-ai/DeepSeek-R1")
        client = OpenAI()
        client.chat.completions.create(model=MODEL_NAME, messages=[])
        client.chat.completions.create(model="deepseek-chat", messages=[])
        """
    )
    # DeepSeek's API spells its models deepseek-chat / deepseek-reasoner, never as Hub ids.
    assert "api:deepseek/deepseek-ai/DeepSeek-R1" not in found
    assert "api:deepseek/deepseek-chat" in found
