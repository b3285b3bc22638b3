"""YAML policy packs → one policy set: modules, merged parameters, rule modes, files.

A pack chooses how the shipped (and user) rules apply: parameters per area, a mode per rule
(``enforce | warn | off``), ``effective_on`` dates, and the user modules, registry files and
waiver files that come with it. Packs are schema-checked; an unknown key is an error naming
the file and line. Parameters are merged here, in Python, and handed to the engine once.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from gate import __version__, files, shipped
from gate.errors import AigateError, PolicyError
from gate.model import PolicyFile
from gate.policy.engine import Engine, PolicyModule
from gate.policy.locate import policies_dir
from gate.policy.yamlfile import YamlDoc, load_yaml, validate
from gate.resolve import licences

COUNTRY_AREAS = ("jurisdiction", "assistants")
"""Areas whose ``country_lists`` and ``countries`` are resolved into ``countries``."""
DEFAULT_PACK = "default"
MODES = ("enforce", "warn", "off")


@dataclass(frozen=True, slots=True)
class RuleSetting:
    """How a pack applies one rule id (or every rule of an ``area.*``)."""

    mode: str = "enforce"
    level: str | None = None
    effective_on: str | None = None
    source: str = ""


@dataclass(frozen=True, slots=True)
class WaiverPolicy:
    """Limits on waivers: how long they may run, when to warn, what expiry costs."""

    max_days: int = 365
    expiring_within_days: int = 14
    expired_level: str = "warn"


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a policy set's files are read from, and the names a decision gives them.

    The default is the installed aigate's shipped files (named ``policies/…`` and
    ``gate/resolve/data/…``) and the user's files named relative to the working directory.
    ``aigate verify`` replays a decision from an evidence bundle's copies instead: ``shipped``
    holds copies of the shipped files under their recorded names, and ``local`` stands for the
    working directory the decision was made in, so every file gets back its recorded name.
    """

    shipped: Path | None = None
    local: Path | None = None
    confine: Path | None = None
    """When set, every file a pack names must resolve inside this folder (a bundle's
    ``policy/``): a replayed pack cannot make aigate read or evaluate anything else."""

    def inside(self, path: Path) -> bool:
        """Whether a file a pack names may be read under this layout."""
        if self.confine is None:
            return True
        top = os.path.realpath(self.confine)
        return os.path.realpath(path).startswith(top.rstrip(os.sep) + os.sep)

    def policies(self) -> Path:
        """The folder of shipped Rego modules, ``params.yaml`` and ``packs/``."""
        return self.shipped / "policies" if self.shipped is not None else policies_dir()

    def data_text(self, name: str) -> bytes:
        """A shipped data file (``regulatory.yaml``, ``licences.yaml``)."""
        if self.shipped is None:
            return _regulatory_text() if name == "regulatory.yaml" else _licences_text()
        return _read_bytes(self.shipped / "gate/resolve/data" / name, f"gate/resolve/data/{name}")

    def display(self, path: Path) -> str:
        """A file's name in decisions and reports."""
        if self.shipped is None and self.local is None:
            return display_path(path)
        resolved = path.resolve()
        shipped = self.policies().resolve()
        if resolved.is_relative_to(shipped):
            return "policies/" + resolved.relative_to(shipped).as_posix()
        start = (self.local or Path.cwd()).resolve()
        return Path(os.path.relpath(resolved, start)).as_posix()


INSTALLED = Layout()
"""The installed aigate's files, the user's files where they are."""


def policy_digest(files: Sequence[PolicyFile], version: str = __version__) -> str:
    """SHA-256 over the canonical manifest of a policy set's files, plus aigate's version."""
    manifest = {
        "aigate": version,
        "files": sorted([f.kind, f.path, f.sha256] for f in files),
    }
    text = json.dumps(manifest, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(slots=True)
class PolicySet:
    """Everything one evaluation uses, with the files it came from."""

    packs: list[str] = field(default_factory=list)
    modules: list[PolicyModule] = field(default_factory=list)
    params: dict[str, dict[str, Any]] = field(default_factory=dict)
    regulatory: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, RuleSetting] = field(default_factory=dict)
    default_mode: str = "enforce"
    registry_files: list[Path] = field(default_factory=list)
    waiver_files: list[tuple[Path, str]] = field(default_factory=list)
    waiver_policy: WaiverPolicy = field(default_factory=WaiverPolicy)
    files: list[PolicyFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    docs: list[YamlDoc] = field(default_factory=list)

    def data(self) -> dict[str, Any]:
        """The one data document the engine gets: ``data.aigate.{params,regulatory}``."""
        return {"aigate": {"params": self.params, "regulatory": self.regulatory}}

    def digest(self) -> str:
        """SHA-256 over the canonical manifest of every file used, plus aigate's version."""
        return policy_digest(self.files)

    def setting(self, rule_id: str) -> RuleSetting:
        """The pack's setting for a rule: exact id, then ``area.*``, then the default mode."""
        if rule_id in self.settings:
            return self.settings[rule_id]
        parts = rule_id.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            wildcard = ".".join(parts[:cut]) + ".*"
            if wildcard in self.settings:
                return self.settings[wildcard]
        return RuleSetting(mode=self.default_mode)

    def add_file(self, path: Path, display: str, kind: str, content: bytes | None = None) -> None:
        """Record a file the evaluation uses (its SHA-256 goes into the policy digest)."""
        data = content if content is not None else _read_bytes(path, display)
        digest = hashlib.sha256(data).hexdigest()
        entry = PolicyFile(path=display, sha256=digest, kind=kind)
        if entry not in self.files:
            self.files.append(entry)


def _policy_error(display: str, problem: str) -> AigateError:
    return PolicyError(display, problem)


def _read_bytes(path: Path, display: str) -> bytes:
    return files.read_bounded(path, files.MAX_POLICY_FILE, display=display, error=_policy_error)


def display_path(path: Path) -> str:
    """A path as reports show it: shipped files as ``policies/…``, others relative to cwd."""
    resolved = path.resolve()
    shipped = policies_dir().resolve()
    if resolved.is_relative_to(shipped):
        return "policies/" + resolved.relative_to(shipped).as_posix()
    try:
        return Path(os.path.relpath(resolved)).as_posix()
    except ValueError:  # another drive on Windows
        return resolved.as_posix()


@cache
def _regulatory_text() -> bytes:
    return shipped.raw("gate.resolve", "data/regulatory.yaml")


@cache
def _licences_text() -> bytes:
    return shipped.raw("gate.resolve", "data/licences.yaml")


def regulatory() -> dict[str, Any]:
    """The shipped regulatory lists (country lists, BIS Entity List data)."""
    loaded: dict[str, Any] = shipped.yaml_copy(_regulatory_text().decode("utf-8"))
    return loaded


def shipped_packs(layout: Layout = INSTALLED) -> dict[str, Path]:
    """Shipped pack name → file."""
    return {p.stem: p for p in sorted((layout.policies() / "packs").glob("*.yaml"))}


def shipped_modules(layout: Layout = INSTALLED) -> list[Path]:
    """The shipped Rego rule modules (tests excluded)."""
    found = sorted(layout.policies().glob("*.rego"))
    return [p for p in found if not p.name.endswith("_test.rego")]


def _rego_files(directory: Path, *, tests: bool = False) -> list[Path]:
    return [
        p for p in sorted(directory.rglob("*.rego")) if tests or not p.name.endswith("_test.rego")
    ]


def defaults_only() -> PolicySet:
    """The shipped modules with the default parameters and no pack (for policy tests)."""
    ps = _base()
    _finish_params(ps)
    return ps


def _base(layout: Layout = INSTALLED) -> PolicySet:
    ps = PolicySet()
    for path in shipped_modules(layout):
        ps.modules.append(PolicyModule.read(path, layout.display(path)))
        ps.add_file(path, layout.display(path), "module")
    params_path = layout.policies() / "params.yaml"
    defaults = load_yaml(params_path, layout.display(params_path))
    ps.add_file(params_path, defaults.display, "data", defaults.text)
    ps.params = {area: dict(values) for area, values in (defaults.value or {}).items()}
    regulatory_text = layout.data_text("regulatory.yaml")
    ps.regulatory = shipped.yaml_copy(regulatory_text.decode("utf-8"))
    for name in ("regulatory", "licences"):
        text = regulatory_text if name == "regulatory" else layout.data_text(f"{name}.yaml")
        ps.add_file(Path(name), f"gate/resolve/data/{name}.yaml", "data", text)
    return ps


def load_policy(
    specs: Sequence[str], waiver_files: Sequence[Path] = (), *, layout: Layout = INSTALLED
) -> PolicySet:
    """Resolve ``--policy`` arguments (pack names, pack files, dirs, modules) into a set."""
    ps = _base(layout)
    if not specs:
        specs = [DEFAULT_PACK]
        ps.notes.append(
            "no --policy given: the default pack applies (warnings only, for adoption);"
            " use --policy release to gate a release"
        )
    packs = shipped_packs(layout)
    for spec in specs:
        path = Path(spec)
        if spec in packs and not path.exists():
            _load_pack(ps, packs[spec], layout)
        elif path.is_dir():
            found = sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
            for pack in found:
                _load_pack(ps, pack, layout)
            for module in _rego_files(path):
                _add_module(ps, module, layout)
            if not found and not _rego_files(path):
                raise PolicyError(spec, "no packs (*.yaml) or Rego modules (*.rego) in directory")
        elif path.is_file() and path.suffix in (".yaml", ".yml"):
            _load_pack(ps, path, layout)
        elif path.is_file() and path.suffix == ".rego":
            _add_module(ps, path, layout)
        else:
            known = ", ".join(packs)
            raise PolicyError(
                spec,
                "no such pack, pack file or policy directory",
                hint=f"shipped packs: {known}",
            )
    for waiver in waiver_files:
        ps.waiver_files.append((waiver, layout.display(waiver)))
    _finish_params(ps)
    return ps


def _add_module(ps: PolicySet, path: Path, layout: Layout = INSTALLED) -> None:
    display = layout.display(path)
    if any(m.path == display for m in ps.modules):
        return
    ps.modules.append(PolicyModule.read(path, display))
    ps.add_file(path, display, "module")


def _load_pack(ps: PolicySet, path: Path, layout: Layout = INSTALLED) -> None:
    doc = load_yaml(path, layout.display(path))
    if not isinstance(doc.value, dict):
        raise doc.error((), "a pack must be a YAML mapping (apiVersion, kind, name, ...)")
    validate(doc, "pack.schema.json", "pack")
    pack: dict[str, Any] = doc.value
    ps.docs.append(doc)
    ps.packs.append(pack["name"])
    ps.add_file(path, doc.display, "pack", doc.text)
    base = path.parent
    for section in ("modules", "registries", "waivers"):
        for i, rel in enumerate(pack.get(section, [])):
            if not layout.inside(base / rel):
                raise doc.error(
                    (section, i),
                    f"{section[:-1]} path {rel!r} resolves outside the bundle's policy folder:"
                    " not read (a bundled pack may only name files in the bundle)",
                )
    for i, rel in enumerate(pack.get("modules", [])):
        target = base / rel
        if target.is_dir():
            for module in _rego_files(target):
                _add_module(ps, module, layout)
        elif target.is_file():
            _add_module(ps, target, layout)
        else:
            raise doc.error(("modules", i), f"module {rel!r} not found (relative to the pack)")
    for i, rel in enumerate(pack.get("registries", [])):
        target = base / rel
        if not target.is_file():
            raise doc.error(("registries", i), f"registry file {rel!r} not found")
        ps.registry_files.append(target)
        ps.add_file(target, layout.display(target), "registry")
    for i, rel in enumerate(pack.get("waivers", [])):
        target = base / rel
        if not target.is_file():
            raise doc.error(("waivers", i), f"waiver file {rel!r} not found")
        ps.waiver_files.append((target, layout.display(target)))
    for area, values in pack.get("params", {}).items():
        ps.params.setdefault(area, {}).update(values)
    for rule, raw in pack.get("rules", {}).items():
        line = doc.key_line(("rules", rule))
        previous = ps.settings.get(rule, RuleSetting())
        ps.settings[rule] = RuleSetting(
            mode=raw.get("mode", previous.mode),
            level=raw.get("level", previous.level),
            effective_on=raw.get("effective_on", previous.effective_on),
            source=f"{doc.display}:{line}",
        )
    if "default_mode" in pack:
        ps.default_mode = pack["default_mode"]
    wp = pack.get("waiver_policy", {})
    current = ps.waiver_policy
    ps.waiver_policy = WaiverPolicy(
        max_days=wp.get("max_days", current.max_days),
        expiring_within_days=wp.get("expiring_within_days", current.expiring_within_days),
        expired_level=wp.get("expired_level", current.expired_level),
    )


def _finish_params(ps: PolicySet) -> None:
    """Resolve list references and spellings so that rules compare like with like."""
    for area in COUNTRY_AREAS:
        if area in ps.params:
            _resolve_countries(ps, area)
    lic = ps.params.get("licence", {})
    lic["allow"] = sorted({licences.term(str(k)).key for k in lic.get("allow", [])})
    assistants = ps.params.get("assistants", {})
    for i, pattern in enumerate(assistants.get("protected_paths", [])):
        problem = glob_problem(pattern)
        if problem:
            raise _param_error(
                ps,
                ("params", "assistants", "protected_paths"),
                f"protected_paths[{i}] {pattern!r}: {problem}",
            )


def _resolve_countries(ps: PolicySet, area: str) -> None:
    """``country_lists`` ids plus ``countries`` → the sorted codes Rego compares with."""
    lists = ps.regulatory.get("country_lists", {})
    params = ps.params[area]
    extra = sorted(params.get("countries", []))
    countries = set(extra)
    for list_id in params.get("country_lists", []):
        if list_id not in lists:
            raise _param_error(
                ps,
                ("params", area, "country_lists"),
                f"unknown country list {list_id!r} (known: {', '.join(sorted(lists))})",
            )
        countries.update(lists[list_id]["countries"])
    params["countries"] = sorted(countries)
    params["lists"] = list(params.get("country_lists", [])) + ([", ".join(extra)] if extra else [])
    params["lists_text"] = "; ".join(params["lists"]) or "none"


def glob_problem(pattern: object) -> str | None:
    """Why a protected_paths glob cannot be used, or None.

    Rego's glob.match answers ``false`` for a malformed pattern, which would protect
    nothing without a word: such patterns are refused here, where the pack is named.
    """
    if not isinstance(pattern, str) or not pattern.strip("/"):
        return "a glob must be a non-empty path pattern"
    if pattern.startswith("!"):
        return "negations ('!') are not supported: list the paths to protect"
    if pattern.startswith("./") or "/../" in f"/{pattern}/":
        return "write it relative to the scanned folder (e.g. src/crypto/**)"
    if "\\" in pattern:
        return "use '/' between folders (backslash escapes are not supported)"
    if "[]" in pattern or "[!]" in pattern:
        return "empty character class '[]'"
    depth = {"[": 0, "{": 0}
    closing = {"]": "[", "}": "{"}
    for ch in pattern:
        if ch in depth:
            depth[ch] += 1
        elif ch in closing:
            depth[closing[ch]] -= 1
            if depth[closing[ch]] < 0:
                return f"unbalanced {ch!r}"
        elif ch == "," and not depth["{"]:
            # The rules join every pattern into one `{a,b}` glob: a bare comma would split it.
            return "a ',' outside '{…}' is not supported"
    unclosed = [ch for ch, n in depth.items() if n]
    if unclosed:
        return f"unbalanced {unclosed[0]!r}"
    return None


def _param_error(ps: PolicySet, where: tuple[str, ...], problem: str) -> PolicyError:
    for doc in reversed(ps.docs):
        value: Any = doc.value
        for key in where:
            value = value.get(key) if isinstance(value, dict) else None
        if value is not None:
            return doc.error(where, problem)
    return PolicyError("policies/params.yaml", problem)


def check_against(ps: PolicySet, engine: Engine) -> None:
    """Every rule key and parameter area a pack names must exist: typos never go silent."""
    ids = {str(r.id) for r in engine.rules}
    areas = {i.split(".", 1)[0] for i in ids}
    packages = {p.rsplit(".", 1)[-1] for p in engine.packages if p.startswith("aigate.rules.")}
    for doc in ps.docs:
        pack = doc.value
        for rule in pack.get("rules", {}):
            known = rule in ids or (rule.endswith(".*") and rule[:-2] in areas)
            if not known:
                raise doc.error(
                    ("rules", rule),
                    f"no loaded rule has the id {rule!r}"
                    + (f" (areas: {', '.join(sorted(areas))})" if rule.endswith(".*") else ""),
                    key=True,
                )
        for area in pack.get("params", {}):
            if area not in packages:
                raise doc.error(
                    ("params", area),
                    f"no loaded module has package aigate.rules.{area}",
                    key=True,
                )


def check_something_enabled(ps: PolicySet, engine: Engine) -> None:
    """A policy set whose packs turn every loaded rule ``off`` is refused: it would pass any
    release while saying it judged it (fail closed). Turning off some rules is fine."""
    ids = sorted(str(r.id) for r in engine.rules)
    if not ids or not ps.docs:
        return
    if all(ps.setting(rule).mode == "off" for rule in ids):
        sources = ", ".join(doc.display for doc in ps.docs)
        raise PolicyError(
            sources,
            f"every one of the {len(ids)} loaded rules is off (mode: off or default_mode: off):"
            " the gate would pass anything, so it does not run",
            hint="enable at least one rule (mode: warn reports without blocking), or do not"
            " run the gate",
        )


def build_engine(ps: PolicySet) -> Engine:
    """Compile the set's modules with its data, and check the packs against them."""
    engine = Engine(ps.modules, ps.data())
    check_against(ps, engine)
    check_something_enabled(ps, engine)
    return engine
