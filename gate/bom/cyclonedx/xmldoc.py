"""The CycloneDX JSON document (:mod:`.document`) as the XML element tree the library writes.

The library's XML outputter validates its model first (``Bom.validate`` registers every
component in the dependency graph by a linear search) and makes bom-refs unique by comparing
each with all others: quadratic in components. The JSON document already holds every value,
in the library's order; this module only places them in the XSD's element order (the same
for 1.6 and 1.7 for what aigate writes). A test compares the tree with the library's own
output on a varied inventory.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from gate.bom.cyclonedx.versions import CDX_NS

Doc = Mapping[str, Any]


class _Tree:
    def __init__(self, spec: str) -> None:
        self.ns = f"{{{CDX_NS}{spec}}}"

    def sub(self, parent: ET.Element, tag: str, attrib: dict[str, str] | None = None) -> ET.Element:
        return ET.SubElement(parent, self.ns + tag, attrib or {})

    def text(self, parent: ET.Element, tag: str, value: Any) -> None:
        if value is not None:
            self.sub(parent, tag).text = str(value)

    def org(self, parent: ET.Element, tag: str, org: Doc | None) -> None:
        if org is None:
            return
        elem = self.sub(parent, tag)
        self.text(elem, "name", org["name"])
        address = org.get("address")
        if address is not None:
            self.text(self.sub(elem, "address"), "country", address.get("country"))

    def properties(self, parent: ET.Element, props: list[Doc] | None) -> None:
        if not props:
            return
        elem = self.sub(parent, "properties")
        for prop in props:
            self.sub(elem, "property", {"name": prop["name"]}).text = prop["value"]

    def component(self, parent: ET.Element, comp: Doc) -> None:
        elem = self.sub(parent, "component", {"type": comp["type"], "bom-ref": comp["bom-ref"]})
        self.org(elem, "manufacturer", comp.get("manufacturer"))
        self.text(elem, "group", comp.get("group"))
        self.text(elem, "name", comp["name"])
        self.text(elem, "version", comp.get("version"))
        if comp.get("hashes"):
            hashes = self.sub(elem, "hashes")
            for h in comp["hashes"]:
                self.sub(hashes, "hash", {"alg": h["alg"]}).text = h["content"]
        if comp.get("licenses"):
            licences = self.sub(elem, "licenses")
            for entry in comp["licenses"]:
                if "expression" in entry:
                    self.text(licences, "expression", entry["expression"])
                    continue
                lic = self.sub(licences, "license")
                self.text(lic, "id", entry["license"].get("id"))
                self.text(lic, "name", entry["license"].get("name"))
        self.text(elem, "purl", comp.get("purl"))
        if comp.get("pedigree"):
            ancestors = self.sub(self.sub(elem, "pedigree"), "ancestors")
            for anc in comp["pedigree"]["ancestors"]:
                self.component(ancestors, anc)
        if comp.get("externalReferences"):
            refs = self.sub(elem, "externalReferences")
            for ref in comp["externalReferences"]:
                self.text(self.sub(refs, "reference", {"type": ref["type"]}), "url", ref["url"])
        self.properties(elem, comp.get("properties"))
        if comp.get("components"):
            nested = self.sub(elem, "components")
            for sub in comp["components"]:
                self.component(nested, sub)
        if comp.get("evidence"):
            self.evidence(elem, comp["evidence"])
        if comp.get("modelCard"):
            self.model_card(elem, comp["modelCard"])

    def evidence(self, parent: ET.Element, evidence: Doc) -> None:
        elem = self.sub(parent, "evidence")
        for ident in evidence.get("identity", []):
            idem = self.sub(elem, "identity")
            self.text(idem, "field", ident["field"])
            self.text(idem, "confidence", ident["confidence"])
            self.text(idem, "concludedValue", ident["concludedValue"])
            methods = self.sub(idem, "methods")
            for method in ident["methods"]:
                mel = self.sub(methods, "method")
                self.text(mel, "technique", method["technique"])
                self.text(mel, "confidence", method["confidence"])
                self.text(mel, "value", method.get("value"))
        if evidence.get("occurrences"):
            occurrences = self.sub(elem, "occurrences")
            for occ in evidence["occurrences"]:
                oel = self.sub(occurrences, "occurrence", {"bom-ref": occ["bom-ref"]})
                self.text(oel, "location", occ["location"])
                self.text(oel, "line", occ.get("line"))
                self.text(oel, "offset", occ.get("offset"))
                self.text(oel, "additionalContext", occ.get("additionalContext"))

    def model_card(self, parent: ET.Element, card: Doc) -> None:
        elem = self.sub(parent, "modelCard", {"bom-ref": card["bom-ref"]})
        params = self.sub(elem, "modelParameters")
        values = card["modelParameters"]
        for key in ("task", "architectureFamily", "modelArchitecture"):
            self.text(params, key, values.get(key))
        if "datasets" in values:
            datasets = self.sub(params, "datasets")
            for ds in values["datasets"]:
                data = self.sub(datasets, "dataset")
                self.text(data, "type", ds["type"])
                self.text(data, "name", ds["name"])

    def service(self, parent: ET.Element, svc: Doc) -> None:
        elem = self.sub(parent, "service", {"bom-ref": svc["bom-ref"]})
        self.org(elem, "provider", svc.get("provider"))
        self.text(elem, "group", svc.get("group"))
        self.text(elem, "name", svc["name"])
        if svc.get("endpoints"):
            endpoints = self.sub(elem, "endpoints")
            for url in svc["endpoints"]:
                self.text(endpoints, "endpoint", url)
        self.properties(elem, svc.get("properties"))


def xml_tree(doc: Doc, spec: str) -> ET.Element:
    """The document as a ``<bom>`` element (no serialNumber, not indented)."""
    tree = _Tree(spec)
    root = ET.Element(tree.ns + "bom", {"version": str(doc.get("version", 1))})
    meta = doc["metadata"]
    mel = tree.sub(root, "metadata")
    tree.text(mel, "timestamp", meta.get("timestamp"))
    tools = tree.sub(tree.sub(mel, "tools"), "components")
    for tool in meta["tools"]["components"]:
        tree.component(tools, tool)
    tree.component(mel, meta["component"])
    tree.properties(mel, meta.get("properties"))
    if doc.get("components"):
        comps = tree.sub(root, "components")
        for comp in doc["components"]:
            tree.component(comps, comp)
    if doc.get("services"):
        services = tree.sub(root, "services")
        for svc in doc["services"]:
            tree.service(services, svc)
    deps = tree.sub(root, "dependencies")
    for dep in doc.get("dependencies", []):
        tree.sub(deps, "dependency", {"ref": dep["ref"]})
    return root


# --------------------------------------------------------------------------------------
# reading: the parts of an XML BOM the reader uses, in the JSON document's shape


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(elem: ET.Element, tag: str) -> list[ET.Element]:
    return [child for child in elem if _local(child.tag) == tag]


def _texts(elem: ET.Element, out: dict[str, Any], *tags: str) -> None:
    for child in elem:
        tag = _local(child.tag)
        if tag in tags:
            out[tag] = child.text or ""


def _org_doc(elem: ET.Element) -> dict[str, Any]:
    out: dict[str, Any] = {}
    _texts(elem, out, "name")
    for address in _children(elem, "address"):
        country: dict[str, Any] = {}
        _texts(address, country, "country")
        out["address"] = country
    return out


def _properties_doc(elem: ET.Element) -> list[dict[str, Any]]:
    return [
        {"name": prop.get("name", ""), "value": prop.text or ""}
        for props in _children(elem, "properties")
        for prop in _children(props, "property")
    ]


def _licences_doc(elem: ET.Element) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for licences in _children(elem, "licenses"):
        for entry in licences:
            tag = _local(entry.tag)
            if tag == "expression":
                out.append({"expression": entry.text or ""})
            elif tag == "license":
                lic: dict[str, Any] = {}
                _texts(entry, lic, "id", "name")
                out.append({"license": lic})
    return out


def _int_or_text(text: str | None) -> int | str:
    value = (text or "").strip()
    return int(value) if value.isdigit() else value


def _component_doc(elem: ET.Element) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in elem.attrib.items() if k in ("type", "bom-ref")}
    _texts(elem, out, "name", "group", "version", "purl")
    for child in elem:
        tag = _local(child.tag)
        if tag in ("manufacturer", "supplier"):
            out[tag] = _org_doc(child)
        elif tag == "hashes":
            out["hashes"] = [{"alg": h.get("alg", ""), "content": h.text or ""} for h in child]
        elif tag == "pedigree":
            out["pedigree"] = {
                _local(group.tag): [_component_doc(c) for c in _children(group, "component")]
                for group in child
                if _local(group.tag) in ("ancestors", "descendants", "variants")
            }
        elif tag == "components":
            out["components"] = [_component_doc(c) for c in _children(child, "component")]
        elif tag == "evidence":
            occurrences = []
            for group in _children(child, "occurrences"):
                for occ in _children(group, "occurrence"):
                    found: dict[str, Any] = {}
                    _texts(occ, found, "location", "additionalContext")
                    for key in ("line", "offset"):
                        for value in _children(occ, key):
                            found[key] = _int_or_text(value.text)
                    occurrences.append(found)
            out["evidence"] = {"occurrences": occurrences}
    _with_lists(out, elem)
    return out


def _with_lists(out: dict[str, Any], elem: ET.Element) -> None:
    if props := _properties_doc(elem):
        out["properties"] = props
    if licences := _licences_doc(elem):
        out["licenses"] = licences


def _service_doc(elem: ET.Element) -> dict[str, Any]:
    out: dict[str, Any] = {k: v for k, v in elem.attrib.items() if k == "bom-ref"}
    _texts(elem, out, "name", "group", "version")
    for child in elem:
        tag = _local(child.tag)
        if tag == "provider":
            out["provider"] = _org_doc(child)
        elif tag == "endpoints":
            out["endpoints"] = [e.text or "" for e in _children(child, "endpoint")]
        elif tag == "services":
            out["services"] = [_service_doc(s) for s in _children(child, "service")]
    _with_lists(out, elem)
    return out


def xml_document(root: ET.Element, spec: str) -> dict[str, Any]:
    """What the reader needs of a (schema-valid) XML BOM, shaped as the JSON document:
    metadata, components (nested, pedigrees), services, their properties, licences,
    hashes, parties and evidence occurrences. One pass over the tree: linear."""
    doc: dict[str, Any] = {"bomFormat": "CycloneDX", "specVersion": spec}
    for child in root:
        tag = _local(child.tag)
        if tag == "metadata":
            meta: dict[str, Any] = {}
            for comp in _children(child, "component"):
                meta["component"] = _component_doc(comp)
            if props := _properties_doc(child):
                meta["properties"] = props
            doc["metadata"] = meta
        elif tag == "components":
            doc["components"] = [_component_doc(c) for c in _children(child, "component")]
        elif tag == "services":
            doc["services"] = [_service_doc(s) for s in _children(child, "service")]
    return doc
