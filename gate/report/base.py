"""The report seam: a format is a pure function ``(Decision, Inventory) -> str``.

Each format lives in its own module with a ``NAME`` and a ``render`` function, listed
explicitly in :data:`gate.report.formats.FORMATS` (as discovery sources are listed in
:mod:`gate.discover.sources`). A renderer never prints, never reads the clock and never
touches the file system: the same decision gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable

from gate.errors import EXIT_PASS, EXIT_POLICY_FAILED
from gate.model import Decision, Inventory, Verdict

Render = Callable[[Decision, Inventory], str]


def exit_code(decision: Decision) -> int:
    """The gate's exit code for a decision: 0 pass, 1 policy failed."""
    return EXIT_POLICY_FAILED if decision.verdict is Verdict.FAIL else EXIT_PASS
