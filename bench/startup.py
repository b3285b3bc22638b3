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
"""

from __future__ import annotations

import argparse
import os
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
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "-e",
            f"{ROOT}[test,bench]",
            "rfc3987-syntax",
        ],
        check=True,
    )
    stamp.write_text("", encoding="utf-8")
    return python


def timed(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env=env)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--venv", type=Path, default=HERE / "_data" / "startup-venv")
    args = parser.parse_args()
    python = venv(args.venv)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    # What a wheel install leaves: byte code for aigate and its dependencies.
    subprocess.run([str(python), "-m", "compileall", "-q", str(ROOT / "gate")], env=env)
    aigate = str(python.with_name("aigate"))
    commands = {
        "floor: import click, gate": [str(python), "-c", "import click, gate"],
        "aigate --version": [aigate, "--version"],
        "aigate --help": [aigate, "--help"],
    }
    for cmd in commands.values():  # warm the page cache and byte code
        timed(cmd, env)
    best = {name: float("inf") for name in commands}
    for _ in range(args.rounds):
        for name, cmd in commands.items():
            best[name] = min(best[name], timed(cmd, env))
    floor = best["floor: import click, gate"]
    print(f"floor: import click, gate   {floor:.3f} s")
    for name in ("aigate --version", "aigate --help"):
        over = best[name] - floor
        verdict = "met" if over <= TARGET else "NOT met"
        print(
            f"{name:<26} {best[name]:.3f} s  over the floor {over:.3f} s"
            f"  target <= {TARGET} s: {verdict}"
        )


if __name__ == "__main__":
    main()
