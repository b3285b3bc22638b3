"""Network egress that AI-authored lines introduce: the literal, its host, operator and country.

A host is placed through the registry's endpoints (shipped and the user's); a host the
registry does not know but whose top-level domain is a country code gets that country,
marked ``heuristic`` (the ccTLD says where the name is registered, not where it is served);
a private, loopback or link-local address is ``local``; anything else stays unknown.
"""

from __future__ import annotations

import ipaddress
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from gate import shipped
from gate.registry import endpoints as endpoint_table

CCTLD_FILE = "data/cctld.yaml"


def egress_of(text: str) -> dict[str, Any] | None:
    """The egress a URL or IPv4 literal names: ``{value, host}``, or None when there is none."""
    value = text.strip().rstrip(".,;:'\"")
    if "://" in value:
        try:
            host = urlsplit(value).hostname or ""
        except ValueError:
            return None
    else:
        host = value
    host = host.strip(".").lower()
    if not host or host in ("localhost",) or "${" in value or "{{" in value:
        return None
    return {"value": value, "host": host}


@cache
def _cctlds() -> tuple[dict[str, str], frozenset[str]]:
    doc = shipped.yaml_data("gate.authored", CCTLD_FILE)
    return dict(doc["exceptions"]), frozenset(doc["generic_use"])


def place(host: str, lookup: Any) -> dict[str, Any]:
    """Operator and country of a host: ``lookup(host)`` is the registry's endpoint lookup."""
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if ip is not None and (ip.is_private or ip.is_loopback or ip.is_link_local):
        return {"operator": None, "country": None, "local": True, "heuristic": False,
                "source": "private, loopback or link-local address"}  # fmt: skip
    ep = lookup(host)
    if ep is not None:
        return {
            "operator": ep.operator,
            "country": ep.country,
            "local": False,
            "heuristic": False,
            "source": f"endpoints registry {ep.host!r} ({ep.source})",
        }
    if ip is None:
        tld = host.rsplit(".", 1)[-1]
        exceptions, generic = _cctlds()
        if len(tld) == 2 and tld.isalpha() and tld not in generic:
            country = exceptions.get(tld, tld.upper())
            return {
                "operator": None,
                "country": country,
                "local": False,
                "heuristic": True,
                "source": f"country-code top-level domain .{tld} (a guess: where the name is"
                " registered, not where it is served)",
            }
    return {"operator": None, "country": None, "local": False, "heuristic": False,
            "source": "not in the registry; country unknown"}  # fmt: skip


def placed(egress: list[dict[str, Any]], lookup: Any = None) -> list[dict[str, Any]]:
    """Each egress with its operator and country (``lookup`` defaults to the shipped table)."""
    find = lookup or endpoint_table.lookup
    return [{**e, **place(str(e["host"]), find)} for e in egress]
