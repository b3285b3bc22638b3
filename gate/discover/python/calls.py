"""Pass 2 of the Python analysis: known calls and client methods, their context and
the evidence they give."""

from __future__ import annotations

import ast
import posixpath
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache

from gate.discover import refs
from gate.discover.calltable import CallSpec, ClientFamily, unknown_client_spec
from gate.discover.driver import TREE_PATH, Seen, resource_urls
from gate.discover.python.scopes import _MAX_DEPTH, Client, Scope, Val, _kw, _segment, _within
from gate.discover.python.tables import _module_base_urls, table
from gate.discover.python.values import ValueReader
from gate.model import JSON, Confidence, Location
from gate.recognise import conventions


@cache
def _sdk_roots() -> frozenset[str]:
    """The top-level packages the call table names (openai, langchain_openai, ...)."""
    roots = {re.split(r"[.*]", m, maxsplit=1)[0] for s in table().calls for m in s.match}
    return frozenset(r for r in roots if r) | frozenset(_PACKAGES)


# Packages an app imports names from that are no client or model constant of its own.
_PACKAGES = ("os", "sys", "typing", "dotenv", "pydantic", "pydantic_settings", "streamlit")
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _app_module(qualname: str) -> bool:
    """A name imported from a module that is not a package the call table knows: one of
    the app's own modules (``from llm import client``, ``from config import MODEL``)."""
    return qualname.split(".", 1)[0] not in _sdk_roots()


@cache
def _call_words() -> tuple[frozenset[str], tuple[str, ...]] | None:
    """The last words of the call table's names (``from_pretrained`` of
    ``*.from_pretrained``, ``client`` of ``boto3.Session().client``), and the literal
    starts of the globs whose last word is open (``qianfan`` of ``qianfan.resources.*``).
    A qualified name ends in its callee's own last word, so a call ending in none of these
    words matches no entry unless its module names one of those starts. None: no such
    screen (a name ending in a call's parentheses)."""
    words: set[str] = set()
    starts: list[str] = []
    for name in [*table().exact, *(pattern for pattern, _ in table().globs)]:
        tail = re.split(r"[*?[]", name)[-1]
        if tail.endswith(")"):
            return None
        if tail == name or ("." in tail and "]" not in tail):
            words.add(tail.rsplit(".", 1)[-1])
        else:
            starts.append(re.split(r"[.*?[]", name, maxsplit=1)[0])
    return frozenset(words), tuple(starts)


class CallReader(ValueReader):
    """Calls of the call table and methods of known clients."""

    _words: frozenset[str] | None = None
    _screened = False
    _ends: frozenset[str] = frozenset()
    """The last words of client methods (``CallTable.method_ends``), once screened."""

    def _table_words(self) -> frozenset[str] | None:
        """:func:`_call_words`' words, when they screen this module's calls: not when its
        text holds a start of an open glob, as written or NFKC-normalised as identifiers
        are read (``ｑianfan`` is ``qianfan``)."""
        if not self._screened:
            self._screened = True
            found = _call_words()
            if found is not None:
                words, starts = found
                texts = [self.text]
                if not self.text.isascii() and not unicodedata.is_normalized("NFKC", self.text):
                    texts.append(unicodedata.normalize("NFKC", self.text))
                if not any(start in text for start in starts for text in texts):
                    self._words = words
                    self._ends = table().method_ends()
        return self._words

    def _may_be_listed(self, func: ast.expr) -> bool:
        """Whether a callee's qualified name may have a call-table entry: False when its
        last word (an imported name's own) is no entry's (most calls of a module:
        ``torch.cat``, ``self.norm``, ``len``), known without working the name out."""
        words = self._table_words()
        if words is None:
            return True
        if isinstance(func, ast.Attribute):
            return func.attr in words
        if isinstance(func, ast.Name):
            return self.imports.get(func.id, func.id).rsplit(".", 1)[-1] in words
        return False  # a call's result or a subscript: its name ends in "()" or is none

    def _call(self, call: ast.Call, scope: Scope) -> None:
        func = call.func
        if not self._may_be_listed(func):
            if isinstance(func, ast.Attribute) and func.attr in self._ends:
                self._method_call(call, scope)  # (a word no client method ends in: none)
            return
        qual = self._qualname(call.func, scope)
        spec = table().lookup(qual) if qual else None
        if spec is not None:
            if spec.client:
                if not self._is_service_client(call, spec, scope):
                    return
                self.clients_made.append((call, scope, spec, qual or ""))
            if spec.model:

                def ctx(sites: Sequence[tuple[Scope, ast.Call]]) -> refs.RefContext:
                    return self._context(spec, call, scope, sites)

                named = self._emit(spec.model, call, scope, ctx, qual or "", spec)
                for extra in spec.also:
                    named += self._emit((extra,), call, scope, ctx, qual or "", spec)
                if not named and spec.base_url and not spec.client:
                    # ChatOpenAI(openai_api_base="https://api.deepseek.com", **kwargs): the
                    # model comes from elsewhere, the endpoint is still where prompts go.
                    self.clients_made.append((call, scope, spec, qual or ""))
                return
            if spec.client:
                return
        if isinstance(call.func, ast.Attribute):
            self._method_call(call, scope)

    def _is_service_client(self, call: ast.Call, spec: CallSpec, scope: Scope) -> bool:
        if not spec.service:
            return True
        service = self._first_constant(call, (spec.service, "service_name"), scope)
        return service in spec.service_names

    def _method_call(self, call: ast.Call, scope: Scope) -> None:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr not in table().method_ends():
            return  # every chain tried below ends in this word
        # receivers[i] is the expression the method chain attrs[i:] is called on.
        attrs: list[str] = []
        receivers: list[ast.expr] = []
        node: ast.expr = call.func
        while isinstance(node, ast.Attribute) and len(attrs) < 6:
            attrs.insert(0, node.attr)
            node = node.value
            receivers.insert(0, node)
        for i in range(len(attrs)):
            method = ".".join(attrs[i:])
            families = table().families(method)
            if not families:
                continue
            # The longest chain that is a client method decides (client.chat.completions.create
            # is "chat.completions.create" on client, not "completions.create" on client.chat).
            self._client_method(call, scope, receivers[i], method, families)
            return

    def _client_method(
        self,
        call: ast.Call,
        scope: Scope,
        receiver: ast.expr,
        method: str,
        families: Sequence[ClientFamily],
    ) -> None:
        clients = self._clients(receiver, scope, 0)
        if clients is None:
            return  # the receiver is something else (a non-AI client)
        for fam in families:
            matched = [c for c in clients if c.spec.client == fam.name]
            for client in matched:
                where = f"{client.qualname}().{method}"
                if self._emit(
                    fam.model, call, scope, self._client_context(client), where, client.spec,
                    accepts=self._models_tested_for(client) if len(matched) > 1 else None,
                ):  # fmt: skip
                    self.client_used.add(id(client.call))
            if matched:
                return
        if clients:
            return
        # A receiver the module neither constructs nor types (self.client set by a base
        # class, a client passed in): see unknown_client_spec. base_url_expr names it.
        imported = {q.split(".", 1)[0] for q in self.imports.values()}
        picked = unknown_client_spec(table(), families, method, imported, sep=".")
        if picked is not None:
            fam, spec, cap = picked
            receiver_text = _segment(self.text, receiver) or "?"
            ctx = refs.RefContext(family=spec.family, base_url_dynamic=receiver_text)
            made = self._factory_of(receiver, scope)
            if made is not None:
                # Made by the app's own factory or module: what serves it is read there
                # after the scan (across.py), which then replaces this call's reading.
                found = self._arg(call, fam.model)
                for val in self.values(found[0], scope) if found is not None else []:
                    if not val.partial:
                        self.pending_made.append((val, made, f"?.{method}", cap))
            self._emit(fam.model, call, scope, ctx, f"?.{method}", spec, cap=cap)

    def _app_factory(self, call: ast.Call) -> str | None:
        """``module.function`` when a call is to a function imported from another module of
        the app (``from llm import make_client``; ``make_client("https://…")``)."""
        func = call.func
        if isinstance(func, ast.Name) and func.id in self.imports:
            qual = self.imports[func.id]
            return qual if "." in qual and _app_module(qual) else None
        return None

    def _factory_of(self, receiver: ast.expr, scope: Scope) -> dict[str, JSON] | None:
        """What the app's own factory call that made a client was given: the function and
        the string constants it was passed (by position ``#n`` and keyword), for the pass
        after the scan to read the client the factory builds from them."""
        call: ast.expr | None = receiver
        if isinstance(receiver, ast.Name) and receiver.id in self.imports:
            imported = self.imports[receiver.id]
            if "." in imported and _app_module(imported):
                return {"client_factory": "", "client_object": receiver.id}
            return None
        if isinstance(receiver, ast.Name):
            bound = self._lookup(receiver.id, scope)
            call = bound[0][0] if len(bound) == 1 else None
        if not isinstance(call, ast.Call):
            return None
        qual = self._app_factory(call)
        if qual is None:
            return None
        args: dict[str, JSON] = {}
        named = [(f"#{i}", a) for i, a in enumerate(call.args)]
        named += [(kw.arg, kw.value) for kw in call.keywords if kw.arg]
        for key, arg in named:
            texts = {v.text for v in self.values(arg, scope) if not v.partial}
            if len(texts) == 1:
                args[key] = texts.pop()
        return {"client_factory": qual, "client_factory_args": args}

    def _models_tested_for(self, client: Client) -> Callable[[str], bool] | None:
        """The model names a client serves when the app chose it by testing a model
        variable (``if model_name == "deepseek-chat": self.client = OpenAI(base_url=
        DEEPSEEK)`` / ``else: self.client = OpenAI()``): the tested names for the ``if`` arm,
        the others for the ``else`` arm. None when no such test encloses the client."""
        if client.call is None:
            return None
        found = self.stmt_path(client.call)
        if found is None or found[1]:
            return None
        inside: frozenset[object] | None = None
        outside: frozenset[object] = frozenset()
        for stmt, where in found[0]:
            if isinstance(stmt, _DEFINITIONS):
                inside, outside = None, frozenset()  # the innermost function's tests only
                continue
            if not isinstance(stmt, ast.If) or where not in ("body", "orelse"):
                continue
            # Each arm worked out once for every client under it (a test of n names, n
            # clients in its arm: each client read the test for each name).
            slot = (id(stmt), where)
            known = self._tested_model_arms.get(slot)
            if known is not None:
                inside, outside = known
                continue
            narrowed, names = self._narrowed(stmt.test)
            for name, constants in narrowed.items():
                if not refs.names_model(name):
                    continue
                tested = frozenset(c.value for c in constants)
                if where == "body":
                    inside = tested if inside is None else inside & tested
                elif len(names) == 1:
                    outside |= tested  # `else:` of a test of this name alone
            self._tested_model_arms[slot] = (inside, outside)
        if inside is None and not outside:
            return None
        allowed, refused = inside, outside
        return lambda text: (allowed is None or text in allowed) and text not in refused

    def _client_context(
        self, client: Client
    ) -> Callable[[Sequence[tuple[Scope, ast.Call]]], refs.RefContext]:
        def ctx(sites: Sequence[tuple[Scope, ast.Call]]) -> refs.RefContext:
            return self._context(client.spec, client.call, client.scope, sites)

        return ctx

    def _clients(self, expr: ast.expr, scope: Scope, depth: int) -> list[Client] | None:
        """Clients an expression may be; [] when unknown, None when known not to be one."""
        if depth > _MAX_DEPTH:
            self._client_cuts += 1  # an answer holding this cut is kept only for its depth
            return []
        if isinstance(expr, ast.Call):
            qual = self._qualname(expr.func, scope) or ""
            spec = table().lookup(qual) if qual else None
            if spec is not None and spec.client and self._is_service_client(expr, spec, scope):
                return [Client(spec, expr, scope, qual)]
            if isinstance(expr.func, ast.Name) and expr.func.id in self.functions:
                return [c for fn in self.functions[expr.func.id] for c in self._returned(fn, depth)]
            if isinstance(expr.func, ast.Attribute) and expr.func.attr in ("with_options", "copy"):
                return self._clients(expr.func.value, scope, depth + 1)
            if self._app_factory(expr) is not None:
                return []  # the app's own client factory in another module (across.py)
            # A call to something imported that is not an AI client: a package the call
            # table knows (or _PACKAGES), or `pkg.Client()` through a module. (`from
            # twilio.rest import Client`; `Client()` counts as an app factory above: see
            # _app_module, which cannot tell a third-party package from an app module.)
            return None if self._is_imported(expr.func) else []
        if isinstance(expr, ast.Name):
            if expr.id in self.imports:
                # A client object another module of the app makes (``from llm import
                # client``): unknown here, placed through that module after the scan
                # (python/across.py); a name an SDK or other package exports is not one.
                qual = self.imports[expr.id]
                return [] if "." in qual and _app_module(qual) else None
            owner = self._binding_scope(expr.id, scope)
            if owner is None:
                return []
            out = []
            known_other = False
            for value in owner.assigns.get(expr.id, []):
                got = self._clients(value, owner, depth + 1)
                if got is None:
                    known_other = True
                else:
                    out += got
            passed = self._passed_clients(expr.id, owner, depth) if not out else []
            annotation = owner.annotations.get(expr.id)
            if passed:
                out += passed  # the annotation says only the client's type
            elif annotation is not None:
                out += self._annotated(annotation, owner)
            if not out and known_other:
                return None
            return out
        if isinstance(expr, ast.Attribute):
            cls = self._class_of(expr.value, scope, depth)
            if cls is None:
                return []
            out = []
            for value in cls.assigns.get(expr.attr, []):
                out += self._clients(value, cls, depth + 1) or []
            for value, where in cls.self_attrs.get(expr.attr, []):
                out += self._clients(value, where, depth + 1) or []
            annotation = cls.annotations.get(expr.attr)
            if annotation is not None:
                out += self._annotated(annotation, cls)
            return out
        if isinstance(expr, ast.Await):
            return self._clients(expr.value, scope, depth + 1)
        return []

    def _returned(self, fn: Scope, depth: int) -> list[Client]:
        """The clients a function returns, asked once per function, each client once: a
        function returning one of n calls to another such function, eight levels down, was
        walked n**8 times (and each client listed as often)."""
        return self._asked_once(
            ("returns", id(fn)),
            depth,
            lambda: [c for ret in fn.returns for c in self._clients(ret, fn, depth + 1) or []],
        )

    def _asked_once(
        self, key: tuple[object, ...], depth: int, ask: Callable[[], list[Client]]
    ) -> list[Client]:
        """``ask()``'s clients, each once, remembered under ``key``. Asked again while being
        asked (a function returning its own call), it is cut (none); an answer cut short by
        another question in progress is not kept (asked on its own, that one is read). An
        answer the depth limit cut, asked at ``depth``, serves only as deep a question (a
        shallower one has room to read further, and reads again); a whole answer serves
        every depth."""
        known = self._client_memo.get(key)
        if known is not None and (known[1] is None or depth >= known[1]):
            return known[0]
        if key in self._client_asking:
            self._client_hits.append(key)
            return []
        self._client_asking.add(key)
        mark = len(self._client_hits)
        cuts = self._client_cuts
        try:
            out: dict[tuple[int, int, str], Client] = {}
            for client in ask():
                out.setdefault((id(client.spec), id(client.call), client.qualname), client)
        finally:
            self._client_asking.discard(key)
        found = list(out.values())
        if all(hit == key for hit in self._client_hits[mark:]):
            self._client_memo[key] = (found, depth if self._client_cuts > cuts else None)
        return found

    def _passed_clients(self, name: str, fn: Scope, depth: int) -> list[Client]:
        """The clients a function's callers in the module pass for its parameter ``name``
        (``def ask(audio, client: OpenAI)`` called as ``ask(f, OpenAI(base_url=...))``): a
        function defined once, read at each call site that passes it."""
        if (
            name not in fn.params
            or fn.kind != "function"
            or not isinstance(fn.node, ast.FunctionDef | ast.AsyncFunctionDef)
            or len(self.functions.get(fn.name, ())) != 1
        ):
            return []
        # Asked once per parameter, each client once: callers that pass the parameter on
        # to callers of their own (n call sites a level, eight levels) were walked n**8
        # times, the list of clients as long; a function passing it to itself is cut.
        return self._asked_once(
            ("passed", id(fn), name),
            depth,
            lambda: [
                client
                for call, where in self._calls_by_name().get(fn.name, [])
                if (arg := self._site_arg(call, fn, name)[0]) is not None
                for client in self._clients(arg, where, depth + 1) or []
            ],
        )

    def _annotated(self, annotation: ast.expr, scope: Scope) -> list[Client]:
        qual = (
            self._qualname(annotation, scope)
            if isinstance(annotation, ast.Name | ast.Attribute)
            else None
        )
        spec = table().lookup(qual) if qual else None
        if spec is not None and spec.client:
            return [Client(spec, None, scope, qual or "")]
        return []

    def _context(
        self,
        spec: CallSpec,
        call: ast.Call | None,
        scope: Scope,
        sites: Sequence[tuple[Scope, ast.Call]] = (),
    ) -> refs.RefContext:
        """What a call's own arguments say (endpoint, region, revision...). ``sites``: the
        call sites the model value came through, where parameters are read (a base_url
        passed by one caller is not another caller's)."""
        saved, memo = self._pinned, self._name_memo
        self._pinned = dict(sites)
        # A name's values depend on the sites read: answers kept apart, those with no site
        # pinned in the memo made for that state (even if this were asked inside another).
        self._name_memo = {} if self._pinned else self._unpinned_memo
        try:
            return self._context_pinned(spec, call, scope)
        finally:
            self._pinned, self._name_memo = saved, memo

    def _context_pinned(
        self, spec: CallSpec, call: ast.Call | None, scope: Scope
    ) -> refs.RefContext:
        base_url: str | None = None
        dynamic: str | None = None
        region: str | None = None
        vertex = False
        revision = repo_type = provider_hint = namespace = None
        if call is not None:
            found = self._arg(call, spec.base_url)
            if found is not None:
                unknown, none = self._unknown_args, self._none_args
                every = list(self.values(found[0], scope))
                vals = [v for v in every if not v.partial]
                unknown_at_a_site = self._unknown_args > unknown
                none_at_a_site = self._none_args > none
                decided = self._decided(found[0], scope, call)
                if vals and len({v.text for v in vals}) == 1 and not unknown_at_a_site:
                    if not none_at_a_site and decided:
                        base_url = vals[0].text
                    else:
                        # Some callers pass it, others leave it None: which host serves a
                        # given call depends on the caller, which this model does not say.
                        dynamic = _segment(self.text, found[0])
                elif not vals and none_at_a_site and not unknown_at_a_site:
                    pass  # None at every site the value came through: the SDK's default
                elif (
                    not vals
                    and decided
                    and len(fixed := set(resource_urls([v.text for v in every]))) == 1
                ):
                    # f"https://api.runpod.ai/v2/{ENDPOINT_ID}/openai/v1": only the path is
                    # unknown, the host is written (and holds on the call's path).
                    base_url = fixed.pop()
                else:
                    dynamic = _segment(self.text, found[0])
            region = self._first_constant(call, spec.region, scope) if spec.region else None
            if spec.vertex_flag:
                vertex = self._truthy(_kw(call, spec.vertex_flag), scope)
            revision = self._first_constant(call, ("revision",), scope)
            repo_type = (
                self._first_constant(call, spec.repo_type, scope) if spec.repo_type else None
            )
            provider_hint = (
                self._first_constant(call, spec.provider_arg, scope) if spec.provider_arg else None
            )
            namespace = (
                self._first_constant(call, spec.namespace, scope) if spec.namespace else None
            )
        family = spec.family
        if call is not None and spec.raw.get("hub_arg"):
            # AutoModel(model=..., hub="hf"): the call names the hub it downloads from.
            word = self._first_constant(call, tuple(spec.raw["hub_arg"]), scope)
            family = refs.on_hub(family, conventions().hub_named(word))
        settings = _module_base_urls().get(spec.sdk or "", ())
        if base_url is None and dynamic is None:
            for setting in settings:
                for value, where in self.module_settings.get(setting, []):
                    vals = [v for v in self.values(value, where) if not v.partial]
                    if vals:
                        base_url = vals[0].text
        return refs.RefContext(
            family=family,
            sdk=spec.sdk,
            provider=spec.provider,
            base_url=base_url,
            base_url_dynamic=dynamic,
            region=region,
            vertex=vertex,
            revision=revision,
            repo_type=repo_type,
            provider_hint=provider_hint,
            namespace=namespace,
        )

    # ---- branches: a serving fact reaches a call only along a path where both meet ----

    def _decided(self, expr: ast.expr, scope: Scope, call: ast.Call) -> bool:
        """Whether a variable holding an endpoint has that value wherever the call runs: not
        when some binding is None (the SDK's default on that path) or sits in an ``if``
        branch, ``match`` case or ``except`` handler the call is not in (``if provider ==
        "Kimi": base_url = "https://api.moonshot.ai/v1"`` says nothing of other providers)."""
        if not isinstance(expr, ast.Name):
            return True
        owner = self._binding_scope(expr.id, scope)
        if owner is None:
            return True
        for value in owner.assigns.get(expr.id, []):
            if isinstance(value, ast.Constant) and not isinstance(value.value, str):
                return False
            if not self._branches(value) <= self._branches(call):
                return False
        return True

    def _branches(self, node: ast.AST) -> frozenset[tuple[int, str]]:
        """The conditional branches enclosing a node, up to its function or module."""
        parents = self._parents_within(node)
        out: set[tuple[int, str]] = set()
        child = node
        parent = parents.get(id(child))
        while parent is not None and not isinstance(
            parent, ast.FunctionDef | ast.AsyncFunctionDef | ast.Module | ast.ClassDef
        ):
            if isinstance(parent, ast.If) and child is not parent.test:
                out.add((id(parent), "body" if _within(child, parent.body) else "orelse"))
            elif isinstance(parent, ast.match_case | ast.ExceptHandler):
                out.add((id(parent), "case"))
            elif isinstance(parent, ast.IfExp) and child is not parent.test:
                out.add((id(parent), "body" if child is parent.body else "orelse"))
            child, parent = parent, parents.get(id(parent))
        return frozenset(out)

    def _parents_within(self, node: ast.AST) -> dict[int, ast.AST]:
        """The parents of the nodes of the innermost function or class statement enclosing
        ``node`` (else of its top-level statement): the walk in :meth:`_branches` stops there,
        so it needs no map of the whole module (made once, for the first question, it was
        most of the cost of these questions). The whole module's map when the statements
        enclosing the node are not found by position."""
        if self._parents is not None:
            return self._parents
        found = self.stmt_path(node)
        chain = found[0] if found is not None else []
        if not chain:
            return self._parent_map()
        root = next((s for s, _ in reversed(chain) if isinstance(s, _DEFINITIONS)), chain[0][0])
        parents = self._parents_of.get(id(root))
        if parents is None:
            parents = self._parents_of[id(root)] = {
                id(child): parent
                for parent in ast.walk(root)
                for child in ast.iter_child_nodes(parent)
            }
        return parents

    def _emit(
        self,
        names: Sequence[str],
        call: ast.Call,
        scope: Scope,
        ctx: refs.RefContext | Callable[[Sequence[tuple[Scope, ast.Call]]], refs.RefContext],
        qual: str,
        spec: CallSpec,
        cap: Confidence = Confidence.HIGH,
        accepts: Callable[[str], bool] | None = None,
    ) -> int:
        """Evidence for the model argument of a call; returns how many were found. ``ctx``
        as a function is asked once per set of call sites a model value came through;
        ``accepts``: which model names this client can be sent (see _models_tested_for)."""
        found = self._arg(call, names)
        if found is None:
            return 0
        expr, arg_name = found
        imported = self._imported_value(expr, scope)
        if imported is not None:
            # model=MODEL with MODEL a constant of another module of the app: resolved
            # through that module after the scan (python/across.py), in this call's context.
            here = ctx if isinstance(ctx, refs.RefContext) else ctx(())
            dynamic = here.base_url_dynamic
            if dynamic and dynamic.isidentifier():
                # server_url = settings.SERVER_URL: the endpoint is that module's constant too
                other = self._imported_value(ast.Name(id=dynamic), scope)
                here = replace(here, base_url_dynamic=other) if other else here
            self.pending.append((imported, here, qual, call, cap))
            return 0
        count = 0
        argument = f"positional {arg_name[1:]}" if arg_name.startswith("#") else arg_name
        extra: dict[str, JSON] = {}
        if self._truthy(_kw(call, "trust_remote_code"), scope):
            extra["trust_remote_code"] = True
        filename = self._first_constant(call, spec.filename, scope) if spec.filename else None
        if filename:
            extra["filename"] = filename
        contexts: dict[tuple[tuple[Scope, ast.Call], ...], refs.RefContext] = {}
        relative = spec.raw.get("relative_files")
        values = self._argument_values(expr, scope, spec)
        if not values:
            var = self._env_lookup(expr, scope)
            if var and var != "?":
                # AsyncInferenceClient(os.getenv("HF_URL")) with no default: the value the
                # tree's env file sets for HF_URL, in this call's context (python/across.py).
                # A client whose endpoint the code does not write (also set by the env,
                # OpenAI(base_url=os.getenv("X_BASE_URL"))) is left to the env file's own
                # reading, which pairs the model with that URL.
                here = ctx if isinstance(ctx, refs.RefContext) else ctx(())
                if not here.base_url_dynamic:
                    self.pending_env.append((var, here, qual, call, cap))
        for val in values:
            if accepts is not None and not val.partial and not accepts(val.text):
                continue
            if relative and not val.partial:
                val = self._module_relative(val, tuple(relative))
            if isinstance(ctx, refs.RefContext):
                here = ctx
            else:
                if val.sites not in contexts:
                    contexts[val.sites] = ctx(val.sites)
                here = contexts[val.sites]
            elsewhere = getattr(val.node, "lineno", None) != call.lineno
            if self.driver.call(
                self._seen(val),
                here,
                call=qual,
                argument=argument,
                cap=cap,
                used_at=self._where(call) if elsewhere else None,
                extra=extra,
            ):
                count += 1
        return count

    def _module_relative(self, val: Val, suffixes: tuple[str, ...]) -> Val:
        """``load_model("air.h5")`` in ``backend/model.py``: a weights file named relative to
        the working directory, read as the tree file beside the module (``backend/air.h5``,
        present or not) when its suffix is one of ``suffixes``; a path leaving the tree, an
        absolute path or any other string is left as it is."""
        text = val.text.strip()
        if (
            not text.lower().endswith(suffixes)
            or "://" in text
            or "\\" in text
            or text.startswith(("/", "~"))
            or re.match(r"^[A-Za-z]:", text)
        ):
            return val
        folder = posixpath.dirname(self.locate(1, 0).path)
        joined = posixpath.normpath(posixpath.join(folder, text))
        if joined.startswith("..") or joined.startswith("/"):
            return val
        return replace(val, text=joined, flow=TREE_PATH)

    def _argument_values(self, expr: ast.expr, scope: Scope, spec: CallSpec) -> list[Val]:
        """The values of a call's model argument; with ``each``, of every entry of a list
        or tuple written there or bound once to the name written there; ``id_suffix``
        drops what follows the separator (``org/name#500``)."""
        exprs = [expr]
        if spec.raw.get("each"):
            target = expr
            if isinstance(target, ast.Name):
                bound = self._lookup(target.id, scope)
                if len(bound) == 1 and isinstance(bound[0][0], ast.List | ast.Tuple):
                    target, scope = bound[0]
            if isinstance(target, ast.List | ast.Tuple):
                exprs = list(target.elts)
        out = [val for e in exprs for val in self.values(e, scope)]
        cut = spec.raw.get("id_suffix")
        if isinstance(cut, str) and cut:
            out = [replace(val, text=val.text.split(cut, 1)[0]) for val in out]
        return out

    def _imported_value(self, expr: ast.expr, scope: Scope) -> str | None:
        """``NAME`` or ``module.NAME`` when the expression is a name another module of the
        app binds (imported from a module no call table knows), else None."""
        if isinstance(expr, ast.Name) and expr.id in self.imports:
            if self._binding_scope(expr.id, scope) not in (None, self.root):
                return None
            qual = self.imports[expr.id]
            return expr.id if "." in qual and _app_module(qual) else None
        if (
            isinstance(expr, ast.Attribute)
            and isinstance(expr.value, ast.Name)
            and expr.value.id in self.imports
            and _app_module(self.imports[expr.value.id])
        ):
            return f"{expr.value.id}.{expr.attr}"
        if isinstance(expr, ast.Name) and scope is not self.root:
            # model_uid = settings.MODEL_UID; Embeddings(model_uid=model_uid): a local name
            # bound once, in the function, to another module's constant.
            bound = scope.assigns.get(expr.id)
            if bound and all(isinstance(b, ast.Name) and b.id == expr.id for b in bound):
                bound = None  # base_url = base_url: the parameter as passed
            if bound is not None and len(bound) == 1 and expr.id not in scope.params:
                value = bound[0]
                if isinstance(value, ast.Attribute | ast.Name) and value is not expr:
                    return self._imported_value(value, self.root)
            if bound is None and expr.id in scope.params:
                return self._imported_argument(expr.id, scope)
        return None

    def _imported_argument(self, name: str, fn: Scope) -> str | None:
        """``def init(self, model): ChatOpenAI(model=model)`` called once in the module, as
        ``self.init(model=settings.MODEL)``: the parameter is that module's constant."""
        if fn.kind != "function" or len(self.functions.get(fn.name, ())) != 1:
            return None
        sites = self._calls_by_name().get(fn.name, [])
        if len(sites) != 1:
            return None
        call, where = sites[0]
        arg, unseen = self._site_arg(call, fn, name)
        if arg is None or unseen or not isinstance(arg, ast.Attribute | ast.Name):
            return None
        bound_in = self._binding_scope(arg.id, where) if isinstance(arg, ast.Name) else None
        if bound_in not in (None, self.root):
            return None  # a name the caller binds itself (or its own parameter)
        return self._imported_value(arg, self.root)

    def _seen(self, val: Val) -> Seen:
        """A value as the driver takes it."""
        return Seen(
            text=val.text,
            location=self._loc(val.node),
            mark=id(val.node),
            as_written=self._as_written(val),
            confidence=val.confidence,
            flow=val.flow,
            env_var=val.env_var,
            partial=val.partial,
        )

    def _as_written(self, val: Val) -> str:
        node = val.node
        if isinstance(node, ast.Constant):
            return val.text
        return _segment(self.text, node) or val.text

    def _loc(self, node: ast.AST) -> Location:
        line = int(getattr(node, "lineno", 1))
        col = int(getattr(node, "col_offset", 0))
        return self.locate(line, self._char_col(line, col) + 1)

    def _where(self, node: ast.AST) -> str:
        loc = self._loc(node)
        return (
            f"{loc.line}:{loc.column}"
            if loc.context is None
            else f"{loc.context}:{loc.line}:{loc.column}"
        )

    def _char_col(self, line: int, byte_col: int) -> int:
        if 0 < line <= len(self.lines):
            text = self.lines[line - 1]
            if text.isascii():
                return byte_col
            return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="replace"))
        return byte_col
