"""One JS/TS file's model references: calls, endpoints, model-ish names and catalogues."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable

import tree_sitter

from gate.discover import refs, scanning
from gate.discover.driver import Seen
from gate.discover.javascript.calls import CallReader
from gate.discover.javascript.markup import jsx_pickers
from gate.discover.javascript.nodes import (
    _HTTP_CALLS,
    _MAX_BINDINGS,
    _STATE_HOOKS,
    _scope_of,
    _string_value,
    _text,
    _unwrap,
    _Val,
)
from gate.discover.javascript.tables import pipeline_tasks, shape_needles, table, tokenizers
from gate.model import Evidence
from gate.recognise import SiteKind
from gate.recognise.core import model_in_url, unlisted_model_api
from gate.registry.endpoints import host_of

_REFERENCES = frozenset({"identifier", "member_expression", "subscript_expression"})
# Calls whose name says nothing of a provider (a state setter, a logger).
_NOT_NAMED = frozenset({"setState", "log", "push", "emit", "send", "postMessage", "sendMessage"})


def _platform_in_key(key: str) -> str | None:
    """The provider a platform block's key names as one of its words (``Ali_DashScope``,
    ``Baidu_QianFan``, ``TT_Volcengine``): a whole word first (``DashScope``), then its
    camel-case parts."""
    for word in re.split(r"[^A-Za-z0-9]+", key):
        alias = refs.catalogue_hint(word) if len(word) > 2 else None
        if alias is not None:
            return alias
    return refs.provider_in_name(key)


_TRANSFORMERS_JS = (b"@xenova/transformers", b"@huggingface/transformers")

Route = tuple[str, str, bool]
"""An nginx location that proxies to a provider: (path, ``proxy_pass`` URL, exact); see
:mod:`gate.discover.configs.nginx`."""


class _Analyser(CallReader):
    """One file: index its bindings, then read every call."""

    _menu_gateway: str | None = None
    """The gateway a menu's own ids say it lists (one entry in a shape only that gateway
    defines): its other ``<maker>/<model>`` entries are that gateway's too."""

    _file_gateway: str | None = None
    """The one aggregator every request URL written in the file goes to (SiliconFlow's
    ``https://api.siliconflow.cn/v1/chat/completions``): the Hub-style ids the file lists or
    defaults to (``Qwen/Qwen3-8B``, ``Pro/deepseek-ai/DeepSeek-V3``) are sent there."""

    _file_url: str | None = None
    """The one model API URL at a host no table knows that every request URL written in the
    file goes to (``https://llm.chutes.ai/v1/chat/completions``): the Hub-style ids the file
    lists or defaults to are sent there (JavaScript loads no Hub weights but through
    transformers.js), so they are that host's (``api:llm.chutes.ai/<org>/<name>``)."""

    _sent_urls: dict[tuple[str, int], str | None]
    """The URL the calls of one scope send a named body to (``_fetch_url``), per name and
    scope."""

    proxies: tuple[Route, ...] = ()
    """The tree's nginx routes to providers' APIs: a relative request URL one of them takes
    (``fetch("/openai/v1/chat/completions")`` under ``location /openai/ { proxy_pass
    https://api.openai.com/; }``) is read as the URL nginx forwards it to."""

    _file_client: refs.RefContext | None = None
    """The one serving every client the file makes has (``createOpenAI({ baseURL: url ||
    "https://api.openai.com/v1" })``, ``createDeepSeek({...})``): the Hub-style ids its
    catalogue lists with no serving of their own go to it, as a call through it would send
    them (``openai/gpt-4o-mini`` → ``api:openai/openai/gpt-4o-mini``)."""

    # ---- index ----

    def run(self) -> list[Evidence]:
        self._sent_urls = {}
        captures = _in_document_order(tree_sitter.QueryCursor(self.query).captures(self.root))
        for node in captures.get("import", []):
            self._import(node)
        for node in captures.get("decl", []):
            self._declarator(node)
        for node in captures.get("assign", []):
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and right is not None:
                key = self._source(left) if left.type in ("identifier", "member_expression") else ""
                if key:
                    self.values_of.setdefault(key, []).append(right)
                    self.decls.append((_control_name(left) or key.rsplit(".", 1)[-1], right))
        for node in captures.get("param", []):
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if (
                left is not None
                and right is not None
                and left.type
                in (
                    "identifier",
                    "shorthand_property_identifier_pattern",
                )
            ):
                self.params.setdefault(self._source(left), []).append(right)
        for node in captures.get("field", []):
            name = node.child_by_field_name("property") or node.child_by_field_name("name")
            value = node.child_by_field_name("value")
            if name is not None and value is not None:
                self.values_of.setdefault("this." + self._source(name), []).append(value)
                self.decls.append((self._source(name), value))
        self.typed = [*captures.get("typealias", []), *captures.get("enum", [])]
        self.jsx = captures.get("jsx", [])
        self.calls = sorted([*captures.get("call", []), *captures.get("new", [])], key=_position)
        self.pairs = captures.get("pair", [])
        self.shorthands = captures.get("shorthand", [])
        self._indexed()
        self._file_gateway = self._gateway_of_file()
        for call in self.calls:
            self._call(call)
        if self._file_gateway is None and self._file_url is None:
            self._file_client = self._client_of_file()
        self._task_pipelines()
        self._endpoints_without_model()
        self._generic()
        return self.found

    # ---- endpoints and model-ish names outside known calls ----

    def _task_pipelines(self) -> None:
        """``pipelineFunc("feature-extraction", "Xenova/all-MiniLM-L6-v2")`` in a file that
        imports transformers.js dynamically (``await import("@xenova/transformers")``, the
        ``pipeline`` handed on through variables the call table cannot follow): a call whose
        first argument is a pipeline task names a Hub model second."""
        if not any(pkg in self.data for pkg in _TRANSFORMERS_JS):
            return
        spec = table().lookup("@xenova/transformers:pipeline")
        if spec is None:
            return
        for call in self.calls:
            qual = self._qualname(self._callee(call))
            if qual and table().lookup(qual) is not None:
                continue
            args = self._args(call)
            task = _unwrap(args[0]) if len(args) >= 2 else None
            if task is None or task.type != "string":
                continue
            if _string_value(task) in pipeline_tasks():
                self._emit(("#1",), call, self._context(spec, call), "transformers.js:pipeline")

    def _endpoints_without_model(self) -> None:
        for call, spec, qual in self.clients_made:
            if call.id in self.client_used:
                continue
            ctx = self._context(spec, call)
            if not ctx.base_url:
                continue
            found = self._arg(call, spec.base_url)
            node = found[0] if found is not None else call
            vals = [v for v in self.values(node) if not v.partial]
            where = vals[0].node if vals else node
            # model: process.env.MODEL_NAME: the env file's value is sent here (envdefaults)
            env = self.env_models.get(call.id, set())
            self.driver.endpoint(
                ctx,
                self._loc(where),
                qual,
                env_var=next(iter(env), None) if len(env) == 1 else None,
            )

    def _generic(self) -> None:
        self._request_bodies()
        if b"FormData" in self.data:
            self._form_fields()
        counted = _asker(self._token_counted())
        for name, value in self.decls:
            if refs.is_model_key(name) and not counted(name, value):
                self._generic_value(value, name, None, hub_gateway=True)
        for name, defaults in self.params.items():
            # function Chat({ model = "gpt-4o" }): a default prop or parameter.
            if refs.is_model_key(name):
                for default in defaults:
                    if not counted(name, default):
                        self._generic_value(default, name, None)
        self._unread: list[tuple[Seen, str]] = []
        self._catalogues()
        before = len(self.found)
        beside: dict[int, tuple[str | None, str | None]] = {}
        for pair in self.pairs:
            key = self._key(pair)
            if key and refs.is_model_key(key):
                if pair.id in self._bodies:
                    # read by _request_bodies; fetch(groqURL, {body: {model: model}}) with
                    # the model a parameter: the endpoint alone says the app reaches that
                    # provider (counted here, among the file's requests).
                    unknown = self._bodies[pair.id]
                    if unknown is not None:
                        ctx = refs.RefContext(family="hosted", base_url=unknown[1])
                        self.driver.endpoint(ctx, self._loc(unknown[0]), "request")
                    continue
                held = pair.child_by_field_name("value")
                url = self._fetch_url(pair)
                if url == "":
                    continue  # a body for the app's own backend: it decides what is called
                hint: str | None = None
                if url is None:
                    url, hint = self._request_target(pair)
                if url is None and hint is None and pair.parent is not None:
                    # { provider: "openrouter", model: "gpt-4.1-mini" }: the provider named
                    # beside the model serves it (the app routes on that field)
                    url, hint = self._beside(pair.parent, beside)
                self._generic_value(held, key, url, hint, hub_gateway=True)
        for short in self.shorthands:
            # fetch(url, { body: JSON.stringify({ model, messages }) }): the request's URL
            # serves what the name holds; with nothing known of it, the endpoint still counts.
            name = self._source(short)
            if not refs.is_model_key(name):
                continue
            url = self._fetch_url(short)
            if url is None:
                url = self._request_target(short)[0]
            if not url:
                continue
            if not self._sent_to(short, name, url):
                self.driver.endpoint(
                    refs.RefContext(family="hosted", base_url=url), self._loc(short), "request"
                )
        if scanning.matches(self.data, shape_needles()):
            for call in self.calls:
                self._shaped_argument(call)
            self._shaped_values()
        for call in self.calls:
            self._provider_model_factory(call)
            self._model_in_request_url(call)
        self._listed_where_requests_go(self.found[before:])

    def _listed_where_requests_go(self, requests: list[Evidence]) -> None:
        """Catalogue entries no shape names (``models: ["moondream", "llava"]``), in a file
        whose every request goes to an Ollama server: that server's tags. Only Ollama:
        its library names are bare words a hosted API's names never are."""
        servers = {ev.attributes.get("provider") for ev in requests}
        if not self._unread or servers != {"ollama"}:
            return
        for seen, key in self._unread:
            self.driver.listed(seen, key, served_by="ollama")

    def _request_bodies(self) -> None:
        """A request body's model held by a reference (``body: JSON.stringify({ model:
        settings.modelName })``, ``model: modelMap[picked]``), read before any table is read
        as a catalogue: the request's URL says who serves the values the reference holds.
        The one reading of such a body: the pairs loop of :meth:`_generic` only adds the
        endpoint of a body whose model no value was found for (``self._bodies``)."""
        self._bodies: dict[int, tuple[tree_sitter.Node, str] | None] = {}
        """Pairs read here, by id → (the reference, the URL) when no value of it was found."""
        for pair in self.pairs:
            key = self._key(pair)
            if not key or not refs.is_model_key(key):
                continue
            inner = _unwrap(pair.child_by_field_name("value"))
            if inner is None:
                continue
            if inner.type not in _REFERENCES:
                continue
            url = self._fetch_url(pair)
            if url is None:
                # const options = { body: JSON.stringify({ model }) }; fetch(url, options)
                url = self._request_target(pair)[0]
            if url:
                sent = self._sent_to(inner, key, url)
                self._bodies[pair.id] = None if sent else (inner, url)

    def _form_fields(self) -> None:
        """``form.append("model", "whisper-1")`` on a form the same function posts
        (``fetch(url, { body: form })``, ``axios.post(url, form)``): the request's URL
        serves what the field holds, as it serves a JSON body's ``model``. The options
        passing a name as ``body`` are indexed once by name and function, and each form's URL
        worked out once: asked per ``append`` over every pair of the file, a file of many
        appends and many ``{ body: form }`` took the whole per-file time and was not read."""
        bodies: dict[tuple[str, int], list[tree_sitter.Node]] = {}
        for p in self.pairs:
            if p.parent is not None and self._key(p) == "body":
                value = _unwrap(p.child_by_field_name("value"))
                if value is not None and value.type == "identifier":
                    bodies.setdefault((self._source(value), _scope_of(p.parent)), []).append(
                        p.parent
                    )
        urls: dict[tuple[str, int], str | None] = {}
        for call in self.calls:
            func = call.child_by_field_name("function")
            if func is None or func.type != "member_expression":
                continue
            form = func.child_by_field_name("object")
            if self._source(func.child_by_field_name("property")) not in ("append", "set"):
                continue
            args = self._args(call)
            field = _unwrap(args[0]) if len(args) >= 2 else None
            if form is None or form.type != "identifier" or field is None:
                continue
            key = _string_value(field) if field.type == "string" else None
            if not key or not refs.is_model_key(key):
                continue
            where = (self._source(form), _scope_of(call))
            if where not in urls:
                urls[where] = self._form_url(*where, bodies.get(where, []))
            url = urls[where]
            if url:
                self._sent_to(args[1], key, url)

    def _form_url(self, name: str, home: int, bodies: list[tree_sitter.Node]) -> str | None:
        """The one URL the function ``home`` posts the form ``name`` to (as an argument,
        or as the ``body`` of a request's options: ``bodies``, those of that function)."""
        sends = [s for s in self._sent_with().get(name, [])[:_MAX_BINDINGS] if _scope_of(s) == home]
        urls = {self._url_above(s) for s in [*sends, *bodies]}
        return urls.pop() if len(urls) == 1 else None

    def _sent_to(self, node: tree_sitter.Node, key: str, url: str) -> bool:
        """Each value a request body's model ``node`` holds, as served at the request's
        ``url`` (a pair or a shorthand ``{ model, messages }``); whether it holds any."""
        vals = self.values(node, "request-body")
        for val in vals:
            self.driver.named(self._seen(val), key, base_url=url)
        return bool(vals)

    def _shaped_values(self) -> None:
        """A value in an id shape one provider alone defines under any name (``model_img:
        process.env.IMG || "@cf/stabilityai/stable-diffusion-xl-base-1.0"``): the shape says
        whose model it is, so the name need not say it is one."""
        shapes = refs.current_knowledge().providers
        held = [(self._key(p), p.child_by_field_name("value")) for p in self.pairs]
        for key, value in [*held, *self.decls]:
            node = _unwrap(value)
            if not key or node is None or node.type not in _VALUE_EXPRESSIONS:
                continue
            for val in self.values(node, "assignment"):
                if not val.partial and shapes.shape_owner(val.text) is not None:
                    self.driver.named(self._seen(val), key, family="hosted")

    def _shaped_argument(self, call: tree_sitter.Node) -> None:
        """A call's first argument in an id shape one provider alone defines (Workers AI's
        ``env.AI.run("@cf/qwen/qwen1.5-7b-chat-awq", ...)``, NuxtHub's auto-imported
        ``hubAI().run(...)``): that provider's model whatever the receiver (the shapes are
        data: ``providers.yaml`` ``id_shapes``)."""
        args = self._args(call)
        first = _unwrap(args[0]) if args else None
        if first is None or first.type not in ("string", "template_string", "identifier"):
            return
        shapes = refs.current_knowledge().providers
        for val in self.values(first):
            if not val.partial and shapes.shape_owner(val.text) is not None:
                method = self._func_text(call).rsplit(".", 1)[-1]
                self.driver.named(self._seen(val), method or "call", family="hosted")

    def _model_in_request_url(self, call: tree_sitter.Node) -> None:
        """``fetch(`${GATEWAY}/workers-ai/@cf/openai/whisper`)``, ``fetch(".../v1beta/models/
        embedding-gecko-001:embedText?key=...")``: a model the request URL itself names
        (:func:`gate.recognise.core.model_in_url`), served by the provider it says."""
        if self._func_text(call) not in _HTTP_CALLS:
            return
        args = self._args(call)
        if not args:
            return
        kn = refs.current_knowledge()
        for val in self.values(args[0]):
            text = self._proxied(val.text) if val.text.startswith("/") else None
            found = model_in_url(text or val.text, kn)
            if found is None:
                continue
            provider, model = found
            seen = Seen(model, self._loc(val.node), val.node.id, model, flow="request-url")
            self.driver.named(seen, "url", family="hosted", provider_hint=provider)

    def _provider_model_factory(self, call: tree_sitter.Node) -> None:
        """``createArkModel("deepseek-v3-1-250821")``: a function of the app's own (no call
        table entry) whose name says it makes a model (ends in ``Model``/``LLM``) of the
        provider another of its words names: the string first argument is that provider's
        model, called (the function's body, out of reach here, sends it there)."""
        written = self._func_text(call)  # "" for `new`: its callee is the constructor
        if written and "Model" not in written and "LLM" not in written and "Llm" not in written:
            # what _FACTORY_NAME matches is in the name read below, which is part of the
            # callee as written
            return
        raw = call.child_by_field_name("function") or call.child_by_field_name("constructor")
        func = _unwrap(raw)
        if func is None or func.type not in ("identifier", "member_expression"):
            return
        # the callee as written, read once per call (unless inside parentheses or `as`)
        if not (func is raw and call.type == "call_expression"):
            written = self._source(func)
        name = written.rsplit(".", 1)[-1]
        if not _FACTORY_NAME.search(name):
            return
        provider = refs.provider_in_name(name)
        qual = self._qualname(func)
        if provider is None or (qual and table().lookup(qual) is not None):
            return
        args = self._args(call)
        first = _unwrap(args[0]) if args else None
        if first is None or first.type not in ("string", "template_string"):
            return
        for val in self.values(first):
            if not val.partial:
                self.driver.named(self._seen(val), name, provider_hint=provider)

    # ---- catalogues: models the module offers rather than calls ----

    def _catalogues(self) -> None:
        """Arrays, objects and maps of models (``export const MODELS = [{ id: "claude-3-
        haiku-20240307", name: ... }] as const``, ``{ deepseek: "deepseek-chat" }``) and UI
        defaults (``useState("claude-3-5-sonnet-20240620")``): listed, medium."""
        for name, value in self.decls:
            node = self._hook_initial(_unwrap(value))
            if node is not None and node.type in ("array", "object", "new_expression"):
                named = refs.is_catalogue_name(name)
                # GROQ_MODELS, TOGETHER_MODELS: the catalogue's own name says whose (as in
                # Python); an entry's own provider or key still decides first.
                self._name_hint = refs.provider_in_name(name) if named else None
                try:
                    self._catalogue(node, name, named, 0)
                finally:
                    self._name_hint = None
        for decl in self.typed:
            # type ChatModel = "llama-3.1-8b-instant" | "mixtral-8x7b-32768";
            # enum Models { Fast = "llama3-8b-8192" }: each string a listed name.
            label = self._source(decl.child_by_field_name("name"))
            if not label or not refs.is_catalogue_name(label):
                continue
            for item in _typed_strings(decl):
                self._listed(item, label, None)
        for call in self.calls:
            func = self._func_text(call)
            if func.rsplit(".", 1)[-1] not in _STATE_HOOKS:
                continue
            args = self._args(call)
            first = _unwrap(args[0]) if args else None
            if first is not None and first.type == "string":
                self._listed(first, func, None, SiteKind.DEFAULT)
        if self.jsx:
            # <select name="model"><option value="gpt-4o">: a picker's items (markup.py).
            jsx_pickers(self.driver, self.rel, self.lines, self.jsx)

    def _hook_initial(self, node: tree_sitter.Node | None) -> tree_sitter.Node | None:
        """The array or object a reactive state starts from (Vue's ``const models =
        ref(["qwen2.5:1.5b", ...])``, ``signal([...])``): the state is that catalogue; any
        other value as it is."""
        if node is None or node.type != "call_expression":
            return node
        if self._func_text(node).rsplit(".", 1)[-1] not in _STATE_HOOKS:
            return node
        args = self._args(node)
        first = _unwrap(args[0]) if args else None
        return first if first is not None and first.type in ("array", "object") else node

    def _catalogue(self, node: tree_sitter.Node, key: str, named: bool, depth: int) -> None:
        if depth > 4:
            return
        if node.type == "new_expression":
            # new Map([["deepseek", "deepseek-chat"], ...])
            if self._source(node.child_by_field_name("constructor")) != "Map":
                return
            args = node.child_by_field_name("arguments")
            entries = _unwrap(args.named_children[0]) if args and args.named_children else None
            if entries is None or entries.type != "array":
                return
            for entry in entries.named_children:
                kv = [_unwrap(c) for c in entry.named_children] if entry.type == "array" else []
                head, tail = (kv[0], kv[1]) if len(kv) == 2 else (None, None)
                if head is not None and tail is not None:
                    hint_key = _string_value(head) or ""
                    hint = refs.catalogue_hint(hint_key) if hint_key else None
                    if named:
                        self._listed(head, key, None)
                    if named or hint:
                        self._listed(tail, hint_key or key, hint)
            return
        if node.type == "array":
            outer_gateway = self._menu_gateway
            self._menu_gateway = self._gateway_of_menu(node) or outer_gateway
            try:
                for elt in node.named_children:
                    item = _unwrap(elt)
                    if item is None:
                        continue
                    if named:
                        self._listed(item, key, None)
                    if item.type in ("array", "object"):
                        self._catalogue(item, key, named, depth + 1)
            finally:
                self._menu_gateway = outer_gateway
            return
        if node.type != "object":
            return
        pairs = [p for p in node.named_children if p.type == "pair"]
        fields = refs.catalogue_fields(self._key(p) for p in pairs)
        entry_url = self._entry_endpoint(node) if fields else None
        entry_provider = self._entry_provider(node) if fields and not entry_url else None
        for pair in pairs:
            text = self._key(pair)
            value = _unwrap(pair.child_by_field_name("value"))
            hint = refs.catalogue_hint(text) if text else None
            if hint is None and entry_provider is not None and text in fields:
                hint = entry_provider
            if named and pair.child_by_field_name("key") is not None:
                k = pair.child_by_field_name("key")
                label = (
                    _string_value(value) if value is not None and value.type == "string" else None
                )
                labelled = (
                    refs.is_label_of(label)
                    or (
                        value is not None
                        and value.type == "object"
                        and refs.names_its_model(self._str_fields(value))
                    )
                    or self._makes_model(value)
                )
                if k is not None and k.type == "string" and hint is None and not labelled:
                    self._listed(k, key, None)
            if value is None:
                continue
            if (
                fields
                and value.type == "array"
                and text
                and text not in fields
                and hint is None
                and not refs.is_catalogue_name(text)
            ):
                # Beside a field that names the entry's model, another field's array is a
                # list of models only under a catalogue's name (`models: [...]`):
                # `aliases: ["qwen3-32b"]` is what a user may type for the entry, `tags`
                # its labels, neither a model of its own.
                continue
            # As in Python: with no field naming the model, each value is an entry.
            is_entry = not fields or text in fields or value.type == "array"
            if (named and is_entry) or hint:
                items = value.named_children if value.type == "array" else [value]
                for item in items:
                    inner = _unwrap(item)
                    if inner is not None:
                        url = entry_url if text in fields else None
                        self._listed(inner, text or key, hint, base_url=url)
            if value.type in ("array", "object"):
                inner_named = named or (bool(text) and refs.is_catalogue_name(text))
                # { groq: { "deepseek-r1-distill-llama-70b": {...} } }: the names nested
                # under a provider's key are that provider's; so are those under a platform
                # block whose key has a provider's name as one word ({ Baidu_QianFan: {
                # list: [{ version: "deepseek-r1" }] } }: Qianfan serves that deepseek-r1).
                outer = self._name_hint
                platform = _platform_in_key(text) if text and value.type == "object" else None
                self._name_hint = hint or platform or outer
                try:
                    self._catalogue(value, text or key, inner_named, depth + 1)
                finally:
                    self._name_hint = outer

    def _makes_model(self, value: tree_sitter.Node | None) -> bool:
        """``deepseek("deepseek-chat")`` as a table's value (``{ "deepseek-v3.1":
        deepseek("deepseek-chat") }``): a provider call the call table knows makes the
        entry's model (given as its first argument), so the key is the app's own name
        for it, not a model."""
        if value is None or value.type not in ("call_expression", "new_expression"):
            return False
        args = self._args(value)
        first = _unwrap(args[0]) if args else None
        if first is None or first.type not in ("string", "template_string", "object"):
            return False  # a client made with no model of its own: the key may be its model
        qual = self._qualname(self._callee(value))
        if not qual:
            return False
        # deepseek(...) where deepseek = createDeepSeek({...}): the made provider's call
        return (table().lookup(qual) or table().lookup(qual.removesuffix("()"))) is not None

    def _entry_provider(self, node: tree_sitter.Node) -> str | None:
        """The provider a catalogue entry names beside its model: ``provider: "openai"``, or
        ``provider`` bound to an object of the module that names it (``const provider =
        { id: "claude", ... }`` with entries ``{ id: "claude-3-5-haiku-latest", provider }``,
        a common shape of per-provider model files)."""
        for child in node.named_children:
            value: tree_sitter.Node | None = None
            if child.type == "shorthand_property_identifier":
                name = ident = self._source(child)
            elif child.type == "pair":
                name = self._key(child)
                value = _unwrap(child.child_by_field_name("value"))
                ident = (
                    self._source(value) if value is not None and value.type == "identifier" else ""
                )
            else:
                continue
            if not name or not refs.is_provider_key(name):
                continue
            if value is not None and value.type == "string":
                return refs.provider_alias(_string_value(value) or "")
            for bound in self.values_of.get(ident, ()) if ident else ():
                obj = _unwrap(bound)
                if obj is None or obj.type != "object":
                    continue
                fields = self._str_fields(obj)
                for field in ("id", "name", "provider", "providerName", "provider_name"):
                    alias = refs.provider_alias(fields.get(field) or "")
                    if alias is not None:
                        return alias
        return None

    def _str_fields(self, node: tree_sitter.Node) -> dict[str, str | None]:
        """An object literal's keys and their string values (None: not a string)."""
        out: dict[str, str | None] = {}
        for pair in node.named_children:
            if pair.type != "pair":
                continue
            value = _unwrap(pair.child_by_field_name("value"))
            is_str = value is not None and value.type == "string"
            out[self._key(pair)] = _string_value(value) if is_str and value else None
        return out

    def _listed(
        self,
        node: tree_sitter.Node,
        key: str,
        hint: str | None,
        site: SiteKind = SiteKind.CATALOGUE_ITEM,
        base_url: str | None = None,
    ) -> None:
        text = _string_value(node) if node.type == "string" else None
        if text is not None:
            seen = Seen(text, self._loc(node), node.id, text, flow="catalogue")
            if hint is None and self._menu_gateway and text.count("/") == 1:
                hint = self._menu_gateway
            if hint is None and self._file_gateway and 1 <= text.count("/") <= 2:
                hint = self._file_gateway
            hint = None if base_url else hint or self._name_hint
            if hint is None and not base_url and self._file_url and 1 <= text.count("/") <= 2:
                base_url = self._file_url
            client = self._file_client
            if hint is None and not base_url and client and 1 <= text.count("/") <= 2:
                self.driver.listed(
                    seen, key, provider_hint=client.provider, site=site,
                    base_url=client.base_url, base_url_expr=client.base_url_dynamic,
                )  # fmt: skip
                return
            read = self.driver.listed(seen, key, provider_hint=hint, site=site, base_url=base_url)
            if not read and hint is None and not base_url and site is SiteKind.CATALOGUE_ITEM:
                self._unread.append((seen, key))

    def _gateway_of_menu(self, node: tree_sitter.Node) -> str | None:
        """The one gateway whose own id shape some entry of this array has (``{id:
        "tngtech/deepseek-r1t2-chimera:free"}``, OpenRouter's), if no entry has another's
        (:func:`refs.menu_gateway`)."""
        texts: list[str | None] = []
        for elt in node.named_children[:_MAX_MENU]:
            item = _unwrap(elt)
            if item is not None and item.type == "string":
                texts.append(_string_value(item))
            elif item is not None and item.type == "object":
                texts += self._str_fields(item).values()
        return refs.menu_gateway(texts)

    def _gateway_of_file(self) -> str | None:
        """The aggregator every request URL literal of the file points at, when they all
        point at one (none unknown, none elsewhere); Ollama and local servers excluded."""
        if b"://" not in self.data:
            return None
        kn = refs.current_knowledge()
        nodes = [_unwrap(p.child_by_field_name("value")) for p in self.pairs]
        nodes += [_unwrap(v) for _, v in self.decls]
        for call in self.calls:
            nodes += [_unwrap(a) for a in self._args(call)]
        providers: set[str | None] = set()
        unlisted: dict[str, set[str | None]] = {}
        for node in nodes:
            text = _string_value(node) if node is not None and node.type == "string" else None
            if text and "://" in text and refs.is_request_url(text):
                host = host_of(text)
                ep = kn.endpoint(host) if host else None
                providers.add(ep.provider if ep is not None else None)
                if ep is None:
                    api = unlisted_model_api(text, kn)
                    unlisted.setdefault(host or "", set()).add(text if api else None)
        weights = any(pkg in self.data for pkg in _TRANSFORMERS_JS)  # loads Hub weights
        if providers == {None} and len(unlisted) == 1 and not weights:
            # one host no table knows, reached at a model API route (and nowhere else)
            urls = sorted(u for u in next(iter(unlisted.values())) if u)
            self._file_url = urls[0] if urls else None
        owner = providers.pop() if len(providers) == 1 else None
        if owner is None or owner in kn.providers.local_server_providers:
            return None
        return owner if kn.registry.is_aggregator(owner) else None

    def _client_of_file(self) -> refs.RefContext | None:
        """The serving (provider, written or computed endpoint) all the clients and AI SDK
        provider factories the file makes share, if they share one."""
        servings: dict[tuple[str | None, str | None, str | None], refs.RefContext] = {}
        for call in self.calls:
            qual = self._qualname(self._callee(call))
            spec = table().lookup(qual) if qual else None
            if spec is None or not qual:
                continue
            factory = bool(spec.raw.get("provider_fn")) and qual.rpartition(":")[2].rsplit(".", 1)[
                -1
            ].startswith("create")
            if not (spec.client or factory):
                continue
            ctx = self._context(spec, call)
            if not (ctx.provider or ctx.base_url):
                continue
            servings[(ctx.provider, ctx.base_url, ctx.base_url_dynamic)] = ctx
            if len(servings) > 1:
                return None
        return next(iter(servings.values())) if servings else None

    def _token_counted(self) -> frozenset[tuple[str, int]]:
        """The names this file hands to a token counter (``encodeChat(messages, model)`` of
        gpt-tokenizer): a model name there picks the encoding tokens are counted with
        (``model = "gpt-4o-2024-08-06"`` for a newer model the counter does not know), so
        an assignment to such a name in that function calls nothing: ``(name, scope)``
        pairs. Asked only of a file importing a counter."""
        globs = tokenizers()
        heads = {g.partition(":")[0].partition("/*")[0] for g in globs}
        if not any(q.partition(":")[0].startswith(tuple(heads)) for q in self.imports.values()):
            return frozenset()
        names: set[tuple[str, int]] = set()
        asked = 0
        for call in self.calls:
            qual = self._qualname(self._callee(call))
            if not qual or not any(fnmatch.fnmatchcase(qual, g) for g in globs):
                continue
            asked += 1
            if asked > _MAX_SCOPE_ASKS:
                break  # (see _asker): fewer names counted, more values read
            for arg in self._args(call):
                node = _unwrap(arg)
                if node is not None and node.type == "identifier":
                    names.add((self._source(node), _scope_of(call)))  # that function's own
        return frozenset(names)

    def _beside(
        self, node: tree_sitter.Node, known: dict[int, tuple[str | None, str | None]]
    ) -> tuple[str | None, str | None]:
        """``(url, provider)`` an object names beside its model keys (``_entry_provider``,
        else ``_settings_endpoint``), worked out once per object (``known``, by node id):
        each reads every pair of the object, and asking it once per model key was quadratic
        in an object of thousands of ``model:`` pairs."""
        found = known.get(node.id)
        if found is None:
            hint = self._entry_provider(node)
            found = (self._settings_endpoint(node) if hint is None else None, hint)
            known[node.id] = found
        return found

    def _settings_endpoint(self, node: tree_sitter.Node) -> str | None:
        """The provider endpoint a settings object gives beside its model (``{ modelUrl:
        saved.modelUrl || "https://api.siliconflow.cn/v1/chat/completions", modelName:
        saved.modelName || "MiniMaxAI/MiniMax-M2" }``): the app posts the one to the other.
        Only a known provider's endpoint under a key naming a URL counts, and only one."""
        urls: set[str] = set()
        for pair in node.named_children:
            key = self._key(pair) if pair.type == "pair" else ""
            if not key or not (refs.is_url_key(key) or key.lower().endswith("url")):
                continue
            value = _unwrap(pair.child_by_field_name("value"))
            for val in self.values(value) if value is not None else []:
                if not val.partial and refs.hosted_endpoint(val.text):
                    urls.add(val.text)
        return urls.pop() if len(urls) == 1 else None

    def _entry_endpoint(self, node: tree_sitter.Node) -> str | None:
        """The endpoint a catalogue entry names beside its model (``{id: "qwen/qwen3-8b:
        free", provider: "aliyun", baseURL: "https://openrouter.ai/api/v1"}``): where the
        entry's model is sent, whatever maker its display fields name."""
        urls: set[str] = set()
        for pair in node.named_children:
            if pair.type != "pair" or not refs.is_url_key(self._key(pair)):
                continue
            value = _unwrap(pair.child_by_field_name("value"))
            for val in self.values(value) if value is not None else []:
                if not val.partial and refs.is_request_url(val.text):
                    urls.add(val.text)
        return urls.pop() if len(urls) == 1 else None

    def _generic_value(
        self,
        value: tree_sitter.Node | None,
        key: str,
        base_url: str | None,
        provider_hint: str | None = None,
        hub_gateway: bool = False,
    ) -> None:
        value = _unwrap(value)
        if value is None or value.type not in _VALUE_EXPRESSIONS:
            return
        vals = self.values(value, "assignment")
        # x = cond ? "unsloth/gemma-3-4b-it" : "minimax/minimax-m2:free": one expression's
        # choices are sent by the same code to the same place, so a gateway's own id shape
        # among them (OpenRouter's :free) places the other <maker>/<model> choices there too
        choice = refs.menu_gateway([v.text for v in vals]) if len(vals) > 1 else None
        for val in vals:
            hint = provider_hint
            url = base_url
            if hub_gateway and hint is None and not base_url and 1 <= val.text.count("/") <= 2:
                hint = self._file_gateway
                url = None if hint else self._file_url
            if hint is None and url is None and choice and val.text.count("/") == 1:
                hint = choice
            self.driver.named(self._seen(val), key, base_url=url, provider_hint=hint)

    # ---- where a request body goes when its URL is not a constant ----

    def _request_target(self, pair: tree_sitter.Node) -> tuple[str | None, str | None]:
        """``(url, provider)`` of a request object whose URL is not written beside it: the
        body held in a variable and posted by ``axios.post(url, body)`` or an
        ``XMLHttpRequest`` (``xhr.open("POST", url); xhr.send(body)``); when the URL is not a
        constant, the environment variable it is read from names the provider
        (``import.meta.env.VITE_OLLAMA_BASE_URL + "/chat"``); or the app's own function the
        object is handed to does (``generateWithOllama({ model: "llama3.2" })``)."""
        obj = pair.parent
        if obj is None or obj.type != "object":
            return None, None
        call, holder = self._enclosing_call(obj)
        if call is None and holder is not None:
            name = self._source(holder.child_by_field_name("name"))
            # the variable of this function: another function's is another variable
            home = _scope_of(holder)
            sent = self._sent_with().get(name, [])[:_MAX_BINDINGS]
            calls = [c for c in sent if _scope_of(c) == home]
            call = calls[0] if len(calls) == 1 else None
        if call is None:
            return None, None
        func = self._func_text(call)
        target: tree_sitter.Node | None = None
        if func in _HTTP_CALLS:
            args = self._args(call)
            target = args[0] if args else None
        elif func.endswith(".send"):
            target = self._opened_url(call)
        if target is None and func not in _HTTP_CALLS:
            name = func.rsplit(".", 1)[-1]
            hinted = refs.provider_in_name(name) if name and name not in _NOT_NAMED else None
            return None, hinted
        urls = {v.text for v in self._url_values(target) if not v.partial} if target else set()
        if len(urls) == 1 and refs.is_request_url(next(iter(urls))):
            return urls.pop(), None
        envs = self._env_names(target, 0) if target is not None else []
        found = {p for e in envs if (p := refs.provider_from_env_name(e))}
        return None, (found.pop() if len(found) == 1 else None)

    def _opened_url(self, send: tree_sitter.Node) -> tree_sitter.Node | None:
        """The URL argument of ``xhr.open(method, url)`` on the receiver of ``xhr.send``."""
        func = send.child_by_field_name("function")
        receiver = func.child_by_field_name("object") if func is not None else None
        if receiver is None:
            return None
        opened = [
            c
            for c in self._sent_by(self._source(receiver))[:_MAX_BINDINGS]
            if self._func_text(c).endswith(".open")
        ]
        args = self._args(opened[0]) if len(opened) == 1 else []
        return args[1] if len(args) >= 2 else None

    def _enclosing_call(
        self, obj: tree_sitter.Node
    ) -> tuple[tree_sitter.Node | None, tree_sitter.Node | None]:
        """``(call, None)``: the call an object literal is an argument of (through
        ``JSON.stringify``); ``(None, declarator)``: the variable it (or its JSON) is bound to."""
        node = obj.parent
        for _ in range(4):
            if node is not None and node.type == "variable_declarator":
                return None, node
            if node is None or node.type != "arguments":
                return None, None
            call = node.parent
            if call is None or call.type != "call_expression":
                return None, None
            if self._func_text(call) != "JSON.stringify":
                return call, None
            node = call.parent
            if node is not None and node.type == "pair":
                node = node.parent.parent if node.parent is not None else None  # {body: ...}
        return None, None

    def _sent_by(self, receiver: str) -> list[tree_sitter.Node]:
        """Method calls made on one receiver (``xhr.open``, ``xhr.send``), indexed once."""
        if self._methods is None:
            self._methods = {}
            for call in self.calls:
                func = call.child_by_field_name("function")
                if func is not None and func.type == "member_expression":
                    obj = func.child_by_field_name("object")
                    self._methods.setdefault(self._source(obj), []).append(call)
        return self._methods.get(receiver, [])

    def _sent_with(self) -> dict[str, list[tree_sitter.Node]]:
        """Variables handed directly to a call (``axios.post(url, requestBody)``), by name,
        indexed once per file."""
        if self._sent is None:
            self._sent = {}
            for call in self.calls:
                for arg in self._args(call):
                    inner = _unwrap(arg)
                    if inner is not None and inner.type == "identifier":
                        self._sent.setdefault(self._source(inner), []).append(call)
                    elif inner is not None and inner.type == "object":
                        # fetch(url, { body }), fetch(url, { body: payload }): the
                        # request's options hand it the variable as its body
                        for name in _body_names(inner):
                            self._sent.setdefault(name, []).append(call)
        return self._sent

    def _env_names(self, node: tree_sitter.Node | None, depth: int) -> list[str]:
        """The environment variables an expression (a URL) is built from, through bindings."""
        node = _unwrap(node)
        if node is None or depth > 4 or self._budget <= 0:
            return []
        self._budget -= 1  # the file's budget of value look-ups bounds crafted chains
        env = self._env_name(node)
        if env is not None:
            return [env]
        if node.type == "binary_expression":
            return self._env_names(node.child_by_field_name("left"), depth + 1) + self._env_names(
                node.child_by_field_name("right"), depth + 1
            )
        if node.type == "template_string":
            return [
                e
                for sub in node.named_children
                if sub.type == "template_substitution"
                for c in sub.named_children
                for e in self._env_names(c, depth + 1)
            ]
        key = ""
        if node.type == "identifier":
            key = self._source(node)
        elif node.type == "member_expression":
            obj = _unwrap(node.child_by_field_name("object"))
            if obj is not None and obj.type == "this":
                key = "this." + self._source(node.child_by_field_name("property"))
        bound = self.values_of.get(key, []) if key else []
        if len(bound) > _MAX_BINDINGS:
            return []
        return [e for b in bound for e in self._env_names(b, depth + 1)]

    def _fetch_url(self, pair: tree_sitter.Node) -> str | None:
        """The URL of a fetch/axios call whose body holds this object (a raw API call);
        ``""`` for a path on the page's own origin (``fetch("/api/chat", ...)``). The object
        may be held in a variable of the same function that the call sends (``const body =
        {model}; fetch(url, {body: JSON.stringify(body)})``)."""
        url = self._url_above(pair.parent)
        obj = pair.parent
        holder = obj.parent if obj is not None and obj.type == "object" else None
        if url is not None or holder is None or holder.type != "variable_declarator":
            return url
        name = self._source(holder.child_by_field_name("name"))
        home = _scope_of(holder)
        key = (name, home)
        if key not in self._sent_urls:
            # asked once per name and scope: thousands of bodies bound to one name, each
            # asking of every call that sends it, were quadratic
            urls = {
                self._url_above(c) for c in self._sent_with().get(name, []) if _scope_of(c) == home
            }
            self._sent_urls[key] = urls.pop() if len(urls) == 1 else None
        return self._sent_urls[key]

    def _url_values(self, arg: tree_sitter.Node) -> list[_Val]:
        """The values of a request's URL argument; a name bound in several functions
        (``const endpoint = ...`` in ``callOpenAI`` and in ``callGroq``) by the binding of
        the request's own function when it has one (the file's scoping is by name only)."""
        inner = _unwrap(arg)
        if inner is not None and inner.type == "identifier":
            bound = self.values_of.get(self._source(inner), [])
            if len(bound) > 1:
                home = _scope_of(inner)
                mine = [b for b in bound[:_MAX_BINDINGS] if _scope_of(b) == home]
                if mine:
                    return [v for b in mine for v in self.values(b)]
        return self.values(arg)

    def _proxied(self, path: str) -> str | None:
        """The provider URL the tree's nginx forwards the page's request ``path`` to."""
        if not self.proxies:
            return None
        from gate.discover.configs.nginx import through  # only for a tree that proxies

        return through(path, self.proxies)

    def _url_above(self, start: tree_sitter.Node | None) -> str | None:
        node = start
        for _ in range(8):
            if node is None:
                return None
            if node.type == "call_expression":
                func = self._func_text(node)
                if func in _HTTP_CALLS:
                    args = self._args(node)
                    if args:
                        vals = self._url_values(args[0])
                        for val in vals:
                            if refs.is_request_url(val.text) and not val.partial:
                                return val.text
                        if vals and all(v.text.startswith("/") and not v.partial for v in vals):
                            # fetch("/api/chat"): the page's own server, unless its nginx
                            # proxies the path to a provider
                            return self._proxied(vals[0].text) or ""
                    return None
            node = node.parent
        return None


# The option keys of a request that hold its body (fetch's body, axios' data, ky's json).
_BODY_KEYS = frozenset({"body", "data", "json"})


def _body_names(options: tree_sitter.Node) -> list[str]:
    """The variables a request's options object passes as its body (``{ body }``, ``{ body:
    payload }``)."""
    out: list[str] = []
    for prop in options.named_children:
        if prop.type == "shorthand_property_identifier" and _text(prop) in _BODY_KEYS:
            out.append(_text(prop))
        elif prop.type == "pair" and _text(prop.child_by_field_name("key")) in _BODY_KEYS:
            value = _unwrap(prop.child_by_field_name("value"))
            if value is not None and value.type == "identifier":
                out.append(_text(value))
    return out


def _position(node: tree_sitter.Node) -> tuple[int, int]:
    """A node's place in document order: by start, an enclosing node before the nodes it
    holds that start where it does (``f(a)(b)`` before ``f(a)``)."""
    return node.start_byte, -node.end_byte


def _in_document_order(
    captures: dict[str, list[tree_sitter.Node]],
) -> dict[str, list[tree_sitter.Node]]:
    """Each capture's nodes in document order. py-tree-sitter's ``captures()`` lists them in
    an order that varies from process to process and with what the process did before (its
    issue 450), and the analysis reads bindings, keys and catalogues first come first
    served: unsorted, one file gave a different key for the same model in different runs."""
    return {name: sorted(nodes, key=_position) for name, nodes in captures.items()}


# The name of a function that makes a model (createArkModel, getGroqLLM): read with the
# provider another of its words names (_provider_model_factory).
_FACTORY_NAME = re.compile(r"[a-z](?:Model|LLM|Llm)$")

# Entries of an array read to learn which gateway's menu it is.
_MAX_MENU = 256

# Expressions whose string values a model key's value is read for: a literal, a template, a
# concatenation, or a choice between them (``model: hasImage ? "gpt-4-vision" : picked``).
_VALUE_EXPRESSIONS = frozenset(
    {"string", "template_string", "binary_expression", "ternary_expression"}
)


# A form control's words after the name of what it holds (model_name_input, modelSelect).
_CONTROL_WORD = re.compile(
    r"(?:_?(?:input|select|selector|field|box|dropdown|picker|el|elem|element)|"
    r"(?:Input|Select|Selector|Field|Box|Dropdown|Picker|El|Elem|Element))$"
)


def _control_name(left: tree_sitter.Node) -> str | None:
    """The name of what a form control holds, for an assignment to its value
    (``model_name_input.value = saved || "llama3-70b-8192"``: ``model_name``), or None."""
    if left.type != "member_expression":
        return None
    prop = _text(left.child_by_field_name("property"))
    obj = left.child_by_field_name("object")
    if prop not in ("value", "defaultValue") or obj is None or obj.type != "identifier":
        return None
    name = _CONTROL_WORD.sub("", _text(obj))
    return name if name and name != _text(obj) else None


def _typed_strings(decl: tree_sitter.Node) -> list[tree_sitter.Node]:
    """The string members of a TypeScript union type alias or enum declaration."""
    if decl.type == "enum_declaration":
        body = decl.child_by_field_name("body")
        members = [c.child_by_field_name("value") for c in body.named_children] if body else []
        return [m for m in members if m is not None and m.type == "string"]
    out: list[tree_sitter.Node] = []
    stack = [decl.child_by_field_name("value")]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if node.type == "union_type":
            stack.extend(reversed(node.named_children))
        elif (
            node.type == "literal_type"
            and node.named_children
            and node.named_children[0].type == "string"
        ):
            out.append(node.named_children[0])
    return out


_MAX_SCOPE_ASKS = 64
"""Values (and token-counting calls) whose function is looked up for the token-counter
rule: a node's parent is found by a walk from the root (tree-sitter keeps no parent links),
so asking it of every one of thousands of nested declarations was quadratic in the file.
Past the bound a value is read as any other (the safe side: reported, never dropped)."""


def _asker(
    counted: frozenset[tuple[str, int]],
) -> Callable[[str, tree_sitter.Node], bool]:
    """Whether a value assigned to ``name`` is in a function that hands ``name`` to a token
    counter (``counted``, from ``_token_counted``), asked of at most ``_MAX_SCOPE_ASKS``."""
    names = {name for name, _ in counted}
    left = [_MAX_SCOPE_ASKS]

    def asked(name: str, node: tree_sitter.Node) -> bool:
        if name not in names or left[0] <= 0:
            return False
        left[0] -= 1
        return (name, _scope_of(node)) in counted

    return asked
