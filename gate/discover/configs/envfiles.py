"""``.env`` files and shell scripts: model variables, ``pip install``, downloads and
server commands."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace

from gate.discover import (
    dependencies,
    localpaths,
    refs,
    scanning,
)
from gate.discover.configs.containers import (
    _argv,
    _commands,
    _docker_volumes,
    _flag_models,
    _hub_downloads,
)
from gate.discover.configs.dockerfile import _expand
from gate.discover.configs.kinds import NAME
from gate.discover.configs.mlops import _is_modelfile, _modelfile
from gate.discover.configs.nodes import _Node
from gate.discover.configs.walker import _Walker
from gate.model import Confidence, Evidence
from gate.recognise import SiteKind

# --- .env --------------------------------------------------------------------------------

# The value's trailing blanks are stripped in code: a lazy value before `\s*$` retried every
# blank of the line (quadratic: a .env line of a million blanks would not finish).
_ENV_LINE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$")


_SHELL_ASSIGNMENT = re.compile(
    r"^\s*(?:export\s+|local\s+|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)=(\S*)"
)


# The blanks before a `#` that starts a comment (the first blank of their run only).
_COMMENT_START = re.compile(r"(?<!\s)\s+#")


def _without_comment(value: str) -> str:
    """``value`` less a trailing `` # comment`` that holds no quote (after blanks, to the
    end), in time linear in the line: the one regular expression for it, retried from every
    blank and every ``#`` of a long line, took 20 s on an 80 KB line of a hostile script
    (`` # # #...'``)."""
    quote = max(value.rfind("'"), value.rfind('"'))
    found = _COMMENT_START.search(value, quote + 1)  # a comment holds no quote after it
    return value if found is None else value[: found.start()]


def _shell(rel: str, text: str) -> scanning.Outcome:
    """A shell script (``start-tgi.sh``): variables that name a model (``model=org/x``,
    ``MODEL_ID=...``) and command lines (``docker run ... --model-id $model``,
    ``vllm serve``, ``huggingface-cli download``), ``$VAR`` expanded from the script's own
    assignments above the line. Nothing is run."""
    walker = _Walker(rel)
    variables: dict[str, str] = {}
    created: set[str] = set()
    for lineno, command, _ in _logical_lines(text.splitlines(), 1):
        stripped = command.strip()
        if not stripped or stripped.startswith("#"):
            continue
        assignment = _SHELL_ASSIGNMENT.match(stripped)
        # model=$(pwd)/out   # path to model: a comment after the value is no part of it
        if assignment and " " not in _without_comment(stripped.partition("=")[2]).strip():
            key, raw = assignment.groups()
            value, _ = _env_value(_expand(raw, variables))
            variables[key] = value
            if value and "$" not in value and refs.names_model(key):
                ctx = refs.RefContext(
                    family="config",
                    provider_hint=refs.provider_from_env_name(key),
                    in_config=True,
                    site=SiteKind.DEFAULT,
                    key=key,
                )
                if localpaths.is_outside(value):
                    ref: refs.Ref | None = localpaths.ref(value, {"key": key})
                else:
                    ref = refs.recognise_under(key, value, ctx) or _in_tree(value, key)
                node = _Node(value, lineno, command.find(value) + 1 or None)
                walker.emit(ref, value, node, Confidence.MEDIUM, key, {"key": key})
            continue
        line = _expand(stripped, variables) if "$" in stripped else stripped
        argv = _argv(_Node(line, lineno, None))
        tokens = [token for token, _ in argv]
        for index in range(len(tokens) - 2):
            if tokens[index : index + 2] == ["ollama", "create"]:
                created.add(tokens[index + 2])
        if created and any(t in created for t in tokens):
            # `ollama run body-builder-model` after `ollama create body-builder-model -f
            # Modelfile`: a local build, whose base is the Modelfile's FROM.
            argv = [(t, n) for t, n in argv if t not in created]
        volumes = _docker_volumes(argv)
        _commands(walker, argv, "", {}, tree_relative=volumes is None)
        _flag_models(walker, argv, "", volumes, tree_relative=volumes is None)
        _hub_downloads(walker, argv, "")
        walker.found += dependencies.pip_install(
            rel, tokens, lineno, command, context="", source=NAME
        )
    _curl_requests(walker, text)
    walker.found += _written_modelfiles(rel, text)
    return scanning.Outcome(evidence=walker.found)


def _in_tree(value: str, key: str) -> refs.Ref | None:
    """``MODEL=models/final/run-8B``: a model folder of the tree, named from the root the
    script is run from (see :func:`localpaths.in_tree_folder`)."""
    folder = localpaths.in_tree_folder(value)
    return localpaths.ref(folder, {"key": key}, reason=None) if folder is not None else None


# `cat > /tmp/Modelfile <<EOF`, `cat <<'EOF' > Modelfile`, `tee Modelfile <<EOF`: a file the
# script writes from a here-document.
_WRITES_HEREDOC = re.compile(
    r"^\s*(?:cat\s*>>?\s*(?P<a>\S+)\s*<<-?\s*(?P<qa>[\"']?)(?P<da>\w+)(?P=qa)"
    r"|cat\s*<<-?\s*(?P<qb>[\"']?)(?P<db>\w+)(?P=qb)\s*>>?\s*(?P<b>\S+)"
    r"|tee\s+(?:-a\s+)?(?P<c>\S+)\s*<<-?\s*(?P<qc>[\"']?)(?P<dc>\w+)(?P=qc))\s*$"
)
_MAX_HEREDOC_LINES = 2_000


def _written_modelfiles(rel: str, text: str) -> list[Evidence]:
    """Ollama Modelfiles a script writes from a here-document (then ``ollama create -f``):
    read as the Modelfile they are, at the script's own lines. Only a file named a Modelfile,
    or with no extension and a Modelfile's content (FROM first), is read as one."""
    lines = text.splitlines()
    found: list[Evidence] = []
    index = 0
    while index < len(lines):
        opened = _WRITES_HEREDOC.match(lines[index])
        index += 1
        if opened is None:
            continue
        target = opened.group("a") or opened.group("b") or opened.group("c") or ""
        delimiter = opened.group("da") or opened.group("db") or opened.group("dc") or ""
        start = index
        while index < len(lines) and lines[index].strip() != delimiter:
            index += 1
        body = "\n".join(lines[start : min(index, start + _MAX_HEREDOC_LINES)])
        name = target.strip("\"'").rsplit("/", 1)[-1]
        named = name == "Modelfile" or name.lower().endswith(".modelfile")
        if not (named or ("." not in name and _is_modelfile(body))):
            continue
        for ev in _modelfile(rel, body, set()).evidence:
            line = (ev.location.line or 0) + start
            found.append(replace(ev, location=replace(ev.location, line=line)))
    return found


_CURL = re.compile(r"(?m)^[ \t]*curl\b")
_BODY_MODEL = re.compile(r'^\s*\{.*?"model"\s*:\s*"([^"\\\n]+)"', re.DOTALL)
_DATA_FLAGS = frozenset({"-d", "--data", "--data-raw", "--data-binary", "--json"})


def _command_at(text: str, start: int) -> str:
    """The shell command starting at ``start``: up to a newline outside quotes that no
    backslash continues (a JSON body in single quotes spans lines)."""
    quote: str | None = None
    index = start
    while index < len(text):
        char = text[index]
        if quote is None and char == "\\":
            index += 2
            continue
        if quote is None and char == "\n":
            break
        if char in "'\"" and (quote is None or quote == char):
            quote = None if quote == char else char
        index += 1
    return text[start:index]


def _curl_requests(walker: _Walker, text: str, first_line: int = 1, context: str = "curl") -> None:
    """``curl <url> --data '{"model": "qwen-max", ...}'``: a raw API request, served at the
    URL it is sent to (as a ``requests.post`` body in code is). ``first_line``: the line of
    the file ``text`` starts at (a notebook's shell line)."""
    for match in _CURL.finditer(text):
        command = _command_at(text, match.start())
        try:
            tokens = shlex.split(command.replace("\\\n", " "), comments=False)
        except ValueError:
            continue
        url = next((t for t in tokens if t.startswith(("http://", "https://"))), None)
        bodies = [tokens[i + 1] for i, t in enumerate(tokens[:-1]) if t in _DATA_FLAGS] + [
            t.split("=", 1)[1] for t in tokens if t.startswith("--data=")
        ]
        for body in bodies:
            try:
                doc = json.loads(body)
            except ValueError:
                # A body the API would refuse as JSON (a comment, a trailing comma) still
                # says which model it asks for.
                loose = _BODY_MODEL.search(body)
                doc = {"model": loose.group(1)} if loose else None
            model = doc.get("model") if isinstance(doc, dict) else None
            if url is None or not isinstance(model, str) or "$" in model or not model.strip():
                continue
            at = text.find(json.dumps(model), match.start())
            at = at if at >= 0 else match.start()
            lineno = text.count("\n", 0, at) + first_line
            column = at - (text.rfind("\n", 0, at) + 1) + 1
            ctx = refs.RefContext(family="hosted", base_url=url, in_config=True, key="model")
            walker.emit(
                refs.recognise_in(model.strip(), ctx), model, _Node(model, lineno, column),
                Confidence.MEDIUM, context, {"key": "model", "endpoint": url, "flow": "raw-http"},
            )  # fmt: skip


def _dotenv(rel: str, text: str) -> scanning.Outcome:
    values: list[tuple[str, str, int, int]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        match = _ENV_LINE.match(line)
        if not match:
            continue
        key, raw = match.group(1), match.group(2).rstrip()
        value, offset = _env_value(raw)
        if value:
            values.append((key, value, number, match.start(2) + offset + 1))
    # A URL belongs to the models whose variable shares its stem (LLM_BASE_URL ↔ LLM_MODEL,
    # BASE_URL ↔ MODEL) or its provider (OPENAI_BASE_URL ↔ OPENAI_CHAT_MODEL).
    urls: list[tuple[str, str | None, str]] = []
    for key, value, _, _ in values:
        if _url_variable(key, value):
            urls.append((_stem(key), refs.provider_from_env_name(key), value))
    walker = _Walker(rel)
    used_urls: set[str] = set()
    url_stems = {s for s, _, _ in urls}
    # A variable naming a provider other than the endpoint's own says the file may reach
    # another provider; the endpoint's own variables (OPENAI_BASE_URL, and OPENAI_API_KEY
    # beside it: the relay's key) do not.
    named = any(
        refs.provider_from_env_name(key)
        and not refs.is_url_key(key)
        and _key_stem(key) not in url_stems
        for key, _, _, _ in values
    )
    one_url = urls[0][2] if len({u for _, _, u in urls}) == 1 and not named else None
    # Only the endpoint's own variables name its provider (OPENAI_BASE_URL at a relay): a
    # Hub-shaped value goes there only when that provider is known to serve it (a local
    # embedding model beside a chat endpoint stays a Hub model).
    own_named = one_url is not None and any(refs.provider_from_env_name(k) for k, _, _, _ in values)
    ollama_url = next((u for _, p, u in urls if p == "ollama" or refs.at_ollama_port(u)), None)
    first_by_stem: dict[str, tuple[int, str]] = {}
    first_by_provider: dict[str, tuple[int, str]] = {}
    for index, (s, p, u) in enumerate(urls):
        first_by_stem.setdefault(s, (index, u))
        if p is not None:
            first_by_provider.setdefault(p, (index, u))
    for key, value, lineno, column in values:
        model_key = refs.names_model(key)
        if not model_key and not (
            ollama_url is not None and _has_model_word(key) and refs.is_ollama_library_name(value)
        ):
            # (MODEL_TASK_GENERATOR=llama3.1:8b beside OLLAMA=http://localhost:11434: a
            # variable with the word MODEL holding a name of Ollama's library, in a file
            # configuring an Ollama daemon, is pulled there.)
            continue
        provider = refs.provider_from_env_name(key)
        stem = _stem(key)
        by_stem = first_by_stem.get(stem) or _by_stem_prefix(stem, first_by_stem)
        by_provider = first_by_provider.get(provider) if provider is not None else None
        # The first URL of the same stem or provider (indexed: a scan of every URL for every
        # model variable was quadratic in a crafted file of thousands of both).
        base_url = min((b for b in (by_stem, by_provider) if b is not None), default=(0, None))[1]
        if (
            base_url is None
            and provider is None
            and one_url is not None
            and not (own_named and "/" in value and not refs.served_at(value, one_url))
        ):
            # Every endpoint the file sets is one URL (CHAT_API_BASE_URL, MEMORY_API_BASE_URL
            # both SiliconFlow; OPENAI_BASE_URL at a relay) and no other variable names a
            # provider: a model variable of another stem is sent there too.
            base_url = one_url
        if (
            base_url is None
            and provider is None
            and ollama_url is not None
            and refs.is_ollama_library_name(value)
        ):
            # OLLAMA_BASE_URL beside EMBEDDING_MODEL_NAME=nomic-embed-text: a name of
            # Ollama's library in a file configuring an Ollama daemon is pulled there.
            base_url = ollama_url
        if base_url:
            used_urls.add(base_url)
        ctx = refs.RefContext(
            family="config", base_url=base_url, provider_hint=provider, in_config=True, key=key
        )
        found = (
            refs.recognise_under(key, value, ctx) if model_key else refs.recognise_in(value, ctx)
        )
        walker.emit(
            found, value, _Node(value, lineno, column),
            Confidence.MEDIUM, key,
            {"key": key, "env_var": key},
        )  # fmt: skip
    # An endpoint set with no model next to it still says where prompts go.
    for key, value, lineno, column in values:
        if _url_variable(key, value) and value not in used_urls:
            ref = refs.endpoint_only(refs.RefContext(family="hosted", base_url=value))
            walker.emit(
                ref, value, _Node(value, lineno, column), Confidence.MEDIUM, key, {"key": key}
            )
    return scanning.Outcome(evidence=walker.found)


def _url_variable(key: str, value: str) -> bool:
    """A variable holding an endpoint: a URL key (``OLLAMA_BASE_URL``), or a provider's bare
    name holding an http(s) URL (``OLLAMA=http://localhost:11434/``)."""
    if "://" not in value:
        return False
    if _env_url_key(key):
        return True
    return (
        value.startswith(("http://", "https://"))
        and refs.provider_from_env_name(key) is not None
        and not refs.names_model(key)
        and _key_stem(key) == _stem(key) == key.upper()
    )


def _has_model_word(key: str) -> bool:
    """``MODEL_TASK_GENERATOR``, ``EMBEDDING_MODEL_SYNTAX``: MODEL as one of the name's words."""
    return "model" in re.split(r"[^a-z0-9]+", key.lower())


def _env_url_key(key: str) -> bool:
    """A variable holding an endpoint: a URL key, or a server's address (``XINFERENCE_ADDR``,
    ``TRITON_ADDRESS``) when its value is a URL."""
    return refs.is_url_key(key) or key.upper().endswith(("_ADDR", "_ADDRESS"))


def _by_stem_prefix(
    stem: str, first_by_stem: Mapping[str, tuple[int, str]]
) -> tuple[int, str] | None:
    """The URL of the longest stem that prefixes a model variable's own stem by whole words:
    one server's URL (``XINFERENCE_ADDR``) serves the models named
    ``XINFERENCE_LLM_MODEL_ID`` and ``XINFERENCE_EMBEDDING_MODEL_ID``. Looked up by prefix
    (a few words at most), not by a scan of every URL for every model variable."""
    words = stem.split("_")
    for count in range(min(len(words) - 1, _MAX_STEM_WORDS), 0, -1):
        found = first_by_stem.get("_".join(words[:count]))
        if found is not None:
            return found
    return None


_MAX_STEM_WORDS = 6


def _stem(key: str) -> str:
    """``OPENAI_BASE_URL`` → ``OPENAI``, ``LLM_MODEL_NAME`` → ``LLM``, ``MODEL`` → ``""``."""
    upper = key.upper()
    for suffix in (
        "_API_BASE_URL", "_API_ENDPOINT", "_API_HOST", "_BASE_URL", "_API_BASE", "_BASEURL",
        "_ENDPOINT", "_API_URL", "_HOST", "_URL", "_ADDRESS", "_ADDR",
    ):  # fmt: skip
        if upper.endswith(suffix):
            return upper[: -len(suffix)]
    for suffix in ("_MODEL_NAME", "_MODEL_ID", "_MODEL", "_LLM", "_DEPLOYMENT"):
        if upper.endswith(suffix):
            return upper[: -len(suffix)]
    return (
        "" if upper in ("BASE_URL", "API_BASE", "ENDPOINT", "MODEL", "MODEL_NAME", "LLM") else upper
    )


def _key_stem(key: str) -> str:
    """``OPENAI_API_KEY`` → ``OPENAI`` (a secret's stem), else :func:`_stem`."""
    upper = key.upper()
    for suffix in ("_API_KEY", "_API_TOKEN", "_KEY", "_TOKEN", "_SECRET"):
        if upper.endswith(suffix):
            return upper[: -len(suffix)]
    return _stem(key)


def _env_value(raw: str) -> tuple[str, int]:
    if raw[:1] in ("'", '"'):
        end = raw.find(raw[0], 1)
        return (raw[1:end] if end > 0 else raw[1:]), 1
    return raw.split(" #", 1)[0].strip(), 0


def _logical_lines(lines: Sequence[str], first: int) -> Iterator[tuple[int, str, int]]:
    """Shell lines with backslash continuations joined: (line number, command, lines used)."""
    index = 0
    while index < len(lines):
        start, parts = index, list[str]()
        while True:
            line = lines[index].rstrip()
            index += 1
            if line.lstrip().startswith("#"):
                # A comment ends the command even when it ends in a backslash (bash does
                # not continue a comment): `VAR=1 \` then `# note \` then `python ...`.
                if not parts:
                    parts.append(line)
                break
            if line.endswith("\\") and index < len(lines):
                parts.append(line[:-1])
                continue
            parts.append(line.removesuffix("\\"))
            break
        yield start + first, " ".join(p.strip() for p in parts), index - start
