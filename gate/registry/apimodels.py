"""Hosted model API names → the provider that publishes them (``data/api_models.yaml``).

Used by discovery to give a bare model name (``model: gpt-4o`` in a config, a litellm call
without a prefix) its ``api:<provider>/<model>`` identity, and by the resolver to learn who
made a model served by someone else (``qwen-max`` behind an OpenAI client is Alibaba's).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from gate import shipped


@dataclass(frozen=True, slots=True)
class ApiModel:
    """One model-name pattern and the provider it belongs to."""

    pattern: str
    provider: str
    family: str
    source: str

    @property
    def specificity(self) -> tuple[int, int]:
        """Longer literal prefixes win; an exact name beats any glob."""
        literal = self.pattern.split("*", 1)[0]
        return (0 if "*" in self.pattern else 1, len(literal))


@cache
def _doc() -> dict[str, Any]:
    doc: dict[str, Any] = shipped.yaml_data("gate.recognise", "data/api_models.yaml")
    return doc


def version() -> str:
    """The table's version (its date)."""
    return str(_doc().get("version", ""))


@cache
def api_models() -> tuple[ApiModel, ...]:
    """The shipped table, most specific pattern first, loaded once."""
    doc = _doc()
    rows = [
        ApiModel(
            pattern=str(row["pattern"]).lower(),
            provider=str(row["provider"]),
            family=str(row.get("family", "")),
            source=str(row.get("source", "")),
        )
        for row in doc["models"]
    ]
    return tuple(sorted(rows, key=lambda r: r.specificity, reverse=True))


@cache
def _not_hosted() -> tuple[re.Pattern[str], ...]:
    """Open-weights names that a hosted prefix would wrongly claim (``gpt-neo-20b``)."""
    return tuple(
        re.compile(fnmatch.translate(str(row["pattern"]).lower()))
        for row in _doc().get("not_hosted") or ()
    )


@cache
def _by_first_char() -> dict[str, tuple[tuple[ApiModel, re.Pattern[str]], ...]]:
    """The patterns a name starting with a given character can match, in lookup order
    (a pattern starting with a wildcard can match any name)."""
    compiled = [(row, re.compile(fnmatch.translate(row.pattern))) for row in api_models()]
    heads = {row.pattern[0] for row in api_models() if row.pattern[0] not in "*?["}
    table = {
        head: tuple((r, rx) for r, rx in compiled if r.pattern[0] in ("*", "?", "[", head))
        for head in heads
    }
    table[""] = tuple((r, rx) for r, rx in compiled if r.pattern[0] in "*?[")
    return table


@lru_cache(maxsize=16384)
def lookup(model: str) -> ApiModel | None:
    """The pattern a hosted model name matches, if any (``gpt-4o-mini`` → openai).

    Names of open-weights models that share a hosted prefix (``gpt-neo-*``, ``gpt-j-6b``:
    EleutherAI's, on the Hub) match nothing: ``not_hosted`` in the data file lists them.
    """
    name = model.strip().lower()
    if not name or any(rx.match(name) for rx in _not_hosted()):
        return None
    table = _by_first_char()
    for row, rx in table.get(name[0], table[""]):
        if rx.match(name):
            return row
    return None


def provider_for_model(model: str) -> str | None:
    """The provider key of a hosted model name, or None when the name is not known."""
    row = lookup(model)
    return row.provider if row else None
