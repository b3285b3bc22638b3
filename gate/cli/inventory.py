"""What is in a tree: ``aigate scan`` (its AI-BOM), ``diff`` (what changed) and ``explain``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gate.cli import terminal
from gate.cli.app import main
from gate.cli.options import build_scan_options, scan_options
from gate.errors import EXIT_PASS
from gate.lazy import lazy_module

if TYPE_CHECKING:
    from gate import pipeline
    from gate.bom import cyclonedx
else:
    pipeline = lazy_module("gate.pipeline")
    cyclonedx = lazy_module("gate.bom.cyclonedx")


@main.command()
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="BOM file.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["cyclonedx-json", "cyclonedx-xml"]),
    default="cyclonedx-json",
    show_default=True,
)
@click.option("--spec-version", type=click.Choice(["1.6", "1.7"]), default="1.6", show_default=True)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@scan_options
def scan(
    path: Path, output: Path | None, fmt: str, spec_version: str, quiet: bool, **kw: Any
) -> int:
    """Scan PATH (a tree, a build output or a file) and write its CycloneDX ML-BOM.

    \b
    Examples:
      aigate scan . -o aibom.cdx.json
      aigate scan dist/app.whl.d --format cyclonedx-xml --spec-version 1.7
    """
    from gate.report import inventory as inventory_report

    obs = terminal.observer()
    result = pipeline.scan(build_scan_options(path, obs, **kw))
    text = cyclonedx.write_bom(result.inventory, fmt=fmt.split("-")[1], spec=spec_version)
    if output is None:
        terminal.write(text, None)
        if not quiet:
            click.echo(inventory_report.summarise(result.inventory), err=True)
    else:
        terminal.write(text, output)
        if not quiet:
            click.echo(inventory_report.summarise(result.inventory))
            click.echo(f"BOM written to {output} (CycloneDX {spec_version})")
    terminal.flush_warnings(obs, quiet)
    return EXIT_PASS


@main.command()
@click.argument("base")
@click.argument("head", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="Write here.")
@click.option(
    "--repo",
    type=click.Path(path_type=Path, file_okay=False),
    default=".",
    show_default=True,
    help="Where git refs are read; the part of the repository it points at is scanned.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@scan_options
def diff(
    base: str, head: str | None, fmt: str, output: Path | None, repo: Path, quiet: bool, **kw: Any
) -> int:
    """Show the AI components HEAD adds, removes and changes compared with BASE.

    BASE and HEAD are each a CycloneDX BOM file, a directory, or a git ref (scanned as it
    was at that commit, in the part of the repository --repo points at). HEAD defaults to
    the --repo directory as it is now, uncommitted changes included.

    \b
    Examples:
      aigate diff v1.2.0 HEAD
      aigate diff release.cdx.json . --format markdown -o ai-changes.md
    """
    from gate import inventory_diff
    from gate.pipeline import baseline
    from gate.report.diff import DIFF_FORMATS

    obs = terminal.observer()
    options = build_scan_options(Path("."), obs, **kw)
    old = baseline.load(base, repo=repo, options=options)
    new = baseline.load(head if head is not None else str(repo), repo=repo, options=options)
    result = inventory_diff.diff(
        old.inventory, new.inventory, base_label=old.label, head_label=new.label
    )
    terminal.write(DIFF_FORMATS[fmt](result), output)
    terminal.flush_warnings(obs, quiet)
    return EXIT_PASS


@main.command()
@click.argument("reference", metavar="REF|PATH")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
@click.option("--online", is_flag=True, help="Ask the Hugging Face Hub for missing facts.")
@click.option(
    "--cache-dir", type=click.Path(path_type=Path), default=None, help="Hub cache folder."
)
@click.option(
    "--registry",
    "registry_files",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Extra registry file (publishers, endpoints, models); repeatable.",
)
@click.option(
    "--bom",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Look REF up in this BOM first (a file:sha256:… id from check output, a component"
    " id, or a weight file's path): its lineage and licence as the scan recorded them.",
)
def explain(
    reference: str,
    fmt: str,
    online: bool,
    cache_dir: Path | None,
    registry_files: tuple[Path, ...],
    bom: Path | None,
) -> int:
    """Show who made a model, where, from what, and under which licence, with each fact's source.

    \b
    Examples:
      aigate explain bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF
      aigate explain qwen2.5-coder:7b
      aigate explain api:deepseek/deepseek-chat --format json
      aigate explain gpt-4o
      aigate explain models/my-finetune/
      aigate explain file:sha256:5c66…079 --bom aibom.cdx.json
    """
    from gate.pipeline import explaining
    from gate.report import explanation

    obs = terminal.observer()
    result = explaining.explain(
        reference,
        explaining.ExplainOptions(
            online=online,
            cache_dir=cache_dir,
            registry_files=registry_files,
            observer=obs,
            bom=bom,
        ),
    )
    text = explanation.to_json(result) if fmt == "json" else explanation.render_text(result)
    terminal.write(text, None)
    terminal.flush_warnings(obs, quiet=False)
    return EXIT_PASS
