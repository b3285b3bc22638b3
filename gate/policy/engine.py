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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gate import files
from gate.errors import PolicyError
from gate.model import Finding, Level, RuleMeta
from gate.policy import bounded
from gate.policy import scope as scoping
from gate.policy.findings import FactResolver, finding_sort_key, findings_of
from gate.policy.interpreter import interpreter, make_input, output_errors, rego_error
from gate.policy.lint import RULES_ROOT, lint
from gate.policy.metadata import (
    InputScope,
    RuleBinding,
    level_of,
    parse_input_scope,
    parse_metadata,
)
from gate.policy.source import LexError, Module, parse

QUERY = "data.aigate.rules"
SHARED_QUERY_MAX = 256
"""A scoped input of at most this many components is evaluated with the query of every rule
(no build of its own); the other rules' work on it is smaller than a build."""
DATA_KEYS = frozenset({"params", "regulatory"})
"""The only keys user data may have under ``data.aigate``: never a rule package."""


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
        self.interp = interpreter()
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
            raise rego_error(exc, self.sources) from exc
        self._groups: list[tuple[InputScope | None, list[str]]] | None = None
        self._bundles: dict[tuple[str, ...], Any] = {}

    @property
    def groups(self) -> list[tuple[InputScope | None, list[str]]]:
        """Packages that declare what they read are evaluated apart, on that part of the
        input (gate.policy.scope): one evaluation per distinct declaration."""
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
            self._groups = [
                (declared, areas)
                for _, (declared, areas) in sorted(by_scope.items(), key=lambda kv: repr(kv[0]))
            ]
        return self._groups

    def _bundle(self, areas: Sequence[str]) -> Any:
        """A query for the rules of some areas only, built on first use (each build
        compiles every module again: ~0.07 s for the shipped set)."""
        key = tuple(areas)
        if key not in self._bundles:
            try:
                self._bundles[key] = self.interp.build(self.query_text(areas))
            except Exception as exc:
                raise rego_error(exc, self.sources) from exc
        return self._bundles[key]

    # -- evaluating

    def query(self, doc: Mapping[str, Any], *, scoped: bool = True) -> Any:
        """Evaluate ``data.aigate.rules`` for an input; the raw (type-checked) value.

        ``scoped`` evaluates each group of packages on the part of the input it declares
        it reads (gate.policy.scope); otherwise every package reads the whole input. The
        whole evaluation runs under one memory and time budget (:mod:`gate.policy.bounded`):
        a module that builds something huge stops with a PolicyError instead of the machine.
        """
        if not scoped:
            return bounded.call(lambda: self._query(doc, self._plain))
        # Prepared here and fanned out here: the bounded child only runs the engine on the
        # small scoped inputs, and sends back the findings about them (not their copies).
        prepared = self._prepare(doc)
        for areas, group in prepared:
            if self._own_query(areas, group):
                self._bundle(areas)  # built here, where it is kept for the next evaluation
        raws = bounded.call(lambda: [self._run(areas, p) for areas, p in prepared])
        return self._fan_out(prepared, raws)

    def _evaluate(self, doc: Mapping[str, Any], scoped: bool) -> Any:
        """``query`` without the budget (in this process)."""
        if not scoped:
            return self._query(doc, self._plain)
        prepared = self._prepare(doc)
        return self._fan_out(prepared, [self._run(areas, p) for areas, p in prepared])

    def _prepare(self, doc: Mapping[str, Any]) -> list[tuple[list[str], scoping.Prepared]]:
        described: dict[Any, Any] = {}
        return [
            (areas, scoping.prepare(doc, declared, described)) for declared, areas in self.groups
        ]

    def _run(self, areas: list[str], prepared: scoping.Prepared) -> dict[str, dict[str, Any]]:
        """The rules of ``areas`` on a group's input.

        A scoped group's input is usually small (one component per distinct set of facts),
        so it is evaluated with the query of every rule, already built, and the other
        areas' results are dropped: that saves a build (~0.07 s) per group, and a rule
        means the same whichever query asks for it. Should another area's rule fail on this
        input, the group's own query decides. A group reading the whole input, or a large
        part of it, gets a query of its own rules.
        """
        if self._own_query(areas, prepared):
            return self._query(prepared.doc, self._bundle(areas))
        try:
            raw = self._query(prepared.doc, self._plain)
        except PolicyError:
            return self._query(prepared.doc, self._bundle(areas))
        return {a: raw.get(a, {}) for a in areas if a in raw}

    def _own_query(self, areas: Sequence[str], prepared: scoping.Prepared) -> bool:
        """Whether a group is evaluated with a query of its own rules: its packages read
        the whole input (declare nothing), or its input is large."""
        return (
            self.scopes.get(f"{RULES_ROOT}.{areas[0]}") is None
            or len(prepared.doc.get("components") or ()) > SHARED_QUERY_MAX
        )

    def _fan_out(
        self,
        prepared: Sequence[tuple[list[str], scoping.Prepared]],
        raws: Sequence[dict[str, dict[str, Any]]],
    ) -> dict[str, dict[str, Any]]:
        value: dict[str, dict[str, Any]] = {}
        for (areas, group), raw in zip(prepared, raws, strict=True):
            paths = {a: ", ".join(self.packages.get(f"{RULES_ROOT}.{a}", [a])) for a in areas}
            value.update(scoping.fan_out(raw, group, paths))
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
                for finding in findings_of(
                    docs[name], name, Level(level), bound, in_package, paths, facts_of
                ):
                    findings.setdefault(
                        (finding.rule, finding.component, finding.message, finding.level), finding
                    )
        return sorted(findings.values(), key=finding_sort_key)


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
