"""Write examples/demo-app.resolved.cdx.json: the demo app as the resolver will see it.

Usage: .venv/bin/python examples/make_demo_bom.py
The scan on its own does not know publishers' countries until the origins resolver lands;
this hand-made inventory states the facts the resolver's registry holds (publisher, parent,
country, lineage, licence, with their sources), so that `make demo` can show the policy
story: the release pack blocks it, a waiver file lets it pass.
"""

from __future__ import annotations

from pathlib import Path

from gate.bom.cyclonedx import write_bom
from gate.model import (
    Ancestor,
    Component,
    ComponentId,
    Confidence,
    Evidence,
    EvidenceKind,
    FactSource,
    Inventory,
    Location,
    Party,
    Project,
    Provenance,
    Role,
    ServedBy,
    WeightFile,
)
from gate.resolve.licences import normalise

OUT = Path(__file__).resolve().parent / "demo-app.resolved.cdx.json"


def _ev(cid: str, role: Role, kind: EvidenceKind, text: str, path: str, line: int) -> Evidence:
    return Evidence(
        "demo", kind, ComponentId(cid), role, text, Location(path, line), Confidence.HIGH
    )


def _reg(detail: str) -> tuple[Provenance, ...]:
    return (Provenance(FactSource.REGISTRY, detail),)


ALIBABA = Party("Alibaba Cloud (Qwen)", "CN", "Alibaba Group", "CN", _reg("publishers: qwen"))
DEEPSEEK = Party("DeepSeek", "CN", "High-Flyer", "CN", _reg("publishers: deepseek-ai"))
OPENAI = Party("OpenAI", "US", None, None, _reg("publishers: openai"))


def inventory() -> Inventory:
    """The demo app with resolved origins (as of the registry's 2026-11 data)."""
    coder = "hf:Qwen/Qwen2.5-Coder-7B-Instruct@unpinned"
    chat = "api:deepseek/deepseek-chat"
    summarizer = "local:models/summarizer"
    gguf = "local:models/local/coder-q4.gguf"
    mini = "api:openai/gpt-4o-mini"
    return Inventory(
        project=Project("demo-app"),
        files_scanned=11,
        components=(
            Component(
                id=ComponentId(coder),
                role=Role.RUNTIME_MODEL,
                name="Qwen2.5-Coder-7B-Instruct",
                group="Qwen",
                pinned=False,
                publisher=ALIBABA,
                licence=normalise("apache-2.0", provenance=_reg("models: Qwen2.5-Coder")),
                evidence=(
                    _ev(coder, Role.RUNTIME_MODEL, EvidenceKind.CODE_REF, "Qwen/Qwen2.5-Coder-7B-Instruct", "app/main.py", 9),
                ),
            ),
            Component(
                id=ComponentId(summarizer),
                role=Role.EMBEDDED_WEIGHTS,
                name="summarizer",
                pinned=True,
                publisher=None,
                lineage=(
                    Ancestor(ComponentId("hf:Qwen/Qwen2.5-0.5B-Instruct@unpinned"), "Qwen2.5-0.5B-Instruct", "finetune", ALIBABA, (Provenance(FactSource.MODEL_CARD, "models/summarizer/README.md: base_model"),)),
                ),
                licence=normalise("apache-2.0", provenance=(Provenance(FactSource.MODEL_CARD, "models/summarizer/README.md: license"),)),
                files=(WeightFile("models/summarizer/model.safetensors", 4096, "safetensors", "9" * 64),),
                evidence=(
                    _ev(summarizer, Role.EMBEDDED_WEIGHTS, EvidenceKind.MODEL_CARD, "models/summarizer", "models/summarizer/README.md", 1),
                ),
            ),
            Component(
                id=ComponentId(gguf),
                role=Role.EMBEDDED_WEIGHTS,
                name="DeepSeek-R1-Distill-Qwen-1.5B (Q4)",
                pinned=True,
                publisher=None,
                lineage=(
                    Ancestor(ComponentId("hf:deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B@unpinned"), "DeepSeek-R1-Distill-Qwen-1.5B", "quantized", DEEPSEEK, (Provenance(FactSource.GGUF, "general.base_model.0.repo_url"),), 1),
                    Ancestor(ComponentId("hf:deepseek-ai/DeepSeek-R1@unpinned"), "DeepSeek-R1", "distill", DEEPSEEK, (Provenance(FactSource.REGISTRY, "models: DeepSeek-R1-Distill"),), 2),
                ),
                licence=normalise("mit", provenance=(Provenance(FactSource.GGUF, "general.license"),)),
                files=(WeightFile("models/local/coder-q4.gguf", 8192, "gguf", "a" * 64),),
                evidence=(
                    _ev(gguf, Role.EMBEDDED_WEIGHTS, EvidenceKind.WEIGHT_FILE, "coder-q4.gguf", "models/local/coder-q4.gguf", 0),
                ),
            ),
            Component(
                id=ComponentId(chat),
                role=Role.HOSTED_API,
                name="deepseek-chat",
                group="deepseek",
                publisher=DEEPSEEK,
                served_by=ServedBy("api.deepseek.com", "DeepSeek", "CN", _reg("endpoints: api.deepseek.com")),
                evidence=(
                    _ev(chat, Role.HOSTED_API, EvidenceKind.API_REF, "deepseek-chat", "app/main.py", 29),
                ),
                properties={"endpoints": ["https://api.deepseek.com"]},
            ),
            Component(
                id=ComponentId(mini),
                role=Role.HOSTED_API,
                name="gpt-4o-mini",
                group="openai",
                publisher=OPENAI,
                served_by=ServedBy("api.openai.com", "OpenAI", "US", _reg("endpoints: api.openai.com")),
                evidence=(
                    _ev(mini, Role.HOSTED_API, EvidenceKind.API_REF, "gpt-4o-mini", "app/main.py", 36),
                ),
            ),
        ),
    )


if __name__ == "__main__":
    OUT.write_text(write_bom(inventory()), encoding="utf-8")
    print(f"wrote {OUT}")
