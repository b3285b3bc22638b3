"""The command line: exit codes, one-line errors, deterministic output files."""

from __future__ import annotations

import json
import os
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


@pytest.mark.parametrize("stop", [click.Abort, KeyboardInterrupt])
def test_an_interrupt_is_one_line_and_exit_130(
    monkeypatch: pytest.MonkeyPatch, stop: type[BaseException]
) -> None:
    def boom(*_: object, **__: object) -> None:
        raise stop()

    monkeypatch.setattr("gate.pipeline.scan", boom)
    code, _, err = run("scan", str(EXAMPLE))
    assert code == 130 and err.strip() == "aigate: interrupted"


@pytest.mark.parametrize("after", [0.05, 0.3, 1.0])
def test_ctrl_c_at_any_moment_is_one_line_and_exit_130(tmp_path: Path, after: float) -> None:
    """A real SIGINT, while modules load (early) or while the scan runs (later)."""
    import signal
    import time

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from gate._entry import main; main()",
            "scan",
            str(EXAMPLE),
            "-o",
            str(tmp_path / "bom.json"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    time.sleep(after)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    if proc.returncode == 0:
        pytest.skip("the scan finished before the interrupt")
    text = err.decode()
    if proc.returncode == -signal.SIGINT and not text:
        # Before the interpreter installs its handler the signal ends it silently, which a
        # shell reports as 130 too (128 + SIGINT); nothing of aigate had run.
        return
    if "KeyboardInterrupt" in text and "/gate/" not in text:
        # Still in the interpreter's own start-up (site, -c), before any aigate module ran:
        # on a loaded machine 50 ms can fall there. Nothing of aigate had run either.
        return
    assert proc.returncode == 130, text
    assert "Traceback" not in text and text.strip() == "aigate: interrupted", text


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


def test_help_lists_each_command_with_its_whole_first_sentence() -> None:
    code, out, _ = run("--help")
    listing = " ".join(out.split("Commands:", 1)[1].split())
    assert code == 0 and "..." not in listing
    assert (
        "Judge PATH (or --bom FILE) against policy packs: exit 0 pass, 1 fail, 2 error." in listing
    )
    assert (
        "Check an evidence bundle: digests, signatures, subjects, and a replay of the gate."
        in listing
    )


def test_scan_names_what_it_skipped_and_each_risk_once(tmp_path: Path) -> None:
    # A NUL byte: ast.parse refuses the file. It calls what the table knows, so it is one the
    # pre-filter sends to the parser, and the scan names it as not read.
    (tmp_path / "bad.py").write_bytes(
        b"from transformers import AutoModel\x00\nm = AutoModel.from_pretrained(x)\n"
    )
    calls = "".join(
        f'm{i} = AutoModel.from_pretrained("acme/x", trust_remote_code=True)\n' for i in range(6)
    )
    (tmp_path / "load.py").write_text("from transformers import AutoModel\n" + calls)
    code, out, _ = run("scan", str(tmp_path), "-o", str(tmp_path / "bom.json"))
    assert code == 0, out
    assert "bad.py" in out and "(line None)" not in out
    risk = [line for line in out.splitlines() if "risk: trust-remote-code" in line]
    assert len(risk) == 1 and "(6 places)" in risk[0], out


def _entry(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-c", "from gate._entry import main; main()", *args],
        capture_output=True,
        cwd=cwd,
        timeout=300,
        check=False,
    )


def test_the_entry_point_ends_without_teardown_but_with_every_byte_written(
    tmp_path: Path,
) -> None:
    """gate._entry.leave ends the process with os._exit (issue 15: the interpreter's teardown
    took 0.2-0.4 s after a scan): what went to a piped stdout, the exit status and a file
    written by the command are all there, and an exit handler still runs."""
    done = _entry("scan", str(EXAMPLE), "-q", "--history", "none")
    assert done.returncode == 0, done.stderr
    bom = json.loads(done.stdout)
    assert bom["bomFormat"] == "CycloneDX" and bom["components"]
    out = tmp_path / "bom.json"
    assert _entry("scan", str(EXAMPLE), "-q", "--history", "none", "-o", str(out)).returncode == 0
    assert json.loads(out.read_bytes()) == bom
    failed = _entry("scan", str(tmp_path / "missing"))
    assert failed.returncode == 2 and b"no such file or directory" in failed.stderr
    marker = tmp_path / "handler-ran"
    code = (
        "import atexit, pathlib, sys; from gate import _entry;"
        f"atexit.register(pathlib.Path({str(marker)!r}).write_text, 'yes');"
        "sys.argv[1:] = ['--version']; _entry.main()"
    )
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60, check=False)
    assert ran.returncode == 0 and ran.stdout.startswith(b"aigate, version")
    assert marker.read_text() == "yes"


@pytest.mark.parametrize(("closed", "args", "status"), [(1, ["--version"], 0), (2, ["nosuch"], 2)])
def test_leaving_with_a_standard_stream_closed_keeps_the_status(
    closed: int, args: list[str], status: int
) -> None:
    """Started with stdout or stderr closed (``aigate ... 2>&-``), the interpreter sets that
    stream to None: leaving flushes the other one and exits with the command's status (a
    usage error stays 2, not a traceback's 1)."""
    import os

    done = subprocess.run(
        [sys.executable, "-c", "from gate._entry import main; main()", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=lambda: os.close(closed),
        timeout=60,
        check=False,
    )
    assert done.returncode == status


def test_leaving_with_a_message_or_a_running_thread_is_a_normal_exit() -> None:
    """A message instead of a status is printed by the interpreter, and a thread still at
    work is waited for: both are left to ``SystemExit``."""
    import threading

    from gate import _entry

    with pytest.raises(SystemExit) as said:
        _entry.leave("a message")
    assert said.value.code == "a message"
    release = threading.Event()
    worker = threading.Thread(target=release.wait)
    worker.start()
    try:
        with pytest.raises(SystemExit) as waited:
            _entry.leave(3)
        assert waited.value.code == 3
    finally:
        release.set()
        worker.join()
