"""loaders.yaml_top tells what yaml_doc's built document tells of its top level, with the
same problem for a document it refuses, whether or not the values are built."""

from __future__ import annotations

from typing import Any

import pytest

from gate.discover import loaders

DOCS = [
    "",
    "# only a comment\n",
    "a: 1\n",
    "- a\n- b\n",
    "plain scalar\n",
    "packages:\n  x: 1\n",
    "packages: []\n",
    "packages:\n",
    "packages: {}\n",
    "packages: !!set {a, b}\n",
    "packages: !!omap [a: 1]\n",
    "packages:\n  x: 1\npackages: 2\n",
    "packages: 2\npackages:\n  x: 1\n",
    "? !!str packages\n: {a: 1}\n",
    "? [a, b]\n: 1\n",
    "? {a: 1}\n: 1\n",
    "base: &b {x: 1}\nother:\n  <<: *b\n",
    "<<: {packages: {a: 1}}\n",
    "<<: 3\n",
    "=: {a: 1}\n",
    "t: !!timestamp 2001-13-45\n",
    "t: 2001-12-14\nu: 2001-12-14t21:59:43.10-05:00\n",
    "i: 0b\n",
    "i: 0x1F\nj: 1_000\nk: 0o17\nf: 1.5e3\ng: .inf\nh: ._\n",
    "b: !!bool maybe\n",
    "b: yes\nc: Off\nd: !!bool TRUE\n",
    "n: !!null whatever\nm: ~\n",
    "bin: !!binary aGVsbG8=\n",
    "bin: !!binary '***'\n",
    "x: !!python/object:os.system {}\n",
    "x: !custom thing\n",
    "1: {a: 1}\ntrue: {b: 2}\nnull: {c: 3}\n",
    "a: &a [1, *a]\n",
    "a: [unclosed\n",
    "a: 1\n---\nb: 2\n",
    "packages:\n  '@x/y@1.0.0':\n    resolution: {integrity: sha512-abc}\n"
    "    engines: {node: '>=18'}\n",
    "k: !!str 12\nl: !!int '12'\n",
    "s: !!seq [a]\nm: !!map {a: 1}\n",
    "s: !!seq {a: 1}\n",
]


def _expected(text: str) -> Any:
    parsed = loaders.yaml_doc(text)
    if not parsed.ok:
        return ("problem", parsed.problem)
    doc = parsed.value
    if not isinstance(doc, dict):
        return None
    return {k: isinstance(v, dict) for k, v in doc.items() if isinstance(k, str)}


@pytest.mark.parametrize("text", DOCS)
def test_yaml_top_agrees_with_the_built_document(text: str) -> None:
    try:
        expected = _expected(text)
    except Exception as exc:  # yaml_doc lets some errors through: so must yaml_top
        with pytest.raises(type(exc)):
            loaders.yaml_top(text)
        return
    got = loaders.yaml_top(text)
    assert (("problem", got.problem) if not got.ok else got.value) == expected


def test_a_lock_file_is_not_built() -> None:
    lines = ["lockfileVersion: '9.0'", "packages:"]
    lines += [f"  'pkg{i}@1.0.{i}':\n    resolution: {{integrity: sha512-{i}}}" for i in range(50)]
    text = "\n".join(lines) + "\n"
    assert loaders.yaml_top(text).value == {"lockfileVersion": False, "packages": True}
