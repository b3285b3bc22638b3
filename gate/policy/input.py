"""Inventory → the flat policy input (``aigate.policy-input/v1``) that Rego rules read.

Every fact is spelled plainly (no CycloneDX property arrays); what is not known is ``null``,
never guessed. The JSON Schema in ``policies/schema/policy-input.schema.json`` documents the
document for policy authors, and every input is validated against it before evaluation.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import fastjsonschema

from gate import facts, jsontext
from gate.errors import PolicyError
from gate.model import (
    Ancestor,
    Component,
    Evidence,
    FactSource,
    Inventory,
    Licence,
    LicenceCategory,
    Provenance,
    Risk,
    WeightFile,
)
from gate.policy.locate import policies_dir
from gate.resolve import licences

SCHEMA_ID = "aigate.policy-input/v1"
SCHEMA_FILE = "schema/policy-input.schema.json"


@dataclass(frozen=True, slots=True)
class InputContext:
    """Where and when the gate runs: recorded in the input, never read from the clock here."""

    now: str
    """ISO date (YYYY-MM-DD) the decision is made on."""
    ref: str | None = None
    """Git ref being gated (``refs/tags/v1.2.0``), when known."""
    release: str | None = None
    """Release name or version, when known."""
    ci: str | None = None
    """CI system (``github-actions``), or None for a local run."""


def _only_guessed(prov: Sequence[Provenance]) -> bool:
    return bool(prov) and all(p.source is FactSource.HEURISTIC for p in prov)


def _lineage(lineage: Sequence[Ancestor]) -> list[dict[str, Any]]:
    """Ancestors with ``heuristic``: the link, or who published the ancestor, is a guess.

    A link is guessed when only a name heuristic states it, or when every ancestor one
    step nearer is a guessed link (each path to it then passes a guess); with a solid
    ancestor at the nearer depth the link may come through it, so it is not called a guess.
    """
    guessed_link: dict[int, bool] = {}
    depth_all_guessed: dict[int, bool] = {}
    for i, anc in sorted(enumerate(lineage), key=lambda x: x[1].depth):
        guess = _only_guessed(anc.provenance) or depth_all_guessed.get(anc.depth - 1, False)
        guessed_link[i] = guess
        depth_all_guessed[anc.depth] = depth_all_guessed.get(anc.depth, True) and guess
    return [
        {
            **facts.ancestor(anc),
            "heuristic": guessed_link[i]
            or (anc.publisher is not None and _only_guessed(anc.publisher.provenance)),
        }
        for i, anc in enumerate(lineage)
    ]


def _unresolved_endpoints(comp: Component) -> list[dict[str, Any]]:
    """Where the code sets the endpoint by an expression the scan cannot read."""
    found: dict[tuple[str, str, int], dict[str, Any]] = {}
    for ev in comp.evidence:
        expr = ev.attributes.get("base_url_expr")
        if isinstance(expr, str) and expr:
            key = (expr, ev.location.path, ev.location.line or 0)
            found[key] = {"expression": expr, "file": ev.location.path, "line": ev.location.line}
    return [found[k] for k in sorted(found)]


@cache
def _choices(expression: str) -> tuple[tuple[tuple[str, str, str, bool], ...], ...]:
    """The expression as OR-of-ANDs, cached: many components share one licence."""
    try:
        parsed = licences.dnf(expression)
    except ValueError:
        parsed = [[licences.term(expression)]]
    return tuple(
        tuple((t.key, t.spdx, t.category.value, t.known) for t in choice) for choice in parsed
    )


def _licence(licence: Licence | None) -> dict[str, Any] | None:
    out = facts.licence(licence)
    if licence is None or out is None:
        return None
    choices = _choices(licence.expression)
    out["known"] = licence.category is not LicenceCategory.UNKNOWN and all(
        t[3] for choice in choices for t in choice
    )
    out["choices"] = [
        [{"key": k, "spdx": s, "category": c} for k, s, c, _ in choice] for choice in choices
    ]
    return out


def _risk(risk: Risk) -> dict[str, Any]:
    return {
        "kind": risk.kind,
        "detail": risk.detail,
        "severity": risk.severity,
        "location": None if risk.location is None else facts.location(risk.location),
    }


def _file(wf: WeightFile) -> dict[str, Any]:
    return {
        "path": wf.path,
        "size": wf.size,
        "format": wf.format,
        "sha256": wf.sha256,
        "metadata": dict(wf.metadata),
    }


def _evidence(ev: Evidence) -> dict[str, Any]:
    return {
        **facts.location(ev.location),
        "kind": ev.kind.value,
        "confidence": ev.confidence.value,
        "as_written": ev.as_written,
        "listed": ev.attributes.get("listed") is True,
    }


def use_of(comp: Component) -> str:
    """``listed`` when every reference only offers the model (a catalogue, a picker),
    ``called`` when any reaches a call, loads it or ships its weights."""
    if comp.evidence and all(ev.attributes.get("listed") is True for ev in comp.evidence):
        return "listed"
    return "called"


class _Shared:
    """Equal facts spelled once: components of one publisher (licence, lineage, host) get
    one object, which also lets gate.policy.scope describe it once (read-only)."""

    def __init__(self) -> None:
        self.seen: dict[tuple[str, object], Any] = {}

    def get(self, kind: str, key: object, make: Any) -> Any:
        try:
            return self.seen[(kind, key)]
        except KeyError:
            made = self.seen[(kind, key)] = make(key)
            return made
        except TypeError:  # an unhashable fact: spelled anew
            return make(key)


def component_input(comp: Component, shared: _Shared | None = None) -> dict[str, Any]:
    """One component as the policy input spells it."""
    shared = shared or _Shared()
    return {
        "id": comp.id,
        "role": comp.role.value,
        "name": comp.name,
        "group": comp.group,
        "version": comp.version,
        "purl": comp.purl,
        "pinned": comp.pinned,
        "use": use_of(comp),
        "publisher": shared.get("party", comp.publisher, facts.party),
        "served_by": shared.get("served_by", comp.served_by, facts.served_by),
        "lineage": shared.get("lineage", comp.lineage, _lineage),
        "licence": shared.get("licence", comp.licence, _licence),
        "hashes": [{"alg": h.alg, "value": h.value} for h in comp.hashes],
        "files": [_file(f) for f in comp.files],
        "datasets": list(comp.datasets),
        "risks": [_risk(r) for r in comp.risks],
        "evidence": [_evidence(e) for e in comp.evidence],
        "properties": dict(comp.properties),
        "unresolved_endpoints": _unresolved_endpoints(comp),
    }


def _history(inventory: Inventory) -> dict[str, Any] | None:
    """What the scan read of the git history (``--history``), or None when it says nothing
    (a BOM from another tool): rules tell "not read" from "no assistant commits" by it."""
    raw = inventory.properties.get("history")
    return dict(raw) if isinstance(raw, Mapping) else None


def _endpoints(inventory: Inventory) -> list[dict[str, Any]]:
    """Endpoints the release is configured for with no model in view (a base URL alone)."""
    rows = inventory.properties.get("endpoints")
    if not isinstance(rows, list):
        return []
    keys = ("host", "provider", "operator", "country", "base_url", "locations")
    return [{k: row.get(k) for k in keys} for row in rows if isinstance(row, dict)]


def build_input(inventory: Inventory, context: InputContext) -> dict[str, Any]:
    """The policy input document for an inventory, components in identity order."""
    shared = _Shared()
    return {
        "schema": SCHEMA_ID,
        "project": {"name": inventory.project.name, "version": inventory.project.version},
        "context": {
            "now": context.now,
            "ref": context.ref,
            "release": context.release,
            "ci": context.ci,
        },
        "inventory": {
            "files_scanned": inventory.files_scanned,
            "skipped": len(inventory.skipped),
            "skipped_files": [
                {"path": s.path, "reason": s.reason}
                for s in sorted(inventory.skipped, key=lambda s: (s.path, s.reason))
            ],
            "notes": list(inventory.notes),
            "history": _history(inventory),
            "endpoints": _endpoints(inventory),
        },
        "components": [
            component_input(c, shared) for c in sorted(inventory.components, key=lambda c: c.id)
        ],
    }


@cache
def _schema_bytes() -> bytes:
    return (policies_dir() / SCHEMA_FILE).read_bytes()


@cache
def schema() -> dict[str, Any]:
    """The policy-input JSON Schema shipped with the policies."""
    loaded: dict[str, Any] = json.loads(_schema_bytes().decode("utf-8"))
    return loaded


def schema_digest() -> str:
    """SHA-256 of the schema file: which schema generated validators were made from."""
    return hashlib.sha256(_schema_bytes()).hexdigest()


@cache
def _validator() -> Any:
    import jsonschema  # only to name a refusal: its import is ~0.09 s of every check

    cls = jsonschema.validators.validator_for(schema())
    cls.check_schema(schema())
    return cls(schema())


_SHARED_FIELDS = ("publisher", "served_by", "lineage", "licence")
"""Component fields that build_input spells once per distinct value (one shared object)."""


@dataclass(frozen=True, slots=True)
class _Parts:
    """The schema in parts that together check exactly what the whole one does: the
    document without its components, each component without its shared fields, and each
    shared field's value, checked once per distinct object."""

    document: Any
    component: Any
    fields: Mapping[str, Any]


def schema_parts(root: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The schema in the parts ``_check_fast`` checks: ``document`` (components only as
    objects), ``component`` (its shared fields unchecked) and one per shared field."""
    root = json.loads(json.dumps(root))  # fastjsonschema rewrites the $refs it compiles
    base = {k: root[k] for k in ("$schema", "$id", "$defs") if k in root}
    comp = root["$defs"]["component"]
    items = root["properties"]["components"].get("items", {})
    if not str(items.get("$ref", "")).endswith("#/$defs/component"):
        raise PolicyError(
            policies_dir() / SCHEMA_FILE, "components must be an array of $defs/component"
        )
    properties = dict(root["properties"])
    properties["components"] = {"type": "array", "items": {"type": "object"}}
    parts = {
        "document": {**root, "properties": properties},
        "component": {
            **base,
            **comp,
            "properties": {
                k: ({} if k in _SHARED_FIELDS else v) for k, v in comp["properties"].items()
            },
        },
    }
    for name in _SHARED_FIELDS:
        parts[name] = {**base, **comp["properties"][name]}
    return parts


@cache
def _fast_validator() -> _Parts:
    # The schema uses only keywords fastjsonschema implements (draft-07 set plus $defs
    # through JSON pointers). Checking the whole document costs ~0.6 s at 10,000
    # components, most of it re-checking the same publisher, lineage and licence objects
    # thousands of times: the parts check each of those once (~5x less). The split is
    # exact: a component's properties are checked independently of each other. The parts
    # are generated code (tools/gen_policy_validators.py; compiling them here took
    # ~0.2 s per process), used when made from this very schema, compiled here otherwise.
    from gate.policy import _schemas as generated

    checks: dict[str, Any]
    if schema_digest() == generated.SCHEMA_SHA256:
        checks = dict(generated.VALIDATORS)
    else:
        checks = {
            name: fastjsonschema.compile(part) for name, part in schema_parts(schema()).items()
        }
    return _Parts(checks["document"], checks["component"], {k: checks[k] for k in _SHARED_FIELDS})


def _check_fast(doc: Mapping[str, Any]) -> None:
    parts = _fast_validator()
    parts.document(doc)
    seen: dict[str, set[int]] = {k: set() for k in _SHARED_FIELDS}
    for comp in doc["components"]:
        parts.component(comp)
        for name, check in parts.fields.items():
            value = comp[name]
            done = seen[name]
            if id(value) not in done:
                check(value)
                done.add(id(value))


def validate_input(doc: Mapping[str, Any]) -> None:
    """Raise PolicyError when the document does not match the published schema.

    The input is made by aigate itself, so a mismatch is a bug between this module and the
    schema authors read: the gate refuses to decide rather than let rules read a shape
    they were not written for. A compiled validator answers the common case; when it
    refuses, jsonschema names the best-matching error (and if, against expectation,
    jsonschema accepts what the compiled validator refused, the refusal stands).
    """
    try:
        _check_fast(doc)
        return
    except fastjsonschema.JsonSchemaException as exc:
        fast_problem = str(exc)
    from jsonschema.exceptions import best_match

    error = best_match(_validator().iter_errors(doc))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        problem = error.message
    else:
        where, problem = "(see message)", fast_problem
    raise PolicyError(
        policies_dir() / SCHEMA_FILE,
        f"policy input does not match its schema at {where}: {problem}",
    )


def input_digest(doc: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a policy input."""
    return hashlib.sha256(jsontext.canonical(doc).encode("utf-8")).hexdigest()
