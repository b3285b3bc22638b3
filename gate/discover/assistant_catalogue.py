"""The coding-assistant convention catalogue (``data/assistants.yaml``), compiled for matching.

It answers three questions: does this commit (author, committer, message) carry an
assistant's mark, which assistant does a free-text agent name (``Assisted-by: Cursor:gpt-5``)
mean, and which catalogue rule describes a file of the tree. The conventions themselves, with
their sources and dates, live in the data file; this module holds only the matching logic.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import yaml

from gate import identity, shipped
from gate.errors import InputError
from gate.model import ComponentId, Confidence

CATALOGUE_FILE = "data/assistants.yaml"
_SCHEMA = "aigate.assistant-conventions/v1"
_FORMATS = frozenset({"json", "yaml", "toml", "dotenv", "workflow"})
_VALUE_KINDS = frozenset({"identity", "agent", "fixed"})
_NOREPLY = "@users.noreply.github.com"
_IDENTITY = re.compile(r"^(?P<name>[^<]*?)\s*<(?P<email>[^<>]*)>\s*$")
_PAREN = re.compile(r"\(([^()]+)\)")
_AGENT_ADDRESS = re.compile(
    r"^[^@]*(no-?reply|bot|agent|assistant|cli|coder|codex|copilot|gpt|model|\bai\b)[^@]*@",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Assistant:
    """One (vendor, product): the unit that becomes a component."""

    key: str
    vendor: str
    product: str
    id: ComponentId
    kind: str
    """vendor-service, open-source-client, or unknown."""
    sources: tuple[str, ...] = ()
    off: str = ""
    """How users switch its attribution off (why a missing mark proves nothing)."""


@dataclass(frozen=True, slots=True)
class Signal:
    """One mark of an assistant on a commit."""

    assistant: Assistant
    text: str
    """The trailer line or identity as written."""
    where: str
    """``message line N``, ``author`` or ``committer``."""
    line: int | None = None
    model: str | None = None
    confidence: Confidence = Confidence.HIGH


@dataclass(frozen=True, slots=True)
class ConfigRule:
    """How one kind of file reveals an assistant (and what to read from it)."""

    index: int
    assistant: Assistant | None
    """None for workflows: the actions inside decide."""
    name: str | None = None
    path: str | None = None
    dir: str | None = None
    suffix: str | None = None
    format: str | None = None
    models: tuple[str, ...] = ()
    endpoints: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    flags: Mapping[str, str] = field(default_factory=dict)
    set_env: str | None = None
    off: tuple[tuple[str, Any], ...] = ()
    confidence: Confidence = Confidence.HIGH
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class WorkflowAction:
    """An assistant's GitHub Action and the inputs that name its model or endpoint."""

    action: str
    """``owner/repo`` lower-cased (the ``@ref`` is not part of it)."""
    assistant: Assistant
    models: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    endpoints: tuple[str, ...] = ()


def normalise(name: str) -> str:
    """An agent name as compared with aliases: lower case, letters and digits only."""
    return identity.name_key(name)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", name.lower()).strip("-.") or "unnamed"


class Catalogue:
    """The compiled catalogue; build it with :func:`catalogue` (loaded once)."""

    def __init__(self, doc: Any, origin: str) -> None:
        self.origin = origin
        if not isinstance(doc, Mapping) or doc.get("schema") != _SCHEMA:
            raise InputError(origin, f"not an assistant catalogue (schema is not {_SCHEMA})")
        self.version = str(doc.get("version", ""))
        self.as_of = str(doc.get("as_of", ""))
        bad = _non_string_key(doc, "")
        if bad is not None:
            # YAML 1.1 reads bare on/off/yes/no keys as booleans: a silent loss of data.
            raise InputError(origin, f"key {bad} is not a string (quote it)")
        try:
            self._build(doc)
        except (KeyError, TypeError, ValueError, re.error) as exc:
            raise InputError(origin, f"malformed assistant catalogue: {exc!r}") from exc

    # -- loading ---------------------------------------------------------------------

    def _build(self, doc: Mapping[str, Any]) -> None:
        self.assistants: dict[str, Assistant] = {}
        self._aliases: dict[str, Assistant] = {}
        for key, row in doc["assistants"].items():
            vendor_slug, _, product_slug = str(row["identity"]).partition("/")
            if not product_slug:
                raise ValueError(f"assistant {key}: identity must be vendor/product")
            assistant = Assistant(
                key=str(key),
                vendor=str(row["vendor"]),
                product=str(row["product"]),
                id=identity.assistant(vendor_slug, product_slug),
                kind=str(row.get("kind", "unknown")),
                sources=tuple(str(s) for s in row.get("sources", ())),
                off=str(row.get("switch_off", "")),
            )
            self.assistants[assistant.key] = assistant
            for alias in (*row.get("aliases", ()), row["product"]):
                if spelled := normalise(str(alias)):  # 通义灵码 has no letters to compare
                    self._aliases.setdefault(spelled, assistant)
        self._longest_alias = max((len(a.split()) for a in self._alias_words(doc)), default=1)

        self._emails: dict[str, tuple[Assistant, re.Pattern[str] | None]] = {}
        self._logins: dict[str, tuple[Assistant, re.Pattern[str] | None]] = {}
        for row in doc["identities"]:
            assistant = self._assistant(row["assistant"])
            model = re.compile(row["model"]) if row.get("model") else None
            for email in row.get("emails", ()):
                self._emails[str(email).lower()] = (assistant, model)
            for login in row.get("logins", ()):
                self._logins[str(login).lower()] = (assistant, model)
        self._vendor_domains = {
            str(k).lower(): str(v) for k, v in (doc.get("model_vendor_domains") or {}).items()
        }
        self._model_prefixes = tuple(str(p).lower() for p in doc.get("model_prefixes", ()))
        self._suffixes = tuple(
            (str(row["suffix"]), self._assistant(row["assistant"]))
            for row in doc.get("name_suffixes", ())
        )

        self._trailers: dict[str, tuple[str, Assistant | None]] = {}
        for row in doc["trailers"]:
            kind = str(row["value"])
            if kind not in _VALUE_KINDS:
                raise ValueError(f"trailer {row['token']}: value must be one of {_VALUE_KINDS}")
            fixed = self._assistant(row["assistant"]) if kind == "fixed" else None
            self._trailers[str(row["token"]).lower()] = (kind, fixed)
        self._reviews = frozenset(str(t).lower() for t in doc.get("review_trailers", ()))
        tokens = sorted({*self._trailers, *self._reviews}, key=len, reverse=True)
        token_alt = "|".join(re.escape(t) for t in tokens)
        self._trailer_re = re.compile(
            rf"^[ \t]*(?P<token>{token_alt})[ \t]*:[ \t]*(?P<value>[^\n]*?)[ \t]*$",
            re.IGNORECASE | re.MULTILINE,
        )
        self._lines = tuple(
            (re.compile(str(row["pattern"])), str(row["literal"]).lower())
            for row in doc.get("lines", ())
        )
        # A message needs a closer look only if it contains one of these (lower-cased)
        # literals: a substring test is far cheaper than a regex over every message.
        self._literals = tuple(sorted({*self._trailers, *(lit for _, lit in self._lines)}))
        self._who: dict[tuple[str, str, str, str], tuple[Signal, ...]] = {}

        self.configs = tuple(self._config_rule(i, row) for i, row in enumerate(doc["configs"]))
        self._by_name: dict[str, list[ConfigRule]] = {}
        self._by_dir: dict[str, list[ConfigRule]] = {}
        for rule in self.configs:
            if rule.name:
                self._by_name.setdefault(rule.name, []).append(rule)
            elif rule.path:
                self._by_name.setdefault(rule.path.rsplit("/", 1)[-1], []).append(rule)
            elif rule.dir:
                self._by_dir.setdefault(rule.dir.split("/", 1)[0], []).append(rule)
            else:
                raise ValueError(f"config rule {rule.index}: needs name, path or dir")
        self.workflows = tuple(
            WorkflowAction(
                action=str(row["action"]).lower(),
                assistant=self._assistant(row["assistant"]),
                models=tuple(row.get("models", ())),
                args=tuple(row.get("args", ())),
                endpoints=tuple(row.get("endpoints", ())),
            )
            for row in doc.get("workflows", ())
        )
        env = doc.get("workflow_env") or {}
        self.workflow_env_models = tuple(str(k) for k in env.get("models", ()))
        self.workflow_env_endpoints = tuple(str(k) for k in env.get("endpoints", ()))

    @staticmethod
    def _alias_words(doc: Mapping[str, Any]) -> list[str]:
        rows = doc["assistants"].values()
        return [str(a) for row in rows for a in (*row.get("aliases", ()), row["product"])]

    def _assistant(self, key: Any) -> Assistant:
        try:
            return self.assistants[str(key)]
        except KeyError:
            raise ValueError(f"unknown assistant key {key!r}") from None

    def _config_rule(self, index: int, row: Mapping[str, Any]) -> ConfigRule:
        fmt = row.get("format")
        if fmt is not None and fmt not in _FORMATS:
            raise ValueError(f"config rule {index}: format must be one of {sorted(_FORMATS)}")
        if fmt != "workflow" and "assistant" not in row:
            raise ValueError(f"config rule {index}: needs an assistant")
        return ConfigRule(
            index=index,
            assistant=self._assistant(row["assistant"]) if "assistant" in row else None,
            name=row.get("name"),
            path=row.get("path"),
            dir=row.get("dir"),
            suffix=row.get("suffix"),
            format=fmt,
            models=tuple(row.get("models", ())),
            endpoints=tuple(row.get("endpoints", ())),
            providers=tuple(row.get("providers", ())),
            flags={str(k): str(v) for k, v in (row.get("flags") or {}).items()},
            set_env=row.get("set_env"),
            off=tuple((str(o["key"]), o["equals"]) for o in row.get("attribution_off", ())),
            confidence=Confidence(row.get("confidence", "high")),
            sources=tuple(str(s) for s in row.get("sources", ())),
        )

    # -- commits ---------------------------------------------------------------------

    def identity(self, name: str, email: str) -> tuple[Assistant, str | None] | None:
        """The assistant an author, committer or co-author identity belongs to, and its model."""
        found = self._emails.get(email.lower()) if email else None
        if found is None and email.lower().endswith(_NOREPLY):
            login = email[: -len(_NOREPLY)].split("+", 1)[-1]
            found = self._logins.get(login.lower())
        if found is None and name:
            found = self._logins.get(name.lower())
        if found is None:
            return None
        assistant, model_re = found
        model = None
        if model_re is not None:
            match = model_re.match(name.strip())
            model = match.group("model").strip() if match else None
        return assistant, model

    def _suffix(self, name: str) -> Assistant | None:
        for suffix, assistant in self._suffixes:
            if name.endswith(suffix):
                return assistant
        return None

    def _marks(self, who: tuple[str, str, str, str]) -> tuple[Signal, ...]:
        found: list[Signal] = []
        for where, name, email in (("author", *who[0:2]), ("committer", *who[2:4])):
            match = self.identity(name, email)
            if match is not None:
                found.append(Signal(match[0], f"{name} <{email}>", where, model=match[1]))
            elif (suffixed := self._suffix(name)) is not None:
                found.append(Signal(suffixed, f"{name} <{email}>", where))
        return tuple(found)

    def commit_signals(self, commit: Sequence[str]) -> list[Signal]:
        """Every assistant mark on one commit, author and committer first, then the message.

        ``commit`` is (sha, author name, author email, committer name, committer email,
        message), as :class:`gate.discover.history.Commit` holds it. This runs for every
        commit of a history, so it is written for speed: identities are remembered and a
        message is searched only when it contains one of the catalogue's literals.
        """
        who = (commit[1], commit[2], commit[3], commit[4])
        marks = self._who.get(who)
        if marks is None:
            marks = self._marks(who)
            if len(self._who) > 100_000:
                self._who.clear()
            self._who[who] = marks
        message = commit[5]
        low = message.lower()
        for literal in self._literals:
            if literal in low:
                return [*marks, *self.message_signals(message)]
        return list(marks)

    def message_signals(self, message: str) -> list[Signal]:
        """The assistant marks in a commit message (trailers and known lines)."""
        found: list[tuple[int, Signal]] = []
        for match in self._trailer_re.finditer(message):
            token = match.group("token").lower()
            if token in self._reviews:
                continue
            line = message.count("\n", 0, match.start()) + 1
            signal = self._trailer_signal(token, match.group(0).strip(), match["value"], line)
            if signal is not None:
                found.append((match.start(), signal))
        for pattern, _ in self._lines:
            for match in pattern.finditer(message):
                start = message.rfind("\n", 0, match.start()) + 1
                end = message.find("\n", match.end())
                text = message[start : end if end >= 0 else len(message)].strip()
                line = message.count("\n", 0, match.start()) + 1
                assistant, model, confidence = self.agent(match.group("agent"))
                found.append(
                    (
                        match.start(),
                        Signal(assistant, text, f"message line {line}", line, model, confidence),
                    )
                )
        found.sort(key=lambda pair: pair[0])
        return [signal for _, signal in found]

    def _trailer_signal(self, token: str, text: str, value: str, line: int) -> Signal | None:
        kind, fixed = self._trailers[token]
        where = f"message line {line}"
        if kind == "fixed" and fixed is not None:
            return Signal(fixed, text, where, line)
        parsed = _IDENTITY.match(value)
        if parsed is not None:
            who = self.identity(parsed["name"], parsed["email"])
            if who is not None:
                return Signal(who[0], text, where, line, who[1])
        if kind == "identity" or not value:
            # A co-author who is none of the known assistants is a person (or unknown to us),
            # unless its address is a model vendor's or its name holds a model id.
            name = parsed["name"] if parsed is not None else value
            email = parsed["email"] if parsed is not None else ""
            hinted = self.unknown_agent(name, email)
            if hinted is None:
                return None
            return Signal(hinted[0], text, where, line, hinted[1], Confidence.LOW)
        agent_text = parsed["name"] if parsed is not None else value
        assistant, model, confidence = self.agent(agent_text)
        return Signal(assistant, text, where, line, model, confidence)

    def model_in(self, text: str) -> str | None:
        """The first word of ``text`` that is a model id (``deepseek-v3-250324``), if any."""
        for word in re.split(r"[\s/()\[\],;]+", text):
            low = word.lower()
            # A model id carries a version ("deepseek-v3", "qwen2.5", "yi-34b"); a name that
            # only starts like one ("Yi-Cheng") is a person's.
            if any(c.isdigit() for c in low) and any(
                low.startswith(p) for p in self._model_prefixes
            ):
                return word
        return None

    def vendor_of_address(self, email: str) -> str | None:
        """The model vendor (a publishers.yaml id) an address belongs to, if any."""
        domain = email.rpartition("@")[2].lower().strip()
        while domain:
            if domain in self._vendor_domains:
                return self._vendor_domains[domain]
            _, dot, domain = domain.partition(".")
            if not dot:
                break
        return None

    def unknown_agent(self, name: str, email: str) -> tuple[Assistant, str | None] | None:
        """An unknown co-author that points at a model: (unknown agent, its model) or None."""
        model = self.model_in(name)
        vendor = self.vendor_of_address(email) if email else None
        if vendor is not None and model is None and not _AGENT_ADDRESS.search(email):
            # People work at model vendors too (alice@anthropic.com co-authors as a person):
            # only an address that reads as an agent's or a bot's counts without a model id.
            vendor = None
        if model is None and vendor is None:
            return None
        agent = name.strip()
        if model is not None:
            agent = agent[: agent.find(model)].strip(" /([-:") or agent.replace(model, "").strip()
        agent = agent or "unnamed"
        vendor_slug = vendor or "unknown"
        return (
            Assistant(
                key=f"{vendor_slug}:{_slug(agent)}",
                vendor=vendor_slug,
                product=agent,
                id=identity.assistant(vendor_slug, _slug(agent)),
                kind="unknown",
            ),
            model,
        )

    def reviewers(self, message: str) -> list[str]:
        """The values of review trailers (``Reviewed-by:``), as written."""
        return [
            m["value"]
            for m in self._trailer_re.finditer(message)
            if m["token"].lower() in self._reviews and m["value"]
        ]

    def agent(self, text: str) -> tuple[Assistant, str | None, Confidence]:
        """The assistant a free-text agent name means, the model it names, and how sure.

        ``AGENT:MODEL [TOOL ...]`` (the kernel's ``Assisted-by`` form) and free text such as
        ``Codex 0.144.5 (GPT-5)`` are both read. An agent the catalogue does not know becomes
        an ``unknown/<name>`` assistant with low confidence, never nothing.
        """
        text = text.strip()
        model: str | None = None
        colon = text.find(":")
        if colon > 0 and not text[colon:].startswith("://"):
            agent_text, rest = text[:colon].strip(), text[colon + 1 :].strip()
            model = rest.split()[0] if rest.split() else None
        else:
            agent_text = text
            paren = _PAREN.search(text)
            if paren is not None:
                model = paren.group(1).strip()
        words = agent_text.split()
        for size in range(min(len(words), self._longest_alias), 0, -1):
            assistant = self._aliases.get(normalise(" ".join(words[:size])))
            if assistant is not None:
                return assistant, model, Confidence.HIGH
        name_words: list[str] = []
        for word in words:
            if word.startswith("(") or word[:1].isdigit() or word[:1] in "[<":
                break
            name_words.append(word)
        name = " ".join(name_words) or agent_text or "unnamed"
        unknown = Assistant(
            key=f"unknown:{_slug(name)}",
            vendor="unknown",
            product=name,
            id=identity.assistant("unknown", _slug(name)),
            kind="unknown",
        )
        return unknown, model, Confidence.LOW

    # -- files -----------------------------------------------------------------------

    def config_rule(self, rel: str) -> ConfigRule | None:
        """The first catalogue rule that describes the file at ``rel`` (a POSIX path)."""
        parts = rel.split("/")
        base = parts[-1]
        candidates: list[ConfigRule] = []
        for rule in self._by_name.get(base, ()):
            if rule.name or (rule.path and (rel == rule.path or rel.endswith("/" + rule.path))):
                candidates.append(rule)
        if self._by_dir:
            for i, part in enumerate(parts[:-1]):
                for rule in self._by_dir.get(part, ()):
                    if _has_dir(parts, i, rule) and (not rule.suffix or base.endswith(rule.suffix)):
                        candidates.append(rule)
        if not candidates:
            return None
        return min(candidates, key=lambda r: r.index)


def _non_string_key(node: Any, where: str) -> str | None:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if not isinstance(key, str):
                return f"{where}.{key!r}".lstrip(".")
            found = _non_string_key(value, f"{where}.{key}")
            if found is not None:
                return found
    elif isinstance(node, list):
        for i, item in enumerate(node):
            found = _non_string_key(item, f"{where}[{i}]")
            if found is not None:
                return found
    return None


def _has_dir(parts: Sequence[str], start: int, rule: ConfigRule) -> bool:
    wanted = (rule.dir or "").split("/")
    return parts[start : start + len(wanted)] == wanted and start + len(wanted) < len(parts)


@cache
def catalogue() -> Catalogue:
    """The shipped catalogue, loaded and compiled once (from the values the registry reads
    too: parsed once per process, gate.shipped)."""
    return Catalogue(
        shipped.yaml_data("gate.discover", CATALOGUE_FILE), f"gate/discover/{CATALOGUE_FILE}"
    )


def load(text: str, origin: str) -> Catalogue:
    """A catalogue from YAML text (``origin`` names it in errors)."""
    try:
        doc = shipped.safe_load(text)
    except yaml.YAMLError as exc:
        raise InputError(origin, f"invalid YAML: {str(exc).splitlines()[0]}") from exc
    return Catalogue(doc, origin)
