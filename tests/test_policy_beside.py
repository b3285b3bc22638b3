"""The policy compiled in a thread while a large BOM is parsed (gate.forked.beside) judges
as when it was compiled first: same decision, and a policy or waiver error still comes
before any error of the BOM."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from gate import forked
from gate.errors import AigateError, PolicyError
from gate.pipeline import checking

GOLDEN = Path(__file__).resolve().parent / "goldens" / "demo-app.cdx16.json"


def test_beside_gives_the_value_or_raises_its_error_here() -> None:
    assert forked.beside(lambda: 42).result() == 42
    job = forked.beside(lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        job.result()
    with pytest.raises(ZeroDivisionError):
        job.result()


def test_a_fork_waits_for_the_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    real, threads = os.fork, []

    def fork() -> int:
        threads.append(threading.active_count())
        return real()

    monkeypatch.setattr(os, "fork", fork)
    job = forked.beside(lambda: time.sleep(0.2) or "slept")
    assert forked.start(lambda: "child").result() == "child"
    assert threads == [1]  # the child was forked once the thread had finished
    assert job.result() == "slept"


def _check(bom: Path, beside: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(checking, "_large", lambda path: beside and path is not None)
    options = checking.CheckOptions(bom=bom, policies=("release",), now="2026-11-26")
    try:
        result = checking.check(options)
    except AigateError as exc:
        return (type(exc).__name__, str(exc))
    return (repr(result.decision), result.policy_input, result.warnings)


def _both(bom: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    plain = _check(bom, False, monkeypatch)
    assert _check(bom, True, monkeypatch) == plain
    return plain


def test_same_decision_and_same_errors_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = _both(GOLDEN, monkeypatch)
    assert good[0].startswith("Decision(")
    bad = tmp_path / "bad.cdx.json"
    bad.write_text('{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": 5}')
    assert _both(bad, monkeypatch)[0] == "BomError"

    from gate.policy import packs, waivers

    def refuse_waivers(*args: Any, **kwargs: Any) -> Any:
        raise PolicyError("waivers.yaml", "refused waiver")

    with monkeypatch.context() as m:
        m.setattr(waivers, "load_waivers", refuse_waivers)
        for bom in (GOLDEN, bad):  # the waiver's error comes before the BOM's
            assert _both(bom, m) == ("PolicyError", "waivers.yaml: refused waiver")

    def refuse_engine(*args: Any, **kwargs: Any) -> Any:
        raise PolicyError("rules.rego", "does not compile")

    with monkeypatch.context() as m:
        m.setattr(packs, "build_engine", refuse_engine)
        m.setattr(waivers, "load_waivers", refuse_waivers)
        for bom in (GOLDEN, bad):  # the policy's error comes before both
            assert _both(bom, m) == ("PolicyError", "rules.rego: does not compile")
