"""The default text report: verdict first, then what blocks the release, component by component."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from decisions import GGUF, QWEN, decision, empty, inventory
from goldens import check

from gate.cli import main
from gate.model import ComponentId, Finding, Level, RuleId, Verdict
from gate.report import components, text, text_full

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "examples" / "demo-app"
WAIVERS = ROOT / "examples" / "waivers.yaml"
NOW = "2026-11-26"


@pytest.fixture(scope="module")
def demo_bom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "demo-app.cdx.json"
    assert CliRunner().invoke(main, ["scan", str(DEMO), "-o", str(out), "-q"]).exit_code == 0
    return out


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), env=env)
    return result.exit_code, result.stdout


def test_golden() -> None:
    check("report.txt", text.render(decision(), inventory()))


def test_golden_verbose() -> None:
    check("report-verbose.txt", text_full.render(decision(), inventory()))


def test_first_line_is_the_verdict_and_blocking_components_come_next() -> None:
    out = text.render(decision(), inventory()).splitlines()
    assert out[0].startswith("verdict: FAIL: ")
    assert out[-1] == out[0]
    blocks = out.index("Blocks the release (4 components):")
    assert blocks < out.index("Warnings (3 components):") < out.index("How to fix:")
    assert all(len(line) <= text.WIDTH for line in out)


def test_a_weight_file_is_named_by_its_path_and_short_hash() -> None:
    inv = inventory()
    comp = inv.component(GGUF)
    assert comp is not None
    name = components.display_name(GGUF, comp)
    assert name.endswith("[sha256:abababababab]") and not name.startswith("file:")
    assert GGUF not in text.render(decision(), inv)


def test_lineage_findings_merge_into_one_line_per_rule(demo_bom: Path) -> None:
    code, out = run("check", "--bom", str(demo_bom), "--policy", "release", "--now", NOW)
    assert code == 1
    lines = out.splitlines()
    gguf = [line for line in lines if "coder-q4.gguf [sha256:" in line]
    assert len(gguf) == 2  # once where it blocks, once among the warnings
    lineage = [line for line in lines if "jurisdiction.lineage-country" in line]
    # One line per component (a long one wraps), not one per ancestor.
    assert len([line for line in lineage if "ancestors" in line]) == 6
    assert out.count("Hangzhou DeepSeek") == 0 and "DeepSeek [CN]" in out
    assert out.count("aee49a9ff3872b14c6c6ccf99f67a3a43f01d9992df29339805e095afd66a442") == 0


def test_the_demo_fits_a_screen_and_nothing_is_lost(tmp_path: Path, demo_bom: Path) -> None:
    base = ["check", "--bom", str(demo_bom), "--policy", "release", "--now", NOW]
    sarif, dec = tmp_path / "r.sarif", tmp_path / "d.json"
    code, out = run(*base, "--sarif", str(sarif), "--json", str(dec))
    assert code == 1
    lines = out.splitlines()
    assert len(lines) <= 80, len(lines)
    assert max(len(line) for line in lines) <= 120
    assert "\x1b[" not in out  # piped: no colour
    doc = json.loads(dec.read_text())
    log = json.loads(sarif.read_text())
    assert len(doc["findings"]) > 30
    assert len(log["runs"][0]["results"]) == len(doc["findings"])
    # Every blocking (component, rule) pair of the decision is in the text.
    for f in doc["findings"]:
        if f["level"] == "deny":
            assert f["rule"] in out
    code, verbose = run(*base, "--verbose")
    assert verbose.count("\n  - ") == len(doc["findings"])  # the full form: every chain


def test_waived_items_are_one_line_each(demo_bom: Path) -> None:
    args = ["check", "--bom", str(demo_bom), "--policy", "release", "--now", NOW]
    code, out = run(*args, "--waivers", str(WAIVERS))
    assert code == 0 and out.startswith("verdict: PASS")
    assert "Blocks the release" not in out
    lines = out.splitlines()
    waived = [line for line in lines if line.startswith("  - ") and "WVR-2026-0" in line]
    assert any(
        "api:deepseek/deepseek-chat: WVR-2026-012 (expires 2026-12-05): jurisdiction." in line
        for line in waived
    )
    assert len(lines) <= 70


def test_colour_on_a_terminal_only() -> None:
    plain = text.render(decision(), inventory())
    painted = text.render(decision(), inventory(), colour=True)
    assert "\x1b[" not in plain and "\x1b[1;31mverdict: FAIL" in painted
    assert painted.replace("\x1b[0m", "").count("\x1b[") >= 3


def test_cli_colour_follows_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    from gate.cli import terminal

    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert terminal.colour(None)
    monkeypatch.setenv("NO_COLOR", "1")
    assert not terminal.colour(None)
    monkeypatch.delenv("NO_COLOR")
    assert not terminal.colour(Path("report.txt"))


def test_a_pass_without_findings_says_so() -> None:
    out = text.render(*empty())
    assert out.startswith("verdict: PASS: 0 deny") and "No findings." in out


def test_merged_facts_name_each_ancestor_once() -> None:
    # Three findings of one rule on one component, two of them about the same ancestor
    # (publisher and parent): one phrase, each ancestor named once.
    def lineage(ancestor: str) -> Finding:
        return Finding(
            rule=RuleId("jurisdiction.lineage-country"),
            level=Level.DENY,
            component=ComponentId(QWEN),
            message="m",
            facts={"fact": f"lineage[{ancestor}].publisher.country", "value": "CN"},
        )

    found = [
        lineage("hf:Qwen/Qwen2.5-Coder-7B@unpinned"),
        lineage("hf:Qwen/Qwen2.5-7B@unpinned"),
        lineage("hf:Qwen/Qwen2.5-Coder-7B@unpinned"),
    ]
    phrase = components.merged_facts(found)
    assert phrase.count("Qwen/Qwen2.5-Coder-7B") == 1 and phrase.count("Qwen/Qwen2.5-7B") == 1
    assert "CN" in phrase
    dec = decision()
    assert dec.verdict is Verdict.FAIL and Level.DENY in {f.level for f in dec.findings}


def test_info_counts_are_what_the_full_grouping_shows() -> None:
    # The text report counts info findings per rule without phrasing them: same rules, same
    # counts, same order as the components and rules group() lays out.
    from dataclasses import replace

    from gate.report import view

    dec = decision()
    inv = inventory()
    levels = (Level.INFO, Level.WARN, Level.DENY)
    mixed = [
        replace(f, level=levels[i % 3] if i % 4 else Level.INFO) for i, f in enumerate(dec.findings)
    ]
    mixed += [replace(f, component=None) for f in dec.findings[:3]]
    mixed += [replace(f, rule=RuleId("aigate.zzz.extra")) for f in dec.findings[::2]]
    rules = view.rule_catalogue(dec)
    for chosen in (mixed, mixed[::-1], [f for f in mixed if f.level is Level.INFO]):
        full: dict[str, int] = {}
        for item in components.group(chosen, inv, rules, view.waiver_index(dec)):
            for g in item.groups:
                full[g.rule] = full.get(g.rule, 0) + 1
        counted = components.rule_counts(chosen, inv, rules)
        assert list(counted.items()) == list(full.items())
        assert len(full) > 2
