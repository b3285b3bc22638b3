"""The generic key walk over a parsed config: model keys with their siblings and parents."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from gate.discover import (
    localpaths,
    refs,
)
from gate.discover.configs.containers import (
    _container,
    _containers,
    _hub_downloads,
    command_string,
)
from gate.discover.configs.kinds import NAME
from gate.discover.configs.nodes import (
    _ENTRY_FIELDS,
    _REVISION_KEYS,
    _dataset_value,
    _Inherited,
    _is_catalogue_key,
    _is_dataset_key,
    _is_model_path_key,
    _Node,
    _Positions,
    _str,
    placeholder_default,
)
from gate.model import JSON, Confidence, Evidence, Location
from gate.recognise import SiteKind, conventions


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
        self.commanded: set[int] = set()
        """Argument nodes a known command read on another hub (``swift sft --model``): the
        generic ``--model`` reading of the same token is left to it."""

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
            if inherited.catalogue:
                gateway = refs.menu_gateway(_menu_texts(value))
                if gateway is not None:
                    inherited = replace(inherited, menu_gateway=gateway)
            for index, item in enumerate(value):
                if strings and isinstance(item.value, str):
                    self._listed(item, item.value, path[-1] if path else None, inherited, path)
                    continue
                self.walk(item, (*path, str(index)), inherited)
            return
        if not isinstance(value, dict):
            return
        entries: dict[str, _Node] = {str(k): v for k, v in value.items()}
        container = _containers(entries)
        if container:
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
        self._picker(entries, path, here)
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
                        _dataset_value(child.value, here.hub), child.value, child,
                        Confidence.MEDIUM,
                        ".".join((*path, key)), {"key": key},
                    )  # fmt: skip
                elif "/resolve/" in child.value and child.value.strip().startswith("http"):
                    # {"x.safetensors": "https://huggingface.co/<org>/<name>/resolve/main/
                    # x.safetensors"}: a download the app makes (Fooocus checkpoint_downloads),
                    # whatever the key; a page link (no /resolve/) is not read, nor a command
                    # (its own reader finds the URL).
                    _hub_downloads(self, [(child.value, child)], ".".join((*path, key)))
                elif " " in child.value and not (container and key in _CONTAINER_ARGV):
                    # cli: "vllm serve org/x ...": a shell line the chart's container runs.
                    command_string(self, key, child, ".".join((*path, key)))
            elif key == "litellm_params" and isinstance(child.value, dict):
                params = {str(k): v for k, v in child.value.items()}
                model = params.get("model")
                if model is not None and isinstance(model.value, str):
                    base = _str(params.get("api_base")) or _str(params.get("base_url"))
                    if base is not None and base.startswith("os.environ/"):
                        # LiteLLM's proxy reads `os.environ/NAME` from the environment at
                        # start: the host is unknown here, not one named "os.environ"
                        base = None
                    # A proxy route is called, not listed: the proxy sends every request for
                    # its alias (model_name) to this model (the corpus READMEs label routes
                    # as called; the alias is no model).
                    ctx = refs.RefContext(
                        family="litellm",
                        base_url=base,
                        in_config=True,
                        key="litellm_params.model",
                    )
                    extra: dict[str, JSON] = {"key": "litellm_params.model", "flow": "route"}
                    self.emit(
                        refs.recognise_in(model.value, ctx),
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
            elif isinstance(child.value, list) and not here.catalogue:
                # model: [{name: org/a, tag: ...}, {name: org/b, ...}] (a CI matrix, a
                # deployment of several): each entry names one model the same way.
                for index, item in enumerate(child.value):
                    if isinstance(item.value, dict):
                        self._named_entry(key, item.value, (*path, key, str(index)), here)
            if (
                (key in ("pull", "run", "create") or (key == "models" and path == ("ollama",)))
                and isinstance(child.value, list)
                and (refs.provider_alias(here.provider or "") == "ollama")
            ):
                # The otwld chart's ollama.models.pull/run/create, and its 0.x ollama.models
                # list (each pulled when the server starts).
                self._ollama_pulls(child, (*path, key))
                continue
            if isinstance(child.value, dict | list) and not refs.is_example_key(key):
                inner = here
                if _is_catalogue_key(key):
                    inner = replace(here, catalogue=True)
                    if isinstance(child.value, dict):
                        self._listed_keys(child, key, inner, (*path, key))
                self.walk(child, (*path, key), inner)

    def _picker(self, entries: Mapping[str, _Node], path: Sequence[str], here: _Inherited) -> None:
        """A UI picker whose id names a model (``action_id: openai_model``, ``options: [{text,
        value}]``): each option's value is a model the user can pick (listed)."""
        conv = conventions()
        ids = (entries.get(k) for k in conv.picker_id_keys)
        if not any(n is not None and isinstance(n.value, str) and refs.names_model(n.value)
                   for n in ids):  # fmt: skip
            return
        for key in sorted(conv.picker_option_keys & set(entries)):
            options = entries[key].value
            if not isinstance(options, list):
                continue
            for index, item in enumerate(options):
                fields = item.value if isinstance(item.value, dict) else {}
                wanted = conv.picker_value_key
                value = next((v for k, v in fields.items() if str(k) == wanted), None)
                if value is not None and isinstance(value.value, str):
                    where = (*path, key, str(index), conv.picker_value_key)
                    self._listed(value, value.value, key, here, where)

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
            ref = refs.recognise_in(text, ctx) if not refs.looks_like_path(text) else None
        self.emit(ref, text, child, Confidence.MEDIUM, ".".join(path), {"key": key})

    def _ollama_pulls(self, node: _Node, path: Sequence[str]) -> None:
        """The otwld Ollama chart's ``ollama.models.pull``/``run``: models pulled (and run)
        when the server starts, so deployed, not merely offered."""
        ctx = refs.RefContext(
            family="ollama", sdk="ollama", in_config=True, site=SiteKind.DEPLOYMENT
        )
        op = path[-1] if path[-1] in ("pull", "run", "create") else "pull"
        for item in node.value:
            if isinstance(item.value, dict) and path[-1] == "create":
                # create: [{name: llama3.2-ctx, template: "FROM llama3.2 ..."}]: a model the
                # chart builds at start and serves under that name.
                item = item.value.get("name") or _Node(None, None, None)
            if isinstance(item.value, str) and "$" not in item.value:
                self.emit(
                    refs.recognise_in(item.value.strip(), ctx), item.value, item, Confidence.HIGH,
                    ".".join(path), {"command": f"ollama {op}"},
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
            provider_hint=here.provider or (here.menu_gateway if text.count("/") == 1 else None),
            in_config=True,
            site=SiteKind.CATALOGUE_ITEM,
            key=key,
        )
        extra: dict[str, JSON] = {"flow": "catalogue"}
        if key:
            extra["key"] = key
        self.emit(
            refs.recognise_in(text, ctx), text, node, Confidence.MEDIUM, ".".join(path), extra
        )

    def _listed_keys(
        self, node: _Node, key: str, here: _Inherited, path: Sequence[str], depth: int = 0
    ) -> None:
        """A catalogue written as a mapping keyed by model name (``models: {gpt-4o: {...}}``),
        or grouped by task first (``models: {chat: {deepseek-chat: ...}, embedding: {...}}``)."""
        assert isinstance(node.value, dict)
        ollama = refs.provider_alias(here.provider or "") == "ollama"
        for name, child in node.value.items():
            if isinstance(child.value, list):
                continue  # `pull: [...]`: a list under a key is no model's settings
            if depth == 0 and isinstance(child.value, dict) and not refs.is_model_value(str(name)):
                # `chat:`, `embedding:`: a task's group, whose keys are the models.
                self._listed_keys(child, key, here, (*path, str(name)), depth + 1)
                continue
            if ollama and name in ("pull", "run", "create"):
                continue  # the Ollama chart's operations, whatever their lists hold
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
            # value: "${MODEL_ID:-org/x}" (a template's default): the model run when unset.
            text = placeholder_default(str(node.value).strip())[0]
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
                refs.recognise_under(var, text, ctx), text, node, Confidence.MEDIUM, where,
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
            # openai: {...}; github_copilot: {...} (a word of the section's name).
            provider = refs.provider_alias(parent) or refs.provider_in_name(parent) or provider
            # models: {siliconflow: [...]} with api_providers: [{id: siliconflow, url: ...}]
            base_url = self.provider_urls.get(parent.lower(), base_url)
        revision = None
        hub = inherited.hub
        conv = conventions()
        for key, child in entries.items():
            text = _str(child)
            if text is not None and refs.norm_key(key) in conv.hub_keys:
                # load_type: modelscope beside data_path: org/x: the entry's hub.
                hub = conv.hub_named(text) or hub
            if text is None and isinstance(child.value, dict) and refs.is_url_key(key):
                # base_url: {value: https://..., type: string}: a settings schema
                text = _str(child.value.get("value")) or _str(child.value.get("default"))
            if text is None:
                continue
            # base_url: "${GROQ_BASE_URL:https://api.groq.com/openai/v1}": the default.
            text = placeholder_default(text)[0]
            if refs.is_url_key(key) and (
                "://" in text or re.match(r"^[\w.-]+\.[a-z]{2,}(:\d+)?$", text)
            ):
                base_url = text
            elif refs.is_provider_key(key):
                provider = text
            elif key.lower() in _REVISION_KEYS:
                revision = text
        return _Inherited(
            base_url, provider, revision, inherited.catalogue, hub, inherited.menu_gateway
        )

    def _model_value(self, key: str, child: _Node, path: Sequence[str], here: _Inherited) -> None:
        # model: "${OPENAI_DEFAULT_MODEL:gpt-5-mini}": the model the app runs when unset.
        text, var = placeholder_default(str(child.value).strip())
        if not text:
            return
        if localpaths.is_outside(text) and key != "name":
            # model_name_or_path: /data/models/Llama-3-8B: a model on a machine's disk.
            ref = localpaths.ref(text, {"key": key})
            self.emit(ref, text, child, Confidence.MEDIUM, ".".join(path), {"key": key})
            return
        hint = (
            here.provider
            or refs.provider_from_env_name(key)
            or (refs.provider_from_env_name(var) if var else None)
        )
        on_hub = here.hub == "modelscope" and not (here.base_url or hint) and "/" in text
        ctx = refs.RefContext(
            # hub: ms beside model: org/x: a ModelScope id (nothing else decides here)
            family=refs.on_hub("config", "modelscope") if on_hub else "config",
            base_url=here.base_url,
            provider_hint=hint,
            revision=here.revision,
            in_config=True,
            site=SiteKind.CATALOGUE_ITEM if here.catalogue else None,
            key=key,
        )
        self.emit(
            # "name" reaches here only as a per-model settings entry (_name_is_model).
            refs.recognise_in(text, ctx) if key == "name" else refs.recognise_under(key, text, ctx),
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


_CONTAINER_ARGV = frozenset({"entrypoint", "command", "args"})
"""A container's own command keys: read with its server's arguments by ``_container``."""

_OWN_MODEL_KEYS = frozenset({"model", "model_name", "model_id", "modelname", "modelid", "llm"})


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


_MAX_MENU = 256


def _menu_texts(items: list[_Node]) -> list[str | None]:
    """A catalogue's strings and its entries' string fields (for ``refs.menu_gateway``)."""
    texts: list[str | None] = []
    for item in items[:_MAX_MENU]:
        if isinstance(item.value, str):
            texts.append(item.value)
        elif isinstance(item.value, dict):
            texts += [v.value for v in item.value.values() if isinstance(v.value, str)]
    return texts
