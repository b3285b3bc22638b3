"""Lineage: declared parents, known models, name rules (marked heuristic), cycles and depth."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.model import FactSource, Provenance, WeightFile
from gate.registry import Registry, load
from gate.resolve import lineage
from gate.resolve.lineage import (
    MAX_DEPTH,
    LineageResolver,
    ParentLink,
    gguf_links,
    name_heuristics,
    strip_suffixes,
)


@pytest.mark.parametrize(
    ("name", "base"),
    [
        ("DeepSeek-R1-Distill-Qwen-7B-GGUF", "DeepSeek-R1-Distill-Qwen-7B"),
        ("Qwen2.5-7B-Instruct-bnb-4bit", "Qwen2.5-7B-Instruct"),
        ("Llama-3.2-1B-Instruct-unsloth-bnb-4bit", "Llama-3.2-1B-Instruct"),
        ("Qwen2.5-72B-Instruct-GPTQ-Int4", "Qwen2.5-72B-Instruct"),
        ("Meta-Llama-3.1-8B-Instruct-FP8-dynamic", "Meta-Llama-3.1-8B-Instruct"),
        ("Qwen2.5-7B-Instruct-4bit", "Qwen2.5-7B-Instruct"),
        ("Mistral-7B-Instruct-v0.2-AWQ", "Mistral-7B-Instruct-v0.2"),
        ("Qwen2.5-7B-Instruct-Q4_K_M-GGUF", "Qwen2.5-7B-Instruct"),
        ("DeepSeek-R1-Distill-Qwen-14B-i1-GGUF", "DeepSeek-R1-Distill-Qwen-14B"),
        ("gemma-2-9b-it", "gemma-2-9b-it"),
    ],
)
def test_derivative_suffixes_are_stripped(name: str, base: str) -> None:
    assert strip_suffixes(name)[0] == base


def _rules(links: list[ParentLink]) -> list[str]:
    return [link.provenance.detail.split("'")[1] for link in links]


def test_quantisation_suffix_names_the_original() -> None:
    links = name_heuristics(load(), "bartowski", "DeepSeek-R1-Distill-Qwen-7B-GGUF")
    assert [(link.ref, link.relation) for link in links] == [
        ("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", "quantized")
    ]
    assert links[0].provenance.source is FactSource.HEURISTIC
    assert _rules(links) == ["derivative suffix"]


def test_a_publishers_own_quantisation_points_at_its_own_repo() -> None:
    links = name_heuristics(load(), "Qwen", "Qwen2.5-32B-Instruct-AWQ")
    assert [link.ref for link in links] == ["Qwen/Qwen2.5-32B-Instruct"]


def test_redistributor_copy_without_suffix() -> None:
    links = name_heuristics(load(), "unsloth", "Meta-Llama-3.1-8B-Instruct")
    expected = [("meta-llama/Llama-3.1-8B-Instruct", "copy")]
    assert [(link.ref, link.relation) for link in links] == expected
    assert _rules(links) == ["redistributor copy"]


def test_known_model_and_family_in_a_fine_tunes_name() -> None:
    r = load()
    hermes = name_heuristics(r, "someone", "Hermes-3-Llama-3.1-8B-custom")
    assert [link.ref for link in hermes] == ["NousResearch/Hermes-3-Llama-3.1-8B"]
    assert _rules(hermes) == ["known model in name"]
    resolver = LineageResolver(r, None)
    chain = resolver.ancestors("hf:someone/x@unpinned", hermes)
    assert [a.name for a in chain] == [
        "NousResearch/Hermes-3-Llama-3.1-8B",
        "meta-llama/Llama-3.1-8B",
    ]
    dolphin = name_heuristics(r, "cognitivecomputations", "dolphin-2.9-llama3-8b")
    assert [(link.ref, link.family is not None) for link in dolphin] == [("Llama family", True)]


def test_a_distill_name_carries_both_makers() -> None:
    links = name_heuristics(load(), "someone", "DeepSeek-R1-Distill-Qwen-99B")
    refs = [(link.ref, link.relation) for link in links]
    assert ("deepseek-ai/DeepSeek-R1", "distill") in refs
    # A family is named, not a model: how the weights were made from it is unknown.
    assert ("Qwen family", "unknown") in refs


def test_own_family_is_not_a_parent_and_scratch_models_get_none() -> None:
    r = load()
    assert name_heuristics(r, "Qwen", "Qwen2.5-Coder-7B") == []
    resolver = LineageResolver(r, None)
    assert resolver.parents_of("openlm-research/open_llama_7b") == []
    assert resolver.parents_of("TinyLlama/TinyLlama-1.1B-Chat-v1.0") == []


def test_gguf_base_model_keys_flat_and_nested() -> None:
    flat = WeightFile(
        "m.gguf",
        10,
        "gguf",
        None,
        {
            "general.base_model.count": 2,
            "general.base_model.0.name": "Qwen2.5 7B Instruct",
            "general.base_model.0.organization": "Qwen",
            "general.base_model.0.repo_url": "https://huggingface.co/Qwen/Qwen2.5-7B-Instruct",
            "general.base_model.1.name": "Some Merge Partner",
            "general.base_model.1.organization": "nobody-known",
        },
    )
    nested = WeightFile("n.gguf", 10, "gguf", None, {"base_models": [{"name": "Llama 3.1 8B"}]})
    links = gguf_links([flat, nested])
    assert [link.ref for link in links] == [
        "Qwen/Qwen2.5-7B-Instruct",
        "Some Merge Partner",
        "Llama 3.1 8B",
    ]
    assert links[0].provenance == Provenance(FactSource.GGUF, "m.gguf#general.base_model.0")
    resolver = LineageResolver(load(), None)
    ancestors = resolver.ancestors("file:sha256:" + "0" * 64, links)
    partner = next(a for a in ancestors if a.name == "Some Merge Partner")
    assert partner.publisher is not None and partner.publisher.country is None
    assert partner.publisher.provenance[0].source is FactSource.IDENTITY


def test_walk_is_breadth_first_with_depths_and_several_parents() -> None:
    resolver = LineageResolver(load(), None)
    start = resolver.parents_of("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B")
    ancestors = resolver.ancestors("hf:deepseek-ai/DeepSeek-R1-Distill-Qwen-7B@unpinned", start)
    assert [(a.depth, a.name) for a in ancestors] == [
        (1, "Qwen/Qwen2.5-Math-7B"),
        (1, "deepseek-ai/DeepSeek-R1"),
        (2, "Qwen/Qwen2.5-7B"),
        (2, "deepseek-ai/DeepSeek-V3-Base"),
    ]
    assert {a.publisher.country for a in ancestors if a.publisher} == {"CN"}


def test_cycles_end_and_depth_is_bounded(tmp_path: Path) -> None:
    chain = "\n".join(
        f"  - {{id: org/m{i}, parents: [{{ref: org/m{i + 1}, relation: finetune}}]}}"
        for i in range(20)
    )
    loop = (
        "  - {id: org/a, parents: [{ref: org/b, relation: merge}]}\n"
        "  - {id: org/b, parents: [{ref: org/a, relation: merge}, {ref: org/c}]}\n"
        "  - {id: org/c, parents: [{ref: org/b}]}\n"
    )
    path = tmp_path / "lineage.yaml"
    path.write_text(f"models:\n{chain}\n{loop}", encoding="utf-8")
    resolver = LineageResolver(Registry((path,)), None)
    deep = resolver.ancestors("hf:org/m0@unpinned", resolver.parents_of("org/m0"))
    assert len(deep) == MAX_DEPTH
    assert [a.depth for a in deep] == list(range(1, MAX_DEPTH + 1))
    looped = resolver.ancestors("hf:org/a@unpinned", resolver.parents_of("org/a"))
    assert [a.name for a in looped] == ["org/b", "org/c"]
    assert looped[0].provenance[0].source is FactSource.USER_REGISTRY


@pytest.mark.parametrize(
    "name",
    [
        "glmnet-baseline",
        "minimax-chess-engine",
        "ernie-sentiment",
        "kimi-no-na-wa",
        "ring-buffer",
        "ling-classifier",
        "ming-dynasty-poems",
        "falcon-eye-detector",
        "hubert",
        "qwenlike",
    ],
)
def test_words_that_only_look_like_family_names_link_nothing(name: str) -> None:
    r = load()
    assert r.families_in(name) == []
    assert name_heuristics(r, "acme", name) == []


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("glm4-tiny-sft", "GLM"),
        ("chatglm3-6b-finetuned", "GLM"),
        ("MiniMax-M9-custom", "MiniMax"),
        ("ERNIE-4.5-sft", "ERNIE"),
        ("Kimi-K2-distilled", "Kimi"),
        ("Ling-lite-sft", "BaiLing"),
        ("qwen2.5-my-tune", "Qwen"),
        ("my-llama3-8b", "Llama"),
        ("bge-large-custom", "BGE"),
    ],
)
def test_model_shaped_family_names_still_link_as_heuristics(name: str, family: str) -> None:
    links = name_heuristics(load(), "acme", name)
    [link] = [link for link in links if link.family is not None]
    assert link.family is not None and link.family.family == family
    assert link.relation == "unknown"
    assert link.provenance.source is FactSource.HEURISTIC
    assert "family in name" in link.provenance.detail


@pytest.mark.parametrize(
    ("org", "name"),
    [
        ("THUDM", "chatglm3-6b"),
        ("THUDM", "glm-4-9b-chat"),
        ("thenlper", "gte-large"),
        ("codellama", "CodeLlama-7b-hf"),
        ("Qwen", "Qwen2.5-7B-Instruct"),
        ("zai-org", "GLM-4.5"),
    ],
)
def test_a_publishers_own_model_is_not_linked_to_its_own_family(org: str, name: str) -> None:
    resolver = LineageResolver(load(), None)
    links = resolver.parents_of(f"{org}/{name}")
    assert [link.ref for link in links if link.family is not None] == []


def test_known_names_found_in_one_pass_as_by_a_loop_over_them() -> None:
    # The automaton must give what a str.find loop over every known name gives: each name at
    # its first token-bounded occurrence, longest first, no overlaps, ties in the table's order.
    from gate.resolve.lineage import _bounded, _find_known

    def _find_known_plain(registry: Registry, name: str) -> list[tuple[int, int, str]]:
        """:func:`_find_known` as a loop over the known names: the reference its tests compare."""
        lowered = name.lower()
        hits: list[tuple[int, int, str]] = []
        for known, repo in registry.known_names().items():
            if len(known) < 5 or known == lowered:
                continue
            start = lowered.find(known)
            while start >= 0:
                end = start + len(known)
                if _bounded(lowered, start, end):
                    hits.append((start, end, repo))
                    break
                start = lowered.find(known, start + 1)
        hits.sort(key=lambda h: -(h[1] - h[0]))
        chosen: list[tuple[int, int, str]] = []
        for hit in hits:
            if all(hit[1] <= c[0] or hit[0] >= c[1] for c in chosen):
                chosen.append(hit)
        return sorted(chosen)

    registry = load()
    known = list(registry.known_names())
    names = [
        "DeepSeek-R1-Distill-Qwen-7B-GGUF",
        "Meta-Llama-3.1-8B-Instruct-abliterated-Q4_K_M",
        "qwen2.5-7b-instruct",
        "ÄÖü-Qwen2.5-7B-Instruct-ünïcode-Llama-3.1-8B",
        "xxqwen2.5-7b-instructxx-qwen2.5-7b-instruct",
        "",
        "a",
    ]
    names += [f"My-{k}-finetune" for k in known[::7]]
    names += [f"{a}-{b}" for a, b in zip(known[::13], known[5::13], strict=False)]
    names += [k.upper() for k in known[::11]]
    for name in names:
        assert _find_known(registry, name) == _find_known_plain(registry, name), name


def test_the_suffix_screen_strips_as_the_suffixes_one_by_one() -> None:
    def one_by_one(name: str) -> tuple[str, list[str]]:
        removed: list[str] = []
        current, changed = name, True
        while changed:
            changed = False
            for regex, label in lineage._SUFFIX_RE:
                match = regex.search(current)
                if match and match.start() > 0:
                    removed.append(f"{match.group(0)} ({label})")
                    current, changed = current[: match.start()], True
                    break
        return current, removed

    tails = ["", "-GGUF", "-i1-gguf", "-Q4_K_M-GGUF", "-gptq-int4", "-AWQ", "-exl2-4.0bpw"]
    tails += ["-bnb-4bit", "-mlx-4bit", "-4bit", "-fp8-dynamic", "-quantized.w4a16", "-bf16"]
    tails += ["-q4f16_1-MLC", "-onnx", "-x", "gguf", "-"]
    for base in ["model-1234", "Qwen2.5-7B-Instruct", "-gguf", "gguf", "", "Llama-3-8B"]:
        for first in tails:
            for second in tails:
                name = base + first + second
                assert strip_suffixes(name) == one_by_one(name), name
