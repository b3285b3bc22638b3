"""JS/TS serving classes measured on round 11's applications (issue 12): hand-written cases
of each pattern, no corpus code."""

from __future__ import annotations

from pathlib import Path

from tests.jshelp import js, scan_tree
from tests.jshelp import listed_ids as ids

# ---- a gateway's own router id: `openrouter/auto` ------------------------------------------


def test_a_gateways_own_id_is_the_gateways_wherever_it_is_written() -> None:
    found = js(
        """
        export const DEFAULT_SETTINGS = {
          openRouter: { apiKey: "", model: "openrouter/auto", max_tokens: 100 },
        };
        let currentModel = localStorage.getItem("model") || "openrouter/free";
        """
    )
    assert ids(found) == [
        ("api:openrouter/openrouter/auto", 3, False),
        ("api:openrouter/openrouter/free", 5, False),
    ]


def test_a_route_through_the_gateways_prefix_keeps_its_model() -> None:
    found = js(
        """
        const settings = { model: "openrouter/anthropic/claude-3.5-sonnet" };
        """
    )
    assert ids(found) == [("api:openrouter/anthropic/claude-3.5-sonnet", 2, False)]
