"""Reading the registry's sources: the shipped data files (once) and user registry files."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from gate import files, shipped
from gate.errors import InputError
from gate.resolve.apimodels import ApiModel
from gate.resolve.endpoints import Endpoint
from gate.resolve.registry.checks import (
    _HINT,
    _api_model,
    _assistant,
    _Checker,
    _endpoint,
    _family,
    _known_model,
    _ollama,
    _package,
    _publisher,
    _rows,
)
from gate.resolve.registry.entries import (
    _SECTIONS,
    API_VERSION,
    KIND,
    Assistant,
    EntityListing,
    Family,
    KnownModel,
    OllamaModel,
    Package,
)
from gate.resolve.registry.located import Located as _Located
from gate.resolve.registry.located import read_yaml as _read_yaml


@dataclass(frozen=True, slots=True)
class _Parts:
    """Entries read from one source (the shipped data or one user file), before merging."""

    publishers: list[dict[str, Any]] = field(default_factory=list)
    endpoints: list[Endpoint] = field(default_factory=list)
    api_models: list[ApiModel] = field(default_factory=list)
    models: list[KnownModel] = field(default_factory=list)
    ollama: list[OllamaModel] = field(default_factory=list)
    families: list[Family] = field(default_factory=list)
    assistants: list[Assistant] = field(default_factory=list)
    packages: list[Package] = field(default_factory=list)
    refs: list[tuple[str, str, _Located, str]] = field(default_factory=list)
    """(publisher id, what refers to it, row, file) to check once everything is merged."""


def _shipped_text(name: str) -> str:
    return shipped.text("gate.resolve", f"data/{name}")


@cache
def countries() -> frozenset[str]:
    """The ISO 3166-1 alpha-2 codes a registry country may take."""
    doc = shipped.yaml_data("gate.resolve", "data/countries.yaml")
    return frozenset(str(doc["codes"]).split())


def _read_sections(
    parts: _Parts, doc: Mapping[str, Any], check: _Checker, name: str, user: bool
) -> None:
    def origin(row: _Located) -> str:
        return f"{name}:{row.line}" if user else name

    for row in _rows(doc, "publishers", check):
        fields = _publisher(row, check, origin(row), user)
        parts.publishers.append(fields)
        for other in fields.get("affiliates", ()):
            parts.refs.append((other, f"publisher {fields['id']!r} affiliates", row, check.path))
    for row in _rows(doc, "endpoints", check):
        parts.endpoints.append(_endpoint(row, check, origin(row)))
    for row in _rows(doc, "api_models", check):
        parts.api_models.append(_api_model(row, check, origin(row)))
    for row in _rows(doc, "models", check):
        model = _known_model(row, check, origin(row), user)
        parts.models.append(model)
        if model.publisher:
            parts.refs.append((model.publisher, f"model {model.id!r}", row, check.path))
    for key in ("ollama", "library"):
        for row in _rows(doc, key, check):
            entry = _ollama(row, check, origin(row), user)
            parts.ollama.append(entry)
            parts.refs.append((entry.publisher, f"ollama model {entry.name!r}", row, check.path))
    for row in _rows(doc, "families", check):
        fam = _family(row, check, origin(row))
        parts.families.append(fam)
        parts.refs.append((fam.publisher, f"family {fam.pattern!r}", row, check.path))
    for row in _rows(doc, "assistants", check):
        assistant = _assistant(row, check, origin(row))
        parts.assistants.append(assistant)
        if assistant.vendor:
            parts.refs.append((assistant.vendor, f"assistant {assistant.key!r}", row, check.path))
    for row in _rows(doc, "packages", check):
        package = _package(row, check, origin(row))
        parts.packages.append(package)
        parts.refs.append((package.publisher, f"package {package.name!r}", row, check.path))


_SHIPPED_FILES = (
    "publishers.yaml",
    "models.yaml",
    "ollama.yaml",
    "families.yaml",
    "assistants.yaml",
    "packages.yaml",
)


@dataclass(frozen=True, slots=True)
class _Shipped:
    parts: _Parts
    versions: dict[str, str]
    entity_list: tuple[EntityListing, ...]
    country_lists: dict[str, tuple[str, ...]]
    regulatory_version: str
    model_words: frozenset[str] = frozenset()


@cache
def _shipped() -> _Shipped:
    parts = _Parts()
    versions: dict[str, str] = {}
    for name in _SHIPPED_FILES:
        doc = _read_yaml(name, _shipped_text(name))
        check = _Checker(f"gate/resolve/data/{name}", countries())
        versions[name] = str(doc.get("version", ""))
        _read_sections(parts, doc, check, name, user=False)
    regulatory = shipped.yaml_data("gate.resolve", "data/regulatory.yaml")
    listings = tuple(
        EntityListing(
            entity=str(e["entity"]),
            publishers=tuple(str(p) for p in e.get("publishers", ())),
            added=str(e.get("added", "")),
            citation=str(e.get("citation", "")),
            verified=str(e.get("verified", "")),
        )
        for e in regulatory["entity_list"]["entries"]
    )
    lists = {
        str(k): tuple(str(c) for c in v["countries"])
        for k, v in regulatory["country_lists"].items()
    }
    versions["regulatory.yaml"] = str(regulatory.get("version", ""))
    families = shipped.yaml_data("gate.resolve", "data/families.yaml")
    words = frozenset(str(w).lower() for w in families.get("model_words") or ())
    return _Shipped(parts, versions, listings, lists, str(regulatory.get("version", "")), words)


def _registry_error(display: str, problem: str) -> InputError:
    return InputError(display, f"cannot read registry file: {problem}")


def read_user_file(path: Path) -> _Parts:
    """Read and validate one user registry file; errors name the file and line."""
    text = files.read_text_bounded(path, files.MAX_POLICY_FILE, error=_registry_error)
    doc = _read_yaml(path, text)
    check = _Checker(str(path), countries())
    if doc is None:
        return _Parts()
    if not isinstance(doc, _Located):
        raise InputError(path, "a registry file is a YAML mapping", hint=_HINT)
    allowed = {"apiVersion", "kind", "version", "as_of", "description", *_SECTIONS}
    for key in doc:
        if key not in allowed:
            raise check.fail(
                doc, f"unknown top-level key {key!r} (allowed: {', '.join(sorted(allowed))})"
            )
    if doc.get("apiVersion", API_VERSION) != API_VERSION:
        raise check.fail(doc, f"apiVersion must be {API_VERSION!r}")
    if doc.get("kind", KIND) != KIND:
        raise check.fail(doc, f"kind must be {KIND!r} (this is a registry file)")
    parts = _Parts()
    _read_sections(parts, doc, check, str(path), user=True)
    return parts
