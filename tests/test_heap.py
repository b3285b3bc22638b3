"""The cyclic collector held off around large, acyclic work (gate.heap), and restored."""

from __future__ import annotations

import gc
import json

import pytest

from gate.discover import loaders
from gate.heap import cycles_held, no_cycle_collection


def test_cycles_held_restores_the_collector() -> None:
    assert gc.isenabled()
    with cycles_held():
        assert not gc.isenabled()
        with cycles_held():  # nested: a no-op, and leaves it off for the outer one
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


def test_cycles_held_restores_after_an_error() -> None:
    with pytest.raises(ValueError, match="boom"), cycles_held():
        raise ValueError("boom")
    assert gc.isenabled()


def test_cycles_held_leaves_a_disabled_collector_disabled() -> None:
    gc.disable()
    try:
        with cycles_held():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_no_cycle_collection_decorates() -> None:
    @no_cycle_collection
    def inside() -> bool:
        return gc.isenabled()

    assert inside() is False
    assert gc.isenabled()


@pytest.mark.parametrize("size", [10, 5_000])
def test_large_documents_parse_the_same_with_the_collector_held(size: int) -> None:
    doc = {f"k{i}": {"v": [i, str(i), None, True, 1.5]} for i in range(size)}
    text_json = json.dumps(doc)
    text_yaml = "\n".join(f"k{i}:\n  v: [{i}, '{i}', null, true, 1.5]" for i in range(size))
    assert loaders.json_doc(text_json).value == doc
    assert loaders.yaml_doc(text_yaml).value == doc
    assert loaders.yaml_nodes(text_yaml).ok
    bad = loaders.yaml_doc(text_yaml + "\n  - [unclosed")
    assert not bad.ok and bad.problem is not None and bad.problem.startswith("invalid YAML")
    assert gc.isenabled()
