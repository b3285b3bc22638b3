"""Packs and waivers are read by :mod:`gate.yamlfile` (lines kept, hostile input refused) and
checked against the JSON Schemas shipped in ``policies/schema/``; their errors are PolicyErrors."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import date
from functools import cache
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gate import yamlfile
from gate.errors import AigateError, PolicyError
from gate.policy.locate import policies_dir
from gate.yamlfile import MAX_DEPTH, PathKey

if TYPE_CHECKING:
    import jsonschema

YamlDoc = yamlfile.YamlDoc[PolicyError]

__all__ = ["MAX_DEPTH", "PathKey", "YamlDoc", "load_yaml", "validate"]


def _policy_error(display: str, problem: str) -> AigateError:
    return PolicyError(display, problem)


def load_yaml(path: Path, display: str | None = None) -> YamlDoc:
    """Load one pack or waiver file, keeping lines; an unreadable or invalid file is a
    PolicyError (see :func:`gate.yamlfile.load` for the bounds)."""
    return yamlfile.load(path, display, error=PolicyError, read_error=_policy_error)


@cache
def _schema(name: str) -> jsonschema.protocols.Validator:
    path = policies_dir() / "schema" / name
    return yamlfile.compile_schema(json.loads(path.read_text(encoding="utf-8")))


def validate(doc: YamlDoc, schema_name: str, what: str) -> None:
    """Check a document against a shipped schema; the first error names file and line.

    A document the generated validator accepts is done (no jsonschema import, no check of
    the schema itself: ~0.15 s of every ``aigate check``). Anything it refuses, or should it
    fail in any way, is checked by jsonschema exactly as before, which words the error
    (and accepts what only the generated code is stricter about: it reads ``$`` in a
    pattern as end of text, and 1.0 is no integer to it)."""
    accepts = _generated(schema_name)
    if accepts is not None:
        try:
            accepts(doc.value, _FORMATS)
            return
        except Exception:
            pass
    yamlfile.validate(doc, _schema(schema_name), what)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _is_date(value: str) -> bool:
    """jsonschema's ``date`` format check (the generated validators call it on strings)."""
    try:
        return bool(_ISO_DATE.fullmatch(value) and date.fromisoformat(value))
    except ValueError:
        return False


_FORMATS: dict[str, Callable[[str], bool]] = {"date": _is_date}


@cache
def _generated(schema_name: str) -> Callable[[Any, dict[str, Callable[[str], bool]]], Any] | None:
    """The generated validator of a shipped schema, when it was made from this very file
    (tools/gen_policy_validators.py); None otherwise."""
    from gate.policy import _schemas

    known = _schemas.FILE_VALIDATORS.get(schema_name)
    if known is None:
        return None
    module, digest = known
    path = policies_dir() / "schema" / schema_name
    try:
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            return None
    except OSError:
        return None
    accepts: Callable[[Any, dict[str, Callable[[str], bool]]], Any] = import_module(module).validate
    return accepts
