"""The main loop: tree → evidence → inventory → (BOM, decision) → evidence bundle.

The pipeline owns every orchestration: ``scan`` (a tree to its inventory), ``check`` (an
inventory or a BOM judged by the policy, against a baseline if asked), ``baseline.load``
(the other side of a comparison), ``export`` and ``verify`` (the evidence bundle), and
``explain`` (one model's origin chain). Each stage
is a function of typed values, so it can be run alone; the CLI only calls these.
"""

from gate.evidence.verify import VerifyOptions, VerifyResult
from gate.pipeline.checking import CheckOptions, CheckResult, check
from gate.pipeline.evidence import ExportOptions, ExportResult, export, verify
from gate.pipeline.explaining import ExplainOptions, explain
from gate.pipeline.scanning import ScanOptions, ScanResult, discover, load_bom, scan, with_origins

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
