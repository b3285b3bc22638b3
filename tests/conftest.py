"""Shared fixtures: hermetic environment (no network, no user caches, fixed dates)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

# tests/corpus holds labelled inputs for the discovery corpus test (its "tests" are data).
collect_ignore = ["corpus"]


@pytest.fixture(autouse=True)
def _hermetic(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[None]:
    # No persistent hash cache and no user cache dir leak between tests.
    monkeypatch.setenv("AIGATE_NO_CACHE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.delenv("HF_ENDPOINT", raising=False)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    # When the suite itself runs in GitHub Actions, `aigate check` must not append to the
    # job's real summary or record the job's ref in policy inputs.
    for name in ("GITHUB_STEP_SUMMARY", "GITHUB_OUTPUT", "GITHUB_REF", "GITHUB_ENV"):
        monkeypatch.delenv(name, raising=False)
    yield


@pytest.fixture(autouse=True)
def _review_engines(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Semgrep costs seconds per start: tests about anything but the review of AI-authored
    lines get an empty review; tests marked ``engines`` run the real Semgrep and Bandit."""
    if request.node.get_closest_marker("engines") is not None:
        return
    from gate.authored import collect, review

    def empty(root: Path, ai_lines: object, **_: object) -> review.Review:
        return review.Review(engines={"semgrep": "not run in this test"})

    monkeypatch.setattr(collect, "review", empty)


class GitRepo:
    """A real git repository in a temp folder, with commits made by real ``git``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tick = 0
        root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def env(self, author: str, committer: str | None) -> dict[str, str]:
        name, _, email = author.partition(" <")
        cname, _, cemail = (committer or author).partition(" <")
        self.tick += 1
        stamp = f"2026-01-01T00:{self.tick // 60:02d}:{self.tick % 60:02d}+00:00"
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(
            GIT_CONFIG_NOSYSTEM="1",
            GIT_CONFIG_GLOBAL=os.devnull,
            GIT_AUTHOR_NAME=name,
            GIT_AUTHOR_EMAIL=email.rstrip(">"),
            GIT_COMMITTER_NAME=cname,
            GIT_COMMITTER_EMAIL=cemail.rstrip(">"),
            GIT_AUTHOR_DATE=stamp,
            GIT_COMMITTER_DATE=stamp,
        )
        return env

    def git(
        self, *args: str, author: str = "Dev <dev@example.com>", committer: str | None = None
    ) -> str:
        done = subprocess.run(
            ["git", *args],
            cwd=self.root,
            env=self.env(author, committer),
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout.strip()

    def commit(
        self,
        message: str,
        files: dict[str, str] | None = None,
        *,
        author: str = "Dev <dev@example.com>",
        committer: str | None = None,
    ) -> str:
        """Write ``files`` (path → text), commit them with ``message``; the new sha."""
        for rel, text in (files or {}).items():
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.git("add", "--", rel)
        self.git(
            "commit",
            "-q",
            "--allow-empty",
            "--allow-empty-message",
            "-m",
            message,
            author=author,
            committer=committer,
        )
        return self.git("rev-parse", "HEAD")


@pytest.fixture
def git_repo(tmp_path: Path) -> GitRepo:
    """An empty git repository (branch main) in ``tmp_path / 'repo'``."""
    return GitRepo(tmp_path / "repo")
