"""The Rego engine fails closed: each regopy pitfall (gate-anchors §e) is guarded."""

from __future__ import annotations

from typing import Any

import pytest

from gate.errors import PolicyError
from gate.model import Level
from gate.policy.engine import Engine, PolicyModule
from gate.policy.findings import FactResolver, _segments

META = """# METADATA
# title: Test rule
# custom:
#   id: t.rule
"""
DATA: dict[str, Any] = {"aigate": {"params": {}, "regulatory": {}}}


def comp(cid: str = "hf:o/m@unpinned", **over: Any) -> dict[str, Any]:
    base = {"id": cid, "name": "m", "role": "runtime-model", "evidence": [], "properties": {}}
    base.update(over)
    return base


def doc(*components: dict[str, Any]) -> dict[str, Any]:
    return {"components": list(components)}


def engine(body: str, path: str = "t.rego") -> Engine:
    return Engine([PolicyModule(path, "package aigate.rules.t\n\n" + body)], DATA)


def test_a_rule_fires_with_its_metadata_id_and_level() -> None:
    e = engine(
        META + 'deny_x := [f | some c in input.components; c.name == "m";'
        ' f := {"component": c.id, "msg": "bad"}]\n'
    )
    [finding] = e.evaluate(doc(comp(evidence=[{"file": "a.py", "line": 3}])))
    assert (finding.rule, finding.level, finding.component) == (
        "t.rule",
        Level.DENY,
        "hf:o/m@unpinned",
    )
    assert str(finding.evidence[0]) == "a.py:3"  # the component's evidence stands in
    assert [r.id for r in e.rules] == ["t.rule"]


def test_v0_rule_body_is_rejected_with_file_and_line() -> None:
    with pytest.raises(PolicyError) as err:
        engine(META + 'deny[msg] {\n  msg := "bad"\n}\n')
    assert err.value.path == "t.rego" and err.value.line == 7
    assert "Rego v0" in str(err.value)


def test_deny_brackets_with_if_are_rejected() -> None:
    with pytest.raises(PolicyError, match="defines an object"):
        engine(META + 'deny[msg] if {\n  msg := "bad"\n}\n')


def test_result_that_is_not_a_set_of_objects_is_an_error() -> None:
    e = engine(META + 'deny contains "just a string" if { true }\n')
    with pytest.raises(PolicyError, match="must be an object"):
        e.evaluate(doc(comp()))
    e = engine(META + 'deny := {"k": true}\n')
    with pytest.raises(PolicyError, match="is an object, not a set"):
        e.evaluate(doc(comp()))


def test_builtin_errors_are_errors_not_undefined() -> None:
    # Without strict_built_in_errors this is silently undefined: no finding, a pass.
    e = engine(
        META + "deny_x := [f | some c in input.components; to_number(c.name) > 1;"
        ' f := {"component": c.id, "msg": "x"}]\n'
    )
    with pytest.raises(PolicyError) as err:
        e.evaluate(doc(comp()))
    assert "t.rego" in str(err.value) and "evaluation failed" in str(err.value)


def test_conflicting_rules_fail_without_aborting_the_process() -> None:
    # ok() is checked before the output is read: reading an error output aborts regopy.
    # (OPA reports conflicts lazily too: a finding rule that uses x fails.)
    e = engine(
        META + "x := input.components[0].name\nx := 2\n"
        'deny_x := [f | some c in input.components; c.name == x; f := {"component": c.id,'
        ' "msg": "m"}]\n'
    )
    with pytest.raises(PolicyError, match=r"t\.rego"):
        e.evaluate(doc(comp()))


def test_parse_error_names_module_and_line() -> None:
    with pytest.raises(PolicyError) as err:
        engine(META + "deny_x := [f | f := ]\n", path="policies/broken.rego")
    assert err.value.path == "policies/broken.rego" and err.value.line == 7


def test_unknown_function_is_rejected_before_evaluation() -> None:
    with pytest.raises(PolicyError, match=r"unknown function nosuch\.fn\(\)") as err:
        engine(META + 'deny_x := [f | nosuch.fn(1); f := {"msg": "x"}]\n')
    assert err.value.line == 7


def test_unknown_function_through_an_import_still_fails_closed() -> None:
    # The lint cannot see into other packages; regopy then raises JSONDecodeError.
    src = (
        "package aigate.rules.t\nimport data.aigate.lib.h\n\n"
        + META
        + 'deny_x := [f | h.nosuch(1); f := {"msg": "x"}]\n'
    )
    helper = "package aigate.lib.h\n\nok := true\n"
    e = Engine([PolicyModule("t.rego", src), PolicyModule("h.rego", helper)], DATA)
    with pytest.raises(PolicyError, match="policy evaluation failed"):
        e.evaluate(doc(comp()))


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("x := 1 if { print(1) }\n", "standard output"),
        ("x := time.now_ns()\n", "unreproducible"),
        ("x := http.send({})\n", "network"),
        ("x := data.aigate.rules.t with input as {}\n", "crashes regopy"),
    ],
)
def test_dangerous_constructs_are_rejected(body: str, problem: str) -> None:
    with pytest.raises(PolicyError, match=problem):
        engine(body)


def test_data_is_merged_once_and_cannot_shadow_rules() -> None:
    with pytest.raises(PolicyError, match="shadow"):
        Engine([PolicyModule("t.rego", "package aigate.rules.t\n")], {"aigate": {"rules": {}}})
    src = (
        "package aigate.rules.t\n\n"
        + META
        + "deny_x := [f | data.aigate.params.t.a == 1; data.aigate.params.t.b == 2;"
        ' f := {"msg": "both params seen"}]\n'
    )
    params = {"t": {"a": 1, "b": 2}}
    e = Engine([PolicyModule("t.rego", src)], {"aigate": {"params": params, "regulatory": {}}})
    assert [f.message for f in e.evaluate(doc())] == ["both params seen"]


def test_finding_rule_ids_must_be_declared() -> None:
    e = engine(META + 'deny contains {"rule": "t.other", "msg": "x"} if { true }\n')
    with pytest.raises(PolicyError, match="no METADATA block"):
        e.evaluate(doc())
    with pytest.raises(PolicyError, match=r"custom\.id"):
        engine("# METADATA\n# title: No id\ndeny_x := []\n")


def test_unknown_metadata_keys_are_errors() -> None:
    with pytest.raises(PolicyError, match="unknown METADATA key") as err:
        engine("# METADATA\n# title: T\n# custm: {id: t.x}\ndeny_x := []\n")
    assert err.value.line == 3


def test_findings_must_name_an_input_component() -> None:
    e = engine(META + 'deny contains {"component": "hf:not/there", "msg": "x"} if { true }\n')
    with pytest.raises(PolicyError, match="not in the input"):
        e.evaluate(doc(comp()))


def test_quotes_and_backslashes_in_facts_survive_the_engine() -> None:
    # regopy stores strings escaped; unescaped input made its output unreadable JSON.
    e = engine(
        META + "deny_x := [f | some c in input.components;"
        ' f := {"component": c.id, "msg": sprintf("name %s", [c.name])}]\n'
    )
    [finding] = e.evaluate(doc(comp(name='say "hi" \\ back')))
    assert finding.message == 'name say "hi" \\ back'


def test_findings_are_sorted_and_deduplicated() -> None:
    e = engine(
        META + "deny_x := [f | some c in input.components; some _ in [1, 2];"
        ' f := {"component": c.id, "msg": c.id}]\n'
    )
    found = e.evaluate(doc(comp("hf:b/b@unpinned"), comp("hf:a/a@unpinned")))
    assert [f.component for f in found] == ["hf:a/a@unpinned", "hf:b/b@unpinned"]


# ---- regopy 1.5.2 crashes and misreadings the lint guards against. Each claim is shown
# against the engine itself first (the crash in a child process), then the lint's refusal.

GLOB_VAR = (
    META + "deny_x := [f | some c in input.components; some glob in c.paths;"
    ' glob.match("*.py", ["/"], glob); f := {"component": c.id, "msg": glob}]\n'
)


def _unlinted(body: str) -> Any:
    """An interpreter with the module loaded as regopy sees it, without aigate's lint."""
    from gate.policy.interpreter import interpreter, make_input

    interp = interpreter()
    interp.add_module("t.rego", "package t\n" + body + "\n")
    interp.set_input(make_input({"a": [1, 2], "b": [10, 20], "m": {"k": 1}}))
    return interp


def test_regopy_crashes_on_a_variable_named_like_a_called_namespace() -> None:
    import subprocess
    import sys

    script = (
        "from gate.policy.engine import Engine, PolicyModule\n"
        f"src = {('package aigate.rules.t' + chr(10) + chr(10) + GLOB_VAR)!r}\n"
        "import gate.policy.engine as e\n"
        "e.lint = lambda modules, interp: None\n"
        "data = {'aigate': {'params': {}, 'regulatory': {}}}\n"
        "eng = e.Engine([PolicyModule('t.rego', src)], data)\n"
        "eng.evaluate({'components': [{'id': 'c', 'evidence': [], 'paths': ['a.py']}]})\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    # regopy dies with SIGSEGV; evaluation runs in a bounded child (gate/policy/bounded.py),
    # so the crash is contained and reported as an error instead of killing aigate.
    assert done.returncode == 1, done.stderr
    assert b"crashed the Rego engine (SIGSEGV)" in done.stderr
    with pytest.raises(PolicyError, match="crashes on it") as err:
        engine(GLOB_VAR)
    assert err.value.line == 7


def test_a_namespace_name_is_fine_where_the_namespace_is_not_called() -> None:
    e = engine(
        META + 'deny_x := [f | some c in input.components; some glob in ["*.py"];'
        ' f := {"component": c.id, "msg": glob}]\n'
    )
    assert [f.message for f in e.evaluate(doc(comp()))] == ["*.py"]


def test_some_pair_in_a_comprehension_is_refused_with_the_fix() -> None:
    from regopy import RegoError

    with pytest.raises(RegoError, match="Invalid collection"):
        _unlinted("x := [k | some k, v in input.m]")
    with pytest.raises(PolicyError, match=r"some k; v := x\[k\]") as err:
        engine(META + 'deny_x := [f |\n  some k, v in input.m\n  f := {"msg": k}]\n')
    assert err.value.line == 8
    # In a rule body, where regopy reads it correctly, it stays allowed.
    engine(META + 'deny_x := [{"msg": "x"} | ok]\nok if { some k, v in input.m; v == 1; k }\n')


@pytest.mark.parametrize(
    ("body", "wrong"),
    [
        # The outer `i` comes back as the inner loop's last value.
        ("[[i, r] | i := 1; r := [k | some i in input.b; k := i]]", [[20, [10, 20]]]),
        ("[[i, r] | i := 1; r := [k | i := 2; k := i]]", [[2, [2]]]),
        (
            "[[i, r] | some i in input.a; i > 1; r := [k | some i in input.b; k := i]]",
            [[20, [10, 20]]],
        ),
    ],
)
def test_comprehension_shadowing_misreads_and_is_refused(body: str, wrong: Any) -> None:
    out = _unlinted(f"x := {body}").query("data.t.x")
    assert out.ok() and out[0].expressions[0] == wrong  # silently wrong, no error
    with pytest.raises(PolicyError, match="also binds") as err:
        engine(META + f'found := {body}\ndeny_x := [{{"msg": "m"}} | count(found) > 3]\n')
    assert err.value.line == 7


def test_siblings_and_nested_fresh_names_are_not_shadowing() -> None:
    engine(
        META + "deny_x := [f | some c in input.components; a := [p | some p in c.xs];"
        " b := [p | some p in c.ys]; n := [q | some q in a; r := [s | some s in b]];"
        ' f := {"component": c.id, "msg": "m"}]\n'
    )
    with pytest.raises(PolicyError, match="also binds"):
        engine("f(i) := [j | some i in input.b; j := i]\n")


def test_one_function_name_with_two_arities_crashes_regopy_and_is_refused() -> None:
    import subprocess
    import sys

    first = "package aigate.rules.a\n\nf(x) := [x]\n"
    second = "package aigate.rules.b\n\nf(x, y) := [x, y]\n"
    script = (
        "import gate.policy.engine as e\n"
        "e.lint = lambda modules, interp: None\n"
        f"mods = [e.PolicyModule('a.rego', {first!r}), e.PolicyModule('b.rego', {second!r})]\n"
        "e.Engine(mods, {'aigate': {'params': {}, 'regulatory': {}}})\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120)
    # Killed by a signal (SIGSEGV or SIGABRT, as memory falls): not even a rule uses f.
    assert done.returncode in (-11, -6), done.stderr
    mods = [PolicyModule("a.rego", first), PolicyModule("b.rego", second)]
    with pytest.raises(PolicyError, match=r"takes 2 argument\(s\) here and 1 in a\.rego:3") as err:
        Engine(mods, DATA)
    assert err.value.path == "b.rego" and err.value.line == 3
    # The same arity in two packages is fine, as are different names.
    Engine([mods[0], PolicyModule("c.rego", "package aigate.rules.c\n\nf(y) := [y, y]\n")], DATA)


def test_fact_paths_split_on_dots_outside_balanced_keys() -> None:
    assert _segments("lineage[hf:org/m.v1@abc].publisher.country") == [
        ("lineage", "hf:org/m.v1@abc"),
        "publisher",
        "country",
    ]
    assert _segments('unresolved_endpoints[cfg["llm"]["url"]]') == [
        ("unresolved_endpoints", 'cfg["llm"]["url"]')
    ]
    assert _segments("unresolved_endpoints[settings.urls[0].strip()].line") == [
        ("unresolved_endpoints", "settings.urls[0].strip()"),
        "line",
    ]
    assert _segments("a[unbalanced.b") == ["a[unbalanced.b"]


def test_fact_resolver_fills_value_and_the_sources_on_the_way() -> None:
    publisher = {"name": "Qwen", "country": "CN", "sources": [{"source": "registry"}]}
    ancestor = {"id": "hf:Qwen/Qwen2.5-7B@unpinned", "publisher": publisher,
                "sources": [{"source": "model-card"}]}  # fmt: skip
    endpoint = {"expression": 'cfg["llm"]["url"]', "file": "app.py", "line": 4}
    comp = {"id": "c", "lineage": [ancestor], "unresolved_endpoints": [endpoint], "evidence": []}
    doc = {"inventory": {"files_scanned": None}, "components": [comp]}
    facts = FactResolver(doc, {"c": comp})
    done = facts.complete({"fact": "lineage[hf:Qwen/Qwen2.5-7B@unpinned].publisher.country"}, "c")
    assert done["value"] == "CN"
    assert done["sources"] == [{"source": "model-card"}, {"source": "registry"}]
    done = facts.complete({"fact": 'unresolved_endpoints[cfg["llm"]["url"]].line'}, "c")
    assert done["value"] == 4
    assert facts.complete({"fact": "inventory.files_scanned"}, None)["value"] is None
    # What the rule wrote stays; a path that leads nowhere leaves the facts alone.
    assert facts.complete({"fact": "lineage[x].publisher", "value": 1}, "c")["value"] == 1
    assert facts.complete({"fact": "lineage[nope].publisher"}, "c") == {
        "fact": "lineage[nope].publisher"
    }


def test_a_rule_split_across_files_of_one_package_is_refused() -> None:
    # The shipped policies passed a second time (a copy with --policy) made regopy exhaust
    # memory; a rule defined in two files of one package is refused, naming both.
    body = "package aigate.rules.t\n\nhelper(x) := x\n"
    with pytest.raises(
        PolicyError, match=r"helper of package aigate\.rules\.t is also defined in a\.rego:3"
    ):
        Engine([PolicyModule("a.rego", body), PolicyModule("copy/a.rego", body)], DATA)
    # Several bodies of one rule in one file, and one package over two files, stay fine.
    Engine([PolicyModule("a.rego", body + "\nhelper(x) := x if false\n"),
            PolicyModule("b.rego", "package aigate.rules.t\n\nother := 1\n")], DATA)  # fmt: skip
