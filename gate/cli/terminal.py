"""The terminal side of a command: progress on stderr, warnings at the end, output files."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import TextIO

import click

from gate.errors import AigateError


class TerminalObserver:
    """Draws a progress bar on stderr when a stage takes more than a moment."""

    def __init__(self, stream: TextIO, *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.name = ""
        self.total: int | None = None
        self.count = 0
        self.started = 0.0
        self.drawn = False
        self.warnings: list[str] = []

    def stage(self, name: str, total: int | None = None) -> None:
        """A stage starts."""
        self.name, self.total, self.count = name, total, 0
        self.started = time.monotonic()
        self.drawn = False

    def advance(self, amount: int = 1) -> None:
        """Progress within the stage; drawn only after half a second."""
        self.count += amount
        if not self.enabled or time.monotonic() - self.started < 0.5:
            return
        if self.total:
            pct = min(100, 100 * self.count // max(self.total, 1))
            bar = "#" * (pct // 4)
            text = f"\r{self.name:<10} [{bar:<25}] {pct:3d}%"
        else:
            text = f"\r{self.name:<10} {self.count}"
        self.stream.write(text)
        self.stream.flush()
        self.drawn = True

    def warn(self, message: str) -> None:
        """A warning: kept and shown at the end of the command."""
        self.warnings.append(message)

    def done(self) -> None:
        """Clear the bar."""
        if self.drawn:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()
        self.drawn = False


def observer() -> TerminalObserver:
    return TerminalObserver(sys.stderr, enabled=sys.stderr.isatty())


def flush_warnings(obs: TerminalObserver, quiet: bool) -> None:
    if quiet:
        return
    for message in obs.warnings:
        click.echo(f"warning: {message}", err=True)


def write(text: str, output: Path | None) -> None:
    if output is None or str(output) == "-":
        click.echo(text, nl=not text.endswith("\n"))
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise AigateError(f"{output}: cannot write: {exc.strerror}") from exc


def colour(output: Path | None) -> bool:
    """Colour on a terminal only: not when piped, written to a file, or with NO_COLOR set."""
    if output is not None and str(output) != "-":
        return False
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


def append(text: str, output: Path) -> None:
    try:
        with output.open("a", encoding="utf-8") as stream:
            stream.write(text)
    except OSError as exc:
        raise AigateError(f"{output}: cannot append: {exc.strerror}") from exc
