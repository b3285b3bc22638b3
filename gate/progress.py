"""Progress reporting without printing: the library calls an observer, the CLI draws."""

from __future__ import annotations

from typing import Protocol


class Observer(Protocol):
    """Receives progress from long-running stages."""

    def stage(self, name: str, total: int | None = None) -> None:
        """A stage starts; ``total`` is its number of units (bytes, files) when known."""

    def advance(self, amount: int = 1) -> None:
        """Units of the current stage were completed."""

    def warn(self, message: str) -> None:
        """Something the user should know, which is not an error."""

    def done(self) -> None:
        """The current stage ended."""


class NullObserver:
    """The default observer: records warnings, shows nothing."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def stage(self, name: str, total: int | None = None) -> None:
        """Ignore a stage start."""

    def advance(self, amount: int = 1) -> None:
        """Ignore progress."""

    def warn(self, message: str) -> None:
        """Keep the warning for the caller."""
        self.warnings.append(message)

    def done(self) -> None:
        """Ignore a stage end."""


def ignore_interrupts() -> None:
    """A worker process's initializer: Ctrl-C is the parent's to report, once."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
