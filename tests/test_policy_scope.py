"""Packages evaluated on the input they declare (gate.policy.scope) decide exactly as a
plain evaluation of every rule on the whole input does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gate.errors import PolicyError
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
    Risk,
    Role,
    ServedBy,
    Skipped,
    WeightFile,
)
from gate.policy import input as policy_input
from gate.policy import packs
from gate.policy.engine import Engine, PolicyModule
from gate.resolve.licences import normalise

REG = (Provenance(FactSource.REGISTRY, "registry"),)
GUESS = (Provenance(FactSource.HEURISTIC, "name"),)
META = Party("Meta", "US", None, None, REG)
QWEN = Party("Alibaba Cloud (Qwen)", "CN", "Alibaba Group", "CN", REG)
LISTED = Party("Sensetime", "CN", None, None, REG, entity_listed=True)
NOWHERE = Party("Someone", None, None, None, GUESS)
PUBLISHERS = [META, QWEN, LISTED, NOWHERE, None]
LICENCES = ["apache-2.0", "llama3.1", "cc-by-nc-4.0", "MIT OR Apache-2.0", "gpl-3.0", "other", None]
PROTECT = (
    "apiVersion: aigate/v1\nkind: PolicyPack\nname: protect\n"
    "params:\n  assistants:\n    protected_paths: ['src/crypto/**']\n"
    "  jurisdiction:\n    heuristic_lineage: warn\n"
    "  entity_list:\n    heuristic_lineage: warn\n"
    "  integrity:\n    medium_pickle: warn\n"
)


def _ev(cid: str, role: Role, path: str, line: int, **attributes: str) -> Evidence:
    return Evidence(
        "python",
        EvidenceKind.CODE_REF,
        ComponentId(cid),
        role,
        cid,
        Location(path, line, 1),
        Confidence.HIGH,
        attributes,
    )


def _assistant(cid: str, publisher: Party, commits: list[tuple[str, list[str], bool]]) -> Component:
    entries = [
        {
            "sha": sha,
            "date": "2026-01-01T00:00:00+00:00",
            "author": "Dev <dev@example.com>",
            "trailer": "Co-Authored-By: someone",
            "signals": [],
            "reviewed_by": ["Alice <alice@example.com>"] if reviewed else [],
            "paths": paths,
        }
        for sha, paths, reviewed in commits
    ]
    return Component(
        id=ComponentId(cid),
        role=Role.CODE_ASSISTANT,
        name=cid.rsplit("/", 1)[-1],
        publisher=publisher,
        lineage=(
            Ancestor(
                ComponentId("api:deepseek/deepseek-chat"),
                "deepseek-chat",
                "uses",
                Party("DeepSeek", "CN", None, None, REG),
                REG,
            ),
        )
        if "aider" in cid
        else (),
        properties={
            "assistant": {
                "vendor": publisher.name,
                "kind": "open-source-client" if "aider" in cid else "vendor-service",
                "commits": entries,
                "commit_count": len(entries),
            }
        },
    )


def inventory(n: int = 160) -> Inventory:
    """Many components sharing facts, some alone in theirs, and the odd ones every rule
    exists for: guessed and listed lineage, unsafe pickles, unread endpoints, assistants."""
    comps: list[Component] = []
    for i in range(n):
        pub = PUBLISHERS[i % len(PUBLISHERS)]
        lic = LICENCES[(i // 2) % len(LICENCES)]
        kind = i % 8
        lineage: tuple[Ancestor, ...] = ()
        if kind in (1, 2, 5):
            lineage = (
                Ancestor(
                    ComponentId(f"hf:base{i % 3}/b@unpinned"),
                    "b",
                    "finetune",
                    PUBLISHERS[(i // 3) % len(PUBLISHERS)],
                    REG if i % 4 else GUESS,
                ),
                Ancestor(
                    ComponentId("hf:Qwen/Qwen2.5-7B@unpinned"),
                    "q",
                    "quantized",
                    QWEN,
                    GUESS,
                    depth=2,
                ),
            )[: 1 + i % 2]
        files: tuple[WeightFile, ...] = ()
        risks: tuple[Risk, ...] = ()
        served = None
        props: dict[str, object] = {}
        attrs: dict[str, str] = {}
        if kind < 4:
            cid, role = (
                f"hf:org{i % 4}/m{i}@" + ("unpinned" if i % 3 else f"{i:040x}"),
                Role.RUNTIME_MODEL,
            )
            if i % 17 == 0:
                props["trust_remote_code"] = True
                risks = (
                    Risk(
                        "trust-remote-code",
                        "loaded with trust_remote_code=True",
                        Location(f"src/m{i}.py", 3),
                    ),
                )
        elif kind < 7:
            cid, role = f"local:models/m{i}", Role.EMBEDDED_WEIGHTS
            files = (
                WeightFile(
                    f"models/m{i}/model.bin", 10, "pytorch", None if i % 5 == 0 else f"{i:064x}"
                ),
                WeightFile(f"models/m{i}/extra.bin", 10, "pytorch", f"{i + 1:064x}"),
            )[: 1 + i % 2]
            if i % 11 == 0:
                risks = (
                    Risk(
                        "unsafe-pickle",
                        "imports os.system",
                        Location(f"models/m{i}/model.bin"),
                        "high" if i % 2 else "medium",
                    ),
                )
            if i % 13 == 0:
                risks += (Risk("malformed-header", "header length past the end", None),)
        else:
            cid, role = f"api:provider{i % 3}/model-{i}", Role.HOSTED_API
            if i % 3 == 0:
                served = ServedBy("bedrock.example.com", "Amazon", "US", REG, "ap-east-1", "HK")
            elif i % 3 == 1:
                served = ServedBy("api.example.cn", None, None, REG)
            else:
                attrs["base_url_expr"] = "os.environ['LLM_URL']"
        comps.append(
            Component(
                id=ComponentId(cid),
                role=role,
                name=f"m{i}",
                pinned=None if role is Role.HOSTED_API else "unpinned" not in cid,
                publisher=pub,
                served_by=served,
                lineage=lineage,
                licence=normalise(lic) if lic else None,
                files=files,
                risks=risks,
                evidence=(_ev(cid, role, f"src/mod{i % 7}.py", 1 + i % 50, **attrs),),
                properties=props,
            )
        )
    comps.append(
        _assistant(
            "assistant:anthropic/claude-code",
            Party("Anthropic", "US", None, None, REG),
            [("a" * 40, ["src/crypto/aes.py"], False), ("b" * 40, ["src/x.py"], True)],
        )
    )
    comps.append(
        _assistant("assistant:alibaba/qwen-code", QWEN, [("c" * 40, ["src/crypto/rsa.py"], False)])
    )
    comps.append(_assistant("assistant:aider/aider", Party("Aider", None, None, None, GUESS), []))
    return Inventory(
        project=Project("scope"),
        components=tuple(comps),
        skipped=(Skipped("big.bin", "larger than the bound"),),
        files_scanned=400,
        properties={"history": {"read": True, "mode": "all", "commits_read": 3}},
    )


@pytest.mark.parametrize("specs", [["cfius-strict"], ["release", "PROTECT"]])
def test_scoped_evaluation_decides_as_a_plain_one(tmp_path: Path, specs: list[str]) -> None:
    if "PROTECT" in specs:
        pack = tmp_path / "protect.yaml"
        pack.write_text(PROTECT, encoding="utf-8")
        specs = [str(pack) if s == "PROTECT" else s for s in specs]
    engine = packs.build_engine(packs.load_policy(specs))
    doc = policy_input.build_input(inventory(), policy_input.InputContext(now="2026-11-26"))
    policy_input.validate_input(doc)
    assert len(engine.groups) > 1  # the shipped packages declare their input
    scoped = engine.evaluate(doc)
    plain = engine.evaluate(doc, scoped=False)
    assert scoped == plain
    rules = {f.rule for f in plain}
    # The inventory exercises the rules the fast path changes, and the ones it leaves whole.
    assert {
        "jurisdiction.lineage-country",
        "licence.not-allowed",
        "integrity.unhashed-weights",
        "scan.incomplete",
    } <= rules
    assert any(r.startswith("assistants.") for r in rules)
    assert len({f.component for f in plain}) > 80


def _engine(text: str) -> Engine:
    data: dict[str, object] = {"aigate": {"params": {}, "regulatory": {}}}
    return Engine([PolicyModule("x.rego", text)], data)


HEADER = (
    "# METADATA\n# scope: package\n# custom:\n#   input:\n#     per_component: [role]\n"
    "package aigate.rules.x\n\n# METADATA\n# title: T\n# custom:\n#   id: x.y\n"
)


def test_a_per_component_package_that_mixes_components_is_an_error() -> None:
    engine = _engine(
        HEADER + 'deny_y := [f | n := count(input.components); f := {"msg":'
        ' concat(",", [c.id | some c in input.components])}]\n'
    )
    doc = {"components": [{"id": "hf:a", "role": "r"}, {"id": "hf:b", "role": "r"}]}
    with pytest.raises(PolicyError, match="cannot trace back to one component"):
        engine.evaluate(doc)
    assert [f.message for f in engine.evaluate(doc, scoped=False)] == ["hf:a,hf:b"]


def test_findings_fan_out_to_every_component_sharing_the_facts() -> None:
    engine = _engine(
        HEADER + 'deny_y := [f | some c in input.components; c.role == "bad";'
        ' f := {"component": c.id, "msg": sprintf("%s is bad", [c.id])}]\n'
    )
    doc = {
        "components": [
            {"id": "hf:a", "role": "bad", "name": "a"},
            {"id": "hf:b", "role": "bad", "name": "b"},
            {"id": "api:c", "role": "good"},
        ]
    }
    assert [f.message for f in engine.evaluate(doc)] == ["hf:a is bad", "hf:b is bad"]


def test_an_undeclared_package_reads_the_whole_input() -> None:
    engine = _engine(
        "package aigate.rules.x\n\n# METADATA\n# title: T\n# custom:\n#   id: x.y\n"
        'deny_y := [f | count(input.components) > 1; f := {"msg": "two"}]\n'
    )
    assert [g[0] for g in engine.groups] == [None]
    doc = {"components": [{"id": "hf:a", "role": "r"}, {"id": "hf:b", "role": "r"}]}
    assert [f.message for f in engine.evaluate(doc)] == ["two"]


def test_a_group_whose_input_breaks_another_areas_rule_uses_its_own_query() -> None:
    # Scoped groups run the query of every rule and keep their own areas' results; when
    # another area's rule fails on a group's input, the group's own query decides.
    data: dict[str, object] = {"aigate": {"params": {}, "regulatory": {}}}
    first = HEADER + 'deny_y := [f | some c in input.components; c.role == "bad";'
    first += ' f := {"component": c.id, "msg": "bad"}]\n'
    second = (
        HEADER.replace("[role]", "[name]").replace("rules.x", "rules.z").replace("x.y", "z.w")
        + "deny_w := [f | some c in input.components; to_number(c.role) > 1;"
        ' f := {"component": c.id, "msg": "w"}]\n'
    )
    engine = Engine([PolicyModule("x.rego", first), PolicyModule("z.rego", second)], data)
    doc = {"components": [{"id": "hf:a", "role": "bad", "name": "a"}]}
    assert [(f.rule, f.message) for f in engine.evaluate(doc)] == [("x.y", "bad")]
    # In this process (evaluate runs in a bounded child), to see the query built for the
    # group whose input broke the other rule.
    assert engine._evaluate(doc, True)["x"]["deny_y"] == [{"component": "hf:a", "msg": "bad"}]
    assert list(engine._bundles) == [("x",)]
    with pytest.raises(PolicyError):
        engine.evaluate(doc, scoped=False)  # the whole input breaks z's rule


def test_a_bad_input_declaration_names_the_file() -> None:
    with pytest.raises(PolicyError, match=r"input\.opaque") as err:
        _engine(HEADER.replace("[role]\n", "[role]\n#     opaque: [name]\n") + "x := 1\n")
    assert err.value.path == "x.rego"


def test_input_checked_in_parts_accepts_and_refuses_as_the_whole_schema() -> None:
    import copy

    import fastjsonschema

    whole = fastjsonschema.compile(copy.deepcopy(policy_input.schema()))

    def verdicts(doc: dict[str, Any]) -> tuple[bool, bool]:
        try:
            whole(doc)
            ok_whole = True
        except fastjsonschema.JsonSchemaException:
            ok_whole = False
        try:
            policy_input._check_fast(doc)
            ok_parts = True
        except fastjsonschema.JsonSchemaException:
            ok_parts = False
        return ok_whole, ok_parts

    doc = policy_input.build_input(inventory(), policy_input.InputContext(now="2026-11-26"))
    assert verdicts(doc) == (True, True)
    n = len(doc["components"])
    breaks: list[tuple[int, str, Any]] = [
        (5, "role", "oracle"),
        (7, "publisher", {"name": 3}),
        (9, "served_by", {"host": "h"}),
        (1, "lineage", [{"id": "hf:x"}]),
        (2, "licence", {"expression": 1}),
        (n - 1, "evidence", [{"file": 1}]),
        (n - 1, "extra", 1),
    ]
    for index, key, value in breaks:
        broken = copy.deepcopy(doc)
        broken["components"][index][key] = value
        assert verdicts(broken) == (False, False), key
    # A shared object broken after it was first seen is still caught where it is shared.
    broken = copy.deepcopy(doc)
    broken["components"][-2]["publisher"] = broken["components"][0]["publisher"] = {"x": 1}
    assert verdicts(broken) == (False, False)
    broken = copy.deepcopy(doc)
    broken["inventory"]["skipped"] = -1
    assert verdicts(broken) == (False, False)


def test_generated_input_validators_are_current_and_used() -> None:
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    done = subprocess.run(
        [sys.executable, str(root / "tools" / "gen_policy_validators.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    from gate.policy import _schemas

    assert policy_input.schema_digest() == _schemas.SCHEMA_SHA256
    assert policy_input._fast_validator().component is _schemas.VALIDATORS["component"]
