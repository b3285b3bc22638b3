"""Packs, waivers, decisions and `aigate check`: the gate as users see it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from gate.cli import main
from gate.errors import PolicyError
from gate.model import Verdict
from gate.policy import decision as decisions
from gate.policy import packs
from gate.policy.locate import policies_dir

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-app"
WAIVERS = ROOT / "examples" / "waivers.yaml"
NOW = "2026-11-26"


@pytest.fixture(scope="module")
def demo_bom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo app scanned once (walk, discovery, offline resolver), as `make demo` does."""
    out = tmp_path_factory.mktemp("demo") / "demo-app.cdx.json"
    code = CliRunner().invoke(main, ["scan", str(DEMO), "-o", str(out), "-q"]).exit_code
    assert code == 0
    return out


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def full(*args: str) -> tuple[int, str, str]:
    """`run` with --verbose: the text report with every finding in full."""
    return run(*args, "--verbose")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_release_pack_blocks_the_demo_with_explained_chains(demo_bom: Path) -> None:
    code, out, _ = full("check", "--bom", str(demo_bom), "--policy", "release", "--now", NOW)
    assert code == 1
    assert "DENY jurisdiction.serving-country" in out
    assert "fact:   served_by.country = CN" in out
    assert "endpoints.yaml 'api.deepseek.com'" in out
    assert "seen:   app/main.py:" in out
    assert out.rstrip().splitlines()[-1].startswith("verdict: FAIL: ")


def test_waivers_let_it_pass_and_are_shown(demo_bom: Path) -> None:
    args = ["check", "--bom", str(demo_bom), "--policy", "release", "--now", NOW]
    code, out, _ = full(*args, "--waivers", str(WAIVERS))
    assert code == 0
    assert "WAIVED: WVR-2026-012 by J. Doe (Export Control) until 2026-12-05" in out
    assert "waivers expiring soon:\n  - WVR-2026-012" in out
    # What is still open comes first; what waivers cover follows, marked so.
    headers = [line for line in out.splitlines() if line.startswith(("DENY ", "WARN ", "INFO "))]
    waived = [h.endswith(", waived]") for h in headers]
    assert waived and waived == sorted(waived) and not waived[0] and waived[-1]
    assert all(h.startswith("DENY ") for h, w in zip(headers, waived, strict=True) if w)
    # Past the expiry, the waiver stops applying and adds a finding of its own.
    code, out, _ = full(*args[:-1], "2026-12-06", "--waivers", str(WAIVERS))
    assert code == 1
    assert "WARN waiver.expired" in out and "WVR-2026-012" in out


def test_json_output_is_the_decision_and_reads_back(tmp_path: Path, demo_bom: Path) -> None:
    out_file = tmp_path / "decision.json"
    args = ["check", "--bom", str(demo_bom), "--policy", "release", "--now", NOW]
    code, out, _ = run(*args, "--format", "json", "-o", str(out_file), "--waivers", str(WAIVERS))
    assert code == 0 and out.startswith("verdict: PASS")
    text = out_file.read_text()
    doc = json.loads(text)
    assert doc["schema"] == "aigate.decision/v1" and doc["verdict"] == "pass"
    assert doc["policy"]["packs"] == ["release"]
    assert {f["kind"] for f in doc["policy"]["files"]} == {"module", "pack", "data", "waivers"}
    back = decisions.from_json(text)
    assert decisions.to_json(back) == text
    assert back.verdict is Verdict.PASS and len(back.waivers_applied) == 14
    again = tmp_path / "again.json"
    run(*args, "--format", "json", "-o", str(again), "--waivers", str(WAIVERS))
    assert again.read_bytes() == out_file.read_bytes()


def test_default_pack_applies_without_policy_and_says_so(demo_bom: Path) -> None:
    code, out, _ = full("check", "--bom", str(demo_bom), "--now", NOW)
    assert code == 0  # warn only
    assert "no --policy given: the default pack applies" in out
    assert "WARN jurisdiction.publisher-country" in out


def test_fail_on_modes(demo_bom: Path) -> None:
    base = ["check", "--bom", str(demo_bom), "--now", NOW]
    assert run(*base, "--policy", "release", "--fail-on", "never")[0] == 0
    assert run(*base, "--fail-on", "warn")[0] == 1


def test_cfius_strict_denies_unknown_country_and_enforces_integrity(demo_bom: Path) -> None:
    code, out, _ = full("check", "--bom", str(demo_bom), "--policy", "cfius-strict", "--now", NOW)
    assert code == 1
    assert "DENY jurisdiction.unknown-country" in out
    assert "DENY integrity.unpinned-revision" in out


def test_pack_with_unknown_key_names_file_and_line(tmp_path: Path, demo_bom: Path) -> None:
    pack = write(
        tmp_path / "p.yaml",
        "apiVersion: aigate/v1\nkind: PolicyPack\nname: p\nparams:\n  licence:\n"
        "    allow: [mit]\n    alow_categories: [permissive]\n",
    )
    code, _, err = run("check", "--bom", str(demo_bom), "--policy", str(pack), "--now", NOW)
    assert code == 2
    assert f"{pack.name}:7: unknown key 'alow_categories'" in err.replace(str(tmp_path) + "/", "")


@pytest.mark.parametrize(
    ("body", "line", "problem"),
    [
        ("rules:\n  integrity.nope: {mode: warn}\n", 5, "no loaded rule has the id"),
        ("rules:\n  integrity.*: {mode: off}\n", 5, 'quote it, e.g. "off"'),
        ("params:\n  jurisdicton: {}\n", 5, "no loaded module has package"),
        ("params:\n  jurisdiction:\n    country_lists: [us-nope]\n", 6, "unknown country list"),
        ("modules: [missing.rego]\n", 4, "not found"),
    ],
)
def test_pack_mistakes_are_errors_with_lines(
    tmp_path: Path, body: str, line: int, problem: str
) -> None:
    pack = write(tmp_path / "p.yaml", "apiVersion: aigate/v1\nkind: PolicyPack\nname: p\n" + body)
    ps = None
    with pytest.raises(PolicyError) as err:
        ps = packs.load_policy([str(pack)])
        packs.build_engine(ps)
    assert problem in str(err.value)
    assert err.value.line == line, str(err.value)


def test_pack_modes_and_effective_dates(tmp_path: Path, demo_bom: Path) -> None:
    pack = write(
        tmp_path / "p.yaml",
        "apiVersion: aigate/v1\nkind: PolicyPack\nname: p\nrules:\n"
        "  jurisdiction.serving-country: {effective_on: 2027-01-01}\n"
        '  jurisdiction.lineage-country: {mode: "off"}\n'
        "  jurisdiction.parent-country: {mode: warn}\n",
    )
    code, out, _ = full(
        "check", "--bom", str(demo_bom), "--policy", "release", "--policy", str(pack), "--now", NOW
    )
    assert code == 1  # publisher-country still denies
    assert "WARN jurisdiction.serving-country" in out
    assert "jurisdiction.lineage-country" not in out
    assert "WARN jurisdiction.parent-country" in out
    assert "enforces from 2027-01-01" in out
    code, out, _ = full(
        "check",
        "--bom",
        str(demo_bom),
        "--policy",
        "release",
        "--policy",
        str(pack),
        "--now",
        "2027-01-02",
    )
    assert "DENY jurisdiction.serving-country" in out


def test_user_modules_plug_in(tmp_path: Path, demo_bom: Path) -> None:
    write(
        tmp_path / "custom.rego",
        "package aigate.rules.custom\n\n# METADATA\n# title: No OpenAI\n# custom:\n"
        "#   id: custom.no-openai\n"
        'deny_openai := [f | some c in input.components; c.group == "openai";'
        ' f := {"component": c.id, "msg": "no OpenAI here"}]\n',
    )
    write(
        tmp_path / "pack.yaml",
        "apiVersion: aigate/v1\nkind: PolicyPack\nname: mine\nparams:\n  custom: {}\n",
    )
    code, out, _ = full("check", "--bom", str(demo_bom), "--policy", str(tmp_path), "--now", NOW)
    assert code == 1 and "DENY custom.no-openai" in out and "no OpenAI here" in out


OK_WAIVER = {
    "rule": "jurisdiction.*",
    "component": "x",
    "reason": "a long enough reason",
    "approved_by": "me@corp",
    "expires": "2027-01-01",
}


def waiver_text(**over: str | None) -> str:
    fields = {**OK_WAIVER, **over}
    body = "".join(f"    {k}: {v}\n" for k, v in fields.items() if v is not None)
    return "apiVersion: aigate/v1\nkind: Waivers\nwaivers:\n  - id: W-1\n" + body


@pytest.mark.parametrize(
    ("over", "line", "problem"),
    [
        ({"reason": None}, 4, "'reason' is a required property"),
        ({"rule": "'*'"}, 5, "does not match"),
        ({"rule": "nope.rule"}, 5, "no rule 'nope.rule'"),
        ({"expires": "2030-01-01"}, 9, "beyond the pack's maximum"),
        # A future approval date cannot move the horizon (issue 13: 9999-07-01 → 9999-12-28).
        (
            {"expires": "9999-12-28", "created": "9999-07-01"},
            10,
            "created on 9999-07-01, after the decision date 2026-11-26",
        ),
        # Within the day of grace, the horizon still runs from the decision date.
        ({"expires": "2027-05-26", "created": "2026-11-27"}, 9, "runs 181 days, beyond"),
        ({"extra": "1"}, 10, "unknown key 'extra'"),
        ({"approved_by": "JD"}, 8, "'JD' is too short (it must be at least 3 characters)"),
    ],
)
def test_malformed_waivers_exit_2_with_file_and_line(
    tmp_path: Path, over: dict[str, str | None], line: int, problem: str
) -> None:
    path = write(tmp_path / "w.yaml", waiver_text(**over))
    args = ["--policy", "release", "--waivers", str(path), "--now", NOW]
    code, _, err = run("check", "--bom", str(demo_bom), *args)
    assert code == 2, err
    assert f"w.yaml:{line}:" in err and problem in err, err


def test_a_waiver_file_that_is_not_yaml_is_one_line_with_its_line(
    tmp_path: Path, demo_bom: Path
) -> None:
    path = write(tmp_path / "w.yaml", waiver_text() + "  reason: [oops\n")
    code, _, err = run("check", "--bom", str(demo_bom), "--waivers", str(path), "--now", NOW)
    assert code == 2
    [line] = err.strip().splitlines()
    assert "w.yaml:" in line and "not valid YAML: " in line and "<unicode string>" not in line


def test_unused_waiver_is_reported(tmp_path: Path, demo_bom: Path) -> None:
    path = write(
        tmp_path / "w.yaml",
        "apiVersion: aigate/v1\nkind: Waivers\nwaivers:\n  - id: W-9\n    rule: licence.*\n"
        "    component: hf:gone/model\n    reason: no longer used anywhere\n"
        "    approved_by: me@corp\n    expires: 2027-01-01\n",
    )
    _, out, _ = full(
        "check", "--bom", str(demo_bom), "--policy", "release", "--waivers", str(path), "--now", NOW
    )
    assert "INFO waiver.unused" in out and "waivers unused:\n  - W-9" in out


def test_bad_now_and_missing_pack_exit_2(demo_bom: Path) -> None:
    assert run("check", "--bom", str(demo_bom), "--now", "tomorrow")[0] == 2
    code, _, err = run("check", "--bom", str(demo_bom), "--policy", "nosuch")
    assert code == 2 and "shipped packs: cfius-strict, default, release" in err


def test_policy_digest_changes_with_any_policy_file(tmp_path: Path) -> None:
    first = packs.load_policy(["release"]).digest()
    assert packs.load_policy(["release"]).digest() == first
    extra = write(tmp_path / "x.rego", "package aigate.rules.x\n")
    assert packs.load_policy(["release", str(extra)]).digest() != first


def test_policy_test_command_runs_shipped_tests(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    code, out, _ = run("policy", "test", "--no-coverage", "--junit", str(junit))
    assert code == 0, out
    assert "0 failed, 0 errors" in out, out
    assert 'name="aigate.rules.licence_test.test_and_takes_the_worst_member"' in junit.read_text()


@pytest.mark.slow
def test_policy_test_command_runs_shipped_tests_with_coverage(tmp_path: Path) -> None:
    # Coverage runs every rule's mutant (~100 s on two cores): `make test-slow`, its own CI step.
    junit = tmp_path / "junit.xml"
    code, out, _ = run("policy", "test", "--junit", str(junit))
    assert code == 0, out
    covered = re.search(r"rule coverage (\d+)/(\d+)", out)
    assert "0 failed, 0 errors" in out and covered and covered[1] == covered[2], out
    text = junit.read_text()
    assert 'name="aigate.rules.licence_test.test_and_takes_the_worst_member"' in text
    for rid in ("vendor-country", "model-country", "protected-path", "endpoint-country"):
        assert f'<testcase classname="aigate.coverage" name="assistants.{rid}" />' in text


MINE = (
    "package aigate.rules.mine\n\n# METADATA\n# title: Mine\n# custom:\n#   id: mine.rule\n"
    'deny_mine := [f | some c in input.components; c.name == "bad";'
    ' f := {"component": c.id, "msg": "x"}]\n'
)
"""A policy of one's own: one deny rule, mine.rule, for components named "bad"."""


def test_policy_test_reports_failures_skips_and_uncovered_rules(tmp_path: Path) -> None:
    write(tmp_path / "mine.rego", MINE)
    write(
        tmp_path / "mine_test.rego",
        "package aigate.rules.mine_test\n\nimport data.aigate.rules.mine\n\n"
        "test_quiet if { count(mine.deny_mine) == 0"
        ' with input.components as [{"id": "a", "name": "ok"}] }\n'
        "test_broken if { false }\n"
        "todo_later if { true }\n",
    )
    code, out, _ = run("policy", "test", str(tmp_path))
    assert code == 1
    assert "FAIL: " in out and "test_broken" in out
    assert "UNCOVERED: mine.rule" in out  # a passing test that never makes it fire
    assert "1 passed, 1 failed, 0 errors, 1 skipped" in out


def test_a_test_of_an_undefined_rule_covers_no_other_id(tmp_path: Path) -> None:
    # Two ids share a package; a parameter makes warn_other undefined. A test that checks
    # `not warn_other` must not count as making mine.rule fire (the coverage mutant once
    # turned undefined into [] and so "killed" every such test).
    write(
        tmp_path / "mine.rego",
        "package aigate.rules.mine\n\n# METADATA\n# title: Mine\n# custom:\n#   id: mine.rule\n"
        'warn_mine := [f | some c in input.components; c.name == "bad";'
        ' f := {"rule": "mine.rule", "component": c.id, "msg": "x"}]'
        " if data.aigate.params.mine.on\n"
        "deny_mine := []\n"
        "# METADATA\n# title: Other\n# custom:\n#   id: mine.other\n"
        "warn_other := [] if data.aigate.params.mine.on\n",
    )
    write(
        tmp_path / "mine_test.rego",
        "package aigate.rules.mine_test\n\nimport data.aigate.rules.mine\n\n"
        "test_off_is_silent if { not mine.warn_mine with data.aigate.params.mine.on as false }\n",
    )
    code, out, _ = run("policy", "test", str(tmp_path))
    assert code == 1 and "UNCOVERED: mine.rule" in out, out


def test_shipped_policies_are_found_in_the_built_wheel(tmp_path: Path) -> None:
    hatchling = pytest.importorskip("hatchling.builders.wheel")
    [wheel] = list(
        hatchling.WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
    )
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        assert "gate/policies/jurisdiction.rego" in names
        assert "gate/policies/packs/release.yaml" in names
        assert "gate/policies/schema/policy-input.schema.json" in names
        zf.extractall(tmp_path / "site")
    probe = "from gate.policy.locate import policies_dir; print(policies_dir())"
    found = subprocess.run(
        [sys.executable, "-S", "-c", probe],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "site")},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert found == str(tmp_path / "site" / "gate" / "policies")
    # ... and in this (editable) checkout, the repository's own folder.
    assert policies_dir() == ROOT / "policies"


def test_an_input_off_its_schema_is_refused_naming_schema_and_place() -> None:
    from gate.model import Component, ComponentId, Inventory, Project, Role
    from gate.policy import input as policy_input

    comp = Component(id=ComponentId("hf:a/b@unpinned"), role=Role.RUNTIME_MODEL, name="b")
    doc = policy_input.build_input(
        Inventory(Project("p"), components=(comp,)), policy_input.InputContext(now="2026-11-26")
    )
    policy_input.validate_input(doc)  # as built: valid
    doc["components"][0]["role"] = "oracle"
    with pytest.raises(PolicyError) as err:
        policy_input.validate_input(doc)
    text = str(err.value)
    assert "policy-input.schema.json" in text and "components/0/role" in text
    doc["components"][0]["role"] = "runtime-model"
    doc["components"][0]["publisher"] = {"name": 3}
    with pytest.raises(PolicyError, match="components/0/publisher"):
        policy_input.validate_input(doc)


def test_schema_relations_are_the_resolvers() -> None:
    # The resolver and the schema authors read must agree, or a scan exits 2.
    from gate.policy.input import schema
    from gate.registry import RELATIONS

    text = json.dumps(schema())
    found = json.loads(text)
    relation = (
        found["$defs"]["ancestor"]["properties"]["relation"]["enum"]
        if "ancestor" in found.get("$defs", {})
        else None
    )
    if relation is None:
        import re

        match = re.search(r'"relation": \{[^}]*"enum": (\[[^\]]*\])', text)
        assert match is not None
        relation = json.loads(match.group(1))
    assert set(relation) == set(RELATIONS)


def test_decision_baseline_round_trips_and_is_type_checked(demo_bom: Path) -> None:
    from dataclasses import replace

    from gate.errors import InputError
    from gate.model import Baseline

    code, out, _ = run("check", "--bom", str(demo_bom), "--now", "2026-11-26", "--format", "json")
    assert code == 0  # the default pack only warns
    decision = decisions.from_json(out)
    assert decision.baseline is None and json.loads(out)["baseline"] is None
    narrowed = replace(decision, baseline=Baseline("v1.0.0 (abc)", True, 2, 7))
    assert decisions.from_json(decisions.to_json(narrowed)) == narrowed
    doc = json.loads(out)
    del doc["baseline"]  # written before the field existed: no baseline recorded
    assert decisions.from_json(json.dumps(doc)).baseline is None
    doc["baseline"] = {"ref": "v1", "new_only": "yes", "judged": None, "dropped": 0}
    with pytest.raises(InputError, match="mistyped"):
        decisions.from_json(json.dumps(doc), source="d.json")


def test_coverage_counts_only_the_rules_under_the_given_paths(tmp_path: Path) -> None:
    # Testing one's own policies asks whether *they* are tested: the shipped rules, loaded
    # beside them, are not counted (they made `policy test DIR` fail on 28 UNCOVERED lines).
    write(tmp_path / "mine.rego", MINE)
    write(
        tmp_path / "mine_test.rego",
        "package aigate.rules.mine_test\n\nimport data.aigate.rules.mine\n\n"
        "test_bad if { count(mine.deny_mine) == 1"
        ' with input.components as [{"id": "a", "name": "bad"}] }\n',
    )
    code, out, _ = run("policy", "test", str(tmp_path))
    assert code == 0, out
    assert "UNCOVERED" not in out and out.strip().endswith("rule coverage 1/1")
    code, out, _ = run("policy", "test", str(tmp_path), "--no-coverage")
    assert code == 0 and "rule coverage not measured (--no-coverage)" in out


def test_a_date_that_does_not_exist_names_the_file_and_line(tmp_path: Path) -> None:
    path = write(
        tmp_path / "waivers.yaml",
        "apiVersion: aigate/v1\nkind: Waivers\nwaivers:\n  - id: W-1\n"
        '    component: "hf:x/y"\n    rule: "jurisdiction.*"\n    reason: reviewed by legal\n'
        "    approved_by: J. Doe\n    expires: 2026-02-30\n",
    )
    code, _, err = run("check", str(tmp_path), "--waivers", str(path), "--history", "none")
    assert code == 2 and "internal error" not in err
    assert "waivers.yaml:9: '2026-02-30' is not a date that exists" in err, err


def test_policy_test_reports_progress(tmp_path: Path) -> None:
    """It runs for a minute with coverage: it says so at once and advances per test and rule."""
    from gate.policy.testing import run_tests

    write(
        tmp_path / "mine.rego",
        "package aigate.rules.mine\n\n# METADATA\n# title: Mine\n# custom:\n#   id: mine.rule\n"
        'warn_mine := [f | some c in input.components; c.name == "bad";'
        ' f := {"rule": "mine.rule", "component": c.id, "msg": "x"}]\n'
        "deny_mine := []\n",
    )
    write(
        tmp_path / "mine_test.rego",
        "package aigate.rules.mine_test\n\nimport data.aigate.rules.mine\n\n"
        "test_fires if { count(mine.warn_mine) == 1 with input.components as"
        ' [{"id": "x", "name": "bad"}] }\n',
    )

    class Recorder:
        def __init__(self) -> None:
            self.events: list[tuple[str, int | None]] = []

        def stage(self, name: str, total: int | None = None) -> None:
            self.events.append((name, total))

        def advance(self, amount: int = 1) -> None:
            self.events.append(("+", amount))

        def warn(self, message: str) -> None:
            pass

        def done(self) -> None:
            self.events.append(("done", None))

    rec = Recorder()
    report = run_tests([tmp_path], observer=rec)
    assert report.ok
    assert rec.events[0] == ("tests", 1) and ("coverage", 1) in rec.events
    assert rec.events.count(("+", 1)) == 2
    code, _, err = run("policy", "test", str(tmp_path), "--no-coverage")
    assert code == 0 and err.startswith("policy test: running the tests...")
    assert run("policy", "test", str(tmp_path), "--no-coverage", "-q")[2] == ""
