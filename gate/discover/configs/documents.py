"""YAML, JSON, TOML and INI documents: parsed, then walked."""

from __future__ import annotations

import configparser
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

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
from gate.recognise import conventions


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
        if parsed.ok and (_transcript(parsed.value) or _tool_output(parsed.value)):
            return scanning.Outcome()
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
    budget = _Budget(len(text))
    embedded = _embedded_documents(rel, text, got, budget=budget)
    if embedded or budget.spent:
        outcome = scanning.Outcome(
            evidence=[*outcome.evidence, *embedded],
            skipped=[*outcome.skipped, *([(rel, _OVER_BUDGET)] if budget.spent else [])],
        )
    return outcome


def _transcript(doc: object) -> bool:
    """A recorded conversation (a JSON list of ``{"role": ..., "content": ...}`` messages: a
    chat log the app saved, a fine-tune sample): the models its messages name are what
    answered then, or display settings saved with them, not a model the release is set to
    call."""
    if not isinstance(doc, list) or len(doc) < 2:
        return False
    return all(isinstance(m, dict) and "role" in m and "content" in m for m in doc)


def _tool_output(doc: object) -> bool:
    """A document an evaluation tool wrote (``config_vocabulary.yaml`` ``output_documents``:
    lm-evaluation-harness's results file, with ``results``, ``versions`` and ``config``): the
    models and datasets it names were evaluated then, not ones the release uses."""
    if not isinstance(doc, dict):
        return False
    keys = set(doc)
    return any(shape <= keys for shape in conventions().output_documents)


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


def _utf16(text: str) -> str:
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le")


_MAX_KEY_PARTS = 32
"""Dotted parts of a ``.properties`` key nested as documents; a longer head stays one key."""


def _properties(rel: str, text: str) -> scanning.Outcome:
    """A Java ``.properties`` file (Spring's ``application.properties``): its dotted keys
    read as the nested document Spring binds them to (``spring.ai.ollama.chat.options.
    model=llama3.2`` is ``application.yml``'s ``spring: ai: ollama: ...``)."""
    # Imported here: javaproperties brings urllib.request, http.client, ssl and email (0.03 s
    # of every scan's start, issue 15) for the few trees that hold a .properties file.
    import javaproperties

    try:
        flat = javaproperties.loads(text)
    except ValueError as exc:  # a malformed \u escape
        return scanning.Outcome(skipped=[(rel, f"invalid .properties: {exc}")])
    try:
        # \u escapes are UTF-16 code units: a pair is one character, a lone surrogate is
        # no text at all (it crashed the scan where the name was later encoded).
        flat = {_utf16(k): _utf16(v) for k, v in flat.items()}
    except UnicodeDecodeError:
        return scanning.Outcome(
            skipped=[(rel, "invalid .properties: a \\u escape is a lone UTF-16 surrogate")]
        )
    doc: dict[str, Any] = {}
    for key in sorted(flat):
        parts = [p for p in key.split(".") if p]
        if not parts:
            continue
        if len(parts) > _MAX_KEY_PARTS:
            # `a.a.a...` 100,000 deep: the document's walk recursed past the stack and the
            # file was lost; the head stays one key, the tail (where `model` is) nests.
            parts = [".".join(parts[: 1 - _MAX_KEY_PARTS]), *parts[1 - _MAX_KEY_PARTS :]]
        node = doc
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break  # `a.b=1` and `a.b.c=2`: the deeper key is not a document of its own
            node = child
        else:
            if not isinstance(node.get(parts[-1]), dict):
                node[parts[-1]] = flat[key]
    return _walked(_Walker(rel, positions=_Positions(text, ini=True)), [_from_plain(doc)])


_MAX_EMBEDDED = 64
_MAX_EMBED_DEPTH = 2
"""Documents inside documents inside documents: deeper nesting is not read."""
_OVER_BUDGET = "embedded documents larger than the file (YAML aliases): the rest not read"


class _Budget:
    """Characters of embedded documents one file may have read: at each nesting level at
    most the file's own size (what its written text can hold). Only aliases (``k.yaml: *b``,
    the same block under many keys, each holding more aliases) exceed it: 64 x 64 parses of
    one block from a 4.5 KB file."""

    def __init__(self, size: int) -> None:
        self.left = (_MAX_EMBED_DEPTH + 1) * size
        self.spent = False

    def take(self, chars: int) -> bool:
        if chars > self.left:
            self.spent = True
            return False
        self.left -= chars
        return True


def _embedded_documents(
    rel: str, text: str, docs: Sequence[_Node], depth: int = 0, *, budget: _Budget | None = None
) -> list[Evidence]:
    """Files a YAML document carries as strings, read as the files they are at the
    document's own lines: ``.env`` files (a Kubernetes ConfigMap's ``data: {.env: |...}``,
    mounted as the app's env file) and YAML/JSON documents under a file-named key
    (``config.yaml: |``, a LiteLLM config in a ConfigMap) or a key of
    ``config_vocabulary.yaml`` ``embedded_document_keys`` (KubeRay's ``serveConfigV2``). At
    most :data:`_MAX_EMBEDDED` per file, nested at most eight deep."""
    found: list[Evidence] = []
    budget = budget or _Budget(len(text))
    lines = text.splitlines()
    keys = conventions().embedded_document_keys
    pending: list[tuple[_Node, int]] = [(doc, 0) for doc in docs]
    seen = 0
    while pending and seen < _MAX_EMBEDDED:
        node, level = pending.pop()
        value = node.value
        if isinstance(value, list) and level < 8:
            pending.extend((item, level + 1) for item in value)
            continue
        if not isinstance(value, dict) or level >= 8:
            continue
        for key, child in value.items():
            name = str(key)
            if isinstance(child.value, dict | list):
                pending.append((child, level + 1))
                continue
            if not isinstance(child.value, str) or "\n" not in child.value:
                continue
            lower = name.lower()
            if lower.endswith(".env"):
                reader = "env"
            elif lower.endswith((".yaml", ".yml", ".json")) or name in keys:
                reader = "yaml"
            else:
                continue
            seen += 1
            if not budget.take(len(child.value)):
                return found
            found += _document_at(rel, child, lines, reader, depth, budget)
    return found


def _document_at(
    rel: str, node: _Node, lines: Sequence[str], reader: str, depth: int, budget: _Budget
) -> list[Evidence]:
    body = node.value
    body_lines = body.splitlines()
    skipped = next((i for i, ln in enumerate(body_lines) if ln.strip()), None)
    if skipped is None:
        return []
    first = body_lines[skipped].strip()
    start = node.line or 1
    # The block's first content line in the document (a `|` block starts below its key).
    at = next(
        (i for i in range(start - 1, min(len(lines), start + 2)) if lines[i].strip() == first),
        None,
    )
    if at is None:
        return []
    indent = len(lines[at]) - len(lines[at].lstrip())
    if reader == "env":
        inner = list(_dotenv(rel, body).evidence)
    else:
        inner = _yaml_text(rel, body, depth + 1, budget)
    return _shifted(inner, at - skipped, indent)


def _yaml_text(rel: str, text: str, depth: int, budget: _Budget | None = None) -> list[Evidence]:
    """The evidence of a YAML (or JSON) text at its own lines, its embedded files included
    (up to :data:`_MAX_EMBED_DEPTH` levels); nothing when it does not parse."""
    got = _yaml_docs(rel, text)
    if isinstance(got, str):
        return []
    found = list(_walked(_Walker(rel), got).evidence)
    if depth < _MAX_EMBED_DEPTH:
        found += _embedded_documents(rel, text, got, depth, budget=budget)
    return found


def _shifted(found: Sequence[Evidence], lines: int, columns: int) -> list[Evidence]:
    out: list[Evidence] = []
    for ev in found:
        loc = ev.location
        line = (loc.line or 0) + lines if loc.line else loc.line
        column = (loc.column or 0) + columns if loc.column else loc.column
        out.append(replace(ev, location=replace(loc, line=line, column=column)))
    return out


# `cat <<EOF >> chat.yaml`, `cat > chat.yaml <<'EOF'`, `cat <<EOF | kubectl apply -f -`,
# `kubectl apply -f - <<EOF`: a here-document a script writes to a YAML file or applies.
_HEREDOC = re.compile(r"<<-?\s*([\"']?)(\w+)\1")
# The file name runs to the next ">" at most: `\S+\.` backtracked over the rest of the line
# from every ">" (a 40 KB line of ">a" took 2 s, quadratic in the line).
_TAKES_YAML = re.compile(
    r"(?:>>?\s*[^\s>]+\.(?:ya?ml|json)\b|\b(?:kubectl|oc)\s+(?:apply|create|replace)\b)"
)
_MAX_HEREDOC_LINES = 5_000


def heredoc_manifests(rel: str, text: str) -> scanning.Outcome:
    """YAML a shell script writes to a ``.yaml`` file or applies with ``kubectl`` from a
    here-document, read as the YAML it is at the script's own lines. Nothing is run."""
    if "<<" not in text:
        return scanning.Outcome()
    lines = text.splitlines()
    found: list[Evidence] = []
    budget = _Budget(len(text))
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        opened = _HEREDOC.search(line)
        if opened is None or _TAKES_YAML.search(line) is None:
            continue
        delimiter = opened.group(2)
        start = index
        while index < len(lines) and lines[index].strip() != delimiter:
            index += 1
        body = "\n".join(lines[start : min(index, start + _MAX_HEREDOC_LINES)])
        found += _shifted(_yaml_text(rel, body, 0, budget), start, 0)
    return scanning.Outcome(evidence=found, skipped=[(rel, _OVER_BUDGET)] if budget.spent else [])
