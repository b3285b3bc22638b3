"""Generate gate/recognise/data/served_names.json: which serving provider offers which exact
model name, from LiteLLM's model map.

LiteLLM keeps a public, machine-readable catalogue of the models each provider serves
(``model_prices_and_context_window.json`` in BerriAI/litellm; every litellm wheel ships a copy
as ``litellm/model_prices_and_context_window_backup.json``). Each entry is keyed by the name
litellm routes (``groq/llama-3.1-8b-instant``, ``together_ai/meta-llama/…-Turbo``,
``anthropic.claude-3-opus-20240229-v1:0``) and says its ``litellm_provider`` and ``mode``.
This tool keeps, for the modes and providers ``providers.yaml`` (``served_names``) lists,
the name as the provider's own API spells it (the routing prefix removed) under aigate's
provider key, and drops everything else (prices, context sizes, capabilities).

Several snapshots may be given: providers retire names (Groq's ``mixtral-8x7b-32768``), while
applications written against them keep calling them, so the table is the union of the
snapshots, each recorded with its version and SHA-256.

Run::

    python tools/gen_served_names.py --date 2026-12-07 \\
        --input litellm==1.63.0=/path/to/model_prices_and_context_window_backup.json \\
        --input litellm==1.110.2=/path/to/… [--providers P] [--out F] [--check]

``--check`` exits 1 when the output file differs from what would be generated. The output is
sorted and deterministic: the same inputs and date give the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
PROVIDERS = ROOT / "gate" / "recognise" / "data" / "providers.yaml"
OUT = ROOT / "gate" / "recognise" / "data" / "served_names.json"
SOURCE = (
    "LiteLLM model map: model_prices_and_context_window.json (github.com/BerriAI/litellm), "
    "as shipped in the litellm wheel on PyPI (litellm/model_prices_and_context_window_backup.json)"
)

# Route segments that are litellm's own, never part of a provider's model name: image size
# and step tiers (1024-x-1024/50-steps/…), Bedrock regions and commitment terms.
_ROUTE_ONLY = re.compile(
    r"^(?:\d+-x-\d+|[\w-]*steps|[a-z]{2}(?:-[a-z]+)+-\d+|[\w-]*commitment|invoke|converse)$"
)
_NAME = re.compile(r"^[A-Za-z0-9@][\w.:@/+-]*$")


class Settings:
    """The ``served_names`` settings of providers.yaml, with the litellm prefixes."""

    def __init__(self, doc: Mapping[str, Any]) -> None:
        settings = doc["served_names"]
        self.prefixes: dict[str, str] = {str(k): str(v) for k, v in doc["litellm_prefixes"].items()}
        self.providers: dict[str, str] = {
            **self.prefixes,
            **{str(k): str(v) for k, v in settings["litellm_providers"].items()},
        }
        self.skip = frozenset(str(p) for p in settings["skip"])
        self.bare = frozenset(str(p) for p in settings["bare_keys"])
        self.aggregators = frozenset(str(p) for p in doc["aggregators"])
        self.modes = tuple(str(m) for m in settings["modes"])


def served_name(key: str, litellm_provider: str, m: Settings) -> tuple[str, str] | None:
    """``(provider key, name as the provider spells it)`` of one map entry, or None."""
    provider = m.providers.get(litellm_provider)
    if provider is None or provider in m.skip:
        return None
    name = key
    head, sep, rest = key.partition("/")
    if sep and (head == litellm_provider or m.prefixes.get(head) == provider):
        name = rest
    elif provider in m.aggregators and provider not in m.bare:
        return None  # an aggregator's key without its prefix: a price tier, not a model
    segments = name.split("/")
    if any(_ROUTE_ONLY.match(s) for s in segments[:-1]) or not _NAME.match(name):
        return None
    return provider, name


def table(entries: Iterable[tuple[str, Any]], m: Settings) -> dict[str, list[str]]:
    """provider → sorted names, from map entries."""
    served: dict[str, set[str]] = {}
    for key, row in entries:
        if not isinstance(row, Mapping) or row.get("mode") not in m.modes:
            continue
        found = served_name(key, str(row.get("litellm_provider") or ""), m)
        if found is not None:
            served.setdefault(found[0], set()).add(found[1])
    return {p: sorted(served[p]) for p in sorted(served)}


def generate(inputs: Sequence[tuple[str, Path]], providers: Path, date: str) -> str:
    """The output file's text for the given (label, map file) inputs."""
    m = Settings(yaml.safe_load(providers.read_text(encoding="utf-8")))
    entries: list[tuple[str, Any]] = []
    recorded = []
    for label, path in inputs:
        raw = path.read_bytes()
        doc = json.loads(raw)
        if not isinstance(doc, dict):
            raise SystemExit(f"{path}: not a LiteLLM model map (a JSON object expected)")
        entries.extend((str(k), v) for k, v in doc.items() if k != "sample_spec")
        recorded.append({"input": label, "sha256": hashlib.sha256(raw).hexdigest()})
    out = {
        "about": "Which serving provider offers which exact model name (provider key -> names "
        "as its API spells them). Generated by tools/gen_served_names.py; do not edit.",
        "source": SOURCE,
        "inputs": recorded,
        "date": date,
        "modes": list(m.modes),
        "served": table(entries, m),
    }
    return json.dumps(out, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def _input(text: str) -> tuple[str, Path]:
    label, sep, path = text.rpartition("=")
    if not sep or not label:
        raise argparse.ArgumentTypeError(f"{text!r}: expected LABEL=PATH")
    return label, Path(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--input", type=_input, action="append", required=True)
    parser.add_argument("--date", required=True, help="YYYY-MM-DD written in the header")
    parser.add_argument("--providers", type=Path, default=PROVIDERS)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = generate(args.input, args.providers, args.date)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.is_file() else ""
        if current != text:
            sys.stderr.write(f"{args.out}: differs from what the inputs generate\n")
            return 1
        return 0
    args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
