"""Work done in a forked child while this process goes on: a check or a digest whose answer
is needed a little later (the schema validation of a large BOM while its components are
read; the policy input's digest while the policy is evaluated).

On a machine with a second core the two run side by side: ``aigate check --bom`` of a
10,000-component BOM spends ~0.5 s validating and ~0.5 s reading, one after the other
before. The answer is the same as calling the function here: a child that fails in any way
(killed, out of memory, an exception) is ignored and the function is called in this
process instead, so the outcome never depends on the fork. Without ``os.fork``, or with
other threads running (a child could inherit a lock one of them holds), or for small
inputs (the caller decides), the function is simply called here, first.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Pending(Generic[T]):
    """A value being computed, maybe in a forked child; :meth:`result` waits for it."""

    def __init__(self, fn: Callable[[], T]) -> None:
        self._fn = fn
        self._pid = 0
        self._fd = -1
        self._value: T | None = None
        self._done = False

    def result(self) -> T:
        """The function's value (computed here if the child did not deliver it)."""
        if not self._done:
            payload = self._collect()
            self._value = pickle.loads(payload) if payload is not None else self._fn()
            self._done = True
        return self._value  # type: ignore[return-value]

    def close(self) -> None:
        """Stop a child whose answer is no longer wanted (an error elsewhere)."""
        if self._pid and not self._done:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            self._collect()
            self._done = True

    def _collect(self) -> bytes | None:
        if not self._pid:
            return None
        chunks: list[bytes] = []
        # A read cut short by an exception (a signal handler's) has closed the pipe: the
        # answer is lost and computed here, the child is reaped by the next call (close()
        # kills it first), and the descriptor, maybe reused by then, is never closed twice.
        fd, self._fd = self._fd, -1
        if fd >= 0:
            try:
                while chunk := os.read(fd, 1 << 20):
                    chunks.append(chunk)
            except OSError:
                chunks = []
            finally:
                os.close(fd)
        _, status = os.waitpid(self._pid, 0)
        self._pid = 0
        if os.waitstatus_to_exitcode(status) != 0 or not chunks:
            return None
        return b"".join(chunks)


class Beside(Generic[T]):
    """A function running in a thread of this process (:func:`beside`)."""

    def __init__(self, fn: Callable[[], T]) -> None:
        self._fn = fn
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="aigate-beside", daemon=True)

    def _run(self) -> None:
        try:
            self._value = self._fn()
        except BaseException as exc:  # raised where the value is asked for
            self._error = exc

    def result(self) -> T:
        """The function's value, or its exception raised here, once it has finished."""
        self._thread.join()
        _BESIDE.discard(self)
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]


_BESIDE: set[Beside[Any]] = set()


def beside(fn: Callable[[], T]) -> Beside[T]:
    """``fn`` run in a thread while this one goes on: for work that spends its time in C
    code that releases the GIL (regopy compiling the policy's modules while the BOM is
    parsed). A fork waits for it first (:func:`start`): a child must not inherit a thread
    caught holding a lock."""
    job = Beside(fn)
    _BESIDE.add(job)
    job._thread.start()
    return job


def start(fn: Callable[[], T]) -> Pending[T]:
    """``fn`` started in a forked child (or, where that is not safe, called here now)."""
    pending = Pending(fn)
    for job in list(_BESIDE):  # finished first; its error stays for its own result()
        job._thread.join()
        _BESIDE.discard(job)
    if not hasattr(os, "fork") or threading.active_count() > 1:
        pending.result()
        return pending
    try:
        read_end, write_end = os.pipe()
    except OSError:  # out of descriptors: no child, the value is computed here
        pending.result()
        return pending
    try:
        pid = os.fork()
    except OSError:  # no process to be had (EAGAIN, ENOMEM): computed here, pipe closed
        os.close(read_end)
        os.close(write_end)
        pending.result()
        return pending
    if pid == 0:  # the child: compute, send, and leave without running any cleanup
        code = 70
        try:
            os.close(read_end)
            view = memoryview(pickle.dumps(fn(), protocol=pickle.HIGHEST_PROTOCOL))
            while view:
                view = view[os.write(write_end, view) :]
            code = 0
        except BaseException:  # the parent computes it again
            pass
        finally:
            os._exit(code)
    os.close(write_end)
    pending._pid, pending._fd = pid, read_end
    return pending
