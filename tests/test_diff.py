"""``aigate diff``: what a release adds, removes and changes, from BOMs, trees and git refs."""

from __future__ import annotations

import json
import os
import random
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner

from gate import pipeline
from gate.bom import cyclonedx
from gate.cli import main
from gate.inventory_diff import Aspect, diff, introduced
from gate.model import (
    Ancestor,
    Component,
    ComponentId,
    Hash,
    Inventory,
    Licence,
    LicenceCategory,
    Party,
    Project,
    Risk,
    Role,
    ServedBy,
    WeightFile,
)
from gate.report.diff import DIFF_FORMATS

SHA1 = "1" * 40
SHA2 = "2" * 40


def inv(*components: Component) -> Inventory:
    return Inventory(Project("p"), tuple(sorted(components, key=lambda c: c.id)))


def hf(repo: str, rev: str | None = None, **kw: object) -> Component:
    cid = ComponentId(f"hf:{repo}@{rev or 'unpinned'}")
    return Component(cid, Role.RUNTIME_MODEL, repo.split("/")[1], version=rev, **kw)  # type: ignore[arg-type]


def weight(sha: str, path: str) -> Component:
    return Component(
        ComponentId(f"file:sha256:{sha}"),
        Role.EMBEDDED_WEIGHTS,
        path.rsplit("/", 1)[-1],
        hashes=(Hash("SHA-256", sha),),
        files=(WeightFile(path, 10, "gguf", sha),),
    )


def aspects(component_change: object) -> dict[Aspect, bool]:
    return {c.aspect: c.relevant for c in component_change.changes}  # type: ignore[attr-defined]


# --------------------------------------------------------------------------------------
# comparing inventories


def test_identical_inventories_have_no_changes() -> None:
    a = inv(hf("org/m", SHA1), weight("a" * 64, "models/x.gguf"))
    d = diff(a, a)
    assert (d.added, d.removed, d.changed, d.unchanged) == ((), (), (), 2)
    assert d.introduced() == frozenset()


def test_a_new_revision_is_a_relevant_change_not_an_add_and_remove() -> None:
    d = diff(inv(hf("org/m", SHA1)), inv(hf("org/m", SHA2)))
    assert not d.added and not d.removed
    [change] = d.changed
    assert change.base_id == f"hf:org/m@{SHA1}" and change.id == f"hf:org/m@{SHA2}"
    [rev] = [c for c in change.changes if c.aspect is Aspect.REVISION]
    assert (rev.before, rev.after, rev.relevant) == (SHA1, SHA2, True)


def test_a_weight_file_with_new_content_is_a_hash_change() -> None:
    d = diff(inv(weight("a" * 64, "models/x.gguf")), inv(weight("b" * 64, "models/x.gguf")))
    [change] = d.changed
    found = aspects(change)
    assert found[Aspect.HASH] is True and found[Aspect.FILE_HASH] is True
    assert d.introduced() == {ComponentId("file:sha256:" + "b" * 64)}


def test_origin_licence_lineage_and_risk_changes() -> None:
    before = hf(
        "org/m",
        SHA1,
        publisher=Party("Org", "US"),
        served_by=ServedBy("api.org.example", country="US"),
        licence=Licence("apache-2.0", category=LicenceCategory.PERMISSIVE),
        lineage=(
            Ancestor(ComponentId("hf:base/a@unpinned"), "base/a", publisher=Party("A", "FR")),
        ),
        risks=(Risk("unsafe-pickle", "imports os.system"),),
        pinned=True,
    )
    after = replace(
        before,
        publisher=Party("Org", "CN", parent="Parent", parent_country="CN"),
        served_by=ServedBy("api.org.example", country="CN"),
        licence=Licence("cc-by-nc-4.0", category=LicenceCategory.NON_COMMERCIAL),
        lineage=(
            Ancestor(ComponentId("hf:base/b@unpinned"), "base/b", publisher=Party("B", "CN")),
        ),
        risks=(Risk("trust-remote-code", "auto_map in config.json"),),
        pinned=False,
    )
    [change] = diff(inv(before), inv(after)).changed
    assert aspects(change) == {
        Aspect.PINNED: True,
        Aspect.PUBLISHER_COUNTRY: True,
        Aspect.PUBLISHER_PARENT: True,
        Aspect.PUBLISHER_PARENT_COUNTRY: True,
        Aspect.SERVED_BY_COUNTRY: True,
        Aspect.LICENCE: True,
        Aspect.LICENCE_CATEGORY: True,
        Aspect.ANCESTOR_ADDED: True,
        Aspect.ANCESTOR_REMOVED: False,
        Aspect.RISK_ADDED: True,
        Aspect.RISK_REMOVED: False,
    }
    [country] = [c for c in change.changes if c.aspect is Aspect.PUBLISHER_COUNTRY]
    assert (country.before, country.after) == ("US", "CN")


def test_only_improvements_are_changes_that_introduce_nothing() -> None:
    before = hf("org/m", SHA1, risks=(Risk("unsafe-pickle", "os.system"),), pinned=False)
    after = replace(before, risks=(), pinned=True)
    d = diff(inv(before), inv(after))
    [change] = d.changed
    assert not change.relevant and d.introduced() == frozenset()


def test_an_ancestor_whose_country_became_known_is_relevant() -> None:
    anc = Ancestor(ComponentId("hf:base/a@unpinned"), "base/a", publisher=Party("A", None))
    before = hf("org/m", SHA1, lineage=(anc,))
    after = replace(before, lineage=(replace(anc, publisher=Party("A", "RU")),))
    [change] = diff(inv(before), inv(after)).changed
    [item] = change.changes
    assert (item.aspect, item.subject, item.after, item.relevant) == (
        Aspect.ANCESTOR_COUNTRY,
        "hf:base/a@unpinned",
        "RU",
        True,
    )


def test_an_ambiguous_move_is_reported_as_added_and_removed() -> None:
    d = diff(inv(hf("org/m", SHA1)), inv(hf("org/m", SHA2), hf("org/m", "3" * 40)))
    assert [c.id for c in d.removed] == [f"hf:org/m@{SHA1}"]
    assert len(d.added) == 2 and not d.changed


def test_introduced_is_added_plus_relevantly_changed() -> None:
    keep = hf("org/keep", SHA1)
    moved = hf("org/moved", SHA1)
    gone = hf("org/gone", SHA1)
    new = hf("org/new")
    base, head = inv(keep, moved, gone), inv(keep, hf("org/moved", SHA2), new)
    assert introduced(base, head) == {new.id, ComponentId(f"hf:org/moved@{SHA2}")}


def test_order_of_components_does_not_change_the_result() -> None:
    comps = [hf(f"org/m{i}", SHA1 if i % 2 else None) for i in range(30)]
    heads = [
        replace(c, publisher=Party("X", "CN")) if i % 3 == 0 else c for i, c in enumerate(comps)
    ]
    shuffled = heads[:]
    random.Random(7).shuffle(shuffled)
    a = diff(inv(*comps), Inventory(Project("p"), tuple(heads)))
    b = diff(inv(*comps), Inventory(Project("p"), tuple(shuffled)))
    assert DIFF_FORMATS["json"](a) == DIFF_FORMATS["json"](b)


# --------------------------------------------------------------------------------------
# real scans of real trees


def model_dir(root: Path, rel: str, *, licence: str | None = None, base: str | None = None) -> None:
    folder = root / rel
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(
        json.dumps({"model_type": "llama", "architectures": ["LlamaForCausalLM"]})
    )
    front = []
    if licence:
        front.append(f"license: {licence}")
    if base:
        front.append(f"base_model: {base}")
    if front:
        (folder / "README.md").write_text("---\n" + "\n".join(front) + "\n---\n# model\n")


def hub_snapshot(root: Path, repo: str, sha: str) -> None:
    org, name = repo.split("/")
    model_dir(root, f"hub/models--{org}--{name}/snapshots/{sha}", licence="mit")


def release_one(root: Path) -> None:
    model_dir(root, "models/summarizer", licence="apache-2.0", base="meta-llama/Llama-3.2-1B")
    model_dir(root, "models/retired", licence="mit")
    hub_snapshot(root, "BAAI/bge-small-en-v1.5", SHA1)


def release_two(root: Path) -> None:
    model_dir(root, "models/summarizer", licence="cc-by-nc-4.0", base="Qwen/Qwen2.5-0.5B")
    model_dir(root, "models/classifier", licence="apache-2.0")
    hub_snapshot(root, "BAAI/bge-small-en-v1.5", SHA2)


def scan(root: Path) -> Inventory:
    return pipeline.scan(pipeline.ScanOptions(root=root, history="none")).inventory


def check_release_diff(doc: dict[str, object]) -> None:
    assert doc["schema"] == "aigate.bom-diff/v1"
    assert [c["id"] for c in doc["added"]] == ["local:models/classifier"]  # type: ignore[index,union-attr]
    assert [c["id"] for c in doc["removed"]] == ["local:models/retired"]  # type: ignore[index,union-attr]
    changed = {c["id"]: c for c in doc["changed"]}  # type: ignore[union-attr]
    assert set(changed) == {f"hf:BAAI/bge-small-en-v1.5@{SHA2}", "local:models/summarizer"}
    summarizer = {
        (c["aspect"], c["subject"]): c for c in changed["local:models/summarizer"]["changes"]
    }
    licence = summarizer[("licence", None)]
    assert (licence["before"], licence["after"], licence["relevant"]) == (
        "Apache-2.0",
        "CC-BY-NC-4.0",
        True,
    )
    assert summarizer[("ancestor-added", "hf:Qwen/Qwen2.5-0.5B@unpinned")]["relevant"] is True
    assert (
        summarizer[("ancestor-removed", "hf:meta-llama/Llama-3.2-1B@unpinned")]["relevant"] is False
    )
    bge = changed[f"hf:BAAI/bge-small-en-v1.5@{SHA2}"]
    assert bge["base_id"] == f"hf:BAAI/bge-small-en-v1.5@{SHA1}"
    assert doc["introduced"] == sorted(
        ["local:models/classifier", "local:models/summarizer", f"hf:BAAI/bge-small-en-v1.5@{SHA2}"]
    )


def test_diff_of_two_scanned_trees(tmp_path: Path) -> None:
    release_one(tmp_path / "one")
    release_two(tmp_path / "two")
    result = diff(
        scan(tmp_path / "one"), scan(tmp_path / "two"), base_label="one", head_label="two"
    )
    check_release_diff(json.loads(DIFF_FORMATS["json"](result)))


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_diff_of_two_bom_files(tmp_path: Path) -> None:
    release_one(tmp_path / "one")
    release_two(tmp_path / "two")
    for name in ("one", "two"):
        assert run("scan", str(tmp_path / name), "-o", str(tmp_path / f"{name}.json"), "-q")[0] == 0
    out = tmp_path / "diff.json"
    code, _, _ = run(
        "diff",
        str(tmp_path / "one.json"),
        str(tmp_path / "two.json"),
        "--format",
        "json",
        "-o",
        str(out),
    )
    assert code == 0
    doc = json.loads(out.read_text())
    check_release_diff(doc)
    assert doc["base"] == str(tmp_path / "one.json")
    # The same trees scanned directly give the same comparison.
    code, text, _ = run("diff", str(tmp_path / "one"), str(tmp_path / "two"), "--format", "json")
    assert code == 0
    direct = json.loads(text)
    assert direct["changed"] == doc["changed"] and direct["added"] == doc["added"]


def test_text_and_markdown_formats(tmp_path: Path) -> None:
    release_one(tmp_path / "one")
    release_two(tmp_path / "two")
    code, text, _ = run("diff", str(tmp_path / "one"), str(tmp_path / "two"))
    assert code == 0
    lines = text.splitlines()
    assert lines[0].endswith(
        "1 added, 1 removed, 2 changed, 0 unchanged; 3 introduced or changed"
        " in a security-relevant way"
    )
    assert "+ local:models/classifier" in text and "- local:models/retired" in text
    assert "    ! licence: Apache-2.0 → CC-BY-NC-4.0" in lines
    assert "      ancestor-removed: hf:meta-llama/Llama-3.2-1B@unpinned" in lines
    code, md, _ = run("diff", str(tmp_path / "one"), str(tmp_path / "two"), "--format", "markdown")
    assert code == 0 and "### ➕ Added (1)" in md and "⚠️ licence: Apache-2.0 → CC-BY-NC-4.0" in md


# --------------------------------------------------------------------------------------
# git refs


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_SYSTEM": os.devnull,
    }
    proc = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, env=env, check=True
    )
    return proc.stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository whose app lives in ``app/``: tag v1 is release one, HEAD release two."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    release_one(root / "app")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "release one")
    git(root, "tag", "v1")
    for path in ("app/models/summarizer", "app/models/retired", "app/hub"):
        git(root, "rm", "-rq", path)
    release_two(root / "app")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "release two")
    return root


def test_cli_diff_of_two_git_refs(repo: Path) -> None:
    code, text, err = run("diff", "v1", "HEAD", "--repo", str(repo / "app"), "--format", "json")
    assert code == 0, err
    doc = json.loads(text)
    check_release_diff(doc)
    sha = git(repo, "rev-parse", "v1").strip()
    assert doc["base"] == f"v1 ({sha[:12]})"
    # The temporary worktrees are gone and the repository is untouched.
    assert git(repo, "worktree", "list", "--porcelain").count("worktree ") == 1
    assert git(repo, "status", "--porcelain") == ""


def test_git_ref_against_the_working_tree(repo: Path) -> None:
    model_dir(repo / "app", "models/uncommitted", licence="mit")
    code, text, err = run("diff", "HEAD", str(repo / "app"), "--repo", str(repo / "app"))
    assert code == 0, err
    assert "+ local:models/uncommitted" in text and "0 removed, 0 changed" in text


def test_unknown_ref_is_exit_2_naming_it(repo: Path) -> None:
    code, _, err = run("diff", "v9.9", "HEAD", "--repo", str(repo))
    assert code == 2
    assert err.startswith("aigate: error: v9.9: not a BOM file, a directory or a commit")


def test_ref_outside_a_repository_is_exit_2(tmp_path: Path) -> None:
    code, _, err = run("diff", "v1", "HEAD", "--repo", str(tmp_path))
    assert code == 2 and "v1: not a BOM file or a directory" in err


def test_option_like_ref_is_refused(repo: Path) -> None:
    code, _, err = run("diff", "--repo", str(repo), "--", "--output=x", "HEAD")
    assert code == 2 and "not a git ref" in err


def test_broken_bom_is_exit_2_naming_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [')
    code, _, err = run("diff", str(bad), str(bad))
    assert code == 2 and str(bad) in err and "not JSON" in err


def test_same_input_same_bytes(tmp_path: Path) -> None:
    release_one(tmp_path / "one")
    release_two(tmp_path / "two")
    outs = {
        run("diff", str(tmp_path / "one"), str(tmp_path / "two"), "--format", f)[1]
        for f in ["json"] * 2
    }
    assert len(outs) == 1


def test_bom_round_trip_keeps_the_diff_empty(tmp_path: Path) -> None:
    release_two(tmp_path / "two")
    inventory = scan(tmp_path / "two")
    bom = tmp_path / "two.json"
    bom.write_text(cyclonedx.write_bom(inventory))
    again, _ = cyclonedx.read_bom(bom)
    d = diff(inventory, again)
    assert not d.added and not d.removed and not d.changed


def test_head_defaults_to_the_repo_directory(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model_dir(repo / "app", "models/uncommitted", licence="mit")
    monkeypatch.chdir(repo.parent)  # not the repository: HEAD must follow --repo
    code, text, err = run("diff", "HEAD", "--repo", str(repo / "app"))
    assert code == 0, err
    assert "+ local:models/uncommitted" in text


def test_lfs_pointer_missing_locally_warns_instead_of_downloading(repo: Path) -> None:
    # git-lfs is never run (it is a filter program); objects come from the local store only.
    pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + "1" * 64 + "\nsize 9\n"
    (repo / "app" / "m.gguf").write_text(pointer)
    git(repo, "add", "app/m.gguf")
    git(repo, "commit", "-qm", "lfs")
    code, _, err = run("diff", "v1", "HEAD", "--repo", str(repo / "app"))
    assert code == 0
    assert "warning: HEAD: app/m.gguf: Git LFS object not in the local store" in err
