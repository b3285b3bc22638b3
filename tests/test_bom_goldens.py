"""Golden BOMs: the demo app's AI-BOM in CycloneDX 1.6 and 1.7, JSON and XML, byte for byte.

Each golden is validated against the official schema of its version, then compared with a
fresh scan. A change to what aigate writes shows up here as a reviewed diff, never as a
field-by-field assertion that misses what it does not name. Regenerate on purpose with
``AIGATE_UPDATE_GOLDENS=1 make pytest`` and review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.validation import make_schemabased_validator

from gate.bom import cyclonedx
from gate.cli import main
from tests import goldens

DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo-app"


@pytest.mark.parametrize("spec", ["1.6", "1.7"])
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_demo_bom_matches_its_golden(
    spec: str, fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(DEMO.parent.parent)  # paths in the BOM are relative to the checkout
    out = tmp_path / f"demo.{fmt}"
    result = CliRunner().invoke(
        main,
        [
            "scan",
            "examples/demo-app",
            "--history",
            "none",
            "--format",
            f"cyclonedx-{fmt}",
            "--spec-version",
            spec,
            "--project-version",
            "1.0.0",
            "-q",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert cyclonedx.validate(text, fmt=fmt, spec=spec) is None
    # aigate's JSON check is generated code (tools/gen_bom_validators.py), the same check
    # write_bom made: the library's own validator is the independent witness.
    output = OutputFormat.JSON if fmt == "json" else OutputFormat.XML
    library = make_schemabased_validator(output, SchemaVersion.from_version(spec))
    assert library.validate_str(text) is None
    goldens.check(f"demo-app.cdx{spec.replace('.', '')}.{fmt}", text)
