"""The recogniser's shipped data files (``gate/recognise/data``), parsed once per process."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

# libyaml's C loader parses the shipped tables several times faster than the pure-Python one.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_yaml(text: str) -> Any:
    """A YAML document parsed safely (libyaml's loader when the build has it)."""
    return yaml.load(text, Loader=_LOADER)


@cache
def load(name: str) -> Any:
    """A YAML file of ``gate/recognise/data``, parsed once."""
    return parse_yaml(resources.files("gate.recognise").joinpath(f"data/{name}").read_text("utf-8"))
