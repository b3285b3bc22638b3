"""Nothing the scan leaves unread passes silently (issue 13): weight files in tool folders
or hidden by ignore files, source files past the parse bound, minified bundles. Each is a
recorded skip, and the shipped packs judge it. Real trees, real git, the real engine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import GitRepo

from gate.cli import main
from gate.discover import javascript, scanning
from gate.discover.tree import Tree

_PICKLE = b"\x80\x02}q\x00."


def _skips(root: Path) -> dict[str, str]:
    return {s.path: s.reason for s in Tree.walk(root).skipped}


def _write(root: Path, rel: str, data: bytes = _PICKLE) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def test_weight_files_in_tool_folders_are_recorded_outside_git(tmp_path: Path) -> None:
    for rel in ("node_modules/pkg/model.onnx", ".venv/lib/t.pkl", ".cache/hf/m.safetensors"):
        _write(tmp_path, rel)
    _write(tmp_path, "node_modules/pkg/index.js", b"module.exports = 1\n")
    skips = _skips(tmp_path)
    assert set(skips) == {
        "node_modules/pkg/model.onnx",
        ".venv/lib/t.pkl",
        ".cache/hf/m.safetensors",
    }
    assert skips[".venv/lib/t.pkl"].startswith(
        "weight file in a folder excluded by default (.venv/)"
    )


def test_weight_files_hidden_by_a_nested_ignore_file_outside_git_are_recorded(
    tmp_path: Path,
) -> None:
    # Outside git a .gitignore hides nothing (every file present ships); a nested
    # .aigateignore still applies, and what it hides is recorded.
    _write(tmp_path, "sub/.aigateignore", b"*.pt\nhidden/\n")
    _write(tmp_path, "other/.gitignore", b"*.pt\n")
    _write(tmp_path, "other/read.pt")
    _write(tmp_path, "sub/model.pt")
    _write(tmp_path, "sub/hidden/deep/weights.bin")
    _write(tmp_path, "sub/hidden/notes.txt", b"text")
    # The root .aigateignore is the user's own choice for aigate: not recorded.
    _write(tmp_path, ".aigateignore", b"fixtures/\n")
    _write(tmp_path, "fixtures/m.pt")
    skips = _skips(tmp_path)
    assert set(skips) == {"sub/model.pt", "sub/hidden/deep/weights.bin"}
    assert skips["sub/model.pt"] == "weight file hidden by sub/.aigateignore outside git, not read"
    assert "other/read.pt" in {f.rel for f in Tree.walk(tmp_path).files}


def test_in_git_only_tracked_weight_files_in_tool_folders_are_recorded(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path)
    _write(tmp_path, ".gitignore", b"node_modules/\n*.pt\n")
    _write(tmp_path, "node_modules/pkg/model.onnx")
    _write(tmp_path, "node_modules/pkg/other.onnx")
    _write(tmp_path, "scratch.pt")  # ignored and untracked: not part of the release
    repo.git("add", ".gitignore")
    repo.git("add", "-f", "node_modules/pkg/model.onnx")
    repo.git("commit", "-q", "-m", "x")
    skips = _skips(tmp_path)
    assert set(skips) == {"node_modules/pkg/model.onnx"}
    assert skips["node_modules/pkg/model.onnx"].startswith("weight file git tracks")


def test_a_model_named_after_the_first_two_megabytes_is_recorded(tmp_path: Path) -> None:
    filler = b"x = 1\n" * (scanning.MAX_SOURCE_BYTES // 6 + 10)
    _write(tmp_path, "big.py", filler + b'AutoModel.from_pretrained("Qwen/Qwen2.5-7B")\n')
    _write(tmp_path, "plain.py", filler)
    code, decision = _check(tmp_path, "--policy", "cfius-strict")
    [finding] = [f for f in decision["findings"] if f["rule"] == "scan.incomplete"]
    assert "big.py (larger than 2000000 bytes: not parsed)" in finding["message"]
    assert "plain.py" not in finding["message"] and code == 1


def test_minified_javascript_naming_an_sdk_is_recorded(tmp_path: Path) -> None:
    _write(
        tmp_path, "static/app.min.js", b'var a=require("openai");new a.OpenAI().x({model:"gpt-4o"})'
    )
    _write(tmp_path, "static/jquery.min.js", b"!function(e){var model:1}(window);")
    tree = Tree.walk(tmp_path)
    minified = [f for f in tree.files if f.name.endswith(".min.js")]
    scanning.note_unread(tree, minified, javascript._strong_words(), "minified")
    assert [s.path for s in tree.skipped] == ["static/app.min.js"]
    _, decision = _check(tmp_path)
    [finding] = [f for f in decision["findings"] if f["rule"] == "scan.incomplete"]
    assert "static/app.min.js (minified JavaScript (.min.js) naming an AI SDK" in finding["message"]


def _check(root: Path, *args: str) -> tuple[int, dict[str, Any]]:
    result = CliRunner().invoke(
        main, ["check", str(root), "--now", "2026-11-26", "--format", "json", *args]
    )
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


@pytest.mark.parametrize(
    ("rel", "pack_level"),
    [
        ("sub/model.pt", "deny"),  # hidden by a nested ignore file outside git
        (".venv/lib/t.pkl", None),  # an untracked tool folder: scan.incomplete judges it
    ],
)
def test_release_denies_a_hidden_weight_file(
    tmp_path: Path, rel: str, pack_level: str | None
) -> None:
    _write(tmp_path, "sub/.aigateignore", b"*.pt\n")
    _write(tmp_path, rel)
    code, decision = _check(tmp_path, "--policy", "release")
    levels = {f["level"] for f in decision["findings"] if f["rule"] == "integrity.uninspectable"}
    incomplete = {f["level"] for f in decision["findings"] if f["rule"] == "scan.incomplete"}
    assert incomplete == {"warn"}
    if pack_level:
        assert code == 1 and levels == {pack_level}
    else:
        assert levels == set()
