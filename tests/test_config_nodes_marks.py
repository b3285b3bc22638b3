"""YAML config nodes keep each value's line and column, and the line of the key it stands
under (built in one pass: issue 15), as the reference construction below gives them."""

from __future__ import annotations

from dataclasses import replace

import yaml

from gate.discover.configs.nodes import _from_yaml, _Node

_DOC = """\
model: meta-llama/Llama-3.1-8B
providers:
  openai:
    models: [gpt-4o, {name: gpt-4o-mini, ctx: 128000}]
    base_url: https://api.openai.com/v1
  "quoted key": &anchor
    - a
    - - nested
      - {deep: {deeper: value}}
  ? complex
  : 3
empty:
listed:
  - model: x
    extra: null
alias: *anchor
"""


def _reference(node: yaml.Node) -> _Node:
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, _Node] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                out[str(key.value)] = replace(_reference(value), key_line=key.start_mark.line + 1)
        return _Node(out, line, column)
    if isinstance(node, yaml.SequenceNode):
        return _Node([_reference(v) for v in node.value], line, column)
    if isinstance(node, yaml.ScalarNode):
        return _Node(str(node.value), line, column)
    return _Node(None, line, column)


def test_nodes_and_marks_are_the_reference_ones() -> None:
    for doc in yaml.compose_all(_DOC, Loader=yaml.SafeLoader):
        assert _from_yaml(doc) == _reference(doc)
    top = yaml.compose(_DOC, Loader=yaml.SafeLoader)
    assert top is not None
    got = _from_yaml(top)
    assert got.key_line is None
    openai = got.value["providers"].value["openai"]
    assert (openai.line, openai.key_line) == (4, 3)
    assert openai.value["models"].value[1].value["name"].key_line == 4
