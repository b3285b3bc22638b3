"""SQL dumps that seed an app's model table (``pg_dump``'s ``COPY public.models (...) FROM
stdin;`` blocks): each row is a model the release offers (listed), with the provider its
row names. Nothing is run; only ``COPY`` blocks of a table whose name is a catalogue's
(``models``, ``llm_models``) are read."""

from __future__ import annotations

import re

from gate.discover import refs, scanning
from gate.discover.configs.nodes import _Inherited, _Node
from gate.discover.configs.walker import _Walker

_COPY = re.compile(
    r'^COPY[ \t]+(?:"?\w+"?\.)?"?(\w+)"?[ \t]*\(([^)\n]*)\)[ \t]+FROM[ \t]+stdin;[ \t]*$',
    re.MULTILINE | re.IGNORECASE,
)
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def _provider_columns(columns: list[str]) -> list[int]:
    """Columns that name a row's provider: ``provider``, ``providerId``, ``provider_name``
    first, then the generic provider keys (``vendor``, ``type``)."""
    named = [i for i, c in enumerate(columns) if "provider" in c.lower()]
    return named + [i for i, c in enumerate(columns) if i not in named and refs.is_provider_key(c)]


def read(rel: str, text: str) -> scanning.Outcome:
    walker = _Walker(rel)
    # One pass over the text: the next COPY header is looked for after the block read, and
    # line numbers are counted from there (a dump of many unterminated blocks stays linear).
    pos, lineno = 0, 1
    while (match := _COPY.search(text, pos)) is not None:
        lineno += text.count("\n", pos, match.end())
        pos = match.end()
        if not refs.is_catalogue_name(match.group(1)):
            continue
        columns = [c.strip().strip('"') for c in match.group(2).split(",")]
        fields = refs.catalogue_fields(columns)
        # A serial `id` column is a row number, not the model: a name column may hold it.
        candidates = [i for i, c in enumerate(columns) if c in fields]
        candidates += [
            i for i, c in enumerate(columns) if c.lower() == "name" and i not in candidates
        ]
        providers = _provider_columns(columns)
        offset = match.end() + 1
        while offset < len(text):
            end = text.find("\n", offset)
            end = len(text) if end < 0 else end
            line = text[offset:end]
            lineno += 1
            offset = end + 1
            if line.strip() == "\\.":
                break
            cells = line.split("\t")
            if len(cells) != len(columns):
                continue
            value = next(
                (cells[i] for i in candidates if cells[i] != "\\N" and not _NUMBER.match(cells[i])),
                None,
            )
            if value is None:
                continue
            hint = next(
                (a for i in providers if (a := refs.provider_alias(cells[i])) is not None), None
            )
            column = line.find(value) + 1
            node = _Node(value, lineno, column or None)
            here = _Inherited(provider=hint, catalogue=True)
            walker._listed(
                node, value, columns[candidates[0]] if candidates else None, here, (match.group(1),)
            )
        pos, lineno = offset, lineno + 1  # the line after the last one the block read
    return scanning.Outcome(evidence=walker.found)
