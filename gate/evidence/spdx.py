"""Inventory → SPDX 3.0.1 JSON-LD with the AI and Dataset profiles.

Models (weights, runtime models, hosted APIs, coding assistants) become ``ai_AIPackage``,
datasets ``dataset_DatasetPackage``, SDKs ``software_Package``; lineage is a chain of
``descendantOf`` relationships, training data ``trainedOn``, licences ``hasDeclaredLicense``
/ ``hasConcludedLicense`` to SimpleLicensing expressions (exactly one of each per AI package,
as the AI profile's conformance rules ask).

The AI and Dataset profiles require fields a scan cannot always know (supplier, release time,
version). Unknown stays visibly unknown: an unknown supplier is ``NoAssertionElement``, an
unknown version ``NOASSERTION``, and an unknown release (or build) time is the document's
creation time, which is a true upper bound (the artefact existed when it was scanned); each
element says in its ``comment`` which required fields were filled that way.

Identifiers are derived from the content, and the only time is the caller's ``created``: the
same inventory and time give the same bytes.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from license_expression import ExpressionError, get_spdx_licensing

from gate import __version__, identity
from gate.errors import AigateError
from gate.evidence.attest import canonical_json, sha256_hex
from gate.model import Ancestor, Component, ComponentId, Inventory, Licence, Party, Role

SPEC_VERSION = "3.0.1"
CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
NO_ASSERTION_ELEMENT = "https://spdx.org/rdf/3.0.1/terms/Core/NoAssertionElement"
NO_ASSERTION_LICENSE = "https://spdx.org/rdf/3.0.1/terms/ExpandedLicensing/NoAssertionLicense"
NO_ASSERTION = "NOASSERTION"
PROFILES = ["ai", "core", "dataset", "simpleLicensing", "software"]

AI_REQUIRED = (
    "suppliedBy",
    "software_downloadLocation",
    "software_packageVersion",
    "software_primaryPurpose",
    "releaseTime",
)
"""AIPackage's external property restrictions in SPDX 3.0.1 (each minCount 1)."""
DATASET_REQUIRED = (
    "originatedBy",
    "software_downloadLocation",
    "software_primaryPurpose",
    "releaseTime",
    "builtTime",
    "dataset_datasetType",
)
"""DatasetPackage's required properties and external restrictions in SPDX 3.0.1."""

_AI_ROLES = (Role.EMBEDDED_WEIGHTS, Role.RUNTIME_MODEL, Role.HOSTED_API, Role.CODE_ASSISTANT)
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
_HASH_ALGS = {"SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512", "SHA-1": "sha1"}
_CREATION = "_:creationinfo"


def _check_created(created: str) -> str:
    if not _TIME.match(created):
        raise AigateError(
            f"SPDX creation time must be UTC like 2026-05-01T12:00:00Z, not {created!r}"
        )
    return created


@dataclass
class _Graph:
    """The elements being written, keyed by spdxId so shared ones are written once."""

    ns: str
    created: str
    elements: dict[str, dict[str, Any]] = field(default_factory=dict)
    relationships: dict[str, dict[str, Any]] = field(default_factory=dict)

    def iri(self, kind: str, key: str) -> str:
        return f"{self.ns}/{kind}/{quote(key, safe='')}"

    def add(self, element: dict[str, Any]) -> str:
        element.setdefault("creationInfo", _CREATION)
        self.elements.setdefault(element["spdxId"], element)
        return str(element["spdxId"])

    def relate(self, source: str, kind: str, targets: Iterable[str], comment: str = "") -> None:
        tos = sorted(set(targets))
        if not tos:
            return
        rid = self.iri("Relationship", f"{kind}-{sha256_hex(source.encode())[:16]}")
        if rid in self.relationships:
            merged = sorted(set(self.relationships[rid]["to"]) | set(tos))
            self.relationships[rid]["to"] = merged
            return
        rel: dict[str, Any] = {
            "type": "Relationship",
            "spdxId": rid,
            "creationInfo": _CREATION,
            "from": source,
            "relationshipType": kind,
            "to": tos,
        }
        if comment:
            rel["comment"] = comment
        self.relationships[rid] = rel


def _namespace(inventory: Inventory) -> str:
    """A document namespace that follows the content (like the BOM's serial number)."""
    summary = {
        "project": [inventory.project.name, inventory.project.version],
        "components": sorted(
            [c.id, c.version or "", [h.value for h in c.hashes]] for c in inventory.components
        ),
    }
    digest = uuid.uuid5(uuid.NAMESPACE_URL, canonical_json(summary).decode("utf-8"))
    name = quote(inventory.project.name, safe="")
    return f"https://spdx.org/spdxdocs/aigate-{name}-{digest}"


def _organisation(graph: _Graph, party: Party | None) -> str:
    if party is None:
        return NO_ASSERTION_ELEMENT
    notes = []
    if party.country:
        notes.append(f"country {party.country}")
    if party.parent:
        notes.append(f"controlled by {party.parent} ({party.parent_country or 'unknown'})")
    if party.provenance:
        notes.append("learned from " + "; ".join(str(p) for p in party.provenance))
    org: dict[str, Any] = {
        "type": "Organization",
        "spdxId": graph.iri("Organization", party.name),
        "name": party.name,
    }
    if notes:
        org["comment"] = ", ".join(notes)
    return graph.add(org)


_LICENSING = get_spdx_licensing()


def _licence_element(graph: _Graph, licence: Licence | None) -> str:
    if licence is None:
        return NO_ASSERTION_LICENSE
    text = licence.expression.strip()
    element: dict[str, Any] = {"type": "simplelicensing_LicenseExpression"}
    try:
        parsed = _LICENSING.parse(text, validate=False, strict=True)
        expression = str(parsed) if parsed is not None else ""
    except ExpressionError:
        expression = ""
    if not expression:
        # Not an SPDX expression (free text from a model card): keep it, under a LicenseRef.
        ref = "LicenseRef-aigate-unparsed-" + uuid.uuid5(uuid.NAMESPACE_URL, text).hex[:12]
        expression = ref
        element["comment"] = f"declared as free text: {text}"
    element["simplelicensing_licenseExpression"] = expression
    element["spdxId"] = graph.iri("LicenseExpression", expression)
    refs = sorted(set(re.findall(r"LicenseRef-[A-Za-z0-9.\-]+", expression)))
    if licence.url and refs:
        element["simplelicensing_customIdToUri"] = [
            {"type": "DictionaryEntry", "key": ref, "value": licence.url} for ref in refs
        ]
    if licence.name:
        element["name"] = licence.name
    return graph.add(element)


def _download_location(comp: Component) -> str | None:
    scheme = identity.scheme(comp.id)
    if scheme == "hf":
        repo, _ = identity.split_hf(comp.id)
        return f"https://huggingface.co/{repo}"
    if comp.id.startswith("dataset:hf:"):
        return f"https://huggingface.co/datasets/{comp.id.removeprefix('dataset:hf:')}"
    if comp.served_by is not None:
        return f"https://{comp.served_by.host}"
    if scheme == "ollama":
        return f"https://ollama.com/library/{comp.id.removeprefix('ollama:').split(':')[0]}"
    if comp.files:
        # Shipped inside the release: a relative reference to where it sits.
        return quote(comp.files[0].path)
    return None


def _hashes(comp: Component) -> list[dict[str, Any]]:
    values = {(_HASH_ALGS[h.alg], h.value.lower()) for h in comp.hashes if h.alg in _HASH_ALGS}
    values |= {("sha256", f.sha256.lower()) for f in comp.files if f.sha256}
    return [{"type": "Hash", "algorithm": alg, "hashValue": value} for alg, value in sorted(values)]


def _package(graph: _Graph, comp: Component, description: str = "") -> str:
    """One component as an AI, dataset or software package, with its required fields."""
    filled: list[str] = []
    element: dict[str, Any] = {
        "spdxId": graph.iri("Package", comp.id),
        "name": comp.name,
        "description": description or f"aigate component {comp.id} ({comp.role.value})",
    }
    location = _download_location(comp)
    if location:
        element["software_downloadLocation"] = location
    if comp.purl:
        element["software_packageUrl"] = comp.purl
    hashes = _hashes(comp)
    if hashes:
        element["verifiedUsing"] = hashes
    supplier = _organisation(graph, comp.publisher)
    if comp.role in _AI_ROLES:
        element["type"] = "ai_AIPackage"
        element["software_primaryPurpose"] = "model"
        element["suppliedBy"] = supplier
        element["software_packageVersion"] = comp.version or NO_ASSERTION
        architecture = comp.properties.get("architecture") or comp.properties.get("model_type")
        if architecture:
            element["ai_typeOfModel"] = [str(architecture)]
        task = comp.properties.get("pipeline_tag")
        if task:
            element["ai_domain"] = [str(task)]
        if comp.served_by is not None:
            served = comp.served_by
            element["ai_informationAboutApplication"] = (
                f"hosted model called at {served.host}, operated by"
                f" {served.operator or 'an unknown operator'} from {served.country or 'unknown'}"
            )
        if supplier == NO_ASSERTION_ELEMENT:
            filled.append("suppliedBy (unknown)")
        if not comp.version:
            filled.append("packageVersion (not pinned)")
    elif comp.role is Role.DATASET:
        element["type"] = "dataset_DatasetPackage"
        element["software_primaryPurpose"] = "data"
        element["originatedBy"] = [supplier]
        element["dataset_datasetType"] = ["noAssertion"]
        element["builtTime"] = graph.created
        filled.append("builtTime (unknown: set to the document's creation time)")
        if comp.version:
            element["software_packageVersion"] = comp.version
        if supplier == NO_ASSERTION_ELEMENT:
            filled.append("originatedBy (unknown)")
    else:
        element["type"] = "software_Package"
        element["software_primaryPurpose"] = "library"
        if comp.version:
            element["software_packageVersion"] = comp.version
        if comp.publisher is not None:
            element["suppliedBy"] = supplier
    if element["type"] != "software_Package":
        element["releaseTime"] = graph.created
        filled.append("releaseTime (unknown: set to the document's creation time, an upper bound)")
        if not location:
            element["software_downloadLocation"] = NO_ASSERTION
            filled.append("downloadLocation (unknown)")
    if filled:
        element["comment"] = "aigate: no assertion for " + "; ".join(filled)
    pid = graph.add(element)
    graph.relate(pid, "hasDeclaredLicense", [_licence_element(graph, comp.licence)])
    # aigate reads declared licences; it does not conclude one after legal review.
    graph.relate(pid, "hasConcludedLicense", [NO_ASSERTION_LICENSE])
    return pid


def _ancestor(graph: _Graph, anc: Ancestor, known: dict[ComponentId, str]) -> str:
    if anc.id in known:
        return known[anc.id]
    stub = Component(id=anc.id, role=Role.RUNTIME_MODEL, name=anc.name, publisher=anc.publisher)
    pid = _package(graph, stub, f"base model {anc.id}, known from lineage")
    known[anc.id] = pid
    return pid


def write_spdx(inventory: Inventory, *, created: str) -> str:
    """The inventory as an SPDX 3.0.1 JSON-LD document (deterministic, newline-terminated)."""
    graph = _Graph(ns=_namespace(inventory), created=_check_created(created))
    agent = graph.add(
        {"type": "SoftwareAgent", "spdxId": graph.iri("Agent", "aigate"), "name": "aigate"}
    )
    tool = graph.add(
        {
            "type": "Tool",
            "spdxId": graph.iri("Tool", f"aigate-{__version__}"),
            "name": f"aigate {__version__}",
        }
    )
    project = inventory.project
    root_element: dict[str, Any] = {
        "type": "software_Package",
        "spdxId": graph.iri("Project", project.name),
        "name": project.name,
        "software_primaryPurpose": "application",
    }
    if project.version:
        root_element["software_packageVersion"] = project.version
    root = graph.add(root_element)

    known: dict[ComponentId, str] = {}
    for comp in sorted(inventory.components, key=lambda c: c.id):
        known[comp.id] = _package(graph, comp)
    for comp in sorted(inventory.components, key=lambda c: c.id):
        pid = known[comp.id]
        if comp.role is Role.CODE_ASSISTANT:
            graph.relate(root, "usesTool", [pid], "AI coding assistant used to write the code")
        elif comp.role is not Role.DATASET:
            graph.relate(root, "dependsOn", [pid])
        datasets = []
        for did in comp.datasets:
            if did not in known:
                stub = Component(id=did, role=Role.DATASET, name=did.split(":", 2)[-1])
                known[did] = _package(graph, stub, f"dataset {did}, declared by a model card")
            datasets.append(known[did])
        graph.relate(pid, "trainedOn", datasets)
        child = pid
        for anc in sorted(comp.lineage, key=lambda a: a.depth):
            parent = _ancestor(graph, anc, known)
            learned = "; ".join(str(p) for p in anc.provenance)
            graph.relate(child, "descendantOf", [parent], f"{anc.relation}; learned from {learned}")
            child = parent

    members = sorted([*graph.elements, *graph.relationships])
    bom = graph.add(
        {
            "type": "software_Sbom",
            "spdxId": graph.iri("Sbom", project.name),
            "profileConformance": PROFILES,
            "rootElement": [root],
            "element": members,
            "software_sbomType": ["analyzed"],
        }
    )
    document = {
        "type": "SpdxDocument",
        "spdxId": graph.ns,
        "creationInfo": _CREATION,
        "name": f"AI bill of materials of {project.name}",
        "profileConformance": PROFILES,
        "rootElement": [bom],
        "element": sorted([*members, bom]),
    }
    creation = {
        "type": "CreationInfo",
        "@id": _CREATION,
        "specVersion": SPEC_VERSION,
        "created": graph.created,
        "createdBy": [agent],
        "createdUsing": [tool],
    }
    nodes = [creation, document]
    nodes += [graph.elements[k] for k in sorted(graph.elements)]
    nodes += [graph.relationships[k] for k in sorted(graph.relationships)]
    doc = {"@context": CONTEXT, "@graph": nodes}
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def conformance_problems(document: dict[str, Any]) -> list[str]:
    """What an SPDX 3.0.1 document lacks for the AI and Dataset profiles.

    The profiles' required fields are "external property restrictions" that the SHACL model
    (and so generic validators) does not encode; this checks them, and the AI profile's rule
    of exactly one declared and one concluded licence per AI package.
    """
    problems: list[str] = []
    nodes = [n for n in document.get("@graph", []) if isinstance(n, dict)]
    rels: dict[tuple[str, str], int] = {}
    for n in nodes:
        if n.get("type") == "Relationship":
            key = (str(n.get("from")), str(n.get("relationshipType")))
            rels[key] = rels.get(key, 0) + len(n.get("to", []))
    for n in nodes:
        kind, sid = n.get("type"), n.get("spdxId")
        required = {"ai_AIPackage": AI_REQUIRED, "dataset_DatasetPackage": DATASET_REQUIRED}.get(
            str(kind), ()
        )
        problems += [f"{sid}: {kind} lacks {name}" for name in required if not n.get(name)]
        if kind == "ai_AIPackage":
            for rel in ("hasDeclaredLicense", "hasConcludedLicense"):
                if rels.get((str(sid), rel), 0) != 1:
                    problems.append(f"{sid}: needs exactly one {rel} relationship")
    return problems
