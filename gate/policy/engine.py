"""The Rego engine (regopy), hardened so that it fails closed.

regopy 1.5.2 fails open in several ways (gate-anchors §e); each is guarded here:

1. v0 rule bodies (``deny[msg] { … }``) are accepted and silently change meaning → a lint
   rejects them before the engine sees the module, and results are type-checked.
2. builtin errors are ``undefined`` by default → ``strict_built_in_errors`` is on.
3. reading an error output aborts the process → ``ok()`` is checked before anything else.
4. a second ``add_data`` is silently dropped → data is merged in Python, added once.
5. parse errors, unknown functions (a ``JSONDecodeError``!) and evaluation errors surface in
   different places and shapes → every call is wrapped and mapped to PolicyError naming the
   module file (and line where the engine tells it).
6. diagnostics are printed on standard output → the engine's log level is NONE.
7. ``with input as {…}`` crashes the process (SIGSEGV) and ``print`` writes to stdout →
   both are rejected by the lint, with the safe spelling in the message.
8. a variable named like a builtin namespace (``glob``, ``json``…) in a rule that calls that
   namespace crashes the process (SIGSEGV); ``some k, v in x`` inside a comprehension does
   not parse ("Invalid collection"); a comprehension that declares a name of its enclosing
   body (``some i`` / ``i :=`` where ``i`` is bound outside) rebinds the outer variable and
   gives wrong results without an error; two packages defining one function name with
   different numbers of arguments crash the process → all are rejected by the lint.

Modules are compiled once (``build``); one query collects every ``deny``/``warn``/``info``
rule (and ``deny_<x>`` etc.) of every package under ``aigate.rules``, shipped or
user-written. The query names those rules one by one (found from the module sources) rather
than asking for ``data.aigate.rules`` whole: the whole tree would also materialise every
helper rule (a filtered copy of all components, say) and hand it back through JSON, which
made evaluation ten times slower at 10,000 components.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gate import files
from gate.errors import PolicyError
from gate.model import ComponentId, Finding, Level, Location, RuleId, RuleMeta
from gate.policy import bounded
from gate.policy import scope as scoping
from gate.policy.metadata import (
    InputScope,
    RuleBinding,
    level_of,
    parse_input_scope,
    parse_metadata,
)
from gate.policy.source import (
    LexError,
    Module,
    Token,
    calls,
    comprehensions,
    parse,
    statements,
    variables,
)

RULES_ROOT = "aigate.rules"
LIB_ROOT = "aigate.lib"
QUERY = "data.aigate.rules"
_AREA = re.compile(r"^[a-z][a-z0-9_]*$")
DATA_KEYS = frozenset({"params", "regulatory"})
"""The only keys user data may have under ``data.aigate``: never a rule package."""
FINDING_KEYS = frozenset({"rule", "component", "msg", "evidence", "facts"})

BANNED_CALLS: dict[str, str] = {
    "http.send": "policies must not reach the network",
    "net": "policies must not reach the network",
    "opa.runtime": "policies must not read the environment",
    "time.now_ns": "the clock makes decisions unreproducible: read input.context.now",
    "rand.intn": "randomness makes decisions unreproducible",
    "uuid.rfc4122": "randomness makes decisions unreproducible",
    "print": "regopy writes print() to aigate's standard output: put values in a finding's facts",
    "rego.metadata.rule": "regopy lacks it: aigate reads # METADATA blocks itself",
    "rego.metadata.chain": "regopy lacks it: aigate reads # METADATA blocks itself",
    "rego.parse_module": "regopy lacks it",
}


@dataclass(frozen=True, slots=True)
class PolicyModule:
    """A Rego module's text and the path it is reported under."""

    path: str
    text: str

    @classmethod
    def read(cls, path: Path, display: str | None = None) -> PolicyModule:
        """Read a module file; an unreadable file is a PolicyError."""

        def error(shown: str, problem: str) -> PolicyError:
            return PolicyError(shown, f"cannot read Rego module: {problem}")

        text = files.read_text_bounded(path, files.MAX_POLICY_FILE, display=str(path), error=error)
        return cls(path=display or str(path), text=text)


def _regopy() -> Any:
    import regopy

    return regopy


def _interpreter() -> Any:
    regopy = _regopy()
    from regopy.rego_shared import LogLevel

    interp = regopy.Interpreter()
    interp.log_level = LogLevel.NONE
    interp.strict_built_in_errors = True
    return interp


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, max(0, min(offset, len(text)))) + 1


_ERR_LOC = re.compile(r"\(error \d+:([^|\s]+)\|(\d+)\|\d+\s+\(errormsg \d+:([^)\n]*)\)")


def _rego_error(exc: Exception, modules: Mapping[str, Module]) -> PolicyError:
    """A RegoError's text names the module and a byte offset: turn it into file:line."""
    text = str(exc)
    found = _ERR_LOC.findall(text)
    if found:
        name, offset, message = found[0]
        module = modules.get(name)
        line = _line_of(module.text, int(offset)) if module else None
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        return PolicyError(name, f"Rego error: {message.strip()}{more}", line=line)
    return PolicyError(
        ", ".join(sorted(modules)) or None, f"Rego error: {text.strip() or type(exc).__name__}"
    )


def output_errors(output: Any) -> list[str]:
    """The messages of an error output, read through regopy's node API.

    ``str(output)`` is just ``<error>``; the messages are in the error nodes' children
    (message, the offending term, the error code). Best effort: never raises.
    """
    try:
        from regopy.rego_shared import rego_node_value

        messages: list[str] = []
        root = output.node()
        for i in range(len(root._children)):
            err = root.at(i)
            parts: list[str] = []
            for j in range(len(err._children)):
                try:
                    value = rego_node_value(err.at(j)._impl)
                except Exception:
                    continue
                if value:
                    parts.append(value)
            if parts:
                messages.append(": ".join(parts))
        return messages
    except Exception:
        return []


_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')


def _escape(text: str) -> bytes:
    if _NEEDS_ESCAPE.search(text) is None:
        return text.encode("utf-8")
    return json.dumps(text, ensure_ascii=False)[1:-1].encode("utf-8")


def make_input(doc: Mapping[str, Any]) -> Any:
    """A regopy Input for a JSON document, with strings escaped as the engine expects.

    regopy's own ``Input`` passes strings raw, but the engine stores (and later prints)
    string contents in their escaped, source-literal form: a quote or backslash in any
    fact would make the result unreadable JSON. This builder escapes, and talks to the
    engine directly, which is also about three times faster than regopy's builder.
    """
    regopy = _regopy()
    from regopy import rego_shared

    lib = rego_shared.rego
    string, integer, floating = lib.regoInputString, lib.regoInputInt, lib.regoInputFloat
    boolean, null = lib.regoInputBoolean, lib.regoInputNull
    item, obj, array = lib.regoInputObjectItem, lib.regoInputObject, lib.regoInputArray
    handle = rego_shared.rego_new_input()
    failed: list[int] = []

    def add(value: Any) -> None:
        kind = type(value)
        if kind is str:
            rc = string(handle, _escape(value))
        elif kind is dict:
            for key, sub in value.items():
                if string(handle, _escape(str(key))):
                    failed.append(1)
                add(sub)
                if item(handle):
                    failed.append(1)
            rc = obj(handle, len(value))
        elif kind is list or kind is tuple:
            for sub in value:
                add(sub)
            rc = array(handle, len(value))
        elif kind is bool:
            rc = boolean(handle, value)
        elif kind is int:
            rc = integer(handle, value)
        elif value is None:
            rc = null(handle)
        elif kind is float:
            rc = floating(handle, value)
        else:
            raise PolicyError(None, f"policy input holds a {kind.__name__}, not JSON")
        if rc:
            failed.append(rc)

    try:
        add(doc)
    except BaseException:
        rego_shared.rego_free_input(handle)
        raise
    if failed:
        rego_shared.rego_free_input(handle)
        raise PolicyError(None, "the engine refused the policy input")
    made = regopy.Input.__new__(regopy.Input)
    made._impl = handle
    return made


class Engine:
    """Compiled policy modules with their data: evaluate policy inputs into findings."""

    def __init__(self, modules: Sequence[PolicyModule], data: Mapping[str, Any]) -> None:
        self.sources: dict[str, Module] = {}
        for pm in modules:
            if pm.path in self.sources:
                raise PolicyError(pm.path, "module loaded twice")
            try:
                self.sources[pm.path] = parse(pm.path, pm.text)
            except LexError as exc:
                raise PolicyError(pm.path, f"not Rego: {exc}", line=exc.line) from exc
        self.bindings: list[RuleBinding] = []
        for module in self.sources.values():
            self.bindings.extend(parse_metadata(module))
        self._check_ids()
        self.packages: dict[str, list[str]] = {}
        self.scopes: dict[str, InputScope] = {}
        for module in self.sources.values():
            self.packages.setdefault(module.package, []).append(module.path)
            declared = parse_input_scope(module)
            if declared is not None:
                if module.package in self.scopes:
                    raise PolicyError(
                        module.path, f"package {module.package} declares its input twice"
                    )
                self.scopes[module.package] = declared
        self._data = dict(data)
        _check_data(self._data, self.packages)
        self.interp = _interpreter()
        lint(self.sources.values(), self.interp)
        self._compile()

    # -- building

    def _check_ids(self) -> None:
        seen: dict[str, RuleBinding] = {}
        for binding in self.bindings:
            first = seen.get(binding.meta.id)
            if first is not None and (first.package, first.name) != (
                binding.package,
                binding.name,
            ):
                raise PolicyError(
                    binding.meta.source,
                    f"rule id {binding.meta.id} is also declared at {first.meta.source}",
                )
            seen.setdefault(binding.meta.id, binding)

    @property
    def rules(self) -> tuple[RuleMeta, ...]:
        """Metadata of every rule, by id (one entry per id)."""
        by_id: dict[str, RuleMeta] = {}
        for binding in self.bindings:
            by_id.setdefault(binding.meta.id, binding.meta)
        return tuple(by_id[k] for k in sorted(by_id))

    @property
    def finding_rules(self) -> tuple[tuple[str, str], ...]:
        """(area, rule name) of every finding rule the loaded modules define, sorted."""
        found: set[tuple[str, str]] = set()
        for module in self.sources.values():
            if not module.package.startswith(RULES_ROOT + ".") or module.is_test:
                continue
            area = module.package[len(RULES_ROOT) + 1 :]
            for head in module.heads:
                if not head.is_function and level_of(head.name):
                    found.add((area, head.name))
        return tuple(sorted(found))

    def query_text(self, only: Iterable[str] | None = None) -> str:
        """One query for every finding rule (of the areas ``only`` names); each value is
        wrapped in an array so that an undefined rule (a conditional ``warn_x := … if …``)
        reads as ``[]``, not as an undefined result for the whole query."""
        wanted = None if only is None else set(only)
        areas: dict[str, list[str]] = {}
        for area, name in self.finding_rules:
            if wanted is not None and area not in wanted:
                continue
            areas.setdefault(area, []).append(f'"{name}": [v | v := {QUERY}.{area}.{name}]')
        body = ", ".join(f'"{a}": {{{", ".join(rules)}}}' for a, rules in sorted(areas.items()))
        return f"{{{body}}}"

    def _compile(self) -> None:
        try:
            for path, module in self.sources.items():
                self.interp.add_module(path, module.text)
            # Merged in Python: regopy keeps only the first document under a key.
            self.interp.add_data(self._data)
            # Every rule in one query, on the whole input: what ``scoped=False`` runs, and
            # built first so that the set is checked as a whole.
            self._plain = self.interp.build(self.query_text())
        except Exception as exc:
            raise _rego_error(exc, self.sources) from exc
        self._groups: list[tuple[InputScope | None, list[str], Any]] | None = None

    @property
    def groups(self) -> list[tuple[InputScope | None, list[str], Any]]:
        """Packages that declare what they read are evaluated apart, on that part of the
        input (gate.policy.scope): one query per distinct declaration, built on first use
        (an engine that only runs Rego tests, or mutants of them, never builds them)."""
        if self._groups is None:
            by_scope: dict[tuple[Any, ...], tuple[InputScope | None, list[str]]] = {}
            for area in sorted({a for a, _ in self.finding_rules}):
                declared = self.scopes.get(f"{RULES_ROOT}.{area}")
                key = (
                    ()
                    if declared is None
                    else (declared.roles, declared.per_component, declared.opaque)
                )
                by_scope.setdefault(key, (declared, []))[1].append(area)
            try:
                self._groups = [
                    (declared, areas, self.interp.build(self.query_text(areas)))
                    for _, (declared, areas) in sorted(by_scope.items(), key=lambda kv: repr(kv[0]))
                ]
            except Exception as exc:
                raise _rego_error(exc, self.sources) from exc
        return self._groups

    # -- evaluating

    def query(self, doc: Mapping[str, Any], *, scoped: bool = True) -> Any:
        """Evaluate ``data.aigate.rules`` for an input; the raw (type-checked) value.

        ``scoped`` evaluates each group of packages on the part of the input it declares
        it reads (gate.policy.scope); otherwise every package reads the whole input. The
        whole evaluation runs under one memory and time budget (:mod:`gate.policy.bounded`):
        a module that builds something huge stops with a PolicyError instead of the machine.
        """
        return bounded.call(lambda: self._evaluate(doc, scoped))

    def _evaluate(self, doc: Mapping[str, Any], scoped: bool) -> Any:
        if not scoped:
            return self._query(doc, self._plain)
        value: dict[str, dict[str, Any]] = {}
        described: dict[int, str] = {}
        for declared, areas, bundle in self.groups:
            prepared = scoping.prepare(doc, declared, described)
            raw = self._query(prepared.doc, bundle)
            paths = {a: ", ".join(self.packages.get(f"{RULES_ROOT}.{a}", [a])) for a in areas}
            value.update(scoping.fan_out(raw, prepared, paths))
        return value

    def _query(self, doc: Mapping[str, Any], bundle: Any) -> dict[str, dict[str, Any]]:
        try:
            self.interp.set_input(make_input(doc))
            output = self.interp.query_bundle(bundle)
        except Exception as exc:
            raise self._blame(exc, None) from exc
        # ok() first: touching an error output's expressions aborts the process.
        if not output.ok():
            raise self._blame(None, output)
        if len(output) == 0:
            return {}
        value = output[0].expressions[0] if output[0].expressions else {}
        if not isinstance(value, dict):
            raise PolicyError(None, f"{QUERY} is {type(value).__name__}, not an object")
        unwrapped: dict[str, dict[str, Any]] = {}
        for area, rules in value.items():
            if not isinstance(rules, dict):
                raise PolicyError(None, f"{QUERY}.{area} is not an object")
            unwrapped[area] = {}
            for name, wrapped in rules.items():
                if not isinstance(wrapped, list) or len(wrapped) > 1:
                    raise PolicyError(None, f"{QUERY}.{area}.{name}: unexpected engine result")
                if wrapped:
                    unwrapped[area][name] = wrapped[0]
        return unwrapped

    def _blame(self, exc: Exception | None, output: Any) -> PolicyError:
        """Find the package whose evaluation fails, to name its module files."""
        messages = output_errors(output) if output is not None else []
        if exc is not None and not isinstance(exc, json.JSONDecodeError):
            messages.append(str(exc).strip())
        elif exc is not None:
            messages.append("the engine returned no result (an unknown function or rule?)")
        culprit: list[str] = []
        for package, paths in sorted(self.packages.items()):
            if not package.startswith(RULES_ROOT + "."):
                continue
            try:
                out = self.interp.query("data." + package)
                failed = not out.ok()
            except Exception:
                failed = True
            if failed:
                culprit = paths
                break
        detail = "; ".join(m for m in messages if m) or "evaluation error"
        return PolicyError(
            ", ".join(culprit) or ", ".join(sorted(self.sources)),
            f"policy evaluation failed: {detail}",
            hint="fix the module; aigate never treats an engine error as a pass",
        )

    def evaluate(self, doc: Mapping[str, Any], *, scoped: bool = True) -> list[Finding]:
        """Findings of every finding rule for an input, with levels from the rule names
        (``scoped``: see ``query``; the findings are the same either way)."""
        value = self.query(doc, scoped=scoped)
        components = {c["id"]: c for c in doc.get("components", ())}
        facts_of = FactResolver(doc, components)
        by_name: dict[tuple[str, str], list[RuleBinding]] = {}
        for binding in self.bindings:
            by_name.setdefault((binding.package, binding.name), []).append(binding)
        findings: dict[tuple[Any, ...], Finding] = {}
        for area in sorted(value):
            package = f"{RULES_ROOT}.{area}"
            docs = value[area]
            paths = ", ".join(self.packages.get(package, [package]))
            if not isinstance(docs, dict):
                raise PolicyError(paths, f"data.{package} is not a package document")
            for name in sorted(docs):
                level = level_of(name)
                if level is None:
                    continue
                bound = by_name.get((package, name), [])
                in_package = {str(b.meta.id) for b in self.bindings if b.package == package}
                for finding in _findings(
                    docs[name], name, Level(level), bound, in_package, paths, facts_of
                ):
                    findings.setdefault(
                        (finding.rule, finding.component, finding.message, finding.level), finding
                    )
        return sorted(findings.values(), key=finding_sort_key)


_LEVEL_ORDER = {Level.DENY: 0, Level.WARN: 1, Level.INFO: 2}


def finding_sort_key(f: Finding) -> tuple[int, str, str, str]:
    """Deny first, then by rule, component and message: a total, stable order."""
    return (_LEVEL_ORDER[f.level], f.rule, f.component or "", f.message)


def _findings(
    raw: Any,
    name: str,
    level: Level,
    bound: Sequence[RuleBinding],
    in_package: set[str],
    paths: str,
    facts_of: FactResolver,
) -> Iterable[Finding]:
    if isinstance(raw, dict):
        raise PolicyError(
            paths,
            f"{name} is an object, not a set: Rego v0 `{name}[x] {{ … }}` or `{name}[x] if`"
            f" defines a map in Rego v1; write `{name} contains f if {{ … }}`",
        )
    if not isinstance(raw, list):
        raise PolicyError(paths, f"{name} must be a set or array of findings, not {raw!r}")
    ids = {b.meta.id for b in bound}
    for item in raw:
        if not isinstance(item, dict):
            raise PolicyError(
                paths,
                f"{name} produced {json.dumps(item)[:80]}: a finding must be an object"
                ' {"rule", "component", "msg", ...}',
            )
        unknown = sorted(set(item) - FINDING_KEYS)
        if unknown:
            raise PolicyError(
                paths, f"{name} produced a finding with unknown key(s) {', '.join(unknown)}"
            )
        rule = item.get("rule")
        if rule is None and len(ids) == 1:
            rule = next(iter(ids))
        # A rule may route one id to deny_x or warn_x by a parameter: any id declared in
        # the package is accepted when the finding names it explicitly.
        if not isinstance(rule, str) or (rule not in ids and rule not in in_package):
            declared = ", ".join(sorted(ids)) or "none"
            raise PolicyError(
                paths,
                f"{name} produced a finding for rule {rule!r}, which no METADATA block in"
                f" its package declares (declared on {name}: {declared})",
            )
        msg = item.get("msg")
        if not isinstance(msg, str) or not msg:
            raise PolicyError(paths, f"{name} ({rule}) produced a finding without a msg string")
        component = item.get("component")
        if component is not None and (
            not isinstance(component, str) or component not in facts_of.components
        ):
            raise PolicyError(
                paths,
                f"{name} ({rule}) names component {component!r}, which is not in the input",
            )
        facts = item.get("facts", {})
        if not isinstance(facts, dict):
            raise PolicyError(paths, f"{name} ({rule}): facts must be an object")
        if isinstance(facts.get("fact"), str) and ("value" not in facts or "sources" not in facts):
            facts = facts_of.complete(facts, component)
        raw_ev = item.get("evidence")
        if raw_ev:
            evidence = _locations(raw_ev, paths, name)
        else:
            # Where the component was seen stands in for a rule that names no location.
            evidence = facts_of.locations(component, paths, name)
        yield Finding(
            rule=RuleId(rule),
            level=level,
            component=ComponentId(component) if component else None,
            message=msg,
            evidence=evidence,
            facts=facts,
        )


_LIST_KEYS = ("id", "path", "host", "sha", "kind", "expression")
"""Fields that name an element of a list in a fact path (``lineage[<id>]``, ``files[<path>]``)."""


class FactResolver:
    """Fills a finding's ``facts.value`` and ``facts.sources`` from the input by its path.

    Rules may name a fact by its path alone (``{"fact": "publisher.country"}``): building
    the value and copying source arrays in Rego costs more than the rest of a rule, and the
    input already holds both. A path is relative to the finding's component, or to the
    input when it starts with ``inventory.``; ``name[key]`` picks the list element whose id,
    path, host, sha, kind or expression is ``key``. The sources are those of every object
    on the way (``lineage[x].publisher.country``: the link's, then the publisher's). A path
    that does not resolve leaves the facts as the rule wrote them.
    """

    def __init__(self, doc: Mapping[str, Any], components: Mapping[str, Any]) -> None:
        self.doc = doc
        self.components = components
        self._locations: dict[str | None, tuple[Location, ...]] = {}

    def evidence(self, component: str | None) -> list[Any]:
        """Where the component was seen (the default evidence of its findings)."""
        if component is None:
            return []
        return list(self.components[component].get("evidence") or [])

    def locations(self, component: str | None, paths: str, name: str) -> tuple[Location, ...]:
        """The component's evidence as locations, read once per component."""
        found = self._locations.get(component)
        if found is None:
            found = self._locations[component] = _locations(self.evidence(component), paths, name)
        return found

    def complete(self, facts: dict[str, Any], component: str | None) -> dict[str, Any]:
        """The facts with the value and sources the path leads to, where the rule left them."""
        path = facts["fact"]
        if path.startswith("inventory."):
            node: Any = self.doc
        elif component is not None:
            node = self.components[component]
        else:
            return facts
        sources: list[Any] = []
        for segment in _segments(path):
            node = _step(node, segment)
            if node is _MISSING:
                return facts
            if isinstance(node, dict) and isinstance(node.get("sources"), list):
                sources.extend(node["sources"])
        out = dict(facts)
        out.setdefault("value", node)
        if sources:
            out.setdefault("sources", sources)
        return out


_MISSING = object()


def _segments(path: str) -> list[str | tuple[str, str]]:
    """``a.b[k.ey].c`` → ``["a", ("b", "k.ey"), "c"]``.

    A key may hold dots, slashes and balanced brackets (``endpoints[cfg["llm"]["url"]]``):
    its end is the ``]`` that closes the ``[`` opening it. An unbalanced key leaves the
    rest of the path as one name, which resolves to nothing.
    """
    out: list[str | tuple[str, str]] = []
    i, n = 0, len(path)
    while i < n:
        j = i
        while j < n and path[j] not in ".[":
            j += 1
        name = path[i:j]
        if j < n and path[j] == "[":
            depth, close = 0, -1
            for k in range(j, n):
                if path[k] == "[":
                    depth += 1
                elif path[k] == "]":
                    depth -= 1
                    if depth == 0:
                        close = k
                        break
            if close == -1:
                out.append(path[i:])
                return out
            out.append((name, path[j + 1 : close]))
            i = close + 2 if close + 1 < n and path[close + 1] == "." else close + 1
        else:
            out.append(name)
            i = j + 1
    return out


def _step(node: Any, segment: str | tuple[str, str]) -> Any:
    if isinstance(segment, str):
        return node.get(segment, _MISSING) if isinstance(node, dict) else _MISSING
    name, key = segment
    items = node.get(name) if isinstance(node, dict) else None
    if not isinstance(items, list):
        return _MISSING
    for item in items:
        if isinstance(item, dict) and any(item.get(k) == key for k in _LIST_KEYS):
            return item
    if key.isdigit() and int(key) < len(items):
        return items[int(key)]
    return _MISSING


def _locations(raw: Any, paths: str, name: str) -> tuple[Location, ...]:
    if not isinstance(raw, list):
        raise PolicyError(paths, f"{name}: evidence must be an array of {{file, line}}")
    out: list[Location] = []
    for ev in raw:
        if not isinstance(ev, dict) or not isinstance(ev.get("file"), str):
            raise PolicyError(paths, f"{name}: evidence entries need a file")
        line, column, commit = ev.get("line"), ev.get("column"), ev.get("commit")
        out.append(
            Location(
                path=ev["file"],
                line=line if isinstance(line, int) else None,
                column=column if isinstance(column, int) else None,
                commit=commit if isinstance(commit, str) else None,
            )
        )
    return tuple(sorted(set(out), key=Location.sort_key))


def _check_data(data: Mapping[str, Any], packages: Mapping[str, list[str]]) -> None:
    aigate = data.get("aigate", {})
    extra = sorted(set(data) - {"aigate"})
    if extra or not isinstance(aigate, dict):
        raise PolicyError(None, f"policy data may only live under data.aigate, not {extra}")
    unknown = sorted(set(aigate) - DATA_KEYS)
    if unknown:
        raise PolicyError(
            None, f"policy data under data.aigate.{unknown[0]} would shadow a rule package"
        )
    for package, paths in packages.items():
        for key in DATA_KEYS:
            if package == f"aigate.{key}" or package.startswith(f"aigate.{key}."):
                raise PolicyError(paths[0], f"package {package} would shadow policy data")


def lint(modules: Iterable[Module], interp: Any) -> None:
    """Reject what regopy would misread or crash on, with the file, line and the fix."""
    modules = list(modules)
    defined: set[str] = set()
    for module in modules:
        for head in module.heads:
            if head.is_function:
                defined.add(head.name)
                defined.add(f"{module.package}.{head.name}")
    _lint_arities(modules)
    _lint_split_rules(modules)
    for module in modules:
        _lint_package(module)
        for head in module.heads:
            if head.v0_body:
                raise PolicyError(
                    module.path,
                    f"rule {head.name}: body without `if` (Rego v0 syntax), which regopy"
                    " silently reads with another meaning; write"
                    f" `{head.name} contains x if {{ … }}` or `{head.name} if {{ … }}`",
                    line=head.line,
                )
            if (
                level_of(head.name)
                and len(head.tokens) > 1
                and head.tokens[1].text == "["
                and not module.is_test
            ):
                raise PolicyError(
                    module.path,
                    f"rule {head.name}[…] defines an object in Rego v1, not a set of findings;"
                    f" write `{head.name} contains f if {{ … }}`",
                    line=head.line,
                )
        _lint_with_input(module)
        for stmt in statements(module):
            _lint_statement(module, stmt, interp)
        for call in calls(module):
            _lint_call(module, call.name, call.line, defined, interp)


def _arity(tokens: Sequence[Token]) -> int:
    """Arguments of a function head (``f(a, [b, c])`` → 2)."""
    depth = tokens[1].depth + 1
    inner = [t for t in tokens[2:] if t.kind != "newline"]
    if inner and inner[0].text == ")":
        return 0
    closing = next(i for i, t in enumerate(inner) if t.text == ")" and t.depth == depth - 1)
    return 1 + sum(1 for t in inner[:closing] if t.text == "," and t.depth == depth)


def _lint_arities(modules: Sequence[Module]) -> None:
    """regopy 1.5.2 crashes (SIGSEGV or abort) when two packages define one function name
    with different numbers of arguments (seen when the package loaded first has fewer)."""
    seen: dict[str, tuple[int, Module, int]] = {}
    for module in modules:
        for head in module.heads:
            if not head.is_function:
                continue
            arity = _arity(head.tokens)
            first = seen.setdefault(head.name, (arity, module, head.line))
            if first[0] != arity and first[1].package != module.package:
                raise PolicyError(
                    module.path,
                    f"function {head.name} takes {arity} argument(s) here and {first[0]} in"
                    f" {first[1].path}:{first[2]} (package {first[1].package}): regopy 1.5.2"
                    " crashes (SIGSEGV or abort) on one name with different arities in two"
                    " packages;"
                    " rename one of them",
                    line=head.line,
                )


def _lint_split_rules(modules: Sequence[Module]) -> None:
    """One rule or function defined in two files of one package: almost always the same
    policies loaded twice (a copy of the shipped ones passed with ``--policy``). regopy
    1.5.2 was seen to exhaust memory (killed, or snmalloc failing) on exactly that, so it
    is refused before evaluation. Several bodies in one file stay allowed."""
    first: dict[tuple[str, str], tuple[Module, int]] = {}
    for module in modules:
        for head in module.heads:
            seen = first.setdefault((module.package, head.name), (module, head.line))
            if seen[0].path != module.path:
                raise PolicyError(
                    module.path,
                    f"{head.name} of package {module.package} is also defined in"
                    f" {seen[0].path}:{seen[1]}: are the same policies loaded twice? Define"
                    " a rule in one file (regopy 1.5.2 exhausted memory on the shipped"
                    " policies loaded twice)",
                    line=head.line,
                )


def _lint_package(module: Module) -> None:
    package = module.package
    if not package:
        raise PolicyError(module.path, "module has no package")
    parts = package.split(".")
    ok = (
        len(parts) == 3
        and ".".join(parts[:2]) in (RULES_ROOT, LIB_ROOT)
        and _AREA.match(parts[2]) is not None
    )
    if not ok:
        raise PolicyError(
            module.path,
            f"package {package}: aigate loads `package aigate.rules.<area>` (rules) and"
            " `package aigate.lib.<name>` (helpers), area in lower case",
            line=module.package_line,
        )


def _lint_with_input(module: Module) -> None:
    toks = [t for t in module.tokens if t.kind != "newline"]
    for i in range(len(toks) - 2):
        if toks[i].text == "with" and toks[i + 1].text == "input" and toks[i + 2].text == "as":
            raise PolicyError(
                module.path,
                "`with input as …` crashes regopy 1.5.2 (SIGSEGV); replace the input's"
                " parts instead: `with input.components as […]`",
                line=toks[i].line,
            )


def _lint_statement(module: Module, stmt: list[Token], interp: Any) -> None:
    """What regopy 1.5.2 crashes on or misreads inside one rule (verified against it)."""
    names = variables(stmt)
    namespaces = {
        call.split(".", 1)[0]
        for call in _call_names(stmt)
        if "." in call and interp.is_builtin(call)
    }
    for _, tok in names:
        if tok.text in namespaces:
            raise PolicyError(
                module.path,
                f"variable {tok.text!r} is named like the builtin namespace this rule calls"
                f" ({tok.text}.…()): regopy 1.5.2 crashes on it (SIGSEGV); rename the variable",
                line=tok.line,
            )
    comps = comprehensions(stmt)
    for comp in comps:
        for some in comp.pairs:
            raise PolicyError(
                module.path,
                "`some k, v in x` inside a comprehension does not parse in regopy 1.5.2"
                ' ("Invalid collection"); write `some k; v := x[k]`, or iterate in a'
                " helper rule's body",
                line=some.line,
            )
        for name, decl in comp.declared.items():
            for index, tok in names:
                if tok.text != name or comp.holds(index):
                    continue
                scope = _scope(index, name, comps)
                if scope is None or comp.within(scope):
                    raise PolicyError(
                        module.path,
                        f"the comprehension declares {name!r}, which its enclosing rule also"
                        f" binds (line {tok.line}): regopy 1.5.2 then rebinds the outer"
                        " variable and gives wrong results; rename one of them",
                        line=decl.line,
                    )


def _scope(index: int, name: str, comps: Sequence[Any]) -> Any:
    """The innermost comprehension around a token that declares ``name``, or None (the rule)."""
    found = None
    for comp in comps:
        if comp.holds(index) and name in comp.declared and (found is None or comp.within(found)):
            found = comp
    return found


def _call_names(stmt: list[Token]) -> list[str]:
    names: list[str] = []
    for i, tok in enumerate(stmt):
        if tok.kind != "ident" or (i > 0 and stmt[i - 1].text == "."):
            continue
        parts, j = [tok.text], i
        while j + 2 < len(stmt) and stmt[j + 1].text == "." and stmt[j + 2].kind == "ident":
            parts.append(stmt[j + 2].text)
            j += 2
        if j + 1 < len(stmt) and stmt[j + 1].text == "(":
            names.append(".".join(parts))
    return names


def _lint_call(module: Module, name: str, line: int, defined: set[str], interp: Any) -> None:
    for banned, why in BANNED_CALLS.items():
        if name == banned or name.startswith(banned + "."):
            raise PolicyError(module.path, f"{name}(): {why}", line=line)
    first = name.split(".", 1)[0]
    if name in defined or f"{module.package}.{name}" in defined:
        return
    if first == "data" or first in module.imports:
        return  # a user function in another package: resolved by the engine
    if interp.is_builtin(name):
        return
    raise PolicyError(
        module.path,
        f"unknown function {name}(): not a regopy builtin nor defined in a loaded module",
        line=line,
    )
