"""Assembly: group evidence by identity into components, with the facts the evidence states.

Weight files inside a model folder join that folder's component; a weight file elsewhere is
a component of its own, known by its SHA-256. Facts stated by the artefacts themselves
(licence, base models, datasets) are carried with their provenance; nothing is looked up
here: publishers, countries and licence categories are the resolver's job
(:mod:`gate.resolve.origins`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

from packageurl import PackageURL

from gate import identity
from gate.model import (
    CONFIDENCE_ORDER,
    Ancestor,
    Component,
    ComponentId,
    Evidence,
    EvidenceKind,
    FactSource,
    Hash,
    Inventory,
    Licence,
    Project,
    Provenance,
    Risk,
    Role,
    Skipped,
    WeightFile,
)

_ROLE_ORDER = (
    Role.EMBEDDED_WEIGHTS,
    Role.RUNTIME_MODEL,
    Role.HOSTED_API,
    Role.CODE_ASSISTANT,
    Role.DATASET,
    Role.SDK,
)

# Declared keys that become plain component properties.
_PROPERTY_KEYS = (
    "architecture",
    "model_type",
    "pipeline_tag",
    "library_name",
    "peft_type",
    "custom_code",
    "name_or_path",
    "transformers_version",
    "format",
    "parameters",
    "quantization",
    "context_length",
)


def _attach_to_model_dirs(evidence: Sequence[Evidence]) -> list[Evidence]:
    """Re-key weight files that sit inside a model folder to that folder's component."""
    dirs: dict[str, ComponentId] = {}
    for ev in evidence:
        model_dir = ev.attributes.get("model_dir")
        if ev.kind is EvidenceKind.MODEL_CARD and isinstance(model_dir, str):
            dirs[model_dir] = ev.identity
    if not dirs:
        return list(evidence)
    out: list[Evidence] = []
    for ev in evidence:
        if ev.kind is EvidenceKind.WEIGHT_FILE:
            owner = _owning_dir(ev.location.path, dirs)
            if owner is not None:
                attrs = dict(ev.attributes)
                attrs["model_dir"] = owner
                ev = Evidence(
                    source=ev.source,
                    kind=ev.kind,
                    identity=dirs[owner],
                    role=ev.role,
                    as_written=ev.as_written,
                    location=ev.location,
                    confidence=ev.confidence,
                    attributes=attrs,
                )
        out.append(ev)
    return out


def _owning_dir(path: str, dirs: Mapping[str, ComponentId]) -> str | None:
    # The nearest model folder that contains the file (its own folder or a parent).
    parts = PurePosixPath(path).parents
    for parent in parts:
        key = "" if str(parent) == "." else str(parent)
        if key in dirs:
            return key
    return None


def _attach_to_weights(evidence: Sequence[Evidence]) -> list[Evidence]:
    """Re-key references to a file or folder of the tree (``FROM ./x.gguf`` in a Modelfile,
    a DVC output: attribute ``weights_path``) to the component that file already is."""
    owners: dict[str, ComponentId] = {}
    for ev in evidence:
        if ev.kind is EvidenceKind.WEIGHT_FILE:
            owners.setdefault(ev.location.path, ev.identity)
        model_dir = ev.attributes.get("model_dir")
        if ev.kind is EvidenceKind.MODEL_CARD and isinstance(model_dir, str):
            owners.setdefault(model_dir, ev.identity)
    out: list[Evidence] = []
    for ev in evidence:
        target = ev.attributes.get("weights_path")
        owner = owners.get(target) if isinstance(target, str) else None
        if owner is not None and owner != ev.identity and ev.kind is not EvidenceKind.WEIGHT_FILE:
            ev = Evidence(
                source=ev.source,
                kind=ev.kind,
                identity=owner,
                role=ev.role,
                as_written=ev.as_written,
                location=ev.location,
                confidence=ev.confidence,
                attributes=ev.attributes,
            )
        out.append(ev)
    return out


def assemble(
    evidence: Iterable[Evidence],
    project: Project,
    *,
    skipped: Sequence[Skipped] = (),
    files_scanned: int = 0,
    notes: Sequence[str] = (),
    properties: Mapping[str, Any] | None = None,
) -> Inventory:
    """Merge evidence into an Inventory, sorted by component id."""
    grouped: dict[ComponentId, list[Evidence]] = defaultdict(list)
    for ev in _attach_to_weights(_attach_to_model_dirs(list(evidence))):
        grouped[ev.identity].append(ev)
    components = tuple(build_component(cid, grouped[cid]) for cid in sorted(grouped))
    return Inventory(
        project=project,
        components=components,
        skipped=tuple(sorted(set(skipped), key=lambda s: (s.path, s.reason))),
        files_scanned=files_scanned,
        notes=tuple(notes),
        properties=dict(properties or {}),
    )


def _ordered(evidence: Sequence[Evidence]) -> list[Evidence]:
    """Most confident first, then by location: the order in which facts win."""
    return sorted(evidence, key=lambda e: (-CONFIDENCE_ORDER[e.confidence], e.sort_key()))


def build_component(cid: ComponentId, evidence: Sequence[Evidence]) -> Component:
    """One component from all the evidence that names it."""
    ordered = _ordered(evidence)
    role = min((e.role for e in evidence), key=_ROLE_ORDER.index)
    declared = _merge_declared(ordered)
    name, group, version = _names(cid, ordered, declared)
    files = _files(ordered)
    props: dict[str, Any] = {k: declared[k] for k in _PROPERTY_KEYS if k in declared}
    props.update(_merge_extra(ordered))
    risks = _risks(ordered)
    return Component(
        id=cid,
        role=role,
        name=name,
        group=group,
        version=version,
        pinned=_pinned(cid, version),
        licence=_licence(declared),
        lineage=_lineage(declared),
        hashes=_hashes(cid, files),
        files=files,
        datasets=tuple(sorted({identity.hf_dataset(d) for d in declared.get("datasets", [])})),
        risks=risks,
        evidence=tuple(sorted(evidence, key=lambda e: e.sort_key())),
        properties=props,
        purl=_purl(cid, ordered, version),
    )


def _merge_declared(ordered: Sequence[Evidence]) -> dict[str, Any]:
    """First-stated scalar wins (most confident first); lists are unioned in order."""
    merged: dict[str, Any] = {}
    provenance: dict[str, str] = {}
    bases: list[dict[str, Any]] = []
    datasets: list[str] = []
    for ev in ordered:
        declared = ev.attributes.get("declared")
        if not isinstance(declared, Mapping):
            continue
        prov = declared.get("provenance") or {}
        for key, value in declared.items():
            if key == "base_models" and isinstance(value, list):
                for base in value:
                    if (
                        isinstance(base, Mapping)
                        and base.get("ref")
                        and not any(b["ref"] == base["ref"] for b in bases)
                    ):
                        entry = dict(base)
                        entry.setdefault("source", _source_of(ev))
                        entry.setdefault("detail", ev.location.path)
                        bases.append(entry)
            elif key == "datasets" and isinstance(value, list):
                datasets.extend(d for d in value if isinstance(d, str) and d not in datasets)
            elif key != "provenance" and key not in merged and value not in (None, ""):
                merged[key] = value
                if isinstance(prov, Mapping) and key in prov:
                    provenance[key] = f"{_source_of(ev)}|{prov[key]}"
                else:
                    provenance[key] = f"{_source_of(ev)}|{ev.location}"
    if bases:
        merged["base_models"] = bases
    if datasets:
        merged["datasets"] = datasets
    merged["provenance"] = provenance
    return merged


def _source_of(ev: Evidence) -> str:
    if ev.kind is EvidenceKind.MODEL_CARD:
        return FactSource.MODEL_CARD.value
    if ev.kind is EvidenceKind.WEIGHT_FILE:
        fmt = ev.attributes.get("file", {}).get("format") if ev.attributes.get("file") else None
        return FactSource.GGUF.value if fmt == "gguf" else FactSource.WEIGHT_HEADER.value
    if ev.kind in (EvidenceKind.CODE_REF, EvidenceKind.API_REF, EvidenceKind.OLLAMA_REF):
        return FactSource.CODE.value
    return FactSource.CONFIG.value


def _provenance(declared: Mapping[str, Any], key: str) -> tuple[Provenance, ...]:
    raw = declared.get("provenance", {}).get(key)
    if not raw:
        return ()
    source, _, detail = str(raw).partition("|")
    return (Provenance(FactSource(source), detail),)


def _names(
    cid: ComponentId, ordered: Sequence[Evidence], declared: Mapping[str, Any]
) -> tuple[str, str | None, str | None]:
    kind = identity.scheme(cid)
    body = cid.split(":", 1)[1]
    if kind in ("hf", "modelscope"):
        repo, rev = identity.split_hf(cid)
        group, _, name = repo.rpartition("/")
        return name, group or None, rev
    if kind == "dataset":
        repo = body.split(":", 1)[1] if ":" in body else body
        group, _, name = repo.rpartition("/")
        return name, group or None, None
    if kind in ("api", "assistant", "pkg"):
        group, _, name = body.partition("/")
        version = None
        if kind == "pkg":
            version = _first_attr(ordered, "version")
            name = str(_first_attr(ordered, "name") or name)
        return name, group, version
    if kind == "ollama":
        name, _, tag = body.rpartition(":")
        return name, None, tag
    if kind == "file":
        return PurePosixPath(ordered[0].location.path).name, None, None
    if kind == "local":
        return str(declared.get("name") or PurePosixPath(body).name), None, None
    return body, None, None


def _first_attr(ordered: Sequence[Evidence], key: str) -> Any:
    for ev in ordered:
        value = ev.attributes.get(key)
        if value not in (None, ""):
            return value
    return None


def _pinned(cid: ComponentId, version: str | None) -> bool | None:
    kind = identity.scheme(cid)
    if kind in ("hf", "modelscope"):
        return identity.is_pinned_revision(version)
    if kind in ("file", "local"):
        return True  # the bytes are in the tree
    if kind == "ollama":
        return bool(version and version.startswith("sha256:"))
    return None


def _licence(declared: Mapping[str, Any]) -> Licence | None:
    raw = declared.get("license")
    name = declared.get("license_name")
    if not raw and not name:
        return None
    return Licence(
        expression=str(raw or name),
        name=str(name) if name else None,
        url=str(declared["license_link"]) if declared.get("license_link") else None,
        provenance=_provenance(declared, "license"),
    )


def _lineage(declared: Mapping[str, Any]) -> tuple[Ancestor, ...]:
    out: list[Ancestor] = []
    for base in declared.get("base_models", []):
        ref = str(base["ref"])
        aid = identity.hf(ref) if identity.is_hf_repo_id(ref) else ComponentId(f"name:{ref}")
        source = str(base.get("source") or FactSource.MODEL_CARD.value)
        out.append(
            Ancestor(
                id=aid,
                name=ref,
                relation=str(base.get("relation") or "unknown"),
                provenance=(Provenance(FactSource(source), str(base.get("detail") or "")),),
                depth=1,
            )
        )
    return tuple(out)


def _files(ordered: Sequence[Evidence]) -> tuple[WeightFile, ...]:
    files: dict[str, WeightFile] = {}
    for ev in ordered:
        info = ev.attributes.get("file")
        if ev.kind is not EvidenceKind.WEIGHT_FILE or not isinstance(info, Mapping):
            continue
        path = str(info.get("path") or ev.location.path)
        files[path] = WeightFile(
            path=path,
            size=int(info.get("size") or 0),
            format=str(info.get("format") or "unknown"),
            sha256=info.get("sha256"),
            metadata=dict(info.get("metadata") or {}),
        )
    return tuple(files[p] for p in sorted(files))


def _hashes(cid: ComponentId, files: Sequence[WeightFile]) -> tuple[Hash, ...]:
    if identity.scheme(cid) == "file":
        return (Hash("SHA-256", cid.rsplit(":", 1)[1]),)
    return ()


def _risks(ordered: Sequence[Evidence]) -> tuple[Risk, ...]:
    risks: dict[tuple[str, str, str], Risk] = {}
    for ev in ordered:
        for raw in ev.attributes.get("risks") or ():
            if not isinstance(raw, Mapping):
                continue
            risk = Risk(
                kind=str(raw.get("kind", "unknown")),
                detail=str(raw.get("detail", "")),
                location=ev.location,
                severity=str(raw.get("severity", "high")),
            )
            risks[(risk.kind, risk.detail, str(ev.location))] = risk
        if ev.attributes.get("trust_remote_code") is True:
            risk = Risk(
                "trust-remote-code",
                "loaded with trust_remote_code=True: the repository's Python code runs",
                ev.location,
                "high",
            )
            risks[(risk.kind, risk.detail, str(ev.location))] = risk
    return tuple(risks[k] for k in sorted(risks))


def _merge_extra(ordered: Sequence[Evidence]) -> dict[str, Any]:
    """Facts from code and config evidence that are not declared by an artefact."""
    props: dict[str, Any] = {}
    endpoints = sorted(
        {str(ev.attributes["base_url"]) for ev in ordered if ev.attributes.get("base_url")}
    )
    hosts = sorted({str(ev.attributes["host"]) for ev in ordered if ev.attributes.get("host")})
    if endpoints:
        props["endpoints"] = endpoints
    if hosts:
        props["hosts"] = hosts
    sdks = sorted({str(ev.attributes["sdk"]) for ev in ordered if ev.attributes.get("sdk")})
    if sdks:
        props["sdks"] = sdks
    if any(ev.attributes.get("trust_remote_code") is True for ev in ordered):
        props["trust_remote_code"] = True
    env_vars = sorted(
        {str(ev.attributes["env_var"]) for ev in ordered if ev.attributes.get("env_var")}
    )
    if env_vars:
        props["env_vars"] = env_vars
    absent = sorted(
        {
            f"{ev.attributes.get('local_path') or ev.location.path}"
            f" ({ev.attributes['not_in_checkout']})"
            for ev in ordered
            if ev.attributes.get("not_in_checkout")
        }
    )
    if absent:
        # Weights named but not in the checkout (an LFS pointer, a path outside the tree):
        # the identity may be exact, the content was not read. The policy decides.
        props["not_in_checkout"] = absent
    data = sorted(
        {str(ev.attributes["data_file"]) for ev in ordered if ev.attributes.get("data_file")}
    )
    if data:
        props["data_file"] = data
    assistant = _merge_assistant(ordered)
    if assistant:
        props["assistant"] = assistant
    return props


def _merge_assistant(ordered: Sequence[Evidence]) -> dict[str, Any]:
    """Combine the assistant payloads of commit and config evidence into one.

    Commits are kept once per sha (sorted by sha), path counts are summed, lists of strings
    (models, endpoints, providers, configs, attribution_off) are unioned and sorted, and
    for any other key the most confident evidence's value wins.
    """
    merged: dict[str, Any] = {}
    lists: dict[str, set[str]] = defaultdict(set)
    commits: dict[str, Any] = {}
    path_counts: dict[str, int] = defaultdict(int)
    for ev in ordered:
        payload = ev.attributes.get("assistant")
        if not isinstance(payload, Mapping):
            continue
        for key, value in payload.items():
            if key == "commits" and isinstance(value, list):
                for commit in value:
                    if isinstance(commit, Mapping) and commit.get("sha"):
                        commits.setdefault(str(commit["sha"]), dict(commit))
            elif key == "path_counts" and isinstance(value, Mapping):
                for path, count in value.items():
                    path_counts[str(path)] += int(count)
            elif isinstance(value, list) and all(isinstance(v, str) for v in value):
                lists[key].update(value)
            elif key not in merged and value not in (None, "", [], {}):
                merged[key] = value
        if ev.kind is EvidenceKind.ASSISTANT_CONFIG and ev.location.path:
            lists["configs"].add(ev.location.path)
    if not merged and not commits and not any(lists.values()):
        return {}
    for key in sorted(lists):
        if lists[key]:
            merged[key] = sorted(lists[key])
    if commits:
        merged["commits"] = [commits[sha] for sha in sorted(commits)]
        merged["commit_count"] = len(commits)
    if path_counts:
        merged["path_counts"] = {p: path_counts[p] for p in sorted(path_counts)}
    return merged


def _purl(cid: ComponentId, ordered: Sequence[Evidence], version: str | None) -> str | None:
    kind = identity.scheme(cid)
    if kind == "hf":
        repo, rev = identity.split_hf(cid)
        return identity.hf_purl(repo, rev)
    if kind == "pkg":
        given = _first_attr(ordered, "purl")
        if isinstance(given, str) and given.startswith("pkg:"):
            return given
        ptype, _, name = cid.split(":", 1)[1].partition("/")
        return PackageURL(ptype, None, name, version).to_string()
    return None
