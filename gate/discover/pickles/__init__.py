"""Which globals a pickle imports, read from its opcodes alone: nothing is ever unpickled.

A pickle runs code only through the callables it imports (``GLOBAL``, ``STACK_GLOBAL``,
``INST``) and calls. This reader walks the opcode stream with a small model of the
unpickler's stack and memo, so that ``STACK_GLOBAL`` names built from memoised strings are
resolved too; names it cannot resolve statically are themselves a finding. Every length
in the stream is bounded: big payloads are skipped, never allocated.

The package's parts: ``opcodes`` (the opcode table), ``source`` (bounded reads), ``values``
(what the stack model holds), ``machine`` (one pickle read to its STOP), ``rules`` (which
imports are dangerous, safe or unknown), ``result`` (the record and its findings); this
module reads a whole stream, pickle after pickle.
"""

from __future__ import annotations

import io
import os
import re
from typing import BinaryIO, Final

from gate.discover.pickles.machine import (
    MAX_CAPTURE,
    MAX_MEMO_ENTRIES,
    MAX_MEMO_TEXT,
    MAX_MODELLED,
    MAX_NESTED,
    MAX_OPCODES,
    TORCH_MAGIC,
    _Scanner,
)
from gate.discover.pickles.opcodes import opcode_bytes
from gate.discover.pickles.result import MAX_LISTED, PickleScan
from gate.discover.pickles.rules import classify, import_rules
from gate.discover.pickles.source import MAX_LINE, _Source, _StopError, _StreamError

__all__ = [
    "MAX_CAPTURE",
    "MAX_LINE",
    "MAX_LISTED",
    "MAX_MEMO_ENTRIES",
    "MAX_MEMO_TEXT",
    "MAX_MODELLED",
    "MAX_NESTED",
    "MAX_OPCODES",
    "TORCH_LEGACY_PICKLES",
    "TORCH_MAGIC",
    "PickleScan",
    "classify",
    "import_rules",
    "opcode_bytes",
    "scan_bytes",
    "scan_file",
    "scan_stream",
]

TORCH_LEGACY_PICKLES: Final = 5
"""Pickles ``torch.load`` reads from a legacy file: magic, protocol, system info, the
object, the storage keys (then raw storage bytes, which are no pickle)."""
_JOBLIB_ARRAY: Final = ("joblib.numpy_pickle", "NumpyArrayWrapper")


def scan_stream(fh: BinaryIO, size: int | None = None) -> PickleScan:
    """Read the opcodes of the pickle(s) in ``fh`` and report what they import.

    ``size`` is the stream's length when known (it bounds skips). A loader may call
    ``pickle.load`` again and again on one stream (legacy ``torch.save`` files hold five
    pickles, at any protocol, then raw storage bytes), so pickles are read one after another
    until one does not parse; what follows that point is noted as data, not parsed further.
    """
    result = PickleScan()
    src = _Source(fh, size)
    scanner = _Scanner(src, result)
    underflow = False
    try:
        while True:
            first = result.pickles == 0
            # A later pickle is read into its own record: it may be raw data that happens to
            # start like a pickle, whose "imports" are noise.
            part = result if first else PickleScan(opcodes=result.opcodes)
            legacy_part = result.torch_legacy and result.pickles < TORCH_LEGACY_PICKLES
            scanner.result = part
            scanner.underflow = False
            try:
                scanner.run_one()
            except _StopError as stop:
                if first or stop.kind == "oversized-header" or isinstance(stop, _StreamError):
                    _merge(result, part, complete=not first)
                    result.problem = (stop.kind, stop.detail)
                    if _JOBLIB_ARRAY in result.globals and stop.detail.startswith("unknown"):
                        # joblib writes each NumPy array's raw bytes into the opcode stream
                        # (its loader reads them itself): a scan cannot step over them.
                        result.problem = (
                            "malformed-header",
                            f"joblib array data ({stop.detail}): imports after the first"
                            " array were not read",
                        )
                        result.joblib_arrays = True
                elif legacy_part:
                    # torch.load reads five pickles from a legacy file: one of them that
                    # does not parse here is one whose imports were not judged.
                    _merge(result, part, complete=False)
                    result.problem = (
                        "malformed-header",
                        f"legacy torch.save pickle {result.pickles + 1} of"
                        f" {TORCH_LEGACY_PICKLES} cannot be read ({stop.detail}): torch.load"
                        " reads it, so what it imports was not judged",
                    )
                else:
                    # The data after the last pickle. A loader that reads it as one runs
                    # the imports it meets before the damage, so real names still count.
                    _merge(result, part, complete=False)
                    result.trailing_data = True
                break
            finally:
                scanner.result = result
            if not first:
                _merge(result, part, complete=True)
            underflow = underflow or scanner.underflow
            if src.peek() is None:
                break
    except OSError as exc:
        result.problem = ("truncated-file", f"cannot read the stream: {exc}")
    if underflow and result.problem is None:
        result.problem = ("malformed-header", "opcodes pop more than the stack holds")
    return result


_PYTHON_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\Z")


def _merge(into: PickleScan, part: PickleScan, *, complete: bool) -> None:
    """Add what a later pickle imported to the stream's record.

    From a pickle that did not parse to its end only imports named like Python modules
    and attributes are kept: raw bytes read as opcodes make up other names.
    """
    if part is into:
        return
    into.opcodes = part.opcodes
    if complete:
        into.globals |= part.globals
        into.computed_imports += part.computed_imports
        into.extensions |= part.extensions
        into.pickles += part.pickles
        if into.protocol is None:
            into.protocol = part.protocol
        return
    into.globals |= {
        (m, n) for m, n in part.globals if _PYTHON_NAME.match(m) and _PYTHON_NAME.match(n)
    }


def scan_file(path: str | os.PathLike[str]) -> PickleScan:
    """Scan a pickle file (see :func:`scan_stream`)."""
    with open(path, "rb") as fh:
        return scan_stream(fh, os.fstat(fh.fileno()).st_size)


def scan_bytes(data: bytes) -> PickleScan:
    """Scan an in-memory pickle (see :func:`scan_stream`)."""
    return scan_stream(io.BytesIO(data), len(data))
