"""The one reader of YAML files people write: line numbers kept, hostile input refused.

Packs, waivers and registry files (and, in tests, every shipped data file) are read here.
PyYAML's composer keeps each node's position; the document is built from the node tree with
a map from paths to lines, so a JSON Schema error (or any later check) is reported at the line
of the value or key it concerns. A file is read bounded (:mod:`gate.files`); its aliases may
not expand it beyond :data:`ALIAS_NODES` further nodes (a billion-laughs file is refused
before it is walked), nor nest it deeper than :data:`MAX_DEPTH`; a duplicate key is an error,
not a silent overwrite. Dates stay ISO strings, never ``datetime`` objects.

Shipped data is *not* read here at run time: :mod:`gate.shipped` parses it once with libyaml,
without lines (the tests validate it with this module). ``jsonschema`` is imported only when
a document is validated, never when aigate starts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import yaml

from gate import files
from gate.errors import AigateError

if TYPE_CHECKING:
    import jsonschema

PathKey = tuple[str | int, ...]

MAX_DEPTH = 64
"""Levels of nesting a user-written YAML file may have (real ones: five or six)."""

ALIAS_NODES = 100_000
"""Nodes YAML aliases may add to a document beyond those written in it. Real files share
a few anchors (``<<: *defaults``); a billion-laughs file multiplies them without end."""

SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's safe loader when PyYAML was built with it (about ten times faster, and it caps
nesting at 1,000 levels), else the pure-Python one: every YAML aigate reads goes through it."""


_E = TypeVar("_E", bound=AigateError, covariant=True)

LocatedError = Callable[..., _E]
"""An error class built as ``(file, problem, line=…, hint=…)``: InputError, PolicyError."""


# --------------------------------------------------------------------------------------
# composing safely


def _children(node: yaml.Node) -> Iterator[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            yield key
            yield value
    elif isinstance(node, yaml.SequenceNode):
        yield from node.value


def _shares_nodes(root: yaml.Node) -> bool:
    """Whether some node is reached twice (only an alias makes a composed document share a
    node). A lock file of 100,000 nodes with no alias is told in a fifth of the time the
    sizing walk below takes (0.09 s vs 0.43 s on vercel/ai's pnpm-lock.yaml)."""
    seen: set[int] = set()
    stack: list[yaml.Node] = [root]
    while stack:
        node = stack.pop()
        key = id(node)
        if key in seen:
            return True
        seen.add(key)
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                stack.append(k)
                stack.append(v)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return False


def alias_problem(root: yaml.Node) -> str | None:
    """Why walking a composed document would not end in reasonable time, if it would not.

    The size of the document with every alias expanded is summed bottom-up, each distinct
    node once (an iterative walk: deep documents must not exhaust the stack).
    """
    if not _shares_nodes(root):
        return None  # no node reached twice: no alias, a tree as large as its text
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] - len(sizes) > ALIAS_NODES:
                return f"YAML aliases expand to more than {ALIAS_NODES} further nodes: not read"
            continue
        if key in sizes:
            continue
        if key in on_path:
            return "a YAML alias refers to the node that contains it: not read"
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
    return None


def syntax_problem(exc: yaml.YAMLError) -> tuple[str, int | None]:
    """A YAML error as one line (the problem and its context) and the line it is at."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 if mark is not None else None
    # PyYAML's message spans lines ("while parsing …", "in <unicode string>, line 4"):
    # the problem and its context in one line, the place as file:line.
    parts = [getattr(exc, "problem", None), getattr(exc, "context", None)]
    what = "; ".join(p for p in parts if p) or (str(exc).strip().splitlines() or ["?"])[0]
    return f"not valid YAML: {what}", line


# --------------------------------------------------------------------------------------
# documents with lines


@dataclass(frozen=True, slots=True)
class YamlDoc(Generic[_E]):
    """A loaded document and where each of its values is."""

    path: Path
    display: str
    value: Any
    lines: dict[PathKey, int]
    key_lines: dict[PathKey, int]
    text: bytes
    error_type: LocatedError[_E]

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

    def error(self, where: PathKey, problem: str, *, key: bool = False, hint: str = "") -> _E:
        """An error of the document's kind at the line of a value (or of a key)."""
        line = self.key_line(where) if key else self.line(where)
        return self.error_type(self.display, problem, line=line, hint=hint)


class _BuildError(Exception):
    def __init__(self, problem: str, line: int | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line


def _build(
    node: yaml.Node,
    where: PathKey,
    lines: dict[PathKey, int],
    keys: dict[PathKey, int],
    scalars: yaml.SafeLoader,
) -> Any:
    lines[where] = node.start_mark.line + 1
    if len(where) > MAX_DEPTH:
        raise _BuildError(f"nested deeper than {MAX_DEPTH} levels: not read", lines[where])
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        scalars.flatten_mapping(node)  # `<<: *defaults` merges, as safe_load does
        for key_node, value_node in node.value:
            key = _build(key_node, (*where, "<key>"), {}, {}, scalars)
            if not isinstance(key, str):
                key = str(key)
            if key in out:
                raise _BuildError(f"duplicate key {key!r}", key_node.start_mark.line + 1)
            keys[(*where, key)] = key_node.start_mark.line + 1
            out[key] = _build(value_node, (*where, key), lines, keys, scalars)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, (*where, i), lines, keys, scalars) for i, item in enumerate(node.value)
        ]
    try:
        value = scalars.construct_object(node, deep=True)
    except (ValueError, OverflowError, yaml.YAMLError) as exc:
        # A scalar YAML reads as a date that does not exist (2026-02-30) or a number out of
        # range: the file's mistake, named at its line, not an internal error.
        problem = f"{node.value!r} is not a valid value: {exc}"
        if node.tag.endswith(":timestamp"):
            problem = f"{node.value!r} is not a date that exists ({exc}); write YYYY-MM-DD"
        raise _BuildError(problem, node.start_mark.line + 1) from None
    # Dates are compared as ISO text; a datetime would not survive JSON or the schema.
    return node.value if isinstance(value, date | datetime) else value


def parse(
    text: str,
    display: str,
    *,
    error: LocatedError[_E],
    path: Path | None = None,
    raw: bytes | None = None,
) -> YamlDoc[_E]:
    """One YAML document from text, keeping lines; a bad document is an ``error``."""
    try:
        node = yaml.compose(text, Loader=SAFE_LOADER)
    except RecursionError:
        raise error(display, f"nested deeper than {MAX_DEPTH} levels: not read") from None
    except yaml.YAMLError as exc:
        said, line = syntax_problem(exc)
        raise error(display, said, line=line) from None
    if node is not None and (problem := alias_problem(node)) is not None:
        raise error(display, problem)
    lines: dict[PathKey, int] = {}
    keys: dict[PathKey, int] = {}
    scalars = yaml.SafeLoader("")  # constructs scalars only; one per document
    try:
        value = _build(node, (), lines, keys, scalars) if node is not None else None
    except _BuildError as exc:
        raise error(display, exc.problem, line=exc.line) from None
    except RecursionError:
        raise error(display, f"nested deeper than {MAX_DEPTH} levels: not read") from None
    body = raw if raw is not None else text.encode("utf-8")
    return YamlDoc(path or Path(display), display, value, lines, keys, body, error)


def load(
    path: Path,
    display: str | None = None,
    *,
    error: LocatedError[_E],
    read_error: files.ErrorFactory | None = None,
    limit: int = files.MAX_POLICY_FILE,
) -> YamlDoc[_E]:
    """Load one YAML file, keeping lines; an unreadable or invalid file is an ``error``.

    The file must be a regular file of at most ``limit`` bytes, UTF-8 (a leading byte-order
    mark is dropped). ``read_error`` builds the error for a file that cannot be read at all.
    """
    shown = display or str(path)

    def unreadable(where: str, problem: str) -> AigateError:
        return error(where, problem)

    raw = files.read_bounded(path, limit, display=shown, error=read_error or unreadable)
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise error(shown, f"cannot read: not UTF-8 text (byte {exc.start})") from exc
    return parse(text, shown, path=path, error=error, raw=raw)


# --------------------------------------------------------------------------------------
# JSON Schema


def compile_schema(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    """A validator for a JSON Schema (its own ``$schema`` draft, formats checked)."""
    import jsonschema  # lazily: a second of import time the CLI's start must not pay

    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


Entry = Callable[[PathKey], tuple[str, int]]
"""For a value's path: how to name the entry it belongs to (``publisher 'acme'``) and how
many path elements lead to that entry. Given to :func:`validate` for entry-style messages."""

MESSAGE = "x-message"
"""A schema keyword aigate adds: the problem to report when a value fails that subschema
(``{field}`` and ``{value}`` are filled in), instead of the validator's generic text."""


def validate(
    doc: YamlDoc[AigateError],
    validator: jsonschema.protocols.Validator,
    what: str,
    *,
    entry: Entry | None = None,
    hint: str = "",
) -> None:
    """Check a document against a schema; the first error (by line) names file and line."""
    errors = sorted(
        validator.iter_errors(doc.value),
        key=lambda e: (doc.line(tuple(e.absolute_path)) or 0, str(e.message)),
    )
    if not errors:
        return
    err = errors[0]
    where = tuple(err.absolute_path)
    if entry is not None:
        raise _entry_error(doc, err, where, what, entry, hint)
    if err.validator == "additionalProperties":
        extra = _unexpected(err)
        if extra:
            schema = err.schema if isinstance(err.schema, dict) else {}
            allowed = ", ".join(sorted(schema.get("properties", {})))
            raise doc.error(
                (*where, extra[0]),
                f"unknown key {extra[0]!r} in {what} (allowed here: {allowed})",
                key=True,
                hint=hint,
            )
    location = "/".join(str(p) for p in where) or "(top level)"
    raise doc.error(where, f"invalid {what} at {location}: {err.message}{_hint(err)}", hint=hint)


def _hint(err: jsonschema.ValidationError) -> str:
    if isinstance(err.instance, bool):
        # YAML 1.1 reads bare off/on/yes/no/NO as booleans (the "Norway problem").
        return '; YAML read a bare word as a boolean: quote it, e.g. "off" or "NO"'
    if err.validator in ("minLength", "maxLength"):
        bound = "at least" if err.validator == "minLength" else "at most"
        return f" (it must be {bound} {err.validator_value} characters)"
    return ""


def _entry_error(
    doc: YamlDoc[AigateError],
    err: jsonschema.ValidationError,
    where: PathKey,
    what: str,
    entry: Entry,
    hint: str,
) -> AigateError:
    name, depth = entry(where)
    spec: Any = err.validator_value
    inner = where[depth:]
    field = next((str(p) for p in reversed(inner) if isinstance(p, str)), "")
    schema = err.schema if isinstance(err.schema, dict) else {}
    value: Any = err.instance
    prefix = f"{name}: " if name else ""
    if err.validator == "additionalProperties" and (extra := _unexpected(err)):
        allowed = ", ".join(sorted(schema.get("properties", {})))
        unknown = "unknown field" if name else "unknown top-level key"
        return doc.error(
            (*where, extra[0]),
            f"{prefix}{unknown} {extra[0]!r} (allowed: {allowed})",
            key=True,
            hint=hint,
        )
    if err.validator == "required":
        missing = next((m for m in spec if m not in (value or {})), "?")
        return doc.error(where, f"{prefix}{missing!r} is required", hint=hint)
    if isinstance(value, bool) and field:
        # YAML 1.1 reads a bare NO (Norway), off or yes as a boolean.
        word = "true" if value else "false"
        example = ' ("NO")' if "country" in field else ""
        return doc.error(where, f"{prefix}{field!r} read as {word}: quote it{example}", hint=hint)
    own = schema.get(MESSAGE)
    if isinstance(own, str):
        problem = own.format(field=field, value=repr(value))
        if err.validator == "format" and err.cause is not None:
            problem += f": {err.cause}"
        return doc.error(where, prefix + problem, hint=hint)
    subject = f"{field!r} " if field else ""
    if err.validator == "enum":
        choices = ", ".join(str(c) for c in spec)
        problem = f"{subject}must be one of {choices}, not {value!r}"
    elif err.validator == "type":
        kinds = [spec] if isinstance(spec, str) else [k for k in spec if k != "null"] or spec
        words = {"string": "text", "array": "a list", "object": "a mapping", "integer": "a number"}
        problem = f"{subject}must be {' or '.join(words.get(k, k) for k in kinds)}"
    elif err.validator == "minLength" and value == "":
        problem = f"{subject}must not be empty"
    else:
        problem = f"{subject}{err.message}"
    if not name and not field:
        problem = f"{what}: {problem}"
    return doc.error(where, prefix + problem, hint=hint)


def _unexpected(err: jsonschema.ValidationError) -> list[str]:
    instance, schema = err.instance, err.schema
    if not isinstance(instance, dict) or not isinstance(schema, dict):
        return []
    allowed = set(schema.get("properties", {}))
    patterns = schema.get("patternProperties", {})

    return sorted(
        k for k in instance if k not in allowed and not any(re.search(p, k) for p in patterns)
    )
