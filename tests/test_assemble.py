"""Assembly: evidence with one identity is one component; weights join their model folder."""

from __future__ import annotations

from gate.model import (
    ComponentId,
    Confidence,
    Evidence,
    EvidenceKind,
    FactSource,
    Location,
    Project,
    Role,
)
from gate.resolve.assemble import assemble


def ev(
    cid: str,
    path: str,
    line: int | None = None,
    *,
    kind: EvidenceKind = EvidenceKind.CODE_REF,
    role: Role = Role.RUNTIME_MODEL,
    confidence: Confidence = Confidence.HIGH,
    **attributes: object,
) -> Evidence:
    return Evidence(
        "test",
        kind,
        ComponentId(cid),
        role,
        cid,
        Location(path, line),
        confidence,
        dict(attributes),
    )


def test_same_model_in_five_files_is_one_component_with_five_occurrences() -> None:
    cid = "hf:Qwen/Qwen2.5-7B@unpinned"
    inv = assemble([ev(cid, f"src/m{i}.py", i + 1) for i in range(5)], Project("p"))
    [comp] = inv.components
    assert comp.id == cid and comp.group == "Qwen" and comp.name == "Qwen2.5-7B"
    assert [e.location.path for e in comp.evidence] == [f"src/m{i}.py" for i in range(5)]
    assert comp.pinned is False
    assert comp.purl == "pkg:huggingface/Qwen/Qwen2.5-7B"


def test_pinned_revision_and_purl() -> None:
    sha = "c9745ed1d9f207416be6d2e6f8de32d1f16199bf"
    [comp] = assemble([ev(f"hf:org/m@{sha}", "a.py", 1)], Project("p")).components
    assert comp.pinned is True and comp.version == sha
    assert comp.purl == f"pkg:huggingface/org/m@{sha}"
    [branch] = assemble([ev("hf:org/m@main", "a.py", 1)], Project("p")).components
    assert branch.pinned is False  # a branch moves


def test_weight_files_join_their_model_folder() -> None:
    card = ev(
        "local:models/ft",
        "models/ft/README.md",
        1,
        kind=EvidenceKind.MODEL_CARD,
        role=Role.EMBEDDED_WEIGHTS,
        model_dir="models/ft",
        declared={
            "name": "ft",
            "license": "apache-2.0",
            "base_models": [
                {
                    "ref": "Qwen/Qwen2.5-0.5B",
                    "relation": "finetune",
                    "source": "model-card",
                    "detail": "README.md#base_model",
                }
            ],
            "datasets": ["cnn_dailymail"],
            "provenance": {"license": "models/ft/README.md#license"},
        },
    )
    inside = ev(
        "file:sha256:" + "a" * 64,
        "models/ft/sub/model.safetensors",
        kind=EvidenceKind.WEIGHT_FILE,
        role=Role.EMBEDDED_WEIGHTS,
        file={
            "path": "models/ft/sub/model.safetensors",
            "size": 10,
            "format": "safetensors",
            "sha256": "a" * 64,
            "metadata": {},
        },
    )
    outside = ev(
        "file:sha256:" + "b" * 64,
        "other/x.gguf",
        kind=EvidenceKind.WEIGHT_FILE,
        role=Role.EMBEDDED_WEIGHTS,
        file={"path": "other/x.gguf", "size": 5, "format": "gguf", "sha256": "b" * 64},
        declared={"license": "mit", "provenance": {"license": "other/x.gguf:general.license"}},
    )
    inv = assemble([outside, inside, card], Project("p"))
    assert [c.id for c in inv.components] == ["file:sha256:" + "b" * 64, "local:models/ft"]
    lone, folder = inv.components
    assert [f.path for f in folder.files] == ["models/ft/sub/model.safetensors"]
    assert folder.licence is not None and folder.licence.expression == "apache-2.0"
    assert folder.licence.provenance[0].source is FactSource.MODEL_CARD
    assert [a.name for a in folder.lineage] == ["Qwen/Qwen2.5-0.5B"]
    assert folder.lineage[0].id == "hf:Qwen/Qwen2.5-0.5B@unpinned"
    assert folder.datasets == ("dataset:hf:cnn_dailymail",)
    assert lone.name == "x.gguf" and lone.hashes[0].value == "b" * 64
    assert lone.licence is not None and lone.licence.provenance[0].source is FactSource.GGUF


def test_confident_facts_win_and_risks_are_kept() -> None:
    low = ev(
        "api:openai/gpt-4o",
        "a.env",
        1,
        confidence=Confidence.LOW,
        role=Role.HOSTED_API,
        base_url="https://low.example",
    )
    high = ev(
        "api:openai/gpt-4o",
        "b.py",
        3,
        role=Role.HOSTED_API,
        base_url="https://api.openai.com/v1",
        trust_remote_code=True,
        risks=[{"kind": "unsafe-pickle", "detail": "os.system"}],
    )
    [comp] = assemble([low, high], Project("p")).components
    assert comp.properties["endpoints"] == ["https://api.openai.com/v1", "https://low.example"]
    assert {r.kind for r in comp.risks} == {"trust-remote-code", "unsafe-pickle"}
    assert comp.properties["trust_remote_code"] is True


def test_assistant_payloads_merge() -> None:
    a = ev(
        "assistant:anthropic/claude-code",
        "",
        kind=EvidenceKind.ASSISTANT_COMMIT,
        role=Role.CODE_ASSISTANT,
        assistant={
            "vendor": "Anthropic",
            "commits": [{"sha": "b" * 40}],
            "path_counts": {"src/a.py": 1},
        },
    )
    b = ev(
        "assistant:anthropic/claude-code",
        "CLAUDE.md",
        kind=EvidenceKind.ASSISTANT_CONFIG,
        role=Role.CODE_ASSISTANT,
        assistant={
            "model": "claude-opus-4-5",
            "commits": [{"sha": "a" * 40}],
            "path_counts": {"src/a.py": 2, "src/b.py": 1},
        },
    )
    [comp] = assemble([a, b], Project("p")).components
    payload = comp.properties["assistant"]
    assert payload["commit_count"] == 2
    assert [c["sha"] for c in payload["commits"]] == ["a" * 40, "b" * 40]
    assert payload["path_counts"] == {"src/a.py": 3, "src/b.py": 1}
    assert payload["configs"] == ["CLAUDE.md"]
    assert payload["vendor"] == "Anthropic" and payload["model"] == "claude-opus-4-5"


def test_output_is_sorted_whatever_the_input_order() -> None:
    evs = [
        ev("ollama:qwen2.5-coder:7b", "Modelfile", 1),
        ev("api:deepseek/deepseek-chat", "x.py", 2),
    ]
    assert assemble(evs, Project("p")) == assemble(list(reversed(evs)), Project("p"))
