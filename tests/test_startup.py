"""`aigate --version` and `--help` import none of the heavy libraries: they start in a blink
whatever else is installed (jsonschema with rfc3987-syntax alone took seconds)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("jsonschema", "requests", "cyclonedx", "regopy", "sigstore", "tree_sitter", "yaml")


@pytest.mark.parametrize("args", [["--version"], ["--help"]])
def test_version_and_help_load_no_heavy_module(args: list[str]) -> None:
    script = (
        "import json, sys\n"
        f"sys.argv = ['aigate', *{args!r}]\n"
        "from gate.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    loaded = json.loads(done.stderr.strip().splitlines()[-1])
    heavy = [m for m in loaded if m.split(".")[0] in HEAVY]
    assert heavy == []
    assert "aigate" in done.stdout


def test_a_command_still_loads_what_it_needs() -> None:
    from click.testing import CliRunner

    from gate.cli import main

    result = CliRunner().invoke(main, ["policy", "--help"])
    assert result.exit_code == 0, result.output


def test_check_of_a_bom_does_not_import_jsonschema() -> None:
    # Packs, waivers, BOMs and the policy input are accepted by generated validators:
    # jsonschema (~0.1 s of import, seconds with rfc3987-syntax) is only for wording a refusal.
    from pathlib import Path

    golden = Path(__file__).resolve().parent / "goldens" / "demo-app.cdx16.json"
    script = (
        "import json, sys\n"
        "sys.argv = ['aigate', 'check', '--bom', sys.argv[1], '--policy', 'release',"
        " '--now', '2026-11-26', '--format', 'json']\n"
        "from gate.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(golden)], capture_output=True, text=True, timeout=300
    )
    loaded = json.loads(done.stderr.strip().splitlines()[-1])
    assert "regopy" in loaded  # it did judge
    assert [m for m in loaded if m.split(".")[0] == "jsonschema"] == []
