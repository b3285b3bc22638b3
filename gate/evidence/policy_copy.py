"""The policy files a decision used, copied into the bundle so the gate can be replayed from
them: shipped files under ``policy/aigate/``, the user's under ``policy/local/``."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from gate import files
from gate.errors import InputError
from gate.evidence.bundle import DATA_PREFIX, LOCAL, SHIPPED, sha256_hex
from gate.model import Decision, PolicyFile
from gate.policy import packs
from gate.policy.locate import policies_dir


@dataclass(frozen=True, slots=True)
class PolicyCopy:
    entry: PolicyFile
    target: str
    data: bytes


def _shipped_source(entry: PolicyFile) -> bytes | None:
    """The installed copy of a shipped file, if the entry is one (same name, same bytes)."""
    if entry.path.startswith(DATA_PREFIX):
        name = entry.path.removeprefix(DATA_PREFIX)
        if name in ("regulatory.yaml", "licences.yaml"):
            data = packs.INSTALLED.data_text(name)
            return data if sha256_hex(data) == entry.sha256 else None
    if entry.path.startswith("policies/"):
        candidate = policies_dir() / entry.path.removeprefix("policies/")
        if candidate.is_file():
            data = files.read_bounded(candidate, files.MAX_POLICY_FILE, display=entry.path)
            return data if sha256_hex(data) == entry.sha256 else None
    return None


def collect_policy(
    decision: Decision, cwd: Path
) -> tuple[list[PolicyCopy], str, Callable[[Path], str]]:
    """Where each policy file the decision used goes in the bundle, with its bytes.

    Shipped files go under ``policy/aigate/`` by name. The user's files keep their layout
    relative to each other (packs name modules and waivers by relative path) under
    ``policy/local/``, rooted at the deepest folder that holds them all and the working
    directory; the returned folder stands for the working directory, and the function maps a
    user file to its place in the bundle.
    """
    here = Path(os.path.realpath(cwd))
    shipped: list[PolicyCopy] = []
    local: list[tuple[PolicyFile, Path]] = []
    gate_dir = Path(__file__).resolve().parent.parent
    installed = [Path(os.path.realpath(policies_dir())), gate_dir / "resolve" / "data"]
    for entry in decision.policy_files:
        # A user's file may carry a shipped file's name (and even its bytes): a pack at
        # ./policies/packs/release.yaml is the user's when it is there, not aigate's.
        mine = Path(os.path.realpath(here / entry.path))
        users = mine.is_file() and not any(mine.is_relative_to(d) for d in installed)
        data = _shipped_source(entry)
        if data is not None:
            # Same name, same bytes: the one entry may stand for both, so both are bundled.
            shipped.append(PolicyCopy(entry, f"{SHIPPED}/{entry.path}", data))
            if not users:
                continue
        if PurePosixPath(entry.path).is_absolute() or re.match(r"^[A-Za-z]:", entry.path):
            raise InputError(
                entry.path,
                "cannot bundle a policy file named by an absolute path (another drive?)",
                hint="run aigate from a folder on the same drive as the policy files",
            )
        local.append((entry, Path(os.path.realpath(here / entry.path))))
    top = Path(os.path.commonpath([here, *(src.parent for _, src in local)]))

    def place(path: Path) -> str:
        rel = Path(os.path.relpath(os.path.realpath(path), top)).as_posix()
        return f"{LOCAL}/{rel}" if rel != "." else LOCAL

    copies = list(shipped)
    for entry, src in local:
        data = files.read_bounded(src, files.MAX_POLICY_FILE, display=entry.path)
        if sha256_hex(data) != entry.sha256:
            raise InputError(
                entry.path, "changed while the evidence was exported (its SHA-256 differs)"
            )
        copies.append(PolicyCopy(entry, place(src), data))
    return copies, place(here), place


def policy_argument(spec: str, place: Callable[[Path], str]) -> str:
    """A ``--policy`` argument as a bundle path (shipped pack names become their file)."""
    path = Path(spec)
    installed = packs.shipped_packs()
    if spec in installed and not path.exists():
        return f"{SHIPPED}/{packs.display_path(installed[spec])}"
    resolved = path.resolve()
    if resolved.is_relative_to(policies_dir().resolve()):
        return f"{SHIPPED}/{packs.display_path(path)}"
    return place(path)
