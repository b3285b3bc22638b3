"""`make sbom-check`: fail when the committed AI-BOM no longer matches a fresh scan.

Usage: python sboms/stale.py COMMITTED FRESH. The comparison leaves out what changes with
every commit (see gate/bom/snapshot.py); the fix for a stale BOM is `make sbom`.
"""

from __future__ import annotations

import sys
from pathlib import Path

from gate.bom.snapshot import stale


def main(argv: list[str]) -> int:
    committed, fresh = Path(argv[1]), Path(argv[2])
    if not committed.is_file():
        print(f"{committed}: missing: run `make sbom` and commit it")
        return 1
    diff = stale(committed, fresh)
    if not diff:
        print(f"{committed}: up to date (history-derived facts and file counts aside)")
        return 0
    sys.stdout.writelines(diff)
    print(f"\n{committed} is stale: run `make sbom` and commit it")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
