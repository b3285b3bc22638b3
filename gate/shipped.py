"""Data files shipped inside the package, read and parsed once per process: the one way
aigate reads its own data (``importlib.resources`` appears nowhere else).

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
from pathlib import Path
from typing import Any

import yaml

LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The fastest safe loader this PyYAML has."""


def safe_load(text: str | bytes) -> Any:
    """``yaml.safe_load`` with the fastest safe loader."""
    return yaml.load(text, Loader=LOADER)


@cache
def raw(package: str, name: str) -> bytes:
    """A shipped file's bytes (``raw("gate.resolve", "data/regulatory.yaml")``), read once."""
    return resources.files(package).joinpath(name).read_bytes()


@cache
def text(package: str, name: str) -> str:
    """A shipped file's text (``text("gate.resolve", "data/licences.yaml")``)."""
    return raw(package, name).decode("utf-8")


def path(package: str, name: str) -> Path:
    """Where a shipped file is on disk, for a tool that must be given a path (semgrep)."""
    return Path(str(resources.files(package).joinpath(name)))


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
