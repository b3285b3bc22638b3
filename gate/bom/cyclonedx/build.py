"""Inventory → cyclonedx-python-lib model: one library component per aigate component.

The library's model is the reference for what aigate writes: :mod:`.document` writes the
same document in one pass (the model costs about a millisecond per component), and the
tests compare the two. The values both write (properties, parties, licences, techniques,
component types, the timestamp) come from :mod:`.document`, so writing a BOM never imports
the library's model.
"""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterable
from decimal import Decimal
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
from cyclonedx.model.license import DisjunctiveLicense, LicenseExpression
from cyclonedx.model.service import Service
from packageurl import PackageURL

from gate import __version__, identity
from gate.bom.cyclonedx.document import (
    COMPONENT_TYPE,
    CONFIDENCE_VALUE,
    TECHNIQUE,
    json_text,
    licence_props,
    location_json,
    party_props,
    sources_text,
    timestamp,
)
from gate.bom.cyclonedx.view import bom_view
from gate.bom.properties import Prop
from gate.model import (
    Ancestor,
    Component,
    ComponentId,
    Evidence,
    Inventory,
    Licence,
    LicenceCategory,
    Party,
    Role,
    WeightFile,
)

_TECHNIQUE = {kind: AnalysisTechnique(value) for kind, value in TECHNIQUE.items()}
_COMPONENT_TYPE = {role: ComponentType(value) for role, value in COMPONENT_TYPE.items()}


def _props(pairs: Iterable[tuple[str, str | None]]) -> list[Property]:
    return [Property(name=k, value=v) for k, v in pairs if v is not None]


def _org(party: Party | None) -> OrganizationalEntity | None:
    if party is None:
        return None
    address = PostalAddress(country=party.country) if party.country else None
    return OrganizationalEntity(name=party.name, address=address)


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
        (Prop.SOURCES, sources_text(anc.provenance) if anc.provenance else None),
        *party_props(anc.publisher),
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
                (Prop.METADATA, json_text(dict(wf.metadata)) if wf.metadata else None),
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
        additional_context=json_text(context),
    )


def _evidence(comp: Component) -> ComponentEvidence | None:
    if not comp.evidence:
        return None
    best = max(comp.evidence, key=lambda e: CONFIDENCE_VALUE[e.confidence])
    methods = sorted(
        {
            (_TECHNIQUE[e.kind], CONFIDENCE_VALUE[e.confidence], e.as_written[:200])
            for e in comp.evidence
        },
        key=lambda m: (m[0].value, m[1], m[2]),
    )
    ident = Identity(
        field=IdentityField.PURL if comp.purl else IdentityField.NAME,
        confidence=Decimal(CONFIDENCE_VALUE[best.confidence]),
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
        props.append(
            (
                Prop.RISK,
                json_text(
                    {
                        "kind": risk.kind,
                        "detail": risk.detail,
                        "severity": risk.severity,
                        "location": location_json(risk.location),
                    }
                ),
            )
        )
    props += [(Prop.DATASET, d) for d in comp.datasets]
    props += [(f"{Prop.FACT}{k}", json_text(v)) for k, v in sorted(comp.properties.items())]
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
        (Prop.SKIPPED, json_text({"path": s.path, "reason": s.reason})) for s in inventory.skipped
    ]
    props += [(Prop.NOTE, n) for n in inventory.notes]
    props += [
        (f"{Prop.INVENTORY}{k}", json_text(v)) for k, v in sorted(inventory.properties.items())
    ]
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
    bom.metadata.timestamp = timestamp()  # type: ignore[assignment]
    return bom
