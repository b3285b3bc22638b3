"""Origins resolution throughput: registry load, and resolving thousands of references offline.

Run: .venv/bin/python bench/resolve_origins.py [COUNT]
Prints the registry load time (and, as the reference measured in the same run, the time libyaml
alone takes to parse the same data files: their ratio is what building and indexing cost), the
resolve time per component, and the offline accuracy of the reference table
(tests/data/origins_refs.yaml).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml

from gate import registry, shipped
from gate.model import Inventory, Project
from gate.resolve import origins

TABLE = Path(__file__).resolve().parent.parent / "tests" / "data" / "origins_refs.yaml"


REGISTRY_DATA = [
    ("gate.resolve", f"data/{name}")
    for name in ("publishers.yaml", "models.yaml", "ollama.yaml", "families.yaml", "packages.yaml")
] + [("gate.discover", "data/assistants.yaml"), ("gate.discover", "data/packages.yaml")]


def _parse_only() -> float:
    """The reference: parsing the registry's data files with libyaml, nothing else."""
    texts = [shipped.text(package, name) for package, name in REGISTRY_DATA]
    started = time.perf_counter()
    for text in texts:
        yaml.load(text, Loader=shipped.LOADER)
    return time.perf_counter() - started


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    reference = _parse_only()
    started = time.perf_counter()
    reg = registry.load()
    loaded = time.perf_counter() - started
    rows = yaml.safe_load(TABLE.read_text(encoding="utf-8"))["refs"]
    comps = {}
    i = 0
    while len(comps) < count:
        row = rows[i % len(rows)]
        ref = row["ref"]
        # Distinct identities so nothing is answered from a memo: vary the Hub repo name.
        if i >= len(rows) and "/" in ref and ":" not in ref:
            ref = f"{ref}-v{i // len(rows)}"
        cid = origins.identity_for_reference(ref, reg)
        if cid is not None:
            comps[cid] = origins.bare_component(cid)
        i += 1
    inventory = Inventory(Project("bench"), components=tuple(comps[k] for k in sorted(comps)))
    started = time.perf_counter()
    resolved = origins.resolve_inventory(inventory, origins.ResolveOptions())
    took = time.perf_counter() - started
    with_country = sum(1 for c in resolved.components if c.publisher and c.publisher.country)
    print(
        f"registry load: {loaded * 1000:.0f} ms ({len(list(reg.publishers()))} publishers);"
        f" libyaml parse of its files alone: {reference * 1000:.0f} ms"
        f" (ratio {loaded / reference:.1f})"
    )
    print(
        f"resolved {len(comps)} components offline in {took:.2f} s "
        f"({took / len(comps) * 1e6:.0f} µs each); {with_country} with a publisher country"
    )


if __name__ == "__main__":
    main()
