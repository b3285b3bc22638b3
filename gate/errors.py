"""Errors that explain themselves, and the exit codes they map to.

Every error names the file (or input) and the problem in ``str(e)``; ``diagnostics()``
adds the cause and what to try. The CLI prints ``diagnostics()`` and exits 2: an error is
never a pass.
"""

from __future__ import annotations

from pathlib import Path

EXIT_PASS = 0
"""The gate passed (or a non-gating command succeeded)."""
EXIT_POLICY_FAILED = 1
"""The policy said no. Nothing else ever exits 1."""
EXIT_ERROR = 2
"""Usage, input, policy-loading, network or internal error: the gate could not decide."""


class AigateError(Exception):
    """Base of every error aigate raises on purpose."""

    hint: str = ""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        if hint:
            self.hint = hint

    def diagnostics(self) -> str:
        """A human explanation: the message, the cause if any, and a hint."""
        lines = [str(self)]
        cause = self.__cause__
        if cause is not None and str(cause) and str(cause) not in str(self):
            lines.append(f"  caused by: {type(cause).__name__}: {cause}")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


def _where(path: Path | str | None, line: int | None) -> str:
    if path is None:
        return ""
    return f"{path}:{line}: " if line else f"{path}: "


class LocatedError(AigateError):
    """An error about a place: a file (or an option, or None for no file), maybe a line, and
    the problem there. ``str(e)`` is ``path:line: problem``."""

    def __init__(
        self, path: Path | str | None, problem: str, *, line: int | None = None, hint: str = ""
    ) -> None:
        self.path = None if path is None else str(path)
        self.line = line
        self.problem = problem
        super().__init__(f"{_where(path, line)}{problem}", hint=hint)


class InputError(LocatedError):
    """A file or argument that aigate cannot read or understand."""


class BomError(InputError):
    """A CycloneDX document that is invalid or cannot be mapped."""


class PolicyError(LocatedError):
    """A policy module, pack, waiver or evaluation that cannot be trusted to decide."""


class OptionsError(AigateError):
    """Command-line options that do not go together (shown as a usage error, exit 2)."""


class NetworkError(AigateError):
    """A network call that failed or was refused by the offline guard."""

    hint = "check connectivity, HF_ENDPOINT and HF_TOKEN, or run without --online"


class GitError(AigateError):
    """git failed: history could not be read, which is never the same as 'no AI'."""


class SignatureError(AigateError):
    """Signing failed, or a signature could not be checked."""


class VerificationError(AigateError):
    """An evidence bundle did not verify (tampered, swapped, or signed by someone else)."""
