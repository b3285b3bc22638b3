"""A local stand-in for Dependency-Track's REST API: real HTTP, the real endpoints' shapes.

Shapes follow Dependency-Track's resources/v1 (BomResource, EventResource, ProjectResource;
repository DependencyTrack/dependency-track at c157ee4, 5.1.0-SNAPSHOT): ``PUT /api/v1/bom``
takes a ``BomSubmitRequest`` JSON body (base64 ``bom``, validated like the server's
``@Pattern``), ``POST /api/v1/bom`` the same as multipart, both answer ``{"token"}``;
``GET /api/v1/event/token/{uuid}`` answers ``{"processing"}``; project lists are paginated
with ``pageNumber``/``pageSize`` and ``X-Total-Count``; errors are text or problem+json.

Ingest is simulated as Dependency-Track does it for what matters here: the stored BOM loses
``modelCard``, ``pedigree`` and manufacturer/supplier addresses, and keeps properties.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

try:
    from localserver import listening
except ImportError:  # imported as tests.<module>
    from tests.localserver import listening

_B64 = re.compile(r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")
API_KEY = "odt_test_key"


def _ingest(doc: dict[str, Any]) -> dict[str, Any]:
    """What Dependency-Track keeps of a component: no modelCard, pedigree or addresses."""

    def strip(comp: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in comp.items() if k not in ("modelCard", "pedigree")}
        for key in ("manufacturer", "supplier"):
            if isinstance(out.get(key), dict):
                out[key] = {k: v for k, v in out[key].items() if k != "address"}
        if out.get("components"):
            out["components"] = [strip(c) for c in out["components"]]
        return out

    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "components": [strip(c) for c in doc.get("components") or ()],
    }


@dataclass
class Project:
    uuid: str
    name: str
    version: str
    tags: list[str]
    parent: tuple[str, str] | None
    bom: dict[str, Any] | None = None


@dataclass
class DTServer:
    """State of the fake server; tests read ``requests`` and set the failure knobs."""

    url: str = ""
    projects: list[Project] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    processing_polls: int = 1
    """How many token polls answer processing=true before false."""
    max_body: int = 50 * 1024 * 1024
    forbid: bool = False
    malformed: bool = False
    tokens: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def project(self, name: str, version: str) -> Project | None:
        return next((p for p in self.projects if (p.name, p.version) == (name, version)), None)


def _submit(state: DTServer, fields: dict[str, Any], bom_bytes: bytes) -> tuple[int, Any]:
    name, version = fields.get("projectName"), fields.get("projectVersion")
    if not name or not version:
        return 400, {"title": "Bad Request", "detail": "projectName and projectVersion required"}
    try:
        doc = json.loads(bom_bytes)
    except ValueError:
        return 400, {
            "type": "about:blank",
            "status": 400,
            "title": "The uploaded BOM is invalid",
            "detail": "Schema validation failed",
            "errors": ["$: not valid JSON"],
        }
    parent = None
    if fields.get("parentName"):
        parent = (str(fields["parentName"]), str(fields.get("parentVersion") or ""))
        if state.project(*parent) is None:
            return 404, "The parent component could not be found."
    project = state.project(name, version)
    if project is None:
        if not fields.get("autoCreate"):
            return 404, "The project could not be found."
        project = Project(str(uuid.uuid4()), name, version, [], parent)
        state.projects.append(project)
    project.tags = sorted(set(project.tags) | set(fields.get("tags") or ()))
    project.bom = _ingest(doc)
    token = str(uuid.uuid4())
    state.tokens[token] = state.processing_polls
    return 200, {"token": token, "projectUuid": project.uuid}


@contextmanager
def serve() -> Iterator[DTServer]:
    """Run a DTServer on a free local port for the duration of a test."""
    state = DTServer()

    class Handler(BaseHTTPRequestHandler):
        def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
            if isinstance(body, bytes):
                data, kind = body, "application/json"
            elif isinstance(body, str):
                data, kind = body.encode(), "text/plain"
            else:
                data = json.dumps(body).encode()
                kind = "application/problem+json" if status >= 400 else "application/json"
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            if self.headers.get("X-Api-Key") != API_KEY:
                self._send(401, "Unauthorized")
                return False
            if state.forbid:
                self._send(403, "Forbidden")
                return False
            return True

        def _log(self, body: bytes = b"") -> None:
            parts = urlsplit(self.path)
            state.requests.append(
                {
                    "method": self.command,
                    "path": parts.path,
                    "query": parse_qs(parts.query),
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "size": len(body),
                }
            )

        def _body(self) -> bytes | None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > state.max_body:
                self.rfile.read(length)
                self._send(413, "Request Entity Too Large")
                return None
            return self.rfile.read(length)

        def do_PUT(self) -> None:
            body = self._body()
            self._log(body or b"")
            if body is None or not self._authorised():
                return
            if urlsplit(self.path).path != "/api/v1/bom":
                self._send(404, "Not Found")
                return
            req = json.loads(body)
            if not isinstance(req.get("bom"), str) or not _B64.match(req["bom"]):
                self._send(
                    400, {"title": "Bad Request", "detail": "The BOM must be Base64 encoded"}
                )
                return
            try:
                raw = base64.b64decode(req["bom"], validate=True)
            except binascii.Error:
                self._send(400, "The BOM must be Base64 encoded")
                return
            fields = dict(req)
            fields["tags"] = [t["name"] for t in req.get("projectTags") or ()]
            with state.lock:
                status, answer = _submit(state, fields, raw)
            self._send(status, answer)

        def do_POST(self) -> None:
            body = self._body()
            self._log(body or b"")
            if body is None or not self._authorised():
                return
            if urlsplit(self.path).path != "/api/v1/bom":
                self._send(404, "Not Found")
                return
            head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
            message = BytesParser(policy=default).parsebytes(head + body)
            parts: dict[str, bytes] = {}
            for part in message.iter_parts():
                name = part.get_param("name", header="content-disposition")
                payload = part.get_payload(decode=True)
                if isinstance(name, str) and isinstance(payload, bytes):
                    parts[name] = payload
            fields: dict[str, Any] = {k: v.decode() for k, v in parts.items() if k != "bom"}
            fields["autoCreate"] = fields.get("autoCreate") == "true"
            fields["tags"] = [t for t in (fields.get("projectTags") or "").split(",") if t]
            with state.lock:
                status, answer = _submit(state, fields, parts.get("bom", b""))
            self._send(status, answer)

        def do_GET(self) -> None:
            self._log()
            if not self._authorised():
                return
            parts = urlsplit(self.path)
            path, query = parts.path, parse_qs(parts.query)
            if state.malformed:
                self._send(200, b"<html>proxy error</html>")
                return
            if path.startswith("/api/v1/event/token/"):
                token = unquote(path.rsplit("/", 1)[1])
                with state.lock:
                    left = state.tokens.get(token, 0)
                    state.tokens[token] = max(0, left - 1)
                self._send(200, {"processing": left > 0})
                return
            if path == "/api/v1/project" or path.startswith("/api/v1/project/tag/"):
                tag = unquote(path.rsplit("/", 1)[1]) if "/tag/" in path else None
                rows = [p for p in state.projects if tag is None or tag in p.tags]
                rows.sort(key=lambda p: (p.name, p.version))
                number = int(query.get("pageNumber", ["1"])[0])
                size = int(query.get("pageSize", ["100"])[0])
                page = rows[(number - 1) * size : number * size]
                items = [
                    {
                        "uuid": p.uuid,
                        "name": p.name,
                        "version": p.version,
                        "tags": [{"name": t} for t in p.tags],
                        "isLatest": False,
                        "hasChildren": False,
                    }
                    for p in page
                ]
                self._send(200, items, {"X-Total-Count": str(len(rows))})
                return
            if path.startswith("/api/v1/bom/cyclonedx/project/"):
                ident = path.rsplit("/", 1)[1]
                project = next((p for p in state.projects if p.uuid == ident), None)
                if project is None:
                    self._send(404, "The project could not be found.")
                    return
                self._send(200, project.bom or {"bomFormat": "CycloneDX", "components": []})
                return
            self._send(404, "Not Found")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with listening(Handler) as url:
        state.url = url
        yield state
