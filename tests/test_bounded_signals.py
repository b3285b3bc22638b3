"""A bounded evaluation's child ended by any signal is a clear PolicyError (exit 2), also a
signal Python's ``signal.Signals`` has no name for (a real-time one)."""

from __future__ import annotations

import os
import signal

import pytest

from gate.errors import PolicyError
from gate.policy import bounded


@pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(signal, "SIGRTMIN"), reason="POSIX")
def test_a_child_ended_by_an_unnamed_signal_is_a_policy_error() -> None:
    number = signal.SIGRTMIN + 1  # terminates by default; not a member of signal.Signals

    def ended() -> None:
        os.kill(os.getpid(), number)

    with pytest.raises(PolicyError, match=f"signal {int(number)}"):
        bounded.call(ended)
