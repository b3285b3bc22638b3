"""What a release adds, removes and changes in its AI supply chain, against a baseline.

Components are matched across the two inventories by identity, and failing that by what
stays put when content moves: a Hub model's repository when only its revision changed, a
weight file's path when only its hash changed. Each change names its aspect and says
whether it matters for security (a new ancestor, a new country, a new licence, new content
or a new risk does; a removed one does not), so that ``aigate check --baseline BASE
--new-only`` can judge only what the release introduces (:func:`introduced`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from gate import identity
from gate.model import Component, ComponentId, Inventory, Party


class Aspect(StrEnum):
    """What changed about a component."""

    REVISION = "revision"
    VERSION = "version"
    ROLE = "role"
    PINNED = "pinned"
    PUBLISHER = "publisher"
    PUBLISHER_COUNTRY = "publisher-country"
    PUBLISHER_PARENT = "publisher-parent"
    PUBLISHER_PARENT_COUNTRY = "publisher-parent-country"
    ENTITY_LISTED = "entity-listed"
    SERVED_BY = "served-by"
    SERVED_BY_COUNTRY = "served-by-country"
    LICENCE = "licence"
    LICENCE_CATEGORY = "licence-category"
    ANCESTOR_ADDED = "ancestor-added"
    ANCESTOR_REMOVED = "ancestor-removed"
    ANCESTOR_COUNTRY = "ancestor-country"
    HASH = "hash"
    FILE_ADDED = "file-added"
    FILE_REMOVED = "file-removed"
    FILE_HASH = "file-hash"
    DATASET_ADDED = "dataset-added"
    DATASET_REMOVED = "dataset-removed"
    RISK_ADDED = "risk-added"
    RISK_REMOVED = "risk-removed"


@dataclass(frozen=True, slots=True)
class Change:
    """One aspect of a component that differs between base and head."""

    aspect: Aspect
    before: str | None
    after: str | None
    relevant: bool
    """Security-relevant: the release introduces something a policy may judge anew."""
    subject: str | None = None
    """What the change is about when the aspect has several (an ancestor, a file, a risk)."""


@dataclass(frozen=True, slots=True)
class ComponentChange:
    """A component present on both sides, with what changed."""

    id: ComponentId
    """The identity in head."""
    base_id: ComponentId
    changes: tuple[Change, ...]

    @property
    def relevant(self) -> bool:
        """At least one change is security-relevant."""
        return any(c.relevant for c in self.changes)


@dataclass(frozen=True, slots=True)
class InventoryDiff:
    """Base → head: components added, removed and changed, each list sorted by identity."""

    base: str
    head: str
    added: tuple[Component, ...]
    removed: tuple[Component, ...]
    changed: tuple[ComponentChange, ...]
    unchanged: int

    def introduced(self) -> frozenset[ComponentId]:
        """Head components that are new, or changed in a security-relevant way."""
        return frozenset(c.id for c in self.added) | frozenset(
            c.id for c in self.changed if c.relevant
        )


def match_key(comp: Component) -> str:
    """What identifies a component across releases when its exact identity moved.

    A Hub model is the same repository at another revision; a weight file known only by
    its hash is the same file path with new content. Other identities are already stable.
    """
    cid = str(comp.id)
    kind = identity.scheme(cid)
    if kind in ("hf", "modelscope"):
        repo, _ = identity.split_hf(cid)
        return f"{kind}:{repo}"
    if cid.startswith("file:sha256:"):
        paths = sorted(f.path for f in comp.files) or sorted(
            e.location.path for e in comp.evidence if e.location.path
        )
        if paths:
            return f"file-at:{paths[0]}"
    return cid


def _country(party: Party | None) -> str | None:
    return party.country if party else None


def _changed(
    aspect: Aspect, before: object, after: object, relevant: bool, subject: str | None = None
) -> list[Change]:
    if before == after:
        return []
    return [
        Change(
            aspect,
            None if before is None else str(before),
            None if after is None else str(after),
            relevant,
            subject,
        )
    ]


def _revision(comp: Component) -> str | None:
    cid = str(comp.id)
    if identity.scheme(cid) in ("hf", "modelscope"):
        return identity.split_hf(cid)[1] or identity.UNPINNED
    return None


def _sets(
    aspect_added: Aspect,
    aspect_removed: Aspect,
    before: Iterable[str],
    after: Iterable[str],
    *,
    removed_relevant: bool = False,
) -> list[Change]:
    old, new = set(before), set(after)
    out = [Change(aspect_added, None, item, True, item) for item in sorted(new - old)]
    out += [
        Change(aspect_removed, item, None, removed_relevant, item) for item in sorted(old - new)
    ]
    return out


def compare(base: Component, head: Component) -> tuple[Change, ...]:
    """Every aspect that differs, in a fixed order."""
    out: list[Change] = []
    out += _changed(Aspect.REVISION, _revision(base), _revision(head), True)
    if base.version != head.version and _revision(head) is None:
        out += _changed(Aspect.VERSION, base.version, head.version, True)
    out += _changed(Aspect.ROLE, base.role.value, head.role.value, True)
    # Losing a pin lets content move under the release; gaining one is an improvement.
    out += _changed(Aspect.PINNED, base.pinned, head.pinned, base.pinned is True)

    bp, hp = base.publisher, head.publisher
    out += _changed(Aspect.PUBLISHER, bp.name if bp else None, hp.name if hp else None, True)
    out += _changed(Aspect.PUBLISHER_COUNTRY, _country(bp), _country(hp), True)
    out += _changed(
        Aspect.PUBLISHER_PARENT, bp.parent if bp else None, hp.parent if hp else None, True
    )
    out += _changed(
        Aspect.PUBLISHER_PARENT_COUNTRY,
        bp.parent_country if bp else None,
        hp.parent_country if hp else None,
        True,
    )
    out += _changed(
        Aspect.ENTITY_LISTED,
        bp.entity_listed if bp else None,
        hp.entity_listed if hp else None,
        bool(hp and hp.entity_listed),
    )

    bs, hs = base.served_by, head.served_by
    out += _changed(Aspect.SERVED_BY, bs.host if bs else None, hs.host if hs else None, True)
    out += _changed(
        Aspect.SERVED_BY_COUNTRY, bs.country if bs else None, hs.country if hs else None, True
    )

    bl, hl = base.licence, head.licence
    out += _changed(
        Aspect.LICENCE, bl.expression if bl else None, hl.expression if hl else None, True
    )
    out += _changed(
        Aspect.LICENCE_CATEGORY,
        bl.category.value if bl else None,
        hl.category.value if hl else None,
        True,
    )

    base_anc = {str(a.id): a for a in base.lineage}
    head_anc = {str(a.id): a for a in head.lineage}
    out += _sets(Aspect.ANCESTOR_ADDED, Aspect.ANCESTOR_REMOVED, base_anc, head_anc)
    for aid in sorted(base_anc.keys() & head_anc.keys()):
        out += _changed(
            Aspect.ANCESTOR_COUNTRY,
            _country(base_anc[aid].publisher),
            _country(head_anc[aid].publisher),
            True,
            aid,
        )

    def digests(comp: Component) -> str | None:
        values = sorted(f"{h.alg}:{h.value}" for h in comp.hashes)
        return " ".join(values) if values else None

    out += _changed(Aspect.HASH, digests(base), digests(head), True)
    base_files = {f.path: f for f in base.files}
    head_files = {f.path: f for f in head.files}
    out += _sets(Aspect.FILE_ADDED, Aspect.FILE_REMOVED, base_files, head_files)
    for path in sorted(base_files.keys() & head_files.keys()):
        out += _changed(
            Aspect.FILE_HASH, base_files[path].sha256, head_files[path].sha256, True, path
        )

    out += _sets(
        Aspect.DATASET_ADDED,
        Aspect.DATASET_REMOVED,
        (str(d) for d in base.datasets),
        (str(d) for d in head.datasets),
    )
    out += _sets(
        Aspect.RISK_ADDED,
        Aspect.RISK_REMOVED,
        (f"{r.kind}: {r.detail}" for r in base.risks),
        (f"{r.kind}: {r.detail}" for r in head.risks),
    )
    return tuple(out)


def _pairs(
    base: Inventory, head: Inventory
) -> tuple[list[tuple[Component, Component]], list[Component], list[Component]]:
    """Matched (base, head) pairs, then the unmatched head and base components."""
    base_by_id = {c.id: c for c in base.components}
    head_by_id = {c.id: c for c in head.components}
    pairs = [(base_by_id[cid], head_by_id[cid]) for cid in sorted(base_by_id.keys() & head_by_id)]
    left: dict[str, list[Component]] = defaultdict(list)
    right: dict[str, list[Component]] = defaultdict(list)
    for cid in sorted(base_by_id.keys() - head_by_id.keys()):
        left[match_key(base_by_id[cid])].append(base_by_id[cid])
    for cid in sorted(head_by_id.keys() - base_by_id.keys()):
        right[match_key(head_by_id[cid])].append(head_by_id[cid])
    added: list[Component] = []
    removed: list[Component] = []
    for key in sorted(left.keys() | right.keys()):
        olds, news = left.get(key, []), right.get(key, [])
        # Only a one-to-one move is a change; anything else would be a guess.
        if len(olds) == 1 and len(news) == 1:
            pairs.append((olds[0], news[0]))
        else:
            removed += olds
            added += news
    return pairs, added, removed


def diff(
    base: Inventory, head: Inventory, *, base_label: str = "base", head_label: str = "head"
) -> InventoryDiff:
    """Compare two inventories (deterministic: every list is sorted by identity)."""
    pairs, added, removed = _pairs(base, head)
    changed = []
    unchanged = 0
    for old, new in pairs:
        changes = compare(old, new)
        if changes:
            changed.append(ComponentChange(new.id, old.id, changes))
        else:
            unchanged += 1
    return InventoryDiff(
        base=base_label,
        head=head_label,
        added=tuple(sorted(added, key=lambda c: c.id)),
        removed=tuple(sorted(removed, key=lambda c: c.id)),
        changed=tuple(sorted(changed, key=lambda c: c.id)),
        unchanged=unchanged,
    )


def introduced(base: Inventory, head: Inventory) -> frozenset[ComponentId]:
    """Head components that are new or changed in a security-relevant way.

    This is what ``aigate check --baseline BASE --new-only`` evaluates: everything else was
    already in the baseline release as it is now.
    """
    return diff(base, head).introduced()
