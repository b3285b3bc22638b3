"""Jupyter notebooks: code cells read as Python, ``!`` lines as shell commands, written
files by their name."""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from gate.discover import (
    dependencies,
    loaders,
    python,
    scanning,
)
from gate.discover.configs.containers import _argv, _commands, _flag_models
from gate.discover.configs.envfiles import _curl_requests, _logical_lines
from gate.discover.configs.kinds import NAME, _kind
from gate.discover.configs.mlops import _modelfile
from gate.discover.configs.nodes import _Node
from gate.discover.configs.walker import _Walker
from gate.discover.tree import TreeFile
from gate.model import Evidence, Location

MAX_NOTEBOOK_BYTES = 32_000_000
"""A notebook file read whole: most of a large one is outputs (images as base64), not code."""
MAX_CELL_SOURCE = scanning.MAX_SOURCE_BYTES
"""The bound on code (a source file's): a notebook whose cells hold more is not parsed."""

# --- notebooks ---------------------------------------------------------------------------

# Cell magics whose body is Python (timed, captured, profiled), shell, or a file's content.
_PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun", "debug"})
_SHELL_CELL_MAGICS = frozenset({"bash", "sh", "script", "shell", "system", "!"})
_FILE_CELL_MAGICS = frozenset({"writefile", "file"})
_SHELL_ASSIGN = re.compile(r"^(\s*)([A-Za-z_][A-Za-z0-9_]*)\s*=\s*!(.*)$")


@dataclass(slots=True)
class _Cells:
    """A notebook's code cells sorted by how they are read (each line keeps its cell and
    line in the cell, so a reference is located where a reader finds it)."""

    python: list[tuple[int, list[str]]]
    """Cell number and its lines, IPython lines blanked to ``pass``."""
    shell: list[tuple[int, int, str, str]]
    """Cell, line in cell, the command (continuations joined), the first line as written."""
    files: list[tuple[int, str, str]]
    """``%%writefile path``: cell, the path written, the body."""


def _cells(cells: Sequence[Any]) -> _Cells:
    out = _Cells([], [], [])
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        body = "".join(str(s) for s in source) if isinstance(source, list) else str(source)
        lines = body.splitlines()
        head = lines[0].strip() if lines else ""
        if head.startswith("%%"):
            magic, _, args = head[2:].partition(" ")
            if magic in _FILE_CELL_MAGICS:
                words = [w for w in args.split() if not w.startswith("-")]
                if words:
                    out.files.append((number, words[0], "\n".join(lines[1:]) + "\n"))
                continue
            if magic in _SHELL_CELL_MAGICS:
                for lineno, command, _ in _logical_lines(lines[1:], 2):
                    if command.strip() and not command.lstrip().startswith("#"):
                        out.shell.append((number, lineno, command.strip(), lines[lineno - 1]))
                continue
            if magic not in _PYTHON_CELL_MAGICS:
                continue  # %%html, %%javascript, %%latex...: not Python
            lines = ["pass", *lines[1:]]
        python: list[str] = []
        index = 0
        while index < len(lines):
            line = lines[index]
            stripped = line.lstrip()
            indent = line[: len(line) - len(stripped)]
            assign = _SHELL_ASSIGN.match(line)
            if stripped.startswith(("!", "%")) or assign:
                # `!cmd`, `%magic`, `files = !ls`, continued over lines with backslashes
                rest = lines[index:]
                lineno, command, used = next(_logical_lines(rest, index + 1))
                text = command.strip()
                if assign:
                    shell_cmd = assign.group(3).strip()
                    python.append(f"{indent}{assign.group(2)} = None")
                else:
                    shell_cmd = text[1:] if text.startswith("!") else text
                    python.append(f"{indent}pass")
                if text.startswith("!") or assign or text.startswith(("%pip", "%sh", "%system")):
                    if shell_cmd.startswith(("sh ", "system ")):
                        shell_cmd = shell_cmd.split(" ", 1)[1]
                    out.shell.append((number, lineno, shell_cmd.strip(), line))
                python.extend([""] * (used - 1))
                index += used
                continue
            if stripped.endswith("?") and not stripped.startswith("#") and "(" not in stripped:
                python.append(f"{indent}pass")  # `obj?` help
            else:
                python.append(line)
            index += 1
        out.python.append((number, python))
    return out


def _notebook(rel: str, text: str) -> scanning.Outcome:
    """A notebook cell by cell: Python cells as one module (a variable set in one cell is read
    in another); a cell that is not Python is set aside on its own, never the whole notebook;
    shell lines and ``%%bash`` cells as command lines; ``%%writefile`` bodies as the file."""
    parsed = loaders.json_doc(text)
    if not parsed.ok:
        return scanning.Outcome(skipped=[(rel, f"not a readable notebook: {parsed.problem}")])
    doc = parsed.value
    cells = doc.get("cells") if isinstance(doc, dict) else None
    if not isinstance(cells, list):
        return scanning.Outcome(skipped=[(rel, "not a Jupyter notebook (no cells)")])
    for number, cell in enumerate(cells, start=1):
        source = cell.get("source") if isinstance(cell, dict) else None
        if isinstance(source, list) and not all(isinstance(part, str) for part in source):
            # nbformat: a cell's source is text or a list of lines (found by fuzzing).
            return scanning.Outcome(
                skipped=[(rel, f"not a readable notebook: cell {number}'s source is not text")]
            )
    source_bytes = sum(
        sum(len(part) for part in src) if isinstance(src, list) else len(src)
        for cell in cells
        if isinstance(cell, dict) and isinstance(src := cell.get("source"), list | str)
    )
    if source_bytes > MAX_CELL_SOURCE:
        return scanning.Outcome(
            skipped=[(rel, f"cells hold more than {MAX_CELL_SOURCE} bytes of source: not parsed")]
        )
    read = _cells(cells)
    found: list[Evidence] = []
    skipped: list[tuple[str, str]] = []
    found += _notebook_python(rel, read.python, skipped)
    walker = _Walker(rel)
    for cell, lineno, command, written in read.shell:
        argv = _argv(_Node(command, lineno, None))
        _commands(walker, argv, f"cell {cell}", {})
        _flag_models(walker, argv, f"cell {cell}")
        if command.startswith("curl"):
            # !curl http://localhost:11434/api/chat -d '{"model": "unsloth_model", ...}'
            _curl_requests(walker, command, lineno, f"cell {cell}")
        tokens = [token for token, _ in argv]
        found += dependencies.pip_install(
            rel, tokens, lineno, written, context=f"cell {cell}", source=NAME
        )
    found += walker.found
    for cell, path, body in read.files:
        outcome = _written_file(rel, path, body)
        found += [_in_cell(ev, rel, cell, path) for ev in outcome.evidence]
        skipped += [(rel, f"cell {cell} ({path}): {reason}") for _, reason in outcome.skipped]
    return scanning.Outcome(evidence=found, skipped=skipped)


def _notebook_python(
    rel: str, cells: Sequence[tuple[int, list[str]]], skipped: list[tuple[str, str]]
) -> list[Evidence]:
    good: list[tuple[int, list[str]]] = []
    for number, lines in cells:
        try:
            ast.parse("\n".join(lines), filename=rel)
        except SyntaxError as exc:
            skipped.append(
                (rel, f"cell {number} is not Python 3 (line {exc.lineno}): {exc.msg}; "
                 "the other cells are read")
            )  # fmt: skip
            continue
        except (ValueError, RecursionError, MemoryError) as exc:
            skipped.append((rel, f"cell {number} cannot be parsed: {type(exc).__name__}"))
            continue
        good.append((number, lines))
    lines_all: list[str] = []
    origin: list[tuple[int, int]] = []  # combined line → (cell number, line in cell)
    for number, lines in good:
        for index, line in enumerate(lines, start=1):
            lines_all.append(line)
            origin.append((number, index))
        lines_all.append("")
        origin.append((number, len(lines) + 1))
    source = "\n".join(lines_all)
    if not good or not python.worth_parsing(source.encode("utf-8", errors="replace")):
        return []
    try:
        module = ast.parse(source, filename=rel)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        # Each cell parses alone but not together (an unclosed bracket across cells...).
        return []

    def locate(line: int, column: int) -> Location:
        cell, in_cell = origin[line - 1] if 0 < line <= len(origin) else (0, line)
        return Location(rel, line=in_cell, column=column, context=f"cell {cell}")

    try:
        return python.Analyser(module, source, lines_all, locate, source=NAME).run()
    except RecursionError:
        # Parseable, yet deeper than the analysis recurses (see python.analyse_file).
        skipped.append((rel, "cannot analyse: nested too deeply"))
        return []


def _written_file(rel: str, path: str, body: str) -> scanning.Outcome:
    """``%%writefile path``: the body read as the file it becomes (a YAML recipe as YAML)."""
    target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
    kind = _kind(TreeFile(target, target))
    if target.endswith(".py"):
        return python.analyse_file(rel, body.encode("utf-8"))
    if kind in ("yaml", "json", "toml", "ini", "dotenv", "dockerfile", "mlmodel", "shell"):
        # The dispatcher reads notebooks too: imported here, not at module load.
        from gate.discover.configs import analyse_file

        return analyse_file(target, body.encode("utf-8"))
    if kind == "modelfile":
        return _modelfile(target, body, set())
    return scanning.Outcome()


def _in_cell(ev: Evidence, rel: str, cell: int, path: str) -> Evidence:
    """Evidence from a ``%%writefile`` body, located in its notebook cell (line 1 is the
    magic, so the body's line n is the cell's line n + 1)."""
    loc = ev.location
    line = loc.line + 1 if loc.line is not None else None
    where = f"cell {cell} (%%writefile {path})"
    context = f"{where}: {loc.context}" if loc.context else where
    attrs = {**ev.attributes, "written_file": path}
    where_now = replace(loc, path=rel, line=line, context=context)
    return replace(ev, location=where_now, attributes=attrs)
