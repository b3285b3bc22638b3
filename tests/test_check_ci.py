"""`aigate check` in CI: several reports from one run, repository-relative places, the job
summary, and judging only what a release introduces (--baseline/--new-only)."""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import GitRepo
from snippets import DEEPSEEK, MINILM, QWEN

from gate import workspace
from gate.bom.cyclonedx import BOM_MAX_ASSISTANT_COMMITS
from gate.cli import main, options
from gate.model import Baseline
from gate.policy import decision as decisions
from gate.report.formats import FORMATS

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-26"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


def test_report_names_are_the_registry() -> None:
    assert sorted(options.REPORT_NAMES) == sorted(FORMATS)


@pytest.fixture
def app(git_repo: GitRepo) -> GitRepo:
    """A repository whose service folder `svc/` references a Qwen model."""
    git_repo.commit("app", {"svc/app/main.py": QWEN, "README.md": "demo\n"})
    return git_repo


def test_several_reports_from_one_run_equal_single_renders(app: GitRepo, tmp_path: Path) -> None:
    out = tmp_path / "out"
    svc = str(app.root / "svc")
    base = ["check", svc, "--policy", "release", "--now", NOW]
    code, stdout, _ = run(
        *base,
        "--format",
        "github",
        "--sarif",
        str(out / "a.sarif"),
        "--junit",
        str(out / "a.xml"),
        "--summary",
        str(out / "summary.md"),
        "--json",
        str(out / "decision.json"),
    )
    assert code == 1
    # Each file is exactly what that format alone renders for the same decision.
    for fmt, name in (("sarif", "a.sarif"), ("junit", "a.xml"), ("summary", "summary.md")):
        alone = tmp_path / f"alone-{name}"
        assert run(*base, "--format", fmt, "-o", str(alone))[0] == 1
        assert (out / name).read_bytes() == alone.read_bytes(), fmt
    assert run(*base, "--format", "github")[1] == stdout
    assert json.loads((out / "decision.json").read_text())["verdict"] == "fail"

    # Places are relative to the repository, not to the scanned folder: GitHub resolves
    # annotations and SARIF against the repository root.
    errors = [line for line in stdout.splitlines() if line.startswith("::error ")]
    assert errors and all("file=svc/app/main.py,line=3" in line for line in errors)
    sarif = json.loads((out / "a.sarif").read_text())
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for result in sarif["runs"][0]["results"]
        for loc in result["locations"]
    }
    assert uris == {"svc/app/main.py"}
    assert "## ❌ aigate: fail" in (out / "summary.md").read_text()


def test_place_in_repository(app: GitRepo, tmp_path: Path) -> None:
    assert workspace.place(app.root) == "."
    assert workspace.place(app.root / "svc") == "svc"
    assert workspace.place(app.root / "svc" / "app" / "main.py") == "svc/app"
    assert workspace.place(tmp_path / "elsewhere") == "."  # in no repository
    assert workspace.repo_relative(app.root / "out" / "bom.json") == "out/bom.json"
    assert workspace.repo_relative(tmp_path / "bom.json") is None


def test_outside_a_repository_paths_stay_tree_relative(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "app").mkdir(parents=True)
    (tree / "app" / "main.py").write_text(QWEN)
    code, stdout, _ = run("check", str(tree), "--policy", "release", "--format", "github")
    assert code == 1 and "file=app/main.py,line=3" in stdout


def test_a_finding_with_no_place_points_at_the_bom_in_the_repository(app: GitRepo) -> None:
    bom = app.root / "release" / "aibom.cdx.json"
    assert run("scan", str(app.root / "svc"), "-o", str(bom), "-q")[0] == 0
    doc = json.loads(bom.read_text())
    for comp in doc["components"]:
        comp.pop("evidence", None)  # a BOM from a tool that records no places
    bom.write_text(json.dumps(doc))
    sarif = app.root / "out.sarif"
    code, _, _ = run("check", "--bom", str(bom), "--policy", "release", "--sarif", str(sarif))
    assert code == 1
    results = json.loads(sarif.read_text())["runs"][0]["results"]
    assert results
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert uris == {"release/aibom.cdx.json"}


def test_write_bom_is_the_inventory_judged(app: GitRepo, tmp_path: Path) -> None:
    bom = tmp_path / "bom.json"
    code, _, _ = run("check", str(app.root), "--policy", "release", "--write-bom", str(bom))
    assert code == 1
    refs = {c["bom-ref"] for c in json.loads(bom.read_text())["components"]}
    assert "hf:Qwen/Qwen2.5-7B-Instruct@unpinned" in refs
    # Judging the written BOM gives the same verdict.
    assert run("check", "--bom", str(bom), "--policy", "release")[0] == 1
    code, _, err = run("check", "--bom", str(bom), "--write-bom", str(tmp_path / "x.json"))
    assert code == 2 and "--write-bom" in err


def test_job_summary_is_appended_in_github_actions(app: GitRepo, tmp_path: Path) -> None:
    step = tmp_path / "step_summary.md"
    step.write_text("earlier step output\n")
    env = {"GITHUB_STEP_SUMMARY": str(step)}
    code, _, _ = run("check", str(app.root), "--policy", "release", env=env)
    assert code == 1
    text = step.read_text()
    assert text.startswith("earlier step output\n## ❌ aigate: fail")
    # With --summary the file named is written and the step summary is left alone.
    mine = tmp_path / "mine.md"
    run("check", str(app.root), "--policy", "release", "--summary", str(mine), env=env)
    assert step.read_text() == text and mine.read_text().startswith("## ❌ aigate: fail")


@pytest.fixture
def released(git_repo: GitRepo) -> GitRepo:
    """v1.0.0 shipped a Qwen model; the next commit adds a pinned MiniLM embedder."""
    git_repo.commit("v1", {"app/main.py": QWEN})
    git_repo.git("tag", "v1.0.0")
    git_repo.commit("embedder", {"app/embed.py": MINILM})
    return git_repo


def test_new_only_judges_what_the_release_introduces(released: GitRepo) -> None:
    root = str(released.root)
    args = ["check", root, "--policy", "release", "--now", NOW, "--format", "json"]
    code, _, _ = run(*args)
    assert code == 1  # the Qwen model from v1.0.0 is still denied when everything is judged
    code, out, _ = run(*args, "--baseline", "v1.0.0", "--new-only")
    assert code == 0, out
    doc = json.loads(out)
    assert doc["verdict"] == "pass"
    assert {f["component"] for f in doc["findings"]} == {
        "hf:sentence-transformers/all-MiniLM-L6-v2@c9745ed1d9f207416be6d2e6f8de32d1f16199bf"
    }
    notes = "\n".join(doc["notes"])
    assert "baseline v1.0.0 (" in notes and "1 component(s) added" in notes
    assert "finding(s) about 1 component(s) unchanged since the baseline were not judged" in notes
    # The same facts, structured: what was compared with, and how much was set aside.
    assert doc["baseline"]["ref"].startswith("v1.0.0 (") and doc["baseline"]["new_only"] is True
    assert doc["baseline"]["judged"] == 1 and doc["baseline"]["dropped"] >= 1
    assert decisions.from_json(out).baseline == Baseline(
        doc["baseline"]["ref"], True, 1, doc["baseline"]["dropped"]
    )
    # auto: the previous release tag, the same one --history starts from.
    assert json.loads(run(*args, "--baseline", "auto", "--new-only")[1])["notes"] == doc["notes"]

    # A new DeepSeek call is introduced: only it is judged, and it fails the gate.
    released.commit("deepseek", {"app/chat.py": DEEPSEEK})
    code, out, _ = run(*args, "--baseline", "auto", "--new-only")
    assert code == 1
    components = {f["component"] for f in json.loads(out)["findings"] if f["level"] == "deny"}
    assert components == {"api:deepseek/deepseek-chat"}


def test_baseline_without_new_only_records_the_changes_and_judges_all(released: GitRepo) -> None:
    args = ["check", str(released.root), "--policy", "release", "--format", "json"]
    code, out, _ = run(*args, "--baseline", "v1.0.0")
    assert code == 1
    notes = json.loads(out)["notes"]
    assert any(n.startswith("baseline v1.0.0 (") and "1 unchanged" in n for n in notes)
    assert not any(n.startswith("new-only") for n in notes)
    recorded = json.loads(out)["baseline"]
    assert recorded["new_only"] is False and recorded["judged"] is None
    assert recorded["dropped"] == 0 and recorded["ref"].startswith("v1.0.0 (")
    assert json.loads(run(*args)[1])["baseline"] is None


def test_baseline_may_be_a_bom_file(released: GitRepo, tmp_path: Path) -> None:
    old = tmp_path / "v1.cdx.json"
    released.git("checkout", "-q", "v1.0.0")
    assert run("scan", str(released.root), "-o", str(old), "-q")[0] == 0
    released.git("checkout", "-q", "main")
    code, _, _ = run("check", str(released.root), "--policy", "release", "--baseline", str(old))
    assert code == 1
    args = ["check", str(released.root), "--policy", "release", "--baseline", str(old)]
    assert run(*args, "--new-only")[0] == 0


def test_auto_without_an_earlier_tag_judges_everything(git_repo: GitRepo) -> None:
    git_repo.commit("v1", {"app/main.py": QWEN})
    code, out, _ = run(
        "check", str(git_repo.root), "--policy", "release", "--baseline", "auto", "--new-only",
        "--format", "json",
    )  # fmt: skip
    assert code == 1
    assert any("no earlier release tag" in n for n in json.loads(out)["notes"])
    assert json.loads(out)["baseline"] == {
        "ref": None,
        "new_only": False,
        "judged": None,
        "dropped": 0,
    }


def test_new_only_needs_a_baseline_and_a_bad_baseline_is_an_error(released: GitRepo) -> None:
    code, _, err = run("check", str(released.root), "--new-only")
    assert code == 2 and "--baseline" in err
    code, _, err = run("check", str(released.root), "--baseline", "v9.9.9", "--new-only")
    assert code == 2 and "v9.9.9" in err


def test_the_pre_commit_hook_entry_gates_the_repository(
    app: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pre-commit runs the entry at the repository root with the user's args appended."""
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    _, *entry = shlex.split(hook["entry"])
    monkeypatch.chdir(app.root)
    assert run(*entry)[0] == 0  # the default pack only warns
    code, out, _ = run(*entry, "--policy", "release")
    assert code == 1 and "svc/app/main.py:3" in out


def test_write_input_keeps_every_assistant_commit_the_bom_caps(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    """The policy input written by --write-input is the JSON report of the whole inventory:
    an assistant's commits and paths there are not capped as they are in the BOM."""
    total = BOM_MAX_ASSISTANT_COMMITS + 5
    stream = []
    for i in range(total):
        body = f"change {i}\n\nCo-Authored-By: Claude <noreply@anthropic.com>\n"
        stream += [
            "commit refs/heads/main",
            f"committer Dev <dev@example.com> {1767225600 + i} +0000",
            f"data {len(body.encode())}",
            body,
            f"M 100644 inline src/f{i}.py",
            "data 2",
            "x\n",
        ]
    subprocess.run(
        ["git", "fast-import", "--quiet"],
        cwd=git_repo.root,
        env=git_repo.env("Dev <dev@example.com>", None),
        input="\n".join(stream) + "\n",
        text=True,
        check=True,
    )
    git_repo.git("checkout", "-q", "main")
    doc_file, bom = tmp_path / "input.json", tmp_path / "bom.json"
    code, _, err = run(
        "check", str(git_repo.root), "--now", NOW,
        "--write-input", str(doc_file), "--write-bom", str(bom),
    )  # fmt: skip
    assert code == 0, err
    doc = json.loads(doc_file.read_text())
    assert doc["schema"] == "aigate.policy-input/v1"
    [claude] = [c for c in doc["components"] if c["id"] == "assistant:anthropic/claude-code"]
    facts = claude["properties"]["assistant"]
    assert len(facts["commits"]) == total and len(facts["path_counts"]) == total
    assert "bom_cap" not in facts
    components = json.loads(bom.read_text())["components"]
    [in_bom] = [c for c in components if c["bom-ref"] == claude["id"]]
    props = {p["name"]: p["value"] for p in in_bom["properties"]}
    capped = json.loads(props["aigate:fact:assistant"])
    assert len(capped["commits"]) == BOM_MAX_ASSISTANT_COMMITS
    assert capped["commit_count"] == total


def test_a_bom_given_as_path_is_refused_not_scanned_as_an_empty_tree(
    app: GitRepo, tmp_path: Path
) -> None:
    # Scanned as a tree, a BOM holds no models and the release gate would pass on nothing.
    bom = tmp_path / "release.cdx.json"
    assert run("scan", str(app.root), "-q", "-o", str(bom))[0] == 0
    for command in (["check"], ["export", "--out", str(tmp_path / "ev")]):
        code, _, err = run(*command, str(bom), "--policy", "release")
        assert code == 2 and f"judge it with --bom {bom}" in err
        code, _, err = run(*command, str(app.root), "--bom", str(bom), "--policy", "release")
        assert code == 2 and "not both" in err
    # A file that is not a BOM is still a tree of one file.
    weights = tmp_path / "notes.json"
    weights.write_text('{"model": "none"}')
    assert run("check", str(weights), "--policy", "release", "--now", NOW)[0] == 0
