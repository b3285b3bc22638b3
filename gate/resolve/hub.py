"""Hugging Face Hub enrichment: model info over the REST API, kept in an SQLite cache.

Opt-in: without ``--online`` only the cache is read (and only if it already exists). Online,
``GET {HF_ENDPOINT}/api/models/{repo}[/revision/{rev}]?blobs=true`` gives the author, the
card's licence / base_model / datasets, the commit sha and each file's LFS sha256; answers
(including "not found") are cached with a TTL. A network failure is reported once through the
observer and leaves the facts unknown: it never raises and never invents a fact.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from gate import identity
from gate.errors import NetworkError
from gate.net import Net
from gate.progress import NullObserver, Observer

DEFAULT_ENDPOINT = "https://huggingface.co"
DEFAULT_TTL = 7 * 24 * 3600
CACHE_FILE = "hub.sqlite3"
_SCHEMA = 1


@dataclass(frozen=True, slots=True)
class HubFile:
    """One file of a Hub repository at a commit."""

    path: str
    size: int | None
    sha256: str | None
    """The LFS object's SHA-256 (weights); None for files kept in git."""


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What the Hub says about one model repository at one commit."""

    repo_id: str
    sha: str | None
    author: str | None
    license: str | None
    license_name: str | None
    license_link: str | None
    base_models: tuple[str, ...]
    base_model_relation: str | None
    datasets: tuple[str, ...]
    files: tuple[HubFile, ...]
    gated: bool
    endpoint: str

    @property
    def where(self) -> str:
        """A stable reference for provenance: the API path and commit."""
        at = f"@{self.sha}" if self.sha else ""
        return f"{self.endpoint}/api/models/{self.repo_id}{at}"


def _as_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, list):
        return tuple(str(v) for v in value if isinstance(v, str) and v.strip())
    return ()


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def parse_model_info(doc: Mapping[str, Any], endpoint: str, asked: str) -> ModelInfo:
    """A model-info JSON document (the Hub's shape) as a ModelInfo; unknown fields are ignored."""
    card = doc.get("cardData")
    card = card if isinstance(card, Mapping) else {}
    licence = card.get("license")
    if isinstance(licence, list):
        licence = " OR ".join(str(v) for v in licence if isinstance(v, str))
    files = []
    for sib in doc.get("siblings") or ():
        if not isinstance(sib, Mapping) or not isinstance(sib.get("rfilename"), str):
            continue
        lfs = sib.get("lfs") if isinstance(sib.get("lfs"), Mapping) else {}
        sha = lfs.get("sha256") if isinstance(lfs, Mapping) else None
        size = sib.get("size")
        files.append(
            HubFile(
                path=sib["rfilename"],
                size=int(size) if isinstance(size, int) else None,
                sha256=sha.lower() if isinstance(sha, str) and len(sha) == 64 else None,
            )
        )
    repo = _text(doc.get("id")) or _text(doc.get("modelId")) or asked
    relation = _text(card.get("base_model_relation"))
    return ModelInfo(
        repo_id=repo,
        sha=_text(doc.get("sha")),
        author=_text(doc.get("author")),
        license=_text(licence),
        license_name=_text(card.get("license_name")),
        license_link=_text(card.get("license_link")),
        base_models=_as_list(card.get("base_model")),
        base_model_relation=relation,
        datasets=_as_list(card.get("datasets")),
        files=tuple(sorted(files, key=lambda f: f.path)),
        gated=bool(doc.get("gated")),
        endpoint=endpoint,
    )


class HubCache:
    """SQLite cache of Hub answers, and an index of LFS sha256 → (repo, commit, file)."""

    def __init__(self, path: Path, *, writable: bool, observer: Observer) -> None:
        self.path = path
        self.observer = observer
        self._db: sqlite3.Connection | None = None
        try:
            if writable:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._db = sqlite3.connect(path, timeout=5.0)
                self._db.executescript(
                    """
                    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
                    CREATE TABLE IF NOT EXISTS answers (
                        key TEXT PRIMARY KEY, status INTEGER, body TEXT, fetched REAL);
                    CREATE TABLE IF NOT EXISTS lfs (
                        sha256 TEXT, repo TEXT, revision TEXT, path TEXT,
                        PRIMARY KEY (sha256, repo, path));
                    """
                )
                self._db.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(_SCHEMA),)
                )
                self._db.commit()
            elif path.is_file():
                self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5.0)
                self._db.execute("SELECT 1 FROM answers LIMIT 1")
        except (sqlite3.Error, OSError) as exc:
            observer.warn(f"Hub cache {path} is not usable ({exc}); it is ignored")
            self._db = None

    def get(self, key: str) -> tuple[int, str, float] | None:
        """(status, body, fetched-at) for a key, or None."""
        if self._db is None:
            return None
        try:
            row = self._db.execute(
                "SELECT status, body, fetched FROM answers WHERE key = ?", (key,)
            ).fetchone()
        except sqlite3.Error as exc:
            self.observer.warn(f"Hub cache {self.path} could not be read ({exc}); it is ignored")
            self._db = None
            return None
        return (int(row[0]), str(row[1]), float(row[2])) if row else None

    def put(self, key: str, status: int, body: str, info: ModelInfo | None) -> None:
        """Store an answer (and index its LFS files); a failing write only warns."""
        if self._db is None:
            return
        try:
            with self._db:
                self._db.execute(
                    "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)",
                    (key, status, body, time.time()),
                )
                if info is not None and info.sha:
                    self._db.executemany(
                        "INSERT OR REPLACE INTO lfs VALUES (?, ?, ?, ?)",
                        [
                            (f.sha256, info.repo_id, info.sha, f.path)
                            for f in info.files
                            if f.sha256
                        ],
                    )
        except sqlite3.Error as exc:
            self.observer.warn(f"Hub cache {self.path} could not be written ({exc})")

    def files_with_sha256(self, sha256: str) -> list[tuple[str, str, str]]:
        """Known Hub files with this content: (repo, commit, path), sorted."""
        if self._db is None:
            return []
        try:
            rows = self._db.execute(
                "SELECT repo, revision, path FROM lfs WHERE sha256 = ?"
                " ORDER BY repo, revision, path",
                (sha256.lower(),),
            ).fetchall()
        except sqlite3.Error:
            return []
        return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]

    def close(self) -> None:
        """Close the database."""
        if self._db is not None:
            self._db.close()
            self._db = None


def default_cache_dir() -> Path | None:
    """``$XDG_CACHE_HOME/aigate`` (or ``~/.cache/aigate``); None when AIGATE_NO_CACHE is set."""
    if os.environ.get("AIGATE_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aigate"


class Hub:
    """Model info from the Hub: cache first, the network only when online."""

    def __init__(
        self,
        *,
        online: bool,
        cache_dir: Path | None,
        observer: Observer | None = None,
        endpoint: str | None = None,
        token: str | None = None,
        ttl: float = DEFAULT_TTL,
        net: Net | None = None,
        max_requests: int = 500,
    ) -> None:
        self.online = online
        self.observer = observer or NullObserver()
        self.endpoint = (endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
        self.token = token if token is not None else os.environ.get("HF_TOKEN") or None
        self.ttl = ttl
        self.net = net or Net(online=online)
        self.max_requests = max_requests
        self.requests = 0
        self.failed = False
        self._warned: set[str] = set()
        self._memo: dict[str, ModelInfo | None] = {}
        cache_path = cache_dir / CACHE_FILE if cache_dir is not None else None
        self.cache = (
            HubCache(cache_path, writable=online, observer=self.observer)
            if cache_path is not None
            else None
        )

    def _warn_once(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            self.observer.warn(message)

    def model_info(self, repo_id: str, revision: str | None = None) -> ModelInfo | None:
        """What the Hub (or its cache) says about a repo; None when unknown or not found."""
        if not identity.is_hf_repo_id(repo_id):
            return None
        key = f"{self.endpoint}|model|{repo_id.lower()}|{revision or 'main'}"
        if key in self._memo:
            return self._memo[key]
        info = self._model_info(key, repo_id, revision)
        self._memo[key] = info
        return info

    def _from_cache(self, key: str, repo_id: str) -> tuple[ModelInfo | None, bool, bool]:
        """(info, found in cache, still fresh)."""
        cached = self.cache.get(key) if self.cache is not None else None
        if cached is None:
            return None, False, False
        status, body, fetched = cached
        fresh = time.time() - fetched < self.ttl
        if status != 200:
            return None, True, fresh
        try:
            doc = json.loads(body)
        except ValueError:
            return None, False, False
        if not isinstance(doc, Mapping):
            return None, False, False
        return parse_model_info(doc, self.endpoint, repo_id), True, fresh

    def _model_info(self, key: str, repo_id: str, revision: str | None) -> ModelInfo | None:
        info, cached, fresh = self._from_cache(key, repo_id)
        if cached and (fresh or not self.online):
            return info
        if not self.online or self.failed:
            return info
        if self.requests >= self.max_requests:
            self._warn_once(
                "budget",
                f"Hub: stopped after {self.max_requests} requests in this run; "
                "further facts come from the cache only",
            )
            return info
        self.requests += 1
        path = f"/api/models/{repo_id}"
        if revision:
            path += f"/revision/{quote(revision, safe='')}"
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        try:
            resp = self.net.get(self.endpoint + path, headers=headers, params={"blobs": "true"})
        except NetworkError as exc:
            self.failed = True
            self._warn_once(
                "network",
                f"Hugging Face Hub unreachable ({exc}); facts not in the registry or the cache "
                "stay unknown",
            )
            return info
        if resp.status == 200:
            try:
                doc = json.loads(resp.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                doc = None
            if not isinstance(doc, Mapping):
                self._warn_once("shape", f"Hub: {resp.url} did not return a model-info JSON object")
                return info
            fresh_info = parse_model_info(doc, self.endpoint, repo_id)
            if self.cache is not None:
                self.cache.put(key, 200, json.dumps(doc, sort_keys=True), fresh_info)
            return fresh_info
        if resp.status == 404:
            if self.cache is not None:
                self.cache.put(key, 404, "", None)
            return None
        if resp.status in (401, 403):
            self._warn_once(
                f"auth:{repo_id}",
                f"Hub: {repo_id} is gated or private (HTTP {resp.status}); set HF_TOKEN to read "
                "it; its facts stay unknown",
            )
            return info
        self._warn_once(
            f"status:{resp.status}",
            f"Hub: HTTP {resp.status} for {resp.url}; facts stay unknown",
        )
        return info

    def files_with_sha256(self, sha256: str) -> list[tuple[str, str, str]]:
        """Hub files already seen (in the cache) whose LFS content has this SHA-256."""
        return self.cache.files_with_sha256(sha256) if self.cache is not None else []

    def close(self) -> None:
        """Close the cache and the session."""
        if self.cache is not None:
            self.cache.close()
        self.net.close()
