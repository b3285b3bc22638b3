"""Packs and waivers are read by :mod:`gate.yamlfile` (lines kept, hostile input refused) and
checked against the JSON Schemas shipped in ``policies/schema/``; their errors are PolicyErrors."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

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
    """Check a document against a shipped schema; the first error names file and line."""
    yamlfile.validate(doc, _schema(schema_name), what)
