"""Inventory → CycloneDX JSON document (a dict), exactly as cyclonedx-python-lib writes it.

Going through the library's model costs about a millisecond per component (a sorted set
per property list, sorting components by a tuple of some thirty fields rebuilt on every
comparison, then py-serializable's walk): 11 s of CPU for 10,000 components, twice the
whole scan's budget. This module writes the same document in one pass: leaf values still go
through the library's types where it normalises them (purls, hashes, URIs), lists are
ordered and de-duplicated by the keys the library's sorted sets compare first (see
:func:`_library_order`), and a test compares the result with the library's own output
(``tests/test_bom_scale.py``), so the library stays the reference model of the format.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from cyclonedx.contrib.hash.factories import HashTypeFactory
from cyclonedx.model import XsUri
from packageurl import PackageURL

from gate import __version__, identity
from gate.bom.cyclonedx.view import bom_view
from gate.bom.properties import Prop
from gate.errors import BomError
from gate.model import (
    Ancestor,
    Component,
    ComponentId,
    Confidence,
    Evidence,
    EvidenceKind,
    Inventory,
    Licence,
    LicenceCategory,
    Location,
    Party,
    Provenance,
    Role,
    WeightFile,
)

Doc = dict[str, Any]


CONFIDENCE_VALUE = {Confidence.HIGH: "1.0", Confidence.MEDIUM: "0.7", Confidence.LOW: "0.3"}
TECHNIQUE = {  # CycloneDX analysis technique of each kind of evidence
    EvidenceKind.WEIGHT_FILE: "binary-analysis",
    EvidenceKind.MODEL_CARD: "manifest-analysis",
    EvidenceKind.CODE_REF: "source-code-analysis",
    EvidenceKind.API_REF: "source-code-analysis",
    EvidenceKind.OLLAMA_REF: "manifest-analysis",
    EvidenceKind.CONFIG_REF: "manifest-analysis",
    EvidenceKind.DATASET_REF: "source-code-analysis",
    EvidenceKind.DEPENDENCY: "manifest-analysis",
    EvidenceKind.ASSISTANT_COMMIT: "other",
    EvidenceKind.ASSISTANT_CONFIG: "manifest-analysis",
}
COMPONENT_TYPE = {  # CycloneDX component type of each role
    Role.EMBEDDED_WEIGHTS: "machine-learning-model",
    Role.RUNTIME_MODEL: "machine-learning-model",
    Role.HOSTED_API: "machine-learning-model",
    Role.CODE_ASSISTANT: "application",
    Role.DATASET: "data",
    Role.SDK: "library",
}


def json_text(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sources_text(prov: Sequence[Provenance]) -> str:
    return json_text([[p.source.value, p.detail] for p in prov])


def party_props(party: Party | None) -> list[tuple[str, str | None]]:
    if party is None:
        return []
    return [
        (Prop.PUBLISHER_PARENT, party.parent),
        (Prop.PUBLISHER_PARENT_COUNTRY, party.parent_country),
        (Prop.PUBLISHER_SOURCES, sources_text(party.provenance) if party.provenance else None),
        (Prop.PUBLISHER_ENTITY_LISTED, "true" if party.entity_listed else None),
    ]


def licence_props(licence: Licence | None) -> list[tuple[str, str | None]]:
    if licence is None:
        return []
    return [
        (Prop.LICENCE_EXPRESSION, licence.expression),
        (Prop.LICENCE_NAME, licence.name),
        (Prop.LICENCE_URL, licence.url),
        (Prop.LICENCE_CATEGORY, licence.category.value),
        (
            Prop.LICENCE_OBLIGATIONS,
            json_text(list(licence.obligations)) if licence.obligations else None,
        ),
        (Prop.LICENCE_SOURCES, sources_text(licence.provenance) if licence.provenance else None),
    ]


def location_json(loc: Location | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    out: dict[str, Any] = {"path": loc.path}
    for key in ("line", "column", "commit", "context"):
        value = getattr(loc, key)
        if value is not None:
            out[key] = value
    return out


def timestamp() -> datetime | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    except (ValueError, OverflowError) as exc:
        raise BomError("SOURCE_DATE_EPOCH", f"not a Unix timestamp: {epoch!r}") from exc


def model_card(comp: Component) -> dict[str, Any] | None:
    if comp.role not in (Role.EMBEDDED_WEIGHTS, Role.RUNTIME_MODEL, Role.HOSTED_API):
        return None
    params: dict[str, Any] = {}
    props = comp.properties
    if props.get("pipeline_tag"):
        params["task"] = str(props["pipeline_tag"])
    if props.get("model_type"):
        params["architectureFamily"] = str(props["model_type"])
    if props.get("architecture"):
        params["modelArchitecture"] = str(props["architecture"])
    if comp.datasets:
        params["datasets"] = [
            {"type": "dataset", "name": d.split(":", 2)[-1]} for d in comp.datasets
        ]
    if not params:
        return None
    return {"bom-ref": f"{comp.id}#model-card", "modelParameters": params}


def _opt(value: str | None) -> tuple[bool, str]:
    """A sort key for an optional string where None sorts last, as the library's
    ComparableTuple orders it."""
    return (value is None, value or "")


def _library_order(items: Iterable[Doc], key: Callable[[Doc], Any]) -> list[Doc]:
    """Items sorted as the library's SortedSet sorts them, equal items kept once."""
    out: list[Doc] = []
    for item in sorted(items, key=key):
        if not out or out[-1] != item:
            out.append(item)
    return out


def _component_key(doc: Doc) -> Any:
    # Component: type, group, name, version, bom-ref (unique: later fields never decide).
    return (
        doc["type"],
        _opt(doc.get("group")),
        doc["name"],
        _opt(doc.get("version")),
        doc["bom-ref"],
    )


def _service_key(doc: Doc) -> Any:
    return (_opt(doc.get("group")), doc["name"], _opt(doc.get("version")), doc["bom-ref"])


def _property_key(doc: Doc) -> Any:
    return (doc["name"], doc["value"])


def _props(pairs: Iterable[tuple[str, str | None]]) -> list[Doc]:
    items = [{"name": k, "value": v} for k, v in pairs if v is not None]
    return _library_order(items, _property_key)


def _with(doc: Doc, key: str, value: Any) -> None:
    """Set a field the library would write: None and empty lists are left out."""
    if value is not None and value != []:
        doc[key] = value


def _org(party: Party | None) -> Doc | None:
    if party is None:
        return None
    doc: Doc = {"name": party.name}
    if party.country:
        doc["address"] = {"country": party.country}
    return doc


# What XsUri refuses (a "%" not followed by two hex digits, two "#") or rewrites (" ", quotes,
# brackets, braces): a URI holding none of these characters is XsUri's answer as it is.
_URI_TOUCHED = re.compile(r"[%#\s\"'\[\]<>{}]")


@lru_cache(maxsize=4096)
def _uri(text: str) -> str:
    if _URI_TOUCHED.search(text) is None:
        return text  # 10,000 Hub URLs of a large BOM: no XsUri object made for each
    return str(XsUri(text))


def _purl(text: str) -> str:
    return identity.normal_purl(text)


_HASHES = HashTypeFactory()


def _hash(composite: str) -> Doc:
    h = _HASHES.from_composite_str(composite)
    return {"alg": h.alg.value, "content": h.content}


def _hashes(composites: Iterable[str]) -> list[Doc]:
    return _library_order((_hash(c) for c in composites), lambda d: (d["alg"], d["content"]))


def _licences(licence: Licence | None) -> list[Doc]:
    if licence is None:
        return []
    expr = licence.expression
    if licence.category is LicenceCategory.UNKNOWN and not expr.startswith("LicenseRef-"):
        return [{"license": {"name": licence.name or expr}}]
    if " " in expr or expr.startswith("LicenseRef-"):
        return [{"expression": expr}]
    return [{"license": {"id": expr}}]


def _ancestor(owner: ComponentId, anc: Ancestor) -> Doc:
    doc: Doc = {
        "type": "machine-learning-model",
        "name": anc.name,
        "bom-ref": f"{owner}#ancestor:{anc.depth}:{anc.id}",
    }
    _with(doc, "manufacturer", _org(anc.publisher))
    if identity.scheme(anc.id) == "hf":
        repo, rev = identity.split_hf(anc.id)
        namespace, _, name = repo.rpartition("/")
        doc["purl"] = str(PackageURL("huggingface", namespace or None, name, rev).to_string())
    props = [
        (Prop.ID, anc.id),
        (Prop.RELATION, anc.relation),
        (Prop.DEPTH, str(anc.depth)),
        (Prop.SOURCES, sources_text(anc.provenance) if anc.provenance else None),
        *party_props(anc.publisher),
    ]
    _with(doc, "properties", _props(props))
    return doc


def _file(owner: ComponentId, wf: WeightFile) -> Doc:
    doc: Doc = {"type": "file", "name": wf.path, "bom-ref": f"{owner}#file:{wf.path}"}
    _with(doc, "hashes", _hashes([f"sha256:{wf.sha256}"] if wf.sha256 else []))
    props = [
        (Prop.FORMAT, wf.format),
        (Prop.SIZE, str(wf.size)),
        (Prop.METADATA, json_text(dict(wf.metadata)) if wf.metadata else None),
    ]
    _with(doc, "properties", _props(props))
    return doc


def _occurrence(ev: Evidence, ref: str) -> Doc:
    loc = ev.location
    context: dict[str, Any] = {
        "source": ev.source,
        "kind": ev.kind.value,
        "as_written": ev.as_written,
        "confidence": ev.confidence.value,
        "identity": ev.identity,
        "role": ev.role.value,
    }
    if loc.commit:
        context["commit"] = loc.commit
    if loc.context:
        context["context"] = loc.context
    if ev.attributes:
        context["attributes"] = dict(ev.attributes)
    doc: Doc = {
        "bom-ref": ref,
        "location": loc.path or (f"git:{loc.commit}" if loc.commit else "."),
    }
    _with(doc, "line", loc.line)
    _with(doc, "offset", loc.column)
    doc["additionalContext"] = json_text(context)
    return doc


def _evidence(comp: Component) -> Doc | None:
    if not comp.evidence:
        return None
    best = max(comp.evidence, key=lambda e: CONFIDENCE_VALUE[e.confidence])
    methods = sorted(
        {
            (TECHNIQUE[e.kind], CONFIDENCE_VALUE[e.confidence], e.as_written[:200])
            for e in comp.evidence
        }
    )
    ident = {
        "field": "purl" if comp.purl else "name",
        "confidence": float(CONFIDENCE_VALUE[best.confidence]),
        "concludedValue": comp.purl or comp.id,
        "methods": [
            {"technique": t, "confidence": float(c), "value": v} for t, c, v in methods[:20]
        ],
    }
    # Occurrences carry bom-refs numbered in evidence order: the library sorts by them.
    return {
        "identity": [ident],
        "occurrences": [
            _occurrence(e, f"{comp.id}#evidence:{i:06d}") for i, e in enumerate(comp.evidence)
        ],
    }


def _component(comp: Component) -> Doc:
    props: list[tuple[str, str | None]] = [
        (Prop.ID, comp.id),
        (Prop.ROLE, comp.role.value),
        (Prop.PINNED, None if comp.pinned is None else str(comp.pinned).lower()),
        *party_props(comp.publisher),
        *licence_props(comp.licence),
    ]
    if comp.served_by is not None:
        sb = comp.served_by
        props += [
            (Prop.SERVED_BY_HOST, sb.host),
            (Prop.SERVED_BY_OPERATOR, sb.operator),
            (Prop.SERVED_BY_COUNTRY, sb.country),
            (Prop.SERVED_BY_SOURCES, sources_text(sb.provenance) if sb.provenance else None),
            (Prop.SERVED_BY_REGION, sb.region),
            (Prop.SERVED_BY_REGION_COUNTRY, sb.region_country),
        ]
    for risk in comp.risks:
        risk_doc = {
            "kind": risk.kind,
            "detail": risk.detail,
            "severity": risk.severity,
            "location": location_json(risk.location),
        }
        props.append((Prop.RISK, json_text(risk_doc)))
    props += [(Prop.DATASET, d) for d in comp.datasets]
    props += [(f"{Prop.FACT}{k}", json_text(v)) for k, v in sorted(comp.properties.items())]
    doc: Doc = {"type": COMPONENT_TYPE[comp.role], "name": comp.name, "bom-ref": comp.id}
    _with(doc, "group", comp.group)
    _with(doc, "version", comp.version)
    _with(doc, "manufacturer", _org(comp.publisher))
    if comp.purl:
        doc["purl"] = _purl(comp.purl)
    _with(
        doc,
        "hashes",
        _hashes(f"{h.alg.replace('-', '').lower()}:{h.value}" for h in comp.hashes),
    )
    _with(doc, "licenses", _licences(comp.licence))
    if comp.lineage:
        ancestors = [_ancestor(comp.id, a) for a in comp.lineage]
        doc["pedigree"] = {"ancestors": _library_order(ancestors, _component_key)}
    files = [_file(comp.id, f) for f in comp.files]
    _with(doc, "components", _library_order(files, _component_key))
    _with(doc, "evidence", _evidence(comp))
    if identity.scheme(comp.id) == "hf":
        repo, _ = identity.split_hf(comp.id)
        url = _uri(f"https://huggingface.co/{repo}")
        doc["externalReferences"] = [{"type": "distribution", "url": url}]
    _with(doc, "properties", _props(props))
    return doc


def _service(comp: Component) -> Doc | None:
    if comp.role is not Role.HOSTED_API or comp.served_by is None:
        return None
    sb = comp.served_by
    provider: Doc = {"name": sb.operator or sb.host}
    if sb.country:
        provider["address"] = {"country": sb.country}
    doc: Doc = {
        "name": f"{comp.name} @ {sb.host}",
        "bom-ref": f"{comp.id}#service",
        "provider": provider,
    }
    _with(doc, "group", comp.group)
    urls = sorted({_uri(str(e)) for e in comp.properties.get("endpoints", []) if "://" in str(e)})
    _with(doc, "endpoints", urls)
    _with(doc, "properties", _props([(Prop.ID, comp.id)]))
    return doc


def _metadata(inventory: Inventory) -> Doc:
    project = inventory.project
    root: Doc = {
        "type": "application",
        "name": project.name,
        "bom-ref": f"project:{project.name}",
    }
    _with(root, "version", project.version)
    _with(root, "properties", _props([(Prop.PROJECT_ROOT, project.root)]))
    scanned = inventory.files_scanned
    props: list[tuple[str, str | None]] = [
        (Prop.FILES_SCANNED, None if scanned is None else str(scanned))
    ]
    props += [
        (Prop.SKIPPED, json_text({"path": s.path, "reason": s.reason})) for s in inventory.skipped
    ]
    props += [(Prop.NOTE, n) for n in inventory.notes]
    props += [
        (f"{Prop.INVENTORY}{k}", json_text(v)) for k, v in sorted(inventory.properties.items())
    ]
    tool = {
        "type": "application",
        "name": "aigate",
        "version": __version__,
        "bom-ref": "tool:aigate",
    }
    meta: Doc = {"component": root, "tools": {"components": [tool]}}
    _with(meta, "properties", _props(props))
    stamp = timestamp()
    if stamp is not None:
        meta["timestamp"] = stamp.isoformat()
    return meta


def _unique_refs(nodes: Sequence[Doc]) -> None:
    """bom-refs are unique by construction (the library's outputter would rename a duplicate
    by comparing it with every other): a duplicate is a bug, as in ``Bom._get_all_components``
    (components and their nested components, and services; not pedigrees)."""
    seen: set[str] = set()
    stack = list(nodes)
    while stack:
        node = stack.pop()
        ref = node["bom-ref"]
        if ref in seen:
            raise BomError(None, f"aigate made a duplicate or empty bom-ref {ref!r} (a bug)")
        seen.add(ref)
        stack.extend(node.get("components", ()))


def document(inventory: Inventory, spec: str) -> Doc:
    """The CycloneDX JSON document of an inventory (modelCard included, no serialNumber)."""
    comps = sorted((bom_view(c) for c in inventory.components), key=lambda c: c.id)
    cards = {c.id: card for c in inventory.components if (card := model_card(c)) is not None}
    components = []
    for comp in comps:
        comp_doc = _component(comp)
        card = cards.get(comp.id)
        if card is not None:
            comp_doc["modelCard"] = card
        components.append(comp_doc)
    components = _library_order(components, _component_key)
    services = _library_order(
        (s for s in (_service(c) for c in comps) if s is not None), _service_key
    )
    meta = _metadata(inventory)
    _unique_refs([meta["component"], *components, *services])
    refs = sorted({meta["component"]["bom-ref"], *(n["bom-ref"] for n in (*components, *services))})
    doc: Doc = {
        "$schema": f"http://cyclonedx.org/schema/bom-{spec}.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": spec,
        "version": 1,
        "metadata": meta,
    }
    _with(doc, "components", components)
    _with(doc, "services", services)
    doc["dependencies"] = [{"ref": r} for r in refs]
    return doc
