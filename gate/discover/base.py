"""The discovery seam: a Source turns a walked Tree into Evidence.

A source is a module with a ``NAME`` and a function
``discover(tree: Tree, ctx: DiscoverContext) -> Iterator[Evidence]``, listed explicitly in
:data:`gate.discover.sources.SOURCES`. A source never raises for a bad *scanned* file: it
records a skip (``tree.skip(path, reason)``) or a risk on the evidence, because a scan must
cover the rest of the tree. It raises :class:`gate.errors.AigateError` only when the scan as a
whole cannot be trusted (e.g. git failed).

Attribute conventions (``Evidence.attributes``), read by :mod:`gate.resolve.assemble`:

``declared``
    facts the artefact states about itself, with their provenance, as a dict:
    ``license``, ``license_name``, ``license_link``, ``name``, ``organization``,
    ``base_models`` (list of ``{"ref", "relation", "organization"?, "url"?}``),
    ``datasets`` (list of str), ``pipeline_tag``, ``library_name``, ``architecture``,
    ``model_type``, ``provenance`` (``{"source": FactSource value, "detail": str}``).
``revision``
    a hub revision as written (pinned only when a full commit sha).
``trust_remote_code``
    True when the code asked for it.
``risks``
    list of ``{"kind", "detail", "severity"?}``. Kinds from weight files:
    ``unsafe-pickle`` (a pickle imports code execution, shell, file or network access, or a
    name computed at load time; high, medium for extension-registry imports),
    ``unsafe-code`` (Keras Lambda layers), ``unsafe-external-data`` (ONNX tensor data
    outside the model folder), ``malformed-header`` and ``oversized-header`` (high: bad
    headers are how loader exploits arrive; a length past a bound is reported, never
    allocated; medium where joblib's raw NumPy data stops a pickle scan),
    ``truncated-file`` (medium).
``file``
    for weight files: ``{"path", "size", "format", "sha256", "metadata"}``. ``format`` is
    one of ``safetensors``, ``gguf``, ``ggml``, ``onnx``, ``onnx-runtime``,
    ``onnx-external-data``, ``pytorch`` (zip checkpoint), ``pickle``, ``keras``,
    ``keras-h5``, ``hdf5``, ``tflite``, ``tf-savedmodel``, ``tf-variables``, ``coreml``,
    ``npy``, ``npz``, ``zip``, ``unknown``; ``metadata`` holds what the header says (for
    pickles and PyTorch files ``pickle_globals``: every import, sorted). A weight file's
    identity is ``file:sha256:<hex>``; assembly re-keys it to its model folder's component.
    GGUF files also carry ``declared`` facts (``name``, ``organization``, ``license``,
    ``architecture``, ``quantization``, ``parameters``, ``base_models`` with
    ``source: "gguf"``, ``datasets``) whose provenance details are ``<path>#<gguf key>``.
``model_dir``
    for weight files: the POSIX path of the model folder they belong to, if any.
``host``, ``base_url``, ``provider``
    for hosted calls: where the call goes (``host``: the serving host, from the written base
    URL, else the SDK's default host; absent when the endpoint is set by an expression the
    scan cannot read) and the provider key (``api:<provider>/...``).
``host_source``, ``base_url_expr``, ``region``
    how ``host`` was learned (``base_url``, ``sdk-default``, ``region``,
    ``model-provider-default``); the endpoint expression when not a constant; a cloud region.
``sdk``, ``call``, ``argument``, ``flow``, ``used_at``
    code references: the SDK, the call recognised, the argument, how the value reached it
    (``literal``, ``module-constant``, ``parameter-default``, ``env-default``, ...), and the
    call sites (``line:column``) when the literal is written elsewhere.
``env_var``, ``key``, ``partial``, ``scope``
    the environment variable whose default this is; the config key; True when part of the
    value is unknown (``*`` in the identity); ``test``/``docs`` for paths read only with
    ``--include-tests``.
``pinned``
    hub references: whether the revision is a full commit sha.
``weights_path``
    a reference to a file or folder of the tree (Modelfile ``FROM ./x.gguf``, DVC outputs):
    assembly joins it to the component that file is.
``name``, ``group``, ``version``, ``purl``
    display identity hints (SDK dependencies, datasets); also ``version_spec``, ``scope``,
    ``locked``, ``ecosystem`` for dependencies.
``assistant``
    for coding assistants: ``{vendor, product, kind, models, endpoints, providers, commits:
    [{sha, date, author, trailer, signals, reviewed_by, paths, merge?}], path_counts,
    configs, attribution_off}`` (merged per component by :mod:`gate.resolve.assemble`).

Scan-level facts (what was read, what could not be) are not evidence: a source records them
on ``ctx.facts`` (a note for people, a JSON property for policies), and the pipeline copies
them into ``Inventory.notes`` and ``Inventory.properties``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from gate.discover.tree import Tree
from gate.model import JSON, Evidence
from gate.progress import NullObserver, Observer


@dataclass(slots=True)
class ScanFacts:
    """Facts about the scan itself that sources report: notes and JSON properties."""

    notes: list[str] = field(default_factory=list)
    properties: dict[str, JSON] = field(default_factory=dict)

    def note(self, text: str) -> None:
        """A sentence for people (shown by the CLI, kept in the BOM's metadata)."""
        if text not in self.notes:
            self.notes.append(text)

    def set(self, key: str, value: JSON) -> None:
        """A fact for policies (``Inventory.properties[key]``); a key is set once per scan."""
        if key in self.properties and self.properties[key] != value:
            raise ValueError(f"scan fact {key!r} set twice with different values")
        self.properties[key] = value


@dataclass(frozen=True, slots=True)
class DiscoverContext:
    """Options every source may read."""

    include_tests: bool = False
    """Read tests, fixtures and docs as contributing code (off: they do not ship)."""
    history: str | None = None
    """Git range for assistant attribution: ``all``, ``none``, a range, or None (default)."""
    history_from: tuple[Path, str] | None = None
    """Read history from this folder of a repository at this commit, not from the tree
    (a baseline tree exported from git has no ``.git`` of its own)."""
    review_rules: tuple[Path, ...] = ()
    """The user's own Semgrep rule files for AI-authored lines (beside aigate's)."""
    hash_workers: int = 0
    """Threads for hashing weight files; 0 picks the cores plus two (see hashing.py)."""
    observer: Observer = field(default_factory=NullObserver)
    facts: ScanFacts = field(default_factory=ScanFacts)
    """Where sources record scan-level facts (the context is frozen, the facts are not)."""


DiscoverFn = Callable[[Tree, DiscoverContext], Iterator[Evidence]]
