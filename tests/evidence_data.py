"""An inventory and a decision that use what evidence and reports show (shared by tests)."""

from __future__ import annotations

from gate.model import (
    Ancestor,
    Component,
    ComponentId,
    Confidence,
    Decision,
    Evidence,
    EvidenceKind,
    FactSource,
    Finding,
    Hash,
    Inventory,
    Level,
    Licence,
    LicenceCategory,
    Location,
    Party,
    Project,
    Provenance,
    Role,
    RuleId,
    RuleMeta,
    ServedBy,
    Verdict,
    Waiver,
    WeightFile,
)

SHA = "9" * 64
POLICY_DIGEST = "ab" * 32
HOSTILE = '<script>alert("x")</script>&<img src=x onerror=alert(1)>'


def inventory(hostile: str = "") -> Inventory:
    """Five components: a fine-tune with Chinese lineage, an API, a dataset, weights, an SDK."""
    qwen = Party(
        "Alibaba Cloud (Qwen)",
        "CN",
        "Alibaba Group Holding Ltd",
        "CN",
        (Provenance(FactSource.REGISTRY, "publishers.yaml#Qwen"),),
    )
    model = Component(
        id=ComponentId("hf:acme/support-bot@" + "c" * 40),
        role=Role.RUNTIME_MODEL,
        name="support-bot" + hostile,
        group="acme",
        version="c" * 40,
        pinned=True,
        publisher=Party(
            "Acme Corp" + hostile,
            "US",
            provenance=(Provenance(FactSource.MODEL_CARD, "models/bot/README.md"),),
        ),
        lineage=(
            Ancestor(
                ComponentId("hf:Qwen/Qwen2.5-7B-Instruct@unpinned"),
                "Qwen/Qwen2.5-7B-Instruct",
                "finetune",
                qwen,
                (Provenance(FactSource.MODEL_CARD, "models/bot/README.md#base_model"),),
                1,
            ),
            Ancestor(
                ComponentId("hf:Qwen/Qwen2.5-7B@unpinned"),
                "Qwen/Qwen2.5-7B",
                "finetune",
                qwen,
                (Provenance(FactSource.HUB, "Qwen/Qwen2.5-7B-Instruct"),),
                2,
            ),
        ),
        licence=Licence(
            "Apache-2.0",
            "Apache License 2.0",
            None,
            LicenceCategory.PERMISSIVE,
            (),
            (Provenance(FactSource.MODEL_CARD, "models/bot/README.md#license"),),
        ),
        datasets=(ComponentId("dataset:hf:acme/tickets"),),
        files=(WeightFile("models/bot/model.safetensors", 1234, "safetensors", SHA, {}),),
        evidence=(
            Evidence(
                "python",
                EvidenceKind.CODE_REF,
                ComponentId("hf:acme/support-bot@" + "c" * 40),
                Role.RUNTIME_MODEL,
                "acme/support-bot",
                Location("app/bot.py" + hostile, 7, 3),
                Confidence.HIGH,
            ),
        ),
        properties={"pipeline_tag": "text-generation", "architecture": "Qwen2ForCausalLM"},
        purl="pkg:huggingface/acme/support-bot@" + "c" * 40,
    )
    api = Component(
        id=ComponentId("api:deepseek/deepseek-chat"),
        role=Role.HOSTED_API,
        name="deepseek-chat",
        group="deepseek",
        publisher=Party("DeepSeek", "CN", provenance=(Provenance(FactSource.REGISTRY, "x"),)),
        served_by=ServedBy(
            "api.deepseek.com", "DeepSeek", "CN", (Provenance(FactSource.REGISTRY, "endpoints"),)
        ),
        licence=Licence(
            "LicenseRef-aigate-deepseek",
            "DeepSeek License",
            None,
            LicenceCategory.RESTRICTED_USE,
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
            ),
        ),
    )
    dataset = Component(
        id=ComponentId("dataset:hf:acme/tickets"),
        role=Role.DATASET,
        name="tickets",
        group="acme",
        publisher=Party("Acme Corp", "US"),
        licence=Licence("CC-BY-NC-4.0", None, None, LicenceCategory.NON_COMMERCIAL),
    )
    weight = Component(
        id=ComponentId(f"file:sha256:{SHA}"),
        role=Role.EMBEDDED_WEIGHTS,
        name="model.gguf",
        pinned=True,
        hashes=(Hash("SHA-256", SHA),),
        files=(WeightFile("weights/model.gguf", 99, "gguf", SHA, {}),),
    )
    sdk = Component(
        id=ComponentId("pkg:pypi/openai"),
        role=Role.SDK,
        name="openai",
        version="1.51.0",
        purl="pkg:pypi/openai@1.51.0",
        licence=Licence("MIT", None, None, LicenceCategory.PERMISSIVE),
    )
    return Inventory(
        project=Project("demo" + hostile, "2.3"),
        components=tuple(sorted((model, api, dataset, weight, sdk), key=lambda c: c.id)),
        files_scanned=42,
    )


def decision(verdict: Verdict = Verdict.FAIL, hostile: str = "") -> Decision:
    """A decision with a deny, a waived deny, a warning, and waivers of every status."""
    applied = Waiver(
        id="w1",
        rule="aigate.jurisdiction.lineage-country",
        component="hf:acme/support-bot@" + "c" * 40,
        reason="Base model reviewed by legal" + hostile,
        approved_by="jane@example.com" + hostile,
        expires="2027-03-31",
        reference="LEGAL-42",
        source="policy/release.yaml:12",
    )
    expired = Waiver(
        id="w2",
        rule="aigate.licence.category",
        component="dataset:hf:acme/tickets",
        reason="pilot only",
        approved_by="bob@example.com",
        expires="2025-01-31",
        source="policy/release.yaml:20",
    )
    findings = [
        Finding(
            rule=RuleId("aigate.jurisdiction.lineage-country"),
            level=Level.DENY,
            component=ComponentId("hf:acme/support-bot@" + "c" * 40),
            message="base model Qwen/Qwen2.5-7B-Instruct is published from CN" + hostile,
            evidence=(Location("models/bot/README.md", 3),),
            facts={
                "lineage[0].publisher.country": {
                    "value": "CN",
                    "source": "registry: publishers.yaml#Qwen",
                }
            },
            waived_by="w1",
        ),
    ]
    if verdict is Verdict.FAIL:
        findings.append(
            Finding(
                rule=RuleId("aigate.jurisdiction.served-country"),
                level=Level.DENY,
                component=ComponentId("api:deepseek/deepseek-chat"),
                message="deepseek-chat is served from CN (api.deepseek.com)",
                evidence=(Location("app/llm.py", 12, 5),),
                facts={"served_by.country": {"value": "CN", "source": "registry: endpoints"}},
            )
        )
    findings.append(
        Finding(
            rule=RuleId("aigate.licence.category"),
            level=Level.WARN,
            component=ComponentId("dataset:hf:acme/tickets"),
            message="dataset licence CC-BY-NC-4.0 is non-commercial",
        )
    )
    rules = (
        RuleMeta(
            RuleId("aigate.jurisdiction.lineage-country"),
            "Lineage from a denied country",
            source="policies/jurisdiction.rego:10",
            regulation="15 CFR 791.4",
        ),
        RuleMeta(
            RuleId("aigate.jurisdiction.served-country"),
            "Served from a denied country",
            source="policies/jurisdiction.rego:30",
        ),
        RuleMeta(
            RuleId("aigate.licence.category"),
            "Licence category",
            level="warn",
            source="policies/licence.rego:5",
        ),
        RuleMeta(RuleId("aigate.integrity.pinned"), "Pinned revisions", level="warn"),
    )
    return Decision(
        verdict=verdict,
        findings=tuple(findings),
        fail_on="deny",
        policy_digest="sha256:" + POLICY_DIGEST,
        policy_sources=("policies/jurisdiction.rego", "policy/release.yaml"),
        waivers_applied=(applied,),
        waivers_expired=(expired,),
        evaluated_on="2026-05-01",
        rules=rules,
    )
