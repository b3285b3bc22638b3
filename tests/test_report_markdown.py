"""The job summary (under GitHub's 1 MiB) and the full Markdown report, with safe escaping."""

from __future__ import annotations

import re

import pytest
from decisions import decision, empty, fixed_version, huge, inventory
from goldens import check

from gate.model import Verdict
from gate.report import markdown, summary

__all__ = ["fixed_version"]

_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def tables(text: str) -> list[list[list[str]]]:
    """Every GitHub-flavoured table as rows of cells (escaped pipes stay inside cells)."""
    found: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append([c.strip() for c in _CELL_SPLIT.split(line)[1:-1]])
        elif current:
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found


@pytest.mark.usefixtures("fixed_version")
def test_summary_golden() -> None:
    check("summary.md", summary.render(decision(), inventory()))


@pytest.mark.usefixtures("fixed_version")
def test_report_golden() -> None:
    check("report.md", markdown.render(decision(), inventory()))


@pytest.mark.parametrize(("render", "count"), [(summary.render, 14), (markdown.render, 16)])
def test_every_table_row_has_as_many_cells_as_its_header(render: object, count: int) -> None:
    assert callable(render)
    text = render(decision(), inventory())
    found = tables(text)
    assert len(found) == count
    for table in found:
        width = len(table[0])
        assert all(len(row) == width for row in table), table


def test_untrusted_text_is_escaped() -> None:
    text = summary.render(decision(), inventory())
    # A waiver reason with pipes, HTML and an @-mention stays inert text.
    assert "internal eval only, \\| not shipped \\| \\<b\\>bold\\</b\\> \\@security-team" in text
    assert "<b>" not in text and " @security-team" not in text
    assert "\\`\\`rm -rf\\`\\` \\& \\*more\\*" in text
    # A multi-line message stays in its cell.
    assert "(CN)<br>100% of calls leave the EU" in text


def test_code_spans_survive_backticks_and_pipes() -> None:
    assert markdown.code("a`b") == "``a`b``"
    assert markdown.code("`x`") == "`` `x` ``"
    assert markdown.code("a|b") == "`a\\|b`"


def test_summary_sections() -> None:
    text = summary.render(decision(), inventory())
    assert text.startswith("## ❌ aigate: fail\n")
    assert "**fail: 4 deny finding(s) block the release (fail-on: deny)**" in text
    counts = tables(text)[0]
    assert counts[0][:4] == ["Deny", "Warn", "Info", "Waived"] and counts[2][:4] == list("4322")
    # The most serious rule first; one section per rule.
    headings = [line for line in text.splitlines() if line.startswith("#### ")]
    assert "Weights can run code when loaded" in headings[0]
    assert len(headings) == 13  # 9 rules with findings + 4 waiver groups
    assert "#### ⏳ Waivers expiring soon (1)" in text
    assert "2026-09-10 (9 d left)" in text and "2026-06-30 (63 d ago)" in text
    assert "- digest: `sha256:" in text


def test_empty_decision() -> None:
    text = summary.render(*empty())
    assert text.startswith("## ✅ aigate: pass\n") and "No findings." in text
    report = markdown.render(*empty())
    assert "No findings." in report and "No AI components found." in report
    assert "No waivers." in report


def test_audit_mode_says_nothing_was_enforced() -> None:
    text = summary.render(decision(verdict=Verdict.PASS, fail_on="never"), inventory())
    assert "pass (audit mode, fail-on: never): 4 deny and 3 warn finding(s) reported" in text


def test_report_lists_components_with_origins_and_lineage() -> None:
    text = markdown.render(decision(), inventory())
    assert text.startswith("# aigate report: demo-app 1.2.0\n")
    assert "Alibaba Cloud [CN]<br>parent: Alibaba Group [CN]" in text
    assert "api.deepseek.com [CN]" in text
    assert "`hf:Qwen/Qwen2.5-0.5B-Instruct@unpinned` [CN]" in text
    assert "## Skipped files" in text and "header larger than 100 MB" in text
    assert "The organisation that published the model" in text  # rule descriptions


def test_huge_decision_is_cut_under_the_limit_with_a_note() -> None:
    dec, inv = huge(12_000)
    text = summary.render(dec, inv)
    size = len(text.encode("utf-8"))
    assert size <= summary.SUMMARY_LIMIT < summary.GITHUB_LIMIT
    assert "> [!WARNING]" in text
    shown = sum(1 for line in text.splitlines() if line.startswith("| `hf:org"))
    match = re.search(r"(\d+) of (\d+) findings are not listed", text)
    assert match and int(match[2]) == 12_000
    assert int(match[1]) == 12_000 - shown > 0
    # The verdict, counts and policy digest survive the cut.
    assert text.startswith("## ❌ aigate: fail") and "- digest: `sha256:" in text


def test_cut_at_any_small_limit_stays_under_it() -> None:
    dec, inv = decision(), inventory()
    full = len(summary.render(dec, inv).encode("utf-8"))
    for limit in (3_000, 4_000, 5_000, full - 1):
        text = summary.render(dec, inv, limit=limit)
        assert len(text.encode("utf-8")) <= limit
        assert "findings are not listed" in text and "- digest: `sha256:" in text
    assert "[!WARNING]" not in summary.render(dec, inv, limit=full)


def test_same_input_same_bytes() -> None:
    assert summary.render(decision(), inventory()) == summary.render(decision(), inventory())
    assert markdown.render(decision(), inventory()) == markdown.render(decision(), inventory())
