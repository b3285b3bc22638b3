"""The ``aigate`` command line: options → pipeline → render → exit code.

Exit codes: 0 pass, 1 policy failed, 2 usage/input/internal error, 130 interrupted (Ctrl-C,
one line, no traceback), so that 1 only ever means "the policy said no".

Each command module parses its options, calls :mod:`gate.pipeline`, renders with
:mod:`gate.report` and returns the exit code: ``inventory`` (scan, diff, explain), ``judge``
(check, policy test), ``evidence`` (keygen, export, verify); publishing's commands live in
:mod:`gate.publish.commands`. Importing a command module registers its commands on ``main``.
"""

from gate.cli import evidence, inventory, judge
from gate.cli.app import main


def _register_publishing() -> None:
    from gate.publish.commands import fleet_group, publish_command

    main.add_command(publish_command)
    main.add_command(fleet_group)


_register_publishing()

__all__ = ["evidence", "inventory", "judge", "main"]
