"""Served-by: where a hosted call goes, from the endpoints its evidence names."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from gate.model import (
    Component,
    FactSource,
    Provenance,
    ServedBy,
)
from gate.registry import Registry, endpoints
from gate.registry.endpoints import Endpoint

# `publishers/<vendor>/models/…`, Fireworks `accounts/<account>/models/…`, Cloudflare `@cf/…`.
_LOCAL_PROVIDERS = frozenset({"local", "ollama-local"})
SERVED_BY_UNKNOWN = "served_by_unknown"
"""Component property: why a hosted call's endpoint is unknown (``[{source, detail}]``)."""

# How discovery says a host was not written in the code but filled in from an SDK's default.
_DEFAULT_HOST_SOURCES = frozenset({"sdk-default", "model-provider-default", "project-provider"})


@dataclass(frozen=True, slots=True)
class CallEndpoints:
    """What the evidence says about where a hosted call goes."""

    written: tuple[str, ...] = ()
    """Hosts or URLs the code (or a BOM) names: base URLs, regional hosts."""
    defaults: tuple[str, ...] = ()
    """Hosts discovery filled in from the SDK's default (no endpoint in the code)."""
    unread: tuple[str, ...] = ()
    """Endpoints set in the code by an expression the scan cannot read, with where."""
    region: str | None = None
    """A cloud region the code names (``region_name="ap-east-1"``)."""


def call_endpoints(comp: Component) -> CallEndpoints:
    """Sort the component's endpoint evidence into written, default and unreadable."""
    written: set[str] = set()
    defaults: set[str] = set()
    unread: set[str] = set()
    regions: set[str] = set()
    hosts_in_evidence = False
    for ev in comp.evidence:
        attrs = ev.attributes
        base = _text(attrs.get("base_url"))
        host = _text(attrs.get("host"))
        explicit = bool(base) or (
            bool(host) and attrs.get("host_source") not in _DEFAULT_HOST_SOURCES
        )
        if base:
            written.add(base)
        if host:
            hosts_in_evidence = True
            (written if explicit else defaults).add(host)
        expr = _text(attrs.get("base_url_expr"))
        if expr and not explicit:
            unread.add(f"{expr} at {ev.location}")
        region = _text(attrs.get("region"))
        if region:
            regions.add(region)
    value = comp.properties.get("endpoints")
    if isinstance(value, list):
        written.update(str(v).strip() for v in value if str(v).strip())
    value = comp.properties.get("hosts")
    if isinstance(value, list) and not hosts_in_evidence:
        # Read from a BOM without evidence attributes: the hosts it lists are all we know.
        written.update(str(v).strip() for v in value if str(v).strip())
    return CallEndpoints(
        written=tuple(sorted(written)),
        defaults=tuple(sorted(defaults - written)),
        unread=tuple(sorted(unread)),
        region=min(regions) if len(regions) == 1 else None,
    )


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def served_by_for(comp: Component, provider: str, registry: Registry) -> ServedBy | None:
    """Where a hosted call goes: the host in the code, else the SDK's default endpoint.

    Several hosts: a known remote endpoint is preferred over a local or unknown one, then the
    first in sorted order; every host stays listed in the component's ``hosts`` property.
    When the code sets the endpoint by an expression aigate cannot read
    (``OpenAI(base_url=os.environ["LLM_BASE_URL"])``), the SDK's default says nothing about
    where the call goes: None (see :func:`unread_endpoint_note`). The SDK default applies only
    when the code shows no endpoint at all, and is recorded as a heuristic.
    """
    found = call_endpoints(comp)
    if found.written:
        served = _pick(found.written, registry, "the host the code calls", found.region)
        if found.unread:
            also = Provenance(
                FactSource.CODE,
                "another call sets the endpoint by an expression aigate cannot read ("
                + "; ".join(found.unread)
                + "): it may go elsewhere",
            )
            served = replace(served, provenance=(*served.provenance, also))
        return served
    if found.unread:
        return None
    if found.defaults:
        return _pick(
            found.defaults,
            registry,
            "the SDK's default endpoint (no base URL in the code)",
            found.region,
            heuristic=True,
        )
    if provider in _LOCAL_PROVIDERS:
        return None
    ep = registry.default_endpoint(provider)
    if ep is not None:
        return _served_by(
            ep.host,
            ep,
            registry,
            f"default endpoint of provider {provider!r} (no base URL in the code)",
            found.region,
            heuristic=True,
        )
    for candidate in endpoints.endpoints():
        if candidate.provider == provider:
            return _served_by(
                candidate.host,
                candidate,
                registry,
                f"provider {provider!r} (no base URL in the code; only the host pattern is known)",
                found.region,
                heuristic=True,
            )
    return None


def unread_endpoint_note(comp: Component) -> list[dict[str, str]]:
    """Why a hosted call's serving host and country are unknown, as ``[{source, detail}]``."""
    found = call_endpoints(comp)
    if found.written or not found.unread:
        return []
    detail = (
        "the endpoint is set by an expression aigate cannot read ("
        + "; ".join(found.unread)
        + "): serving host, operator and country unknown; the SDK's default host is not assumed"
    )
    return [{"source": FactSource.CODE.value, "detail": detail}]


def _pick(
    hosts: Sequence[str],
    registry: Registry,
    how: str,
    region: str | None,
    *,
    heuristic: bool = False,
) -> ServedBy:
    candidates = []
    for raw in hosts:
        ep = registry.endpoint(raw)
        rank = 0 if ep is not None and ep.provider not in _LOCAL_PROVIDERS else 1
        candidates.append((rank, raw, ep))
    candidates.sort(key=lambda c: (c[0], c[1]))
    _, raw, ep = candidates[0]
    return _served_by(raw, ep, registry, how, region, heuristic=heuristic)


def _served_by(
    raw: str,
    ep: Endpoint | None,
    registry: Registry,
    how: str,
    region_hint: str | None = None,
    *,
    heuristic: bool = False,
) -> ServedBy:
    host = endpoints.host_of(raw) or raw
    if ep is None:
        return ServedBy(
            host=host,
            provenance=(
                Provenance(
                    FactSource.HEURISTIC if heuristic else FactSource.CODE,
                    f"{how}: {host} is not in the registry; country unknown",
                ),
            ),
        )
    if heuristic:
        source = FactSource.HEURISTIC
    elif registry.is_user_endpoint(ep):
        source = FactSource.USER_REGISTRY
    else:
        source = FactSource.REGISTRY
    detail = f"{how}: endpoints.yaml {ep.host!r} ({registry.describe()}; {ep.source})"
    if registry.is_user_endpoint(ep):
        detail = f"{how}: user registry endpoint {ep.host!r} ({registry.describe()}; {ep.source})"
    region = ep.region_of(host) or (region_hint if ep.cloud else None)
    region_country = endpoints.region_country(ep.cloud, region)
    if region and ep.cloud:
        where = region_country or "country unknown"
        detail += f"; region {region} ({ep.cloud}: {where}, regions.yaml)"
    return ServedBy(
        host=host,
        operator=ep.operator,
        country=ep.country,
        provenance=(Provenance(source, detail),),
        region=region,
        region_country=region_country,
    )
