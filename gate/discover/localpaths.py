"""Local model paths outside the scanned tree: a model the release loads from a machine's
disk (``/data/models/…``, ``D:\\models\\…``, ``~/…``), known only by that path.

Such a model is a component of its own (``local:<path>``), recorded as unresolved: nothing
in the tree says what it is, so its origin is unknown and the policy judges it so. When the
folder's name is the name of a known model (``…/Mistral-7B-v0.3``), that model is suggested
as its base, marked as a heuristic (a folder can be named anything).
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Mapping

from gate import identity
from gate.discover import refs
from gate.model import JSON, EvidenceKind, Role
from gate.recognise.knowledge import conventions

_WINDOWS = re.compile(r"^[A-Za-z]:[\\/]")
_WEIGHT_NAME = re.compile(r"\.(?:gguf|safetensors|bin|pt|pth|ckpt|onnx|h5|pkl)$", re.IGNORECASE)
NOT_IN_CHECKOUT = "local path outside the tree"
_METHOD = "(?:GET|POST|PUT|PATCH|DELETE)"
_ROUTE = re.compile(rf"^(?:{_METHOD}\s+/|/\S*\s+\({_METHOD}\)$)")
_VERSION = re.compile(r"^v\d+(?:(?:alpha|beta)\d*)?$")


def is_url_route(value: str) -> bool:
    """A URL path an app sends requests to (``/api/chat/x``, ``/proxy/api/v1/services/x``,
    ``/x/v1beta/openai/chat/completions``), not a folder on disk (``url_routes``)."""
    if not value.startswith("/") or value.startswith("//"):
        return False
    conv = conventions()
    segments = [s.lower() for s in value.split("?", 1)[0].split("/") if s]
    if not segments:
        return False
    if segments[0] in conv.route_first:
        return True
    return any(_VERSION.match(s) for s in segments) and any(s in conv.route_words for s in segments)


def is_outside(value: str) -> bool:
    """An absolute, Windows or home-relative path: never inside the scanned tree."""
    text = value.strip()
    if len(text) < 3 or "://" in text or "\n" in text or not re.search("[A-Za-z]", text):
        return False
    if _ROUTE.search(text) or is_url_route(text):
        return False  # an API route as an index documents it: "/train_model (POST)"
    return text.startswith(("/", "~/", "~\\", "\\\\")) or bool(_WINDOWS.match(text))


# Files a model-ish key may name that are no model (a tokenizer or training config).
_CONFIG_NAME = re.compile(r"\.(?:json|ya?ml|toml|txt|py|sh|md)$", re.IGNORECASE)


def in_tree_folder(value: str) -> str | None:
    """A path relative to the tree's root whose first folder is one projects keep models in
    (``models/Llama-3.1-8B-Instruct``, ``checkpoints/run1``: config_vocabulary
    ``path_orgs``), normalised; None for anything else (a Hub id, ``./x``, a template, a
    config file). Scripts and recipes name such folders from the root they are run from;
    the folder is often gitignored, so the checkout need not hold it."""
    text = value.strip()
    if (
        not text
        or text.startswith(("/", ".", "~", "-"))
        or "://" in text
        or "\\" in text
        or any(c in text for c in "$*{}<>|:;, \t\n\"'")
        or _CONFIG_NAME.search(text)
    ):
        return None
    head, _, rest = text.partition("/")
    if not rest.strip("/") or head.lower() not in refs.conventions().path_orgs:
        return None
    return posixpath.normpath(text)


# Folder names documentation writes for "put your path here" (`./path_to_finetuned_model`,
# `/path/to/model`, `your_model_dir`, `<model-path>`): no model is there to report.
_PLACEHOLDER_SEGMENT = re.compile(r"^(?:path[_-]?to(?:[_-]|$)|your[_-]|<)", re.IGNORECASE)


def is_placeholder(path: str) -> bool:
    """A path a template or README leaves for the user to fill in, not a real folder."""
    segments = [s for s in _normalised(path).lower().split("/") if s not in ("", ".")]
    if any(_PLACEHOLDER_SEGMENT.match(s) for s in segments):
        return True
    return any(a == "path" and b == "to" for a, b in itertools.pairwise(segments))


def _normalised(path: str) -> str:
    return path.strip().replace("\\\\", "/").replace("\\", "/").rstrip("/")


# Quantisation and format suffixes a local copy adds to its model's name.
_QUANT_SUFFIX = re.compile(
    r"[-_.](?:gptq|awq|gguf|ggml|exl2|mlx|bnb|int[348]|fp8|fp16|bf16|[48]bit|q\d(?:_k)?(?:_[msl])?)$",
    re.IGNORECASE,
)


def suggested_base(path: str) -> str | None:
    """The Hub repo of a known model whose name is the path's last folder (or file stem),
    once quantisation suffixes are dropped (``Qwen2-7B-Instruct-GPTQ-Int4`` → Qwen2-7B-Instruct)."""
    name = _WEIGHT_NAME.sub("", _normalised(path).rsplit("/", 1)[-1])
    known = refs.current_knowledge().registry  # the run's registry, user files included
    while name:
        repo = known.known_repo_for_name(name)
        if repo is not None:
            return repo
        shorter = _QUANT_SUFFIX.sub("", name)
        if shorter == name:
            return None
        name = shorter
    return None


def ref(
    path: str, extra: Mapping[str, JSON] | None = None, *, reason: str | None = NOT_IN_CHECKOUT
) -> refs.Ref:
    """The reference for a model loaded from a path outside the tree (or, ``reason`` says,
    a path in it that the checkout does not hold; None: a tree path that may or may not be
    there, a compose volume's host folder)."""
    written = path.strip()
    attrs: dict[str, JSON] = {"local_path": written, "unresolved": True, "pinned": False}
    if reason is not None:
        attrs["not_in_checkout"] = reason
    base = suggested_base(written)
    if base is not None:
        attrs["declared"] = {
            "base_models": [
                {
                    "ref": base,
                    "relation": "unknown",
                    "source": "heuristic",
                    "detail": f"the folder name of {written!r} is the name of {base}",
                }
            ],
            "provenance": {},
        }
    if extra:
        attrs.update(extra)
    return refs.Ref(
        identity.local(_normalised(written)), Role.RUNTIME_MODEL, EvidenceKind.CONFIG_REF, attrs
    )
