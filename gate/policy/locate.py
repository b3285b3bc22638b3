"""Where the shipped policies are: one lookup for the built wheel and an editable install.

The wheel carries them as ``gate/policies`` (hatchling force-include); a source checkout
keeps them at the repository root, beside ``gate/``. Only the standard library is used, so
the lookup can be checked against an unpacked wheel without installing it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

MARKER = "schema/policy-input.schema.json"


@cache
def policies_dir() -> Path:
    """The directory of shipped Rego modules, packs and schemas."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "policies", package.parent / "policies"):
        if (candidate / MARKER).is_file():
            return candidate
    raise FileNotFoundError(
        f"aigate's shipped policies are missing (looked in {package / 'policies'} and"
        f" {package.parent / 'policies'}): the installation is broken"
    )


def packs_dir() -> Path:
    """The shipped YAML packs."""
    return policies_dir() / "packs"
