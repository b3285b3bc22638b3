"""The one HTTP session: timeouts, a User-Agent, retries with backoff, bounded reads, and an
offline guard that raises instead of connecting.

Every network call aigate makes goes through :class:`Net`; when ``online`` is false, ``get``
raises :class:`gate.errors.NetworkError` before any socket is opened, so "offline" is a
property of the code path, not a hope.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from gate import __version__
from gate.errors import NetworkError
from gate.lazy import lazy_module

if TYPE_CHECKING:
    import requests
else:
    # requests (with urllib3, 80 ms) loads when a request is made: offline runs and
    # `check --bom` import the resolvers that hold a Net but never ask it anything.
    requests = lazy_module("requests")

USER_AGENT = f"aigate/{__version__} (python-requests; AI provenance gate)"
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
MAX_BODY = 32 * 1024 * 1024
"""Bound on one response body (a Hub model listing with file metadata is a few MB)."""


@dataclass(frozen=True, slots=True)
class Response:
    """A response read in full (bounded): status, headers and body."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes


class Net:
    """A requests.Session with aigate's timeouts, retries and offline guard."""

    def __init__(
        self,
        *,
        online: bool,
        timeout: tuple[float, float] = (5.0, 30.0),
        retries: int = 3,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.online = online
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._sleep = sleep
        self._session: requests.Session | None = None

    @property
    def session(self) -> requests.Session:
        """The shared session, created on first use (never when offline)."""
        if self._session is None:
            session = requests.Session()
            session.headers["User-Agent"] = USER_AGENT
            session.headers["Accept"] = "application/json"
            self._session = session
        return self._session

    def close(self) -> None:
        """Release pooled connections."""
        if self._session is not None:
            self._session.close()
            self._session = None

    def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Response:
        """GET with retries on connection errors and 429/5xx; raises NetworkError on failure.

        Any HTTP status that is not retried (200, 404, 401…) is returned for the caller to read.
        """
        return self.request("GET", url, headers=headers, params=params)

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        json_body: Any = None,
        files: Mapping[str, tuple[str | None, bytes | str]] | None = None,
        verify: bool | str = True,
    ) -> Response:
        """One request with retries on connection errors and 429/5xx (see :meth:`get`).

        ``verify`` is requests' TLS setting: True (the system's CAs) or a CA bundle path;
        it is never switched off.
        """
        host = urlsplit(url).hostname or url
        if not self.online:
            raise NetworkError(
                f"offline: refused to connect to {host}",
                hint="pass --online to let aigate ask the network",
            )
        last_problem = ""
        for attempt in range(self.retries + 1):
            try:
                with self.session.request(
                    method,
                    url,
                    headers=dict(headers or {}),
                    params=dict(params or {}),
                    json=json_body,
                    files=dict(files) if files is not None else None,
                    timeout=self.timeout,
                    stream=True,
                    verify=verify,
                ) as resp:
                    body = _read_bounded(resp, url)
                    result = Response(
                        url=resp.url, status=resp.status_code, headers=dict(resp.headers), body=body
                    )
            except requests.exceptions.SSLError as exc:
                raise NetworkError(
                    f"{host}: TLS verification failed: {_short(exc)}",
                    hint="pass the server's CA bundle (--ca-bundle) rather than turning checks off",
                ) from exc
            except (requests.ConnectionError, requests.Timeout) as exc:
                last_problem = f"{type(exc).__name__}: {_short(exc)}"
                if attempt == self.retries:
                    break
                self._sleep(self._delay(attempt, None))
                continue
            except requests.RequestException as exc:
                raise NetworkError(f"{host}: request failed: {_short(exc)}") from exc
            if result.status in RETRY_STATUS and attempt < self.retries:
                last_problem = f"HTTP {result.status}"
                self._sleep(self._delay(attempt, result.headers.get("Retry-After")))
                continue
            return result
        raise NetworkError(
            f"{host}: unreachable after {self.retries + 1} attempts ({last_problem})"
        )

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        if retry_after:
            try:
                return min(float(retry_after), self.max_backoff)
            except ValueError:
                try:
                    when = parsedate_to_datetime(retry_after).timestamp()
                    return max(0.0, min(when - time.time(), self.max_backoff))
                except (TypeError, ValueError):
                    pass
        return float(min(self.backoff * (2**attempt), self.max_backoff))


def _read_bounded(resp: requests.Response, url: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in resp.iter_content(chunk_size=65536):
        size += len(chunk)
        if size > MAX_BODY:
            raise NetworkError(f"{url}: response larger than {MAX_BODY} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) < 200 else text[:200] + "…"
