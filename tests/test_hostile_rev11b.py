"""Hostile scanned sources (review of round 11's new code): sizes at which the code before
each fix would not finish (quadratic in a line, a test or a file), never timed."""

from __future__ import annotations

from pathlib import Path

from gate import pipeline
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


def test_a_test_of_many_model_names_around_two_clients_is_read_once(tmp_path: Path) -> None:
    # `if a0_model == "x" and ... (40,000 names):` choosing a client: the test was read once
    # for each name it holds (n x n). The chosen client takes only "x"; the other one serves
    # the model the caller passes.
    n = 40_000
    test = " and ".join(f'{"abcdefghij"[i % 10]}{i // 10}_model == "x"' for i in range(n))
    (tmp_path / "app.py").write_text(
        "from openai import OpenAI\n\n"
        "def ask(model_name):\n"
        f"    if {test}:\n"
        '        client = OpenAI(base_url="https://api.deepseek.com")\n'
        "    else:\n"
        "        client = OpenAI()\n"
        "    return client.chat.completions.create(model=model_name, messages=[])\n\n"
        'ask("gpt-4o-mini")\n'
    )
    got = set(components(tmp_path))
    assert "api:openai/gpt-4o-mini" in got
    assert not any("deepseek" in c for c in got)


def test_many_uses_under_a_test_of_many_constants_read_it_once(tmp_path: Path) -> None:
    # A parameter tested against 5,000 constants choosing a client, then used by 5,000
    # calls under the same test: each use read the whole test again, as each call did for
    # each client (n x n, minutes before); and the one constant at every call site (each
    # merge re-sorted every site so far).
    n = 5_000
    test = " or ".join(f'model_name == "gpt-4o-{i}"' for i in range(n))
    uses = "".join(
        "        client.chat.completions.create(model=model_name, messages=[])\n" for _ in range(n)
    )
    (tmp_path / "app.py").write_text(
        "from openai import OpenAI\n\n"
        "def ask(model_name):\n"
        f"    if {test}:\n"
        '        client = OpenAI(base_url="https://api.deepseek.com")\n'
        "    else:\n"
        "        client = OpenAI()\n"
        f"    if {test}:\n"
        f"{uses}"
    )
    got = components(tmp_path)
    assert "api:deepseek/gpt-4o-0" in got
    assert not any(c.startswith("api:openai/") for c in got)
    [evidence] = got["api:deepseek/gpt-4o-0"].evidence
    assert len(evidence.attributes["used_at"]) == n


def test_many_env_reads_of_a_variable_many_env_lines_set_resolve_once(tmp_path: Path) -> None:
    # 3,000 calls reading CHAT_MODEL and a .env setting it 3,000 times: every call was
    # resolved to every value (9 x 10^6 evidence items, gigabytes) though each lands on the
    # same env file line.
    n = 3_000
    (tmp_path / ".env").write_text("".join(f"CHAT_MODEL=gpt-4o-{i}\n" for i in range(n)))
    (tmp_path / "app.py").write_text(
        "import os\nfrom openai import OpenAI\n\nclient = OpenAI()\n"
        + "".join(
            f"def ask{i}():\n"
            '    return client.chat.completions.create(model=os.getenv("CHAT_MODEL"))\n'
            for i in range(n)
        )
    )
    got = components(tmp_path)
    assert len([c for c in got if c.startswith("api:openai/gpt-4o-")]) == n
    assert any(
        ev.attributes.get("flow") == "env-file" for ev in got["api:openai/gpt-4o-7"].evidence
    )


def test_a_vector_store_pickle_carrying_a_dangerous_import_is_still_a_risk(
    tmp_path: Path,
) -> None:
    # LangChain's FAISS index.pkl classes (safe data) with os.system reached through memo
    # strings and STACK_GLOBAL before them: a risk component, not a quiet data file.
    docstore = (
        b"(clangchain_community.docstore.in_memory\nInMemoryDocstore\n)\x81}b"
        b"clangchain_core.documents.base\nDocument\n)\x81}b}t."
    )
    hidden = b"\x80\x04\x8c\x02os\x94\x8c\x06system\x94h\x00h\x01\x93\x8c\x02id\x85R0"
    (tmp_path / "faiss_index").mkdir()
    (tmp_path / "faiss_index" / "index.faiss").write_bytes(b"IxFI" + b"\0" * 60)
    (tmp_path / "faiss_index" / "index.pkl").write_bytes(hidden + docstore)
    result = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    risky = [
        c
        for c in result.inventory.components
        if any(ev.location.path == "faiss_index/index.pkl" for ev in c.evidence)
    ]
    assert risky
    risks = [r for c in risky for ev in c.evidence for r in ev.attributes.get("risks") or ()]
    assert any("os.system" in str(r) for r in risks)


def test_env_reads_never_reach_an_env_file_outside_the_scanned_root(tmp_path: Path) -> None:
    # The folder above the scanned root sets the variable, and the root's own .env is a
    # symlink out of it: neither is read (the walk leaves the link out, the climb stops at
    # the root).
    (tmp_path / ".env").write_text("CHAT_MODEL=gpt-4o-above\n")
    (tmp_path / "secret.env").write_text("CHAT_MODEL=gpt-4o-linked\n")
    root = tmp_path / "app"
    (root / "pkg").mkdir(parents=True)
    (root / ".env").symlink_to(tmp_path / "secret.env")
    # and one the root holds itself is read: the resolution works, the guard is what refuses
    (root / "pkg" / ".env").write_text("OTHER_MODEL=gpt-4o-mini\n")
    (root / "pkg" / "ask.py").write_text(
        "import os\nfrom openai import OpenAI\n\n"
        'reply = OpenAI().chat.completions.create(model=os.getenv("CHAT_MODEL"), messages=[])\n'
        'other = OpenAI().chat.completions.create(model=os.getenv("OTHER_MODEL"), messages=[])\n'
    )
    got = set(components(root))
    assert not any("gpt-4o-above" in c or "gpt-4o-linked" in c for c in got)
    assert "api:openai/gpt-4o-mini" in got
