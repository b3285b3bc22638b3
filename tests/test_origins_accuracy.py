"""Quality bar: real model references resolve to the right countries offline (≥ 95 %)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from gate.explain import ExplainOptions, explain
from gate.model import Component

TABLE = Path(__file__).parent / "data" / "origins_refs.yaml"


def _observed(comp: Component) -> tuple[str | None, set[str], str | None]:
    publisher = comp.publisher.country if comp.publisher else None
    chain = {publisher} if publisher else set()
    chain |= {a.publisher.country for a in comp.lineage if a.publisher and a.publisher.country}
    served = comp.served_by.country if comp.served_by else None
    return publisher, chain, served


def _correct(row: dict[str, Any], comp: Component) -> bool:
    publisher, chain, served = _observed(comp)
    if publisher != row["publisher"] or chain != set(row["chain"]):
        return False
    return "served" not in row or served == row["served"]


def test_at_least_95_percent_of_real_references_resolve_offline() -> None:
    rows = yaml.safe_load(TABLE.read_text(encoding="utf-8"))["refs"]
    assert len(rows) >= 100
    assert len({r["ref"] for r in rows}) == len(rows), "duplicate references in the table"
    misses = []
    for row in rows:
        comp = explain(row["ref"], ExplainOptions()).components[0]
        if not _correct(row, comp):
            publisher, chain, served = _observed(comp)
            misses.append(f"{row['ref']}: got {publisher} {sorted(chain)} {served}")
    correct = len(rows) - len(misses)
    rate = correct / len(rows)
    print(f"\norigins accuracy offline: {correct}/{len(rows)} = {rate:.1%}")
    for miss in misses:
        print(f"  miss {miss}")
    assert rate >= 0.95, "\n".join(misses)
