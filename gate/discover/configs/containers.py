"""Containers running a model server (compose services, Kubernetes pods, Helm values)
and the commands they run."""

from __future__ import annotations

import fnmatch
import functools
import posixpath
import re
import shlex
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from gate.discover import (
    localpaths,
    refs,
)
from gate.discover.configs.nodes import (
    _dataset_value,
    _is_dataset_key,
    _Node,
    _str,
    placeholder_default,
)
from gate.model import JSON, Confidence, EvidenceKind
from gate.recognise import SiteKind
from gate.recognise.knowledge import conventions

if TYPE_CHECKING:
    from gate.discover.configs.walker import _Walker

# --- containers and commands -------------------------------------------------------------


def _containers(entries: Mapping[str, _Node]) -> bool:
    image = entries.get("image")
    if image is None:
        # A compose service built from the tree's own Dockerfile has no image.
        return "build" in entries and any(k in entries for k in ("command", "entrypoint"))
    if isinstance(image.value, str):
        return True
    return isinstance(image.value, dict) and "repository" in image.value


def _image_name(entries: Mapping[str, _Node]) -> str:
    image = entries["image"].value if "image" in entries else ""
    if isinstance(image, dict):
        return _str(image.get("repository")) or ""
    return str(image)


def _server(image: str) -> Mapping[str, Any] | None:
    for server in refs.conventions().servers:
        if any(fnmatch.fnmatchcase(image.lower(), pat) for pat in server["images"]):
            return server
    return None


def _argv(node: _Node | None) -> list[tuple[str, _Node]]:
    """A command as (token, where) pairs: a list of strings, or a shell string."""
    if node is None:
        return []
    if isinstance(node.value, list):
        return [(str(item.value), item) for item in node.value if isinstance(item.value, str)]
    if isinstance(node.value, str):
        try:
            tokens = shlex.split(node.value, comments=True)
        except ValueError:
            tokens = node.value.split()
        return [(t, node) for t in tokens]
    return []


def _container(walker: _Walker, entries: Mapping[str, _Node], path: Sequence[str]) -> None:
    image = _image_name(entries)
    server = _server(image)
    argv: list[tuple[str, _Node]] = []
    for key in ("entrypoint", "command", "args"):
        argv += _argv(entries.get(key))
    where = ".".join(path)
    extra: dict[str, JSON] = {"image": image}
    volumes = _volumes(entries.get("volumes"))
    if server is not None:
        extra["server"] = server["name"]
        _server_args(walker, server, argv, where, extra, volumes)
        if server.get("positional_first") and "entrypoint" not in entries:
            _leading_model(walker, server, argv, where, extra, volumes)
        env = entries.get("environment") or entries.get("env")
        _server_env(walker, server, env, where, extra, volumes)
    _commands(walker, argv, where, extra)
    _flag_models(walker, argv, where, volumes)
    _hub_downloads(walker, argv, where)


def _volumes(node: _Node | None) -> list[tuple[str, str]]:
    """A compose service's bind mounts as (host path, container path): ``./models/x:/data``
    or the long form ``{source, target}``."""
    out: list[tuple[str, str]] = []
    for item in node.value if node is not None and isinstance(node.value, list) else ():
        if isinstance(item.value, str) and ":" in item.value:
            parts = item.value.split(":")
            if len(parts) >= 2 and parts[1].startswith("/"):
                out.append((parts[0], parts[1].rstrip("/") or "/"))
        elif isinstance(item.value, dict):
            source, target = _str(item.value.get("source")), _str(item.value.get("target"))
            if source and target and target.startswith("/"):
                out.append((source, target.rstrip("/") or "/"))
    return out


def _mounted(value: str, volumes: Sequence[tuple[str, str]]) -> str | None:
    """The host path a container path comes from, through the longest matching mount."""
    best: tuple[str, str] | None = None
    for host, target in volumes:
        inside = value == target or value.startswith(target + "/")
        if inside and (best is None or len(target) > len(best[1])):
            best = (host, target)
    if best is None:
        return None
    return best[0] + value[len(best[1]) :]


def _container_path(walker: _Walker, value: str, volumes: Sequence[tuple[str, str]]) -> refs.Ref:
    """A model folder inside a container: the host folder mounted there (a tree path, which
    the checkout may or may not hold), else the container's own path (outside the tree)."""
    host = _mounted(value, volumes)
    cwd = next((p for p in _CWD_PREFIXES if host is not None and host.startswith(p)), None)
    if host is not None and cwd is not None:
        # $PWD/models/x: the working directory a script is run from, taken as the root.
        path = posixpath.normpath(host[len(cwd) :])
        return localpaths.ref(path, reason=None)
    if host is not None and not localpaths.is_outside(host):
        path = posixpath.normpath(posixpath.join(posixpath.dirname(walker.rel), host))
        return localpaths.ref(path, reason=None)
    return localpaths.ref(host or value)


_CWD_PREFIXES = ("$PWD/", "${PWD}/", "$(pwd)/", "`pwd`/")


def _docker_volumes(argv: Sequence[tuple[str, _Node]]) -> list[tuple[str, str]] | None:
    """``docker run -v host:container`` mounts, or None when the line runs no container."""
    tokens = [t for t, _ in argv]
    if not any(tokens[i : i + 2] == ["docker", "run"] for i in range(len(tokens))):
        return None
    out: list[tuple[str, str]] = []
    for index, token in enumerate(tokens):
        spec: str | None = None
        if token in ("-v", "--volume") and index + 1 < len(tokens):
            spec = tokens[index + 1]
        elif token.startswith("--volume="):
            spec = token.split("=", 1)[1]
        if spec and ":" in spec:
            host, target = spec.split(":")[:2]
            if target.startswith("/"):
                out.append((host, target.rstrip("/") or "/"))
    return out


def _server_args(
    walker: _Walker,
    server: Mapping[str, Any],
    argv: Sequence[tuple[str, _Node]],
    where: str,
    extra: Mapping[str, JSON],
    volumes: Sequence[tuple[str, str]] = (),
) -> None:
    options = tuple(server.get("args") or ())
    tokens = [t for t, _ in argv]
    for index, (token, node) in enumerate(argv):
        value: str | None = None
        for option in options:
            if token == option and index + 1 < len(argv):
                value, node = argv[index + 1]
            elif token.startswith(option + "="):
                value = token.split("=", 1)[1]
        after = server.get("positional_after") or ()
        if value is None and index > 0 and tokens[index - 1] in after and not token.startswith("-"):
            value = token
        if value:
            _server_model(walker, server, value, node, where, {**extra, "argument": token}, volumes)


def _leading_model(
    walker: _Walker,
    server: Mapping[str, Any],
    argv: Sequence[tuple[str, _Node]],
    where: str,
    extra: Mapping[str, JSON],
    volumes: Sequence[tuple[str, str]],
) -> None:
    """``command: Qwen/Qwen3-4B-AWQ --revision ...`` under the image's own entrypoint
    (``vllm serve``): a first argument that is no option and reads as ``org/name`` (or its
    ``${VAR:-org/name}`` default) is the model served. A path is not read here: a
    Kubernetes ``command`` replaces the entrypoint (``/bin/bash -c ...``)."""
    if not argv:
        return
    token, node = argv[0]
    text = placeholder_default(token)[0]
    if text.startswith(("-", "/", ".", "~")) or "/" not in text or " " in text:
        return  # an option, a program (`/bin/bash -c`, a Kubernetes command), a path
    _server_model(walker, server, token, node, where, {**extra, "argument": "<model>"}, volumes)


def _server_env(
    walker: _Walker,
    server: Mapping[str, Any],
    env: _Node | None,
    where: str,
    extra: Mapping[str, JSON],
    volumes: Sequence[tuple[str, str]] = (),
) -> None:
    names = set(server.get("env") or ())
    for key, value, node in _env_pairs(env):
        if key in names and value:
            _server_model(walker, server, value, node, where, {**extra, "env_var": key}, volumes)


def _env_pairs(env: _Node | None) -> list[tuple[str, str, _Node]]:
    if env is None:
        return []
    out: list[tuple[str, str, _Node]] = []
    if isinstance(env.value, dict):
        for key, node in env.value.items():
            if isinstance(node.value, str):
                out.append((str(key), node.value, node))
    elif isinstance(env.value, list):
        for item in env.value:
            if isinstance(item.value, str) and "=" in item.value:
                key, _, value = item.value.partition("=")
                out.append((key.strip(), value.strip(), item))
            elif isinstance(item.value, dict):
                name = _str(item.value.get("name"))
                value_node = item.value.get("value")
                if name and value_node is not None and isinstance(value_node.value, str):
                    out.append((name, value_node.value, value_node))
    return out


def _server_model(
    walker: _Walker,
    server: Mapping[str, Any],
    value: str,
    node: _Node,
    where: str,
    extra: Mapping[str, JSON],
    volumes: Sequence[tuple[str, str]] = (),
) -> None:
    # ${MODEL_ID:-org/x}: the model served when the variable is unset.
    value = placeholder_default(value)[0]
    if "$" in value:
        return  # ${MODEL}: set elsewhere
    if value.startswith("/") and str(server["family"]) != "ollama":
        # --model-id=/data: a folder in the container, mounted from the host (compose
        # volumes) or baked into the image: a local model known by that path.
        walker.emit(
            _container_path(walker, value, volumes), value, node, Confidence.HIGH, where, extra
        )
        return
    family = str(server["family"])
    ctx = refs.RefContext(
        family=family, sdk=str(server["name"]), in_config=True, site=SiteKind.DEPLOYMENT
    )
    ref = refs.recognise_in(value, ctx)
    if ref is not None and ref.kind is not EvidenceKind.OLLAMA_REF:
        attrs = dict(ref.attributes)
        attrs.setdefault("host", "localhost")
        ref = replace(ref, attributes=attrs)
    walker.emit(ref, value, node, Confidence.HIGH, where, extra)


def _commands(
    walker: _Walker,
    argv: Sequence[tuple[str, _Node]],
    where: str,
    extra: Mapping[str, JSON],
    *,
    tree_relative: bool = False,
) -> None:
    """``ollama pull x``, ``huggingface-cli download org/x``, ``vllm serve org/x``...
    ``tree_relative``: as for :func:`_flag_models` (``vllm serve ./models/x`` in a script)."""
    tokens = [t for t, _ in argv]
    # `sh -c "ollama serve & ollama pull llama3"`: the script is one token to split again.
    for index, token in enumerate(tokens):
        if token in ("-c", "/c") and index + 1 < len(tokens) and " " in tokens[index + 1]:
            node = argv[index + 1][1]
            _commands(walker, _argv(_Node(tokens[index + 1], node.line, node.column)), where, extra)
    flags: dict[str, bool] = {}  # each flag looked up once for the line, not per command
    for index, command in refs.command_models(tokens):
        token, node = argv[index]
        option = command.get("option")
        if option is not None and token.startswith(f"{option}="):
            token = token.split("=", 1)[1]
        if "$" in token:
            continue
        prefix = [str(p) for p in command["argv"]]
        family = str(command["family"])
        hf_flag = command.get("hf_flag")
        if hf_flag and str(hf_flag) not in flags:
            flags[str(hf_flag)] = _flag_set(argv, str(hf_flag))
        if hf_flag and flags[str(hf_flag)]:
            family = "hf"  # swift sft --use_hf true: the Hugging Face Hub after all
        elif family.startswith("modelscope"):
            walker.commanded.add(id(node))
        ctx = refs.RefContext(family=family, sdk=prefix[0], in_config=True)
        ref = refs.recognise_in(token, ctx)
        if tree_relative and token.startswith(("./", "../")):
            ref = _tree_folder(walker, token)
        walker.emit(
            ref, token, node, Confidence.HIGH, where, {**extra, "command": " ".join(prefix)}
        )


@functools.cache
def _command_heads() -> re.Pattern[str]:
    """Where a known command (``vllm serve``, ``ollama pull``...) starts a shell line."""
    heads = sorted(
        (r"\s+".join(re.escape(str(word)) for word in command["argv"])
         for command in refs.conventions().commands),
        key=len,
        reverse=True,
    )  # fmt: skip
    return re.compile(r"(?:^|[\s;&|(])(?:" + "|".join(heads) + r")(?=\s)")


_SEPARATORS = (";", "&&", "||", "|", "&")


def command_string(walker: _Walker, key: str, node: _Node, where: str) -> None:
    """A config string holding a shell line that runs a known command (a Helm value
    ``cli: "vllm serve org/x --max-model-len 8192"`` the chart's container runs, a job's
    ``script:``): each command of the line that starts with it is read as on a command line.
    Only commands at the start of the line or after a separator count (``sh -c`` scripts
    too), not a known command's words inside prose."""
    text = str(node.value)
    if _command_heads().search(text) is None:
        return
    segment: list[tuple[str, _Node]] = []
    for token, where_node in [*_argv(node), (";", node)]:
        ends = token.endswith(_SEPARATORS)
        word = token.rstrip(";&|") if ends else token
        if word and not (ends and token in _SEPARATORS):
            segment.append((word, where_node))
        if ends:
            if segment and _starts_known(segment):
                _commands(walker, segment, where, {"key": key})
            segment = []


def _starts_known(argv: Sequence[tuple[str, _Node]]) -> bool:
    tokens = [t for t, _ in argv]
    for command in refs.conventions().commands:
        prefix = [str(p) for p in command["argv"]]
        if tokens[: len(prefix)] == prefix:
            return True
    return bool(tokens) and tokens[0] in ("sh", "bash", "/bin/sh", "/bin/bash")


def _flag_set(argv: Sequence[tuple[str, _Node]], flag: str) -> bool:
    """Whether a boolean option is on: ``--use_hf``, ``--use_hf true``, ``--use_hf=1``."""
    for index, (token, _) in enumerate(argv):
        name, eq, value = token.partition("=")
        if name != flag:
            continue
        if not eq:
            following = argv[index + 1][0] if index + 1 < len(argv) else ""
            value = following if not following.startswith("-") else "true"
        return value.strip().lower() in ("", "true", "1", "yes")
    return False


_HUB_URL = re.compile(r"https?://(?:www\.)?(?:huggingface\.co|hf\.co)/[^\s\"'<>()]+")


def _hub_downloads(walker: _Walker, argv: Sequence[tuple[str, _Node]], where: str) -> None:
    """Hub download URLs in a command or a variable (``wget https://huggingface.co/<org>/
    <name>/resolve/main/x.gguf``): the repo, at the revision the URL names."""
    clone = any(token == "clone" for token, _ in argv)
    for token, node in argv:
        for url in _HUB_URL.findall(token):
            if "/resolve/" not in url and "/datasets/" not in url and not clone:
                continue  # a model page link, not a download
            if "/datasets/" in url:
                repo = refs.hf_repo_of_url(url.replace("/datasets/", "/", 1))
                family = "hf-dataset"
            else:
                repo = refs.hf_repo_of_url(url)
                family = "hf"
            if repo is None or "$" in repo[0]:
                continue
            ctx = refs.RefContext(family=family, revision=repo[1], in_config=True)
            walker.emit(
                refs.recognise_in(repo[0], ctx), url, node, Confidence.HIGH, where, {"url": url}
            )


def _tree_folder(walker: _Walker, value: str) -> refs.Ref | None:
    """``./models/x`` written in a script run from its folder: that folder of the tree
    (present or not); None when it climbs out of the tree."""
    path = posixpath.normpath(posixpath.join(posixpath.dirname(walker.rel), value))
    if path in (".", "..") or path.startswith(("../", "/")):
        return None
    return localpaths.ref(path, reason=None)


def _command_options(argv: Sequence[tuple[str, _Node]]) -> set[int]:
    """Indices of the options a known command's rule reads (``commands`` with an
    ``option``) when their value is an id, not a path: not read again as a generic model
    flag (whose reading of a path, a mounted or local folder, the command's rule lacks)."""
    tokens = [t for t, _ in argv]
    taken: set[int] = set()
    for command in refs.conventions().commands:
        if "option" not in command:
            continue
        prefix = [str(p) for p in command["argv"]]
        option = str(command["option"])
        # The options after the command's first writing (each writing once scanned the rest
        # of the line: quadratic on a line repeating the command).
        start = next(
            (
                i
                for i in range(len(tokens) - len(prefix) + 1)
                if tokens[i : i + len(prefix)] == prefix
            ),
            None,
        )
        if start is None:
            continue
        for index in range(start + len(prefix), len(tokens)):
            token = tokens[index]
            if token == option and index + 1 < len(tokens):
                value = tokens[index + 1]
            elif token.startswith(option + "="):
                value = token.split("=", 1)[1]
            else:
                continue
            if not value.startswith(("/", ".", "~")) and not localpaths.is_outside(value):
                taken.add(index)
    return taken


_ARG_PAIR = re.compile(r"^[A-Za-z_][\w.-]*=")
_MAX_ARG_PAIRS = 64


def _arg_pairs(token: str) -> list[tuple[str, str]]:
    """``key=value,key=value`` split at the commas outside brackets (``a=1,b={x:1,y:2}``)."""
    parts: list[str] = []
    depth, start = 0, 0
    for at, char in enumerate(token):
        if char in "{[(":
            depth += 1
        elif char in "}])":
            depth = max(depth - 1, 0)
        elif char == "," and depth == 0:
            parts.append(token[start:at])
            start = at + 1
            if len(parts) >= _MAX_ARG_PAIRS:
                return []
    parts.append(token[start:])
    pairs = [part.partition("=") for part in parts]
    return [(k.strip(), v.strip()) for k, eq, v in pairs if eq and k.strip()]


def _model_arg_pairs(
    walker: _Walker,
    token: str,
    node: _Node,
    where: str,
    *,
    every: bool = False,
    volumes: Sequence[tuple[str, str]] | None = None,
) -> None:
    """A model-arguments string on a command line (lighteval's ``"model_name=org/x,dtype=
    bfloat16"``, lm-evaluation-harness ``--model_args pretrained=org/x,peft=org/y``, a
    ``model_name=org/x`` override): each model-ish key's value, read as a flag's."""
    extra_keys = conventions().argument_model_keys
    for key, value in _arg_pairs(token):
        if not value or "$" in value or "{" in value:
            continue
        leaf = key.rsplit(".", 1)[-1]
        if not (every or refs.names_model(key) or leaf.lower() in extra_keys):
            continue
        if volumes is not None and value.startswith("/"):
            # docker run -e MODEL_ID=/workspace -v $(pwd)/out:/workspace: the mounted folder
            ref: refs.Ref | None = _container_path(walker, value, volumes)
        elif localpaths.is_outside(value):
            ref = localpaths.ref(value)
        else:
            ctx = refs.RefContext(family="config", in_config=True, key=key)
            ref = refs.recognise_in(value, ctx) if "/" in value else None
        walker.emit(ref, value, node, Confidence.MEDIUM, where, {"argument": key})


def _flag_models(
    walker: _Walker,
    argv: Sequence[tuple[str, _Node]],
    where: str,
    volumes: Sequence[tuple[str, str]] | None = None,
    *,
    tree_relative: bool = False,
) -> None:
    """Options of any command line that name a model or a dataset (``python train.py
    --model_name_or_path Qwen/Qwen2.5-7B --judge-model gpt-4-1106-preview --dataset
    HuggingFaceH4/ultrachat_200k``): read like a config key with that name.
    ``tree_relative``: the line runs on the host from the file's folder (a shell script, a
    notebook), so ``--model ./models/x`` is that folder of the tree."""
    taken = _command_options(argv)
    adapters = conventions().adapter_flags
    flag = ""
    for index, (token, node) in enumerate(argv):
        if token.startswith("-"):
            flag = token.lstrip("-").split("=", 1)[0]
        if index in taken:
            continue  # `modelscope download --model x`: the command's own rule reads it
        if not token.startswith("-") and _ARG_PAIR.match(token):
            # `vllm serve base --lora-modules sql=org/sql-lora chat=org/chat-lora`: each
            # name=<adapter> after an adapter flag names a model, whatever the name.
            _model_arg_pairs(walker, token, node, where, every=flag in adapters, volumes=volumes)
            continue
        if not token.startswith("--") or len(token) < 4:
            continue
        name, eq, value = token[2:].partition("=")
        if not eq:
            if index + 1 >= len(argv) or argv[index + 1][0].startswith("-"):
                continue
            value, node = argv[index + 1]
        if id(node) in walker.commanded:
            continue  # read by its command on the hub that command uses
        if not value or "$" in value or "{" in value:
            continue  # $MODEL, {model}: set elsewhere
        extra: dict[str, JSON] = {"argument": f"--{name}"}
        if refs.names_model(name) and volumes is not None and value.startswith("/"):
            ref: refs.Ref | None = _container_path(walker, value, volumes)
        elif refs.names_model(name) and localpaths.is_outside(value):
            ref = localpaths.ref(value)
        elif refs.names_model(name) and value.startswith(("./", "../")):
            ref = _tree_folder(walker, value) if tree_relative else None
            if ref is None:
                continue  # a container's working directory, or outside the tree
        elif refs.names_model(name):
            ctx = refs.RefContext(
                family="config", provider_hint=refs.provider_from_env_name(name), in_config=True
            )
            ref = refs.recognise_under(name, value, ctx)
            folder = localpaths.in_tree_folder(value) if ref is None and tree_relative else None
            if folder is not None:
                # --model_name models/Llama-3.1-8B-Instruct in a script run from the root.
                ref = localpaths.ref(folder, reason=None)
        elif _is_dataset_key(name):
            ref = _dataset_value(value)
        else:
            continue
        walker.emit(ref, value, node, Confidence.MEDIUM, where, extra)
