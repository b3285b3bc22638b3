"""What ``aigate verify`` prints: the criteria enforced, each step, and the outcome."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol


class VerifiedStep(Protocol):
    """One check of the bundle (:class:`gate.evidence.verify.Step`)."""

    @property
    def name(self) -> str: ...
    @property
    def ok(self) -> bool: ...
    @property
    def detail(self) -> str: ...


class VerifyResult(Protocol):
    """What verify found (:class:`gate.evidence.verify.VerifyResult`; reports sit below
    evidence, so they name the shape, not the class)."""

    @property
    def steps(self) -> Sequence[VerifiedStep]: ...
    @property
    def signed(self) -> bool: ...
    @property
    def manifest(self) -> Mapping[str, Any]: ...
    @property
    def criteria(self) -> Sequence[tuple[str, str]]: ...
    @property
    def warnings(self) -> Sequence[str]: ...
    @property
    def ok(self) -> bool: ...
    @property
    def failures(self) -> Sequence[VerifiedStep]: ...


Line = tuple[str, bool]
"""A line of output and whether it goes to stderr."""


def render(directory: Path, result: VerifyResult) -> list[Line]:
    """The lines, in order, with where each goes (stdout unless the flag says stderr)."""
    out: list[Line] = [(f"Verifying evidence bundle {directory}...", False)]
    if result.criteria:
        out.append(("\nThe following policy criteria were enforced:", False))
        width = max(len(label) for label, _ in result.criteria) + 3
        for label, value in result.criteria:
            out.append((f"- {(label + ':').ljust(width, '.')} {value}", False))
    out.append(("", False))
    for step in result.steps:
        out.append((f"{'✓' if step.ok else '✗'} {step.name}: {step.detail}", False))
    for message in result.warnings:
        out.append((f"warning: {message}", True))
    if not result.signed and result.ok:
        out.append(
            (
                "\nWARNING: this bundle is UNSIGNED (accepted with --allow-unsigned): its digests"
                " and the replay were checked, but nothing vouches for who made it.",
                True,
            )
        )
    if result.ok:
        # The bundle is intact; what it records may still be a failed gate: say which.
        verdict = str(result.manifest.get("verdict", "unknown")).upper()
        out.append((f"\n✓ Verification succeeded! The bundle records a {verdict} verdict.", False))
    else:
        names = ", ".join(step.name for step in result.failures)
        out.append((f"\n✗ Verification FAILED ({names})", False))
    return out
