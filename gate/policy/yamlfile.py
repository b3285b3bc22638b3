"""YAML files that remember lines: so a bad pack or waiver is reported as ``file:line``.

PyYAML's composer keeps each node's position; the document is built from the node tree
with a map from JSON paths to lines, and JSON Schema errors are reported at the line of
the value (or key) they concern. Dates stay ISO strings: never ``datetime`` objects.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from gate import files
from gate.discover import loaders
from gate.errors import AigateError, PolicyError
from gate.policy.locate import policies_dir

PathKey = tuple[str | int, ...]

MAX_DEPTH = 64
"""Levels of nesting a pack or waiver file may have (real ones: five or six)."""


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """A loaded document and where each of its values is."""

    path: Path
    display: str
    value: Any
    lines: dict[PathKey, int]
    key_lines: dict[PathKey, int]
    text: bytes

    def line(self, where: PathKey) -> int | None:
        """The line of the value at a path, or of its nearest parent."""
        for cut in range(len(where), -1, -1):
            key = where[:cut]
            if key in self.lines:
                return self.lines[key]
        return None

    def key_line(self, where: PathKey) -> int | None:
        """The line of a mapping key (for 'unknown key' errors)."""
        return self.key_lines.get(where) or self.line(where)

    def error(self, where: PathKey, problem: str, *, key: bool = False) -> PolicyError:
        """A PolicyError at the line of a value."""
        line = self.key_line(where) if key else self.line(where)
        return PolicyError(self.display, problem, line=line)


def _build(
    node: yaml.Node, where: PathKey, lines: dict[PathKey, int], keys: dict[PathKey, int]
) -> Any:
    lines[where] = node.start_mark.line + 1
    if len(where) > MAX_DEPTH:
        raise PolicyError(
            None, f"nested deeper than {MAX_DEPTH} levels: not read", line=lines[where]
        )
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = _build(key_node, (*where, "<key>"), {}, {})
            if not isinstance(key, str):
                key = str(key)
            if key in out:
                raise PolicyError(None, f"duplicate key {key!r}", line=key_node.start_mark.line + 1)
            keys[(*where, key)] = key_node.start_mark.line + 1
            out[key] = _build(value_node, (*where, key), lines, keys)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*where, i), lines, keys) for i, item in enumerate(node.value)]
    try:
        value = yaml.SafeLoader("").construct_object(node, deep=True)
    except (ValueError, OverflowError) as exc:
        # A scalar YAML reads as a date that does not exist (2026-02-30) or a number out of
        # range: the file's mistake, named at its line, not an internal error.
        problem = f"{node.value!r} is not a valid value: {exc}"
        if node.tag.endswith(":timestamp"):
            problem = f"{node.value!r} is not a date that exists ({exc}); write YYYY-MM-DD"
        raise PolicyError(None, problem, line=node.start_mark.line + 1) from None
    # Dates are compared as ISO text; a datetime would not survive JSON or the schema.
    return node.value if isinstance(value, date | datetime) else value


def _policy_error(display: str, problem: str) -> AigateError:
    return PolicyError(display, problem)


def load_yaml(path: Path, display: str | None = None) -> YamlDoc:
    """Load one YAML document, keeping lines; an unreadable or invalid file is a PolicyError.

    The file must be a regular file of at most :data:`gate.files.MAX_POLICY_FILE` bytes;
    aliases may not expand it beyond :data:`gate.discover.loaders.ALIAS_NODES` further
    values (a billion-laughs file is refused before it is walked), nor nest it deeper than
    :data:`MAX_DEPTH`.
    """
    shown = display or str(path)
    raw = files.read_bounded(path, files.MAX_POLICY_FILE, display=shown, error=_policy_error)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyError(shown, f"cannot read: not UTF-8 text (byte {exc.start})") from exc
    try:
        node = yaml.compose(text, Loader=loaders.SAFE_LOADER)
    except RecursionError:
        raise PolicyError(shown, f"nested deeper than {MAX_DEPTH} levels: not read") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        # PyYAML's message spans lines ("while parsing …", "in <unicode string>, line 4"):
        # the problem and its context in one line, the place as file:line.
        parts = [getattr(exc, "problem", None), getattr(exc, "context", None)]
        what = "; ".join(p for p in parts if p) or str(exc).splitlines()[0]
        raise PolicyError(shown, f"not valid YAML: {what}", line=line) from None
    if node is not None and (problem := loaders.alias_problem(node)) is not None:
        raise PolicyError(shown, problem)
    lines: dict[PathKey, int] = {}
    keys: dict[PathKey, int] = {}
    try:
        value = _build(node, (), lines, keys) if node is not None else None
    except PolicyError as exc:
        raise PolicyError(shown, exc.problem, line=exc.line) from exc
    return YamlDoc(path=path, display=shown, value=value, lines=lines, key_lines=keys, text=raw)


@cache
def _schema(name: str) -> Any:
    path = policies_dir() / "schema" / name
    schema = json.loads(path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def validate(doc: YamlDoc, schema_name: str, what: str) -> None:
    """Check a document against a shipped schema; the first error names file and line."""
    errors = sorted(
        _schema(schema_name).iter_errors(doc.value),
        key=lambda e: (doc.line(tuple(e.absolute_path)) or 0, str(e.message)),
    )
    if not errors:
        return
    err = errors[0]
    where = tuple(err.absolute_path)
    if err.validator == "additionalProperties":
        extra = _unexpected(err)
        if extra:
            key_path = (*where, extra[0])
            schema = err.schema if isinstance(err.schema, dict) else {}
            allowed = ", ".join(sorted(schema.get("properties", {})))
            raise doc.error(
                key_path,
                f"unknown key {extra[0]!r} in {what} (allowed here: {allowed})",
                key=True,
            )
    location = "/".join(str(p) for p in where) or "(top level)"
    hint = ""
    if isinstance(err.instance, bool):
        # YAML 1.1 reads bare off/on/yes/no/NO as booleans (the "Norway problem").
        hint = '; YAML read a bare word as a boolean: quote it, e.g. "off" or "NO"'
    elif err.validator in ("minLength", "maxLength"):
        bound = "at least" if err.validator == "minLength" else "at most"
        hint = f" (it must be {bound} {err.validator_value} characters)"
    raise doc.error(where, f"invalid {what} at {location}: {err.message}{hint}")


def _unexpected(err: jsonschema.ValidationError) -> list[str]:
    instance, schema = err.instance, err.schema
    if not isinstance(instance, dict) or not isinstance(schema, dict):
        return []
    allowed = set(schema.get("properties", {}))
    patterns = schema.get("patternProperties", {})

    return sorted(
        k for k in instance if k not in allowed and not any(re.search(p, k) for p in patterns)
    )
