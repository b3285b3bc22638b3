"""One Python module's model references: calls, endpoints, model-ish names and catalogues."""

from __future__ import annotations

import ast

from gate.discover import refs
from gate.discover.driver import Seen, endpoint_choice
from gate.discover.python.calls import CallReader
from gate.discover.python.scopes import (
    _ENUM_BASES,
    _HF_LIBRARIES,
    Scope,
    _is_none,
    _kw,
    _segment,
    is_catalogue_scope,
)
from gate.discover.python.tables import table
from gate.model import Evidence


class Analyser(CallReader):
    """One module: index its bindings, then read every call."""

    # ---- pass 1: index ----

    def run(self) -> list[Evidence]:
        """All references in the module."""
        self._index(self.module, self.root, None)
        self._set_aside_examples()
        for call, scope in self.calls:
            self._call(call, scope)
        self._endpoints_without_model()
        roots = {name.split(".", 1)[0] for name in self.imports.values()}
        if "modelscope" in roots and not roots & _HF_LIBRARIES:
            self.driver.hub = "modelscope"
        self._generic()
        self._catalogues()
        return self.found

    def _set_aside_examples(self) -> None:
        """Values under OpenAPI ``example``/pydantic ``json_schema_extra`` keys and keyword
        arguments document an API (``responses={200: {... "example": {"llm_model":
        "gpt-4"}}}``): no model-ish name under them is a reference."""
        if "example" not in self.text and "schema_extra" not in self.text:
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
        for name, value, scope in self.generic_assigns:
            if refs.names_model(name):
                self._generic_value(value, scope, name, None)
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
            base_url = self._request_url(owner, scope) if owner is not None else None
            for key, value in zip(node.keys, node.values, strict=True):
                if (
                    isinstance(key, ast.Constant)
                    and isinstance(key.value, str)
                    and refs.names_model(key.value)
                ):
                    self._generic_value(value, scope, key.value, base_url)

    # ---- catalogues: models the module offers rather than calls ----

    def _catalogues(self) -> None:
        """Lists, tuples, sets, dicts and enums of models (``AVAILABLE_MODELS = [...]``,
        ``{"deepseek": "deepseek-chat"}``, ``class Model(str, Enum)``): each entry is a
        model the release can call, so it is *listed* (medium)."""
        for name, value, scope in self.generic_assigns:
            if scope.kind == "class" and self._is_enum(scope) and is_catalogue_scope(scope):
                self._listed(value, name, None)
            elif isinstance(value, ast.List | ast.Tuple | ast.Set | ast.Dict):
                self._catalogue(value, name, refs.is_catalogue_name(name), depth=0)
        for functions in self.functions.values():
            for fn in functions:
                # def embed(text, model: str = "text-embedding-v3"): the default a call gets.
                for param, default in fn.params.items():
                    if default is not None and refs.names_model(param):
                        self._generic_value(default, fn, param, None, flow="parameter-default")

    def _is_enum(self, cls: Scope) -> bool:
        return any(b.rsplit(".", 1)[-1] in _ENUM_BASES for b in cls.bases)

    def _catalogue(self, node: ast.expr, key: str, named: bool, depth: int) -> None:
        if depth > 4:
            return
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            for elt in node.elts:
                if named:
                    self._listed(elt, key, None)
                if isinstance(elt, ast.List | ast.Tuple | ast.Set | ast.Dict):
                    self._catalogue(elt, key, named, depth + 1)
            return
        if not isinstance(node, ast.Dict):
            return
        names = [
            k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)
        ]
        fields = refs.catalogue_fields(names)
        for k, v in zip(node.keys, node.values, strict=True):
            text = k.value if isinstance(k, ast.Constant) and isinstance(k.value, str) else None
            hint = refs.catalogue_hint(text) if text else None
            if named and k is not None:
                self._listed(k, key, None)
            entry = named and (not fields or text in fields or not isinstance(v, ast.Constant))
            if hint is not None or entry:
                # {"deepseek": "deepseek-chat"} / {"openai": ["gpt-4o", ...]}: the key says
                # whose models the values are.
                for item in v.elts if isinstance(v, ast.List | ast.Tuple | ast.Set) else [v]:
                    self._listed(item, text or key, hint)
            if isinstance(v, ast.List | ast.Tuple | ast.Set | ast.Dict):
                inner = named or (text is not None and refs.is_catalogue_name(text))
                self._catalogue(v, text or key, inner, depth + 1)

    def _listed(self, node: ast.expr, key: str, hint: str | None) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            seen = Seen(node.value, self._loc(node), id(node), node.value, flow="catalogue")
            self.driver.listed(seen, key, provider_hint=hint)

    def _generic_value(
        self,
        value: ast.expr,
        scope: Scope,
        key: str,
        base_url: str | None,
        flow: str = "assignment",
        repo_type: str | None = None,
        base_url_expr: str | None = None,
    ) -> None:
        if not isinstance(value, ast.Constant | ast.Call | ast.BoolOp | ast.JoinedStr):
            return
        if repo_type not in (None, "model", "dataset"):
            return  # a Space, or something else that is not a model
        family = "hf-dataset" if repo_type == "dataset" else "config"
        for val in self.values(value, scope, flow):
            self.driver.named(
                self._seen(val), key, base_url=base_url, family=family, base_url_expr=base_url_expr
            )

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
            if "://" in val.text and not val.partial:
                return val.text
        return None
