"""Hostile or malformed scanned files are recorded skips: alias bombs, deep nesting, odd
scalars, files whose analysis runs too long. None may stop or stall the scan."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

from gate.discover import configs, loaders, scanning
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.pipeline import discover

DEEP = 5_000


def _write(root: Path, files: dict[str, str]) -> Tree:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return Tree.walk(root)


def _bomb(levels: int, width: int) -> str:
    lines = [f"a0: &a0 [{', '.join(['gpt-4o'] * width)}]"]
    for level in range(1, levels + 1):
        refs = ", ".join([f"*a{level - 1}"] * width)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + f"\nmodel: *a{levels}\n"


def test_yaml_alias_bomb_is_refused_before_anything_walks_it() -> None:
    parsed = loaders.yaml_nodes(_bomb(levels=8, width=10))
    assert not parsed.ok
    assert "aliases expand to more than" in (parsed.problem or "")
    assert not loaders.yaml_doc(_bomb(levels=8, width=10)).ok
    # A few shared anchors, as real configs use them, are fine.
    shared = "base: &b {model: gpt-4o}\nchat: *b\nchat2: {<<: *b, temperature: 0}\n"
    assert loaders.yaml_nodes(shared).ok
    assert loaders.yaml_doc(shared).value["chat"] == {"model": "gpt-4o"}


def test_yaml_alias_inside_its_own_anchor_is_refused() -> None:
    parsed = loaders.yaml_nodes("a: &x [1, *x]\n")
    assert not parsed.ok and "refers to the node that contains it" in (parsed.problem or "")


def test_alias_bomb_config_is_a_recorded_skip(tmp_path: Path) -> None:
    # 60^3 aliased leaves: before the alias budget the walk expanded all of them.
    tree = _write(tmp_path, {"config.yaml": _bomb(levels=3, width=60)})
    found = list(configs.discover(tree, DiscoverContext()))
    assert found == []
    assert [(s.path, s.reason) for s in tree.skipped] == [
        (
            "config.yaml",
            f"YAML aliases expand to more than {loaders.ALIAS_NODES} further nodes: not read",
        )
    ]


def test_deeply_nested_files_are_skips_in_every_source(tmp_path: Path) -> None:
    nested_json = "[" * DEEP + "]" * DEEP
    tree = _write(
        tmp_path,
        {
            "m/config.json": '{"model_type": ' + nested_json + "}",
            "pyproject.toml": '[project]\nname = "x"\ndependencies = ["openai"]\nx = '
            + "[" * DEEP
            + "]" * DEEP
            + "\n",
            "web/package.json": '{"dependencies": {"openai": ' + nested_json + "}}",
            ".claude/settings.json": '{"model": ' + nested_json + "}",
            # Just under libyaml's 1,000 levels: composed, then too deep to walk.
            "data.dvc": "outs: " + "[" * 990 + "]" * 990 + "\n",
            "settings.json": '{"model": ' + nested_json + "}",
            "app.py": 'import openai\nopenai.OpenAI().chat.completions.create(model="gpt-4o")\n',
        },
    )
    found = discover(tree, DiscoverContext(history="none"))
    reasons = {s.path: s.reason for s in tree.skipped}
    assert set(reasons) >= {
        "m/config.json",
        "pyproject.toml",
        "web/package.json",
        ".claude/settings.json",
        "data.dvc",
        "settings.json",
    }, reasons
    assert "nested too deeply" in reasons["m/config.json"]
    assert "nested too deeply" in reasons["pyproject.toml"]
    assert "nested too deeply" in reasons["data.dvc"]
    # The rest of the tree is still read.
    assert "api:openai/gpt-4o" in {ev.identity for ev in found}


def test_odd_scalars_are_skips_not_crashes(tmp_path: Path) -> None:
    tree = _write(
        tmp_path,
        {
            # A 13th month: PyYAML's timestamp constructor raises ValueError.
            "m/README.md": "---\nbase_model: Qwen/Qwen2.5-7B\ndate: 2024-13-01\n---\n# card\n",
            # More digits than Python converts by default: ValueError, not JSONDecodeError.
            "n/config.json": '{"model_type": "llama", "x": ' + "9" * 5000 + "}",
        },
    )
    discover(tree, DiscoverContext(history="none"))
    reasons = {s.path: s.reason for s in tree.skipped}
    assert reasons["m/README.md"].startswith("invalid YAML front matter")
    assert reasons["n/config.json"].startswith("invalid JSON")


def test_repeated_values_are_located_where_each_is_written(tmp_path: Path) -> None:
    tables = "".join(f'[agent{i}]\nmodel = "gpt-4o"\ntemperature = 0\n' for i in range(3))
    escaped = '{\n  "title": "say \\"hi\\"",\n  "model": "deepseek-\\u0063hat",\n  "model2": 1\n}\n'
    tree = _write(tmp_path, {"agents.toml": tables, "chat.json": escaped})
    found = list(configs.discover(tree, DiscoverContext()))
    got = sorted((ev.location.path, ev.location.line, ev.location.column) for ev in found)
    assert got == [
        ("agents.toml", 2, 9),
        ("agents.toml", 5, 9),
        ("agents.toml", 8, 9),
        ("chat.json", 3, 12),
    ]


def test_json_configs_are_parsed_as_json_and_yaml_only_as_fallback(tmp_path: Path) -> None:
    # Tabs are legal JSON whitespace but not YAML indentation: a JSON parser reads this.
    tree = _write(
        tmp_path,
        {"a.json": '{\n\t"llm": {\n\t\t"model": "gpt-4o-mini"\n\t}\n}\n', "b.json": "model: x: y"},
    )
    found = list(configs.discover(tree, DiscoverContext()))
    assert [(ev.identity, ev.location.line) for ev in found] == [("api:openai/gpt-4o-mini", 3)]
    assert [s.path for s in tree.skipped] == ["b.json"]


def _spins(rel: str, data: bytes) -> scanning.Outcome:
    if rel == "slow.py":
        end = time.monotonic() + 60
        while time.monotonic() < end:
            pass
    return scanning.Outcome()


def test_an_analysis_that_runs_too_long_is_a_recorded_skip(tmp_path: Path) -> None:
    tree = _write(tmp_path, {"slow.py": "x = 1\n", "fast.py": "y = 2\n"})
    scanning.scan(tree, tree.files, (), _spins, parallel=False, seconds=0.3)
    assert [(s.path, s.reason) for s in tree.skipped] == [
        ("slow.py", "took longer than 0.3 s to analyse: not read")
    ]


def test_the_time_budget_also_holds_in_worker_processes(tmp_path: Path) -> None:
    tree = _write(
        tmp_path,
        {"slow.py": "x = 1\n" * 40_000, **{f"f{i}.py": "y = 2\n" * 20_000 for i in range(3)}},
    )
    scanning.scan(tree, tree.files, (), _spins, parallel=True, seconds=0.3)
    # The reason names the budget given: a worker holding the default one (30 s) also
    # skipped slow.py, only a hundred times later.
    assert [(s.path, s.reason) for s in tree.skipped] == [
        ("slow.py", "took longer than 0.3 s to analyse: not read")
    ]


def test_libyaml_is_used_when_available() -> None:
    import yaml

    if getattr(yaml, "__with_libyaml__", False):
        assert loaders.SAFE_LOADER is yaml.CSafeLoader
    parsed = loaders.yaml_nodes(textwrap.dedent("a:\n  model: gpt-4o\n"))
    node = parsed.value[0].value[0][1].value[0][1]
    assert (node.start_mark.line, node.start_mark.column) == (1, 9)
