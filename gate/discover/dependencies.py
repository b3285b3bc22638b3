"""AI SDKs and frameworks a project depends on, from its manifests and lock files.

Python: ``requirements*.txt``/``*.in`` (and the files their ``-r`` lines include),
``pyproject.toml`` (PEP 621, PEP 735 groups, Poetry, PDM, uv), ``Pipfile``, ``setup.cfg``,
``setup.py``, the lock files ``poetry.lock``, ``uv.lock``, ``pdm.lock``, ``Pipfile.lock``,
and build outputs: a wheel's ``*.dist-info/METADATA``, an sdist's ``PKG-INFO``,
``*.egg-info/requires.txt`` (``Requires-Dist`` with its extra and markers). JavaScript:
``package.json``, ``package-lock.json``, ``yarn.lock``, ``pnpm-lock.yaml``. Only packages listed in
``data/packages.yaml`` become evidence: one ``library`` component per package
(``pkg:pypi/openai``), with the version a lock file or an exact pin gives.
"""

from __future__ import annotations

import ast
import bisect
import fnmatch
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, replace
from functools import cache, lru_cache, partial
from typing import Any

from packageurl import PackageURL
from packaging.requirements import InvalidRequirement, Requirement

from gate import files, identity
from gate.discover import loaders, refs, scanning
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree, TreeFile
from gate.model import JSON, Confidence, Evidence, EvidenceKind, Location, Role

NAME = "dependencies"
_MAX_MANIFEST = 2_000_000
_MAX_LOCK = 50_000_000


def normalise(name: str) -> str:
    """A PyPI name as PEP 503 compares it."""
    return identity.package_name("pypi", name)


@dataclass(frozen=True, slots=True)
class _Catalogue:
    exact: Mapping[str, Mapping[str, Any]]
    globs: tuple[tuple[str, Mapping[str, Any]], ...]

    def get(self, name: str) -> Mapping[str, Any] | None:
        hit = self.exact.get(name)
        if hit is not None:
            return hit
        for pattern, row in self.globs:
            if fnmatch.fnmatchcase(name, pattern):
                return row
        return None


@cache
def catalogue(ecosystem: str) -> _Catalogue:
    """The AI packages of one ecosystem (``pypi`` or ``npm``)."""
    rows: Mapping[str, Any] = refs.load_data("packages.yaml")[ecosystem]
    norm = normalise if ecosystem == "pypi" else str
    exact = {norm(k): v or {} for k, v in rows.items() if "*" not in k}
    globs = tuple(
        (norm(k) if ecosystem == "pypi" else k, v or {}) for k, v in rows.items() if "*" in k
    )
    return _Catalogue(exact, globs)


@cache
def _needles() -> tuple[str, ...]:
    words: set[str] = set()
    for ecosystem in ("pypi", "npm"):
        doc = refs.load_data("packages.yaml")[ecosystem]
        for name in doc:
            words.add(str(name).split("*", 1)[0].rstrip("-/").lower())
    return tuple(sorted(w for w in words if len(w) >= 2))


def _kind(tf: TreeFile) -> str | None:
    name = tf.name
    if name == "package.json":
        return "package.json"
    if name in ("package-lock.json", "npm-shrinkwrap.json"):
        return "package-lock"
    if name == "yarn.lock":
        return "yarn.lock"
    if name == "pnpm-lock.yaml":
        return "pnpm-lock"
    if name == "pyproject.toml":
        return "pyproject"
    if name == "Pipfile":
        return "pipfile"
    if name == "Pipfile.lock":
        return "pipfile-lock"
    if name == "setup.cfg":
        return "setup.cfg"
    if name == "setup.py":
        return "setup.py"
    if name in ("poetry.lock", "uv.lock", "pdm.lock"):
        return "toml-lock"
    lower = name.lower()
    parent = tf.rel.rsplit("/", 2)[-2] if tf.rel.count("/") else ""
    if (name == "METADATA" and parent.endswith(".dist-info")) or name == "PKG-INFO":
        return "core-metadata"
    if name == "requires.txt" and parent.endswith(".egg-info"):
        return "egg-requires"
    if (lower.endswith((".txt", ".in")) and "requirements" in lower) or (
        parent == "requirements" and lower.endswith((".txt", ".in"))
    ):
        return "requirements"
    return None


_LOCK_KINDS = frozenset({"package-lock", "yarn.lock", "pnpm-lock", "toml-lock", "pipfile-lock"})
_APART_BYTES = 256_000
"""A lock file this large is parsed by a worker while this process runs the other sources
(OpenHands' poetry.lock and package-lock.json: 0.7 s of parsing at the end of the scan,
with the workers idle)."""
_APART_BUDGET = 64_000_000
"""Bytes of large lock files read ahead and held until the source's turn (each is held by
this process and by the pool's queue until its worker is done). Past it, a lock file is
read in the source's turn, one at a time, as before: a repository of many 50 MB lock files
(repetitive JSON compresses to almost nothing in git) must not make the scan hold them all
at once."""


def discover(tree: Tree, ctx: DiscoverContext) -> Iterator[Evidence]:
    """Yield one DEPENDENCY evidence per AI package declared or locked in the tree."""
    yield from begin(tree, ctx)()()


def begin(tree: Tree, ctx: DiscoverContext) -> Callable[[], Callable[[], list[Evidence]]]:
    """:func:`discover` in steps (as the Python and JS sources' ``begin``): now, the large
    lock files are read and handed to the workers; in the source's turn, every manifest is
    read in order, a lock file's parse taken from its worker, so that the evidence and the
    skips come in the order one pass gives."""
    reads = refs.readable(tree, ctx.include_tests)
    candidates = [
        (tf, kind) for tf in tree.files if (kind := _kind(tf)) is not None and reads(tf.rel)
    ]
    early: dict[str, tuple[bytes | None, list[str], Future[Any] | None]] = {}
    held = 0 if scanning.workers() > 1 else _APART_BUDGET  # one core: each read in turn
    for tf, kind in candidates:
        size = _size(tf) if kind in _LOCK_KINDS else 0
        if size >= _APART_BYTES and held + size <= _APART_BUDGET:
            reasons: list[str] = []
            data = files.read_bytes_or_skip(tf.abspath, _MAX_LOCK, reasons.append)
            future = None
            held += len(data) if data is not None else 0
            if data is not None:
                future = scanning.apart(tf.rel, data, partial(_analyse_lock, kind), seconds=0)
            early[tf.rel] = (data, reasons, future)

    def turn() -> Callable[[], list[Evidence]]:
        found = _read_all(tree, ctx, candidates, early)
        return lambda: found

    return turn


def _read_all(
    tree: Tree,
    ctx: DiscoverContext,
    candidates: list[tuple[TreeFile, str]],
    early: Mapping[str, tuple[bytes | None, list[str], Future[Any] | None]],
) -> list[Evidence]:
    found: list[Evidence] = []
    queued = {tf.rel for tf, _ in candidates}
    ctx.observer.stage("dependencies", len(candidates))
    index = 0
    while index < len(candidates):
        tf, kind = candidates[index]
        index += 1
        ctx.observer.advance()
        if tf.rel in early:
            data, reasons, future = early[tf.rel]
            for reason in reasons:
                tree.skip(tf.rel, reason)
            if future is not None:
                evidence, skipped, _ = future.result()
            elif data is not None:
                outcome = _analyse_lock(kind, tf.rel, data)
                evidence, skipped = outcome.evidence, outcome.skipped
            else:
                continue
            found.extend(evidence)
            for rel, reason in skipped:
                tree.skip(rel, reason)
            continue
        limit = _MAX_LOCK if kind in _LOCK_KINDS else _MAX_MANIFEST
        text = tree.read_text(tf, limit)
        if text is None:
            continue
        if kind == "requirements":
            # -r other.txt: read it too (whatever its name), and say so when it is missing.
            for included in _includes(tree, tf.rel, text):
                if included.rel not in queued:
                    queued.add(included.rel)
                    candidates.append((included, "requirements"))
        outcome = _outcome(kind, tf.rel, text)
        found.extend(outcome.evidence)
        for rel, reason in outcome.skipped:
            tree.skip(rel, reason)
    ctx.observer.done()
    return refs.finish(tree, ctx, found)


def _size(tf: TreeFile) -> int:
    try:
        return tf.size
    except OSError:
        return 0  # read in the source's turn, which records why it cannot be


def _analyse_lock(kind: str, rel: str, data: bytes) -> scanning.Outcome:
    """:func:`_outcome` of a lock file's bytes, as a module-level function a worker runs."""
    return _outcome(kind, rel, data.decode("utf-8", errors="replace"))


def _outcome(kind: str, rel: str, text: str) -> scanning.Outcome:
    """A manifest's evidence, or the reason it cannot be read (nothing when it names no
    package of the catalogue)."""
    lowered = text.lower()
    if not any(n in lowered for n in _needles()):
        return scanning.Outcome()
    try:
        return scanning.Outcome(evidence=_read(kind, rel, text))
    except _UnreadableError as exc:
        return scanning.Outcome(skipped=[(rel, str(exc))])


_INCLUDE = re.compile(r"^[ \t]*(?:-r|--requirement)(?:[ \t]*=?[ \t]*)(\S+)")


def _includes(tree: Tree, rel: str, text: str) -> list[TreeFile]:
    """The tree files a requirements file includes with ``-r``; an include that is not in
    the tree (a missing file, a URL, a path outside the root) is a recorded skip."""
    out: list[TreeFile] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        match = _INCLUDE.match(raw)
        if not match:
            continue
        target = match.group(1)
        where = f"{rel}:{number}"
        if "://" in target:
            tree.skip(rel, f"-r {target} (line {number}): a URL, not fetched")
            continue
        path = posixpath.normpath(posixpath.join(posixpath.dirname(rel), target))
        if path == ".." or path.startswith(("../", "/")):
            tree.skip(rel, f"-r {target} (line {number}): outside the scanned tree, not read")
            continue
        included = tree.get(path)
        if included is None:
            tree.skip(path, f"included by {where} (-r) but not in the scanned tree: not read")
            continue
        out.append(included)
    return out


class _UnreadableError(Exception):
    """A manifest that cannot be read (becomes a recorded skip)."""


@dataclass(frozen=True, slots=True)
class _Dep:
    ecosystem: str
    name: str
    version: str | None
    spec: str
    line: int | None
    column: int | None
    scope: str | None
    lock: bool = False
    marker: str | None = None


def _read(kind: str, rel: str, text: str) -> list[Evidence]:
    deps: Iterable[_Dep]
    if kind == "requirements":
        deps = _requirements(text)
    elif kind == "pyproject":
        with loaders.share():  # the configs source parsed it already
            doc = _toml(text)
        deps = _pyproject(doc, text)
    elif kind == "pipfile":
        doc = _toml(text)
        deps = [
            *_mapping_deps(doc.get("packages"), text, None),
            *_mapping_deps(doc.get("dev-packages"), text, "dev"),
        ]
    elif kind == "setup.cfg":
        deps = _setup_cfg(text)
    elif kind == "setup.py":
        deps = _setup_py(text)
    elif kind == "core-metadata":
        deps = _core_metadata(text)
    elif kind == "egg-requires":
        deps = _egg_requires(text)
    elif kind == "toml-lock":
        deps = _toml_lock(_toml(text), text)
    elif kind == "pipfile-lock":
        deps = _pipfile_lock(_json(text), text)
    elif kind == "package.json":
        deps = _package_json(_json(text), text)
    elif kind == "package-lock":
        deps = _package_lock(_json(text), text)
    elif kind == "yarn.lock":
        deps = _yarn_lock(text)
    else:
        deps = _pnpm_lock(text)
    return [ev for dep in deps if (ev := _evidence(rel, dep)) is not None]


def _evidence(
    rel: str, dep: _Dep, context: str | None = None, source: str = NAME
) -> Evidence | None:
    name = normalise(dep.name) if dep.ecosystem == "pypi" else dep.name
    row = catalogue(dep.ecosystem).get(name)
    if row is None:
        return None
    namespace, _, bare = (
        name.rpartition("/") if dep.ecosystem == "npm" and name.startswith("@") else ("", "", name)
    )
    purl = PackageURL(dep.ecosystem, namespace or None, bare, dep.version).to_string()
    attrs: dict[str, JSON] = {"name": name, "purl": purl, "ecosystem": dep.ecosystem}
    if dep.version:
        attrs["version"] = dep.version
    if dep.spec and dep.spec != dep.version:
        attrs["version_spec"] = dep.spec
    if dep.scope:
        attrs["scope"] = dep.scope
    if dep.lock:
        attrs["locked"] = True
    if dep.marker:
        attrs["marker"] = dep.marker
    if row.get("provider"):
        attrs["provider"] = row["provider"]
    return Evidence(
        source=source,
        kind=EvidenceKind.DEPENDENCY,
        identity=identity.package(dep.ecosystem, name),
        role=Role.SDK,
        as_written=f"{dep.name} {dep.spec}".strip()[:200],
        location=Location(rel, line=dep.line, column=dep.column, context=context),
        confidence=Confidence.HIGH,
        attributes=attrs,
    )


# Options of `pip install` that take a value (the value is not a requirement).
_PIP_VALUED = frozenset(
    "-r --requirement -c --constraint -e --editable -i --index-url --extra-index-url -f"
    " --find-links -t --target --prefix --root --src --upgrade-strategy --platform"
    " --python-version --implementation --abi --no-binary --only-binary --progress-bar"
    " --trusted-host --proxy --retries --timeout --cache-dir --log --report".split()
)
_SHELL_BREAKS = frozenset({"&&", "||", ";", "|", "&"})


def pip_install(
    rel: str, tokens: Sequence[str], line: int | None, text: str, *, context: str, source: str
) -> list[Evidence]:
    """AI packages a ``pip install`` command installs (``%pip install transformers`` in a
    notebook, ``RUN pip install openai==1.51`` in a Dockerfile): ``tokens`` is the command
    as split by a shell, ``text`` the line it came from (for columns)."""
    found: list[Evidence] = []
    index = 0
    while index < len(tokens) - 1:
        pip = tokens[index] in ("pip", "pip3", "%pip", "%pip3") or tokens[index].endswith("/pip")
        if pip and tokens[index + 1] == "install":
            index = _pip_args(rel, tokens, index + 2, line, text, context, source, found)
            continue
        index += 1
    return found


def _pip_args(
    rel: str,
    tokens: Sequence[str],
    index: int,
    line: int | None,
    text: str,
    context: str,
    source: str,
    found: list[Evidence],
) -> int:
    while index < len(tokens) and tokens[index] not in _SHELL_BREAKS:
        token = tokens[index]
        index += 1
        if token.startswith("-"):
            if token in _PIP_VALUED:
                index += 1
            continue
        req = _requirement(token)
        if req is None:
            continue
        column = text.find(token) + 1 or None
        ev = _evidence(rel, _pep508(req, line, column, None), context, source)
        if ev is not None:
            found.append(replace(ev, attributes={**ev.attributes, "command": "pip install"}))
    return index


# --- formats -----------------------------------------------------------------------------


def _toml(text: str) -> dict[str, Any]:
    parsed = loaders.toml_doc(text)
    if not parsed.ok:
        raise _UnreadableError(parsed.problem or "invalid TOML")
    doc: dict[str, Any] = parsed.value
    return doc


def _json(text: str) -> Any:
    parsed = loaders.json_doc(text)
    if not parsed.ok:
        raise _UnreadableError(parsed.problem or "invalid JSON")
    return parsed.value


def _line_of(text: str, needle: str, start: int = 0) -> tuple[int | None, int | None]:
    index = text.find(needle, start)
    if index < 0:
        return None, None
    line = bisect.bisect_left(_newlines(text), index) + 1  # text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


@lru_cache(maxsize=4)
def _newlines(text: str) -> list[int]:
    """Where the text's line breaks are: a lock file's entries are located one by one, and
    counting the breaks before each from the start was quadratic (OpenHands' three 1 MB
    poetry/uv locks: ~0.4 s of the scan, issue 15)."""
    return [m.start() for m in re.finditer("\n", text)]


def _exact(req: Requirement) -> str | None:
    specs = list(req.specifier)
    if len(specs) == 1 and specs[0].operator in ("==", "==="):
        return specs[0].version if "*" not in specs[0].version else None
    return None


def _requirement(text: str) -> Requirement | None:
    try:
        return Requirement(text)
    except InvalidRequirement:
        return None


_EXTRA = re.compile(r"""\bextra\s*==\s*['"]([^'"]+)['"]""")


def _pep508(req: Requirement, line: int | None, column: int | None, scope: str | None) -> _Dep:
    """A PEP 508 requirement as a dependency: an ``extra == "x"`` marker makes it optional
    (``optional:x``); the marker as written is kept (the scan is not the target platform,
    so markers are recorded, never evaluated)."""
    marker = str(req.marker) if req.marker is not None else None
    extra = _EXTRA.search(marker) if marker else None
    if extra and scope is None:
        scope = f"optional:{extra.group(1)}"
    return _Dep(
        "pypi", req.name, _exact(req), str(req.specifier), line, column, scope, False, marker
    )


def _requirements(text: str) -> Iterator[_Dep]:
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.split(r"\s+#", raw, maxsplit=1)[0].strip()
        if not line or line.startswith(("#", "-r", "-c", "--")):
            continue
        if line.startswith(("-e ", "--editable")):
            egg = re.search(r"#egg=([A-Za-z0-9_.-]+)", raw)
            if egg:
                yield _Dep("pypi", egg.group(1), None, "", number, 1, None)
            continue
        req = _requirement(line)
        if req is not None:
            yield _pep508(req, number, raw.find(req.name) + 1, None)


def _pep508_list(items: Any, text: str, scope: str | None) -> Iterator[_Dep]:
    if not isinstance(items, list):
        return
    for item in items:
        if not isinstance(item, str):
            continue
        req = _requirement(item)
        if req is None:
            continue
        line, column = _line_of(text, item)
        yield _pep508(req, line, column, scope)


def _mapping_deps(items: Any, text: str, scope: str | None) -> Iterator[_Dep]:
    """Poetry/Pipfile style: ``name = "^1.2"`` or ``name = {version = "1.2", ...}``."""
    if not isinstance(items, dict):
        return
    for name, spec in items.items():
        if name == "python":
            continue
        version_spec = (
            spec
            if isinstance(spec, str)
            else (spec.get("version", "") if isinstance(spec, dict) else "")
        )
        version_spec = "" if version_spec == "*" else str(version_spec)
        exact = version_spec.lstrip("=") if re.fullmatch(r"==?\d[\w.+-]*", version_spec) else None
        match = re.search(rf"^[ \t]*[\"']?{re.escape(name)}[\"']?[ \t]*=", text, re.MULTILINE)
        line = text.count("\n", 0, match.start()) + 1 if match else None
        yield _Dep("pypi", name, exact, version_spec, line, 1 if line else None, scope)


def _pyproject(doc: dict[str, Any], text: str) -> Iterator[_Dep]:
    project = doc.get("project") or {}
    yield from _pep508_list(project.get("dependencies"), text, None)
    for extra, items in (project.get("optional-dependencies") or {}).items():
        yield from _pep508_list(items, text, f"optional:{extra}")
    for group, items in (doc.get("dependency-groups") or {}).items():
        yield from _pep508_list(items, text, f"group:{group}")
    tool = doc.get("tool") or {}
    poetry = tool.get("poetry") or {}
    yield from _mapping_deps(poetry.get("dependencies"), text, None)
    yield from _mapping_deps(poetry.get("dev-dependencies"), text, "dev")
    for group, body in (poetry.get("group") or {}).items():
        if isinstance(body, dict):
            yield from _mapping_deps(body.get("dependencies"), text, f"group:{group}")
    pdm = tool.get("pdm") or {}
    for group, items in (pdm.get("dev-dependencies") or {}).items():
        yield from _pep508_list(items, text, f"dev:{group}")
    uv = tool.get("uv") or {}
    yield from _pep508_list(uv.get("dev-dependencies"), text, "dev")


def _setup_cfg(text: str) -> Iterator[_Dep]:
    section = ""
    collecting = False
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1].strip()
            collecting = False
            continue
        key_match = re.match(r"^([\w.-]+)\s*=\s*(.*)$", raw)
        if key_match and not raw[:1].isspace():
            key, rest = key_match.groups()
            collecting = (section == "options" and key == "install_requires") or (
                section == "options.extras_require"
            )
            stripped = rest.strip()
            if not collecting or not stripped:
                continue
        elif not (collecting and raw[:1].isspace()):
            collecting = collecting and not stripped
            continue
        if not stripped or stripped.startswith("#"):
            continue
        req = _requirement(stripped)
        if req is not None:
            scope = None if section == "options" else "optional"
            yield _pep508(req, number, raw.find(req.name) + 1, scope)


def _setup_py(text: str) -> Iterator[_Dep]:
    try:
        module = ast.parse(text)
    except (SyntaxError, ValueError) as exc:
        raise _UnreadableError(f"setup.py is not Python 3: {exc}") from exc
    lists: dict[str, ast.expr] = {}
    for node in ast.walk(module):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            lists[node.targets[0].id] = node.value
    for node in ast.walk(module):
        if not isinstance(node, ast.Call):
            continue
        for kw in node.keywords:
            if kw.arg not in ("install_requires", "extras_require"):
                continue
            value = lists.get(kw.value.id, kw.value) if isinstance(kw.value, ast.Name) else kw.value
            for const in ast.walk(value):
                if isinstance(const, ast.Constant) and isinstance(const.value, str):
                    req = _requirement(const.value)
                    if req is not None:
                        scope = None if kw.arg == "install_requires" else "optional"
                        yield _pep508(req, const.lineno, const.col_offset + 1, scope)


def _core_metadata(text: str) -> Iterator[_Dep]:
    """``Requires-Dist`` of core metadata (a wheel's METADATA, an sdist's PKG-INFO). The
    headers end at the first blank line; the package never depends on itself."""
    own: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            break
        key, sep, value = raw.partition(":")
        if not sep or raw[:1].isspace():
            continue
        field = key.strip().lower()
        if field == "name":
            own = normalise(value.strip())
        elif field == "requires-dist":
            req = _requirement(value.strip())
            if req is not None and normalise(req.name) != own:
                yield _pep508(req, number, raw.find(req.name) + 1, None)


def _egg_requires(text: str) -> Iterator[_Dep]:
    """setuptools' ``*.egg-info/requires.txt``: requirements, then ``[extra]``,
    ``[extra:marker]`` or ``[:marker]`` sections."""
    extra: str | None = None
    section_marker: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            extra, _, section_marker = line[1:-1].partition(":")
            extra, section_marker = extra.strip() or None, section_marker.strip() or None
            continue
        full = f"{line} ; {section_marker}" if section_marker and ";" not in line else line
        req = _requirement(full)
        if req is not None:
            scope = f"optional:{extra}" if extra else None
            yield _pep508(req, number, raw.find(req.name) + 1, scope)


def _toml_lock(doc: dict[str, Any], text: str) -> Iterator[_Dep]:
    start = 0
    for package in doc.get("package") or []:
        if not isinstance(package, dict) or "name" not in package:
            continue
        name, version = str(package["name"]), str(package.get("version") or "")
        needle = f'name = "{name}"'
        line, column = _line_of(text, needle, start)
        if line is not None:
            start = text.find(needle, start) + 1
        yield _Dep("pypi", name, version or None, "", line, column, None, lock=True)


def _pipfile_lock(doc: Any, text: str) -> Iterator[_Dep]:
    if not isinstance(doc, dict):
        return
    for section, scope in (("default", None), ("develop", "dev")):
        for name, body in (doc.get(section) or {}).items():
            version = str(body.get("version", "")).lstrip("=") if isinstance(body, dict) else ""
            line, column = _line_of(text, f'"{name}"')
            yield _Dep("pypi", name, version or None, "", line, column, scope, lock=True)


def _package_json(doc: Any, text: str) -> Iterator[_Dep]:
    if not isinstance(doc, dict):
        return
    for section, scope in (
        ("dependencies", None),
        ("devDependencies", "dev"),
        ("peerDependencies", "peer"),
        ("optionalDependencies", "optional"),
    ):
        body = doc.get(section)
        if not isinstance(body, dict):
            continue
        section_at = text.find(f'"{section}"')
        for name, spec in body.items():
            spec_text = str(spec)
            exact = spec_text if re.fullmatch(r"\d+\.\d+\.\d+[\w.+-]*", spec_text) else None
            line, column = _line_of(text, f'"{name}"', max(section_at, 0))
            yield _Dep("npm", name, exact, spec_text, line, column, scope)


def _package_lock(doc: Any, text: str) -> Iterator[_Dep]:
    if not isinstance(doc, dict):
        return
    packages = doc.get("packages")
    if isinstance(packages, dict):
        for key, body in packages.items():
            if not key or not isinstance(body, dict) or "node_modules/" not in key:
                continue
            name = key.rsplit("node_modules/", 1)[1]
            line, column = _line_of(text, f'"{key}"')
            scope = "dev" if body.get("dev") else None
            yield _Dep("npm", name, body.get("version"), "", line, column, scope, lock=True)
        return
    for name, body in (doc.get("dependencies") or {}).items():
        if isinstance(body, dict):
            line, column = _line_of(text, f'"{name}"')
            yield _Dep("npm", name, body.get("version"), "", line, column, None, lock=True)


_YARN_ENTRY = re.compile(r'^"?((?:@[^@/\s"]+/)?[^@\s",]+)@[^\n]*:\s*$')
_YARN_VERSION = re.compile(r'^\s+version:?\s+"?([^"\s]+)"?\s*$')


def _yarn_lock(text: str) -> Iterator[_Dep]:
    current: tuple[str, int] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        entry = _YARN_ENTRY.match(line)
        if entry and not line.startswith(" "):
            current = (entry.group(1), number)
            continue
        version = _YARN_VERSION.match(line)
        if version and current is not None:
            yield _Dep("npm", current[0], version.group(1), "", current[1], 1, None, lock=True)
            current = None


_PNPM_KEY = re.compile(r"^\s{2}['\"]?/?((?:@[^@/\s]+/)?[^@/\s'\"(]+)@([^(:'\"\s]+)")


def _pnpm_lock(text: str) -> Iterator[_Dep]:
    parsed = loaders.yaml_top(text)  # validity and shape only: the lines are read below
    if not parsed.ok:
        raise _UnreadableError(parsed.problem or "invalid YAML")
    if parsed.value is None or not parsed.value.get("packages"):
        return
    in_packages = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue  # pnpm 9 puts a blank line after `packages:` and between entries
        if not line.startswith(" "):
            in_packages = line.rstrip() == "packages:"
            continue
        if not in_packages:
            continue
        match = _PNPM_KEY.match(line)
        if match:
            yield _Dep("npm", match.group(1), match.group(2), "", number, 3, None, lock=True)
