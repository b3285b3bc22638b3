"""The main loop: tree → evidence → inventory → (BOM, decision) → evidence bundle.

The pipeline owns every orchestration: ``scan`` (a tree to its inventory), ``check`` (an
inventory or a BOM judged by the policy, against a baseline if asked), ``baseline.load``
(the other side of a comparison), ``export`` and ``verify`` (the evidence bundle), and
``explain`` (one model's origin chain). Each stage is a function of typed values, so it can
be run alone; the CLI only calls these.

Evidence and explain are imported when first used: a scan or a check does not load the
bundle's writers, the signers or the reports the bundle holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gate.pipeline.checking import CheckOptions, CheckResult, check
from gate.pipeline.scanning import ScanOptions, ScanResult, discover, load_bom, scan, with_origins

if TYPE_CHECKING:
    from gate.evidence.verify import VerifyOptions, VerifyResult
    from gate.pipeline.evidence import ExportOptions, ExportResult, export, verify
    from gate.pipeline.explaining import ExplainOptions, explain

_LATER = {
    "ExportOptions": "gate.pipeline.evidence",
    "ExportResult": "gate.pipeline.evidence",
    "export": "gate.pipeline.evidence",
    "verify": "gate.pipeline.evidence",
    "VerifyOptions": "gate.evidence.verify",
    "VerifyResult": "gate.evidence.verify",
    "ExplainOptions": "gate.pipeline.explaining",
    "explain": "gate.pipeline.explaining",
}

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
    "check",
    "discover",
    "explain",
    "export",
    "load_bom",
    "scan",
    "verify",
    "with_origins",
]


def __getattr__(name: str) -> Any:
    """Export, verify and explain, imported from their modules when first read."""
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(f"module 'gate.pipeline' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
