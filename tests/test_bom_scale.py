"""BOM writing and reading stay linear: JSON is written in one pass (the library's own
document), generated validators stand in for jsonschema, deep nesting is an error."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion

from gate.bom import cyclonedx
from gate.bom.cyclonedx.build import build_bom
from gate.bom.cyclonedx.document import document
from gate.bom.cyclonedx.xmldoc import xml_tree
from gate.errors import BomError
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

ROOT = Path(__file__).resolve().parent.parent


def _inventory() -> Inventory:
    meta = Party("Meta", "US")
    comps = [
        Component(
            id=ComponentId(f"hf:org/m{i}@unpinned"),
            role=Role.RUNTIME_MODEL,
            name=f"m{i}",
            group="org",
            publisher=meta,
            lineage=(
                Ancestor(ComponentId("hf:meta-llama/Llama-3.1-8B@unpinned"), "b", "finetune", meta),
            ),
        )
        for i in range(5)
    ]
    comps.append(
        Component(
            id=ComponentId("local:models/x"),
            role=Role.EMBEDDED_WEIGHTS,
            name="x",
            files=(WeightFile("models/x/model.safetensors", 8, "safetensors", "a" * 64),),
        )
    )
    comps.append(
        Component(
            id=ComponentId("api:openai/gpt-4o"),
            role=Role.HOSTED_API,
            name="gpt-4o",
            served_by=ServedBy("api.openai.com", "OpenAI", "US"),
        )
    )
    return Inventory(project=Project("scale"), components=tuple(comps))


def _varied() -> Inventory:
    """Every field the writer maps, in combinations: unicode, duplicates, empty values."""
    pub = Party(
        "Méta ünïcode",
        "US",
        parent="Parent Co",
        parent_country="CN",
        provenance=(Provenance(FactSource.REGISTRY, "x"),),
        entity_listed=True,
    )
    licences = [
        None,
        Licence("Apache-2.0", category=LicenceCategory.PERMISSIVE, obligations=("attribution",)),
        Licence("MIT OR Apache-2.0", category=LicenceCategory.PERMISSIVE),
        Licence("LicenseRef-foo", name="Foo"),
        Licence("weird thing", name="Weird", url="https://x.example/l"),
    ]
    comps = []
    for i in range(40):
        cid = ComponentId(f"hf:org/m{i % 37}@unpinned" if i % 3 else f"api:prov{i}/model{i}")
        evidence = tuple(
            Evidence(
                source=f"python:{j}",
                kind=list(EvidenceKind)[(i + j) % len(EvidenceKind)],
                identity=cid,
                role=Role.RUNTIME_MODEL,
                as_written="" if j == 3 else f'from_pretrained("org/m{i}") «x» ' * (j + 1),
                location=Location(
                    f"src/f{j}.py" if j != 2 else "",
                    line=j + 1 if j != 1 else None,
                    column=j if j != 2 else None,
                    commit=("a" * 40) if j == 2 else None,
                    context="ctx" if j == 1 else None,
                ),
                confidence=list(Confidence)[j % 3],
                attributes={"k": j, "nested": {"a": [1, 2.5, None, "é"]}} if j % 2 else {},
            )
            for j in range(i % 5)
        )
        comps.append(
            Component(
                id=ComponentId(f"{cid}#{i}") if i >= 37 else cid,
                role=list(Role)[i % len(Role)] if i % 3 else Role.HOSTED_API,
                name=f"m{i % 7}",
                group=["org", None, ""][i % 3],
                version=str(i % 2) if i % 4 else None,
                pinned=[None, True, False][i % 3],
                publisher=pub if i % 2 else Party("Solo"),
                served_by=ServedBy("api.x.example", "X Inc", "FR", region="eu", region_country="IE")
                if i % 3 == 0
                else None,
                lineage=tuple(
                    Ancestor(
                        ComponentId(f"hf:base/b{k}@{'a' * 40 if k else 'unpinned'}"),
                        f"b{k % 2}",
                        "finetune",
                        pub if k else None,
                        depth=k + 1,
                    )
                    for k in range(i % 4)
                ),
                licence=licences[i % 5],
                hashes=(
                    (
                        Hash("SHA-256", "b" * 64),
                        Hash("SHA-512", "c" * 128),
                        Hash("SHA-256", "a" * 64),
                    )
                    if i % 4 == 1
                    else ()
                ),
                files=tuple(
                    WeightFile(
                        f"models/m{i}/w{2 - k}.safetensors",
                        100 + k,
                        "safetensors",
                        ("c" * 64) if k else None,
                        {"dtype": "f16"} if k else {},
                    )
                    for k in range(i % 3)
                ),
                datasets=(ComponentId("hf-dataset:org/ds"), ComponentId("hf-dataset:org/ds"))
                if i % 5 == 0
                else (),
                risks=(Risk("pickle", "bad", Location("a.pkl", 3)), Risk("pickle", "bad"))
                if i % 6 == 0
                else (),
                evidence=evidence,
                properties={
                    "pipeline_tag": "text-generation",
                    "model_type": "llama",
                    "endpoints": ["https://api.x.example/v1", "https://api.x.example/a b", "x"],
                }
                if i % 3 == 0
                else {"x": [1, {"y": "z"}]},
                purl=f"pkg:huggingface/org/m{i}?b=2&a=1" if i % 3 else None,
            )
        )
    return Inventory(
        project=Project("varied", None, "."),
        components=tuple(comps),
        skipped=(Skipped("big.bin", "too large"), Skipped("a.bin", "unreadable")),
        files_scanned=12,
        notes=("b note", "a note"),
        properties={"history": {"commits": 3}},
    )


@pytest.mark.parametrize("spec", ["1.6", "1.7"])
@pytest.mark.parametrize("epoch", [None, "1700000000"])
@pytest.mark.parametrize("make", [_inventory, _varied])
def test_json_document_is_the_library_outputters_document(
    spec: str, epoch: str | None, make: Callable[[], Inventory], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one-pass writer and cyclonedx-python-lib's model + outputter: one document."""
    if epoch:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    else:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    inventory = make()
    ours = document(inventory, spec)
    for comp in ours.get("components", []):
        comp.pop("modelCard", None)  # the library has no model card: write.py adds it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bom = build_bom(inventory)
        version = SchemaVersion.from_version(spec)
        theirs = json.loads(make_outputter(bom, OutputFormat.JSON, version).output_as_string())
    theirs.pop("serialNumber")
    if not epoch:
        theirs["metadata"].pop("timestamp", None)
    assert ours == theirs
    assert len(ours["dependencies"]) == len(ours["components"]) + len(ours["services"]) + 1


@pytest.mark.parametrize("spec", ["1.6", "1.7"])
@pytest.mark.parametrize("epoch", [None, "1700000000"])
@pytest.mark.parametrize("make", [_inventory, _varied])
def test_xml_tree_is_the_library_outputters_tree(
    spec: str, epoch: str | None, make: Callable[[], Inventory], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The XML written from the one-pass document and the library's XML outputter: one tree
    (compared indented the same way, as write_bom indents it)."""
    if epoch:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    else:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    inventory = make()
    doc = document(inventory, spec)
    for comp in doc.get("components", []):
        comp.pop("modelCard", None)  # the library has no model card
    ours = xml_tree(doc, spec)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bom = build_bom(inventory)
        version = SchemaVersion.from_version(spec)
        text = make_outputter(bom, OutputFormat.XML, version).output_as_string()
    theirs = ET.fromstring(text)
    del theirs.attrib["serialNumber"]
    if not epoch:
        meta = theirs.find(f"{{http://cyclonedx.org/schema/bom/{spec}}}metadata")
        assert meta is not None
        for stamp in meta.findall(f"{{http://cyclonedx.org/schema/bom/{spec}}}timestamp"):
            meta.remove(stamp)
    ET.indent(ours)
    ET.indent(theirs)
    assert ET.tostring(ours, encoding="unicode") == ET.tostring(theirs, encoding="unicode")


def test_written_bom_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    written = _inventory()
    path.write_text(cyclonedx.write_bom(written), encoding="utf-8")
    read = cyclonedx.read_bom_detail(path)
    # Every component comes back, and no other (a superset would hide invented ones).
    assert sorted(c.id for c in read.inventory.components) == sorted(
        c.id for c in written.components
    )


def test_a_bom_nested_200_deep_is_an_error_not_a_crash(tmp_path: Path) -> None:
    node: dict[str, object] = {"type": "library", "name": "leaf", "bom-ref": "n200"}
    for depth in range(199, -1, -1):
        node = {
            "type": "library",
            "name": f"n{depth}",
            "bom-ref": f"n{depth}",
            "components": [node],
        }
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [node]}
    path = tmp_path / "deep.cdx.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(BomError, match=r"nested (more than 32 deep|deeper than 100 levels)") as err:
        cyclonedx.read_bom_detail(path)
    assert err.value.path == str(path)


def test_generated_validators_are_fresh() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_bom_validators.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr


FOREIGN = {
    "bomFormat": "CycloneDX",
    "specVersion": "1.6",
    "version": 1,
    "metadata": {
        "component": {"type": "application", "name": "shop", "version": "2.0", "bom-ref": "app"},
        "properties": [{"name": "other:tool", "value": "x"}],
    },
    "components": [
        {
            "type": "machine-learning-model",
            "bom-ref": "m1",
            "name": "Qwen2.5-7B",
            "group": "Qwen",
            "purl": "pkg:huggingface/meta-llama/Llama-3.1-8B@abc",
            "supplier": {"name": "Alibaba", "address": {"country": "CN"}},
            "licenses": [{"license": {"id": "Apache-2.0"}}, {"license": {"name": "Custom"}}],
            "hashes": [{"alg": "SHA-256", "content": "a" * 64}],
            "pedigree": {
                "ancestors": [{"type": "machine-learning-model", "bom-ref": "a1", "name": "base"}]
            },
            "evidence": {
                "occurrences": [{"location": "src/app.py", "line": 3, "offset": 4}],
            },
            "components": [
                {
                    "type": "file",
                    "bom-ref": "f2",
                    "name": "w/b.gguf",
                    "hashes": [{"alg": "SHA-256", "content": "b" * 64}],
                    "properties": [{"name": "x:size", "value": "12"}],
                },
                {"type": "file", "bom-ref": "f1", "name": "w/a.safetensors"},
                {"type": "library", "bom-ref": "l1", "name": "tokenizers", "version": "0.1"},
            ],
        },
        {
            "type": "library",
            "bom-ref": "l2",
            "name": "openai",
            "version": "1.0",
            "purl": "pkg:pypi/openai@1.0",
            "licenses": [{"expression": "MIT OR Apache-2.0"}],
            "manufacturer": {"name": "OpenAI"},
        },
        # (not `"group": ""`: the library reads <group/> back as the string 'None'; aigate as "")
        {"type": "data", "bom-ref": "d1", "name": "squad"},
    ],
    "services": [
        {
            "bom-ref": "s1",
            "name": "gpt-4o",
            "version": "1",
            "provider": {"name": "OpenAI", "address": {"country": "US"}},
            "endpoints": ["https://api.openai.com/v1", "https://example.org/llm"],
            "properties": [{"name": "x:model", "value": "gpt-4o"}],
            "services": [{"bom-ref": "s2", "name": "deepseek-chat"}],
        }
    ],
}


@pytest.mark.parametrize("spec", ["1.6", "1.7"])
@pytest.mark.parametrize("which", ["foreign", "own"])
def test_xml_is_read_as_the_library_reads_it(spec: str, which: str, tmp_path: Path) -> None:
    """Reading an XML BOM in one pass gives the inventory the library's model gave (XML ->
    cyclonedx-python-lib Bom -> its JSON document), for aigate's BOMs and another tool's."""
    from cyclonedx.model.bom import Bom

    from gate.bom.cyclonedx.read import _read_document

    version = SchemaVersion.from_version(spec)
    if which == "own":
        inventory = _varied()
        # An empty group is read back as "" here, as from JSON; the library reads 'None'.
        comps = tuple(replace(c, group=c.group or None) for c in inventory.components)
        text = cyclonedx.write_bom(replace(inventory, components=comps), fmt="xml", spec=spec)
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = Bom.from_json(FOREIGN)  # type: ignore[attr-defined]
            text = make_outputter(model, OutputFormat.XML, version).output_as_string()
    path = tmp_path / "bom.xml"
    path.write_text(text, encoding="utf-8")
    ours = cyclonedx.read_bom_detail(path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Bom.from_xml(ET.fromstring(text))  # type: ignore[attr-defined]
        doc = json.loads(make_outputter(model, OutputFormat.JSON, version).output_as_string())
    warns: list[str] = []
    theirs, foreign = _read_document(path, doc, warns)
    assert (ours.inventory, list(ours.warnings), ours.foreign) == (theirs, warns, foreign)
    assert len(ours.inventory.components) > 3


def test_an_empty_group_reads_back_from_xml_as_from_json(tmp_path: Path) -> None:
    inventory = _varied()
    for fmt in ("json", "xml"):
        path = tmp_path / f"bom.{fmt}"
        path.write_text(cyclonedx.write_bom(inventory, fmt=fmt), encoding="utf-8")
        back = cyclonedx.read_bom_detail(path).inventory
        assert {c.id: c.group for c in back.components} == {
            c.id: c.group for c in inventory.components
        }


def test_json_orjson_refuses_is_read_as_the_standard_library_reads_it(tmp_path: Path) -> None:
    # orjson refuses integers beyond 64 bits; the standard library reads them, as before.
    path = tmp_path / "big.cdx.json"
    text = cyclonedx.write_bom(_inventory())
    path.write_text(text.replace('"version": 1\n', '"version": 123456789012345678901234567890\n'))
    assert '"version": 1234' in path.read_text()
    read = cyclonedx.read_bom_detail(path)
    assert len(read.inventory.components) == len(_inventory().components)
    bad = tmp_path / "bad.cdx.json"
    bad.write_text('{"bomFormat": "CycloneDX",\n "specVersion": }')
    with pytest.raises(BomError, match="not JSON: Expecting value") as err:
        cyclonedx.read_bom_detail(bad)
    assert err.value.line == 2
