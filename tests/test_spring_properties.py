"""Java ``.properties`` files (Spring's ``application.properties``) read as the nested
document Spring binds their dotted keys to."""

from __future__ import annotations

from gate.discover import configs


def test_spring_ai_model_keys_under_their_own_provider_block() -> None:
    text = (
        "# spring.ai.openai.chat.options.model=gpt-3.5-turbo (a comment)\n"
        "spring.application.name=chat\n"
        "spring.ai.openai.chat.options.model=gpt-4o-mini\n"
        "spring.ai.ollama.base-url=http://localhost:11434\n"
        "spring.ai.ollama.chat.options.model=${LLM:qwen2.5:7b}\n"
    )
    outcome = configs.analyse_file("src/main/resources/application.properties", text.encode())
    assert outcome.skipped == []
    got = sorted((ev.identity, ev.location.line) for ev in outcome.evidence)
    assert got == [("api:openai/gpt-4o-mini", 3), ("ollama:qwen2.5:7b", 5)]


def test_a_malformed_properties_file_is_a_recorded_skip() -> None:
    outcome = configs.analyse_file("application.properties", b"spring.ai.model=\\uZZZZ\n")
    assert outcome.evidence == []
    assert [rel for rel, _ in outcome.skipped] == ["application.properties"]


def test_a_line_without_separator_is_not_the_head_of_the_next_key() -> None:
    """Keys are read one line each: a key that could run past its line made every line
    without ``=`` scan all the lines after it (20,000 such lines in a hostile .properties:
    12 s), and named the next line's key ``x\\nspring...``."""
    from gate.discover.configs.nodes import _Positions

    text = "x\n" * 3 + "spring.ai.openai.chat.options.model = gpt-4o\n"
    pairs = _Positions(text, ini=True)._index()
    assert list(pairs) == [("spring.ai.openai.chat.options.model", "gpt-4o")]
    outcome = configs.analyse_file("application.properties", text.encode())
    assert [(ev.identity, ev.location.line) for ev in outcome.evidence] == [
        ("api:openai/gpt-4o", 4)
    ]


def test_a_key_of_a_hundred_thousand_dots_does_not_lose_the_file() -> None:
    """Each dotted part was a level of the document: 100,000 of them overflowed the walk's
    recursion and the file (and its model) was recorded as failed."""
    text = ".".join(["a"] * 100_000) + ".openai.chat.options.model=gpt-4o\n"
    text += "spring.ai.openai.chat.options.model=gpt-4o-mini\n"
    outcome = configs.analyse_file("application.properties", text.encode())
    assert outcome.skipped == []
    assert "api:openai/gpt-4o-mini" in {ev.identity for ev in outcome.evidence}
    assert [(ev.identity, ev.location.line) for ev in outcome.evidence] == [
        ("api:openai/gpt-4o", 1),  # the deep key's own model is kept too
        ("api:openai/gpt-4o-mini", 2),
    ]


def test_a_lone_surrogate_escape_is_a_recorded_skip_and_a_pair_is_one_character() -> None:
    """``\\ud800`` alone is no text: the name carried it to the lineage search, whose UTF-8
    encoding crashed the scan (internal error)."""
    bad = configs.analyse_file(
        "application.properties", b"spring.ai.openai.chat.options.model=gpt-4o\\ud800\n"
    )
    assert bad.evidence == []
    assert [rel for rel, _ in bad.skipped] == ["application.properties"]
    pair = configs.analyse_file(
        "application.properties", b"spring.ai.openai.chat.options.model=gpt-4o\\ud83d\\ude00\n"
    )
    assert pair.skipped == []
    for ev in pair.evidence:
        ev.identity.encode("utf-8")
