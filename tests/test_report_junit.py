"""JUnit XML: one case per rule × component, read back with a real JUnit parser."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from decisions import BGE, DEEPSEEK, QWEN, RULES, SUMMARIZER, decision, empty, fixed_version
from decisions import inventory as make_inventory
from goldens import check
from junitparser import Error, Failure, JUnitXml, Skipped, TestCase

from gate.model import Finding, Level, Location, RuleId, Verdict
from gate.report import junit

__all__ = ["fixed_version"]


def parse(text: str, tmp_path: Path) -> dict[tuple[str, str], TestCase]:
    path = tmp_path / "junit.xml"
    path.write_text(text, encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    cases: dict[tuple[str, str], TestCase] = {}
    for suite in xml:
        for case in suite:
            key = (case.classname, case.name)
            assert key not in cases, f"duplicate test case {key}"
            cases[key] = case
    return cases


def outcome(case: TestCase) -> str:
    kinds = {type(r) for r in case.result}
    if Failure in kinds or Error in kinds:
        return "failed"
    return "skipped" if Skipped in kinds else "passed"


@pytest.mark.usefixtures("fixed_version")
def test_golden() -> None:
    check("junit.xml", junit.render(decision(), make_inventory()))


def test_one_case_per_rule_and_component_plus_the_gate(tmp_path: Path) -> None:
    inv = make_inventory()
    cases = parse(junit.render(decision(), inv), tmp_path)
    rule_ids = {r.id for r in RULES} | {"waiver.expired", "waiver.unused"}
    component_cases = {(c, n) for c, n in cases if n != "(project)" and c != "aigate"}
    assert component_cases == {(r, c.id) for r in {r.id for r in RULES} for c in inv.components}
    assert {c for c, n in cases if n == "(project)"} == {"waiver.expired", "waiver.unused"}
    assert {c for c, _ in cases} == rule_ids | {"aigate"}
    assert outcome(cases[("aigate", "gate")]) == "failed"


def test_outcomes(tmp_path: Path) -> None:
    cases = parse(junit.render(decision(), make_inventory()), tmp_path)
    pub = "aigate.jurisdiction.publisher-country"
    assert outcome(cases[(pub, QWEN)]) == "failed"
    assert outcome(cases[(pub, DEEPSEEK)]) == "failed"
    assert outcome(cases[(pub, BGE)]) == "skipped"  # waived
    assert outcome(cases[("aigate.licence.research-only", SUMMARIZER)]) == "skipped"
    # warn does not fail under fail-on deny; it is reported in system-out.
    served = cases[("aigate.jurisdiction.served-by", DEEPSEEK)]
    assert outcome(served) == "passed" and "[warn] deepseek-chat" in (served.system_out or "")
    assert outcome(cases[(pub, SUMMARIZER)]) == "passed"
    [failure] = cases[(pub, QWEN)].result
    assert failure.type == "deny" and failure.message.startswith("Qwen2.5-Coder-7B-Instruct")
    assert "at src/app/llm.py:12:9" in (failure.text or "")
    [skipped] = cases[(pub, BGE)].result
    assert skipped.message.startswith("waived by WVR-2026-015 until 2026-09-10")


def test_warn_fails_when_fail_on_is_warn(tmp_path: Path) -> None:
    cases = parse(junit.render(decision(fail_on="warn"), make_inventory()), tmp_path)
    assert outcome(cases[("aigate.jurisdiction.served-by", DEEPSEEK)]) == "failed"
    assert outcome(cases[("waiver.expired", "(project)")]) == "failed"


def test_suite_counts_match_the_cases(tmp_path: Path) -> None:
    text = junit.render(decision(), make_inventory())
    cases = parse(text, tmp_path)
    root = ET.fromstring(text.encode("utf-8"))
    suite = root.find("testsuite")
    assert suite is not None
    outcomes = [outcome(c) for c in cases.values()]
    assert int(suite.get("tests", "0")) == len(cases)
    assert int(suite.get("failures", "0")) == outcomes.count("failed") == 5
    assert int(suite.get("skipped", "0")) == outcomes.count("skipped") == 2
    assert root.get("tests") == suite.get("tests")


def test_properties_carry_the_verdict_and_policy(tmp_path: Path) -> None:
    path = tmp_path / "j.xml"
    path.write_text(junit.render(decision(), make_inventory()), encoding="utf-8")
    [suite] = list(JUnitXml.fromfile(str(path)))
    props = {p.name: p.value for p in suite.properties()}
    assert props["aigate.verdict"] == "fail"
    assert props["aigate.policy-digest"].startswith("sha256:")
    assert props["aigate.fail-on"] == "deny"


def test_characters_xml_cannot_carry_are_replaced(tmp_path: Path) -> None:
    nasty = Finding(
        RuleId("aigate.jurisdiction.publisher-country"),
        Level.DENY,
        QWEN,
        'null\x00 bell\x07 "quotes" <tag> & ]]> 模型 \ud800',
        (Location("src/a.py", 1),),
    )
    text = junit.render(decision(findings=(nasty,)), make_inventory())
    cases = parse(text, tmp_path)
    [failure] = cases[("aigate.jurisdiction.publisher-country", QWEN)].result
    assert failure.message == 'null\ufffd bell\ufffd "quotes" <tag> & ]]> 模型 \ufffd'


def test_empty_decision_passes(tmp_path: Path) -> None:
    dec, inv = empty()
    cases = parse(junit.render(dec, inv), tmp_path)
    assert list(cases) == [("aigate", "gate")]
    assert outcome(cases[("aigate", "gate")]) == "passed"
    assert dec.verdict is Verdict.PASS


def test_same_input_same_bytes() -> None:
    assert junit.render(decision(), make_inventory()) == junit.render(decision(), make_inventory())
