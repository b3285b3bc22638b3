"""Model settings an editor or launcher extension declares in its ``package.json``.

An extension's manifest declares the settings its user picks from, and an AI extension
offers its models there:

* a Raycast extension's preferences (extension-wide ``preferences`` and each command's
  ``preferences`` and ``arguments``): a ``dropdown`` whose ``name`` names a model lists its
  ``data`` items' ``value``s (developers.raycast.com "Manifest", Preference and Argument
  properties, read 2026-12);
* a VS Code extension's ``contributes.configuration`` (one object or a list of them): a
  property whose key names a model lists its ``enum`` values; its ``default`` is the model
  the extension runs with when the user chooses none (code.visualstudio.com "Contribution
  Points", contributes.configuration, read 2026-12).

The dropdown's or property's name also says whose models they are (``geminiModel``,
``deepseek.model``), as an environment variable's name does. Everything else in the
manifest (dependencies, scripts) is the dependencies source's, and not read here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from gate.discover import loaders, refs, scanning
from gate.discover.configs.nodes import _from_plain, _Inherited, _Node, _Positions
from gate.discover.configs.walker import _Walker

NEEDLES = (b'"dropdown"', b'"enum"')
"""A manifest declaring no dropdown preference nor enumerated setting is not parsed."""
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def read(rel: str, data: bytes) -> scanning.Outcome:
    """The models a Raycast or VS Code extension manifest offers in its settings."""
    if not any(n in data for n in NEEDLES):
        return scanning.Outcome()
    text = data.decode("utf-8", errors="replace")
    parsed = loaders.json_doc(text)
    if not parsed.ok or not isinstance(parsed.value, dict):
        return scanning.Outcome()  # the dependencies source reports a manifest it cannot read
    try:
        doc = _from_plain(parsed.value)
    except RecursionError:
        return scanning.Outcome(skipped=[(rel, "JSON nested too deeply to read")])
    walker = _Walker(rel, positions=_Positions(text))
    for name, path, setting in _settings(doc):
        _offered(walker, name, path, setting)
    return scanning.Outcome(evidence=walker.found)


def _settings(doc: _Node) -> Iterator[tuple[str, tuple[str, ...], dict[str, _Node]]]:
    """``(name, path, fields)`` of each setting the manifest declares."""
    top = _fields(doc)
    lists: list[tuple[tuple[str, ...], _Node | None]] = [(("preferences",), top.get("preferences"))]
    commands = top.get("commands")
    for i, command in enumerate(commands.value if commands and _is_list(commands) else []):
        fields = _fields(command)
        for key in ("preferences", "arguments"):
            lists.append((("commands", str(i), key), fields.get(key)))
    for path, node in lists:
        for j, item in enumerate(node.value if node is not None and _is_list(node) else []):
            fields = _fields(item)
            name = fields.get("name")
            if name is not None and isinstance(name.value, str):
                yield name.value, (*path, str(j)), fields
    contributed = _fields(top.get("contributes")).get("configuration")
    sections = [contributed] if contributed is not None and not _is_list(contributed) else []
    sections += contributed.value if contributed is not None and _is_list(contributed) else []
    for k, section in enumerate(sections):
        properties = _fields(_fields(section).get("properties"))
        for key, prop in properties.items():
            yield key, ("contributes", "configuration", str(k), "properties", key), _fields(prop)


def _offered(walker: _Walker, name: str, path: tuple[str, ...], fields: dict[str, _Node]) -> None:
    """One setting's models: each item a dropdown or enum offers (listed), and a default
    the user is offered no list for."""
    if not refs.names_model(name):
        return
    hint = refs.provider_from_env_name(_env_spelling(name))
    here = _Inherited(provider=hint)
    offered: set[str] = set()
    data = fields.get("data")
    if _str_field(fields, "type") == "dropdown" and data is not None and _is_list(data):
        for i, item in enumerate(data.value):
            value = _fields(item).get("value")
            if value is not None and isinstance(value.value, str):
                walker._listed(value, value.value, name, here, (*path, "data", str(i), "value"))
                offered.add(value.value)
    enum = fields.get("enum")
    if enum is not None and _is_list(enum):
        for i, item in enumerate(enum.value):
            if isinstance(item.value, str):
                walker._listed(item, item.value, name, here, (*path, "enum", str(i)))
                offered.add(item.value)
    default = fields.get("default")
    if default is not None and isinstance(default.value, str) and default.value not in offered:
        walker._model_value(name, default, (*path, "default"), here)


def _env_spelling(name: str) -> str:
    """``geminiModel``, ``deepseek.model`` spelt as an environment variable's name
    (``GEMINI_MODEL``, ``DEEPSEEK_MODEL``), whose words say whose models it holds."""
    return re.sub(r"[^A-Za-z0-9]+", "_", _CAMEL.sub("_", name)).strip("_").upper()


def _fields(node: _Node | None) -> dict[str, _Node]:
    return node.value if node is not None and isinstance(node.value, dict) else {}


def _is_list(node: _Node) -> bool:
    return isinstance(node.value, list)


def _str_field(fields: dict[str, _Node], key: str) -> str | None:
    node = fields.get(key)
    return node.value if node is not None and isinstance(node.value, str) else None
