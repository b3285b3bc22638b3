"""Modules imported when first used, so that the command line starts in a blink."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy_module(name: str) -> ModuleType:
    """The module ``name``, executed when one of its attributes is first read.

    ``importlib.util.LazyLoader``: the module object is in ``sys.modules`` at once (so a
    later ``import`` finds it), its code runs on first attribute access. An already
    imported module is returned as it is.
    """
    found = sys.modules.get(name)
    if found is not None:
        return found
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    spec.loader = importlib.util.LazyLoader(spec.loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:  # as the import system does: `gate.pipeline` is an attribute of `gate`
        setattr(sys.modules[parent], child, module)
    return module
