"""The registry: sourced shipped data, user files that add and override, errors with lines."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import pytest

from gate import registry as reg
from gate.errors import InputError
from gate.model import FactSource
from gate.registry import Registry, load

DATA = Path(__file__).parent / "data"


def test_shipped_registry_is_large_sourced_and_marked() -> None:
    r = load()
    pubs = list(r.publishers())
    assert len(pubs) >= 150
    for pub in pubs:
        assert pub.source, pub.id
        assert pub.verified in {"verified", "partly", "unverified"}, pub.id
        assert pub.country is None or pub.country in reg.countries(), pub.id
        assert pub.parent_country is None or pub.parent_country in reg.countries(), pub.id
    assert r.version >= "2026.11.26"


# Research rows the registry deliberately corrects, each with its reason; the source must
# still begin with the research's own words and mark.
CORRECTED_PARENT = {
    # "Hugging Face Inc. (maintainer)": a maintainer is not a controlling parent.
    "sentence-transformers": None,
}


def test_every_research_row_is_kept_with_its_source_and_mark() -> None:
    r = load()
    with (DATA / "publishers-research.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 92
    for row in rows:
        pub = r.publisher_for_org(row["hf_org"])
        assert pub is not None, row["hf_org"]
        assert pub.country == (row["hq_country"] or None)
        if row["hf_org"] in CORRECTED_PARENT:
            assert pub.source.startswith(row["source"] + ";"), row["hf_org"]
            assert pub.parent is None
            assert pub.parent_country == CORRECTED_PARENT[row["hf_org"]]
        else:
            assert pub.source == row["source"]
            assert pub.parent_country == (row["parent_country"] or None)
        expected = (
            "verified"
            if row["source"].startswith("verified:")
            else "unverified"
            if row["source"].startswith("unverified")
            else "partly"
        )
        assert pub.verified == expected, row["hf_org"]


def test_entity_list_ids_are_registry_publishers() -> None:
    r = load()
    listed = {pid for listing in r.entity_list for pid in listing.publishers}
    assert listed == {"zhipu", "baai", "inspur", "sensetime", "megvii", "iflytek", "yitu", "huawei"}
    zhipu = r.publisher_for_org("zai-org")
    assert zhipu is not None and zhipu.id == "zhipu"
    assert r.party(zhipu, "test").entity_listed
    qwen = r.publisher_for_org("Qwen")
    assert qwen is not None and not r.party(qwen, "test").entity_listed
    assert r.country_lists["us-15cfr791.4"] == ("CN", "HK", "MO", "CU", "IR", "KP", "RU", "VE")


def test_lookups_by_org_alias_provider_and_modelscope() -> None:
    r = load()
    assert r.publisher_for_org("QWEN") is r.publisher_for_org("qwen")
    qwen = r.publisher_for_vendor("alibaba")
    assert qwen is not None and qwen.id == "qwen"
    zai = r.publisher_for_vendor("z-ai")
    assert zai is not None and zai.id == "zhipu"
    ds = r.publisher_for_provider("deepseek")
    assert ds is not None and ds.country == "CN"
    ms = r.publisher_for_modelscope_org("ZhipuAI")
    assert ms is not None and ms.id == "zhipu"
    assert r.publisher_for_org("no-such-org-xyz") is None
    assert r.is_aggregator("openrouter") and not r.is_aggregator("deepseek")


def test_ollama_tags_map_to_their_hub_repos() -> None:
    r = load()
    coder = r.ollama("qwen2.5-coder")
    assert coder is not None
    assert coder.repo_for("7b") == "Qwen/Qwen2.5-Coder-7B-Instruct"
    assert coder.repo_for("latest") == "Qwen/Qwen2.5-Coder-7B-Instruct"
    assert coder.repo_for("7b-instruct-q4_K_M") == "Qwen/Qwen2.5-Coder-7B-Instruct"
    assert coder.repo_for("999b") is None
    r1 = r.ollama("deepseek-r1")
    assert r1 is not None
    assert r1.repo_for("8b-llama-distill-q4_K_M") == "deepseek-ai/DeepSeek-R1-Distill-Llama-8B"
    assert r1.repo_for("7b") == "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"


@pytest.mark.parametrize(
    ("spelling", "key", "country"),
    [
        ("Claude Code", "anthropic/claude-code", "US"),
        ("assistant:github/copilot", "github/copilot", "US"),
        ("copilot-swe-agent", "github/copilot", "US"),
        ("Qwen-Coder", "alibaba/qwen-code", "CN"),
        ("kimi-cli", "moonshot/kimi-code", "CN"),
        ("trae", "bytedance/trae", "CN"),
        ("Lingma", "alibaba/lingma", "CN"),
        ("codegeex", "zhipu/codegeex", "CN"),
        ("windsurf", "cognition/windsurf", "US"),
        ("amazon q", "amazon/q-developer", "US"),
        ("gemini-cli", "google/gemini-cli", "US"),
    ],
)
def test_assistant_lookup_for_the_assistants_source(spelling: str, key: str, country: str) -> None:
    found = reg.assistant(spelling)
    assert found is not None and found.key == key
    vendor = load().assistant_vendor(spelling)
    assert vendor is not None and vendor.country == country


def test_open_clients_take_their_origin_from_the_model() -> None:
    for name in ("aider", "cline", "continue", "openhands", "goose", "roo-code"):
        found = reg.assistant(name)
        assert found is not None and found.open_client, name
    assert reg.assistant("no such assistant") is None


USER = """\
apiVersion: aigate/v1
kind: Registry
version: "2026-12-01"
publishers:
  - id: acme
    name: Acme Corp
    country: US
    hf_orgs: [acme-ai]
    source: internal vendor review 2026-12
  - id: qwen
    country: SG
    source: our own review says otherwise
endpoints:
  - {host: llm.acme.internal, provider: acme, operator: Acme platform team, country: US}
api_models:
  - {pattern: "acme-*", provider: acme}
models:
  - id: local:models/ft
    publisher: acme
    parents: [{ref: Qwen/Qwen2.5-0.5B, relation: finetune}]
    license: apache-2.0
"""


def test_user_file_adds_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(USER, encoding="utf-8")
    r = Registry((path,))
    acme = r.publisher_for_org("ACME-AI")
    assert acme is not None and acme.user and acme.origin == f"{path}:5"
    party = r.party(acme, "Hugging Face org 'acme-ai'")
    assert party.provenance[0].source is FactSource.USER_REGISTRY
    assert str(path) in party.provenance[0].detail
    qwen = r.publisher_for_org("Qwen")
    assert qwen is not None and qwen.country == "SG" and qwen.name == "Qwen Team, Alibaba Cloud"
    ep = r.endpoint("https://llm.acme.internal/v1")
    assert ep is not None and r.is_user_endpoint(ep) and ep.country == "US"
    row = r.api_model("acme-large")
    assert row is not None and row.provider == "acme"
    model = r.model("local:models/ft")
    assert model is not None and model.publisher == "acme"
    assert r.describe() == f"registry {r.version} + {path}"
    # The shipped registry is untouched.
    shipped = load().publisher_for_org("Qwen")
    assert shipped is not None and shipped.country == "CN"


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("publishers:\n  - id: x\n    name: X\n    country: XX\n", 4, "ISO 3166-1"),
        ("publishers:\n  - id: x\n    name: X\n    colour: red\n", 4, "x': unknown field 'colour'"),
        ("publishers:\n  - id: x\n    country: US\n", 2, "'name' is required"),
        ("publishers:\n  - id: x\n    name: X\n    country: NO\n", 4, 'quote it ("NO")'),
        ("publishers:\n  - id: X Y\n    name: X\n", 2, "'id' must be lower case"),
        ("publisher: []\n", 1, "unknown top-level key 'publisher'"),
        ("kind: PolicyPack\n", 1, "'kind' must be 'Registry'"),
        ("models:\n  - id: a/b\n    publisher: nobody\n", 2, "names publisher 'nobody'"),
        ("models:\n  - id: a/b\n    parents: [{ref: c/d, relation: cousin}]\n", 3, "relation"),
        ("families:\n  - {pattern: '(', publisher: qwen}\n", 2, "not a regular expression"),
        ("endpoints:\n  - {host: x.y, provider: p}\n", 2, "'operator' is required"),
        ("publishers:\n  - id: a\n    name: A\n    name: B\n", 4, "duplicate key 'name'"),
        ("publishers: [\n", 2, "not valid YAML"),
        ("ollama:\n  - {name: x, publisher: qwen, tags: {7b: [1]}}\n", 2, "'tags' must map"),
        ("- just a list\n", None, "a registry file is a YAML mapping"),
    ],
)
def test_bad_user_files_name_file_and_line(
    tmp_path: Path, text: str, line: int | None, problem: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        Registry((path,))
    assert err.value.path == str(path)
    assert err.value.line == line
    assert problem in str(err.value)
    assert str(path) in str(err.value)


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("endpoints:\n  - {host: x.y, provider: p, operator: O, cloud: mars}\n", 2, "'cloud'"),
        ("assistants:\n  - {key: nokey, product: P, kind: vendor}\n", 2, "<vendor>/<product>"),
        ("publishers:\n  - id: x\n    name: X\n    hf_orgs: x\n", 4, "'hf_orgs' must be a list"),
        ("publishers: {id: x}\n", 1, "'publishers' must be a list"),
        ("publishers:\n  - just text\n", 2, "publishers entry: must be a mapping"),
        ("packages:\n  - {ecosystem: cargo, name: x, publisher: qwen, source: s}\n", 2, "pypi"),
    ],
)
def test_schema_errors_name_the_entry_and_line(
    tmp_path: Path, text: str, line: int | None, problem: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        Registry((path,))
    assert (err.value.path, err.value.line) == (str(path), line)
    assert problem in err.value.problem, err.value.problem
    assert "docs/origins.md" in err.value.hint


@pytest.mark.parametrize(
    "name",
    [
        "publishers.yaml",
        "models.yaml",
        "ollama.yaml",
        "families.yaml",
        "packages.yaml",
    ],
)
def test_shipped_registry_files_follow_the_schema(name: str) -> None:
    # Run time builds shipped entries without checking them (parsed once with libyaml):
    # this test is their check, through the same reader and schema as a user file, so a
    # duplicate key or a misspelt field fails here with its line.
    from gate import yamlfile
    from gate.registry import reading

    schema = reading.schema()
    schema["properties"]["library"] = schema["properties"]["ollama"]
    schema["properties"]["model_words"] = {"type": "array", "items": {"type": "string"}}
    # What a shipped publisher must say that a user file may leave to the shipped data.
    schema["$defs"]["publisher"]["required"] = ["id", "name", "country", "source"]
    path = Path(reg.__file__).parent.parent / "resolve" / "data" / name
    doc = yamlfile.load(path, error=InputError)
    yamlfile.validate(
        doc, yamlfile.compile_schema(schema), name, entry=reading._entry_namer(doc.value)
    )
    assert set(doc.value) - set(schema["properties"]) == set()


def test_missing_registry_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read registry file"):
        Registry((tmp_path / "absent.yaml",))


def test_shipped_data_uses_only_known_publisher_ids() -> None:
    # Registry() validates references; loading it is the assertion. Families match tokens.
    r = load()
    assert [f.family for _, _, f in r.families_in("dolphin-2.9-llama3-8b")] == ["Dolphin", "Llama"]
    assert r.families_in("TinyLlama-1.1B") == []
    assert r.known_repo_for_name("qwen2.5-7b-instruct") == "Qwen/Qwen2.5-7B-Instruct"


def test_the_documented_example_file_is_valid(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "origins.md").read_text("utf-8")
    block = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(block, encoding="utf-8")
    r = Registry((path,))
    acme = r.publisher_for_org("acme-ai")
    assert acme is not None and acme.country == "DE"
    ep = r.endpoint("https://eu-1.acme-gpu.example/v1")
    assert ep is not None and ep.region_of("eu-1.acme-gpu.example") == "eu-1"
    coder = r.ollama("acme-coder")
    assert coder is not None and coder.repo_for("latest") == "acme-ai/acme-coder-7b"
    helper = r.assistant("acme-bot")
    assert helper is not None and helper.vendor == "acme"
    scratch = r.model("acme-ai/scratch-7b")
    assert scratch is not None and scratch.parents == ()


def test_no_maintainer_is_recorded_as_a_controlling_parent() -> None:
    for pub in load().publishers():
        assert "maintainer" not in (pub.parent or "").lower(), pub.id


def test_endpoint_country_is_the_controlling_jurisdiction_on_every_row() -> None:
    # One rule (endpoints.yaml, docs/origins.md): an endpoint's country is the jurisdiction
    # controlling its operator, i.e. the ultimate parent's HQ; where the publisher registry
    # knows the provider's organisation, both must say the same.
    from gate.registry import endpoints

    r = load()
    checked = 0
    for ep in endpoints.endpoints():
        pub = r.publisher_for_provider(ep.provider)
        if pub is None:
            continue
        checked += 1
        assert ep.country == (pub.parent_country or pub.country), (ep.host, pub.id)
    assert checked >= 30
    byteplus = r.endpoint("https://ark.ap-southeast.bytepluses.com/api/v3")
    volcengine = r.endpoint("https://ark.cn-beijing.volces.com/api/v3")
    assert byteplus is not None and volcengine is not None
    # ByteDance's international and domestic clouds: one controller, one country.
    assert byteplus.country == volcengine.country == "CN"
    intl = r.endpoint("dashscope-intl.aliyuncs.com")
    assert intl is not None and intl.country == "CN"
    assert endpoints.region_country(intl.cloud, intl.region_of(intl.host)) == "SG"


def test_every_cloud_region_is_placed_in_a_valid_country() -> None:
    from gate.registry import endpoints

    doc = __import__("yaml").safe_load(
        (Path(reg.__file__).parent.parent / "resolve" / "data" / "regions.yaml").read_text(
            encoding="utf-8"
        )
    )
    assert {"aws", "gcp", "azure"} <= set(doc["clouds"])
    for cloud, entry in doc["clouds"].items():
        assert entry["source"], cloud
        for region, country in entry["regions"].items():
            assert country in reg.countries(), (cloud, region, country)
            assert endpoints.region_country(cloud, region) == country
    assert endpoints.region_country("aws", "ap-east-1") == "HK"
    assert endpoints.region_country("gcp", "asia-east2") == "HK"
    assert endpoints.region_country("azure", "eastasia") == "HK"
    for ep in endpoints.endpoints():
        assert ep.cloud is None or ep.cloud in endpoints.clouds(), ep.host


def test_a_user_file_is_parsed_once_per_content(tmp_path: Path) -> None:
    # The stages of a scan each ask for the registry: they share one while the file is
    # unchanged, and an edited file is read afresh.
    path = tmp_path / "mine.yaml"
    path.write_text("publishers:\n  - {id: acme, name: Acme, country: DE}\n", encoding="utf-8")
    first = load((path,))
    assert load((path,)) is first
    path.write_text("publishers:\n  - {id: acme, name: Acme, country: FR}\n", encoding="utf-8")
    again = load((path,))
    assert again is not first
    acme = again.publisher("acme")
    assert acme is not None and acme.country == "FR"


def test_default_endpoint_is_the_provider_tables_host() -> None:
    # One source for where an SDK calls by default: providers.yaml; endpoints.yaml only says
    # who operates that host (ollama's default is the local server, not ollama.com).
    from gate import shipped
    from gate.registry import endpoints

    registry = load([])
    providers = shipped.yaml_data("gate.recognise", "data/providers.yaml")["providers"]
    for provider, row in providers.items():
        host = (row or {}).get("host")
        ep = registry.default_endpoint(provider)
        if host is None or endpoints.lookup(host) is None:
            assert ep is None, provider
        else:
            assert ep is not None and ep.host == host, provider
    ollama = registry.default_endpoint("ollama")
    assert ollama is not None and ollama.host == "localhost" and ollama.country is None
    vertex = registry.default_endpoint("google-vertex")
    assert vertex is not None and vertex.host == "aiplatform.googleapis.com"


def _families_one_by_one(r: Registry, name: str) -> list[tuple[int, int, str]]:
    """The reference: every family's regex searched in turn (no screen)."""
    found = [
        (m.start(), m.end(), fam.family)
        for fam in r.families
        for m in fam.regex.finditer(name)
        if r.model_shaped(name, m.start(), m.end())
    ]
    return sorted(found, key=lambda f: (f[0], -(f[1] - f[0])))


def test_the_family_screen_answers_as_the_families_one_by_one(tmp_path: Path) -> None:
    r = load()
    names = [
        "model-1234",
        "org5/model-77",
        "dolphin-2.9-llama3-8b",
        "TinyLlama-1.1B",
        "glmnet",
        "Qwen2.5-7B-Instruct",
        "my-mistral-7b-lora",
        "sdxl-turbo",
        "phi-3-mini",
        "bert-base",
        "yi-34b",
        "Meta-Llama-3.1-8B-Instruct-GGUF",
        "ernie-sentiment",
        "flux.1-dev",
        "",
    ]
    names += [f.pattern for f in r.families] + list(r.known_names())[:300]
    assert r._family_screen() is not None
    for name in names:
        assert [(s, e, f.family) for s, e, f in r.families_in(name)] == _families_one_by_one(
            r, name
        ), name
    # A user pattern with a back-reference would be renumbered inside an alternation: no
    # screen then, and the answers are still the families one by one.
    path = tmp_path / "user.yaml"
    path.write_text(
        "publishers:\n  - {id: echo, name: Echo, country: DE, source: test}\n"
        "families:\n  - {pattern: '(ec)ho\\1', family: Echo, publisher: echo}\n",
        encoding="utf-8",
    )
    user = Registry((path,))
    assert user._family_screen() is None
    for name in [*names, "echoec-7b", "my-echoec2"]:
        assert [(s, e, f.family) for s, e, f in user.families_in(name)] == _families_one_by_one(
            user, name
        ), name


def _families_in_every_pattern(registry: Any, name: str) -> list[tuple[int, int, Any]]:
    """families_in as it was before the literal screen: every family's pattern searched."""
    found = []
    for fam in registry.families:
        for match in fam.regex.finditer(name):
            if registry.model_shaped(name, match.start(), match.end()):
                found.append((match.start(), match.end(), fam))
    found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
    return found


def test_the_literal_screen_of_families_changes_no_answer() -> None:
    """A family's pattern is searched only when the literal all its matches hold is in the
    name (issue 15): the same families are found, in the same places, for the registry's
    known names and API model patterns, mixed-case names, names past ASCII (searched by
    every pattern) and random strings of the patterns' own letters."""
    import random

    from gate.registry import apimodels

    registry = load(())
    names = {*registry.known_names(), *(m.pattern.split("*")[0] for m in apimodels.api_models())}
    names |= {n.upper() for n in list(names)[:500]} | {"QWEN-ſ", "Llama-3-\u212a", "ＱＷＥＮ2"}
    rnd = random.Random(15)
    letters = "qwenlamdspkiGEMA-_./: 0123456789"
    names |= {"".join(rnd.choice(letters) for _ in range(rnd.randint(1, 24))) for _ in range(3000)}
    for name in sorted(names):
        assert registry.families_in(name) == _families_in_every_pattern(registry, name), name


def test_a_pattern_with_no_required_literal_is_always_searched() -> None:
    from gate.registry.merged import required_literal

    assert required_literal(re.compile(r"(?:^|(?<=[-_]))(?:ab|cd)", re.I)) is None
    assert required_literal(re.compile(r"x?(?:olmoe?|molmo)")) is None
    needle = required_literal(re.compile(r"(?:^|(?<=[-_]))(?:(code|t)?Gemma)", re.I))
    assert needle is not None and needle.folded == "gemma" and needle.folded_case
    exact = required_literal(re.compile(r"(?:yi-(\d|coder))"))
    assert exact is not None and exact.folded == "yi-" and not exact.folded_case
