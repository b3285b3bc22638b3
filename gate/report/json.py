"""The ``json`` format: the Decision as its documented ``aigate.decision/v1`` document."""

from __future__ import annotations

from gate.model import Decision, Inventory
from gate.policy.decision import to_json

NAME = "json"


def render(decision: Decision, inventory: Inventory) -> str:
    """The decision as deterministic JSON (the inventory is in the BOM, not repeated here)."""
    del inventory
    return to_json(decision)
