"""The registry file format, checked by hand: each entry's fields, named by file and line."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from gate.errors import InputError
from gate.resolve import endpoints
from gate.resolve.apimodels import ApiModel
from gate.resolve.endpoints import Endpoint
from gate.resolve.registry.entries import (
    _ID,
    ASSISTANT_KINDS,
    PACKAGE_ECOSYSTEMS,
    PUBLISHER_KINDS,
    RELATIONS,
    VERIFIED,
    Assistant,
    Family,
    KnownModel,
    OllamaModel,
    Package,
    ParentRef,
)
from gate.resolve.registry.located import Located as _Located


class _Checker:
    """Checks one file's rows and raises InputError naming the file and line."""

    def __init__(self, path: str, countries: frozenset[str]) -> None:
        self.path = path
        self.countries = countries

    def fail(self, row: Mapping[str, Any] | None, problem: str) -> InputError:
        line = getattr(row, "line", None) or None
        return InputError(self.path, problem, line=line, hint=_HINT)

    def mapping(self, row: Any, what: str, parent: Mapping[str, Any] | None) -> _Located:
        if not isinstance(row, _Located):
            raise self.fail(parent, f"{what} must be a mapping, not {type(row).__name__}")
        return row

    def keys(
        self, row: _Located, what: str, required: Iterable[str], allowed: Iterable[str]
    ) -> None:
        allowed_set = set(required) | set(allowed)
        for key in required:
            if row.get(key) in (None, ""):
                raise self.fail(row, f"{what}: '{key}' is required")
        for key in row:
            if key not in allowed_set:
                raise self.fail(
                    row,
                    f"{what}: unknown field {key!r} (allowed: {', '.join(sorted(allowed_set))})",
                )

    def text(self, row: _Located, key: str, what: str) -> str | None:
        value = row.get(key)
        if value is None:
            return None
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise self.fail(row, f"{what}: '{key}' must be text")
        return str(value)

    def texts(self, row: _Located, key: str, what: str) -> tuple[str, ...]:
        value = row.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(
            isinstance(v, str | int | float) and not isinstance(v, bool) for v in value
        ):
            raise self.fail(row, f"{what}: '{key}' must be a list of text")
        return tuple(str(v) for v in value)

    def country(self, row: _Located, key: str, what: str) -> str | None:
        value = row.get(key)
        if value is None:
            return None
        if value is False:  # YAML 1.1 reads a bare NO (Norway) as false
            raise self.fail(row, f"{what}: '{key}' read as false: quote it (\"NO\")")
        if not isinstance(value, str) or value not in self.countries:
            raise self.fail(
                row, f"{what}: '{key}' {value!r} is not an ISO 3166-1 alpha-2 code (e.g. US, CN)"
            )
        return value

    def choice(
        self, row: _Located, key: str, what: str, choices: frozenset[str], default: str
    ) -> str:
        value = row.get(key, default)
        if value not in choices:
            raise self.fail(
                row, f"{what}: '{key}' must be one of {', '.join(sorted(choices))}, not {value!r}"
            )
        return str(value)

    def regex(self, row: _Located, key: str, what: str) -> re.Pattern[str] | None:
        value = self.text(row, key, what)
        if value is None:
            return None
        try:
            return re.compile(value, re.IGNORECASE)
        except re.error as exc:
            raise self.fail(row, f"{what}: '{key}' is not a regular expression: {exc}") from None


_HINT = "see docs/origins.md for the registry file format"


def _rows(doc: Mapping[str, Any], key: str, check: _Checker) -> list[_Located]:
    value = doc.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise check.fail(doc, f"'{key}' must be a list")
    return [check.mapping(row, f"{key} entry", doc) for row in value]


def _publisher(row: _Located, check: _Checker, origin: str, user: bool) -> dict[str, Any]:
    what = f"publisher {row.get('id')!r}"
    check.keys(
        row,
        what,
        ("id",) if user else ("id", "name", "source"),
        (
            "name",
            "legal_entity",
            "country",
            "parent",
            "parent_country",
            "hf_orgs",
            "modelscope_orgs",
            "aliases",
            "providers",
            "families",
            "affiliates",
            "kind",
            "confidence",
            "verified",
            "source",
        ),
    )
    pid = str(row["id"])
    if not _ID.match(pid):
        raise check.fail(row, f"{what}: 'id' must be lower case letters, digits, '.', '_', '-'")
    fields: dict[str, Any] = {"id": pid, "origin": origin, "user": user}
    for key in ("name", "legal_entity", "parent", "source"):
        if key in row:
            fields[key] = check.text(row, key, what)
    for key in ("country", "parent_country"):
        if key in row:
            fields[key] = check.country(row, key, what)
    for key in ("hf_orgs", "modelscope_orgs", "aliases", "providers", "families", "affiliates"):
        if key in row:
            fields[key] = check.texts(row, key, what)
    if "kind" in row:
        fields["kind"] = check.choice(row, "kind", what, PUBLISHER_KINDS, "organisation")
    if "confidence" in row:
        confidence = check.choice(
            row, "confidence", what, frozenset({"heuristic", "registry"}), "registry"
        )
        fields["heuristic"] = confidence == "heuristic"
    if "verified" in row or not user:
        fields["verified"] = check.choice(row, "verified", what, VERIFIED, "unverified")
    if "country" not in row and not user:
        raise check.fail(row, f"{what}: 'country' is required (null when not known)")
    return fields


def _endpoint(row: _Located, check: _Checker, origin: str) -> Endpoint:
    what = f"endpoint {row.get('host')!r}"
    check.keys(
        row,
        what,
        ("host", "provider", "operator"),
        ("country", "source", "region_from", "cloud", "region"),
    )
    check.regex(row, "region_from", what)
    cloud = None
    if "cloud" in row:
        cloud = check.choice(row, "cloud", what, endpoints.clouds(), "")
    return Endpoint(
        host=str(row["host"]).lower(),
        provider=str(row["provider"]),
        operator=str(row["operator"]),
        country=check.country(row, "country", what),
        source=check.text(row, "source", what) or origin,
        region_from=check.text(row, "region_from", what),
        cloud=cloud,
        region=check.text(row, "region", what),
    )


def _api_model(row: _Located, check: _Checker, origin: str) -> ApiModel:
    what = f"api model {row.get('pattern')!r}"
    check.keys(row, what, ("pattern", "provider"), ("family", "source"))
    return ApiModel(
        pattern=str(row["pattern"]).lower(),
        provider=str(row["provider"]),
        family=check.text(row, "family", what) or "",
        source=check.text(row, "source", what) or origin,
    )


def _known_model(row: _Located, check: _Checker, origin: str, user: bool) -> KnownModel:
    what = f"model {row.get('id')!r}"
    check.keys(
        row,
        what,
        ("id",),
        ("aliases", "parents", "license", "publisher", "verified", "source"),
    )
    parents: tuple[ParentRef, ...] | None = None
    if "parents" in row:
        raw = row["parents"]
        if not isinstance(raw, list):
            raise check.fail(row, f"{what}: 'parents' must be a list of {{ref, relation}}")
        out = []
        for item in raw:
            entry = check.mapping(item, f"{what} parent", row)
            check.keys(entry, f"{what} parent", ("ref",), ("relation",))
            relation = check.choice(entry, "relation", f"{what} parent", RELATIONS, "unknown")
            out.append(ParentRef(ref=str(entry["ref"]), relation=relation))
        parents = tuple(out)
    return KnownModel(
        id=str(row["id"]),
        parents=parents,
        aliases=check.texts(row, "aliases", what),
        license=check.text(row, "license", what),
        publisher=check.text(row, "publisher", what),
        verified=check.choice(row, "verified", what, VERIFIED, "unverified"),
        source=check.text(row, "source", what) or "",
        origin=origin,
        user=user,
    )


def _ollama(row: _Located, check: _Checker, origin: str, user: bool) -> OllamaModel:
    what = f"ollama model {row.get('name')!r}"
    check.keys(row, what, ("name", "publisher"), ("family", "default", "tags", "source"))
    tags = row.get("tags") or {}
    if not isinstance(tags, Mapping) or not all(isinstance(v, str) for v in tags.values()):
        raise check.fail(row, f"{what}: 'tags' must map a size (7b) to a Hub repo id")
    return OllamaModel(
        name=str(row["name"]).lower(),
        family=check.text(row, "family", what) or str(row["name"]),
        publisher=str(row["publisher"]),
        default=check.text(row, "default", what),
        tags=tuple(sorted((str(k), str(v)) for k, v in tags.items())),
        origin=origin,
        user=user,
    )


def _family(row: _Located, check: _Checker, origin: str) -> Family:
    what = f"family {row.get('pattern')!r}"
    check.keys(row, what, ("pattern", "publisher"), ("family", "source"))
    body = check.regex(row, "pattern", what)
    assert body is not None
    # Anchored at the start of a name token: "llama" matches "dolphin-llama3", not "tinyllama".
    regex = re.compile(rf"(?:^|(?<=[-_./: ]))(?:{body.pattern})", re.IGNORECASE)
    return Family(
        pattern=str(row["pattern"]),
        family=check.text(row, "family", what) or str(row["pattern"]),
        publisher=str(row["publisher"]),
        origin=origin,
        regex=regex,
    )


def _assistant(row: _Located, check: _Checker, origin: str) -> Assistant:
    what = f"assistant {row.get('key')!r}"
    check.keys(
        row,
        what,
        ("key", "product", "kind"),
        ("vendor", "names", "models", "verified", "source"),
    )
    key = str(row["key"]).lower()
    if key.count("/") != 1:
        raise check.fail(row, f"{what}: 'key' must be <vendor>/<product>")
    return Assistant(
        key=key,
        product=str(row["product"]),
        vendor=check.text(row, "vendor", what),
        kind=check.choice(row, "kind", what, ASSISTANT_KINDS, "vendor"),
        names=tuple(n.lower() for n in check.texts(row, "names", what)),
        models=check.text(row, "models", what),
        verified=check.choice(row, "verified", what, VERIFIED, "unverified"),
        source=check.text(row, "source", what) or "",
        origin=origin,
    )


def _package(row: _Located, check: _Checker, origin: str) -> Package:
    what = f"package {row.get('name')!r}"
    check.keys(row, what, ("ecosystem", "name", "publisher", "source"), ("verified",))
    return Package(
        ecosystem=check.choice(row, "ecosystem", what, PACKAGE_ECOSYSTEMS, "pypi"),
        name=str(row["name"]),
        publisher=str(row["publisher"]),
        verified=check.choice(row, "verified", what, VERIFIED, "unverified"),
        source=check.text(row, "source", what) or "",
        origin=origin,
    )
