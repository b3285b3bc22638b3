"""The registry's entries: publishers, models, Ollama names, families, assistants, packages."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gate import identity

API_VERSION = "aigate/v1"
KIND = "Registry"
RELATIONS = frozenset(
    {"finetune", "adapter", "merge", "quantized", "distill", "copy", "uses", "unknown"}
)
VERIFIED = frozenset({"verified", "partly", "unverified"})
PUBLISHER_KINDS = frozenset({"organisation", "redistributor", "individual"})
ASSISTANT_KINDS = frozenset({"vendor", "open-client"})


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
        mine = identity.package_name(ecosystem, self.name)
        theirs = identity.package_name(ecosystem, name)
        if mine.endswith("*"):
            return theirs.startswith(mine[:-1]) and len(theirs) > len(mine) - 1
        return mine == theirs


PACKAGE_ECOSYSTEMS = frozenset({"pypi", "npm"})


@dataclass(frozen=True, slots=True)
class EntityListing:
    """A BIS Entity List entry that names registry publishers."""

    entity: str
    publishers: tuple[str, ...]
    added: str
    citation: str
    verified: str
