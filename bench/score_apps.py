"""Recall and strict precision of `aigate scan` on real applications labelled by hand.

Run: .venv/bin/python bench/score_apps.py [--only owner__name] [--json]

Each key in bench/apps/<owner>__<name>.yaml names a public repository, the commit it was
labelled at, and every model, dataset and hosted-API model the application can use, written
as the identity aigate should give it (bench/apps/README.md says how they were labelled).
The scorer checks each repository out at its commit from a local bare mirror (it never
fetches), runs `<python> -m gate scan <checkout> --history none` with the interpreter that
runs this script, from a scratch directory (so another branch's venv python measures that
branch, whatever the current directory), reads the
CycloneDX BOM and scores strictly: an expected identity is found only when the scheme and the
provider match (`@revision` / `@unpinned` suffixes are ignored); every reported model,
dataset or hosted-API component that is neither expected nor `acceptable` is a false
positive. SDK and framework packages (`pkg:`) and coding assistants are not scored.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
KEYS = HERE / "apps"
MIRRORS = Path("/work/.mirror")
CHECKOUTS = Path("/work/corpus-checkouts")
SCHEMES = ("hf:", "dataset:", "api:", "ollama:", "modelscope:", "local:", "file:")
AI_TYPES = frozenset({"machine-learning-model", "data"})
NOT_SCORED = ("pkg:", "assistant:")
SCAN_FLAGS = ("--history", "none", "-q")


class ScoreError(Exception):
    """A key file that cannot be scored: the message names the file and the problem."""


@dataclass(frozen=True)
class Expected:
    id: str
    path: str
    line: int
    listed: bool
    country: str | None
    note: str


@dataclass(frozen=True)
class Key:
    name: str
    repo: str
    commit: str
    kind: str
    mirror: Path
    expected: tuple[Expected, ...]
    acceptable: frozenset[str]
    acceptable_patterns: tuple[str, ...]
    negatives: frozenset[str]


@dataclass(frozen=True)
class Reported:
    id: str
    cn: bool
    listed: bool


@dataclass
class Result:
    name: str
    repo: str
    commit: str
    kind: str
    error: str | None = None
    expected: int = 0
    found: int = 0
    listed_expected: int = 0
    listed_found: int = 0
    cn_expected: int = 0
    cn_found: int = 0
    cn_reported_cn: int = 0
    use_right: int = 0
    """Found ids whose listed/called flag agrees with the key (listed-only ↔ every
    occurrence a catalogue entry)."""
    reported: int = 0
    acceptable: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)
    false_positives: list[dict[str, Any]] = field(default_factory=list)


def norm(identity: str) -> str:
    """The identity compared: case-folded, without a revision suffix, Ollama tag made explicit."""
    ident = identity.strip()
    low = ident.casefold()
    if low.startswith(("hf:", "dataset:", "modelscope:")):
        at = ident.rfind("@")
        if at > ident.rfind("/"):
            ident = ident[:at]
    elif low.startswith("ollama:"):
        name = ident[len("ollama:") :]
        if ":" not in name.rsplit("/", 1)[-1]:
            ident = f"{ident}:latest"
    elif low.startswith("local:"):
        # One path however its separators are spelled: D:\m\x, D:/m/x and D:/m/x/ agree.
        path = ident[len("local:") :].replace("\\", "/")
        ident = "local:" + (path.rstrip("/") or path)
    return ident.casefold()


def model_part(identity: str) -> str:
    """The model name without scheme and serving provider (to say why a miss was missed)."""
    ident = norm(identity)
    for prefix in ("dataset:hf:", "dataset:modelscope:", "hf:", "modelscope:", "ollama:"):
        if ident.startswith(prefix):
            return ident[len(prefix) :]
    if ident.startswith("api:"):
        return ident[len("api:") :].split("/", 1)[-1]
    return ident


def _text(value: object, where: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ScoreError(f"{where}: {what} must be a non-empty string")
    return value.strip()


def _identity(value: object, where: str) -> str:
    ident = _text(value, where, "id")
    if not ident.startswith(SCHEMES):
        raise ScoreError(f"{where}: id {ident!r} has no known scheme ({', '.join(SCHEMES)})")
    return ident


def load_key(path: Path, mirrors: Path) -> Key:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ScoreError(f"{path}: cannot read: {exc}") from exc
    if not isinstance(data, dict):
        raise ScoreError(f"{path}: not a mapping")
    repo = _text(data.get("repo"), str(path), "repo")
    commit = _text(data.get("commit"), str(path), "commit")
    if len(commit) != 40 or any(ch not in "0123456789abcdef" for ch in commit):
        raise ScoreError(f"{path}: commit must be 40 lowercase hex digits")
    owner, _, name = repo.partition("/")
    if path.stem != f"{owner}__{name}":
        raise ScoreError(f"{path}: file name must be {owner}__{name}.yaml")
    mirror_value = data.get("mirror")
    mirror = (
        Path(_text(mirror_value, str(path), "mirror"))
        if mirror_value is not None
        else mirrors / f"{owner}+{name}" / "repo"
    )
    rows = data.get("expected") or []
    if not isinstance(rows, list):
        raise ScoreError(f"{path}: expected must be a list")
    expected = []
    for i, row in enumerate(rows):
        where = f"{path}: expected[{i}]"
        if not isinstance(row, dict):
            raise ScoreError(f"{where}: not a mapping")
        line = row.get("line")
        if not isinstance(line, int) or line < 1:
            raise ScoreError(f"{where}: line must be a positive integer")
        country = row.get("publisher_country")
        expected.append(
            Expected(
                id=_identity(row.get("id"), where),
                path=_text(row.get("path"), where, "path"),
                line=line,
                listed=bool(row.get("listed", False)),
                country=str(country) if country else None,
                note=str(row.get("note", "")),
            )
        )

    def ids(section: str) -> frozenset[str]:
        items = data.get(section) or []
        if not isinstance(items, list):
            raise ScoreError(f"{path}: {section} must be a list")
        out = set()
        for i, item in enumerate(items):
            value = item.get("id") if isinstance(item, dict) else item
            if value is None and section == "negatives":
                continue  # a negative may name only a place (a string that must stay out)
            out.add(norm(_identity(value, f"{path}: {section}[{i}]")))
        return frozenset(out)

    raw_patterns = data.get("acceptable_patterns") or []
    if not isinstance(raw_patterns, list) or not all(isinstance(p, str) for p in raw_patterns):
        raise ScoreError(f"{path}: acceptable_patterns must be a list of strings")
    patterns = tuple(p.casefold() for p in raw_patterns)
    return Key(
        name=path.stem,
        repo=repo,
        commit=commit,
        kind=str(data.get("kind", "")),
        mirror=mirror,
        expected=tuple(expected),
        acceptable=ids("acceptable"),
        acceptable_patterns=patterns,
        negatives=ids("negatives"),
    )


def checkout(key: Key, cache: Path) -> Path:
    """The tree of the key's commit, extracted once from its bare mirror (no fetch, no .git).

    Every blob of the commit is written with `git cat-file --batch`. A snapshot from the
    library lacks files of 4 MiB and more: such a blob is skipped (and listed in
    `.score-apps-missing` beside the tree), as are symlinks and submodules, so a checkout
    never points outside itself.
    """
    target = cache / f"{key.name}@{key.commit[:12]}"
    if target.is_dir():
        return target
    if not key.mirror.is_dir():
        raise ScoreError(f"{key.name}: no mirror at {key.mirror} (fetch github:{key.repo} first)")
    cache.mkdir(parents=True, exist_ok=True)
    git = ["git", f"--git-dir={key.mirror}"]
    listing = subprocess.run(
        [*git, "ls-tree", "-r", "-z", "--full-tree", key.commit], capture_output=True, check=False
    )
    if listing.returncode != 0:
        detail = listing.stderr.decode(errors="replace").strip()
        raise ScoreError(f"{key.name}: cannot list {key.commit}: {detail}")
    blobs: list[tuple[str, str]] = []
    skipped: list[str] = []
    for entry in listing.stdout.split(b"\0"):
        if not entry:
            continue
        meta, _, raw_path = entry.partition(b"\t")
        mode, kind, sha = meta.decode().split()
        path = raw_path.decode("utf-8", errors="surrogateescape")
        if kind == "blob" and mode in ("100644", "100755"):
            blobs.append((sha, path))
        else:
            skipped.append(f"{mode} {path}")
    partial = Path(tempfile.mkdtemp(prefix=f".{key.name}.", dir=cache))
    try:
        _write_blobs(git, blobs, partial, skipped)
    except (OSError, ValueError) as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise ScoreError(f"{key.name}: cannot check out {key.commit}: {exc}") from exc
    if skipped:
        note = cache / f"{key.name}@{key.commit[:12]}.score-apps-missing"
        note.write_text("".join(f"{line}\n" for line in sorted(skipped)), encoding="utf-8")
    try:
        partial.rename(target)
    except OSError:
        # Another scorer run wrote the same commit meanwhile: keep its tree.
        shutil.rmtree(partial, ignore_errors=True)
        if not target.is_dir():
            raise
    return target


def _write_blobs(
    git: list[str], blobs: list[tuple[str, str]], root: Path, skipped: list[str]
) -> None:
    """Write each (sha, path) under root from one `cat-file --batch`; missing blobs are skipped."""
    proc = subprocess.Popen(
        [*git, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert proc.stdin is not None and proc.stdout is not None
    base = root.resolve()
    try:
        for sha, path in blobs:
            proc.stdin.write(f"{sha}\n".encode())
            proc.stdin.flush()
            header = proc.stdout.readline().decode().split()
            if len(header) < 2 or header[1] == "missing":
                skipped.append(f"missing {path}")
                continue
            data = proc.stdout.read(int(header[2]))
            proc.stdout.read(1)  # the newline after each object
            dest = (root / path).resolve()
            if base not in dest.parents:
                raise ValueError(f"path escapes the checkout: {path!r}")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
    finally:
        proc.stdin.close()
        proc.wait()


def _props(component: dict[str, Any]) -> dict[str, str]:
    return {
        str(p.get("name")): str(p.get("value"))
        for p in component.get("properties") or []
        if isinstance(p, dict)
    }


def _only_listed(component: dict[str, Any]) -> bool:
    """Every occurrence of the component is a catalogue entry (evidence attribute ``listed``):
    the release offers the model but no call was seen."""
    occurrences = (component.get("evidence") or {}).get("occurrences") or []
    flags = []
    for occ in occurrences:
        try:
            context = json.loads(occ.get("additionalContext") or "{}")
        except (TypeError, ValueError):
            context = {}
        attrs = context.get("attributes") if isinstance(context, dict) else None
        flags.append(isinstance(attrs, dict) and attrs.get("listed") is True)
    return bool(flags) and all(flags)


def reported_components(bom: dict[str, Any]) -> list[Reported]:
    """The top-level model, dataset and hosted-API components of a CycloneDX BOM."""
    out: dict[str, Reported] = {}
    for comp in bom.get("components") or []:
        if comp.get("type") not in AI_TYPES:
            continue
        props = _props(comp)
        ident = props.get("aigate:id") or str(comp.get("bom-ref", ""))
        if not ident or ident.startswith(NOT_SCORED):
            continue
        country = ((comp.get("manufacturer") or {}).get("address") or {}).get("country")
        cn = country == "CN" or props.get("aigate:publisher:parent-country") == "CN"
        listed = _only_listed(comp)
        key = norm(ident)
        prior = out.get(key)
        out[key] = Reported(ident, cn or (prior.cn if prior else False), listed)
    return [out[k] for k in sorted(out)]


def scan(tree: Path, python: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="score-apps-") as tmp:
        bom_path = Path(tmp) / "bom.cdx.json"
        proc = subprocess.run(
            [python, "-m", "gate", "scan", str(tree), *SCAN_FLAGS, "-o", str(bom_path)],
            capture_output=True,
            text=True,
            check=False,
            cwd=tmp,  # `-m gate` is then the interpreter's installed gate, not the cwd's
        )
        if not bom_path.is_file():
            detail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            raise ScoreError(f"scan of {tree} failed (exit {proc.returncode}): {' '.join(detail)}")
        loaded: dict[str, Any] = json.loads(bom_path.read_text(encoding="utf-8"))
        return loaded


def score(key: Key, reported: Sequence[Reported]) -> Result:
    res = Result(key.name, key.repo, key.commit, key.kind)
    by_id = {norm(r.id): r for r in reported}
    first: dict[str, Expected] = {}
    for exp in key.expected:
        first.setdefault(norm(exp.id), exp)
    listed_ids = {norm(e.id) for e in key.expected if e.listed}
    # An id listed somewhere but also called elsewhere counts as called.
    called_ids = {norm(e.id) for e in key.expected if not e.listed}
    for nid, exp in first.items():
        res.expected += 1
        is_listed = nid in listed_ids and nid not in called_ids
        res.listed_expected += is_listed
        cn = any(e.country == "CN" for e in key.expected if norm(e.id) == nid)
        res.cn_expected += cn
        got = by_id.get(nid)
        if got is not None:
            res.found += 1
            res.listed_found += is_listed
            res.cn_found += cn
            res.cn_reported_cn += cn and got.cn
            res.use_right += got.listed == is_listed
            continue
        near = sorted(r.id for r in reported if model_part(r.id) == model_part(exp.id))
        res.misses.append(
            {
                "id": exp.id,
                "path": exp.path,
                "line": exp.line,
                "listed": is_listed,
                "cn": cn,
                "reported_as": near,
                "class": "wrong-identity" if near else "absent",
            }
        )
    for nid, rep in by_id.items():
        if nid in first:
            continue
        if nid in key.acceptable or any(
            fnmatch.fnmatchcase(nid, p) for p in key.acceptable_patterns
        ):
            res.acceptable += 1
            continue
        res.false_positives.append(
            {
                "id": rep.id,
                "negative": nid in key.negatives,
                "wildcard": "*" in rep.id,
                "same_model_expected_as": sorted(
                    e.id for e in first.values() if model_part(e.id) == model_part(rep.id)
                ),
            }
        )
    res.reported = len(by_id)
    return res


def ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def totals(results: Iterable[Result]) -> dict[str, Any]:
    rs = [r for r in results if r.error is None]
    exp = sum(r.expected for r in rs)
    found = sum(r.found for r in rs)
    fps = sum(len(r.false_positives) for r in rs)
    return {
        "repos": len(rs),
        "errors": sum(1 for r in results if r.error is not None),
        "expected": exp,
        "found": found,
        "recall": ratio(found, exp),
        "false_positives": fps,
        "precision": ratio(found, found + fps),
        "listed_expected": sum(r.listed_expected for r in rs),
        "listed_found": sum(r.listed_found for r in rs),
        "listed_recall": ratio(sum(r.listed_found for r in rs), sum(r.listed_expected for r in rs)),
        "cn_expected": sum(r.cn_expected for r in rs),
        "cn_found": sum(r.cn_found for r in rs),
        "cn_recall": ratio(sum(r.cn_found for r in rs), sum(r.cn_expected for r in rs)),
        "cn_reported_cn": sum(r.cn_reported_cn for r in rs),
        "use_right": sum(r.use_right for r in rs),
        "cn_country_recall": ratio(
            sum(r.cn_reported_cn for r in rs), sum(r.cn_expected for r in rs)
        ),
    }


def as_json(r: Result) -> dict[str, Any]:
    return {
        "name": r.name,
        "repo": r.repo,
        "commit": r.commit,
        "kind": r.kind,
        "error": r.error,
        "expected": r.expected,
        "found": r.found,
        "recall": ratio(r.found, r.expected),
        "reported": r.reported,
        "acceptable": r.acceptable,
        "false_positives": r.false_positives,
        "precision": ratio(r.found, r.found + len(r.false_positives)),
        "listed_expected": r.listed_expected,
        "listed_found": r.listed_found,
        "cn_expected": r.cn_expected,
        "cn_found": r.cn_found,
        "cn_reported_cn": r.cn_reported_cn,
        "use_right": r.use_right,
        "misses": r.misses,
    }


def fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def print_text(results: Sequence[Result], total: dict[str, Any]) -> None:
    widths = (-48, 4, 5, 6, 4, 6, 6)
    head = ("repository", "exp", "found", "recall", "FP", "prec", "CN")
    cells = (f"{h:<{-w}}" if w < 0 else f"{h:>{w}}" for h, w in zip(head, widths, strict=True))
    print(" ".join(cells))
    for r in results:
        if r.error is not None:
            print(f"{r.name:<48} ERROR {r.error}")
            continue
        fp = len(r.false_positives)
        cn = f"{r.cn_found}/{r.cn_expected}" if r.cn_expected else "-"
        print(
            f"{r.name:<48} {r.expected:>4} {r.found:>5} {fmt(ratio(r.found, r.expected)):>6} "
            f"{fp:>4} {fmt(ratio(r.found, r.found + fp)):>6} {cn:>6}"
        )
    t = total
    print(
        f"\nTOTAL {t['repos']} repos ({t['errors']} errors): recall {fmt(t['recall'])} "
        f"({t['found']}/{t['expected']}), strict precision {fmt(t['precision'])} "
        f"({t['found']} right, {t['false_positives']} false positives), "
        f"listed recall {fmt(t['listed_recall'])} ({t['listed_found']}/{t['listed_expected']}), "
        f"CN recall {fmt(t['cn_recall'])} ({t['cn_found']}/{t['cn_expected']}; "
        f"reported as CN {t['cn_reported_cn']}), listed/called flag right on "
        f"{t['use_right']}/{t['found']} found"
    )
    print("\nMISSES (expected id, where; what was reported for the same model name)")
    for r in results:
        for m in r.misses:
            tag = " [listed]" if m["listed"] else ""
            tag += " [CN]" if m["cn"] else ""
            seen = f"  -> {', '.join(m['reported_as'])}" if m["reported_as"] else ""
            print(f"  {r.name}: {m['id']}{tag}  {m['path']}:{m['line']}{seen}")
    print("\nFALSE POSITIVES (reported id; the expected id of the same model name, if any)")
    for r in results:
        for f in r.false_positives:
            tag = " [negative]" if f["negative"] else ""
            tag += " [wildcard]" if f["wildcard"] else ""
            same = f"  (expected {', '.join(f['same_model_expected_as'])})"
            print(f"  {r.name}: {f['id']}{tag}{same if f['same_model_expected_as'] else ''}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--keys", type=Path, default=KEYS, help="folder of <owner>__<name>.yaml")
    parser.add_argument("--mirrors", type=Path, default=MIRRORS, help="folder of bare mirrors")
    parser.add_argument("--checkouts", type=Path, default=CHECKOUTS, help="checkout cache")
    parser.add_argument(
        "--only", action="append", default=[], help="owner__name (repeatable or comma-separated)"
    )
    parser.add_argument("--python", default=sys.executable, help="interpreter that runs gate")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument("--jobs", type=int, default=1, help="scans run at once (default 1)")
    parser.add_argument("--json-out", type=Path, help="also write the JSON result to this file")
    args = parser.parse_args(argv)

    files = sorted(args.keys.glob("*.yaml"))
    if args.only:
        wanted = {name for item in args.only for name in item.split(",") if name}
        files = [f for f in files if f.stem in wanted]
        unknown = wanted - {f.stem for f in files}
        if unknown:
            print(f"error: no key for {', '.join(sorted(unknown))} in {args.keys}", file=sys.stderr)
            return 2
    try:
        keys = [load_key(f, args.mirrors) for f in files]
    except ScoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not keys:
        print(f"error: no keys in {args.keys}", file=sys.stderr)
        return 2

    def run(key: Key) -> Result:
        try:
            tree = checkout(key, args.checkouts)
            return score(key, reported_components(scan(tree, args.python)))
        except ScoreError as exc:
            return Result(key.name, key.repo, key.commit, key.kind, error=str(exc))

    # Each scan is its own process: threads only wait on them. Results keep the keys' order.
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(run, keys))
    total = totals(results)
    document = {"total": total, "repos": [as_json(r) for r in results]}
    if args.json_out is not None:
        args.json_out.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n")
    if args.json:
        json.dump(document, sys.stdout, indent=2, sort_keys=True)
        print()
    else:
        print_text(results, total)
    return 1 if total["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
