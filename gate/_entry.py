"""The ``aigate`` console entry point: Ctrl-C at any moment ends with one line and exit 130.

It imports nothing heavy itself, so that an interrupt while the command line and its
modules load is caught too (a traceback there is what a user saw); worker processes ignore
SIGINT (:func:`gate.progress.ignore_interrupts`) and leave the message and the exit code
to the parent.
"""

from __future__ import annotations

# sys is already loaded by the interpreter: importing this module does no work a Ctrl-C
# could interrupt before main()'s handler is in place (signal loads enum, functools and
# collections, so it is imported where it is used).
import sys

EXIT_INTERRUPTED = 130
"""128 + SIGINT, the shell's convention for a command ended by Ctrl-C."""


def interrupted() -> None:
    """Say so in one line and exit 130."""
    try:
        sys.stderr.write("\naigate: interrupted\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    raise SystemExit(EXIT_INTERRUPTED)


def main() -> None:
    """Run the command line; an interrupt anywhere (imports included) is one line."""
    try:
        from gate.cli import main as cli

        cli()
    except KeyboardInterrupt:
        interrupted()
