"""One Python module's model references: calls, endpoints, model-ish names and catalogues."""

from __future__ import annotations

import ast
import functools
import re
import shlex
from collections.abc import Iterable
from dataclasses import replace

from gate.discover import localpaths, refs
from gate.discover.driver import Seen, endpoint_choice
from gate.discover.python.calls import CallReader
from gate.discover.python.scopes import (
    _ENUM_BASES,
    Scope,
    Val,
    _is_none,
    _kw,
    _segment,
    _source_lines,
    is_catalogue_scope,
)
from gate.discover.python.tables import table
from gate.model import Confidence, Evidence
from gate.recognise import conventions
from gate.recognise.core import is_own_host
from gate.registry.endpoints import host_of

_SEQUENCES = (ast.List, ast.Tuple, ast.Set)
_COLLECTIONS = (ast.List, ast.Tuple, ast.Set, ast.Dict)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_PROCESS_CALLS = frozenset(
    {
        "subprocess.run", "subprocess.Popen", "subprocess.call", "subprocess.check_call",
        "subprocess.check_output", "os.system", "os.popen",
    }
)  # fmt: skip
"""Calls that run a command line (its first argument: an argv list or a shell string)."""
_PROCESS_ENDS = frozenset(q.rsplit(".", 1)[1] for q in _PROCESS_CALLS)

_VALUE_NODES = (ast.Constant, ast.Call, ast.BoolOp, ast.JoinedStr, ast.IfExp)
"""Type tuples made once: ``isinstance(x, A | B | C)`` builds its union on every call,
three times the cost of the test itself (these run for every binding of every module)."""

_Endpoint = tuple[str | None, str | None]
"""``(base_url, base_url_expr)``: a constant endpoint, or the expression that sets it."""


class Analyser(CallReader):
    """One module: index its bindings, then read every call."""

    _name_hint: str | None = None
    """The provider the catalogue being read names in its own name (``GROQ_MODELS``)."""
    _menus: tuple[ast.List | ast.Tuple | ast.Set, ...] = ()
    """The menus (sequences) being read, outermost first: the gateway the innermost one
    naming one by its own ids says it lists (:func:`refs.menu_gateway`) is that of its other
    ``<maker>/<model>`` entries too, as in JS menus. Asked only when an entry is listed."""
    _gateways: dict[int, str | None] | None = None
    _module_at: _Endpoint | None = None
    _calls_in: dict[int, list[ast.Call]] | None = None
    """The calls of each function scope (made on the first factory question)."""
    _servers: frozenset[str] | None = None
    """Keys of the module's endpoint tables (see _endpoint_keys)."""

    # ---- pass 1: index ----

    def run(self) -> list[Evidence]:
        """All references in the module."""
        self._index(self.module, self.root, None)
        self._drop_overwritten()
        self._set_aside_examples()
        for call, scope in self.calls:
            self._call(call, scope)
        self._command_lines()
        self._endpoints_without_model()
        roots = {name.split(".", 1)[0] for name in self.imports.values()}
        hub = conventions().hub_from_imports(roots)
        if hub is not None:
            self.driver.hub = hub
        self._generic()
        self._catalogues()
        return self.found

    def _command_lines(self) -> None:
        """A command line the program runs (``subprocess.run(["ollama", "run", "llama3",
        prompt])``, ``os.system("ollama pull qwen2.5")``): a known command's model argument,
        read as in a script (``config_vocabulary.yaml`` ``commands``)."""
        for call, scope in self.calls:
            func = call.func
            end = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if end not in _PROCESS_ENDS or not call.args:
                continue
            if self._qualname(func, scope) not in _PROCESS_CALLS:
                continue
            first = call.args[0]
            parts = first.elts if isinstance(first, ast.List | ast.Tuple) else None
            argv: list[tuple[str, Val | None]] = []
            if parts is not None:
                for part in parts:
                    got = self.values(part, scope)
                    one = got[0] if len(got) == 1 and not got[0].partial else None
                    argv.append((one.text, one) if one is not None else ("$?", None))
            else:
                for val in self.values(first, scope)[:1]:
                    try:
                        words = shlex.split(val.text)
                    except ValueError:
                        continue
                    argv += [(word, val) for word in words if not val.partial]
            tokens = [t for t, _ in argv]
            for index, command in refs.command_models(tokens):
                text, held = argv[index]
                option = command.get("option")
                if option is not None and text.startswith(f"{option}="):
                    text = text.split("=", 1)[1]  # --model=org/x, as in deployment files
                if held is None or "$" in text or "=" in text:
                    continue
                ctx = refs.RefContext(family=str(command["family"]), sdk=str(command["argv"][0]))
                seen = self._seen(replace(held, text=text) if held.text != text else held)
                self.driver.call(
                    seen, ctx, call=" ".join(str(w) for w in command["argv"]), argument="argv"
                )

    def _drop_overwritten(self) -> None:
        """``x = "a"`` followed, in the same straight-line body, by ``x = "b"`` with nothing
        reading ``x`` in between: the first value never reaches any use (a script trying one
        model then another), so it is no reference. Only module and function bodies' own
        statements count; an assignment inside ``if``/``try``/a loop may not run."""
        dead: set[int] = set()
        for scope_node in (self.module, *self._function_nodes()):
            owner = self.scopes.get(scope_node)
            if owner is not None and not any(len(v) > 1 for v in owner.assigns.values()):
                continue  # the index bound no name twice in this scope (most functions)
            body = getattr(scope_node, "body", [])
            # Only a value that holds a string can name a model: the walk below is needed
            # only while such a value waits to be read or overwritten (most bodies: never).
            targets = [_single_name_target(stmt) for stmt in body]
            seen: set[str] = set()
            again: set[str] = set()
            for target in targets:
                if target is not None:
                    (again if target[0] in seen else seen).add(target[0])
            if not again:
                continue  # no name is assigned twice here: nothing can be overwritten
            last: dict[str, ast.expr] = {}
            for stmt, target in zip(body, targets, strict=True):
                if last and self._mentions(stmt, last):
                    reads = {
                        n.id
                        for n in ast.walk(stmt)
                        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
                    }
                    for name in reads:
                        last.pop(name, None)
                    if target is None:
                        for n in ast.walk(stmt):
                            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
                                last.pop(n.id, None)
                if target is None:
                    continue
                name, value = target
                if name in last:
                    dead.add(id(last.pop(name)))
                if name in again and self._quoted(value) and _holds_string(value):
                    last[name] = value
        if not dead:
            return
        for scope in self.scopes.values():
            for name, values in list(scope.assigns.items()):
                kept = [v for v in values if id(v) not in dead]
                if len(kept) != len(values):
                    scope.assigns[name] = kept
        self.generic_assigns = [g for g in self.generic_assigns if id(g[1]) not in dead]

    def _mentions(self, stmt: ast.stmt, names: dict[str, ast.expr]) -> bool:
        """Whether a statement may hold a name of ``names``: the source lines it spans
        (from its first decorator) hold the name as a word not after a dot (``x.model`` is
        an attribute; a word in a string or comment counts), or a character outside ASCII (an
        identifier is read NFKC-normalised, so ``ｍodel`` is ``model``). A statement whose
        lines do not hold a name reads or binds no variable of that name, known without
        walking it (the walk was most of this pass on diffusers)."""
        decorators = getattr(stmt, "decorator_list", None)
        first = min([stmt.lineno, *(d.lineno for d in decorators)]) if decorators else stmt.lineno
        span = "".join(_source_lines(self.text)[first - 1 : stmt.end_lineno or stmt.lineno])
        if not span.isascii():
            return True
        return any(name in span and _bare_name(name).search(span) for name in names)

    def _quoted(self, node: ast.expr) -> bool:
        """Whether the source lines of a node hold a quote: a string literal always does,
        so a value without one holds none, known without walking it (the walk was a tenth
        of the analysis on diffusers)."""
        span = _source_lines(self.text)[node.lineno - 1 : node.end_lineno or node.lineno]
        return not span or any("'" in line or '"' in line for line in span)

    def _function_nodes(self) -> list[ast.AST]:
        return [n for n in self.scopes if isinstance(n, _FUNCTIONS)]

    def _set_aside_examples(self) -> None:
        """Values under OpenAPI ``example``/pydantic ``json_schema_extra`` keys and keyword
        arguments document an API (``responses={200: {... "example": {"llm_model":
        "gpt-4"}}}``): no model-ish name under them is a reference."""
        if not any(word in self.text for word in ("example", "schema_extra", "metadata")):
            return
        examples: list[ast.AST] = []
        for node, _, _ in self.dicts:
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and isinstance(key.value, str)
                    and refs.is_example_key(key.value)
                ):
                    examples.append(value)
        for _, kw, _ in self.keyword_sites:
            if kw.arg and refs.is_example_key(kw.arg):
                examples.append(kw.value)
        inside = {id(n) for example in examples for n in ast.walk(example)}
        if inside:
            self.dicts = [d for d in self.dicts if id(d[0]) not in inside]
            self.keyword_sites = [k for k in self.keyword_sites if id(k[1].value) not in inside]

    # ---- endpoints and model-ish names outside known calls ----

    def _endpoints_without_model(self) -> None:
        for call, scope, spec, qual in self.clients_made:
            if id(call) in self.client_used:
                continue
            ctx = self._context(spec, call, scope)
            if not ctx.base_url:
                continue
            found = self._arg(call, spec.base_url)
            node: ast.AST = call
            if found is not None:
                vals = [v for v in self.values(found[0], scope) if not v.partial]
                if vals:
                    node = vals[0].node
            self.driver.endpoint(ctx, self._loc(node), qual)

    def _generic(self) -> None:
        """Model-looking values under model-ish names that no known call consumed (medium)."""
        for call, scope in self.calls:
            # parser.add_argument("--model", default="gpt-4o"): the default a run gets.
            func = call.func
            if isinstance(func, ast.Attribute) and func.attr == "add_argument" and call.args:
                flag = call.args[0]
                default = _kw(call, "default")
                if default is not None and isinstance(flag, ast.Constant):
                    name = str(flag.value).lstrip("-")
                    if refs.names_model(name):
                        self._generic_value(default, scope, name, None, "cli-default")
                    elif refs.is_dataset_key(name):
                        self._dataset_value(default, scope, name, "cli-default")
        listed = self._catalogue_dicts()
        # A raw request body sent to a URL the module names ({"model": self.chat_model} in
        # httpx.post(f"{self.base_url}/v1/chat/completions", ...)) is read first: the value
        # its variable holds is served at that URL, not read bare where it is assigned.
        posted = self._posted_bodies()
        self._bodies_to_imported_urls()
        for node, scope, owner in self.dicts:
            url = self._request_url(owner, scope) if owner is not None else None
            hint = self._request_server(owner, scope) if owner is not None else None
            if url is None and hint is None:
                url, hint = posted.get(id(node), (None, None))
            if (url is not None or hint is not None) and id(node) not in listed:
                for key, value in zip(node.keys, node.values, strict=True):
                    if (
                        isinstance(key, ast.Constant)
                        and isinstance(key.value, str)
                        and refs.names_model(key.value)
                        and isinstance(value, ast.Name | ast.Attribute)
                    ):
                        self._generic_value(
                            value, scope, key.value, url, flow="request-body", provider_hint=hint
                        )
        saved = self._saved_names()
        for name, value, scope in self.generic_assigns:
            if name in saved and isinstance(value, ast.Constant):
                continue  # the folder the app writes its own model to
            if refs.names_model(name):
                hint = self._provider_beside(name, scope) if scope.kind == "function" else None
                hint = hint or self._branch_provider(value)
                # model = choice, choice = st.selectbox(...): a variable not named for a model
                # is read nowhere else, so its values are read here.
                follow = isinstance(value, ast.Name) and not refs.names_model(value.id)
                self._generic_value(
                    value, scope, name, None, provider_hint=hint, follow_name=follow
                )
            elif refs.is_dataset_key(name):
                self._dataset_value(value, scope, name, "assignment")
        # def pick_model(task): return "gpt-4o": what a model-ish function hands its callers
        # (in this module or, not followed, another one).
        for name, functions in self.functions.items():
            if refs.names_model(name):
                for fn in functions:
                    for ret in fn.returns:
                        self._generic_value(ret, fn, name, None, flow="return-value")
        for call, kw, scope in self.keyword_sites:
            if kw.arg and refs.names_model(kw.arg):
                qual = self._qualname(call.func, scope) or ""
                if table().lookup(qual) is None:
                    # upload(repo_id=..., repo_type="dataset"): the Hub's own word decides.
                    repo_type = self._first_constant(call, ("repo_type",), scope)
                    base_url, expr = self._endpoint_beside(call, scope)
                    key_of = self._key_provider(call) if base_url is None and expr is None else None
                    # GPT4All(model=local_path), local_path = "C:\\models\\x.gguf": a
                    # variable not named for a model is followed for a path on a machine's
                    # disk only (what else it holds is read where it is named).
                    path = isinstance(kw.value, ast.Name) and not refs.names_model(kw.value.id)
                    self._generic_value(
                        kw.value, scope, kw.arg, base_url, repo_type=repo_type, base_url_expr=expr,
                        provider_hint=key_of, follow_name=path, paths_only=path,
                    )  # fmt: skip
        sections = _dataset_sections(node for node, _, _ in self.dicts)
        for node, scope, owner in self.dicts:
            if id(node) in listed:
                continue  # an entry of a catalogue: listed by the catalogue pass
            if id(node) in sections:
                # {"load_dataset": {"repo_id": "org/x"}} (a pipeline's runtime parameters
                # of its dataset step): the Hub repo there is a dataset repo.
                repo = _constant_entry(node, "repo_id")
                if repo is not None:
                    self._dataset_value(repo, scope, "repo_id", "assignment")
                    continue
            base_url = self._request_url(owner, scope) if owner is not None else None
            server = self._request_server(owner, scope) if owner is not None else None
            if base_url is None and server is None:
                base_url, server = posted.get(id(node), (None, None))
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and isinstance(key.value, str)
                    and refs.names_model(key.value)
                ):
                    if base_url is not None or server is not None:
                        value = _multipart_value(value)
                    self._generic_value(value, scope, key.value, base_url, provider_hint=server)

    def _posted_bodies(self) -> dict[int, tuple[str | None, str | None]]:
        """The dict literals a module's raw HTTP calls send through a variable (``body =
        {"model": ...}`` then ``requests.post(url, json=body)``, ``data=json.dumps(body)``,
        ``files=form``): each dict's id → the request's URL. A name bound to dicts in the
        calling scope or one enclosing it counts; the dict is read where it is written."""
        out: dict[int, tuple[str | None, str | None]] = {}
        for call, scope in self.calls:
            if not call.keywords:
                continue  # most calls: no list made for them
            bodies = [kw.value for kw in call.keywords if kw.arg in _BODY_KEYWORDS]
            if not bodies or not any(isinstance(_serialised(b), ast.Name) for b in bodies):
                continue
            url = self._request_url(call, scope)
            server = self._request_server(call, scope) if url is None else None
            if url is None and server is None:
                continue
            for body in bodies:
                name = _serialised(body)
                if not isinstance(name, ast.Name):
                    continue
                where: Scope | None = scope
                while where is not None and name.id not in where.assigns:
                    where = where.parent
                for bound in where.assigns.get(name.id, []) if where is not None else []:
                    if isinstance(bound, ast.Dict):
                        out.setdefault(id(bound), (url, server))
        return out

    def _bodies_to_imported_urls(self) -> None:
        """A raw request whose URL and body model are both constants of another module of
        the app (``from app.config import API_URL, MODEL``; ``requests.post(API_URL, json=
        {"model": MODEL})``): the model is resolved through that module after the scan
        (python/across.py), served at the URL that module binds."""
        for call, scope in self.calls:
            # only a call with a body keyword is read below: ask that first (cheap) before
            # the call's qualified name (every call of the module)
            keywords = call.keywords
            if not keywords or not any(kw.arg in _BODY_KEYWORDS for kw in keywords):
                continue
            if not self._is_request(call, scope):
                continue
            found = self._arg(call, self._url_args(call, scope))
            url_expr = self._imported_value(found[0], scope) if found is not None else None
            if url_expr is None:
                continue
            for kw in call.keywords:
                if kw.arg not in _BODY_KEYWORDS:
                    continue
                body = _serialised(kw.value)
                bodies: list[ast.expr] = [body]
                if isinstance(body, ast.Name):
                    where: Scope | None = scope
                    while where is not None and body.id not in where.assigns:
                        where = where.parent
                    bodies = list(where.assigns.get(body.id, [])) if where is not None else []
                for bound in bodies:
                    if not isinstance(bound, ast.Dict):
                        continue
                    for key, value in zip(bound.keys, bound.values, strict=True):
                        if not (
                            isinstance(key, ast.Constant)
                            and isinstance(key.value, str)
                            and refs.names_model(key.value)
                        ):
                            continue
                        imported = self._imported_value(value, scope)
                        if imported is None:
                            continue
                        ctx = refs.RefContext(family="hosted", base_url_dynamic=url_expr)
                        qual = self._qualname(call.func, scope) or "requests.post"
                        self.pending.append((imported, ctx, qual, call, Confidence.MEDIUM))

    def _request_server(self, call: ast.Call, scope: Scope) -> str | None:
        """The local server whose own API path a raw HTTP call names when its host is not
        known (``requests.post(f"{OLLAMA_BASE}/api/generate", ...)``): ``ollama`` for the
        paths of ``providers.yaml`` ``server_api_paths``. A full URL decides by itself."""
        if not self._is_request(call, scope):
            return None
        found = self._arg(call, self._url_args(call, scope))
        if found is None:
            return None
        servers = {
            refs.server_of_api_path(val.text) for val in self.values(found[0], scope) if val.partial
        }
        return servers.pop() if len(servers) == 1 else None

    def _url_args(self, call: ast.Call, scope: Scope) -> tuple[str, ...]:
        """Where a request call takes its URL: ``request(method, url)`` second."""
        qual = self._qualname(call.func, scope) or ""
        return ("url", "#1") if qual.endswith("request") else ("url", "#0")

    def _is_request(self, call: ast.Call, scope: Scope) -> bool:
        qual = self._qualname(call.func, scope) or ""
        return qual.split(".", 1)[0] in ("requests", "httpx", "aiohttp") or qual.endswith(
            (".post", ".request")
        )

    def _saved_names(self) -> set[str]:
        """Names passed first to a model save (``model.save_pretrained(new_model_name)``) or
        as the app's own model's name in a registry (``client.create_registered_model(
        name=MODEL_NAME)``)."""
        conv = conventions()
        methods, registry = conv.save_methods, conv.registry_name_calls
        out: set[str] = set()
        for call, _scope in self.calls:
            func = call.func
            if not isinstance(func, ast.Attribute):
                continue
            if func.attr in methods and call.args and isinstance(call.args[0], ast.Name):
                out.add(call.args[0].id)
            for where in registry.get(func.attr, ()):
                if where.startswith("#"):
                    index = int(where[1:])
                    arg = call.args[index] if index < len(call.args) else None
                else:
                    arg = next((k.value for k in call.keywords if k.arg == where), None)
                if isinstance(arg, ast.Name):
                    out.add(arg.id)
        return out

    # ---- catalogues: models the module offers rather than calls ----

    def _catalogue_dicts(self) -> set[int]:
        """The dict literals inside a catalogue (``llm_dict = {"ChatGLM-6B": {"model_name":
        ...}}``): their entries are offered, not called, whatever their keys."""
        out: set[int] = set()
        for name, value, _ in self.generic_assigns:
            if isinstance(value, _COLLECTIONS) and (refs.is_catalogue_name(name)):
                out.update(id(n) for n in ast.walk(value) if isinstance(n, ast.Dict))
        return out

    def _catalogues(self) -> None:
        """Lists, tuples, sets, dicts and enums of models (``AVAILABLE_MODELS = [...]``,
        ``{"deepseek": "deepseek-chat"}``, ``class Model(str, Enum)``): each entry is a
        model the release can call, so it is *listed* (medium)."""
        module_at = self._module_endpoint()
        for name, value, scope in self.generic_assigns:
            if scope.kind == "class" and self._is_enum(scope) and is_catalogue_scope(scope):
                # class GroqModelVersion(str, Enum): the enum's name says whose models.
                hint = refs.provider_in_name(scope.name) if module_at == (None, None) else None
                self._listed(value, name, hint, module_at)
            elif isinstance(value, ast.Dict) and self._endpoint_map(value, name, scope):
                continue
            elif isinstance(value, _COLLECTIONS):
                named = refs.is_catalogue_name(name)
                self._name_hint = (
                    (refs.provider_in_name(name) or self._branch_provider(value))
                    if named and module_at == (None, None)
                    else None
                )
                try:
                    self._catalogue(value, name, named, 0, module_at)
                finally:
                    self._name_hint = None
        for functions in self.functions.values():
            for fn in functions:
                # def embed(text, model: str = "text-embedding-v3"): the default a call gets.
                for param, default in fn.params.items():
                    if default is not None and refs.names_model(param):
                        self._generic_value(default, fn, param, None, flow="parameter-default")

    def _endpoint_map(self, node: ast.Dict, name: str, scope: Scope) -> bool:
        """``{"deepseek-chat": DEEPSEEK_BASE_URL, "qwen-max": QWEN_BASE_URL}``: a map from
        model name to the endpoint that serves it. Each key is a model the module can call
        (listed), served at its value's URL. True when the dict is such a map."""
        pairs: list[tuple[ast.Constant, str]] = []
        for key, value in zip(node.keys, node.values, strict=True):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                return False
            urls = {v.text for v in self.values(value, scope) if not v.partial}
            if len(urls) != 1:
                return False
            (url,) = urls
            if not url.startswith(("http://", "https://")):
                return False
            pairs.append((key, url))
        if len(pairs) < (1 if "url" in name.lower() else 2):
            return False  # one pair is a map only when its name says so (_BASE_URL_MAP)
        for key, url in pairs:
            self._listed(key, name, None, (url, None))
        return True

    def _module_endpoint(self) -> _Endpoint:
        """The one endpoint every client the module makes is pointed at, as a constant
        (``client = OpenAI(base_url="https://dashscope.aliyuncs.com/compatible-mode/v1")``
        beside ``AVAILABLE_MODELS = ["deepseek-r1", ...]``): the module's catalogue is
        offered through it. Clients at several endpoints, or one whose endpoint is not a
        constant, say nothing about it."""
        if self._module_at is not None:
            return self._module_at
        self._module_at = self._one_endpoint()
        return self._module_at

    def _one_endpoint(self) -> _Endpoint:
        urls: set[str] = set()
        if not self.clients_made:
            return self._one_endpoint_constant()
        for call, scope, spec, _ in self.clients_made:
            ctx = self._context(spec, call, scope)
            if not ctx.base_url:
                return None, None
            urls.add(ctx.base_url)
        return (urls.pop(), None) if len(urls) == 1 else (None, None)

    def _one_endpoint_constant(self) -> _Endpoint:
        """A settings module that makes no client but names one known provider endpoint
        under an endpoint name (``TOGETHER_API_BASE = "https://api.together.xyz/v1"``
        beside ``MODEL = "..."``): its model values are sent there by whoever imports them.
        Only hosted providers' endpoints; several endpoints say nothing."""
        urls: set[str] = set()
        for name, values in self.root.assigns.items():
            if not refs.is_url_key(name):
                continue
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    urls.add(value.value.strip())
        if len(urls) != 1:
            return None, None
        url = urls.pop()
        return (url, None) if refs.hosted_endpoint(url) else (None, None)

    def _is_enum(self, cls: Scope) -> bool:
        return any(b.rsplit(".", 1)[-1] in _ENUM_BASES for b in cls.bases)

    def _catalogue(
        self, node: ast.expr, key: str, named: bool, depth: int, at: _Endpoint = (None, None)
    ) -> None:
        """``at``: the endpoint an enclosing entry names (``{"base_url": ..., "model":
        {"options": [...]}}``): its entries are served there."""
        if depth > 4:
            return
        if isinstance(node, _SEQUENCES):
            outer = self._menus
            self._menus = (*outer, node)
            try:
                for elt in node.elts:
                    if named:
                        self._listed(elt, key, None, at)
                    if isinstance(elt, _COLLECTIONS):
                        self._catalogue(elt, key, named, depth + 1, at)
            finally:
                self._menus = outer
            return
        if not isinstance(node, ast.Dict):
            return
        at = self._entry_endpoint(node) or at
        names = [
            k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
        ]
        fields = refs.catalogue_fields(names)
        for k, v in zip(node.keys, node.values, strict=True):
            text = k.value if isinstance(k, ast.Constant) and isinstance(k.value, str) else None
            hint = refs.catalogue_hint(text) if text else None
            label = v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else None
            # The key is a label, not a model, when its value is the model id or an entry
            # naming its model; a provider's name ({"qwen": ...}) is not a model either.
            labelled = refs.is_label_of(label) or (
                isinstance(v, ast.Dict) and refs.names_its_model(_str_fields(v))
            )
            # A key holding a list names the group ({"openai": [...]}, {"options": [...]}).
            labelled = labelled or isinstance(v, _SEQUENCES)
            # {"gemma-2b": {"host": "gemma-2b", "port": "8080"}}: the key is the name of the
            # server (a compose service) that runs some model, not that model.
            labelled = labelled or (
                isinstance(v, ast.Dict) and text is not None and _names_its_server(text, v)
            )
            # An entry with a field naming its model ({"name": ..., "endpoint": ...}): its
            # other keys and values are settings, not models.
            if named and k is not None and hint is None and not labelled and not fields:
                self._listed(k, key, None, at)
            elif not named and k is not None and text and isinstance(v, ast.Dict) and _loads_it(v):
                self._listed(k, key, None, at)  # {"org/model": {"model": XForCausalLM}}
            entry = named and (not fields or text in fields)
            if hint is not None or entry:
                # {"deepseek": "deepseek-chat"} / {"openai": ["gpt-4o", ...]}: the key says
                # whose models the values are.
                for item in v.elts if isinstance(v, _SEQUENCES) else [v]:
                    self._listed(item, text or key, hint, at)
            if isinstance(v, _COLLECTIONS):
                inner = entry or (text is not None and refs.is_catalogue_name(text))
                # {"github": {"default_model": ..., "models": [...]}}: the provider a key
                # names is whose models its whole section lists, however deep (a section
                # with an endpoint of its own is served there instead).
                own = isinstance(v, ast.Dict) and self._entry_endpoint(v) is not None
                named_by = self._name_hint
                self._name_hint = (hint if not own else None) or named_by
                try:
                    self._catalogue(v, text or key, inner, depth + 1, at)
                finally:
                    self._name_hint = named_by

    def _entry_endpoint(self, node: ast.Dict, depth: int = 0) -> _Endpoint | None:
        """The endpoint a dict's url-ish key names (``"base_url": "https://..."``, or the
        ``{"value": ...}`` a settings form wraps it in): a constant, else its expression."""
        for k, v in zip(node.keys, node.values, strict=True):
            if not (isinstance(k, ast.Constant) and isinstance(k.value, str)):
                continue
            if depth == 0 and not refs.is_url_key(k.value):
                continue
            if depth and k.value != "value":
                continue
            if isinstance(v, ast.Constant) and isinstance(v.value, str):
                text = v.value.strip()
                if "://" in text or "." in text:
                    return text, None
                continue
            if isinstance(v, ast.Dict) and depth == 0:
                inner = self._entry_endpoint(v, depth + 1)
                if inner is not None:
                    return inner
                continue
            if not _is_none(v):
                return None, _segment(self.text, v) or k.value
        return None

    def _listed(
        self, node: ast.expr, key: str, hint: str | None, at: _Endpoint = (None, None)
    ) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value in self._endpoint_keys():
                return  # ("qwen2.5:7b", "server_medium"): the second names a server
            seen = Seen(node.value, self._loc(node), id(node), node.value, flow="catalogue")
            if hint is None and self._menus and node.value.count("/") == 1:
                hint = self._gateway_of_menus()
            hint = hint or self._name_hint
            self.driver.listed(seen, key, provider_hint=hint, base_url=at[0], base_url_expr=at[1])

    def _gateway_of_menus(self) -> str | None:
        """The gateway of the innermost menu being read that names one (each menu's
        answer worked out once, when an entry of it is first listed)."""
        if self._gateways is None:
            self._gateways = {}
        for menu in reversed(self._menus):
            known = self._gateways.get(id(menu), "")
            if known == "":
                known = self._gateways[id(menu)] = _menu_gateway(menu)
            if known:
                return known
        return None

    def _endpoint_keys(self) -> frozenset[str]:
        """The keys of the module's tables of endpoints (``SERVERS = {"server_small":
        os.getenv("OLLAMA_SMALL", "http://localhost:11434"), ...}``): a string equal to one
        names that server wherever it is written, not a model. A table whose name speaks of
        models (``model_to_url``) maps models to their endpoints instead."""
        if self._servers is None:
            keys: set[str] = set()
            for name, values in self.root.assigns.items():
                if _MODEL_WORD.search(name):
                    continue  # model_to_url = {"deepseek-chat": "https://..."}: models' URLs
                for value in values:
                    if isinstance(value, ast.Dict) and value.keys and self._urls_only(value):
                        keys.update(
                            k.value
                            for k in value.keys
                            if isinstance(k, ast.Constant) and isinstance(k.value, str)
                        )
            # LLM_HOST = os.getenv("LLM_HOST", "mistral-7b"): a bare host name (a compose
            # service) the module reaches; a model value equal to it names that server.
            for scope in self.scopes.values():
                for name, values in scope.assigns.items():
                    if not refs.is_url_key(name):
                        continue
                    for value in values:
                        keys.update(
                            v.text
                            for v in self.values(value, scope)
                            if not v.partial and _BARE_HOST.match(v.text)
                        )
            self._servers = frozenset(keys)
        return self._servers

    def _urls_only(self, table: ast.Dict) -> bool:
        for value in table.values:
            texts = [v.text for v in self.values(value, self.root) if not v.partial]
            if not texts or not all(t.startswith(("http://", "https://")) for t in texts):
                return False
        return True

    def _generic_value(
        self,
        value: ast.expr,
        scope: Scope,
        key: str,
        base_url: str | None,
        flow: str = "assignment",
        repo_type: str | None = None,
        base_url_expr: str | None = None,
        provider_hint: str | None = None,
        follow_name: bool = False,
        paths_only: bool = False,
    ) -> None:
        if not isinstance(value, _VALUE_NODES) and (flow != "request-body" and not follow_name):
            return
        if repo_type not in (None, "model", "dataset"):
            return  # a Space, or something else that is not a model
        family = "hf-dataset" if repo_type == "dataset" else "config"
        # "default_model": "deepseek-r1" beside the module's one client: served where it is.
        module_url = (
            self._module_endpoint()[0]
            if base_url is None and base_url_expr is None and family == "config"
            else None
        )
        own = (
            flow == "request-body"
            and base_url is not None
            and is_own_host(host_of(base_url))
            and not refs.at_ollama_port(base_url)  # an Ollama daemon serves tags, not aliases
        )
        for val in self.values(value, scope, flow):
            if paths_only and not localpaths.is_outside(val.text):
                continue
            if val.text in self._endpoint_keys():
                continue  # DEFAULT_LLM_MODEL = "mistral-7b" beside LLM_HOST = "mistral-7b"
            if own and "/" not in val.text:
                # A bare name sent to the deployment's own server through a variable is
                # mostly an alias the server was started with (vLLM --lora-modules NAME=,
                # --served-model-name): the variable's own reading decides, as before.
                continue
            at = (
                module_url
                if module_url is not None
                and ("/" not in val.text or refs.served_at(val.text, module_url))
                else base_url
            )
            self.driver.named(
                self._seen(val), key, base_url=at, family=family, base_url_expr=base_url_expr,
                provider_hint=provider_hint,
            )  # fmt: skip

    def _branch_provider(self, node: ast.AST) -> str | None:
        """The provider the ``if`` arm holding a value is for (``if provider == "GROQ":
        model = st.selectbox(...)``): the nearest enclosing test comparing a variable not
        named for a model to a provider's name, with the value in its first arm."""
        found = self.stmt_path(node)
        if found is None:
            return None
        for stmt, where in reversed(found[0]):
            if isinstance(stmt, _SCOPES):
                return None
            if isinstance(stmt, ast.If) and where == "body":
                provider = _provider_test(stmt.test)
                if provider is not None:
                    return provider
        return None

    def _provider_beside(self, name: str, scope: Scope) -> str | None:
        """The provider a project's own factory is asked for beside the model a function
        holds in ``name`` (``model_name = model_name or "deepseek-v3-250324"`` then
        ``Factory.create_llm("volcengine", model_name)``): a provider's name written as a
        constant argument of the one call that takes the variable, when no call-table entry
        reads that call. The factory's branch for that provider serves the model."""
        if self._calls_in is None:
            self._calls_in = {}
            for call, where in self.calls:
                self._calls_in.setdefault(id(where), []).append(call)
        hints: set[str] = set()
        for call in self._calls_in.get(id(scope), ()):
            args = [*call.args, *(kw.value for kw in call.keywords)]
            if not any(isinstance(a, ast.Name) and a.id == name for a in args):
                continue
            qual = self._qualname(call.func, scope) or ""
            if table().lookup(qual) is not None:
                return None  # a known call reads the value itself
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    alias = refs.provider_alias(arg.value)
                    if alias is not None:
                        hints.add(alias)
        return hints.pop() if len(hints) == 1 else None

    def _endpoint_beside(self, call: ast.Call, scope: Scope) -> tuple[str | None, str | None]:
        """The endpoint an unknown call (a project's own client wrapper) is given beside a
        model keyword: ``(constant, None)``, ``(None, expression)`` or ``(None, None)``."""
        for kw in call.keywords:
            if kw.arg and refs.is_url_key(kw.arg) and not _is_none(kw.value):
                texts = [v.text for v in self.values(kw.value, scope) if not v.partial]
                texts = [t for t in texts if "://" in t or "." in t]
                return endpoint_choice(
                    texts,
                    decided=self._decided(kw.value, scope, call),
                    expression=_segment(self.text, kw.value) or kw.arg,
                )
        return None, None

    def _key_provider(self, call: ast.Call) -> str | None:
        """The provider whose API key an unknown call (the app's own client wrapper) is
        given beside the model (``api_key=st.session_state["together_api_key"]``,
        ``api_key=os.environ["GROQ_API_KEY"]``): a provider's name in the key's expression."""
        for kw in call.keywords:
            if kw.arg and refs.norm_key(kw.arg) in refs.conventions().api_key_keys:
                text = _segment(self.text, kw.value) or ""
                words = [w for w in _KEY_WORDS.findall(text) if "key" in w.lower()]
                providers = {p for w in words if (p := refs.provider_from_env_name(w)) is not None}
                return providers.pop() if len(providers) == 1 else None
        return None

    def _dataset_value(self, value: ast.expr, scope: Scope, key: str, flow: str) -> None:
        """A Hub dataset under a dataset-ish name (``--dataset`` default): only an org/name
        id counts (a bare ``train`` or ``data.json`` names no Hub dataset)."""
        for val in self.values(value, scope, flow):
            if "/" in val.text and not refs.looks_like_path(val.text):
                self.driver.named(self._seen(val), key, family="hf-dataset")

    def _request_url(self, call: ast.Call, scope: Scope) -> str | None:
        """The URL of an HTTP call whose JSON body names a model (requests.post(url, json=...)).
        A cloud runtime's invocation (boto3 ``sagemaker-runtime`` ``invoke_endpoint(Body=
        json.dumps(payload))``) is sent to that runtime's endpoint, its region unknown here
        (``config_vocabulary.yaml`` ``runtime_invocations``: the endpoint table's host pattern)."""
        method = call.func.attr if isinstance(call.func, ast.Attribute) else ""
        runtime = conventions().runtime_invocations.get(method)
        if runtime is not None:
            return runtime
        if not self._is_request(call, scope):
            return None
        found = self._arg(call, self._url_args(call, scope))
        if found is None:
            return None
        for val in self.values(found[0], scope):
            if refs.is_request_url(val.text) and not val.partial:
                return val.text
        return None


_KEY_WORDS = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
"""Identifiers and quoted words of an API key expression (``TOGETHER_API_KEY``)."""
_BODY_KEYWORDS = frozenset({"json", "data", "files", "content", "Body"})
"""Keywords of requests/httpx/aiohttp calls (and boto3 runtimes' ``Body``) that carry the
request body."""


def _loads_it(entry: ast.Dict) -> bool:
    """Whether a dict entry names a model loader class among its values (``{"model":
    Qwen2ForCausalLM, "tokenizer": ...}``): its key is the model that class loads."""
    conv = conventions()
    for value in entry.values:
        name = (
            value.id
            if isinstance(value, ast.Name)
            else value.attr
            if isinstance(value, ast.Attribute)
            else None
        )
        if name and (
            name.startswith(conv.loader_class_prefixes)
            or any(part in name for part in conv.loader_class_infixes)
        ):
            return True
    return False


def _names_its_server(key: str, entry: ast.Dict) -> bool:
    """Whether a catalogue entry's host (``host``, ``container_name``, a URL's host) is its
    own key: the key names the server, an alias of whatever model that server runs."""
    servers = refs.conventions().server_name_keys
    for field, value in _str_fields(entry).items():
        if value is None or not (refs.is_url_key(field) or field in servers):
            continue
        if value == key or host_of(value) == key:
            return True
    return False


_MODEL_WORD = re.compile(r"(?i)model|llm")
_BARE_HOST = re.compile(r"^[a-z][a-z0-9-]*[a-z0-9]$")
"""A host name with no dot, port or scheme (a compose service: ``mistral-7b``)."""


def _provider_test(test: ast.expr) -> str | None:
    """``provider == "GROQ"`` / ``llm_type == "openai"``: the provider a test selects, when
    the compared variable is not itself a model's name."""
    if not (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq)
        and isinstance(test.comparators[0], ast.Constant)
        and isinstance(test.comparators[0].value, str)
    ):
        return None
    subject = test.left
    word = (
        subject.id
        if isinstance(subject, ast.Name)
        else subject.attr
        if isinstance(subject, ast.Attribute)
        else subject.slice.value
        if isinstance(subject, ast.Subscript) and isinstance(subject.slice, ast.Constant)
        else None
    )
    if not isinstance(word, str) or refs.names_model(word):
        return None
    return refs.provider_alias(test.comparators[0].value)


def _serialised(body: ast.expr) -> ast.expr:
    """``json.dumps(body)`` → ``body``; anything else as it is."""
    if (
        isinstance(body, ast.Call)
        and isinstance(body.func, ast.Attribute | ast.Name)
        and (body.func.attr if isinstance(body.func, ast.Attribute) else body.func.id) == "dumps"
        and len(body.args) == 1
    ):
        return body.args[0]
    return body


def _multipart_value(value: ast.expr) -> ast.expr:
    """A multipart form field ``(None, "value")`` (no file name: a plain field) → its value."""
    if (
        isinstance(value, ast.Tuple)
        and 2 <= len(value.elts) <= 4
        and isinstance(value.elts[0], ast.Constant)
        and value.elts[0].value is None
    ):
        return value.elts[1]
    return value


def _dotted_tail(node: ast.expr) -> str:
    """``provider`` of ``provider`` / ``self.provider`` / ``cfg.provider`` (else "")."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


_MAX_MENU = 256


def _menu_gateway(node: ast.List | ast.Tuple | ast.Set) -> str | None:
    """The gateway a menu's entries (strings, or dicts' string fields) name by their own id
    shape (:func:`refs.menu_gateway`)."""
    texts: list[str | None] = []
    for elt in node.elts[:_MAX_MENU]:
        if isinstance(elt, ast.Constant) and isinstance(elt.value, str):
            texts.append(elt.value)
        elif isinstance(elt, ast.Dict):
            texts += _str_fields(elt).values()
    return refs.menu_gateway(texts)


def _str_fields(node: ast.Dict) -> dict[str, str | None]:
    """A dict literal's string keys and their string values (None: not a string)."""
    out: dict[str, str | None] = {}
    for k, v in zip(node.keys, node.values, strict=True):
        if isinstance(k, ast.Constant) and isinstance(k.value, str):
            out[k.value] = (
                v.value if isinstance(v, ast.Constant) and isinstance(v.value, str) else None
            )
    return out


def _single_name_target(stmt: ast.stmt) -> tuple[str, ast.expr] | None:
    """``name = value`` / ``name: T = value`` with one plain name as the target."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target = stmt.targets[0]
        if isinstance(target, ast.Name):
            return target.id, stmt.value
    if (
        isinstance(stmt, ast.AnnAssign)
        and stmt.value is not None
        and isinstance(stmt.target, ast.Name)
    ):
        return stmt.target.id, stmt.value
    return None


@functools.lru_cache(maxsize=4096)
def _bare_name(name: str) -> re.Pattern[str]:
    """A name written as a whole word, not after a dot (``model`` in ``model = x`` or
    ``f(model)``, not in ``self.model`` or ``model_id``)."""
    return re.compile(rf"(?<![\w.]){re.escape(name)}(?!\w)")


def _holds_string(value: ast.expr) -> bool:
    """Whether a value holds a string literal anywhere (only such a value can name a model)."""
    return any(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in ast.walk(value))


def _dataset_sections(dicts: Iterable[ast.Dict]) -> set[int]:
    """Dict literals that are the value of an entry whose key names a dataset as a word
    (``"load_dataset": {...}``, ``"eval_datasets": {...}``), by id."""
    out: set[int] = set()
    for node in dicts:
        for key, value in zip(node.keys, node.values, strict=True):
            if (
                isinstance(value, ast.Dict)
                and isinstance(key, ast.Constant)
                and isinstance(key.value, str)
                and {"dataset", "datasets"} & set(refs.norm_key(key.value).split("_"))
            ):
                out.add(id(value))
    return out


def _constant_entry(node: ast.Dict, name: str) -> ast.expr | None:
    """The value of a dict literal's entry with that constant key, if any."""
    for key, value in zip(node.keys, node.values, strict=True):
        if isinstance(key, ast.Constant) and key.value == name:
            return value
    return None
