"""The assistants policy end to end: real git repositories, `aigate check` on a tree and a BOM."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import GitRepo

from gate.bom.cyclonedx import BOM_MAX_ASSISTANT_COMMITS
from gate.cli import main

NOW = "2026-11-26"
CLAUDE = "Co-Authored-By: Claude Opus 4.5 <noreply@anthropic.com>"
PROTECT = (
    "apiVersion: aigate/v1\nkind: PolicyPack\nname: protect\n"
    "params:\n  assistants:\n    protected_paths: ['src/crypto/**']\n"
)


def run(*args: str) -> tuple[int, str, str]:
    """The CLI; `check` with --verbose, whose text report shows each finding's full chain."""
    argv = [*args, "--verbose"] if args[0] == "check" and "--format" not in args else list(args)
    result = CliRunner().invoke(main, argv)
    return result.exit_code, result.stdout, result.stderr


def check(target: Path, *args: str, bom: bool = False) -> tuple[int, str, str]:
    """`aigate check` on the tree, or (bom=True) on the BOM `aigate scan` writes for it."""
    if bom:
        out = target.parent / f"{target.name}.cdx.json"
        code, _, err = run("scan", str(target), "-o", str(out), "-q")
        assert code == 0, err
        return run("check", "--bom", str(out), "--now", NOW, *args)
    return run("check", str(target), "--now", NOW, *args)


def pack(tmp_path: Path, text: str = PROTECT) -> str:
    path = tmp_path / "protect.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("bom", [False, True], ids=["tree", "bom"])
def test_qwen_code_commit_is_denied_by_release(git_repo: GitRepo, bom: bool) -> None:
    git_repo.commit("init", {"app.py": "print(1)\n"})
    git_repo.commit(
        "Add parser\n\nCo-authored-by: Qwen-Coder <qwen-coder@alibabacloud.com>",
        {"parser.py": "x = 1\n"},
    )
    code, out, _ = check(git_repo.root, "--policy", "release", bom=bom)
    assert code == 1, out
    assert "DENY assistants.vendor-country" in out
    assert "assistant:alibaba/qwen-code is made by Qwen Team, Alibaba Cloud, in CN" in out
    assert "(listed: us-15cfr791.4)" in out
    assert "fact:   publisher.country = CN" in out
    # The default pack only warns, and says so.
    code, out, _ = check(git_repo.root, bom=bom)
    assert code == 0 and "WARN assistants.vendor-country" in out


@pytest.mark.parametrize("bom", [False, True], ids=["tree", "bom"])
def test_aider_commit_is_denied_through_its_model(git_repo: GitRepo, bom: bool) -> None:
    git_repo.commit("init", {"app.py": "print(1)\n"})
    sha = git_repo.commit(
        "Refactor\n\nCo-authored-by: aider (deepseek/deepseek-chat) <aider@aider.chat>",
        {"app.py": "print(2)\n"},
    )
    code, out, _ = check(git_repo.root, "--policy", "release", bom=bom)
    assert code == 1, out
    assert "DENY assistants.model-country" in out
    assert "assistant:aider/aider uses api:deepseek/deepseek-chat (deepseek/deepseek-chat)" in out
    assert "published by Hangzhou DeepSeek" in out
    assert "fact:   lineage[api:deepseek/deepseek-chat].publisher.country = CN" in out
    assert "config: the assistant is configured to use 'deepseek/deepseek-chat'" in out
    assert f"seen:   {sha[:12]}" in out
    # aider itself is an open client: no vendor finding, and its origin is known.
    assert "assistants.vendor-country" not in out
    assert "assistants.unknown-country" not in out


@pytest.mark.parametrize("bom", [False, True], ids=["tree", "bom"])
def test_protected_path_needs_a_review(tmp_path: Path, git_repo: GitRepo, bom: bool) -> None:
    git_repo.commit("init", {"README.md": "hi\n"})
    bad = git_repo.commit(
        f"Faster AES\n\n{CLAUDE}", {"src/crypto/x.py": "k = 1\n", "docs/aes.md": "AES\n"}
    )
    git_repo.commit(
        f"Faster RSA\n\n{CLAUDE}\nReviewed-by: Alice <alice@example.com>",
        {"src/crypto/rsa.py": "r = 1\n"},
    )
    git_repo.commit(f"Docs\n\n{CLAUDE}", {"docs/more.md": "more\n"})
    code, out, _ = check(git_repo.root, "--policy", "release", "--policy", pack(tmp_path), bom=bom)
    assert code == 1, out
    assert out.count("DENY assistants.protected-path") == 1
    assert (
        f"assistant:anthropic/claude-code took part in commit {bad[:12]}, which changed"
        " protected src/crypto/x.py without a Reviewed-by: trailer" in out
    )
    assert f"seen:   {bad[:12]} src/crypto/x.py" in out
    # The reviewed commit's file is in no finding (the AI-authored section may list it).
    findings_part = out.split("AI-authored code")[0]
    assert "rsa.py" not in findings_part and "capped" not in out
    # The same history without the pack's protected paths passes the release pack.
    code, out, _ = check(git_repo.root, "--policy", "release", bom=bom)
    assert code == 0, out


def test_reviewed_protected_commit_passes(tmp_path: Path, git_repo: GitRepo) -> None:
    git_repo.commit("init", {"README.md": "hi\n"})
    git_repo.commit(
        f"Faster AES\n\n{CLAUDE}\nReviewed-by: Alice <alice@example.com>",
        {"src/crypto/x.py": "k = 1\n"},
    )
    code, out, _ = check(git_repo.root, "--policy", "release", "--policy", pack(tmp_path))
    assert code == 0, out
    assert "assistants.protected-path" not in out


def test_self_review_is_not_a_review(tmp_path: Path, git_repo: GitRepo) -> None:
    git_repo.commit("init", {"README.md": "hi\n"})
    git_repo.commit(
        f"Faster AES\n\n{CLAUDE}\nReviewed-by: Dev <dev@example.com>", {"src/crypto/x.py": "k\n"}
    )
    code, out, _ = check(git_repo.root, "--policy", "release", "--policy", pack(tmp_path))
    assert code == 1 and "DENY assistants.protected-path" in out


def test_waiver_lets_the_protected_path_pass(tmp_path: Path, git_repo: GitRepo) -> None:
    git_repo.commit("init", {"README.md": "hi\n"})
    git_repo.commit(f"Faster AES\n\n{CLAUDE}", {"src/crypto/x.py": "k = 1\n"})
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "apiVersion: aigate/v1\nkind: Waivers\nwaivers:\n"
        "  - id: WVR-7\n    rule: assistants.protected-path\n"
        "    component: assistant:anthropic/claude-code\n"
        "    reason: Reviewed in pull request 42 before the trailer convention\n"
        "    approved_by: C. Ops (Security)\n    expires: 2026-12-31\n",
        encoding="utf-8",
    )
    args = ["--policy", "release", "--policy", pack(tmp_path), "--waivers", str(waivers)]
    code, out, _ = check(git_repo.root, *args)
    assert code == 0, out
    assert "WAIVED: WVR-7 by C. Ops (Security) until 2026-12-31" in out


@pytest.mark.parametrize("bom", [False, True], ids=["tree", "bom"])
def test_claude_settings_at_a_cn_endpoint_warn(git_repo: GitRepo, bom: bool) -> None:
    settings = {"env": {"ANTHROPIC_BASE_URL": "https://api.deepseek.com/anthropic"}}
    git_repo.commit("init", {".claude/settings.json": json.dumps(settings, indent=2) + "\n"})
    code, out, _ = check(git_repo.root, "--policy", "release", bom=bom)
    assert code == 0, out
    assert "WARN assistants.endpoint-country" in out
    assert (
        "assistant:anthropic/claude-code is configured to send requests to api.deepseek.com,"
        " operated by DeepSeek in CN" in out
    )
    assert "seen:   .claude/settings.json:3" in out  # the line naming the endpoint
    # Not also a serving-country denial from the jurisdiction area.
    assert "jurisdiction." not in out
    assert check(git_repo.root, "--policy", "release", "--fail-on", "warn", bom=bom)[0] == 1
    # cfius-strict raises it to a denial.
    code, out, _ = check(git_repo.root, "--policy", "cfius-strict", bom=bom)
    assert code == 1 and "DENY assistants.endpoint-country" in out


def test_claude_code_configured_with_a_cn_model_is_denied(git_repo: GitRepo) -> None:
    settings = {"env": {"ANTHROPIC_MODEL": "kimi-k2"}}
    git_repo.commit("init", {".claude/settings.json": json.dumps(settings) + "\n"})
    code, out, _ = check(git_repo.root, "--policy", "release")
    assert code == 1, out
    assert "assistant:anthropic/claude-code uses api:moonshot/kimi-k2 (kimi-k2)" in out


def test_unknown_agents_follow_the_unknown_parameter(git_repo: GitRepo) -> None:
    git_repo.commit("init", {"AGENTS.md": "# Agents\nRun make test.\n"})
    git_repo.commit(
        "Tidy\n\nAssisted-by: Frobnicator:frob-1", {"a.py": "a = 1\n"}, author="D <d@example.com>"
    )
    code, out, _ = check(git_repo.root, "--policy", "release")
    assert code == 0, out
    assert "WARN assistants.unknown-agent" in out
    assert "assistant:unknown/agents-md: an agent the catalogue does not know (set up by" in out
    code, out, _ = check(git_repo.root, "--policy", "cfius-strict")
    assert code == 1 and "DENY assistants.unknown-agent" in out


def test_a_registry_file_places_an_unknown_agent(tmp_path: Path, git_repo: GitRepo) -> None:
    git_repo.commit("init", {"a.py": "a = 1\n"})
    git_repo.commit("Tidy\n\nAssisted-by: Frobnicator", {"a.py": "a = 2\n"})
    assert "DENY assistants.unknown-agent" in check(git_repo.root, "--policy", "cfius-strict")[1]
    registry = tmp_path / "registry.yaml"
    registry.write_text(
        "publishers:\n"
        "  - {id: frob, name: Frob Inc., country: US, source: vendor due diligence SEC-9}\n"
        "assistants:\n"
        "  - {key: frob/frobnicator, product: Frobnicator, vendor: frob, kind: vendor,"
        " names: [frobnicator]}\n",
        encoding="utf-8",
    )
    pack = tmp_path / "ours.yaml"
    pack.write_text(
        "apiVersion: aigate/v1\nkind: PolicyPack\nname: ours\nregistries: [./registry.yaml]\n",
        encoding="utf-8",
    )
    code, out, _ = check(git_repo.root, "--policy", "cfius-strict", "--policy", str(pack))
    assert code == 0, out
    assert "assistants." not in out


def test_open_client_without_a_model_has_unknown_origin(git_repo: GitRepo) -> None:
    git_repo.commit("init", {"a.py": "a = 1\n"})
    git_repo.commit("Tidy", {"a.py": "a = 2\n"}, author="Dana (aider) <dana@example.com>")
    code, out, _ = check(git_repo.root, "--policy", "release")
    assert code == 0, out
    assert "WARN assistants.unknown-country" in out
    assert "assistant:aider/aider is an open client whose origin is the model" in out
    assert check(git_repo.root, "--policy", "cfius-strict")[0] == 1


def _many_commits(repo: GitRepo, count: int) -> None:
    """``count`` Claude commits on protected files, through one ``git fast-import``."""
    lines = []
    for i in range(count):
        message = f"Change {i}\n\n{CLAUDE}\n".encode()
        body = f"v = {i}\n".encode()
        stamp = 1767225600 + i * 60
        lines += [
            b"commit refs/heads/main",
            b"author Dev <dev@example.com> %d +0000" % stamp,
            b"committer Dev <dev@example.com> %d +0000" % stamp,
            b"data %d" % len(message),
            message,
            b"M 100644 inline src/crypto/f%03d.py" % i,
            b"data %d" % len(body),
            body,
        ]
    env = repo.env("Dev <dev@example.com>", None)
    subprocess.run(
        ["git", "fast-import", "--quiet"],
        cwd=repo.root,
        input=b"\n".join(lines) + b"\n",
        env=env,
        check=True,
    )
    repo.git("reset", "-q", "--hard", "main")


def test_capped_bom_says_what_it_could_not_check(tmp_path: Path, git_repo: GitRepo) -> None:
    total = BOM_MAX_ASSISTANT_COMMITS + 20
    _many_commits(git_repo, total)
    args = ["--policy", "release", "--policy", pack(tmp_path), "--format", "json", "-o"]
    code, _, _ = check(git_repo.root, *args, str(tmp_path / "tree.json"))
    assert code == 1
    tree = json.loads((tmp_path / "tree.json").read_text())
    denied = [f for f in tree["findings"] if f["rule"] == "assistants.protected-path"]
    assert len(denied) == total
    assert not any(f["rule"] == "assistants.capped-history" for f in tree["findings"])
    code, _, _ = check(git_repo.root, *args, str(tmp_path / "bom.json"), bom=True)
    assert code == 1
    found = json.loads((tmp_path / "bom.json").read_text())["findings"]
    denied = [f for f in found if f["rule"] == "assistants.protected-path"]
    assert len(denied) == BOM_MAX_ASSISTANT_COMMITS
    assert all(f["facts"]["bom_cap"]["commits_total"] == total for f in denied)
    assert all("read from a capped BOM" in f["message"] for f in denied)
    capped = [f for f in found if f["rule"] == "assistants.capped-history"]
    assert len(capped) == 1 and capped[0]["level"] == "warn"
    assert capped[0]["facts"]["hidden"] == {"commits_dropped": 20, "commits_with_cut_paths": 0}


def test_malformed_assistant_payload_in_a_bom_is_refused(git_repo: GitRepo) -> None:
    git_repo.commit("init", {"README.md": "hi\n"})
    git_repo.commit(f"AES\n\n{CLAUDE}", {"src/crypto/x.py": "k = 1\n"})
    out = git_repo.root.parent / "bom.cdx.json"
    assert run("scan", str(git_repo.root), "-o", str(out), "-q")[0] == 0
    doc = json.loads(out.read_text())
    for comp in doc["components"]:
        for prop in comp.get("properties", []):
            if prop["name"] == "aigate:fact:assistant":
                payload = json.loads(prop["value"])
                payload["commits"][0]["paths"] = "src/crypto/x.py"  # a string, not a list
                prop["value"] = json.dumps(payload)
    out.write_text(json.dumps(doc))
    code, _, err = run("check", "--bom", str(out), "--policy", "release", "--now", NOW)
    assert code == 2
    assert "policy-input.schema.json" in err and "commits/0/paths" in err


@pytest.mark.parametrize(
    ("glob", "problem"),
    [
        ("src/[crypto/**", "unbalanced '['"),
        ("src/{a,b/**", "unbalanced '{'"),
        ("src/[]/**", "empty character class"),
        ("src/a,b.txt", "a ',' outside"),
        ("!src/public/**", "negations"),
        ("./src/crypto/**", "write it relative to the scanned folder"),
        ("src\\crypto\\**", "use '/'"),
    ],
)
def test_malformed_protected_glob_is_an_error_naming_the_pack(
    tmp_path: Path, git_repo: GitRepo, glob: str, problem: str
) -> None:
    git_repo.commit("init", {"README.md": "hi\n"})
    text = PROTECT.replace("'src/crypto/**'", json.dumps(glob))
    code, _, err = check(git_repo.root, "--policy", "release", "--policy", pack(tmp_path, text))
    assert code == 2
    assert f"protect.yaml:6: protected_paths[0] {glob!r}: {problem}" in err


def test_force_added_aider_config_is_read_and_judged(git_repo: GitRepo) -> None:
    # aider adds `.aider*` to .gitignore; a team that shares its config force-adds it.
    (git_repo.root / ".gitignore").write_text(".aider*\n", encoding="utf-8")
    (git_repo.root / ".aider.conf.yml").write_text(
        "model: deepseek/deepseek-coder\n", encoding="utf-8"
    )
    git_repo.git("add", ".gitignore")
    git_repo.git("add", "-f", ".aider.conf.yml")
    git_repo.git("commit", "-q", "-m", "Share the aider setup")
    code, out, _ = check(git_repo.root, "--policy", "release")
    assert code == 1, out
    assert "assistant:aider/aider uses api:deepseek/deepseek-coder (deepseek/deepseek-coder)" in out
    assert "seen:   .aider.conf.yml:1" in out
