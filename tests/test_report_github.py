"""GitHub workflow annotations: escaped like the actions toolkit, ranked, within the limits."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from decisions import CLAUDE, QWEN, decision, empty, fixed_version, huge, inventory
from goldens import check

from gate.model import ComponentId, Finding, Level, Location, RuleId
from gate.report import github

__all__ = ["fixed_version"]

_COMMAND = re.compile(r"^::(?P<name>[a-z]+)(?: (?P<props>[^:]*))?::(?P<message>.*)$")


def unescape_data(text: str) -> str:
    # The runner's reverse of escapeData: %25 last so that "%250A" stays "%0A".
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(text: str) -> str:
    return unescape_data(text.replace("%3A", ":").replace("%2C", ","))


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command as the runner reads it: name, properties, message."""
    match = _COMMAND.match(line)
    assert match, f"not a workflow command: {line!r}"
    props: dict[str, str] = {}
    for pair in filter(None, (match["props"] or "").split(",")):
        key, _, value = pair.partition("=")
        props[key] = unescape_property(value)
    return match["name"], props, unescape_data(match["message"])


def commands(text: str) -> list[tuple[str, dict[str, str], str]]:
    return [parse(line) for line in text.splitlines() if line.startswith("::")]


@pytest.mark.usefixtures("fixed_version")
def test_golden() -> None:
    check("annotations.txt", github.render(decision(), inventory()))


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        ("plain", "plain", "plain"),
        ("50% done", "50%25 done", "50%25 done"),
        ("a\nb\r\nc", "a%0Ab%0D%0Ac", "a%0Ab%0D%0Ac"),
        ("k: v, w", "k: v, w", "k%3A v%2C w"),
        ("%0A literal", "%250A literal", "%250A literal"),
        ("::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"),
    ],
)
def test_escaping_follows_the_toolkit(raw: str, data: str, prop: str) -> None:
    assert github.escape_data(raw) == data
    assert github.escape_property(raw) == prop
    assert unescape_data(data) == raw and unescape_property(prop) == raw


def test_a_message_cannot_inject_a_command_or_a_property() -> None:
    evil = Finding(
        RuleId("aigate.jurisdiction.publisher-country"),
        Level.DENY,
        QWEN,
        "bad\n::error file=x.py::forged\r\n%0A",
        (Location("src/a,b:c.py", 3),),
    )
    text = github.render(decision(findings=(evil,)), inventory())
    lines = text.splitlines()
    assert sum(line.startswith("::error") for line in lines) == 1
    [(_name, props, message)] = [c for c in commands(text) if c[0] == "error"]
    assert props["file"] == "src/a,b:c.py" and props["line"] == "3"
    assert message.startswith("bad\n::error file=x.py::forged\r\n%0A\ncomponent: ")


def test_errors_then_warnings_most_serious_first_waived_and_info_left_out() -> None:
    cmds = commands(github.render(decision(), inventory()))
    names = [c[0] for c in cmds]
    assert names == ["error"] * 4 + ["warning"] * 3
    first = cmds[0]
    assert "unsafe-pickle" in first[1]["title"]  # critical before high
    titles = " ".join(c[1]["title"] for c in cmds)
    assert "research-only" not in titles  # waived
    assert "assistants.country" not in titles  # info


def test_annotation_points_at_the_first_evidence_and_names_the_rest() -> None:
    cmds = commands(github.render(decision(), inventory()))
    [qwen] = [c for c in cmds if c[0] == "error" and f"component: {QWEN}" in c[2]]
    assert qwen[1] == {
        "file": "src/app/llm.py",
        "line": "12",
        "col": "9",
        "title": "aigate deny: Model publisher in a denied country"
        " [aigate.jurisdiction.publisher-country]",
    }
    assert "also at: configs/models.yaml:3" in qwen[2]
    assert "fix: Replace the model" in qwen[2]


def test_paths_include_the_scanned_root_and_waiver_findings_point_at_the_waiver() -> None:
    cmds = commands(github.render(decision(), inventory(root="services/api")))
    files = {c[1].get("file") for c in cmds}
    assert "services/api/src/app/llm.py" in files
    assert ".aigate/waivers.yaml" in files


def test_commit_only_findings_have_no_file() -> None:
    warn = Finding(
        RuleId("aigate.assistants.country"),
        Level.WARN,
        CLAUDE,
        "assistant from a watched country",
        (Location("", commit="f" * 40),),
    )
    inv = inventory()
    inv = replace(inv, components=tuple(c for c in inv.components if c.id != CLAUDE))
    [(name, props, message)] = commands(github.render(decision(findings=(warn,)), inv))
    assert name == "warning" and "file" not in props and "commits: ffffffffffff" in message


def test_at_most_ten_errors_and_ten_warnings_with_a_notice_for_the_rest() -> None:
    dec, inv = huge(100)
    cmds = commands(github.render(dec, inv))
    names = [c[0] for c in cmds]
    assert names.count("error") == github.MAX_PER_KIND
    assert names.count("warning") == github.MAX_PER_KIND
    [notice] = [c for c in cmds if c[0] == "notice"]
    deny = sum(1 for f in dec.findings if f.level is Level.DENY)
    warn = len(dec.findings) - deny
    assert f"{deny - 10} more deny and {warn - 10} more warn finding(s)" in notice[2]


def test_clean_pass_has_only_the_verdict_line() -> None:
    text = github.render(*empty())
    assert commands(text) == []
    assert text.startswith("aigate: pass: no finding blocks the release")


def test_verdict_line_counts() -> None:
    last = github.render(decision(), inventory()).splitlines()[-1]
    assert last.startswith("aigate: fail: 4 deny finding(s) block the release")
    assert "[4 deny, 3 warn, 2 info, 2 waived]" in last


def test_findings_at_one_place_share_one_annotation() -> None:
    """Five ancestors of one lineage and two rules on one line: one annotation, and the
    per-step limit is left for other places."""
    base = decision()
    place = Location("models/x.gguf", None)
    same = tuple(
        Finding(
            RuleId("aigate.jurisdiction.lineage" if i < 5 else "aigate.integrity.unsafe-pickle"),
            Level.DENY,
            ComponentId("file:sha256:" + "cd" * 32),
            f"derived from ancestor {i}",
            (place,),
        )
        for i in range(6)
    )
    others = tuple(
        Finding(
            RuleId("aigate.jurisdiction.lineage"),
            Level.DENY,
            ComponentId(f"hf:org/m{i}"),
            f"model {i}",
            (Location(f"src/m{i}.py", 3, 1),),
        )
        for i in range(9)
    )
    dec = replace(base, findings=same + others)
    lines = github.annotation_lines(dec, inventory())
    at_gguf = [line for line in lines if "file=models/x.gguf" in line]
    assert len(at_gguf) == 1
    assert "2 rules here" in at_gguf[0] and "derived from ancestor 4" in at_gguf[0]
    assert at_gguf[0].count("component: file:sha256:") == 1
    errors = [line for line in lines if line.startswith("::error")]
    assert len(errors) == 10 and not any(line.startswith("::notice") for line in lines)
