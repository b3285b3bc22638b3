"""A schema-valid CycloneDX document (JSON or XML) from an inventory.

Output is deterministic: components sorted by identity, explicit bom-refs, a serial number
derived from the content, and a timestamp only when ``SOURCE_DATE_EPOCH`` is set. Every BOM
is validated against the official schema before it is returned: an invalid BOM is a bug,
raised as :class:`gate.errors.BomError`.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from itertools import chain
from typing import Any

from cyclonedx.model.bom import Bom
from cyclonedx.model.dependency import Dependency
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.schema.schema import SCHEMA_VERSIONS

from gate.bom import validate as bom_validate
from gate.bom.cyclonedx.build import build_bom, model_card
from gate.bom.cyclonedx.versions import CDX_NS, FORMATS, SPEC_VERSIONS
from gate.errors import BomError
from gate.model import Inventory


def write_bom(inventory: Inventory, *, fmt: str = "json", spec: str = "1.6") -> str:
    """Serialise an inventory as a schema-valid CycloneDX document (JSON or XML)."""
    if fmt not in FORMATS:
        raise BomError(None, f"unknown BOM format {fmt!r} (choose json or xml)")
    if spec not in SPEC_VERSIONS:
        raise BomError(None, f"unsupported CycloneDX spec version {spec!r} (choose 1.6 or 1.7)")
    version = SPEC_VERSIONS[spec]
    bom = build_bom(inventory)
    cards: dict[str, dict[str, Any]] = {
        c.id: card for c in inventory.components if (card := model_card(c)) is not None
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
    ns = f"{CDX_NS}{spec}"
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
