"""Value shapes: what a string looks like before anyone asks what it names (a Hub id, an
Ollama tag, a Bedrock id, a Vertex resource name, a routing prefix, a path)."""

from __future__ import annotations

import re
from functools import cache
from urllib.parse import urlsplit

from gate import identity
from gate.recognise.knowledge import Knowledge, conventions, providers

MAX_VALUE = 300
"""Longer strings are prose or data, never a model name."""

OLLAMA_NAME = re.compile(
    r"^[a-z0-9][a-z0-9._-]*(?:/[a-z0-9][a-z0-9._-]*)?(?::[A-Za-z0-9][A-Za-z0-9._-]*)?$"
)
OLLAMA_TAGGED = re.compile(r"^[a-z0-9][a-z0-9._-]*(?:/[a-z0-9][a-z0-9._-]*)?:[A-Za-z0-9._-]+$")
# Bedrock model ids: vendor.model[-version][:n], optionally behind a cross-region inference
# profile prefix (AWS "Supported Regions and models for inference profiles", read 2026-12:
# us., eu., apac., jp., au., ca., us-gov., global.).
BEDROCK_ID = re.compile(
    r"^(?:(?:us|eu|apac|jp|au|ca|global|us-gov)\.)?"
    r"(?:anthropic|amazon|meta|cohere|ai21|mistral|stability|deepseek|qwen|writer|openai"
    r"|twelvelabs|luma|moonshot|minimax)"
    r"\.[a-z0-9][\w.-]*(?::\d+)?$"
)
# Bedrock model ARNs (AWS "Amazon Bedrock resource types" / "Inference profiles": the
# `modelId` of Converse/InvokeModel takes an ARN as well as an id):
# arn:<partition>:bedrock:<region>:<account>:inference-profile/<profile id> (a system-defined
# cross-region profile, whose id is the model id behind a geography prefix) and
# arn:<partition>:bedrock:<region>::foundation-model/<model id>. An application inference
# profile (`application-inference-profile/<random id>`) names no model and is not matched.
BEDROCK_ARN = re.compile(
    r"^arn:aws(?:-us-gov)?:bedrock:(?P<region>[a-z]{2}(?:-gov)?-[a-z]+-\d):\d*:"
    r"(?:inference-profile|foundation-model)/(?P<model>[a-z0-9][\w.:-]*)$"
)
# Vertex AI publisher model resource names: publishers/<publisher>/models/<model>[@version],
# optionally behind projects/<p>/locations/<region>/.
VERTEX_RESOURCE = re.compile(
    r"^(?:projects/[^/]+/locations/(?P<region>[a-z0-9-]+)/)?"
    r"publishers/(?P<publisher>[a-z0-9-]+)/models/(?P<model>[A-Za-z0-9][\w.@-]*)$"
)
# Tags only Ollama (and GGUF quantisers) write: a size, a quantisation, ``latest``. No hosted
# API names a model "qwen3:4b", so such a value is an Ollama tag whichever provider a
# config names beside it ({"provider": "Alibaba", "model": "qwen3:4b"} in an Ollama catalogue).
OLLAMA_SIZE_TAG = re.compile(
    r"^(?:latest|\d+(?:\.\d+)?[bmk](?:[-_.][\w.-]*)?|q\d[\w.-]*|fp16|fp32|bf16|f16|e\d+b[\w.-]*)$",
    re.IGNORECASE,
)
BARE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")
# A lower-case word joined by underscores only (``qwen2_vl``, ``qwen2_5_vl``, ``deepseek_vl_v2``):
# a program's identifier (a transformers ``model_type``, a dispatch key), not a hosted API's
# name: of the 2,171 names in served_names.json, only Vertex's ``chirp_2``/``chirp_3`` have
# this shape, and the served-names table is asked before it (2026-12-07). A hosted-model pattern
# written with an underscore (Zhipu's retired ``chatglm_*``) still speaks for such names.
SNAKE_IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
_WEIGHT_EXT = re.compile(
    r"\.(?:safetensors|gguf|ggml|bin|pt|pth|ckpt|pkl|onnx|h5|keras|tflite|pb|json|yaml|yml)$",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s")
# Characters no model name, id or tag holds: chat-template tokens ("<|im_end|>"), templates.
_MARKUP = re.compile(r"[<>|{}\[\]]")
_HF_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})
# A run of 24+ letters and digits mixing cases and digits, with no separator: base64 or
# hex data (a serialised model in a JSON export), never a Hub org or repo name.
_BLOB = re.compile(r"^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[A-Za-z0-9]{24,}$")
_WINDOWS_PATH = re.compile(r"^[A-Za-z]:[\\/]")


# What a dataset repo's data files end in (the json/csv/parquet/text/arrow builders read them).
_DATA_FILE = re.compile(r"\.(?:jsonl?|csv|tsv|parquet|arrow|txt)$", re.IGNORECASE)


def dataset_of_data_file(value: str) -> str | None:
    """``org/name/train.json`` (a config's dataset key: axolotl's ``bench_dataset``) is a
    file of the Hub dataset ``org/name``: that id, else None. A path whose first folder is a
    folder word (``data/x/y.json``) or that starts like a path is a local file."""
    segs = value.strip().split("/")
    if len(segs) < 3 or "" in segs or not _DATA_FILE.search(segs[-1]):
        return None
    repo = "/".join(segs[:2])
    if not identity.is_hf_repo_id(repo) or looks_like_path(repo):
        return None
    return repo


def looks_like_path(value: str) -> bool:
    """A filesystem path rather than a hub id (``./x``, ``/opt/m``, ``models/x``, ``a/b/c``,
    ``C:\\models\\x``, ``~/m``)."""
    if value.startswith(("/", "./", "../", "~", "\\")) or "\\" in value:
        return True
    if _WINDOWS_PATH.match(value):
        return True
    if value.count("/") > 1 or _WEIGHT_EXT.search(value):
        return True
    org = value.split("/", 1)[0] if "/" in value else ""
    return org.lower() in conventions().path_orgs


def hf_repo_of_url(value: str) -> tuple[str, str | None] | None:
    """``(org/name, revision)`` from a huggingface.co or hf.co URL, else None."""
    text = value.strip()
    if text.startswith(("hf.co/", "huggingface.co/")):
        text = "https://" + text
    if text.startswith("hf://"):
        # hf://org/name[@rev][/file] (Keras 3 load_model, huggingface_hub's HfFileSystem);
        # hf://datasets/... and hf://spaces/... name no model.
        segs = [s for s in text[len("hf://") :].split("/") if s]
        if segs and segs[0] == "models":
            segs = segs[1:]
        if len(segs) < 2 or segs[0] in ("datasets", "spaces"):
            return None
        name, _, rev = segs[1].partition("@")
        repo = f"{segs[0]}/{name}"
        return (repo, rev or None) if identity.is_hf_repo_id(repo) else None
    if "://" not in text:
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if (parts.hostname or "").lower() not in _HF_HOSTS:
        return None
    segs = [s for s in parts.path.split("/") if s]
    if segs and segs[0] in ("models", "datasets", "spaces"):
        if segs[0] != "models":
            return None
        segs = segs[1:]
    if len(segs) < 2:
        return None
    repo = f"{segs[0]}/{segs[1].split(':', 1)[0]}"
    revision = segs[3] if len(segs) > 3 and segs[2] in ("resolve", "blob", "tree") else None
    return (repo, revision) if identity.is_hf_repo_id(repo) else None


def hf_quantization(value: str) -> str | None:
    """The tag of an Ollama pull of a Hub GGUF repo (``hf.co/org/x-GGUF:Q4_K_M`` → Q4_K_M)."""
    if "://" in value or value.count(":") != 1:
        return None
    tag = value.rsplit(":", 1)[1]
    return tag if tag and "/" not in tag else None


def hf_repo(value: str, kn: Knowledge, *, allow_bare: bool) -> str | None:
    """The Hub repo id a model string names, or None (paths, prose, unknown bare names)."""
    legacy = kn.providers.hf_legacy.get(value)
    if legacy:
        return legacy
    if "/" in value:
        if looks_like_path(value) or not identity.is_hf_repo_id(value.replace("*", "x")):
            return None
        if any(_BLOB.match(part) for part in value.split("/")):
            return None
        return value
    if allow_bare and BARE_NAME.match(value) and ":" not in value:
        return value
    return None


_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
"""``AZURE_OPENAI_DEPLOYMENT_NAME``: the name of a setting, not its value."""
_MODULE_PATH = re.compile(r"^[a-z_][a-z0-9_]*(?:\.[a-z_][a-z0-9_]*){2,}$")
"""``embeddings.implementations.openai``: a dotted import path (model ids that use dots, such
as Bedrock's ``amazon.titan-embed-text-v1``, carry a hyphen, a digit run or a colon)."""
_NUMBER = re.compile(r"^[\d.,_]+[kKmM]?$")
"""``128000``, ``1.5``, ``32k``: a size or a version, never a model's name."""
_UNFINISHED = ("-", "_", ".", "/", ":")
"""A name ending in one of these is a prefix a program matches on (``claude-``, ``gpt-``)."""


def is_model_value(value: str) -> bool:
    """False for values that are never model names (``default``, ``none``, prose, URLs,
    setting names, import paths, name prefixes, time zones)."""
    text = value.strip()
    if not text or len(text) > MAX_VALUE or _SPACE.search(text) or _MARKUP.search(text):
        return False
    conv = conventions()
    lower = text.lower()
    if lower in conv.not_model_values or text.endswith(_UNFINISHED):
        return False
    if lower.startswith(conv.placeholder_prefixes):
        return False  # your-model-name: a placeholder to fill in
    if _ENV_NAME.match(text) or _MODULE_PATH.match(text) or _NUMBER.match(text):
        return False
    area, slash, _ = text.partition("/")
    return not (slash and area in conv.time_zone_areas)


def split_prefix(value: str, sep: str) -> tuple[str, str] | None:
    """``(head, rest)`` of ``head<sep>rest`` when both are non-empty."""
    if sep not in value:
        return None
    head, _, rest = value.partition(sep)
    return (head, rest) if head and rest else None


def port_of(url: str) -> int | None:
    """The port a URL or ``host:port`` names, if any."""
    text = url if "://" in url else "//" + url
    try:
        return urlsplit(text).port
    except ValueError:
        return None


@cache
def model_literal_regex(backticks: bool = True) -> re.Pattern[bytes]:
    """A quoted string that may be a model name: a hosted model's prefix, an open model
    family, or an ``org/name`` shape. Used to decide whether a file is worth parsing.
    ``backticks``: whether a backtick quotes (JS template literals, Go raw strings); in
    Python it is no quote, and a span of prose in backticks inside a message (``"see the
    `unet/config.json` file"``) or a docstring is no literal of its own."""
    from gate.registry import apimodels

    prefixes: set[str] = set(conventions().open_model_families)
    for row in apimodels.api_models():
        literal = re.split(r"[*?\[]", row.pattern, maxsplit=1)[0]
        if len(literal) >= 2:
            prefixes.add(literal)
    alternatives = "|".join(re.escape(p) for p in sorted(prefixes, key=len, reverse=True))
    provs = providers()
    routes = "|".join(re.escape(p) for p in sorted({*provs.litellm, "publishers"}, key=len)[::-1])
    named = "|".join(re.escape(p) for p in sorted(provs.aliases, key=len, reverse=True))
    # the prefixes of id shapes one provider defines (providers.yaml id_shapes: @cf/, accounts/)
    starts = provs.id_shape_prefixes
    shaped = "|".join(re.escape(p) for p in sorted(starts, key=len, reverse=True))
    pattern = (
        rf"[\"'`](?:{alternatives})[\w.:-]*[\"'`]"
        # org/name, with a gateway's variant tag (OpenRouter's qwen/qwen3-8b:free)
        r"|[\"'`][A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*(?::[\w.-]+)?[\"'`]"
        + (rf"|[\"'`](?:{shaped})[\w.@:/-]+[\"'`]" if shaped else "")
        + r"|[\"'`][a-z0-9][\w.-]*:[\w.-]+[\"'`]"
        # routing prefixes before a multi-part name (together_ai/Qwen/x, cloudflare/@cf/...),
        # AI SDK registry strings (togetherai:Qwen/x) and Hub URLs
        rf"|[\"'`](?:{routes})/[\w.@:/-]+[\"'`]"
        rf"|[\"'`](?:{named}):[\w.@:/-]+[\"'`]"
        r"|[\"'`](?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/[\w.:/-]+[\"'`]"
        r"|[\"'`]hf://[\w.@:/-]+[\"'`]"  # Keras 3 / HfFileSystem Hub ids
        r"|[\"'`]arn:aws[\w-]*:bedrock:"  # Bedrock model and inference-profile ARNs
    )
    if not backticks:
        pattern = pattern.replace(r"[\"'`]", r"[\"']")
    # Matched against the lower-cased bytes (``has_model_literal``): the same matches as
    # re.IGNORECASE, at less than half its cost on an alternation this long. The pattern holds
    # no escape whose meaning lower-casing changes (only ``\w``, and re.escape escapes no
    # letter), so lower-casing it is exact.
    return re.compile(pattern.lower().encode())


def has_model_literal(data: bytes, *, backticks: bool = True) -> bool:
    """Whether the bytes hold a quoted string that may be a model name (any letter case);
    ``backticks`` as in :func:`model_literal_regex`."""
    return model_literal_regex(backticks).search(data.lower()) is not None
