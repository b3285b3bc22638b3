"""The explicit list of discovery sources, in the order they run."""

from __future__ import annotations

from gate.discover import (
    assistants,
    configs,
    dependencies,
    javascript,
    modelcards,
    python,
    weights,
)
from gate.discover.base import DiscoverFn

SOURCES: tuple[tuple[str, DiscoverFn], ...] = (
    ("modelcards", modelcards.discover),
    ("python", python.discover),
    ("javascript", javascript.discover),
    ("configs", configs.discover),
    ("dependencies", dependencies.discover),
    ("assistants", assistants.discover),
    ("weights", weights.discover),
)
"""(name, discover function) pairs; a test checks every module in the package is listed."""
