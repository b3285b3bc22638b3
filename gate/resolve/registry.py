"""The origins registry: publishers, known models, Ollama names, families, assistants, lists.

Shipped data (``gate/resolve/data/*.yaml``, versioned and dated) and user registry files
(``--registry FILE``) go through the same validator, so a mistake in either names its file and
line. A user file adds entries and overrides shipped ones (a publisher with the same ``id``
keeps the shipped fields it does not set; endpoints, API names, models and families from user
files are tried before shipped ones). Lookups return ``None`` for what is not known: nothing
here guesses a country.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from gate import files, shipped
from gate.discover import loaders
from gate.errors import InputError
from gate.model import FactSource, Party, Provenance
from gate.resolve import apimodels, endpoints
from gate.resolve.apimodels import ApiModel
from gate.resolve.endpoints import Endpoint

API_VERSION = "aigate/v1"
KIND = "Registry"
RELATIONS = frozenset(
    {"finetune", "adapter", "merge", "quantized", "distill", "copy", "uses", "unknown"}
)
VERIFIED = frozenset({"verified", "partly", "unverified"})
PUBLISHER_KINDS = frozenset({"organisation", "redistributor", "individual"})
ASSISTANT_KINDS = frozenset({"vendor", "open-client"})
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_FAMILY_SEPARATORS = "-_./: "
_NEXT_TOKEN = re.compile(r"^[-_./: ]+([A-Za-z0-9]+)")
# A version or size token after a family name: 2, v3, r1, k2, m3, vl2, 7b, 8x7b, 1t.
_VERSION_TOKEN = re.compile(r"^(?:v?\d[a-z0-9]*|[a-z]{1,2}\d[a-z0-9]*)$")
_SECTIONS = (
    "publishers",
    "endpoints",
    "api_models",
    "models",
    "ollama",
    "families",
    "assistants",
    "packages",
)


# --------------------------------------------------------------------------------------
# entries


@dataclass(frozen=True, slots=True)
class Publisher:
    """An organisation (or person) that publishes models."""

    id: str
    name: str
    country: str | None
    parent: str | None = None
    parent_country: str | None = None
    legal_entity: str | None = None
    hf_orgs: tuple[str, ...] = ()
    modelscope_orgs: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    affiliates: tuple[str, ...] = ()
    """Publisher ids whose model families are this one's own too (a spin-off, the same
    company's other Hub org): their family names in its repos are not parents."""
    kind: str = "organisation"
    heuristic: bool = False
    """The mapping itself is a guess (e.g. a researcher's personal account)."""
    verified: str = "unverified"
    source: str = ""
    origin: str = ""
    """``publishers.yaml`` or ``<user file>:<line>``: where the entry was read."""
    user: bool = False

    @property
    def redistributor(self) -> bool:
        """Re-uploads other publishers' models: the maker is found through lineage."""
        return self.kind == "redistributor"


@dataclass(frozen=True, slots=True)
class ParentRef:
    """A known base model of a known model."""

    ref: str
    relation: str = "unknown"


@dataclass(frozen=True, slots=True)
class KnownModel:
    """A model the registry knows: lineage, the licence its card declares, its publisher."""

    id: str
    """A Hub repo id, a glob over repo ids, or a full identity (``local:models/ft``)."""
    parents: tuple[ParentRef, ...] | None = None
    """None: not stated; ``()``: trained from scratch (no name heuristics)."""
    aliases: tuple[str, ...] = ()
    license: str | None = None
    publisher: str | None = None
    verified: str = "unverified"
    source: str = ""
    origin: str = ""
    user: bool = False


@dataclass(frozen=True, slots=True)
class OllamaModel:
    """An Ollama library name: its family, maker and the Hub repo of each size."""

    name: str
    family: str
    publisher: str
    default: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    origin: str = ""
    user: bool = False

    def repo_for(self, tag: str) -> str | None:
        """The Hub repo an Ollama tag was built from (longest matching size key wins)."""
        tag = tag.lower()
        if tag in ("", "latest"):
            tag = (self.default or "").lower()
        best: tuple[int, str] | None = None
        for key, repo in self.tags:
            key = key.lower()
            if (tag == key or tag.startswith(key + "-")) and (best is None or len(key) > best[0]):
                best = (len(key), repo)
        return best[1] if best else None


@dataclass(frozen=True, slots=True)
class Family:
    """A model-family name pattern and the publisher it implies (always a heuristic)."""

    pattern: str
    family: str
    publisher: str
    origin: str = ""
    regex: re.Pattern[str] = field(default=re.compile(""), compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Assistant:
    """A coding assistant product and its vendor."""

    key: str
    """``<vendor>/<product>`` as in ``assistant:<vendor>/<product>``."""
    product: str
    vendor: str | None
    """A publisher id, or None when the vendor is not in the registry."""
    kind: str
    names: tuple[str, ...] = ()
    models: str | None = None
    verified: str = "unverified"
    source: str = ""
    origin: str = ""

    @property
    def open_client(self) -> bool:
        """An open-source client: its origin is the model it is connected to."""
        return self.kind == "open-client"


@dataclass(frozen=True, slots=True)
class Package:
    """Who publishes an SDK or framework package on PyPI or npm (``name`` may end in ``*``
    for a family: ``langchain-*``, ``@ai-sdk/*``)."""

    ecosystem: str
    name: str
    publisher: str
    verified: str = "unverified"
    source: str = ""
    origin: str = ""

    def matches(self, ecosystem: str, name: str) -> bool:
        """Whether a package name (normalised as its registry compares names) is this one."""
        if ecosystem != self.ecosystem:
            return False
        mine, theirs = _package_key(ecosystem, self.name), _package_key(ecosystem, name)
        if mine.endswith("*"):
            return theirs.startswith(mine[:-1]) and len(theirs) > len(mine) - 1
        return mine == theirs


def _package_key(ecosystem: str, name: str) -> str:
    # PEP 503 for PyPI (Foo_Bar == foo-bar); npm names are compared lower-cased.
    lowered = name.strip().lower()
    return re.sub(r"[-_.]+", "-", lowered) if ecosystem == "pypi" else lowered


PACKAGE_ECOSYSTEMS = frozenset({"pypi", "npm"})


@dataclass(frozen=True, slots=True)
class EntityListing:
    """A BIS Entity List entry that names registry publishers."""

    entity: str
    publishers: tuple[str, ...]
    added: str
    citation: str
    verified: str


# --------------------------------------------------------------------------------------
# YAML with line numbers


class _Located(dict[str, Any]):
    """A mapping that remembers the line it started on."""

    line: int = 0


# libyaml's parser when present: the pure-Python one takes ~1 s for the shipped data.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc]
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Located:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.MarkedYAMLError(
                "in a mapping", node.start_mark, f"duplicate key {key!r}", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line + 1
    out = _Located({str(k): v for k, v in loader.construct_mapping(node, deep=True).items()})
    out.line = node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path | str, text: str) -> Any:
    try:
        node = yaml.compose(text, Loader=loaders.SAFE_LOADER)
    except RecursionError:
        raise InputError(path, "invalid YAML: nested too deeply") from None
    except yaml.YAMLError:
        node = None  # reported with its line by the full load below
    if node is not None and (problem := loaders.alias_problem(node)) is not None:
        raise InputError(path, problem)
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(path, f"invalid YAML: {exc.problem or exc}", line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(path, f"invalid YAML: {exc}") from None


# --------------------------------------------------------------------------------------
# validation


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


# --------------------------------------------------------------------------------------
# the registry


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


class Registry:
    """The merged registry: lookups by Hub org, alias, provider, host, name, Ollama name."""

    def __init__(self, user_files: Sequence[Path] = ()) -> None:
        shipped = _shipped()
        self.versions = dict(shipped.versions)
        self.user_files = tuple(str(p) for p in user_files)
        self.entity_list = shipped.entity_list
        self.country_lists = dict(shipped.country_lists)
        user_parts = [read_user_file(Path(p)) for p in user_files]
        # Later files win over earlier ones, user files over shipped data.
        layers = [shipped.parts, *user_parts]

        merged: dict[str, dict[str, Any]] = {}
        for layer in layers:
            for fields in layer.publishers:
                base = merged.get(fields["id"], {})
                merged[fields["id"]] = {**base, **fields}
        self._publishers: dict[str, Publisher] = {}
        for pid, fields in merged.items():
            if not fields.get("name"):
                raise InputError(
                    fields["origin"].rsplit(":", 1)[0],
                    f"publisher {pid!r}: 'name' is required for a new publisher",
                    line=_line_of(fields["origin"]),
                    hint=_HINT,
                )
            self._publishers[pid] = Publisher(**fields)

        self._by_org: dict[str, Publisher] = {}
        self._by_ms_org: dict[str, Publisher] = {}
        self._by_alias: dict[str, Publisher] = {}
        self._by_provider: dict[str, Publisher] = {}
        # User entries are indexed last so they take every key they name.
        ordered = sorted(self._publishers.values(), key=lambda p: (p.user, p.origin, p.id))
        for pub in ordered:
            for org in pub.hf_orgs:
                self._by_org[org.lower()] = pub
            for org in pub.modelscope_orgs:
                self._by_ms_org[org.lower()] = pub
            for alias in (pub.id, *pub.aliases):
                self._by_alias[alias.lower()] = pub
            for provider in pub.providers:
                self._by_provider[provider.lower()] = pub

        self._endpoints = [e for part in reversed(user_parts) for e in part.endpoints]
        self._api_models = sorted(
            (m for part in reversed(user_parts) for m in part.api_models),
            key=lambda r: r.specificity,
            reverse=True,
        )
        self._models: list[KnownModel] = [m for part in reversed(layers) for m in part.models]
        self._model_index: dict[str, KnownModel] = {}
        for model in reversed(self._models):  # earlier (user) entries overwrite
            for key in (model.id, *model.aliases):
                if not any(c in key for c in "*?["):
                    self._model_index[key.lower()] = model
        self._model_globs = [m for m in self._models if any(c in m.id for c in "*?[")]
        self._ollama: dict[str, OllamaModel] = {}
        for layer in layers:
            for entry in layer.ollama:
                self._ollama[entry.name] = entry
        self.families: tuple[Family, ...] = tuple(
            f for part in reversed(layers) for f in part.families
        )
        self._model_words = shipped.model_words
        self._assistants = [a for part in reversed(layers) for a in part.assistants]
        # User entries first, and an exact name before a family glob.
        self._packages = sorted(
            (p for part in reversed(layers) for p in part.packages),
            key=lambda p: p.name.endswith("*"),
        )

        for layer, path in zip(layers, ["", *self.user_files], strict=True):
            for pid, what, row, file in layer.refs:
                if pid not in self._publishers:
                    raise InputError(
                        file or path,
                        f"{what} names publisher {pid!r}, which no registry defines",
                        line=row.line,
                        hint=_HINT,
                    )
        for listing in self.entity_list:
            for pid in listing.publishers:
                if pid not in self._publishers:
                    raise InputError(
                        "gate/resolve/data/regulatory.yaml",
                        f"entity list entry {listing.entity!r} names unknown publisher {pid!r}",
                    )
        self._known_names = self._index_known_names()

    # ---- identity of the registry

    @property
    def version(self) -> str:
        """The shipped registry's version: the newest date among its data files."""
        versions = [*self.versions.values(), endpoints.version(), endpoints.regions_version()]
        return max([*versions, apimodels.version()], default="")

    def describe(self) -> str:
        """``registry 2026.11.26`` plus the user files, for notes and explanations."""
        text = f"registry {self.version}"
        if self.user_files:
            text += " + " + ", ".join(self.user_files)
        return text

    # ---- publishers

    def publishers(self) -> Iterator[Publisher]:
        """Every publisher, sorted by id."""
        for pid in sorted(self._publishers):
            yield self._publishers[pid]

    def publisher(self, pid: str) -> Publisher | None:
        """A publisher by id."""
        return self._publishers.get(pid)

    def publisher_for_org(self, org: str) -> Publisher | None:
        """The publisher behind a Hugging Face org (case-insensitive)."""
        return self._by_org.get(org.lower())

    def publisher_for_modelscope_org(self, org: str) -> Publisher | None:
        """The publisher behind a ModelScope org (falls back to the same Hub org name)."""
        return self._by_ms_org.get(org.lower()) or self._by_org.get(org.lower())

    def publisher_for_vendor(self, vendor: str) -> Publisher | None:
        """A vendor prefix as aggregators write it (``qwen``, ``z-ai``, ``meta-llama``)."""
        key = vendor.lower()
        return self._by_alias.get(key) or self._by_org.get(key)

    def publisher_for_provider(self, provider: str) -> Publisher | None:
        """The publisher whose own models an ``api:<provider>/…`` key serves, if it makes any."""
        return self._by_provider.get(provider.lower())

    def is_aggregator(self, provider: str) -> bool:
        """The provider serves other makers' models (its key never names the maker)."""
        return provider.lower() in endpoints.aggregators()

    def entity_listing(self, pub: Publisher) -> EntityListing | None:
        """The BIS Entity List entry that names this publisher, if any."""
        for listing in self.entity_list:
            if pub.id in listing.publishers:
                return listing
        return None

    def party(self, pub: Publisher, how: str, *, heuristic: bool = False) -> Party:
        """The publisher as a Party whose provenance says how it was matched and from where."""
        if pub.user:
            source = FactSource.USER_REGISTRY
        elif heuristic or pub.heuristic:
            source = FactSource.HEURISTIC
        else:
            source = FactSource.REGISTRY
        where = pub.origin if pub.user else f"{pub.origin}#{pub.id} ({self.describe()})"
        detail = f"{how}: {where}; {pub.verified}"
        if pub.heuristic:
            detail += "; the mapping itself is a guess (see the entry's source)"
        return Party(
            name=pub.name,
            country=pub.country,
            parent=pub.parent,
            parent_country=pub.parent_country,
            provenance=(Provenance(source, detail),),
            entity_listed=self.entity_listing(pub) is not None,
        )

    # ---- endpoints and hosted model names

    def endpoint(self, url_or_host: str) -> Endpoint | None:
        """The endpoint serving a URL or host: user entries first, then the shipped table."""
        host = endpoints.host_of(url_or_host)
        if not host:
            return None
        for ep in self._endpoints:
            if ep.host == host:
                return ep
        for ep in self._endpoints:
            if "*" in ep.host and fnmatch.fnmatchcase(host, ep.host):
                return ep
        return endpoints.lookup(host)

    def is_user_endpoint(self, ep: Endpoint) -> bool:
        """The endpoint came from a user registry file."""
        return any(ep is own for own in self._endpoints)

    def default_endpoint(self, provider: str) -> Endpoint | None:
        """The first concrete host listed for a provider (where its SDK calls by default)."""
        for ep in (*self._endpoints, *endpoints.endpoints()):
            if ep.provider == provider and "*" not in ep.host:
                return ep
        return None

    def api_model(self, name: str) -> ApiModel | None:
        """The hosted model-name pattern a name matches: user patterns first."""
        lowered = name.strip().lower()
        for row in self._api_models:
            if fnmatch.fnmatchcase(lowered, row.pattern):
                return row
        return apimodels.lookup(lowered)

    # ---- models, names, families

    def model(self, ref: str) -> KnownModel | None:
        """A known model by Hub repo id (or alias, or glob) or by full identity."""
        key = ref.lower()
        found = self._model_index.get(key)
        if found is not None:
            return found
        for model in self._model_globs:
            if fnmatch.fnmatchcase(key, model.id.lower()):
                return model
        return None

    def _index_known_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        repos: list[str] = []
        for model in self._models:
            # A renamed repo's old name points at its current id.
            for alias in model.aliases:
                if "/" in alias and not any(c in model.id for c in "*?[:"):
                    names.setdefault(alias.split("/", 1)[1].lower(), model.id)
            repos.extend([model.id, *(p.ref for p in model.parents or ())])
        for entry in self._ollama.values():
            repos.extend(repo for _, repo in entry.tags)
        for repo in repos:
            if "/" not in repo or any(c in repo for c in "*?[:"):
                continue
            org, _, name = repo.partition("/")
            pub = self.publisher_for_org(org)
            if pub is None or pub.redistributor:
                continue
            names.setdefault(name.lower(), repo)
        return names

    def known_repo_for_name(self, name: str) -> str | None:
        """The original Hub repo of a model name (``Qwen2.5-7B-Instruct`` → ``Qwen/…``)."""
        return self._known_names.get(name.lower())

    def known_names(self) -> Mapping[str, str]:
        """Lower-cased model names of known original repos → their repo ids."""
        return self._known_names

    def families_in(self, name: str) -> list[tuple[int, int, Family]]:
        """Family names a model name mentions: (start, end, family), in order of position.

        A pattern counts only where the name around it looks like a model name (see
        :meth:`model_shaped`): ``glmnet``, ``ernie-sentiment`` or ``ring-buffer`` name no model.
        """
        found: list[tuple[int, int, Family]] = []
        for fam in self.families:
            for match in fam.regex.finditer(name):
                if self.model_shaped(name, match.start(), match.end()):
                    found.append((match.start(), match.end(), fam))
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        return found

    def model_shaped(self, name: str, start: int, end: int) -> bool:
        """The family name at ``name[start:end]`` is used as a model name.

        It must end at a token boundary (end of name, a separator, or a version digit:
        ``glm4`` yes, ``glmnet`` no), and be followed by a version or size (``qwen2.5``,
        ``-7b``, ``-v3``, ``-K2``, ``-m3``) or a model-variant word from ``families.yaml``
        (``-instruct``, ``-coder``, ``-large``), unless the matched text is itself specific
        (it holds a digit or a separator: ``gpt-oss``, ``nomic-embed``, ``flux.1``).
        """
        text, tail = name[start:end], name[end:]
        if tail and not (tail[0] in _FAMILY_SEPARATORS or tail[0].isdigit()):
            return False
        if any(c.isdigit() or c in _FAMILY_SEPARATORS for c in text):
            return True
        if tail[:1].isdigit():
            return True
        token = _NEXT_TOKEN.match(tail)
        if token is None:
            return False
        word = token.group(1).lower()
        return bool(_VERSION_TOKEN.match(word)) or word in self._model_words

    def ollama(self, name: str) -> OllamaModel | None:
        """An Ollama library name (without tag), case-insensitive."""
        return self._ollama.get(name.lower())

    # ---- assistants

    def package(self, ecosystem: str, name: str) -> Package | None:
        """The registry entry for an SDK package (``pypi``/``npm``), by any spelling its
        registry accepts; an exact entry wins over a family (``langchain-*``)."""
        return next((p for p in self._packages if p.matches(ecosystem, name)), None)

    def assistant(self, name: str) -> Assistant | None:
        """A coding assistant by identity key (``anthropic/claude-code``) or any known spelling.

        Accepts ``assistant:<vendor>/<product>``, ``<vendor>/<product>`` or a name as written in
        a commit trailer or config (``Claude Code``, ``copilot``, ``Qwen-Coder``).
        """
        key = name.strip().lower()
        key = key.removeprefix("assistant:")
        for assistant in self._assistants:
            if key == assistant.key or key == assistant.product.lower():
                return assistant
        for assistant in self._assistants:
            if key in assistant.names:
                return assistant
        return None

    def assistants(self) -> tuple[Assistant, ...]:
        """Every known assistant."""
        return tuple(self._assistants)

    def assistant_vendor(self, name: str) -> Publisher | None:
        """The vendor (publisher) of an assistant, if known."""
        found = self.assistant(name)
        if found is None or found.vendor is None:
            return None
        return self.publisher(found.vendor)


def _line_of(origin: str) -> int | None:
    tail = origin.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None


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
