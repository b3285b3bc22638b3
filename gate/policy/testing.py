"""``aigate policy test``: run Rego ``test_*`` rules like ``opa test``, and measure rule coverage.

A test passes when ``data.<package>.<test>`` is ``true``; undefined or false fails, an engine
error is an error, and ``todo_*`` rules are skipped. Tests are found by reading the sources
(a failing test is simply absent from ``data``).

Coverage answers "does some test make this rule fire?". regopy ignores a query-level
``with data.<rule> as …`` inside a test's own ``with``, so coverage is measured by mutation:
for each deny/warn rule id, the rules that produce it are recompiled so that they drop that
id's findings, and a passing test that then fails is a test that depends on the rule firing.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from gate.errors import PolicyError
from gate.policy.engine import Engine, PolicyModule
from gate.policy.interpreter import output_errors
from gate.policy.metadata import level_of
from gate.policy.packs import PolicySet, defaults_only, display_path
from gate.policy.source import Module
from gate.progress import NullObserver, Observer, ignore_interrupts

PASS, FAIL, ERROR, SKIP = "pass", "fail", "error", "skip"
_COV = "__aigate_cov_"


@dataclass(frozen=True, slots=True)
class TestResult:
    """One test rule's outcome."""

    package: str
    name: str
    module: str
    line: int
    outcome: str
    message: str = ""
    seconds: float = 0.0


@dataclass(slots=True)
class TestReport:
    """All results, and which deny/warn rule ids no passing test makes fire."""

    results: list[TestResult] = field(default_factory=list)
    rule_ids: list[str] = field(default_factory=list)
    covered: dict[str, list[str]] = field(default_factory=dict)
    """Rule id → the tests that depend on it firing."""
    uncovered: list[str] = field(default_factory=list)
    measured: bool = False
    """Whether coverage was measured (not with ``--no-coverage``)."""

    @property
    def ok(self) -> bool:
        """Every test passed or was skipped, and every rule id is covered."""
        bad = any(r.outcome in (FAIL, ERROR) for r in self.results)
        return not bad and not self.uncovered and any(r.outcome == PASS for r in self.results)


def _modules(paths: Sequence[Path]) -> tuple[list[PolicyModule], PolicySet, set[str]]:
    """The shipped rules plus the modules under ``paths``, and which modules those are."""
    ps = defaults_only()
    shipped = {m.path for m in ps.modules}
    given: set[str] = set()
    for path in paths:
        files = sorted(path.rglob("*.rego")) if path.is_dir() else [path]
        if path.is_dir() and not files:
            raise PolicyError(path, "no Rego modules (*.rego) in directory")
        for file in files:
            display = display_path(file)
            given.add(display)
            if display not in shipped:
                ps.modules.append(PolicyModule.read(file, display))
                shipped.add(display)
    return ps.modules, ps, given


def run_tests(
    paths: Sequence[Path], *, coverage: bool = True, observer: Observer | None = None
) -> TestReport:
    """Run every test rule of the modules under ``paths`` (with the shipped rules).

    Coverage counts the deny/warn rules of the modules under ``paths``: testing one's own
    policies asks whether they are tested, not the shipped ones."""
    modules, ps, given = _modules(paths)
    engine = Engine(modules, ps.data())
    engine.interp.set_input({})
    report = TestReport()
    tests: dict[str, list[tuple[Module, str, int]]] = {}
    for module in engine.sources.values():
        if not module.is_test:
            continue
        for head in module.heads:
            if head.is_function or not head.name.startswith(("test_", "todo_")):
                continue
            if head.name.startswith("todo_"):
                report.results.append(
                    TestResult(module.package, head.name, module.path, head.line, SKIP)
                )
            else:
                tests.setdefault(module.package, []).append((module, head.name, head.line))
    obs = observer or NullObserver()
    obs.stage("tests", total=sum(len(cases) for cases in tests.values()))
    for package, cases in sorted(tests.items()):
        report.results.extend(_run_package(engine, package, cases))
        obs.advance(len(cases))
    obs.done()
    report.results.sort(key=lambda r: (r.package, r.name))
    if coverage:
        _coverage(engine, report, given, obs)
        report.measured = True
    return report


def _run_package(
    engine: Engine, package: str, cases: Sequence[tuple[Module, str, int]]
) -> list[TestResult]:
    """All tests of a package in one query (each query compiles: ~0.1 s in regopy).

    A failing test is absent from the package document; when the package errors, each
    test is run alone to tell which one errs.
    """
    started = time.perf_counter()
    try:
        out = engine.interp.query(f"data.{package}")
        ok = out.ok()
    except Exception:
        ok = False
    if not ok:
        return [_run_one(engine, module, name, line) for module, name, line in cases]
    value = out[0].expressions[0] if len(out) and out[0].expressions else {}
    seconds = (time.perf_counter() - started) / max(1, len(cases))
    results = []
    for module, name, line in cases:
        got = value.get(name) if isinstance(value, dict) else None
        if got is True:
            results.append(TestResult(package, name, module.path, line, PASS, "", seconds))
        else:
            shown = "undefined" if got is None else repr(got)
            results.append(
                TestResult(package, name, module.path, line, FAIL, f"result {shown}", seconds)
            )
    return results


def _run_one(engine: Engine, module: Module, name: str, line: int) -> TestResult:
    query = f"data.{module.package}.{name}"
    started = time.perf_counter()
    try:
        out = engine.interp.query(query)
    except Exception as exc:
        return TestResult(module.package, name, module.path, line, ERROR, str(exc) or "error")
    seconds = time.perf_counter() - started
    if not out.ok():
        message = "; ".join(output_errors(out)) or "evaluation error"
        return TestResult(module.package, name, module.path, line, ERROR, message, seconds)
    value = out[0].expressions[0] if len(out) and out[0].expressions else None
    if value is True:
        return TestResult(module.package, name, module.path, line, PASS, "", seconds)
    shown = "undefined" if value is None else repr(value)
    return TestResult(module.package, name, module.path, line, FAIL, f"result {shown}", seconds)


def _coverage(engine: Engine, report: TestReport, given: set[str], obs: Observer) -> None:
    ids = sorted(
        str(r.id)
        for r in engine.rules
        if r.level in ("deny", "warn") and r.source.rpartition(":")[0] in given
    )
    report.rule_ids = ids
    global _JOB
    _JOB = (engine, [r for r in report.results if r.outcome == PASS])
    obs.stage("coverage", total=len(ids))
    outcomes: list[list[str]] = []
    try:
        workers = min(len(ids), os.cpu_count() or 1)
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            # Each rule's mutant compiles and reruns its tests alone: one process per core
            # (forked, so the compiled engine is shared, not pickled).
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(
                workers, mp_context=context, initializer=ignore_interrupts
            ) as pool:
                for killed in pool.map(_cover_one, ids):
                    outcomes.append(killed)
                    obs.advance()
        else:
            for rid in ids:
                outcomes.append(_cover_one(rid))
                obs.advance()
    finally:
        _JOB = None
        obs.done()
    for rid, killed in zip(ids, outcomes, strict=True):
        if killed:
            report.covered[rid] = killed
        else:
            report.uncovered.append(rid)


_JOB: tuple[Engine, list[TestResult]] | None = None
"""The engine and passing tests of the coverage run in progress (read by forked workers)."""


def _cover_one(rid: str) -> list[str]:
    """The tests that fail once ``rid``'s findings are dropped (none: the rule is uncovered)."""
    assert _JOB is not None
    engine, passing = _JOB
    test_modules = {m.path: m for m in engine.sources.values() if m.is_test}
    binding = next(b for b in engine.bindings if b.meta.id == rid)
    package = binding.package
    names = _producers(engine, package, rid)
    candidates = [r for r in passing if any(_mentions(test_modules[r.module], n) for n in names)]
    if not candidates:
        return []
    mutant = _mutant(engine, package, names, rid)
    mutant.interp.set_input({})
    by_package: dict[str, list[tuple[Module, str, int]]] = {}
    for r in candidates:
        by_package.setdefault(r.package, []).append((test_modules[r.module], r.name, r.line))
    return [
        f"{res.package}.{res.name}"
        for pkg, cases in sorted(by_package.items())
        for res in _run_package(mutant, pkg, cases)
        if res.outcome != PASS
    ]


def _producers(engine: Engine, package: str, rid: str) -> list[str]:
    """Finding rules of a package that can produce ``rid``."""
    bound: dict[str, set[str]] = {}
    for b in engine.bindings:
        if b.package == package:
            bound.setdefault(b.name, set()).add(str(b.meta.id))
    names: set[str] = set()
    for module in engine.sources.values():
        if module.package != package:
            continue
        for head in module.heads:
            ids = bound.get(head.name)
            if level_of(head.name) and (ids is None or rid in ids):
                names.add(head.name)
    return sorted(names)


def _mentions(module: Module, name: str) -> bool:
    return any(t.kind == "ident" and t.text == name for t in module.tokens)


def _mutant(engine: Engine, package: str, names: Sequence[str], rid: str) -> Engine:
    """The same modules, with ``names`` in ``package`` filtered to drop ``rid`` findings."""
    bound = {b.name: str(b.meta.id) for b in engine.bindings if b.package == package}
    modules: list[PolicyModule] = []
    appended = False
    for path, module in engine.sources.items():
        text = module.text
        if module.package == package:
            text = _rename(module, set(names))
            if not appended:
                # Undefined stays undefined (a conditional `warn_x := … if …`): a test of
                # `not warn_x` must not count as depending on some other id's findings.
                extra = [
                    f"\n{n} := [f | some f in {_COV}{n};"
                    f' object.get(f, "rule", "{bound.get(n, "")}") != "{rid}"]'
                    f" if count({_COV}{n}) >= 0\n"
                    for n in names
                ]
                text += "".join(extra)
                appended = True
        modules.append(PolicyModule(path=path, text=text))
    return Engine(modules, engine._data)


def _rename(module: Module, names: set[str]) -> str:
    lines = module.text.split("\n")
    for head in sorted(module.heads, key=lambda h: (h.line, -h.tokens[0].column), reverse=True):
        if head.name not in names:
            continue
        tok = head.tokens[0]
        row = lines[tok.line - 1]
        start = tok.column - 1
        lines[tok.line - 1] = row[:start] + _COV + row[start:]
    return "\n".join(lines)


def to_junit(report: TestReport) -> str:
    """JUnit XML: one suite per package, test names ``package.test`` (unique)."""
    root = ET.Element("testsuites", name="aigate policy test")
    by_package: dict[str, list[TestResult]] = {}
    for r in report.results:
        by_package.setdefault(r.package, []).append(r)
    for package, results in sorted(by_package.items()):
        suite = ET.SubElement(
            root,
            "testsuite",
            name=package,
            tests=str(len(results)),
            failures=str(sum(r.outcome == FAIL for r in results)),
            errors=str(sum(r.outcome == ERROR for r in results)),
            skipped=str(sum(r.outcome == SKIP for r in results)),
        )
        for r in results:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=package,
                name=f"{package}.{r.name}",
                file=r.module,
                line=str(r.line),
            )
            if r.outcome == FAIL:
                ET.SubElement(case, "failure", message=r.message)
            elif r.outcome == ERROR:
                ET.SubElement(case, "error", message=r.message)
            elif r.outcome == SKIP:
                ET.SubElement(case, "skipped", message="todo")
    if report.rule_ids:
        suite = ET.SubElement(
            root,
            "testsuite",
            name="aigate.coverage",
            tests=str(len(report.rule_ids)),
            failures=str(len(report.uncovered)),
        )
        for rid in report.rule_ids:
            case = ET.SubElement(suite, "testcase", classname="aigate.coverage", name=rid)
            if rid in report.uncovered:
                ET.SubElement(case, "failure", message="no passing test makes this rule fire")
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def summary(report: TestReport) -> str:
    """Human lines: failures and errors, coverage, and the totals."""
    lines: list[str] = []
    for r in report.results:
        if r.outcome in (FAIL, ERROR):
            lines.append(f"{r.outcome.upper()}: {r.module}:{r.line}: {r.package}.{r.name}")
            if r.message:
                lines.append(f"  {r.message}")
    for rid in report.uncovered:
        lines.append(f"UNCOVERED: {rid}: no passing test makes this rule fire")
    counts = {k: sum(r.outcome == k for r in report.results) for k in (PASS, FAIL, ERROR, SKIP)}
    covered = len(report.rule_ids) - len(report.uncovered)
    measured = (
        f"rule coverage {covered}/{len(report.rule_ids)}"
        if report.measured
        else "rule coverage not measured (--no-coverage)"
    )
    lines.append(
        f"{counts[PASS]} passed, {counts[FAIL]} failed, {counts[ERROR]} errors,"
        f" {counts[SKIP]} skipped; {measured}"
    )
    return "\n".join(lines)
