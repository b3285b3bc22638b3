"""Hand each rule package only the input it declares it reads (METADATA ``custom.input``).

regopy spends its time building terms and finding objects: at 10,000 components the
release pack took 20-30 s. Most components share the facts per-component rules read
(publisher, lineage, licence, serving host, risks), so a package that declares
``per_component`` fields is evaluated once per distinct set of those facts: each distinct
set stands in the input as one component whose id is a placeholder (keeping the id's
scheme, ``hf:``), and every finding about it is copied to each component that shares it,
the placeholder replaced by the component's id wherever it appears. A package that declares
``roles`` sees only components of those roles, whole. A package with no declaration (every
user module unless it says otherwise) sees the whole input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gate.errors import PolicyError
from gate.policy.metadata import InputScope

_OPEN, _CLOSE = "\ue000", "\ue001"
"""Private-use characters around a placeholder's number: no real id or fact holds them."""
_SLOT = re.compile("\ue002([0-9]+)\ue003")
"""An opaque value's stand-in: its position among the component's opaque values."""


@dataclass(frozen=True, slots=True)
class Prepared:
    """The input one group of packages is evaluated on, and how to read its findings back."""

    doc: Mapping[str, Any]
    members: Mapping[str, Sequence[tuple[str, tuple[str, ...]]]] = field(default_factory=dict)
    """Placeholder id → (id, opaque values) of each component it stands for."""


def _pick(component: Mapping[str, Any], name: str, keys: Sequence[str] | None) -> Any:
    """A field of a component, or only some keys of it (of each element, for a list)."""
    value = component.get(name)
    if keys is None or value is None:
        return value
    if isinstance(value, list):
        return [{k: v.get(k) for k in keys} if isinstance(v, dict) else v for v in value]
    if isinstance(value, dict):
        return {k: value.get(k) for k in keys}
    return value


def _scheme(cid: str) -> str:
    head, colon, _ = cid.partition(":")
    return head + colon


def _hollow(value: Any, keys: frozenset[str], found: list[str]) -> Any:
    """The value with each opaque key's text replaced by a slot (collected in ``found``)."""

    def one(obj: Any) -> Any:
        if not isinstance(obj, dict):
            return obj
        out = dict(obj)
        for k in keys:
            text = out.get(k)
            if isinstance(text, str) and text:
                out[k] = f"\ue002{len(found)}\ue003"
                found.append(text)
        return out

    if isinstance(value, list):
        return [one(v) for v in value]
    return one(value)


def _describe(
    comp: Mapping[str, Any],
    name: str,
    keys: Sequence[str] | None,
    hidden: frozenset[str] | None,
    offset: int,
) -> tuple[Any, str, tuple[str, ...]]:
    """A field as the scoped input holds it, its text in the signature, and the opaque
    values it hid (numbered from ``offset``, the component's opaque values before it)."""
    value = comp.get(name) if keys is None else _pick(comp, name, keys)
    if hidden is not None and value:
        found: list[str] = [""] * offset
        value = _hollow(value, hidden, found)
        return value, repr(value), tuple(found[offset:])
    return value, repr(value), ()


def prepare(
    doc: Mapping[str, Any], scope: InputScope | None, described: dict[Any, Any] | None = None
) -> Prepared:
    """The input for packages of one scope (None: the whole input); ``described`` keeps
    the text of facts already seen across calls on one document."""
    if scope is None:
        return Prepared(doc)
    components: list[Mapping[str, Any]] = list(doc.get("components") or ())
    if scope.roles is not None:
        roles = set(scope.roles)
        components = [c for c in components if c.get("role") in roles]
    out = {k: v for k, v in doc.items() if k != "components"}
    if scope.per_component is None:
        out["components"] = components
        return Prepared(out)
    whole_id = "id" in scope.per_component
    wanted: dict[str, list[str] | None] = {}
    for path in scope.per_component:
        name, _, key = path.partition(".")
        if name == "id":
            continue
        have = wanted.get(name, [])
        if not key:
            wanted[name] = None  # the whole field
        elif have is not None:
            wanted[name] = [*have, key]
    opaque: dict[str, frozenset[str]] = {}
    for path in scope.opaque:
        name, _, key = path.partition(".")
        opaque[name] = opaque.get(name, frozenset()) | {key}
    # Equal facts are often one shared object (gate.policy.input shares them): describe
    # each object once. Equal reprs mean equal JSON values; unequal ones only cost sharing.
    if described is None:
        described = {}
    plan = [
        (name, keys, tuple(keys) if keys is not None else None, opaque.get(name))
        for name, keys in wanted.items()
    ]
    groups: dict[tuple[str, ...], tuple[dict[str, Any], list[tuple[str, tuple[str, ...]]]]] = {}
    for comp in components:
        cid = str(comp.get("id"))
        facts: dict[str, Any] = {}
        values: list[str] = []
        key_parts = [cid if whole_id else _scheme(cid)]
        for name, keys, key_tuple, hidden in plan:
            raw = comp.get(name)
            if raw and (type(raw) is dict or type(raw) is list):
                memo_key = (id(raw), name, key_tuple, hidden, len(values))
                hit = described.get(memo_key)
                if hit is None:
                    hit = described[memo_key] = _describe(comp, name, keys, hidden, len(values))
                value, text, found = hit
                if found:
                    values.extend(found)
            else:
                value, text, found = _describe(comp, name, keys, hidden, len(values))
                values.extend(found)
            key_parts.append(text)
            facts[name] = value
        signature = tuple(key_parts)
        group = groups.get(signature)
        if group is None:
            groups[signature] = (facts, [(cid, tuple(values))])
        else:
            group[1].append((cid, tuple(values)))
    members: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    reps: list[dict[str, Any]] = []
    for n, (facts, ids) in enumerate(groups.values()):
        placeholder = f"{_scheme(ids[0][0])}{_OPEN}{n}{_CLOSE}"
        members[placeholder] = ids
        reps.append({"id": placeholder, **facts})
    out["components"] = reps
    return Prepared(out, members)


def _marks(value: Any) -> Any:
    """Where a finding holds placeholders: True for such a string, a dict/list of the
    parts that do, None where nothing does (that part is shared by every copy as is)."""
    if isinstance(value, str):
        return True if (_OPEN in value or "\ue002" in value) else None
    if isinstance(value, dict):
        inner = {k: m for k, v in value.items() if (m := _marks(v)) is not None}
        return inner or None
    if isinstance(value, list):
        items = {i: m for i, v in enumerate(value) if (m := _marks(v)) is not None}
        return items or None
    return None


def _fill(value: Any, marks: Any, placeholder: str, cid: str, values: tuple[str, ...]) -> Any:
    if marks is True:
        text = str(value).replace(placeholder, cid)
        if values:
            text = _SLOT.sub(lambda m: values[int(m.group(1))], text)
        return text
    if isinstance(value, dict):
        out = dict(value)
        for k, m in marks.items():
            out[k] = _fill(value[k], m, placeholder, cid, values)
        return out
    items = list(value)
    for i, m in marks.items():
        items[i] = _fill(value[i], m, placeholder, cid, values)
    return items


def fan_out(
    value: Mapping[str, Mapping[str, Any]], prepared: Prepared, paths: Mapping[str, str]
) -> dict[str, dict[str, Any]]:
    """The rules' results with each finding about a placeholder copied to its components.

    ``value`` is ``{area: {rule: [finding, ...]}}``; anything else is left for the engine's
    checks. A finding that mentions a placeholder it cannot be traced back from (no
    component, or the placeholder cut or rewritten) means the package does not judge each
    component alone after all: an error, never a guess.
    """
    if not prepared.members:
        return {a: dict(r) for a, r in value.items()}
    out: dict[str, dict[str, Any]] = {}
    for area, rules in value.items():
        out[area] = {}
        for name, raw in rules.items():
            if not isinstance(raw, list):
                out[area][name] = raw
                continue
            items: list[Any] = []
            for item in raw:
                component = item.get("component") if isinstance(item, dict) else None
                ids = prepared.members.get(component) if isinstance(component, str) else None
                marks = _marks(item)
                if marks is None:
                    items.append(item)
                    continue
                copies = (
                    [item]
                    if ids is None
                    else [_fill(item, marks, str(component), cid, vals) for cid, vals in ids]
                )
                if _marks(copies[0]) is not None:
                    raise PolicyError(
                        paths.get(area, area),
                        f"{name} produced a finding that aigate cannot trace back to one"
                        " component, but its package declares input.per_component (each"
                        " component judged alone, its id and opaque fields only copied):"
                        " remove the declaration, or judge each component alone",
                    )
                items.extend(copies)
            out[area][name] = items
    return out
