"""Calls one module cannot finish alone, finished through the app's other modules it imports:
a client object made there (``from llm import client``; ``client.chat.completions.create(
model="deepseek-v3")`` is served where ``llm.py`` points the client) and a model constant
bound there (``from config import MODEL``; ``ChatOpenAI(model_name=MODEL, ...)`` names the
constant's model, in this call's serving context).

The per-file analysis leaves a placeholder for each such model argument (identity
``pending:<name>``, the call's context in its attributes) and reads a method called on an
imported client as an unknown client's (host unknown, ``base_url_expr`` the client's name).
This pass, run once after the scan, reads only the modules those name (parsed once, shared
with :mod:`gate.discover.python.imports`): a placeholder whose constant is found becomes the
model's evidence at the constant, one that is not is dropped; an unknown client whose
constructor is found is placed at its endpoint.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Mapping, Sequence

from gate.discover import refs
from gate.discover.pending import placeholder
from gate.discover.python import imports
from gate.discover.python.analyser import Analyser
from gate.discover.python.tables import table
from gate.discover.tree import Tree, TreeFile
from gate.model import JSON, Confidence, Evidence, Location

PENDING = "pending:"
"""The identity prefix of a placeholder (never leaves the Python source)."""
PENDING_ENV = "pending-env:"
"""The identity prefix of a model argument an env file sets (``os.getenv("X")``, no default)."""
_MAX_ENV_FILE = 256 * 1024

_CTX_ATTRS = ("family", "sdk", "provider", "base_url", "region", "provider_hint")


def placeholders(analyser: Analyser) -> list[Evidence]:
    """Placeholders for the analyser's pending model arguments (see module doc)."""
    out: list[Evidence] = []
    for name, ctx, qual, call, cap in analyser.pending:
        attrs: dict[str, JSON] = {"call": qual}
        for key in _CTX_ATTRS:
            value = getattr(ctx, key)
            if value:
                attrs[key] = value
        if ctx.base_url_dynamic:
            attrs["base_url_expr"] = ctx.base_url_dynamic
        if ctx.vertex:
            attrs["vertex"] = True
        loc = analyser._loc(call)
        out.append(placeholder(analyser.source, PENDING + name, name, loc, cap, attrs))
    for var, ctx, qual, call, cap in analyser.pending_env:
        attrs = {"call": qual, "env_var": var}
        for key in _CTX_ATTRS:
            value = getattr(ctx, key)
            if value:
                attrs[key] = value
        loc = analyser._loc(call)
        out.append(placeholder(analyser.source, PENDING_ENV + var, var, loc, cap, attrs))
    for val, made, qual, cap in analyser.pending_made:
        attrs = {"call": qual, "flow": val.flow, **made}
        loc = analyser._loc(val.node)
        ident = PENDING + str(made["client_factory"] or made.get("client_object"))
        out.append(placeholder(analyser.source, ident, val.text, loc, cap, attrs))
    return out


def _unknown_client(ev: Evidence) -> bool:
    call = ev.attributes.get("call")
    expr = ev.attributes.get("base_url_expr")
    return (
        isinstance(call, str)
        and call.startswith("?.")
        and isinstance(expr, str)
        and expr.isidentifier()
    )


def through_app_modules(
    tree: Tree, found: list[Evidence], parsed: dict[str, ast.Module | None]
) -> list[Evidence]:
    """``found`` with placeholders resolved (or dropped) and unknown clients that another
    module of the app makes placed at that client's endpoint."""
    if any(ev.identity.startswith(PENDING_ENV) for ev in found):
        found = _through_env_files(tree, found)
    if not any(ev.identity.startswith(PENDING) or _unknown_client(ev) for ev in found):
        return found
    modules = imports._modules(tree.files)
    out: list[Evidence] = []
    placed: set[tuple[str | None, int | None, int | None, str]] = set()
    kept: set[int] = set()
    for ev in found:
        file = tree.get(ev.location.path or "")
        try:
            if ev.identity.startswith(PENDING):
                resolve = (
                    _resolve_factory if "client_factory" in ev.attributes else _resolve_pending
                )
                resolved = resolve(ev, file, modules, parsed) if file is not None else None
                if resolved is not None:
                    out.append(resolved)
                    kept.add(id(resolved))
                    loc = ev.location
                    placed.add((loc.path, loc.line, loc.column, ev.as_written))
                continue
            if file is not None and _unknown_client(ev):
                ev = _resolve_client(ev, file, modules, parsed) or ev
        except (RecursionError, ValueError) as exc:
            # A module that parses but nests an expression too deeply to print back (600
            # unary minus signs), or holds a number too large to print (a 5,000-digit hex
            # literal): recorded, the rest of the scan goes on.
            what = (
                "nests code too deeply"
                if isinstance(exc, RecursionError)
                else "holds a value too large"
            )
            tree.skip(
                ev.location.path or "",
                f"an app module it imports {what} to follow: what it makes and binds there"
                " was not read",
            )
            if ev.identity.startswith(PENDING):
                continue
        out.append(ev)
    if not placed:
        return out
    # The unknown-client reading of a value a placeholder has now placed is superseded.
    return [
        ev
        for ev in out
        if id(ev) in kept
        or not (
            str(ev.attributes.get("call", "")).startswith("?.")
            and (ev.location.path, ev.location.line, ev.location.column, ev.as_written) in placed
        )
    ]


# --- env files ---------------------------------------------------------------------------------


def _through_env_files(tree: Tree, found: list[Evidence]) -> list[Evidence]:
    """``found`` with each env placeholder replaced by the value the nearest env file sets
    for its variable (``.env``, ``.env.example``... in the module's folder or the nearest
    folder above it that sets it, as python-dotenv's search upward finds it; every distinct
    value of that folder's files), recognised in the call's context and placed at the env
    file's line; a variable no env file sets is dropped."""
    by_folder: dict[str, list[TreeFile]] = {}
    for tf in tree.files:
        name = tf.name.lower()
        if name == ".env" or name.startswith(".env.") or name.endswith(".env"):
            by_folder.setdefault(posixpath.dirname(tf.rel), []).append(tf)
    settings: dict[str, dict[str, list[tuple[str, str, int]]]] = {}
    out: list[Evidence] = []
    asked: set[tuple[str, str, str, str, str]] = set()
    for ev in found:
        if not ev.identity.startswith(PENDING_ENV):
            out.append(ev)
            continue
        var = ev.identity[len(PENDING_ENV) :]
        folder = posixpath.dirname(ev.location.path or "")
        # Calls reading the same variable in the same context from the same folder resolve
        # to the same evidence (placed at the env file's line): made once, not once per
        # call (n calls x n values of a crafted .env made n x n evidence).
        question = (var, folder, ev.source, str(ev.confidence), repr(sorted(ev.attributes.items())))
        if question in asked:
            continue
        asked.add(question)
        while True:
            got = [
                hit
                for tf in by_folder.get(folder, ())
                for hit in _env_settings(tf, settings).get(var, ())
            ]
            if got or not folder or posixpath.dirname(folder) == folder:
                break
            folder = posixpath.dirname(folder)
        seen: set[str] = set()
        for path, value, line in got:
            if value in seen:
                continue
            seen.add(value)
            resolved = _env_resolved(ev, var, path, value, line)
            if resolved is not None:
                out.append(resolved)
    return out


def _env_settings(
    tf: TreeFile, cache: dict[str, dict[str, list[tuple[str, str, int]]]]
) -> Mapping[str, list[tuple[str, str, int]]]:
    """An env file's ``VAR=value`` settings, read once: variable -> [(path, value, line)]."""
    known = cache.get(tf.rel)
    if known is not None:
        return known
    known = cache[tf.rel] = {}
    try:
        with open(tf.abspath, "rb") as fh:
            text = fh.read(_MAX_ENV_FILE).decode("utf-8", errors="replace")
    except OSError:
        return known
    for number, line in enumerate(text.splitlines(), start=1):
        match = _ENV_SETTING.match(line)
        if match is not None:
            value = match.group(2).strip().strip("'\"")  # to the first `#`
            if value and "$" not in value:
                known.setdefault(match.group(1), []).append((tf.rel, value, number))
    return known


_ENV_SETTING = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=([^#]*)")
"""``VAR=value`` (``export`` allowed, a trailing ``# comment`` dropped; the value's blanks
stripped in code: a lazy value before trailing blanks retried every blank of a long line)."""


def _env_resolved(ev: Evidence, var: str, path: str, value: str, line: int) -> Evidence | None:
    attrs = ev.attributes
    ctx = refs.RefContext(
        family=str(attrs.get("family") or "config"),
        sdk=str(attrs["sdk"]) if attrs.get("sdk") else None,
        provider=str(attrs["provider"]) if attrs.get("provider") else None,
        base_url=str(attrs["base_url"]) if attrs.get("base_url") else None,
        provider_hint=str(attrs["provider_hint"]) if attrs.get("provider_hint") else None,
    )
    ref = refs.recognise_in(value, ctx)
    if ref is None:
        return None
    extra: dict[str, JSON] = {"call": attrs.get("call"), "env_var": var, "flow": "env-file"}
    loc = Location(path, line=line, context=var)
    return refs.evidence(ev.source, ref, value, loc, ev.confidence, extra)


# --- another module's bindings ----------------------------------------------------------------


def _value_of(
    expr: str,
    file: TreeFile,
    modules: Mapping[str, Sequence[TreeFile]],
    parsed: dict[str, ast.Module | None],
) -> tuple[TreeFile, str, ast.expr, bool] | None:
    """``(module, text, node, from_env)`` of the string another module of the app binds to
    ``expr``: a module constant (``from config import MODEL``, ``config.MODEL``) or a field
    of a settings object it makes (``from config import settings``; ``settings.LLM_MODEL``
    with ``settings = Settings()`` and ``class Settings(BaseSettings): LLM_MODEL: str = ...``)."""
    origin = imports._origin(expr, file, modules, parsed)
    if origin is not None:
        bound = imports._binding(origin[1], origin[2])
        got = _string(bound, origin[1]) if bound is not None else None
        if got is not None:
            return origin[0], got[0], got[1], got[2]
    parts = expr.split(".")
    # settings.LLM_MODEL: the object ``settings`` comes from another module of the app
    owner = imports._origin(parts[0], file, modules, parsed) if len(parts) == 2 else None
    if owner is None:
        return None
    target, there, name = owner
    made = imports._binding(there, name)
    if not (isinstance(made, ast.Call) and isinstance(made.func, ast.Name)):
        return None
    field = _class_field(there, made.func.id, parts[1])
    got = _string(field, there) if field is not None else None
    return (target, got[0], got[1], True) if got is not None else None


def _class_field(module: ast.Module, cls: str, name: str) -> ast.expr | None:
    """The default a top-level class gives a field (``name: str = "x"``,
    ``= Field(default="x")``, ``= os.getenv(...)``)."""
    classes: dict[str, dict[str, ast.expr]] | None = vars(module).get("_aigate_fields")
    if classes is None:
        classes = {}
        module._aigate_fields = classes  # type: ignore[attr-defined]
    if cls not in classes:  # indexed once per class, not scanned once per field asked
        classes[cls] = _fields(module, cls)
    return classes[cls].get(name)


def _fields(module: ast.Module, cls: str) -> dict[str, ast.expr]:
    found: dict[str, ast.expr] = {}
    for node in module.body:
        if not (isinstance(node, ast.ClassDef) and node.name == cls):
            continue
        for stmt in node.body:
            names: list[str] = []
            value: ast.expr | None = None
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                names, value = [stmt.target.id], stmt.value
            elif isinstance(stmt, ast.Assign):
                names = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
                value = stmt.value if names else None
            if isinstance(value, ast.Call) and ast.unparse(value.func).endswith(("Field", "field")):
                default = next((k.value for k in value.keywords if k.arg == "default"), None)
                value = default or (value.args[0] if value.args else None)
            if value is not None:
                for field in names:
                    found.setdefault(field, value)
    return found


def _url_of(
    expr: str,
    file: TreeFile,
    modules: Mapping[str, Sequence[TreeFile]],
    parsed: dict[str, ast.Module | None],
) -> str | None:
    """The endpoint another module of the app binds to ``expr`` (see :func:`_value_of`)."""
    found = _value_of(expr, file, modules, parsed)
    if found is not None and imports._endpoint_like(found[1]):
        return found[1]
    return imports._endpoint_of(expr, file, modules, parsed)


def _string(value: ast.expr, module: ast.Module) -> tuple[str, ast.expr, bool] | None:
    """``(text, node, from_env)`` of a constant, an environment default or a name the same
    module binds to one of those."""
    for _ in range(3):
        if (
            isinstance(value, ast.Call)
            and imports._is_env_read(value.func)
            and len(value.args) == 2
        ):
            inner = value.args[1]
            if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                return inner.value.strip(), inner, True
            return None
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value.strip(), value, False
        if isinstance(value, ast.Name):
            bound = imports._binding(module, value.id)
            if bound is None:
                return None
            value = bound
            continue
        return None
    return None


def _resolve_pending(
    ev: Evidence,
    file: TreeFile,
    modules: Mapping[str, Sequence[TreeFile]],
    parsed: dict[str, ast.Module | None],
) -> Evidence | None:
    found = _value_of(ev.as_written, file, modules, parsed)
    if found is None or not found[1]:
        return None
    target, text, node, from_env = found
    attrs = ev.attributes
    base_url = attrs.get("base_url")
    expr = attrs.get("base_url_expr")
    if not base_url and isinstance(expr, str):
        base_url = _url_of(expr, file, modules, parsed)
    ctx = refs.RefContext(
        family=str(attrs.get("family") or "hosted"),
        sdk=_opt(attrs.get("sdk")),
        provider=_opt(attrs.get("provider")),
        base_url=_opt(base_url),
        base_url_dynamic=None if base_url else _opt(expr),
        region=_opt(attrs.get("region")),
        vertex=attrs.get("vertex") is True,
        provider_hint=_opt(attrs.get("provider_hint")),
    )
    ref = refs.recognise_in(text, ctx)
    if ref is None:
        return None
    loc = ev.location
    extra: dict[str, JSON] = {
        "call": attrs.get("call"),
        "flow": "imported-constant",
        "used_at": [f"{loc.path}:{loc.line}:{loc.column}"],
        "imported_as": ev.as_written,
    }
    if from_env:
        extra["flow"] = "env-default"
    confidence = Confidence.MEDIUM if from_env else ev.confidence
    where = Location(
        target.rel,
        line=getattr(node, "lineno", None),
        column=int(getattr(node, "col_offset", 0)) + 1,
    )
    return refs.evidence(ev.source, ref, text, where, confidence, extra)


def _opt(value: JSON) -> str | None:
    return value if isinstance(value, str) and value else None


# --- client objects made in another module -------------------------------------------------


def _import_map(module: ast.Module) -> dict[str, str]:
    """A module's top-level import names → their qualified names (built once per module)."""
    out: dict[str, str] | None = vars(module).get("_aigate_import_map")
    if out is not None:
        return out
    out = {}
    for node in module.body:
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                out[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                out[alias.asname or alias.name.split(".", 1)[0]] = (
                    alias.name if alias.asname else alias.name.split(".", 1)[0]
                )
    module._aigate_import_map = out  # type: ignore[attr-defined]
    return out


def _client_context(
    target: TreeFile,
    there: ast.Module,
    name: str,
    modules: Mapping[str, Sequence[TreeFile]],
    parsed: dict[str, ast.Module | None],
) -> refs.RefContext | None:
    """What serves the client object a module binds to ``name`` (``client = OpenAI(
    base_url=...)``): its SDK, provider and endpoint, as a constant, an environment default,
    a constant of that module or of one it imports; an endpoint set otherwise is unknown."""
    call = imports._binding(there, name)
    if not isinstance(call, ast.Call):
        return None
    return _made_by(call, target, there, modules, parsed, {})


def _made_by(
    call: ast.Call,
    target: TreeFile,
    there: ast.Module,
    modules: Mapping[str, Sequence[TreeFile]],
    parsed: dict[str, ast.Module | None],
    params: Mapping[str, str | None],
) -> refs.RefContext | None:
    """The serving context of a client constructor call in ``there``; ``params``: what the
    enclosing factory's parameters hold at the call being resolved (None: the SDK default)."""
    written = ast.unparse(call.func)
    head, _, rest = written.partition(".")
    known = _import_map(there).get(head)
    qual = (f"{known}.{rest}" if rest else known) if known else written
    spec = table().lookup(qual)
    if spec is None or not (spec.client or spec.base_url) or spec.family != "hosted":
        return None
    base_url: str | None = None
    dynamic: str | None = None
    for kw in call.keywords:
        if kw.arg is None or kw.arg not in spec.base_url:
            continue
        if isinstance(kw.value, ast.Name) and kw.value.id in params:
            base_url = params[kw.value.id] or None
            continue
        got = _string(kw.value, there)
        if got is not None and imports._endpoint_like(got[0]):
            base_url = got[0]
        elif isinstance(kw.value, ast.Name | ast.Attribute):
            text = ast.unparse(kw.value)
            base_url = _url_of(text, target, modules, parsed)
            dynamic = None if base_url else text
        elif not (isinstance(kw.value, ast.Constant) and kw.value.value is None):
            dynamic = ast.unparse(kw.value)
    return refs.RefContext(
        family=spec.family,
        sdk=spec.sdk,
        provider=spec.provider,
        base_url=base_url,
        base_url_dynamic=dynamic,
    )


def _factory(module: ast.Module, name: str) -> ast.FunctionDef | None:
    by_name: dict[str, list[ast.FunctionDef]] | None = vars(module).get("_aigate_functions")
    if by_name is None:  # indexed once per module, not scanned once per name asked
        by_name = {}
        for n in module.body:
            if isinstance(n, ast.FunctionDef):
                by_name.setdefault(n.name, []).append(n)
        module._aigate_functions = by_name  # type: ignore[attr-defined]
    found = by_name.get(name, ())
    return found[0] if len(found) == 1 else None


def _returned_call(func: ast.FunctionDef) -> ast.Call | None:
    """The client constructor a factory returns: ``return OpenAI(...)``, or a name the
    function binds once to a call and returns."""
    bound: dict[str, list[ast.expr]] = {}
    returns: list[ast.expr] = []
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                bound.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.Return) and node.value is not None:
            returns.append(node.value)
    calls: list[ast.Call] = []
    for value in returns:
        if isinstance(value, ast.Name) and len(bound.get(value.id, ())) == 1:
            value = bound[value.id][0]
        if isinstance(value, ast.Call):
            calls.append(value)
    return calls[0] if len(calls) == 1 else None


def _returned(func: ast.FunctionDef) -> ast.Call | None:
    """:func:`_returned_call`, found once per factory (not once per call of it)."""
    cached: list[ast.Call | None] | None = vars(func).get("_aigate_returned")
    if cached is None:
        cached = [_returned_call(func)]
        func._aigate_returned = cached  # type: ignore[attr-defined]
    return cached[0]


def _resolve_factory(
    ev: Evidence,
    file: TreeFile,
    modules: Mapping[str, Sequence[TreeFile]],
    parsed: dict[str, ast.Module | None],
) -> Evidence | None:
    """A client the app's own factory function of another module made, placed where the
    factory points it given what this call site passed."""
    obj = ev.attributes.get("client_object")
    if isinstance(obj, str):
        return _resolve_object(ev, obj, file, modules, parsed)
    qual = str(ev.attributes["client_factory"])
    module_path, _, name = qual.rpartition(".")
    target = imports._local_module(module_path.rsplit(".", 1)[-1], file.rel, modules)
    there = imports._parsed(target, parsed) if target is not None else None
    func = _factory(there, name) if there is not None else None
    call = _returned(func) if func is not None else None
    if target is None or there is None or func is None or call is None:
        return None
    given = ev.attributes.get("client_factory_args")
    passed = given if isinstance(given, dict) else {}
    params: dict[str, str | None] = {}
    names = [a.arg for a in func.args.args]
    tail = names[len(names) - len(func.args.defaults) :]
    defaults = dict(zip(tail, func.args.defaults, strict=True))
    for index, param in enumerate(names):
        value = passed.get(param, passed.get(f"#{index}"))
        if isinstance(value, str):
            params[param] = value
            continue
        default = defaults.get(param)
        if isinstance(default, ast.Constant) and isinstance(default.value, str):
            params[param] = default.value
        elif default is not None and isinstance(default, ast.Constant) and default.value is None:
            params[param] = None
    ctx = _made_by(call, target, there, modules, parsed, params)
    if ctx is None:
        return None
    ref = refs.recognise_in(ev.as_written, ctx)
    if ref is None:
        return None
    attrs = {k: v for k, v in ev.attributes.items() if k != "client_factory_args"}
    confidence = Confidence.MEDIUM if ev.confidence is Confidence.LOW else ev.confidence
    return refs.evidence(ev.source, ref, ev.as_written, ev.location, confidence, attrs)


def _resolve_object(
    ev: Evidence,
    name: str,
    file: TreeFile,
    modules: Mapping[str, Sequence[TreeFile]],
    parsed: dict[str, ast.Module | None],
) -> Evidence | None:
    """A client object imported from another module of the app, placed at its endpoint."""
    drop = ("client_factory", "client_object")
    return _at_imported_client(ev, name, drop, file, modules, parsed)


def _resolve_client(
    ev: Evidence,
    file: TreeFile,
    modules: Mapping[str, Sequence[TreeFile]],
    parsed: dict[str, ast.Module | None],
) -> Evidence | None:
    """An unknown client's call whose receiver another module of the app makes, placed at
    that client's endpoint (its unknown-host reading dropped)."""
    receiver = str(ev.attributes["base_url_expr"])
    drop = ("base_url_expr", "provider", "host", "host_source", "sdk")
    return _at_imported_client(ev, receiver, drop, file, modules, parsed)


def _at_imported_client(
    ev: Evidence,
    name: str,
    drop: tuple[str, ...],
    file: TreeFile,
    modules: Mapping[str, Sequence[TreeFile]],
    parsed: dict[str, ast.Module | None],
) -> Evidence | None:
    """``ev``'s model read in the context of the client another module binds to ``name``
    (``drop``: the attributes of the reading it replaces)."""
    origin = imports._origin(name, file, modules, parsed)
    if origin is None:
        return None
    target, there, bound = origin
    ctx = _client_context(target, there, bound, modules, parsed)
    ref = refs.recognise_in(ev.as_written, ctx) if ctx is not None else None
    if ref is None:
        return None
    attrs = {k: v for k, v in ev.attributes.items() if k not in drop}
    attrs["client_from"] = f"{target.rel}:{bound}"
    confidence = Confidence.MEDIUM if ev.confidence is Confidence.LOW else ev.confidence
    return refs.evidence(ev.source, ref, ev.as_written, ev.location, confidence, attrs)
