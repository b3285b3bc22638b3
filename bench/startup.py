"""Start-up of `aigate --version` and `aigate --help` over bare Python, with extras installed.

Creates (once) a throwaway virtual environment under bench/_data/startup-venv holding aigate
(editable) with its test and bench extras and ``rfc3987-syntax`` (which jsonschema loads on
import when present: the case that made start-up take seconds), byte-compiles it as a wheel
install would, then times, best of seven, interleaved:

    python -c 'import click, gate'      (the floor)
    aigate --version
    aigate --help

and prints each command's time over the floor beside the target (at most 0.15 s).

    python bench/startup.py [--rounds 7] [--venv PATH]

The venv is made once and reused (``--venv`` names another one to reuse); pip installs
from the wheel cache and local indexes this machine is configured with (``--prefer-binary``,
so nothing is built from source): about 5 minutes at load average 6. The ``fuzz`` extra
(atheris) is left out: no wheel of it exists for this platform.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGET = 0.15


def venv(path: Path) -> Path:
    python = path / "bin" / "python"
    stamp = path / ".complete"
    if stamp.exists():
        return python
    print(f"creating {path} (once; pip from the local wheel cache)...", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--prefer-binary",
            "-e",
            f"{ROOT}[test,bench]",
            "rfc3987-syntax",
        ],
        check=True,
    )
    stamp.write_text("", encoding="utf-8")
    return python


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of a command."""
    started, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return time.perf_counter() - started, _children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--venv", type=Path, default=HERE / "_data" / "startup-venv")
    args = parser.parse_args()
    python = venv(args.venv)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    # What a wheel install leaves: byte code for aigate and its dependencies (this machine
    # sets PYTHONDONTWRITEBYTECODE, so nothing has left any).
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    for folder in (str(ROOT / "gate"), site):
        subprocess.run([str(python), "-m", "compileall", "-q", "-j0", folder], env=env)
    aigate = str(python.with_name("aigate"))
    commands = {
        "floor: import click, gate": [str(python), "-c", "import click, gate"],
        "aigate --version": [aigate, "--version"],
        "aigate --help": [aigate, "--help"],
    }
    for cmd in commands.values():  # warm the page cache and byte code
        timed(cmd, env)
    best = {name: (float("inf"), 0.0) for name in commands}
    for _ in range(args.rounds):
        for name, cmd in commands.items():
            best[name] = min(best[name], timed(cmd, env))
    floor, floor_cpu = best["floor: import click, gate"]
    print(f"load average {os.getloadavg()[0]:.1f}; best of {args.rounds}, interleaved")
    print(f"floor: import click, gate   {floor:.3f} s  ({floor_cpu:.3f} s CPU)")
    for name in ("aigate --version", "aigate --help"):
        wall, cpu = best[name]
        over = wall - floor
        verdict = "met" if over <= TARGET else "NOT met"
        print(
            f"{name:<26} {wall:.3f} s  ({cpu:.3f} s CPU)  over the floor {over:.3f} s"
            f" ({cpu - floor_cpu:.3f} s CPU)  ratio {wall / floor:.2f}x"
            f"  target <= {TARGET} s: {verdict}"
        )


if __name__ == "__main__":
    main()
