"""Golden files: outputs compared byte for byte, regenerated on purpose.

Run ``AIGATE_UPDATE_GOLDENS=1 make pytest`` to rewrite them, then review the diff.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

GOLDENS = Path(__file__).resolve().parent / "goldens"


def check(name: str, actual: str) -> None:
    """Compare ``actual`` with ``tests/goldens/<name>`` (or rewrite it when asked)."""
    path = GOLDENS / name
    data = actual.encode("utf-8")
    if os.environ.get("AIGATE_UPDATE_GOLDENS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return
    if not path.exists():
        pytest.fail(f"{path} is missing: run AIGATE_UPDATE_GOLDENS=1 make pytest and review it")
    expected = path.read_bytes()
    if expected != data:
        diff = difflib.unified_diff(
            expected.decode("utf-8").splitlines(),
            actual.splitlines(),
            f"goldens/{name}",
            "actual",
            lineterm="",
        )
        shown = "\n".join(list(diff)[:80])
        pytest.fail(f"{name} differs from its golden file:\n{shown}")
