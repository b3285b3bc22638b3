"""Rule metadata from ``# METADATA`` comment blocks (OPA annotations), parsed by aigate.

regopy has no ``rego.metadata.*``, so the YAML in the comments is read here. A block belongs
to the rule that follows it; its ``custom`` section carries aigate's fields (``id``,
``severity``, ``remediation``, ``regulation``, ``help_uri``, ``level``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

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
            doc = yaml.safe_load(text) if text.strip() else None
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
