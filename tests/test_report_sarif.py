"""SARIF 2.1.0: valid against the OASIS schema, usable by GitHub code scanning, stable."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import pytest
from decisions import (
    BGE,
    CLAUDE,
    COMMIT_A,
    DIGEST,
    GGUF,
    QWEN,
    RULES,
    decision,
    empty,
    fixed_version,
    huge,
    inventory,
)
from goldens import check

from gate.model import Finding, Level, Location, RuleId, Verdict
from gate.report import sarif

__all__ = ["fixed_version"]

SCHEMA = json.loads(
    (Path(__file__).resolve().parent / "schemas" / "sarif-schema-2.1.0.json").read_text()
)
VALIDATOR = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def validate(log: dict[str, Any]) -> None:
    errors = sorted(VALIDATOR.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def log_of(**changes: object) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(sarif.render(decision(**changes), inventory()))
    return doc


def results_by(log: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [r for r in log["runs"][0]["results"] if r["ruleId"] == rule]


@pytest.mark.usefixtures("fixed_version")
def test_golden() -> None:
    check("report.sarif", sarif.render(decision(), inventory()))


def test_valid_against_the_sarif_schema() -> None:
    validate(log_of())
    validate(json.loads(sarif.render(*empty())))


def test_the_validator_rejects_a_broken_log() -> None:
    # The schema check has teeth: a result without a message is not SARIF.
    log = log_of()
    del log["runs"][0]["results"][0]["message"]
    with pytest.raises(AssertionError, match="message"):
        validate(log)


def test_rules_come_from_rule_metadata() -> None:
    driver = log_of()["runs"][0]["tool"]["driver"]
    assert driver["name"] == "aigate" and driver["informationUri"].startswith("https://")
    rules = {r["id"]: r for r in driver["rules"]}
    pub = rules["aigate.jurisdiction.publisher-country"]
    assert pub["shortDescription"]["text"] == "Model publisher in a denied country"
    assert pub["fullDescription"]["text"].startswith("The organisation that published")
    assert pub["helpUri"] == "https://aigate.example/rules/jurisdiction#publisher-country"
    assert "Remediation: Replace the model" in pub["help"]["text"]
    assert "**Regulation:** 15 CFR 791.4" in pub["help"]["markdown"]
    assert pub["defaultConfiguration"]["level"] == "error"
    assert pub["properties"]["security-severity"] == "8.0"
    assert {"security", "jurisdiction", "15 CFR 791.4"} <= set(pub["properties"]["tags"])
    assert rules["aigate.integrity.unsafe-pickle"]["properties"]["security-severity"] == "9.5"
    assert rules["aigate.integrity.unpinned-revision"]["defaultConfiguration"]["level"] == (
        "warning"
    )
    # Findings from rules without metadata still have a rule to point at.
    assert rules["waiver.expired"]["shortDescription"]["text"] == "waiver.expired"
    for rule in rules.values():
        severity = float(rule["properties"]["security-severity"])
        assert 0.0 < severity <= 10.0


def test_rule_ids_are_stable_and_rule_index_points_at_them() -> None:
    run = log_of()["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]


def test_levels_map_deny_warn_info() -> None:
    log = log_of()
    levels = {
        (r["ruleId"], r["properties"]["level"]): r["level"] for r in log["runs"][0]["results"]
    }
    assert levels[("aigate.jurisdiction.publisher-country", "deny")] == "error"
    assert levels[("aigate.jurisdiction.served-by", "warn")] == "warning"
    assert levels[("aigate.assistants.country", "info")] == "note"


def test_results_sit_at_the_evidence_file_and_line() -> None:
    [qwen] = [
        r
        for r in results_by(log_of(), "aigate.jurisdiction.publisher-country")
        if r["properties"]["component"] == QWEN
    ]
    physical = qwen["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {"uri": "src/app/llm.py", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 12, "startColumn": 9}
    assert qwen["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "configs/models.yaml"
    )
    assert qwen["locations"][0]["logicalLocations"][0]["fullyQualifiedName"] == QWEN


def test_every_result_has_a_physical_location_as_github_requires() -> None:
    # GitHub rejects the whole file when one result has no artifact location.
    for result in log_of()["runs"][0]["results"]:
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


def test_a_finding_without_evidence_uses_its_component_occurrences() -> None:
    [pickle] = results_by(log_of(), "aigate.integrity.unsafe-pickle")
    uri = pickle["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert unquote(uri) == "models/ünïcødé/模型-q4.gguf"
    assert uri.isascii()
    assert pickle["properties"]["component"] == GGUF


def test_commit_only_evidence_keeps_the_commits_and_a_waiver_finding_points_at_the_waiver() -> None:
    log = log_of()
    [claude] = results_by(log, "aigate.assistants.country")
    assert claude["properties"]["commits"][0] == COMMIT_A
    assert claude["properties"]["component"] == CLAUDE
    [expired] = results_by(log, "waiver.expired")
    physical = expired["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == ".aigate/waivers.yaml"
    assert physical["region"]["startLine"] == 19


def test_unlocatable_finding_falls_back_to_the_bom_or_the_scanned_root() -> None:
    lost = Finding(RuleId("aigate.custom.thing"), Level.DENY, None, "no place at all")
    dec = decision(findings=(lost,))
    inv = inventory(root="services/api")
    [result] = sarif.to_sarif(dec, inv)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == ("services/api")
    [result] = sarif.to_sarif(dec, inv, bom_path="dist/aibom.cdx.json")["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "dist/aibom.cdx.json"
    )


def test_paths_are_made_relative_to_the_repository_with_the_scanned_root() -> None:
    log = json.loads(sarif.render(decision(), inventory(root="services/api")))
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert "services/api/src/app/llm.py" in uris
    assert ".aigate/waivers.yaml" in uris  # the waiver file is not under the scanned tree


def test_waived_findings_are_accepted_external_suppressions() -> None:
    [bge] = [
        r
        for r in results_by(log_of(), "aigate.jurisdiction.publisher-country")
        if r["properties"]["component"] == BGE
    ]
    [suppression] = bge["suppressions"]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert suppression["justification"].startswith("embedding model, weights audited")
    assert suppression["properties"]["waiver"] == "WVR-2026-015"
    assert suppression["properties"]["expires"] == "2026-09-10"
    unwaived = [r for r in log_of()["runs"][0]["results"] if "suppressions" not in r]
    assert len(unwaived) == 9


def test_invocation_carries_the_exit_code() -> None:
    [fail] = log_of()["runs"][0]["invocations"]
    assert fail["executionSuccessful"] is True and fail["exitCode"] == 1
    [ok] = json.loads(sarif.render(*empty()))["runs"][0]["invocations"]
    assert ok["exitCode"] == 0 and ok["exitCodeDescription"] == "pass"


def test_run_properties_name_the_policy() -> None:
    props = log_of()["runs"][0]["properties"]
    assert props["policyDigest"] == DIGEST
    assert props["verdict"] == "fail" and props["failOn"] == "deny"
    assert props["waivers"]["expiring"] == ["WVR-2026-015"]
    assert props["counts"] == {"deny": 4, "warn": 3, "info": 2, "waived": 2, "expiredWaivers": 1}


def fingerprints(log: dict[str, Any]) -> list[str]:
    return [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in log["runs"][0]["results"]]


def test_fingerprints_are_unique_and_stable_across_runs_and_line_moves() -> None:
    first = fingerprints(log_of())
    assert len(set(first)) == len(first)
    assert fingerprints(log_of()) == first
    # Code above the model call moved it 30 lines down: the same alert.
    moved = tuple(
        replace(f, evidence=tuple(replace(loc, line=(loc.line or 0) + 30) for loc in f.evidence))
        for f in decision().findings
    )
    assert set(fingerprints(log_of(findings=moved))) == set(first)


def test_fingerprints_change_with_the_component_or_the_file() -> None:
    base = Finding(RuleId("r"), Level.DENY, QWEN, "m", (Location("a.py", 1),))
    one = sarif.fingerprint(base, base.evidence[0])
    assert sarif.fingerprint(replace(base, component=BGE), base.evidence[0]) != one
    assert sarif.fingerprint(base, Location("b.py", 1)) != one
    assert sarif.fingerprint(base, Location("a.py", 99)) == one


def test_empty_decision_is_a_valid_passing_run() -> None:
    log = json.loads(sarif.render(*empty()))
    run = log["runs"][0]
    assert run["results"] == [] and len(run["tool"]["driver"]["rules"]) == len(RULES)
    assert run["properties"]["verdict"] == Verdict.PASS.value


def test_results_are_capped_at_githubs_limit_keeping_the_most_serious(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sarif, "MAX_RESULTS", 50)
    dec, inv = huge(300)
    log = sarif.to_sarif(dec, inv)
    validate(log)
    run = log["runs"][0]
    assert len(run["results"]) == 50
    assert {r["level"] for r in run["results"]} == {"error"}  # deny outranks warn
    [note] = run["invocations"][0]["toolExecutionNotifications"]
    assert "250 lower-ranked findings are left out" in note["message"]["text"]


def test_same_input_same_bytes() -> None:
    assert sarif.render(decision(), inventory()) == sarif.render(decision(), inventory())
