"""``aigate explain``: the chain identity → publisher → parent → country → lineage → licence.

A reference is an identity (``hf:…``, ``api:…``, ``ollama:…``), something as a user types it
(``bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF``, ``qwen2.5-coder:7b``, ``gpt-4o``) or a path
to a model folder or weight file (scanned like ``aigate scan``). Every fact is shown with its
source; what no source states is shown as unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from gate import identity
from gate.errors import InputError
from gate.model import Inventory, Project
from gate.progress import NullObserver, Observer
from gate.registry import load
from gate.report.explanation import Explanation
from gate.resolve import origins

_SCHEMES = (
    "hf:",
    "api:",
    "ollama:",
    "file:",
    "local:",
    "dataset:",
    "modelscope:",
    "assistant:",
    "pkg:",
)


@dataclass(frozen=True, slots=True)
class ExplainOptions:
    """How to explain: network opt-in, cache, user registry files, progress."""

    online: bool = False
    cache_dir: Path | None = None
    registry_files: tuple[Path, ...] = ()
    observer: Observer = field(default_factory=NullObserver)
    hub_endpoint: str | None = None
    bom: Path | None = None
    """A BOM to look the reference up in first (its components as the scan recorded them)."""


def explain(reference: str, options: ExplainOptions) -> Explanation:
    """Resolve a reference (identity, name or path) into explained components."""
    text = reference.strip()
    if not text:
        raise InputError(None, "nothing to explain: give a model reference or a path")
    resolve_options = origins.ResolveOptions(
        registry_files=options.registry_files,
        online=options.online,
        cache_dir=options.cache_dir,
        observer=options.observer,
        hub_endpoint=options.hub_endpoint,
    )
    if len(text) > identity.MAX_LENGTH:
        raise InputError(
            None,
            f"the reference is {len(text)} characters long (at most {identity.MAX_LENGTH}): "
            "no model reference, identity or path is that long",
        )
    path = Path(text)
    if options.bom is not None:
        found = _from_bom(text, options.bom)
        if found is not None:
            return found
    if text.lower().startswith(_SCHEMES):
        why = identity.problem(text)
        if why is not None:
            raise InputError(
                None,
                f"{text!r} is a malformed identity: {why}",
                hint="write e.g. hf:Qwen/Qwen2.5-7B-Instruct, api:deepseek/deepseek-chat, "
                "ollama:qwen2.5-coder:7b or file:sha256:<64 hex digits>",
            )
    elif _is_path(path):
        return _explain_path(text, path, options)
    elif _looks_like_path(text):
        raise InputError(
            text,
            "no such file or directory",
            hint="give the path of a weight file or model folder, or a model reference"
            " (org/name, gpt-4o, qwen2.5-coder:7b)",
        )
    registry = load(options.registry_files)
    cid = origins.identity_for_reference(text, registry)
    if cid is None:
        raise InputError(
            None,
            f"{text!r} is not a model reference aigate can place",
            hint="write org/name (Hugging Face), a hosted model name (gpt-4o), an Ollama tag "
            "(qwen2.5-coder:7b), an identity (api:deepseek/deepseek-chat) or a path",
        )
    inventory = Inventory(
        project=Project(name="explain"), components=(origins.bare_component(cid),)
    )
    resolved = origins.resolve_inventory(inventory, resolve_options)
    notes = resolved.notes
    if identity.scheme(cid) == "file":
        # A hash names bytes, not a model: its lineage is in the file (GGUF keys, model
        # card beside it) or in the BOM that recorded it, neither of which a hash reaches.
        notes = (
            *notes,
            "a weight file is known by its bytes: explain its path (aigate explain"
            " models/x.gguf) or look it up in the BOM that lists it (--bom aibom.cdx.json)"
            " for its lineage and licence",
        )
    return Explanation(reference=text, components=resolved.components, notes=notes)


_WEIGHT_SUFFIXES = (
    ".gguf",
    ".safetensors",
    ".pt",
    ".pth",
    ".bin",
    ".onnx",
    ".h5",
    ".tflite",
    ".ckpt",
    ".pkl",
    ".pickle",
    ".keras",
    ".mlmodel",
    ".llamafile",
)


def _looks_like_path(text: str) -> bool:
    """Written as a path (absolute, relative with ./ or ~, a weight file's name, or more
    folders than an org/name): a missing one is a missing path, not an unknown model."""
    if text.startswith(("/", "./", "../", "~", ".\\")) or "\\" in text:
        return True
    if text.lower().endswith(_WEIGHT_SUFFIXES):
        return True
    return ":" not in text and text.count("/") >= 2


def _from_bom(text: str, bom: Path) -> Explanation | None:
    """The component of ``bom`` the reference names: its id, its name, or one of its files."""
    from gate.bom import cyclonedx

    inventory, warnings = cyclonedx.read_bom(bom)
    wanted = text.removeprefix("./")
    for comp in inventory.components:
        paths = {wf.path for wf in comp.files}
        if (
            wanted in (comp.id, comp.name)
            or wanted in paths
            or any(wanted.endswith("/" + p) for p in paths)
        ):
            note = f"as recorded in {bom} (no new lookup)"
            return Explanation(reference=text, components=(comp,), notes=(note, *warnings))
    return None


def _is_path(path: Path) -> bool:
    """The reference names something on disk (a name too long or odd for the OS is not)."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _explain_path(text: str, path: Path, options: ExplainOptions) -> Explanation:
    from gate.pipeline import scanning

    result = scanning.scan(
        scanning.ScanOptions(
            root=path,
            online=options.online,
            cache_dir=options.cache_dir,
            registry_files=options.registry_files,
            observer=options.observer,
            include_tests=True,
            history="none",
        )
    )
    models = tuple(c for c in result.inventory.components if identity.scheme(c.id) not in ("pkg",))
    if not models:
        raise InputError(path, "no model found here (no model folder, weight file or reference)")
    # explain skips the git history on purpose: a note blaming --history would mislead.
    notes = tuple(n for n in result.inventory.notes if not n.startswith("history:"))
    return Explanation(reference=text, components=models, notes=notes, scanned=True)


# --------------------------------------------------------------------------------------
# rendering
