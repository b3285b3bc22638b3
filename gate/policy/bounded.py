"""Policy evaluation under a memory and time limit: a Rego module cannot exhaust the machine.

regopy evaluates in-process and has no limits of its own, so a module (or a bundled pack's
module) with ``numbers.range(1, 300000000)`` grows until the machine runs out of memory.
:func:`call` runs the evaluation in a forked child of this process (which inherits the
compiled policy, so nothing is rebuilt), with ``RLIMIT_AS`` raised only by a budget above
what the process already maps and ``RLIMIT_CPU`` at the time budget (CPU time, so a loaded CI
machine does not turn a slow evaluation into a failure), and kills it past a generous
wall-clock backstop. The child sends back the result
(or the error it raised) through a pipe; the parent never evaluates anything itself, so the
decision is the same one an unbounded evaluation gives.

Where ``fork`` is unavailable (Windows) the evaluation runs in-process, unbounded.
"""

from __future__ import annotations

import faulthandler
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from typing import Any, TypeVar

from gate.errors import AigateError, PolicyError

T = TypeVar("T")

MEMORY_MB = 2048
"""Default memory budget (MiB) an evaluation may add to what the process already maps."""
SECONDS = 300.0
"""Default CPU time (seconds) an evaluation may use."""
WALL_FACTOR = 10
"""The wall-clock backstop, as a multiple of the CPU budget (a child stuck without using CPU)."""
MEMORY_ENV = "AIGATE_POLICY_MEMORY_MB"
SECONDS_ENV = "AIGATE_POLICY_SECONDS"

_HINT = (
    "a rule builds something huge (numbers.range over millions, a cross product of large"
    " collections): fix the module; raise the limit with {env} if the input is really that big"
)


def _limit(name: str, default: float) -> float:
    raw = os.environ.get(name, "")
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise PolicyError(None, f"{name}={raw!r} is not a number") from None
    if value <= 0:
        raise PolicyError(None, f"{name}={raw!r} must be positive")
    return value


def _mapped_bytes() -> int | None:
    """The virtual memory this process maps now (Linux), or None when unknown."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


def available() -> bool:
    """Whether evaluations are bounded on this platform."""
    return hasattr(os, "fork")


def call(fn: Callable[[], T], *, what: str = "policy evaluation") -> T:
    """``fn()`` in a forked child under the memory and time budget; its result or its error.

    An :class:`AigateError` raised by ``fn`` is raised here unchanged. Exceeding a budget is a
    PolicyError (exit 2) that says which limit and how to raise it.
    """
    if not available():
        return fn()
    memory = int(_limit(MEMORY_ENV, MEMORY_MB) * 1024 * 1024)
    seconds = _limit(SECONDS_ENV, SECONDS)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: evaluate, send, and leave without running any cleanup
        os.close(read_end)
        code = 0
        # An engine that runs out of memory aborts: that is reported by the parent, so no
        # traceback dump from the child (pytest and python -X faulthandler enable one).
        faulthandler.disable()
        try:
            base = _mapped_bytes()
            if base is not None:
                cap = base + memory
                resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
            # A forked child's CPU time starts at zero: SIGXCPU ends it at the budget.
            cpu = max(1, int(seconds + 0.5))
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
            try:
                payload = pickle.dumps(("ok", fn()), protocol=pickle.HIGHEST_PROTOCOL)
            except PolicyError as exc:
                fields = (exc.path, exc.problem, exc.line, exc.hint)
                payload = pickle.dumps(("policy-error", fields))
            except AigateError as exc:
                payload = pickle.dumps(("error", (str(exc), exc.hint)))
            except MemoryError:
                payload = pickle.dumps(("memory", None))
            except Exception as exc:  # a bug: say what it was instead of a bare exit status
                payload = pickle.dumps(("internal", f"{type(exc).__name__}: {exc}"[:500]))
            view = memoryview(payload)
            while view:
                written = os.write(write_end, view)
                view = view[written:]
        except BaseException:
            code = 70
        finally:
            os._exit(code)
    os.close(write_end)
    result: T = _collect(pid, read_end, seconds, memory, what)
    return result


def _collect(pid: int, fd: int, seconds: float, memory: int, what: str) -> Any:
    deadline = time.monotonic() + seconds * WALL_FACTOR
    chunks: list[bytes] = []
    timed_out = False
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                break
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(fd)
        if timed_out:
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    cpu_out = os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGXCPU
    if timed_out or cpu_out:
        spent = f"{seconds:g} s of CPU time" if cpu_out else f"{seconds * WALL_FACTOR:g} s"
        raise PolicyError(
            None,
            f"{what} took more than {spent} and was stopped",
            hint=_HINT.format(env=SECONDS_ENV),
        )
    data = b"".join(chunks)
    if os.WIFSIGNALED(status) and os.WTERMSIG(status) in (signal.SIGSEGV, signal.SIGBUS):
        name = _signal_name(os.WTERMSIG(status))
        raise PolicyError(
            None,
            f"{what} crashed the Rego engine ({name}); aigate stopped it, nothing was judged",
            hint="a construct regopy cannot evaluate: simplify the rule that was added last",
        )
    mib = memory // (1024 * 1024)
    if os.WIFSIGNALED(status):
        name = _signal_name(os.WTERMSIG(status))
        raise PolicyError(
            None,
            f"{what} was ended by {name} before it finished: the Rego engine ends this way"
            f" when it needs more than {mib} MiB of memory",
            hint=_HINT.format(env=MEMORY_ENV),
        )
    if not data or os.WEXITSTATUS(status) != 0:
        raise PolicyError(
            None,
            f"{what} exited with status {os.WEXITSTATUS(status)} before sending its result"
            f" (memory budget {mib} MiB)",
            hint=_HINT.format(env=MEMORY_ENV),
        )
    kind, value = pickle.loads(data)
    if kind == "memory":
        raise PolicyError(
            None,
            f"{what} needed more than {memory // (1024 * 1024)} MiB of memory and was stopped",
            hint=_HINT.format(env=MEMORY_ENV),
        )
    if kind == "policy-error":
        path, problem, line, hint = value
        raise PolicyError(path, problem, line=line, hint=hint)
    if kind == "error":
        message, hint = value
        raise AigateError(message, hint=hint)
    if kind == "internal":
        raise PolicyError(
            None,
            f"{what} failed inside aigate ({value}); nothing was judged",
            hint="this is a bug in aigate: report it with the policy pack and the BOM",
        )
    return value


def _signal_name(number: int) -> str:
    """SIGKILL, say; "signal 35" for one the ``signal.Signals`` enum has no member for (the
    real-time signals between SIGRTMIN and SIGRTMAX), rather than a ValueError."""
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
