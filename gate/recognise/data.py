"""The recogniser's shipped data files (``gate/recognise/data``), parsed once per process."""

from __future__ import annotations

from functools import cache
from typing import Any

from gate.shipped import yaml_data

__all__ = ["load"]


@cache
def load(name: str) -> Any:
    """A YAML file of ``gate/recognise/data``, parsed once."""
    return yaml_data("gate.recognise", f"data/{name}")
