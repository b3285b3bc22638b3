"""``aigate explain``: the chain identity → publisher → parent → country → lineage → licence.

A reference is an identity (``hf:…``, ``api:…``, ``ollama:…``), something as a user types it
(``bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF``, ``qwen2.5-coder:7b``, ``gpt-4o``) or a path
to a model folder or weight file (scanned like ``aigate scan``). Every fact is shown with its
source; what no source states is shown as unknown.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate import facts, identity
from gate.errors import InputError
from gate.model import Component, Inventory, Licence, Party, Project, Provenance
from gate.progress import NullObserver, Observer
from gate.resolve import origins
from gate.resolve.registry import load

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


@dataclass(frozen=True, slots=True)
class Explanation:
    """The resolved components a reference denotes, and how they were resolved."""

    reference: str
    components: tuple[Component, ...]
    notes: tuple[str, ...] = ()
    scanned: bool = False
    """The reference was a path, scanned for models."""


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
    resolved = origins.resolve(inventory, resolve_options)
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
    from gate import pipeline

    result = pipeline.scan(
        pipeline.ScanOptions(
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


def countries(comp: Component) -> dict[str, Any]:
    """Every country the chain touches: publisher, its parent, lineage, where it is served."""
    lineage = sorted(
        {
            c
            for a in comp.lineage
            if a.publisher is not None
            for c in (a.publisher.country, a.publisher.parent_country)
            if c
        }
    )
    pub = comp.publisher
    return {
        "publisher": pub.country if pub else None,
        "parent": pub.parent_country if pub else None,
        "lineage": lineage,
        "served_by": comp.served_by.country if comp.served_by else None,
        "served_from": comp.served_by.region_country if comp.served_by else None,
        "unknown": _unknowns(comp),
    }


def _unknowns(comp: Component) -> list[str]:
    missing = []
    if comp.publisher is None or comp.publisher.country is None:
        missing.append("publisher country")
    if any(a.publisher is None or a.publisher.country is None for a in comp.lineage):
        missing.append("a lineage country")
    if comp.role.value == "hosted-api" and (comp.served_by is None or not comp.served_by.country):
        missing.append("serving country")
    if comp.licence is None or comp.licence.category.value == "unknown":
        missing.append("licence")
    return missing


def _licence(lic: Licence | None) -> dict[str, Any] | None:
    out = facts.licence(lic)
    if lic is not None and out is not None:
        out["url"] = lic.url
    return out


def component_json(comp: Component) -> dict[str, Any]:
    """One component's explanation as a JSON-compatible dict."""
    return {
        "id": comp.id,
        "role": comp.role.value,
        "pinned": comp.pinned,
        "publisher": facts.party(comp.publisher),
        "served_by": facts.served_by(comp.served_by),
        "lineage": [facts.ancestor(a) for a in comp.lineage],
        "licence": _licence(comp.licence),
        "countries": countries(comp),
    }


def to_json(expl: Explanation) -> str:
    """The explanation as stable, sorted JSON."""
    doc = {
        "schema": "aigate.explain/v1",
        "reference": expl.reference,
        "scanned": expl.scanned,
        "components": [component_json(c) for c in expl.components],
        "notes": list(expl.notes),
    }
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _where(country: str | None) -> str:
    return f"[{country}]" if country else "[country unknown]"


def _party_line(party: Party) -> str:
    text = f"{party.name} {_where(party.country)}"
    if party.parent:
        text += f", parent {party.parent} {_where(party.parent_country)}"
    if party.entity_listed:
        text += "  (on the BIS Entity List)"
    return text


def _from(prov: Sequence[Provenance], indent: str) -> list[str]:
    return [f"{indent}← {p}" for p in prov] or [f"{indent}← (no source recorded)"]


def render_text(expl: Explanation) -> str:
    """The explanation for people: one block per component, each fact with its source."""
    out: list[str] = []
    for comp in expl.components:
        out.append(comp.id)
        pinned = {True: "pinned", False: "not pinned to a commit", None: "n/a"}[comp.pinned]
        out.append(f"  identity   {comp.id} ({comp.role.value}; {pinned})")
        if comp.publisher is not None:
            out.append(f"  publisher  {_party_line(comp.publisher)}")
            out.extend(_from(comp.publisher.provenance, "             "))
        else:
            out.append("  publisher  unknown (no source names the maker)")
        if comp.served_by is not None:
            sb = comp.served_by
            region = f", region {sb.region}" if sb.region else ""
            if sb.region and sb.region_country:
                region += f" {_where(sb.region_country)}"
            operator = sb.operator or "unknown operator"
            out.append(f"  served by  {sb.host}: {operator} {_where(sb.country)}{region}")
            out.extend(_from(sb.provenance, "             "))
        elif comp.properties.get(origins.SERVED_BY_UNKNOWN):
            out.append("  served by  unknown")
            for note in comp.properties[origins.SERVED_BY_UNKNOWN]:
                out.append(f"             ← {note.get('source')}: {note.get('detail')}")
        if comp.lineage:
            out.append("  lineage    (nearest first)")
            for anc in comp.lineage:
                out.append(f"    {anc.depth}. {anc.relation:<10} {anc.name}")
                if anc.publisher is not None:
                    out.append(f"       made by {_party_line(anc.publisher)}")
                    out.extend(_from(anc.publisher.provenance, "         "))
                else:
                    out.append("       made by unknown")
                out.extend(_from(anc.provenance, "       link "))
        else:
            out.append("  lineage    none known")
        if comp.licence is not None:
            lic = comp.licence
            name = f" ({lic.name})" if lic.name and lic.name != lic.expression else ""
            out.append(f"  licence    {lic.expression}{name}: {lic.category.value}")
            for obligation in lic.obligations:
                out.append(f"             - {obligation}")
            out.extend(_from(lic.provenance, "             "))
        else:
            out.append("  licence    unknown (none declared or known)")
        summary = countries(comp)
        chain = sorted(
            {
                c
                for c in (
                    summary["publisher"],
                    summary["parent"],
                    summary["served_by"],
                    summary["served_from"],
                )
                if c
            }
            | set(summary["lineage"])
        )
        out.append(f"  countries  {', '.join(chain) if chain else 'none known'}")
        if summary["unknown"]:
            out.append(f"  unknown    {', '.join(summary['unknown'])}")
        out.append("")
    out.extend(f"note: {n}" for n in expl.notes)
    return "\n".join(out).rstrip() + "\n"
