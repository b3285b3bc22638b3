"""A provider a variable's name only hints at serves an ``org/name`` Hub id only when it
serves other makers' models (Together, SiliconFlow): ``QWEN_SOURCE_MODEL = "Qwen/..."``
names Qwen's weights, not a DashScope call."""

from __future__ import annotations

from gate.discover import python


def _identities(source: str) -> set[str]:
    outcome = python.analyse_file("app.py", source.encode(), pending=False)
    return {ev.identity for ev in outcome.evidence}


def test_a_maker_word_in_the_name_does_not_make_a_hub_id_its_api_model() -> None:
    found = _identities('QWEN_SOURCE_MODEL = "Qwen/Qwen2.5-7B-Instruct"\n')
    assert found == {"hf:Qwen/Qwen2.5-7B-Instruct@unpinned"}


def test_a_serving_provider_in_the_name_still_serves_the_hub_id() -> None:
    found = _identities(
        'TOGETHER_MODEL = "meta-llama/Llama-3.3-70B-Instruct-Turbo"\n'
        'SILICONFLOW_MODEL = "Qwen/Qwen3-8B"\n'
    )
    assert found == {
        "api:together/meta-llama/Llama-3.3-70B-Instruct-Turbo",
        "api:siliconflow/Qwen/Qwen3-8B",
    }


def test_the_hint_still_names_the_provider_of_its_own_model_names() -> None:
    assert _identities('QWEN_MODEL = "qwen-max"\n') == {"api:alibaba/qwen-max"}
