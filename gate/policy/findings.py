"""From what a finding rule returned to Finding objects: the shape checked (fail closed on
anything else), the rule id checked against the package's METADATA, facts completed from the
input by their path (``{"fact": "publisher.country"}``), and the component's evidence as the
default location.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gate.errors import PolicyError
from gate.model import ComponentId, Finding, Level, Location, RuleId
from gate.policy.metadata import RuleBinding

FINDING_KEYS = frozenset({"rule", "component", "msg", "evidence", "facts"})


def finding_sort_key(f: Finding) -> tuple[int, str, str, str]:
    """Deny first, then by rule, component and message: a total, stable order."""
    # By identity: hashing an enum member runs Python code (a third of the sort's time).
    level = f.level
    rank = 0 if level is Level.DENY else 1 if level is Level.WARN else 2
    return (rank, f.rule, f.component or "", f.message)


def findings_of(
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
        if not FINDING_KEYS.issuperset(item):
            unknown = sorted(set(item) - FINDING_KEYS)
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
        self._segments: dict[str, list[str | tuple[str, str]]] = {}

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
        segments = self._segments.get(path)
        if segments is None:
            segments = self._segments[path] = _segments(path)
        for segment in segments:
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
    if len(out) == 1:
        return (out[0],)
    return tuple(sorted(set(out), key=Location.sort_key))
