"""Endpoint hosts → provider key, operator and country (from ``data/endpoints.yaml``)."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from gate import shipped


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One known API host."""

    host: str
    """The pattern as written in the data (``*.openai.azure.com``)."""
    provider: str
    operator: str
    country: str | None
    source: str
    region_from: str | None = None
    """A regular expression whose first group is the cloud region a matching host names."""
    cloud: str | None = None
    """The cloud whose region ids the host uses (``aws``, ``gcp``, ``azure``, ``alibaba``)."""
    region: str | None = None
    """The one region a fixed host is served from (``dashscope-intl`` → ``ap-southeast-1``)."""

    def region_of(self, url_or_host: str) -> str | None:
        """The cloud region this host names (``eu-west-1``), or the endpoint's fixed region."""
        if self.region_from:
            match = re.search(self.region_from, host_of(url_or_host))
            if match:
                return match.group(1)
        return self.region


def _load() -> dict[str, object]:
    doc: dict[str, object] = shipped.yaml_data("gate.recognise", "data/endpoints.yaml")
    return doc


def _providers() -> dict[str, object]:
    # Facts about a provider whatever its host live with the other provider facts.
    doc: dict[str, object] = shipped.yaml_data("gate.recognise", "data/providers.yaml")
    return doc


@cache
def endpoints() -> tuple[Endpoint, ...]:
    """The shipped endpoint table, loaded once."""
    rows = _load()["endpoints"]
    assert isinstance(rows, list)
    return tuple(
        Endpoint(
            host=str(row["host"]).lower(),
            provider=str(row["provider"]),
            operator=str(row["operator"]),
            country=row.get("country"),
            source=str(row.get("source", "")),
            region_from=row.get("region_from"),
            cloud=row.get("cloud"),
            region=row.get("region"),
        )
        for row in rows
    )


def _regions_doc() -> dict[str, object]:
    doc: dict[str, object] = shipped.yaml_data("gate.resolve", "data/regions.yaml")
    return doc


@cache
def _regions() -> dict[str, dict[str, str]]:
    doc: dict[str, Any] = dict(_regions_doc())
    return {
        str(cloud): {str(k): str(v) for k, v in (entry.get("regions") or {}).items()}
        for cloud, entry in doc["clouds"].items()
    }


def clouds() -> frozenset[str]:
    """The clouds whose region ids ``data/regions.yaml`` places."""
    return frozenset(_regions())


def region_country(cloud: str | None, region: str | None) -> str | None:
    """The country a cloud region's data centres stand in (``aws``, ``ap-east-1`` → HK)."""
    if not cloud or not region:
        return None
    return _regions().get(cloud, {}).get(region.lower())


def regions_version() -> str:
    """The region table's version (its date)."""
    return str(_regions_doc().get("version", ""))


@cache
def aggregators() -> frozenset[str]:
    """Provider keys that serve other makers' models (their key never names the maker)."""
    rows = _providers().get("aggregators") or []
    assert isinstance(rows, list)
    return frozenset(str(p) for p in rows)


@cache
def _default_hosts() -> dict[str, str | None]:
    rows = _providers().get("providers") or {}
    assert isinstance(rows, dict)
    return {str(key): (row or {}).get("host") for key, row in rows.items()}


def default_host(provider: str) -> str | None:
    """The host a provider's SDK calls when no base URL is written (``providers.yaml``, the one
    place that fact lives), or ``None`` (a per-resource host, or a provider it does not list)."""
    host = _default_hosts().get(provider)
    return str(host).lower() if host else None


@cache
def deployment_named() -> frozenset[str]:
    """Provider keys whose model ids are user-chosen deployment names (Azure OpenAI)."""
    rows = _providers().get("deployment_names") or []
    assert isinstance(rows, list)
    return frozenset(str(p) for p in rows)


@cache
def version() -> str:
    """The endpoint table's version (its date)."""
    return str(_load().get("version", ""))


def host_of(url_or_host: str) -> str:
    """The lower-cased host of a URL or a bare host (``https://x.y/v1`` → ``x.y``)."""
    text = url_or_host.strip()
    if "://" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    return host.lower().rstrip(".")


def lookup(url_or_host: str) -> Endpoint | None:
    """The known endpoint serving this URL or host, if any (exact host first)."""
    host = host_of(url_or_host)
    if not host:
        return None
    table = endpoints()
    for ep in table:
        if ep.host == host:
            return ep
    for ep in table:
        if "*" in ep.host and fnmatch.fnmatchcase(host, ep.host):
            return ep
    return None
