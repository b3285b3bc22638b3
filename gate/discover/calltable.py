"""Call tables (``data/*_calls.yaml``): which calls and client methods name a model, and
the needles that say a file may hold one. Shared by the Python and JS/TS front ends."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gate.discover import refs
from gate.model import Confidence


@dataclass(frozen=True, slots=True)
class CallSpec:
    """One entry of the call table."""

    match: tuple[str, ...]
    family: str
    sdk: str | None
    provider: str | None
    model: tuple[str, ...]
    base_url: tuple[str, ...]
    region: tuple[str, ...]
    also: tuple[str, ...]
    client: str | None
    provider_arg: tuple[str, ...]
    repo_type: tuple[str, ...]
    namespace: tuple[str, ...]
    filename: tuple[str, ...]
    vertex_flag: str | None
    service: str | None
    service_names: tuple[str, ...]
    raw: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ClientFamily:
    """Methods of a client and where their model is."""

    name: str
    model: tuple[str, ...]
    methods: frozenset[str]
    distinctive: frozenset[str]


def _spec(row: Mapping[str, Any]) -> CallSpec:
    def tup(key: str) -> tuple[str, ...]:
        return tuple(str(v) for v in row.get(key) or ())

    return CallSpec(
        match=tup("match"),
        family=str(row["family"]),
        sdk=row.get("sdk"),
        provider=row.get("provider"),
        model=tup("model"),
        base_url=tup("base_url"),
        region=tup("region"),
        also=tup("also"),
        client=row.get("client"),
        provider_arg=tup("provider_arg"),
        repo_type=tup("repo_type"),
        namespace=tup("namespace"),
        filename=tup("filename"),
        vertex_flag=row.get("vertex_flag"),
        service=row.get("service"),
        service_names=tup("service_names"),
        raw=row,
    )


@dataclass(frozen=True, slots=True)
class CallTable:
    """The call table of one language, loaded once."""

    calls: tuple[CallSpec, ...]
    clients: Mapping[str, ClientFamily]
    exact: Mapping[str, CallSpec]
    globs: tuple[tuple[str, CallSpec], ...]
    constants: Mapping[str, str] = field(default_factory=dict)
    """SDK constants that hold a model name (``DashScopeTextEmbeddingModels.TEXT_EMBEDDING_V2``
    → ``text-embedding-v2``), by qualified name."""
    _memo: dict[str, CallSpec | None] = field(default_factory=dict, compare=False)
    _families: dict[str, list[ClientFamily]] = field(default_factory=dict, compare=False)
    _globs_re: list[re.Pattern[str]] = field(default_factory=list, compare=False)
    _ends: list[frozenset[str]] = field(default_factory=list, compare=False)

    def lookup(self, qualname: str) -> CallSpec | None:
        """The first entry matching a qualified call name (memoised: names repeat)."""
        if qualname in self._memo:
            return self._memo[qualname]
        hit = self.exact.get(qualname)
        if hit is None and self._any_glob().match(qualname) is not None:
            hit = next(
                (spec for pattern, spec in self.globs if fnmatch.fnmatchcase(qualname, pattern)),
                None,
            )
        self._memo[qualname] = hit
        return hit

    def _any_glob(self) -> re.Pattern[str]:
        """One pattern matching what any glob matches: most names match none, and are
        rejected in one regex call instead of one ``fnmatch`` per glob."""
        if not self._globs_re:
            alternatives = [fnmatch.translate(pattern) for pattern, _ in self.globs]
            self._globs_re.append(re.compile("|".join(alternatives) or r"(?!)"))
        return self._globs_re[0]

    def families(self, method: str) -> list[ClientFamily]:
        """The client families that have a method (a chain like ``chat.completions.create``),
        in table order; memoised, as every method call of every file asks."""
        found = self._families.get(method)
        if found is None:
            found = self._families[method] = [
                f for f in self.clients.values() if method in f.methods
            ]
        return found

    def method_ends(self) -> frozenset[str]:
        """The last word of every client method chain: a method call ending in any other
        word (most calls of a module) is no client's, known without building its chains."""
        if not self._ends:
            chains = (m for f in self.clients.values() for m in f.methods)
            self._ends.append(frozenset(m.rsplit(".", 1)[-1] for m in chains))
        return self._ends[0]


def load_table(name: str) -> CallTable:
    """A call table from ``data/<name>``."""
    doc = refs.load_data(name)
    calls = tuple(_spec(row) for row in doc["calls"])
    exact: dict[str, CallSpec] = {}
    globs: list[tuple[str, CallSpec]] = []
    # Exact names win over globs only if no earlier glob already claims them.
    for spec in calls:
        for pattern in spec.match:
            if any(c in pattern for c in "*?["):
                globs.append((pattern, spec))
            elif pattern not in exact and not any(
                fnmatch.fnmatchcase(pattern, g) for g, _ in globs
            ):
                exact[pattern] = spec
    clients = {
        key: ClientFamily(
            name=key,
            model=tuple(str(v) for v in value.get("model") or ()),
            methods=frozenset(value.get("methods") or ()),
            distinctive=frozenset(value.get("distinctive") or ()),
        )
        for key, value in doc["clients"].items()
    }
    constants = {str(k): str(v) for k, v in (doc.get("constants") or {}).items()}
    return CallTable(calls, clients, exact, tuple(globs), constants)


def unknown_client_spec(
    calls: CallTable,
    families: Sequence[ClientFamily],
    method: str,
    imported: set[str],
    sep: str,
) -> tuple[ClientFamily, CallSpec, Confidence] | None:
    """How to read a client method called on a receiver the file neither constructs nor
    types: the method says which argument is the model, never whose client it is nor where
    it points (so callers claim no SDK and no host). The one SDK of the method's family the
    file imports gives medium confidence; a method only OpenAI-shaped clients have, low.
    ``sep`` ends a call-table pattern's module (``.`` in ``openai.OpenAI``, ``:`` in JS)."""

    def root(pattern: str) -> str:
        return pattern.split(sep, 1)[0]

    for fam in families:
        specs = [s for s in calls.calls if s.client == fam.name and not s.service]
        by_import = [s for s in specs if root(s.match[0]) in imported]
        if len({root(s.match[0]) for s in by_import}) == 1:
            return fam, by_import[0], Confidence.MEDIUM
        if method in fam.distinctive and specs:
            return fam, specs[0], Confidence.LOW
    return None


def strong_needles(calls: CallTable) -> set[str]:
    """Needles that mean "an SDK or hub call may be here": imported module roots, bare
    call names, and the distinctive client method chains (clients passed in from elsewhere)."""
    words: set[str] = set()
    for spec in calls.calls:
        for pattern in spec.match:
            head = re.split(r"[.:]", pattern, maxsplit=1)[0].strip("*")
            if "." not in pattern and ":" not in pattern:
                words.add(pattern.strip("*"))
            elif pattern.startswith("*."):
                words.add(pattern[2:])
            elif len(head) >= 4:
                words.add(head)
    for fam in calls.clients.values():
        words |= set(fam.distinctive)
    return {w for w in words if len(w) >= 4}


def hosted_name_needles() -> set[str]:
    """A quote before a hosted model name's prefix (``"gpt-``, ``'deepseek-``): a file whose
    only AI content is a table of model names (``PROVIDERS = {"Groq": ["llama3-70b-8192"]}``)
    has none of the SDK or key words the other needles look for. Prefixes that are plain
    words (``command``, ``sonar``) would pass prose, so only those with a separator or digit."""
    from gate.registry import apimodels

    out: set[str] = set()
    for row in apimodels.api_models():
        literal = re.split(r"[*?\[]", row.pattern, maxsplit=1)[0]
        if len(literal) >= 3 and re.search(r"[-.\d]", literal) and not literal.startswith("."):
            out.update(q + literal for q in ('"', "'", "`"))
    return out
