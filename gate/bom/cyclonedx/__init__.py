"""Inventory ⇄ CycloneDX (1.6 by default, 1.7 on request), JSON and XML.

One module per job: :mod:`.document` writes an inventory as the JSON document in one pass
(:mod:`.xmldoc` turns it into the XML tree), :mod:`.write` serialises and validates it,
:mod:`.view` caps what a coding assistant's history puts into a BOM, :mod:`.read` reads a
BOM back (aigate's own losslessly), :mod:`.foreign` interprets what other tools (cdxgen,
cyclonedx-py, …) state, with warnings for what they lack, and :mod:`.fields` decodes the
facts both kinds state the same way. :mod:`.build` maps an inventory onto
cyclonedx-python-lib's model: only the reference the tests compare the one-pass document
with, so it is not exported here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gate.bom.cyclonedx.foreign import what_foreign_lacks
from gate.bom.cyclonedx.read import (
    MAX_BOM_DEPTH,
    MAX_NESTING,
    BomRead,
    looks_like_bom,
    read_bom,
    read_bom_detail,
)
from gate.bom.cyclonedx.versions import FORMATS, SPEC_VERSIONS
from gate.bom.cyclonedx.view import (
    BOM_MAX_ASSISTANT_COMMITS,
    BOM_MAX_ASSISTANT_PATHS,
    BOM_MAX_COMMIT_PATHS,
    bom_view,
)

if TYPE_CHECKING:
    from gate.bom.cyclonedx.write import validate, write_bom

_WRITING = {"validate": "write", "write_bom": "write"}


def __getattr__(name: str) -> Any:
    # Writing loads cyclonedx-python-lib's model (a third of a second to import); reading a
    # BOM (`check --bom`) never needs it, so the writing names load on first use.
    module = _WRITING.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{module}"), name)


__all__ = [
    "BOM_MAX_ASSISTANT_COMMITS",
    "BOM_MAX_ASSISTANT_PATHS",
    "BOM_MAX_COMMIT_PATHS",
    "FORMATS",
    "MAX_BOM_DEPTH",
    "MAX_NESTING",
    "SPEC_VERSIONS",
    "BomRead",
    "bom_view",
    "looks_like_bom",
    "read_bom",
    "read_bom_detail",
    "validate",
    "what_foreign_lacks",
    "write_bom",
]
