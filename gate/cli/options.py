"""The options commands share, and how they become the pipeline's options."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gate.cli.terminal import TerminalObserver
from gate.lazy import lazy_module

if TYPE_CHECKING:
    from gate import pipeline
    from gate.bom import cyclonedx
else:
    # Loaded on first use: `aigate --version` and `--help` must not pay for the pipeline,
    # cyclonedx-python-lib, jsonschema or requests (seconds with some optional packages).
    pipeline = lazy_module("gate.pipeline")
    cyclonedx = lazy_module("gate.bom.cyclonedx")


REPORT_NAMES = ("github", "html", "json", "junit", "markdown", "sarif", "summary", "text")
"""The names in gate.report.formats.FORMATS (not imported here: it loads every format)."""


_scan_options: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
    click.option("--include-tests", is_flag=True, help="Read tests, fixtures and docs too."),
    click.option(
        "--history",
        default=None,
        metavar="RANGE",
        help="Git history for assistant attribution: all, none, or A..B (default: since the"
        " newest tag).",
    ),
    click.option("--online", is_flag=True, help="Ask the Hugging Face Hub for missing facts."),
    click.option(
        "--cache-dir", type=click.Path(path_type=Path), default=None, help="Hub cache folder."
    ),
    click.option(
        "--registry",
        "registry_files",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=False),
        help="Extra registry file (publishers, endpoints); repeatable.",
    ),
    click.option(
        "--review-rules",
        "review_rules",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=False, exists=True),
        help="Also review AI-authored lines with this Semgrep rule file (repeatable).",
    ),
    click.option(
        "--exclude", multiple=True, metavar="PATTERN", help="Gitignore-style path to skip."
    ),
    click.option(
        "--project-name", default=None, help="Name of the project in the BOM (default: folder)."
    ),
    click.option(
        "--project-version", default=None, help="Version of the project in the BOM (a tag)."
    ),
]


def scan_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command that scans a tree shares."""
    for decorate in reversed(_scan_options):
        fn = decorate(fn)
    return fn


_judge_options: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
    click.argument("path", type=click.Path(path_type=Path), default=None, required=False),
    click.option(
        "--bom",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help="Judge this CycloneDX BOM instead of scanning PATH.",
    ),
    click.option(
        "-p",
        "--policy",
        "policies",
        multiple=True,
        metavar="PACK_OR_DIR",
        help="Pack name (default, release, cfius-strict), pack file, policy directory or Rego"
        " module; repeatable. Default: the warn-only default pack.",
    ),
    click.option(
        "--waivers",
        "waiver_files",
        multiple=True,
        type=click.Path(path_type=Path, dir_okay=False),
        help="Waiver file (kind: Waivers); repeatable.",
    ),
    click.option(
        "--fail-on",
        type=click.Choice(["deny", "warn", "never"]),
        default="deny",
        show_default=True,
        help="What fails the gate (and sets the exit code); never = audit mode (report"
        " everything, exit 0).",
    ),
]


def judge_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """What to judge (PATH or --bom) and by which policy: shared by check and export."""
    for decorate in reversed(_judge_options):
        fn = decorate(fn)
    return fn


def build_scan_options(path: Path, obs: TerminalObserver, **kw: Any) -> pipeline.ScanOptions:
    """ScanOptions from the shared CLI options."""
    from gate.discover.tree import WalkOptions

    return pipeline.ScanOptions(
        root=path,
        include_tests=kw["include_tests"],
        history=kw["history"],
        online=kw["online"],
        cache_dir=kw["cache_dir"],
        registry_files=tuple(kw["registry_files"]),
        review_rules=tuple(kw["review_rules"]),
        walk=WalkOptions(extra_ignores=tuple(kw["exclude"])),
        observer=obs,
        project_name=kw["project_name"],
        project_version=kw["project_version"],
    )


def judged_path(path: Path | None, bom: Path | None) -> Path:
    """The tree to scan for check and export: a BOM given as PATH would be scanned as a
    tree of no models and pass, so it is refused, as is a PATH given beside --bom."""
    if path is not None and bom is not None:
        raise click.UsageError(f"give PATH ({path}) or --bom ({bom}), not both")
    if path is None:
        return Path(".")
    if path.is_file() and cyclonedx.looks_like_bom(path):
        raise click.UsageError(f"{path} is a BOM, not a tree to scan: judge it with --bom {path}")
    return path
