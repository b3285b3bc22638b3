"""aigate's own AI-BOM (sboms/aigate.cdx.json) and the snapshot comparison that tells when it
is stale: stable across commits (history aside), sensitive to everything the tree says."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner
from conftest import GitRepo

from gate import __version__
from gate.bom.snapshot import stale
from gate.cli import main

ROOT = Path(__file__).resolve().parent.parent
SBOM = ROOT / "sboms" / "aigate.cdx.json"
CLAUDE = "Co-authored-by: Claude <noreply@anthropic.com>"


def scan(root: Path, out: Path) -> Path:
    assert CliRunner().invoke(main, ["scan", str(root), "-q", "-o", str(out)]).exit_code == 0
    return out


def test_the_committed_bom_is_aigates_release() -> None:
    doc = json.loads(SBOM.read_text(encoding="utf-8"))
    project = doc["metadata"]["component"]
    assert (project["name"], project["version"]) == ("aigate", __version__)
    assert "timestamp" not in doc["metadata"]  # deterministic: SOURCE_DATE_EPOCH unset
    props = {p["name"]: p["value"] for p in doc["metadata"]["properties"]}
    assert json.loads(props["aigate:inventory:history"])["read"] is True
    # The release scope (.aigateignore): no tests, examples, bench or docs.
    places = [
        occ.get("location", "")
        for comp in doc.get("components", [])
        for occ in comp.get("evidence", {}).get("occurrences", [])
    ]
    for place in places:
        assert not place.startswith(("tests/", "examples/", "bench/", "docs/")), place


def test_new_commits_do_not_make_a_bom_stale(git_repo: GitRepo, tmp_path: Path) -> None:
    git_repo.commit("app", {"app/main.py": "print('hi')\n", ".aider.conf.yml": "model: gpt-4o\n"})
    before = scan(git_repo.root, tmp_path / "before.json")
    # An assistant commit: a new component known only from history, more commits read,
    # a new HEAD, and a commit counted on the aider component whose config is in the tree.
    git_repo.commit("feat", {"app/util.py": "x = 1\n"}, author="Dev <dev@example.com>")
    git_repo.commit(f"fix\n\n{CLAUDE}", {"app/util.py": "x = 2\n"})
    git_repo.commit("aider: tweak\n\nCo-authored-by: aider (gpt-4o) <noreply@aider.chat>")
    after = scan(git_repo.root, tmp_path / "after.json")
    ids = {c["bom-ref"] for c in json.loads(after.read_text())["components"]}
    assert "assistant:anthropic/claude-code" in ids  # the history really was read
    assert before.read_bytes() != after.read_bytes()
    assert stale(before, after) == []


def test_a_change_in_the_tree_makes_it_stale(git_repo: GitRepo, tmp_path: Path) -> None:
    git_repo.commit("app", {"app/main.py": "print('hi')\n"})
    before = scan(git_repo.root, tmp_path / "before.json")
    git_repo.commit(
        "model",
        {"app/main.py": 'from transformers import pipeline\npipeline(model="Qwen/Qwen2.5-7B")\n'},
    )
    diff = "".join(stale(before, scan(git_repo.root, tmp_path / "after.json")))
    assert "hf:Qwen/Qwen2.5-7B" in diff
    assert diff.startswith(f"--- {before}\n+++ ")


def test_a_moved_reference_makes_it_stale(git_repo: GitRepo, tmp_path: Path) -> None:
    code = 'from transformers import pipeline\npipeline(model="Qwen/Qwen2.5-7B")\n'
    git_repo.commit("model", {"app/main.py": code})
    before = scan(git_repo.root, tmp_path / "before.json")
    git_repo.commit("moved", {"app/main.py": "# a comment\n" + code})
    diff = "".join(stale(before, scan(git_repo.root, tmp_path / "after.json")))
    assert re.search(r'^- +"line": 2,$', diff, re.M) and re.search(r'^\+ +"line": 3,$', diff, re.M)


def test_another_test_file_does_not_make_it_stale_but_a_new_test_folder_does(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    git_repo.commit("app", {"app/main.py": "print('hi')\n", "tests/test_a.py": "x = 1\n"})
    before = scan(git_repo.root, tmp_path / "before.json")
    notes = [
        p["value"]
        for p in json.loads(before.read_text())["metadata"]["properties"]
        if p["name"] == "aigate:note"
    ]
    assert any(n.endswith("1 file in tests/ (1)") for n in notes), notes
    # The same for programs, as data: the snapshot compares its folders, never the note.
    props = {
        p["name"]: p["value"] for p in json.loads(before.read_text())["metadata"]["properties"]
    }
    assert json.loads(props["aigate:inventory:set_aside"]) == {"files": 1, "folders": ["tests/"]}
    git_repo.commit("more tests", {"tests/test_b.py": "x = 2\n"})
    assert stale(before, scan(git_repo.root, tmp_path / "after.json")) == []
    git_repo.commit("docs", {"docs/demo.py": "x = 3\n"})
    diff = "".join(stale(before, scan(git_repo.root, tmp_path / "docs.json")))
    # The set-aside folders are the change that makes it stale: the old list out, the new in.
    changed = diff.splitlines()
    assert '-        "value": "{\\"folders\\":[\\"tests/\\"]}"' in changed, diff
    assert '+        "value": "{\\"folders\\":[\\"docs/\\",\\"tests/\\"]}"' in changed, diff
