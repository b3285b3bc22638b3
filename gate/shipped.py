"""Data files shipped inside the package, read and parsed once per process.

A leaf module: the data tables of discover, recognise and resolve import it without
importing each other.

YAML is parsed with libyaml's ``CSafeLoader`` where PyYAML was built with it (the same
values as the pure-Python ``SafeLoader``, about ten times faster), else with ``SafeLoader``.
Parsed documents are cached and shared: callers treat them as read-only, or ask for a copy.
"""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources
from typing import Any

import yaml

LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The fastest safe loader this PyYAML has."""


def safe_load(text: str | bytes) -> Any:
    """``yaml.safe_load`` with the fastest safe loader."""
    return yaml.load(text, Loader=LOADER)


parse_yaml = safe_load
"""The recogniser's name for :func:`safe_load`."""


@cache
def text(package: str, name: str) -> str:
    """A shipped file's text (``text("gate.resolve", "data/licences.yaml")``)."""
    return resources.files(package).joinpath(name).read_text("utf-8")


@cache
def yaml_data(package: str, name: str) -> Any:
    """A shipped YAML file, parsed once; shared, so never change what it returns."""
    return safe_load(text(package, name))


@cache
def _parsed_text(source: str) -> Any:
    return safe_load(source)


def yaml_copy(source: str) -> Any:
    """YAML text parsed (once per distinct text), as a copy the caller may change."""
    return copy.deepcopy(_parsed_text(source))
