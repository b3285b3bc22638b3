"""regopy, reached safely: the interpreter's settings, its errors turned into PolicyError
naming the module file and line, and policy inputs built with strings escaped as the engine
expects (the guards are listed in gate.policy.engine's docstring).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from gate.errors import PolicyError
from gate.policy.source import Module


def regopy_module() -> Any:
    import regopy

    return regopy


def interpreter() -> Any:
    regopy = regopy_module()
    from regopy.rego_shared import LogLevel

    interp = regopy.Interpreter()
    interp.log_level = LogLevel.NONE
    interp.strict_built_in_errors = True
    return interp


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, max(0, min(offset, len(text)))) + 1


_ERR_LOC = re.compile(r"\(error \d+:([^|\s]+)\|(\d+)\|\d+\s+\(errormsg \d+:([^)\n]*)\)")


def rego_error(exc: Exception, modules: Mapping[str, Module]) -> PolicyError:
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
    regopy = regopy_module()
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
