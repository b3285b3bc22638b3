"""Where an export ran: GitHub Actions' variables, else git at the scanned tree, else unknown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from gate import ci, git


@dataclass(frozen=True, slots=True)
class RunContext:
    """Where the export ran: from GitHub Actions' variables, else from git, else unknown.

    Recorded in the manifest (signed with it); in keyless mode the certificate's own
    extensions are what an auditor can trust about the workflow, not these fields.
    """

    source: str | None = None
    """``github-actions``, ``git``, or None when nothing was found."""
    repository: str | None = None
    ref: str | None = None
    sha: str | None = None
    run_url: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """The manifest's ``run`` object."""
        return {
            "repository": self.repository,
            "ref": self.ref,
            "run_url": self.run_url,
            "sha": self.sha,
            "source": self.source,
        }


def _without_credentials(url: str) -> str:
    """A remote URL without ``user:token@`` (CI checkouts often embed a token)."""
    parts = urlsplit(url)
    if not parts.scheme or "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def run_context(environ: Mapping[str, str], root: Path) -> RunContext:
    """The run context from GITHUB_* variables when in Actions, else from git at ``root``."""
    repository = ci.github_repository_url(environ)
    if repository is not None:
        return RunContext(
            source="github-actions",
            repository=repository,
            ref=environ.get("GITHUB_REF") or None,
            sha=environ.get("GITHUB_SHA") or None,
            run_url=ci.github_run_url(environ),
        )
    where = root if root.is_dir() else root.parent
    sha = git.value(where, "rev-parse", "--verify", "-q", "HEAD")
    if sha is None:
        return RunContext()
    remote = git.value(where, "config", "--get", "remote.origin.url")
    return RunContext(
        source="git",
        repository=_without_credentials(remote) if remote else None,
        ref=git.value(where, "symbolic-ref", "-q", "HEAD"),
        sha=sha,
    )
