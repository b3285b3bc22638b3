"""Reading the registry's sources: the shipped data files (once) and user registry files.

A user file is read by :mod:`gate.yamlfile` (lines kept, bounded, alias bombs refused) and
checked against ``data/registry.schema.json``, so a mistake names its file and line. The
shipped files are parsed once with libyaml (:mod:`gate.shipped`); the tests check them
against the same schema.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gate import files, shipped, yamlfile
from gate.errors import InputError
from gate.registry import build, endpoints
from gate.registry.apimodels import ApiModel
from gate.registry.build import HINT
from gate.registry.endpoints import Endpoint
from gate.registry.entries import (
    Assistant,
    EntityListing,
    Family,
    KnownModel,
    OllamaModel,
    Package,
)

if TYPE_CHECKING:
    import jsonschema


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
    refs: list[tuple[str, str, str, int | None]] = field(default_factory=list)
    """(publisher id, what refers to it, file, line) to check once everything is merged."""


@cache
def countries() -> frozenset[str]:
    """The ISO 3166-1 alpha-2 codes a registry country may take."""
    doc = shipped.yaml_data("gate.resolve", "data/countries.yaml")
    return frozenset(str(doc["codes"]).split())


LineOf = Callable[[yamlfile.PathKey], int | None]


def _read_sections(
    parts: _Parts, doc: Mapping[str, Any], file: str, name: str, line_of: LineOf | None
) -> None:
    """Every section's rows as entries; ``line_of`` (user files only) places each row."""
    user = line_of is not None

    def rows(key: str) -> list[tuple[Mapping[str, Any], str, int | None]]:
        out = []
        for i, row in enumerate(doc.get(key) or ()):
            line = line_of((key, i)) if line_of is not None else None
            out.append((row, f"{name}:{line}" if user else name, line))
        return out

    for row, origin, line in rows("publishers"):
        fields = build.publisher(row, origin, user)
        parts.publishers.append(fields)
        for other in fields.get("affiliates", ()):
            parts.refs.append((other, f"publisher {fields['id']!r} affiliates", file, line))
    for row, origin, _ in rows("endpoints"):
        parts.endpoints.append(build.endpoint(row, origin))
    for row, origin, _ in rows("api_models"):
        parts.api_models.append(build.api_model(row, origin))
    for row, origin, line in rows("models"):
        model = build.known_model(row, origin, user)
        parts.models.append(model)
        if model.publisher:
            parts.refs.append((model.publisher, f"model {model.id!r}", file, line))
    for key in ("ollama", "library"):
        for row, origin, line in rows(key):
            entry = build.ollama(row, origin, user)
            parts.ollama.append(entry)
            parts.refs.append((entry.publisher, f"ollama model {entry.name!r}", file, line))
    for row, origin, line in rows("families"):
        fam = build.family(row, origin)
        parts.families.append(fam)
        parts.refs.append((fam.publisher, f"family {fam.pattern!r}", file, line))
    for row, origin, line in rows("assistants"):
        assistant = build.assistant(row, origin)
        parts.assistants.append(assistant)
        if assistant.vendor:
            parts.refs.append((assistant.vendor, f"assistant {assistant.key!r}", file, line))
    for row, origin, line in rows("packages"):
        package = build.package(row, origin)
        parts.packages.append(package)
        parts.refs.append((package.publisher, f"package {package.name!r}", file, line))


_SHIPPED_FILES = (
    "publishers.yaml",
    "models.yaml",
    "ollama.yaml",
    "families.yaml",
    "packages.yaml",
)
ASSISTANTS = ("gate.discover", "data/assistants.yaml")
PACKAGES = ("gate.discover", "data/packages.yaml")
"""The AI packages discovery knows, each with its publisher: read here for the publishers."""
"""The coding assistants and their spellings: one list, discovery's catalogue, read here too."""


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
        doc = shipped.yaml_data("gate.resolve", f"data/{name}")
        versions[name] = str(doc.get("version", ""))
        _read_sections(parts, doc, f"gate/resolve/data/{name}", name, None)
    sdks = shipped.yaml_data(*PACKAGES)
    for ecosystem in ("pypi", "npm"):
        for name, row in sdks[ecosystem].items():
            if row and "publisher" in row:
                package = build.package(
                    {"ecosystem": ecosystem, "name": name, **row}, "packages.yaml"
                )
                parts.packages.append(package)
                where = f"gate/discover/{PACKAGES[1]}"
                parts.refs.append((package.publisher, f"package {package.name!r}", where, None))
    catalogue = shipped.yaml_data(*ASSISTANTS)
    versions["assistants.yaml"] = str(catalogue.get("version", ""))
    for row in catalogue["assistants"].values():
        if "publisher" in row:
            assistant = build.catalogue_assistant(row, "assistants.yaml")
            parts.assistants.append(assistant)
            if assistant.vendor:
                file = f"gate/discover/{ASSISTANTS[1]}"
                parts.refs.append((assistant.vendor, f"assistant {assistant.key!r}", file, None))
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


SCHEMA = "data/registry.schema.json"
"""The registry file format (user files and shipped data), beside the shipped data."""


def schema() -> dict[str, Any]:
    """The registry file schema with the values it takes from data files filled in: the
    ISO 3166-1 codes of ``countries.yaml`` and the clouds of ``regions.yaml``."""
    doc: dict[str, Any] = json.loads(shipped.text("gate.resolve", SCHEMA))
    defs = doc["$defs"]
    defs["country"]["enum"] = [*sorted(countries()), None]
    defs["endpoint"]["properties"]["cloud"]["enum"] = sorted(endpoints.clouds())
    return doc


@cache
def _validator() -> jsonschema.protocols.Validator:
    return yamlfile.compile_schema(schema())


_ENTRIES = {
    "publishers": ("publisher", "id"),
    "endpoints": ("endpoint", "host"),
    "api_models": ("api model", "pattern"),
    "models": ("model", "id"),
    "ollama": ("ollama model", "name"),
    "library": ("ollama model", "name"),
    "families": ("family", "pattern"),
    "assistants": ("assistant", "key"),
    "packages": ("package", "name"),
}


def _entry_namer(doc: Any) -> yamlfile.Entry:
    """How schema errors name the entry they are in: ``publisher 'acme'``, ``model 'a/b'
    parent``; nothing for the top level."""

    def name(where: yamlfile.PathKey) -> tuple[str, int]:
        if len(where) < 2 or where[0] not in _ENTRIES or not isinstance(where[1], int):
            return "", 0
        label, key = _ENTRIES[str(where[0])]
        row = doc[where[0]][where[1]]
        if not isinstance(row, dict):
            return f"{where[0]} entry", 2
        text = f"{label} {row.get(key)!r}"
        if len(where) >= 4 and where[2] == "parents" and isinstance(where[3], int):
            return f"{text} parent", 4
        return text, 2

    return name


def read_user_bytes(path: Path) -> bytes:
    """A user registry file's bytes (a regular file, bounded), or an error naming it."""
    return files.read_bounded(path, files.MAX_POLICY_FILE, error=_registry_error)


def read_user_file(path: Path, raw: bytes | None = None) -> _Parts:
    """Read (unless ``raw`` holds its bytes) and validate one user registry file; errors name
    the file and line."""
    if raw is None:
        raw = read_user_bytes(path)
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise _registry_error(str(path), f"is not UTF-8 text (byte {exc.start})") from exc
    doc = yamlfile.parse(text, str(path), path=path, error=InputError, raw=raw)
    if doc.value is None:
        return _Parts()
    if not isinstance(doc.value, dict):
        raise InputError(path, "a registry file is a YAML mapping", hint=HINT)
    yamlfile.validate(doc, _validator(), "registry file", entry=_entry_namer(doc.value), hint=HINT)
    parts = _Parts()
    _read_sections(parts, doc.value, str(path), str(path), doc.line)
    return parts
