"""The typed inputs and output of :func:`gate.recognise.recognise`: where a value was found
(:class:`Site`), what serves it (:class:`Serving`) and what it names (:class:`Recognised`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from gate.model import JSON, ComponentId, EvidenceKind, Role


class SiteKind(StrEnum):
    """Where a value was written: decides how much a bare shape is trusted and whether the
    model is *called* or only *listed*."""

    CALL_ARGUMENT = "call-argument"
    """The model argument of a recognised SDK call (``from_pretrained("x")``, ``model=``)."""
    CONFIG_KEY = "config-key"
    """A value under a model-ish key (a config file, a variable, a keyword of an unknown call)."""
    CATALOGUE_ITEM = "catalogue-item"
    """An entry of a list, dict, enum or UI picker of models the release offers (listed)."""
    DEFAULT = "default"
    """A CLI flag's or an environment variable's default (``os.getenv("MODEL", "x")``)."""
    HTTP_BODY = "http-body"
    """The ``model`` of a raw HTTP request body (``requests.post(url, json={...})``)."""
    DEPLOYMENT = "deployment"
    """A Dockerfile, Kubernetes manifest, Helm values or compose environment entry."""
    ASSISTANT_CONFIG = "assistant-config"
    """A coding assistant's configured model (aider, Continue, Cline...)."""
    FOREIGN_BOM = "foreign-bom"
    """A model another tool's BOM names."""
    USER_INPUT = "user-input"
    """A reference a user typed (``aigate explain``)."""


class Reading(StrEnum):
    """How the consumer of a value reads it: the SDK call decides (a Hub loader reads a Hub
    id, a hosted client a hosted name); ``SHAPE`` lets the value's own shape decide."""

    SHAPE = "config"
    HOSTED = "hosted"
    HF = "hf"
    HF_HUB = "hf-hub"
    HF_DATASET = "hf-dataset"
    HF_HOSTED = "hf-hosted"
    HF_URL = "hf-url"
    SENTENCE_TRANSFORMERS = "sentence-transformers"
    MODELSCOPE = "modelscope"
    MODELSCOPE_HUB = "modelscope-hub"
    MODELSCOPE_DATASET = "modelscope-dataset"
    OLLAMA = "ollama"
    LITELLM = "litellm"
    PROVIDER_COLON = "provider-colon"
    """``provider:model`` (pydantic-ai, LangChain ``init_chat_model``, AI SDK registries)."""
    PROVIDER_SLASH = "provider-slash"
    GATEWAY = "gateway"
    """A routing gateway's ``provider/model`` (Vercel AI Gateway)."""
    FLASHRANK = "flashrank"
    """FlashRank's short names: files of one Hub repo (``conventions.file_hubs``)."""


@dataclass(frozen=True, slots=True)
class Site:
    """Where a value was found and what the code around it says about the value itself."""

    kind: SiteKind
    reads: Reading = Reading.SHAPE
    key: str | None = None
    """The key, variable, flag or argument the value stands under, when there is one."""
    revision: str | None = None
    repo_type: str | None = None
    """``model``, ``dataset``, ``space`` (Hub calls that say)."""
    namespace: str | None = None
    """A dataset namespace given apart from the name (ModelScope ``namespace=``)."""
    in_config: bool = False
    """Found in a config file rather than code (Hub models get kind config-ref)."""

    @property
    def listed(self) -> bool:
        """The release offers the model (a catalogue) rather than calling it here."""
        return self.kind is SiteKind.CATALOGUE_ITEM


class HostSource(StrEnum):
    """How the serving host was learned. ``UNKNOWN`` is an answer: the code does not decide
    (a base URL set by an expression, a branch the scan cannot follow), and policies judge
    unknown rather than a guessed host."""

    BASE_URL = "base_url"
    """A base URL or host written as a constant next to the call (or reaching it)."""
    ENV_DEFAULT = "env-default"
    """The default of an environment lookup (``os.getenv("BASE_URL", "https://…")``)."""
    CONFIG = "config"
    """A config file's endpoint key in the same mapping."""
    REGION = "region"
    """A cloud region template (Bedrock, Vertex) filled from the region argument."""
    SDK_DEFAULT = "sdk-default"
    """The SDK's documented default host (no base URL written)."""
    MODEL_PROVIDER_DEFAULT = "model-provider-default"
    """The model name's own provider's default host (no SDK or base URL says otherwise)."""
    ROUTING_PREFIX = "routing-prefix"
    """A routing prefix in the value (``together_ai/``, ``openrouter/``, ``groq:``)."""
    PROJECT = "project-provider"
    """The one hosted provider the project reaches (its SDK, its one endpoint) serves a
    name nothing beside it placed (gate.recognise.project)."""
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Serving:
    """What serves a value, as far as the code around it says.

    Front ends fill what they saw (``sdk``, its ``provider`` key, ``base_url`` or
    ``base_url_expr``, ``region``); :func:`gate.recognise.recognise` returns the completed
    serving (``provider``, ``host``, ``host_source``) on the :class:`Recognised`.
    ``Serving()`` is "nothing known": the value's own shape decides.
    """

    provider: str | None = None
    """The provider key (``api:<provider>/…``): the SDK's own, or the one recognised."""
    host: str | None = None
    host_source: HostSource | None = None
    base_url: str | None = None
    """The endpoint as written (a URL or a host), when a constant."""
    base_url_expr: str | None = None
    """The expression that sets the endpoint when it is not a constant (host unknown)."""
    region: str | None = None
    sdk: str | None = None
    vertex: bool = False
    """A Google client switched to Vertex AI (``vertexai=True``)."""
    provider_hint: str | None = None
    """A provider named next to the value (``model_provider=``, a config's ``provider:``)."""

    @property
    def unknown(self) -> bool:
        """The code sets the endpoint but the scan cannot tell to what."""
        return self.base_url_expr is not None and self.base_url is None


UNKNOWN_SERVING = Serving(host_source=HostSource.UNKNOWN)

SERVING_ATTRIBUTES = (
    "provider",
    "host",
    "host_source",
    "base_url",
    "base_url_expr",
    "region",
    "sdk",
)
"""The evidence attributes that carry a model's :class:`Serving` (what
:attr:`Recognised.serving` reads back): the whole list moves when one mention takes another's
identity (gate.recognise.relabel)."""


@dataclass(frozen=True, slots=True)
class Recognised:
    """A value understood: its identity, role, evidence kind, serving and the attributes the
    resolver reads (``host``, ``provider``, ``sdk``, ``base_url``, ``revision``, ``pinned``,
    ``listed``...)."""

    identity: ComponentId
    role: Role
    kind: EvidenceKind
    attributes: Mapping[str, JSON] = field(default_factory=dict)

    @property
    def serving(self) -> Serving | None:
        """Where the model is served, for hosted and local-server models."""
        attrs = self.attributes
        provider = attrs.get("provider")
        host = attrs.get("host")
        source = attrs.get("host_source")
        if provider is None and host is None:
            return None
        return Serving(
            provider=str(provider) if provider is not None else None,
            host=str(host) if host is not None else None,
            host_source=HostSource(str(source))
            if source in HostSource._value2member_map_
            else (HostSource.UNKNOWN if host is None else None),
            base_url=str(attrs["base_url"]) if "base_url" in attrs else None,
            base_url_expr=str(attrs["base_url_expr"]) if "base_url_expr" in attrs else None,
            region=str(attrs["region"]) if "region" in attrs else None,
            sdk=str(attrs["sdk"]) if "sdk" in attrs else None,
        )

    @property
    def listed(self) -> bool:
        """Offered in a catalogue rather than called."""
        return self.attributes.get("listed") is True
