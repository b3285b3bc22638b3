"""A name's values asked again are answered from memory (``ValueReader._name_values``)
exactly as they would be worked out again: same values, same budget spent, and worked out
anew when the names being resolved around the question differ or the budget would run out
on the way."""

from __future__ import annotations

import ast
import random
import textwrap

from gate.discover.python.analyser import Analyser
from gate.model import Location


class _Forgetful(dict[tuple[object, ...], list[tuple[object, ...]]]):
    """A memo that keeps nothing: every question worked out (the reference)."""

    def __setitem__(self, key: tuple[object, ...], value: list[tuple[object, ...]]) -> None:
        return None


def _analyse(source: str, budget: int | None = None, memo: bool = True) -> tuple[list[str], int]:
    module = ast.parse(source)
    lines = source.splitlines()
    analyser = Analyser(
        module, source, lines, lambda line, col: Location("m.py", line, col), "python"
    )
    if budget is not None:
        analyser._budget = budget
    if not memo:
        analyser._name_memo = analyser._unpinned_memo = _Forgetful()
    try:
        found = analyser.run()
        spent = analyser._budget
    finally:
        analyser.release()
    texts = [f"{ev.as_written}@{ev.location.line}:{ev.location.column} {ev!r}" for ev in found]
    return texts, spent


def test_a_name_asked_again_outside_the_loop_that_cut_it_is_worked_out_again() -> None:
    # y is first reached through x (x then being resolved: y's own "x" is cut), then through
    # w at the same depth with x free: y then also holds x's "gpt-4o-mini".
    source = textwrap.dedent(
        """
        import os
        y = x if os.environ.get("A") else "gpt-4o"
        x = y if os.environ.get("B") else "gpt-4o-mini"
        w = y if os.environ.get("C") else "claude-3-opus-20240229"
        model = x
        other_model = w
        """
    )
    found, _ = _analyse(source)
    assert found == _analyse(source, memo=False)[0]
    assert {f.split("@")[0] for f in found} == {
        "gpt-4o",
        "gpt-4o-mini",
        "claude-3-opus-20240229",
    }
    assert sum(f.startswith("gpt-4o-mini@") for f in found) == 1
    # other_model's values: all three (gpt-4o-mini through w -> y -> x).
    module = ast.parse(source)
    analyser = Analyser(
        module, source, source.splitlines(), lambda line, col: Location("m", line, col), ""
    )
    analyser.run()
    w = analyser.root.assigns["other_model"][0]
    texts = sorted(v.text for v in analyser.values(w, analyser.root))
    analyser.release()
    assert texts == ["claude-3-opus-20240229", "gpt-4o", "gpt-4o-mini"]


def _random_module(rng: random.Random) -> str:
    """Functions calling each other with names passed on, reassigned and returned: the
    shape whose questions fan out (a helper called from many places)."""
    names = ["a", "b", "c", "model", "llm_model"]
    models = ["gpt-4o", "gpt-4o-mini", "claude-3-haiku-20240307", "mistral-large-latest"]
    out = ["import os"]
    funcs = [f"f{i}" for i in range(rng.randint(2, 5))]
    for name in names:
        if rng.random() < 0.6:
            out.append(f"{name} = {rng.choice([repr(rng.choice(models)), rng.choice(names)])}")
    for fn in funcs:
        param = rng.choice(names)
        body = [f"def {fn}({param}, other=None):"]
        for _ in range(rng.randint(1, 4)):
            target = rng.choice(names)
            choice = rng.random()
            if choice < 0.3:
                value = f"{rng.choice(funcs)}({rng.choice(names)})"
            elif choice < 0.5:
                value = f"{rng.choice(names)} if os.environ.get('X') else {rng.choice(names)}"
            elif choice < 0.7:
                value = f"{rng.choice(names)} or {rng.choice(models)!r}"
            else:
                value = rng.choice(names)
            if rng.random() < 0.3:
                body.append("    if os.environ.get('Y'):")
                body.append(f"        {target} = {value}")
            else:
                body.append(f"    {target} = {value}")
        body.append(f"    return {rng.choice(names)}")
        out += body
    for _ in range(rng.randint(3, 12)):
        arg = rng.choice([rng.choice(names), repr(rng.choice(models))])
        out.append(f"{rng.choice(names)} = {rng.choice(funcs)}({arg})")
    out.append(f"run(model={rng.choice(names)}, llm_model={rng.choice(funcs)}(model))")
    return "\n".join(out) + "\n"


def test_answers_from_memory_equal_answers_worked_out_on_random_modules() -> None:
    rng = random.Random(15)
    differ_budget = 0
    for _ in range(150):
        source = _random_module(rng)
        whole = _analyse(source, memo=False)
        assert _analyse(source) == whole, source
        for budget in (5, 17, 40, 90):
            cut = _analyse(source, budget=budget, memo=False)
            assert _analyse(source, budget=budget) == cut, (budget, source)
            differ_budget += cut[0] != whole[0]
    assert differ_budget > 20  # the budget did cut answers along the way
