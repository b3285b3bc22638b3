"""Shipped data is parsed once, with the C loader, to the same values as PyYAML's own."""

from __future__ import annotations

from importlib import resources

import pytest
import yaml

from gate import shipped

FILES = [
    (package, entry.name)
    for package in ("gate.resolve", "gate.discover")
    for entry in sorted(resources.files(package).joinpath("data").iterdir(), key=lambda e: e.name)
    if entry.name.endswith(".yaml")
]


@pytest.mark.parametrize(("package", "name"), FILES, ids=[n for _, n in FILES])
def test_the_fast_loader_reads_what_safe_load_reads(package: str, name: str) -> None:
    assert shipped.yaml_data(package, f"data/{name}") == yaml.safe_load(
        shipped.text(package, f"data/{name}")
    )


def test_parsed_once_and_copies_are_the_callers() -> None:
    first = shipped.yaml_data("gate.resolve", "data/regulatory.yaml")
    assert shipped.yaml_data("gate.resolve", "data/regulatory.yaml") is first
    copy = shipped.yaml_copy(shipped.text("gate.resolve", "data/regulatory.yaml"))
    copy["changed"] = True
    assert "changed" not in shipped.yaml_copy(shipped.text("gate.resolve", "data/regulatory.yaml"))
