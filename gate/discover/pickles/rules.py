"""Which imported globals are dangerous, safe or unknown (``data/pickle_imports.yaml``)."""

from __future__ import annotations

import _compat_pickle
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from gate import shipped


@dataclass(frozen=True, slots=True)
class _ImportRules:
    dangerous: Mapping[str, frozenset[str] | None]
    """module → dangerous names (None: every name, and every submodule)."""
    attributes: frozenset[str]
    safe: Mapping[str, frozenset[str]]
    """module → names known safe (exact names only)."""


def _rules_from(doc: Mapping[str, object], *, wildcards: bool) -> dict[str, frozenset[str] | None]:
    out: dict[str, frozenset[str] | None] = {}
    for module, names in doc.items():
        if names == "*" and wildcards:
            out[str(module)] = None
        elif isinstance(names, list) and all(isinstance(n, str) for n in names):
            out[str(module)] = frozenset(names)
        else:
            raise ValueError(f"pickle_imports.yaml: {module}: expected a list of names")
    return out


@cache
def import_rules() -> _ImportRules:
    """The dangerous / safe import lists (``data/pickle_imports.yaml``), loaded once."""
    doc = shipped.yaml_data("gate.discover", "data/pickle_imports.yaml")
    dangerous = _rules_from(doc["dangerous"], wildcards=True)
    safe = {m: n or frozenset() for m, n in _rules_from(doc["safe"], wildcards=False).items()}
    both = sorted(
        f"{m}.{n}" for m, names in safe.items() for n in names & (dangerous.get(m) or frozenset())
    )
    if both:
        # A name on both lists would be judged by whichever rule is read first.
        raise ValueError(f"pickle_imports.yaml: listed as safe and dangerous: {', '.join(both)}")
    return _ImportRules(
        dangerous=dangerous,
        attributes=frozenset(doc["dangerous_attributes"]),
        safe=safe,
    )


def _named(rules: Mapping[str, frozenset[str] | None], module: str, name: str) -> bool:
    """The module's list names ``name`` (or the attribute a dotted name starts from)."""
    names = rules.get(module)
    return names is not None and name.split(".", 1)[0] in names


def _whole_module(rules: Mapping[str, frozenset[str] | None], module: str) -> bool:
    """A ``"*"`` rule covers the module or a package it is in (``os`` covers ``os.path``)."""
    parts = module.split(".")
    return any(
        ".".join(parts[:i]) in rules and rules[".".join(parts[:i])] is None
        for i in range(1, len(parts) + 1)
    )


def classify(module: str, name: str) -> str:
    """``dangerous``, ``safe`` or ``unknown`` for one imported global.

    A name listed as dangerous is dangerous; a name listed as safe beats a whole-module
    dangerous rule (``copyreg._reconstructor``); a dotted name is safe only if listed as it
    is (``numpy.ndarray`` does not make ``ndarray.tofile`` safe).
    """
    rules = import_rules()
    candidates = [(module, name)]
    # Protocol < 3 pickles are loaded with Python 2 names mapped to Python 3 ones.
    mapped = _compat_pickle.NAME_MAPPING.get((module, name))
    if mapped:
        candidates.append(mapped)
    if module in _compat_pickle.IMPORT_MAPPING:
        candidates.append((_compat_pickle.IMPORT_MAPPING[module], name))
    for mod, attr in candidates:
        if _named(rules.dangerous, mod, attr):
            return "dangerous"
        # A dotted name walks attributes (protocol 4): ``torch`` + ``serialization.os.system``.
        steps = attr.split(".")
        if len(steps) > 1 and any(
            s in rules.attributes or s in rules.dangerous or s.startswith("__") for s in steps
        ):
            return "dangerous"
    safe = any(attr in rules.safe.get(mod, ()) for mod, attr in candidates)
    if safe:
        return "safe"
    if any(_whole_module(rules.dangerous, mod) for mod, _ in candidates):
        return "dangerous"
    return "unknown"
