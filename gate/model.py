"""The data model: what was seen (Evidence), what contributed (Component), what was decided.

Every stage of the pipeline speaks these types. They are frozen so that a stage returns new
values instead of mutating shared state; ``Mapping`` attributes hold JSON-compatible values
only (str, int, float, bool, None, lists and dicts of those), so that every object can be
written to the BOM, the policy input and the JSON reports without a custom encoder.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NewType

ComponentId = NewType("ComponentId", str)
"""Canonical, stable identity, e.g. ``hf:Qwen/Qwen2.5-7B@unpinned``, ``api:openai/gpt-4o``."""

RuleId = NewType("RuleId", str)
"""Stable, dotted policy rule id, e.g. ``aigate.jurisdiction.publisher-country``."""

JSON = Any
"""A JSON-compatible value (kept as ``Any`` because mypy has no recursive JSON type)."""


class EvidenceKind(StrEnum):
    """What kind of observation an Evidence is."""

    WEIGHT_FILE = "weight-file"
    MODEL_CARD = "model-card"
    CODE_REF = "code-ref"
    CONFIG_REF = "config-ref"
    API_REF = "api-ref"
    OLLAMA_REF = "ollama-ref"
    DATASET_REF = "dataset-ref"
    DEPENDENCY = "dependency"
    ASSISTANT_COMMIT = "assistant-commit"
    ASSISTANT_CONFIG = "assistant-config"


class Confidence(StrEnum):
    """How sure a source is that the observation is real.

    high: an explicit API call or a parsed file; medium: a model-ish value under a model-ish
    key (or an environment default); low: a bare string that looks like a model name.
    """

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


CONFIDENCE_ORDER = {Confidence.LOW: 0, Confidence.MEDIUM: 1, Confidence.HIGH: 2}


class Role(StrEnum):
    """The part a component played in the release."""

    EMBEDDED_WEIGHTS = "embedded-weights"
    RUNTIME_MODEL = "runtime-model"
    HOSTED_API = "hosted-api"
    CODE_ASSISTANT = "code-assistant"
    DATASET = "dataset"
    SDK = "sdk"


class FactSource(StrEnum):
    """Where a fact about a component was learned."""

    REGISTRY = "registry"
    USER_REGISTRY = "user-registry"
    MODEL_CARD = "model-card"
    CONFIG = "config"
    ADAPTER_CONFIG = "adapter-config"
    GGUF = "gguf"
    WEIGHT_HEADER = "weight-header"
    HUB = "hub"
    HEURISTIC = "heuristic"
    CODE = "code"
    BOM = "bom"
    IDENTITY = "identity"
    """The component's own identity states it (a Hub namespace, an API provider key)."""


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where one fact came from: its source kind and a precise detail (file, key, entry)."""

    source: FactSource
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.source.value}: {self.detail}" if self.detail else self.source.value


@dataclass(frozen=True, slots=True)
class Location:
    """Where evidence was seen. Paths are POSIX and relative to the scanned root."""

    path: str
    line: int | None = None
    column: int | None = None
    commit: str | None = None
    context: str | None = None
    """Extra locator, e.g. ``cell 3`` in a notebook or a key path in a config."""

    def __str__(self) -> str:
        text = self.path
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        if self.commit:
            text = f"{self.commit[:12]} {text}" if text else self.commit[:12]
        return text

    def sort_key(self) -> tuple[str, int, int, str]:
        """A total order for deterministic output."""
        return (self.path, self.line or 0, self.column or 0, self.commit or "")


@dataclass(frozen=True, slots=True)
class Evidence:
    """One observation: a discover source saw ``as_written`` at ``location``.

    ``identity`` is the canonical component this evidence speaks for; evidence with the same
    identity is merged into one Component. ``attributes`` carry what the source read
    (hashes, header metadata, model-card fields, revision, base_url, ...).
    """

    source: str
    kind: EvidenceKind
    identity: ComponentId
    role: Role
    as_written: str
    location: Location
    confidence: Confidence
    attributes: Mapping[str, JSON] = field(default_factory=dict)

    def sort_key(self) -> tuple[tuple[str, int, int, str], str, str]:
        """A total order for deterministic output."""
        return (self.location.sort_key(), self.kind.value, self.as_written)


@dataclass(frozen=True, slots=True)
class Party:
    """An organisation: who made or operates something, where, and who controls it."""

    name: str
    country: str | None = None
    """ISO 3166-1 alpha-2, or None when unknown (never guessed without saying so)."""
    parent: str | None = None
    parent_country: str | None = None
    provenance: tuple[Provenance, ...] = ()
    entity_listed: bool = False
    """The organisation or its parent appears on the BIS Entity List data."""


@dataclass(frozen=True, slots=True)
class ServedBy:
    """Where a hosted model is called: the endpoint host, its operator and country."""

    host: str
    operator: str | None = None
    country: str | None = None
    """The operator's country (ISO 3166-1 alpha-2): the jurisdiction that controls the host."""
    provenance: tuple[Provenance, ...] = ()
    region: str | None = None
    """The cloud region named by the host (``eu-west-1``, ``cn-north-1``), when it names one."""
    region_country: str | None = None
    """Where that region's data centres stand (``ap-east-1`` → HK), from ``data/regions.yaml``;
    the operator's ``country`` says who controls the host, this says where prompts are
    processed."""


@dataclass(frozen=True, slots=True)
class Ancestor:
    """One step of lineage: a base model, nearest first."""

    id: ComponentId
    name: str
    relation: str = "unknown"
    """finetune, adapter, merge, quantized, distill, copy (a re-upload), uses (the model an
    assistant or client is connected to), or unknown."""
    publisher: Party | None = None
    provenance: tuple[Provenance, ...] = ()
    depth: int = 1
    """1 for a direct parent, 2 for its parent, ..."""


class LicenceCategory(StrEnum):
    """Coarse licence categories that policies reason about."""

    PERMISSIVE = "permissive"
    WEAK_COPYLEFT = "weak-copyleft"
    COPYLEFT = "copyleft"
    NON_COMMERCIAL = "non-commercial"
    RESEARCH_ONLY = "research-only"
    RESTRICTED_USE = "restricted-use"
    PROPRIETARY = "proprietary"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Licence:
    """A declared licence: an SPDX id/expression or an AI licence (``LicenseRef-...``)."""

    expression: str
    """SPDX id or expression, or ``LicenseRef-aigate-<key>``; the raw text when unknown."""
    name: str | None = None
    url: str | None = None
    category: LicenceCategory = LicenceCategory.UNKNOWN
    obligations: tuple[str, ...] = ()
    provenance: tuple[Provenance, ...] = ()


@dataclass(frozen=True, slots=True)
class Hash:
    """A content digest."""

    alg: str
    """``SHA-256`` etc., spelled as in CycloneDX."""
    value: str


@dataclass(frozen=True, slots=True)
class Risk:
    """Something unsafe about a component, e.g. a pickle that imports ``os.system``."""

    kind: str
    """``unsafe-pickle``, ``trust-remote-code``, ``malformed-header``, ``oversized-header`` ..."""
    detail: str
    location: Location | None = None
    severity: str = "high"


@dataclass(frozen=True, slots=True)
class WeightFile:
    """A weight (or other model artefact) file that belongs to a component."""

    path: str
    size: int
    format: str
    sha256: str | None
    metadata: Mapping[str, JSON] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Component:
    """One thing that contributed to the release, merged from all its evidence."""

    id: ComponentId
    role: Role
    name: str
    group: str | None = None
    version: str | None = None
    """Revision, tag or version as written; None when not pinned."""
    pinned: bool | None = None
    publisher: Party | None = None
    served_by: ServedBy | None = None
    lineage: tuple[Ancestor, ...] = ()
    licence: Licence | None = None
    hashes: tuple[Hash, ...] = ()
    files: tuple[WeightFile, ...] = ()
    datasets: tuple[ComponentId, ...] = ()
    risks: tuple[Risk, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    properties: Mapping[str, JSON] = field(default_factory=dict)
    """Further facts: format, architecture, task, parameters, trust_remote_code, ..."""
    purl: str | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file or input that was not read, and why (an unreadable file is never silent)."""

    path: str
    reason: str


@dataclass(frozen=True, slots=True)
class Project:
    """The scanned project (``metadata.component`` in the BOM)."""

    name: str
    version: str | None = None
    root: str = "."


@dataclass(frozen=True, slots=True)
class Inventory:
    """Everything a scan found: the project, its components, and what was skipped."""

    project: Project
    components: tuple[Component, ...] = ()
    skipped: tuple[Skipped, ...] = ()
    files_scanned: int | None = 0
    """Files the scan read; None when a BOM (another tool's) does not say."""
    notes: tuple[str, ...] = ()
    """Facts about the scan itself (history range read, shallow clone, offline mode, ...)."""
    properties: Mapping[str, JSON] = field(default_factory=dict)
    _by_id: dict[str, Component] | None = field(
        default=None, init=False, repr=False, compare=False, hash=False
    )

    def component(self, cid: str) -> Component | None:
        """The component with this id, if any (an index built on the first look-up)."""
        index = self._by_id
        if index is None:
            index = {}
            for comp in self.components:
                index.setdefault(comp.id, comp)
            object.__setattr__(self, "_by_id", index)
        return index.get(cid)


class Level(StrEnum):
    """How serious a finding is."""

    DENY = "deny"
    WARN = "warn"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    """One policy result about one component."""

    rule: RuleId
    level: Level
    component: ComponentId | None
    message: str
    evidence: tuple[Location, ...] = ()
    facts: Mapping[str, JSON] = field(default_factory=dict)
    """The facts the rule used, with their sources (for explanation chains)."""
    waived_by: str | None = None


@dataclass(frozen=True, slots=True)
class Waiver:
    """A time-bound, approved exception to one rule for one component."""

    id: str
    rule: str
    component: str
    reason: str
    approved_by: str
    expires: str
    """ISO date (YYYY-MM-DD); the waiver stops applying after this day."""
    reference: str | None = None
    source: str | None = None
    """The file (and line) the waiver was read from."""
    created: str | None = None
    """ISO date the waiver was granted (optional; bounds its horizon when given)."""


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """What a policy rule is for, parsed from its Rego ``# METADATA`` block."""

    id: RuleId
    title: str
    description: str = ""
    level: str = "deny"
    """The level the rule produces by default: deny, warn or info."""
    severity: str = "high"
    """critical, high, medium or low (for SARIF ``security-severity`` and sorting)."""
    remediation: str = ""
    regulation: str = ""
    """The regulation or standard the rule serves, e.g. ``15 CFR 791.4``."""
    help_uri: str | None = None
    source: str = ""
    """The module file (and line) that defines the rule."""


@dataclass(frozen=True, slots=True)
class PolicyFile:
    """One file of the evaluated policy set, pinned by content (evidence exports copy these)."""

    path: str
    """As given or as shipped (``policies/jurisdiction.rego``), POSIX."""
    sha256: str
    kind: str
    """module, pack, data, waivers or registry."""


@dataclass(frozen=True, slots=True)
class Baseline:
    """What a decision was compared with (``--baseline``) and whether that narrowed it."""

    ref: str | None
    """The baseline as recorded (``v1.2.0 (1a2b3c4d5e6f)``, a BOM path), or None when none
    was found (``auto`` without an earlier release tag)."""
    new_only: bool = False
    """Findings about components unchanged since the baseline were set aside (``--new-only``)."""
    judged: int | None = None
    """How many components were judged when ``new_only``; None: all of them."""
    dropped: int = 0
    """How many findings were set aside."""


class Verdict(StrEnum):
    """The gate's answer."""

    PASS = "pass"
    FAIL = "fail"


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of evaluating an inventory against a policy set."""

    verdict: Verdict
    findings: tuple[Finding, ...]
    fail_on: str
    """``deny``, ``warn`` or ``never``."""
    policy_digest: str
    """SHA-256 over the exact modules, packs, data and waivers used."""
    policy_sources: tuple[str, ...] = ()
    waivers_applied: tuple[Waiver, ...] = ()
    waivers_expired: tuple[Waiver, ...] = ()
    waivers_unused: tuple[Waiver, ...] = ()
    waivers_expiring: tuple[Waiver, ...] = ()
    evaluated_on: str = ""
    """The ISO date waivers were judged against (``--now``)."""
    notes: tuple[str, ...] = ()
    rules: tuple[RuleMeta, ...] = ()
    """Metadata of every rule in the evaluated policy set (for reports and SARIF)."""
    policy_files: tuple[PolicyFile, ...] = ()
    """Every module, pack, data, registry and waiver file used, with its SHA-256."""
    packs: tuple[str, ...] = ()
    """Names of the packs applied, in order."""
    input_digest: str = ""
    """SHA-256 of the canonical policy input that was evaluated."""
    aigate_version: str = ""
    baseline: Baseline | None = None
    """The comparison ``--baseline`` asked for; None without one."""
