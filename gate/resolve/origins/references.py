"""References: the identity a model reference denotes, as a user or a client config writes it."""

from __future__ import annotations

from gate import identity
from gate.model import (
    Component,
    ComponentId,
    Role,
)
from gate.recognise import Knowledge, Serving, Site, SiteKind, recognise
from gate.registry import Registry


def model_identity(model: str, registry: Registry) -> ComponentId | None:
    """The identity of a model as a client config names it (the recogniser's answer for an
    assistant config: litellm ``provider/model`` first)."""
    found = recognise(model, _ASSISTANT_SITE, Serving(), Knowledge(registry))
    return found.identity if found is not None else None


def identity_for_reference(text: str, registry: Registry) -> ComponentId | None:
    """The identity a model reference denotes, as a user writes it (the recogniser's answer
    for user input): ``hf:…``/``api:…``/``ollama:…`` identities pass through (completed:
    ``@unpinned``, ``:latest``); ``org/name`` and Hub URLs are Hub models; a litellm
    ``provider/model`` is the provider's hosted model; ``name:tag`` and Ollama library names
    are Ollama models; a bare hosted name is its provider's (``gpt-4o``). None when the text
    names nothing aigate can place."""
    ref = text.strip()
    if not ref or len(ref) > identity.MAX_LENGTH:
        return None
    if ref.lower().startswith("pkg:"):
        return ComponentId(ref) if identity.problem(ref) is None else None
    found = recognise(ref, _USER_SITE, Serving(), Knowledge(registry))
    return found.identity if found is not None else None


_USER_SITE = Site(SiteKind.USER_INPUT)
_ASSISTANT_SITE = Site(SiteKind.ASSISTANT_CONFIG)


def bare_component(cid: ComponentId) -> Component:
    """A component known only by its identity (no evidence), ready to be resolved."""
    kind = identity.scheme(cid)
    role = {
        "api": Role.HOSTED_API,
        "ollama": Role.RUNTIME_MODEL,
        "assistant": Role.CODE_ASSISTANT,
        "dataset": Role.DATASET,
        "pkg": Role.SDK,
    }.get(kind, Role.RUNTIME_MODEL)
    body = cid.split(":", 1)[1]
    group: str | None = None
    version: str | None = None
    if kind in ("hf", "modelscope"):
        repo, version = identity.split_hf(cid)
        group, _, name = repo.rpartition("/")
    elif kind in ("api", "assistant"):
        group, _, name = body.partition("/")
    elif kind == "ollama":
        name, _, version = body.rpartition(":")
    else:
        name = body
    pinned: bool | None = None
    if kind in ("hf", "modelscope"):
        pinned = identity.is_pinned_revision(version)
    elif kind == "ollama":
        pinned = bool(version and version.startswith("sha256:"))
    elif kind in ("file", "local"):
        pinned = True
    return Component(
        id=cid, role=role, name=name, group=group or None, version=version, pinned=pinned
    )
