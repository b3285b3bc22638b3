"""The merged registry: shipped data and user files, with lookups by org, alias, host, name."""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from gate import identity
from gate.errors import InputError
from gate.model import FactSource, Party, Provenance
from gate.registry import apimodels, endpoints
from gate.registry.apimodels import ApiModel
from gate.registry.build import HINT as _HINT
from gate.registry.build import TOKEN_START
from gate.registry.endpoints import Endpoint
from gate.registry.entries import (
    Assistant,
    EntityListing,
    Family,
    KnownModel,
    OllamaModel,
    Package,
    Publisher,
)
from gate.registry.reading import _shipped, read_user_file

_FAMILY_SEPARATORS = "-_./: "
_NEXT_TOKEN = re.compile(r"^[-_./: ]+([A-Za-z0-9]+)")
# A version or size token after a family name: 2, v3, r1, k2, m3, vl2, 7b, 8x7b, 1t.
_VERSION_TOKEN = re.compile(r"^(?:v?\d[a-z0-9]*|[a-z]{1,2}\d[a-z0-9]*)$")
# What a pattern may hold that an alternation of patterns would renumber or redefine:
# a numbered or named back-reference, a conditional group, a named group.
_GROUP_REFERENCE = re.compile(r"\\[1-9]|\\g<|\(\?P[=<]|\(\?\(|\(\?<(?![=!])")


class Registry:
    """The merged registry: lookups by Hub org, alias, provider, host, name, Ollama name."""

    def __init__(
        self, user_files: Sequence[Path] = (), *, contents: Sequence[bytes] | None = None
    ) -> None:
        shipped = _shipped()
        self.versions = dict(shipped.versions)
        self.user_files = tuple(str(p) for p in user_files)
        self.entity_list = shipped.entity_list
        self.country_lists = dict(shipped.country_lists)
        if contents is None:
            user_parts = [read_user_file(Path(p)) for p in user_files]
        else:  # already read (load() reads each file once to know whether it changed)
            user_parts = [
                read_user_file(Path(p), raw) for p, raw in zip(user_files, contents, strict=True)
            ]
        # Later files win over earlier ones, user files over shipped data.
        layers = [shipped.parts, *user_parts]

        merged: dict[str, dict[str, Any]] = {}
        for layer in layers:
            for fields in layer.publishers:
                base = merged.get(fields["id"], {})
                merged[fields["id"]] = {**base, **fields}
        self._publishers: dict[str, Publisher] = {}
        for pid, fields in merged.items():
            if not fields.get("name"):
                raise InputError(
                    fields["origin"].rsplit(":", 1)[0],
                    f"publisher {pid!r}: 'name' is required for a new publisher",
                    line=_line_of(fields["origin"]),
                    hint=_HINT,
                )
            self._publishers[pid] = Publisher(**fields)

        self._by_org: dict[str, Publisher] = {}
        self._by_ms_org: dict[str, Publisher] = {}
        self._by_alias: dict[str, Publisher] = {}
        self._by_provider: dict[str, Publisher] = {}
        # User entries are indexed last so they take every key they name.
        ordered = sorted(self._publishers.values(), key=lambda p: (p.user, p.origin, p.id))
        for pub in ordered:
            for org in pub.hf_orgs:
                self._by_org[org.lower()] = pub
            for org in pub.modelscope_orgs:
                self._by_ms_org[org.lower()] = pub
            for alias in (pub.id, *pub.aliases):
                self._by_alias[alias.lower()] = pub
            for provider in pub.providers:
                self._by_provider[provider.lower()] = pub

        self._endpoints = [e for part in reversed(user_parts) for e in part.endpoints]
        self._api_models = sorted(
            (m for part in reversed(user_parts) for m in part.api_models),
            key=lambda r: r.specificity,
            reverse=True,
        )
        self._models: list[KnownModel] = [m for part in reversed(layers) for m in part.models]
        self._model_index: dict[str, KnownModel] = {}
        for model in reversed(self._models):  # earlier (user) entries overwrite
            for key in (model.id, *model.aliases):
                if not any(c in key for c in "*?["):
                    self._model_index[key.lower()] = model
        self._model_globs = [m for m in self._models if any(c in m.id for c in "*?[")]
        self._glob_answers: dict[str, KnownModel | None] = {}
        self._ollama: dict[str, OllamaModel] = {}
        for layer in layers:
            for entry in layer.ollama:
                self._ollama[entry.name] = entry
        self.families: tuple[Family, ...] = tuple(
            f for part in reversed(layers) for f in part.families
        )
        self._model_words = shipped.model_words
        self._screen_for: tuple[Family, ...] | None = None
        self._screen: re.Pattern[str] | None = None
        self._needles_for: tuple[Family, ...] | None = None
        self._needles: list[tuple[Family, Needle | None]] = []
        self._assistants = [a for part in reversed(layers) for a in part.assistants]
        # User entries first, and an exact name before a family glob.
        self._packages = sorted(
            (p for part in reversed(layers) for p in part.packages),
            key=lambda p: p.name.endswith("*"),
        )

        for layer, path in zip(layers, ["", *self.user_files], strict=True):
            for pid, what, file, line in layer.refs:
                if pid not in self._publishers:
                    raise InputError(
                        file or path,
                        f"{what} names publisher {pid!r}, which no registry defines",
                        line=line,
                        hint=_HINT,
                    )
        for listing in self.entity_list:
            for pid in listing.publishers:
                if pid not in self._publishers:
                    raise InputError(
                        "gate/resolve/data/regulatory.yaml",
                        f"entity list entry {listing.entity!r} names unknown publisher {pid!r}",
                    )
        self._known_names = self._index_known_names()

    # ---- identity of the registry

    @property
    def version(self) -> str:
        """The shipped registry's version: the newest date among its data files."""
        versions = [*self.versions.values(), endpoints.version(), endpoints.regions_version()]
        return max([*versions, apimodels.version()], default="")

    def describe(self) -> str:
        """``registry 2026.11.26`` plus the user files, for notes and explanations."""
        text = f"registry {self.version}"
        if self.user_files:
            text += " + " + ", ".join(self.user_files)
        return text

    # ---- publishers

    def publishers(self) -> Iterator[Publisher]:
        """Every publisher, sorted by id."""
        for pid in sorted(self._publishers):
            yield self._publishers[pid]

    def publisher(self, pid: str) -> Publisher | None:
        """A publisher by id."""
        return self._publishers.get(pid)

    def publisher_for_org(self, org: str) -> Publisher | None:
        """The publisher behind a Hugging Face org (case-insensitive)."""
        return self._by_org.get(org.lower())

    def publisher_for_modelscope_org(self, org: str) -> Publisher | None:
        """The publisher behind a ModelScope org (falls back to the same Hub org name)."""
        return self._by_ms_org.get(org.lower()) or self._by_org.get(org.lower())

    def publisher_for_vendor(self, vendor: str) -> Publisher | None:
        """A vendor prefix as aggregators write it (``qwen``, ``z-ai``, ``meta-llama``)."""
        key = vendor.lower()
        return self._by_alias.get(key) or self._by_org.get(key)

    def publisher_for_provider(self, provider: str) -> Publisher | None:
        """The publisher whose own models an ``api:<provider>/…`` key serves, if it makes any."""
        return self._by_provider.get(provider.lower())

    def is_aggregator(self, provider: str) -> bool:
        """The provider serves other makers' models (its key never names the maker)."""
        return provider.lower() in endpoints.aggregators()

    def entity_listing(self, pub: Publisher) -> EntityListing | None:
        """The BIS Entity List entry that names this publisher, if any."""
        for listing in self.entity_list:
            if pub.id in listing.publishers:
                return listing
        return None

    def party(self, pub: Publisher, how: str, *, heuristic: bool = False) -> Party:
        """The publisher as a Party whose provenance says how it was matched and from where."""
        if pub.user:
            source = FactSource.USER_REGISTRY
        elif heuristic or pub.heuristic:
            source = FactSource.HEURISTIC
        else:
            source = FactSource.REGISTRY
        where = pub.origin if pub.user else f"{pub.origin}#{pub.id} ({self.describe()})"
        detail = f"{how}: {where}; {pub.verified}"
        if pub.heuristic:
            detail += "; the mapping itself is a guess (see the entry's source)"
        return Party(
            name=pub.name,
            country=pub.country,
            parent=pub.parent,
            parent_country=pub.parent_country,
            provenance=(Provenance(source, detail),),
            entity_listed=self.entity_listing(pub) is not None,
        )

    # ---- endpoints and hosted model names

    def endpoint(self, url_or_host: str) -> Endpoint | None:
        """The endpoint serving a URL or host: user entries first, then the shipped table."""
        host = endpoints.host_of(url_or_host)
        if not host:
            return None
        for ep in self._endpoints:
            if ep.host == host:
                return ep
        for ep in self._endpoints:
            if "*" in ep.host and fnmatch.fnmatchcase(host, ep.host):
                return ep
        return endpoints.lookup(host)

    def is_user_endpoint(self, ep: Endpoint) -> bool:
        """The endpoint came from a user registry file."""
        return any(ep is own for own in self._endpoints)

    def default_endpoint(self, provider: str) -> Endpoint | None:
        """Where a provider's SDK calls when no base URL is written: the first concrete host a
        user registry file lists for the provider, else the provider table's default host
        (``providers.yaml``) as the endpoint table knows it, with ``host`` the concrete host
        (``aiplatform.googleapis.com``, not the row's pattern). ``None`` when the provider has
        no default host or the endpoint table does not know who operates it."""
        for ep in self._endpoints:
            if ep.provider == provider and "*" not in ep.host:
                return ep
        host = endpoints.default_host(provider)
        if host is None:
            return None
        found = endpoints.lookup(host)
        if found is None or found.host == host:
            return found
        return replace(found, host=host)

    def api_model(self, name: str) -> ApiModel | None:
        """The hosted model-name pattern a name matches: user patterns first."""
        lowered = name.strip().lower()
        for row in self._api_models:
            if fnmatch.fnmatchcase(lowered, row.pattern):
                return row
        return apimodels.lookup(lowered)

    # ---- models, names, families

    def model(self, ref: str) -> KnownModel | None:
        """A known model by Hub repo id (or alias, or glob) or by full identity."""
        key = ref.lower()
        found = self._model_index.get(key)
        if found is not None:
            return found
        if key in self._glob_answers:  # resolving one component asks of its repo 3-4 times
            return self._glob_answers[key]
        answer = next(
            (m for m in self._model_globs if fnmatch.fnmatchcase(key, m.id.lower())), None
        )
        self._glob_answers[key] = answer
        return answer

    def _index_known_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        repos: list[str] = []
        for model in self._models:
            # A renamed repo's old name points at its current id.
            for alias in model.aliases:
                if "/" in alias and not any(c in model.id for c in "*?[:"):
                    names.setdefault(alias.split("/", 1)[1].lower(), model.id)
            repos.extend([model.id, *(p.ref for p in model.parents or ())])
        for entry in self._ollama.values():
            repos.extend(repo for _, repo in entry.tags)
        for repo in repos:
            if "/" not in repo or any(c in repo for c in "*?[:"):
                continue
            org, _, name = repo.partition("/")
            pub = self.publisher_for_org(org)
            if pub is None or pub.redistributor:
                continue
            names.setdefault(name.lower(), repo)
        return names

    def known_repo_for_name(self, name: str) -> str | None:
        """The original Hub repo of a model name (``Qwen2.5-7B-Instruct`` → ``Qwen/…``)."""
        return self._known_names.get(name.lower())

    def known_names(self) -> Mapping[str, str]:
        """Lower-cased model names of known original repos → their repo ids."""
        return self._known_names

    def families_in(self, name: str) -> list[tuple[int, int, Family]]:
        """Family names a model name mentions: (start, end, family), in order of position.

        A pattern counts only where the name around it looks like a model name (see
        :meth:`model_shaped`): ``glmnet``, ``ernie-sentiment`` or ``ring-buffer`` name no model.
        """
        found: list[tuple[int, int, Family]] = []
        screen = self._family_screen()
        if screen is not None and screen.search(name) is None:
            return found  # no family's pattern occurs in the name (most ids in a large tree)
        # Each family is searched only when the literal every match of it holds is in the
        # name (82 searches per name were a sixth of a scan's last, serial step on vercel/ai,
        # which names a thousand models). Case-folded only for ASCII names: re's case folding
        # differs from str.lower past ASCII, so any other name is searched by every family.
        lowered = name.lower() if name.isascii() else None
        if self._needles_for is not self.families:
            self._needles_for = self.families
            self._needles = [(f, required_literal(f.regex)) for f in self.families]
        for fam, needle in self._needles:
            if (
                needle is not None
                and lowered is not None
                and needle.folded not in (lowered if needle.folded_case else name)
            ):
                continue
            for match in fam.regex.finditer(name):
                if self.model_shaped(name, match.start(), match.end()):
                    found.append((match.start(), match.end(), fam))
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        return found

    def _family_screen(self) -> re.Pattern[str] | None:
        """One regex that matches a name wherever some family's pattern does: the
        alternation of every family regex, searched once before the ~80 searches one per
        family (10,000 Hub ids that mention no family cost 1.4 s without it).

        ``None`` (no screen) when the patterns cannot be joined without changing what one
        of them matches: different flags, or a group reference, conditional or named group
        whose numbering or name the alternation would change."""
        families = self.families
        if self._screen_for is not families:
            self._screen_for, self._screen = families, None
            flags = {fam.regex.flags for fam in families}
            sources = [fam.regex.pattern for fam in families]
            if families and len(flags) == 1 and not any(map(_GROUP_REFERENCE.search, sources)):
                try:
                    # Every shipped pattern starts at a token: that test made once, before the
                    # alternatives (each position not at a token start is refused at once).
                    prefix = TOKEN_START if all(s.startswith(TOKEN_START) for s in sources) else ""
                    rests = (source[len(prefix) :] for source in sources)
                    joined = prefix + "(?:" + "|".join(f"(?:{rest})" for rest in rests) + ")"
                    self._screen = re.compile(joined, flags.pop())
                except re.error:
                    self._screen = None
        return self._screen

    def model_shaped(self, name: str, start: int, end: int) -> bool:
        """The family name at ``name[start:end]`` is used as a model name.

        It must end at a token boundary (end of name, a separator, or a version digit:
        ``glm4`` yes, ``glmnet`` no), and be followed by a version or size (``qwen2.5``,
        ``-7b``, ``-v3``, ``-K2``, ``-m3``) or a model-variant word from ``families.yaml``
        (``-instruct``, ``-coder``, ``-large``), unless the matched text is itself specific
        (it holds a digit or a separator: ``gpt-oss``, ``nomic-embed``, ``flux.1``).
        """
        text, tail = name[start:end], name[end:]
        if tail and not (tail[0] in _FAMILY_SEPARATORS or tail[0].isdigit()):
            return False
        if any(c.isdigit() or c in _FAMILY_SEPARATORS for c in text):
            return True
        if tail[:1].isdigit():
            return True
        token = _NEXT_TOKEN.match(tail)
        if token is None:
            return False
        word = token.group(1).lower()
        return bool(_VERSION_TOKEN.match(word)) or word in self._model_words

    def ollama(self, name: str) -> OllamaModel | None:
        """An Ollama library name (without tag), case-insensitive."""
        return self._ollama.get(name.lower())

    # ---- assistants

    def package(self, ecosystem: str, name: str) -> Package | None:
        """The registry entry for an SDK package (``pypi``/``npm``), by any spelling its
        registry accepts; an exact entry wins over a family (``langchain-*``)."""
        return next((p for p in self._packages if p.matches(ecosystem, name)), None)

    def assistant(self, name: str) -> Assistant | None:
        """A coding assistant by identity key (``anthropic/claude-code``) or any known spelling.

        Accepts ``assistant:<vendor>/<product>``, ``<vendor>/<product>`` or a name as written in
        a commit trailer or config (``Claude Code``, ``copilot``, ``Qwen-Coder``).
        """
        key = name.strip().lower()
        key = key.removeprefix("assistant:")
        for assistant in self._assistants:
            if key == assistant.key or key == assistant.product.lower():
                return assistant
        for assistant in self._assistants:
            if key in assistant.names:
                return assistant
        # As discovery compares agent names: letters and digits only (roo-code is RooCode).
        spelled = identity.name_key(key)
        if spelled:
            for assistant in self._assistants:
                spellings = (assistant.product, *assistant.names)
                if any(identity.name_key(s) == spelled for s in spellings):
                    return assistant
        return None

    def assistants(self) -> tuple[Assistant, ...]:
        """Every known assistant."""
        return tuple(self._assistants)

    def assistant_vendor(self, name: str) -> Publisher | None:
        """The vendor (publisher) of an assistant, if known."""
        found = self.assistant(name)
        if found is None or found.vendor is None:
            return None
        return self.publisher(found.vendor)


def _line_of(origin: str) -> int | None:
    tail = origin.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None


@dataclass(frozen=True, slots=True)
class Needle:
    """A literal every match of a pattern holds (see :func:`required_literal`)."""

    folded: str
    """The literal, lower-cased when the pattern ignores case."""
    folded_case: bool


@functools.cache
def required_literal(pattern: re.Pattern[str]) -> Needle | None:
    """The longest run of literal ASCII characters every match of ``pattern`` must contain
    (a run of the pattern's top-level sequence, or of a group or repeat it cannot skip), or
    None when none is found or the pattern cannot be read (then the pattern is always
    searched: a missing needle costs time, never a match). Read from the stdlib's own parse
    of the pattern (``re._parser``), once per pattern."""
    try:
        import re._parser as sre  # type: ignore[import-not-found]  # private, read defensively

        run = _longest_run(sre, sre.parse(pattern.pattern, pattern.flags).data)
    except Exception:  # any change in the private module: no needle, same matches
        return None
    if not run or not run.isascii():
        return None
    icase = bool(pattern.flags & re.IGNORECASE)
    return Needle(run.lower() if icase else run, icase)


def _longest_run(sre: Any, items: Sequence[tuple[Any, Any]]) -> str:
    best = ""
    run: list[str] = []
    for op, arg in items:
        if op is sre.LITERAL:
            run.append(chr(arg))
            continue
        best = max(best, "".join(run), key=len)
        run = []
        if op is sre.SUBPATTERN and not arg[1] and not arg[2]:  # a group, no flag change
            best = max(best, _longest_run(sre, arg[3].data), key=len)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and arg[0] >= 1:
            best = max(best, _longest_run(sre, arg[2].data), key=len)
    return max(best, "".join(run), key=len)
