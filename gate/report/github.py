"""GitHub Actions workflow commands: one annotation per blocking finding, on its file and line.

GitHub shows at most 10 error and 10 warning annotations per step, so the most serious
findings are annotated and a notice says how many more the job summary and SARIF hold.
Values are escaped as the actions toolkit does (``escapeData``/``escapeProperty``), so a
message can never end a command early or smuggle in a second one.
"""

from __future__ import annotations

from gate.model import Decision, Finding, Inventory, Level, RuleId, RuleMeta, Waiver
from gate.report import view

NAME = "github"

MAX_PER_KIND = 10
"""GitHub's limit on error (and, separately, warning) annotations per step."""

_COMMAND = {Level.DENY: "error", Level.WARN: "warning"}


def escape_data(text: str) -> str:
    """Escape a command's message: ``%``, CR and LF."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property: as data, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int | None) -> str:
    """One workflow command line, e.g. ``::error file=a.py,line=3,title=T::message``."""
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None and value != ""
    )
    head = f"::{name} {props}" if props else f"::{name}"
    return f"{head}::{escape_data(message)}"


def _annotation(
    finding: Finding, meta: RuleMeta, inventory: Inventory, waivers: dict[str, Waiver]
) -> str:
    places = view.places(finding, inventory, waivers)
    located = [loc for loc in places if loc.path]
    lines = [finding.message, f"component: {view.subject(finding)}"]
    if len(located) > 1:
        more = ", ".join(view.shown(loc) for loc in located[1:4])
        extra = len(located) - 4
        lines.append(f"also at: {more}" + (f" and {extra} more" if extra > 0 else ""))
    commit_list = view.commits(places)
    if commit_list:
        lines.append("commits: " + ", ".join(c[:12] for c in commit_list[:5]))
    if meta.remediation:
        lines.append(f"fix: {meta.remediation}")
    title = f"aigate {finding.level.value}: {meta.title} [{meta.id}]"
    primary = located[0] if located else None
    return command(
        _COMMAND[finding.level],
        "\n".join(lines),
        file=primary.path if primary else None,
        line=primary.line if primary and primary.line else None,
        col=primary.column if primary and primary.line and primary.column else None,
        title=title,
    )


def annotation_lines(decision: Decision, inventory: Inventory) -> list[str]:
    """The workflow command lines, most serious first, within GitHub's limits."""
    rules: dict[RuleId, RuleMeta] = view.rule_catalogue(decision)
    chosen: dict[Level, list[Finding]] = {Level.DENY: [], Level.WARN: []}
    left_out = {Level.DENY: 0, Level.WARN: 0}
    for finding in view.ranked(decision, rules):
        if view.is_waived(finding) or finding.level not in chosen:
            continue
        if len(chosen[finding.level]) < MAX_PER_KIND:
            chosen[finding.level].append(finding)
        else:
            left_out[finding.level] += 1
    waivers = view.waiver_index(decision)
    lines = [
        _annotation(f, rules[f.rule], inventory, waivers) for level in chosen for f in chosen[level]
    ]
    if left_out[Level.DENY] or left_out[Level.WARN]:
        parts = []
        if left_out[Level.DENY]:
            parts.append(f"{left_out[Level.DENY]} more deny")
        if left_out[Level.WARN]:
            parts.append(f"{left_out[Level.WARN]} more warn")
        lines.append(
            command(
                "notice",
                f"{' and '.join(parts)} finding(s) are not annotated: GitHub shows at most"
                f" {MAX_PER_KIND} error and {MAX_PER_KIND} warning annotations per step."
                " The job summary and the SARIF report list every finding.",
                title="aigate: more findings",
            )
        )
    return lines


def render(decision: Decision, inventory: Inventory) -> str:
    """Annotations followed by a plain verdict line for the log."""
    lines = annotation_lines(decision, inventory)
    c = view.counts(decision)
    lines.append(
        f"aigate: {view.verdict_sentence(decision)}"
        f" [{c.deny} deny, {c.warn} warn, {c.info} info, {c.waived} waived]"
        f" policy {decision.policy_digest[:19]}"
    )
    return "\n".join(lines) + "\n"
