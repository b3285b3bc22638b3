"""Hugging Face model folders: ``config.json``, the README model card, adapter configs.

One model folder is one component; its weight files are attached to it downstream (by
:mod:`gate.resolve.assemble`). A folder inside a Hub cache (``models--org--name/snapshots/
<sha>/``) is the Hub model itself, pinned to that commit; any other folder is a local model
(``local:<path>``) whose lineage comes from what its files declare.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from gate import identity
from gate.discover import loaders, localpaths, refs
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree, TreeFile
from gate.model import (
    ComponentId,
    Confidence,
    Evidence,
    EvidenceKind,
    FactSource,
    Location,
    Role,
)
from gate.recognise import conventions

NAME = "modelcards"

_MAX_JSON = 4_000_000
_MAX_CARD = 2_000_000
_MARKER_FILES = ("config.json", "adapter_config.json", "generation_config.json", "README.md")
_HUB_CACHE = re.compile(r"(?:^|/)models--([^/]+?)--([^/]+)/snapshots/([0-9a-f]{40})$")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?:(.*?)\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_CARD_RELATIONS = frozenset({"adapter", "finetune", "merge", "quantized"})


@dataclass
class _Folder:
    path: str
    files: dict[str, TreeFile] = field(default_factory=dict)


def _is_model_config(doc: dict[str, Any]) -> bool:
    """A transformers/diffusers config, not just any ``config.json``."""
    return any(k in doc for k in ("architectures", "model_type", "_name_or_path", "_class_name"))


def _load_json(tree: Tree, tf: TreeFile) -> dict[str, Any] | None:
    text = tree.read_text(tf, _MAX_JSON, too_big=f"larger than {_MAX_JSON} bytes")
    if text is None:
        return None
    parsed = loaders.json_doc(text)
    if not parsed.ok:
        tree.skip(tf.rel, parsed.problem or "invalid JSON")
        return None
    return parsed.value if isinstance(parsed.value, dict) else None


def read_front_matter(text: str) -> tuple[dict[str, Any] | None, str | None]:
    """The YAML front matter of a model card, and a problem if it is malformed."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return None, None
    parsed = loaders.yaml_doc(match.group(1) or "")
    if not parsed.ok:
        return None, (parsed.problem or "invalid YAML").replace("YAML", "YAML front matter", 1)
    doc = parsed.value
    if doc is None:
        return {}, None
    if not isinstance(doc, dict):
        return None, "front matter is not a mapping"
    return doc, None


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, str | int | float) and str(v).strip()]
    return []


def _collect_folders(tree: Tree) -> dict[str, _Folder]:
    folders: dict[str, _Folder] = {}
    for tf in tree.files:
        name = tf.name
        if name not in _MARKER_FILES:
            continue
        parent = str(PurePosixPath(tf.rel).parent)
        folder = folders.setdefault(parent, _Folder("" if parent == "." else parent))
        folder.files[name] = tf
    return folders


def discover(tree: Tree, ctx: DiscoverContext) -> Iterator[Evidence]:
    """Yield one MODEL_CARD evidence per Hugging Face model folder in the tree."""
    folders = _collect_folders(tree)
    models: set[str] = set()
    for key in sorted(folders):  # a parent folder sorts before its subfolders
        if _export_of(key, models):
            continue
        evidence = _folder_evidence(tree, folders[key])
        if evidence is not None:
            models.add(key)
            yield evidence
            yield from _local_bases(evidence)


def _export_of(key: str, models: set[str]) -> bool:
    """An export subfolder (``onnx/``) of a model folder: part of its parent's model, whose
    component its weight files join (the nearest model folder holding them)."""
    parent, _, name = key.rpartition("/")
    return name in conventions().export_subfolders and (parent or ".") in models


def _local_bases(folder_ev: Evidence) -> Iterator[Evidence]:
    """A base model the folder declares by a path outside the tree (an adapter trained on
    ``D:\\models\\Mistral-7B-v0.3``): an unresolved local model of its own."""
    declared = folder_ev.attributes.get("declared")
    bases = declared.get("base_models") if isinstance(declared, dict) else None
    for base in bases if isinstance(bases, list) else ():
        if not isinstance(base, dict) or not localpaths.is_outside(str(base.get("ref", ""))):
            continue
        path = str(base["ref"])
        detail = str(base.get("detail", ""))
        where = detail.partition("#")
        ref = localpaths.ref(path, {"declared_by": detail})
        location = Location(where[0] or folder_ev.location.path, context=where[2] or None)
        yield refs.evidence(NAME, ref, path, location, Confidence.HIGH)


def _folder_evidence(tree: Tree, folder: _Folder) -> Evidence | None:
    config = adapter = None
    if "config.json" in folder.files:
        doc = _load_json(tree, folder.files["config.json"])
        if doc is not None and _is_model_config(doc):
            config = doc
    if "adapter_config.json" in folder.files:
        adapter = _load_json(tree, folder.files["adapter_config.json"])
    generation = (
        _load_json(tree, folder.files["generation_config.json"])
        if "generation_config.json" in folder.files
        else None
    )
    card: dict[str, Any] | None = None
    card_file = folder.files.get("README.md")
    if card_file is not None:
        text = tree.read_text(card_file, _MAX_CARD)
        if text is not None:
            card, problem = read_front_matter(text)
            if problem:
                tree.skip(card_file.rel, problem)
            # Without a config, a README card marks a model folder only if it says model
            # things; with one, the folder is a model and a lone `license:` is its licence.
            confirmed = config is not None or adapter is not None
            if card is not None and not confirmed and not _looks_like_model_card(card):
                card = None
    if config is None and adapter is None and card is None:
        return None
    # A README card alone (no config) marks a model folder only if it says model things.
    return _build(folder, config, adapter, generation, card)


def _relation(value: object) -> str:
    """The card's ``base_model_relation``: one known word (a one-item list is read as its
    item, as some cards write it); anything else (a mapping, several words) is unknown."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value if isinstance(value, str) and value in _CARD_RELATIONS else "unknown"


# Keys of a Hugging Face *Space* card (hf.co/docs/hub/spaces-config-reference: `sdk`,
# `app_file`, `app_port`): the README configures an app, the folder is no model.
_SPACE_KEYS = frozenset({"sdk", "app_file", "app_port"})


def _looks_like_model_card(card: dict[str, Any]) -> bool:
    if _SPACE_KEYS & card.keys():
        return False
    keys = {"base_model", "pipeline_tag", "library_name", "model-index", "license_name"}
    return bool(keys & card.keys()) or ("license" in card and "tags" in card)


def _build(
    folder: _Folder,
    config: dict[str, Any] | None,
    adapter: dict[str, Any] | None,
    generation: dict[str, Any] | None,
    card: dict[str, Any] | None,
) -> Evidence:
    hub = _HUB_CACHE.search(folder.path)
    if hub:
        org, name, sha = hub.groups()
        cid: ComponentId = identity.hf(f"{org}/{name}", sha)
        display = f"{org}/{name}"
    else:
        cid = identity.local(folder.path or ".")
        display = PurePosixPath(folder.path).name or "."

    card_path = folder.files["README.md"].rel if card is not None else None
    declared: dict[str, Any] = {"name": display}
    provenance: dict[str, str] = {}
    base_models: list[dict[str, Any]] = []

    if card is not None and card_path is not None:
        for key in ("license", "license_name", "license_link", "pipeline_tag", "library_name"):
            value = card.get(key)
            if isinstance(value, str | int | float) and str(value).strip():
                declared[key] = str(value)
                provenance[key] = f"{card_path}#{key}"
            elif isinstance(value, list) and key == "license":
                declared[key] = " OR ".join(_as_list(value))
                provenance[key] = f"{card_path}#{key}"
        relation_text = _relation(card.get("base_model_relation"))
        for ref in _as_list(card.get("base_model")):
            base_models.append(
                {
                    "ref": ref,
                    "relation": relation_text,
                    "source": FactSource.MODEL_CARD.value,
                    "detail": f"{card_path}#base_model",
                }
            )
        datasets = _as_list(card.get("datasets"))
        if datasets:
            declared["datasets"] = datasets
            provenance["datasets"] = f"{card_path}#datasets"

    if adapter is not None:
        adapter_ref = adapter.get("base_model_name_or_path")
        if (
            isinstance(adapter_ref, str)
            and adapter_ref
            and not any(b["ref"] == adapter_ref for b in base_models)
        ):
            base_models.append(
                {
                    "ref": adapter_ref,
                    "relation": "adapter",
                    "source": FactSource.ADAPTER_CONFIG.value,
                    "detail": f"{folder.files['adapter_config.json'].rel}#base_model_name_or_path",
                }
            )
        peft = adapter.get("peft_type")
        if isinstance(peft, str):
            declared["peft_type"] = peft

    if config is not None:
        config_path = folder.files["config.json"].rel
        archs = config.get("architectures")
        if isinstance(archs, list) and archs:
            declared["architecture"] = ", ".join(str(a) for a in archs)
        elif isinstance(config.get("_class_name"), str):
            declared["architecture"] = config["_class_name"]
        if isinstance(config.get("model_type"), str):
            declared["model_type"] = config["model_type"]
        name_or_path = config.get("_name_or_path")
        if isinstance(name_or_path, str) and name_or_path:
            declared["name_or_path"] = name_or_path
            # The checkpoint this folder was loaded from: lineage, unless it names itself.
            if (
                identity.is_hf_repo_id(name_or_path)
                and name_or_path != display
                and not any(b["ref"] == name_or_path for b in base_models)
            ):
                base_models.append(
                    {
                        "ref": name_or_path,
                        "relation": "unknown",
                        "source": FactSource.CONFIG.value,
                        "detail": f"{config_path}#_name_or_path",
                    }
                )
        if config.get("auto_map"):
            declared["custom_code"] = True

    if generation is not None and isinstance(generation.get("transformers_version"), str):
        declared["transformers_version"] = generation["transformers_version"]

    if base_models:
        declared["base_models"] = base_models
    declared["provenance"] = provenance

    anchor = card_path or next(folder.files[n].rel for n in _MARKER_FILES if n in folder.files)
    return Evidence(
        source=NAME,
        kind=EvidenceKind.MODEL_CARD,
        identity=cid,
        role=Role.EMBEDDED_WEIGHTS,
        as_written=folder.path or ".",
        location=Location(anchor, line=1 if card_path else None),
        confidence=Confidence.HIGH,
        attributes={"declared": declared, "model_dir": folder.path},
    )
