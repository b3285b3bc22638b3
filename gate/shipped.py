"""Parse the YAML data files aigate ships (libyaml's C loader when the build has it).

A leaf module: the data tables of discover, recognise and resolve import it without
importing each other."""

from __future__ import annotations

from typing import Any

import yaml

# libyaml's C loader parses the shipped tables several times faster than the pure-Python one.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """A YAML document parsed safely (libyaml's loader when the build has it)."""
    return yaml.load(text, Loader=_LOADER)
