"""YAML, JSON, TOML and INI documents: parsed, then walked."""

from __future__ import annotations

import configparser
from collections.abc import Sequence

from gate.discover import (
    loaders,
    scanning,
)
from gate.discover.configs import llamafactory
from gate.discover.configs.mlops import _mlmodel
from gate.discover.configs.nodes import _from_plain, _Inherited, _Node, _Positions, _yaml_docs
from gate.discover.configs.walker import _provider_table, _Walker


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
    return _walked(_Walker(rel), got, mlmodel=mlmodel)


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
