"""Quality bar: real model references resolve to the right countries offline.

Exact, not a threshold: every row must resolve as labelled except the known misses pinned
below (each with why), so a regression cannot hide under a percentage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from gate.model import Component
from gate.pipeline.explaining import ExplainOptions, explain

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


# Rows whose offline answer differs from the label, with why: in each the publisher is right
# and the labelled ancestor's country is missing, because the shipped registry holds no
# lineage link for the model (offline, nothing else names its base). Same on main before
# issue 12; the recogniser does not touch lineage.
KNOWN_MISSES = {
    "sarvamai/sarvam-m": "labelled chain [IN, FR]: no offline link to its FR base",
    "sentence-transformers/paraphrase-multilingual-mpnet-base-v2": (
        "labelled chain [DE, US]: no offline link to its US base"
    ),
    "BAAI/bge-reranker-v2-m3": "labelled chain [CN, US]: no offline link to its US base",
    "jinaai/jina-embeddings-v3": "labelled chain [DE, US]: no offline link to its US base",
}


def test_real_references_resolve_offline_as_labelled() -> None:
    rows = yaml.safe_load(TABLE.read_text(encoding="utf-8"))["refs"]
    assert len(rows) == 294
    assert len({r["ref"] for r in rows}) == len(rows), "duplicate references in the table"
    misses = []
    missed_refs = set()
    for row in rows:
        comp = explain(row["ref"], ExplainOptions()).components[0]
        if not _correct(row, comp):
            publisher, chain, served = _observed(comp)
            misses.append(f"{row['ref']}: got {publisher} {sorted(chain)} {served}")
            missed_refs.add(row["ref"])
    correct = len(rows) - len(misses)
    rate = correct / len(rows)
    print(f"\norigins accuracy offline: {correct}/{len(rows)} = {rate:.1%}")
    for miss in misses:
        print(f"  miss {miss}")
    assert missed_refs == set(KNOWN_MISSES), "\n".join(misses)
