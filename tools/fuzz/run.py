"""Run one fuzz target under atheris: ``python -m tools.fuzz.run TARGET [libFuzzer flags]``.

``-runs=N`` bounds the executions; the seed corpus (``tools/fuzz/seeds.py``) is written to a
fresh folder first unless a corpus folder is given. A crash stops the run with the input
saved as ``crash-*`` by libFuzzer (run it again to reproduce).
"""

from __future__ import annotations

import sys
import tempfile

import atheris

with atheris.instrument_imports(include=["gate"]):
    from tools.fuzz import seeds, targets


def main(argv: list[str]) -> None:
    """Fuzz the target named first in ``argv``; the rest go to libFuzzer."""
    if len(argv) < 2 or argv[1] not in targets.TARGETS:
        names = ", ".join(sorted(targets.TARGETS))
        raise SystemExit(f"usage: python -m tools.fuzz.run TARGET [-runs=N ...]; targets: {names}")
    name = argv[1]
    target = targets.TARGETS[name]
    flags = argv[2:]
    if not any(not f.startswith("-") for f in flags):
        corpus = tempfile.mkdtemp(prefix=f"aigate-fuzz-{name}-")
        seeds.write(name, corpus)
        flags.append(corpus)

    def one(data: bytes) -> None:
        targets.check(target, data)

    atheris.Setup([argv[0], *flags], one)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
