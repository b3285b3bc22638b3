"""Shipped data is parsed once, with the C loader or from its compiled form, to the same
values as PyYAML's own."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from gate import shipped

ROOT = Path(__file__).resolve().parent.parent
FILES = [
    (f"gate.{p.parent.parent.name}", f"data/{p.name}")
    for p in sorted((ROOT / "gate").glob("*/data/*.yaml"))
]


_CACHED = (shipped.yaml_data, shipped.raw, shipped.text)


@pytest.fixture
def fresh() -> Iterator[None]:
    """yaml_data, raw and text forget what they read, before and after the test."""
    for fn in _CACHED:
        fn.cache_clear()
    yield
    for fn in _CACHED:
        fn.cache_clear()


@pytest.mark.parametrize(("package", "name"), FILES, ids=[f"{p}/{n}" for p, n in FILES])
def test_the_fast_loader_reads_what_safe_load_reads(package: str, name: str) -> None:
    expected = yaml.safe_load(shipped.text(package, name))
    assert shipped.same(shipped.yaml_data(package, name), expected)
    assert shipped.same(shipped.safe_load(shipped.text(package, name)), expected)


def test_parsed_once_and_copies_are_the_callers() -> None:
    first = shipped.yaml_data("gate.resolve", "data/regulatory.yaml")
    assert shipped.yaml_data("gate.resolve", "data/regulatory.yaml") is first
    copy = shipped.yaml_copy(shipped.text("gate.resolve", "data/regulatory.yaml"))
    copy["changed"] = True
    assert "changed" not in shipped.yaml_copy(shipped.text("gate.resolve", "data/regulatory.yaml"))


def test_the_compiled_forms_are_current() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_shipped_data.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _no_yaml(text: Any) -> Any:
    raise AssertionError("the YAML was parsed")


@pytest.mark.usefixtures("fresh")
@pytest.mark.parametrize(("package", "name"), FILES, ids=[f"{p}/{n}" for p, n in FILES])
def test_a_current_compiled_form_is_read_instead_of_the_yaml(
    package: str, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = yaml.safe_load(shipped.text(package, name))
    monkeypatch.setattr(shipped, "safe_load", _no_yaml)
    assert shipped.same(shipped.yaml_data(package, name), expected)


@pytest.mark.usefixtures("fresh")
def test_a_yaml_its_compiled_form_was_not_made_from_is_parsed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An edit not yet compiled (or a hand-edited installed file) is never ignored."""
    edited = shipped.raw("gate.resolve", "data/countries.yaml") + b"\nedited_here: 1\n"
    real = shipped.raw

    def raw(package: str, name: str) -> bytes:
        return edited if name == "data/countries.yaml" else real(package, name)

    monkeypatch.setattr(shipped, "raw", raw)
    assert shipped.yaml_data("gate.resolve", "data/countries.yaml")["edited_here"] == 1


@pytest.mark.usefixtures("fresh")
def test_no_compiled_form_means_the_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    # as in a tree whose forms were never written
    monkeypatch.setattr(shipped, "compiled_name", lambda p, n: f"_nowhere/{p}/{n}")
    expected = yaml.safe_load(shipped.text("gate.resolve", "data/regions.yaml"))
    assert shipped.same(shipped.yaml_data("gate.resolve", "data/regions.yaml"), expected)


@pytest.mark.usefixtures("fresh")
@pytest.mark.parametrize("form", [b"", b"{not json", b"[]", b'{"source_sha256": 1}', b"null"])
def test_a_compiled_form_that_cannot_be_read_means_the_yaml(
    form: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = resources.files

    class _Broken:
        def joinpath(self, name: str) -> _Broken:
            return self

        def read_bytes(self) -> bytes:
            return form

    monkeypatch.setattr(resources, "files", lambda p: _Broken() if p == "gate" else real(p))
    expected = yaml.safe_load(shipped.text("gate.resolve", "data/regions.yaml"))
    assert shipped.same(shipped.yaml_data("gate.resolve", "data/regions.yaml"), expected)


@pytest.mark.parametrize(
    "text",
    [
        b"a: {1: x, 2: {3: [y, {4: z}]}}\nb: [1, 2.5, true, null, '7']\n",
        b"- {10: a}\n- {k: {0: b}}\n",
        b"{}\n",
        b"x: 1e3\ny: -0.0\nz: 0x1f\n",
    ],
)
def test_compiled_values_are_the_yamls_type_for_type(text: bytes) -> None:
    form = shipped.compiled(text)
    assert shipped.same(shipped._values(json.loads(form)), yaml.safe_load(text))
    assert shipped.compiled(text) == form  # deterministic


@pytest.mark.parametrize(
    "text",
    [
        b"when: 2024-01-01\n",  # a date
        b"a: {1: x, b: y}\n",  # text and number keys in one mapping
        b"a: {true: x}\n",
        b"a: {1.5: x}\n",
        b"a: !!set {x, y}\n",
        b"a: .inf\n",
        b"a: !!binary aGk=\n",
    ],
)
def test_values_json_cannot_carry_are_refused(text: bytes) -> None:
    with pytest.raises(shipped.NotCompilableError):
        shipped.compiled(text)


def test_same_tells_types_apart() -> None:
    assert shipped.same({1: [1, "a"]}, {1: [1, "a"]})
    assert not shipped.same({1: "a"}, {"1": "a"})
    assert not shipped.same([1], [True])
    assert not shipped.same([1], [1.0])
    assert not shipped.same({"a": 1, "b": 2}, {"b": 2, "a": 1})  # order is kept too
