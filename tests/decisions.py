"""Hand-built decisions and inventories for the report tests (realistic, with sharp edges)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gate.model import (
    Ancestor,
    Component,
    ComponentId,
    Confidence,
    Decision,
    Evidence,
    EvidenceKind,
    Finding,
    Inventory,
    Level,
    Licence,
    LicenceCategory,
    Location,
    Party,
    Project,
    Risk,
    Role,
    RuleId,
    RuleMeta,
    ServedBy,
    Skipped,
    Verdict,
    Waiver,
)

DIGEST = "sha256:" + "3f" * 32
QWEN = ComponentId("hf:Qwen/Qwen2.5-Coder-7B-Instruct@unpinned")
DEEPSEEK = ComponentId("api:deepseek/deepseek-chat")
SUMMARIZER = ComponentId("local:models/summarizer")
CLAUDE = ComponentId("assistant:anthropic/claude")
BGE = ComponentId("hf:BAAI/bge-small-en-v1.5@5c38ec7c405ec4b44b94cc5a9bb96e735b38267a")
GGUF = ComponentId("file:sha256:" + "ab" * 32)
COMMIT_A = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
COMMIT_B = "0f1e2d3c4b5a69788796a5b4c3d2e1f001234567"


def _ev(cid: ComponentId, role: Role, kind: EvidenceKind, loc: Location, text: str) -> Evidence:
    return Evidence("test", kind, cid, role, text, loc, Confidence.HIGH)


def inventory(root: str = ".") -> Inventory:
    alibaba = Party("Alibaba Cloud", "CN", parent="Alibaba Group", parent_country="CN")
    comps = [
        Component(
            id=QWEN,
            role=Role.RUNTIME_MODEL,
            name="Qwen2.5-Coder-7B-Instruct",
            group="Qwen",
            pinned=False,
            publisher=alibaba,
            licence=Licence("Apache-2.0", category=LicenceCategory.PERMISSIVE),
            evidence=(
                _ev(
                    QWEN,
                    Role.RUNTIME_MODEL,
                    EvidenceKind.CODE_REF,
                    Location("src/app/llm.py", 12, 9),
                    "Qwen/Qwen2.5-Coder-7B-Instruct",
                ),
                _ev(
                    QWEN,
                    Role.RUNTIME_MODEL,
                    EvidenceKind.CONFIG_REF,
                    Location("configs/models.yaml", 3),
                    "Qwen/Qwen2.5-Coder-7B-Instruct",
                ),
            ),
        ),
        Component(
            id=DEEPSEEK,
            role=Role.HOSTED_API,
            name="deepseek-chat",
            publisher=Party("DeepSeek", "CN"),
            served_by=ServedBy("api.deepseek.com", "DeepSeek", "CN"),
            evidence=(
                _ev(
                    DEEPSEEK,
                    Role.HOSTED_API,
                    EvidenceKind.API_REF,
                    Location("src/app/chat.py", 40, 5),
                    "deepseek-chat",
                ),
            ),
        ),
        Component(
            id=SUMMARIZER,
            role=Role.EMBEDDED_WEIGHTS,
            name="summarizer",
            lineage=(
                Ancestor(
                    ComponentId("hf:Qwen/Qwen2.5-0.5B-Instruct@unpinned"),
                    "Qwen/Qwen2.5-0.5B-Instruct",
                    "finetune",
                    alibaba,
                ),
            ),
            licence=Licence(
                "LicenseRef-aigate-qwen-research",
                name="Qwen Research License",
                category=LicenceCategory.RESEARCH_ONLY,
            ),
            risks=(Risk("unsafe-pickle", "imports os.system", Location("models/summarizer/x.pt")),),
            evidence=(
                _ev(
                    SUMMARIZER,
                    Role.EMBEDDED_WEIGHTS,
                    EvidenceKind.MODEL_CARD,
                    Location("models/summarizer/README.md", 1),
                    "models/summarizer",
                ),
            ),
        ),
        Component(
            id=CLAUDE,
            role=Role.CODE_ASSISTANT,
            name="claude",
            publisher=Party("Anthropic", "US"),
            evidence=(
                _ev(
                    CLAUDE,
                    Role.CODE_ASSISTANT,
                    EvidenceKind.ASSISTANT_COMMIT,
                    Location("", commit=COMMIT_A),
                    "Co-Authored-By: Claude <noreply@anthropic.com>",
                ),
                _ev(
                    CLAUDE,
                    Role.CODE_ASSISTANT,
                    EvidenceKind.ASSISTANT_COMMIT,
                    Location("", commit=COMMIT_B),
                    "Co-Authored-By: Claude <noreply@anthropic.com>",
                ),
            ),
        ),
        Component(
            id=BGE,
            role=Role.RUNTIME_MODEL,
            name="bge-small-en-v1.5",
            group="BAAI",
            version="5c38ec7c405ec4b44b94cc5a9bb96e735b38267a",
            pinned=True,
            publisher=Party("Beijing Academy of Artificial Intelligence", "CN"),
            licence=Licence("MIT", category=LicenceCategory.PERMISSIVE),
            evidence=(
                _ev(
                    BGE,
                    Role.RUNTIME_MODEL,
                    EvidenceKind.CODE_REF,
                    Location("src/app/search.py", 7, 14),
                    "BAAI/bge-small-en-v1.5",
                ),
            ),
        ),
        Component(
            id=GGUF,
            role=Role.EMBEDDED_WEIGHTS,
            name="模型-q4.gguf",
            evidence=(
                _ev(
                    GGUF,
                    Role.EMBEDDED_WEIGHTS,
                    EvidenceKind.WEIGHT_FILE,
                    Location("models/ünïcødé/模型-q4.gguf"),
                    "models/ünïcødé/模型-q4.gguf",
                ),
            ),
        ),
    ]
    return Inventory(
        project=Project("demo-app", "1.2.0", root),
        components=tuple(sorted(comps, key=lambda c: c.id)),
        skipped=(Skipped("models/broken.safetensors", "header larger than 100 MB"),),
        files_scanned=42,
        notes=("history read: v1.1.0..HEAD (12 commits)",),
    )


RULES = (
    RuleMeta(
        RuleId("aigate.jurisdiction.publisher-country"),
        "Model publisher in a denied country",
        "The organisation that published the model, or its controlling parent, is in a"
        " country the release policy denies.",
        "deny",
        "high",
        "Replace the model with one from an allowed publisher, or file a time-bound waiver.",
        "15 CFR 791.4",
        "https://aigate.example/rules/jurisdiction#publisher-country",
        "policies/jurisdiction.rego:12",
    ),
    RuleMeta(
        RuleId("aigate.jurisdiction.lineage"),
        "Base model from a denied country",
        "A model this one was fine-tuned, merged or quantised from was published in a denied"
        " country.",
        "deny",
        "high",
        "Retrain from an allowed base model.",
        "15 CFR 791.4",
        None,
        "policies/jurisdiction.rego:40",
    ),
    RuleMeta(
        RuleId("aigate.jurisdiction.served-by"),
        "Hosted model served from a denied country",
        "Calls go to an endpoint operated in a denied country.",
        "warn",
        "medium",
        "Use a regional endpoint in an allowed country.",
    ),
    RuleMeta(
        RuleId("aigate.integrity.unsafe-pickle"),
        "Weights can run code when loaded",
        "A pickle inside the weights imports functions that execute commands.",
        "deny",
        "critical",
        "Convert the weights to safetensors.",
        help_uri="https://aigate.example/rules/integrity#unsafe-pickle",
    ),
    RuleMeta(
        RuleId("aigate.integrity.unpinned-revision"),
        "Model revision not pinned",
        "The model is fetched by name without a commit, so its weights can change.",
        "warn",
        "low",
        "Pass revision=<commit sha>.",
    ),
    RuleMeta(
        RuleId("aigate.licence.research-only"),
        "Research-only licence in a release",
        "The licence forbids commercial use.",
        "deny",
        "high",
        "Obtain a commercial licence or remove the model.",
        "EU AI Act Art. 53(1)(c)",
    ),
    RuleMeta(
        RuleId("aigate.assistants.country"),
        "Coding assistant vendor country",
        "Commits co-authored by a coding assistant, with the vendor's country.",
        "info",
        "low",
    ),
)

WAIVER_LICENCE = Waiver(
    "WVR-2026-014",
    "aigate.licence.research-only",
    str(SUMMARIZER),
    "internal eval only, | not shipped | <b>bold</b> @security-team",
    "Jane Doe <jane@corp.example> (Legal)",
    "2026-10-31",
    "https://jira.example/SEC-123",
    ".aigate/waivers.yaml:3",
)
WAIVER_BGE = Waiver(
    "WVR-2026-015",
    "aigate.jurisdiction.publisher-country",
    str(BGE),
    "embedding model, weights audited; replacement planned for Q4",
    "ciso@corp.example",
    "2026-09-10",
    None,
    ".aigate/waivers.yaml:11",
)
WAIVER_EXPIRED = Waiver(
    "WVR-2025-003",
    "aigate.integrity.unpinned-revision",
    str(QWEN),
    "temporary while upstream tags a release",
    "lead@corp.example",
    "2026-06-30",
    None,
    ".aigate/waivers.yaml:19",
)
WAIVER_UNUSED = Waiver(
    "WVR-2026-020",
    "aigate.jurisdiction.served-by",
    "api:zhipu/glm-4",
    "old integration",
    "lead@corp.example",
    "2026-12-31",
    None,
    ".aigate/waivers.yaml:27",
)


def findings() -> tuple[Finding, ...]:
    return (
        Finding(
            RuleId("aigate.jurisdiction.publisher-country"),
            Level.DENY,
            QWEN,
            "Qwen2.5-Coder-7B-Instruct is published by Alibaba Cloud (CN, parent Alibaba Group:"
            " CN); denied countries: CN, HK, MO",
            (Location("src/app/llm.py", 12, 9), Location("configs/models.yaml", 3)),
            {"country": "CN", "publisher": "Alibaba Cloud"},
        ),
        Finding(
            RuleId("aigate.jurisdiction.publisher-country"),
            Level.DENY,
            DEEPSEEK,
            "deepseek-chat is published by DeepSeek (CN)",
            (Location("src/app/chat.py", 40, 5),),
        ),
        Finding(
            RuleId("aigate.jurisdiction.served-by"),
            Level.WARN,
            DEEPSEEK,
            "deepseek-chat is served from api.deepseek.com (CN)\n100% of calls leave the EU",
            (Location("src/app/chat.py", 40, 5),),
        ),
        Finding(
            RuleId("aigate.jurisdiction.lineage"),
            Level.DENY,
            SUMMARIZER,
            "summarizer is a finetune of Qwen/Qwen2.5-0.5B-Instruct, published by Alibaba"
            " Cloud (CN)",
            (Location("models/summarizer/README.md", 1),),
            {"ancestor": "hf:Qwen/Qwen2.5-0.5B-Instruct@unpinned"},
        ),
        Finding(
            RuleId("aigate.licence.research-only"),
            Level.DENY,
            SUMMARIZER,
            "summarizer is under the Qwen Research License (research-only)",
            (Location("models/summarizer/README.md", 1),),
            waived_by="WVR-2026-014",
        ),
        Finding(
            RuleId("aigate.jurisdiction.publisher-country"),
            Level.DENY,
            BGE,
            "bge-small-en-v1.5 is published by Beijing Academy of Artificial Intelligence (CN)",
            (Location("src/app/search.py", 7, 14),),
            waived_by="WVR-2026-015",
        ),
        Finding(
            RuleId("aigate.integrity.unpinned-revision"),
            Level.WARN,
            QWEN,
            "Qwen/Qwen2.5-Coder-7B-Instruct is loaded without a revision",
            (Location("src/app/llm.py", 12, 9),),
        ),
        Finding(
            RuleId("aigate.integrity.unsafe-pickle"),
            Level.DENY,
            GGUF,
            "模型-q4.gguf: pickle imports os.system ``rm -rf`` & *more*",
            (),
        ),
        Finding(
            RuleId("aigate.assistants.country"),
            Level.INFO,
            CLAUDE,
            "2 commits co-authored by Claude (Anthropic, US)",
            (Location("", commit=COMMIT_A), Location("", commit=COMMIT_B)),
        ),
        Finding(
            RuleId("waiver.expired"),
            Level.WARN,
            None,
            "waiver WVR-2025-003 expired on 2026-06-30; it no longer applies",
            (),
            {"waiver": "WVR-2025-003"},
        ),
        Finding(
            RuleId("waiver.unused"),
            Level.INFO,
            None,
            "waiver WVR-2026-020 matched no finding",
            (),
            {"waiver": "WVR-2026-020"},
        ),
    )


def decision(**changes: object) -> Decision:
    base = Decision(
        verdict=Verdict.FAIL,
        findings=findings(),
        fail_on="deny",
        policy_digest=DIGEST,
        policy_sources=("policies/packs/release.yaml", ".aigate/waivers.yaml"),
        waivers_applied=(WAIVER_LICENCE, WAIVER_BGE),
        waivers_expired=(WAIVER_EXPIRED,),
        waivers_unused=(WAIVER_UNUSED,),
        waivers_expiring=(WAIVER_BGE,),
        evaluated_on="2026-09-01",
        notes=("offline: Hugging Face Hub not asked",),
        rules=RULES,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def empty() -> tuple[Decision, Inventory]:
    """A clean pass: nothing found, nothing waived."""
    return (
        Decision(Verdict.PASS, (), "deny", DIGEST, evaluated_on="2026-09-01", rules=RULES),
        Inventory(Project("empty")),
    )


def huge(n: int) -> tuple[Decision, Inventory]:
    """``n`` deny findings over ``n`` components: far more than any GitHub limit."""
    comps = []
    found = []
    for i in range(n):
        cid = ComponentId(f"hf:org{i % 97}/model-{i:06d}@unpinned")
        loc = Location(f"src/pkg{i % 50}/module_{i:06d}.py", i % 400 + 1)
        comps.append(
            Component(
                cid,
                Role.RUNTIME_MODEL,
                f"model-{i:06d}",
                publisher=Party(f"Org {i % 97}", "CN"),
                evidence=(_ev(cid, Role.RUNTIME_MODEL, EvidenceKind.CODE_REF, loc, str(cid)),),
            )
        )
        level = Level.DENY if i % 3 else Level.WARN
        found.append(
            Finding(
                RuleId("aigate.jurisdiction.publisher-country"),
                level,
                cid,
                f"model-{i:06d} is published by Org {i % 97} (CN); denied: CN, HK, MO, RU",
                (loc,),
            )
        )
    dec = Decision(
        Verdict.FAIL, tuple(found), "deny", DIGEST, evaluated_on="2026-09-01", rules=RULES
    )
    return dec, Inventory(Project("huge"), tuple(comps), files_scanned=n)


TEST_VERSION = "0.0.0+test"


@pytest.fixture
def fixed_version(monkeypatch: pytest.MonkeyPatch) -> str:
    """Reports name aigate's version; goldens must not change with every release."""
    for module in ("sarif", "markdown", "junit"):
        monkeypatch.setattr(f"gate.report.{module}.__version__", TEST_VERSION)
    return TEST_VERSION
