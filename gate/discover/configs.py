"""Configs that name models: YAML, JSON, TOML, INI, ``.env``; serving containers; notebooks.

* Keys that name a model (``model``, ``EMBEDDING_MODEL``, ``repo_id``...; see
  ``data/config_vocabulary.yaml``) are read with their siblings and parents: a ``provider`` or
  ``base_url`` next to the model, or a parent key naming a provider, decides the identity
  (medium confidence). LiteLLM proxy ``model_list`` entries read ``litellm_params``.
* Containers (docker-compose services, Kubernetes pods, Helm values, Dockerfiles) running
  vLLM, TGI, TEI, SGLang, llama.cpp or Ollama: their ``--model`` arguments, model
  environment variables and ``ollama pull`` commands (high confidence).
* Ollama ``Modelfile`` ``FROM``/``ADAPTER``; MLflow ``MLmodel``; DVC ``.dvc`` outputs and
  imports; Jupyter notebooks, whose code cells are read as Python (location = cell and line)
  and whose ``!`` lines as shell commands.
"""

from __future__ import annotations

import ast
import bisect
import configparser
import fnmatch
import functools
import json
import posixpath
import re
import shlex
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import yaml

from gate import identity
from gate.discover import (
    assistant_catalogue,
    dependencies,
    loaders,
    localpaths,
    python,
    refs,
    scanning,
)
from gate.discover.base import DiscoverContext
from gate.discover.tree import WEIGHT_SUFFIXES, Tree, TreeFile
from gate.model import JSON, Confidence, Evidence, EvidenceKind, Location, Role
from gate.recognise import SiteKind
from gate.recognise import data as recognise_data

NAME = "configs"
_NOTEBOOK_LIMIT = 20_000_000
_SKIP_JSON = frozenset(
    {"package.json", "package-lock.json", "composer.json", "composer.lock", "tsconfig.json"}
    | {"jsconfig.json", ".eslintrc.json", "renovate.json", ".babelrc", "Pipfile.lock"}
)
_NEEDLES = (
    "model", "Model", "MODEL", "llm", "LLM", "repo_id", "deployment_name", "azure_deployment",
    "DEPLOYMENT", "ollama", "vllm",
    "text-generation-inference", "text-embeddings-inference", "sglang", "llama.cpp",
    "huggingface", "hf.co", "source_model_name", "base_url", "BASE_URL", "api_base", "baseURL",
    "pip install", "pip3 install", "dataset", "hf download",
)  # fmt: skip


# Lock files: the dependencies source reads those it knows, and none names a model in a
# key a config reader would find; parsing them twice cost 0.72x of a scan's wall time
# (issue 15). Lock files of other ecosystems are not read at all.
_LOCK_FILES = frozenset(
    {"package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", "Pipfile.lock"}
    | {"poetry.lock", "uv.lock", "pdm.lock", "Cargo.lock", "composer.lock", "Gemfile.lock"}
    | {"bun.lock", "deno.lock", "conda-lock.yml", "conda-lock.yaml", "pixi.lock"}
)


def _kind(tf: TreeFile) -> str | None:
    name = tf.name
    if name in _LOCK_FILES:
        return None
    lower = name.lower()
    suffix = tf.suffix
    if suffix == ".ipynb":
        return "notebook"
    if name == "Modelfile" or lower.endswith(".modelfile") or name.startswith("Modelfile."):
        return "modelfile"
    if suffix == ".dvc":
        return "dvc"
    if name == "MLmodel":
        return "mlmodel"
    if (
        name in ("Dockerfile", "Containerfile")
        or name.startswith("Dockerfile.")
        or (lower.endswith(".dockerfile"))
    ):
        return "dockerfile"
    if lower == ".env" or lower.startswith(".env.") or lower.endswith(".env"):
        return "dotenv"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix in (".json", ".jsonc") and name not in _SKIP_JSON:
        return "json"
    if suffix == ".toml" and name not in ("Cargo.lock", "poetry.lock", "uv.lock"):
        return "toml"
    if suffix in (".ini", ".cfg"):
        return "ini"
    if suffix in (".sh", ".bash"):
        return "shell"
    return None


def discover(tree: Tree, ctx: DiscoverContext) -> Iterator[Evidence]:
    """Yield model references found in the tree's configs, containers and notebooks."""
    pooled: list[TreeFile] = []
    local: list[tuple[TreeFile, str]] = []
    reads = refs.readable(tree, ctx.include_tests)
    assistant_configs = assistant_catalogue.catalogue()
    for tf in tree.files:
        kind = _kind(tf)
        if kind is None and _maybe_modelfile(tf):
            kind = "modelfile?"
        if kind is None or not reads(tf.rel):
            continue
        # An assistant's own settings (.claude/settings.json, .aider.conf.yml, .continue/…)
        # name the model that wrote code, not one the release calls: the assistants source
        # records them on the assistant. Workflows are read by both (rule.assistant is None).
        rule = assistant_configs.config_rule(tf.rel)
        if rule is not None and rule.assistant is not None:
            continue
        if kind in ("modelfile", "dvc", "modelfile?"):
            local.append((tf, kind))
        else:
            pooled.append(tf)
    ctx.observer.stage("configs", len(pooled) + len(local))
    found, _ = scanning.scan(
        tree, pooled, tuple(n.encode() for n in _NEEDLES), analyse_file, observer=ctx.observer
    )
    rels = {f.rel for f in tree.files}
    for tf, kind in local:
        try:
            text = tf.read_text(1_000_000)
        except OSError as exc:
            tree.skip(tf.rel, f"cannot read: {exc.strerror}")
            continue
        if text is None:
            tree.skip(tf.rel, "larger than 1000000 bytes: not read")
            continue
        if kind == "modelfile?" and not _is_modelfile(text):
            continue
        reader = _dvc if kind == "dvc" else _modelfile
        outcome = reader(tf.rel, text, rels)
        found.extend(outcome.evidence)
        for rel, reason in outcome.skipped:
            tree.skip(rel, reason)
    ctx.observer.done()
    yield from refs.finish(tree, ctx, found)


# A config is parsed only when a key that can name a model or an endpoint is assigned in it,
# or it runs a model server or fetches a model (the needles alone also match prose). The key
# may run on for a bounded length only: an unbounded run backtracks quadratically on long
# words (10 KB of letters took 5 s).
_WORTH = re.compile(
    rb"(?i)(?:model|llm|deployment|repo_id|base_?url|api_base)[\w.-]{0,64}[\"']?\s{0,16}[:=]"
    rb"|ollama|vllm|text-generation-inference|text-embeddings-inference|sglang|llama\.cpp"
    rb"|dataset[\w.-]{0,64}[\"']?\s{0,16}[:=]|--[\w-]{0,40}(?:model|dataset)"
    rb"|name[\"']?\s{0,4}:\s{0,4}[\"']?[\w.-]{0,64}(?:model|llm)"
    rb"|huggingface-cli|hf download|huggingface\.co/|hf\.co/|source_model_name|pip3? install"
)


def analyse_file(rel: str, data: bytes) -> scanning.Outcome:
    """Read one config file (dispatching on its name) and return its model references."""
    name = posixpath.basename(rel)
    kind = _kind(TreeFile(rel, rel))
    if kind != "notebook" and not _WORTH.search(data):
        return scanning.Outcome()
    text = data.decode("utf-8", errors="replace")
    if kind == "notebook":
        outcome = _notebook(rel, text)
    elif kind == "dockerfile":
        outcome = _dockerfile(rel, text)
    elif kind == "dotenv":
        outcome = _dotenv(rel, text)
    elif kind in ("yaml", "json", "mlmodel"):
        outcome = _yaml_or_json(rel, text, json_file=kind == "json", mlmodel=name == "MLmodel")
    elif kind == "toml":
        outcome = _toml(rel, text)
    elif kind == "ini":
        outcome = _ini(rel, text)
    elif kind == "shell":
        outcome = _shell(rel, text)
    else:
        outcome = scanning.Outcome()
    return outcome


# --- the generic walk --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Node:
    """A config value with where it was written: YAML marks, or (JSON, TOML, INI, whose
    parsers keep no positions) the key it was found under, located on demand."""

    value: Any
    line: int | None
    column: int | None
    key: str | None = None
    key_line: int | None = None
    """YAML: the line of the key this value stands under (a catalogue keyed by model name)."""


@dataclass(frozen=True, slots=True)
class _Inherited:
    base_url: str | None = None
    provider: str | None = None
    revision: str | None = None
    catalogue: bool = False
    """Inside a list of models the release offers (``models:``, LiteLLM ``model_list``)."""


_REVISION_KEYS = frozenset({"revision", "model_revision", "source_model_revision", "rev"})

# A quoted string of JSON or TOML (double quotes with escapes, or TOML's literal single
# quotes), and the key before it (`"model": "x"`, `model = "x"`). Neither part can backtrack.
_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'([^\'\n]*)\'')
_INI_LINE = re.compile(r"^[ \t]*([^=:\s\[;#][^=:]*?)[ \t]*[=:][ \t]*(.*?)[ \t]*$", re.MULTILINE)


class _Positions:
    """Where the strings of a JSON, TOML or INI file are: one pass over the text, made on
    the first request (most parsed files name no model and never ask).

    A value is found under its key when it can be, else anywhere; repeated values are
    handed out in the order they are written, which is the order the walk asks for them.
    """

    def __init__(self, text: str, *, ini: bool = False) -> None:
        self.text = text
        self.ini = ini
        self._pairs: dict[tuple[str, str], list[int]] | None = None
        self._values: dict[str, list[int]] = {}
        self._next: dict[tuple[str, str] | str, int] = {}
        self._lines: list[int] = []

    def _index(self) -> dict[tuple[str, str], list[int]]:
        if self._pairs is not None:
            return self._pairs
        pairs: dict[tuple[str, str], list[int]] = {}
        text = self.text
        if self.ini:
            for match in _INI_LINE.finditer(text):
                key, value = match.group(1).strip().lower(), match.group(2)
                pairs.setdefault((key, value), []).append(match.start(2))
                self._values.setdefault(value, []).append(match.start(2))
        else:
            last_end, last_value = -1, ""
            for match in _STRING.finditer(text):
                raw = match.group(1) if match.group(1) is not None else match.group(2)
                value = _unescape(raw) if match.group(1) is not None and "\\" in raw else raw
                start = match.start()  # the opening quote, as YAML marks and Python's AST say
                self._values.setdefault(value, []).append(start)
                key = self._key_before(match.start(), last_end, last_value)
                if key is not None:
                    pairs.setdefault((key, value), []).append(start)
                last_end, last_value = match.end(), value
        self._lines = [m.start() for m in re.finditer("\n", text)]
        self._pairs = pairs
        return pairs

    def _key_before(self, at: int, last_end: int, last_value: str) -> str | None:
        text = self.text
        i = at - 1
        while i >= 0 and text[i] in " \t":
            i -= 1
        if i < 0 or text[i] not in ":=":
            return None
        i -= 1
        while i >= 0 and text[i] in " \t":
            i -= 1
        if i + 1 == last_end:
            return last_value
        end, stop = i + 1, max(0, i - 100)
        while i >= stop and (text[i].isalnum() or text[i] in "_.-"):
            i -= 1
        return text[i + 1 : end] if i + 1 < end else None

    def locate(self, key: str | None, value: str) -> tuple[int | None, int | None]:
        """The 1-based line and column of a string value (under ``key`` when known)."""
        pairs = self._index()
        offsets: list[int] | None = None
        slot: tuple[str, str] | str = value
        if key is not None:
            slot = (key.lower() if self.ini else key, value)
            offsets = pairs.get(slot)
        if not offsets:
            slot = value
            offsets = self._values.get(value)
        if not offsets:
            return None, None
        index = self._next.get(slot, 0)
        self._next[slot] = index + 1
        offset = offsets[min(index, len(offsets) - 1)]
        line = bisect.bisect_left(self._lines, offset)
        column = offset - (self._lines[line - 1] + 1 if line else 0)
        return line + 1, column + 1


def _unescape(raw: str) -> str:
    try:
        value = json.loads(f'"{raw}"')
    except ValueError:
        return raw
    return value if isinstance(value, str) else raw


class _Walker:
    """Walks a parsed config (mappings of _Node) and emits model references."""

    def __init__(self, rel: str, source: str = NAME, positions: _Positions | None = None) -> None:
        self.rel = rel
        self.source = source
        self.positions = positions
        self.found: list[Evidence] = []
        self._located: dict[int, tuple[int | None, int | None]] = {}
        self.provider_urls: dict[str, str] = {}
        """Providers the file itself defines (``api_providers: [{id, url}]``): id → URL."""

    def emit(
        self,
        ref: refs.Ref | None,
        as_written: str,
        node: _Node,
        confidence: Confidence,
        context: str,
        extra: Mapping[str, JSON] | None = None,
    ) -> None:
        if ref is None:
            return
        line, column = node.line, node.column
        if line is None and self.positions is not None and isinstance(node.value, str):
            # One node asked twice (MLmodel's source and the generic walk) is one place.
            where = self._located.get(id(node))
            if where is None:
                where = self.positions.locate(node.key, node.value)
                self._located[id(node)] = where
            line, column = where
        loc = Location(self.rel, line=line, column=column, context=context or None)
        self.found.append(refs.evidence(self.source, ref, as_written, loc, confidence, extra))

    def walk(self, node: _Node, path: tuple[str, ...], inherited: _Inherited) -> None:
        value = node.value
        if isinstance(value, list):
            if not path and value and all(isinstance(i.value, dict) for i in value):
                # A file that is a list of entries (a JSON model registry) is a catalogue.
                inherited = replace(inherited, catalogue=True)
            # Strings are entries only directly under a catalogue key (`models: [a, b]`), not
            # in lists inside an entry (`roles: [chat]`).
            strings = inherited.catalogue and (not path or _is_catalogue_key(path[-1]))
            for index, item in enumerate(value):
                if strings and isinstance(item.value, str):
                    self._listed(item, item.value, path[-1] if path else None, inherited, path)
                    continue
                self.walk(item, (*path, str(index)), inherited)
            return
        if not isinstance(value, dict):
            return
        entries: dict[str, _Node] = {str(k): v for k, v in value.items()}
        if _containers(entries):
            _container(self, entries, path)
        here = self._context(entries, path, inherited)
        self._env_var(entries, path, here)
        litellm = "litellm_params" in entries and "model_name" in entries
        named = _name_is_model(entries)
        ident = entries.get("id")
        own_model = any(refs.is_model_key(k) for k in entries)
        if here.catalogue and ident is not None and isinstance(ident.value, str) and not own_model:
            # A catalogue entry {id: deepseek-ai/DeepSeek-V3, name: "V3 (free)"}
            self._listed(ident, ident.value, "id", here, (*path, "id"))
        for key, child in entries.items():
            if isinstance(child.value, str):
                if litellm and key == "model_name":
                    continue  # a LiteLLM proxy alias, not a model
                if refs.names_model(key) or (named and key == "name"):
                    self._model_value(key, child, (*path, key), here)
                elif _is_model_path_key(key):
                    self._model_path(key, child, (*path, key))
                elif _is_dataset_key(key):
                    self.emit(
                        _dataset_value(child.value), child.value, child, Confidence.MEDIUM,
                        ".".join((*path, key)), {"key": key},
                    )  # fmt: skip
            elif key == "litellm_params" and isinstance(child.value, dict):
                params = {str(k): v for k, v in child.value.items()}
                model = params.get("model")
                if model is not None and isinstance(model.value, str):
                    base = _str(params.get("api_base")) or _str(params.get("base_url"))
                    ctx = refs.RefContext(
                        family="litellm",
                        base_url=base,
                        in_config=True,
                        site=SiteKind.CATALOGUE_ITEM if here.catalogue else None,
                        key="litellm_params.model",
                    )
                    extra: dict[str, JSON] = {"key": "litellm_params.model"}
                    if here.catalogue:
                        extra["flow"] = "catalogue"
                    self.emit(
                        refs.resolve(model.value, ctx),
                        model.value,
                        model,
                        Confidence.MEDIUM,
                        ".".join((*path, key, "model")),
                        extra,
                    )
                continue
            if isinstance(child.value, dict) and not here.catalogue:
                # model: {name: Qwen/Qwen2.5-14B-Instruct, ...}, dataset: {name: org/x}
                self._named_entry(key, child.value, (*path, key), here)
            if (
                key in ("pull", "run")
                and isinstance(child.value, list)
                and (refs.provider_alias(here.provider or "") == "ollama")
            ):
                self._ollama_pulls(child, (*path, key))
                continue
            if isinstance(child.value, dict | list) and not refs.is_example_key(key):
                inner = here
                if _is_catalogue_key(key):
                    inner = replace(here, catalogue=True)
                    if isinstance(child.value, dict):
                        self._listed_keys(child, key, inner, (*path, key))
                self.walk(child, (*path, key), inner)

    def _named_entry(
        self, key: str, entries: Mapping[str, _Node], path: Sequence[str], here: _Inherited
    ) -> None:
        """A mapping under a model (or dataset) key whose ``name``/``id``/``path`` field is the
        model (or dataset) itself."""
        model = refs.is_model_key(key)
        if not model and not _is_dataset_key(key):
            return
        for field in _ENTRY_FIELDS:
            child = entries.get(field)
            if child is None or not isinstance(child.value, str):
                continue
            if model:
                self._model_value(key, child, (*path, field), here)
            else:
                self.emit(
                    _dataset_value(child.value), child.value, child, Confidence.MEDIUM,
                    ".".join((*path, field)), {"key": f"{key}.{field}"},
                )  # fmt: skip
            return

    def _model_path(self, key: str, child: _Node, path: Sequence[str]) -> None:
        """``base_model_path``, ``reward_model_path``: a path on a machine's disk, or a Hub id
        (``org/name``, never a path-looking string)."""
        text = str(child.value).strip()
        if localpaths.is_outside(text):
            ref: refs.Ref | None = localpaths.ref(text, {"key": key})
        else:
            ctx = refs.RefContext(family="hf", in_config=True, key=key)
            ref = refs.resolve(text, ctx) if not refs.looks_like_path(text) else None
        self.emit(ref, text, child, Confidence.MEDIUM, ".".join(path), {"key": key})

    def _ollama_pulls(self, node: _Node, path: Sequence[str]) -> None:
        """The otwld Ollama chart's ``ollama.models.pull``/``run``: models pulled (and run)
        when the server starts, so deployed, not merely offered."""
        ctx = refs.RefContext(
            family="ollama", sdk="ollama", in_config=True, site=SiteKind.DEPLOYMENT
        )
        for item in node.value:
            if isinstance(item.value, str) and "$" not in item.value:
                self.emit(
                    refs.resolve(item.value.strip(), ctx), item.value, item, Confidence.HIGH,
                    ".".join(path), {"command": f"ollama {path[-1]}"},
                )  # fmt: skip

    def _listed(
        self, node: _Node, text: str, key: str | None, here: _Inherited, path: Sequence[str]
    ) -> None:
        """One entry of a catalogue: a model the release can call (listed, medium)."""
        text = text.strip()
        if localpaths.is_outside(text) or not refs.is_model_value(text):
            return
        ctx = refs.RefContext(
            family="config",
            base_url=here.base_url,
            provider_hint=here.provider,
            in_config=True,
            site=SiteKind.CATALOGUE_ITEM,
            key=key,
        )
        extra: dict[str, JSON] = {"flow": "catalogue"}
        if key:
            extra["key"] = key
        self.emit(refs.resolve(text, ctx), text, node, Confidence.MEDIUM, ".".join(path), extra)

    def _listed_keys(self, node: _Node, key: str, here: _Inherited, path: Sequence[str]) -> None:
        """A catalogue written as a mapping keyed by model name (``models: {gpt-4o: {...}}``)."""
        assert isinstance(node.value, dict)
        for name, child in node.value.items():
            if isinstance(child.value, list):
                continue  # `pull: [...]`: a list under a key is no model's settings
            where = _Node(str(name), child.key_line or child.line, None, str(name))
            if child.key_line is None and self.positions is None:
                where = _Node(str(name), node.line, node.column, str(name))
            elif child.key_line is None:
                where = _Node(str(name), None, None, str(name))
            self._listed(where, str(name), key, here, path)
            if isinstance(child.value, str):
                # models: {chat: gpt-4o, deepseek: deepseek-chat}: a key naming a provider
                # says whose the model is.
                hint = refs.provider_alias(str(name)) or here.provider
                self._listed(child, child.value, str(name), replace(here, provider=hint), path)

    def _env_var(self, entries: Mapping[str, _Node], path: Sequence[str], here: _Inherited) -> None:
        """Environment set in a manifest: a Kubernetes/Helm ``{name: MODEL_ID, value: x}``
        entry, or compose's list form ``- MODEL=x``: the variable's name is the key."""
        pairs: list[tuple[str, _Node, str]] = []
        name, value = _str(entries.get("name")), entries.get("value")
        if name and value is not None and isinstance(value.value, str) and len(entries) <= 3:
            pairs.append((name, value, ".".join((*path, "value"))))
        for key in ("environment", "env"):
            child = entries.get(key)
            if child is None or not isinstance(child.value, list):
                continue
            for item in child.value:
                if isinstance(item.value, str) and "=" in item.value:
                    var, _, text = item.value.partition("=")
                    node = _Node(text.strip(), item.line, item.column, item.key)
                    # The service's own path: one place with a model server's reading.
                    pairs.append((var.strip(), node, ".".join(path)))
        for var, node, where in pairs:
            text = str(node.value).strip()
            if not text or "$" in text or not refs.names_model(var):
                continue
            hint = here.provider or refs.provider_from_env_name(var)
            ctx = refs.RefContext(
                family="config",
                base_url=here.base_url,
                provider_hint=hint,
                in_config=True,
                site=SiteKind.DEPLOYMENT,
                key=var,
            )
            self.emit(
                refs.resolve_under(var, text, ctx), text, node, Confidence.MEDIUM, where,
                {"key": var, "env_var": var},
            )  # fmt: skip

    def _context(
        self, entries: Mapping[str, _Node], path: Sequence[str], inherited: _Inherited
    ) -> _Inherited:
        base_url = inherited.base_url
        provider = inherited.provider
        # The nearest key above (a list's items stand under their list's key).
        parent = next((p for p in reversed(path) if not p.isdigit()), None)
        if parent is not None:
            provider = refs.provider_alias(parent) or provider
            # models: {siliconflow: [...]} with api_providers: [{id: siliconflow, url: ...}]
            base_url = self.provider_urls.get(parent.lower(), base_url)
        revision = None
        for key, child in entries.items():
            text = _str(child)
            if text is None and isinstance(child.value, dict) and refs.is_url_key(key):
                # base_url: {value: https://..., type: string}: a settings schema
                text = _str(child.value.get("value")) or _str(child.value.get("default"))
            if text is None:
                continue
            if refs.is_url_key(key) and (
                "://" in text or re.match(r"^[\w.-]+\.[a-z]{2,}(:\d+)?$", text)
            ):
                base_url = text
            elif refs.is_provider_key(key):
                provider = text
            elif key.lower() in _REVISION_KEYS:
                revision = text
        return _Inherited(base_url, provider, revision, inherited.catalogue)

    def _model_value(self, key: str, child: _Node, path: Sequence[str], here: _Inherited) -> None:
        text = str(child.value).strip()
        if localpaths.is_outside(text) and key != "name":
            # model_name_or_path: /data/models/Llama-3-8B: a model on a machine's disk.
            ref = localpaths.ref(text, {"key": key})
            self.emit(ref, text, child, Confidence.MEDIUM, ".".join(path), {"key": key})
            return
        hint = here.provider or refs.provider_from_env_name(key)
        ctx = refs.RefContext(
            family="config",
            base_url=here.base_url,
            provider_hint=hint,
            revision=here.revision,
            in_config=True,
            site=SiteKind.CATALOGUE_ITEM if here.catalogue else None,
            key=key,
        )
        self.emit(
            # "name" reaches here only as a per-model settings entry (_name_is_model).
            refs.resolve(text, ctx) if key == "name" else refs.resolve_under(key, text, ctx),
            text,
            child,
            Confidence.MEDIUM,
            ".".join(path),
            {"key": key, "flow": "catalogue"} if here.catalogue else {"key": key},
        )


def _name_is_model(entries: Mapping[str, _Node]) -> bool:
    """An entry of per-model settings (aider's ``- name: deepseek/deepseek-reasoner`` next
    to ``weak_model_name:``): ``name`` is the model when its siblings name other models and
    none names this entry's own (``model:`` next to ``name:`` makes ``name`` a label, as in
    Continue's configs)."""
    if "name" not in entries:
        return False
    keys = [k for k in entries if k != "name"]
    if any(refs.is_model_key(k) and k.lower() in _OWN_MODEL_KEYS for k in keys):
        return False
    return any(refs.is_model_key(k) for k in keys)


_OWN_MODEL_KEYS = frozenset({"model", "model_name", "model_id", "modelname", "modelid", "llm"})


def _str(node: _Node | None) -> str | None:
    if node is None or not isinstance(node.value, str):
        return None
    return node.value


def _from_yaml(node: yaml.Node) -> _Node:
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, _Node] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                child = _from_yaml(value)
                out[str(key.value)] = replace(child, key_line=key.start_mark.line + 1)
        return _Node(out, line, column)
    if isinstance(node, yaml.SequenceNode):
        return _Node([_from_yaml(v) for v in node.value], line, column)
    if isinstance(node, yaml.ScalarNode):
        # Only plain/quoted strings matter; YAML 1.1 booleans and numbers stay text here
        # but never look like models.
        return _Node(str(node.value), line, column)
    return _Node(None, line, column)


def _from_plain(value: Any, key: str | None = None) -> _Node:
    """A parsed value without marks (JSON, TOML, INI): strings keep their key, and are
    located in the text only if they become evidence."""
    if isinstance(value, dict):
        return _Node({str(k): _from_plain(v, str(k)) for k, v in value.items()}, None, None)
    if isinstance(value, list):
        return _Node([_from_plain(v, key) for v in value], None, None)
    if isinstance(value, str):
        return _Node(value, None, None, key)
    return _Node(None, None, None)


def _provider_table(doc: _Node) -> dict[str, str]:
    """Providers a config defines as a list of entries with an id and an endpoint
    (``api_providers: [{id: siliconflow, url: https://api.siliconflow.cn/v1}]``), two levels
    deep at most: id (lower case) → URL."""
    table: dict[str, str] = {}
    tops = [doc] + ([*doc.value.values()] if isinstance(doc.value, dict) else [])
    for node in tops:
        items = node.value.values() if isinstance(node.value, dict) else ()
        for child in items:
            for entry in child.value if isinstance(child.value, list) else ():
                if not isinstance(entry.value, dict):
                    continue
                ident = _str(entry.value.get("id")) or _str(entry.value.get("provider"))
                url = next(
                    (
                        str(v.value)
                        for k, v in entry.value.items()
                        if refs.is_url_key(str(k)) and isinstance(v.value, str) and "://" in v.value
                    ),
                    None,
                )
                if ident and url:
                    table.setdefault(ident.lower(), url)
    return table


def _walked(walker: _Walker, docs: Sequence[_Node], mlmodel: bool = False) -> scanning.Outcome:
    try:
        for doc in docs:
            if mlmodel:
                _mlmodel(walker, doc)
            walker.provider_urls = _provider_table(doc)
            walker.walk(doc, (), _Inherited())
    except RecursionError:
        return scanning.Outcome(skipped=[(walker.rel, "nested too deeply to read")])
    return scanning.Outcome(evidence=walker.found)


def _yaml_docs(rel: str, text: str) -> list[_Node] | str:
    """The documents of a YAML file, or why they cannot be read."""
    parsed = loaders.yaml_nodes(text)
    if not parsed.ok:
        assert parsed.problem is not None
        return "a template (not plain YAML): not read" if "{{" in text else parsed.problem
    try:
        return [_from_yaml(node) for node in parsed.value]
    except RecursionError:
        return "YAML nested too deeply to read"


def _yaml_or_json(rel: str, text: str, *, json_file: bool, mlmodel: bool) -> scanning.Outcome:
    if json_file:
        # JSON first: its parser is fast on megabyte files; YAML (a superset) reads the rest.
        parsed = loaders.json_doc(text)
        if parsed.ok:
            walker = _Walker(rel, positions=_Positions(text))
            try:
                docs = [_from_plain(parsed.value)]
            except RecursionError:
                return scanning.Outcome(skipped=[(rel, "JSON nested too deeply to read")])
            return _walked(walker, docs)
        if not isinstance(got := _yaml_docs(rel, text), str):
            return _walked(_Walker(rel), got)
        return scanning.Outcome(skipped=[(rel, parsed.problem or "invalid JSON")])
    got = _yaml_docs(rel, text)
    if isinstance(got, str):
        return scanning.Outcome(skipped=[(rel, got)])
    return _walked(_Walker(rel), got, mlmodel=mlmodel)


def _toml(rel: str, text: str) -> scanning.Outcome:
    parsed = loaders.toml_doc(text)
    if not parsed.ok:
        return scanning.Outcome(skipped=[(rel, parsed.problem or "invalid TOML")])
    try:
        doc = _from_plain(parsed.value)
    except RecursionError:
        return scanning.Outcome(skipped=[(rel, "TOML nested too deeply to read")])
    return _walked(_Walker(rel, positions=_Positions(text)), [doc])


def _ini(rel: str, text: str) -> scanning.Outcome:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text, source=rel)
    except configparser.Error as exc:
        return scanning.Outcome(skipped=[(rel, f"invalid INI: {str(exc).splitlines()[0]}")])
    doc = {section: dict(parser.items(section)) for section in parser.sections()}
    return _walked(_Walker(rel, positions=_Positions(text, ini=True)), [_from_plain(doc)])


# --- .env --------------------------------------------------------------------------------

_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*?)\s*$")


_SHELL_ASSIGNMENT = re.compile(
    r"^\s*(?:export\s+|local\s+|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)=(\S*)"
)


def _shell(rel: str, text: str) -> scanning.Outcome:
    """A shell script (``start-tgi.sh``): variables that name a model (``model=org/x``,
    ``MODEL_ID=...``) and command lines (``docker run ... --model-id $model``,
    ``vllm serve``, ``huggingface-cli download``), ``$VAR`` expanded from the script's own
    assignments above the line. Nothing is run."""
    walker = _Walker(rel)
    variables: dict[str, str] = {}
    created: set[str] = set()
    for lineno, command, _ in _logical_lines(text.splitlines(), 1):
        stripped = command.strip()
        if not stripped or stripped.startswith("#"):
            continue
        assignment = _SHELL_ASSIGNMENT.match(stripped)
        if assignment and " " not in stripped.split("=", 1)[1].strip():
            key, raw = assignment.groups()
            value, _ = _env_value(_expand(raw, variables))
            variables[key] = value
            if value and "$" not in value and refs.names_model(key):
                ctx = refs.RefContext(
                    family="config",
                    provider_hint=refs.provider_from_env_name(key),
                    in_config=True,
                    site=SiteKind.DEFAULT,
                    key=key,
                )
                if localpaths.is_outside(value):
                    ref: refs.Ref | None = localpaths.ref(value, {"key": key})
                else:
                    ref = refs.resolve_under(key, value, ctx)
                node = _Node(value, lineno, command.find(value) + 1 or None)
                walker.emit(ref, value, node, Confidence.MEDIUM, key, {"key": key})
            continue
        line = _expand(stripped, variables) if "$" in stripped else stripped
        argv = _argv(_Node(line, lineno, None))
        tokens = [token for token, _ in argv]
        for index in range(len(tokens) - 2):
            if tokens[index : index + 2] == ["ollama", "create"]:
                created.add(tokens[index + 2])
        if created and any(t in created for t in tokens):
            # `ollama run body-builder-model` after `ollama create body-builder-model -f
            # Modelfile`: a local build, whose base is the Modelfile's FROM.
            argv = [(t, n) for t, n in argv if t not in created]
        _commands(walker, argv, "", {})
        _flag_models(walker, argv, "", _docker_volumes(argv))
        _hub_downloads(walker, argv, "")
        walker.found += dependencies.pip_install(
            rel, tokens, lineno, command, context="", source=NAME
        )
    return scanning.Outcome(evidence=walker.found)


def _dotenv(rel: str, text: str) -> scanning.Outcome:
    values: list[tuple[str, str, int, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        match = _ENV_LINE.match(line)
        if not match:
            continue
        key, raw = match.groups()
        value, offset = _env_value(raw)
        if value:
            values.append((key, value, number, match.start(2) + offset + 1))
    # A URL belongs to the models whose variable shares its stem (LLM_BASE_URL ↔ LLM_MODEL,
    # BASE_URL ↔ MODEL) or its provider (OPENAI_BASE_URL ↔ OPENAI_CHAT_MODEL).
    urls: list[tuple[str, str | None, str]] = []
    for key, value, _, _ in values:
        if refs.is_url_key(key) and "://" in value:
            urls.append((_stem(key), refs.provider_from_env_name(key), value))
    walker = _Walker(rel)
    used_urls: set[str] = set()
    for key, value, lineno, column in values:
        if not refs.names_model(key):
            continue
        provider = refs.provider_from_env_name(key)
        stem = _stem(key)
        base_url = next(
            (u for s, p, u in urls if s == stem or (provider is not None and p == provider)), None
        )
        if base_url:
            used_urls.add(base_url)
        ctx = refs.RefContext(
            family="config", base_url=base_url, provider_hint=provider, in_config=True
        )
        walker.emit(
            refs.resolve_under(key, value, ctx), value, _Node(value, lineno, column),
            Confidence.MEDIUM, key,
            {"key": key, "env_var": key},
        )  # fmt: skip
    # An endpoint set with no model next to it still says where prompts go.
    for key, value, lineno, column in values:
        if refs.is_url_key(key) and "://" in value and value not in used_urls:
            ref = refs.endpoint_only(refs.RefContext(family="hosted", base_url=value))
            walker.emit(
                ref, value, _Node(value, lineno, column), Confidence.MEDIUM, key, {"key": key}
            )
    return scanning.Outcome(evidence=walker.found)


def _stem(key: str) -> str:
    """``OPENAI_BASE_URL`` → ``OPENAI``, ``LLM_MODEL_NAME`` → ``LLM``, ``MODEL`` → ``""``."""
    upper = key.upper()
    for suffix in ("_BASE_URL", "_API_BASE", "_BASEURL", "_ENDPOINT", "_API_URL", "_HOST", "_URL"):
        if upper.endswith(suffix):
            return upper[: -len(suffix)]
    for suffix in ("_MODEL_NAME", "_MODEL_ID", "_MODEL", "_LLM", "_DEPLOYMENT"):
        if upper.endswith(suffix):
            return upper[: -len(suffix)]
    return (
        "" if upper in ("BASE_URL", "API_BASE", "ENDPOINT", "MODEL", "MODEL_NAME", "LLM") else upper
    )


def _env_value(raw: str) -> tuple[str, int]:
    if raw[:1] in ("'", '"'):
        end = raw.find(raw[0], 1)
        return (raw[1:end] if end > 0 else raw[1:]), 1
    return raw.split(" #", 1)[0].strip(), 0


# --- containers and commands -------------------------------------------------------------


def _containers(entries: Mapping[str, _Node]) -> bool:
    image = entries.get("image")
    if image is None:
        # A compose service built from the tree's own Dockerfile has no image.
        return "build" in entries and any(k in entries for k in ("command", "entrypoint"))
    if isinstance(image.value, str):
        return True
    return isinstance(image.value, dict) and "repository" in image.value


def _image_name(entries: Mapping[str, _Node]) -> str:
    image = entries["image"].value if "image" in entries else ""
    if isinstance(image, dict):
        return _str(image.get("repository")) or ""
    return str(image)


def _server(image: str) -> Mapping[str, Any] | None:
    for server in refs.conventions().servers:
        if any(fnmatch.fnmatchcase(image.lower(), pat) for pat in server["images"]):
            return server
    return None


def _argv(node: _Node | None) -> list[tuple[str, _Node]]:
    """A command as (token, where) pairs: a list of strings, or a shell string."""
    if node is None:
        return []
    if isinstance(node.value, list):
        return [(str(item.value), item) for item in node.value if isinstance(item.value, str)]
    if isinstance(node.value, str):
        try:
            tokens = shlex.split(node.value, comments=True)
        except ValueError:
            tokens = node.value.split()
        return [(t, node) for t in tokens]
    return []


def _container(walker: _Walker, entries: Mapping[str, _Node], path: Sequence[str]) -> None:
    image = _image_name(entries)
    server = _server(image)
    argv: list[tuple[str, _Node]] = []
    for key in ("entrypoint", "command", "args"):
        argv += _argv(entries.get(key))
    where = ".".join(path)
    extra: dict[str, JSON] = {"image": image}
    volumes = _volumes(entries.get("volumes"))
    if server is not None:
        extra["server"] = server["name"]
        _server_args(walker, server, argv, where, extra, volumes)
        env = entries.get("environment") or entries.get("env")
        _server_env(walker, server, env, where, extra, volumes)
    _commands(walker, argv, where, extra)
    _flag_models(walker, argv, where, volumes)
    _hub_downloads(walker, argv, where)


def _volumes(node: _Node | None) -> list[tuple[str, str]]:
    """A compose service's bind mounts as (host path, container path): ``./models/x:/data``
    or the long form ``{source, target}``."""
    out: list[tuple[str, str]] = []
    for item in node.value if node is not None and isinstance(node.value, list) else ():
        if isinstance(item.value, str) and ":" in item.value:
            parts = item.value.split(":")
            if len(parts) >= 2 and parts[1].startswith("/"):
                out.append((parts[0], parts[1].rstrip("/") or "/"))
        elif isinstance(item.value, dict):
            source, target = _str(item.value.get("source")), _str(item.value.get("target"))
            if source and target and target.startswith("/"):
                out.append((source, target.rstrip("/") or "/"))
    return out


def _mounted(value: str, volumes: Sequence[tuple[str, str]]) -> str | None:
    """The host path a container path comes from, through the longest matching mount."""
    best: tuple[str, str] | None = None
    for host, target in volumes:
        inside = value == target or value.startswith(target + "/")
        if inside and (best is None or len(target) > len(best[1])):
            best = (host, target)
    if best is None:
        return None
    return best[0] + value[len(best[1]) :]


def _container_path(walker: _Walker, value: str, volumes: Sequence[tuple[str, str]]) -> refs.Ref:
    """A model folder inside a container: the host folder mounted there (a tree path, which
    the checkout may or may not hold), else the container's own path (outside the tree)."""
    host = _mounted(value, volumes)
    cwd = next((p for p in _CWD_PREFIXES if host is not None and host.startswith(p)), None)
    if host is not None and cwd is not None:
        # $PWD/models/x: the working directory a script is run from, taken as the root.
        path = posixpath.normpath(host[len(cwd) :])
        return localpaths.ref(path, reason=None)
    if host is not None and not localpaths.is_outside(host):
        path = posixpath.normpath(posixpath.join(posixpath.dirname(walker.rel), host))
        return localpaths.ref(path, reason=None)
    return localpaths.ref(host or value)


_CWD_PREFIXES = ("$PWD/", "${PWD}/", "$(pwd)/", "`pwd`/")


def _docker_volumes(argv: Sequence[tuple[str, _Node]]) -> list[tuple[str, str]] | None:
    """``docker run -v host:container`` mounts, or None when the line runs no container."""
    tokens = [t for t, _ in argv]
    if not any(tokens[i : i + 2] == ["docker", "run"] for i in range(len(tokens))):
        return None
    out: list[tuple[str, str]] = []
    for index, token in enumerate(tokens):
        spec: str | None = None
        if token in ("-v", "--volume") and index + 1 < len(tokens):
            spec = tokens[index + 1]
        elif token.startswith("--volume="):
            spec = token.split("=", 1)[1]
        if spec and ":" in spec:
            host, target = spec.split(":")[:2]
            if target.startswith("/"):
                out.append((host, target.rstrip("/") or "/"))
    return out


def _server_args(
    walker: _Walker,
    server: Mapping[str, Any],
    argv: Sequence[tuple[str, _Node]],
    where: str,
    extra: Mapping[str, JSON],
    volumes: Sequence[tuple[str, str]] = (),
) -> None:
    options = tuple(server.get("args") or ())
    tokens = [t for t, _ in argv]
    for index, (token, node) in enumerate(argv):
        value: str | None = None
        for option in options:
            if token == option and index + 1 < len(argv):
                value, node = argv[index + 1]
            elif token.startswith(option + "="):
                value = token.split("=", 1)[1]
        after = server.get("positional_after") or ()
        if value is None and index > 0 and tokens[index - 1] in after and not token.startswith("-"):
            value = token
        if value:
            _server_model(walker, server, value, node, where, {**extra, "argument": token}, volumes)


def _server_env(
    walker: _Walker,
    server: Mapping[str, Any],
    env: _Node | None,
    where: str,
    extra: Mapping[str, JSON],
    volumes: Sequence[tuple[str, str]] = (),
) -> None:
    names = set(server.get("env") or ())
    for key, value, node in _env_pairs(env):
        if key in names and value:
            _server_model(walker, server, value, node, where, {**extra, "env_var": key}, volumes)


def _env_pairs(env: _Node | None) -> list[tuple[str, str, _Node]]:
    if env is None:
        return []
    out: list[tuple[str, str, _Node]] = []
    if isinstance(env.value, dict):
        for key, node in env.value.items():
            if isinstance(node.value, str):
                out.append((str(key), node.value, node))
    elif isinstance(env.value, list):
        for item in env.value:
            if isinstance(item.value, str) and "=" in item.value:
                key, _, value = item.value.partition("=")
                out.append((key.strip(), value.strip(), item))
            elif isinstance(item.value, dict):
                name = _str(item.value.get("name"))
                value_node = item.value.get("value")
                if name and value_node is not None and isinstance(value_node.value, str):
                    out.append((name, value_node.value, value_node))
    return out


def _server_model(
    walker: _Walker,
    server: Mapping[str, Any],
    value: str,
    node: _Node,
    where: str,
    extra: Mapping[str, JSON],
    volumes: Sequence[tuple[str, str]] = (),
) -> None:
    if "$" in value:
        return  # ${MODEL}: set elsewhere
    if value.startswith("/") and str(server["family"]) != "ollama":
        # --model-id=/data: a folder in the container, mounted from the host (compose
        # volumes) or baked into the image: a local model known by that path.
        walker.emit(
            _container_path(walker, value, volumes), value, node, Confidence.HIGH, where, extra
        )
        return
    family = str(server["family"])
    ctx = refs.RefContext(
        family=family, sdk=str(server["name"]), in_config=True, site=SiteKind.DEPLOYMENT
    )
    ref = refs.resolve(value, ctx)
    if ref is not None and ref.kind is not EvidenceKind.OLLAMA_REF:
        attrs = dict(ref.attributes)
        attrs.setdefault("host", "localhost")
        ref = replace(ref, attributes=attrs)
    walker.emit(ref, value, node, Confidence.HIGH, where, extra)


def _commands(
    walker: _Walker, argv: Sequence[tuple[str, _Node]], where: str, extra: Mapping[str, JSON]
) -> None:
    """``ollama pull x``, ``huggingface-cli download org/x``, ``vllm serve org/x``..."""
    tokens = [t for t, _ in argv]
    # `sh -c "ollama serve & ollama pull llama3"`: the script is one token to split again.
    for index, token in enumerate(tokens):
        if token in ("-c", "/c") and index + 1 < len(tokens) and " " in tokens[index + 1]:
            node = argv[index + 1][1]
            _commands(walker, _argv(_Node(tokens[index + 1], node.line, node.column)), where, extra)
    for command in refs.conventions().commands:
        prefix = [str(p) for p in command["argv"]]
        for start in range(len(tokens) - len(prefix) + 1):
            if tokens[start : start + len(prefix)] != prefix:
                continue
            rest = argv[start + len(prefix) :]
            found: tuple[str, _Node] | None = None
            if "positional" in command:
                positional = [(t, n) for t, n in rest if not t.startswith("-")]
                stop = next(
                    (i for i, (t, _) in enumerate(rest) if t in ("&&", ";", "|", "&")), None
                )
                if stop is not None:
                    positional = [(t, n) for t, n in rest[:stop] if not t.startswith("-")]
                if len(positional) > int(command["positional"]):
                    found = positional[int(command["positional"])]
            else:
                option = str(command["option"])
                for i, (t, n) in enumerate(rest):
                    if t == option and i + 1 < len(rest):
                        found = rest[i + 1]
                    elif t.startswith(option + "="):
                        found = (t.split("=", 1)[1], n)
            if found is None or "$" in found[0]:
                continue
            ctx = refs.RefContext(family=str(command["family"]), sdk=prefix[0], in_config=True)
            walker.emit(
                refs.resolve(found[0], ctx),
                found[0],
                found[1],
                Confidence.HIGH,
                where,
                {**extra, "command": " ".join(prefix)},
            )


_HUB_URL = re.compile(r"https?://(?:www\.)?(?:huggingface\.co|hf\.co)/[^\s\"'<>()]+")


def _hub_downloads(walker: _Walker, argv: Sequence[tuple[str, _Node]], where: str) -> None:
    """Hub download URLs in a command or a variable (``wget https://huggingface.co/<org>/
    <name>/resolve/main/x.gguf``): the repo, at the revision the URL names."""
    clone = any(token == "clone" for token, _ in argv)
    for token, node in argv:
        for url in _HUB_URL.findall(token):
            if "/resolve/" not in url and "/datasets/" not in url and not clone:
                continue  # a model page link, not a download
            if "/datasets/" in url:
                repo = refs.hf_repo_of_url(url.replace("/datasets/", "/", 1))
                family = "hf-dataset"
            else:
                repo = refs.hf_repo_of_url(url)
                family = "hf"
            if repo is None or "$" in repo[0]:
                continue
            ctx = refs.RefContext(family=family, revision=repo[1], in_config=True)
            walker.emit(refs.resolve(repo[0], ctx), url, node, Confidence.HIGH, where, {"url": url})


def _flag_models(
    walker: _Walker,
    argv: Sequence[tuple[str, _Node]],
    where: str,
    volumes: Sequence[tuple[str, str]] | None = None,
) -> None:
    """Options of any command line that name a model or a dataset (``python train.py
    --model_name_or_path Qwen/Qwen2.5-7B --judge-model gpt-4-1106-preview --dataset
    HuggingFaceH4/ultrachat_200k``): read like a config key with that name."""
    for index, (token, node) in enumerate(argv):
        if not token.startswith("--") or len(token) < 4:
            continue
        name, eq, value = token[2:].partition("=")
        if not eq:
            if index + 1 >= len(argv) or argv[index + 1][0].startswith("-"):
                continue
            value, node = argv[index + 1]
        if not value or "$" in value or "{" in value:
            continue  # $MODEL, {model}: set elsewhere
        extra: dict[str, JSON] = {"argument": f"--{name}"}
        if refs.names_model(name) and volumes is not None and value.startswith("/"):
            ref: refs.Ref | None = _container_path(walker, value, volumes)
        elif refs.names_model(name) and localpaths.is_outside(value):
            ref = localpaths.ref(value)
        elif refs.names_model(name):
            ctx = refs.RefContext(
                family="config", provider_hint=refs.provider_from_env_name(name), in_config=True
            )
            ref = refs.resolve_under(name, value, ctx)
        elif _is_dataset_key(name):
            ref = _dataset_value(value)
        else:
            continue
        walker.emit(ref, value, node, Confidence.MEDIUM, where, extra)


@functools.cache
def _catalogue_keys() -> tuple[frozenset[str], tuple[str, ...]]:
    doc = recognise_data.load("config_vocabulary.yaml")
    return frozenset(doc.get("catalogue_keys") or ()), tuple(
        doc.get("catalogue_key_suffixes") or ()
    )


def _is_catalogue_key(key: str) -> bool:
    """A key whose list or mapping enumerates models (``models``, ``available_models``)."""
    norm = _norm(key)
    names, suffixes = _catalogue_keys()
    return norm in names or any(norm.endswith("_" + s) for s in suffixes)


def _norm(key: str) -> str:
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key)
    return re.sub(r"[-.\s]+", "_", snake).lower().strip("_")


# Fields of a mapping under a model key that hold the model: an entry (`model: {name: x}`)
# or a settings schema (`model: {value: qwen-plus, type: string, description: ...}`).
_ENTRY_FIELDS = ("name_or_path", "name", "id", "repo_id", "path", "repo", "value", "default")


def _is_model_path_key(key: str) -> bool:
    """``base_model_path``, ``reward_model_path``, ``ref_model_name_or_path``..."""
    norm = _norm(key)
    return norm.endswith("_model_path") and not refs.names_model(key)


def _is_dataset_key(key: str) -> bool:
    """A key or option naming a dataset (``dataset_id_or_path``, ``--dataset-name``)."""
    return refs.is_dataset_key(key)


def _dataset_value(value: str) -> refs.Ref | None:
    """A value under a dataset key: a Hub dataset only when written ``org/name`` (a bare word
    is as often a local split or builder name)."""
    text = value.strip()
    if text.count("/") != 1 or refs.looks_like_path(text) or not identity.is_hf_repo_id(text):
        return None
    return refs.resolve(text, refs.RefContext(family="hf-dataset", in_config=True))


# --- Dockerfile --------------------------------------------------------------------------

_INSTRUCTION = re.compile(r"^\s*(FROM|RUN|CMD|ENTRYPOINT|ENV|ARG)\s+(.*)$", re.IGNORECASE)
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def _expand(text: str, variables: Mapping[str, str]) -> str:
    """``${MODEL}``/``$MODEL``/``${MODEL:-x}`` replaced by an ``ARG``/``ENV`` default seen
    above (the value a build gets unless told otherwise); unknown ones stay as written."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        if name in variables:
            return variables[name]
        return match.group(2) if match.group(2) is not None else match.group(0)

    return _VARIABLE.sub(one, text)


def _dockerfile(rel: str, text: str) -> scanning.Outcome:
    walker = _Walker(rel)
    server: Mapping[str, Any] | None = None
    variables: dict[str, str] = {}
    logical: list[tuple[int, str]] = []
    buffer, start = "", 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not buffer:
            start = number
        if line.rstrip().endswith("\\"):
            buffer += line.rstrip()[:-1] + " "
            continue
        logical.append((start, buffer + line))
        buffer = ""
    for number, line in logical:
        match = _INSTRUCTION.match(line)
        if not match:
            continue
        instruction, rest = match.group(1).upper(), match.group(2).strip()
        if instruction == "FROM":
            image = rest.split()[0] if rest else ""
            server = _server(image) or server
            continue
        node = _Node(rest, number, line.find(rest) + 1)
        if instruction in ("ENV", "ARG"):
            pattern = r"([A-Za-z_][A-Za-z0-9_]*)[= ]\"?([^\s\"]+)\"?"
            if instruction == "ARG":
                pattern = r"([A-Za-z_][A-Za-z0-9_]*)=\"?([^\s\"]+)\"?"
            pairs = [(k, _expand(v, variables)) for k, v in re.findall(pattern, rest)]
            variables.update(pairs)
            env = _Node({k: _Node(v, number, line.find(v) + 1) for k, v in pairs}, number, None)
            if server is not None:
                _server_env(walker, server, env, instruction, {"server": str(server["name"])})
            # ENV OPENAI_MODEL=gpt-4o: a model-ish variable like any config key.
            walker.walk(env, (instruction,), _Inherited())
            _hub_downloads(walker, [(v, _Node(v, number, line.find(v) + 1)) for _, v in pairs],
                           instruction)  # fmt: skip
            continue
        if variables and "$" in rest:
            rest = _expand(rest, variables)
            node = _Node(rest, number, None)
        if rest.startswith("["):
            try:
                items = json.loads(rest)
                argv = [(str(t), node) for t in items if isinstance(t, str)]
            except json.JSONDecodeError:
                argv = _argv(node)
        else:
            argv = _argv(node)
        if instruction == "RUN":
            tokens = [token for token, _ in argv]
            walker.found += dependencies.pip_install(
                rel, tokens, number, line, context="RUN", source=NAME
            )
        extra: dict[str, JSON] = {}
        if server is not None and instruction in ("CMD", "ENTRYPOINT"):
            extra["server"] = str(server["name"])
            _server_args(walker, server, argv, instruction, extra)
        _commands(walker, argv, instruction, extra)
        _flag_models(walker, argv, instruction)
        _hub_downloads(walker, argv, instruction)
    return scanning.Outcome(evidence=walker.found)


# --- Modelfile, MLmodel, DVC ---------------------------------------------------------------

_DOCKERFILE_ONLY = re.compile(
    r"^\s*(RUN|COPY|ADD|WORKDIR|CMD|ENTRYPOINT|EXPOSE|ENV|ARG|USER|LABEL|VOLUME)\s", re.I | re.M
)


def _maybe_modelfile(tf: TreeFile) -> bool:
    """An Ollama Modelfile under another name (``body-builder-llama3-model``,
    ``ollama_alpaca_file``): a small file without extension whose name says model or
    ollama; its content decides (:func:`_is_modelfile`)."""
    lower = tf.name.lower()
    return tf.suffix == "" and tf.size < 65536 and ("model" in lower or "ollama" in lower)


def _is_modelfile(text: str) -> bool:
    """``FROM`` first, and no instruction only a Dockerfile has."""
    first = next(
        (ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")),
        "",
    )
    return first.upper().startswith("FROM ") and not _DOCKERFILE_ONLY.search(text)


def _in_tree(rel: str, target: str, rels: set[str]) -> str | None:
    """The tree path a Modelfile/DVC path names (relative to the file's folder), if present."""
    base = posixpath.dirname(rel)
    if target.startswith("/") or target.startswith("~"):
        return None
    path = posixpath.normpath(posixpath.join(base, target))
    if path.startswith(".."):
        return None
    if path in rels or any(r.startswith(path + "/") for r in rels):
        return path
    return None


def _modelfile(rel: str, text: str, rels: set[str]) -> scanning.Outcome:
    walker = _Walker(rel)
    for number, line in enumerate(text.splitlines(), start=1):
        match = re.match(r"^\s*(FROM|ADAPTER)\s+(\S+)", line, re.IGNORECASE)
        if not match:
            continue
        instruction, value = match.group(1).upper(), match.group(2)
        node = _Node(value, number, match.start(2) + 1)
        extra: dict[str, JSON] = {"instruction": instruction}
        looks_local = value.startswith((".", "/", "~")) or value.lower().endswith(
            (".gguf", ".bin", ".safetensors")
        )
        if looks_local:
            path = _in_tree(rel, value, rels)
            if path is None:
                # Weights outside the tree, or not in the checkout (a gitignored ./model/):
                # known only by their path, an unresolved local model.
                if localpaths.is_outside(value):
                    missing = localpaths.ref(value)
                else:
                    target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), value))
                    missing = localpaths.ref(target, reason="path not in the checkout")
                walker.emit(missing, value, node, Confidence.HIGH, instruction, extra)
                continue
            ref = refs.Ref(
                identity.local(path),
                Role.RUNTIME_MODEL,
                EvidenceKind.OLLAMA_REF,
                {"weights_path": path, "pinned": True},
            )
            walker.emit(ref, value, node, Confidence.HIGH, instruction, extra)
            continue
        ctx = refs.RefContext(family="ollama", sdk="ollama", in_config=True)
        walker.emit(refs.resolve(value, ctx), value, node, Confidence.HIGH, instruction, extra)
    return scanning.Outcome(evidence=walker.found)


def _mlmodel(walker: _Walker, doc: _Node) -> None:
    if not isinstance(doc.value, dict):
        return
    flavors = doc.value.get("flavors")
    if flavors is None or not isinstance(flavors.value, dict):
        return
    for flavor, node in flavors.value.items():
        if not isinstance(node.value, dict):
            continue
        source = node.value.get("source_model_name")
        if source is None or not isinstance(source.value, str):
            continue
        revision = _str(node.value.get("source_model_revision"))
        ctx = refs.RefContext(
            family="hf", sdk=f"mlflow.{flavor}", revision=revision, in_config=True
        )
        walker.emit(
            refs.resolve(source.value, ctx),
            source.value,
            source,
            Confidence.HIGH,
            f"flavors.{flavor}.source_model_name",
        )


def _dvc(rel: str, text: str, rels: set[str]) -> scanning.Outcome:
    docs = _yaml_docs(rel, text)
    if isinstance(docs, str):
        return scanning.Outcome(skipped=[(rel, f"not a readable DVC file: {docs}")])
    if not docs:
        return scanning.Outcome()
    doc = docs[0]
    walker = _Walker(rel)
    if not isinstance(doc.value, dict):
        return scanning.Outcome()
    base = posixpath.dirname(rel)
    for index, out in enumerate(_items(doc.value.get("outs"))):
        path_node = out.get("path")
        if path_node is None or not isinstance(path_node.value, str):
            continue
        path = posixpath.normpath(posixpath.join(base, path_node.value))
        info: dict[str, JSON] = {
            k: str(out[k].value) for k in ("md5", "hash", "size", "nfiles") if k in out
        }
        weights = posixpath.splitext(path)[1].lower() in WEIGHT_SUFFIXES or bool(
            re.search(r"(^|[/_-])(models?|checkpoints?|weights)([/_.-]|$)", path.lower())
        )
        role = Role.EMBEDDED_WEIGHTS if weights else Role.DATASET
        kind = EvidenceKind.CONFIG_REF if weights else EvidenceKind.DATASET_REF
        attrs: dict[str, JSON] = {"dvc": info, "weights_path": path, "pinned": bool(info)}
        ref = refs.Ref(identity.local(path), role, kind, attrs)
        walker.emit(ref, path_node.value, path_node, Confidence.HIGH, f"outs.{index}.path")
    for index, dep in enumerate(_items(doc.value.get("deps"))):
        repo = dep.get("repo")
        if repo is None or not isinstance(repo.value, dict):
            continue
        url = _str(repo.value.get("url"))
        if not url:
            continue
        rev = _str(repo.value.get("rev_lock")) or _str(repo.value.get("rev"))
        dataset = "/datasets/" in url
        target = url.replace("/datasets/", "/") if dataset else url
        found = refs.hf_repo_of_url(target.removesuffix(".git"))
        if found is None:
            continue
        family = "hf-dataset" if dataset else "hf"
        ctx = refs.RefContext(family=family, sdk="dvc", revision=rev, in_config=True)
        walker.emit(
            refs.resolve(found[0], ctx), url, repo.value.get("url") or repo, Confidence.HIGH,
            f"deps.{index}.repo.url",
        )  # fmt: skip
    return scanning.Outcome(evidence=walker.found)


def _items(node: _Node | None) -> list[dict[str, _Node]]:
    if node is None or not isinstance(node.value, list):
        return []
    return [item.value for item in node.value if isinstance(item.value, dict)]


# --- notebooks ---------------------------------------------------------------------------

# Cell magics whose body is Python (timed, captured, profiled), shell, or a file's content.
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
_SHELL_CELL_MAGICS = frozenset({"bash", "sh", "script", "shell", "system", "!"})
_FILE_CELL_MAGICS = frozenset({"writefile", "file"})
_SHELL_ASSIGN = re.compile(r"^(\s*)([A-Za-z_][A-Za-z0-9_]*)\s*=\s*!(.*)$")


@dataclass(slots=True)
class _Cells:
    """A notebook's code cells sorted by how they are read (each line keeps its cell and
    line in the cell, so a reference is located where a reader finds it)."""

    python: list[tuple[int, list[str]]]
    """Cell number and its lines, IPython lines blanked to ``pass``."""
    shell: list[tuple[int, int, str, str]]
    """Cell, line in cell, the command (continuations joined), the first line as written."""
    files: list[tuple[int, str, str]]
    """``%%writefile path``: cell, the path written, the body."""


def _logical_lines(lines: Sequence[str], first: int) -> Iterator[tuple[int, str, int]]:
    """Shell lines with backslash continuations joined: (line number, command, lines used)."""
    index = 0
    while index < len(lines):
        start, parts = index, []
        while True:
            line = lines[index].rstrip()
            index += 1
            if line.endswith("\\") and index < len(lines):
                parts.append(line[:-1])
                continue
            parts.append(line.removesuffix("\\"))
            break
        yield start + first, " ".join(p.strip() for p in parts), index - start


def _cells(cells: Sequence[Any]) -> _Cells:
    out = _Cells([], [], [])
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        body = "".join(str(s) for s in source) if isinstance(source, list) else str(source)
        lines = body.splitlines()
        head = lines[0].strip() if lines else ""
        if head.startswith("%%"):
            magic, _, args = head[2:].partition(" ")
            if magic in _FILE_CELL_MAGICS:
                words = [w for w in args.split() if not w.startswith("-")]
                if words:
                    out.files.append((number, words[0], "\n".join(lines[1:]) + "\n"))
                continue
            if magic in _SHELL_CELL_MAGICS:
                for lineno, command, _ in _logical_lines(lines[1:], 2):
                    if command.strip() and not command.lstrip().startswith("#"):
                        out.shell.append((number, lineno, command.strip(), lines[lineno - 1]))
                continue
            if magic not in _PYTHON_CELL_MAGICS:
                continue  # %%html, %%javascript, %%latex...: not Python
            lines = ["pass", *lines[1:]]
        python: list[str] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            stripped = line.lstrip()
            indent = line[: len(line) - len(stripped)]
            assign = _SHELL_ASSIGN.match(line)
            if stripped.startswith(("!", "%")) or assign:
                # `!cmd`, `%magic`, `files = !ls`, continued over lines with backslashes
                rest = lines[index:]
                lineno, command, used = next(_logical_lines(rest, index + 1))
                text = command.strip()
                if assign:
                    shell_cmd = assign.group(3).strip()
                    python.append(f"{indent}{assign.group(2)} = None")
                else:
                    shell_cmd = text[1:] if text.startswith("!") else text
                    python.append(f"{indent}pass")
                if text.startswith("!") or assign or text.startswith(("%pip", "%sh", "%system")):
                    if shell_cmd.startswith(("sh ", "system ")):
                        shell_cmd = shell_cmd.split(" ", 1)[1]
                    out.shell.append((number, lineno, shell_cmd.strip(), line))
                python.extend([""] * (used - 1))
                index += used
                continue
            if stripped.endswith("?") and not stripped.startswith("#") and "(" not in stripped:
                python.append(f"{indent}pass")  # `obj?` help
            else:
                python.append(line)
            index += 1
        out.python.append((number, python))
    return out


def _notebook(rel: str, text: str) -> scanning.Outcome:
    """A notebook cell by cell: Python cells as one module (a variable set in one cell is read
    in another); a cell that is not Python is set aside on its own, never the whole notebook;
    shell lines and ``%%bash`` cells as command lines; ``%%writefile`` bodies as the file."""
    parsed = loaders.json_doc(text)
    if not parsed.ok:
        return scanning.Outcome(skipped=[(rel, f"not a readable notebook: {parsed.problem}")])
    doc = parsed.value
    cells = doc.get("cells") if isinstance(doc, dict) else None
    if not isinstance(cells, list):
        return scanning.Outcome(skipped=[(rel, "not a Jupyter notebook (no cells)")])
    for number, cell in enumerate(cells, start=1):
        source = cell.get("source") if isinstance(cell, dict) else None
        if isinstance(source, list) and not all(isinstance(part, str) for part in source):
            # nbformat: a cell's source is text or a list of lines (found by fuzzing).
            return scanning.Outcome(
                skipped=[(rel, f"not a readable notebook: cell {number}'s source is not text")]
            )
    read = _cells(cells)
    found: list[Evidence] = []
    skipped: list[tuple[str, str]] = []
    found += _notebook_python(rel, read.python, skipped)
    walker = _Walker(rel)
    for cell, lineno, command, written in read.shell:
        argv = _argv(_Node(command, lineno, None))
        _commands(walker, argv, f"cell {cell}", {})
        _flag_models(walker, argv, f"cell {cell}")
        tokens = [token for token, _ in argv]
        found += dependencies.pip_install(
            rel, tokens, lineno, written, context=f"cell {cell}", source=NAME
        )
    found += walker.found
    for cell, path, body in read.files:
        outcome = _written_file(rel, path, body)
        found += [_in_cell(ev, rel, cell, path) for ev in outcome.evidence]
        skipped += [(rel, f"cell {cell} ({path}): {reason}") for _, reason in outcome.skipped]
    return scanning.Outcome(evidence=found, skipped=skipped)


def _notebook_python(
    rel: str, cells: Sequence[tuple[int, list[str]]], skipped: list[tuple[str, str]]
) -> list[Evidence]:
    good: list[tuple[int, list[str]]] = []
    for number, lines in cells:
        try:
            ast.parse("\n".join(lines), filename=rel)
        except SyntaxError as exc:
            skipped.append(
                (rel, f"cell {number} is not Python 3 (line {exc.lineno}): {exc.msg}; "
                 "the other cells are read")
            )  # fmt: skip
            continue
        except (ValueError, RecursionError, MemoryError) as exc:
            skipped.append((rel, f"cell {number} cannot be parsed: {type(exc).__name__}"))
            continue
        good.append((number, lines))
    lines_all: list[str] = []
    origin: list[tuple[int, int]] = []  # combined line → (cell number, line in cell)
    for number, lines in good:
        for index, line in enumerate(lines, start=1):
            lines_all.append(line)
            origin.append((number, index))
        lines_all.append("")
        origin.append((number, len(lines) + 1))
    source = "\n".join(lines_all)
    if not good or not python.worth_parsing(source.encode("utf-8", errors="replace")):
        return []
    try:
        module = ast.parse(source, filename=rel)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # Each cell parses alone but not together (an unclosed bracket across cells...).
        return []

    def locate(line: int, column: int) -> Location:
        cell, in_cell = origin[line - 1] if 0 < line <= len(origin) else (0, line)
        return Location(rel, line=in_cell, column=column, context=f"cell {cell}")

    return python.Analyser(module, source, lines_all, locate, source=NAME).run()


def _written_file(rel: str, path: str, body: str) -> scanning.Outcome:
    """``%%writefile path``: the body read as the file it becomes (a YAML recipe as YAML)."""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
    kind = _kind(TreeFile(target, target))
    if target.endswith(".py"):
        return python.analyse_file(rel, body.encode("utf-8"))
    if kind in ("yaml", "json", "toml", "ini", "dotenv", "dockerfile", "mlmodel", "shell"):
        return analyse_file(target, body.encode("utf-8"))
    if kind == "modelfile":
        return _modelfile(target, body, set())
    return scanning.Outcome()


def _in_cell(ev: Evidence, rel: str, cell: int, path: str) -> Evidence:
    """Evidence from a ``%%writefile`` body, located in its notebook cell (line 1 is the
    magic, so the body's line n is the cell's line n + 1)."""
    loc = ev.location
    line = loc.line + 1 if loc.line is not None else None
    where = f"cell {cell} (%%writefile {path})"
    context = f"{where}: {loc.context}" if loc.context else where
    attrs = {**ev.attributes, "written_file": path}
    where_now = replace(loc, path=rel, line=line, context=context)
    return replace(ev, location=where_now, attributes=attrs)
