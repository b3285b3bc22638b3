"""Licences: SPDX ids and expressions, Hugging Face licence ids and AI licences, with categories.

A model card's ``license`` / ``license_name`` / ``license_link`` become one :class:`Licence`
whose expression uses SPDX ids, or ``LicenseRef-aigate-<key>`` for AI licences SPDX lacks.
Expressions are evaluated as users expect (DRA#927): an ``OR`` takes its best branch, an
``AND`` its worst member. Anything not recognised stays ``unknown``; never permissive.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from license_expression import (
    AND,
    OR,
    ExpressionError,
    LicenseSymbol,
    LicenseWithExceptionSymbol,
    Licensing,
)

from gate import shipped
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
    exception: str | None = None
    """The SPDX exception of ``<licence> WITH <exception>`` (``Classpath-exception-2.0``);
    ``key`` and ``spdx`` then spell the whole term (``gpl-2.0 WITH classpath-exception-2.0``)."""


@dataclass(frozen=True, slots=True)
class _Exception:
    id: str
    name: str
    categories: dict[str, LicenceCategory]


@dataclass(frozen=True, slots=True)
class _Catalogue:
    by_alias: dict[str, LicenceTerm]
    links: tuple[tuple[str, LicenceTerm], ...]
    generic: frozenset[str]
    version: str
    exceptions: dict[str, _Exception]


_SEPARATORS = re.compile(r"[\s_]+")


def alias_key(text: str) -> str:
    """How ids and names are compared: lower case, spaces and underscores read as hyphens."""
    return _SEPARATORS.sub("-", text.strip().lower())


def _link_key(url: str) -> str:
    text = url.strip().lower()
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
    return text.rstrip("/")


@cache
def catalogue() -> _Catalogue:
    """The shipped licence catalogue, loaded once."""
    doc: dict[str, Any] = shipped.yaml_data("gate.resolve", "data/licences.yaml")
    by_alias: dict[str, LicenceTerm] = {}
    links: list[tuple[str, LicenceTerm]] = []
    generic: set[str] = set()
    for row in doc["licences"]:
        term = LicenceTerm(
            key=str(row["key"]).lower(),
            spdx=str(row["spdx"]),
            name=str(row.get("name", row["key"])),
            category=LicenceCategory(row["category"]),
            obligations=tuple(str(o) for o in row.get("obligations", ())),
        )
        for alias in (term.key, term.spdx, *row.get("aliases", ())):
            by_alias.setdefault(alias_key(str(alias)), term)
        links.extend((_link_key(str(pattern)), term) for pattern in row.get("links", ()))
        if row.get("generic"):
            generic.add(term.key)
    exceptions = {
        alias_key(str(row["id"])): _Exception(
            id=str(row["id"]),
            name=str(row.get("name", row["id"])),
            categories={
                str(k).lower(): LicenceCategory(v) for k, v in (row.get("category") or {}).items()
            },
        )
        for row in doc.get("exceptions") or ()
    }
    return _Catalogue(
        by_alias=by_alias,
        links=tuple(links),
        generic=frozenset(generic),
        version=str(doc.get("version", "")),
        exceptions=exceptions,
    )


def version() -> str:
    """The catalogue's version (its date), recorded with every licence it classifies."""
    return catalogue().version


def term(text: str) -> LicenceTerm:
    """The catalogue entry for an id, SPDX id, ``LicenseRef-aigate-…`` or alias; else unknown."""
    raw = text.strip()
    key = alias_key(raw)
    table = catalogue().by_alias
    found = table.get(key)
    if found is None and key.startswith(REF_PREFIX.lower()):
        found = table.get(key[len(REF_PREFIX) :])
    if found is not None:
        return found
    return LicenceTerm(
        key=raw.lower(), spdx=raw, name=raw, category=LicenceCategory.UNKNOWN, known=False
    )


def term_for_link(url: str | None) -> LicenceTerm | None:
    """The licence a ``license_link`` identifies on its own (a known licence URL), if any."""
    if not url:
        return None
    key = _link_key(url)
    for pattern, found in catalogue().links:
        if fnmatch.fnmatchcase(key, pattern):
            return found
    return None


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


def with_exception(base: LicenceTerm, exception: str) -> LicenceTerm:
    """``<base> WITH <exception>`` as one term: the exception kept in key, SPDX text and name.

    The category is the base's unless the catalogue knows the exception changes it
    (``GPL-2.0 WITH Classpath-exception-2.0`` is weak copyleft); obligations are the base's.
    """
    known = catalogue().exceptions.get(alias_key(exception))
    spelled = known.id if known is not None else exception.strip()
    category = base.category
    if known is not None:
        category = known.categories.get(base.key, category)
    name = f"{base.name} with {known.name if known is not None else spelled}"
    return LicenceTerm(
        key=f"{base.key} WITH {spelled.lower()}",
        spdx=f"{base.spdx} WITH {spelled}",
        name=name,
        category=category,
        obligations=base.obligations,
        known=base.known,
        exception=spelled,
    )


def _dnf(node: Any) -> list[list[LicenceTerm]]:
    if isinstance(node, LicenseWithExceptionSymbol):
        base = term(str(node.license_symbol.key))
        return [[with_exception(base, str(node.exception_symbol.key))]]
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

    ``other`` (or no id) defers to ``license_name``, then to a ``license_link`` that names a
    known licence on its own; anything still unrecognised stays unknown, never permissive.
    """
    raw = (license_id or "").strip()
    name = (license_name or "").strip() or None
    deferred = raw.lower() in ("", "other", "unknown")
    named = term(name) if name else None
    vague = named is None or not named.known or named.key in catalogue().generic
    if (deferred or term(raw).key in catalogue().generic) and vague:
        by_link = term_for_link(license_link)
        if by_link is not None:
            return _licence([[by_link]], name or by_link.name, license_link, provenance)
    if deferred and name is None:
        if not raw:
            return None
        return Licence(
            expression=raw,
            url=license_link,
            category=LicenceCategory.UNKNOWN,
            provenance=provenance,
        )
    text = name if raw.lower() in ("", "other") and name else raw
    whole = term(text)
    if whole.known:
        # A name with spaces ("Llama 3.1 Community License") is one licence, not an expression.
        choices = [[whole]]
    else:
        try:
            choices = dnf(text)
        except ValueError:
            choices = [[whole]]
    if not choices:
        return None
    return _licence(choices, name, license_link, provenance)


def _licence(
    choices: Sequence[Sequence[LicenceTerm]],
    name: str | None,
    link: str | None,
    provenance: tuple[Provenance, ...],
) -> Licence:
    terms = [t for choice in choices for t in choice]
    obligations = tuple(sorted({o for t in terms for o in t.obligations}))
    display = name or (terms[0].name if len(terms) == 1 else None)
    return Licence(
        expression=_expression(choices),
        name=display,
        url=link,
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
