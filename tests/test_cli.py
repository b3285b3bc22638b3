"""The command line: exit codes, one-line errors, deterministic output files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from gate import __version__
from gate.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "demo-app"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_version() -> None:
    code, out, _ = run("--version")
    assert code == 0 and __version__ in out


def test_scan_writes_a_valid_bom_twice_identically(tmp_path: Path) -> None:
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert run("scan", str(EXAMPLE), "-o", str(first))[0] == 0
    code, out, _ = run("scan", str(EXAMPLE), "-o", str(second), "--quiet")
    assert code == 0 and out == ""
    assert first.read_bytes() == second.read_bytes()
    doc = json.loads(first.read_text())
    refs = {c["bom-ref"] for c in doc["components"]}
    assert "local:models/summarizer" in refs


def test_scan_xml_to_stdout(tmp_path: Path) -> None:
    code, out, _ = run("scan", str(EXAMPLE), "--format", "cyclonedx-xml", "-q")
    assert code == 0 and out.startswith("<?xml") and "modelCard" in out


def test_missing_path_is_exit_2_with_one_line(tmp_path: Path) -> None:
    code, _, err = run("scan", str(tmp_path / "nope"))
    assert code == 2
    assert err.splitlines()[0] == f"aigate: error: {tmp_path / 'nope'}: no such file or directory"


def test_usage_error_is_exit_2() -> None:
    code, _, err = run("scan", "--format", "yaml")
    assert code == 2 and "Invalid value" in err


def test_abort_is_exit_2_not_policy_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object, **__: object) -> None:
        raise click.Abort()

    monkeypatch.setattr("gate.pipeline.scan", boom)
    assert run("scan", str(EXAMPLE))[0] == 2


def test_internal_error_is_exit_2(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr("gate.pipeline.scan", boom)
    code, _, err = run("scan", str(EXAMPLE))
    assert code == 2 and "internal error" in err


def test_python_dash_m_gate() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "gate", "--version"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0 and __version__ in proc.stdout
