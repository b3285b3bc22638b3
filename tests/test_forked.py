"""Work in a forked child (gate.forked) gives what calling the function here gives, and a
large BOM validated beside its reading is judged exactly as one validated first."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path
from typing import Any

import pytest

from gate import forked
from gate.bom.cyclonedx import read
from gate.errors import BomError

GOLDEN = Path(__file__).resolve().parent / "goldens" / "demo-app.cdx16.json"


def test_the_value_comes_from_the_child() -> None:
    parent = os.getpid()
    pending = forked.start(lambda: ("pid", os.getpid()))
    assert pending.result() != ("pid", parent)
    assert pending.result() == pending.result()


def test_a_child_that_fails_is_done_again_here() -> None:
    parent = os.getpid()

    def only_here() -> str:
        if os.getpid() != parent:
            raise MemoryError
        return "here"

    assert forked.start(only_here).result() == "here"

    def killed() -> str:
        if os.getpid() != parent:
            os._exit(9)
        return "again"

    assert forked.start(killed).result() == "again"


def test_an_error_of_the_function_is_raised_here() -> None:
    def fails() -> None:
        raise ValueError("no")

    with pytest.raises(ValueError, match="no"):
        forked.start(fails).result()


def test_a_closed_child_is_stopped() -> None:
    pending = forked.start(lambda: __import__("time").sleep(30))
    pending.close()
    pending.close()


def _counting_forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """os.fork wrapped to count the parent's calls (so a comparison of the two paths cannot
    pass by both of them running here)."""
    real, parent, calls = os.fork, os.getpid(), []

    def fork() -> int:
        if os.getpid() == parent:
            calls.append(1)
        return real()

    monkeypatch.setattr(os, "fork", fork)
    return calls


def _read(path: Path, parallel: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(read, "PARALLEL_FROM", 0 if parallel else 10**12)
    forks = _counting_forks(monkeypatch)
    try:
        got = read.read_bom_detail(path)
    except BomError as exc:
        return ("error", str(exc))
    finally:
        assert bool(forks) == parallel, "the forked path was not taken"
    return (repr(got.inventory), got.warnings, got.foreign)


def _variants(tmp_path: Path) -> list[Path]:
    doc = json.loads(GOLDEN.read_text())
    out = [GOLDEN]

    def write(name: str, value: dict[str, Any]) -> None:
        path = tmp_path / f"{name}.cdx.json"
        path.write_text(json.dumps(value))
        out.append(path)

    bad = json.loads(json.dumps(doc))
    bad["components"][0]["properties"] = "not a list"  # refused, and the reader stumbles
    write("properties", bad)
    bad = json.loads(json.dumps(doc))
    bad["components"][0]["type"] = "not-a-type"  # refused, read fine
    write("type", bad)
    twice = json.loads(json.dumps(doc))
    twice["components"].append(dict(twice["components"][0]))  # not unique
    write("twice", twice)
    foreign = json.loads(json.dumps(doc))
    for comp in foreign["components"]:
        comp.pop("properties", None)
    write("foreign", foreign)
    return out


def test_a_large_bom_is_judged_as_when_validated_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = set()
    for path in _variants(tmp_path):
        plain = _read(path, False, monkeypatch)
        assert _read(path, True, monkeypatch) == plain, path.name
        seen.add(plain[0] == "error")
    assert seen == {True, False}


def _judged(doc: dict[str, Any], engine: Any, apart: bool, monkeypatch: pytest.MonkeyPatch) -> Any:
    from gate.errors import PolicyError
    from gate.pipeline import checking

    monkeypatch.setattr(checking, "APART_FROM", 0 if apart else 10**9)
    monkeypatch.setattr(forked, "start", _counted_start)
    started = _STARTED.copy()
    try:
        findings, digest = checking._evaluated(engine, doc)
    except PolicyError as exc:
        return ("error", str(exc))
    finally:
        # Both the check and the digest went to a child (or neither: below the threshold).
        assert len(_STARTED) - len(started) == (2 if apart else 0)
    return (findings, digest)


_STARTED: list[int] = []
_REAL_START = forked.start


def _counted_start(fn: Any) -> Any:
    pending = _REAL_START(fn)
    if pending._pid:  # a child was forked for it
        _STARTED.append(pending._pid)
    return pending


def test_an_input_checked_beside_its_evaluation_is_judged_as_when_checked_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from decisions import inventory

    from gate.errors import PolicyError
    from gate.policy import input as policy_input
    from gate.policy import packs

    engine = packs.build_engine(packs.load_policy(("release",)))
    doc = policy_input.build_input(inventory(), policy_input.InputContext(now="2026-11-26"))
    good = _judged(doc, engine, False, monkeypatch)
    assert good[0] and _judged(doc, engine, True, monkeypatch) == good

    bad = json.loads(json.dumps(doc))
    bad["components"][0]["role"] = 5
    refused = _judged(bad, engine, False, monkeypatch)
    assert refused[0] == "error" and "schema" in refused[1]
    assert _judged(bad, engine, True, monkeypatch) == refused

    class Failing:
        def evaluate(self, doc: Any) -> Any:
            raise PolicyError(None, "the engine failed")

    # The schema's refusal wins over the engine's failure; a valid input shows the latter.
    assert _judged(bad, Failing(), True, monkeypatch) == refused
    assert _judged(doc, Failing(), True, monkeypatch) == ("error", "the engine failed")


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")
def test_a_fork_that_fails_is_done_here(monkeypatch: pytest.MonkeyPatch) -> None:
    before = _open_fds()

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert forked.start(lambda: "here").result() == "here"
    assert _open_fds() == before  # the pipe made for the child is closed


class _InterruptedError(Exception):
    pass


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="needs setitimer")
@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")
def test_a_wait_interrupted_by_a_signal_leaves_no_child_and_no_fd() -> None:
    before = _open_fds()

    def interrupt(signum: int, frame: object) -> None:
        raise _InterruptedError

    pending = forked.start(lambda: __import__("time").sleep(30))
    pid = pending._pid
    assert pid  # forked
    previous = signal.signal(signal.SIGALRM, interrupt)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with pytest.raises(_InterruptedError):
            pending.result()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    pending.close()  # as the callers do on any exception: no error of its own
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped
    assert _open_fds() == before


def test_a_closed_child_is_reaped() -> None:
    pending = forked.start(lambda: __import__("time").sleep(30))
    pid = pending._pid
    pending.close()
    if pid:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_without_fork_the_function_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(os, "fork")
    pending = forked.start(lambda: os.getpid())
    assert pending.result() == os.getpid()
    pending.close()  # nothing to stop
    assert pending.result() == os.getpid()


def _interrupted_while_joining(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, int]]:
    """Every forked.start records its Pending and child, and result() is interrupted (as by
    Ctrl-C) when a caller joins."""
    made: list[tuple[Any, int]] = []

    def start(fn: Any) -> Any:
        pending = _REAL_START(fn)
        made.append((pending, pending._pid))
        return pending

    def interrupted(self: Any) -> Any:
        raise KeyboardInterrupt

    monkeypatch.setattr(forked, "start", start)
    monkeypatch.setattr(forked.Pending, "result", interrupted)
    return made


def _reaped(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_an_interrupted_join_stops_and_reaps_the_children(monkeypatch: pytest.MonkeyPatch) -> None:
    from decisions import inventory

    from gate.pipeline import checking
    from gate.policy import input as policy_input
    from gate.policy import packs

    monkeypatch.setattr(read, "PARALLEL_FROM", 0)
    made = _interrupted_while_joining(monkeypatch)
    with pytest.raises(KeyboardInterrupt):
        read.read_bom_detail(GOLDEN)
    assert len(made) == 1
    engine = packs.build_engine(packs.load_policy(("release",)))
    doc = policy_input.build_input(inventory(), policy_input.InputContext(now="2026-11-26"))
    monkeypatch.setattr(checking, "APART_FROM", 0)
    with pytest.raises(KeyboardInterrupt):
        checking._evaluated(engine, doc)
    assert len(made) == 3 and all(pid for _, pid in made)  # three children were forked
    assert all(pending._pid == 0 for pending, _ in made)  # each was stopped (close())
    assert all(_reaped(pid) for _, pid in made)  # and reaped: no zombie
