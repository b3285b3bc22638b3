"""The ``aigate`` command line: options → pipeline → report → exit code.

Exit codes: 0 pass, 1 policy failed, 2 usage/input/internal error, 130 interrupted (Ctrl-C,
one line, no traceback), so that 1 only ever means "the policy said no".
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from gate import __version__
from gate.errors import EXIT_ERROR, EXIT_PASS, AigateError, InputError
from gate.lazy import lazy_module
from gate.model import Inventory

if TYPE_CHECKING:
    from gate import pipeline, workspace
    from gate.bom import cyclonedx
else:
    # Loaded on first use: `aigate --version` and `--help` must not pay for the pipeline,
    # cyclonedx-python-lib, jsonschema or requests (seconds with some optional packages).
    pipeline = lazy_module("gate.pipeline")
    workspace = lazy_module("gate.workspace")
    cyclonedx = lazy_module("gate.bom.cyclonedx")

REPORT_NAMES = ("github", "html", "json", "junit", "markdown", "sarif", "summary", "text")
"""The names in gate.report.formats.FORMATS (not imported here: it loads every format)."""


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


def _first_sentence(cmd: click.Command) -> str:
    """A command's first sentence, whole: the listing wraps it rather than cutting it."""
    if cmd.short_help:
        return cmd.short_help
    text = " ".join((cmd.help or "").split("\n\n", 1)[0].split())
    head, sep, _ = text.partition(". ")
    return head + "." if sep else text


class _Listing(click.Group):
    """Lists subcommands with their first sentence whole (click cuts it at ~45 characters)."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, _first_sentence(cmd)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class AigateGroup(_Listing):
    """Maps every error to exit 2 with a one-line, actionable message."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            rv = super().main(*args, **kwargs)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        except click.Abort:
            from gate._entry import interrupted

            interrupted()
        except click.ClickException as exc:
            exc.show()
            sys.exit(EXIT_ERROR)
        except AigateError as exc:
            click.echo(f"aigate: error: {exc.diagnostics()}", err=True)
            sys.exit(EXIT_ERROR)
        except KeyboardInterrupt:
            from gate._entry import interrupted

            interrupted()
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


def _colour(output: Path | None) -> bool:
    """Colour on a terminal only: not when piped, written to a file, or with NO_COLOR set."""
    if output is not None and str(output) != "-":
        return False
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def _append(text: str, output: Path) -> None:
    try:
        with output.open("a", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as exc:
        raise AigateError(f"{output}: cannot append: {exc.strerror}") from exc


def _files(inventory: Inventory) -> str:
    if inventory.files_scanned is None:
        return "an unknown number of files (the BOM does not say)"
    return f"{inventory.files_scanned} files"


def summarise(inventory: Inventory) -> str:
    """A short human summary of an inventory."""
    comps = inventory.components
    if not comps:
        return (
            f"no AI components detected in {_files(inventory)} ({len(inventory.skipped)} skipped)"
        )
    roles = Counter(c.role for c in comps)
    parts = [f"{n} {role.value}" for role, n in sorted(roles.items(), key=lambda x: x[0].value)]
    lines = [f"{len(comps)} AI components in {_files(inventory)}: " + ", ".join(parts)]
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
        facts = [
            f"{key} {comp.properties[key]}"
            for key in ("architecture", "quantization", "parameters")
            if key in comp.properties
        ]
        if facts:
            lines.append(f"  {'':<{width}}  {', '.join(facts)}")
        for wf in comp.files:
            digest = f"sha256 {wf.sha256[:16]}…" if wf.sha256 else "not hashed"
            lines.append(f"  {'':<{width}}  file: {wf.path} ({wf.format}, {wf.size} B, {digest})")
        # One line per distinct risk: a pickle's six unsafe imports of one kind read once.
        risks = Counter((r.kind, r.detail) for r in comp.risks)
        for (kind, detail), n in risks.items():
            where = f" ({n} places)" if n > 1 else ""
            lines.append(f"  {'':<{width}}  risk: {kind}: {detail}{where}")
    if inventory.skipped:
        from gate.report.text import skipped_lines

        lines.extend(skipped_lines(inventory))
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
    from gate import explain as explaining

    obs = _observer()
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
    text = explaining.to_json(result) if fmt == "json" else explaining.render_text(result)
    _write(text, None)
    _flush_warnings(obs, quiet=False)
    return EXIT_PASS


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
    from gate.report import sarif as sarif_report
    from gate.report.base import exit_code
    from gate.report.formats import FORMATS

    if bom is not None and write_bom is not None:
        raise click.UsageError("--write-bom writes a scanned BOM; with --bom nothing is scanned")
    obs = _observer()
    path = _judged_path(path, bom)
    scan = None if bom is not None else build_scan_options(path, obs, **kw)
    result = pipeline.check(
        pipeline.CheckOptions(
            scan=scan,
            bom=bom,
            policies=policies,
            waiver_files=waiver_files,
            fail_on=fail_on,
            now=now,
            ref=os.environ.get("GITHUB_REF"),
            ci="github-actions" if os.environ.get("GITHUB_ACTIONS") == "true" else None,
            observer=obs,
            baseline=baseline,
            new_only=new_only,
        )
    )
    for message in result.warnings:
        obs.warn(message)
    decision, inventory = result.decision, result.inventory
    if write_bom is not None:
        _write(cyclonedx.write_bom(inventory, fmt="json", spec="1.6"), write_bom)
    if write_input is not None:
        _write(json.dumps(result.policy_input, indent=2, sort_keys=True) + "\n", write_input)
    # Findings with no place in the tree are shown on the BOM when it is in the repository.
    bom_file = bom or write_bom
    bom_path = workspace.repo_relative(bom_file) if bom_file is not None else None

    def render(name: str) -> str:
        if name == sarif_report.NAME:
            return sarif_report.render(decision, inventory, bom_path=bom_path)
        if name == "text":
            from gate.report import text as text_report
            from gate.report import text_full

            if verbose:
                return text_full.render(decision, inventory)
            return text_report.render(decision, inventory, colour=_colour(output))
        if name == "html":
            from gate.report import html as html_report

            context = html_report.AuditContext.from_environ(os.environ)
            return html_report.render(decision, inventory, context=context)
        return FORMATS[name](decision, inventory)

    for name, target in (("sarif", sarif), ("junit", junit), ("summary", summary)):
        if target is not None:
            _write(render(name), target)
    if json_file is not None:
        _write(render("json"), json_file)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary is None and step_summary:
        _append(render("summary"), Path(step_summary))
    _write(render(fmt), output)
    if output is not None and str(output) != "-":
        from gate.report import text as text_report

        click.echo(text_report.verdict_line(decision))
    _flush_warnings(obs, False)
    return exit_code(decision)


@main.group(cls=_Listing)
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

    obs = _observer()
    if not quiet:
        # It takes a minute or more with coverage: say so first, whether or not a bar shows.
        what = "the tests, then rule coverage (each rule's mutant reruns them)"
        click.echo(f"policy test: running {'the tests' if no_coverage else what}...", err=True)
    report = run_tests(list(paths) or [policies_dir()], coverage=not no_coverage, observer=obs)
    click.echo(summary(report))
    if junit is not None:
        _write(to_junit(report), junit)
    return EXIT_PASS if report.ok else EXIT_POLICY_FAILED


def _signer(sign: str, key: Path | None, trust_config: Path | None) -> tuple[Any, bytes | None]:
    """The signer for ``--sign`` and the public key PEM to bundle (key mode)."""
    if sign == "none":
        if key is not None:
            raise click.UsageError("--key is for --sign key")
        return None, None
    if sign == "key":
        from gate.evidence import sign_key

        if key is None:
            raise click.UsageError("--sign key needs --key PRIVATE_KEY (made by `aigate keygen`)")
        signer = sign_key.KeySigner.from_file(key, sign_key.passphrase_from_env())
        return signer, signer.public_pem()
    from gate.evidence import sign_sigstore

    if key is not None:
        raise click.UsageError("--key is for --sign key; keyless signing uses the CI identity")
    config = None
    if trust_config is not None:
        config = sign_sigstore.trust_config_from_json(_read_text(trust_config))
    return sign_sigstore.SigstoreSigner(trust_config=config), None


def _judged_path(path: Path | None, bom: Path | None) -> Path:
    """The tree to scan for check and export: a BOM given as PATH would be scanned as a
    tree of no models and pass, so it is refused, as is a PATH given beside --bom."""
    if path is not None and bom is not None:
        raise click.UsageError(f"give PATH ({path}) or --bom ({bom}), not both")
    if path is None:
        return Path(".")
    if path.is_file() and cyclonedx.looks_like_bom(path):
        raise click.UsageError(f"{path} is a BOM, not a tree to scan: judge it with --bom {path}")
    return path


def _read_text(path: Path) -> str:
    from gate import files

    # A trust config is a few KB; a FIFO or a device must not hang the command.
    return files.read_text_bounded(path, files.MAX_POLICY_FILE)


@main.command("export")
@judge_options
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    required=True,
    help="The bundle folder to create (must not exist, or be empty).",
)
@click.option(
    "--now",
    default=None,
    metavar="DATE",
    help="Judge as of this day (YYYY-MM-DD); recorded, and the one time in the bundle."
    " Default today (UTC).",
)
@click.option(
    "--sign",
    type=click.Choice(["none", "key", "sigstore"]),
    default="none",
    show_default=True,
    help="Sign the attestations with a local key, keylessly through Sigstore (CI), or not.",
)
@click.option(
    "--key",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Private key for --sign key (passphrase from AIGATE_KEY_PASSPHRASE).",
)
@click.option(
    "--trust-config",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Sigstore client trust config JSON (a private deployment); default: public Sigstore.",
)
@click.option(
    "--subject",
    "subjects",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A release artefact the attestations speak of; repeatable (default: the BOM).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
@scan_options
def export_command(
    path: Path | None,
    out: Path,
    bom: Path | None,
    policies: tuple[str, ...],
    waiver_files: tuple[Path, ...],
    fail_on: str,
    now: str | None,
    sign: str,
    key: Path | None,
    trust_config: Path | None,
    subjects: tuple[Path, ...],
    quiet: bool,
    **kw: Any,
) -> int:
    """Judge PATH (or --bom FILE) and write a signed evidence bundle for auditors to --out.

    The folder is written whatever the verdict; the exit code is the gate's (0 pass,
    1 policy failed), and 2 on an error (then nothing is written). See docs/evidence.md.

    \b
    Examples:
      aigate export . --policy release --out evidence/v2.3 --subject dist/app-2.3.whl \\
          --sign sigstore
      aigate export --bom aibom.cdx.json --policy release --waivers waivers.yaml \\
          --now 2026-12-01 --sign key --key aigate.key --out evidence/
    """
    from gate.evidence import bundle
    from gate.report import text as text_report
    from gate.report.base import exit_code

    signer, public = _signer(sign, key, trust_config)
    obs = _observer()
    path = _judged_path(path, bom)
    scan = None if bom is not None else build_scan_options(path, obs, **kw)
    result = bundle.export(
        bundle.ExportOptions(
            out=out,
            check=pipeline.CheckOptions(
                scan=scan,
                bom=bom,
                policies=policies,
                waiver_files=waiver_files,
                fail_on=fail_on,
                now=now,
                ref=os.environ.get("GITHUB_REF"),
                ci="github-actions" if os.environ.get("GITHUB_ACTIONS") == "true" else None,
                observer=obs,
            ),
            signer=signer,
            subjects=subjects,
            run=bundle.run_context(os.environ, path if bom is None else Path(".")),
            public_key=public,
        )
    )
    for message in result.warnings:
        obs.warn(message)
    if not quiet:
        how = {"none": "UNSIGNED", "key": "signed with a key", "sigstore": "signed keylessly"}
        count = len(result.manifest["files"]) + 2
        click.echo(f"evidence written to {out} ({count} files, {how[sign]})")
        click.echo(text_report.verdict_line(result.decision))
    _flush_warnings(obs, quiet)
    return exit_code(result.decision)


@main.command("verify")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--key",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Trust signatures by this public key (from `aigate keygen`).",
)
@click.option(
    "--certificate-identity",
    default=None,
    help="Trust keyless signatures whose certificate names this identity (e.g. the workflow"
    " URI https://github.com/OWNER/REPO/.github/workflows/release.yml@refs/tags/v2.3).",
)
@click.option(
    "--certificate-oidc-issuer",
    default=None,
    help="...issued by this OIDC issuer (GitHub: https://token.actions.githubusercontent.com).",
)
@click.option(
    "--trust-config",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Sigstore client trust config JSON whose trusted root to use (a private deployment).",
)
@click.option(
    "--subject",
    "subjects",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A release artefact that must be among the attested subjects; repeatable.",
)
@click.option(
    "--allow-unsigned",
    is_flag=True,
    help="Accept an unsigned bundle: its digests, statements and replay are checked, but"
    " nothing vouches for who made it. Without this flag an unsigned bundle fails (exit 1).",
)
def verify_command(
    directory: Path,
    key: Path | None,
    certificate_identity: str | None,
    certificate_oidc_issuer: str | None,
    trust_config: Path | None,
    subjects: tuple[Path, ...],
    allow_unsigned: bool,
) -> int:
    """Check an evidence bundle: digests, signatures, subjects, and a replay of the gate.

    Exit 0 valid, 1 invalid (each failed check is named; an unsigned bundle is invalid
    unless --allow-unsigned), 2 error (unreadable folder, bad arguments, a --key taken
    from the bundle itself). The signer is whoever the key or certificate proves, never
    what the bundle claims.

    \b
    Examples:
      aigate verify evidence/v2.3 --key aigate.pub --subject dist/app-2.3.whl
      aigate verify evidence/v2.3 --certificate-oidc-issuer \\
          https://token.actions.githubusercontent.com --certificate-identity \\
          https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v2.3
    """
    from gate.errors import EXIT_POLICY_FAILED
    from gate.evidence import bundle

    keyless = certificate_identity is not None or certificate_oidc_issuer is not None
    if key is not None and keyless:
        raise click.UsageError("pass either --key or --certificate-identity/--oidc-issuer")
    verifier: Any = None
    if key is not None:
        from gate.evidence import sign_key

        if bundle.lies_inside(key, directory):
            raise InputError(
                key,
                "this key is inside the bundle being verified: a bundle that brings its own"
                " key proves nothing (whoever edited the bundle could replace both)",
                hint="pass the signer's public key from a source you trust (your keyring,"
                " the release page, the repository), not keys/aigate.pub from the bundle",
            )
        verifier = sign_key.KeyVerifier.from_file(key)
    elif keyless:
        from gate.evidence import sign_sigstore

        if not certificate_identity or not certificate_oidc_issuer:
            raise click.UsageError(
                "keyless verification needs both --certificate-identity and"
                " --certificate-oidc-issuer"
            )
        root = None
        if trust_config is not None:
            root = sign_sigstore.trust_config_from_json(_read_text(trust_config)).trusted_root
        verifier = sign_sigstore.SigstoreVerifier(
            identity=certificate_identity, issuer=certificate_oidc_issuer, trusted_root=root
        )
    elif trust_config is not None:
        raise click.UsageError("--trust-config is for keyless verification")
    result = bundle.verify(
        bundle.VerifyOptions(
            bundle=directory,
            verifier=verifier,
            subjects=subjects,
            allow_unsigned=allow_unsigned,
        )
    )
    click.echo(f"Verifying evidence bundle {directory}...")
    if result.criteria:
        click.echo("\nThe following policy criteria were enforced:")
        width = max(len(label) for label, _ in result.criteria) + 3
        for label, value in result.criteria:
            click.echo(f"- {(label + ':').ljust(width, '.')} {value}")
    click.echo("")
    for step in result.steps:
        click.echo(f"{'✓' if step.ok else '✗'} {step.name}: {step.detail}")
    for message in result.warnings:
        click.echo(f"warning: {message}", err=True)
    if not result.signed and result.ok:
        click.echo(
            "\nWARNING: this bundle is UNSIGNED (accepted with --allow-unsigned): its digests"
            " and the replay were checked, but nothing vouches for who made it.",
            err=True,
        )
    if result.ok:
        # The bundle is intact; what it records may still be a failed gate: say which.
        verdict = str(result.manifest.get("verdict", "unknown")).upper()
        click.echo(f"\n✓ Verification succeeded! The bundle records a {verdict} verdict.")
        return EXIT_PASS
    names = ", ".join(step.name for step in result.failures)
    click.echo(f"\n✗ Verification FAILED ({names})")
    return EXIT_POLICY_FAILED


def _register_publishing() -> None:
    from gate.publish.commands import fleet_group, publish_command

    main.add_command(publish_command)
    main.add_command(fleet_group)


_register_publishing()
