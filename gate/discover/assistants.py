"""Which coding assistants wrote or were set up to write this code: commits and config files.

History: every commit of the range (see :mod:`gate.discover.history`) is matched against the
convention catalogue (:mod:`gate.discover.assistant_catalogue`): ``Co-authored-by`` identities,
``Assisted-by``/``Generated-by`` agents, known message lines, bot authors and aider's name
suffix. Files: ``CLAUDE.md``, ``.claude/``, ``.aider.conf.yml``, ``.continue/``, assistant
actions in workflows, ...; where one names a model or an endpoint, it is recorded as written.

Each assistant is one component per (vendor, product). Scan-level facts (range, commits read,
shallow clone, attribution switched off) go to the inventory through ``ctx.facts``: a commit
without a mark is unknown, never proof that no assistant wrote it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from gate.authored import collect
from gate.discover import history, loaders
from gate.discover.assistant_catalogue import Assistant, Catalogue, ConfigRule, Signal, catalogue
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree, TreeFile
from gate.errors import GitError
from gate.model import (
    CONFIDENCE_ORDER,
    Confidence,
    Evidence,
    EvidenceKind,
    Location,
    Role,
)

NAME = "assistants"

_MAX_CONFIG = 1_000_000
_UNRESOLVED = re.compile(r"\$\{|\$[A-Za-z_]|\{\{")
_MODEL_ARG = re.compile(r"--model(?:=|\s+)([\"']?)(?P<model>[^\s\"']+)\1")

ATTRIBUTION_NOTE = (
    "assistant attribution is switched off easily (settings, flags, squash merges), so a"
    " commit without a mark is unknown, not proof that no assistant wrote it"
)


def discover(tree: Tree, ctx: DiscoverContext) -> Iterator[Evidence]:
    """Assistant evidence from the tree's config files and from the git history."""
    cat = catalogue()
    for ev in _configs(tree, cat):
        off = ev.attributes["assistant"].get("attribution_off")
        if off:
            ctx.facts.note(
                f"{ev.attributes['assistant']['product']}: commit attribution is switched off"
                f" ({'; '.join(off)}): its commits carry no mark"
            )
        yield ev
    yield from _history(tree, ctx, cat)


# --------------------------------------------------------------------------------------
# config files


def _configs(tree: Tree, cat: Catalogue) -> Iterator[Evidence]:
    for tf in tree.files:
        rule = cat.config_rule(tf.rel)
        if rule is None:
            continue
        if rule.format is None:
            assert rule.assistant is not None
            yield _config_evidence(rule.assistant, tf.rel, None, tf.rel, rule.confidence, {})
            continue
        text = _read(tree, tf)
        if text is None:
            continue
        if rule.format == "workflow":
            yield from _workflow(tree, tf, text, cat)
        else:
            yield from _settings(tree, tf, text, rule)


def _read(tree: Tree, tf: TreeFile) -> str | None:
    return tree.read_text(
        tf, _MAX_CONFIG, too_big=f"assistant config larger than {_MAX_CONFIG} bytes"
    )


def _config_evidence(
    assistant: Assistant,
    rel: str,
    line: int | None,
    as_written: str,
    confidence: Confidence,
    found: Mapping[str, list[str]],
) -> Evidence:
    payload: dict[str, Any] = _payload(assistant)
    payload["configs"] = [rel]
    for key in ("models", "endpoints", "providers", "attribution_off"):
        values = sorted(set(found.get(key, ())))
        if values:
            payload[key] = values
    return Evidence(
        source=NAME,
        kind=EvidenceKind.ASSISTANT_CONFIG,
        identity=assistant.id,
        role=Role.CODE_ASSISTANT,
        as_written=as_written,
        location=Location(path=rel, line=line),
        confidence=confidence,
        attributes={"assistant": payload},
    )


def _payload(assistant: Assistant) -> dict[str, Any]:
    return {"vendor": assistant.vendor, "product": assistant.product, "kind": assistant.kind}


def _parse(text: str, fmt: str) -> Any:
    """A config file's content; ValueError (with the reason) when it cannot be parsed."""
    if fmt == "dotenv":
        env: dict[str, str] = {}
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            key, _, value = line.removeprefix("export ").partition("=")
            env[key.strip()] = value.strip().strip("'\"")
        return env
    if fmt in ("yaml", "workflow"):
        parsed = loaders.yaml_doc(text)
    elif fmt == "toml":
        parsed = loaders.toml_doc(text)
    elif fmt == "json":
        # Claude, Qwen and Gemini settings accept comments and trailing commas (JSONC).
        parsed = loaders.json_doc(text, jsonc=True)
    else:  # pragma: no cover - the catalogue checks
        raise ValueError(f"unknown format {fmt}")
    if not parsed.ok:
        raise ValueError(parsed.problem)
    return parsed.value


def _values(doc: Any, dotted: str) -> list[Any]:
    """The values at a dotted key; ``*`` stands for every item of a list or mapping."""
    current = [doc]
    for part in dotted.split("."):
        nxt: list[Any] = []
        for node in current:
            if part == "*":
                if isinstance(node, Mapping):
                    nxt.extend(node.values())
                elif isinstance(node, list):
                    nxt.extend(node)
            elif isinstance(node, Mapping) and part in node:
                nxt.append(node[part])
        current = nxt
    return current


def _strings(doc: Any, keys: Sequence[str]) -> list[str]:
    out: list[str] = []
    for key in keys:
        for value in _values(doc, key):
            if isinstance(value, str) and value.strip() and not _UNRESOLVED.search(value):
                out.append(value.strip())
    return out


def _line_of(text: str, needle: str) -> int | None:
    at = text.find(needle)
    return None if at < 0 else text.count("\n", 0, at) + 1


def _settings(tree: Tree, tf: TreeFile, text: str, rule: ConfigRule) -> Iterator[Evidence]:
    assert rule.assistant is not None and rule.format is not None
    try:
        doc = _parse(text, rule.format)
    except ValueError as exc:
        # The file still shows the assistant is set up; only its settings are unknown.
        tree.skip(tf.rel, str(exc))
        doc = None
    found: dict[str, list[str]] = {
        "models": _strings(doc, rule.models),
        "endpoints": _strings(doc, rule.endpoints),
        "providers": _strings(doc, rule.providers),
        "attribution_off": [],
    }
    if isinstance(doc, Mapping):
        for flag, model in rule.flags.items():
            if doc.get(flag) is True:
                found["models"].append(model)
        if rule.set_env:
            found["endpoints"].extend(_set_env_endpoints(doc.get(rule.set_env)))
        for key, off_value in rule.off:
            for value in _values(doc, key):
                if value == off_value and type(value) is type(off_value):
                    found["attribution_off"].append(f"{tf.rel}: {key} = {json.dumps(value)}")
    first = next(iter(found["models"] + found["endpoints"]), None)
    line = _line_of(text, first) if first else None
    yield _config_evidence(rule.assistant, tf.rel, line, tf.rel, rule.confidence, found)


def _set_env_endpoints(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    out = []
    for item in items:
        if isinstance(item, str) and "=" in item:
            key, _, val = item.partition("=")
            if key.strip().endswith(("_BASE", "_BASE_URL", "_API_BASE")) and val.strip():
                out.append(val.strip())
    return out


def _workflow(tree: Tree, tf: TreeFile, text: str, cat: Catalogue) -> Iterator[Evidence]:
    lowered = text.lower()
    if not any(action.action in lowered for action in cat.workflows):
        return
    try:
        with loaders.share():  # composed by the configs source already
            doc = _parse(text, "workflow")
    except ValueError as exc:
        tree.skip(tf.rel, str(exc))
        return
    if not isinstance(doc, Mapping):
        return
    jobs = doc.get("jobs")
    for job in jobs.values() if isinstance(jobs, Mapping) else ():
        if not isinstance(job, Mapping):
            continue
        steps = job.get("steps")
        for step in steps if isinstance(steps, list) else ():
            if not isinstance(step, Mapping) or not isinstance(step.get("uses"), str):
                continue
            uses = step["uses"]
            name = uses.split("@", 1)[0].strip().lower()
            action = next((a for a in cat.workflows if a.action == name), None)
            if action is None:
                continue
            inputs = step.get("with") if isinstance(step.get("with"), Mapping) else {}
            envs = [e for e in (doc.get("env"), job.get("env"), step.get("env")) if e]
            found: dict[str, list[str]] = {
                "models": _strings(inputs, action.models),
                "endpoints": _strings(inputs, action.endpoints),
            }
            for arg in _strings(inputs, action.args):
                found["models"].extend(m["model"] for m in _MODEL_ARG.finditer(arg))
            for env in envs:
                found["models"].extend(_strings(env, cat.workflow_env_models))
                found["endpoints"].extend(_strings(env, cat.workflow_env_endpoints))
            yield _config_evidence(
                action.assistant, tf.rel, _line_of(text, uses), uses, Confidence.HIGH, found
            )


# --------------------------------------------------------------------------------------
# history


def _history(tree: Tree, ctx: DiscoverContext, cat: Catalogue) -> Iterator[Evidence]:
    requested = ctx.history
    facts: dict[str, Any] = {"mode": requested or "default", "catalogue": cat.version}
    if requested == "none":
        facts.update(read=False)
        ctx.facts.set("history", facts)
        ctx.facts.note("history: not read (--history none): commit attribution was not checked")
        return
    if ctx.history_from is not None:
        folder, commit = ctx.history_from
        repo = history.open_repo(folder, at=commit) if folder.is_dir() else None
    else:
        repo = history.open_repo(tree.root)
    if repo is None:
        if requested is not None and ctx.history_from is None:
            raise GitError(
                f"{tree.root}: not a git repository, but --history {requested} asks for its"
                " history",
                hint="scan a git checkout, or pass --history none",
            )
        facts.update(read=False, reason="not a git repository")
        ctx.facts.set("history", facts)
        ctx.facts.note(
            f"history: {tree.root.name or tree.root} is not a git repository: commit"
            " attribution skipped (assistant config files were still read)"
        )
        return
    facts.update(shallow=repo.shallow, scope=repo.prefix.rstrip("/") or ".")
    if repo.head is None:
        facts.update(read=False, reason="no commits yet", commits_read=0)
        ctx.facts.set("history", facts)
        ctx.facts.note("history: the repository has no commits yet")
        return
    rng = history.resolve_range(repo, requested)
    facts.update(mode=rng.mode, range=rng.label, head=repo.head)
    if rng.since_tag:
        facts["since_tag"] = rng.since_tag
    matches, paths, count = _read_history(repo, rng, cat, ctx)
    facts.update(read=True, commits_read=count, assistant_commits=len(matches))
    facts["complete"] = not repo.shallow
    facts["attribution"] = ATTRIBUTION_NOTE
    ctx.facts.set("history", facts)
    scope = f" touching {repo.prefix.rstrip('/')}" if repo.prefix else ""
    ctx.facts.note(
        f"history: read {count} commit{'' if count == 1 else 's'}{scope} ({rng.label});"
        f" {len(matches)} with assistant attribution; {ATTRIBUTION_NOTE}"
    )
    if repo.shallow:
        ctx.facts.note(
            "history: this is a shallow clone, so only the fetched commits were read and"
            f" assistant attribution is incomplete (unknown, not 'no AI'); {history.SHALLOW_FIX}"
        )
    yield from _commit_evidence(matches, paths)
    if ctx.history_from is None:
        # Which lines at HEAD those commits (and git-ai notes, Agent Trace) wrote, and what
        # they do (gate.authored): a baseline's history is read for its commits only.
        yield from collect.evidence(tree, repo, collect.marked_commits(matches, paths), cat, ctx)


_Match = tuple[history.Commit, list[Signal], list[str]]


def _read_history(
    repo: history.Repo, rng: history.Range, cat: Catalogue, ctx: DiscoverContext
) -> tuple[list[_Match], dict[str, history.CommitDetail], int]:
    touched = history.CommitDetails(repo)
    matches: list[_Match] = []
    signals_of = cat.commit_signals
    observer = ctx.observer
    observer.stage("history")
    count = 0
    try:
        for commit in history.read_commits(repo, rng):
            count += 1
            if not count % 4096:
                observer.advance(4096)
            signals = signals_of(commit)
            if signals:
                touched.request(commit.sha)
                matches.append((commit, signals, cat.reviewers(commit.message)))
    except BaseException:
        touched.abort()
        raise
    finally:
        observer.done()
    return matches, touched.finish(), count


def _commit_evidence(
    matches: Sequence[_Match], details: Mapping[str, history.CommitDetail]
) -> Iterator[Evidence]:
    for commit, signals, reviewed in matches:
        detail = details[commit.sha]
        by_assistant: dict[str, list[Signal]] = {}
        for signal in signals:
            by_assistant.setdefault(signal.assistant.key, []).append(signal)
        touched = list(detail.paths)
        for group in by_assistant.values():
            first = group[0]
            entry: dict[str, Any] = {
                "sha": commit.sha,
                "date": detail.date,
                "author": f"{commit.author_name} <{commit.author_email}>",
                "trailer": first.text,
                "signals": [f"{s.where}: {s.text}" for s in group],
                "reviewed_by": list(reviewed),
                "paths": touched,
            }
            models_here = sorted({s.model for s in group if s.model})
            if models_here:
                entry["models"] = models_here
            if len(detail.parents) > 1:
                entry["merge"] = True
            payload = _payload(first.assistant)
            models = sorted({s.model for s in group if s.model})
            if models:
                payload["models"] = models
            payload["commits"] = [entry]
            payload["path_counts"] = dict.fromkeys(touched, 1)
            yield Evidence(
                source=NAME,
                kind=EvidenceKind.ASSISTANT_COMMIT,
                identity=first.assistant.id,
                role=Role.CODE_ASSISTANT,
                as_written=first.text,
                location=Location(path="", commit=commit.sha, context=first.where),
                confidence=max((s.confidence for s in group), key=CONFIDENCE_ORDER.__getitem__),
                attributes={"assistant": payload},
            )
