"""``aigate publish`` and ``aigate fleet report``: AI-BOMs into and out of Dependency-Track."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from gate import files
from gate.errors import EXIT_PASS, InputError

API_KEY_ENV = "DT_API_KEY"
DEFAULT_LISTS = ("us-15cfr791.4",)


def _api_key() -> str:
    key = os.environ.get(API_KEY_ENV, "").strip()
    if not key:
        raise InputError(
            API_KEY_ENV,
            "no Dependency-Track API key in the environment",
            hint=f"export {API_KEY_ENV}=... (from a CI secret); a key is never taken on the"
            " command line, where it would land in shell history and process lists",
        )
    return key


def _country_lists(names: Sequence[str]) -> dict[str, tuple[str, ...]]:
    from gate.registry import Registry

    known = Registry().country_lists
    lists: dict[str, tuple[str, ...]] = {}
    for name in names:
        if name not in known:
            raise click.BadParameter(
                f"unknown country list {name!r} (known: {', '.join(sorted(known))})",
                param_hint="--country-list",
            )
        lists[name] = tuple(known[name])
    return lists


def _client(url: str, ca_bundle: Path | None, timeout: float) -> Any:
    from gate.net import Net
    from gate.publish.dtrack import DependencyTrack

    if ca_bundle is not None and not ca_bundle.is_file():
        raise InputError(ca_bundle, "CA bundle not found")
    return DependencyTrack(
        url,
        _api_key(),
        net=Net(online=True),
        ca_bundle=str(ca_bundle) if ca_bundle is not None else None,
        poll_timeout=timeout,
    )


def server_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command that talks to Dependency-Track shares."""
    for decorate in reversed(
        [
            click.option(
                "--dependency-track",
                "url",
                required=True,
                metavar="URL",
                help="The Dependency-Track server's base URL (the API key is read from"
                " DT_API_KEY).",
            ),
            click.option(
                "--country-list",
                "country_lists",
                multiple=True,
                metavar="ID",
                help="Country lists a component is checked against (default us-15cfr791.4).",
            ),
            click.option(
                "--ca-bundle",
                type=click.Path(path_type=Path, dir_okay=False),
                default=None,
                help="CA certificates to verify the server with (TLS is never switched off).",
            ),
        ]
    ):
        fn = decorate(fn)
    return fn


def _parent(value: str | None) -> tuple[str, str] | None:
    if value is None:
        return None
    name, sep, version = value.rpartition("@")
    if not sep or not name or not version:
        raise click.BadParameter("expected NAME@VERSION", param_hint="--parent")
    return name, version


def _verdict(decision: Any) -> Any:
    from gate.model import Level
    from gate.publish.portable import Verdict

    status: dict[str, str] = {}
    for finding in decision.findings:
        if finding.component is None or finding.waived_by is not None:
            continue
        ident = str(finding.component)
        if finding.level is Level.DENY:
            status[ident] = "deny"
        elif finding.level is Level.WARN and status.get(ident) != "deny":
            status[ident] = "warn"
    return Verdict(verdict=str(decision.verdict), packs=tuple(decision.packs), status=status)


def _bom_document(
    path: Path | None,
    bom: Path | None,
    policies: Sequence[str],
    waivers: Sequence[Path],
    now: str | None,
) -> tuple[dict[str, Any], Any]:
    """The BOM to publish (given, or scanned from PATH) and the verdict when asked for."""
    from gate import pipeline
    from gate.bom import cyclonedx

    if bom is not None and path is not None:
        raise click.UsageError("give PATH to scan or --bom FILE, not both")
    if bom is not None:
        text = files.read_text_bounded(bom, files.MAX_BOM_FILE)
        try:
            doc = json.loads(text)
        except ValueError as exc:
            raise InputError(bom, f"not JSON: {exc}", hint="publish takes a JSON BOM") from exc
        if not isinstance(doc, dict) or doc.get("bomFormat") != "CycloneDX":
            raise InputError(bom, "not a CycloneDX JSON BOM")
        verdict = None
        if policies:
            result = pipeline.check(
                pipeline.CheckOptions(
                    bom=bom, policies=tuple(policies), waiver_files=tuple(waivers), now=now
                )
            )
            verdict = _verdict(result.decision)
        return doc, verdict
    root = path or Path(".")
    options = pipeline.ScanOptions(root=root)
    if policies:
        result = pipeline.check(
            pipeline.CheckOptions(
                scan=options, policies=tuple(policies), waiver_files=tuple(waivers), now=now
            )
        )
        inventory, verdict = result.inventory, _verdict(result.decision)
    else:
        inventory, verdict = pipeline.scan(options).inventory, None
    return json.loads(cyclonedx.write_bom(inventory, fmt="json", spec="1.6")), verdict


@click.command("publish")
@click.argument("path", required=False, type=click.Path(path_type=Path, exists=True))
@server_options
@click.option("--project", required=True, help="Project name in Dependency-Track.")
@click.option("--version", "version", required=True, help="Project version (the release).")
@click.option(
    "--parent",
    default=None,
    metavar="NAME@VERSION",
    help="Parent project (a product or team grouping).",
)
@click.option("--tag", "tags", multiple=True, help="Project tag (repeatable).")
@click.option(
    "--bom",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    default=None,
    help="Publish this CycloneDX JSON BOM instead of scanning PATH.",
)
@click.option(
    "--policy",
    "policies",
    multiple=True,
    metavar="PACK",
    help="Also judge the BOM and publish each component's status and the verdict.",
)
@click.option(
    "--waivers",
    "waivers",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="Waiver file for --policy (repeatable).",
)
@click.option("--now", default=None, metavar="DATE", help="Judge waivers as of this day.")
@click.option(
    "--timeout",
    default=600.0,
    show_default=True,
    help="Seconds to wait for the server to process the BOM.",
)
@click.option("--no-wait", is_flag=True, help="Return once the upload is accepted.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write the BOM as published (with its aigate: properties).",
)
def publish_command(
    path: Path | None,
    url: str,
    project: str,
    version: str,
    parent: str | None,
    tags: tuple[str, ...],
    bom: Path | None,
    policies: tuple[str, ...],
    waivers: tuple[Path, ...],
    now: str | None,
    country_lists: tuple[str, ...],
    ca_bundle: Path | None,
    timeout: float,
    no_wait: bool,
    output: Path | None,
) -> int:
    """Upload the AI-BOM of PATH (or --bom FILE) to Dependency-Track.

    Countries, serving hosts, lineage, licence category and the policy status travel as
    aigate:-grouped component properties, which Dependency-Track keeps (it drops modelCard,
    pedigree and addresses); see docs/dependency-track.md.

    \b
    Examples:
      DT_API_KEY=... aigate publish . --dependency-track https://dtrack.example.com \\
          --project shop-api --version 1.4.0 --tag team-payments --policy release
      aigate publish --bom aibom.cdx.json --dependency-track $DT_URL --project x --version 2
    """
    from gate.publish.portable import portable

    client = _client(url, ca_bundle, timeout)
    lists = _country_lists(country_lists or DEFAULT_LISTS)
    doc, verdict = _bom_document(path, bom, policies, waivers, now)
    published = portable(doc, concern=lists, verdict=verdict)
    data = (json.dumps(published, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()
    if output is not None:
        output.write_bytes(data)
    token = client.upload(data, project=project, version=version, parent=_parent(parent), tags=tags)
    click.echo(f"uploaded {project} {version} to {client.base} (token {token})", err=True)
    if not no_wait:
        client.wait(token)
        click.echo("Dependency-Track has processed the BOM", err=True)
    if verdict is not None:
        click.echo(f"published verdict: {verdict.verdict}", err=True)
    return EXIT_PASS


@click.group("fleet")
def fleet_group() -> None:
    """Questions across many releases' AI-BOMs (read from Dependency-Track)."""


@fleet_group.command("report")
@server_options
@click.option("--tag", default=None, help="Only projects with this tag.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown", "csv"]),
    default="text",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), default=None)
def fleet_report(
    url: str,
    tag: str | None,
    fmt: str,
    country_lists: tuple[str, ...],
    ca_bundle: Path | None,
    output: Path | None,
) -> int:
    """Which releases use models or assistants published or served in a listed country,
    which origins are unknown, which licence categories are in use: across every project.

    \b
    Examples:
      aigate fleet report --dependency-track https://dtrack.example.com
      aigate fleet report --dependency-track $DT_URL --tag team-payments --format csv
    """
    from gate.publish import fleet

    client = _client(url, ca_bundle, 60.0)
    lists = _country_lists(country_lists or DEFAULT_LISTS)
    boms: list[tuple[str, Mapping[str, Any]]] = []
    for project in client.projects(tag):
        label = f"{project.name}@{project.version}" if project.version else project.name
        boms.append((label, client.bom(project)))
    text = fleet.render(fleet.build(boms, lists), fmt)
    if output is not None:
        output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    return EXIT_PASS
