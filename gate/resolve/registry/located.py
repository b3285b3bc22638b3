"""YAML with line numbers: each mapping remembers the line it started on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from gate.discover import loaders
from gate.errors import InputError


class Located(dict[str, Any]):
    """A mapping that remembers the line it started on."""

    line: int = 0


# libyaml's parser when present: the pure-Python one takes ~1 s for the shipped data.
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc]
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Located:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.MarkedYAMLError(
                "in a mapping", node.start_mark, f"duplicate key {key!r}", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line + 1
    out = Located({str(k): v for k, v in loader.construct_mapping(node, deep=True).items()})
    out.line = node.start_mark.line + 1
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(path: Path | str, text: str) -> Any:
    try:
        node = yaml.compose(text, Loader=loaders.SAFE_LOADER)
    except RecursionError:
        raise InputError(path, "invalid YAML: nested too deeply") from None
    except yaml.YAMLError:
        node = None  # reported with its line by the full load below
    if node is not None and (problem := loaders.alias_problem(node)) is not None:
        raise InputError(path, problem)
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise InputError(path, f"invalid YAML: {exc.problem or exc}", line=line) from None
    except yaml.YAMLError as exc:
        raise InputError(path, f"invalid YAML: {exc}") from None
