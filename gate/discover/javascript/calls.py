"""Pass 2 of the JS/TS analysis: known calls, providers and client methods, their
context and the evidence they give."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import tree_sitter

from gate.discover import refs
from gate.discover.calltable import (
    CallSpec,
    ClientFamily,
    unknown_client_spec,
)
from gate.discover.driver import Seen, endpoint_choice, resource_urls
from gate.discover.javascript.nodes import (
    _MAX_BINDINGS,
    _MAX_DEPTH,
    _STRINGISH,
    _branches,
    _Client,
    _scope_of,
    _unwrap,
    _Val,
    declared_functions,
)
from gate.discover.javascript.tables import _instances, table
from gate.discover.javascript.values import ValueReader
from gate.model import Confidence, Location

# AI SDK provider methods that name a model (ai-sdk.dev "Providers": languageModel,
# chat, completion, responses, embedding, textEmbeddingModel, image, imageModel...).
_MODEL_METHODS = frozenset(
    "languageModel chat completion responses embedding textEmbedding textEmbeddingModel"
    " image imageModel transcription speech".split()
)


_MAX_ALIASES = 256
"""Alias keys read from one customProvider call."""

SELF = "#self"
"""The module of a factory defined in the file that calls it."""


class CallReader(ValueReader):
    """Calls of the call table and methods of known clients."""

    # ---- calls ----

    def _call(self, call: tree_sitter.Node) -> None:
        callee = self._callee(call)
        qual = self._qualname(callee)
        spec = table().lookup(qual) if qual else None
        if spec is not None and spec.raw.get("aliases"):
            self._aliases(call, [str(a) for a in spec.raw["aliases"]])
            return
        if spec is not None and spec.raw.get("provider_fn"):
            # openai("gpt-4o") names a model; createOpenAI({...}) makes a provider and does not.
            made = self._provider_fn(callee)
            if made is not None:
                self._emit(("#0",), call, self._context(made[0], made[1]), made[2])
            return
        if spec is not None:
            if spec.client:
                self.clients_made.append((call, spec, qual or ""))
            if spec.model:
                ctx = self._context(spec, call)
                self._emit(
                    spec.model, call, ctx, qual or "", string_only=bool(spec.raw.get("string_only"))
                )
            if spec.client or spec.model:
                return
        provider = self._provider_fn(callee)
        if provider is not None:
            spec, made_by, where = provider
            ctx = self._context(spec, made_by)
            self._emit(("#0",), call, ctx, where)
            return
        factory = self._app_factory(callee)
        if factory is not None:
            self._pending_factory(call, *factory)
            return
        callee = _unwrap(callee)
        if callee is not None and callee.type == "member_expression":
            self._method_call(call, callee)

    def _aliases(self, call: tree_sitter.Node, fields: list[str]) -> None:
        """The alias keys of ``customProvider({ languageModels: { "chat-model": ... } })``."""
        found = self._arg(call, fields)
        node = _unwrap(found[0]) if found is not None else None
        if node is None or node.type != "object":
            return
        for pair in node.named_children[:_MAX_ALIASES]:
            key = pair.child_by_field_name("key") if pair.type == "pair" else None
            if key is None:
                continue
            text = self._source(key)
            text = text[1:-1] if key.type == "string" and len(text) >= 2 else text
            if text:
                self.aliases.append((text, key))

    def _provider_fn(
        self, callee: tree_sitter.Node | None
    ) -> tuple[CallSpec, tree_sitter.Node | None, str] | None:
        """A Vercel AI SDK provider being asked for a model: ``openai("gpt-4o")``,
        ``deepseek.chat("deepseek-chat")`` where ``deepseek = createDeepSeek({...})``."""
        node = _unwrap(callee)
        if node is not None and node.type == "member_expression":
            node = _unwrap(node.child_by_field_name("object"))
        if node is None or node.type != "identifier":
            return None
        name = self._source(node)
        if name in self.imports:
            spec = table().lookup(self.imports[name])
            if spec is not None and spec.raw.get("provider_fn"):
                if self.imports[name].split(":", 1)[1].startswith("create"):
                    return None
                return spec, None, self.imports[name]
            return None
        for value in self.values_of.get(name, []):
            inner = _unwrap(value)
            if inner is None or inner.type != "call_expression":
                continue
            qual = self._qualname(inner.child_by_field_name("function"))
            spec = table().lookup(qual) if qual else None
            if spec is not None and spec.raw.get("provider_fn"):
                return spec, inner, f"{qual}()"
        return None

    def _app_factory(self, callee: tree_sitter.Node | None) -> tuple[str, str | None] | None:
        """``(function, module)`` when a model is asked of a provider the app's own function
        makes (``const deepseek = useDeepSeek(); deepseek("deepseek-chat")``, a Nuxt server
        util or ``import { makeProvider } from "./ai"``): a function this file neither
        defines nor imports from a package. ``module`` is the relative import, or None for
        an auto-imported util. Resolved after the scan (javascript/across.py)."""
        node = _unwrap(callee)
        if node is not None and node.type == "member_expression":
            prop = self._source(node.child_by_field_name("property"))
            if prop not in _MODEL_METHODS:
                return None
            node = _unwrap(node.child_by_field_name("object"))
        if node is None or node.type != "identifier":
            return None
        name = self._source(node)
        if name in self.imports:
            # import { gemini } from "@/server/llm": a provider the app's own module holds
            # (export const gemini = createGoogleGenerativeAI(...)), asked here for a model.
            path, _, exported = self.imports[name].partition(":")
            if path.startswith((".", "~", "@/")) and exported and exported != "default":
                return exported, path
            return None
        for value in self.values_of.get(name, [])[:_MAX_BINDINGS]:
            inner = _unwrap(value)
            if inner is not None and inner.type == "await_expression":
                inner = _unwrap(inner.named_children[0]) if inner.named_children else None
            if inner is None or inner.type != "call_expression":
                continue
            func = _unwrap(inner.child_by_field_name("function"))
            args = inner.child_by_field_name("arguments")
            if func is None or func.type != "identifier" or (args and args.named_children):
                continue
            fn = self._source(func)
            if self._declares(fn):
                return fn, SELF  # defined in this very file (a declaration or an arrow)
            if fn in self.values_of:
                continue
            module = self.imports.get(fn)
            if module is None:
                return fn, None
            path = module.split(":", 1)[0]
            if path.startswith((".", "~", "@/")):
                return fn, path
        return None

    def _app_client(self, receiver: tree_sitter.Node) -> tuple[str, str | None] | None:
        """``(export, module)`` when a client method is called on a client the app's own
        module exports (``const client = require("../config/openai")``, ``import client from
        "./llm"``; that module's ``module.exports = new OpenAI({baseURL})``): finished through
        that module after the scan (javascript/across.py), as a factory's provider is."""
        node = _unwrap(receiver)
        if node is None or node.type != "identifier":
            return None
        path, _, exported = self.imports.get(self._source(node), "").partition(":")
        if path.startswith((".", "~", "@/")) and exported:
            return exported, path
        return None

    def _declares(self, name: str) -> bool:
        """Whether this file declares the function ``name`` (as the factory pass finds it)."""
        if self._declared is None:
            self._declared = declared_functions(self.root)
        return name.encode() in self._declared

    def _pending_factory(self, call: tree_sitter.Node, fn: str, module: str | None) -> None:
        args = self._args(call)
        first = _unwrap(args[0]) if args else None
        if first is None:
            return
        for val in self.values(first):
            if val.partial:
                continue
            self.pending.append((val, fn, module))

    def _method_call(self, call: tree_sitter.Node, func: tree_sitter.Node) -> None:
        # Every chain tried below ends in the call's last word: a word that ends no client
        # method (most calls of a module) is refused before the chain is read.
        last = self._source(func.child_by_field_name("property"))
        if last.rsplit(".", 1)[-1] not in table().method_ends():
            return
        attrs: list[str] = []
        receivers: list[tree_sitter.Node] = []
        node: tree_sitter.Node | None = func
        while node is not None and node.type == "member_expression" and len(attrs) < 6:
            attrs.insert(0, self._source(node.child_by_field_name("property")))
            node = _unwrap(node.child_by_field_name("object"))
            if node is None:
                return
            receivers.insert(0, node)
        for i in range(len(attrs)):
            method = ".".join(attrs[i:])
            families = table().families(method)
            if families:
                self._client_method(call, receivers[i], method, families)
                return

    def _client_method(
        self,
        call: tree_sitter.Node,
        receiver: tree_sitter.Node,
        method: str,
        families: Sequence[ClientFamily],
    ) -> None:
        clients = self._clients(receiver, 0)
        if not clients:
            factory = self._app_factory(receiver) or self._app_client(receiver)
            if factory is not None:
                # const client = getClient(): a client the app's own function makes; the
                # file that defines it says what serves it (javascript/across.py).
                found = self._arg(call, families[0].model)
                for val in self.values(found[0]) if found is not None else []:
                    if not val.partial:
                        self.pending.append((val, *factory))
                return
        if clients is None:
            return
        for fam in families:
            matched = [c for c in clients if c.spec.client == fam.name]
            for client in matched:
                ctx = self._context(client.spec, client.call)
                if client.spec.provider_arg:
                    # client.chatCompletion({ provider: "together", model }): per call
                    hint = self._first_constant(call, client.spec.provider_arg)
                    ctx = _routed(replace(ctx, provider_hint=hint or ctx.provider_hint))
                emitted = self._emit(fam.model, call, ctx, f"{client.qualname}.{method}")
                if emitted and client.call is not None:
                    self.client_used.add(client.call.id)
                elif client.call is not None:
                    found = self._arg(call, fam.model)
                    env = self._env_name(found[0]) if found is not None else None
                    if env is not None:
                        self.env_models.setdefault(client.call.id, set()).add(env)
            if matched:
                return
        if clients:
            return
        imported = {q.split(":", 1)[0] for q in self.imports.values()} | set(
            self.namespaces.values()
        )
        picked = unknown_client_spec(table(), families, method, imported, sep=":")
        if picked is not None:
            fam, spec, cap = picked
            expr = re.sub(r"\s+", " ", self._source(receiver))[:200] or "?"
            ctx = refs.RefContext(family=spec.family, base_url_dynamic=expr)
            self._emit(fam.model, call, ctx, f"?.{method}", cap=cap)

    def _clients(self, node: tree_sitter.Node | None, depth: int) -> list[_Client] | None:
        node = _unwrap(node)
        if node is None:
            return []
        if depth > _MAX_DEPTH:
            self._depth_cuts += 1  # an answer holding this cut is kept only for its depth
            return []
        if node.type in ("new_expression", "call_expression"):
            qual = self._qualname(self._callee(node)) or ""
            spec = table().lookup(qual) if qual else None
            if spec is not None and spec.client:
                return [_Client(spec, node, qual)]
            return None if self._is_imported(self._callee(node)) else []
        if node.type == "identifier":
            name = self._source(node)
            if name in self.imports:
                instance = _instances().get(self.imports[name])
                if instance is not None:
                    spec = next((s for s in table().calls if s.client == instance), None)
                    if spec is not None:
                        return [_Client(spec, None, self.imports[name])]
                return None
            return self._bound_clients(name, depth, _scope_of(node))
        if node.type == "member_expression":
            obj = _unwrap(node.child_by_field_name("object"))
            if obj is not None and obj.type == "this":
                return self._bound_clients(
                    "this." + self._source(node.child_by_field_name("property")), depth
                )
        return []

    def _bound_clients(
        self, name: str, depth: int, home: int | None = None
    ) -> list[_Client] | None:
        if name in self._guard:
            self._guard_hits.append(name)
            return []
        # Asked once per name (and function), each client once: names bound to names bound
        # to names, eight a level, were walked 8**8 times and listed each client as often.
        # An answer cut short by another name being asked above it is not kept (asked on
        # its own, that name is read); one cut only by the name itself is its whole answer.
        # An answer the depth limit cut serves only as deep a question (a shallower one has
        # room to read further, and reads again); a whole answer serves every depth.
        memo = (name, home)
        known = self._bound_memo.get(memo)
        if known is not None and (known[1] is None or depth >= known[1]):
            return known[0]
        mark = len(self._guard_hits)
        cuts = self._depth_cuts
        found = self._bound_clients_uncached(name, depth, home)
        if all(hit == name for hit in self._guard_hits[mark:]):
            self._bound_memo[memo] = (found, depth if self._depth_cuts > cuts else None)
        return found

    def _bound_clients_uncached(
        self, name: str, depth: int, home: int | None
    ) -> list[_Client] | None:
        self._guard.add(name)
        try:
            out: list[_Client] = []
            other = False
            bound = self.values_of.get(name, [])
            if home is not None:
                # A client bound in the caller's own function is the one it uses; a name
                # bound in another function is another variable.
                local = [v for v in bound if _scope_of(v) == home]
                bound = local or bound
            if len(bound) > _MAX_BINDINGS:
                return []
            seen: set[tuple[int, int | None, str]] = set()
            for value in bound:
                got = self._clients(value, depth + 1)
                if got is None:
                    other = True
                    continue
                for client in got:
                    call = client.call.id if client.call else None
                    key = (id(client.spec), call, client.qualname)
                    if key not in seen:
                        seen.add(key)
                        out.append(client)
            return None if other and not out else out
        finally:
            self._guard.discard(name)

    def _context(self, spec: CallSpec, call: tree_sitter.Node | None) -> refs.RefContext:
        base_url: str | None = None
        dynamic: str | None = None
        if call is not None and spec.base_url:
            found = self._arg(call, spec.base_url)
            if found is not None:
                bound = self._local_bindings(found[0], call)
                exprs = bound if bound is not None else [found[0]]
                vals = [v for e in exprs for v in self.values(e)]
                texts = [v.text for v in vals if not v.partial]
                if not texts:
                    texts = resource_urls([v.text for v in vals if v.partial])
                # Set by an expression, or differently on different paths (a branch per
                # provider): then which host serves this call is not decided here.
                base_url, dynamic = endpoint_choice(
                    texts,
                    decided=self._decided(exprs, call),
                    expression=re.sub(r"\s+", " ", self._source(found[0]))[:200],
                )
        resource = self._first_constant(call, spec.raw.get("resource") or ())
        if base_url is None and resource:
            base_url = f"https://{resource}.openai.azure.com"
        return _routed(
            refs.RefContext(
                family=spec.family,
                sdk=spec.sdk,
                provider=spec.provider,
                base_url=base_url,
                base_url_dynamic=dynamic,
                region=self._first_constant(call, spec.region),
                vertex=self._truthy(call, spec.vertex_flag),
                provider_hint=self._first_constant(call, spec.provider_arg),
            )
        )

    def _local_bindings(
        self, node: tree_sitter.Node, call: tree_sitter.Node
    ) -> list[tree_sitter.Node] | None:
        """The values a variable is bound to in the call's own function (else at the top
        level): a name bound in another function is another variable. None for anything
        but a name."""
        name = _unwrap(node)
        if name is None or name.type not in ("identifier", "shorthand_property_identifier"):
            return None
        every = self.values_of.get(self._source(name), [])
        home = _scope_of(call)
        local = [v for v in every if _scope_of(v) == home]
        if local:
            return local
        return [v for v in every if _scope_of(v) == self.root.id]

    def _decided(self, bound: Sequence[tree_sitter.Node], call: tree_sitter.Node) -> bool:
        """The endpoint's bindings hold wherever the call runs: none is null/undefined (the
        SDK's default on that path) or sits in a branch (``if``, ``switch`` case, ``catch``,
        ternary arm) the call is not in."""
        where = _branches(call)
        for value in bound:
            node = _unwrap(value)
            if node is not None and node.type in ("null", "undefined"):
                return False
            if not _branches(value) <= where:
                return False
        return True

    def _emit(
        self,
        names: Sequence[str],
        call: tree_sitter.Node,
        ctx: refs.RefContext,
        qual: str,
        *,
        cap: Confidence = Confidence.HIGH,
        string_only: bool = False,
    ) -> int:
        found = self._arg(call, names)
        if found is None:
            return 0
        node, arg_name = found
        target = _unwrap(node)
        if string_only and target is not None and target.type not in _STRINGISH:
            return 0
        count = 0
        argument = f"positional {arg_name[1:]}" if arg_name.startswith("#") else arg_name
        vals = self.values(node)
        if not vals and target is not None:
            self._imported_constant(target, ctx, qual, argument)
        for val in vals:
            elsewhere = val.node.start_point[0] != call.start_point[0]
            if self.driver.call(
                self._seen(val),
                ctx,
                call=qual,
                argument=argument,
                cap=cap,
                used_at=self._where(call) if elsewhere else None,
            ):
                count += 1
        return count

    def _imported_constant(
        self, target: tree_sitter.Node, ctx: refs.RefContext, qual: str, argument: str
    ) -> None:
        """A model argument that is a constant of another module of the app (``import {
        model } from "@/lib/ai"; generateText({ model })``): read there after the scan."""
        if target.type not in ("identifier", "shorthand_property_identifier"):
            return
        path, _, exported = self.imports.get(self._source(target), "").partition(":")
        if path.startswith((".", "~", "@/")) and exported and exported != "default":
            self.pending_constants.append((target, exported, path, ctx, qual, argument))

    def _seen(self, val: _Val) -> Seen:
        """A value as the driver takes it."""
        return Seen(
            text=val.text,
            location=self._loc(val.node),
            mark=val.node.id,
            as_written=val.text,
            confidence=val.confidence,
            flow=val.flow,
            env_var=val.env_var,
            partial=val.partial,
        )

    def _loc(self, node: tree_sitter.Node) -> Location:
        row, col = node.start_point
        return Location(self.rel, line=row + 1, column=self.columns.at(row, col))

    def _where(self, node: tree_sitter.Node) -> str:
        loc = self._loc(node)
        return f"{loc.line}:{loc.column}"


def _routed(ctx: refs.RefContext) -> refs.RefContext:
    """A Hugging Face inference call naming an Inference Provider (``provider: "together"``):
    Hugging Face's router hands it to that provider, which serves the Hub id."""
    if ctx.family != "hf-hosted" or not ctx.provider_hint or ctx.base_url:
        return ctx
    provider = refs.provider_alias(ctx.provider_hint)
    if provider is None or provider == "huggingface":
        return ctx
    return replace(ctx, family="hosted", provider=provider, provider_hint=None)
