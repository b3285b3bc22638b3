"""Cyclic garbage collection held off while a command builds and judges a large, acyclic heap.

``aigate check --bom`` of 10,000 components holds a few million container objects at once
(the parsed BOM, the inventory, the policy input, the findings): CPython's collector,
triggered by allocation counts, walked that whole heap about ten times over and took a
quarter of the command's CPU time, finding nothing (the data is freed by reference counting;
it holds no cycles worth collecting). A forked policy child inherits the setting, which also
spares it the copy-on-write of every object header a collection would touch.
"""

from __future__ import annotations

import contextlib
import functools
import gc
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

_P = ParamSpec("_P")
_R = TypeVar("_R")


def no_cycle_collection(command: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``command`` with the cyclic collector off; afterwards it is as it was.

    What was allocated meanwhile is moved to the oldest generation on the way out
    (``gc.freeze`` then ``gc.unfreeze``), so that switching the collector back on does not
    start with one pass over everything the command allocated; cycles made meanwhile are
    collected by the next full collection, as usual.
    """

    @functools.wraps(command)
    def held(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with cycles_held():
            return command(*args, **kwargs)

    return held


@contextlib.contextmanager
def cycles_held() -> Iterator[None]:
    """The cyclic collector off within (as :func:`no_cycle_collection`); a no-op when it is
    off already (inside a command that holds it, or a scan worker)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
            gc.unfreeze()
