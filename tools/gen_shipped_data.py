"""Compile the shipped YAML data (gate/*/data/*.yaml) to gate/_compiled/ (gate/shipped.py).

Run after editing a shipped YAML file: ``python tools/gen_shipped_data.py`` (``make
shipped-data``); ``--check`` exits 1 when a compiled form is missing, stale or left over
(a test runs it). A stale form is never used (aigate parses the YAML instead, more slowly):
the check is what keeps every process on the fast path.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gate import shipped  # noqa: E402

GATE = ROOT / "gate"


def wanted() -> dict[Path, str]:
    """Each compiled form's path and the text it should hold."""
    forms: dict[Path, str] = {}
    for source in sorted(GATE.glob("*/data/*.yaml")):
        rel = source.relative_to(GATE)
        package = f"gate.{rel.parts[0]}"
        name = "/".join(rel.parts[1:])
        try:
            forms[GATE / shipped.compiled_name(package, name)] = shipped.compiled(
                source.read_bytes()
            )
        except shipped.NotCompilableError as exc:
            sys.exit(f"{source.relative_to(ROOT)}: cannot be compiled: {exc}")
    return forms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args()
    forms = wanted()
    present = set((GATE / shipped.COMPILED).rglob("*.json"))
    stale = sorted(
        [p for p, text in forms.items() if not p.is_file() or p.read_text("utf-8") != text]
        + [p for p in present if p not in forms]
    )
    if args.check:
        for p in stale:
            sys.stdout.write(f"{p.relative_to(ROOT)}: stale: run tools/gen_shipped_data.py\n")
        return 1 if stale else 0
    for p in stale:
        if p in forms:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(forms[p], encoding="utf-8")
        else:
            p.unlink()
        sys.stdout.write(f"{'wrote' if p in forms else 'removed'} {p.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
