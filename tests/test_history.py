"""Assistant attribution from real git history: ranges, merges, shallow clones, failures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import GitRepo
from test_assistant_catalogue import TRAILERS

from gate.bom import cyclonedx
from gate.cli import main
from gate.discover import history
from gate.discover.assistants import discover
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.errors import GitError, InputError
from gate.model import EvidenceKind, Inventory
from gate.pipeline import ScanOptions, scan

CLAUDE = "Co-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>"
QWEN = "Co-authored-by: Qwen-Coder <qwen-coder@alibabacloud.com>"
BOT = "copilot-swe-agent[bot] <198982749+Copilot@users.noreply.github.com>"


def _scan(root: Path, history_range: str | None = None) -> Inventory:
    return scan(ScanOptions(root=root, history=history_range)).inventory


def _commits(inventory: Inventory, cid: str) -> list[dict[str, Any]]:
    comp = inventory.component(cid)
    assert comp is not None, [c.id for c in inventory.components]
    commits: list[dict[str, Any]] = comp.properties["assistant"]["commits"]
    return commits


def test_default_range_is_since_the_newest_tag(git_repo: GitRepo) -> None:
    old = git_repo.commit(f"old work\n\n{CLAUDE}\n", {"a.py": "1"})
    git_repo.git("tag", "-a", "v1.0", "-m", "release 1.0")
    new = git_repo.commit(
        f"new work\n\n{CLAUDE}\nReviewed-by: Alice <alice@example.com>\n", {"b.py": "2"}
    )
    git_repo.commit("human work", {"c.py": "3"})
    inv = _scan(git_repo.root)
    [commit] = _commits(inv, "assistant:anthropic/claude-code")
    assert commit["sha"] == new != old
    assert commit["paths"] == ["b.py"]
    assert commit["reviewed_by"] == ["Alice <alice@example.com>"]
    assert commit["trailer"] == CLAUDE
    assert commit["date"].startswith("2026-01-01T00:00:") and commit["date"].endswith("+00:00")
    facts = inv.properties["history"]
    assert facts["range"] == "v1.0..HEAD" and facts["since_tag"] == "v1.0"
    assert facts["commits_read"] == 2 and facts["assistant_commits"] == 1
    assert facts["shallow"] is False and facts["complete"] is True
    assert any(
        n.startswith("history: read 2 commits (v1.0..HEAD); 1 with assistant attribution")
        for n in inv.notes
    )
    assert any("not proof that no assistant wrote it" in n for n in inv.notes)
    assert inv.component("assistant:anthropic/claude-code").properties["assistant"]["models"] == [  # type: ignore[union-attr]
        "Claude Opus 4.5"
    ]


def test_every_convention_in_a_real_history(git_repo: GitRepo) -> None:
    shas = {
        git_repo.commit(f"change {i}\n\nWhy it matters.\n\n{trailer}\n", {f"f{i}.py": "x"}): (
            identity,
            model,
        )
        for i, (trailer, identity, model) in enumerate(TRAILERS)
    }
    git_repo.commit("a human commit", {"h.py": "x"})
    evidence = list(discover(Tree.walk(git_repo.root), DiscoverContext()))
    found = {
        e.location.commit: (e.identity, (e.attributes["assistant"].get("models") or [None])[0])
        for e in evidence
        if e.location.context != "authored"  # the lines at HEAD: tests/test_authored.py
    }
    assert found == shas


def test_tagged_head_reads_since_the_previous_tag(git_repo: GitRepo) -> None:
    git_repo.commit("first", {"a.py": "1"})
    git_repo.git("tag", "v1")
    sha = git_repo.commit(f"feature\n\n{QWEN}\n", {"b.py": "2"})
    git_repo.git("tag", "v2")  # a release build runs on the tagged commit itself
    inv = _scan(git_repo.root)
    assert inv.properties["history"]["range"] == "v1..HEAD"
    assert [c["sha"] for c in _commits(inv, "assistant:alibaba/qwen-code")] == [sha]


def test_no_tag_reads_everything_and_explicit_ranges(git_repo: GitRepo) -> None:
    first = git_repo.commit(f"one\n\n{CLAUDE}\n", {"a.py": "1"})
    second = git_repo.commit(f"two\n\n{CLAUDE}\n", {"a.py": "2"})
    inv = _scan(git_repo.root)
    assert inv.properties["history"]["range"] == "all history of HEAD: no tag found"
    assert {c["sha"] for c in _commits(inv, "assistant:anthropic/claude-code")} == {first, second}
    inv = _scan(git_repo.root, f"{first}..HEAD")
    assert [c["sha"] for c in _commits(inv, "assistant:anthropic/claude-code")] == [second]
    assert inv.properties["history"]["mode"] == "range"
    inv = _scan(git_repo.root, "all")
    assert inv.properties["history"]["commits_read"] == 2


def test_bot_authors_aider_suffix_and_merges(git_repo: GitRepo) -> None:
    git_repo.commit("base", {"src/a.py": "1", "src/b.py": "1"})
    git_repo.git("checkout", "-q", "-b", "side")
    side = git_repo.commit("Fix flaky test", {"src/b.py": "2"}, author=BOT)
    git_repo.git("checkout", "-q", "main")
    aider = git_repo.commit(
        "aider: refactor", {"src/a.py": "2"}, author="Dana (aider) <dana@example.com>"
    )
    git_repo.git("merge", "-q", "--no-ff", "-m", f"Merge side\n\n{CLAUDE}", "side")
    merge = git_repo.git("rev-parse", "HEAD")
    inv = _scan(git_repo.root)
    [bot] = _commits(inv, "assistant:github/copilot")
    assert bot["sha"] == side and bot["paths"] == ["src/b.py"]
    assert bot["author"] == BOT
    assert bot["signals"] == [f"author: {BOT}", f"committer: {BOT}"]
    [by_aider] = _commits(inv, "assistant:aider/aider")
    assert by_aider["sha"] == aider
    assert by_aider["signals"] == [
        "author: Dana (aider) <dana@example.com>",
        "committer: Dana (aider) <dana@example.com>",
    ]
    [merged] = _commits(inv, "assistant:anthropic/claude-code")
    assert merged["sha"] == merge and merged["merge"] is True
    assert merged["paths"] == []  # a clean merge wrote nothing of its own


def test_aider_suffix_on_committer_only(git_repo: GitRepo) -> None:
    sha = git_repo.commit("x", {"a.py": "1"}, committer="Dana (aider) <dana@example.com>")
    inv = _scan(git_repo.root)
    [commit] = _commits(inv, "assistant:aider/aider")
    assert commit["sha"] == sha
    assert commit["signals"] == ["committer: Dana (aider) <dana@example.com>"]


def test_evidence_points_at_the_commit_and_the_trailer_line(git_repo: GitRepo) -> None:
    sha = git_repo.commit(f"subject\n\nbody\n\n{CLAUDE}\n{QWEN}\n", {"x.py": "1", "y.py": "2"})
    evidence = [
        e
        for e in discover(Tree.walk(git_repo.root), DiscoverContext())
        if e.location.context != "authored"
    ]
    assert {e.kind for e in evidence} == {EvidenceKind.ASSISTANT_COMMIT}
    by_id = {e.identity: e for e in evidence}
    claude = by_id["assistant:anthropic/claude-code"]
    assert claude.location.commit == sha and claude.location.path == ""
    assert claude.location.context == "message line 5"
    assert claude.as_written == CLAUDE
    assert by_id["assistant:alibaba/qwen-code"].location.context == "message line 6"
    assert claude.attributes["assistant"]["path_counts"] == {"x.py": 1, "y.py": 1}


def test_path_counts_sum_over_commits(git_repo: GitRepo) -> None:
    for i in range(3):
        git_repo.commit(f"c{i}\n\n{CLAUDE}\n", {"src/crypto/aes.py": str(i), f"f{i}.py": "x"})
    comp = _scan(git_repo.root).component("assistant:anthropic/claude-code")
    assert comp is not None
    payload = comp.properties["assistant"]
    assert payload["commit_count"] == 3
    assert payload["path_counts"] == {"f0.py": 1, "f1.py": 1, "f2.py": 1, "src/crypto/aes.py": 3}


def test_a_sub_folder_scan_reads_the_commits_that_touched_it(git_repo: GitRepo) -> None:
    inside = git_repo.commit(f"in\n\n{CLAUDE}\n", {"app/main.py": "1", "docs/x.md": "1"})
    git_repo.commit(f"out\n\n{CLAUDE}\n", {"docs/y.md": "1"})
    inv = _scan(git_repo.root / "app")
    [commit] = _commits(inv, "assistant:anthropic/claude-code")
    assert commit["sha"] == inside and commit["paths"] == ["main.py"]
    assert inv.properties["history"]["scope"] == "app"
    assert inv.properties["history"]["commits_read"] == 1


def test_odd_messages_and_paths_do_not_confuse_the_parser(git_repo: GitRepo) -> None:
    git_repo.commit("")  # empty message
    odd = "dir with space/naïve\nname.py"
    sha = git_repo.commit(f"ünïcödé ☃\n\n{CLAUDE}\n", {odd: "1", "plain.py": "1"})
    git_repo.commit("Fix: a: b: c\n\nCo-authored-by: Alice <a@example.com>\n")
    inv = _scan(git_repo.root)
    [commit] = _commits(inv, "assistant:anthropic/claude-code")
    assert commit["sha"] == sha
    assert commit["paths"] == [odd, "plain.py"]
    assert inv.properties["history"]["commits_read"] == 3


def test_shallow_clone_is_reported_with_the_fix(git_repo: GitRepo, tmp_path: Path) -> None:
    git_repo.commit(f"old\n\n{CLAUDE}\n", {"a.py": "1"})
    git_repo.commit("new", {"b.py": "2"})
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{git_repo.root}", str(clone)],
        check=True,
        env={**git_repo.env("Dev <dev@example.com>", None)},
    )
    inv = _scan(clone)
    facts = inv.properties["history"]
    assert facts["shallow"] is True and facts["complete"] is False
    assert facts["commits_read"] == 1
    assert inv.component("assistant:anthropic/claude-code") is None
    [note] = [n for n in inv.notes if "shallow clone" in n]
    assert "fetch-depth: 0" in note and "not 'no AI'" in note


def test_not_a_repository_is_a_note(tmp_path: Path) -> None:
    (tmp_path / "CLAUDE.md").write_text("x")
    inv = _scan(tmp_path)
    assert inv.properties["history"] == {
        "mode": "default",
        "catalogue": inv.properties["history"]["catalogue"],
        "read": False,
        "reason": "not a git repository",
    }
    assert any("is not a git repository: commit attribution skipped" in n for n in inv.notes)
    assert inv.component("assistant:anthropic/claude-code") is not None


def test_asking_for_history_of_a_non_repository_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="not a git repository, but --history all"):
        _scan(tmp_path, "all")


def test_empty_repository_is_a_note(git_repo: GitRepo) -> None:
    inv = _scan(git_repo.root)
    assert inv.properties["history"]["reason"] == "no commits yet"


def test_history_none_skips_git_entirely(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    git_repo.commit(f"x\n\n{CLAUDE}\n", {"a.py": "1"})
    monkeypatch.setenv("PATH", "/nonexistent")
    inv = _scan(git_repo.root, "none")
    assert inv.components == () and inv.properties["history"]["read"] is False


def test_bad_range_is_exit_2(git_repo: GitRepo) -> None:
    git_repo.commit("x", {"a.py": "1"})
    result = CliRunner().invoke(main, ["scan", str(git_repo.root), "--history", "nope..HEAD"])
    assert result.exit_code == 2
    assert "git log nope..HEAD failed" in result.stderr
    assert "bad revision 'nope..HEAD'" in result.stderr


@pytest.mark.parametrize("bad", ["--output=/tmp/x", "a b", ""])
def test_option_like_ranges_are_refused(git_repo: GitRepo, bad: str) -> None:
    git_repo.commit("x", {"a.py": "1"})
    with pytest.raises(InputError, match="not a revision range"):
        _scan(git_repo.root, bad)


def test_corrupt_repository_is_an_error_not_an_empty_result(git_repo: GitRepo) -> None:
    git_repo.commit("one", {"a.py": "1"})
    git_repo.commit(f"two\n\n{CLAUDE}\n", {"a.py": "2"})
    parent = git_repo.git("rev-parse", "HEAD~1")
    (git_repo.root / ".git" / "objects" / parent[:2] / parent[2:]).unlink()
    result = CliRunner().invoke(main, ["scan", str(git_repo.root), "-q"])
    assert result.exit_code == 2
    assert "aigate: error:" in result.stderr and "failed" in result.stderr


def test_missing_git_is_an_error_in_a_repository(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    git_repo.commit("x", {"a.py": "1"})
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(GitError, match="git is not installed"):
        _scan(git_repo.root)


def test_missing_git_outside_a_repository_is_only_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    inv = _scan(tmp_path)
    assert inv.properties["history"]["reason"] == "not a git repository"


def test_callers_git_environment_does_not_leak(
    git_repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sha = git_repo.commit(f"x\n\n{CLAUDE}\n", {"a.py": "1"})
    other = GitRepo(tmp_path / "other")
    other.commit("unrelated", {"z.py": "1"})
    monkeypatch.setenv("GIT_DIR", str(other.root / ".git"))
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", "'log.showsignature'='true'")
    inv = _scan(git_repo.root)
    assert [c["sha"] for c in _commits(inv, "assistant:anthropic/claude-code")] == [sha]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_dubious_ownership_is_explained(git_repo: GitRepo) -> None:
    git_repo.commit("x", {"a.py": "1"})
    for path in [git_repo.root, *git_repo.root.rglob("*")]:
        os.chown(path, 4242, 4242, follow_symlinks=False)
    with pytest.raises(GitError) as info:
        _scan(git_repo.root)
    assert "safe.directory" in info.value.diagnostics()


def test_scan_writes_a_valid_bom_with_assistants_twice_identically(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    git_repo.commit("init", {"README.md": "x"})
    git_repo.git("tag", "v0.1")
    git_repo.commit(f"feat\n\n{CLAUDE}\n", {"src/a.py": "1", "CLAUDE.md": "# notes"})
    git_repo.commit(f"fix\n\n{QWEN}\n", {"src/b.py": "1"})
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    for out in (first, second):
        result = CliRunner().invoke(main, ["scan", str(git_repo.root), "-o", str(out)])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    text = first.read_text()
    assert cyclonedx.validate(text) is None
    doc = json.loads(text)
    refs = {c["bom-ref"]: c for c in doc["components"]}
    assert {"assistant:anthropic/claude-code", "assistant:alibaba/qwen-code"} <= set(refs)
    assert refs["assistant:alibaba/qwen-code"]["type"] == "application"
    meta = {p["name"]: p["value"] for p in doc["metadata"]["properties"]}
    facts = json.loads(meta["aigate:inventory:history"])
    assert facts["commits_read"] == 2 and facts["range"] == "v0.1..HEAD"
    occurrences = refs["assistant:alibaba/qwen-code"]["evidence"]["occurrences"]
    assert [o["location"] for o in occurrences if o["location"].startswith("git:")] == [
        f"git:{git_repo.git('rev-parse', 'HEAD')}"
    ]
    inventory, warnings = cyclonedx.read_bom(first)
    assert warnings == []
    assert inventory.properties["history"] == facts


@pytest.mark.engines  # the real review: its one Semgrep process is counted below
def test_history_reader_streams_one_process(
    git_repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(40):
        git_repo.commit(f"c{i}\n\n{CLAUDE if i % 2 else ''}\n", {f"f{i}.py": "x"})
    commands: list[str] = []
    real = subprocess.Popen

    def spy(args: list[str], **kwargs: Any) -> Any:
        words = [a for a in args[1:] if not a.startswith("-") and "=" not in a]
        commands.append(words[0])
        return real(args, **kwargs)

    monkeypatch.setattr(history.subprocess, "Popen", spy)
    inv = _scan(git_repo.root)
    assert len(_commits(inv, "assistant:anthropic/claude-code")) == 20
    # A fixed number of git processes whatever the number of commits: one log, one diff-tree
    # (and the walk's one ls-files); the AI-authored lines take one blame per touched file
    # still at HEAD (never one per commit) and one Semgrep run.
    assert commands.count("log") == 1 and commands.count("diff-tree") == 1
    assert commands.count("ls-files") == 1
    assert commands.count("blame") == 20 and commands.count("scan") == 1
    # The rest, exactly: a new git process per scan shows up here. ``config`` (the user's
    # safe.directory entries) is read once per process, so only when no test read it before.
    assert commands.count("config") <= 1
    others = [c for c in commands if c not in ("blame", "scan", "config")]
    assert sorted(others) == [
        "describe",
        "diff-tree",
        "log",
        "ls-files",
        "ls-tree",
        "rev-parse",
        "rev-parse",
        "rev-parse",
    ], commands


def test_git_is_found_for_these_tests() -> None:
    assert shutil.which("git") is not None


COPILOT = "Co-authored-by: Copilot <198982749+Copilot@users.noreply.github.com>"


def test_a_merge_that_resolved_a_conflict_is_read(git_repo: GitRepo) -> None:
    # issue 18: with -c, git prints an extra NUL before a merge's file list.
    git_repo.commit("init", {"f.txt": "a\n"})
    git_repo.git("checkout", "-q", "-b", "topic")
    git_repo.commit("topic", {"f.txt": "b\n"})
    git_repo.git("checkout", "-q", "main")
    git_repo.commit("main", {"f.txt": "c\n"})
    done = subprocess.run(
        ["git", "merge", "-q", "topic"], cwd=git_repo.root, capture_output=True, check=False
    )
    assert done.returncode != 0  # the conflict
    (git_repo.root / "f.txt").write_text("d\n")
    git_repo.git("add", "f.txt")
    merge = git_repo.commit(f"Merge topic\n\n{COPILOT}")
    git_repo.commit("", {"g.txt": "after"})
    result = CliRunner().invoke(main, ["scan", str(git_repo.root), "--history", "all", "-q"])
    assert result.exit_code == 0, result.output
    [commit] = _commits(_scan(git_repo.root, "all"), "assistant:github/copilot")
    assert commit["sha"] == merge and commit["merge"] is True and commit["paths"] == ["f.txt"]


def test_empty_commits_renames_and_odd_file_names(git_repo: GitRepo) -> None:
    git_repo.commit(f"empty\n\n{CLAUDE}\n")  # an empty assistant commit
    git_repo.commit("base", {"old.py": "x = 1\n"})
    git_repo.git("mv", "old.py", "new.py")
    renamed = git_repo.commit(f"rename\n\n{CLAUDE}\n")
    raw = b"caf\xe9\nname.py"  # a newline and a byte that is not UTF-8
    (git_repo.root / os.fsdecode(raw)).write_bytes(b"y = 2\n")
    git_repo.git("add", "--", os.fsdecode(raw))
    odd = git_repo.commit(f"odd\n\n{CLAUDE}\n")
    # an empty merge (-s ours) marked by an assistant, and a huge message
    git_repo.git("checkout", "-q", "-b", "side", "HEAD~1")
    git_repo.commit("side", {"side.py": "1"})
    git_repo.git("checkout", "-q", "main")
    git_repo.git("merge", "-q", "-s", "ours", "side", "-m", f"ours\n\n{CLAUDE}")
    message = git_repo.root.parent / "message.txt"
    message.write_text("subject\n\n" + "long line of text " * 200_000 + f"\n\n{CLAUDE}\n")
    (git_repo.root / "h.py").write_text("1")
    git_repo.git("add", "h.py")
    git_repo.git("commit", "-q", "-F", str(message))
    huge = git_repo.git("rev-parse", "HEAD")
    commits = {
        c["sha"]: c for c in _commits(_scan(git_repo.root), "assistant:anthropic/claude-code")
    }
    assert len(commits) == 5
    assert commits[renamed]["paths"] == ["new.py", "old.py"]
    assert commits[odd]["paths"] == [os.fsdecode(raw)]
    assert commits[huge]["paths"] == ["h.py"]
    merges = [c for c in commits.values() if c.get("merge")]
    assert [c["paths"] for c in merges] == [[]]


@pytest.mark.parametrize(
    ("trailer", "identity", "model"),
    [
        ("Co-Authored-By: GPT 5.4 <codex@openai.com>", "assistant:openai/codex", "GPT 5.4"),
        (
            "Co-authored-by: my-coder/deepseek-v3-250324",
            "assistant:unknown/my-coder",
            "deepseek-v3-250324",
        ),
        ("Co-authored-by: Trae <traecli@bytedance.com>", "assistant:bytedance/trae", None),
    ],
)
def test_marks_missed_before_issue_18(
    git_repo: GitRepo, trailer: str, identity: str, model: str | None
) -> None:
    git_repo.commit(f"work\n\n{trailer}\n", {"a.py": "1"})
    comp = _scan(git_repo.root).component(identity)
    assert comp is not None
    assert comp.properties["assistant"].get("models", [None]) == [model]


def test_unknown_co_author_at_a_vendor_or_naming_a_model(git_repo: GitRepo) -> None:
    git_repo.commit("a\n\nCo-authored-by: Helper <helper-bot@deepseek.com>\n", {"a.py": "1"})
    git_repo.commit("b\n\nCo-authored-by: Bob Smith <bob@example.com>\n", {"b.py": "1"})
    # People at a model vendor, and names that only start like a model (found on real
    # histories: anthropics/claude-code-action), are people.
    git_repo.commit("c\n\nCo-authored-by: Ashwin Bhat <ashwin@anthropic.com>\n", {"c.py": "1"})
    git_repo.commit("d\n\nCo-authored-by: Yi-Cheng Wang <yc.wang@heph-ai.com>\n", {"d.py": "1"})
    inv = _scan(git_repo.root)
    ids = sorted(c.id for c in inv.components if c.id.startswith("assistant:"))
    assert ids == ["assistant:deepseek/helper"]
    comp = inv.component("assistant:deepseek/helper")
    assert comp is not None and comp.publisher is not None and comp.publisher.country == "CN"
