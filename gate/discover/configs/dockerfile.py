"""Dockerfiles: the model server image and its model arguments, environment and downloads."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from gate.discover import (
    dependencies,
    scanning,
)
from gate.discover.configs.containers import (
    _argv,
    _commands,
    _flag_models,
    _hub_downloads,
    _server,
    _server_args,
    _server_env,
)
from gate.discover.configs.kinds import NAME
from gate.discover.configs.nodes import _Inherited, _Node
from gate.discover.configs.walker import _Walker
from gate.model import JSON

# --- Dockerfile --------------------------------------------------------------------------

_INSTRUCTION = re.compile(r"^\s*(FROM|RUN|CMD|ENTRYPOINT|ENV|ARG)\s+(.*)$", re.IGNORECASE)
# ${NAME}, ${NAME:-default}, $NAME; also a script's positional ${1:-5} (its default when run
# with no argument).
_VARIABLE = re.compile(
    r"\$\{([A-Za-z_][A-Za-z0-9_]*|[0-9])(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)"
)


_HEREDOC = re.compile(r"^\s*RUN\s+<<-?[\"']?(\w+)[\"']?\s*$", re.IGNORECASE)


def _expand(text: str, variables: Mapping[str, str]) -> str:
    """``${MODEL}``/``$MODEL``/``${MODEL:-x}`` replaced by an ``ARG``/``ENV`` default seen
    above (the value a build gets unless told otherwise); unknown ones stay as written."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        if name in variables:
            return variables[name]
        return match.group(2) if match.group(2) is not None else match.group(0)

    return _VARIABLE.sub(one, text)


def _dockerfile(rel: str, text: str) -> scanning.Outcome:
    walker = _Walker(rel)
    server: Mapping[str, Any] | None = None
    variables: dict[str, str] = {}
    logical: list[tuple[int, str]] = []
    buffer, start = "", 0
    heredoc: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if heredoc is not None:
            # RUN <<EOF ... EOF: each line of the script is a command the build runs.
            if line.strip() == heredoc:
                heredoc = None
            elif line.strip():
                logical.append((number, "RUN " + line.strip()))
            continue
        opened = _HEREDOC.match(line) if not buffer else None
        if opened is not None:
            heredoc = opened.group(1)
            continue
        if not buffer:
            start = number
        if line.rstrip().endswith("\\"):
            buffer += line.rstrip()[:-1] + " "
            continue
        logical.append((start, buffer + line))
        buffer = ""
    for number, line in logical:
        match = _INSTRUCTION.match(line)
        if not match:
            continue
        instruction, rest = match.group(1).upper(), match.group(2).strip()
        if instruction == "FROM":
            image = rest.split()[0] if rest else ""
            server = _server(image) or server
            continue
        node = _Node(rest, number, line.find(rest) + 1)
        if instruction in ("ENV", "ARG"):
            pattern = r"([A-Za-z_][A-Za-z0-9_]*)[= ]\"?([^\s\"]+)\"?"
            if instruction == "ARG":
                pattern = r"([A-Za-z_][A-Za-z0-9_]*)=\"?([^\s\"]+)\"?"
            pairs = [(k, _expand(v, variables)) for k, v in re.findall(pattern, rest)]
            variables.update(pairs)
            env = _Node({k: _Node(v, number, line.find(v) + 1) for k, v in pairs}, number, None)
            if server is not None:
                _server_env(walker, server, env, instruction, {"server": str(server["name"])})
            # ENV OPENAI_MODEL=gpt-4o: a model-ish variable like any config key.
            walker.walk(env, (instruction,), _Inherited())
            _hub_downloads(walker, [(v, _Node(v, number, line.find(v) + 1)) for _, v in pairs],
                           instruction)  # fmt: skip
            continue
        if "$" in rest:
            # With no ARG/ENV above, `${MODEL_NAME:-org/name}` still runs its default.
            rest = _expand(rest, variables)
            node = _Node(rest, number, None)
        if rest.startswith("["):
            try:
                items = json.loads(rest)
                argv = [(str(t), node) for t in items if isinstance(t, str)]
            except json.JSONDecodeError:
                argv = _argv(node)
        else:
            argv = _argv(node)
        if instruction == "RUN":
            tokens = [token for token, _ in argv]
            walker.found += dependencies.pip_install(
                rel, tokens, number, line, context="RUN", source=NAME
            )
        extra: dict[str, JSON] = {}
        if server is not None and instruction in ("CMD", "ENTRYPOINT"):
            extra["server"] = str(server["name"])
            _server_args(walker, server, argv, instruction, extra)
        _commands(walker, argv, instruction, extra)
        _flag_models(walker, argv, instruction)
        _hub_downloads(walker, argv, instruction)
    return scanning.Outcome(evidence=walker.found)
