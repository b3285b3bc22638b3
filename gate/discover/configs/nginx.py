"""nginx configs that proxy a path of the page's own origin to a provider's API.

A static page or single-page app often calls relative URLs (``fetch("/openai/v1/chat/
completions")``) that the nginx in front of it forwards with the key added (``location
/openai/ { proxy_pass https://api.openai.com/; }``). The page's request is then served by
the ``proxy_pass`` host. This module finds the tree's nginx configs by name, parses them with
crossplane (nginx's own config grammar; includes never followed: nothing outside the tree is
read) and gives the prefix locations that proxy to a literal ``http(s)`` URL; the JS/TS front
end joins a relative request URL through them (:func:`through`) as nginx does.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence
from typing import Any

from gate.discover.tree import Tree, TreeFile

Route = tuple[str, str, bool]
"""(location path, ``proxy_pass`` URL, exact: an ``=`` location)."""

_MAX_BYTES = 1_000_000
_CONF_DIRS = frozenset({"nginx", "conf.d", "sites-available", "sites-enabled", "http.d"})
_NEEDLE = b"proxy_pass"
# Names that start like a config's but are code, documents or data about nginx.
_NOT_CONFIG = frozenset(
    {".py", ".js", ".ts", ".sh", ".md", ".rst", ".txt", ".json", ".yaml", ".yml", ".toml",
     ".html", ".png", ".svg", ".jpg", ".go", ".rs", ".java", ".rb", ".php", ".lua", ".log"}
)  # fmt: skip


def is_nginx_config(rel: str) -> bool:
    """A file named as nginx configs are: ``nginx.conf`` and its variants (``nginx.prod.conf``,
    ``nginx.conf.template``, ``nginx-dev.conf``), ``*.nginx``, or a ``.conf`` file in a folder
    nginx reads (``nginx/``, ``conf.d/``, ``sites-available/``...)."""
    name = posixpath.basename(rel).lower()
    if name.endswith(".nginx"):
        return True
    if name.startswith("nginx"):
        return posixpath.splitext(name)[1] not in _NOT_CONFIG
    parents = set(rel.lower().split("/")[:-1])
    return bool(parents & _CONF_DIRS) and (name.endswith(".conf") or ".conf." in name)


def configs(tree: Tree) -> list[TreeFile]:
    """The tree's files named as nginx configs (a walk of the names only; one substring test
    for most of them)."""
    return [
        f
        for f in tree.files
        if ("nginx" in (rel := f.rel.lower()) or ".conf" in rel) and is_nginx_config(f.rel)
    ]


def proxy_routes(tree: Tree, files: Sequence[TreeFile]) -> tuple[Route, ...]:
    """The routes of ``files`` (nginx configs of ``tree``) that proxy to a literal URL, sorted;
    a location two configs send to different URLs is left out (which one serves the page is
    not known). A config crossplane cannot parse is recorded on the tree as not read,
    whatever its name (an unparseable ``nginx.conf.template`` was dropped unsaid)."""
    import crossplane  # parsed only when a tree has an nginx config that proxies

    seen: dict[tuple[str, bool], set[str]] = {}
    for tf in files:
        try:
            if tf.size > _MAX_BYTES:
                tree.skip(tf.rel, f"nginx config larger than {_MAX_BYTES} bytes: not parsed")
                continue
            with open(tf.abspath, "rb") as fh:
                if _NEEDLE not in fh.read():
                    continue
        except OSError as exc:
            tree.skip(tf.rel, f"cannot read: {exc.strerror}")
            continue
        payload = crossplane.parse(
            str(tf.abspath),
            single=True,
            catch_errors=True,
            check_ctx=False,
            check_args=False,
            comments=False,
        )
        parsed = payload.get("config") or []
        if payload.get("status") != "ok" or not parsed:
            # Named as an nginx config and holding proxy_pass (nginx.conf.template too): the
            # routes it may hold are not read, and the scan says so.
            first = (payload.get("errors") or [{}])[0]
            why = f"{first.get('error', 'not parseable')} (line {first.get('line')})"
            tree.skip(tf.rel, f"nginx config not parseable: {why}")
            continue
        block = parsed[0].get("parsed") or []
        upstreams = dict(_upstreams(block))
        for path, url, exact in _locations(block):
            seen.setdefault((path, exact), set()).add(_through_upstream(url, upstreams))
    return tuple(
        sorted((path, urls.pop(), exact) for (path, exact), urls in seen.items() if len(urls) == 1)
    )


def _walk(block: list[Any]) -> Iterator[dict[str, Any]]:
    for stmt in block:
        if isinstance(stmt, dict):
            yield stmt
            inner = stmt.get("block")
            if isinstance(inner, list):
                yield from _walk(inner)


def _upstreams(block: list[Any]) -> Iterator[tuple[str, str]]:
    """``upstream name { server host:port; }`` with one server: name → that address."""
    for stmt in _walk(block):
        if stmt.get("directive") != "upstream" or not stmt.get("args"):
            continue
        servers = [
            s["args"][0]
            for s in stmt.get("block") or []
            if isinstance(s, dict) and s.get("directive") == "server" and s.get("args")
        ]
        if len(servers) == 1:
            yield str(stmt["args"][0]), str(servers[0])


def _locations(block: list[Any]) -> Iterator[Route]:
    """Prefix (and ``=``) locations whose own ``proxy_pass`` is a literal http(s) URL;
    regular-expression and named locations are not read (their match is PCRE's)."""
    for stmt in _walk(block):
        args = [str(a) for a in stmt.get("args") or []]
        if stmt.get("directive") != "location" or not args:
            continue
        exact = args[0] == "="
        if args[0] in ("=", "^~"):
            args = args[1:]
        if len(args) != 1 or not args[0].startswith("/"):
            continue  # ~ / ~* regular expressions, @named locations
        for inner in stmt.get("block") or []:
            if not isinstance(inner, dict) or inner.get("directive") != "proxy_pass":
                continue
            target = str((inner.get("args") or [""])[0])
            if "$" not in target and target.startswith(("http://", "https://")):
                yield args[0], target, exact


def _through_upstream(url: str, upstreams: dict[str, str]) -> str:
    """``https://openai/v1`` where ``upstream openai { server api.openai.com:443; }``: the
    one server's address in place of the upstream's name."""
    scheme, rest = url.split("://", 1)
    host, slash, path = rest.partition("/")
    server = upstreams.get(host)
    if server is None:
        return url
    if scheme == "https" and server.endswith(":443"):
        server = server[: -len(":443")]
    return f"{scheme}://{server}{slash}{path}"


def through(path: str, routes: Sequence[Route]) -> str | None:
    """The URL nginx forwards the request path ``path`` to, by the longest prefix location
    (an ``=`` location only when equal): with a URI in ``proxy_pass`` (``https://host/v1/``)
    the matched prefix is replaced by it, without one (``https://host``) the whole path
    follows the host. None: no route takes the path."""
    exact, prefixes, lengths = _index(routes)
    best = exact.get(path)
    for size in lengths if best is None else ():
        if size <= len(path) and (best := prefixes.get(path[:size])) is not None:
            break
    if best is None:
        return None
    prefix, target, _ = best
    host_end = target.find("/", target.index("://") + 3)
    if host_end < 0:
        return target + path
    return target + path[len(prefix) :]


_Index = tuple[dict[str, Route], dict[str, Route], tuple[int, ...]]
_last: tuple[Sequence[Route], _Index] | None = None


def _index(routes: Sequence[Route]) -> _Index:
    """The ``=`` routes by path, the prefix routes by prefix (the first of a path kept, as
    nginx keeps one) and the prefixes' lengths, longest first, of the last ``routes`` asked
    about (a tree's, for every request URL of every file): a request URL is then matched by
    a few look-ups, not against every route (16,000 locations and 8,000 relative requests
    took 25 s)."""
    global _last
    known = _last
    if known is not None and known[0] is routes:
        return known[1]
    exact: dict[str, Route] = {}
    prefixes: dict[str, Route] = {}
    for route in routes:
        (exact if route[2] else prefixes).setdefault(route[0], route)
    index = (exact, prefixes, tuple(sorted({len(p) for p in prefixes}, reverse=True)))
    _last = (routes, index)
    return index
