"""Lineage: which models a model was made from, nearest first, with who made each.

Parents come from what the artefact declares (model card ``base_model``, ``adapter_config.json``,
GGUF ``general.base_model.*``), then the registry's known models, then the Hub (cache, or online),
and only when none of these says anything, from the name (``bartowski/…-GGUF`` is a
quantisation of the model it names). A name rule is always recorded as a heuristic naming the
rule. Walks are breadth-first, cycle-safe and bounded in depth and size.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick_rs

from gate import identity
from gate.model import Ancestor, ComponentId, FactSource, Party, Provenance, WeightFile
from gate.registry import Family, Publisher, Registry
from gate.resolve.hub import Hub

MAX_DEPTH = 6
MAX_ANCESTORS = 32

# Suffixes that re-uploads and quantisations append to the original model's name. Order matters:
# each pass strips the longest match at the end of the name, until none matches.
_SUFFIXES: tuple[tuple[str, str], ...] = (
    (r"-i1-gguf", "GGUF (imatrix)"),
    (r"-(?:q[2-8](?:_k)?(?:_[a-z0-9]+)?|iq[1-4]_[a-z0-9]+|f16|bf16)-gguf", "GGUF"),
    (r"-gguf", "GGUF"),
    (r"-ggml", "GGML"),
    (r"-gptq(?:-int[348])?", "GPTQ"),
    (r"-awq(?:-int4)?", "AWQ"),
    (r"-exl2(?:-[0-9.]+bpw)?", "EXL2"),
    (r"-(?:unsloth-)?bnb-[48]bit", "bitsandbytes"),
    (r"-(?:mlx)(?:-[2-8]bit)?", "MLX"),
    (r"-[2-8]bit(?:-mlx)?", "n-bit"),
    (r"-(?:fp8|int8|int4|w4a16|w8a8|w8a16|nvfp4|mxfp4)(?:-(?:dynamic|static|g128))?", "quantised"),
    (r"-quantized\.[a-z0-9]+", "quantised"),
    (r"-(?:bf16|fp16|f16)", "dtype"),
    (r"-q[0-9]f16_[0-9]-mlc", "MLC"),
    (r"-(?:onnx|openvino|ov|coreml|tflite)", "format conversion"),
)
_SUFFIX_RE = [
    (re.compile(rf"(?:{pattern})$", re.IGNORECASE), label) for pattern, label in _SUFFIXES
]
_ANY_SUFFIX = re.compile(
    "(?:" + "|".join(f"(?:{pattern})" for pattern, _ in _SUFFIXES) + ")$", re.IGNORECASE
)
"""Whether any suffix ends a name: most names end in none, refused in one search."""
_ADAPTER = re.compile(r"(?:^|[-_.])(?:lora|qlora|adapter|peft)(?:$|[-_.])", re.IGNORECASE)
_MERGE = re.compile(
    r"(?:^|[-_.])(?:merge[ds]?|slerp|ties|dare|passthrough|franken\w*)(?:$|[-_.])", re.IGNORECASE
)
_DISTILL = re.compile(r"(?:^|[-_.])distill(?:ed)?(?:$|[-_.])", re.IGNORECASE)
_BOUNDARY = "-_./: "


@dataclass(frozen=True, slots=True)
class ParentLink:
    """One parent, as one source states it."""

    ref: str
    """A Hub repo id (``org/name``) or a free model name."""
    relation: str
    provenance: Provenance
    family: Family | None = None
    """Set when the parent is a whole family named by a name rule (no exact repo known)."""
    organization: str | None = None
    """The parent's publisher as the source names it (GGUF ``…base_model.N.organization``)."""


def strip_suffixes(name: str) -> tuple[str, list[str]]:
    """A derivative's name without its quantisation/format suffixes, and what was removed."""
    removed: list[str] = []
    if _ANY_SUFFIX.search(name) is None:
        return name, removed
    current = name
    changed = True
    while changed:
        changed = False
        for regex, label in _SUFFIX_RE:
            match = regex.search(current)
            if match and match.start() > 0:
                removed.append(f"{match.group(0)} ({label})")
                current = current[: match.start()]
                changed = True
                break
    return current, removed


def _bounded(name: str, start: int, end: int) -> bool:
    before = start == 0 or name[start - 1] in _BOUNDARY
    after = end == len(name) or name[end] in _BOUNDARY
    return before and after


_AUTOMATA: dict[int, tuple[Mapping[str, str], list[str], ahocorasick_rs.AhoCorasick | None]] = {}


def _known_automaton(
    known: Mapping[str, str],
) -> tuple[list[str], ahocorasick_rs.AhoCorasick | None]:
    """The known names worth looking for (five characters or more), in the mapping's order,
    and one automaton finding all of them at once; made once per mapping."""
    entry = _AUTOMATA.get(id(known))
    if entry is None or entry[0] is not known:
        names = [k for k in known if len(k) >= 5]
        automaton = (
            ahocorasick_rs.AhoCorasick(names, matchkind=ahocorasick_rs.MatchKind.Standard)
            if names
            else None
        )
        entry = _AUTOMATA[id(known)] = (known, names, automaton)
    return entry[1], entry[2]


def _find_known(registry: Registry, name: str) -> list[tuple[int, int, str]]:
    """Known original model names inside ``name`` (token-bounded), longest first, no overlaps.

    Each known name counts at its first token-bounded occurrence. One automaton pass finds
    every occurrence of every name (a loop of ``str.find`` per known name was the largest
    cost of resolving 10,000 Hub references)."""
    known = registry.known_names()
    names, automaton = _known_automaton(known)
    if automaton is None:
        return []
    lowered = name.lower()
    first: dict[int, tuple[int, int]] = {}
    for index, start, end in automaton.find_matches_as_indexes(lowered, overlapping=True):
        if index in first or names[index] == lowered:
            continue
        if _bounded(lowered, start, end):
            first[index] = (start, end)
    hits = [(*first[index], known[names[index]]) for index in sorted(first)]
    hits.sort(key=lambda h: -(h[1] - h[0]))
    chosen: list[tuple[int, int, str]] = []
    for hit in hits:
        if all(hit[1] <= c[0] or hit[0] >= c[1] for c in chosen):
            chosen.append(hit)
    return sorted(chosen)


def _relation_for(name: str, start: int) -> str:
    if _ADAPTER.search(name):
        return "adapter"
    if _MERGE.search(name):
        return "merge"
    distill = _DISTILL.search(name)
    if distill:
        # "Teacher-Distill-Student": the teacher is distilled, the student is fine-tuned.
        return "distill" if start < distill.start() else "finetune"
    return "finetune"


def name_heuristics(registry: Registry, org: str | None, name: str) -> list[ParentLink]:
    """Parents a model's name implies; every link is a heuristic naming its rule."""
    owner = registry.publisher_for_org(org) if org else None
    self_pub = owner.id if owner is not None and not owner.redistributor else None
    redistributor = owner is not None and owner.redistributor

    base, removed = strip_suffixes(name)
    if removed:
        rule = f"name rule 'derivative suffix': removed {', '.join(removed)} from {name!r}"
        target = registry.known_repo_for_name(base)
        if target is None and self_pub is not None and org:
            target = f"{org}/{base}"
            rule += f"; the same org {org!r} publishes the original"
        ref = target or base
        detail = f"{rule}; original {ref!r}" + ("" if target else " (repo not known)")
        return [ParentLink(ref, "quantized", Provenance(FactSource.HEURISTIC, detail))]

    if redistributor:
        target = registry.known_repo_for_name(name)
        detail = (
            f"name rule 'redistributor copy': {org!r} re-uploads other publishers' models; "
            f"original {target or name!r}" + ("" if target else " (repo not known)")
        )
        return [ParentLink(target or name, "copy", Provenance(FactSource.HEURISTIC, detail))]

    if owner is None:
        target = registry.known_repo_for_name(name)
        if target is not None and target.split("/", 1)[0].lower() != (org or "").lower():
            detail = (
                f"name rule 'same name as a known model': {org!r} is not in the registry and "
                f"{name!r} is the name of {target}"
            )
            return [ParentLink(target, "copy", Provenance(FactSource.HEURISTIC, detail))]

    links: list[ParentLink] = []
    covered: list[tuple[int, int]] = []
    makers: set[str] = set()
    for start, end, repo in _find_known(registry, name):
        repo_org = repo.split("/", 1)[0]
        pub = registry.publisher_for_org(repo_org)
        covered.append((start, end))
        if pub is not None and pub.id != self_pub:
            makers.add(pub.id)
        detail = (
            f"name rule 'known model in name': {name!r} contains {name[start:end]!r}, "
            f"the name of {repo} (registry)"
        )
        links.append(
            ParentLink(repo, _relation_for(name, start), Provenance(FactSource.HEURISTIC, detail))
        )
    for start, end, fam in registry.families_in(name):
        if any(start < c_end and end > c_start for c_start, c_end in covered):
            continue
        if fam.publisher in makers or (owner is not None and _own_family(registry, owner, fam)):
            continue
        makers.add(fam.publisher)
        covered.append((start, end))
        detail = (
            f"name rule 'family in name': {name!r} contains {name[start:end]!r} "
            f"(family {fam.family}, {fam.origin} pattern {fam.pattern!r}); the name does not "
            "say how the weights were made, so the relation is unknown"
        )
        # A family is not a model: how this one was made from it (fine-tune, distill, or
        # merely named after it) is not in the name, so the link never claims a relation.
        links.append(
            ParentLink(
                f"{fam.family} family",
                "unknown",
                Provenance(FactSource.HEURISTIC, detail),
                family=fam,
            )
        )
    return links


def _own_family(registry: Registry, owner: Publisher, fam: Family) -> bool:
    """The family is the repo owner's own: the same publisher, an affiliate the registry
    names (THUDM's ChatGLM is Zhipu's GLM), or a sibling under the same parent (thenlper's gte
    is Alibaba's)."""
    if owner.redistributor:
        return False
    if fam.publisher == owner.id or fam.publisher in owner.affiliates:
        return True
    maker = registry.publisher(fam.publisher)
    if maker is None:
        return False
    if owner.id in maker.affiliates:
        return True
    return bool(owner.parent and maker.parent and owner.parent == maker.parent)


def gguf_links(files: Sequence[WeightFile]) -> list[ParentLink]:
    """Base models a GGUF file declares in ``general.base_model.N.*`` (flat or nested keys)."""
    links: list[ParentLink] = []
    for wf in files:
        meta = wf.metadata
        for entry, key in _gguf_base_entries(meta):
            repo = _repo_from_url(entry.get("repo_url"))
            name = entry.get("name")
            org = entry.get("organization")
            ref = repo or (f"{name}" if isinstance(name, str) and name.strip() else None)
            if ref is None:
                continue
            links.append(
                ParentLink(
                    ref,
                    "unknown",
                    Provenance(FactSource.GGUF, f"{wf.path}#{key}"),
                    organization=org if isinstance(org, str) and org.strip() else None,
                )
            )
    return links


def _gguf_base_entries(meta: Mapping[str, Any]) -> list[tuple[dict[str, Any], str]]:
    out: list[tuple[dict[str, Any], str]] = []
    nested = meta.get("base_models")
    if isinstance(nested, list):
        for i, item in enumerate(nested):
            if isinstance(item, Mapping):
                out.append((dict(item), f"general.base_model.{i}"))
    count = meta.get("general.base_model.count")
    indices: Iterable[int]
    if isinstance(count, int) and 0 <= count <= 64:
        indices = range(count)
    else:
        indices = sorted(
            {
                int(k.split(".")[2])
                for k in meta
                if k.startswith("general.base_model.") and k.split(".")[2].isdigit()
            }
        )[:64]
    for i in indices:
        prefix = f"general.base_model.{i}."
        entry = {k[len(prefix) :]: v for k, v in meta.items() if k.startswith(prefix)}
        if entry:
            out.append((entry, f"general.base_model.{i}"))
    return out


def _repo_from_url(url: Any) -> str | None:
    if not isinstance(url, str):
        return None
    match = re.match(r"^https?://(?:www\.)?(?:huggingface\.co|hf\.co)/([^/]+/[^/?#]+)", url.strip())
    if match and identity.is_hf_repo_id(match.group(1)):
        return match.group(1)
    return None


class LineageResolver:
    """Walks lineage through declared facts, the registry, the Hub cache and name rules."""

    def __init__(self, registry: Registry, hub: Hub | None) -> None:
        self.registry = registry
        self.hub = hub

    # ---- who made a referenced model

    def publisher_for_org(self, org: str, how: str) -> Party:
        """The publisher of a Hub namespace; an unknown org keeps its name and no country."""
        pub = self.registry.publisher_for_org(org)
        if pub is not None:
            return self.registry.party(pub, how)
        return unknown_party(org, f"{how}: not in the registry, country unknown")

    def publisher_for_link(self, link: ParentLink) -> Party | None:
        """Who made a parent a link names."""
        if link.family is not None:
            pub = self.registry.publisher(link.family.publisher)
            if pub is None:
                return None
            return self.registry.party(pub, f"family {link.family.family}", heuristic=True)
        if identity.is_hf_repo_id(link.ref):
            org = link.ref.split("/", 1)[0]
            return self.publisher_for_org(org, f"Hugging Face org {org!r}")
        if link.organization:
            pub = self.registry.publisher_for_vendor(link.organization)
            if pub is not None:
                return self.registry.party(
                    pub, f"organization {link.organization!r} ({link.provenance})"
                )
            return unknown_party(
                link.organization, f"organization as declared ({link.provenance}); country unknown"
            )
        return self.publisher_for_name(link.ref)

    def publisher_for_name(self, name: str) -> Party | None:
        """A free model name's publisher, from a family it names (a heuristic), if any."""
        families = self.registry.families_in(name)
        if not families:
            return None
        fam = families[0][2]
        pub = self.registry.publisher(fam.publisher)
        if pub is None:
            return None
        return self.registry.party(pub, f"family {fam.family} in the name {name!r}", heuristic=True)

    # ---- canonical references

    def canonical(self, link: ParentLink) -> ParentLink:
        """A free name that is exactly a known model's name becomes that model's repo id."""
        if link.family is not None or identity.is_hf_repo_id(link.ref):
            return link
        candidate = link.ref.strip().replace(" ", "-")
        repo = self.registry.known_repo_for_name(candidate)
        if repo is None:
            return link
        detail = f"{link.provenance.detail}; the name {link.ref!r} is {repo} (registry)"
        return ParentLink(repo, link.relation, Provenance(link.provenance.source, detail))

    def ancestor_id(self, link: ParentLink) -> ComponentId:
        """The identity an ancestor gets: ``hf:`` for Hub repos, ``name:`` otherwise."""
        if link.family is None and identity.is_hf_repo_id(link.ref):
            return identity.hf(link.ref)
        return ComponentId(f"name:{link.ref}")

    # ---- parents of a model the registry, the Hub or the name may know

    def parents_of(
        self, ref: str, *, revision: str | None = None, use_hub: bool = True
    ) -> list[ParentLink]:
        """Parents of a Hub repo or a free name, from the first source that states any.

        ``use_hub=False`` for ids of other hubs (ModelScope) that share the ``org/name`` form.
        """
        known = self.registry.model(ref)
        if known is not None and known.parents is not None:
            where = known.origin if known.user else f"{known.origin}#{known.id}"
            source = FactSource.USER_REGISTRY if known.user else FactSource.REGISTRY
            detail = f"{where} ({self.registry.describe()}; {known.verified})"
            return [
                ParentLink(p.ref, p.relation, Provenance(source, detail)) for p in known.parents
            ]
        if use_hub and identity.is_hf_repo_id(ref) and self.hub is not None:
            info = self.hub.model_info(ref, revision)
            if info is not None and info.base_models:
                relation = info.base_model_relation or "unknown"
                return [
                    ParentLink(
                        b, relation, Provenance(FactSource.HUB, f"{info.where} cardData.base_model")
                    )
                    for b in info.base_models
                    if b.lower() != ref.lower()
                ]
        org, _, name = ref.rpartition("/") if identity.is_hf_repo_id(ref) else ("", "", ref)
        return name_heuristics(self.registry, org or None, name)

    # ---- the walk

    def ancestors(
        self, self_id: str, direct: Sequence[ParentLink], *, max_depth: int = MAX_DEPTH
    ) -> tuple[Ancestor, ...]:
        """Ancestors nearest first (breadth-first), each with its publisher and provenance."""
        seen: set[str] = {self_id.lower()}
        if self_id.startswith("hf:"):
            seen.add(identity.split_hf(self_id)[0].lower())
        out: list[Ancestor] = []
        frontier: list[tuple[ParentLink, int]] = [(link, 1) for link in direct]
        while frontier and len(out) < MAX_ANCESTORS:
            next_frontier: list[tuple[ParentLink, int]] = []
            for raw, depth in frontier:
                link = self.canonical(raw)
                key = link.ref.lower()
                if key in seen or len(out) >= MAX_ANCESTORS:
                    continue
                seen.add(key)
                aid = self.ancestor_id(link)
                out.append(
                    Ancestor(
                        id=aid,
                        name=f"{link.family.family} (family)" if link.family else link.ref,
                        relation=link.relation,
                        publisher=self.publisher_for_link(link),
                        provenance=(link.provenance,),
                        depth=depth,
                    )
                )
                if depth < max_depth and link.family is None:
                    next_frontier.extend((p, depth + 1) for p in self.parents_of(link.ref))
            frontier = next_frontier
        # Nearest first; within one depth by identity, so the order survives a BOM round trip.
        return tuple(sorted(out, key=lambda a: (a.depth, a.id)))


def unknown_party(name: str, detail: str) -> Party:
    """A publisher known only by the name its identity carries: no country is claimed."""
    return Party(name=name, country=None, provenance=(Provenance(FactSource.IDENTITY, detail),))
