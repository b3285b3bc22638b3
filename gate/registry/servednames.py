"""Which serving provider offers which exact model name (``recognise/data/served_names.json``,
generated from LiteLLM's model map by ``tools/gen_served_names.py``).

The hosted-model table (:mod:`gate.registry.apimodels`) says who *made* a model from its
name's pattern (``gpt-*`` → OpenAI); this one says who *serves* a name exactly as it is
written (``llama-3.1-8b-instant`` → Groq, ``meta-llama/Llama-3.3-70B-Instruct-Turbo`` →
Together). Names are matched case-insensitively. The file is JSON, parsed once per process.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from gate import shipped

_FILE = "data/served_names.json"


@cache
def _doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(shipped.text("gate.recognise", _FILE))
    return doc


@cache
def _by_name() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for provider, names in _doc()["served"].items():
        for name in names:
            table.setdefault(str(name).lower(), set()).add(str(provider))
    return {name: frozenset(providers) for name, providers in table.items()}


def served_by(name: str) -> frozenset[str]:
    """The providers whose API serves exactly this model name (empty when none is known)."""
    return _by_name().get(name.strip().lower(), frozenset())


def only_server(name: str) -> str | None:
    """The one provider that serves this name, or None (none known, or several)."""
    providers = served_by(name)
    return next(iter(providers)) if len(providers) == 1 else None


def source() -> str:
    """Where the table comes from and which snapshots (for reports and ``explain``)."""
    doc = _doc()
    inputs = ", ".join(str(row["input"]) for row in doc["inputs"])
    return f"{doc['source']} [{inputs}; generated {doc['date']}]"
