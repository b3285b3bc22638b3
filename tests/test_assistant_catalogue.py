"""The assistant convention catalogue: every known mark, and nothing that is not one."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from gate.discover.assistant_catalogue import CATALOGUE_FILE, catalogue, load
from gate.errors import InputError
from gate.model import Confidence

HUMAN = ("Dev", "dev@example.com", "Dev", "dev@example.com")


def marks(message: str, who: tuple[str, str, str, str] = HUMAN) -> list[tuple[str, str | None]]:
    signals = catalogue().commit_signals(("0" * 40, *who, message))
    return [(s.assistant.id, s.model) for s in signals]


TRAILERS: list[tuple[str, str, str | None]] = [
    ("Co-Authored-By: Claude <noreply@anthropic.com>", "assistant:anthropic/claude-code", None),
    (
        "Co-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>",
        "assistant:anthropic/claude-code",
        "Claude Opus 4.5",
    ),
    (
        "Co-authored-by: Claude Opus 4.8 (1M context) <noreply@anthropic.com>",
        "assistant:anthropic/claude-code",
        "Claude Opus 4.8 (1M context)",
    ),
    ("Co-authored-by: Copilot <copilot@github.com>", "assistant:github/copilot", None),
    (
        "Co-authored-by: Copilot <223556219+Copilot@users.noreply.github.com>",
        "assistant:github/copilot",
        None,
    ),
    ("Co-authored-by: Codex <noreply@openai.com>", "assistant:openai/codex", None),
    ("Co-authored-by: Cursor <cursoragent@cursor.com>", "assistant:anysphere/cursor", None),
    (
        "Co-authored-by: Qwen-Coder <qwen-coder@alibabacloud.com>",
        "assistant:alibaba/qwen-code",
        None,
    ),
    (
        "Co-authored-by: aider (deepseek/deepseek-coder) <aider@aider.chat>",
        "assistant:aider/aider",
        "deepseek/deepseek-coder",
    ),
    ("Co-Authored-By: Gemini <gemini@google.com>", "assistant:google/gemini-cli", None),
    (
        "Co-authored-by: devin-ai-integration[bot]"
        " <158243242+devin-ai-integration[bot]@users.noreply.github.com>",
        "assistant:cognition/devin",
        None,
    ),
    (
        "Co-authored-by: google-labs-jules[bot]"
        " <161369871+google-labs-jules[bot]@users.noreply.github.com>",
        "assistant:google/jules",
        None,
    ),
    (
        "Co-authored-by: openhands <openhands@all-hands.dev>",
        "assistant:all-hands/openhands",
        None,
    ),
    (
        "Co-authored-by: amazon-q-developer[bot]"
        " <208079219+amazon-q-developer[bot]@users.noreply.github.com>",
        "assistant:amazon/q-developer",
        None,
    ),
    ("Generated-by: Codex 0.144.5 (GPT-5)", "assistant:openai/codex", "GPT-5"),
    (
        "Assisted-by: Claude:claude-3-opus coccinelle sparse",
        "assistant:anthropic/claude-code",
        "claude-3-opus",
    ),
    (
        "Assisted-by: Qwen-Code:qwen3-coder-plus",
        "assistant:alibaba/qwen-code",
        "qwen3-coder-plus",
    ),
    (
        "Assisted-by: ClaudeCode:claude-3-7-sonnet",
        "assistant:anthropic/claude-code",
        "claude-3-7-sonnet",
    ),
    ("Assisted-by: OpenCode:qwen3-coder", "assistant:sst/opencode", "qwen3-coder"),
    ("Assisted-by: GitHub Copilot", "assistant:github/copilot", None),
    (
        "🤖 Generated with [Claude Code](https://claude.com/claude-code)",
        "assistant:anthropic/claude-code",
        None,
    ),
    (
        "Claude-Session: https://claude.ai/code/session_01AbCd",
        "assistant:anthropic/claude-code",
        None,
    ),
    (
        "Agent-Logs-Url: https://github.com/acme/app/sessions/42",
        "assistant:github/copilot",
        None,
    ),
    ("Made-with: Cursor", "assistant:anysphere/cursor", None),
]
"""(trailer or message line, assistant identity, model recorded): one per known convention."""


@pytest.mark.parametrize(("trailer", "identity", "model"), TRAILERS)
def test_every_known_trailer_convention(trailer: str, identity: str, model: str | None) -> None:
    message = f"Fix the parser\n\nLonger text.\n\n{trailer}\n"
    assert marks(message) == [(identity, model)]
    [signal] = catalogue().commit_signals(("0" * 40, *HUMAN, message))
    assert signal.line == 5 and signal.where == "message line 5"
    assert signal.text == trailer.strip()
    assert signal.confidence is Confidence.HIGH


@pytest.mark.parametrize(
    ("author", "identity"),
    [
        (
            ("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com"),
            "assistant:github/copilot",
        ),
        (
            (
                "devin-ai-integration[bot]",
                "158243242+devin-ai-integration[bot]@users.noreply.github.com",
            ),
            "assistant:cognition/devin",
        ),
        (
            ("google-labs-jules[bot]", "161369871+google-labs-jules[bot]@users.noreply.github.com"),
            "assistant:google/jules",
        ),
        (
            # Claude Code's GitHub Action commits as claude[bot]; with the action's default
            # bot_id the address carries github-actions[bot]'s id, so the login decides.
            ("claude[bot]", "41898282+claude[bot]@users.noreply.github.com"),
            "assistant:anthropic/claude-code",
        ),
        (
            ("claude[bot]", "209825114+claude[bot]@users.noreply.github.com"),
            "assistant:anthropic/claude-code",
        ),
        (
            (
                "amazon-q-developer[bot]",
                "208079219+amazon-q-developer[bot]@users.noreply.github.com",
            ),
            "assistant:amazon/q-developer",
        ),
        (
            (
                "chatgpt-codex-connector[bot]",
                "199175422+chatgpt-codex-connector[bot]@users.noreply.github.com",
            ),
            "assistant:openai/codex",
        ),
        (("Paul Gauthier (aider)", "paul@example.com"), "assistant:aider/aider"),
    ],
)
def test_bot_authors_and_aider_suffix(author: tuple[str, str], identity: str) -> None:
    assert marks("Update docs\n", (*author, *author)) == [(identity, None), (identity, None)]
    who = ("Dev", "dev@example.com", *author)
    [signal] = catalogue().commit_signals(("0" * 40, *who, "x"))
    assert signal.where == "committer" and signal.assistant.id == identity


def test_people_and_prose_are_not_marks() -> None:
    assert marks("Pair work\n\nCo-authored-by: Alice <alice@example.com>\n") == []
    assert marks("We discussed whether Co-authored-by: Claude lines matter\n") == []
    assert marks("Generated with care by hand\nReviewed-by: Bob <b@example.com>\n") == []
    # A person who happens to be called Jules or Devin is not an assistant.
    assert marks("x\n\nCo-authored-by: Jules <jules@example.com>\n") == []
    assert marks("x", ("Devin", "devin@example.com", "Devin", "devin@example.com")) == []


def test_unknown_agent_is_recorded_with_low_confidence() -> None:
    [signal] = catalogue().commit_signals(("0" * 40, *HUMAN, "x\n\nAssisted-by: MysteryBot 2.0\n"))
    assert signal.assistant.id == "assistant:unknown/mysterybot"
    assert signal.assistant.vendor == "unknown"
    assert signal.confidence is Confidence.LOW


def test_several_marks_in_message_order_and_reviewers() -> None:
    message = (
        "Add crypto\n\n"
        "🤖 Generated with [Claude Code](https://claude.com/claude-code)\n\n"
        "Co-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>\n"
        "co-authored-by: Qwen-Coder <qwen-coder@alibabacloud.com>\n"
        "Reviewed-by: Alice <alice@example.com>\n"
        "Reviewed-by:   Bob <bob@example.com>  \n"
    )
    signals = catalogue().commit_signals(("0" * 40, *HUMAN, message))
    assert [(s.assistant.key, s.line) for s in signals] == [
        ("claude-code", 3),
        ("claude-code", 5),
        ("qwen-code", 6),
    ]
    assert catalogue().reviewers(message) == ["Alice <alice@example.com>", "Bob <bob@example.com>"]


def test_config_rules_match_whole_segments() -> None:
    cat = catalogue()

    def key(rel: str) -> str | None:
        rule = cat.config_rule(rel)
        return None if rule is None else (rule.assistant.key if rule.assistant else rule.format)

    assert key("CLAUDE.md") == "claude-code"
    assert key("services/api/CLAUDE.md") == "claude-code"
    assert key(".claude/settings.json") == "claude-code"
    assert cat.config_rule(".claude/settings.json").format == "json"  # type: ignore[union-attr]
    assert cat.config_rule(".claude/commands/review.md").format is None  # type: ignore[union-attr]
    assert key(".github/instructions/py.instructions.md") == "copilot"
    assert key(".github/instructions/README.md") is None
    assert key(".github/workflows/ci.yml") == "workflow"
    assert key(".github/workflows/copilot-setup-steps.yml") == "copilot"
    assert key("my.claude/settings.json") is None
    assert key("notes/claude.md.txt") is None
    assert key(".claude") is None  # a file named like the folder


def test_catalogue_is_sourced_and_consistent() -> None:
    text = resources.files("gate.discover").joinpath(CATALOGUE_FILE).read_text("utf-8")
    doc = yaml.safe_load(text)
    sources = set(doc["sources"])
    rows = [*doc["assistants"].values(), *doc["identities"], *doc["trailers"], *doc["configs"]]
    rows += [*doc["workflows"], *doc["lines"], *doc["name_suffixes"]]
    for row in rows:
        assert row.get("sources"), row
        assert set(row["sources"]) <= sources, row
    for line in doc["lines"]:
        assert line["literal"] in line["note"].lower()
    assert catalogue().version == doc["version"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("schema: other/v1\n", "not an assistant catalogue"),
        ("schema: [unclosed\n", "invalid YAML"),
        (
            "schema: aigate.assistant-conventions/v1\nassistants: {}\nidentities:\n"
            "  - {assistant: nope}\ntrailers: []\nconfigs: []\n",
            "unknown assistant key 'nope'",
        ),
        (
            "schema: aigate.assistant-conventions/v1\nassistants: {}\nidentities: []\n"
            "trailers: []\nconfigs:\n  - {dir: .x, format: workflow, off: []}\n",
            "is not a string",
        ),
    ],
)
def test_broken_catalogue_is_a_clear_error(text: str, problem: str) -> None:
    with pytest.raises(InputError) as info:
        load(text, "custom/assistants.yaml")
    assert str(info.value).startswith("custom/assistants.yaml: ")
    assert problem in str(info.value)
