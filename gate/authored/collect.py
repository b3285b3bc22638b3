"""The AI-authored-code step of a scan: attribute lines, review them, attach the result.

Called by :mod:`gate.discover.assistants` once the history is read. Each assistant with
AI-authored lines at HEAD gets one evidence whose payload carries ``authored``: the ranges per
file (and model), each path's share, and the findings and egress on its lines. The scan-level
summary goes to ``ctx.facts`` as ``ai_authored``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from gate.authored import lines as ln
from gate.authored.attribute import Attribution, Author, Marked, attribute
from gate.authored.review import Review, review
from gate.discover import history
from gate.discover.assistant_catalogue import Catalogue, Signal
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.model import Confidence, Evidence, EvidenceKind, Location, Role

SOURCE = "assistants"
RULES_VERSION = "2026.12.06"


def marked_commits(
    matches: Sequence[tuple[history.Commit, list[Signal], list[str]]],
    details: Mapping[str, history.CommitDetail],
) -> list[Marked]:
    """The commits an assistant marked, with their authors (assistant, model) and files."""
    out = []
    for commit, signals, _ in matches:
        authors = list(dict.fromkeys((s.assistant, s.model) for s in signals))
        out.append(Marked(commit.sha, tuple(authors), details[commit.sha].paths))
    return out


def evidence(
    tree: Tree,
    repo: history.Repo,
    marked: Sequence[Marked],
    cat: Catalogue,
    ctx: DiscoverContext,
) -> Iterator[Evidence]:
    """Attribute, review and yield one ``authored`` evidence per assistant with lines at HEAD."""
    walked = {tf.rel for tf in tree.files}
    result = attribute(repo, marked, cat, exists=walked.__contains__)
    ai_lines = {path: result.ai_lines(path) for path in sorted(result.lines)}
    done = review(tree.root, ai_lines, extra_rules=ctx.review_rules) if ai_lines else Review()
    for note in [*result.notes, *done.notes]:
        ctx.facts.note(f"AI-authored code: {note}")
    total = sum(ln.count(r) for r in ai_lines.values())
    ctx.facts.set(
        "ai_authored",
        {
            "head": repo.head,
            "files": len(ai_lines),
            "lines": total,
            "reviewed_files": done.files,
            "engines": dict(sorted(done.engines.items())),
            "rules": RULES_VERSION,
            "findings": len(done.findings),
            "egress": len(done.egress),
        },
    )
    if ai_lines:
        ctx.facts.note(
            f"AI-authored code: {total} line(s) in {len(ai_lines)} file(s) at HEAD;"
            f" {len(done.findings)} finding(s) and {len(done.egress)} egress literal(s) on them"
        )
    yield from _per_assistant(result, done)


_Slot = tuple[set[int], set[str], set[str]]
"""AI-authored lines of one (path, model), their sources and the commits they came from."""


def _per_assistant(result: Attribution, done: Review) -> Iterator[Evidence]:
    by_assistant: dict[str, dict[tuple[str, str | None], _Slot]] = defaultdict(dict)
    who: dict[str, Author] = {}
    for path, authors in result.lines.items():
        for author, numbers in authors.items():
            key = author.assistant.id
            who.setdefault(key, author)
            slot = by_assistant[key].setdefault((path, author.model), (set(), set(), set()))
            slot[0].update(numbers)
            slot[1].add(author.source)
            if author.commit:
                slot[2].add(author.commit)
    for cid in sorted(by_assistant):
        author = who[cid]
        files: list[dict[str, Any]] = []
        all_sources: set[str] = set()
        first_at: tuple[str, int] | None = None
        mine: dict[str, list[list[int]]] = defaultdict(list)
        for (path, model), (numbers, sources, commits) in sorted(
            by_assistant[cid].items(), key=lambda kv: (kv[0][0], kv[0][1] or "")
        ):
            ranges = ln.to_ranges(numbers)
            all_sources |= sources
            if first_at is None:
                first_at = (path, ranges[0][0])
            total = result.totals.get(path) or max(numbers)
            files.append(
                {
                    "path": path,
                    "model": model,
                    "lines": len(numbers),
                    "total": total,
                    "share": round(len(numbers) / total, 4) if total else 0.0,
                    "ranges": ranges,
                    "sources": sorted(sources),
                    "commits": sorted(commits),
                }
            )
            mine[path] = ln.to_ranges(
                {n for r in [*mine[path], *ranges] for n in range(r[0], r[1] + 1)}
            )
        findings = [
            f.as_dict()
            for f in done.findings
            if ln.contains(mine.get(f.path, []), f.line, f.end_line)
        ]
        egress = [e for e in done.egress if ln.contains(mine.get(e["path"], []), e["line"])]
        models = sorted({f["model"] for f in files if f["model"]})
        payload: dict[str, Any] = {
            "vendor": author.assistant.vendor,
            "product": author.assistant.product,
            "kind": author.assistant.kind,
            "authored": {
                "lines": sum(len(slot[0]) for slot in by_assistant[cid].values()),
                "files": files,
                "findings": findings,
                "egress": egress,
            },
        }
        if models:
            payload["models"] = models
        assert first_at is not None
        yield Evidence(
            source=SOURCE,
            kind=EvidenceKind.ASSISTANT_COMMIT,
            identity=author.assistant.id,
            role=Role.CODE_ASSISTANT,
            as_written=", ".join(sorted(all_sources)),
            location=Location(path=first_at[0], line=first_at[1], context="authored"),
            confidence=Confidence.HIGH if author.source != "commit" else Confidence.MEDIUM,
            attributes={"assistant": payload},
        )
