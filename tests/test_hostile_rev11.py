"""Hostile scanned sources (review of round 11's new code): sizes at which the code before
each fix would not finish (quadratic in a line, a test or a file), never timed."""

from __future__ import annotations

from pathlib import Path

from gate.discover import refs
from tests.treehelp import components


def test_command_lines_repeating_a_command_are_read_in_one_pass() -> None:
    # 150,000 tokens: each writing of `ollama run` scanned the rest of the line for its end
    # and its positionals (about 10^10 steps), as each `text-generation-launcher` scanned
    # it for its option.
    n = 75_000
    found = refs.command_models(["ollama", "run"] * n + ["llama3"])
    assert len(found) == n
    assert found[-1][0] == 2 * n
    found = refs.command_models(["text-generation-launcher"] * n + ["--model-id", "org/x"])
    assert [index for index, _ in found] == [n + 1] * n


def test_a_script_line_repeating_a_command_is_read(tmp_path: Path) -> None:
    # One line of 40,000 `swift sft` then `--model org/x --use_hf`: every writing looked
    # the flag up over the whole line, and marked the options over the rest of it.
    n = 40_000
    (tmp_path / "train.sh").write_text(
        "swift sft " * n
        + "--model Qwen/Qwen2.5-7B-Instruct --use_hf true\n"
        + "ollama run " * n
        + "llama3\n"
    )
    got = set(components(tmp_path))
    assert "hf:Qwen/Qwen2.5-7B-Instruct@unpinned" in got
    assert "ollama:llama3:latest" in got


def test_an_env_file_line_of_many_blanks_is_read(tmp_path: Path) -> None:
    # A line of 250,000 blanks between two words: the value read lazily before `\s*$`
    # retried every blank (quadratic) in both the env file's own reading and the reading a
    # code's os.getenv("X") resolved through.
    (tmp_path / ".env").write_text(
        "NOTE=a" + " " * 250_000 + "b\nCHAT_MODEL=gpt-4o-mini\nBACKUP_MODEL=qwen-max  # spare\n"
    )
    (tmp_path / "app.py").write_text(
        "import os\nfrom openai import OpenAI\n\n"
        "client = OpenAI()\n"
        'reply = client.chat.completions.create(model=os.getenv("CHAT_MODEL"), messages=[])\n'
    )
    got = components(tmp_path)
    assert "api:openai/gpt-4o-mini" in got
    assert any(
        ev.attributes.get("flow") == "env-file" for ev in got["api:openai/gpt-4o-mini"].evidence
    )
