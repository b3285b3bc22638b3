"""The CI environment of this run, read once: GitHub Actions' variables (nothing outside Actions).

The command line reads ``os.environ`` here and nowhere else for CI facts; the pipeline and
the reports are given what they need (the ref, the CI name, the job-summary file, the
repository and run for the evidence bundle and the HTML report).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, slots=True)
class CiEnvironment:
    """A snapshot of the environment variables a CI run sets."""

    environ: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, environ: Mapping[str, str] | None = None) -> CiEnvironment:
        """The environment now (``os.environ`` unless given), copied once."""
        return cls(dict(os.environ if environ is None else environ))

    @property
    def ref(self) -> str | None:
        """The git ref the run is for (``GITHUB_REF``)."""
        return self.environ.get("GITHUB_REF")

    @property
    def ci(self) -> str | None:
        """``github-actions`` inside GitHub Actions, else None."""
        return "github-actions" if self.environ.get("GITHUB_ACTIONS") == "true" else None

    @property
    def step_summary(self) -> Path | None:
        """The job-summary file GitHub Actions appends Markdown to, if any."""
        value = self.environ.get("GITHUB_STEP_SUMMARY")
        return Path(value) if value else None


def github_repository_url(environ: Mapping[str, str]) -> str | None:
    """``<server>/<owner>/<repo>`` inside GitHub Actions, else None."""
    if environ.get("GITHUB_ACTIONS") != "true" or not environ.get("GITHUB_REPOSITORY"):
        return None
    server = environ.get("GITHUB_SERVER_URL", "https://github.com").rstrip("/")
    return f"{server}/{environ['GITHUB_REPOSITORY']}"


def github_run_url(environ: Mapping[str, str]) -> str | None:
    """The Actions run's page, down to its attempt when the run was retried; None outside Actions.

    The evidence bundle and the HTML report both name the run; they call this so the two never
    point at different pages (a re-run's attempt is the run that made the evidence).
    """
    repo = github_repository_url(environ)
    run = environ.get("GITHUB_RUN_ID")
    if repo is None or not run:
        return None
    attempt = environ.get("GITHUB_RUN_ATTEMPT")
    return f"{repo}/actions/runs/{run}" + (f"/attempts/{attempt}" if attempt else "")
