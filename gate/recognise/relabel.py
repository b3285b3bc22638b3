"""One value, one identity in an app: a mention whose identity only the value's shape decided
takes the identity the app's authoritative mentions of the same value give, when they all
agree. Three rules use it: a call sending the value to a provider (``refs.served_as_called``),
the env file configuring it under the same variable (``envdefaults``), a catalogue placing it
under a provider (``project.listed_as_placed``). What moves with the identity is the serving
(:data:`gate.recognise.site.SERVING_ATTRIBUTES`), the same list for every rule.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace

from gate.model import JSON, Evidence
from gate.recognise.site import SERVING_ATTRIBUTES

_PIN = ("pinned", "revision")
"""A Hub reading's pin: meaningless once the value is a hosted model."""


@dataclass(frozen=True, slots=True)
class Rule:
    """Which mentions decide a value's identity and which take it.

    ``authority(ev)``: the key under which ``ev`` decides (None: it does not);
    ``follower(ev)``: the key under which ``ev`` takes the agreed identity (None: it keeps
    its own); ``takes(ev, by)``: whether it takes this one; ``mark``: the attribute recording
    where the identity came from, valued ``where(by)``; ``drop``: further attributes the
    follower loses with its old reading."""

    authority: Callable[[Evidence], Hashable | None]
    follower: Callable[[Evidence], Hashable | None]
    mark: str
    where: Callable[[Evidence], JSON]
    takes: Callable[[Evidence, Evidence], bool] = lambda ev, by: True
    drop: tuple[str, ...] = ()


def relabel(found: Sequence[Evidence], rule: Rule) -> list[Evidence]:
    """``found`` with every follower of a key whose authorities agree on one identity given
    that identity (and its serving); the rest unchanged, order kept."""
    agreed: dict[Hashable, dict[str, Evidence]] = {}
    for ev in found:
        key = rule.authority(ev)
        if key is not None:
            agreed.setdefault(key, {}).setdefault(ev.identity, ev)
    if not agreed:
        return list(found)
    out: list[Evidence] = []
    for ev in found:
        key = rule.follower(ev)
        by_id = agreed.get(key) if key is not None else None
        if by_id is not None and len(by_id) == 1:
            (by,) = by_id.values()
            if rule.takes(ev, by):
                ev = taken(ev, by, rule.mark, rule.where(by), rule.drop)
        out.append(ev)
    return out


def taken(
    ev: Evidence, by: Evidence, mark: str, where: JSON, drop: tuple[str, ...] = ()
) -> Evidence:
    """``ev`` read as ``by`` reads the same value: its identity, kind, role and serving."""
    attrs: dict[str, JSON] = {
        k: v for k, v in ev.attributes.items() if k not in _PIN and k not in drop
    }
    attrs.update({k: by.attributes[k] for k in SERVING_ATTRIBUTES if k in by.attributes})
    attrs[mark] = where
    return replace(ev, identity=by.identity, kind=by.kind, role=by.role, attributes=attrs)
