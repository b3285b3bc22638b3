"""Models asked of the app's own client held in a field, finished through the file that
builds the client: ``task_state.inference().chutes.complete("zai-org/GLM-4.5-Air")`` where
another file sets ``chutes: OpenAIClient::new(key, "https://llm.chutes.ai")``.

Each file's analysis leaves placeholders (identities ``client:<field>`` and
``asked:<value>``); this pass, run once after the scan, joins them by name over the tree. A
name bound to one URL everywhere in the tree serves the model; a name bound to several (every
app calls some field ``client``) or to none decides nothing, and the placeholder is dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

import tree_sitter

from gate.discover import pending, refs
from gate.discover.polyglot.analyser import Analyser
from gate.model import JSON, Confidence, Evidence

CLIENT = "client:"
ASKED = "asked:"


def placeholders(analyser: Analyser) -> list[Evidence]:
    """The file's client bindings and its models asked of a receiver, as placeholders."""
    out: list[Evidence] = []
    for name, url, node in analyser.clients:
        out.append(_placeholder(analyser, CLIENT + name, url, node, {"url": url}))
    for node, text, method, names in analyser.asked:
        attrs: dict[str, JSON] = {"method": method, "receiver": list(names)}
        out.append(_placeholder(analyser, ASKED + text, text, node, attrs))
    return out


def _placeholder(
    analyser: Analyser,
    identity: str,
    written: str,
    node: tree_sitter.Node,
    attrs: dict[str, JSON],
) -> Evidence:
    source, loc = analyser.driver.source, analyser.loc(node)
    return pending.placeholder(source, identity, written, loc, Confidence.MEDIUM, attrs)


def resolve(found: Sequence[Evidence]) -> list[Evidence]:
    """The evidence with placeholders resolved (served by the one URL their receiver's
    name is bound to in the tree) or dropped."""
    urls: dict[str, set[str]] = {}
    kept: list[Evidence] = []
    asked: list[Evidence] = []
    for ev in found:
        if ev.identity.startswith(CLIENT):
            urls.setdefault(ev.identity[len(CLIENT) :], set()).add(str(ev.attributes["url"]))
        elif ev.identity.startswith(ASKED):
            asked.append(ev)
        else:
            kept.append(ev)
    for ev in asked:
        receiver = ev.attributes.get("receiver")
        names = [str(n) for n in receiver] if isinstance(receiver, list) else []
        served = {u for n in names if len(urls.get(n, ())) == 1 for u in urls[n]}
        if len(served) != 1:
            continue
        url = served.pop()
        text = ev.identity[len(ASKED) :]
        made = refs.named_value(
            ev.source,
            text,
            str(ev.attributes.get("method") or "call"),
            ev.location,
            as_written=ev.as_written,
            confidence=Confidence.MEDIUM,
            flow="receiver-client",
            base_url=url,
            family="hosted",
        )
        if made is not None:
            kept.append(made)
    return kept
