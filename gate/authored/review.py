"""What AI-authored lines do: Semgrep (aigate's own rules, offline) and Bandit for Python.

Only files that hold AI-authored lines are analysed, Semgrep once over all of them (its start
costs seconds), Bandit in-process over the Python ones; only results that touch an
AI-authored line count, the rest of the file is context. An engine that is missing or fails is
an :class:`EngineError` (exit 2), never a pass.
``# nosemgrep`` and ``# nosec`` in the scanned code are ignored: the code under review does not
get to switch its review off.

Results in the ``egress`` category are not findings: their text is a URL or an IPv4 literal,
recorded as an egress for :func:`gate.authored.egress.placed` to place.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gate import files, shipped
from gate.authored import lines as ln
from gate.authored.egress import egress_of
from gate.errors import AigateError

RULES_PACKAGE = "gate.authored"
RULES_FILE = "rules/ai-code.yaml"
SEMGREP_TIMEOUT = 900.0
MAX_FILE_BYTES = 2_000_000
# Bandit's checks that answer the issue's questions (dynamic code, unpickling, TLS, weak
# crypto, shell, Trojan Source); the rest (asserts, hard-coded /tmp ...) are not about what
# an assistant might plant.
BANDIT_TESTS = (
    "B102", "B301", "B302", "B303", "B304", "B305", "B307", "B310", "B323", "B324",
    "B413", "B501", "B502", "B503", "B504", "B506", "B602", "B604", "B605", "B609", "B613",
)  # fmt: skip
_SEVERITY = {"HIGH": "high", "MEDIUM": "medium", "LOW": "low", "UNDEFINED": "low"}


class EngineError(AigateError):
    """A review engine is missing or failed: the AI-authored code was not reviewed."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One engine result on AI-authored lines."""

    rule: str
    """``semgrep:<rule id>`` or ``bandit:<test id>``: stable across runs."""
    engine: str
    severity: str
    category: str
    path: str
    line: int
    end_line: int
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "engine": self.engine,
            "severity": self.severity,
            "category": self.category,
            "path": self.path,
            "line": self.line,
            "end_line": self.end_line,
            "message": self.message,
        }


@dataclass(slots=True)
class Review:
    """Findings and egress literals on AI-authored lines, and what ran."""

    findings: list[Finding] = field(default_factory=list)
    egress: list[dict[str, Any]] = field(default_factory=list)
    engines: dict[str, str] = field(default_factory=dict)
    files: int = 0
    notes: list[str] = field(default_factory=list)


def rule_files(extra: Sequence[Path] = ()) -> list[Path]:
    """aigate's shipped rule file, then the user's own."""
    return [shipped.path(RULES_PACKAGE, RULES_FILE), *extra]


def review(
    root: Path,
    ai_lines: Mapping[str, list[list[int]]],
    *,
    extra_rules: Sequence[Path] = (),
) -> Review:
    """Run the engines over the files (relative to ``root``) with AI-authored lines."""
    out = Review()
    # Each file is read once, inside the tree and bounded; Semgrep's offsets are read back
    # from these bytes, so a file changed or swapped for a link meanwhile is not read again.
    sources = {
        p: data
        for p, ranges in ai_lines.items()
        if ranges and (data := _reviewable(root, p)) is not None
    }
    targets = sorted(sources)
    skipped = sorted(set(ai_lines) - set(targets))
    if skipped:
        out.notes.append(
            f"AI-authored lines not reviewed in {len(skipped)} file(s) (binary, link or larger"
            f" than {MAX_FILE_BYTES} bytes): {', '.join(skipped[:5])}"
        )
    out.files = len(targets)
    if not targets:
        return out
    for result in _semgrep(root, targets, rule_files(extra_rules), out, sources):
        path, line, end = result["path"], result["line"], result["end_line"]
        if not ln.contains(ai_lines[path], line, end):
            continue
        if result["category"] == "egress":
            found = egress_of(result["text"])
            if found is not None:
                out.egress.append({**found, "path": path, "line": line, "rule": result["rule"]})
            continue
        out.findings.append(
            Finding(
                rule=result["rule"],
                engine="semgrep",
                severity=result["severity"],
                category=result["category"],
                path=path,
                line=line,
                end_line=end,
                message=result["message"],
            )
        )
    python = [p for p in targets if p.endswith((".py", ".pyw"))]
    if python:
        for finding in _bandit(root, python, out):
            if ln.contains(ai_lines[finding.path], finding.line, finding.end_line):
                out.findings.append(finding)
    out.findings.sort(key=lambda f: (f.path, f.line, f.rule))
    seen: set[tuple[str, int, str]] = set()
    egress = []
    for e in sorted(out.egress, key=lambda e: (e["path"], e["line"], e["value"])):
        key = (e["path"], e["line"], e["value"])
        if key not in seen:
            seen.add(key)
            egress.append(e)
    out.egress = egress
    return out


def _reviewable(root: Path, rel: str) -> bytes | None:
    """The text of a file with AI-authored lines, or None when it is not reviewed (a link,
    outside the tree, not a regular file, larger than MAX_FILE_BYTES, or binary)."""
    if (root / rel).is_symlink():
        return None
    try:
        data = files.read_in_tree(root, rel, MAX_FILE_BYTES)
    except AigateError:
        return None
    return None if b"\0" in data[:8192] else data


def _semgrep_executable() -> str:
    here = Path(sys.executable).parent / "semgrep"  # the venv aigate runs in
    found = str(here) if here.is_file() else shutil.which("semgrep")
    if found is None:
        raise EngineError(
            "Semgrep is not installed: the AI-authored code cannot be reviewed",
            hint="install aigate with its dependencies (pip install aigate pulls semgrep),"
            " or pass --history none to skip reading the history knowingly",
        )
    return found


def _semgrep(
    root: Path,
    targets: Sequence[str],
    rules: Sequence[Path],
    out: Review,
    sources: Mapping[str, bytes],
) -> list[dict[str, Any]]:
    exe = _semgrep_executable()
    argv = [exe, "scan", "--json", "--quiet", "--metrics=off", "--disable-version-check"]
    argv += ["--disable-nosem", "--no-git-ignore", "--oss-only", "--max-target-bytes=0"]
    argv += ["--timeout=60", f"--jobs={max(1, min(4, os.cpu_count() or 1))}"]
    for rule in rules:
        argv += ["--config", str(rule)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEMGREP_")}
    with tempfile.TemporaryDirectory(prefix="aigate-semgrep-") as home:
        env.update(
            SEMGREP_ENABLE_VERSION_CHECK="0",
            SEMGREP_SEND_METRICS="off",
            SEMGREP_USER_DATA_FOLDER=home,
            XDG_CONFIG_HOME=home,
        )
        try:
            done = subprocess.run(
                [*argv, "--", *(f"./{t}" for t in targets)],
                cwd=root,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=SEMGREP_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise EngineError(
                f"Semgrep took longer than {SEMGREP_TIMEOUT:.0f} s over {len(targets)} files with"
                " AI-authored lines: the AI-authored code was not reviewed",
                hint="scan a narrower history (--history TAG..HEAD) or exclude generated files"
                " (--exclude), or run on a less loaded machine",
            ) from None
        except OSError as exc:
            raise EngineError(f"cannot run Semgrep ({exe}): {exc.strerror}") from exc
    if done.returncode not in (0, 1):
        raise EngineError(
            f"Semgrep failed (exit {done.returncode}): {_first(done.stderr) or _first(done.stdout)}"
        )
    try:
        doc = json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        raise EngineError(f"Semgrep printed no JSON: {_first(done.stderr)}") from exc
    errors = [e for e in doc.get("errors", []) if e.get("level") == "error"]
    bad_config = [e for e in errors if e.get("type") != "Syntax error" and "path" not in e]
    if bad_config:
        raise EngineError(f"Semgrep failed: {str(bad_config[0].get('message', ''))[:300]}")
    for e in errors:
        if e not in bad_config:
            out.notes.append(f"Semgrep could not parse {e.get('path')}: {e.get('type')}")
    out.engines["semgrep"] = str(doc.get("version", "unknown"))
    results = []
    for r in doc.get("results", []):
        path = str(r["path"]).removeprefix("./")
        meta = r.get("extra", {}).get("metadata", {}).get("aigate", {})
        start, end = r["start"], r["end"]
        data = sources.get(path)
        if data is None:
            continue  # Semgrep reported a file it was not given
        text = data[start["offset"] : end["offset"]].decode("utf-8", "replace")
        results.append(
            {
                "rule": "semgrep:" + str(r["check_id"]).rsplit(".", 1)[-1],
                "severity": str(meta.get("severity", "medium")),
                "category": str(meta.get("category", "other")),
                "path": path,
                "line": int(start["line"]),
                "end_line": int(end["line"]),
                "message": str(r.get("extra", {}).get("message", "")),
                "text": text,
            }
        )
    return results


def _bandit(root: Path, targets: Sequence[str], out: Review) -> list[Finding]:
    try:
        import bandit
        from bandit.core import config as b_config
        from bandit.core import manager as b_manager
    except ImportError as exc:
        raise EngineError(
            "Bandit is not installed: the AI-authored Python code cannot be reviewed",
            hint="install aigate with its dependencies (pip install aigate pulls bandit)",
        ) from exc
    logging.getLogger("bandit").setLevel(logging.ERROR)
    try:
        mgr = b_manager.BanditManager(
            b_config.BanditConfig(),
            "file",
            profile={"include": set(BANDIT_TESTS), "exclude": set()},
            ignore_nosec=True,
            quiet=True,
        )
        mgr.discover_files([str(root / t) for t in targets], recursive=False)
        mgr.run_tests()
    except Exception as exc:
        raise EngineError(f"Bandit failed: {exc}") from exc
    out.engines["bandit"] = str(getattr(bandit, "__version__", "unknown"))
    for fname, reason in mgr.skipped:
        out.notes.append(f"Bandit could not read {os.path.relpath(fname, root)}: {reason}")
    found = []
    for issue in mgr.get_issue_list():
        rel = Path(os.path.relpath(issue.fname, root)).as_posix()
        rng = list(issue.linerange) or [issue.lineno]
        found.append(
            Finding(
                rule=f"bandit:{issue.test_id}",
                engine="bandit",
                severity=_SEVERITY.get(str(issue.severity), "low"),
                category=f"bandit-{issue.test}",
                path=rel,
                line=int(min(rng)),
                end_line=int(max(rng)),
                message=str(issue.text),
            )
        )
    return found


def _first(data: bytes) -> str:
    text = data.decode("utf-8", "replace")
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:300]
