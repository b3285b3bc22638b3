"""The licence catalogue: every Hub id, AI licences by name and link, OR/AND semantics,
unknown never permissive, and every catalogue licence is valid in a CycloneDX BOM."""

from __future__ import annotations

import pytest

from gate.bom.cyclonedx import write_bom
from gate.model import Component, ComponentId, Inventory, LicenceCategory, Project, Role
from gate.resolve import licences
from gate.resolve.licences import dnf, normalise, term

# huggingface/hub-docs:docs/hub/repositories-licenses.md @242f4a1 (gate-anchors.md).
HUB_IDS = """apache-2.0 mit openrail bigscience-openrail-m creativeml-openrail-m
bigscience-bloom-rail-1.0 bigcode-openrail-m afl-3.0 artistic-2.0 bsl-1.0 bsd bsd-2-clause
bsd-3-clause bsd-3-clause-clear c-uda cc cc0-1.0 cc-by-2.0 cc-by-2.5 cc-by-3.0 cc-by-4.0
cc-by-sa-3.0 cc-by-sa-4.0 cc-by-nc-2.0 cc-by-nc-3.0 cc-by-nc-4.0 cc-by-nd-4.0 cc-by-nc-nd-3.0
cc-by-nc-nd-4.0 cc-by-nc-sa-2.0 cc-by-nc-sa-3.0 cc-by-nc-sa-4.0 cdla-sharing-1.0
cdla-permissive-1.0 cdla-permissive-2.0 wtfpl ecl-2.0 epl-1.0 epl-2.0 etalab-2.0 eupl-1.1
eupl-1.2 agpl-3.0 gfdl gpl gpl-2.0 gpl-3.0 lgpl lgpl-2.1 lgpl-3.0 isc h-research
intel-research lppl-1.3c ms-pl apple-ascl apple-amlr mpl-2.0 odc-by odbl openmdw-1.0
openmdw-1.1 openrail++ osl-3.0 postgresql ofl-1.1 ncsa unlicense zlib pddl lgpl-lr
deepfloyd-if-license fair-noncommercial-research-license llama2 llama3 llama3.1 llama3.2
llama3.3 llama4 grok2-community gemma""".split()


def test_every_hub_licence_id_is_in_the_catalogue() -> None:
    missing = [i for i in HUB_IDS if not term(i).known]
    assert missing == []


@pytest.mark.parametrize(
    ("license_id", "name", "link", "expression", "category"),
    [
        ("other", "qwen", None, "LicenseRef-aigate-qwen", "restricted-use"),
        (
            "other",
            "tongyi-qianwen-license-agreement",
            None,
            "LicenseRef-aigate-tongyi-qianwen",
            "restricted-use",
        ),
        ("other", "qwen-research", None, "LicenseRef-aigate-qwen-research", "research-only"),
        ("other", "deepseek-license", None, "LicenseRef-aigate-deepseek", "restricted-use"),
        (
            "other",
            "mrl",
            "https://mistral.ai/licenses/MRL-0.1.md",
            "LicenseRef-aigate-mrl",
            "research-only",
        ),
        (
            "other",
            None,
            "https://mistral.ai/licences/MNPL-0.1.md",
            "LicenseRef-aigate-mnpl",
            "non-commercial",
        ),
        (
            "other",
            "falcon-llm-license",
            None,
            "LicenseRef-aigate-falcon-llm-license",
            "restricted-use",
        ),
        (
            "other",
            None,
            "https://falconllm.tii.ae/falcon-terms-and-conditions.html",
            "LicenseRef-aigate-falcon-llm-license",
            "restricted-use",
        ),
        (
            "other",
            "Llama 3.1 Community License",
            None,
            "LicenseRef-aigate-llama3.1",
            "restricted-use",
        ),
        (
            "other",
            "tencent-hunyuan-community",
            None,
            "LicenseRef-aigate-tencent-hunyuan-community",
            "restricted-use",
        ),
        (
            "other",
            "modified-mit",
            "https://github.com/moonshotai/Kimi-K2/blob/main/LICENSE",
            "LicenseRef-aigate-kimi-modified-mit",
            "permissive",
        ),
        ("gemma", None, None, "LicenseRef-aigate-gemma", "restricted-use"),
        ("cc-by-nc-4.0", None, None, "CC-BY-NC-4.0", "non-commercial"),
        ("apache-2.0", None, None, "Apache-2.0", "permissive"),
    ],
)
def test_card_fields_normalise(
    license_id: str, name: str | None, link: str | None, expression: str, category: str
) -> None:
    lic = normalise(license_id, name, link)
    assert lic is not None
    assert (lic.expression, lic.category.value) == (expression, category)


def test_obligations_surface_thresholds_territories_and_naming() -> None:
    hunyuan = normalise("other", "tencent-hunyuan-community")
    assert hunyuan is not None
    assert any("European Union, United Kingdom and South Korea" in o for o in hunyuan.obligations)
    llama = normalise("llama3", None)
    assert llama is not None
    assert any(o.startswith("naming:") and "Llama 3" in o for o in llama.obligations)
    assert any(o.startswith("user-threshold:") for o in llama.obligations)
    kimi = normalise("other", "kimi-k2-license")
    assert kimi is not None and any("Kimi K2" in o for o in kimi.obligations)


def test_unknown_other_is_never_permissive() -> None:
    vague = normalise("other", None, "LICENSE")
    assert vague is not None and vague.category is LicenceCategory.UNKNOWN
    odd = normalise("other", "my-company-terms")
    assert odd is not None and odd.category is LicenceCategory.UNKNOWN
    # A repo's own LICENSE link says nothing on its own.
    link_only = normalise(
        "other", None, "https://huggingface.co/Qwen/Qwen2.5-72B-Instruct/blob/main/LICENSE"
    )
    assert link_only is not None and link_only.category is LicenceCategory.UNKNOWN
    assert normalise(None, None, None) is None


def test_or_takes_the_best_branch_and_and_the_worst_member() -> None:
    either = normalise("cc-by-nc-4.0 OR apache-2.0")
    both = normalise("cc-by-nc-4.0 AND apache-2.0")
    assert either is not None and either.category is LicenceCategory.PERMISSIVE
    assert both is not None and both.category is LicenceCategory.NON_COMMERCIAL
    assert [[t.key for t in c] for c in dnf("(mit OR llama3.1) AND gemma")] == [
        ["mit", "gemma"],
        ["llama3.1", "gemma"],
    ]


def test_every_catalogue_licence_is_valid_in_a_bom() -> None:
    keys = sorted({t.key for t in licences.catalogue().by_alias.values()})
    assert len(keys) >= 100
    comps = []
    for i, key in enumerate(keys):
        lic = normalise(key)
        assert lic is not None and lic.category.value != "" and term(key).known
        comps.append(
            Component(
                id=ComponentId(f"hf:org/model-{i:03d}@unpinned"),
                role=Role.RUNTIME_MODEL,
                name=f"model-{i:03d}",
                group="org",
                licence=lic,
            )
        )
    # write_bom validates against the official CycloneDX 1.6 schema and raises if invalid.
    assert write_bom(Inventory(Project("p"), components=tuple(comps)))


def test_a_with_exception_is_kept_so_policies_can_tell_it_apart() -> None:
    from gate.policy.input import component_input

    plain = normalise("GPL-2.0")
    classpath = normalise("GPL-2.0 WITH Classpath-exception-2.0")
    assert plain is not None and classpath is not None
    assert plain.expression == "GPL-2.0-only"
    assert classpath.expression == "GPL-2.0-only WITH Classpath-exception-2.0"
    # The catalogue knows a linking exception makes GPL-2.0 weak copyleft.
    assert (plain.category, classpath.category) == (
        LicenceCategory.COPYLEFT,
        LicenceCategory.WEAK_COPYLEFT,
    )
    [[t]] = dnf("GPL-2.0 WITH Classpath-exception-2.0")
    assert (t.key, t.spdx, t.exception) == (
        "gpl-2.0 WITH classpath-exception-2.0",
        "GPL-2.0-only WITH Classpath-exception-2.0",
        "Classpath-exception-2.0",
    )
    # An exception the catalogue does not know is kept as written, on the base's category.
    [[odd]] = dnf("MIT WITH Some-exception-1.0")
    assert (odd.key, odd.category, odd.known) == (
        "mit WITH some-exception-1.0",
        LicenceCategory.PERMISSIVE,
        True,
    )
    comps = []
    for i, lic in enumerate((plain, classpath)):
        comp = Component(
            id=ComponentId(f"hf:org/m{i}@unpinned"),
            role=Role.RUNTIME_MODEL,
            name=f"m{i}",
            licence=lic,
        )
        comps.append(comp)
    keys = [component_input(c)["licence"]["choices"][0][0]["key"] for c in comps]
    assert keys == ["gpl-2.0", "gpl-2.0 WITH classpath-exception-2.0"]
    assert write_bom(Inventory(Project("p"), components=tuple(comps)))
