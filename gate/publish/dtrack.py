"""A client for the parts of OWASP Dependency-Track's REST API that aigate uses.

Endpoints and shapes follow Dependency-Track's API (read from the DependencyTrack/
dependency-track repository at commit c157ee4, version 5.1.0-SNAPSHOT, resources/v1; the same
paths exist in 4.x):

- ``PUT /api/v1/bom``: JSON ``BomSubmitRequest`` (``projectName``, ``projectVersion``,
  ``autoCreate``, ``parentName``, ``parentVersion``, ``projectTags`` as ``[{"name"}]``,
  ``isLatest``, ``bom`` in base64) → ``BomUploadResponse`` ``{"token"}``;
- ``POST /api/v1/bom``: the same as ``multipart/form-data`` (tags comma-separated), used for
  BOMs too large to send base64-encoded inside JSON;
- ``GET /api/v1/event/token/{uuid}`` → ``{"processing": bool}``;
- ``GET /api/v1/project`` and ``GET /api/v1/project/tag/{tag}``, paginated with
  ``pageNumber``/``pageSize`` and the total in ``X-Total-Count``;
- ``GET /api/v1/bom/cyclonedx/project/{uuid}?format=json&variant=inventory``.

Authentication is the ``X-Api-Key`` header. Errors come back as plain text or as RFC 9457
``application/problem+json`` (``title``, ``detail``, ``errors``); both are shown to the user.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

from gate.errors import NetworkError
from gate.net import Net, Response

MULTIPART_ABOVE = 8 * 1024 * 1024
"""BOMs larger than this many bytes go as multipart (base64 in JSON grows them by a third)."""
PAGE_SIZE = 100


@dataclass(frozen=True, slots=True)
class Project:
    """A project as Dependency-Track lists it."""

    uuid: str
    name: str
    version: str
    tags: tuple[str, ...]


def _problem(resp: Response) -> str:
    """The server's own words about a failed request, in one line."""
    text = resp.body.decode("utf-8", "replace").strip()
    kind = resp.headers.get("Content-Type", "")
    if "json" in kind:
        try:
            doc = json.loads(text)
        except ValueError:
            doc = None
        if isinstance(doc, dict):
            parts = [str(doc[k]) for k in ("title", "detail") if doc.get(k)]
            errors = doc.get("errors")
            if isinstance(errors, list) and errors:
                parts.append("; ".join(str(e) for e in errors[:5]))
            if parts:
                return ": ".join(parts)
    return " ".join(text.split())[:300] or f"HTTP {resp.status}"


class DependencyTrack:
    """One Dependency-Track server, reached through aigate's single HTTP session."""

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        net: Net,
        ca_bundle: str | None = None,
        poll_interval: float = 2.0,
        poll_timeout: float = 600.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise NetworkError(
                f"{url}: not a Dependency-Track URL",
                hint="give the server's base URL, e.g. https://dtrack.example.com",
            )
        self.base = url.rstrip("/")
        if self.base.endswith("/api"):
            self.base = self.base[: -len("/api")]
        self.api_key = api_key
        self.net = net
        self.verify: bool | str = ca_bundle or True
        self.poll_interval = poll_interval
        self.poll_timeout = poll_timeout
        self._sleep = sleep
        self._clock = clock

    # ---- plumbing ------------------------------------------------------------------

    def _call(self, method: str, path: str, **kw: Any) -> Response:
        resp = self.net.request(
            method,
            f"{self.base}{path}",
            headers={"X-Api-Key": self.api_key, "Accept": "application/json"},
            verify=self.verify,
            **kw,
        )
        if 200 <= resp.status < 300:
            return resp
        raise self._error(method, path, resp)

    def _error(self, method: str, path: str, resp: Response) -> NetworkError:
        where = f"Dependency-Track {method} {path}"
        said = _problem(resp)
        if resp.status == 401:
            return NetworkError(
                f"{where}: 401 Unauthorized ({said})",
                hint="set DT_API_KEY to a valid API key of a team with the needed permissions",
            )
        if resp.status == 403:
            return NetworkError(
                f"{where}: 403 Forbidden ({said})",
                hint="the API key's team lacks a permission: BOM_UPLOAD (and"
                " PROJECT_CREATION_UPLOAD with autoCreate) to publish, VIEW_PORTFOLIO to read",
            )
        if resp.status == 404:
            return NetworkError(
                f"{where}: 404 Not Found ({said})",
                hint="check the URL (the server's base, without /api) and that the project or"
                " parent exists",
            )
        if resp.status == 413:
            return NetworkError(
                f"{where}: 413 Payload Too Large ({said})",
                hint="raise the server's or proxy's request size limit (e.g. the reverse proxy's"
                " client_max_body_size) for BOM uploads",
            )
        return NetworkError(f"{where}: HTTP {resp.status} ({said})")

    def _json(self, resp: Response, what: str) -> Any:
        try:
            return json.loads(resp.body)
        except ValueError as exc:
            raise NetworkError(
                f"Dependency-Track {what}: the answer is not JSON"
                f" ({resp.body[:80].decode('utf-8', 'replace')!r})"
            ) from exc

    # ---- publishing ----------------------------------------------------------------

    def upload(
        self,
        bom: bytes,
        *,
        project: str,
        version: str,
        parent: tuple[str, str] | None = None,
        tags: Sequence[str] = (),
        latest: bool = False,
    ) -> str:
        """Send a BOM (auto-creating the project); the processing token."""
        if len(bom) > MULTIPART_ABOVE:
            form: dict[str, tuple[str | None, bytes | str]] = {
                "projectName": (None, project),
                "projectVersion": (None, version),
                "autoCreate": (None, "true"),
                "isLatest": (None, "true" if latest else "false"),
                "bom": ("bom.json", bom),
            }
            if tags:
                form["projectTags"] = (None, ",".join(tags))
            if parent is not None:
                form["parentName"] = (None, parent[0])
                form["parentVersion"] = (None, parent[1])
            resp = self._call("POST", "/api/v1/bom", files=form)
        else:
            body: dict[str, Any] = {
                "projectName": project,
                "projectVersion": version,
                "autoCreate": True,
                "isLatest": latest,
                "bom": base64.b64encode(bom).decode("ascii"),
            }
            if tags:
                body["projectTags"] = [{"name": t} for t in tags]
            if parent is not None:
                body["parentName"], body["parentVersion"] = parent
            resp = self._call("PUT", "/api/v1/bom", json_body=body)
        doc = self._json(resp, "BOM upload")
        token = doc.get("token") if isinstance(doc, dict) else None
        if not isinstance(token, str) or not token:
            raise NetworkError("Dependency-Track BOM upload: the answer has no processing token")
        return token

    def wait(self, token: str) -> None:
        """Poll the upload's token until the server has processed the BOM."""
        deadline = self._clock() + self.poll_timeout
        path = f"/api/v1/event/token/{quote(token, safe='')}"
        while True:
            doc = self._json(self._call("GET", path), "token status")
            processing = doc.get("processing") if isinstance(doc, dict) else None
            if processing is False:
                return
            if processing is not True:
                raise NetworkError(
                    f"Dependency-Track GET {path}: unexpected answer {json.dumps(doc)[:120]}"
                )
            if self._clock() >= deadline:
                raise NetworkError(
                    f"Dependency-Track is still processing the BOM after {self.poll_timeout:.0f} s"
                    f" (token {token})",
                    hint="the upload was accepted; check the project in Dependency-Track, or"
                    " raise --timeout",
                )
            self._sleep(self.poll_interval)

    # ---- reading the portfolio -----------------------------------------------------

    def projects(self, tag: str | None = None) -> Iterator[Project]:
        """Every project (or those with ``tag``), page by page."""
        path = f"/api/v1/project/tag/{quote(tag, safe='')}" if tag else "/api/v1/project"
        page = 1
        seen = 0
        while True:
            resp = self._call(
                "GET", path, params={"pageNumber": str(page), "pageSize": str(PAGE_SIZE)}
            )
            rows = self._json(resp, "project list")
            if not isinstance(rows, list):
                raise NetworkError(f"Dependency-Track GET {path}: expected a list of projects")
            for row in rows:
                if not isinstance(row, dict) or not isinstance(row.get("uuid"), str):
                    raise NetworkError(f"Dependency-Track GET {path}: a project without a uuid")
                tags = tuple(
                    str(t.get("name")) for t in row.get("tags") or () if isinstance(t, dict)
                )
                yield Project(
                    uuid=row["uuid"],
                    name=str(row.get("name", "")),
                    version=str(row.get("version") or ""),
                    tags=tuple(sorted(tags)),
                )
            seen += len(rows)
            total = resp.headers.get("X-Total-Count")
            if not rows or len(rows) < PAGE_SIZE or (total is not None and seen >= int(total)):
                return
            page += 1

    def bom(self, project: Project) -> dict[str, Any]:
        """The project's current BOM (CycloneDX JSON, the inventory variant)."""
        path = f"/api/v1/bom/cyclonedx/project/{quote(project.uuid, safe='')}"
        resp = self._call("GET", path, params={"format": "json", "variant": "inventory"})
        doc = self._json(resp, f"BOM of {project.name} {project.version}")
        if not isinstance(doc, dict):
            raise NetworkError(f"Dependency-Track GET {path}: the BOM is not a JSON object")
        return doc
