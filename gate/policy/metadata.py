"""Rule metadata from ``# METADATA`` comment blocks (OPA annotations), parsed by aigate.

regopy has no ``rego.metadata.*``, so the YAML in the comments is read here. A block belongs
to the rule that follows it; its ``custom`` section carries aigate's fields (``id``,
``severity``, ``remediation``, ``regulation``, ``help_uri``, ``level``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from gate import shipped
from gate.errors import PolicyError
from gate.model import RuleId, RuleMeta
from gate.policy.source import Module, metadata_blocks

# The annotation keys OPA defines; anything else is a typo that would silently lose a field.
OPA_KEYS = frozenset(
    {
        "scope",
        "title",
        "description",
        "related_resources",
        "authors",
        "organizations",
        "schemas",
        "entrypoint",
        "custom",
    }
)
CUSTOM_KEYS = frozenset({"id", "severity", "remediation", "regulation", "help_uri", "level"})
SEVERITIES = ("critical", "high", "medium", "low")
LEVELS = ("deny", "warn", "info")
RULE_ID = re.compile(r"^[a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+$")
FINDING_RULE = re.compile(r"^(deny|warn|info)(_[A-Za-z0-9_]+)?$")


@dataclass(frozen=True, slots=True)
class InputScope:
    """What a rule package reads of the input, from its package-scoped METADATA block.

    ``custom: {input: {roles: [...], per_component: [...], opaque: [...]}}``: ``roles`` says
    its rules read only components of those roles; ``per_component`` says each rule judges
    every component alone, from those fields only (``field`` or ``field.key``; the id reads
    as its scheme, ``hf:``), so aigate may evaluate each distinct set of those facts once
    and hand the findings to every component that shares it; ``opaque`` names read fields
    whose text the rules only copy into findings or test for null (a file's path), so
    components that differ only there still share one evaluation. A package without the
    block reads the whole input.
    """

    package: str
    roles: tuple[str, ...] | None
    per_component: tuple[str, ...] | None
    opaque: tuple[str, ...] = ()


PACKAGE_CUSTOM_KEYS = frozenset({"input"})
INPUT_KEYS = frozenset({"roles", "per_component", "opaque"})


def _names(value: object, module: Module, line: int, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise PolicyError(module.path, f"METADATA input.{key} must be a list of names", line=line)
    return tuple(value)


def parse_input_scope(module: Module) -> InputScope | None:
    """The package-scoped ``custom.input`` declaration of a module, if it has one."""
    found: InputScope | None = None
    for line, text, _ in metadata_blocks(module):
        try:
            doc = shipped.safe_load(text) if text.strip() else None
        except yaml.YAMLError:
            continue  # parse_metadata reports it
        if not isinstance(doc, dict) or doc.get("scope") != "package":
            continue
        custom = doc.get("custom") or {}
        if not isinstance(custom, dict):
            raise PolicyError(module.path, "METADATA custom must be a mapping", line=line)
        unknown = sorted(set(custom) - PACKAGE_CUSTOM_KEYS)
        if unknown:
            raise PolicyError(
                module.path,
                f"unknown package METADATA custom key(s) {', '.join(unknown)}"
                f" (aigate reads {', '.join(sorted(PACKAGE_CUSTOM_KEYS))})",
                line=line,
            )
        spec = custom.get("input")
        if spec is None:
            continue
        if not isinstance(spec, dict) or not spec or set(spec) - INPUT_KEYS:
            raise PolicyError(
                module.path,
                "METADATA input must be a mapping of roles and/or per_component",
                line=line,
            )
        if found is not None:
            raise PolicyError(module.path, "package input declared twice", line=line)
        roles = spec.get("roles")
        fields = spec.get("per_component")
        opaque = _names(spec.get("opaque", []), module, line, "opaque")
        if any("." not in o or o not in (fields or ()) for o in opaque):
            raise PolicyError(
                module.path,
                "METADATA input.opaque names `field.key` entries of input.per_component",
                line=line,
            )
        found = InputScope(
            package=module.package,
            roles=None if roles is None else _names(roles, module, line, "roles"),
            per_component=None if fields is None else _names(fields, module, line, "per_component"),
            opaque=opaque,
        )
    return found


@dataclass(frozen=True, slots=True)
class RuleBinding:
    """A Rego rule name in a package, and the rule id its METADATA block declares."""

    package: str
    name: str
    meta: RuleMeta


def level_of(rule_name: str) -> str | None:
    """deny/warn/info for a finding rule name (``deny``, ``warn_unpinned``), else None."""
    match = FINDING_RULE.match(rule_name)
    return match.group(1) if match else None


def parse_metadata(module: Module) -> list[RuleBinding]:
    """Every rule-scoped METADATA block of a module, as rule bindings."""
    out: list[RuleBinding] = []
    for line, text, following in metadata_blocks(module):
        try:
            doc = shipped.safe_load(text) if text.strip() else None
        except yaml.YAMLError as exc:
            raise PolicyError(module.path, f"METADATA block is not YAML: {exc}", line=line) from exc
        if not isinstance(doc, dict):
            raise PolicyError(module.path, "METADATA block must be a YAML mapping", line=line)
        unknown = sorted(set(doc) - OPA_KEYS)
        if unknown:
            raise PolicyError(
                module.path,
                f"unknown METADATA key(s) {', '.join(unknown)}"
                f" (OPA defines {', '.join(sorted(OPA_KEYS))})",
                line=line,
            )
        scope = doc.get("scope", "rule")
        if scope in ("package", "subpackages", "document"):
            continue
        head = next((h for h in module.heads if h.line == following), None)
        if head is None:
            raise PolicyError(module.path, "METADATA block is not followed by a rule", line=line)
        custom = doc.get("custom") or {}
        if not isinstance(custom, dict):
            raise PolicyError(module.path, "METADATA custom must be a mapping", line=line)
        unknown = sorted(set(custom) - CUSTOM_KEYS)
        if unknown:
            raise PolicyError(
                module.path,
                f"unknown METADATA custom key(s) {', '.join(unknown)}"
                f" (aigate reads {', '.join(sorted(CUSTOM_KEYS))})",
                line=line,
            )
        rule_level = level_of(head.name)
        if "id" not in custom:
            if rule_level is None:
                continue  # documentation of a helper rule
            raise PolicyError(
                module.path,
                f"rule {head.name} has no custom.id in its METADATA: findings need a stable id",
                line=line,
            )
        rid = str(custom["id"])
        if not RULE_ID.match(rid):
            raise PolicyError(
                module.path,
                f"rule id {rid!r} must be dotted lower case, like 'jurisdiction.publisher-country'",
                line=line,
            )
        title = doc.get("title")
        if not isinstance(title, str) or not title.strip():
            raise PolicyError(module.path, f"rule {rid} has no title", line=line)
        severity = str(custom.get("severity", "high"))
        if severity not in SEVERITIES:
            raise PolicyError(
                module.path, f"rule {rid}: severity must be one of {SEVERITIES}", line=line
            )
        level = str(custom.get("level", rule_level or "deny"))
        if level not in LEVELS:
            raise PolicyError(module.path, f"rule {rid}: level must be one of {LEVELS}", line=line)
        help_uri = custom.get("help_uri")
        meta = RuleMeta(
            id=RuleId(rid),
            title=title.strip(),
            description=str(doc.get("description") or "").strip(),
            level=level,
            severity=severity,
            remediation=str(custom.get("remediation") or "").strip(),
            regulation=str(custom.get("regulation") or "").strip(),
            help_uri=str(help_uri) if help_uri else None,
            source=f"{module.path}:{head.line}",
        )
        out.append(RuleBinding(package=module.package, name=head.name, meta=meta))
    return out
