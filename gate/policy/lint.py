"""The lint: refuse, before the engine sees them, Rego modules that regopy 1.5.2 would misread
or crash on (points 1, 7 and 8 of gate.policy.engine's docstring), calls that would make a
decision depend on the network, the clock or chance, and packages outside aigate's layout;
each refusal names the file, the line and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from gate.errors import PolicyError
from gate.policy.metadata import level_of
from gate.policy.source import Module, Token, calls, comprehensions, statements, variables

RULES_ROOT = "aigate.rules"
LIB_ROOT = "aigate.lib"
_AREA = re.compile(r"^[a-z][a-z0-9_]*$")

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
