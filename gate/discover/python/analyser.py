"""One Python module's model references: calls, endpoints, model-ish names and catalogues."""

from __future__ import annotations

import ast

from gate.discover import refs
from gate.discover.driver import Seen, endpoint_choice
from gate.discover.python.calls import CallReader
from gate.discover.python.scopes import (
    _ENUM_BASES,
    Scope,
    _is_none,
    _kw,
    _segment,
    _source_lines,
    is_catalogue_scope,
)
from gate.discover.python.tables import table
from gate.model import Evidence
from gate.recognise import conventions
from gate.recognise.core import is_own_host
from gate.registry.endpoints import host_of

_SEQUENCES = (ast.List, ast.Tuple, ast.Set)
_COLLECTIONS = (ast.List, ast.Tuple, ast.Set, ast.Dict)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_VALUE_NODES = (ast.Constant, ast.Call, ast.BoolOp, ast.JoinedStr)
"""Type tuples made once: ``isinstance(x, A | B | C)`` builds its union on every call,
three times the cost of the test itself (these run for every binding of every module)."""

_Endpoint = tuple[str | None, str | None]
"""``(base_url, base_url_expr)``: a constant endpoint, or the expression that sets it."""


class Analyser(CallReader):
    """One module: index its bindings, then read every call."""

    _name_hint: str | None = None
    """The provider the catalogue being read names in its own name (``GROQ_MODELS``)."""
    _module_at: _Endpoint | None = None
    _calls_in: dict[int, list[ast.Call]] | None = None
    """The calls of each function scope (made on the first factory question)."""

    # ---- pass 1: index ----

    def run(self) -> list[Evidence]:
        """All references in the module."""
        self._index(self.module, self.root, None)
        self._drop_overwritten()
        self._set_aside_examples()
        for call, scope in self.calls:
            self._call(call, scope)
        self._endpoints_without_model()
        roots = {name.split(".", 1)[0] for name in self.imports.values()}
        hub = conventions().hub_from_imports(roots)
        if hub is not None:
            self.driver.hub = hub
        self._generic()
        self._catalogues()
        return self.found

    def _drop_overwritten(self) -> None:
        """``x = "a"`` followed, in the same straight-line body, by ``x = "b"`` with nothing
        reading ``x`` in between: the first value never reaches any use (a script trying one
        model then another), so it is no reference. Only module and function bodies' own
        statements count; an assignment inside ``if``/``try``/a loop may not run."""
        dead: set[int] = set()
        for scope_node in (self.module, *self._function_nodes()):
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
                if last:
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
        for node, scope, owner in self.dicts:
            url = self._request_url(owner, scope) if owner is not None else None
            if url is not None and id(node) not in listed:
                for key, value in zip(node.keys, node.values, strict=True):
                    if (
                        isinstance(key, ast.Constant)
                        and isinstance(key.value, str)
                        and refs.names_model(key.value)
                        and isinstance(value, ast.Name | ast.Attribute)
                    ):
                        self._generic_value(value, scope, key.value, url, flow="request-body")
        for name, value, scope in self.generic_assigns:
            if refs.names_model(name):
                hint = self._provider_beside(name, scope) if scope.kind == "function" else None
                self._generic_value(value, scope, name, None, provider_hint=hint)
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
                    self._generic_value(
                        kw.value, scope, kw.arg, base_url, repo_type=repo_type, base_url_expr=expr
                    )
        for node, scope, owner in self.dicts:
            if id(node) in listed:
                continue  # an entry of a catalogue: listed by the catalogue pass
            base_url = self._request_url(owner, scope) if owner is not None else None
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and isinstance(key.value, str)
                    and refs.names_model(key.value)
                ):
                    self._generic_value(value, scope, key.value, base_url)

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
                    refs.provider_in_name(name) if named and module_at == (None, None) else None
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
        if len(pairs) < 2:
            return False
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
            for elt in node.elts:
                if named:
                    self._listed(elt, key, None, at)
                if isinstance(elt, _COLLECTIONS):
                    self._catalogue(elt, key, named, depth + 1, at)
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
            # An entry with a field naming its model ({"name": ..., "endpoint": ...}): its
            # other keys and values are settings, not models.
            if named and k is not None and hint is None and not labelled and not fields:
                self._listed(k, key, None, at)
            entry = named and (not fields or text in fields)
            if hint is not None or entry:
                # {"deepseek": "deepseek-chat"} / {"openai": ["gpt-4o", ...]}: the key says
                # whose models the values are.
                for item in v.elts if isinstance(v, _SEQUENCES) else [v]:
                    self._listed(item, text or key, hint, at)
            if isinstance(v, _COLLECTIONS):
                inner = entry or (text is not None and refs.is_catalogue_name(text))
                self._catalogue(v, text or key, inner, depth + 1, at)

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
            seen = Seen(node.value, self._loc(node), id(node), node.value, flow="catalogue")
            hint = hint or self._name_hint
            self.driver.listed(seen, key, provider_hint=hint, base_url=at[0], base_url_expr=at[1])

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
    ) -> None:
        if not isinstance(value, _VALUE_NODES) and (flow != "request-body"):
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
        own = flow == "request-body" and base_url is not None and is_own_host(host_of(base_url))
        for val in self.values(value, scope, flow):
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

    def _dataset_value(self, value: ast.expr, scope: Scope, key: str, flow: str) -> None:
        """A Hub dataset under a dataset-ish name (``--dataset`` default): only an org/name
        id counts (a bare ``train`` or ``data.json`` names no Hub dataset)."""
        for val in self.values(value, scope, flow):
            if "/" in val.text and not refs.looks_like_path(val.text):
                self.driver.named(self._seen(val), key, family="hf-dataset")

    def _request_url(self, call: ast.Call, scope: Scope) -> str | None:
        """The URL of an HTTP call whose JSON body names a model (requests.post(url, json=...))."""
        qual = self._qualname(call.func, scope) or ""
        if qual.split(".", 1)[0] not in ("requests", "httpx", "aiohttp") and not qual.endswith(
            (".post", ".request")
        ):
            return None
        found = self._arg(call, ("url", "#0"))
        if found is None:
            return None
        for val in self.values(found[0], scope):
            if refs.is_request_url(val.text) and not val.partial:
                return val.text
        return None


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


def _holds_string(value: ast.expr) -> bool:
    """Whether a value holds a string literal anywhere (only such a value can name a model)."""
    return any(isinstance(n, ast.Constant) and isinstance(n.value, str) for n in ast.walk(value))
