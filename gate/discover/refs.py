"""What the front ends share around the recogniser: test/docs path scopes, model-ish keys,
the reference context they fill, and evidence built from what :mod:`gate.recognise` says.

A source finds a string where a model is named (a call argument, a config value) and the
context it was found in (which SDK, which endpoint, which region, which argument); the
recogniser (:func:`gate.recognise.recognise`) decides what it names. The rules are
documented in ``docs/references.md``.
"""

from __future__ import annotations

import fnmatch
import functools
import re
import weakref
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from typing import Any

from gate import identity, shipped
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.model import CONFIDENCE_ORDER, JSON, Confidence, Evidence, Location
from gate.recognise import (
    HostSource,
    Knowledge,
    Reading,
    Recognised,
    Serving,
    Site,
    SiteKind,
    conventions,
    endpoint_of,
    has_model_literal,
    hf_repo_of_url,
    is_model_value,
    knowledge,
    looks_like_path,
    model_literal_regex,
    recognise,
)
from gate.recognise.core import litellm_prefix as _litellm_prefix
from gate.recognise.relabel import Rule, relabel
from gate.recognise.shapes import MAX_VALUE as _MAX_VALUE
from gate.recognise.shapes import port_of
from gate.registry.endpoints import host_of

__all__ = [
    "conventions",
    "has_model_literal",
    "hf_repo_of_url",
    "is_model_value",
    "looks_like_path",
    "model_literal_regex",
    "norm_key",
]


@cache
def load_data(name: str) -> Any:
    """A YAML data file of ``gate/discover/data``, parsed once."""
    return shipped.yaml_data("gate.discover", f"data/{name}")


@lru_cache(maxsize=8192)
def norm_key(key: str) -> str:
    """A config key as compared with the key vocabularies: camelCase → snake_case, then
    "-", "." and spaces → "_" (``model-name``, ``modelName``, ``model.name`` agree)."""
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key)
    return re.sub(r"[-.\s]+", "_", snake).lower().strip("_")


_norm_key = norm_key


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
SET_ASIDE_FACT = "set_aside"
"""The scan fact saying the same for programs: ``{"files": N, "folders": [...]}`` (every
folder, sorted), so that no reader has to parse the note."""
_NOTE_FOLDERS = 8


class PathScopes:
    """Which files of one tree are tests or docs, knowing its Python packages."""

    def __init__(
        self, rels: Iterable[str], read: Callable[[str], bytes | None] | None = None
    ) -> None:
        """``read``: a file's bytes (None when it cannot or should not be read), used only
        to ask whether a Python file named like a test is one (:func:`_collects_tests`)."""
        rels = list(rels)
        self.packages = frozenset(
            r.rsplit("/", 1)[0] for r in rels if r.endswith("/__init__.py") and "/" in r
        )
        folders: dict[str, tuple[str, str] | None] = {}
        self._set_aside = {
            r: found for r in rels if (found := _set_aside(r, self.packages, folders))
        }
        if read is not None:
            for rel, found in list(self._set_aside.items()):
                # ui_test.py beside app.py: only the name says test. A module no test runner
                # would collect anything from is a script of the app, read as the app.
                if found == ("test", rel) and _script_test_file().match(rel.rsplit("/", 1)[-1]):
                    data = read(rel)
                    if data is not None and not _collects_tests(data):
                        del self._set_aside[rel]

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

    def _counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _, folder in self._set_aside.values():
            counts[folder] = counts.get(folder, 0) + 1
        return counts

    def set_aside(self) -> dict[str, JSON] | None:
        """What was set aside as data (:data:`SET_ASIDE_FACT`), or None."""
        counts = self._counts()
        if not counts:
            return None
        return {"files": sum(counts.values()), "folders": sorted(counts)}

    def note(self) -> str | None:
        """A scan note naming what was set aside (folders, file counts), or None."""
        counts = self._counts()
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
        ctx.facts.set(SET_ASIDE_FACT, scopes.set_aside())
    return dedupe(scopes.mark(served_as_called(_real_paths(found))))


def _real_paths(found: Iterable[Evidence]) -> list[Evidence]:
    """``found`` without local models at a placeholder path (``./path_to_finetuned_model``,
    ``/path/to/model``): a path left for the user to fill in names no model."""
    from gate.discover import localpaths  # localpaths imports this module

    return [
        ev
        for ev in found
        if not (
            ev.identity.startswith("local:")
            and localpaths.is_placeholder(ev.identity[len("local:") :])
        )
    ]


def served_as_called(found: Sequence[Evidence]) -> list[Evidence]:
    """A Hub-style id a source sends to a hosted provider (``together.chat.completions.create(
    model="deepseek-ai/DeepSeek-V3")``) is that hosted model wherever the same source names
    it with no call beside it (a hook's default, a ``DEFAULT_MODEL`` constant), which its
    shape alone would read as weights loaded from the Hub: one value, one identity in an app.
    Only when every call naming the value agrees, and none loads it as weights."""
    return relabel(found, _CALLED)


def _called(ev: Evidence) -> str | None:
    return ev.as_written.strip() if "call" in ev.attributes else None


def _named_by_shape(ev: Evidence) -> str | None:
    """A value with no call beside it whose identity its shape alone decided: a Hub-shaped
    id, or a hosted name its maker's pattern alone placed (a picker's ``deepseek-r1`` that
    the app's own call sends to DashScope)."""
    attrs = ev.attributes
    if "call" in attrs:
        return None
    by_shape = ev.identity.startswith("hf:") or (
        attrs.get("host_source") == str(HostSource.MODEL_PROVIDER_DEFAULT)
        and "base_url" not in attrs
    )
    return ev.as_written.strip() if by_shape else None


_CALLED = Rule(
    authority=_called,
    follower=_named_by_shape,
    mark="served_as_called",
    where=lambda by: by.location.path or True,
    takes=lambda ev, by: by.identity.startswith("api:"),
)


_SCOPES: weakref.WeakKeyDictionary[Tree, PathScopes] = weakref.WeakKeyDictionary()


def path_scopes(tree: Tree) -> PathScopes:
    """The :class:`PathScopes` of a walked tree (made once per tree, shared by the sources)."""
    found = _SCOPES.get(tree)
    if found is None:
        found = PathScopes((f.rel for f in tree.files), lambda rel: _script_head(tree, rel))
        _SCOPES[tree] = found
    return found


_SCRIPT_CHECK_BYTES = 256 * 1024
"""A test-named Python file larger than this stays a test unread (a script is far smaller)."""


def _script_head(tree: Tree, rel: str) -> bytes | None:
    """A tree file's bytes when at most :data:`_SCRIPT_CHECK_BYTES`, else None."""
    tf = tree.get(rel)
    if tf is None:
        return None
    try:
        with open(tf.abspath, "rb") as fh:
            data = fh.read(_SCRIPT_CHECK_BYTES + 1)
    except OSError:
        return None
    return data if len(data) <= _SCRIPT_CHECK_BYTES else None


@cache
def _script_test_file() -> re.Pattern[str]:
    patterns = conventions().script_test_files
    if not patterns:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile("|".join(fnmatch.translate(p) for p in patterns))


@cache
def _test_markers() -> re.Pattern[bytes]:
    frameworks = "|".join(re.escape(f) for f in conventions().test_frameworks)
    return re.compile(
        rb"^[ \t]*(?:(?:async[ \t]+)?def[ \t]+test|class[ \t]+Test"
        + (rb"|(?:import|from)[ \t]+(?:" + frameworks.encode() + rb")\b" if frameworks else b"")
        + rb")",
        re.MULTILINE,
    )


def _collects_tests(data: bytes) -> bool:
    """Whether a Python module is a test as its runners see it: a ``test*`` function or
    method or a ``Test*`` class (what pytest collects), or an import of a test framework
    (``config_vocabulary.yaml`` ``test_frameworks``: unittest, pytest...). Read line by line
    as text, never run; a module with none of these is a script, whatever its name."""
    return _test_markers().search(data) is not None


# --- command lines -----------------------------------------------------------------------

_COMMAND_STOPS = ("&&", ";", "|", "&")


def command_models(tokens: Sequence[str]) -> list[tuple[int, Mapping[str, Any]]]:
    """The model arguments of the known commands in a command line (``ollama run llama3``,
    ``vllm serve org/x``, ``huggingface-cli download org/x``; ``config_vocabulary.yaml``
    ``commands``): (index of the token naming the model, the command's entry), for every
    front end that reads command lines (deployment files, scripts, notebooks, a program's
    ``subprocess.run([...])``). An option's value (``--model x``, ``--model=x``) is given as
    the option token's index when it is written ``--model=x``."""
    out: list[tuple[int, Mapping[str, Any]]] = []
    count = len(tokens)
    # Linear in the line whatever it repeats (`ollama run ollama run ...`: each start once
    # scanned the rest of the line, quadratic on a hostile one-line script): where the next
    # non-option token is from each index (a stop is one, and ends the positionals).
    next_plain = [count] * (count + 1)
    for i in range(count - 1, -1, -1):
        next_plain[i] = i if not tokens[i].startswith("-") else next_plain[i + 1]
    for command in conventions().commands:
        prefix = [str(p) for p in command["argv"]]
        last_option: int | None = None  # an option's value: its last writing wins
        if "option" in command:
            option = str(command["option"])
            for i in range(count - 1, -1, -1):
                if (tokens[i] == option and i + 1 < count) or tokens[i].startswith(option + "="):
                    last_option = i
                    break
        for start in range(count - len(prefix) + 1):
            if tokens[start] != prefix[0] or list(tokens[start : start + len(prefix)]) != prefix:
                continue
            first = start + len(prefix)
            found: int | None = None
            if "positional" in command:
                found = _positional(tokens, next_plain, first, int(command["positional"]))
            elif last_option is not None and last_option >= first:
                option = str(command["option"])
                found = last_option + 1 if tokens[last_option] == option else last_option
            if found is not None:
                out.append((found, command))
    return out


def _positional(tokens: Sequence[str], next_plain: Sequence[int], first: int, n: int) -> int | None:
    """The index of the ``n``-th (from 0) token from ``first`` that is no option, before the
    command's end (``&&``, ``;``...), or None."""
    at = first
    for _ in range(n):
        at = next_plain[at]
        if at == len(tokens) or tokens[at] in _COMMAND_STOPS:
            return None
        at += 1
    at = next_plain[at]
    return None if at == len(tokens) or tokens[at] in _COMMAND_STOPS else at


# --- keys --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=16384)
def is_model_key(key: str) -> bool:
    """A config key or variable name that names a model (``model``, ``EMBEDDING_MODEL``...).
    Memoised: it depends only on the key and the shipped vocabulary (loaded once), and a
    Python module asks it of every assigned name and keyword (2.7 M suffix tests on diffusers)."""
    conv = conventions()
    norm = _norm_key(key)
    if norm in conv.not_model_keys:
        return False
    if norm in conv.model_keys:
        return True
    if norm.endswith(_underscored(conv.not_model_keys)):
        # MAIN_SERVED_MODEL_NAME (a prefixed variable): as the bare key.
        return False
    return norm.endswith(_underscored(conv.model_key_suffixes))


@functools.cache
def _underscored(words: Iterable[str]) -> tuple[str, ...]:
    """``_word`` for each word, as one tuple ``str.endswith`` tests at once (a generator of
    tests per key cost a tenth of a second over diffusers' 25,000 distinct names)."""
    return tuple(sorted("_" + w for w in words))


@functools.lru_cache(maxsize=16384)
def names_model(key: str) -> bool:
    """A model-ish key (``is_model_key``) or one whose value counts only as a known Hub id
    (``model_path``): see ``recognise_under``. Memoised like ``is_model_key``."""
    conv = conventions()
    norm = _norm_key(key)
    return is_model_key(key) or norm in conv.hub_id_keys or norm in conv.hosted_name_keys


def recognise_under(key: str, value: str, ctx: RefContext) -> Ref | None:
    """The identity a value under a model-ish key names: any model shape under a model key;
    under a path key (``model_path``) only an ``org/name`` of a known publisher's Hub org;
    under ``engine`` only a name a hosted API's pattern knows."""
    if is_model_key(key):
        return recognise_in(value, ctx)
    norm, conv, text = _norm_key(key), conventions(), value.strip()
    if norm in conv.hosted_name_keys:
        if "/" in text or current_knowledge().api_model(text) is None:
            return None
        return recognise_in(text, ctx)
    if norm not in conv.hub_id_keys:
        return None
    if text.count("/") != 1 or looks_like_path(text) or not identity.is_hf_repo_id(text):
        return None
    if not current_knowledge().publisher_for_org(text.split("/", 1)[0]):
        return None
    return recognise_in(text, replace(ctx, family=str(Reading.HF)))


@functools.lru_cache(maxsize=16384)  # pure on the key and the shipped vocabulary
def is_dataset_key(key: str) -> bool:
    """A key, flag or variable that names a Hub dataset (``--dataset``, ``TRAIN_DATASET``)."""
    return _norm_key(key) in conventions().dataset_keys


@functools.lru_cache(maxsize=16384)  # pure on the key and the shipped vocabulary
def is_url_key(key: str) -> bool:
    """A key that names an endpoint (``base_url``, ``OPENAI_API_BASE``, ``baseURL``...)."""
    conv = conventions()
    norm = _norm_key(key)
    if norm.startswith(conv.not_url_key_prefixes):
        return False  # ingressHost: where the deployment is exposed, not a server it calls
    if norm in conv.url_keys:
        return True
    return any(norm.endswith("_" + s) for s in conv.url_key_suffixes)


def is_provider_key(key: str) -> bool:
    """A key that names the provider of a model in the same mapping."""
    return _norm_key(key) in conventions().provider_keys


@functools.lru_cache(maxsize=16384)  # pure on the key and the shipped vocabulary
def is_example_key(key: str) -> bool:
    """A key whose value documents an API (OpenAPI ``example``, pydantic
    ``json_schema_extra``): what is under it is an illustration, not a use."""
    return _norm_key(key) in conventions().example_keys


# --- the reference context: a front end's view, handed to the recogniser -----------------


_KNOWLEDGE: list[Knowledge] = []


def current_knowledge() -> Knowledge:
    """The knowledge discovery recognises with (the shipped one unless a run set its own)."""
    return _KNOWLEDGE[-1] if _KNOWLEDGE else knowledge()


@contextmanager
def using(kn: Knowledge) -> Iterator[Knowledge]:
    """Recognise with ``kn`` (a run's user registry files) inside the block."""
    _KNOWLEDGE.append(kn)
    try:
        yield kn
    finally:
        _KNOWLEDGE.pop()


_ON_HUB = {
    "huggingface": {
        "modelscope": "hf", "modelscope-hub": "hf-hub", "modelscope-dataset": "hf-dataset",
    },
    "modelscope": {
        "hf": "modelscope", "config": "modelscope", "hf-hub": "modelscope-hub",
        "hf-dataset": "modelscope-dataset",
    },
}  # fmt: skip


def on_hub(family: str, hub: str | None) -> str:
    """A reading moved to the hub a word chose (``modelscope`` + ``hf-dataset`` →
    ``modelscope-dataset``); unchanged when no hub was named or it is already that hub's."""
    return _ON_HUB.get(hub or "", {}).get(family, family)


@dataclass(frozen=True, slots=True)
class RefContext:
    """What a front end knows about where a model string was found: turned into the
    recogniser's :class:`~gate.recognise.Site` and :class:`~gate.recognise.Serving`."""

    family: str
    """How the string is read (a :class:`~gate.recognise.Reading` value): hosted, hf,
    hf-hub, hf-dataset, hf-hosted, hf-url, sentence-transformers, modelscope,
    modelscope-hub, modelscope-dataset, ollama, litellm, provider-colon, provider-slash,
    gateway, config (the value's shape decides)."""
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
    site: SiteKind | None = None
    """Where the value stands (default: a call argument for an SDK reading, a config key
    for ``config``)."""
    key: str | None = None

    def as_site(self) -> Site:
        """The recogniser's site for this context."""
        kind = self.site or (
            SiteKind.CONFIG_KEY if self.family == Reading.SHAPE else SiteKind.CALL_ARGUMENT
        )
        return Site(
            kind=kind,
            reads=Reading(self.family),
            key=self.key,
            revision=self.revision,
            repo_type=self.repo_type,
            namespace=self.namespace,
            in_config=self.in_config,
        )

    def as_serving(self) -> Serving:
        """The recogniser's serving context for this context."""
        return Serving(
            provider=self.provider,
            base_url=self.base_url,
            host_source=HostSource.BASE_URL if self.base_url else None,
            base_url_expr=self.base_url_dynamic,
            region=self.region,
            sdk=self.sdk,
            vertex=self.vertex,
            provider_hint=self.provider_hint,
        )


Ref = Recognised
"""A model string understood (the recogniser's result)."""


def recognise_in(value: str, ctx: RefContext, *, partial: bool = False) -> Ref | None:
    """The identity a model string names in its context, or None: the recogniser's answer."""
    return recognise(value, ctx.as_site(), ctx.as_serving(), current_knowledge(), partial=partial)


def hosted(value: str, ctx: RefContext) -> Ref | None:
    """A hosted-API model in this context (the value read as a hosted model name)."""
    return recognise_in(value, replace(ctx, family=str(Reading.HOSTED)))


def litellm_prefix(value: str, *, litellm_call: bool = True) -> tuple[str, str] | None:
    """``(provider, model)`` of a litellm-style ``provider/model`` string, else None."""
    return _litellm_prefix(value, current_knowledge(), litellm_call=litellm_call)


def provider_alias(name: str) -> str | None:
    """A provider key for a provider name as tools write it (``dashscope`` → ``alibaba``)."""
    return current_knowledge().provider_alias(name)


def provider_from_env_name(name: str) -> str | None:
    """The provider an environment variable is for (``DEEPSEEK_MODEL`` → ``deepseek``)."""
    return current_knowledge().provider_from_env_name(name)


# A host and port with no scheme (``localhost:11434/api/chat``, as ``${OLLAMA_URL}`` defaults
# are often written): a URL an HTTP client is given all the same.
_HOST_PORT = re.compile(r"^[A-Za-z0-9][\w.-]*:\d{2,5}(?:/|$)")


def is_request_url(text: str) -> bool:
    """A URL an HTTP client may be handed: with a scheme, or a bare ``host:port[/path]``."""
    return "://" in text or _HOST_PORT.match(text) is not None


def endpoint_provider(url: str) -> str | None:
    """The provider of the known endpoint a URL (with a scheme) points at, or None."""
    host = host_of(url) if "://" in url else None
    ep = current_knowledge().endpoint(host) if host else None
    return ep.provider if ep is not None else None


def server_of_api_path(url: str) -> str | None:
    """The local server whose own API path a URL ends in (``*/api/generate`` → ``ollama``),
    whatever the host; None for other paths."""
    path = url.rsplit("*", 1)[-1].split("?", 1)[0].rstrip("/")
    paths = current_knowledge().providers.server_api_paths
    for known, server in paths.items():
        if path.endswith(known):
            return server
    return None


def is_ollama_library_name(value: str) -> bool:
    """A name of Ollama's library as the registry knows it (``nomic-embed-text``,
    ``llama3.2:3b``)."""
    name = value.strip().split(":", 1)[0]
    return bool(name) and current_knowledge().registry.ollama(name) is not None


def at_ollama_port(url: str) -> bool:
    """A URL naming Ollama's default port (``providers.yaml`` ``local_server_ports``)."""
    return current_knowledge().providers.local_servers.get(port_of(url) or 0) == "ollama"


def hosted_endpoint(url: str) -> bool:
    """A URL of a known hosted provider's endpoint (not a local server)."""
    provider = endpoint_provider(url)
    return (
        provider is not None
        and provider not in current_knowledge().providers.local_server_providers
    )


def served_at(value: str, url: str) -> bool:
    """The served-names table says the provider of ``url``'s endpoint serves ``value``
    (``meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo`` at api.together.xyz): a Hub-style id
    that is that provider's name, not a Hub load."""
    provider = endpoint_provider(url)
    return provider is not None and provider in current_knowledge().served_by(value)


def endpoint_only(ctx: RefContext) -> Ref | None:
    """A client pointed at a known endpoint whose model is not known (see
    :func:`gate.recognise.endpoint_of`): the endpoint alone decides where prompts go."""
    return endpoint_of(ctx.as_serving(), current_knowledge())


def endpoint_evidence(
    source: str, ctx: RefContext, location: Location, call: str, *, env_var: str | None = None
) -> Evidence | None:
    """Evidence for a client made with a known endpoint whose calls named no model in the
    file (``api:<provider>/*``, medium), located at the base URL's literal; ``env_var``: the
    environment variable its calls take the model from."""
    ref = endpoint_only(ctx)
    if ref is None:
        return None
    extra: dict[str, JSON] = {"call": call, "flow": "client-endpoint"}
    if env_var:
        extra["env_var"] = env_var
    return evidence(source, ref, ctx.base_url or "", location, Confidence.MEDIUM, extra)


def _name_hint(key: str, value: str) -> str | None:
    """The provider a variable's name hints at (``TOGETHER_MODEL``, ``QWEN_MODEL``), if it can
    serve ``value``: an ``org/name`` Hub id only a provider serving other makers' models
    does (Together, SiliconFlow); ``QWEN_SOURCE_MODEL = "Qwen/Qwen2.5-7B-Instruct"`` names
    Qwen's weights, not a DashScope call (DashScope serves no org/name ids)."""
    hinted = provider_from_env_name(key)
    if hinted is None or "/" not in value or not identity.is_hf_repo_id(value.strip()):
        return hinted
    return hinted if current_knowledge().registry.is_aggregator(hinted) else None


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
    base_url_expr: str | None = None,
    provider_hint: str | None = None,
) -> Evidence | None:
    """Evidence for a model-looking value under a model-ish name that no known call consumed
    (``EMBEDDING_MODEL = "BAAI/bge-m3"``, ``{"model": ...}`` in a request body): medium at
    most, its shape decides the identity (``family`` ``hf-dataset`` for a Hub dataset).
    ``base_url_expr``: the call passes an endpoint the scan cannot read beside the model
    (``MyLLM(base_url=cfg.url, model="deepseek-ai/DeepSeek-V3")``): the model is hosted
    somewhere unknown, so it is read as a hosted name, never as a local Hub load."""
    ctx = RefContext(
        family=family,
        base_url=base_url,
        base_url_dynamic=base_url_expr if not base_url else None,
        provider_hint=provider_hint or _name_hint(key, value),
    )
    ref = recognise_in(value, ctx) if family != "config" else recognise_under(key, value, ctx)
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
    # Each place's call sites gathered in a set and sorted once at the end (merging the
    # sorted list again at every call: one constant used at n calls cost n x n).
    used: dict[tuple[str, str, int, int, str], set[str]] = {}
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
        sites = used.get(key)
        if sites is None:
            sites = used[key] = _used(have.attributes.get("used_at"))
        sites |= _used(ev.attributes.get("used_at"))
        best[key] = replace(keep, attributes=attrs)
    for place, sites in used.items():
        if sites:
            merged = best[place]
            best[place] = replace(
                merged, attributes={**merged.attributes, "used_at": sorted(sites)}
            )
    return sorted(best.values(), key=lambda e: (e.sort_key(), e.identity))


def _used(value: JSON) -> set[str]:
    return {str(v) for v in value} if isinstance(value, list) else set()


def with_scope(found: Sequence[Evidence], scope: str | None) -> list[Evidence]:
    """Mark evidence from test or docs paths (read only with ``--include-tests``)."""
    if scope is None:
        return list(found)
    return [replace(ev, attributes={**ev.attributes, "scope": scope}) for ev in found]


# --- catalogues: models a release offers (listed), shared by the code front ends ------------

_CATALOGUE_WORDS = re.compile(r"(?:^|_)(?:models?|llms?)(?:_|$)")
_NOT_CATALOGUE = re.compile(
    r"(?:^|_)(?:dir|dirs|path|paths|file|files|folder|root|cache|type|types|class|classes"
    r"|fields|config|kwargs|params|schema|version|size|count|loader|registry_cls)$"
)


@functools.lru_cache(maxsize=16384)  # pure on the key and the shipped vocabulary
def is_catalogue_name(name: str) -> bool:
    """A variable, attribute, enum or key that holds the models a release offers
    (``AVAILABLE_MODELS``, ``modelOptions``, ``LLM_CHOICES``, ``MODEL_TO_CONF``)."""
    norm = _norm_key(name)
    if norm in conventions().not_model_keys or _NOT_CATALOGUE.search(norm):
        return False
    return bool(_CATALOGUE_WORDS.search(norm)) or norm.startswith(("model_", "llm_"))


_ENTRY_IDS = ("id", "value", "slug", "key", "model_id", "modelid")
_DISPLAY = frozenset({"label", "title", "description", "display_name", "displayname", "icon"})
_NOT_A_MODEL = re.compile(r"(?i)(?:api_?key|token|secret|_url|base_?url|password|env)$")


def catalogue_fields(keys: Iterable[str]) -> frozenset[str]:
    """Which fields of one catalogue entry (``{id, label, apiIdentifier, ...}``) name the
    model: the model-ish ones (``model``, ``apiIdentifier``) when there are any, else its
    id (``id``, ``value``, ``slug``), else its ``name``; never display text (``label``)."""
    keys = [k for k in keys if _norm_key(k) not in _DISPLAY]
    modelish = [k for k in keys if is_model_key(k) or "identifier" in k.lower()]
    if modelish:
        return frozenset(modelish)
    ids = [k for k in keys if _norm_key(k) in _ENTRY_IDS]
    if ids:
        return frozenset(ids)
    return frozenset(k for k in keys if _norm_key(k) == "name")


def model_like(value: str) -> bool:
    """A string a provider-keyed table may hold as a model name (``deepseek-chat``), not a
    setting's name (``deepseek_api_key``, ``QWEN_API_KEY``) or a bare provider word."""
    if _NOT_A_MODEL.search(value) or (value.isupper() and "_" in value):
        return False
    return bool(re.search(r"[-.:/\d]", value))


def is_label_of(value: str | None) -> bool:
    """In a catalogue mapping, a key whose value is itself a model id is that id's label
    (``{"ernie-tiny": "nghuyong/ernie-3.0-nano-zh"}``, ``{"Local": "/models/x"}``,
    ``{"fast": "gpt-4o-mini"}``): the value is the model, the key names it for a menu."""
    if value is None:
        return False
    text = value.strip()
    if not text or " " in text:
        return False
    return "/" in text or ":" in text or current_knowledge().api_model(text) is not None


def names_its_model(entry: Mapping[str, str | None]) -> bool:
    """A catalogue entry (``{"name": "Qwen2-7B-Instruct", "endpoint": ...}``) with a field
    naming its model: the key the entry stands under is then its label, not a model."""
    fields = catalogue_fields(entry)
    return any((v := entry.get(f)) and " " not in v.strip() for f in fields)


_NAME_WORDS = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")


def provider_in_name(name: str) -> str | None:
    """The provider a catalogue's own name names (``class GroqModelVersion(str, Enum)``,
    ``OPENROUTER_MODELS = [...]``): one of its words is a provider's name."""
    for word in _NAME_WORDS.split(name):
        alias = current_knowledge().provider_alias(word) if len(word) > 2 else None
        if alias is not None:
            return alias
    return None


def menu_gateway(entries: Iterable[str | None]) -> str | None:
    """The one gateway whose own id shape some entry of a menu has (``"tngtech/deepseek-r1t2-
    chimera:free"``, OpenRouter's), if no entry has another provider's: the menu's other
    ``<maker>/<model>`` entries are that gateway's ids too (every front end's menus)."""
    providers = current_knowledge().providers
    owners = {o for t in entries if t and (o := providers.shape_owner(t)) is not None}
    owner = owners.pop() if len(owners) == 1 else None
    return owner if owner in providers.gateways else None


def catalogue_hint(key: str) -> str | None:
    """The provider a catalogue key names (``{"deepseek": "deepseek-chat"}``), if any."""
    return current_knowledge().provider_alias(key)


def listed_value(
    source: str,
    value: str,
    key: str | None,
    location: Location,
    *,
    as_written: str,
    provider_hint: str | None = None,
    site: SiteKind = SiteKind.CATALOGUE_ITEM,
    base_url: str | None = None,
    base_url_expr: str | None = None,
    served_by: str | None = None,
) -> Evidence | None:
    """Evidence for one entry of a catalogue: a model the release can call (``listed``),
    medium confidence; the recogniser reads the value's shape (and the provider named by the
    entry's key, when there is one). ``site`` ``DEFAULT`` for a UI default (``useState``).
    ``served_by``: the provider every request of the file goes to, for an entry its shape
    alone does not name (a bare Ollama tag, ``llava``)."""
    if not is_model_value(value) or (provider_hint and not model_like(value)):
        return None
    serving = Serving(
        provider_hint=provider_hint or served_by,
        base_url=base_url,
        host_source=HostSource.BASE_URL if base_url else None,
        base_url_expr=None if base_url else base_url_expr,
    )
    found = recognise(value, Site(site, key=key), serving, current_knowledge())
    if found is None:
        return None
    attrs: dict[str, JSON] = {"flow": "catalogue" if site is SiteKind.CATALOGUE_ITEM else "default"}
    if key:
        attrs["key"] = key
    if provider_hint and found.attributes.get("provider") == provider_alias(provider_hint):
        attrs["provider_named"] = True  # the entry's own provider placed it (project pass)
    return evidence(source, found, as_written, location, Confidence.MEDIUM, attrs)
