"""The origins registry: publishers, known models, Ollama names, families, assistants, lists.

Shipped data (``gate/resolve/data/*.yaml``, versioned and dated) and user registry files
(``--registry FILE``) go through the same validator, so a mistake in either names its file and
line. A user file adds entries and overrides shipped ones (a publisher with the same ``id``
keeps the shipped fields it does not set; endpoints, API names, models and families from user
files are tried before shipped ones). Lookups return ``None`` for what is not known: nothing
here guesses a country.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from gate.resolve.registry.entries import (
    API_VERSION,
    ASSISTANT_KINDS,
    KIND,
    PACKAGE_ECOSYSTEMS,
    PUBLISHER_KINDS,
    RELATIONS,
    VERIFIED,
    Assistant,
    EntityListing,
    Family,
    KnownModel,
    OllamaModel,
    Package,
    ParentRef,
    Publisher,
)
from gate.resolve.registry.merged import Registry
from gate.resolve.registry.reading import countries, read_user_file


@cache
def _shipped_registry() -> Registry:
    return Registry(())


def load(user_files: Sequence[Path] = ()) -> Registry:
    """The registry: the shipped data (loaded once) plus validated user files."""
    if not user_files:
        return _shipped_registry()
    return Registry(tuple(user_files))


def assistant(name: str) -> Assistant | None:
    """Public lookup for the assistants source: a coding assistant by any known spelling."""
    return load().assistant(name)


__all__ = [
    "API_VERSION",
    "ASSISTANT_KINDS",
    "KIND",
    "PACKAGE_ECOSYSTEMS",
    "PUBLISHER_KINDS",
    "RELATIONS",
    "VERIFIED",
    "Assistant",
    "EntityListing",
    "Family",
    "KnownModel",
    "OllamaModel",
    "Package",
    "ParentRef",
    "Publisher",
    "Registry",
    "assistant",
    "countries",
    "load",
    "read_user_file",
]
