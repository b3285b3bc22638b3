"""Inventory ⇄ CycloneDX (1.6 by default, 1.7 on request), JSON and XML.

Writing goes through cyclonedx-python-lib; ``modelCard`` (which the library lacks) is added
to the serialised document, and every BOM is validated against the official schema before
it is returned: an invalid BOM is a bug, raised as :class:`gate.errors.BomError`.

Output is deterministic: components sorted by identity, explicit bom-refs, a serial number
derived from the content, and a timestamp only when ``SOURCE_DATE_EPOCH`` is set. A coding
assistant's commit history is capped in the BOM (see :func:`bom_view`), not in the inventory.

Reading accepts aigate's own BOMs losslessly and BOMs from other tools (cdxgen,
cyclonedx-py, …) with warnings for what they lack.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from itertools import chain
from pathlib import Path
from typing import Any

from cyclonedx.model import ExternalReference, ExternalReferenceType, HashType, Property, XsUri
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component as CdxComponent
from cyclonedx.model.component import ComponentType, Pedigree
from cyclonedx.model.component_evidence import (
    AnalysisTechnique,
    ComponentEvidence,
    Identity,
    IdentityField,
    Method,
    Occurrence,
)
from cyclonedx.model.contact import OrganizationalEntity, PostalAddress
from cyclonedx.model.dependency import Dependency
from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression
from cyclonedx.model.service import Service
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.schema.schema import SCHEMA_VERSIONS
from packageurl import PackageURL

from gate import __version__, files, identity
from gate.authored.summary import bom_authored
from gate.bom import validate as bom_validate
from gate.bom.properties import Prop
from gate.errors import AigateError, BomError
from gate.model import (
    Ancestor,
    Component,
    ComponentId,
    Confidence,
    Evidence,
    EvidenceKind,
    FactSource,
    Hash,
    Inventory,
    Licence,
    LicenceCategory,
    Location,
    Party,
    Project,
    Provenance,
    Risk,
    Role,
    ServedBy,
    Skipped,
    WeightFile,
)
from gate.recognise import Serving, Site, SiteKind, knowledge, recognise
from gate.resolve import endpoints

SPEC_VERSIONS = {"1.6": SchemaVersion.V1_6, "1.7": SchemaVersion.V1_7}
FORMATS = ("json", "xml")
_CDX_NS = "http://cyclonedx.org/schema/bom/"

_CONFIDENCE_VALUE = {Confidence.HIGH: "1.0", Confidence.MEDIUM: "0.7", Confidence.LOW: "0.3"}
_TECHNIQUE = {
    EvidenceKind.WEIGHT_FILE: AnalysisTechnique.BINARY_ANALYSIS,
    EvidenceKind.MODEL_CARD: AnalysisTechnique.MANIFEST_ANALYSIS,
    EvidenceKind.CODE_REF: AnalysisTechnique.SOURCE_CODE_ANALYSIS,
    EvidenceKind.API_REF: AnalysisTechnique.SOURCE_CODE_ANALYSIS,
    EvidenceKind.OLLAMA_REF: AnalysisTechnique.MANIFEST_ANALYSIS,
    EvidenceKind.CONFIG_REF: AnalysisTechnique.MANIFEST_ANALYSIS,
    EvidenceKind.DATASET_REF: AnalysisTechnique.SOURCE_CODE_ANALYSIS,
    EvidenceKind.DEPENDENCY: AnalysisTechnique.MANIFEST_ANALYSIS,
    EvidenceKind.ASSISTANT_COMMIT: AnalysisTechnique.OTHER,
    EvidenceKind.ASSISTANT_CONFIG: AnalysisTechnique.MANIFEST_ANALYSIS,
}
_COMPONENT_TYPE = {
    Role.EMBEDDED_WEIGHTS: ComponentType.MACHINE_LEARNING_MODEL,
    Role.RUNTIME_MODEL: ComponentType.MACHINE_LEARNING_MODEL,
    Role.HOSTED_API: ComponentType.MACHINE_LEARNING_MODEL,
    Role.CODE_ASSISTANT: ComponentType.APPLICATION,
    Role.DATASET: ComponentType.DATA,
    Role.SDK: ComponentType.LIBRARY,
}


# --------------------------------------------------------------------------------------
# writing


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _sources(prov: Sequence[Provenance]) -> str:
    return _json([[p.source.value, p.detail] for p in prov])


def _props(pairs: Iterable[tuple[str, str | None]]) -> list[Property]:
    return [Property(name=k, value=v) for k, v in pairs if v is not None]


def _org(party: Party | None) -> OrganizationalEntity | None:
    if party is None:
        return None
    address = PostalAddress(country=party.country) if party.country else None
    return OrganizationalEntity(name=party.name, address=address)


def _party_props(party: Party | None) -> list[tuple[str, str | None]]:
    if party is None:
        return []
    return [
        (Prop.PUBLISHER_PARENT, party.parent),
        (Prop.PUBLISHER_PARENT_COUNTRY, party.parent_country),
        (Prop.PUBLISHER_SOURCES, _sources(party.provenance) if party.provenance else None),
        (Prop.PUBLISHER_ENTITY_LISTED, "true" if party.entity_listed else None),
    ]


def _licences(licence: Licence | None) -> list[LicenseExpression | DisjunctiveLicense]:
    if licence is None:
        return []
    expr = licence.expression
    if licence.category is LicenceCategory.UNKNOWN and not expr.startswith("LicenseRef-"):
        # Not understood (yet): keep the text as a name, never as a bogus SPDX id.
        return [DisjunctiveLicense(name=licence.name or expr)]
    if " " in expr:
        return [LicenseExpression(expr)]
    if expr.startswith("LicenseRef-"):
        # A LicenseRef is valid in an expression, not as a license id.
        return [LicenseExpression(expr)]
    return [DisjunctiveLicense(id=expr)]


def _licence_props(licence: Licence | None) -> list[tuple[str, str | None]]:
    if licence is None:
        return []
    return [
        (Prop.LICENCE_EXPRESSION, licence.expression),
        (Prop.LICENCE_NAME, licence.name),
        (Prop.LICENCE_URL, licence.url),
        (Prop.LICENCE_CATEGORY, licence.category.value),
        (
            Prop.LICENCE_OBLIGATIONS,
            _json(list(licence.obligations)) if licence.obligations else None,
        ),
        (Prop.LICENCE_SOURCES, _sources(licence.provenance) if licence.provenance else None),
    ]


def _ancestor(owner: ComponentId, anc: Ancestor) -> CdxComponent:
    purl = None
    if identity.scheme(anc.id) == "hf":
        repo, rev = identity.split_hf(anc.id)
        namespace, _, name = repo.rpartition("/")
        purl = PackageURL("huggingface", namespace or None, name, rev)
    props = [
        (Prop.ID, anc.id),
        (Prop.RELATION, anc.relation),
        (Prop.DEPTH, str(anc.depth)),
        (Prop.SOURCES, _sources(anc.provenance) if anc.provenance else None),
        *_party_props(anc.publisher),
    ]
    return CdxComponent(
        name=anc.name,
        type=ComponentType.MACHINE_LEARNING_MODEL,
        bom_ref=f"{owner}#ancestor:{anc.depth}:{anc.id}",
        manufacturer=_org(anc.publisher),
        purl=purl,
        properties=_props(props),
    )


def _file(owner: ComponentId, wf: WeightFile) -> CdxComponent:
    hashes = [HashType.from_composite_str(f"sha256:{wf.sha256}")] if wf.sha256 else []
    return CdxComponent(
        name=wf.path,
        type=ComponentType.FILE,
        bom_ref=f"{owner}#file:{wf.path}",
        hashes=hashes,
        properties=_props(
            [
                (Prop.FORMAT, wf.format),
                (Prop.SIZE, str(wf.size)),
                (Prop.METADATA, _json(dict(wf.metadata)) if wf.metadata else None),
            ]
        ),
    )


def _occurrence(ev: Evidence, ref: str) -> Occurrence:
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
    location = loc.path or (f"git:{loc.commit}" if loc.commit else ".")
    # A bom-ref of its own: without one the library orders occurrences by set iteration
    # (its comparison treats every unset ref as incomparable), so output bytes would vary.
    return Occurrence(
        bom_ref=ref,
        location=location,
        line=loc.line,
        offset=loc.column,
        additional_context=_json(context),
    )


def _evidence(comp: Component) -> ComponentEvidence | None:
    if not comp.evidence:
        return None
    best = max(comp.evidence, key=lambda e: _CONFIDENCE_VALUE[e.confidence])
    methods = sorted(
        {
            (_TECHNIQUE[e.kind], _CONFIDENCE_VALUE[e.confidence], e.as_written[:200])
            for e in comp.evidence
        },
        key=lambda m: (m[0].value, m[1], m[2]),
    )
    ident = Identity(
        field=IdentityField.PURL if comp.purl else IdentityField.NAME,
        confidence=Decimal(_CONFIDENCE_VALUE[best.confidence]),
        concluded_value=comp.purl or comp.id,
        methods=[Method(technique=t, confidence=Decimal(c), value=v) for t, c, v in methods[:20]],
    )
    return ComponentEvidence(
        identity=[ident],
        occurrences=[
            _occurrence(e, f"{comp.id}#evidence:{i:06d}") for i, e in enumerate(comp.evidence)
        ],
    )


def _component(comp: Component) -> CdxComponent:
    props: list[tuple[str, str | None]] = [
        (Prop.ID, comp.id),
        (Prop.ROLE, comp.role.value),
        (Prop.PINNED, None if comp.pinned is None else str(comp.pinned).lower()),
        *_party_props(comp.publisher),
        *_licence_props(comp.licence),
    ]
    if comp.served_by is not None:
        sb = comp.served_by
        props += [
            (Prop.SERVED_BY_HOST, sb.host),
            (Prop.SERVED_BY_OPERATOR, sb.operator),
            (Prop.SERVED_BY_COUNTRY, sb.country),
            (Prop.SERVED_BY_SOURCES, _sources(sb.provenance) if sb.provenance else None),
            (Prop.SERVED_BY_REGION, sb.region),
            (Prop.SERVED_BY_REGION_COUNTRY, sb.region_country),
        ]
    for risk in comp.risks:
        props.append(
            (
                Prop.RISK,
                _json(
                    {
                        "kind": risk.kind,
                        "detail": risk.detail,
                        "severity": risk.severity,
                        "location": _location_json(risk.location),
                    }
                ),
            )
        )
    props += [(Prop.DATASET, d) for d in comp.datasets]
    props += [(f"{Prop.FACT}{k}", _json(v)) for k, v in sorted(comp.properties.items())]
    purl = PackageURL.from_string(comp.purl) if comp.purl else None
    pedigree = (
        Pedigree(ancestors=[_ancestor(comp.id, a) for a in comp.lineage]) if comp.lineage else None
    )
    refs = []
    if identity.scheme(comp.id) == "hf":
        repo, _ = identity.split_hf(comp.id)
        refs.append(
            ExternalReference(
                type=ExternalReferenceType.DISTRIBUTION,
                url=XsUri(f"https://huggingface.co/{repo}"),
            )
        )
    return CdxComponent(
        name=comp.name,
        group=comp.group,
        version=comp.version,
        type=_COMPONENT_TYPE[comp.role],
        bom_ref=comp.id,
        manufacturer=_org(comp.publisher),
        purl=purl,
        hashes=[
            HashType.from_composite_str(f"{h.alg.replace('-', '').lower()}:{h.value}")
            for h in comp.hashes
        ],
        licenses=_licences(comp.licence),
        pedigree=pedigree,
        components=[_file(comp.id, f) for f in comp.files],
        evidence=_evidence(comp),
        external_references=refs,
        properties=_props(props),
    )


def _location_json(loc: Location | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    out: dict[str, Any] = {"path": loc.path}
    for key in ("line", "column", "commit", "context"):
        value = getattr(loc, key)
        if value is not None:
            out[key] = value
    return out


def _service(comp: Component) -> Service | None:
    if comp.role is not Role.HOSTED_API or comp.served_by is None:
        return None
    sb = comp.served_by
    provider = OrganizationalEntity(
        name=sb.operator or sb.host,
        address=PostalAddress(country=sb.country) if sb.country else None,
    )
    urls = [XsUri(e) for e in comp.properties.get("endpoints", []) if "://" in str(e)]
    return Service(
        name=f"{comp.name} @ {sb.host}",
        bom_ref=f"{comp.id}#service",
        provider=provider,
        group=comp.group,
        endpoints=urls or None,
        properties=_props([(Prop.ID, comp.id)]),
    )


def _metadata(inventory: Inventory) -> BomMetaData:
    project = inventory.project
    root = CdxComponent(
        name=project.name,
        version=project.version,
        type=ComponentType.APPLICATION,
        bom_ref=f"project:{project.name}",
        properties=_props([(Prop.PROJECT_ROOT, project.root)]),
    )
    scanned = inventory.files_scanned
    props: list[tuple[str, str | None]] = [
        (Prop.FILES_SCANNED, None if scanned is None else str(scanned))
    ]
    props += [
        (Prop.SKIPPED, _json({"path": s.path, "reason": s.reason})) for s in inventory.skipped
    ]
    props += [(Prop.NOTE, n) for n in inventory.notes]
    props += [(f"{Prop.INVENTORY}{k}", _json(v)) for k, v in sorted(inventory.properties.items())]
    meta = BomMetaData(component=root, properties=_props(props))
    meta.tools.components.add(
        CdxComponent(
            name="aigate",
            version=__version__,
            type=ComponentType.APPLICATION,
            bom_ref="tool:aigate",
        )
    )
    return meta


def _timestamp() -> datetime | None:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    except (ValueError, OverflowError) as exc:
        raise BomError("SOURCE_DATE_EPOCH", f"not a Unix timestamp: {epoch!r}") from exc


def _model_card(comp: Component) -> dict[str, Any] | None:
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


BOM_MAX_ASSISTANT_COMMITS = 100
"""Commits of one coding assistant kept in the BOM (the most recent; the count stays exact)."""
BOM_MAX_ASSISTANT_PATHS = 100
"""Paths of one coding assistant's ``path_counts`` kept in the BOM (the most touched)."""
BOM_MAX_COMMIT_PATHS = 20
"""Paths listed per kept commit in the BOM."""


def _newest_first(commit: Mapping[str, Any]) -> tuple[float, str]:
    try:
        stamp = datetime.fromisoformat(str(commit.get("date"))).timestamp()
    except ValueError:
        stamp = float("-inf")
    return (-stamp, str(commit.get("sha", "")))


def _cap_commit(commit: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(commit)
    paths = out.get("paths")
    if isinstance(paths, list) and len(paths) > BOM_MAX_COMMIT_PATHS:
        out["paths"] = paths[:BOM_MAX_COMMIT_PATHS]
        out["paths_total"] = len(paths)
    return out


def _cap_payload(
    payload: Mapping[str, Any], keep: set[str] | None, paths_max: int = BOM_MAX_ASSISTANT_PATHS
) -> dict[str, Any]:
    out = dict(payload)
    commits = [c for c in out.get("commits") or [] if isinstance(c, Mapping)]
    if keep is not None:
        commits = [c for c in commits if c.get("sha") in keep]
    out["commits"] = [_cap_commit(c) for c in commits]
    counts = out.get("path_counts")
    if isinstance(counts, Mapping) and len(counts) > paths_max:
        top = sorted(counts.items(), key=lambda kv: (-int(kv[1]), str(kv[0])))
        out["path_counts"] = dict(sorted(top[:paths_max]))
    return out


def bom_view(comp: Component) -> Component:
    """What of a component goes into the BOM: a coding assistant's history is capped.

    A long history must not make a huge BOM: the BOM keeps the most recent
    :data:`BOM_MAX_ASSISTANT_COMMITS` commits (and their evidence), the
    :data:`BOM_MAX_ASSISTANT_PATHS` most touched paths and :data:`BOM_MAX_COMMIT_PATHS`
    paths per commit, and says so in ``bom_cap`` with the totals. ``commit_count`` stays
    exact; the inventory, the policy input and the JSON report keep everything.
    """
    payload = comp.properties.get("assistant")
    if comp.role is not Role.CODE_ASSISTANT or not isinstance(payload, Mapping):
        return comp
    if isinstance(payload.get("authored"), Mapping):
        # The AI-authored lines ride along, capped the same way (gate/authored/summary.py).
        payload = {**payload, "authored": bom_authored(payload["authored"])}
        comp = replace(comp, properties={**comp.properties, "assistant": payload})
    commits = [c for c in payload.get("commits") or [] if isinstance(c, Mapping)]
    counts = payload.get("path_counts") or {}
    too_long = any(len(c.get("paths") or ()) > BOM_MAX_COMMIT_PATHS for c in commits)
    if (
        len(commits) <= BOM_MAX_ASSISTANT_COMMITS
        and len(counts) <= BOM_MAX_ASSISTANT_PATHS
        and not too_long
    ):
        return comp
    kept = {
        str(c.get("sha")) for c in sorted(commits, key=_newest_first)[:BOM_MAX_ASSISTANT_COMMITS]
    }
    capped = _cap_payload(payload, kept)
    capped["bom_cap"] = {
        "commits_total": len(commits),
        "commits_kept": len(capped["commits"]),
        "paths_total": len(counts),
        "paths_kept": len(capped.get("path_counts") or {}),
        "commit_paths_max": BOM_MAX_COMMIT_PATHS,
    }
    evidence = []
    for ev in comp.evidence:
        if ev.kind is EvidenceKind.ASSISTANT_COMMIT:
            if ev.location.commit not in kept:
                continue
            inner = ev.attributes.get("assistant")
            if isinstance(inner, Mapping):
                ev = replace(
                    ev,
                    attributes={
                        **ev.attributes,
                        "assistant": _cap_payload(inner, None, BOM_MAX_COMMIT_PATHS),
                    },
                )
        evidence.append(ev)
    return replace(
        comp,
        properties={**comp.properties, "assistant": capped},
        evidence=tuple(evidence),
    )


def build_bom(inventory: Inventory) -> Bom:
    """The cyclonedx-python-lib Bom of an inventory (without modelCard, see ``write_bom``)."""
    comps = sorted((bom_view(c) for c in inventory.components), key=lambda c: c.id)
    services = [s for s in (_service(c) for c in comps) if s is not None]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bom = Bom(
            components=[_component(c) for c in comps],
            services=services,
            metadata=_metadata(inventory),
            serial_number=uuid.UUID(int=0),
        )
    bom.metadata.timestamp = _timestamp()  # type: ignore[assignment]
    return bom


def write_bom(inventory: Inventory, *, fmt: str = "json", spec: str = "1.6") -> str:
    """Serialise an inventory as a schema-valid CycloneDX document (JSON or XML)."""
    if fmt not in FORMATS:
        raise BomError(None, f"unknown BOM format {fmt!r} (choose json or xml)")
    if spec not in SPEC_VERSIONS:
        raise BomError(None, f"unsupported CycloneDX spec version {spec!r} (choose 1.6 or 1.7)")
    version = SPEC_VERSIONS[spec]
    bom = build_bom(inventory)
    cards: dict[str, dict[str, Any]] = {
        c.id: card for c in inventory.components if (card := _model_card(c)) is not None
    }
    _register_dependencies(bom)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if fmt == "json":
            doc = _as_json(bom, version)
        else:
            text = make_outputter(bom, OutputFormat.XML, version).output_as_string(indent=2)
    del bom  # the library's model of every component: not needed for the text
    if fmt == "json":
        text = _finish_json(doc, cards)
        problem = bom_validate.validate_document(doc, spec=spec)
    else:
        text = _finish_xml(text, cards, spec)
        problem = validate(text, fmt=fmt, spec=spec)
    if problem:
        raise BomError(
            None,
            f"aigate produced an invalid CycloneDX {spec} BOM: {problem}",
            hint="this is a bug in aigate; please report it with the input",
        )
    return text


def _serial(text: str) -> str:
    return f"urn:uuid:{uuid.UUID(bytes=hashlib.sha256(text.encode()).digest()[:16], version=5)}"


def _register_dependencies(bom: Bom) -> None:
    """Every component and service a node of the dependency graph, in one go.

    The library's outputter calls ``Bom.validate``, which registers them one by one, each
    with a linear search of the graph (4.5 million calls at 3,000 references). JSON output
    (``_as_json``) skips that step; XML output still goes through the outputter.
    """
    nodes = [bom.metadata.component] if bom.metadata.component else []
    nodes += [*bom.components, *bom.services]
    bom.dependencies = [Dependency(ref=n.bom_ref) for n in nodes]


def _as_json(bom: Bom, version: SchemaVersion) -> dict[str, Any]:
    """The Bom as the library's JSON outputter writes it, without its quadratic steps.

    The outputter validates the model (``Bom.validate``: dependency nodes, checked above in
    one go, and no licence expression beside other licences, which ``_licences`` never
    writes) and makes bom-refs unique by comparing each with a list of all before it;
    aigate's bom-refs are unique by construction, so a duplicate is an error here.
    """
    seen: set[str] = set()
    for node in chain(bom._get_all_components(), bom.services):
        ref = node.bom_ref.value
        if ref is None or ref in seen:
            raise BomError(None, f"aigate made a duplicate or empty bom-ref {ref!r} (a bug)")
        seen.add(ref)
    view = SCHEMA_VERSIONS[version]
    doc: dict[str, Any] = json.loads(bom.as_json(view_=view))  # type: ignore[attr-defined]
    doc.update(
        {
            "$schema": f"http://cyclonedx.org/schema/bom-{version.to_version()}.schema.json",
            "bomFormat": "CycloneDX",
            "specVersion": version.to_version(),
        }
    )
    return doc


def _finish_json(doc: dict[str, Any], cards: Mapping[str, dict[str, Any]]) -> str:
    if not os.environ.get("SOURCE_DATE_EPOCH"):
        doc.get("metadata", {}).pop("timestamp", None)
    for comp in doc.get("components", []):
        card = cards.get(comp.get("bom-ref", ""))
        if card is not None:
            comp["modelCard"] = card
    doc.pop("serialNumber", None)
    body = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)
    doc["serialNumber"] = _serial(body)
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _finish_xml(text: str, cards: Mapping[str, dict[str, Any]], spec: str) -> str:
    ns = f"{_CDX_NS}{spec}"
    ET.register_namespace("", ns)
    root = ET.fromstring(text)
    meta = root.find(f"{{{ns}}}metadata")
    if meta is not None and not os.environ.get("SOURCE_DATE_EPOCH"):
        stamp = meta.find(f"{{{ns}}}timestamp")
        if stamp is not None:
            meta.remove(stamp)
    comps = root.find(f"{{{ns}}}components")
    for comp in comps if comps is not None else []:
        card = cards.get(comp.get("bom-ref", ""))
        if card is None:
            continue
        elem = ET.Element(f"{{{ns}}}modelCard", {"bom-ref": card["bom-ref"]})
        params = ET.SubElement(elem, f"{{{ns}}}modelParameters")
        for key in ("task", "architectureFamily", "modelArchitecture"):
            if key in card["modelParameters"]:
                ET.SubElement(params, f"{{{ns}}}{key}").text = card["modelParameters"][key]
        if "datasets" in card["modelParameters"]:
            datasets = ET.SubElement(params, f"{{{ns}}}datasets")
            for ds in card["modelParameters"]["datasets"]:
                data = ET.SubElement(datasets, f"{{{ns}}}dataset")
                ET.SubElement(data, f"{{{ns}}}type").text = ds["type"]
                ET.SubElement(data, f"{{{ns}}}name").text = ds["name"]
        # XSD order: ... evidence, releaseNotes, modelCard, data, cryptoProperties, tags
        after = {"data", "cryptoProperties", "tags", "signature"}
        index = len(comp)
        for i, child in enumerate(comp):
            if child.tag.split("}")[-1] in after:
                index = i
                break
        comp.insert(index, elem)
    root.attrib.pop("serialNumber", None)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    root.set("serialNumber", _serial(body))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def validate(text: str, *, fmt: str = "json", spec: str = "1.6") -> str | None:
    """Validate a CycloneDX document against the official schema; the problem or None."""
    return bom_validate.validate(text, fmt=fmt, spec=spec)


# --------------------------------------------------------------------------------------
# reading


@dataclass(frozen=True, slots=True)
class BomRead:
    """A BOM read into an inventory, with what it lacks and which components aigate did not
    make (their facts are what the BOM states; :func:`gate.pipeline.load_bom` resolves the
    rest)."""

    path: Path
    inventory: Inventory
    warnings: tuple[str, ...]
    """Problems of the document itself (old spec, duplicates); not the foreign warning."""
    foreign: tuple[ComponentId, ...] = ()
    """Components (and services) another tool made: no ``aigate:id``."""

    def foreign_warning(self, resolved: Inventory | None = None) -> str | None:
        """What the foreign components lack; with ``resolved``, what aigate filled in."""
        if not self.foreign:
            return None
        foreign = frozenset(self.foreign)  # a set: 10,000 ids against a tuple took 28 s
        before = [c for c in self.inventory.components if c.id in foreign]
        lacking = what_foreign_lacks(before) or "aigate's provenance properties"
        text = (
            f"{self.path}: {len(before)} component(s) were not made by aigate; they lack {lacking}"
        )
        if resolved is None:
            return text + ": policies treat those facts as unknown"
        text += "; aigate resolved them from their identities and endpoints with its registry"
        still = what_foreign_lacks([c for c in resolved.components if c.id in foreign])
        return f"{text}; still unknown: {still}" if still else text


def read_bom(path: Path) -> tuple[Inventory, list[str]]:
    """Load a CycloneDX BOM (JSON or XML) into an Inventory; warnings say what it lacks.

    The inventory holds exactly what the BOM states (aigate's own BOMs read back losslessly);
    :func:`gate.pipeline.load_bom` also resolves what another tool's BOM leaves out.
    """
    read = read_bom_detail(path)
    warning = read.foreign_warning()
    return read.inventory, [*read.warnings, *([warning] if warning else [])]


MAX_BOM_DEPTH = 100
"""JSON nesting a BOM may have; deeper documents would exhaust the schema validator's stack."""


def _depth_beyond(doc: Any, limit: int) -> int | None:
    """The nesting depth of a parsed document when it exceeds ``limit`` (an iterative walk)."""
    stack: list[tuple[Any, int]] = [(doc, 1)]
    deepest = 0
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values() if isinstance(v, dict | list))
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value if isinstance(v, dict | list))
    return deepest if deepest > limit else None


def _bom_error(display: str, problem: str) -> BomError:
    return BomError(display, f"cannot read BOM: {problem}")


def read_bom_detail(path: Path) -> BomRead:
    """Load a CycloneDX BOM and say which of its components another tool made."""
    raw = files.read_bounded(path, files.MAX_BOM_FILE, error=_bom_error)
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    stripped = text.lstrip()
    if stripped.startswith("<"):
        doc = _xml_to_dict(path, text)
    else:
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as exc:
            raise BomError(path, f"not JSON: {exc.msg}", line=exc.lineno) from exc
        except RecursionError as exc:
            raise BomError(path, "not JSON aigate can read: nested too deeply") from exc
        if not isinstance(loaded, dict):
            raise BomError(path, "not a CycloneDX BOM (the document is not a JSON object)")
        doc = loaded
    if doc.get("bomFormat") != "CycloneDX":
        raise BomError(path, "not a CycloneDX BOM (bomFormat is not 'CycloneDX')")
    if (depth := _depth_beyond(doc, MAX_BOM_DEPTH)) is not None:
        raise BomError(
            path,
            f"nested deeper than {MAX_BOM_DEPTH} levels ({depth}): not read (real BOMs nest"
            " components a few levels deep)",
        )
    spec = str(doc.get("specVersion", ""))
    warns: list[str] = []
    _check_nesting(path, doc)
    if spec in SPEC_VERSIONS and not stripped.startswith("<"):
        problem = bom_validate.validate_document(doc, spec=spec)
        if problem:
            raise BomError(path, f"invalid CycloneDX {spec}: {problem}")
    elif spec not in SPEC_VERSIONS:
        if spec not in ("1.4", "1.5"):
            raise BomError(path, f"unsupported CycloneDX specVersion {spec!r}")
        warns.append(f"{path}: CycloneDX {spec} predates ML-BOM fields aigate relies on")
    inventory, foreign = _read_document(path, doc, warns)
    return BomRead(path, inventory, tuple(warns), foreign)


MAX_NESTING = 32
"""Components inside components (or pedigrees) deeper than this are refused: real BOMs nest
a few levels, and reading deeper would exhaust the stack rather than say what is wrong."""


def _check_nesting(path: Path, doc: Mapping[str, Any]) -> None:
    stack: list[tuple[Any, int]] = [(doc, 0)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, Mapping):
            continue
        if depth > MAX_NESTING:
            raise BomError(
                path,
                f"components are nested more than {MAX_NESTING} deep"
                " (inside components or pedigrees): aigate does not read such a BOM",
            )
        children: list[Any] = []
        for key in ("components", "services"):
            value = node.get(key)
            if isinstance(value, list):
                children.extend(value)
        pedigree = node.get("pedigree")
        if isinstance(pedigree, Mapping):
            for key in ("ancestors", "descendants", "variants"):
                value = pedigree.get(key)
                if isinstance(value, list):
                    children.extend(value)
        stack.extend((child, depth + 1) for child in children)


def _xml_to_dict(path: Path, text: str) -> dict[str, Any]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            root = ET.fromstring(text)
            ns = root.tag.split("}")[0].strip("{")
            spec = ns.rsplit("/", 1)[-1]
            if spec not in SPEC_VERSIONS:
                raise BomError(path, f"unsupported CycloneDX XML namespace {ns!r}")
            problem = validate(text, fmt="xml", spec=spec)
            if problem:
                raise BomError(path, f"invalid CycloneDX {spec} XML: {problem}")
            bom = Bom.from_xml(root)  # type: ignore[attr-defined]
            as_json = make_outputter(bom, OutputFormat.JSON, SPEC_VERSIONS[spec]).output_as_string()
    except ET.ParseError as exc:
        raise BomError(path, f"not well-formed XML: {exc}") from exc
    except BomError:
        raise
    except Exception as exc:  # the library raises many kinds on foreign input
        raise BomError(path, f"cannot read CycloneDX XML: {exc}") from exc
    doc: dict[str, Any] = json.loads(as_json)
    return doc


def _prop_map(obj: Mapping[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for prop in obj.get("properties", []) or []:
        if isinstance(prop, Mapping) and "name" in prop:
            out.setdefault(str(prop["name"]), []).append(str(prop.get("value", "")))
    return out


def _one(props: Mapping[str, list[str]], key: str) -> str | None:
    values = props.get(key)
    return values[0] if values else None


def _prov(raw: str | None) -> tuple[Provenance, ...]:
    if not raw:
        return ()
    try:
        pairs = json.loads(raw)
        return tuple(Provenance(FactSource(s), d) for s, d in pairs)
    except (ValueError, TypeError):
        return (Provenance(FactSource.BOM, raw),)


def _party(
    obj: Mapping[str, Any] | None, props: Mapping[str, list[str]], stated_by: str | None = None
) -> Party | None:
    if not obj or not obj.get("name"):
        return None
    address = obj.get("address") or {}
    provenance = _prov(_one(props, Prop.PUBLISHER_SOURCES))
    if not provenance and stated_by:
        provenance = (Provenance(FactSource.BOM, stated_by),)
    return Party(
        name=str(obj["name"]),
        country=address.get("country"),
        parent=_one(props, Prop.PUBLISHER_PARENT),
        parent_country=_one(props, Prop.PUBLISHER_PARENT_COUNTRY),
        provenance=provenance,
        entity_listed=_one(props, Prop.PUBLISHER_ENTITY_LISTED) == "true",
    )


def _foreign_identity(comp: Mapping[str, Any]) -> ComponentId:
    purl = comp.get("purl")
    if isinstance(purl, str) and purl.startswith("pkg:"):
        try:
            parsed = PackageURL.from_string(purl)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.type == "huggingface":
            repo = f"{parsed.namespace}/{parsed.name}" if parsed.namespace else parsed.name
            return identity.hf(repo, parsed.version)
        if parsed is not None:
            return identity.package(parsed.type, parsed.name)
    for h in comp.get("hashes", []) or []:
        if str(h.get("alg", "")).upper() == "SHA-256":
            return identity.file_digest(str(h.get("content", "")).lower())
    group = comp.get("group")
    name = str(comp.get("name", "unnamed"))
    return ComponentId(f"name:{group}/{name}" if group else f"name:{name}")


def _model_word(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _name_conflict(comp: Mapping[str, Any]) -> str | None:
    """Why another tool's model component names one model and its purl another, or None.

    Such a component is identified by its purl (the registry's key), but a name that says
    Qwen on a purl that says Llama is either an error or a disguise: it is reported, never
    judged silently by the purl alone. Names agree when one contains the other, ignoring
    case, punctuation and the organisation (``Qwen2.5-7B`` and ``qwen/qwen2.5-7b-instruct``).
    """
    purl, name = comp.get("purl"), comp.get("name")
    if comp.get("type") not in ("machine-learning-model", "data"):
        return None
    if not isinstance(purl, str) or not isinstance(name, str) or not name.strip():
        return None
    try:
        parsed = PackageURL.from_string(purl)
    except ValueError:
        return None
    said = _model_word(name.rsplit("/", 1)[-1])
    named = _model_word(parsed.name)
    if not said or not named or said in named or named in said:
        return None
    repo = f"{parsed.namespace}/{parsed.name}" if parsed.namespace else parsed.name
    return (
        f"the BOM names this component {name!r} but its purl names {repo!r}: it is judged as"
        " the purl's model; check which one ships"
    )


def _foreign_role(comp: Mapping[str, Any]) -> Role:
    kind = comp.get("type")
    if kind == "data":
        return Role.DATASET
    if kind == "machine-learning-model":
        return Role.EMBEDDED_WEIGHTS if comp.get("hashes") else Role.RUNTIME_MODEL
    if kind == "file":
        return Role.EMBEDDED_WEIGHTS
    return Role.SDK


def _licence_from(
    comp: Mapping[str, Any], props: Mapping[str, list[str]], source_path: str = "BOM"
) -> Licence | None:
    expression = _one(props, Prop.LICENCE_EXPRESSION)
    name = _one(props, Prop.LICENCE_NAME)
    if expression is None:
        texts = []
        for entry in comp.get("licenses", []) or []:
            if "expression" in entry:
                texts.append(str(entry["expression"]))
            elif isinstance(entry.get("license"), Mapping):
                lic = entry["license"]
                texts.append(str(lic.get("id") or lic.get("name") or ""))
        texts = [t for t in texts if t]
        if not texts:
            return None
        expression = " AND ".join(texts) if len(texts) > 1 else texts[0]
    category = _one(props, Prop.LICENCE_CATEGORY)
    obligations = _one(props, Prop.LICENCE_OBLIGATIONS)
    return Licence(
        expression=expression,
        name=name,
        url=_one(props, Prop.LICENCE_URL),
        category=LicenceCategory(category) if category else LicenceCategory.UNKNOWN,
        obligations=tuple(json.loads(obligations)) if obligations else (),
        provenance=_prov(_one(props, Prop.LICENCE_SOURCES))
        if _one(props, Prop.ID)
        else (Provenance(FactSource.BOM, f"{source_path}: licenses, as the BOM states them"),),
    )


def _loc_from_json(raw: Mapping[str, Any] | None) -> Location | None:
    if not raw:
        return None
    return Location(
        path=str(raw.get("path", "")),
        line=raw.get("line"),
        column=raw.get("column"),
        commit=raw.get("commit"),
        context=raw.get("context"),
    )


def _evidence_from(
    comp: Mapping[str, Any], cid: ComponentId, role: Role, source_path: str
) -> tuple[Evidence, ...]:
    out: list[Evidence] = []
    for occ in (comp.get("evidence") or {}).get("occurrences", []) or []:
        context: dict[str, Any] = {}
        raw = occ.get("additionalContext")
        if isinstance(raw, str) and raw.startswith("{"):
            try:
                context = json.loads(raw)
            except ValueError:
                context = {}
        location = str(occ.get("location", ""))
        commit = context.get("commit")
        if commit and location == f"git:{commit}":
            location = ""
        try:
            kind = EvidenceKind(context.get("kind", "config-ref"))
            confidence = Confidence(context.get("confidence", "medium"))
            ev_role = Role(context.get("role", role.value))
        except ValueError:
            kind, confidence, ev_role = EvidenceKind.CONFIG_REF, Confidence.MEDIUM, role
        out.append(
            Evidence(
                source=str(context.get("source", f"bom:{source_path}")),
                kind=kind,
                identity=ComponentId(str(context.get("identity", cid))),
                role=ev_role,
                as_written=str(context.get("as_written", location)),
                location=Location(
                    path=location,
                    line=occ.get("line"),
                    column=occ.get("offset"),
                    commit=commit,
                    context=context.get("context"),
                ),
                confidence=confidence,
                attributes=context.get("attributes", {}),
            )
        )
    return tuple(sorted(out, key=lambda e: e.sort_key()))


def _component_from(comp: Mapping[str, Any], source_path: str) -> tuple[Component, bool]:
    props = _prop_map(comp)
    own = _one(props, Prop.ID) is not None
    cid = ComponentId(_one(props, Prop.ID) or _foreign_identity(comp))
    role_raw = _one(props, Prop.ROLE)
    role = Role(role_raw) if role_raw else _foreign_role(comp)
    pinned_raw = _one(props, Prop.PINNED)
    stated = None if own else f"{source_path}: as the BOM states it (made by another tool)"
    served_by = None
    if _one(props, Prop.SERVED_BY_HOST):
        served_by = ServedBy(
            host=str(_one(props, Prop.SERVED_BY_HOST)),
            operator=_one(props, Prop.SERVED_BY_OPERATOR),
            country=_one(props, Prop.SERVED_BY_COUNTRY),
            provenance=_prov(_one(props, Prop.SERVED_BY_SOURCES)),
            region=_one(props, Prop.SERVED_BY_REGION),
            region_country=_one(props, Prop.SERVED_BY_REGION_COUNTRY),
        )
    lineage = []
    for anc in (comp.get("pedigree") or {}).get("ancestors", []) or []:
        aprops = _prop_map(anc)
        lineage.append(
            Ancestor(
                id=ComponentId(_one(aprops, Prop.ID) or _foreign_identity(anc)),
                name=str(anc.get("name", "")),
                relation=_one(aprops, Prop.RELATION) or "unknown",
                publisher=_party(anc.get("manufacturer"), aprops, stated),
                provenance=_prov(_one(aprops, Prop.SOURCES))
                or (Provenance(FactSource.BOM, f"{source_path}: pedigree.ancestors"),),
                depth=int(_one(aprops, Prop.DEPTH) or 1),
            )
        )
    # CycloneDX keeps pedigree ancestors as a set: restore aigate's order (nearest first).
    lineage.sort(key=lambda a: (a.depth, a.id))
    files = []
    for sub in comp.get("components", []) or []:
        if sub.get("type") != "file":
            continue
        sprops = _prop_map(sub)
        sha = next(
            (
                str(h["content"])
                for h in sub.get("hashes", []) or []
                if str(h.get("alg")).upper() == "SHA-256"
            ),
            None,
        )
        metadata = _one(sprops, Prop.METADATA)
        files.append(
            WeightFile(
                path=str(sub.get("name", "")),
                size=int(_one(sprops, Prop.SIZE) or 0),
                format=_one(sprops, Prop.FORMAT) or "unknown",
                sha256=sha,
                metadata=json.loads(metadata) if metadata else {},
            )
        )
    risks = []
    for raw in props.get(Prop.RISK, []):
        data = json.loads(raw)
        risks.append(
            Risk(
                kind=data["kind"],
                detail=data["detail"],
                location=_loc_from_json(data.get("location")),
                severity=data.get("severity", "high"),
            )
        )
    facts = {
        k[len(Prop.FACT) :]: json.loads(v[0])
        for k, v in sorted(props.items())
        if k.startswith(Prop.FACT)
    }
    hashes = tuple(
        Hash(str(h.get("alg")), str(h.get("content"))) for h in comp.get("hashes", []) or []
    )
    pinned = None if pinned_raw is None else pinned_raw == "true"
    if not own:
        files.extend(_own_weight_file(comp, files))
        if pinned is None:
            pinned = identity.pinned(cid)
    component = Component(
        id=cid,
        role=role,
        name=str(comp.get("name", "")),
        group=comp.get("group"),
        version=comp.get("version"),
        pinned=pinned,
        publisher=_party(comp.get("manufacturer") or comp.get("supplier"), props, stated),
        served_by=served_by,
        lineage=tuple(lineage),
        licence=_licence_from(comp, props, source_path),
        hashes=hashes,
        files=tuple(files),
        datasets=tuple(ComponentId(d) for d in props.get(Prop.DATASET, [])),
        risks=tuple(risks),
        evidence=_evidence_from(comp, cid, role, source_path),
        properties=facts,
        purl=comp.get("purl"),
    )
    return component, own


def _inventory_from_dict(path: Path, doc: Mapping[str, Any], warns: list[str]) -> Inventory:
    """The inventory a BOM document states (warnings for what it lacks appended)."""
    inventory, foreign = _read_document(path, doc, warns)
    if foreign:
        warning = BomRead(path, inventory, (), foreign).foreign_warning()
        if warning:
            warns.append(warning)
    return inventory


def _read_document(
    path: Path, doc: Mapping[str, Any], warns: list[str]
) -> tuple[Inventory, tuple[ComponentId, ...]]:
    meta = doc.get("metadata") or {}
    mcomp = meta.get("component") or {}
    mprops = _prop_map(meta)
    project = Project(
        name=str(mcomp.get("name") or path.stem),
        version=mcomp.get("version"),
        root=_one(_prop_map(mcomp), Prop.PROJECT_ROOT) or ".",
    )
    components: dict[str, Component] = {}
    foreign: list[ComponentId] = []
    queue = [raw for raw in doc.get("components", []) or [] if isinstance(raw, Mapping)]
    while queue:
        raw = queue.pop(0)
        comp, own = _component_from(raw, str(path))
        if not own and (conflict := _name_conflict(raw)) is not None:
            risk = Risk("identity-conflict", conflict, Location(str(path)), severity="medium")
            comp = replace(comp, risks=(*comp.risks, risk))
        if not own:
            # Another tool may nest models or libraries inside a component: each is one of
            # the release's components (aigate nests only weight files, read as files).
            queue.extend(
                sub
                for sub in raw.get("components", []) or []
                if isinstance(sub, Mapping) and sub.get("type") != "file"
            )
        if comp.id in components:
            warns.append(f"{path}: duplicate component {comp.id}; the first one is kept")
            continue
        components[comp.id] = comp
        if not own:
            foreign.append(comp.id)
    for comp in _services_from(doc, components, str(path)):
        if comp.id in components and comp.id in foreign:
            components[comp.id] = _merge_service(components[comp.id], comp)
            continue
        if comp.id in components:
            warns.append(f"{path}: service {comp.id} repeats a component; the component is kept")
            continue
        components[comp.id] = comp
        foreign.append(comp.id)
    skipped = []
    for entry in mprops.get(Prop.SKIPPED, []):
        data = json.loads(entry)
        skipped.append(Skipped(data["path"], data["reason"]))
    inv_props = {
        k[len(Prop.INVENTORY) :]: json.loads(v[0])
        for k, v in sorted(mprops.items())
        if k.startswith(Prop.INVENTORY)
    }
    inventory = Inventory(
        project=project,
        components=tuple(components[k] for k in sorted(components)),
        skipped=tuple(skipped),
        files_scanned=_files_scanned(_one(mprops, Prop.FILES_SCANNED)),
        notes=tuple(mprops.get(Prop.NOTE, [])),
        properties=inv_props,
    )
    return inventory, tuple(sorted(set(foreign)))


def _files_scanned(raw: str | None) -> int | None:
    """The files the scan read, or None when the BOM does not say (another tool's)."""
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return None


def looks_like_bom(path: Path) -> bool:
    """Whether a file is a BOM by its first bytes: CycloneDX JSON or XML, or SPDX."""
    try:
        # Regular files only, opened without blocking: a FIFO or device is not a BOM.
        with files.open_regular(path) as (fd, _):
            head = os.read(fd, 65536)
    except (AigateError, OSError):
        return False
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("{"):
        return any(k in text for k in ('"bomFormat"', '"spdxVersion"', "spdx.org/rdf/3"))
    if text.startswith("<"):
        return "cyclonedx.org/schema/bom" in text
    return False


def what_foreign_lacks(components: Sequence[Component]) -> str:
    """The facts some of these components lack, as a phrase ("" when none is missing)."""
    gaps = []
    if any(c.publisher is None or c.publisher.country is None for c in components):
        gaps.append("publisher country")
    if any(
        c.role is Role.HOSTED_API and (c.served_by is None or not c.served_by.country)
        for c in components
    ):
        gaps.append("serving country")
    if any(not c.evidence for c in components):
        gaps.append("evidence locations")
    if any(c.licence is None for c in components):
        gaps.append("licences")
    if any(
        (c.role is Role.EMBEDDED_WEIGHTS and not c.hashes) or any(f.sha256 is None for f in c.files)
        for c in components
    ):
        gaps.append("weight hashes")
    return ", ".join(gaps)


# Weight formats whose name is their file extension (the rest read as "unknown").
_FORMAT_BY_SUFFIX = {
    "gguf": "gguf",
    "ggml": "ggml",
    "safetensors": "safetensors",
    "onnx": "onnx",
    "tflite": "tflite",
    "keras": "keras",
    "h5": "hdf5",
    "hdf5": "hdf5",
    "npy": "npy",
    "npz": "npz",
    "mlmodel": "coreml",
    "pt": "pytorch",
    "pth": "pytorch",
    "pkl": "pickle",
    "pickle": "pickle",
}


def _own_weight_file(comp: Mapping[str, Any], files: Sequence[WeightFile]) -> list[WeightFile]:
    """A foreign ``file`` component, or an ML model with a digest and no nested files, is a
    weight file: integrity rules must see its hash, or that it has none."""
    kind = comp.get("type")
    sha = next(
        (
            str(h.get("content", "")).lower()
            for h in comp.get("hashes", []) or []
            if isinstance(h, Mapping) and str(h.get("alg", "")).upper() == "SHA-256"
        ),
        None,
    )
    if kind == "file" or (kind == "machine-learning-model" and sha and not files):
        name = str(comp.get("name", ""))
        suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        size_raw = next(
            (
                p.get("value")
                for p in comp.get("properties", []) or []
                if isinstance(p, Mapping) and str(p.get("name", "")).lower().endswith("size")
            ),
            None,
        )
        size = int(size_raw) if isinstance(size_raw, str) and size_raw.isdigit() else 0
        return [
            WeightFile(
                path=name,
                size=size,
                format=_FORMAT_BY_SUFFIX.get(suffix, "unknown"),
                sha256=sha,
                metadata={"stated_by": "bom"},
            )
        ]
    return []


def _services_from(
    doc: Mapping[str, Any], known: Mapping[str, Component], source_path: str
) -> list[Component]:
    """``services[]`` (nested ones too) as hosted-API components.

    aigate writes one service per hosted-API component, naming it (``aigate:id``); those are
    already read. Another tool's service becomes ``api:<provider>/<model>``: the provider
    from its endpoint's host (the endpoint table's key, else the host itself), the model
    from a model property or a name the hosted-name table knows, else ``*`` (unknown).
    """
    out: list[Component] = []
    queue = [s for s in doc.get("services", []) or [] if isinstance(s, Mapping)]
    while queue:
        svc = queue.pop(0)
        queue.extend(s for s in svc.get("services", []) or [] if isinstance(s, Mapping))
        props = _prop_map(svc)
        own_id = _one(props, Prop.ID)
        if own_id is not None and own_id in known:
            continue
        out.extend(_service_components(svc, props, source_path))
    return out


def _service_components(
    svc: Mapping[str, Any], props: Mapping[str, list[str]], source_path: str
) -> list[Component]:
    name = str(svc.get("name", "")).strip()
    model = _service_model(name, props)
    urls = sorted({str(e).strip() for e in svc.get("endpoints", []) or [] if str(e).strip()})
    by_provider: dict[str, list[str]] = {}
    for url in urls:
        host = endpoints.host_of(url)
        if not host:
            continue
        ep = endpoints.lookup(host)
        by_provider.setdefault(ep.provider if ep is not None else host, []).append(url)
    if not by_provider:
        # No endpoint: the provider the BOM names, else unknown; where it is served is unknown.
        provider_name = str((svc.get("provider") or {}).get("name") or "").strip()
        key = "".join(c if c.isalnum() or c in "-." else "-" for c in provider_name.lower())
        by_provider[key.strip("-") or "unknown"] = []
    stated = svc.get("provider") if isinstance(svc.get("provider"), Mapping) else None
    out = []
    for provider, hosts in sorted(by_provider.items()):
        facts: dict[str, Any] = {"service": name or None}
        if hosts:
            facts["endpoints"] = hosts
        if stated and stated.get("name"):
            address = stated.get("address") or {}
            facts["service_provider"] = {
                "name": str(stated["name"]),
                "country": address.get("country") if isinstance(address, Mapping) else None,
            }
        out.append(
            Component(
                id=_service_identity(model, provider, hosts[0] if hosts else None),
                role=Role.HOSTED_API,
                name=model if model != "*" else (name or "*"),
                group=provider,
                version=svc.get("version"),
                licence=_licence_from(svc, props, source_path),
                properties={k: v for k, v in facts.items() if v is not None},
            )
        )
    return out


def _service_identity(model: str, provider: str, url: str | None) -> ComponentId:
    """The identity of a foreign service's model: the recogniser's answer for the model
    served at its endpoint (one string, one identity: the same as in a scan or ``explain``),
    else ``api:<provider>/<model>`` as the BOM states it."""
    if model != "*":
        kn = knowledge()
        hint = provider if provider != "unknown" else None
        serving = Serving(base_url=url) if url else Serving(provider_hint=hint)
        found = recognise(model, _FOREIGN_SERVICE, serving, kn)
        if found is not None:
            return found.identity
    return identity.api(provider, model)


_FOREIGN_SERVICE = Site(SiteKind.FOREIGN_BOM)


def _service_model(name: str, props: Mapping[str, list[str]]) -> str:
    for key, values in sorted(props.items()):
        tail = key.lower().rsplit(":", 1)[-1]
        if tail in ("model", "model-name", "model_name", "modelid", "model-id") and values:
            value = values[0].strip()
            if value:
                return value
    if name and knowledge().api_model(name.lower()) is not None:
        return name
    return "*"


def _merge_service(first: Component, other: Component) -> Component:
    """Two services of one identity: one component listing every endpoint."""
    merged = dict(first.properties)
    hosts = sorted({*first.properties.get("endpoints", []), *other.properties.get("endpoints", [])})
    if hosts:
        merged["endpoints"] = hosts
    return replace(first, properties=merged)
