"""The recogniser's shipped data files (``gate/recognise/data``), parsed once per process."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from gate.shipped import parse_yaml

__all__ = ["load", "parse_yaml"]


@cache
def load(name: str) -> Any:
    """A YAML file of ``gate/recognise/data``, parsed once."""
    return parse_yaml(resources.files("gate.recognise").joinpath(f"data/{name}").read_text("utf-8"))
