"""Config templates read as the format they render to.

A Terraform ``templatefile`` (``ollama-values.tpl``, ``.tftpl``), a Jinja (``.j2``,
``.jinja``) or Go/Helm (``.gotmpl``) template of a YAML or JSON file holds the release's
settings with placeholders in it. The placeholders are neutralised line by line (lines keep
their numbers), then the text is read as YAML or JSON:

* ``${...}`` (Terraform, shell) is left as written: YAML takes it as a plain string, and the
  config readers treat a value with ``$`` as unknown;
* ``{{ ... }}`` inside a line becomes ``${tpl}`` (unknown), or ``${tpl:-x}`` when the
  expression gives a literal default (Jinja ``| default("x")``, Go ``default "x"``), which the
  config readers take as the value used when unset;
* a line that is only template logic (``{% if %}``, ``{{- range ... }}``, ``{# ... #}``) is
  emptied.

Nothing is rendered or evaluated. A template whose text is neither a YAML mapping/sequence
nor JSON once neutralised (an HTML page, a script) is not a config: nothing is read from it.
"""

from __future__ import annotations

import re

SUFFIXES = (".tpl", ".tmpl", ".tftpl", ".j2", ".jinja", ".jinja2", ".gotmpl")
"""Template suffixes; ``values.yaml.j2`` is YAML, ``ollama-values.tpl`` is sniffed."""

MAX_LINE = 10_000
"""Longer lines are left as written (and then usually fail to parse: not a config)."""

# No brace inside an expression and a bounded length: a scan from each opening stops at the
# next brace, so a line of ten thousand `{{` is linear, not quadratic.
_EXPR = re.compile(r"\{\{-?([^{}\n]{0,1000}?)-?\}\}")
_BLOCK = re.compile(r"\{%[^{}\n]{0,1000}?%\}|\{#[^{}\n]{0,1000}?#\}")
_ONLY_LOGIC = re.compile(
    r"^\s*(?:\{%.*%\}|\{#.*#\}|\{\{-?\s*(?:[#/]|end\b|if\b|else\b|range\b|with\b|define\b|template\b|include\b|block\b|-?\s*/\*).*\}\})\s*$"
)
_DEFAULT = re.compile(
    r"""(?:\|\s*default\s*\(\s*(?P<q1>["'])(?P<a>[^"'{}$]{1,200})(?P=q1)"""
    r"""|\bdefault\s+(?P<q2>["'])(?P<b>[^"'{}$]{1,200})(?P=q2))"""
)


def _expression(match: re.Match[str]) -> str:
    found = _DEFAULT.search(match.group(1))
    if found is None:
        return "${tpl}"
    return "${tpl:-" + (found.group("a") or found.group("b") or "") + "}"


def neutralise(text: str) -> str:
    """The template's text with its placeholders made plain strings, line for line."""
    out: list[str] = []
    for line in text.split("\n"):
        if len(line) > MAX_LINE or ("{" not in line):
            out.append(line)
            continue
        if _ONLY_LOGIC.match(line):
            out.append("")
            continue
        line = _BLOCK.sub("", line)
        out.append(_EXPR.sub(_expression, line))
    return "\n".join(out)


def inner_suffix(name: str) -> str | None:
    """``values.yaml.j2`` → ``.yaml``; None when the name has no format under the template
    suffix (``ollama-values.tpl``)."""
    lower = name.lower()
    for suffix in SUFFIXES:
        if lower.endswith(suffix):
            inner = lower[: -len(suffix)]
            return ("." + inner.rsplit(".", 1)[1]) if "." in inner else None
    return None


def is_template(name: str) -> bool:
    """A file named as a template of some other file."""
    return name.lower().endswith(SUFFIXES)
