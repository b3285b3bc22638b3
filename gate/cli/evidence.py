"""Evidence: ``aigate keygen``, ``export`` (a signed bundle for auditors) and ``verify``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from gate.ci import CiEnvironment
from gate.cli import terminal
from gate.cli.app import main
from gate.cli.options import build_scan_options, judge_options, judged_path, scan_options
from gate.errors import EXIT_PASS, OptionsError
from gate.lazy import lazy_module

if TYPE_CHECKING:
    from gate import pipeline
else:
    pipeline = lazy_module("gate.pipeline")


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
    from gate.evidence.run import run_context
    from gate.evidence.signers import choose_signer
    from gate.report import text as text_report
    from gate.report.base import exit_code

    try:
        signer, public = choose_signer(sign, key, trust_config)
    except OptionsError as exc:
        raise click.UsageError(str(exc)) from exc
    ci = CiEnvironment.read()
    obs = terminal.observer()
    path = judged_path(path, bom)
    scan = None if bom is not None else build_scan_options(path, obs, **kw)
    result = pipeline.export(
        pipeline.ExportOptions(
            out=out,
            check=pipeline.CheckOptions(
                scan=scan,
                bom=bom,
                policies=policies,
                waiver_files=waiver_files,
                fail_on=fail_on,
                now=now,
                ref=ci.ref,
                ci=ci.ci,
                observer=obs,
            ),
            signer=signer,
            subjects=subjects,
            run=run_context(ci.environ, path if bom is None else Path(".")),
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
    terminal.flush_warnings(obs, quiet)
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
    from gate.evidence.signers import choose_verifier
    from gate.report import verification

    try:
        verifier = choose_verifier(
            directory, key, certificate_identity, certificate_oidc_issuer, trust_config
        )
    except OptionsError as exc:
        raise click.UsageError(str(exc)) from exc
    result = pipeline.verify(
        pipeline.VerifyOptions(
            bundle=directory,
            verifier=verifier,
            subjects=subjects,
            allow_unsigned=allow_unsigned,
        )
    )
    for line, to_stderr in verification.render(directory, result):
        click.echo(line, err=to_stderr)
    return EXIT_PASS if result.ok else EXIT_POLICY_FAILED
