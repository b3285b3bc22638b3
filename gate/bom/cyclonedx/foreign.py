"""Other tools' BOMs (cdxgen, cyclonedx-py, …): identities, roles, weight files and
services from what they state, and what they lack."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from packageurl import PackageURL

from gate import identity
from gate.bom.cyclonedx.fields import licence_from, prop_map, prop_value
from gate.bom.properties import Prop
from gate.model import Component, ComponentId, Role, WeightFile
from gate.recognise import Serving, Site, SiteKind, knowledge, recognise
from gate.registry import endpoints


def foreign_identity(comp: Mapping[str, Any]) -> ComponentId:
    purl = comp.get("purl")
    if isinstance(purl, str) and purl.startswith("pkg:"):
        try:
            parsed = PackageURL.from_string(purl)
        except ValueError:
            parsed = None
        if parsed is not None and parsed.type == "huggingface":
            repo = f"{parsed.namespace}/{parsed.name}" if parsed.namespace else parsed.name
            return identity.hf(repo, parsed.version)
        if parsed is not None:
            return identity.package(parsed.type, parsed.name)
    for h in comp.get("hashes", []) or []:
        if str(h.get("alg", "")).upper() == "SHA-256":
            return identity.file_digest(str(h.get("content", "")).lower())
    group = comp.get("group")
    name = str(comp.get("name", "unnamed"))
    return ComponentId(f"name:{group}/{name}" if group else f"name:{name}")


def _model_word(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def name_conflict(comp: Mapping[str, Any]) -> str | None:
    """Why another tool's model component names one model and its purl another, or None.

    Such a component is identified by its purl (the registry's key), but a name that says
    Qwen on a purl that says Llama is either an error or a disguise: it is reported, never
    judged silently by the purl alone. Names agree when one contains the other, ignoring
    case, punctuation and the organisation (``Qwen2.5-7B`` and ``qwen/qwen2.5-7b-instruct``).
    """
    purl, name = comp.get("purl"), comp.get("name")
    if comp.get("type") not in ("machine-learning-model", "data"):
        return None
    if not isinstance(purl, str) or not isinstance(name, str) or not name.strip():
        return None
    try:
        parsed = PackageURL.from_string(purl)
    except ValueError:
        return None
    said = _model_word(name.rsplit("/", 1)[-1])
    named = _model_word(parsed.name)
    if not said or not named or said in named or named in said:
        return None
    repo = f"{parsed.namespace}/{parsed.name}" if parsed.namespace else parsed.name
    return (
        f"the BOM names this component {name!r} but its purl names {repo!r}: it is judged as"
        " the purl's model; check which one ships"
    )


def foreign_role(comp: Mapping[str, Any]) -> Role:
    kind = comp.get("type")
    if kind == "data":
        return Role.DATASET
    if kind == "machine-learning-model":
        return Role.EMBEDDED_WEIGHTS if comp.get("hashes") else Role.RUNTIME_MODEL
    if kind == "file":
        return Role.EMBEDDED_WEIGHTS
    return Role.SDK


def what_foreign_lacks(components: Sequence[Component]) -> str:
    """The facts some of these components lack, as a phrase ("" when none is missing)."""
    gaps = []
    if any(c.publisher is None or c.publisher.country is None for c in components):
        gaps.append("publisher country")
    if any(
        c.role is Role.HOSTED_API and (c.served_by is None or not c.served_by.country)
        for c in components
    ):
        gaps.append("serving country")
    if any(not c.evidence for c in components):
        gaps.append("evidence locations")
    if any(c.licence is None for c in components):
        gaps.append("licences")
    if any(
        (c.role is Role.EMBEDDED_WEIGHTS and not c.hashes) or any(f.sha256 is None for f in c.files)
        for c in components
    ):
        gaps.append("weight hashes")
    return ", ".join(gaps)


# Weight formats whose name is their file extension (the rest read as "unknown").
_FORMAT_BY_SUFFIX = {
    "gguf": "gguf",
    "ggml": "ggml",
    "safetensors": "safetensors",
    "onnx": "onnx",
    "tflite": "tflite",
    "keras": "keras",
    "h5": "hdf5",
    "hdf5": "hdf5",
    "npy": "npy",
    "npz": "npz",
    "mlmodel": "coreml",
    "pt": "pytorch",
    "pth": "pytorch",
    "pkl": "pickle",
    "pickle": "pickle",
}


def own_weight_file(comp: Mapping[str, Any], files: Sequence[WeightFile]) -> list[WeightFile]:
    """A foreign ``file`` component, or an ML model with a digest and no nested files, is a
    weight file: integrity rules must see its hash, or that it has none."""
    kind = comp.get("type")
    sha = next(
        (
            str(h.get("content", "")).lower()
            for h in comp.get("hashes", []) or []
            if isinstance(h, dict) and str(h.get("alg", "")).upper() == "SHA-256"
        ),
        None,
    )
    if kind == "file" or (kind == "machine-learning-model" and sha and not files):
        name = str(comp.get("name", ""))
        suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        size_raw = next(
            (
                p.get("value")
                for p in comp.get("properties", []) or []
                if isinstance(p, dict) and str(p.get("name", "")).lower().endswith("size")
            ),
            None,
        )
        size = int(size_raw) if isinstance(size_raw, str) and size_raw.isdigit() else 0
        return [
            WeightFile(
                path=name,
                size=size,
                format=_FORMAT_BY_SUFFIX.get(suffix, "unknown"),
                sha256=sha,
                metadata={"stated_by": "bom"},
            )
        ]
    return []


def services_from(
    doc: Mapping[str, Any], known: Mapping[str, Component], source_path: str
) -> list[Component]:
    """``services[]`` (nested ones too) as hosted-API components.

    aigate writes one service per hosted-API component, naming it (``aigate:id``); those are
    already read. Another tool's service becomes ``api:<provider>/<model>``: the provider
    from its endpoint's host (the endpoint table's key, else the host itself), the model
    from a model property or a name the hosted-name table knows, else ``*`` (unknown).
    """
    out: list[Component] = []
    queue = deque(s for s in doc.get("services", []) or [] if isinstance(s, Mapping))
    while queue:
        svc = queue.popleft()  # a list's pop(0) made 50,000 components quadratic
        queue.extend(s for s in svc.get("services", []) or [] if isinstance(s, Mapping))
        props = prop_map(svc)
        own_id = prop_value(props, Prop.ID)
        if own_id is not None and own_id in known:
            continue
        out.extend(_service_components(svc, props, source_path))
    return out


def _service_components(
    svc: Mapping[str, Any], props: Mapping[str, list[str]], source_path: str
) -> list[Component]:
    name = str(svc.get("name", "")).strip()
    model = _service_model(name, props)
    urls = sorted({str(e).strip() for e in svc.get("endpoints", []) or [] if str(e).strip()})
    by_provider: dict[str, list[str]] = {}
    for url in urls:
        host = endpoints.host_of(url)
        if not host:
            continue
        ep = endpoints.lookup(host)
        by_provider.setdefault(ep.provider if ep is not None else host, []).append(url)
    if not by_provider:
        # No endpoint: the provider the BOM names, else unknown; where it is served is unknown.
        provider_name = str((svc.get("provider") or {}).get("name") or "").strip()
        key = "".join(c if c.isalnum() or c in "-." else "-" for c in provider_name.lower())
        by_provider[key.strip("-") or "unknown"] = []
    stated = svc.get("provider") if isinstance(svc.get("provider"), Mapping) else None
    out = []
    for provider, hosts in sorted(by_provider.items()):
        facts: dict[str, Any] = {"service": name or None}
        if hosts:
            facts["endpoints"] = hosts
        if stated and stated.get("name"):
            address = stated.get("address") or {}
            facts["service_provider"] = {
                "name": str(stated["name"]),
                "country": address.get("country") if isinstance(address, Mapping) else None,
            }
        out.append(
            Component(
                id=_service_identity(model, provider, hosts[0] if hosts else None),
                role=Role.HOSTED_API,
                name=model if model != "*" else (name or "*"),
                group=provider,
                version=svc.get("version"),
                licence=licence_from(svc, props, source_path),
                properties={k: v for k, v in facts.items() if v is not None},
            )
        )
    return out


def _service_identity(model: str, provider: str, url: str | None) -> ComponentId:
    """The identity of a foreign service's model: the recogniser's answer for the model
    served at its endpoint (one string, one identity: the same as in a scan or ``explain``),
    else ``api:<provider>/<model>`` as the BOM states it."""
    if model != "*":
        kn = knowledge()
        hint = provider if provider != "unknown" else None
        serving = Serving(base_url=url) if url else Serving(provider_hint=hint)
        found = recognise(model, _FOREIGN_SERVICE, serving, kn)
        if found is not None:
            return found.identity
    return identity.api(provider, model)


_FOREIGN_SERVICE = Site(SiteKind.FOREIGN_BOM)


def _service_model(name: str, props: Mapping[str, list[str]]) -> str:
    for key, values in sorted(props.items()):
        tail = key.lower().rsplit(":", 1)[-1]
        if tail in ("model", "model-name", "model_name", "modelid", "model-id") and values:
            value = values[0].strip()
            if value:
                return value
    if name and knowledge().api_model(name.lower()) is not None:
        return name
    return "*"


def merge_service(first: Component, other: Component) -> Component:
    """Two services of one identity: one component listing every endpoint."""
    merged = dict(first.properties)
    hosts = sorted({*first.properties.get("endpoints", []), *other.properties.get("endpoints", [])})
    if hosts:
        merged["endpoints"] = hosts
    return replace(first, properties=merged)
