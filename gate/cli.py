"""The ``aigate`` command line: options → pipeline → report → exit code.

Exit codes: 0 pass, 1 policy failed, 2 usage/input/internal error. click's Abort (Ctrl-C)
is remapped to 2 so that 1 only ever means "the policy said no".
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import click

from gate import __version__, pipeline
from gate.bom import cyclonedx
from gate.errors import EXIT_ERROR, EXIT_PASS, AigateError
from gate.model import Inventory


class TerminalObserver:
    """Draws a progress bar on stderr when a stage takes more than a moment."""

    def __init__(self, stream: TextIO, *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.name = ""
        self.total: int | None = None
        self.count = 0
        self.started = 0.0
        self.drawn = False
        self.warnings: list[str] = []

    def stage(self, name: str, total: int | None = None) -> None:
        """A stage starts."""
        self.name, self.total, self.count = name, total, 0
        self.started = time.monotonic()
        self.drawn = False

    def advance(self, amount: int = 1) -> None:
        """Progress within the stage; drawn only after half a second."""
        self.count += amount
        if not self.enabled or time.monotonic() - self.started < 0.5:
            return
        if self.total:
            pct = min(100, 100 * self.count // max(self.total, 1))
            bar = "#" * (pct // 4)
            text = f"\r{self.name:<10} [{bar:<25}] {pct:3d}%"
        else:
            text = f"\r{self.name:<10} {self.count}"
        self.stream.write(text)
        self.stream.flush()
        self.drawn = True

    def warn(self, message: str) -> None:
        """A warning: kept and shown at the end of the command."""
        self.warnings.append(message)

    def done(self) -> None:
        """Clear the bar."""
        if self.drawn:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()
        self.drawn = False


def _observer() -> TerminalObserver:
    return TerminalObserver(sys.stderr, enabled=sys.stderr.isatty())


def _flush_warnings(obs: TerminalObserver, quiet: bool) -> None:
    if quiet:
        return
    for message in obs.warnings:
        click.echo(f"warning: {message}", err=True)


class AigateGroup(click.Group):
    """Maps every error to exit 2 with a one-line, actionable message."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            rv = super().main(*args, **kwargs)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("aborted", err=True)
            sys.exit(EXIT_ERROR)
        except click.ClickException as exc:
            exc.show()
            sys.exit(EXIT_ERROR)
        except AigateError as exc:
            click.echo(f"aigate: error: {exc.diagnostics()}", err=True)
            sys.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            click.echo("aborted", err=True)
            sys.exit(EXIT_ERROR)
        except Exception:
            click.echo("aigate: internal error (a bug: please report it)", err=True)
            if os.environ.get("AIGATE_DEBUG"):
                traceback.print_exc()
            else:
                click.echo("  set AIGATE_DEBUG=1 for the traceback", err=True)
            sys.exit(EXIT_ERROR)
        sys.exit(rv if isinstance(rv, int) else EXIT_PASS)


@click.group(cls=AigateGroup)
@click.version_option(__version__, prog_name="aigate")
def main() -> None:
    """aigate: which models, weights and origins went into this release, and may it ship?"""


def _write(text: str, output: Path | None) -> None:
    if output is None or str(output) == "-":
        click.echo(text, nl=not text.endswith("\n"))
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise AigateError(f"{output}: cannot write: {exc.strerror}") from exc


def summarise(inventory: Inventory) -> str:
    """A short human summary of an inventory."""
    comps = inventory.components
    if not comps:
        return (
            f"no AI components detected in {inventory.files_scanned} files"
            f" ({len(inventory.skipped)} skipped)"
        )
    roles = Counter(c.role for c in comps)
    parts = [f"{n} {role.value}" for role, n in sorted(roles.items(), key=lambda x: x[0].value)]
    lines = [f"{len(comps)} AI components in {inventory.files_scanned} files: " + ", ".join(parts)]
    width = min(60, max(len(c.id) for c in comps))
    for comp in comps:
        country = comp.publisher.country if comp.publisher and comp.publisher.country else "?"
        publisher = comp.publisher.name if comp.publisher else "unknown publisher"
        licence = comp.licence.expression if comp.licence else "no licence stated"
        served = f", served from {comp.served_by.country or '?'}" if comp.served_by else ""
        head = f"  {comp.id:<{width}}  {comp.role.value:<16}"
        lines.append(f"{head} {publisher} [{country}]{served}; {licence}")
        if comp.lineage:
            chain = " ← ".join(
                f"{a.name} [{a.publisher.country if a.publisher and a.publisher.country else '?'}]"
                for a in comp.lineage
            )
            lines.append(f"  {'':<{width}}  lineage: {chain}")
        for risk in comp.risks:
            lines.append(f"  {'':<{width}}  risk: {risk.kind}: {risk.detail}")
    if inventory.skipped:
        lines.append(f"{len(inventory.skipped)} files skipped (listed in the BOM)")
    for note in inventory.notes:
        lines.append(f"note: {note}")
    return "\n".join(lines)


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
        "--exclude", multiple=True, metavar="PATTERN", help="Gitignore-style path to skip."
    ),
]


def scan_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command that scans a tree shares."""
    for decorate in reversed(_scan_options):
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
        walk=WalkOptions(extra_ignores=tuple(kw["exclude"])),
        observer=obs,
    )


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
    obs = _observer()
    result = pipeline.scan(build_scan_options(path, obs, **kw))
    text = cyclonedx.write_bom(result.inventory, fmt=fmt.split("-")[1], spec=spec_version)
    if output is None:
        _write(text, None)
        if not quiet:
            click.echo(summarise(result.inventory), err=True)
    else:
        _write(text, output)
        if not quiet:
            click.echo(summarise(result.inventory))
            click.echo(f"BOM written to {output} (CycloneDX {spec_version})")
    _flush_warnings(obs, quiet)
    return EXIT_PASS


@main.command()
@click.option(
    "--out-dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("."),
    show_default=True,
    help="Folder for aigate.key and aigate.pub.",
)
def keygen(out_dir: Path) -> int:
    """Make an ECDSA P-256 key pair for signing evidence offline (`--sign key`).

    The private key is encrypted when AIGATE_KEY_PASSPHRASE is set (the passphrase is read
    from the environment, never from the command line). Existing keys are never overwritten.
    """
    from gate.evidence import sign_key

    passphrase = sign_key.passphrase_from_env()
    private, public = sign_key.generate(out_dir, passphrase=passphrase)
    kid = sign_key.load_public_key(public)
    click.echo(f"private key: {private}" + (" (encrypted)" if passphrase else " (not encrypted)"))
    click.echo(f"public key:  {public}")
    click.echo(f"key id:      sha256:{sign_key.key_id(kid)}")
    if not passphrase:
        click.echo(
            f"hint: set {sign_key.PASSPHRASE_ENV} to encrypt the private key; keep it out of"
            " version control",
            err=True,
        )
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
    from gate.bom import baseline
    from gate.bom import diff as bom_diff
    from gate.report.diff import DIFF_FORMATS

    obs = _observer()
    options = build_scan_options(Path("."), obs, **kw)
    old = baseline.load(base, repo=repo, options=options)
    new = baseline.load(head if head is not None else str(repo), repo=repo, options=options)
    result = bom_diff.diff(old.inventory, new.inventory, base_label=old.label, head_label=new.label)
    _write(DIFF_FORMATS[fmt](result), output)
    _flush_warnings(obs, quiet)
    return EXIT_PASS
