"""GitHub Actions workflow commands: one annotation per blocking finding, on its file and line.

GitHub shows at most 10 error and 10 warning annotations per step, so the most serious
findings are annotated and a notice says how many more the job summary and SARIF hold.
Values are escaped as the actions toolkit does (``escapeData``/``escapeProperty``), so a
message can never end a command early or smuggle in a second one.
"""

from __future__ import annotations

from gate.model import Decision, Finding, Inventory, Level, Location, RuleId, RuleMeta
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
    group: list[Finding],
    rules: dict[RuleId, RuleMeta],
    places: list[Location],
) -> str:
    """One annotation for the findings at one place: each rule and message once, the
    components once, the fix once per rule."""
    first = group[0]
    located = [loc for loc in places if loc.path]
    lines = list(dict.fromkeys(f.message for f in group))
    if len(group) > 1:
        lines = list(dict.fromkeys(f"{f.rule}: {f.message}" for f in group))
    subjects = list(dict.fromkeys(view.subject(f) for f in group))
    lines.append(f"component: {', '.join(subjects)}")
    if len(located) > 1:
        more = ", ".join(view.shown(loc) for loc in located[1:4])
        extra = len(located) - 4
        lines.append(f"also at: {more}" + (f" and {extra} more" if extra > 0 else ""))
    commit_list = view.commits(places)
    if commit_list:
        lines.append("commits: " + ", ".join(c[:12] for c in commit_list[:5]))
    rule_ids = list(dict.fromkeys(f.rule for f in group))
    for rid in rule_ids:
        if rules[rid].remediation:
            prefix = f"fix ({rid})" if len(rule_ids) > 1 else "fix"
            lines.append(f"{prefix}: {rules[rid].remediation}")
    meta = rules[first.rule]
    if len(rule_ids) == 1:
        title = f"aigate {first.level.value}: {meta.title} [{meta.id}]"
    else:
        title = f"aigate {first.level.value}: {len(rule_ids)} rules here [{', '.join(rule_ids)}]"
    primary = located[0] if located else None
    return command(
        _COMMAND[first.level],
        "\n".join(lines),
        file=primary.path if primary else None,
        line=primary.line if primary and primary.line else None,
        col=primary.column if primary and primary.line and primary.column else None,
        title=title,
    )


_Key = tuple[Level, str, int, int, str]


def annotation_lines(decision: Decision, inventory: Inventory) -> list[str]:
    """The workflow command lines, most serious first, within GitHub's limits.

    Findings that would annotate the same place (file, line, column; or the same commit)
    share one annotation, so the per-step limit is spent on distinct places, not on
    copies of one line (a model that fails three rules, the ancestors of one lineage).
    """
    rules: dict[RuleId, RuleMeta] = view.rule_catalogue(decision)
    waivers = view.waiver_index(decision)
    groups: dict[_Key, list[Finding]] = {}
    where: dict[_Key, list[Location]] = {}
    for finding in view.ranked(decision, rules):
        if view.is_waived(finding) or finding.level not in _COMMAND:
            continue
        places = view.places(finding, inventory, waivers)
        located = [loc for loc in places if loc.path]
        p = located[0] if located else None
        commit = "" if p else ",".join(view.commits(places)) or view.subject(finding)
        key: _Key = (
            finding.level,
            p.path if p else "",
            p.line or 0 if p else 0,
            p.column or 0 if p else 0,
            commit,
        )
        groups.setdefault(key, []).append(finding)
        where.setdefault(key, places)
    chosen: dict[Level, list[_Key]] = {Level.DENY: [], Level.WARN: []}
    left_out = {Level.DENY: 0, Level.WARN: 0}
    for key, found in groups.items():
        if len(chosen[key[0]]) < MAX_PER_KIND:
            chosen[key[0]].append(key)
        else:
            left_out[key[0]] += len(found)
    lines = [
        _annotation(groups[key], rules, where[key]) for level in chosen for key in chosen[level]
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
