"""Canonical component identities: one spelling per thing, so evidence merges.

``hf:<org>/<name>@<revision|unpinned>``, ``api:<provider>/<model>``,
``ollama:<name>:<tag>``, ``file:sha256:<hex>``, ``assistant:<vendor>/<product>``,
``dataset:hf:<org>/<name>``, ``dataset:modelscope:<org>/<name>``,
``modelscope:<org>/<name>@<rev>``, ``local:<path>`` (a model directory in the tree with no
hub id), ``pkg:<purl-type>/<name>`` (SDKs).
"""

from __future__ import annotations

import re

from gate.model import ComponentId

UNPINNED = "unpinned"

_HF_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}/[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
_SHA = re.compile(r"^[0-9a-f]{40}$")


def is_hf_repo_id(text: str) -> bool:
    """``org/name`` in the Hub's spelling (no scheme, no extra slashes, no spaces)."""
    return bool(_HF_REPO.match(text)) and ".." not in text and not text.endswith((".", "-"))


def is_pinned_revision(revision: str | None) -> bool:
    """A revision pins content only when it is a full commit sha (branches and tags move)."""
    return bool(revision) and bool(_SHA.match(revision or ""))


def hf(repo_id: str, revision: str | None = None) -> ComponentId:
    """A Hugging Face model."""
    return ComponentId(f"hf:{repo_id}@{revision or UNPINNED}")


def hf_dataset(repo_id: str) -> ComponentId:
    """A Hugging Face dataset."""
    return ComponentId(f"dataset:hf:{repo_id}")


def modelscope(repo_id: str, revision: str | None = None) -> ComponentId:
    """A ModelScope model (a hub hosted in CN)."""
    return ComponentId(f"modelscope:{repo_id}@{revision or UNPINNED}")


def modelscope_dataset(repo_id: str) -> ComponentId:
    """A ModelScope dataset."""
    return ComponentId(f"dataset:modelscope:{repo_id}")


def api(provider: str, model: str) -> ComponentId:
    """A hosted model API."""
    return ComponentId(f"api:{provider.lower()}/{model}")


def ollama(name: str) -> ComponentId:
    """An Ollama model; the tag defaults to ``latest`` as Ollama does."""
    base, _, tag = name.partition(":")
    return ComponentId(f"ollama:{base.lower()}:{tag or 'latest'}")


def file_digest(sha256: str) -> ComponentId:
    """A weight file known only by its content."""
    return ComponentId(f"file:sha256:{sha256}")


def local(path: str) -> ComponentId:
    """A model directory inside the scanned tree with no hub id."""
    return ComponentId(f"local:{path}")


def assistant(vendor: str, product: str) -> ComponentId:
    """A coding assistant."""
    return ComponentId(f"assistant:{vendor.lower()}/{product.lower()}")


def name_key(name: str) -> str:
    """An assistant's name as spellings are compared (``Claude Code``, ``claude-code`` and
    ``ClaudeCode`` agree): lower case, ASCII letters and digits only; empty for a name with
    none (``通义灵码``), which then matches only as written."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def package_name(ecosystem: str, name: str) -> str:
    """A package name as its registry compares names: PEP 503 for PyPI (``Foo_Bar`` is
    ``foo-bar``), lower case for npm. Discovery's SDK catalogue and the registry's package
    publishers match names through this one rule."""
    lowered = name.strip().lower()
    return re.sub(r"[-_.]+", "-", lowered) if ecosystem == "pypi" else lowered


def package(purl_type: str, name: str) -> ComponentId:
    """An SDK or framework dependency (no version: one component per package)."""
    return ComponentId(f"pkg:{purl_type}/{name.lower()}")


def pinned(cid: str) -> bool | None:
    """Whether an identity fixes content: a hub commit sha, a content hash, an Ollama digest;
    None where pinning does not apply (hosted APIs, SDKs)."""
    kind = scheme(cid)
    if kind in ("hf", "modelscope"):
        return is_pinned_revision(split_hf(cid)[1])
    if kind in ("file", "local"):
        return True
    if kind == "ollama":
        tag = cid.split(":", 1)[1].partition(":")[2]
        return tag.startswith("sha256:")
    return None


_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")
_OLLAMA_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*(?:/[A-Za-z0-9][A-Za-z0-9._-]*){0,3}$", re.I)
_OLLAMA_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._:-]{0,127}$")
MAX_LENGTH = 1024
"""No identity aigate writes is longer; a longer reference is refused, not looked up."""


def problem(cid: str) -> str | None:
    """What makes an identity malformed for its scheme, or None when it is well formed.

    ``ollama:`` with no name, ``file:sha256:zz`` (not 64 hex digits), ``hf:`` without
    ``org/name``, ``api:`` without a provider and a model are refused, not looked up.
    """
    if len(cid) > MAX_LENGTH:
        return f"longer than {MAX_LENGTH} characters"
    kind, sep, body = cid.partition(":")
    kind = kind.lower()
    if not sep:
        return "no scheme (hf:, api:, ollama:, file:, local:, dataset:, modelscope:, assistant:)"
    if kind in ("hf", "modelscope"):
        repo, _, rev = body.partition("@")
        if not is_hf_repo_id(repo):
            return f"{kind}: needs org/name (e.g. {kind}:Qwen/Qwen2.5-7B-Instruct)"
        if "@" in body and not _KEY.match(rev):
            return f"{kind}: the revision after '@' is empty or malformed"
        return None
    if kind == "api":
        provider, _, model = body.partition("/")
        if not _KEY.match(provider) or not model.strip():
            return "api: needs <provider>/<model> (e.g. api:deepseek/deepseek-chat)"
        return None
    if kind == "ollama":
        name, _, tag = body.partition(":")
        if name.lower().startswith(("hf.co/", "huggingface.co/")):
            repo_ok = is_hf_repo_id(name.split("/", 1)[1])
        else:
            repo_ok = bool(_OLLAMA_NAME.match(name))
        if not repo_ok or (":" in body and not _OLLAMA_TAG.match(tag)):
            return "ollama: needs <name>[:<tag>] (e.g. ollama:qwen2.5-coder:7b)"
        return None
    if kind == "file":
        algo, _, digest = body.partition(":")
        if algo != "sha256" or not _SHA256.match(digest):
            return "file: needs sha256:<64 lower-case hex digits>"
        return None
    if kind == "dataset":
        hub, _, repo = body.partition(":")
        if hub not in ("hf", "modelscope") or not is_hf_repo_id(repo):
            return "dataset: needs hf:<org>/<name> or modelscope:<org>/<name>"
        return None
    if kind == "assistant":
        vendor, _, product = body.partition("/")
        if not _KEY.match(vendor) or not product.strip():
            return "assistant: needs <vendor>/<product> (e.g. assistant:anthropic/claude-code)"
        return None
    if kind == "local":
        return None if body.strip() else "local: needs the model folder's path"
    if kind == "pkg":
        ptype, _, name = body.partition("/")
        return None if _KEY.match(ptype) and name.strip() else "pkg: needs <type>/<name>"
    return f"unknown scheme {kind!r}"


def scheme(cid: str) -> str:
    """The identity's scheme (``hf``, ``api``, ``ollama``, ...)."""
    return cid.split(":", 1)[0]


def split_hf(cid: str) -> tuple[str, str | None]:
    """``hf:org/name@rev`` → (``org/name``, rev or None when unpinned)."""
    body = cid.split(":", 1)[1]
    repo, _, rev = body.rpartition("@")
    if not repo:
        return body, None
    return repo, (None if rev == UNPINNED else rev)


# A huggingface purl's namespace, name and revision made only of these characters come out
# of packageurl as they went in (none is percent-encoded, none is stripped; the type lists
# that lower-case or rewrite a name do not include huggingface), the revision lower-cased.
_PURL_PLAIN = re.compile(r"[A-Za-z0-9._-]+")
# ... so a huggingface purl spelled with them, its revision in lower case, is one packageurl
# reads back and writes unchanged.
_HF_PURL_PLAIN = re.compile(r"pkg:huggingface/[A-Za-z0-9._-]+/[A-Za-z0-9._-]+(?:@[a-z0-9._-]+)?")


def hf_purl(repo: str, revision: str | None) -> str:
    """``PackageURL("huggingface", org, name, revision).to_string()`` of a Hub repo: built
    directly when every part is plain (10,000 components: 0.3 s less), else by packageurl."""
    namespace, _, name = repo.rpartition("/")
    plain = _PURL_PLAIN.fullmatch
    if plain(name) and (not namespace or plain(namespace)) and (not revision or plain(revision)):
        at = f"@{revision.lower()}" if revision else ""
        return (
            f"pkg:huggingface/{namespace}/{name}{at}"
            if namespace
            else f"pkg:huggingface/{name}{at}"
        )
    from packageurl import PackageURL

    return str(PackageURL("huggingface", namespace or None, name, revision).to_string())


def normal_purl(text: str) -> str:
    """``PackageURL.from_string(text).to_string()``: a purl as packageurl writes it; a plain
    huggingface purl (:data:`_HF_PURL_PLAIN`) is already written so and returned as it is."""
    if _HF_PURL_PLAIN.fullmatch(text):
        return text
    from packageurl import PackageURL

    return str(PackageURL.from_string(text).to_string())
