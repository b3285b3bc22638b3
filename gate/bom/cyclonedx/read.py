"""Reading a CycloneDX BOM (JSON or XML) into an inventory.

aigate's own BOMs read back losslessly; other tools' components are read by
:mod:`gate.bom.cyclonedx.foreign`, with warnings for what they lack.
"""

from __future__ import annotations

import json
import os
import warnings
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, replace
from itertools import chain, compress
from pathlib import Path
from typing import Any

from gate import files, forked, identity
from gate.bom import validate as bom_validate
from gate.bom.cyclonedx.fields import (
    licence_from,
    loads_json,
    location_from_json,
    member,
    party_from,
    prop_map,
    prop_value,
    provenance_of,
)
from gate.bom.cyclonedx.foreign import (
    foreign_identity,
    foreign_role,
    merge_service,
    name_conflict,
    own_weight_file,
    services_from,
    what_foreign_lacks,
)
from gate.bom.cyclonedx.versions import SPEC_VERSIONS
from gate.bom.cyclonedx.xmldoc import xml_document
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
    Location,
    Project,
    Provenance,
    Risk,
    Role,
    ServedBy,
    Skipped,
    WeightFile,
)


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
    """The nesting depth of a parsed document when it exceeds ``limit`` (an iterative walk,
    one level of containers at a time; each level's values are gathered and sorted out by
    C iterators, not a comprehension per container: 0.19 → 0.12 s on a 28 MB BOM)."""
    level = [doc] if type(doc) in _CONTAINERS else []
    depth = 0
    is_container = _CONTAINERS.__contains__
    while level:
        depth += 1
        values = list(
            chain(
                chain.from_iterable(map(dict.values, [v for v in level if type(v) is dict])),
                chain.from_iterable([v for v in level if type(v) is list]),
            )
        )
        level = list(compress(values, map(is_container, map(type, values))))
    return depth if depth > limit else None


_CONTAINERS = frozenset({dict, list})
"""What a parsed JSON document nests (json and orjson make exactly these types)."""


def _bom_error(display: str, problem: str) -> BomError:
    return BomError(display, f"cannot read BOM: {problem}")


def read_bom_detail(path: Path) -> BomRead:
    """Load a CycloneDX BOM and say which of its components another tool made."""
    raw = files.read_bounded(path, files.MAX_BOM_FILE, error=_bom_error)
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    is_xml = text.lstrip().startswith("<")
    if is_xml:
        doc = _xml_to_dict(path, text)  # validated against the XSD there
    else:
        try:
            loaded = loads_json(text)
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
    if spec in SPEC_VERSIONS and not is_xml:
        return _validated_read(path, doc, spec, large=len(text) >= PARALLEL_FROM)
    if spec not in SPEC_VERSIONS:
        if spec not in ("1.4", "1.5"):
            raise BomError(path, f"unsupported CycloneDX specVersion {spec!r}")
        warns.append(f"{path}: CycloneDX {spec} predates ML-BOM fields aigate relies on")
    inventory, foreign = _read_document(path, doc, warns)
    return BomRead(path, inventory, tuple(warns), foreign)


PARALLEL_FROM = 2_000_000
"""Characters of JSON from which a BOM's schema validation runs in a forked child while its
components are read (:mod:`gate.forked`); below, one after the other (a fork costs more than
it saves on a small document)."""


def _validated_read(path: Path, doc: dict[str, Any], spec: str, *, large: bool) -> BomRead:
    """Validate the document against its schema and read it: the validation's refusal wins
    over anything the reading finds, exactly as when the reading only starts once the
    document is valid (for a large one the two run side by side)."""

    def problem_of() -> str | None:
        return bom_validate.validate_document(doc, spec=spec)

    def refuse(problem: str) -> BomError:
        return BomError(path, f"invalid CycloneDX {spec}: {problem}")

    warns: list[str] = []
    if not large:
        if problem := problem_of():
            raise refuse(problem)
        inventory, foreign = _read_document(path, doc, warns)
        return BomRead(path, inventory, tuple(warns), foreign)
    bom_validate.load_validator(spec)  # imported here, not in the child
    checking = forked.start(problem_of)
    try:
        try:
            inventory, foreign = _read_document(path, doc, warns)
        except Exception:
            if problem := checking.result():
                raise refuse(problem) from None
            raise
        if problem := checking.result():
            raise refuse(problem)
    finally:
        checking.close()  # a child still running (an interrupt, here or in a join) is reaped
    return BomRead(path, inventory, tuple(warns), foreign)


MAX_NESTING = 32
"""Components inside components (or pedigrees) deeper than this are refused: real BOMs nest
a few levels, and reading deeper would exhaust the stack rather than say what is wrong."""


def _check_nesting(path: Path, doc: Mapping[str, Any]) -> None:
    stack: list[tuple[Any, int]] = [(doc, 0)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, dict):
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
        if isinstance(pedigree, dict):
            for key in ("ancestors", "descendants", "variants"):
                value = pedigree.get(key)
                if isinstance(value, list):
                    children.extend(value)
        stack.extend((child, depth + 1) for child in children)


def _xml_to_dict(path: Path, text: str) -> dict[str, Any]:
    """An XML BOM, validated against its XSD, in the JSON document's shape (what the reader
    uses of it: :func:`gate.bom.cyclonedx.xmldoc.xml_document`)."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise BomError(path, f"not well-formed XML: {exc}") from exc
    ns = root.tag.split("}")[0].strip("{")
    spec = ns.rsplit("/", 1)[-1]
    if spec not in SPEC_VERSIONS:
        raise BomError(path, f"unsupported CycloneDX XML namespace {ns!r}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        problem = bom_validate.validate(text, fmt="xml", spec=spec)
    if problem:
        raise BomError(path, f"invalid CycloneDX {spec} XML: {problem}")
    try:
        return xml_document(root, spec)
    except RecursionError as exc:
        raise BomError(path, "not XML aigate can read: nested too deeply") from exc


def _evidence_from(
    comp: Mapping[str, Any], cid: ComponentId, role: Role, source_path: str
) -> tuple[Evidence, ...]:
    out: list[Evidence] = []
    for occ in (comp.get("evidence") or {}).get("occurrences", []) or []:
        context: dict[str, Any] = {}
        raw = occ.get("additionalContext")
        if isinstance(raw, str) and raw.startswith("{"):
            try:
                context = loads_json(raw)
            except ValueError:
                context = {}
        location = str(occ.get("location", ""))
        commit = context.get("commit")
        if commit and location == f"git:{commit}":
            location = ""
        try:
            kind = member(EvidenceKind, context.get("kind", "config-ref"))
            confidence = member(Confidence, context.get("confidence", "medium"))
            ev_role = member(Role, context.get("role", role.value))
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
    props = prop_map(comp)
    own = prop_value(props, Prop.ID) is not None
    cid = ComponentId(prop_value(props, Prop.ID) or foreign_identity(comp))
    role_raw = prop_value(props, Prop.ROLE)
    role = member(Role, role_raw) if role_raw else foreign_role(comp)
    pinned_raw = prop_value(props, Prop.PINNED)
    stated = None if own else f"{source_path}: as the BOM states it (made by another tool)"
    served_by = None
    if prop_value(props, Prop.SERVED_BY_HOST):
        served_by = ServedBy(
            host=str(prop_value(props, Prop.SERVED_BY_HOST)),
            operator=prop_value(props, Prop.SERVED_BY_OPERATOR),
            country=prop_value(props, Prop.SERVED_BY_COUNTRY),
            provenance=provenance_of(prop_value(props, Prop.SERVED_BY_SOURCES)),
            region=prop_value(props, Prop.SERVED_BY_REGION),
            region_country=prop_value(props, Prop.SERVED_BY_REGION_COUNTRY),
        )
    lineage = []
    for anc in (comp.get("pedigree") or {}).get("ancestors", []) or []:
        aprops = prop_map(anc)
        lineage.append(
            Ancestor(
                id=ComponentId(prop_value(aprops, Prop.ID) or foreign_identity(anc)),
                name=str(anc.get("name", "")),
                relation=prop_value(aprops, Prop.RELATION) or "unknown",
                publisher=party_from(anc.get("manufacturer"), aprops, stated),
                provenance=provenance_of(prop_value(aprops, Prop.SOURCES))
                or (Provenance(FactSource.BOM, f"{source_path}: pedigree.ancestors"),),
                depth=int(prop_value(aprops, Prop.DEPTH) or 1),
            )
        )
    # CycloneDX keeps pedigree ancestors as a set: restore aigate's order (nearest first).
    lineage.sort(key=lambda a: (a.depth, a.id))
    files = []
    for sub in comp.get("components", []) or []:
        if sub.get("type") != "file":
            continue
        sprops = prop_map(sub)
        sha = next(
            (
                str(h["content"])
                for h in sub.get("hashes", []) or []
                if str(h.get("alg")).upper() == "SHA-256"
            ),
            None,
        )
        metadata = prop_value(sprops, Prop.METADATA)
        files.append(
            WeightFile(
                path=str(sub.get("name", "")),
                size=int(prop_value(sprops, Prop.SIZE) or 0),
                format=prop_value(sprops, Prop.FORMAT) or "unknown",
                sha256=sha,
                metadata=loads_json(metadata) if metadata else {},
            )
        )
    risks = []
    for raw in props.get(Prop.RISK, []):
        data = loads_json(raw)
        risks.append(
            Risk(
                kind=data["kind"],
                detail=data["detail"],
                location=location_from_json(data.get("location")),
                severity=data.get("severity", "high"),
            )
        )
    facts = {
        k[len(Prop.FACT) :]: loads_json(v[0])
        for k, v in sorted(props.items())
        if k.startswith(Prop.FACT)
    }
    hashes = tuple(
        Hash(str(h.get("alg")), str(h.get("content"))) for h in comp.get("hashes", []) or []
    )
    pinned = None if pinned_raw is None else pinned_raw == "true"
    if not own:
        files.extend(own_weight_file(comp, files))
        if pinned is None:
            pinned = identity.pinned(cid)
    component = Component(
        id=cid,
        role=role,
        name=str(comp.get("name", "")),
        group=comp.get("group"),
        version=comp.get("version"),
        pinned=pinned,
        publisher=party_from(comp.get("manufacturer") or comp.get("supplier"), props, stated),
        served_by=served_by,
        lineage=tuple(lineage),
        licence=licence_from(comp, props, source_path),
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
    mprops = prop_map(meta)
    project = Project(
        name=str(mcomp.get("name") or path.stem),
        version=mcomp.get("version"),
        root=prop_value(prop_map(mcomp), Prop.PROJECT_ROOT) or ".",
    )
    components: dict[str, Component] = {}
    foreign: list[ComponentId] = []
    queue = deque(raw for raw in doc.get("components", []) or [] if isinstance(raw, Mapping))
    while queue:
        raw = queue.popleft()  # a list's pop(0) made 50,000 components quadratic
        comp, own = _component_from(raw, str(path))
        if not own and (conflict := name_conflict(raw)) is not None:
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
    for comp in services_from(doc, components, str(path)):
        if comp.id in components and comp.id in foreign:
            components[comp.id] = merge_service(components[comp.id], comp)
            continue
        if comp.id in components:
            warns.append(f"{path}: service {comp.id} repeats a component; the component is kept")
            continue
        components[comp.id] = comp
        foreign.append(comp.id)
    skipped = []
    for entry in mprops.get(Prop.SKIPPED, []):
        data = loads_json(entry)
        skipped.append(Skipped(data["path"], data["reason"]))
    inv_props = {
        k[len(Prop.INVENTORY) :]: loads_json(v[0])
        for k, v in sorted(mprops.items())
        if k.startswith(Prop.INVENTORY)
    }
    inventory = Inventory(
        project=project,
        components=tuple(components[k] for k in sorted(components)),
        skipped=tuple(skipped),
        files_scanned=_files_scanned(prop_value(mprops, Prop.FILES_SCANNED)),
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
