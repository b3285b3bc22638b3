"""LLaMA-Factory configs, told by their structure (never by their folder's name).

* **LLaMA-Board saved configs** (the web UI's "save arguments"): flat dotted keys of its
  tabs (``top.model_name``, ``top.finetuning_type``, ``train.dataset``...). The base model
  is ``top.model_path`` when the user wrote one; otherwise it is the id LLaMA-Factory
  downloads for the display name in ``top.model_name`` (the shipped table
  ``llamafactory_models.yaml``, generated from LLaMA-Factory's own registry), on ModelScope
  when ``top.hub_name: modelscope`` says the board downloads from there. A display name the
  table does not know names nothing (it is no Hub id).
* **Training recipes** (``llamafactory-cli train x.yaml``): ``model_name_or_path`` is read by
  the generic walk; their ``dataset:`` names are entries of LLaMA-Factory's
  ``dataset_info.json`` (``alpaca_en_demo``, a local ``kun``), never Hub datasets, and
  ``template:`` is a chat template, not a model. Only ``org/name`` dataset values (which the
  generic walk already reads) name Hub datasets.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from gate.discover import localpaths, refs
from gate.discover.configs.nodes import _Node, _str
from gate.model import JSON, Confidence
from gate.recognise import llamafactory_models

_BOARD_TABS = ("top.", "train.", "eval.", "infer.", "export.")
_BOARD_MODEL = "top.model_name"
_BOARD_PATH = "top.model_path"
_BOARD_HUB = "top.hub_name"


def is_board_config(entries: Mapping[str, _Node]) -> bool:
    """A LLaMA-Board saved config: ``top.model_name`` beside other keys of the board's
    tabs (two or more), all at the top level."""
    if _BOARD_MODEL not in entries:
        return False
    tabbed = sum(1 for k in entries if k.startswith(_BOARD_TABS))
    return tabbed >= 3


class _Emitter(Protocol):
    """The part of the config walker this reader uses (``_Walker.emit``)."""

    def emit(
        self,
        ref: refs.Ref | None,
        as_written: str,
        node: _Node,
        confidence: Confidence,
        context: str,
        extra: Mapping[str, JSON] | None = None,
    ) -> None: ...


def read_board(walker: _Emitter, doc: _Node) -> bool:
    """Emit the base model of a LLaMA-Board saved config; True when ``doc`` is one."""
    if not isinstance(doc.value, dict):
        return False
    entries = {str(k): v for k, v in doc.value.items()}
    if not is_board_config(entries):
        return False
    path_node = entries.get(_BOARD_PATH)
    path = (_str(path_node) or "").strip()
    name_node = entries[_BOARD_MODEL]
    name = (_str(name_node) or "").strip()
    if path and path_node is not None:
        # The user's own path or Hub id: what LLaMA-Factory loads.
        if localpaths.is_outside(path):
            ref: refs.Ref | None = localpaths.ref(path, {"key": _BOARD_PATH})
        elif refs.looks_like_path(path):
            ref = None
        else:
            ctx = refs.RefContext(family="hf", in_config=True, key=_BOARD_PATH)
            ref = refs.recognise_in(path, ctx)
        walker.emit(ref, path, path_node, Confidence.MEDIUM, _BOARD_PATH, {"key": _BOARD_PATH})
        if ref is not None:
            return True
    ids = llamafactory_models().get(name)
    if not ids:
        return True
    extra: dict[str, JSON] = {"key": _BOARD_MODEL, "llamafactory_name": name}
    hub = (_str(entries.get(_BOARD_HUB)) or "").strip().lower()
    if hub == "modelscope" and "modelscope" in ids:
        # top.hub_name: modelscope (USE_MODELSCOPE_HUB): the ModelScope id is downloaded.
        ctx = refs.RefContext(family="modelscope", in_config=True, key=_BOARD_MODEL)
        model_id = ids["modelscope"]
    else:
        ctx = refs.RefContext(family="hf", in_config=True, key=_BOARD_MODEL)
        model_id = ids["hf"]
        if "modelscope" in ids:
            extra["modelscope_id"] = ids["modelscope"]
    walker.emit(
        refs.recognise_in(model_id, ctx), name, name_node, Confidence.MEDIUM, _BOARD_MODEL, extra
    )
    return True
