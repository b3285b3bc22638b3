"""Model strings to identities: one set of rules for code, configs and notebooks.

A source finds a string where a model is named (a call argument, a config value) and the
context it was found in (which SDK, which endpoint, which region, which argument); this
module turns the pair into a canonical identity, a role, an evidence kind and the
attributes the resolver reads (``host``, ``provider``, ``sdk``, ``base_url``, ``revision``,
``pinned``). The rules are documented in ``docs/references.md``.
"""

from __future__ import annotations

import fnmatch
import re
import weakref
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml

from gate import identity
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.model import (
    CONFIDENCE_ORDER,
    JSON,
    ComponentId,
    Confidence,
    Evidence,
    EvidenceKind,
    Location,
    Role,
)
from gate.resolve import apimodels, endpoints, registry

OLLAMA_PORT = 11434
_MAX_VALUE = 300


@cache
def load_data(name: str) -> Any:
    """A YAML data file of ``gate/discover/data``, parsed once."""
    text = resources.files("gate.discover").joinpath(f"data/{name}").read_text("utf-8")
    return yaml.safe_load(text)


@lru_cache(maxsize=8192)
def _norm_key(key: str) -> str:
    # camelCase → snake_case, then "-" and "." → "_": model-name, modelName, model.name agree.
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key)
    return re.sub(r"[-.\s]+", "_", snake).lower().strip("_")


@dataclass(frozen=True, slots=True)
class Conventions:
    """The key, value and path conventions of ``data/conventions.yaml``."""

    model_keys: frozenset[str]
    model_key_suffixes: tuple[str, ...]
    not_model_keys: frozenset[str]
    url_keys: frozenset[str]
    url_key_suffixes: tuple[str, ...]
    provider_keys: frozenset[str]
    hub_id_keys: frozenset[str]
    example_keys: frozenset[str]
    not_model_values: frozenset[str]
    path_orgs: frozenset[str]
    test_dirs: frozenset[str]
    docs_dirs: frozenset[str]
    package_dirs: frozenset[str]
    test_files: tuple[str, ...]
    servers: tuple[Mapping[str, Any], ...]
    commands: tuple[Mapping[str, Any], ...]


@cache
def conventions() -> Conventions:
    """The shipped conventions, loaded once."""
    doc = load_data("conventions.yaml")
    return Conventions(
        model_keys=frozenset(doc["model_keys"]),
        model_key_suffixes=tuple(doc["model_key_suffixes"]),
        not_model_keys=frozenset(doc["not_model_keys"]),
        url_keys=frozenset(doc["url_keys"]),
        url_key_suffixes=tuple(doc["url_key_suffixes"]),
        provider_keys=frozenset(doc["provider_keys"]),
        hub_id_keys=frozenset(doc["hub_id_keys"]),
        example_keys=frozenset(doc["example_keys"]),
        not_model_values=frozenset(str(v).lower() for v in doc["not_model_values"]),
        path_orgs=frozenset(doc["path_orgs"]),
        test_dirs=frozenset(doc["test_dirs"]),
        docs_dirs=frozenset(doc["docs_dirs"]),
        package_dirs=frozenset(doc["package_dirs"]),
        test_files=tuple(doc["test_files"]),
        servers=tuple(doc["servers"]),
        commands=tuple(doc["commands"]),
    )


@dataclass(frozen=True, slots=True)
class Providers:
    """Provider defaults and aliases of ``data/providers.yaml``."""

    hosts: Mapping[str, str | None]
    region_hosts: Mapping[str, str]
    litellm: Mapping[str, str]
    aliases: Mapping[str, str]
    env_prefixes: tuple[tuple[str, str], ...]
    hf_legacy: Mapping[str, str]
    hf_legacy_datasets: Mapping[str, str]


@cache
def providers() -> Providers:
    """The shipped provider table, loaded once."""
    doc = load_data("providers.yaml")
    rows: Mapping[str, Mapping[str, Any]] = doc["providers"]
    return Providers(
        hosts={k: v.get("host") for k, v in rows.items()},
        region_hosts={k: v["region_host"] for k, v in rows.items() if v.get("region_host")},
        litellm=dict(doc["litellm_prefixes"]),
        aliases={str(k).lower(): v for k, v in doc["aliases"].items()},
        env_prefixes=tuple(
            sorted(doc["env_prefixes"].items(), key=lambda kv: len(kv[0]), reverse=True)
        ),
        hf_legacy=dict(doc["hf_legacy_ids"]),
        hf_legacy_datasets=dict(doc["hf_legacy_dataset_ids"]),
    )


# Providers that serve only their own models: an SDK client for one of them calling another
# publisher's model (OpenAI() + "deepseek-chat") must have its base URL set elsewhere.
_OWN_MODELS_ONLY = frozenset(
    {"openai", "anthropic", "google", "mistral", "cohere", "deepseek", "moonshot", "zhipu"}
    | {"minimax", "xai", "perplexity", "ai21"}
)


# --- paths -------------------------------------------------------------------------------


def path_scope(rel: str, packages: Collection[str] = ()) -> str | None:
    """``test`` or ``docs`` when a path is a test or documentation file, else None.

    ``packages`` are the folders that hold an ``__init__.py``: one named ``testing``,
    ``fixtures``, ``docs``... among them is importable code that ships (numpy.testing), not a
    test folder. ``tests``/``test`` folders are tests whether importable or not.
    """
    found = _set_aside(rel, packages)
    return found[0] if found else None


def _set_aside(
    rel: str, packages: Collection[str], folders: dict[str, tuple[str, str] | None] | None = None
) -> tuple[str, str] | None:
    """``(scope, what decided it)``: the test or docs folder (``tests/``), or the file itself
    when only its name says so (``app/test_x.py``). ``folders`` memoises folder answers."""
    folder, _, name = rel.rpartition("/")
    if folder:
        if folders is None:
            found = _folder_scope(folder, packages)
        elif folder in folders:
            found = folders[folder]
        else:
            found = folders[folder] = _folder_scope(folder, packages)
        if found is not None:
            return found
    return ("test", rel) if _test_file().match(name) else None


def _folder_scope(folder: str, packages: Collection[str]) -> tuple[str, str] | None:
    conv = conventions()
    parts = folder.split("/")
    for index, part in enumerate(parts):
        if part in conv.package_dirs and packages and "/".join(parts[: index + 1]) in packages:
            continue
        scope = "test" if part in conv.test_dirs else "docs" if part in conv.docs_dirs else None
        if scope is not None:
            return scope, "/".join(parts[: index + 1]) + "/"
    return None


@cache
def _test_file() -> re.Pattern[str]:
    return re.compile("|".join(fnmatch.translate(p) for p in conventions().test_files))


SET_ASIDE_NOTE = "tests and docs set aside"
"""How the scan note naming the paths it did not read begins (``--include-tests`` reads them)."""
_NOTE_FOLDERS = 8


class PathScopes:
    """Which files of one tree are tests or docs, knowing its Python packages."""

    def __init__(self, rels: Iterable[str]) -> None:
        rels = list(rels)
        self.packages = frozenset(
            r.rsplit("/", 1)[0] for r in rels if r.endswith("/__init__.py") and "/" in r
        )
        folders: dict[str, tuple[str, str] | None] = {}
        self._set_aside = {
            r: found for r in rels if (found := _set_aside(r, self.packages, folders))
        }

    def scope(self, rel: str) -> str | None:
        """``test``, ``docs`` or None for a path of the tree."""
        found = self._set_aside.get(rel)
        return found[0] if found else None

    def mark(self, found: Iterable[Evidence]) -> list[Evidence]:
        """Evidence from test or docs paths gets ``scope`` (read only with --include-tests)."""
        out: list[Evidence] = []
        for ev in found:
            scope = self.scope(ev.location.path) if ev.location.path else None
            out.append(with_scope([ev], scope)[0] if scope else ev)
        return out

    def note(self) -> str | None:
        """A scan note naming what was set aside (folders, file counts), or None."""
        counts: dict[str, int] = {}
        for _, folder in self._set_aside.values():
            counts[folder] = counts.get(folder, 0) + 1
        if not counts:
            return None
        total = sum(counts.values())
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = ", ".join(f"{folder} ({n})" for folder, n in ranked[:_NOTE_FOLDERS])
        more = f" and {len(ranked) - _NOTE_FOLDERS} more" if len(ranked) > _NOTE_FOLDERS else ""
        return (
            f"{SET_ASIDE_NOTE} (not read for model references; --include-tests reads them):"
            f" {total} file{'' if total == 1 else 's'} in {shown}{more}"
        )


def readable(tree: Tree, include_tests: bool) -> Callable[[str], bool]:
    """Whether a source reads a path: tests and docs only with ``--include-tests``."""
    scopes = path_scopes(tree)
    return lambda rel: include_tests or scopes.scope(rel) is None


def finish(tree: Tree, ctx: DiscoverContext, found: Iterable[Evidence]) -> list[Evidence]:
    """A source's evidence, deduplicated, with test/docs paths marked; and, when those were
    not read, the scan note saying which (one note for all sources: the text is the same)."""
    scopes = path_scopes(tree)
    if not ctx.include_tests and (note := scopes.note()) is not None:
        ctx.facts.note(note)
    return dedupe(scopes.mark(found))


_SCOPES: weakref.WeakKeyDictionary[Tree, PathScopes] = weakref.WeakKeyDictionary()


def path_scopes(tree: Tree) -> PathScopes:
    """The :class:`PathScopes` of a walked tree (made once per tree, shared by the sources)."""
    found = _SCOPES.get(tree)
    if found is None:
        found = PathScopes(f.rel for f in tree.files)
        _SCOPES[tree] = found
    return found


# --- keys --------------------------------------------------------------------------------


def is_model_key(key: str) -> bool:
    """A config key or variable name that names a model (``model``, ``EMBEDDING_MODEL``...)."""
    conv = conventions()
    norm = _norm_key(key)
    if norm in conv.not_model_keys:
        return False
    if norm in conv.model_keys:
        return True
    return any(norm.endswith("_" + s) for s in conv.model_key_suffixes)


def names_model(key: str) -> bool:
    """A model-ish key (``is_model_key``) or one whose value counts only as a known Hub id
    (``model_path``): see ``resolve_under``."""
    return is_model_key(key) or _norm_key(key) in conventions().hub_id_keys


def resolve_under(key: str, value: str, ctx: RefContext) -> Ref | None:
    """The identity a value under a model-ish key names: any model shape under a model key;
    under a path key (``model_path``) only an ``org/name`` of a known publisher's Hub org."""
    if is_model_key(key):
        return resolve(value, ctx)
    if _norm_key(key) not in conventions().hub_id_keys:
        return None
    text = value.strip()
    if text.count("/") != 1 or looks_like_path(text) or not identity.is_hf_repo_id(text):
        return None
    if registry.load().publisher_for_org(text.split("/", 1)[0]) is None:
        return None
    return _hf_ref(text, ctx)


def is_url_key(key: str) -> bool:
    """A key that names an endpoint (``base_url``, ``OPENAI_API_BASE``, ``baseURL``...)."""
    conv = conventions()
    norm = _norm_key(key)
    if norm in conv.url_keys:
        return True
    return any(norm.endswith("_" + s) for s in conv.url_key_suffixes)


def is_provider_key(key: str) -> bool:
    """A key that names the provider of a model in the same mapping."""
    return _norm_key(key) in conventions().provider_keys


def is_example_key(key: str) -> bool:
    """A key whose value documents an API (OpenAPI ``example``, pydantic
    ``json_schema_extra``): what is under it is an illustration, not a use."""
    return _norm_key(key) in conventions().example_keys


def provider_alias(name: str) -> str | None:
    """A provider key for a provider name as tools write it (``dashscope`` → ``alibaba``)."""
    return providers().aliases.get(name.strip().lower())


@lru_cache(maxsize=8192)
def provider_from_env_name(name: str) -> str | None:
    """The provider an environment variable is for (``DEEPSEEK_MODEL`` → ``deepseek``)."""
    upper = name.upper()
    for prefix, provider in providers().env_prefixes:
        if upper == prefix or upper.startswith(prefix + "_"):
            return provider
    return None


# --- value shapes ------------------------------------------------------------------------

_OLLAMA_NAME = re.compile(
    r"^[a-z0-9][a-z0-9._-]*(?:/[a-z0-9][a-z0-9._-]*)?(?::[A-Za-z0-9][A-Za-z0-9._-]*)?$"
)
_OLLAMA_TAGGED = re.compile(r"^[a-z0-9][a-z0-9._-]*(?:/[a-z0-9][a-z0-9._-]*)?:[A-Za-z0-9._-]+$")
# Bedrock model ids: vendor.model[-version][:n], optionally behind a cross-region prefix.
_BEDROCK_ID = re.compile(
    r"^(?:(?:us|eu|apac|global|us-gov)\.)?"
    r"(?:anthropic|amazon|meta|cohere|ai21|mistral|stability|deepseek|qwen|writer|openai)"
    r"\.[a-z0-9][\w.-]*(?::\d+)?$"
)
_BARE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
_WEIGHT_EXT = re.compile(
    r"\.(?:safetensors|gguf|ggml|bin|pt|pth|ckpt|pkl|onnx|h5|keras|tflite|pb|json|yaml|yml)$",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s")
_HF_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})


def looks_like_path(value: str) -> bool:
    """A filesystem path rather than a hub id (``./x``, ``/opt/m``, ``models/x``, ``a/b/c``)."""
    if value.startswith(("/", "./", "../", "~", "\\")) or "\\" in value:
        return True
    if re.match(r"^[A-Za-z]:[\\/]", value):
        return True
    if value.count("/") > 1 or _WEIGHT_EXT.search(value):
        return True
    org = value.split("/", 1)[0] if "/" in value else ""
    return org.lower() in conventions().path_orgs


def hf_repo_of_url(value: str) -> tuple[str, str | None] | None:
    """``(org/name, revision)`` from a huggingface.co or hf.co URL, else None."""
    text = value.strip()
    if text.startswith(("hf.co/", "huggingface.co/")):
        text = "https://" + text
    if "://" not in text:
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if (parts.hostname or "").lower() not in _HF_HOSTS:
        return None
    segs = [s for s in parts.path.split("/") if s]
    if segs and segs[0] in ("models", "datasets", "spaces"):
        if segs[0] != "models":
            return None
        segs = segs[1:]
    if len(segs) < 2:
        return None
    repo = f"{segs[0]}/{segs[1].split(':', 1)[0]}"
    revision = segs[3] if len(segs) > 3 and segs[2] in ("resolve", "blob", "tree") else None
    return (repo, revision) if identity.is_hf_repo_id(repo) else None


# A run of 24+ letters and digits mixing cases and digits, with no separator: base64 or
# hex data (a serialised model in a JSON export), never a Hub org or repo name.
_BLOB = re.compile(r"^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[A-Za-z0-9]{24,}$")


def _hf_repo(value: str, *, allow_bare: bool) -> str | None:
    """The Hub repo id a model string names, or None (paths, prose, unknown bare names)."""
    legacy = providers().hf_legacy.get(value)
    if legacy:
        return legacy
    if "/" in value:
        if looks_like_path(value) or not identity.is_hf_repo_id(value.replace("*", "x")):
            return None
        if any(_BLOB.match(part) for part in value.split("/")):
            return None
        return value
    if allow_bare and _BARE_NAME.match(value) and ":" not in value:
        return value
    return None


@cache
def model_literal_regex() -> re.Pattern[bytes]:
    """A quoted string that may be a model name: a hosted model's prefix, an open model
    family, or an ``org/name`` shape. Used to decide whether a file is worth parsing."""
    prefixes: set[str] = set(load_data("conventions.yaml")["open_model_families"])
    for row in apimodels.api_models():
        literal = re.split(r"[*?\[]", row.pattern, maxsplit=1)[0]
        if len(literal) >= 2:
            prefixes.add(literal)
    alternatives = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    pattern = (
        rf"[\"'`](?:{alternatives})[\w.:-]*[\"'`]"
        r"|[\"'`][A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*[\"'`]"
        r"|[\"'`][a-z0-9][\w.-]*:[\w.-]+[\"'`]"
    )
    return re.compile(pattern.encode(), re.IGNORECASE)


def is_model_value(value: str) -> bool:
    """False for values that are never model names (``default``, ``none``, prose, URLs)."""
    text = value.strip()
    if not text or len(text) > _MAX_VALUE or _SPACE.search(text):
        return False
    return text.lower() not in conventions().not_model_values


# --- the reference context ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RefContext:
    """What a source knows about where a model string was found."""

    family: str
    """How the string is read: hosted, hf, hf-hub, hf-dataset, hf-hosted, hf-url,
    sentence-transformers, modelscope, modelscope-hub, modelscope-dataset, ollama, litellm,
    provider-colon, provider-slash, gateway, config (a bare config value)."""
    sdk: str | None = None
    provider: str | None = None
    """The SDK's own provider key (used when no endpoint is written)."""
    base_url: str | None = None
    """The endpoint as written (a URL or a host), when a constant."""
    base_url_dynamic: str | None = None
    """The expression that sets the endpoint when it is not a constant."""
    region: str | None = None
    vertex: bool = False
    revision: str | None = None
    repo_type: str | None = None
    provider_hint: str | None = None
    """A provider named next to the model (``model_provider=``, a config's ``provider:``)."""
    namespace: str | None = None
    in_config: bool = False
    """True for config files: hub models get kind config-ref instead of code-ref."""


@dataclass(frozen=True, slots=True)
class Ref:
    """A model string understood: its identity and what the resolver should know about it."""

    identity: ComponentId
    role: Role
    kind: EvidenceKind
    attributes: Mapping[str, JSON] = field(default_factory=dict)


def _hub_kind(ctx: RefContext) -> EvidenceKind:
    return EvidenceKind.CONFIG_REF if ctx.in_config else EvidenceKind.CODE_REF


def _hf_ref(repo: str, ctx: RefContext, role: Role = Role.RUNTIME_MODEL, **extra: JSON) -> Ref:
    pinned = identity.is_pinned_revision(ctx.revision)
    attrs: dict[str, JSON] = {"pinned": pinned}
    if ctx.revision:
        attrs["revision"] = ctx.revision
    if ctx.sdk:
        attrs["sdk"] = ctx.sdk
    attrs.update(extra)
    return Ref(identity.hf(repo, ctx.revision if pinned else None), role, _hub_kind(ctx), attrs)


def _dataset_ref(repo: str, ctx: RefContext, hub: str = "hf") -> Ref:
    attrs: dict[str, JSON] = {"pinned": identity.is_pinned_revision(ctx.revision)}
    if ctx.revision:
        attrs["revision"] = ctx.revision
    if ctx.sdk:
        attrs["sdk"] = ctx.sdk
    cid = identity.hf_dataset(repo) if hub == "hf" else identity.modelscope_dataset(repo)
    return Ref(cid, Role.DATASET, EvidenceKind.DATASET_REF, attrs)


def _ollama_ref(value: str, ctx: RefContext) -> Ref | None:
    url = hf_repo_of_url(value)
    if url is not None:
        tag = value.rsplit(":", 1)[1] if value.count(":") >= 1 and "://" not in value else None
        extra: dict[str, JSON] = {"server": "ollama"}
        if tag and "/" not in tag:
            extra["quantization"] = tag
        return _hf_ref(url[0], ctx, **extra)
    if not _OLLAMA_NAME.match(value.lower().replace("*", "x")) and "@sha256:" not in value:
        return None
    name = value
    pinned = "@sha256:" in value or ":sha256-" in value
    attrs: dict[str, JSON] = {"pinned": pinned, **_endpoint_attrs(ctx, "ollama")}
    if ctx.sdk:
        attrs["sdk"] = ctx.sdk
    attrs["provider"] = "ollama"
    return Ref(identity.ollama(name), Role.RUNTIME_MODEL, EvidenceKind.OLLAMA_REF, attrs)


def _host_or_default(ctx: RefContext, provider: str) -> str | None:
    if ctx.base_url:
        return endpoints.host_of(ctx.base_url) or None
    if ctx.base_url_dynamic:
        return None
    return providers().hosts.get(provider)


def _endpoint_attrs(ctx: RefContext, provider: str) -> dict[str, JSON]:
    """``host`` (written, else the provider's default) and ``base_url``; for an endpoint set
    by an expression the scan cannot read, ``base_url_expr`` and no host at all."""
    attrs: dict[str, JSON] = {}
    host = _host_or_default(ctx, provider)
    if host:
        attrs["host"] = host
    if ctx.base_url:
        attrs["base_url"] = ctx.base_url
    elif ctx.base_url_dynamic:
        attrs["base_url_expr"] = ctx.base_url_dynamic
    return attrs


def _port_of(url: str) -> int | None:
    text = url if "://" in url else "//" + url
    try:
        return urlsplit(text).port
    except ValueError:
        return None


def _region_host(provider: str, region: str | None) -> str | None:
    template = providers().region_hosts.get(provider)
    if template and region and re.match(r"^[a-z0-9-]+$", region):
        return template.format(region=region)
    return None


def hosted(value: str, ctx: RefContext) -> Ref | None:
    """A hosted-API model: provider from the endpoint, else the SDK, else the model name."""
    if not is_model_value(value) or "://" in value or looks_like_path(value):
        return None
    attrs: dict[str, JSON] = {}
    host: str | None = None
    host_source: str | None = None
    provider: str | None = None
    if ctx.base_url:
        host = endpoints.host_of(ctx.base_url) or None
        if host is None:
            return None
        ep = endpoints.lookup(host)
        provider = ep.provider if ep else host
        host_source = "base_url"
        attrs["base_url"] = ctx.base_url
        if provider == "local":
            if _port_of(ctx.base_url) == OLLAMA_PORT:
                return _ollama_ref(value, replace(ctx, sdk=ctx.sdk))
            repo = _hf_repo(value, allow_bare=False)
            if repo is not None:
                return _hf_ref(repo, ctx, host=host, base_url=ctx.base_url, served_by="local")
    elif ctx.base_url_dynamic:
        own = apimodels.provider_for_model(value)
        provider = own or ctx.provider
        attrs["base_url_expr"] = ctx.base_url_dynamic
    elif ctx.vertex or ctx.provider in ("google-vertex", "bedrock", "volcengine"):
        provider = "google-vertex" if ctx.vertex else ctx.provider
        assert provider is not None
        host = _region_host(provider, ctx.region) or providers().hosts.get(provider)
        host_source = "region" if ctx.region and host else "sdk-default"
    else:
        provider = ctx.provider or (
            provider_alias(ctx.provider_hint) if ctx.provider_hint else None
        )
        own = apimodels.provider_for_model(value)
        if provider is None:
            provider = own
            host_source = "model-provider-default"
        elif provider in _OWN_MODELS_ONLY and own is not None and own != provider:
            # OpenAI() calling "deepseek-chat" cannot be served by OpenAI: the endpoint is set
            # outside the code (OPENAI_BASE_URL); the model's own provider is the best answer.
            provider = own
            host_source = "model-provider-default"
        else:
            host_source = "sdk-default"
        if provider is not None:
            host = providers().hosts.get(provider)
    if provider is None:
        return None
    if host:
        attrs["host"] = host
        if host_source:
            attrs["host_source"] = host_source
    if ctx.region:
        attrs["region"] = ctx.region
    attrs["provider"] = provider
    if ctx.sdk:
        attrs["sdk"] = ctx.sdk
    role = Role.HOSTED_API
    if provider == "huggingface":
        repo = _hf_repo(value, allow_bare=False)
        if repo is not None:
            return _hf_ref(repo, ctx, role=Role.HOSTED_API, **attrs)
    return Ref(identity.api(provider, value), role, EvidenceKind.API_REF, attrs)


def _split_prefix(value: str, sep: str) -> tuple[str, str] | None:
    if sep not in value:
        return None
    head, _, rest = value.partition(sep)
    return (head, rest) if head and rest else None


def litellm_prefix(value: str, *, litellm_call: bool = True) -> tuple[str, str] | None:
    """``(provider, model)`` of a litellm-style ``provider/model`` string, else None: the one
    place the prefix is read, so ``deepseek/deepseek-chat`` is ``api:deepseek/deepseek-chat``
    wherever it is written. Outside a litellm call (a config value, a variable) ``openai``
    is also a Hub organisation: ``openai/whisper-large-v3`` stays a Hub id, and the prefix
    counts only before a known OpenAI API model."""
    split = _split_prefix(value, "/")
    if split is None or split[0] not in providers().litellm:
        return None
    if (
        not litellm_call
        and split[0] == "openai"
        and ("/" in split[1] or not apimodels.lookup(split[1]))
    ):
        return None
    return providers().litellm[split[0]], split[1]


def _litellm(value: str, ctx: RefContext) -> Ref | None:
    prefixed = litellm_prefix(value)
    if prefixed is not None:
        provider, rest = prefixed
        sub = replace(ctx, provider=provider, provider_hint=None)
        if provider == "ollama":
            return _ollama_ref(rest, sub)
        if provider == "huggingface":
            segs = rest.split("/")
            repo = "/".join(segs[-2:]) if len(segs) >= 2 else None
            if repo and identity.is_hf_repo_id(repo):
                extra = _endpoint_attrs(sub, "huggingface")
                return _hf_ref(repo, sub, role=Role.HOSTED_API, **extra)
            return None
        if provider == "local":
            repo = _hf_repo(rest, allow_bare=False)
            if repo is not None:
                return _hf_ref(repo, sub, served_by="local")
            return hosted(rest, replace(sub, provider="local"))
        return hosted(rest, sub)
    return hosted(value, replace(ctx, provider=None))


def _provider_colon(value: str, ctx: RefContext, sep: str = ":") -> Ref | None:
    if ctx.provider_hint:
        provider = provider_alias(ctx.provider_hint)
        if provider == "ollama":
            return _ollama_ref(value, ctx)
        if provider is not None:
            return hosted(value, replace(ctx, provider=provider))
    split = _split_prefix(value, sep)
    if split is not None:
        provider = provider_alias(split[0])
        if provider == "ollama":
            return _ollama_ref(split[1], ctx)
        if provider is not None:
            return hosted(split[1], replace(ctx, provider=provider))
    return hosted(value, replace(ctx, provider=None))


def _config_value(value: str, ctx: RefContext) -> Ref | None:
    """A value under a model key in a config: the shape of the value decides."""
    hinted = provider_alias(ctx.provider_hint) if ctx.provider_hint else None
    if (
        not ctx.base_url
        and hinted != "huggingface"
        and litellm_prefix(value, litellm_call=False) is not None
    ):
        # The value's own prefix is more specific than a name's (DEEPSEEK_MODEL = "deepseek/
        # deepseek-chat" is deepseek-chat, not a model called "deepseek/deepseek-chat").
        return _litellm(value, replace(ctx, provider_hint=None))
    if ctx.provider_hint:
        if hinted == "ollama":
            return _ollama_ref(value, ctx)
        if hinted == "huggingface":
            repo = _hf_repo(value, allow_bare=False)
            return _hf_ref(repo, ctx) if repo else None
        if hinted is not None:
            return hosted(value, replace(ctx, provider=hinted))
    if ctx.base_url:
        return hosted(value, ctx)
    url = hf_repo_of_url(value)
    if url is not None:
        return _hf_ref(url[0], replace(ctx, revision=ctx.revision or url[1]))
    repo = _hf_repo(value, allow_bare=False)
    if repo is not None:
        return _hf_ref(repo, ctx)
    if _BEDROCK_ID.match(value):
        return hosted(value, replace(ctx, provider="bedrock"))
    colon = _split_prefix(value, ":")
    if colon is not None and provider_alias(colon[0]) not in (None, "ollama"):
        # "openai:gpt-4o" (pydantic-ai, LangChain init_chat_model, gpt-researcher configs)
        return _provider_colon(value, replace(ctx, provider_hint=None))
    if _OLLAMA_TAGGED.match(value):
        # "qwen2.5:7b": a tag is Ollama's spelling; hosted API names carry none.
        return _ollama_ref(value, ctx)
    if apimodels.lookup(value) is not None:
        return hosted(value, replace(ctx, provider=None))
    return None


def google_model_name(value: str, ctx: RefContext) -> str:
    """``models/gemini-2.5-flash`` (the Gemini API's resource name) → ``gemini-2.5-flash``:
    through a Google SDK always; elsewhere only for Google's hosted-only models, since
    ``models/gemma-2b`` may as well be a local folder of open weights."""
    if not value.startswith("models/"):
        return value
    rest = value[len("models/") :]
    if not rest or "/" in rest:
        return value
    if ctx.vertex or ctx.provider in ("google", "google-vertex"):
        return rest
    known = apimodels.lookup(rest)
    if known is not None and known.provider == "google" and known.family != "Gemma":
        return rest
    return value


def resolve(value: str, ctx: RefContext, *, partial: bool = False) -> Ref | None:
    """The identity a model string names in its context, or None when it names none.

    ``partial`` values have ``*`` where the scan could not learn a part (an f-string with an
    unknown variable); they name a model only when a constant prefix of at least three
    characters says whose it is (``Qwen/Qwen2.5-*-Instruct``, ``gpt-4o-*``).
    """
    value = google_model_name(value.strip(), ctx)
    if not is_model_value(value):
        return None
    if partial and len(value.split("*", 1)[0]) < 3:
        return None
    family = ctx.family
    if family == "hosted":
        return hosted(value, ctx)
    if family == "litellm":
        if ctx.base_url:
            prefixed = litellm_prefix(value)
            return hosted(prefixed[1] if prefixed else value, ctx)
        return _litellm(value, ctx)
    if family == "provider-colon":
        return _provider_colon(value, ctx)
    if family == "provider-slash":
        return _provider_colon(value, ctx, sep="/")
    if family == "gateway":
        split = _split_prefix(value, "/")
        if split is None or provider_alias(split[0]) is None:
            return None
        provider = provider_alias(split[0])
        assert provider is not None
        ref = hosted(split[1], replace(ctx, provider=provider))
        if ref is None:
            return None
        if ctx.base_url_dynamic:
            return ref  # the gateway's URL is set by an expression: its host is unknown
        attrs = dict(ref.attributes)
        attrs.update({"host": "ai-gateway.vercel.sh", "host_source": "sdk-default"})
        return replace(ref, attributes=attrs)
    if family == "ollama":
        return _ollama_ref(value, ctx)
    if family == "config":
        return _config_value(value, ctx)
    if family in ("hf-dataset", "modelscope-dataset"):
        return _dataset(value, ctx)
    if family in ("modelscope", "modelscope-hub"):
        if ctx.repo_type == "dataset":
            return _dataset(value, replace(ctx, family="modelscope-dataset"))
        repo = _hf_repo(value, allow_bare=False)
        if repo is None:
            return None
        return Ref(
            identity.modelscope(
                repo, ctx.revision if identity.is_pinned_revision(ctx.revision) else None
            ),
            Role.RUNTIME_MODEL,
            _hub_kind(ctx),
            _hub_attrs(ctx),
        )
    return _hf_family(value, ctx)


def _hub_attrs(ctx: RefContext) -> dict[str, JSON]:
    attrs: dict[str, JSON] = {"pinned": identity.is_pinned_revision(ctx.revision)}
    if ctx.revision:
        attrs["revision"] = ctx.revision
    if ctx.sdk:
        attrs["sdk"] = ctx.sdk
    return attrs


_DATASET_BUILDERS = frozenset(
    "json csv parquet text arrow pandas sql generator imagefolder audiofolder videofolder"
    " webdataset xml spark".split()
)


def _dataset(value: str, ctx: RefContext) -> Ref | None:
    hub = "modelscope" if ctx.family.startswith("modelscope") else "hf"
    if value.startswith("hf://datasets/"):
        value = "/".join(value[len("hf://datasets/") :].split("/")[:2])
    if value.lower() in _DATASET_BUILDERS:
        return None
    if ctx.namespace and "/" not in value:
        value = f"{ctx.namespace}/{value}"
    if hub == "hf":
        # A bare canonical name ("squad") is written as the id the Hub redirects it to.
        value = providers().hf_legacy_datasets.get(value, value)
    if "/" in value:
        repo = value if identity.is_hf_repo_id(value) and not looks_like_path(value) else None
    elif value in providers().hf_legacy:
        repo = None  # a model's legacy name ("gpt2"): no dataset of that name
    else:
        repo = value if _BARE_NAME.match(value) and ":" not in value else None
    if repo is None:
        return None
    return _dataset_ref(repo, ctx, hub)


def _hf_family(value: str, ctx: RefContext) -> Ref | None:
    family = ctx.family
    if family == "hf-hub" and ctx.repo_type == "dataset":
        return _dataset(value, replace(ctx, family="hf-dataset"))
    if family == "hf-hub" and ctx.repo_type not in (None, "model"):
        return None
    url = hf_repo_of_url(value)
    if url is not None:
        return _hf_ref(url[0], replace(ctx, revision=ctx.revision or url[1]))
    if family == "hf-url":
        return None
    if family == "sentence-transformers" and "/" not in value and _BARE_NAME.match(value):
        # sentence-transformers resolves a bare name under its own Hub organisation.
        legacy = providers().hf_legacy.get(value)
        return _hf_ref(legacy or f"sentence-transformers/{value}", ctx)
    if family == "hf-hosted":
        if "://" in value:
            return None  # an Inference Endpoint URL: the endpoint, not the model
        repo = _hf_repo(value, allow_bare=False)
        if repo is None:
            return hosted(value, replace(ctx, family="hosted"))
        attrs: dict[str, JSON] = {"provider": ctx.provider or "huggingface"}
        attrs.update(_endpoint_attrs(ctx, "huggingface"))
        return _hf_ref(repo, ctx, role=Role.HOSTED_API, **attrs)
    repo = _hf_repo(value, allow_bare=family == "hf-hub")
    if repo is None:
        return None
    return _hf_ref(repo, ctx)


def endpoint_only(ctx: RefContext) -> Ref | None:
    """``api:<provider>/*``: a client pointed at a known endpoint whose model is not known.

    The endpoint alone decides where prompts go, so it is worth a component even when the
    model name comes from somewhere the scan cannot see.
    """
    if not ctx.base_url:
        return None
    host = endpoints.host_of(ctx.base_url)
    ep = endpoints.lookup(host) if host else None
    if ep is None or ep.provider == "local":
        return None
    attrs: dict[str, JSON] = {
        "host": host,
        "host_source": "base_url",
        "base_url": ctx.base_url,
        "provider": ep.provider,
    }
    if ctx.sdk:
        attrs["sdk"] = ctx.sdk
    return Ref(identity.api(ep.provider, "*"), Role.HOSTED_API, EvidenceKind.API_REF, attrs)


def endpoint_evidence(
    source: str, ctx: RefContext, location: Location, call: str
) -> Evidence | None:
    """Evidence for a client made with a known endpoint whose calls named no model in the
    file (``api:<provider>/*``, medium), located at the base URL's literal."""
    ref = endpoint_only(ctx)
    if ref is None:
        return None
    extra: dict[str, JSON] = {"call": call, "flow": "client-endpoint"}
    return evidence(source, ref, ctx.base_url or "", location, Confidence.MEDIUM, extra)


def named_value(
    source: str,
    value: str,
    key: str,
    location: Location,
    *,
    as_written: str,
    confidence: Confidence,
    flow: str,
    env_var: str | None = None,
    base_url: str | None = None,
    family: str = "config",
) -> Evidence | None:
    """Evidence for a model-looking value under a model-ish name that no known call consumed
    (``EMBEDDING_MODEL = "BAAI/bge-m3"``, ``{"model": ...}`` in a request body): medium at
    most, its shape decides the identity (``family`` ``hf-dataset`` for a Hub dataset)."""
    ctx = RefContext(family=family, base_url=base_url, provider_hint=provider_from_env_name(key))
    ref = resolve(value, ctx) if family != "config" else resolve_under(key, value, ctx)
    if ref is None:
        return None
    attrs: dict[str, JSON] = {"key": key, "flow": flow}
    if env_var:
        attrs["env_var"] = env_var
    capped = min(confidence, Confidence.MEDIUM, key=CONFIDENCE_ORDER.__getitem__)
    return evidence(source, ref, as_written, location, capped, attrs)


# --- evidence ----------------------------------------------------------------------------


def evidence(
    source: str,
    ref: Ref,
    as_written: str,
    location: Location,
    confidence: Confidence,
    extra: Mapping[str, JSON] | None = None,
) -> Evidence:
    """Evidence for a reference; ``extra`` attributes join the reference's own."""
    attrs: dict[str, JSON] = dict(ref.attributes)
    if extra:
        for key, value in extra.items():
            if value is not None and key not in attrs:
                attrs[key] = value
    return Evidence(
        source=source,
        kind=ref.kind,
        identity=ref.identity,
        role=ref.role,
        as_written=as_written[:_MAX_VALUE],
        location=location,
        confidence=confidence,
        attributes=attrs,
    )


def dedupe(found: Iterable[Evidence]) -> list[Evidence]:
    """One evidence per (identity, place): the most confident wins, call sites are merged."""
    best: dict[tuple[str, str, int, int, str], Evidence] = {}
    for ev in found:
        loc = ev.location
        key = (ev.identity, loc.path, loc.line or 0, loc.column or 0, loc.context or "")
        have = best.get(key)
        if have is None:
            best[key] = ev
            continue
        keep, other = (
            (ev, have)
            if CONFIDENCE_ORDER[ev.confidence] > CONFIDENCE_ORDER[have.confidence]
            else (have, ev)
        )
        # One literal used by two calls: keep what either call learned (trust_remote_code on
        # the model load, not on the tokenizer load) and every call site.
        attrs = {**other.attributes, **keep.attributes}
        if other.attributes.get("trust_remote_code") is True:
            attrs["trust_remote_code"] = True
        used = _merge_used(keep.attributes.get("used_at"), other.attributes.get("used_at"))
        if used:
            attrs["used_at"] = used
        best[key] = replace(keep, attributes=attrs)
    return sorted(best.values(), key=lambda e: (e.sort_key(), e.identity))


def _merge_used(a: JSON, b: JSON) -> list[str]:
    out: set[str] = set()
    for value in (a, b):
        if isinstance(value, list):
            out.update(str(v) for v in value)
    return sorted(out)


def with_scope(found: Sequence[Evidence], scope: str | None) -> list[Evidence]:
    """Mark evidence from test or docs paths (read only with ``--include-tests``)."""
    if scope is None:
        return list(found)
    return [replace(ev, attributes={**ev.attributes, "scope": scope}) for ev in found]
