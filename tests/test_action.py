"""action.yml run as a runner would: its `run:` steps in order, with bash, in a simulated
runner environment (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_WORKSPACE, RUNNER_TEMP ...)
on a real git repository, for passing, failing, warn-only, broken and pull-request gates.

Only the expressions action.yml uses are evaluated (inputs, step outputs, github context,
``||``); a new kind of expression fails the test until the simulation understands it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import GitRepo
from snippets import MINILM, QWEN

from gate import __version__

ROOT = Path(__file__).resolve().parent.parent
ACTION: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))


_EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_PATH = re.compile(r"[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*")


def lookup(path: str, context: Mapping[str, Any]) -> str:
    value: Any = context
    for part in path.split("."):
        value = value.get(part, "") if isinstance(value, Mapping) else ""
    return value if isinstance(value, str) else ""


def evaluate(expr: str, context: Mapping[str, Any]) -> str:
    """``a.b.c``, ``''`` and ``x || y`` (the first non-empty operand), as the runner does."""
    for operand in (o.strip() for o in expr.split("||")):
        if operand == "''":
            value = ""
        elif _PATH.fullmatch(operand):
            value = lookup(operand, context)
        else:
            raise AssertionError(f"the simulated runner does not evaluate {operand!r}")
        if value:
            return value
    return ""


def render(text: str, context: Mapping[str, Any]) -> str:
    return _EXPR.sub(lambda m: evaluate(m.group(1), context), text)


def condition(expr: str, context: Mapping[str, Any]) -> bool:
    """Step ``if:`` conditions of the form ``a.b == ''`` (the only form action.yml uses)."""
    left, op, right = expr.partition("==")
    assert op and right.strip() == "''", f"unsupported condition {expr!r}"
    return evaluate(left.strip(), context) == ""


def parse_file_command(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT's format: ``name=value`` lines and ``name<<DELIM`` blocks."""
    values: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            block = []
            for inner in lines:
                if inner == delim:
                    break
                block.append(inner)
            values[name] = "\n".join(block)
        elif line:
            name, _, value = line.partition("=")
            values[name] = value
    return values


@dataclass
class Step:
    id: str
    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str


@dataclass
class Run:
    steps: list[Step] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)

    @property
    def gate(self) -> Step:
        return next(s for s in self.steps if s.id == "gate")

    @property
    def summary(self) -> str:
        return "".join(s.summary for s in self.steps)

    @property
    def failed(self) -> bool:
        return any(s.code != 0 for s in self.steps)


def run_action(
    workspace: Path,
    temp: Path,
    inputs: Mapping[str, str] | None = None,
    *,
    event: str = "workflow_dispatch",
    ref: str = "refs/heads/main",
    event_payload: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    only: set[str] | None = None,
) -> Run:
    """Run the action's steps like the runner: `uses:` steps are not run here."""
    given = dict(inputs or {})
    unknown = set(given) - set(ACTION["inputs"])
    assert not unknown, f"not inputs of action.yml: {unknown}"
    values = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    values.update(given)
    ref_type = "tag" if ref.startswith("refs/tags/") else "branch"
    context: dict[str, Any] = {
        "inputs": values,
        "steps": {},
        "github": {"event_name": event, "ref": ref, "event": dict(event_payload or {})},
    }
    runner_temp = temp / "runner-temp"
    runner_temp.mkdir(parents=True, exist_ok=True)
    base_env = {
        key: os.environ[key]
        for key in ("PATH", "HOME", "LANG", "AIGATE_NO_CACHE", "XDG_CACHE_HOME", "TMPDIR")
        if key in os.environ
    }
    base_env.update(
        CI="true",
        GITHUB_ACTIONS="true",
        GITHUB_WORKSPACE=str(workspace),
        GITHUB_ACTION_PATH=str(ROOT),
        GITHUB_EVENT_NAME=event,
        GITHUB_REF=ref,
        GITHUB_REF_NAME=ref.rsplit("/", 1)[-1],
        GITHUB_REF_TYPE=ref_type,
        RUNNER_TEMP=str(runner_temp),
        GITHUB_ENV=str(temp / "env"),
        GITHUB_PATH=str(temp / "path"),
    )
    base_env.update(env or {})
    result = Run()
    for number, spec in enumerate(ACTION["runs"]["steps"]):
        sid = spec.get("id", f"__run_{number}")
        if "uses" in spec:
            continue
        if only is not None and sid not in only:
            continue
        if "if" in spec and not condition(spec["if"], context):
            continue
        if result.failed:
            break  # composite steps run on success() unless they say otherwise
        assert spec.get("shell") == "bash", f"step {sid}: run steps must say shell: bash"
        output_file = temp / f"{sid}.output"
        summary_file = temp / f"{sid}.summary"
        output_file.write_text("")
        summary_file.write_text("")
        step_env = dict(base_env)
        step_env.update({k: render(str(v), context) for k, v in spec.get("env", {}).items()})
        step_env.update(GITHUB_OUTPUT=str(output_file), GITHUB_STEP_SUMMARY=str(summary_file))
        script = temp / f"{sid}.sh"
        assert "${{" not in spec["run"], f"step {sid}: expressions belong in env:, not run:"
        script.write_text(spec["run"], encoding="utf-8")
        proc = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
            cwd=workspace,
            env=step_env,
            capture_output=True,
            text=True,
            check=False,
        )
        outputs = parse_file_command(output_file.read_text(encoding="utf-8"))
        context["steps"][sid] = {"outputs": outputs}
        result.steps.append(
            Step(sid, proc.returncode, proc.stdout, proc.stderr, outputs, summary_file.read_text())
        )
    # Outputs are set even when a step failed: a failing gate still reports.
    result.outputs = {
        name: render(str(spec["value"]), context) for name, spec in ACTION["outputs"].items()
    }
    return result


PREINSTALLED = {"AIGATE_ACTION_BIN": str(Path(sys.executable).parent)}
"""This checkout is installed in the test venv; the install step checks the version only."""


@pytest.fixture
def app(git_repo: GitRepo) -> GitRepo:
    git_repo.commit("v1.0.0", {"app/main.py": QWEN})
    git_repo.git("tag", "v1.0.0")
    git_repo.commit("embedder", {"app/embed.py": MINILM})
    git_repo.git("tag", "v1.1.0")
    return git_repo


def decision_of(run: Run) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(Path(run.outputs["decision"]).read_text(encoding="utf-8"))
    return doc


def test_a_failing_gate_reports_everything_then_fails_the_step(
    app: GitRepo, tmp_path: Path
) -> None:
    run = run_action(
        app.root,
        tmp_path,
        {"policy": "release"},
        event="release",
        ref="refs/tags/v1.1.0",
        env=PREINSTALLED,
    )
    assert [s.id for s in run.steps] == ["install", "gate"]
    assert run.steps[0].code == 0
    assert run.gate.code == 1  # the step fails with the gate's exit code ...
    out = run.outputs  # ... after the outputs and the summary were written
    doc = decision_of(run)
    assert out["verdict"] == "fail" and out["exit-code"] == "1"
    assert out["deny-count"] == str(doc["summary"]["deny"]) and int(out["deny-count"]) > 0
    assert out["warn-count"] == str(doc["summary"]["warn"])
    assert out["waived-count"] == "0" and out["baseline"] == ""
    sarif = json.loads(Path(out["sarif"]).read_text())
    assert sarif["version"] == "2.1.0" and sarif["runs"][0]["results"]
    bom = json.loads(Path(out["bom"]).read_text())
    assert bom["bomFormat"] == "CycloneDX"
    assert bom["metadata"]["component"]["version"] == "v1.1.0"  # the tag being released
    assert Path(out["bom"]).parent == Path(out["sarif"]).parent  # the runner's temp folder
    assert str(tmp_path / "runner-temp") in out["bom"]
    # Annotations on the log, at the repository path of the evidence.
    errors = [line for line in run.gate.stdout.splitlines() if line.startswith("::error ")]
    assert errors and all(line.startswith("::error file=app/main.py,line=3,") for line in errors)
    assert "aigate: fail:" in run.gate.stdout
    assert run.gate.summary.startswith("## ❌ aigate: fail")
    assert run.gate.summary == Path(out["summary"]).read_text()


def test_a_passing_gate_on_a_tag_push_judges_what_the_release_introduces(
    app: GitRepo, tmp_path: Path
) -> None:
    sarif = app.root / "reports" / "aigate.sarif"
    junit = app.root / "reports" / "aigate.xml"
    inputs = {
        "policy": "release",
        "new-only": "true",
        "sarif-file": str(sarif),
        "junit-file": str(junit),
    }
    run = run_action(
        app.root, tmp_path, inputs, event="push", ref="refs/tags/v1.1.0", env=PREINSTALLED
    )
    assert not run.failed, run.gate.stdout + run.gate.stderr
    out = run.outputs
    assert out["verdict"] == "pass" and out["exit-code"] == "0"
    assert out["deny-count"] == "0" and out["warn-count"] == "1"
    # MiniLM's base model is an individual's (nreimers), of no known country: release warns.
    [warned] = [f for f in decision_of(run)["findings"] if f["level"] == "warn"]
    assert warned["rule"] == "jurisdiction.unknown-lineage-country"
    assert out["sarif"] == str(sarif) and json.loads(sarif.read_text())["runs"][0]["results"]
    assert out["junit"] == str(junit) and junit.read_text().startswith("<?xml")
    # auto on a tag: the tag before this one, as --history counts assistant commits from.
    assert out["baseline"] == "auto"
    notes = decision_of(run)["notes"]
    assert any(n.startswith("baseline v1.0.0 (") for n in notes)
    assert any(n.startswith("new-only: judged the 1 component(s)") for n in notes)
    assert not [line for line in run.gate.stdout.splitlines() if line.startswith("::error")]
    assert "aigate: pass" in run.gate.stdout
    assert run.gate.summary.startswith("## ✅ aigate: pass")
    assert "new-only: judged" in run.gate.summary


def test_warn_only_reports_a_failure_without_failing_the_step(app: GitRepo, tmp_path: Path) -> None:
    run = run_action(
        app.root, tmp_path, {"policy": "release", "warn-only": "true"}, env=PREINSTALLED
    )
    assert not run.failed
    assert run.outputs["verdict"] == "fail" and run.outputs["exit-code"] == "1"
    assert "::warning title=aigate::the gate failed (" in run.gate.stdout
    assert run.gate.summary.startswith("## ❌ aigate: fail")


def test_an_error_is_reported_and_fails_the_step_even_with_warn_only(
    app: GitRepo, tmp_path: Path
) -> None:
    run = run_action(
        app.root,
        tmp_path,
        {"policy": "no-such-pack", "warn-only": "true"},
        env=PREINSTALLED,
    )
    assert run.gate.code == 2
    out = run.outputs
    assert out["verdict"] == "error" and out["exit-code"] == "2"
    assert out["deny-count"] == "" and out["sarif"] == "" and out["bom"] == ""
    assert "no-such-pack" in run.gate.stderr
    assert "::error title=aigate::the gate could not decide (exit code 2)" in run.gate.stdout
    assert run.gate.summary.startswith("## ⚠️ aigate: error")


def test_a_pull_request_judges_what_it_introduces(git_repo: GitRepo, tmp_path: Path) -> None:
    base = git_repo.commit("main", {"app/main.py": QWEN})
    git_repo.commit("pr: add an embedder", {"app/embed.py": MINILM})
    inputs = {"policy": "release", "new-only": "true"}
    payload = {"pull_request": {"base": {"sha": base}}}
    run = run_action(
        git_repo.root,
        tmp_path,
        inputs,
        event="pull_request",
        ref="refs/pull/7/merge",
        event_payload=payload,
        env=PREINSTALLED,
    )
    assert not run.failed, run.gate.stdout + run.gate.stderr
    assert run.outputs["verdict"] == "pass" and run.outputs["baseline"] == base
    notes = decision_of(run)["notes"]
    assert any(n.startswith("new-only: judged the 1 component(s) new") for n in notes)
    assert "new-only: judged" in run.gate.summary


def test_a_pull_request_event_without_a_base_is_an_error(app: GitRepo, tmp_path: Path) -> None:
    run = run_action(
        app.root, tmp_path, {"new-only": "true"}, event="pull_request", env=PREINSTALLED
    )
    assert run.gate.code == 2 and "names no base commit" in run.gate.stdout
    assert run.outputs["verdict"] == "error" and run.outputs["exit-code"] == "2"
    assert run.gate.summary.startswith("## ⚠️ aigate: error")


def test_an_evidence_bundle_is_written_signed_and_verifies(app: GitRepo, tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    aigate = str(Path(sys.executable).parent / "aigate")
    subprocess.run([aigate, "keygen", "--out-dir", str(keys)], check=True, capture_output=True)
    dist = app.root / "dist"
    dist.mkdir()
    (dist / "app-1.1.0.tar.gz").write_bytes(b"release artefact")
    evidence = tmp_path / "evidence"
    inputs = {
        "policy": "release",
        "evidence-dir": str(evidence),
        "sign": "key",
        "signing-key": str(keys / "aigate.key"),
        "subjects": "dist/*.tar.gz",
    }
    run = run_action(app.root, tmp_path, inputs, event="release", env=PREINSTALLED)
    assert run.gate.code == 1  # the gate fails; the evidence of the failure is still written
    assert run.outputs["evidence"] == str(evidence)
    manifest = json.loads((evidence / "manifest.json").read_text())
    assert [s["name"] for s in manifest["subjects"]] == ["app-1.1.0.tar.gz"]
    verified = subprocess.run(
        [aigate, "verify", str(evidence), "--key", str(keys / "aigate.pub")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    # The bundle judged the BOM the gate judged.
    assert (evidence / "bom.cdx.json").read_bytes() == Path(run.outputs["bom"]).read_bytes()


def test_subjects_that_match_nothing_are_an_error(app: GitRepo, tmp_path: Path) -> None:
    inputs = {"evidence-dir": str(tmp_path / "evidence"), "subjects": "dist/*.whl"}
    run = run_action(app.root, tmp_path, inputs, env=PREINSTALLED)
    assert run.gate.code == 2 and run.outputs["evidence"] == ""
    assert "subjects: nothing matches 'dist/*.whl'" in run.gate.stdout


def test_a_different_aigate_than_the_action_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "aigate").write_text("#!/bin/sh\necho 'aigate, version 0.0.1'\n")
    (fake / "aigate").chmod(0o755)
    run = run_action(tmp_path, tmp_path, env={"AIGATE_ACTION_BIN": str(fake)})
    assert [s.id for s in run.steps] == ["install"] and run.steps[0].code == 2
    assert f"but this action is aigate {__version__}" in run.steps[0].stdout


def test_the_install_step_installs_this_checkout_into_a_fresh_venv(tmp_path: Path) -> None:
    """The real install commands (venv, pip install of the action's folder), offline.

    PyPI is out of reach in tests, so pip is told not to fetch dependencies or build tools
    (PIP_NO_INDEX, PIP_NO_DEPS, build isolation off) and finds them, hatchling included, on
    PYTHONPATH from the test venv; what is tested is that the action's folder builds into a
    working aigate with its policies, in a venv of its own.
    """
    site = sysconfig.get_paths()["purelib"]
    env = {
        "PIP_NO_INDEX": "1",
        "PIP_NO_DEPS": "1",
        "PIP_NO_BUILD_ISOLATION": "0",  # pip's spelling for "no build isolation"
        "PYTHONPATH": site,
    }
    run = run_action(tmp_path, tmp_path, {"python": sys.executable}, env=env, only={"install"})
    [install] = run.steps
    assert install.code == 0, install.stdout + install.stderr
    venv_bin = Path(install.outputs["bin"])
    assert venv_bin.parent.parent == tmp_path / "runner-temp"
    located = subprocess.run(
        [str(venv_bin / "python"), "-c", "import gate, sys; print(gate.__file__)"],
        env={**os.environ, "PYTHONPATH": site},
        cwd=tmp_path,  # not the checkout, whose gate/ would shadow the installed one
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    installed = Path(located).parent
    assert installed.is_relative_to(venv_bin.parent)  # not the checkout, not the test venv
    assert (installed / "policies" / "packs" / "release.yaml").is_file()


def test_action_conventions() -> None:
    """Inputs kebab-case; every uses: pinned by full SHA; outputs all come from steps."""
    for name in ACTION["inputs"]:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", name), name
    for spec in ACTION["runs"]["steps"]:
        if "uses" in spec:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", spec["uses"]), spec["uses"]
    required = {"verdict", "exit-code", "deny-count", "warn-count", "bom", "sarif"}
    assert required <= set(ACTION["outputs"])
    for key in ("path", "bom", "policy", "fail-on", "warn-only", "history", "online"):
        assert key in ACTION["inputs"]
    assert {"baseline", "sarif-file"} <= set(ACTION["inputs"])


def test_the_bom_is_published_to_dependency_track_with_the_key_from_env(
    app: GitRepo, tmp_path: Path
) -> None:
    from dtserver import API_KEY, serve

    with serve() as server:
        server.processing_polls = 0
        run = run_action(
            app.root,
            tmp_path,
            {
                "policy": "release",
                "dependency-track-url": server.url,
                "dependency-track-tags": "payments, ai",
            },
            env={**PREINSTALLED, "DT_API_KEY": API_KEY, "GITHUB_REPOSITORY": "acme/shop"},
        )
        assert run.outputs["verdict"] == "fail" and run.outputs["exit-code"] == "1"
        project = server.project("shop", "main")
        assert project is not None and project.tags == ["ai", "payments"]
        assert project.bom is not None
        qwen = next(
            c for c in project.bom["components"] if c.get("bom-ref", "").startswith("hf:Qwen/")
        )
        props = {p["name"]: p["value"] for p in qwen["properties"]}
        assert props["aigate:publisher:country"] == "CN"
        assert props["aigate:policy:status"] == "deny"


def test_a_failed_publish_is_an_error_not_a_silent_skip(app: GitRepo, tmp_path: Path) -> None:
    from dtserver import serve

    with serve() as server:
        run = run_action(
            app.root,
            tmp_path,
            {"policy": "default", "dependency-track-url": server.url},
            env={**PREINSTALLED, "DT_API_KEY": "wrong", "GITHUB_REPOSITORY": "acme/shop"},
        )
    assert run.outputs["exit-code"] == "2" and run.failed
    assert "401 Unauthorized" in run.gate.stderr
    assert "publishing to Dependency-Track failed" in run.gate.stdout


def test_an_input_with_a_line_break_cannot_forge_outputs(app: GitRepo, tmp_path: Path) -> None:
    # Issue 13, item 7: `baseline: "v1.0.0\nverdict=pass\nexit-code=0"` once wrote two extra
    # output lines after the real ones, and the runner keeps the last value of a name.
    forged = "v1.0.0\nverdict=pass\nexit-code=0"
    run = run_action(
        app.root, tmp_path, {"policy": "release", "baseline": forged}, env=PREINSTALLED
    )
    assert run.gate.code == 2
    assert run.outputs["verdict"] == "error" and run.outputs["exit-code"] == "2"
    assert run.outputs["baseline"] == forged  # the value survives whole, as one output
    raw = (tmp_path / "gate.output").read_text()
    assert "\nverdict=pass\n" in raw  # inside the baseline's own block, where it is text
    names = [line.split("<<", 1)[0] for line in raw.splitlines() if "<<aigate_" in line]
    assert len(names) == len(set(names)) == 12
