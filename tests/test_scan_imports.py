"""A scan imports the readers of rare formats only for trees that hold them (issue 15: every
module imported before the walk is start-up time the analysis workers wait for)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

_SCRIPT = (
    "import json, sys\n"
    "sys.argv = ['aigate', 'scan', sys.argv[1], '-o', sys.argv[2], '-q', '--history', 'none']\n"
    "from gate.cli import main\n"
    "try:\n    main()\nexcept SystemExit:\n    pass\n"
    "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
)


def _modules_of_a_scan(root: Path, out: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(root), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    loaded: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return loaded


def test_javaproperties_is_imported_only_for_a_properties_file(tmp_path: Path) -> None:
    root = tmp_path / "app"
    root.mkdir()
    (root / "config.yaml").write_text("model: meta-llama/Llama-3.1-8B-Instruct\n")
    loaded = _modules_of_a_scan(root, tmp_path / "a.json")
    assert "gate.discover.configs.documents" in loaded  # the configs source did run
    assert "javaproperties" not in loaded
    assert "http.client" not in loaded  # what javaproperties brought in with it

    (root / "application.properties").write_text("spring.ai.ollama.chat.options.model=qwen2.5:7b\n")
    loaded = _modules_of_a_scan(root, tmp_path / "b.json")
    assert "javaproperties" in loaded
    bom = json.loads((tmp_path / "b.json").read_text())
    assert any("qwen2.5" in c.get("name", "") for c in bom.get("components", []))
