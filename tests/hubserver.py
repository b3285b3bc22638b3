"""A local stand-in for the Hugging Face Hub API: real HTTP, responses of the real shape."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

try:
    from localserver import listening
except ImportError:  # imported as tests.<module>
    from tests.localserver import listening

QWEN_SHA = "a09a35458c702b33eeacc393d103063234e8bc28"
WEIGHT_SHA = "3f1d2c9b8a7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c"


def model_info(
    repo: str, sha: str, card: dict[str, Any], weights: dict[str, str]
) -> dict[str, Any]:
    """A body shaped like GET /api/models/{repo}?blobs=true (huggingface_hub ModelInfo)."""
    siblings: list[dict[str, Any]] = [
        {"rfilename": ".gitattributes", "blobId": "b" * 40, "size": 1519},
        {"rfilename": "README.md", "blobId": "c" * 40, "size": 6188},
        {"rfilename": "config.json", "blobId": "d" * 40, "size": 663},
    ]
    for name, digest in weights.items():
        siblings.append(
            {
                "rfilename": name,
                "blobId": "e" * 40,
                "size": 3945441440,
                "lfs": {"sha256": digest, "size": 3945441440, "pointerSize": 135},
            }
        )
    return {
        "_id": "66e6d0a5b6e1f6e8c0a1b2c3",
        "id": repo,
        "modelId": repo,
        "author": repo.split("/")[0],
        "sha": sha,
        "lastModified": "2024-09-25T12:33:02.000Z",
        "private": False,
        "gated": False,
        "disabled": False,
        "downloads": 1234567,
        "likes": 600,
        "library_name": "transformers",
        "tags": ["transformers", "safetensors", "qwen2", "text-generation", "conversational"],
        "pipeline_tag": "text-generation",
        "cardData": card,
        "siblings": siblings,
        "spaces": [],
        "createdAt": "2024-09-16T11:55:40.000Z",
        "safetensors": {"parameters": {"BF16": 7615616512}, "total": 7615616512},
    }


@dataclass
class HubServer:
    """Routes: path → list of (status, body); the last answer repeats."""

    routes: dict[str, list[tuple[int, Any]]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    def answer(self, path: str, *answers: tuple[int, Any]) -> None:
        self.routes[path] = list(answers)


@contextmanager
def serve() -> Iterator[HubServer]:
    """Run a HubServer on a free local port for the duration of a test."""
    state = HubServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            state.requests.append(
                {
                    "path": parts.path,
                    "query": parse_qs(parts.query),
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                }
            )
            answers = state.routes.get(parts.path)
            if not answers:
                status, body = 404, {"error": "Repository not found"}
            else:
                status, body = answers.pop(0) if len(answers) > 1 else answers[0]
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if status == 401:
                self.send_header("X-Error-Code", "GatedRepo")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with listening(Handler) as url:
        state.url = url
        yield state
