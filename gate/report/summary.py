"""The GitHub job summary (``$GITHUB_STEP_SUMMARY``): verdict, counts, a table per rule,
waivers that need attention and the policy digest, kept under GitHub's 1 MiB limit.

GitHub refuses the whole summary past 1024 KiB, so the most important parts are placed
first within a byte budget: the verdict and counts always, then the findings in rank order
row by row, with the waivers and policy in a reserved share; when something is cut, a
note says how much and where the rest is.
"""

from __future__ import annotations

from dataclasses import dataclass

from gate.authored import summary as ai_summary
from gate.model import Decision, Inventory
from gate.report import markdown as md
from gate.report import view

NAME = "summary"

GITHUB_LIMIT = 1024 * 1024
"""GitHub aborts the upload of a step summary larger than this (bytes)."""
SUMMARY_LIMIT = 1_000_000
"""The budget used: below GitHub's limit, leaving room for other writers in the same step."""
_NOTE_RESERVE = 2_048


def _size(lines: list[str]) -> int:
    return sum(len(line.encode("utf-8")) + 1 for line in lines)


def _head(decision: Decision, inventory: Inventory) -> list[str]:
    project = inventory.project
    name = project.name + (f" {project.version}" if project.version else "")
    c = view.counts(decision)
    lines = [f"## {md.ICON[decision.verdict]} aigate: {decision.verdict.value}", ""]
    lines += [f"**{md.text(view.verdict_sentence(decision))}**", ""]
    lines += [
        f"{md.text(name)}: {len(inventory.components)} AI components checked against policy"
        f" {md.code(decision.policy_digest[:19] or 'unknown')}",
        "",
    ]
    lines += [*md.counts_table(decision), ""]
    if c.expiring_waivers or c.expired_waivers:
        lines += [
            f"⏳ {c.expiring_waivers} waiver(s) expire soon and {c.expired_waivers} have"
            " expired: see Waivers below.",
            "",
        ]
    return lines


@dataclass(frozen=True, slots=True)
class _Block:
    """Lines placed or cut together, and how many findings they list."""

    lines: list[str]
    findings: int = 0
    waivers: int = 0


def _finding_blocks(decision: Decision, inventory: Inventory) -> list[_Block]:
    """A rule's heading with its first row, then one block per further row, in rank order."""
    blocks: list[_Block] = []
    for section in md.rule_sections(decision, inventory, level=4):
        blocks.append(_Block([*section.head, section.rows[0]], 1))
        blocks += [_Block([row], 1) for row in section.rows[1:]]
        blocks.append(_Block([""]))
    return blocks


def _waiver_blocks(decision: Decision) -> list[_Block]:
    """Waiver tables, cut row by row."""
    blocks: list[_Block] = []
    waiver_blocks = md.waiver_blocks(decision, level=4)
    if waiver_blocks:
        blocks.append(_Block(["### Waivers", ""]))
        for lines in waiver_blocks:
            # A table's heading goes with its first row, so no empty table is ever shown.
            first_row = next(i for i, line in enumerate(lines) if line.startswith("|---")) + 1
            blocks.append(_Block(lines[: first_row + 1], waivers=1))
            blocks += [_Block([row], waivers=1) for row in lines[first_row + 1 :]]
            blocks.append(_Block([""]))
    return blocks


def _fit(blocks: list[_Block], budget: int) -> tuple[list[_Block], list[_Block]]:
    """The leading blocks that fit in ``budget`` bytes, and the rest."""
    used = 0
    for i, block in enumerate(blocks):
        used += _size(block.lines)
        if used > budget:
            return blocks[:i], blocks[i:]
    return blocks, []


def _lines(blocks: list[_Block]) -> list[str]:
    return [line for block in blocks for line in block.lines]


def render(decision: Decision, inventory: Inventory, *, limit: int = SUMMARY_LIMIT) -> str:
    """The job summary Markdown, at most ``limit`` bytes of UTF-8."""
    head = _head(decision, inventory)
    findings = _finding_blocks(decision, inventory)
    middle = ["### Findings by rule", ""] if findings else ["No findings.", ""]
    waivers = _waiver_blocks(decision)
    policy = ai_summary.markdown_lines(inventory, limit=10) + md.policy_lines(decision, inventory)
    full = head + middle + _lines(findings) + _lines(waivers) + policy
    if _size(full) <= limit:
        return "\n".join(full) + "\n"

    # The policy facts are always kept (line by line within an eighth of the budget), the
    # waivers get up to a quarter, and the findings take what is left, in rank order.
    policy_shown, _ = _fit([_Block([line]) for line in policy], limit // 8)
    waivers_shown, waivers_cut = _fit(waivers, max(limit // 4 - _size(_lines(policy_shown)), 0))
    fixed = _size(head) + _size(middle) + _size(_lines(waivers_shown + policy_shown))
    shown, cut = _fit(findings, max(limit - fixed - _NOTE_RESERVE, 0))
    hidden = sum(b.findings for b in cut)
    total = hidden + sum(b.findings for b in shown)
    what = f"{hidden} of {total} findings are not listed"
    hidden_waivers = sum(b.waivers for b in waivers_cut)
    if hidden_waivers:
        what += f", nor {hidden_waivers} waiver rows"
    note = [
        "> [!WARNING]",
        f"> This summary was cut to stay under GitHub's {GITHUB_LIMIT // 1024} KiB limit: {what}."
        " The SARIF, JSON and Markdown reports list every finding.",
        "",
    ]
    body = head + note + middle + _lines(shown) + [""] + _lines(waivers_shown)
    body += ["", *_lines(policy_shown)] if waivers_shown else _lines(policy_shown)
    return "\n".join(body) + "\n"
