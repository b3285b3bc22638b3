"""The pre-commit hook aigate ships: a valid manifest whose entry the CLI accepts."""

from __future__ import annotations

import shlex
import tomllib
from pathlib import Path

import click
import pytest
from pre_commit.clientlib import load_manifest

from gate.cli import main

ROOT = Path(__file__).resolve().parent.parent


def hook() -> dict[str, object]:
    [only] = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))
    return dict(only)


def test_manifest_is_valid_for_pre_commit() -> None:
    h = hook()
    assert h["id"] == "aigate" and h["language"] == "python"
    assert h["pass_filenames"] is False  # the gate reads the tree, not the staged names


def test_entry_runs_the_console_script_pyproject_installs() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    program, command, *_ = shlex.split(str(hook()["entry"]))
    assert scripts[program] == "gate._entry:main" and command == "check"


@pytest.mark.parametrize("args", [[], ["--policy", "{tmp}/policy.yaml"], ["--fail-on", "warn"]])
def test_entry_and_user_args_parse_as_an_aigate_check_command(
    args: list[str], tmp_path: Path
) -> None:
    command = main.commands.get("check")
    if command is None:
        pytest.skip("`aigate check` arrives with the policy engine")
    (tmp_path / "policy.yaml").write_text("apiVersion: aigate/v1\nkind: PolicyPack\n")
    args = [a.format(tmp=tmp_path) for a in args]
    _, _, *entry_args = shlex.split(str(hook()["entry"]))
    with click.Context(main) as parent:
        ctx = command.make_context("check", [*entry_args, *args], parent=parent)
    [fail_on] = [p.name for p in command.params if "--fail-on" in getattr(p, "opts", [])]
    # Later options win, so a user's --fail-on overrides the entry's.
    assert ctx.params[fail_on] == (args[1] if args[:1] == ["--fail-on"] else "deny")
