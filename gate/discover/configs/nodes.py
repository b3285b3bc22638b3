"""Config values with where they were written, and what their keys mean."""

from __future__ import annotations

import bisect
import functools
import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

from gate import identity
from gate.discover import (
    loaders,
    refs,
)
from gate.recognise import data as recognise_data
from gate.recognise.shapes import dataset_of_data_file

# --- the generic walk --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Node:
    """A config value with where it was written: YAML marks, or (JSON, TOML, INI, whose
    parsers keep no positions) the key it was found under, located on demand."""

    value: Any
    line: int | None
    column: int | None
    key: str | None = None
    key_line: int | None = None
    """YAML: the line of the key this value stands under (a catalogue keyed by model name)."""


@dataclass(frozen=True, slots=True)
class _Inherited:
    base_url: str | None = None
    provider: str | None = None
    revision: str | None = None
    catalogue: bool = False
    """Inside a list of models the release offers (``models:``, LiteLLM ``model_list``)."""
    hub: str | None = None
    """The hub a key of this mapping or one above chose (``load_type: modelscope``)."""
    menu_gateway: str | None = None
    """The gateway a catalogue's own ids say it lists (``refs.menu_gateway``): its other
    ``<maker>/<model>`` entries are that gateway's ids too, as in code's menus."""


_REVISION_KEYS = frozenset({"revision", "model_revision", "source_model_revision", "rev"})

# A quoted string of JSON or TOML (double quotes with escapes, or TOML's literal single
# quotes), and the key before it (`"model": "x"`, `model = "x"`). Neither part can backtrack.
_STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'([^\'\n]*)\'')
# One line each, and neither part can backtrack (the value's trailing blanks are stripped in
# code): a key allowed to run past its line's end, or lazy groups before `[ \t]*`, made a
# .properties of 20,000 lines without `=` cost 12 s (each line scanned every line after it).
_INI_LINE = re.compile(r"^[ \t]*([^=:\s\[;#][^=:\n]*)[=:][ \t]*(.*)$", re.MULTILINE)


class _Positions:
    """Where the strings of a JSON, TOML or INI file are: one pass over the text, made on
    the first request (most parsed files name no model and never ask).

    A value is found under its key when it can be, else anywhere; repeated values are
    handed out in the order they are written, which is the order the walk asks for them.
    """

    def __init__(self, text: str, *, ini: bool = False) -> None:
        self.text = text
        self.ini = ini
        self._pairs: dict[tuple[str, str], list[int]] | None = None
        self._values: dict[str, list[int]] = {}
        self._next: dict[tuple[str, str] | str, int] = {}
        self._lines: list[int] = []

    def _index(self) -> dict[tuple[str, str], list[int]]:
        if self._pairs is not None:
            return self._pairs
        pairs: dict[tuple[str, str], list[int]] = {}
        text = self.text
        if self.ini:
            for match in _INI_LINE.finditer(text):
                key, value = match.group(1).strip().lower(), match.group(2).rstrip(" \t")
                pairs.setdefault((key, value), []).append(match.start(2))
                self._values.setdefault(value, []).append(match.start(2))
        else:
            last_end, last_value = -1, ""
            for match in _STRING.finditer(text):
                raw = match.group(1) if match.group(1) is not None else match.group(2)
                value = _unescape(raw) if match.group(1) is not None and "\\" in raw else raw
                start = match.start()  # the opening quote, as YAML marks and Python's AST say
                self._values.setdefault(value, []).append(start)
                key = self._key_before(match.start(), last_end, last_value)
                if key is not None:
                    pairs.setdefault((key, value), []).append(start)
                last_end, last_value = match.end(), value
        self._lines = [m.start() for m in re.finditer("\n", text)]
        self._pairs = pairs
        return pairs

    def _key_before(self, at: int, last_end: int, last_value: str) -> str | None:
        text = self.text
        i = at - 1
        while i >= 0 and text[i] in " \t":
            i -= 1
        if i < 0 or text[i] not in ":=":
            return None
        i -= 1
        while i >= 0 and text[i] in " \t":
            i -= 1
        if i + 1 == last_end:
            return last_value
        end, stop = i + 1, max(0, i - 100)
        while i >= stop and (text[i].isalnum() or text[i] in "_.-"):
            i -= 1
        return text[i + 1 : end] if i + 1 < end else None

    def locate(self, key: str | None, value: str) -> tuple[int | None, int | None]:
        """The 1-based line and column of a string value (under ``key`` when known)."""
        pairs = self._index()
        offsets: list[int] | None = None
        slot: tuple[str, str] | str = value
        if key is not None:
            slot = (key.lower() if self.ini else key, value)
            offsets = pairs.get(slot)
        if not offsets:
            slot = value
            offsets = self._values.get(value)
        if not offsets:
            return None, None
        index = self._next.get(slot, 0)
        self._next[slot] = index + 1
        offset = offsets[min(index, len(offsets) - 1)]
        line = bisect.bisect_left(self._lines, offset)
        column = offset - (self._lines[line - 1] + 1 if line else 0)
        return line + 1, column + 1


def _unescape(raw: str) -> str:
    try:
        value = json.loads(f'"{raw}"')
    except ValueError:
        return raw
    return value if isinstance(value, str) else raw


# A whole value that is an environment placeholder with a default: `${OPENAI_MODEL:gpt-4o}`
# (Spring, Micronaut, many YAML loaders), `${OPENAI_MODEL:-gpt-4o}` (shell, compose).
_PLACEHOLDER = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_.]*):-?([^{}$]*)\}$")


def placeholder_default(text: str) -> tuple[str, str | None]:
    """A config string as the app reads it when its variable is unset: the default of a
    ``${VAR:default}`` placeholder, and the variable; any other text is itself."""
    match = _PLACEHOLDER.match(text.strip())
    if match is None:
        return text, None
    return match.group(2).strip(), match.group(1)


def _str(node: _Node | None) -> str | None:
    if node is None or not isinstance(node.value, str):
        return None
    return node.value


def _from_yaml(node: yaml.Node, key_line: int | None = None) -> _Node:
    # key_line is given here rather than set after with dataclasses.replace (a generic copy
    # per mapping entry: a quarter of this walk).
    line, column = node.start_mark.line + 1, node.start_mark.column + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, _Node] = {}
        merged: list[_Node] = []
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                child = _from_yaml(value, key.start_mark.line + 1)
                if key.tag == _MERGE_TAG:
                    merged.append(child)
                else:
                    out[str(key.value)] = child
        for source in merged:
            _merge(out, source)
        return _Node(out, line, column, None, key_line)
    if isinstance(node, yaml.SequenceNode):
        return _Node([_from_yaml(v) for v in node.value], line, column, None, key_line)
    if isinstance(node, yaml.ScalarNode):
        # Only plain/quoted strings matter; YAML 1.1 booleans and numbers stay text here
        # but never look like models.
        return _Node(str(node.value), line, column, None, key_line)
    return _Node(None, line, column, None, key_line)


_MERGE_TAG = "tag:yaml.org,2002:merge"


def _merge(out: dict[str, _Node], source: _Node) -> None:
    """YAML's merge key (``<<: *common``, ``<<: [*a, *b]``): the merged mappings' entries
    join the mapping, its own keys and earlier merges winning (a compose service's
    ``image:`` and ``command:`` from an ``x-common`` anchor are the service's own)."""
    sources = source.value if isinstance(source.value, list) else [source]
    for item in sources:
        if isinstance(item.value, dict):
            for name, child in item.value.items():
                out.setdefault(name, child)


def _from_plain(value: Any, key: str | None = None) -> _Node:
    """A parsed value without marks (JSON, TOML, INI): strings keep their key, and are
    located in the text only if they become evidence."""
    if isinstance(value, dict):
        return _Node({str(k): _from_plain(v, str(k)) for k, v in value.items()}, None, None)
    if isinstance(value, list):
        return _Node([_from_plain(v, key) for v in value], None, None)
    if isinstance(value, str):
        return _Node(value, None, None, key)
    return _Node(None, None, None)


def _yaml_docs(rel: str, text: str) -> list[_Node] | str:
    """The documents of a YAML file, or why they cannot be read."""
    parsed = loaders.yaml_nodes(text)
    if not parsed.ok:
        assert parsed.problem is not None
        return "a template (not plain YAML): not read" if "{{" in text else parsed.problem
    try:
        return [_from_yaml(node) for node in parsed.value]
    except RecursionError:
        return "YAML nested too deeply to read"


@functools.cache
def _catalogue_keys() -> tuple[frozenset[str], tuple[str, ...]]:
    doc = recognise_data.load("config_vocabulary.yaml")
    return frozenset(doc.get("catalogue_keys") or ()), tuple(
        doc.get("catalogue_key_suffixes") or ()
    )


def _is_catalogue_key(key: str) -> bool:
    """A key whose list or mapping enumerates models (``models``, ``available_models``)."""
    norm = refs.norm_key(key)
    names, suffixes = _catalogue_keys()
    return norm in names or any(norm.endswith("_" + s) for s in suffixes)


# Fields of a mapping under a model key that hold the model: an entry (`model: {name: x}`)
# or a settings schema (`model: {value: qwen-plus, type: string, description: ...}`).
_ENTRY_FIELDS = ("name_or_path", "name", "id", "repo_id", "path", "repo", "value", "default")


def _is_model_path_key(key: str) -> bool:
    """``base_model_path``, ``reward_model_path``, ``ref_model_name_or_path``..."""
    norm = refs.norm_key(key)
    return norm.endswith("_model_path") and not refs.names_model(key)


def _is_dataset_key(key: str) -> bool:
    """A key or option naming a dataset (``dataset_id_or_path``, ``--dataset-name``)."""
    return refs.is_dataset_key(key)


def _dataset_value(value: str, hub: str | None = None) -> refs.Ref | None:
    """A value under a dataset key: a Hub dataset only when written ``org/name`` (a bare word
    is as often a local split or builder name); on ModelScope when a key beside or above it
    chose that hub (``hub``)."""
    text = dataset_of_data_file(value) or value.strip()
    if text.count("/") != 1 or refs.looks_like_path(text) or not identity.is_hf_repo_id(text):
        return None
    family = refs.on_hub("hf-dataset", hub)
    return refs.recognise_in(text, refs.RefContext(family=family, in_config=True))


def _items(node: _Node | None) -> list[dict[str, _Node]]:
    if node is None or not isinstance(node.value, list):
        return []
    return [item.value for item in node.value if isinstance(item.value, dict)]
