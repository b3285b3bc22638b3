"""The driver the code front ends emit into: (value, site, serving, location) in, evidence out.

The Python AST and JS/TS tree-sitter analysers only find values and what the code says
serves them (a :class:`gate.discover.refs.RefContext`, i.e. a site and a serving context);
this one driver asks the recogniser what each value names and builds the evidence, for both,
so the two never keep parallel copies of the rules (what a call argument, a model-ish name, a
catalogue entry or an endpoint without a model becomes).
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from gate.discover import localpaths, refs
from gate.model import CONFIDENCE_ORDER, JSON, Confidence, Evidence, EvidenceKind, Location
from gate.recognise import SiteKind, conventions
from gate.registry.endpoints import host_of


def weakest(a: Confidence, b: Confidence) -> Confidence:
    """The less sure of two confidences."""
    return a if CONFIDENCE_ORDER[a] <= CONFIDENCE_ORDER[b] else b


def endpoint_choice(
    texts: Sequence[str], *, decided: bool, expression: str | None
) -> tuple[str | None, str | None]:
    """``(base_url, base_url_expr)`` for an endpoint argument: a constant only when every
    value the argument may take is the same string and it holds on the call's path
    (``decided``); otherwise the expression, so the host stays unknown."""
    if texts and len(set(texts)) == 1 and decided:
        return texts[0], None
    return None, expression


def resource_urls(texts: Sequence[str]) -> list[str]:
    """The URLs among ``texts`` (built from templates, their variable parts ``*``) whose
    host is written: only the path holds a variable (``https://api.runpod.ai/v2/${id}/
    openai/v1``), or the only unknown is the per-resource label of a known endpoint pattern
    (``https://${resource}.openai.azure.com/openai/deployments/${name}`` is Azure OpenAI's
    ``*.openai.azure.com`` whatever the resource): the provider is written even though
    the whole URL is not. A variable anywhere else in the host decides nothing."""
    out: list[str] = []
    for text in texts:
        if "://" not in text or not text.split("://", 1)[0].isalpha():
            continue
        host = host_of(text)
        if host and "*" not in text.split("://", 1)[1].split("/", 1)[0]:
            out.append(text)
            continue
        rest = host.removeprefix("*.")
        if rest == host or "*" in rest or "." not in rest:
            continue
        ep = refs.current_knowledge().endpoint(host)
        if ep is not None and ep.host.startswith("*.") and ep.host[2:] == rest:
            out.append(text)
    return out


TREE_PATH = "tree-path"
"""The flow of a value that is a path of the scanned tree built from a module's own file
(``Path(__file__).parent / "models" / "x"``): a local model wherever weights are loaded."""

_LOADS_WEIGHTS = frozenset({"hf", "hf-hub", "sentence-transformers", "config", "modelscope"})
"""Readings of a call argument that loads weights, where a path outside the tree is a
local model (``pipeline(model="/home/u/gemma-3-1b-it")``); a hosted API takes no path."""


_ABSENT_FOLDER = "a folder of the tree the checkout does not hold"


def _library_loader(call: str) -> bool:
    """A loader of a hub library (``peft.PeftModel.from_pretrained``), not the app's own class
    (``nets.TinyNet.from_pretrained`` reads the app's own checkpoint format)."""
    libraries = conventions().hub_libraries.values()
    return any(call.split(".", 1)[0] in names for names in libraries)


def _dot_relative(text: str) -> bool:
    """A ``./`` path naming a folder below the working directory (not ``./`` itself)."""
    rest = text.strip()[2:] if text.strip().startswith("./") else ""
    return bool(rest) and not rest.startswith(".") and "{" not in rest and "$" not in rest


def _local(seen: Seen) -> refs.Ref:
    ref = localpaths.ref(seen.text)
    return replace(ref, kind=EvidenceKind.CODE_REF)


@dataclass(frozen=True, slots=True)
class Seen:
    """One value as a front end saw it."""

    text: str
    location: Location
    mark: int
    """The syntax node's identity: a value used by a call is not read again as a name."""
    as_written: str
    confidence: Confidence = Confidence.HIGH
    flow: str = "literal"
    env_var: str | None = None
    partial: bool = False


class Driver:
    """Collects one file's evidence from what a front end emits."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.found: list[Evidence] = []
        self.consumed: set[int] = set()
        self.hub: str | None = None
        """``modelscope`` when the file loads models through ModelScope only: an org/name
        it names outside a known call is a ModelScope id (a hub in CN), not a Hugging Face one."""

    def _on_hub(self, ev: Evidence, seen: Seen) -> Evidence:
        if self.hub != "modelscope" or not ev.identity.startswith("hf:"):
            return ev
        ref = refs.recognise_in(seen.text, refs.RefContext(family="modelscope", sdk="modelscope"))
        if ref is None:
            return ev
        return refs.evidence(
            self.source, ref, ev.as_written, ev.location, ev.confidence, ev.attributes
        )

    def _add(
        self,
        ref: refs.Ref | None,
        seen: Seen,
        confidence: Confidence,
        attrs: Mapping[str, JSON],
    ) -> bool:
        if ref is None:
            return False
        self.consumed.add(seen.mark)
        extra = dict(attrs)
        if seen.env_var and "env_var" not in extra:
            extra["env_var"] = seen.env_var
        if seen.partial:
            extra["partial"] = True
        self.found.append(
            refs.evidence(self.source, ref, seen.as_written, seen.location, confidence, extra)
        )
        return True

    def call(
        self,
        seen: Seen,
        ctx: refs.RefContext,
        *,
        call: str,
        argument: str,
        cap: Confidence = Confidence.HIGH,
        used_at: str | None = None,
        extra: Mapping[str, JSON] | None = None,
    ) -> bool:
        """The model argument of a recognised call (site: call argument)."""
        if ctx.family in _LOADS_WEIGHTS and seen.flow == TREE_PATH and seen.text != ".":
            # Path(__file__).parent / "models" / "x": a folder of the tree, present or not.
            ref: refs.Ref | None = replace(
                localpaths.ref(seen.text, reason=None), kind=EvidenceKind.CODE_REF
            )
        elif seen.flow == TREE_PATH:
            ref = None  # a tree path handed to a hosted client names no model
        else:
            ref = (
                _local(seen)
                if ctx.family in _LOADS_WEIGHTS and localpaths.is_outside(seen.text)
                else refs.recognise_in(seen.text, ctx, partial=seen.partial)
            )
            if (
                ref is None
                and ctx.family in _LOADS_WEIGHTS
                and _dot_relative(seen.text)
                and _library_loader(call)
            ):
                # from_pretrained("./Qwen2.5-Medical-LoRA"): a folder of the tree the checkout
                # does not hold (the app's own fine-tune, written at run time).
                folder = posixpath.normpath(seen.text.strip())
                ref = replace(
                    localpaths.ref(folder, reason=_ABSENT_FOLDER),
                    kind=EvidenceKind.CODE_REF,
                )
        attrs: dict[str, JSON] = {"call": call, "argument": argument}
        attrs.update(extra or {})
        attrs["flow"] = seen.flow
        if used_at:
            attrs["used_at"] = [used_at]
        return self._add(ref, seen, weakest(seen.confidence, cap), attrs)

    def named(
        self,
        seen: Seen,
        key: str,
        *,
        base_url: str | None = None,
        family: str = "config",
        base_url_expr: str | None = None,
        provider_hint: str | None = None,
    ) -> bool:
        """A model-looking value under a model-ish name no known call consumed (site:
        config key; a raw HTTP body when ``base_url`` is the request's URL): medium at most."""
        if seen.mark in self.consumed or seen.partial:
            return False
        if seen.flow == TREE_PATH:
            return False  # a folder of the tree under a model-ish name: read where it is loaded
        if family == "config" and localpaths.is_outside(seen.text):
            # model_path = "/data/models/Qwen2-7B": a model on a machine's disk.
            attrs: dict[str, JSON] = {"key": key, "flow": seen.flow}
            return self._add(_local(seen), seen, weakest(seen.confidence, Confidence.MEDIUM), attrs)
        ev = refs.named_value(
            self.source,
            seen.text,
            key,
            seen.location,
            as_written=seen.as_written,
            confidence=seen.confidence,
            flow=seen.flow,
            env_var=seen.env_var,
            base_url=base_url,
            family=family,
            base_url_expr=base_url_expr,
            provider_hint=provider_hint,
        )
        if ev is None:
            folder = (
                localpaths.in_tree_folder(seen.text)
                if family == "config"
                and seen.flow == "cli-default"
                and base_url is None
                and base_url_expr is None
                else None
            )
            if folder is None:
                return False
            # parser.add_argument("--model", default="models/Llama-3.1-8B-Instruct"): a folder
            # of the tree, named from the root the script runs from (often gitignored). A
            # bare assignment (MODEL_PATH = "models/bert") says less and stays out.
            attrs = {"key": key, "flow": seen.flow}
            ref = replace(localpaths.ref(folder, reason=None), kind=EvidenceKind.CODE_REF)
            return self._add(ref, seen, weakest(seen.confidence, Confidence.MEDIUM), attrs)
        self.consumed.add(seen.mark)
        self.found.append(self._on_hub(ev, seen))
        return True

    def listed(
        self,
        seen: Seen,
        key: str | None,
        *,
        provider_hint: str | None = None,
        site: SiteKind = SiteKind.CATALOGUE_ITEM,
        base_url: str | None = None,
        base_url_expr: str | None = None,
        served_by: str | None = None,
    ) -> bool:
        """An entry of a catalogue (site: catalogue item, *listed*) or a UI default; served
        at the endpoint its entry names, if any (``served_by``: see ``refs.listed_value``)."""
        if seen.mark in self.consumed:
            return False
        if localpaths.is_outside(seen.text):
            # {"BELLE-Local": "/pretrainmodel/belle"}: a model folder the release offers.
            ref = _local(seen)
            ref = replace(ref, attributes={**ref.attributes, "listed": True})
            extra: dict[str, JSON] = {"flow": "catalogue"}
            if key:
                extra["key"] = key
            return self._add(ref, seen, Confidence.MEDIUM, extra)
        ev = refs.listed_value(
            self.source,
            seen.text,
            key,
            seen.location,
            as_written=seen.as_written,
            provider_hint=provider_hint,
            site=site,
            base_url=base_url,
            base_url_expr=base_url_expr,
            served_by=served_by,
        )
        if ev is None:
            return False
        self.consumed.add(seen.mark)
        self.found.append(self._on_hub(ev, seen))
        return True

    def endpoint(
        self, ctx: refs.RefContext, location: Location, call: str, *, env_var: str | None = None
    ) -> bool:
        """A client made with a known endpoint whose calls named no model in the file
        (``env_var``: the one environment variable they take the model from, if any)."""
        ev = refs.endpoint_evidence(self.source, ctx, location, call, env_var=env_var)
        if ev is None:
            return False
        self.found.append(ev)
        return True
