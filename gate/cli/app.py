"""The ``aigate`` command group: every error is one actionable line and exit 2."""

from __future__ import annotations

import os
import sys
import traceback
from typing import Any

import click

from gate import __version__
from gate.errors import EXIT_ERROR, EXIT_PASS, AigateError


def _first_sentence(cmd: click.Command) -> str:
    """A command's first sentence, whole: the listing wraps it rather than cutting it."""
    if cmd.short_help:
        return cmd.short_help
    text = " ".join((cmd.help or "").split("\n\n", 1)[0].split())
    head, sep, _ = text.partition(". ")
    return head + "." if sep else text


class Listing(click.Group):
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


class AigateGroup(Listing):
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
