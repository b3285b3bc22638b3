"""Judging: ``aigate check`` (the gate) and ``aigate policy test`` (the policies' own tests)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gate.ci import CiEnvironment
from gate.cli import terminal
from gate.cli.app import Listing, main
from gate.cli.options import (
    REPORT_NAMES,
    build_scan_options,
    judge_options,
    judged_path,
    scan_options,
)
from gate.errors import EXIT_PASS
from gate.heap import no_cycle_collection
from gate.lazy import lazy_module

if TYPE_CHECKING:
    from gate import pipeline, workspace
    from gate.bom import cyclonedx
else:
    pipeline = lazy_module("gate.pipeline")
    workspace = lazy_module("gate.workspace")
    cyclonedx = lazy_module("gate.bom.cyclonedx")


@main.command()
@judge_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(REPORT_NAMES),
    default="text",
    show_default=True,
    help="Report on stdout (or in -o); github prints workflow annotations.",
)
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Report file.")
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Text report: every finding in full (fact, source, places, message), waived ones too.",
)
@click.option("--sarif", type=click.Path(path_type=Path), default=None, help="Also write SARIF.")
@click.option("--junit", type=click.Path(path_type=Path), default=None, help="Also write JUnit.")
@click.option(
    "--summary",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the job-summary Markdown (default in GitHub Actions: appended to"
    " $GITHUB_STEP_SUMMARY).",
)
@click.option(
    "--json",
    "json_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Also write the decision (aigate.decision/v1).",
)
@click.option(
    "--write-bom",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the scanned inventory as a CycloneDX 1.6 JSON BOM.",
)
@click.option(
    "--write-input",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the policy input the rules judged (aigate.policy-input/v1): every"
    " fact, with each assistant's commits and paths uncapped.",
)
@click.option(
    "--baseline",
    default=None,
    metavar="BASE",
    help="Compare with BASE: a BOM file, a directory, a git ref, or auto (the previous"
    " release tag).",
)
@click.option(
    "--new-only",
    is_flag=True,
    help="Judge only components BASE lacks or that changed in a security-relevant way.",
)
@click.option(
    "--now",
    default=None,
    metavar="DATE",
    help="Judge waivers and effective dates as of this day (YYYY-MM-DD); default today (UTC).",
)
@scan_options
@no_cycle_collection
def check(
    path: Path | None,
    bom: Path | None,
    policies: tuple[str, ...],
    waiver_files: tuple[Path, ...],
    fail_on: str,
    fmt: str,
    output: Path | None,
    verbose: bool,
    sarif: Path | None,
    junit: Path | None,
    summary: Path | None,
    json_file: Path | None,
    write_bom: Path | None,
    write_input: Path | None,
    baseline: str | None,
    new_only: bool,
    now: str | None,
    **kw: Any,
) -> int:
    """Judge PATH (or --bom FILE) against policy packs: exit 0 pass, 1 fail, 2 error.

    Several reports can come from one run (--sarif, --junit, --summary, --json, plus
    --format on stdout); each is rendered from the same decision.

    \b
    Examples:
      aigate check . --policy release
      aigate check --bom aibom.cdx.json --policy cfius-strict --format json -o decision.json
      aigate check . --policy release --waivers .aigate/waivers.yaml --now 2026-12-01
      aigate check . --policy release --format github --sarif aigate.sarif --summary sum.md
      aigate check . --policy release --baseline v1.2.0 --new-only
    """
    from gate.report import formats, html
    from gate.report.base import exit_code

    if bom is not None and write_bom is not None:
        raise click.UsageError("--write-bom writes a scanned BOM; with --bom nothing is scanned")
    ci = CiEnvironment.read()
    obs = terminal.observer()
    path = judged_path(path, bom)
    scan = None if bom is not None else build_scan_options(path, obs, **kw)
    result = pipeline.check(
        pipeline.CheckOptions(
            scan=scan,
            bom=bom,
            policies=policies,
            waiver_files=waiver_files,
            fail_on=fail_on,
            now=now,
            ref=ci.ref,
            ci=ci.ci,
            observer=obs,
            baseline=baseline,
            new_only=new_only,
        )
    )
    for message in result.warnings:
        obs.warn(message)
    decision, inventory = result.decision, result.inventory
    if write_bom is not None:
        terminal.write(cyclonedx.write_bom(inventory, fmt="json", spec="1.6"), write_bom)
    if write_input is not None:
        terminal.write(
            json.dumps(result.policy_input, indent=2, sort_keys=True) + "\n", write_input
        )
    # Findings with no place in the tree are shown on the BOM when it is in the repository.
    bom_file = bom or write_bom
    bom_path = workspace.repo_relative(bom_file) if bom_file is not None else None

    def render(name: str) -> str:
        return formats.render(
            name,
            decision,
            inventory,
            bom_path=bom_path,
            verbose=verbose,
            colour=terminal.colour(output),
            context=html.AuditContext.from_environ(ci.environ) if name == html.NAME else None,
        )

    for name, target in (("sarif", sarif), ("junit", junit), ("summary", summary)):
        if target is not None:
            terminal.write(render(name), target)
    if json_file is not None:
        terminal.write(render("json"), json_file)
    if summary is None and ci.step_summary is not None:
        terminal.append(render("summary"), ci.step_summary)
    terminal.write(render(fmt), output)
    if output is not None and str(output) != "-":
        from gate.report import text as text_report

        click.echo(text_report.verdict_line(decision))
    terminal.flush_warnings(obs, False)
    return exit_code(decision)


@main.group(cls=Listing)
def policy() -> None:
    """Work on policies: run their tests."""


@policy.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--junit", type=click.Path(path_type=Path), default=None, help="JUnit XML file.")
@click.option("--no-coverage", is_flag=True, help="Skip rule coverage (faster).")
@click.option("-q", "--quiet", is_flag=True, help="No progress on stderr.")
def policy_test(paths: tuple[Path, ...], junit: Path | None, no_coverage: bool, quiet: bool) -> int:
    """Run Rego test_* rules (todo_* are skipped) with the shipped rules, like `opa test`.

    Without PATHS, the shipped policies' own tests run. Rule coverage: every deny/warn
    rule id must be made to fire by a passing test. Exit 0 all pass and covered, 1 not.
    """
    from gate.errors import EXIT_POLICY_FAILED
    from gate.policy.locate import policies_dir
    from gate.policy.testing import run_tests, summary, to_junit

    obs = terminal.observer()
    if not quiet:
        # It takes a minute or more with coverage: say so first, whether or not a bar shows.
        what = "the tests, then rule coverage (each rule's mutant reruns them)"
        click.echo(f"policy test: running {'the tests' if no_coverage else what}...", err=True)
    report = run_tests(list(paths) or [policies_dir()], coverage=not no_coverage, observer=obs)
    click.echo(summary(report))
    if junit is not None:
        terminal.write(to_junit(report), junit)
    return EXIT_PASS if report.ok else EXIT_POLICY_FAILED
