"""What one module learns from the tree's own modules it imports: which hub its bare
``org/name`` strings are on, and the endpoint a constant of another module names.

A module that loads models through ModelScope only names ModelScope ids (a hub in CN), not
Hugging Face ones; one file decides that from its own imports (see ``Analyser.run``). An app
often keeps the ModelScope calls in a module of its own (``from modelscope_hub import
ModelScopeEmbeddings``, ``from chatglm_llm import ChatGLM``) and its catalogue of ids in the
module that imports it: the hub is then read one import away, through the tree's modules.
Only strings no known call read (catalogue entries, model-ish names) are re-read.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator, Mapping, Sequence

from gate import files
from gate.discover import refs, scanning
from gate.discover.tree import Tree, TreeFile
from gate.model import Evidence
from gate.recognise import conventions


def import_roots(module: ast.AST) -> frozenset[str]:
    """The top-level names a module imports anywhere in it (``from a.b import c`` → ``a``);
    a relative import gives the name of the sibling module it reads."""
    roots: set[str] = set()
    for node in _statements(module):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".", 1)[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.module:
                roots.add(node.module.split(".", 1)[0])
            elif node.level:
                roots.update(alias.name for alias in node.names)
    return frozenset(roots)


_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")
"""The fields that hold a statement's nested statements (``except`` and ``case`` clauses
hold theirs in ``body``)."""


def _statements(module: ast.AST) -> Iterator[ast.AST]:
    """Every statement of a module, at any depth, in no particular order. An import is a
    statement, and no expression holds one (a lambda's body is an expression), so only
    statement lists are read: a tenth of the nodes ``ast.walk`` visits (issue 15)."""
    stack: list[ast.AST] = [module]
    while stack:
        node = stack.pop()
        yield node
        for name in _BODIES:
            inner = getattr(node, name, None)
            if inner.__class__ is list:
                stack.extend(inner)


def _unrecorded(_why: str) -> None:
    """A second read of a file the scan has read (or recorded as unreadable) already."""


def _roots_of(
    file: TreeFile,
    cache: dict[str, frozenset[str] | None],
    parsed: dict[str, ast.Module | None],
) -> frozenset[str] | None:
    if file.rel not in cache:
        module = _parsed(file, parsed)
        cache[file.rel] = None if module is None else import_roots(module)
    return cache[file.rel]


def _local_module(
    name: str, rel: str, modules: Mapping[str, Sequence[TreeFile]]
) -> TreeFile | None:
    """The tree's module ``name`` as imported from ``rel``: one in the same folder first,
    else the only one of that name in the tree."""
    candidates = modules.get(name, ())
    folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
    for file in candidates:
        if (file.rel.rsplit("/", 1)[0] if "/" in file.rel else "") == folder:
            return file
    return candidates[0] if len(candidates) == 1 else None


def _modules(files: Iterable[TreeFile]) -> dict[str, list[TreeFile]]:
    out: dict[str, list[TreeFile]] = {}
    for file in files:
        name = file.name
        if name.endswith(".py"):
            stem = name[: -len(".py")]
            if stem == "__init__" and "/" in file.rel:
                stem = file.rel.rsplit("/", 2)[-2]
            out.setdefault(stem, []).append(file)
    return out


def _on_modelscope(
    file: TreeFile,
    modules: Mapping[str, Sequence[TreeFile]],
    cache: dict[str, frozenset[str] | None],
    parsed: dict[str, ast.Module | None],
) -> bool:
    own = _roots_of(file, cache, parsed)
    if own is None or conventions().imports_a_hub(own):
        return False  # the file decided on its own (Analyser.run)
    roots: set[str] = set(own)
    local = False
    for name in own:
        imported = _local_module(name, file.rel, modules)
        if imported is None or imported.rel == file.rel:
            continue
        theirs = _roots_of(imported, cache, parsed)
        if theirs is not None:
            roots |= theirs
            local = True
    return local and conventions().hub_from_imports(roots) == "modelscope"


def _reread(ev: Evidence) -> bool:
    """A Hub id no known call read (a catalogue entry, a model-ish name)."""
    return ev.identity.startswith("hf:") and "call" not in ev.attributes


def hub_through_local_imports(
    tree: Tree,
    found: list[Evidence],
    parsed: dict[str, ast.Module | None] | None = None,
    known: Mapping[str, frozenset[str]] | None = None,
) -> list[Evidence]:
    """``found`` with the Hub ids of modules that reach ModelScope through the tree's own
    modules (and no Hugging Face library) read as ModelScope ids. ``parsed`` caches the
    modules read (shared with ``endpoints_through_imports`` so a module is parsed once);
    ``known``: modules' :func:`import_roots` the analysis gave already (not parsed again)."""
    candidates = {ev.location.path for ev in found if _reread(ev) and ev.location.path}
    if not candidates:
        return found
    modules = _modules(tree.files)
    cache: dict[str, frozenset[str] | None] = dict(known or {})
    parsed = {} if parsed is None else parsed
    on_ms: set[str] = set()
    for rel in sorted(candidates):
        file = tree.get(rel)
        if file is not None and _on_modelscope(file, modules, cache, parsed):
            on_ms.add(rel)
    if not on_ms:
        return found
    ctx = refs.RefContext(family="modelscope", sdk="modelscope")
    out: list[Evidence] = []
    for ev in found:
        if _reread(ev) and ev.location.path in on_ms:
            ref = refs.recognise_in(ev.as_written, ctx)
            if ref is not None:
                attrs = {**ev.attributes, "hub_from": "imports"}
                ev = refs.evidence(ev.source, ref, ev.as_written, ev.location, ev.confidence, attrs)
        out.append(ev)
    return out


# --- endpoints set by another module's constant --------------------------------------------


def _binding(module: ast.Module, name: str) -> ast.expr | None:
    """The value a module binds to ``name`` at its top level, when it binds it once."""
    found = _top_bindings(module).get(name, ())
    return found[0] if len(found) == 1 else None


def _module_constant(module: ast.Module, name: str) -> str | None:
    """The string a module-level ``NAME = "..."`` (or ``os.getenv("X", "...")``) binds, when
    the module binds the name exactly once at its top level."""
    value = _binding(module, name)
    if isinstance(value, ast.Call) and _is_env_read(value.func) and len(value.args) == 2:
        value = value.args[1]
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value.strip() or None
    return None


def _top_bindings(module: ast.Module) -> dict[str, list[ast.expr]]:
    """A module's top-level bindings by name (``NAME = ...``, ``NAME: T = ...``), indexed once
    per module: the cross-module passes ask one module for thousands of names, and a scan of
    its body per name was quadratic on crafted input."""
    found: dict[str, list[ast.expr]] | None = vars(module).get("_aigate_bindings")
    if found is not None:
        return found
    found = {}
    for stmt in module.body:
        if isinstance(stmt, ast.Assign):
            for target in {t.id for t in stmt.targets if isinstance(t, ast.Name)}:
                found.setdefault(target, []).append(stmt.value)
        elif (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and stmt.value is not None
        ):
            found.setdefault(stmt.target.id, []).append(stmt.value)
    module._aigate_bindings = found  # type: ignore[attr-defined]
    return found


def _is_env_read(func: ast.expr) -> bool:
    """``os.getenv`` / ``os.environ.get`` (the default a run gets)."""
    text = ast.unparse(func)
    return text in ("os.getenv", "getenv", "os.environ.get", "environ.get")


def _imported_from(module: ast.Module, name: str) -> tuple[str, str] | None:
    """``(module path, name in it)`` for ``from a.b import NAME`` (``("a.b", "NAME")``) or
    ``import a.b as NAME``-style module names (``("a.b", "")``)."""
    return _imports_by_name(module).get(name)


def _imports_by_name(module: ast.Module) -> dict[str, tuple[str, str]]:
    """Every top-level import of a module by the name it binds (the first one), indexed once
    per module: the cross-module pass asks one module for thousands of names, and a scan of
    its body per name was quadratic on crafted input."""
    found: dict[str, tuple[str, str]] | None = vars(module).get("_aigate_imports")
    if found is not None:
        return found
    found = {}
    for node in module.body:
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                found.setdefault(alias.asname or alias.name, (node.module, alias.name))
        elif isinstance(node, ast.ImportFrom) and node.level:
            for alias in node.names:
                found.setdefault(
                    alias.asname or alias.name,
                    ((node.module or alias.name), (alias.name if node.module else "")),
                )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found.setdefault(alias.asname or alias.name, (alias.name, ""))
    module._aigate_imports = found  # type: ignore[attr-defined]
    return found


def _parsed(file: TreeFile, cache: dict[str, ast.Module | None]) -> ast.Module | None:
    if file.rel in cache:
        return cache[file.rel]
    tree: ast.Module | None = None
    try:
        text = files.read_text_or_skip(file.abspath, scanning.MAX_SOURCE_BYTES, _unrecorded)
        if text is not None:
            tree = ast.parse(text)
    except (OSError, SyntaxError, ValueError, RecursionError, MemoryError):
        tree = None
    cache[file.rel] = tree
    return tree


def _origin(
    expr: str,
    file: TreeFile,
    modules: Mapping[str, Sequence[TreeFile]],
    cache: dict[str, ast.Module | None],
) -> tuple[TreeFile, ast.Module, str] | None:
    """The app module ``expr`` (``NAME`` imported from it, or ``module.NAME``) comes from,
    parsed, and the name it binds there."""
    here = _parsed(file, cache)
    if here is None:
        return None
    parts = expr.split(".")
    if len(parts) == 1:
        origin = _imported_from(here, parts[0])
        if origin is None or not origin[1]:
            return None
        module_path, name = origin
    elif len(parts) == 2:
        origin = _imported_from(here, parts[0])
        if origin is None:
            return None
        module_path = f"{origin[0]}.{origin[1]}" if origin[1] else origin[0]
        name = parts[1]
    else:
        return None
    target = _local_module(module_path.rsplit(".", 1)[-1], file.rel, modules)
    if target is None or target.rel == file.rel:
        return None
    there = _parsed(target, cache)
    if there is None:
        return None
    return _reexported(target, there, name, modules, cache)


_MAX_REEXPORTS = 3


def _reexported(
    target: TreeFile,
    there: ast.Module,
    name: str,
    modules: Mapping[str, Sequence[TreeFile]],
    cache: dict[str, ast.Module | None],
) -> tuple[TreeFile, ast.Module, str]:
    """Where a name a module only re-exports is bound: ``app/config/__init__.py`` holding
    ``from app.config.settings import MODEL`` hands ``from app.config import MODEL`` to
    ``settings.py``. A few hops at most; a module that binds the name itself is the answer."""
    for _ in range(_MAX_REEXPORTS):
        if name in _top_bindings(there):
            break
        origin = _imported_from(there, name)
        if origin is None or not origin[1]:
            break
        nxt = _local_module(origin[0].rsplit(".", 1)[-1], target.rel, modules)
        parsed = _parsed(nxt, cache) if nxt is not None and nxt.rel != target.rel else None
        if nxt is None or parsed is None:
            break
        target, there, name = nxt, parsed, origin[1]
    return target, there, name


def _endpoint_like(text: str) -> bool:
    """A string that may be an endpoint (a URL, or a host name with a dot)."""
    return "://" in text or "." in text


def _endpoint_of(
    expr: str,
    file: TreeFile,
    modules: Mapping[str, Sequence[TreeFile]],
    cache: dict[str, ast.Module | None],
) -> str | None:
    """The constant endpoint ``expr`` (``BASE_URL``, ``settings.BASE_URL``) names in the
    tree module it is imported from, or None."""
    if not expr.replace(".", "").replace("_", "").isalnum():
        return None
    origin = _origin(expr, file, modules, cache)
    value = _module_constant(origin[1], origin[2]) if origin is not None else None
    return value if value and _endpoint_like(value) else None


def endpoints_through_imports(
    tree: Tree, found: list[Evidence], parsed: dict[str, ast.Module | None] | None = None
) -> list[Evidence]:
    """Hosted-model evidence whose endpoint is another tree module's constant
    (``from settings import BASE_URL``; ``OpenAI(base_url=BASE_URL)``), placed at that
    endpoint as if written here; anything else keeps its unknown host. ``parsed`` caches
    the modules read (see ``hub_through_local_imports``)."""
    todo = [
        ev
        for ev in found
        if ev.identity.startswith("api:")
        and isinstance(ev.attributes.get("base_url_expr"), str)
        and "call" in ev.attributes
        and refs.litellm_prefix(ev.as_written) is None
    ]
    if not todo:
        return found
    modules = _modules(tree.files)
    cache: dict[str, ast.Module | None] = {} if parsed is None else parsed
    pending = {id(ev) for ev in todo}
    out: list[Evidence] = []
    for ev in found:
        if id(ev) in pending:
            file = tree.get(ev.location.path or "")
            expr = str(ev.attributes["base_url_expr"])
            url = _endpoint_of(expr, file, modules, cache) if file is not None else None
            if url is not None:
                sdk = ev.attributes.get("sdk")
                ctx = refs.RefContext(
                    family="hosted", base_url=url, sdk=sdk if isinstance(sdk, str) else None
                )
                ref = refs.recognise_in(ev.as_written, ctx)
                if ref is not None:
                    attrs = {
                        k: v
                        for k, v in ev.attributes.items()
                        if k not in ("base_url_expr", "provider", "host", "host_source")
                    }
                    attrs["base_url_from"] = expr
                    ev = refs.evidence(
                        ev.source, ref, ev.as_written, ev.location, ev.confidence, attrs
                    )
        out.append(ev)
    return out
