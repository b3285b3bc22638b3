"""Data files shipped inside the package, read and parsed once per process: the one way
aigate reads its own data (``importlib.resources`` appears nowhere else).

A leaf module: the data tables of discover, recognise and resolve import it without
importing each other.

YAML is parsed with libyaml's ``CSafeLoader`` where PyYAML was built with it (the same
values as the pure-Python ``SafeLoader``, about ten times faster), else with ``SafeLoader``.
Parsed documents are cached and shared: callers treat them as read-only, or ask for a copy.

Even with libyaml, building the Python values of a document runs PyYAML's constructor in
Python: the 17 files a scan reads took 0.1 s of every process (issue 15). So each shipped
YAML file also ships *compiled*: its values as JSON (read by the C decoder in a twentieth of
the time) under ``gate/_compiled/``, with the SHA-256 of the YAML bytes it was made from.
The YAML stays the source: a compiled form whose digest is not the YAML's (a data edit not
yet compiled, a hand-edited installed file) is not used, the YAML is parsed as before.
``python tools/gen_shipped_data.py`` writes the compiled forms (``--check``, run by a test,
fails when one is stale); :func:`compiled` is the one way from values to that form.
"""

from __future__ import annotations

import copy
import hashlib
import json
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
    source = raw(package, name)
    found = _compiled_values(compiled_name(package, name), source)
    if found is not None:
        return found[0]
    return safe_load(text(package, name))


COMPILED = "_compiled"
"""Where the compiled forms of the shipped YAML files are, inside the ``gate`` package."""


def compiled_name(package: str, name: str) -> str:
    """The compiled form's path inside ``gate`` (``gate.resolve``, ``data/models.yaml`` →
    ``_compiled/resolve/data/models.json``)."""
    inner = package.split(".", 1)[1].replace(".", "/") if "." in package else ""
    stem = name[: -len(".yaml")] if name.endswith(".yaml") else name
    return "/".join(p for p in (COMPILED, inner, stem + ".json") if p)


def _compiled_values(where: str, source: bytes) -> tuple[Any] | None:
    """The values of a compiled form made from exactly ``source``, or None (no such file,
    or made from other bytes: the caller parses the YAML)."""
    try:
        form = resources.files("gate").joinpath(where).read_bytes()
    except OSError:
        return None
    try:
        doc = json.loads(form)
        if doc.get("source_sha256") != hashlib.sha256(source).hexdigest():
            return None
        return (_values(doc),)
    except (ValueError, LookupError, TypeError, AttributeError, RecursionError):
        # not a compiled form (cut short, written by hand, or nested past the JSON decoder's
        # recursion limit, as "[[[[..." is): the YAML is read
        return None


def _values(doc: dict[str, Any]) -> Any:
    values = doc["values"]
    for route in doc["int_keys"]:  # parents before children: a route may pass an int key
        node = values
        for step in route:
            node = node[step]
        items = list(node.items())
        node.clear()
        node.update((int(k), v) for k, v in items)
    return values


class NotCompilableError(ValueError):
    """Values JSON cannot carry exactly (a date, a set, a key that is neither text nor a
    whole number, text and number keys in one mapping, a float that is not finite)."""


def compiled(source: bytes) -> str:
    """The compiled form of a YAML file's bytes (deterministic text, ends with a newline):
    its values as JSON beside the routes to the mappings whose keys are whole numbers
    (JSON keys are text), and the SHA-256 of ``source``. Read back, it gives values equal
    to the YAML's, type for type (checked here: else :class:`NotCompilableError`)."""
    values = safe_load(source)
    int_keys: list[list[str | int]] = []
    _route_int_keys(values, [], int_keys)
    doc = {
        "source_sha256": hashlib.sha256(source).hexdigest(),
        "int_keys": int_keys,
        "values": values,
    }
    try:
        form = json.dumps(doc, ensure_ascii=False, indent=0, allow_nan=False) + "\n"
    except ValueError as exc:  # a float that is not finite
        raise NotCompilableError(str(exc)) from exc
    if not same(_values(json.loads(form)), values):  # values: unchanged by the dump
        raise NotCompilableError("the values read back differ from the YAML's")
    return form


def _route_int_keys(node: Any, route: list[str | int], found: list[list[str | int]]) -> None:
    if isinstance(node, dict):
        kinds = {type(k) for k in node}
        if kinds == {int}:
            found.append(list(route))
        elif kinds - {str}:
            names = sorted(k.__name__ for k in kinds)
            raise NotCompilableError(f"keys of types {names} at {_where(route)}")
        for key, value in node.items():
            _route_int_keys(value, [*route, key], found)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _route_int_keys(value, [*route, i], found)
    elif node is not None and type(node) not in (str, int, float, bool):
        raise NotCompilableError(f"a {type(node).__name__} at {_where(route)}")


def _where(route: list[str | int]) -> str:
    return "/".join(map(str, route)) or "the top"


def same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (``1 == 1.0 == True`` in Python)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(
            type(k) is type(j) and same(a[k], b[j]) for k, j in zip(a, b, strict=True)
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@cache
def _parsed_text(source: str) -> Any:
    return safe_load(source)


def yaml_copy(source: str) -> Any:
    """YAML text parsed (once per distinct text), as a copy the caller may change."""
    return copy.deepcopy(_parsed_text(source))
