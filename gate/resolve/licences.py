"""Licences: SPDX ids and expressions, Hugging Face licence ids and AI licences, with categories.

A model card's ``license`` / ``license_name`` / ``license_link`` become one :class:`Licence`
whose expression uses SPDX ids, or ``LicenseRef-aigate-<key>`` for AI licences SPDX lacks.
Expressions are evaluated as users expect (DRA#927): an ``OR`` takes its best branch, an
``AND`` its worst member. Anything not recognised stays ``unknown``; never permissive.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml
from license_expression import (
    AND,
    OR,
    ExpressionError,
    LicenseSymbol,
    LicenseWithExceptionSymbol,
    Licensing,
)

from gate.model import Licence, LicenceCategory, Provenance

REF_PREFIX = "LicenseRef-aigate-"
MAX_TERMS = 64
"""Bound on the OR-of-ANDs expansion of one expression."""

# Best first: an OR picks the earliest category of its branches, an AND the latest.
CATEGORY_RANK: tuple[LicenceCategory, ...] = (
    LicenceCategory.PERMISSIVE,
    LicenceCategory.WEAK_COPYLEFT,
    LicenceCategory.COPYLEFT,
    LicenceCategory.RESTRICTED_USE,
    LicenceCategory.RESEARCH_ONLY,
    LicenceCategory.NON_COMMERCIAL,
    LicenceCategory.PROPRIETARY,
    LicenceCategory.UNKNOWN,
)


@dataclass(frozen=True, slots=True)
class LicenceTerm:
    """One licence of an expression, as the catalogue knows it."""

    key: str
    """Lower-case catalogue key (``apache-2.0``, ``llama3.1``, ``qwen``), or the raw text."""
    spdx: str
    """SPDX id, ``LicenseRef-aigate-<key>``, or the raw text when unknown."""
    name: str
    category: LicenceCategory
    obligations: tuple[str, ...] = ()
    known: bool = True


@dataclass(frozen=True, slots=True)
class _Catalogue:
    by_alias: dict[str, LicenceTerm]
    version: str


@cache
def catalogue() -> _Catalogue:
    """The shipped licence catalogue, loaded once."""
    text = resources.files("gate.resolve").joinpath("data/licences.yaml").read_text("utf-8")
    doc: dict[str, Any] = yaml.safe_load(text)
    by_alias: dict[str, LicenceTerm] = {}
    for row in doc["licences"]:
        term = LicenceTerm(
            key=str(row["key"]).lower(),
            spdx=str(row["spdx"]),
            name=str(row.get("name", row["key"])),
            category=LicenceCategory(row["category"]),
            obligations=tuple(str(o) for o in row.get("obligations", ())),
        )
        for alias in (term.key, term.spdx, *row.get("aliases", ())):
            by_alias.setdefault(str(alias).lower(), term)
    return _Catalogue(by_alias=by_alias, version=str(doc.get("version", "")))


def term(text: str) -> LicenceTerm:
    """The catalogue entry for an id, SPDX id, ``LicenseRef-aigate-…`` or alias; else unknown."""
    raw = text.strip()
    lower = raw.lower()
    if lower.startswith(REF_PREFIX.lower()):
        lower = lower[len(REF_PREFIX) :]
    found = catalogue().by_alias.get(lower)
    if found is not None:
        return found
    return LicenceTerm(key=lower, spdx=raw, name=raw, category=LicenceCategory.UNKNOWN, known=False)


def dnf(expression: str) -> list[list[LicenceTerm]]:
    """The expression as OR-of-ANDs: a list of choices, each a list of licences that apply.

    Raises ValueError for text that is not a licence expression.
    """
    try:
        parsed = Licensing().parse(expression)
    except ExpressionError as exc:
        raise ValueError(f"not a licence expression: {expression!r}: {exc}") from exc
    if parsed is None:
        return []
    return _dnf(parsed)


def _dnf(node: Any) -> list[list[LicenceTerm]]:
    if isinstance(node, LicenseWithExceptionSymbol):
        return [[term(str(node.license_symbol.key))]]
    if isinstance(node, LicenseSymbol):
        return [[term(str(node.key))]]
    if isinstance(node, OR):
        out: list[list[LicenceTerm]] = []
        for arg in node.args:
            out.extend(_dnf(arg))
        return out[:MAX_TERMS]
    if isinstance(node, AND):
        acc: list[list[LicenceTerm]] = [[]]
        for arg in node.args:
            acc = [a + b for a in acc for b in _dnf(arg)][:MAX_TERMS]
        return acc
    raise ValueError(f"unsupported licence expression node {node!r}")


def worst(categories: Sequence[LicenceCategory]) -> LicenceCategory:
    """The least permissive category (what an AND of these licences means)."""
    if not categories:
        return LicenceCategory.UNKNOWN
    return max(categories, key=CATEGORY_RANK.index)


def best(categories: Sequence[LicenceCategory]) -> LicenceCategory:
    """The most permissive category (what an OR of these licences offers)."""
    if not categories:
        return LicenceCategory.UNKNOWN
    return min(categories, key=CATEGORY_RANK.index)


def category_of(choices: Sequence[Sequence[LicenceTerm]]) -> LicenceCategory:
    """Best branch of an OR, worst member of each AND."""
    return best([worst([t.category for t in choice]) for choice in choices])


def normalise(
    license_id: str | None,
    license_name: str | None = None,
    license_link: str | None = None,
    provenance: tuple[Provenance, ...] = (),
) -> Licence | None:
    """A model card's licence fields as one Licence; None when nothing is declared.

    ``other`` (or no id) defers to ``license_name``; an unrecognised name stays unknown.
    """
    raw = (license_id or "").strip()
    name = (license_name or "").strip() or None
    if raw.lower() in ("", "other", "unknown") and name is None:
        if not raw:
            return None
        return Licence(
            expression=raw,
            url=license_link,
            category=LicenceCategory.UNKNOWN,
            provenance=provenance,
        )
    text = name if raw.lower() in ("", "other") and name else raw
    try:
        choices = dnf(text)
    except ValueError:
        choices = [[term(text)]]
    if not choices:
        return None
    terms = [t for choice in choices for t in choice]
    expression = _expression(choices)
    obligations = tuple(sorted({o for t in terms for o in t.obligations}))
    display = name or (terms[0].name if len(terms) == 1 else None)
    return Licence(
        expression=expression,
        name=display,
        url=license_link,
        category=category_of(choices),
        obligations=obligations,
        provenance=provenance,
    )


def _expression(choices: Sequence[Sequence[LicenceTerm]]) -> str:
    def one(choice: Sequence[LicenceTerm]) -> str:
        parts = [t.spdx for t in choice]
        text = " AND ".join(parts)
        return f"({text})" if len(parts) > 1 and len(choices) > 1 else text

    return " OR ".join(one(c) for c in choices)
