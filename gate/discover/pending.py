"""The placeholder evidence a code front end leaves for its cross-module pass: a model the
file cannot finish alone (asked of the app's own function or client), joined with what other
files of the tree say and then resolved or dropped (``python/across``, ``javascript/across``,
``polyglot/across``). Never reported as it is."""

from __future__ import annotations

from gate.model import JSON, ComponentId, Confidence, Evidence, EvidenceKind, Location, Role


def placeholder(
    source: str,
    identity: str,
    as_written: str,
    location: Location,
    confidence: Confidence,
    attrs: dict[str, JSON],
) -> Evidence:
    """One placeholder (``identity`` carries the pass's prefix) for the pass to resolve."""
    return Evidence(
        source=source,
        kind=EvidenceKind.CODE_REF,
        identity=ComponentId(identity),
        role=Role.RUNTIME_MODEL,
        as_written=as_written,
        location=location,
        confidence=confidence,
        attributes=attrs,
    )
