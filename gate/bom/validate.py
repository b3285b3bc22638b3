"""CycloneDX schema validation, fast enough for large BOMs; problems are returned as values.

JSON documents are checked by validators generated ahead of time from the official schemas
(``gate/bom/_schemas``, tools/gen_bom_validators.py: fastjsonschema code, about 50 times
faster than jsonschema on a large BOM and nothing compiled at run time). Only when one
refuses a document is jsonschema asked which error matches best, for the message; should
jsonschema see no error there, the refusal stands with the generated validator's message.

cyclonedx-python-lib validates JSON with jsonschema's stock Draft 7 checker, which costs two
things on a BOM of a thousand components: the ``iri-reference`` format check (through
``rfc3987-syntax``, a full parser) takes about 40 ms per IRI, and ``uniqueItems`` compares
every pair of items. This module validates against the same official schema files and
referenced schemas, with the same formats, but checks IRIs by their RFC 3987 §3.1 mapping to a
URI (non-ASCII characters percent-encoded, then the RFC 3986 grammar) and unique items by a
canonical hash. XML goes through the library's validator unchanged. Validators are built once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonschema import FormatChecker, ValidationError

SPEC_VERSIONS = ("1.6", "1.7")


def _iri_to_uri(value: str) -> str:
    # RFC 3987 §3.1: an IRI maps to a URI by percent-encoding its non-ASCII characters.
    if value.isascii():
        return value
    return "".join(
        c if ord(c) < 128 else "".join(f"%{b:02X}" for b in c.encode("utf-8")) for c in value
    )


def _iri_ok(value: object, rule: str) -> bool:
    from rfc3986_validator import validate_rfc3986

    return not isinstance(value, str) or bool(validate_rfc3986(_iri_to_uri(value), rule=rule))


FORMATS = {
    "iri": lambda value: _iri_ok(value, "URI"),
    "iri-reference": lambda value: _iri_ok(value, "URI_reference"),
    # jsonschema's idn-email check, which the fast path must not be stricter than.
    "idn-email": lambda value: not isinstance(value, str) or "@" in value,
}


def load_validator(spec: str) -> None:
    """Import the generated validator of a spec version now (before a fork, say)."""
    _generated(spec)


@cache
def _generated(spec: str) -> Any:
    module = import_module(f"gate.bom._schemas.cdx_{spec.replace('.', '_')}")
    return module.validate


def _format_checker() -> FormatChecker:
    from jsonschema import FormatChecker, validators

    base = validators.Draft7Validator.FORMAT_CHECKER
    checker = FormatChecker(formats=())
    for name, (func, raises) in base.checkers.items():
        checker.checkers[name] = (func, raises)
    try:
        from rfc3986_validator import validate_rfc3986
    except ImportError:  # pragma: no cover - the json-validation extra ships it
        return checker

    @checker.checks("iri", raises=ValueError)
    def _iri(value: object) -> bool:
        return not isinstance(value, str) or bool(validate_rfc3986(_iri_to_uri(value), rule="URI"))

    @checker.checks("iri-reference", raises=ValueError)
    def _iri_reference(value: object) -> bool:
        return not isinstance(value, str) or bool(
            validate_rfc3986(_iri_to_uri(value), rule="URI_reference")
        )

    return checker


def _canonical(value: Any) -> str:
    # JSON equality: 1 and 1.0 are equal, true and 1 are not (json.dumps keeps them apart).
    def norm(v: Any) -> Any:
        if isinstance(v, float) and v.is_integer():
            return int(v)
        if isinstance(v, dict):
            return {k: norm(x) for k, x in v.items()}
        if isinstance(v, list):
            return [norm(x) for x in v]
        return v

    return json.dumps(norm(value), sort_keys=True, separators=(",", ":"))


def _unique_items(
    validator: Any, unique: bool, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    from jsonschema import ValidationError

    if not unique or not validator.is_type(instance, "array"):
        return
    seen: set[str] = set()
    for item in instance:
        key = _canonical(item)
        if key in seen:
            yield ValidationError(f"{instance!r} has non-unique elements")
            return
        seen.add(key)


def _schema_version(spec: str) -> Any:
    from cyclonedx.schema import SchemaVersion

    return {"1.6": SchemaVersion.V1_6, "1.7": SchemaVersion.V1_7}[spec]


@cache
def _json_validator(spec: str) -> Any:
    from cyclonedx.schema import OutputFormat
    from cyclonedx.validation import make_schemabased_validator
    from jsonschema import validators

    library = make_schemabased_validator(OutputFormat.JSON, _schema_version(spec))
    stock = library._validator  # the official schema and its referenced schemas, loaded once
    fast = validators.extend(type(stock), {"uniqueItems": _unique_items})  # type: ignore[no-untyped-call]
    registry = stock._registry  # type: ignore[attr-defined]
    return fast(stock.schema, registry=registry, format_checker=_format_checker())


@cache
def _xml_validator(spec: str) -> Any:
    from cyclonedx.schema import OutputFormat
    from cyclonedx.validation import make_schemabased_validator

    return make_schemabased_validator(OutputFormat.XML, _schema_version(spec))


def validate_document(doc: Any, *, spec: str = "1.6") -> str | None:
    """Validate a parsed CycloneDX JSON document; the problem or None."""
    from fastjsonschema import JsonSchemaException

    try:
        _generated(spec)(doc, FORMATS)
        return None
    except JsonSchemaException as exc:
        fast_problem = str(exc)
    except RecursionError:
        return "the document nests too deeply to validate"
    from jsonschema.exceptions import best_match

    try:
        error = best_match(_json_validator(spec).iter_errors(doc))
    except RecursionError:
        error = None
    if error is None:
        return fast_problem
    path = error.json_path
    return f"{error.message} (at {path})" if path and path != "$" else error.message


def validate(text: str, *, fmt: str = "json", spec: str = "1.6") -> str | None:
    """Validate a CycloneDX document against the official schema; the problem or None."""
    if fmt == "json":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            return f"not JSON: {exc.msg} (line {exc.lineno})"
        except RecursionError:
            return "not JSON aigate can read: nested too deeply"
        return validate_document(doc, spec=spec)
    problem = _xml_validator(spec).validate_str(text)
    if problem is None:
        return None
    data = getattr(problem, "data", None)
    message = getattr(data, "message", None) or str(problem)
    path = getattr(data, "path", None)
    return f"{message} (at {path})" if path else str(message)
