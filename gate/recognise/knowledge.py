"""What the recogniser knows, loaded once: providers (default hosts, aliases, routing and
litellm prefixes, environment-variable prefixes), endpoints (host → provider, operator,
country), hosted-model names, naming conventions, and the publisher registry, shipped data
plus the user's ``--registry`` files."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from gate.recognise import data
from gate.registry import Registry, apimodels, endpoints, load, servednames
from gate.registry.apimodels import ApiModel
from gate.registry.endpoints import Endpoint


@dataclass(frozen=True, slots=True)
class Conventions:
    """The key, value and path conventions of ``data/config_vocabulary.yaml``."""

    model_keys: frozenset[str]
    model_key_suffixes: tuple[str, ...]
    not_model_keys: frozenset[str]
    url_keys: frozenset[str]
    url_key_suffixes: tuple[str, ...]
    not_url_key_prefixes: tuple[str, ...]
    provider_keys: frozenset[str]
    hub_id_keys: frozenset[str]
    example_keys: frozenset[str]
    not_model_values: frozenset[str]
    placeholder_prefixes: tuple[str, ...]
    path_orgs: frozenset[str]
    time_zone_areas: frozenset[str]
    test_dirs: frozenset[str]
    docs_dirs: frozenset[str]
    package_dirs: frozenset[str]
    test_files: tuple[str, ...]
    test_frameworks: tuple[str, ...]
    """Top-level modules a test imports (a ``*_test.py`` importing none, with no ``test*``
    function or ``Test*`` class, is a script of the app)."""
    script_test_files: tuple[str, ...]
    """Test-file name patterns (``*_test.py``) read as scripts when no runner collects them."""
    servers: tuple[Mapping[str, Any], ...]
    commands: tuple[Mapping[str, Any], ...]
    open_model_families: tuple[str, ...]
    dataset_keys: frozenset[str]
    file_hubs: Mapping[str, Mapping[str, str]]
    """Libraries whose short names are files of one Hub repo (``{repo, file}``)."""
    hub_libraries: Mapping[str, frozenset[str]]
    """Hub → the top-level import names of its libraries (``modelscope`` → {modelscope})."""

    api_key_keys: frozenset[str] = frozenset()
    """Keyword arguments that hand a client its API key (``api_key``, ``token``)."""
    server_name_keys: frozenset[str] = frozenset()
    """Catalogue-entry fields naming the entry's server (``container_name``, ``service``)."""
    embedded_document_keys: frozenset[str] = frozenset()
    """Keys whose multi-line string value is a YAML document (KubeRay ``serveConfigV2``)."""
    env_getters: frozenset[str] = frozenset()
    """Names apps give their own environment helpers (``get_env_var(NAME, default)``)."""
    terraform_models: tuple[Mapping[str, Any], ...] = ()
    """Terraform resources deploying a hosted model (``resource``, ``model`` path, ...)."""
    terraform_variable_shapes: frozenset[str] = frozenset()
    """Providers whose id shape alone makes a Terraform variable's default a model."""
    picker_id_keys: tuple[str, ...] = ()
    picker_option_keys: frozenset[str] = frozenset()
    picker_value_key: str = "value"
    """A UI picker's id keys, options list keys and option value key (Slack Block Kit)."""
    save_methods: frozenset[str] = frozenset()
    """Methods writing a model to the folder their first argument names (``save_pretrained``)."""
    export_subfolders: frozenset[str] = frozenset()
    """Subfolders of a model folder holding an export of the same model (``onnx/``)."""
    loader_class_prefixes: tuple[str, ...] = ()
    loader_class_infixes: tuple[str, ...] = ()
    """How a model loader class's name starts / what it holds (``AutoModel``, ``ForCausalLM``)."""
    hub_keys: frozenset[str] = frozenset()
    """Normalised keys that choose a hub beside an id (``load_type``, ``hub``)."""
    hub_words: Mapping[str, str] = field(default_factory=dict)
    """A hub's word, lower case (``ms``, ``modelscope``, ``hf``) → the hub."""
    registry_name_calls: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Methods naming the app's own model in a model registry → where the name is passed."""
    output_documents: tuple[frozenset[str], ...] = ()
    """Top-level key sets of JSON documents a tool writes (an evaluation's results)."""
    runtime_invocations: Mapping[str, str] = field(default_factory=dict)
    """Methods invoking a cloud runtime with a JSON body → the runtime's endpoint (a pattern
    of the endpoint table when the region is not known)."""
    hosted_name_keys: frozenset[str] = frozenset()
    """Keys whose value counts only as a known hosted model's name (``engine``)."""
    adapter_flags: frozenset[str] = frozenset()
    """Command-line flags whose ``name=<adapter>`` values each name a model (vLLM's
    ``--lora-modules``)."""
    argument_model_keys: frozenset[str] = frozenset()
    """Keys of a command line's model-arguments string that name a model (``pretrained``)."""
    route_first: frozenset[str] = frozenset()
    route_words: frozenset[str] = frozenset()
    """Segments that make ``/a/b`` a URL route, not a folder (``url_routes``)."""

    def hub_named(self, word: str | None) -> str | None:
        """The hub a word names (``ms`` → ``modelscope``), or None."""
        return self.hub_words.get(word.strip().lower()) if word else None

    def imports_a_hub(self, roots: Iterable[str]) -> bool:
        """A module importing any hub's library decides its hub by itself."""
        names = set(roots)
        return any(names & libs for libs in self.hub_libraries.values())

    def hub_from_imports(self, roots: Iterable[str]) -> str | None:
        """The hub other than Hugging Face that a module's imports (top-level names) put
        its bare ``org/name`` ids on: one whose library it imports while it imports none of
        Hugging Face's; None keeps the Hugging Face reading."""
        names = set(roots)
        if names & self.hub_libraries.get("huggingface", frozenset()):
            return None
        for hub, libs in sorted(self.hub_libraries.items()):
            if hub != "huggingface" and names & libs:
                return hub
        return None


@cache
def conventions() -> Conventions:
    """The shipped conventions, loaded once."""
    doc = data.load("config_vocabulary.yaml")
    return Conventions(
        model_keys=frozenset(doc["model_keys"]),
        model_key_suffixes=tuple(doc["model_key_suffixes"]),
        not_model_keys=frozenset(doc["not_model_keys"]),
        url_keys=frozenset(doc["url_keys"]),
        url_key_suffixes=tuple(doc["url_key_suffixes"]),
        not_url_key_prefixes=tuple(doc.get("not_url_key_prefixes", ())),
        provider_keys=frozenset(doc["provider_keys"]),
        hub_id_keys=frozenset(doc["hub_id_keys"]),
        example_keys=frozenset(doc["example_keys"]),
        not_model_values=frozenset(str(v).lower() for v in doc["not_model_values"]),
        placeholder_prefixes=tuple(str(v).lower() for v in doc.get("placeholder_prefixes", ())),
        path_orgs=frozenset(doc["path_orgs"]),
        time_zone_areas=frozenset(doc.get("time_zone_areas", ())),
        test_dirs=frozenset(doc["test_dirs"]),
        docs_dirs=frozenset(doc["docs_dirs"]),
        package_dirs=frozenset(doc["package_dirs"]),
        test_files=tuple(doc["test_files"]),
        test_frameworks=tuple(str(f) for f in doc.get("test_frameworks", ())),
        script_test_files=tuple(str(f) for f in doc.get("script_test_files", ())),
        servers=tuple(doc["servers"]),
        commands=tuple(doc["commands"]),
        open_model_families=tuple(str(f) for f in doc["open_model_families"]),
        dataset_keys=frozenset(doc["dataset_keys"]),
        file_hubs={
            str(k): {str(a): str(b) for a, b in v.items()} for k, v in doc["file_hubs"].items()
        },
        hub_libraries={
            str(k): frozenset(str(n) for n in v) for k, v in doc["hub_libraries"].items()
        },
        api_key_keys=frozenset(str(k) for k in doc.get("api_key_keys", ())),
        server_name_keys=frozenset(str(k) for k in doc.get("server_name_keys", ())),
        terraform_models=tuple(doc.get("terraform_models", ())),
        terraform_variable_shapes=frozenset(doc.get("terraform_variable_shapes", ())),
        loader_class_prefixes=tuple(doc.get("loader_class_prefixes", ())),
        save_methods=frozenset(doc.get("save_methods", ())),
        export_subfolders=frozenset(doc.get("export_subfolders", ())),
        picker_id_keys=tuple(doc.get("picker_id_keys", ())),
        picker_option_keys=frozenset(doc.get("picker_option_keys", ())),
        picker_value_key=str(doc.get("picker_value_key", "value")),
        loader_class_infixes=tuple(doc.get("loader_class_infixes", ())),
        env_getters=frozenset(str(n) for n in doc.get("env_getters", ())),
        embedded_document_keys=frozenset(str(k) for k in doc.get("embedded_document_keys", ())),
        hub_keys=frozenset(str(k) for k in doc.get("hub_choice", {}).get("keys", ())),
        hub_words={
            str(w).lower(): str(hub)
            for hub, words in doc.get("hub_choice", {}).get("words", {}).items()
            for w in words
        },
        registry_name_calls={
            str(k): tuple(str(a) for a in v)
            for k, v in (doc.get("registry_name_calls") or {}).items()
        },
        output_documents=tuple(
            frozenset(str(k) for k in shape) for shape in doc.get("output_documents", ())
        ),
        runtime_invocations={
            str(k): str(v) for k, v in (doc.get("runtime_invocations") or {}).items()
        },
        hosted_name_keys=frozenset(str(k) for k in doc.get("hosted_name_keys", ())),
        adapter_flags=frozenset(str(f) for f in doc.get("adapter_flags", ())),
        argument_model_keys=frozenset(str(k) for k in doc.get("argument_model_keys", ())),
        route_first=frozenset(str(w) for w in doc.get("url_routes", {}).get("first", ())),
        route_words=frozenset(str(w) for w in doc.get("url_routes", {}).get("words", ())),
    )


@cache
def llamafactory_models() -> Mapping[str, Mapping[str, str]]:
    """LLaMA-Factory's display names (LLaMA-Board ``top.model_name``) → the ids it downloads
    (``hf``, and ``modelscope``/``openmind`` where registered), from
    ``data/llamafactory_models.yaml`` (generated by ``tools/llamafactory_models.py``)."""
    doc = data.load("llamafactory_models.yaml")
    return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in doc["models"].items()}


@dataclass(frozen=True, slots=True)
class Providers:
    """Provider defaults and spellings of ``data/providers.yaml``."""

    hosts: Mapping[str, str | None]
    """Where a provider's SDK calls when no base URL is written (None: per-resource host)."""
    region_hosts: Mapping[str, str]
    litellm: Mapping[str, str]
    """litellm (and routing) ``prefix/`` → provider key."""
    aliases: Mapping[str, str]
    """Provider names as tools write them (``dashscope``, ``togetherai``) → provider key."""
    env_prefixes: tuple[tuple[str, str], ...]
    hf_legacy: Mapping[str, str]
    hf_legacy_datasets: Mapping[str, str]
    own_models_only: frozenset[str]
    """Providers that serve only their own models (an OpenAI client calling "deepseek-chat"
    must have its base URL set elsewhere)."""
    local_servers: Mapping[int, str]
    """Default ports of local model servers → the server (11434 → ollama)."""
    local_server_providers: frozenset[str]
    """Providers that are model servers the deployment runs itself (``ollama``, ``local``),
    never a hosted service."""
    own_host_domains: tuple[str, ...]
    """DNS domains of the deployment's own machines or cluster (``nip.io``, ``svc``)."""
    own_host_named_domains: tuple[str, ...]
    """Of those, the domains whose hosts are named services (``svc.cluster.local``)."""
    gateways: frozenset[str]
    """Providers that route every maker's ``<creator>/<model>`` id (OpenRouter, Vercel)."""
    server_api_paths: Mapping[str, str] = field(default_factory=dict)
    """URL paths only one local server's own API has (``/api/generate`` → ollama)."""
    compatible_api_paths: tuple[str, ...] = ()
    """Path endings of the OpenAI-compatible API (``/chat/completions``): a URL ending in one
    is a model endpoint, whatever its host."""
    id_shapes: tuple[tuple[re.Pattern[str], str], ...] = ()
    """Model id shapes one provider alone defines → that provider (Fireworks' resource names);
    each pattern's group ``model`` is the model's own name inside the provider's spelling."""
    id_shape_prefixes: tuple[str, ...] = ()
    """How every such id begins (``@cf/``, ``accounts/``): a file quoting one is worth parsing."""
    id_shape_suffixes: tuple[str, ...] = ()
    """How every such id ends (OpenRouter's ``:free``): a file quoting one is worth parsing."""
    public_env_prefixes: tuple[str, ...] = ()
    """Bundlers' prefixes of browser-exposed variables (``VITE_``), removed before
    ``env_prefixes`` are asked."""
    lowercase_names: frozenset[str] = frozenset()
    """Providers whose API matches names exactly and spells them all in lower case: a
    capitalised spelling of their name is a display label."""
    serves_makers: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Providers that serve other makers' models under the makers' names (Azure OpenAI:
    OpenAI's) → those makers."""

    def shape_owner(self, value: str) -> str | None:
        """The provider whose own id shape ``value`` has, or None."""
        return next((p for shape, p in self.id_shapes if shape.match(value)), None)

    def shape_model(self, value: str) -> str | None:
        """The model's own name inside a provider's id shape (``@cf/meta/llama-3.1-8b`` →
        ``meta/llama-3.1-8b``, ``accounts/fireworks/models/x`` → ``x``), or None."""
        for shape, _ in self.id_shapes:
            found = shape.match(value)
            if found is not None:
                return found.group("model")
        return None


@cache
def providers() -> Providers:
    """The shipped provider table, loaded once."""
    doc = data.load("providers.yaml")
    rows: Mapping[str, Mapping[str, Any]] = doc["providers"]
    return Providers(
        hosts={k: v.get("host") for k, v in rows.items()},
        region_hosts={k: v["region_host"] for k, v in rows.items() if v.get("region_host")},
        litellm=dict(doc["litellm_prefixes"]),
        aliases={str(k).lower(): v for k, v in doc["aliases"].items()},
        env_prefixes=tuple(
            sorted(doc["env_prefixes"].items(), key=lambda kv: len(kv[0]), reverse=True)
        ),
        public_env_prefixes=tuple(str(p) for p in doc.get("public_env_prefixes", ())),
        hf_legacy=dict(doc["hf_legacy_ids"]),
        hf_legacy_datasets=dict(doc["hf_legacy_dataset_ids"]),
        own_models_only=frozenset(k for k, v in rows.items() if v.get("own_models_only")),
        lowercase_names=frozenset(k for k, v in rows.items() if v.get("lowercase_names")),
        local_servers={int(k): str(v) for k, v in doc["local_server_ports"].items()},
        local_server_providers=frozenset(k for k, v in rows.items() if v.get("local_server")),
        own_host_domains=tuple(str(d).lower() for d in doc["own_host_domains"]),
        own_host_named_domains=tuple(str(d).lower() for d in doc.get("own_host_named_domains", ())),
        gateways=frozenset(str(g) for g in doc["gateways"]),
        server_api_paths={
            str(path): str(server)
            for server, paths in doc.get("server_api_paths", {}).items()
            for path in paths
        },
        compatible_api_paths=tuple(str(p) for p in doc.get("compatible_api_paths", ())),
        id_shapes=tuple(
            (re.compile(str(row["pattern"])), str(row["provider"]))
            for row in doc.get("id_shapes", ())
        ),
        id_shape_prefixes=tuple(
            sorted({str(p) for row in doc.get("id_shapes", ()) for p in row.get("prefixes") or ()})
        ),
        id_shape_suffixes=tuple(
            sorted({str(s) for row in doc.get("id_shapes", ()) for s in row.get("suffixes") or ()})
        ),
        serves_makers={
            str(k): frozenset(str(m) for m in v)
            for k, v in (doc.get("serves_makers") or {}).items()
        },
    )


class Knowledge:
    """Everything the recogniser consults, for one run (shipped data plus user registry
    files). Make it with :func:`knowledge`; the shipped one is shared by the process."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.providers = providers()
        self.conventions = conventions()

    @property
    def user_files(self) -> tuple[str, ...]:
        """The user registry files read (empty for the shipped knowledge)."""
        return self.registry.user_files

    def endpoint(self, url_or_host: str) -> Endpoint | None:
        """The known endpoint of a URL or host: user registry entries first."""
        if not self.registry.user_files:
            return endpoints.lookup(url_or_host)
        return self.registry.endpoint(url_or_host)

    def api_model(self, name: str) -> ApiModel | None:
        """The hosted-model pattern a name matches: user patterns first."""
        if not self.registry.user_files:
            return apimodels.lookup(name)
        return self.registry.api_model(name)

    def provider_for_model(self, name: str) -> str | None:
        """The provider key that publishes a hosted model name, if known."""
        row = self.api_model(name)
        return row.provider if row else None

    def served_by(self, name: str) -> frozenset[str]:
        """The providers whose API serves exactly this name (the served-names table)."""
        return servednames.served_by(name)

    def only_server(self, name: str) -> str | None:
        """The one provider that serves exactly this name, or None (none, or several)."""
        return servednames.only_server(name)

    def provider_alias(self, name: str) -> str | None:
        """A provider key for a provider name as tools write it (``dashscope`` → alibaba)."""
        return self.providers.aliases.get(name.strip().lower())

    def default_host(self, provider: str) -> str | None:
        """Where a provider's SDK calls by default: the provider table, else the first
        concrete endpoint listed for it."""
        if provider in self.providers.hosts:
            return self.providers.hosts[provider]
        ep = self.registry.default_endpoint(provider)
        return ep.host if ep is not None else None

    def is_provider(self, name: str) -> bool:
        """A provider key the endpoint table or the provider table knows."""
        return (
            name in self.providers.hosts
            or self.registry.default_endpoint(name) is not None
            or self.registry.is_aggregator(name)
        )

    def publisher_for_org(self, org: str) -> bool:
        """A known publisher has this Hub organisation."""
        return self.registry.publisher_for_org(org) is not None

    @lru_cache(maxsize=4096)  # noqa: B019 - one Knowledge per run, kept for the run
    def provider_from_env_name(self, name: str) -> str | None:
        """The provider a variable or key name is for, by the provider's name at its head
        (``providers.yaml`` ``env_prefixes``): ``DEEPSEEK_MODEL`` → deepseek, and so
        ``dashscope_api_key`` and ``togetherApiKey`` in code; ``VITE_DEEPSEEK_MODEL`` too (a
        bundler's public prefix says nothing of whose). The one answer to "whose key is
        this" for env files, configs, deployment files and code alike."""
        upper = _CAMEL_HUMP.sub("_", name).upper()
        for public in self.providers.public_env_prefixes:
            if upper.startswith(public) and len(upper) > len(public):
                upper = upper[len(public) :]
                break
        for prefix, provider in self.providers.env_prefixes:
            if upper == prefix or upper.startswith(prefix + "_"):
                return provider
        return None

    def region_host(self, provider: str, region: str | None) -> str | None:
        """A regional host from the provider's template (``bedrock-runtime.{region}…``)."""
        template = self.providers.region_hosts.get(provider)
        if template and region and re.match(r"^[a-z0-9-]+$", region):
            return template.format(region=region)
        return None


_CAMEL_HUMP = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
"""Where a camel-case name starts a word (``togetherApiKey``): read as ``together_api_key``."""


@cache
def _shipped() -> Knowledge:
    return Knowledge(load(()))


def knowledge(registry_files: Sequence[Path] = ()) -> Knowledge:
    """The knowledge for a run: the shipped data (made once per process) plus the user's
    registry files (validated; a bad file is an :class:`gate.errors.InputError`)."""
    if not registry_files:
        return _shipped()
    return Knowledge(load(tuple(registry_files)))
