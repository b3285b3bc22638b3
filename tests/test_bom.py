"""CycloneDX: schema-valid, deterministic, lossless round trip, foreign BOMs load."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gate.bom.cyclonedx import read_bom, validate, write_bom
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

SHA = "9" * 64


def rich_inventory() -> Inventory:
    """An inventory that uses every field the BOM must carry."""
    qwen = Party(
        "Alibaba Cloud (Qwen)",
        "CN",
        "Alibaba Group Holding Ltd",
        "CN",
        (Provenance(FactSource.REGISTRY, "publishers.yaml#Qwen"),),
    )
    model = Component(
        id=ComponentId("local:models/ft"),
        role=Role.EMBEDDED_WEIGHTS,
        name="ft",
        pinned=True,
        publisher=Party(
            "Example Corp", "US", provenance=(Provenance(FactSource.USER_REGISTRY, "mine.yaml"),)
        ),
        lineage=(
            Ancestor(
                ComponentId("hf:Qwen/Qwen2.5-0.5B@unpinned"),
                "Qwen/Qwen2.5-0.5B",
                "finetune",
                qwen,
                (Provenance(FactSource.MODEL_CARD, "models/ft/README.md"),),
            ),
        ),
        licence=Licence(
            "Apache-2.0",
            None,
            None,
            LicenceCategory.PERMISSIVE,
            ("attribution",),
            (Provenance(FactSource.MODEL_CARD, "models/ft/README.md#license"),),
        ),
        files=(
            WeightFile(
                "models/ft/model.safetensors",
                1234,
                "safetensors",
                SHA,
                {"tensors": 3, "dtypes": ["F16"]},
            ),
        ),
        datasets=(ComponentId("dataset:hf:HuggingFaceH4/ultrachat_200k"),),
        risks=(Risk("unsafe-pickle", "imports os.system", Location("models/ft/x.pkl"), "high"),),
        evidence=(
            Evidence(
                "modelcards",
                EvidenceKind.MODEL_CARD,
                ComponentId("local:models/ft"),
                Role.EMBEDDED_WEIGHTS,
                "models/ft",
                Location("models/ft/README.md", 1),
                Confidence.HIGH,
                {"model_dir": "models/ft"},
            ),
        ),
        properties={
            "architecture": "Qwen2ForCausalLM",
            "pipeline_tag": "text-generation",
            "model_type": "qwen2",
        },
    )
    api = Component(
        id=ComponentId("api:deepseek/deepseek-chat"),
        role=Role.HOSTED_API,
        name="deepseek-chat",
        group="deepseek",
        publisher=Party("DeepSeek", "CN"),
        served_by=ServedBy(
            "api.deepseek.com",
            "DeepSeek",
            "CN",
            (Provenance(FactSource.REGISTRY, "endpoints.yaml"),),
        ),
        licence=Licence(
            "LicenseRef-aigate-deepseek", "DeepSeek License", None, LicenceCategory.RESTRICTED_USE
        ),
        evidence=(
            Evidence(
                "python",
                EvidenceKind.API_REF,
                ComponentId("api:deepseek/deepseek-chat"),
                Role.HOSTED_API,
                "deepseek-chat",
                Location("app/llm.py", 12, 5),
                Confidence.HIGH,
                {"base_url": "https://api.deepseek.com/v1"},
            ),
        ),
        properties={"endpoints": ["https://api.deepseek.com/v1"]},
    )
    weight = Component(
        id=ComponentId(f"file:sha256:{SHA}"),
        role=Role.EMBEDDED_WEIGHTS,
        name="model.gguf",
        pinned=True,
        hashes=(Hash("SHA-256", SHA),),
        licence=Licence("apache-2.0 AND MIT"),
    )
    assistant = Component(
        id=ComponentId("assistant:anthropic/claude-code"),
        role=Role.CODE_ASSISTANT,
        name="claude-code",
        group="anthropic",
        evidence=(
            Evidence(
                "assistants",
                EvidenceKind.ASSISTANT_COMMIT,
                ComponentId("assistant:anthropic/claude-code"),
                Role.CODE_ASSISTANT,
                "Co-Authored-By: Claude <noreply@anthropic.com>",
                Location("", commit="ab" * 20),
                Confidence.HIGH,
            ),
        ),
    )
    sdk = Component(
        id=ComponentId("pkg:pypi/openai"),
        role=Role.SDK,
        name="openai",
        version="1.51.0",
        purl="pkg:pypi/openai@1.51.0",
    )
    return Inventory(
        project=Project("demo", "1.0"),
        components=tuple(sorted((api, assistant, model, weight, sdk), key=lambda c: c.id)),
        skipped=(Skipped("big.bin", "cannot read"),),
        files_scanned=42,
        notes=("history: 10 commits read since v1.0",),
        properties={"history": {"range": "v1.0..HEAD", "commits_read": 10}},
    )


@pytest.mark.parametrize("spec", ["1.6", "1.7"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bom_is_schema_valid_and_round_trips(tmp_path: Path, fmt: str, spec: str) -> None:
    inv = rich_inventory()
    text = write_bom(inv, fmt=fmt, spec=spec)
    assert validate(text, fmt=fmt, spec=spec) is None
    path = tmp_path / f"bom.{fmt}"
    path.write_text(text)
    back, warnings = read_bom(path)
    assert warnings == []
    assert back == inv


def test_bom_is_deterministic_and_has_no_timestamp() -> None:
    first = write_bom(rich_inventory())
    assert first == write_bom(rich_inventory())
    doc = json.loads(first)
    assert "timestamp" not in doc["metadata"]
    assert doc["serialNumber"].startswith("urn:uuid:")
    assert doc["specVersion"] == "1.6"


def test_serial_number_follows_content() -> None:
    inv = rich_inventory()
    other = Inventory(project=Project("other"), components=inv.components)
    assert (
        json.loads(write_bom(inv))["serialNumber"] != json.loads(write_bom(other))["serialNumber"]
    )


def test_source_date_epoch_sets_timestamp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    doc = json.loads(write_bom(rich_inventory()))
    assert doc["metadata"]["timestamp"].startswith("2023-11-14T22:13:20")


def test_bom_mapping_follows_design() -> None:
    doc = json.loads(write_bom(rich_inventory()))
    comps = {c["bom-ref"]: c for c in doc["components"]}
    model = comps["local:models/ft"]
    assert model["type"] == "machine-learning-model"
    assert model["manufacturer"]["address"]["country"] == "US"
    [ancestor] = model["pedigree"]["ancestors"]
    assert ancestor["purl"] == "pkg:huggingface/Qwen/Qwen2.5-0.5B"
    assert ancestor["manufacturer"]["address"]["country"] == "CN"
    assert model["modelCard"]["modelParameters"]["task"] == "text-generation"
    assert model["modelCard"]["modelParameters"]["datasets"][0]["name"] == (
        "HuggingFaceH4/ultrachat_200k"
    )
    [weights] = model["components"]
    assert weights["hashes"] == [{"alg": "SHA-256", "content": SHA}]
    occurrence = model["evidence"]["occurrences"][0]
    assert occurrence["location"] == "models/ft/README.md" and occurrence["line"] == 1
    assert model["licenses"] == [{"license": {"id": "Apache-2.0"}}]
    api = comps["api:deepseek/deepseek-chat"]
    props = {p["name"]: p["value"] for p in api["properties"]}
    assert props["aigate:served-by:country"] == "CN"
    assert props["aigate:role"] == "hosted-api"
    [service] = doc["services"]
    assert service["provider"]["address"]["country"] == "CN"
    assert service["endpoints"] == ["https://api.deepseek.com/v1"]
    assert comps["pkg:pypi/openai"]["purl"] == "pkg:pypi/openai@1.51.0"
    assert comps["assistant:anthropic/claude-code"]["type"] == "application"


CYCLONEDX_PY_BOM = {
    "bomFormat": "CycloneDX",
    "specVersion": "1.6",
    "version": 1,
    "metadata": {"component": {"type": "application", "name": "webapp", "bom-ref": "root"}},
    "components": [
        {
            "type": "library",
            "name": "openai",
            "version": "1.51.0",
            "purl": "pkg:pypi/openai@1.51.0",
            "bom-ref": "openai==1.51.0",
        },
        {
            "type": "library",
            "name": "requests",
            "version": "2.32.3",
            "purl": "pkg:pypi/requests@2.32.3",
            "bom-ref": "requests==2.32.3",
        },
    ],
}

CDXGEN_AI_BOM = {
    "bomFormat": "CycloneDX",
    "specVersion": "1.6",
    "version": 1,
    "components": [
        {
            "type": "machine-learning-model",
            "name": "Qwen2.5-7B-Instruct",
            "group": "Qwen",
            "purl": "pkg:huggingface/Qwen/Qwen2.5-7B-Instruct",
            "bom-ref": "pkg:huggingface/Qwen/Qwen2.5-7B-Instruct",
            "licenses": [{"license": {"id": "Apache-2.0"}}],
            "properties": [{"name": "cdx:huggingface:pipeline_tag", "value": "text-generation"}],
            "evidence": {"occurrences": [{"location": "app/main.py#L12"}]},
        },
        {"type": "file", "name": "model.gguf", "bom-ref": "file-1"},
    ],
}


@pytest.mark.parametrize(
    ("doc", "expected_ids"),
    [
        (CYCLONEDX_PY_BOM, ["pkg:pypi/openai", "pkg:pypi/requests"]),
        (CDXGEN_AI_BOM, ["hf:Qwen/Qwen2.5-7B-Instruct@unpinned", "name:model.gguf"]),
    ],
)
def test_foreign_boms_load_with_a_warning(
    tmp_path: Path, doc: dict[str, object], expected_ids: list[str]
) -> None:
    path = tmp_path / "foreign.cdx.json"
    path.write_text(json.dumps(doc))
    inv, warnings = read_bom(path)
    assert [c.id for c in inv.components] == expected_ids
    [warning] = warnings
    assert "not made by aigate" in warning and "publisher country" in warning


def test_foreign_weight_without_hash_is_visible() -> None:
    # A policy must be able to see that the weight file has no hash.
    path = Path("x")
    from gate.bom.cyclonedx.read import _inventory_from_dict

    inv = _inventory_from_dict(path, CDXGEN_AI_BOM, [])
    gguf = inv.component("name:model.gguf")
    assert gguf is not None and gguf.role is Role.EMBEDDED_WEIGHTS and gguf.hashes == ()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not JSON"),
        ('{"bomFormat": "SPDX"}', "not a CycloneDX BOM"),
        ("[1, 2]", "not a JSON object"),
        (
            '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": 3}]}',
            "invalid CycloneDX 1.6",
        ),
        ('{"bomFormat": "CycloneDX", "specVersion": "0.9"}', "unsupported CycloneDX specVersion"),
        ("<bom><oops>", "not well-formed XML"),
    ],
)
def test_bad_boms_are_clear_errors(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(BomError, match=message) as info:
        read_bom(path)
    assert str(path) in str(info.value)


def test_unknown_format_or_spec_is_an_error() -> None:
    with pytest.raises(BomError, match="unknown BOM format"):
        write_bom(rich_inventory(), fmt="yaml")
    with pytest.raises(BomError, match="unsupported CycloneDX spec"):
        write_bom(rich_inventory(), spec="1.2")
