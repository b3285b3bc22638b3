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
import atexit
import os
import sys

TYPE_CHECKING = False  # typing itself is not loaded yet: the usual flag, without the import
if TYPE_CHECKING:
    from typing import NoReturn

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
    except SystemExit as done:
        leave(done.code)
    leave(0)


def leave(code: object) -> NoReturn:
    """End the process once the command is done, without the interpreter's teardown.

    Tearing down frees every object one by one and runs a last full collection over them
    (the knowledge tables, a scan's inventory and syntax trees): 0.2-0.4 s after a scan of
    diffusers had written its BOM, added to every run's wall time (issue 15). The exit
    handlers still run and the standard streams are flushed, as at a normal exit (a flush
    that fails, ``aigate scan | head``, exits 120 as Python does); only then is the process
    ended. A thread still running (none is, after a command) gets the normal exit, which
    waits for it; a message instead of a status is printed by it too."""
    import threading

    if not isinstance(code, int | None) or any(
        t is not threading.main_thread() and t.is_alive() and not t.daemon
        for t in threading.enumerate()
    ):
        raise SystemExit(code)
    status = code or 0
    try:
        atexit._run_exitfuncs()
    except KeyboardInterrupt:
        interrupted()
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue  # started with that descriptor closed (`2>&-`): nothing to flush
        try:
            stream.flush()
        except (OSError, ValueError):
            status = status or 120
    os._exit(status)
