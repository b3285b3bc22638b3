"""aigate: a policy-as-code supply-chain gate for AI provenance.

Library use::

    from pathlib import Path
    import gate

    result = gate.scan(gate.ScanOptions(root=Path(".")))
    for component in result.inventory.components:
        print(component.id, component.publisher)

    checked = gate.check(gate.CheckOptions(scan=gate.ScanOptions(root=Path(".")),
                                           policies=("release",)))
    print(checked.decision.verdict)

The front door is ``scan``, ``check``, ``explain``, ``export`` and ``verify`` with their
options (from :mod:`gate.pipeline`, loaded on first use so that ``import gate`` stays
instant). The library never prints and never exits; :mod:`gate.cli` does both.
"""

from __future__ import annotations

__version__ = "0.1.0"

# Nothing is imported when `gate` is: the console entry point (gate._entry) is inside this
# package and must have its Ctrl-C handler in place before any work can be interrupted
# (type checkers read TYPE_CHECKING as true).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from gate.pipeline import (
        CheckOptions,
        CheckResult,
        ExplainOptions,
        ExportOptions,
        ExportResult,
        ScanOptions,
        ScanResult,
        VerifyOptions,
        VerifyResult,
        check,
        explain,
        export,
        scan,
        verify,
    )

_FRONT_DOOR = frozenset(
    {
        "scan",
        "ScanOptions",
        "ScanResult",
        "check",
        "CheckOptions",
        "CheckResult",
        "explain",
        "ExplainOptions",
        "export",
        "ExportOptions",
        "ExportResult",
        "verify",
        "VerifyOptions",
        "VerifyResult",
    }
)

__all__ = [
    "CheckOptions",
    "CheckResult",
    "ExplainOptions",
    "ExportOptions",
    "ExportResult",
    "ScanOptions",
    "ScanResult",
    "VerifyOptions",
    "VerifyResult",
    "__version__",
    "check",
    "explain",
    "export",
    "scan",
    "verify",
]


def __getattr__(name: str) -> Any:
    """The front door's names, imported from :mod:`gate.pipeline` when first read."""
    if name not in _FRONT_DOOR:
        raise AttributeError(f"module 'gate' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module("gate.pipeline"), name)
    globals()[name] = value
    return value
