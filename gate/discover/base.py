"""The discovery seam: a Source turns a walked Tree into Evidence.

A source is a module with a ``NAME`` and a function
``discover(tree: Tree, ctx: DiscoverContext) -> Iterator[Evidence]``, listed explicitly in
:data:`gate.discover.registry.SOURCES`. A source never raises for a bad *scanned* file: it
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
    list of ``{"kind", "detail", "severity"?}``.
``file``
    for weight files: ``{"path", "size", "format", "sha256", "metadata"}``.
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
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from gate.discover.tree import Tree
from gate.model import Evidence
from gate.progress import NullObserver, Observer


@dataclass(frozen=True, slots=True)
class DiscoverContext:
    """Options every source may read."""

    include_tests: bool = False
    """Read tests, fixtures and docs as contributing code (off: they do not ship)."""
    history: str | None = None
    """Git range for assistant attribution: ``all``, ``none``, a range, or None (default)."""
    hash_workers: int = 0
    """Threads for hashing weight files; 0 picks the number of cores."""
    observer: Observer = field(default_factory=NullObserver)


DiscoverFn = Callable[[Tree, DiscoverContext], Iterator[Evidence]]
