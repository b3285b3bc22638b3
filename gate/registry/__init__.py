"""The origins registry: publishers, known models, Ollama names, families, assistants, lists.

Shipped data (``gate/resolve/data/*.yaml``, versioned and dated) and user registry files
(``--registry FILE``) go through the same validator, so a mistake in either names its file and
line. A user file adds entries and overrides shipped ones (a publisher with the same ``id``
keeps the shipped fields it does not set; endpoints, API names, models and families from user
files are tried before shipped ones). Lookups return ``None`` for what is not known: nothing
here guesses a country.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from gate.registry.entries import (
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
from gate.registry.merged import Registry
from gate.registry.reading import countries, read_user_bytes, read_user_file


@cache
def _shipped_registry() -> Registry:
    return Registry(())


_USER_REGISTRIES: dict[tuple[tuple[str, str], ...], Registry] = {}
_KEEP = 8
"""Registries with user files kept (a process rarely sees more than one set)."""


def load(user_files: Sequence[Path] = ()) -> Registry:
    """The registry: the shipped data (loaded once) plus validated user files.

    A scan asks for the registry in several stages (recognition, origins, package
    publishers); each user file is read each time (bounded) but parsed and validated once
    per distinct content, so the stages share one Registry and an edited file is re-read.
    """
    if not user_files:
        return _shipped_registry()
    contents = tuple(read_user_bytes(Path(p)) for p in user_files)
    key = tuple(
        (str(p), hashlib.sha256(raw).hexdigest())
        for p, raw in zip(user_files, contents, strict=True)
    )
    found = _USER_REGISTRIES.get(key)
    if found is None:
        found = Registry(tuple(user_files), contents=contents)
        if len(_USER_REGISTRIES) >= _KEEP:
            del _USER_REGISTRIES[next(iter(_USER_REGISTRIES))]
        _USER_REGISTRIES[key] = found
    return found


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
    "read_user_bytes",
    "read_user_file",
]
