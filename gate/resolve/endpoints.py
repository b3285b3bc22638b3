"""Endpoint hosts → provider key, operator and country (from ``data/endpoints.yaml``)."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

import yaml


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

    def region_of(self, url_or_host: str) -> str | None:
        """The cloud region this host names (``eu-west-1``), when the endpoint has regions."""
        if not self.region_from:
            return None
        match = re.search(self.region_from, host_of(url_or_host))
        return match.group(1) if match else None


def _load() -> dict[str, object]:
    text = resources.files("gate.resolve").joinpath("data/endpoints.yaml").read_text("utf-8")
    doc: dict[str, object] = yaml.safe_load(text)
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
        )
        for row in rows
    )


@cache
def aggregators() -> frozenset[str]:
    """Provider keys that serve other makers' models (their key never names the maker)."""
    rows = _load().get("aggregators") or []
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


def provider_for_host(url_or_host: str) -> str | None:
    """The provider key (``alibaba``, ``deepseek``, ...) of a URL or host, if known."""
    ep = lookup(url_or_host)
    return ep.provider if ep else None
