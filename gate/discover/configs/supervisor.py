"""supervisord program configs (``[program:x]`` with ``command=vllm serve org/name``): each
program's command line is read as a line of a shell script, at the line it is written on.

supervisord reads its configs with Python's ``configparser`` (supervisord.org, "Configuration
File": INI format, ``;`` comments, a ``command`` key per ``[program:x]`` section), so they are
parsed here the same way; nothing is run."""

from __future__ import annotations

import configparser
import re

from gate.discover import scanning
from gate.discover.configs.envfiles import _shell

_PROGRAM = "program:"
_SECTION = re.compile(r"^\s*\[([^\]]+)\]")
_COMMAND = re.compile(r"^\s*command\s*[=:]", re.IGNORECASE)


def is_supervisor(text: str) -> bool:
    """Whether an INI-format file holds supervisord program sections."""
    return "[" + _PROGRAM in text


def read(rel: str, text: str) -> scanning.Outcome:
    """The model references of each program's ``command``."""
    parser = configparser.RawConfigParser(strict=False, inline_comment_prefixes=(";",))
    try:
        parser.read_string(text, source=rel)
    except configparser.Error as exc:
        return scanning.Outcome(skipped=[(rel, f"invalid supervisord config: {exc}")])
    commands = {
        section: parser.get(section, "command")
        for section in parser.sections()
        if section.startswith(_PROGRAM) and parser.has_option(section, "command")
    }
    # The same number of lines as the file, each program's command on its own line: read as
    # a shell script, every reference keeps its line.
    # Split at "\n" only, as configparser reads lines: str.splitlines() also breaks at form
    # feeds and other separators, which put a command past the end of the list.
    source = text.split("\n")
    lines = [""] * len(source)
    section: str | None = None
    for number, line in enumerate(source):
        header = _SECTION.match(line)
        if header is not None:
            section = header.group(1).strip()
        elif section in commands and _COMMAND.match(line):
            lines[number] = " ".join(commands.pop(section).split())
    return _shell(rel, "\n".join(lines))
