"""The fuzz harness's targets (tools/fuzz) hold on their seeds and on a few thousand cheap
mutations of them, so `make fuzz` starts from inputs that parse and its contract (no
exception but the documented one) is checked on every test run too."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tools.fuzz import seeds, targets


def test_every_target_has_seeds() -> None:
    assert set(seeds.SEEDS) == set(targets.TARGETS)


@pytest.mark.parametrize("name", sorted(targets.TARGETS))
def test_target_holds_on_its_seeds_and_their_mutations(name: str) -> None:
    rng = random.Random(name)
    target = targets.TARGETS[name]
    for seed in seeds.SEEDS[name]():
        targets.check(target, seed)
        for _ in range(60):
            data = bytearray(seed)
            for _ in range(rng.randint(1, 6)):
                op = rng.randrange(3)
                at = rng.randrange(len(data) + 1)
                if op == 0 and data:
                    data[min(at, len(data) - 1)] = rng.randrange(256)
                elif op == 1:
                    data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
                else:
                    del data[at : at + rng.randint(1, 8)]
            targets.check(target, bytes(data))


def test_notebook_cell_whose_source_holds_a_list_is_a_skip_not_a_crash() -> None:
    # Found by `make fuzz` (notebook target, 624,000 runs): a cell source list holding a
    # list raised TypeError in the notebook reader.
    data = (
        b'{"cells": [{"cell_type": "code", "source": ["!pip opena\\n",  [{"cell_type": "code",'
        b' "source": ["!pip opena\\n", "*", "m,= \'gpt-inal\'\\n"]}], "*",'
        b' "m,= \'gpt-inal\'\\n"]}], "nbf": 4}'
    )
    outcome = targets.notebook_target(data)
    assert outcome.skipped == [  # type: ignore[attr-defined]
        ("analysis.ipynb", "not a readable notebook: cell 1's source is not text")
    ]
