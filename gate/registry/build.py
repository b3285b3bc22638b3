"""Registry entries built from rows a schema has checked (user files) or tests have (shipped).

Nothing here validates: a user file is checked against ``data/registry.schema.json`` before
its rows arrive, and the shipped data files are checked against the same schema by the tests
(so at run time they are parsed once with libyaml and built without a second pass).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gate.registry.apimodels import ApiModel
from gate.registry.endpoints import Endpoint
from gate.registry.entries import (
    Assistant,
    Family,
    KnownModel,
    OllamaModel,
    Package,
    ParentRef,
)

Row = Mapping[str, Any]

HINT = "see docs/origins.md for the registry file format"


def _text(row: Row, key: str) -> str | None:
    value = row.get(key)
    return None if value is None else str(value)


def _texts(row: Row, key: str) -> tuple[str, ...]:
    return tuple(str(v) for v in row.get(key) or ())


def _verified(row: Row) -> str:
    return str(row.get("verified", "unverified"))


def publisher(row: Row, origin: str, user: bool) -> dict[str, Any]:
    """A publisher's fields: only those the row sets (user rows override shipped ones)."""
    fields: dict[str, Any] = {"id": str(row["id"]), "origin": origin, "user": user}
    for key in ("name", "legal_entity", "parent", "source"):
        if key in row:
            fields[key] = _text(row, key)
    for key in ("country", "parent_country"):
        if key in row:
            fields[key] = row[key]
    for key in ("hf_orgs", "modelscope_orgs", "aliases", "providers", "families", "affiliates"):
        if key in row:
            fields[key] = _texts(row, key)
    if "kind" in row:
        fields["kind"] = str(row["kind"])
    if "confidence" in row:
        fields["heuristic"] = row["confidence"] == "heuristic"
    if "verified" in row or not user:
        fields["verified"] = _verified(row)
    return fields


def endpoint(row: Row, origin: str) -> Endpoint:
    """An endpoint host (or ``*`` pattern) and who operates it where."""
    return Endpoint(
        host=str(row["host"]).lower(),
        provider=str(row["provider"]),
        operator=str(row["operator"]),
        country=row.get("country"),
        source=_text(row, "source") or origin,
        region_from=_text(row, "region_from"),
        cloud=row.get("cloud"),
        region=_text(row, "region"),
    )


def api_model(row: Row, origin: str) -> ApiModel:
    """A hosted model-name pattern and its provider."""
    return ApiModel(
        pattern=str(row["pattern"]).lower(),
        provider=str(row["provider"]),
        family=_text(row, "family") or "",
        source=_text(row, "source") or origin,
    )


def known_model(row: Row, origin: str, user: bool) -> KnownModel:
    """A known model, its parents (None: not stated), licence and publisher."""
    parents: tuple[ParentRef, ...] | None = None
    if "parents" in row:
        parents = tuple(
            ParentRef(ref=str(p["ref"]), relation=str(p.get("relation", "unknown")))
            for p in row["parents"]
        )
    return KnownModel(
        id=str(row["id"]),
        parents=parents,
        aliases=_texts(row, "aliases"),
        license=_text(row, "license"),
        publisher=_text(row, "publisher"),
        verified=_verified(row),
        source=_text(row, "source") or "",
        origin=origin,
        user=user,
    )


def ollama(row: Row, origin: str, user: bool) -> OllamaModel:
    """An Ollama library name and the Hub repo of each size."""
    tags = row.get("tags") or {}
    return OllamaModel(
        name=str(row["name"]).lower(),
        family=_text(row, "family") or str(row["name"]),
        publisher=str(row["publisher"]),
        default=_text(row, "default"),
        tags=tuple(sorted((str(k), str(v)) for k, v in tags.items())),
        origin=origin,
        user=user,
    )


TOKEN_START = r"(?:^|(?<=[-_./: ]))"
"""Where a family pattern may match: the start of a name or of a token in it."""


def family(row: Row, origin: str) -> Family:
    """A family-name pattern, anchored at the start of a name token."""
    body = str(row["pattern"])
    # Anchored at the start of a name token: "llama" matches "dolphin-llama3", not "tinyllama".
    regex = re.compile(rf"{TOKEN_START}(?:{body})", re.IGNORECASE)
    return Family(
        pattern=body,
        family=_text(row, "family") or body,
        publisher=str(row["publisher"]),
        origin=origin,
        regex=regex,
    )


def assistant(row: Row, origin: str) -> Assistant:
    """A coding assistant product and its vendor."""
    return Assistant(
        key=str(row["key"]).lower(),
        product=str(row["product"]),
        vendor=_text(row, "vendor"),
        kind=str(row.get("kind", "vendor")),
        names=tuple(n.lower() for n in _texts(row, "names")),
        models=_text(row, "models"),
        verified=_verified(row),
        source=_text(row, "source") or "",
        origin=origin,
    )


_KINDS = {"vendor-service": "vendor", "open-source-client": "open-client"}


def catalogue_assistant(row: Row, origin: str) -> Assistant:
    """A coding assistant from discovery's catalogue (``discover/data/assistants.yaml``), the
    one list of assistants and spellings, as a registry entry."""
    aliases = _texts(row, "aliases")
    return Assistant(
        key=str(row["identity"]).lower(),
        product=str(row["product"]),
        vendor=_text(row, "publisher"),
        kind=_KINDS[str(row["kind"])],
        names=tuple(a.lower() for a in aliases),
        models=_text(row, "models"),
        verified=_verified(row),
        source=", ".join(_texts(row, "sources")),
        origin=origin,
    )


def package(row: Row, origin: str) -> Package:
    """Who publishes an SDK package."""
    return Package(
        ecosystem=str(row.get("ecosystem", "pypi")),
        name=str(row["name"]),
        publisher=str(row["publisher"]),
        verified=_verified(row),
        source=_text(row, "source") or "",
        origin=origin,
    )
