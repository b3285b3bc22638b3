"""What one pickle stream imports, and the findings that follow from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from gate.discover.pickles.rules import classify

MAX_LISTED: Final = 10
"""Unknown imports named in one risk; the rest are counted (all are in ``names()``)."""


@dataclass(slots=True)
class PickleScan:
    """What one pickle stream imports and how it could be read."""

    globals: set[tuple[str, str]] = field(default_factory=set)
    """Every (module, name) the stream imports."""
    computed_imports: int = 0
    """``STACK_GLOBAL`` opcodes whose module or name is not a literal string."""
    extensions: set[int] = field(default_factory=set)
    """Extension-registry codes (``EXT1/2/4``): imports named by the loading process."""
    protocol: int | None = None
    pickles: int = 0
    """Complete pickles read (legacy PyTorch files hold several in a row)."""
    opcodes: int = 0
    trailing_data: bool = False
    torch_legacy: bool = False
    """The first pickle is legacy ``torch.save``'s magic number."""
    joblib_arrays: bool = False
    """The scan stopped at raw NumPy data that joblib writes between opcodes."""
    problem: tuple[str, str] | None = None
    """(risk kind, detail) when the stream could not be read to its end."""

    def dangerous(self) -> list[str]:
        """The imports that give a loader code, shell, file or network access, sorted."""
        return sorted(f"{m}.{n}" for m, n in self.globals if classify(m, n) == "dangerous")

    def unknown(self) -> list[str]:
        """The imports neither known safe nor dangerous, sorted."""
        return sorted(f"{m}.{n}" for m, n in self.globals if classify(m, n) == "unknown")

    def names(self) -> list[str]:
        """Every import as ``module.name``, sorted."""
        return sorted(f"{m}.{n}" for m, n in self.globals)

    def risks(self, where: str = "") -> list[dict[str, str]]:
        """Findings, each ``{"kind", "detail", "severity"}``."""
        prefix = f"{where}: " if where else ""
        found: list[dict[str, str]] = []
        for g in self.dangerous():
            found.append(
                {
                    "kind": "unsafe-pickle",
                    "detail": f"{prefix}imports {g}: loading it can run arbitrary code",
                    "severity": "high",
                }
            )
        unknown = self.unknown()
        if unknown:
            shown = ", ".join(unknown[:MAX_LISTED])
            more = f" and {len(unknown) - MAX_LISTED} more" if len(unknown) > MAX_LISTED else ""
            found.append(
                {
                    "kind": "unsafe-pickle",
                    "detail": f"{prefix}imports {shown}{more}: neither known safe nor known"
                    " dangerous, so loading it runs code this scan cannot vouch for",
                    "severity": "medium",
                }
            )
        if self.computed_imports:
            found.append(
                {
                    "kind": "unsafe-pickle",
                    "detail": f"{prefix}{self.computed_imports} import(s) whose module or name is"
                    " computed at load time (STACK_GLOBAL on a non-literal)",
                    "severity": "high",
                }
            )
        if self.extensions:
            codes = ", ".join(str(c) for c in sorted(self.extensions)[:10])
            found.append(
                {
                    "kind": "unsafe-pickle",
                    "detail": f"{prefix}imports through the extension registry (codes {codes}):"
                    " what they name depends on the loading process",
                    "severity": "medium",
                }
            )
        if self.problem is not None:
            kind, detail = self.problem
            severity = "medium" if kind == "truncated-file" or self.joblib_arrays else "high"
            found.append({"kind": kind, "detail": f"{prefix}{detail}", "severity": severity})
        return found
