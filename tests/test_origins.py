"""Resolution: hosted APIs (maker vs. endpoint), model folders, GGUF facts, assistants, user
registries, and every new fact round-trips through the CycloneDX BOM."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from gate import pipeline
from gate.bom.cyclonedx import read_bom, write_bom
from gate.model import (
    Component,
    ComponentId,
    Confidence,
    Evidence,
    EvidenceKind,
    FactSource,
    Inventory,
    LicenceCategory,
    Location,
    Project,
    Role,
    WeightFile,
)
from gate.resolve import origins
from gate.resolve.assemble import assemble


def _api_evidence(cid: str, written: str, **attributes: str) -> Evidence:
    return Evidence(
        source="python",
        kind=EvidenceKind.API_REF,
        identity=ComponentId(cid),
        role=Role.HOSTED_API,
        as_written=written,
        location=Location("app/llm.py", 12, 5),
        confidence=Confidence.HIGH,
        attributes=attributes,
    )


def _resolve(evidence: list[Evidence], **options: object) -> Inventory:
    inventory = assemble(evidence, Project("demo"))
    return origins.resolve_inventory(inventory, origins.ResolveOptions(**options))  # type: ignore[arg-type]


@pytest.mark.parametrize("cid", ["api:alibaba/qwen-max", "api:openai/qwen-max"])
def test_qwen_through_an_openai_client_at_dashscope(cid: str) -> None:
    ev = _api_evidence(
        cid, "qwen-max", base_url="https://dashscope.aliyuncs.com/compatible-mode/v1", sdk="openai"
    )
    (comp,) = _resolve([ev]).components
    assert comp.publisher is not None
    assert (comp.publisher.name, comp.publisher.country) == ("Qwen Team, Alibaba Cloud", "CN")
    assert comp.publisher.parent_country == "CN"
    assert comp.served_by is not None
    assert (comp.served_by.host, comp.served_by.country) == ("dashscope.aliyuncs.com", "CN")
    assert comp.served_by.provenance[0].source is FactSource.REGISTRY
    assert "qwen-*" in comp.publisher.provenance[0].detail


def test_openrouter_serves_a_chinese_model_from_the_us() -> None:
    ev = _api_evidence(
        "api:openrouter/qwen/qwen-2.5-72b-instruct",
        "qwen/qwen-2.5-72b-instruct",
        base_url="https://openrouter.ai/api/v1",
    )
    (comp,) = _resolve([ev]).components
    assert comp.publisher is not None and comp.publisher.country == "CN"
    assert comp.served_by is not None and comp.served_by.country == "US"
    assert comp.served_by.operator == "OpenRouter"


def test_bedrock_in_a_china_region_is_operated_in_cn() -> None:
    ev = _api_evidence(
        "api:bedrock/anthropic.claude-3-haiku-20240307-v1:0",
        "anthropic.claude-3-haiku-20240307-v1:0",
        host="bedrock-runtime.cn-northwest-1.amazonaws.com.cn",
    )
    (comp,) = _resolve([ev]).components
    assert comp.publisher is not None and comp.publisher.country == "US"
    assert comp.served_by is not None
    assert (comp.served_by.country, comp.served_by.region) == ("CN", "cn-northwest-1")
    us = _api_evidence(
        "api:bedrock/anthropic.claude-3-haiku-20240307-v1:0",
        "anthropic.claude-3-haiku-20240307-v1:0",
        host="bedrock-runtime.eu-west-1.amazonaws.com",
    )
    (comp,) = _resolve([us]).components
    assert comp.served_by is not None
    assert (comp.served_by.country, comp.served_by.region) == ("US", "eu-west-1")


def test_unknown_host_stays_unknown_and_says_so() -> None:
    ev = _api_evidence("api:openai/gpt-4o", "gpt-4o", base_url="https://llm.internal.example/v1")
    (comp,) = _resolve([ev]).components
    assert comp.publisher is not None and comp.publisher.country == "US"
    assert comp.served_by is not None
    assert comp.served_by.host == "llm.internal.example"
    assert comp.served_by.country is None and comp.served_by.operator is None
    assert comp.served_by.provenance[0].source is FactSource.CODE


def test_provider_default_endpoint_when_the_code_sets_none() -> None:
    (comp,) = _resolve([_api_evidence("api:deepseek/deepseek-chat", "deepseek-chat")]).components
    assert comp.served_by is not None and comp.served_by.host == "api.deepseek.com"
    assert "default endpoint" in comp.served_by.provenance[0].detail


def test_unknown_model_name_has_no_invented_maker() -> None:
    ev = _api_evidence("api:openrouter/mystery/thing-1", "mystery/thing-1")
    (comp,) = _resolve([ev]).components
    assert comp.publisher is None
    assert comp.served_by is not None and comp.served_by.country == "US"


def _model_folder(root: Path) -> Path:
    folder = root / "models" / "ft"
    folder.mkdir(parents=True)
    (folder / "README.md").write_text(
        "---\nlicense: other\nlicense_name: llama3.1\n"
        "base_model: meta-llama/Llama-3.1-8B-Instruct\nbase_model_relation: finetune\n"
        "datasets: [HuggingFaceH4/ultrachat_200k]\n---\n# A fine-tune\n",
        encoding="utf-8",
    )
    (folder / "config.json").write_text(
        json.dumps({"architectures": ["LlamaForCausalLM"], "model_type": "llama"}),
        encoding="utf-8",
    )
    return folder


def test_model_folder_lineage_and_licence_from_its_card(tmp_path: Path) -> None:
    _model_folder(tmp_path)
    result = pipeline.scan(pipeline.ScanOptions(root=tmp_path))
    comp = result.inventory.component("local:models/ft")
    assert comp is not None
    assert [(a.depth, a.name, a.relation) for a in comp.lineage] == [
        (1, "meta-llama/Llama-3.1-8B-Instruct", "finetune"),
        (2, "meta-llama/Llama-3.1-8B", "finetune"),
    ]
    assert comp.lineage[0].provenance[0].source is FactSource.MODEL_CARD
    assert comp.lineage[1].provenance[0].source is FactSource.REGISTRY
    assert comp.lineage[0].publisher is not None and comp.lineage[0].publisher.country == "US"
    assert comp.licence is not None
    assert comp.licence.expression == "LicenseRef-aigate-llama3.1"
    assert comp.licence.category is LicenceCategory.RESTRICTED_USE
    assert any(o.startswith("naming:") for o in comp.licence.obligations)
    assert comp.licence.provenance[0].source is FactSource.MODEL_CARD
    assert comp.publisher is None  # the project's own model: nobody is named as its maker
    origins_props = result.inventory.properties["origins"]
    assert origins_props["online"] is False and origins_props["registry_version"]
    assert any(n.startswith("origins: registry") for n in result.inventory.notes)


def test_user_registry_names_the_maker_of_an_internal_model(tmp_path: Path) -> None:
    _model_folder(tmp_path / "tree")
    registry_file = tmp_path / "ours.yaml"
    registry_file.write_text(
        "publishers:\n"
        "  - {id: acme, name: Acme Corp, country: DE, source: internal}\n"
        "models:\n"
        "  - {id: 'local:models/ft', publisher: acme}\n",
        encoding="utf-8",
    )
    result = pipeline.scan(
        pipeline.ScanOptions(root=tmp_path / "tree", registry_files=(registry_file,))
    )
    comp = result.inventory.component("local:models/ft")
    assert comp is not None and comp.publisher is not None
    assert (comp.publisher.name, comp.publisher.country) == ("Acme Corp", "DE")
    assert comp.publisher.provenance[0].source is FactSource.USER_REGISTRY
    assert str(registry_file) in result.inventory.properties["origins"]["registry_files"]


def test_gguf_keys_give_publisher_lineage_and_licence() -> None:
    sha = "ab" * 32
    comp = Component(
        id=ComponentId(f"file:sha256:{sha}"),
        role=Role.EMBEDDED_WEIGHTS,
        name="model.gguf",
        files=(
            WeightFile(
                "weights/model.gguf",
                100,
                "gguf",
                sha,
                {
                    "general.organization": "Qwen",
                    "general.license": "apache-2.0",
                    "general.base_model.count": 1,
                    "general.base_model.0.name": "Qwen2.5 Coder 7B Instruct",
                    "general.base_model.0.organization": "Qwen",
                },
            ),
        ),
    )
    inv = origins.resolve_inventory(
        Inventory(Project("p"), components=(comp,)), origins.ResolveOptions()
    )
    got = inv.components[0]
    assert got.publisher is not None and got.publisher.country == "CN"
    assert "general.organization" in got.publisher.provenance[0].detail
    assert got.lineage[0].name == "Qwen/Qwen2.5-Coder-7B-Instruct"
    assert got.lineage[0].provenance[0].source is FactSource.GGUF
    assert got.licence is not None and got.licence.expression == "Apache-2.0"
    assert got.licence.provenance[0].detail == "weights/model.gguf#general.license"


def test_an_open_client_takes_the_origin_of_its_model() -> None:
    comp = Component(
        id=ComponentId("assistant:aider/aider"),
        role=Role.CODE_ASSISTANT,
        name="aider",
        properties={"assistant": {"model": "deepseek/deepseek-chat"}},
    )
    inv = origins.resolve_inventory(
        Inventory(Project("p"), components=(comp,)), origins.ResolveOptions()
    )
    got = inv.components[0]
    assert got.publisher is not None and got.publisher.country is None
    (used,) = got.lineage
    assert (used.id, used.relation) == ("api:deepseek/deepseek-chat", "uses")
    assert used.publisher is not None and used.publisher.country == "CN"


def test_an_assistant_payload_from_discovery_places_its_models_and_endpoints() -> None:
    # The assistants source writes lists: every model and every endpoint the configs name.
    comp = Component(
        id=ComponentId("assistant:anthropic/claude-code"),
        role=Role.CODE_ASSISTANT,
        name="claude-code",
        properties={
            "assistant": {
                "vendor": "anthropic",
                "product": "claude-code",
                "models": ["deepseek/deepseek-chat", "claude-sonnet-4-5"],
                "endpoints": [
                    "https://internal.example.com/v1",
                    "https://api.deepseek.com/anthropic",
                ],
            }
        },
    )
    inv = origins.resolve_inventory(
        Inventory(Project("p"), components=(comp,)), origins.ResolveOptions()
    )
    got = inv.components[0]
    assert got.publisher is not None and got.publisher.country == "US"
    used = {a.id: a for a in got.lineage if a.relation == "uses"}
    assert set(used) == {"api:deepseek/deepseek-chat", "api:anthropic/claude-sonnet-4-5"}
    assert used["api:deepseek/deepseek-chat"].publisher.country == "CN"  # type: ignore[union-attr]
    # The known endpoint is the served_by; every endpoint is placed for the policy.
    assert got.served_by is not None
    assert (got.served_by.host, got.served_by.country) == ("api.deepseek.com", "CN")
    placed = {e["host"]: e["country"] for e in got.properties["assistant"]["endpoints_resolved"]}
    assert placed == {"internal.example.com": None, "api.deepseek.com": "CN"}


def test_resolved_facts_round_trip_through_the_bom(tmp_path: Path) -> None:
    _model_folder(tmp_path)
    scanned = pipeline.scan(pipeline.ScanOptions(root=tmp_path)).inventory
    refs = [
        "bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF",
        "qwen2.5-coder:7b",
        "zai-org/GLM-4.5",
        "assistant:alibaba/qwen-code",
    ]
    from gate.registry import load

    extra = [origins.bare_component(origins.identity_for_reference(r, load())) for r in refs]  # type: ignore[arg-type]
    bedrock = _api_evidence(
        "api:bedrock/anthropic.claude-3-haiku-20240307-v1:0",
        "anthropic.claude-3-haiku-20240307-v1:0",
        host="bedrock-runtime.cn-north-1.amazonaws.com.cn",
    )
    api_inv = assemble([bedrock], Project("x"))
    inventory = origins.resolve_inventory(
        Inventory(
            scanned.project,
            components=tuple(
                sorted([*scanned.components, *extra, *api_inv.components], key=lambda c: c.id)
            ),
            files_scanned=scanned.files_scanned,
            notes=scanned.notes,
            properties=scanned.properties,
        ),
        origins.ResolveOptions(),
    )
    zhipu = inventory.component("hf:zai-org/GLM-4.5@unpinned")
    assert zhipu is not None and zhipu.publisher is not None and zhipu.publisher.entity_listed
    for fmt in ("json", "xml"):
        path = tmp_path / f"bom.{fmt}"
        path.write_text(write_bom(inventory, fmt=fmt), encoding="utf-8")
        back, warnings = read_bom(path)
        assert warnings == []
        assert back.components == inventory.components, fmt
        assert back.notes == inventory.notes
        assert back.properties == inventory.properties


def test_an_openai_client_at_an_unknown_host_has_no_assumed_maker() -> None:
    ev = _api_evidence("api:openai/my-model", "my-model", base_url="https://llm.internal.example")
    (comp,) = _resolve([ev]).components
    assert comp.publisher is None
    at_deepseek = _api_evidence(
        "api:openai/some-new-model", "some-new-model", base_url="https://api.deepseek.com"
    )
    (comp,) = _resolve([at_deepseek]).components
    assert comp.publisher is not None and comp.publisher.country == "CN"
    assert comp.publisher.provenance[0].source is FactSource.HEURISTIC


def test_modelscope_mirror_resolves_to_the_original_maker() -> None:
    comp = Component(
        id=ComponentId("modelscope:LLM-Research/Meta-Llama-3-8B-Instruct@unpinned"),
        role=Role.RUNTIME_MODEL,
        name="Meta-Llama-3-8B-Instruct",
    )
    inv = origins.resolve_inventory(
        Inventory(Project("p"), components=(comp,)), origins.ResolveOptions()
    )
    got = inv.components[0]
    assert got.publisher is not None and got.publisher.country is None
    assert got.served_by is not None and got.served_by.country == "CN"
    assert got.lineage[0].name == "meta-llama/Meta-Llama-3-8B-Instruct"
    assert got.lineage[0].relation == "copy"


def test_an_endpoint_set_in_code_but_unreadable_is_unknown_not_the_sdk_default() -> None:
    # OpenAI(base_url=os.environ["LLM_BASE_URL"]): the call does not go to api.openai.com.
    ev = _api_evidence(
        "api:openai/gpt-4o", "gpt-4o", base_url_expr='os.environ["LLM_BASE_URL"]', sdk="openai"
    )
    (comp,) = _resolve([ev]).components
    assert comp.served_by is None
    [note] = comp.properties[origins.SERVED_BY_UNKNOWN]
    assert note["source"] == "code" and 'os.environ["LLM_BASE_URL"]' in note["detail"]
    assert "app/llm.py:12" in note["detail"]
    # The maker is still known from the model name; an unknown name gets none assumed.
    assert comp.publisher is not None and comp.publisher.country == "US"
    odd = _api_evidence("api:openai/house-model", "house-model", base_url_expr="cfg.url")
    (comp,) = _resolve([odd]).components
    assert comp.publisher is None and comp.served_by is None


def test_the_sdk_default_applies_only_without_any_endpoint_and_is_a_heuristic() -> None:
    ev = _api_evidence(
        "api:openai/gpt-4o", "gpt-4o", host="api.openai.com", host_source="sdk-default"
    )
    (comp,) = _resolve([ev]).components
    assert comp.served_by is not None and comp.served_by.host == "api.openai.com"
    assert comp.served_by.provenance[0].source is FactSource.HEURISTIC
    assert "default endpoint" in comp.served_by.provenance[0].detail
    assert origins.SERVED_BY_UNKNOWN not in comp.properties
    # A written host wins; an unreadable one elsewhere is recorded beside it.
    written = _api_evidence("api:deepseek/deepseek-chat", "deepseek-chat", base_url=DEEPSEEK)
    dynamic = Evidence(
        source="python",
        kind=EvidenceKind.API_REF,
        identity=ComponentId("api:deepseek/deepseek-chat"),
        role=Role.HOSTED_API,
        as_written="deepseek-chat",
        location=Location("app/other.py", 3),
        confidence=Confidence.HIGH,
        attributes={"base_url_expr": "settings.url"},
    )
    (comp,) = _resolve([written, dynamic]).components
    assert comp.served_by is not None and comp.served_by.country == "CN"
    assert comp.served_by.provenance[0].source is FactSource.REGISTRY
    assert "settings.url at app/other.py:3" in comp.served_by.provenance[-1].detail


DEEPSEEK = "https://api.deepseek.com/v1"


def test_a_cloud_region_is_placed_in_its_country_and_round_trips(tmp_path: Path) -> None:
    # boto3.client("bedrock-runtime", region_name="ap-east-1"): AWS (US) serving from Hong Kong.
    ev = _api_evidence(
        "api:bedrock/anthropic.claude-3-haiku-20240307-v1:0",
        "anthropic.claude-3-haiku-20240307-v1:0",
        host="bedrock-runtime.ap-east-1.amazonaws.com",
        host_source="region",
        region="ap-east-1",
    )
    inventory = _resolve([ev])
    (comp,) = inventory.components
    assert comp.served_by is not None
    assert (comp.served_by.country, comp.served_by.region) == ("US", "ap-east-1")
    assert comp.served_by.region_country == "HK"
    assert "regions.yaml" in comp.served_by.provenance[0].detail
    path = tmp_path / "bom.json"
    path.write_text(write_bom(inventory), encoding="utf-8")
    doc = json.loads(path.read_text(encoding="utf-8"))
    props = {p["name"]: p["value"] for p in doc["components"][0]["properties"]}
    assert props["aigate:served-by:region-country"] == "HK"
    back, _ = read_bom(path)
    assert back.components == inventory.components
    # A fixed host has a fixed region: DashScope international is Alibaba's (CN) in Singapore.
    intl = _api_evidence(
        "api:alibaba/qwen-max", "qwen-max", base_url="https://dashscope-intl.aliyuncs.com/v1"
    )
    (comp,) = _resolve([intl]).components
    assert comp.served_by is not None
    assert (comp.served_by.country, comp.served_by.region_country) == ("CN", "SG")


def test_a_region_in_a_listed_country_fails_the_release_pack(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(
        "import boto3\n\n"
        'client = boto3.client("bedrock-runtime", region_name="ap-east-1")\n'
        'client.converse(modelId="anthropic.claude-3-haiku-20240307-v1:0", messages=[])\n',
        encoding="utf-8",
    )
    result = pipeline.check(
        pipeline.CheckOptions(
            scan=pipeline.ScanOptions(root=tmp_path, history="none"),
            policies=("release",),
            now="2026-11-26",
        )
    )
    served = [f for f in result.decision.findings if f.rule == "jurisdiction.serving-country"]
    assert [f.level.value for f in served] == ["deny"]
    assert "region ap-east-1 located in HK" in served[0].message
    assert result.decision.verdict.value == "fail"


def test_explain_and_the_policy_input_spell_facts_alike() -> None:
    from gate.policy.input import component_input
    from gate.report.explanation import component_json

    ev = _api_evidence(
        "api:bedrock/anthropic.claude-3-haiku-20240307-v1:0",
        "anthropic.claude-3-haiku-20240307-v1:0",
        host="bedrock-runtime.ap-east-1.amazonaws.com",
    )
    (comp,) = _resolve([ev]).components
    shown, judged = component_json(comp), component_input(comp)
    for key in ("publisher", "served_by", "lineage"):
        assert shown[key] == judged[key], key
    assert judged["served_by"]["region"] == "ap-east-1"
    assert judged["served_by"]["region_country"] == "HK"
    from gate.resolve import licences

    with_licence = replace(comp, licence=licences.normalise("apache-2.0"))
    shown, judged = component_json(with_licence), component_input(with_licence)
    assert judged["licence"] is not None and shown["licence"] is not None
    common = set(shown["licence"]) & set(judged["licence"])
    assert common >= {"expression", "name", "category", "obligations", "sources"}
    assert all(shown["licence"][k] == judged["licence"][k] for k in common)


def test_a_maker_read_from_an_azure_deployment_name_is_a_heuristic() -> None:
    ev = _api_evidence(
        "api:azure-openai/gpt-4o-eu", "gpt-4o-eu", base_url="https://acme.openai.azure.com/"
    )
    (comp,) = _resolve([ev]).components
    assert comp.publisher is not None and comp.publisher.name.startswith("OpenAI")
    [prov] = comp.publisher.provenance
    assert prov.source is FactSource.HEURISTIC
    assert "deployment name 'gpt-4o-eu'" in prov.detail
    # The same name on OpenAI's own API is the model's name: a registry fact.
    (own,) = _resolve([_api_evidence("api:openai/gpt-4o", "gpt-4o")]).components
    assert own.publisher is not None
    assert own.publisher.provenance[0].source is FactSource.REGISTRY
