"""YAML, JSON, TOML and INI documents: parsed, then walked."""

from __future__ import annotations

import configparser
from collections.abc import Sequence
from dataclasses import replace

from gate.discover import (
    loaders,
    scanning,
)
from gate.discover.configs import llamafactory
from gate.discover.configs.envfiles import _dotenv
from gate.discover.configs.mlops import _mlmodel
from gate.discover.configs.nodes import _from_plain, _Inherited, _Node, _Positions, _yaml_docs
from gate.discover.configs.walker import _provider_table, _Walker
from gate.model import Evidence


def _walked(walker: _Walker, docs: Sequence[_Node], mlmodel: bool = False) -> scanning.Outcome:
    try:
        for doc in docs:
            if mlmodel:
                _mlmodel(walker, doc)
            if llamafactory.read_board(walker, doc):
                continue  # flat settings of the board's tabs: nothing else names a model
            walker.provider_urls = _provider_table(doc)
            walker.walk(doc, (), _Inherited())
    except RecursionError:
        return scanning.Outcome(skipped=[(walker.rel, "nested too deeply to read")])
    return scanning.Outcome(evidence=walker.found)


def _yaml_or_json(rel: str, text: str, *, json_file: bool, mlmodel: bool) -> scanning.Outcome:
    if json_file:
        # JSON first: its parser is fast on megabyte files; YAML (a superset) reads the rest.
        parsed = loaders.json_doc(text)
        if parsed.ok:
            walker = _Walker(rel, positions=_Positions(text))
            try:
                docs = [_from_plain(parsed.value)]
            except RecursionError:
                return scanning.Outcome(skipped=[(rel, "JSON nested too deeply to read")])
            return _walked(walker, docs)
        if not isinstance(got := _yaml_docs(rel, text), str):
            return _walked(_Walker(rel), got)
        return scanning.Outcome(skipped=[(rel, parsed.problem or "invalid JSON")])
    got = _yaml_docs(rel, text)
    if isinstance(got, str):
        return scanning.Outcome(skipped=[(rel, got)])
    outcome = _walked(_Walker(rel), got, mlmodel=mlmodel)
    embedded = _embedded_env_files(rel, text, got)
    if embedded:
        outcome = scanning.Outcome(evidence=[*outcome.evidence, *embedded])
    return outcome


_MAX_EMBEDDED = 64


def _embedded_env_files(rel: str, text: str, docs: Sequence[_Node]) -> list[Evidence]:
    """``.env`` files a YAML document carries as a string (a Kubernetes ConfigMap's
    ``data: {.env: |...}``, mounted as the app's env file): read as the env file they are,
    at the document's own lines. Only keys named ``.env`` or ``<name>.env``; at most
    :data:`_MAX_EMBEDDED` per file, nested at most eight deep."""
    found: list[Evidence] = []
    lines = text.splitlines()
    pending: list[tuple[_Node, int]] = [(doc, 0) for doc in docs]
    seen = 0
    while pending and seen < _MAX_EMBEDDED:
        node, depth = pending.pop()
        value = node.value
        if isinstance(value, list) and depth < 8:
            pending.extend((item, depth + 1) for item in value)
            continue
        if not isinstance(value, dict) or depth >= 8:
            continue
        for key, child in value.items():
            if isinstance(child.value, dict | list):
                pending.append((child, depth + 1))
            elif isinstance(child.value, str) and str(key).endswith(".env") and "\n" in child.value:
                seen += 1
                found += _env_at(rel, child, lines)
    return found


def _env_at(rel: str, node: _Node, lines: Sequence[str]) -> list[Evidence]:
    body = node.value
    first = next((ln.strip() for ln in body.splitlines() if ln.strip()), "")
    start = node.line or 1
    # The block's first content line in the document (a `|` block starts below its key).
    at = next(
        (i for i in range(start - 1, min(len(lines), start + 2)) if lines[i].strip() == first),
        None,
    )
    if at is None:
        return []
    skipped = next(i for i, ln in enumerate(body.splitlines()) if ln.strip())
    shift = at - skipped
    indent = len(lines[at]) - len(lines[at].lstrip())
    out: list[Evidence] = []
    for ev in _dotenv(rel, body).evidence:
        loc = ev.location
        line = (loc.line or 0) + shift
        column = (loc.column or 0) + indent if loc.column else loc.column
        out.append(replace(ev, location=replace(loc, line=line, column=column)))
    return out


def _toml(rel: str, text: str) -> scanning.Outcome:
    parsed = loaders.toml_doc(text)
    if not parsed.ok:
        return scanning.Outcome(skipped=[(rel, parsed.problem or "invalid TOML")])
    try:
        doc = _from_plain(parsed.value)
    except RecursionError:
        return scanning.Outcome(skipped=[(rel, "TOML nested too deeply to read")])
    return _walked(_Walker(rel, positions=_Positions(text)), [doc])


def _ini(rel: str, text: str) -> scanning.Outcome:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text, source=rel)
    except configparser.Error as exc:
        return scanning.Outcome(skipped=[(rel, f"invalid INI: {str(exc).splitlines()[0]}")])
    doc = {section: dict(parser.items(section)) for section in parser.sections()}
    return _walked(_Walker(rel, positions=_Positions(text, ini=True)), [_from_plain(doc)])
