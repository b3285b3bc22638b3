"""The Python sources written in this suite's own tests, harvested as tests' inputs."""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path


def suite_python(keep: Callable[[str], bool]) -> Iterator[str]:
    """Every string constant of the suite's test files (dedented) that ``keep`` accepts and
    that parses as Python, in file order."""
    for path in sorted(Path(__file__).parent.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                text = textwrap.dedent(node.value)
                if keep(text):
                    try:
                        ast.parse(text)
                    except (SyntaxError, ValueError):
                        continue
                    yield text
