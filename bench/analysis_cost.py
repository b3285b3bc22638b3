"""What the Python and JS/TS analysis costs beside the parser alone, on a real repository.

For each source file that passes a front end's byte pre-filter (the candidates the scan
parses), times, in this one process and interleaved file by file:

* the parser alone: ``ast.parse`` of the decoded text (Python); tree-sitter's parse (JS/TS);
* the front end's whole ``analyse_file`` (its cheap checks, the parse, the analysis).

and prints CPU seconds (``time.process_time``, best of ``--rounds``) and the ratio
analysis / parser (target <= 1.5 for Python). The cyclic collector is on, as in earlier
rounds (each side then also pays for collections the other triggers); ``--as-scan`` times
both as the scan's workers run them (``gate.discover.scanning``): the collector held off
during a file and its young generation collected after each, outside the timed spans.
The repository is exported the way ``bench/vs_cdxgen.py`` does it (HEAD tree of a local
mirror under bench/_data/repos).

    python bench/analysis_cost.py [--only diffusers,ai] [--rounds 3] [--path DIR] [--as-scan]
"""

from __future__ import annotations

import argparse
import ast
import gc
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import tree_sitter

from gate.discover import javascript, python, refs, scanning
from gate.discover.javascript.tables import _language
from gate.discover.tree import Tree

sys.path.insert(0, str(Path(__file__).resolve().parent))
import vs_cdxgen


def _py_parse(rel: str, data: bytes) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(data.decode("utf-8", errors="replace"), filename=rel)
        except (SyntaxError, ValueError, RecursionError):
            return None


def _js_parse(rel: str, data: bytes) -> object:
    suffix = "." + rel.rsplit(".", 1)[-1].lower()
    return tree_sitter.Parser(_language(suffix)).parse(data)


def _candidates(
    root: Path, suffixes: tuple[str, ...], needles: tuple[bytes, ...]
) -> tuple[int, list[tuple[str, bytes]]]:
    tree = Tree.walk(root)
    reads = refs.readable(tree, False)  # what a scan reads (tests excluded by default)
    files = [f for f in tree.files if f.suffix in suffixes and reads(f.rel)]
    if suffixes is javascript.SUFFIXES:
        files = [f for f in files if not f.name.endswith((".min.js", ".d.ts"))]
    out = []
    for f in files:
        data = Path(f.abspath).read_bytes()
        if len(data) <= scanning.MAX_SOURCE_BYTES and scanning.matches(data, needles):
            out.append((f.rel, data))
    return len(files), out


def measure(
    label: str,
    files: list[tuple[str, bytes]],
    parse: Callable[[str, bytes], object],
    analyse: Callable[[str, bytes], scanning.Outcome],
    rounds: int,
    collector: bool = True,
) -> tuple[float, float, int]:
    best_parse = best_analyse = float("inf")
    found = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if not collector:
            gc.disable()
        try:
            for _ in range(rounds):
                t_parse = t_analyse = 0.0
                found = 0
                for rel, data in files:
                    start = time.process_time()
                    parse(rel, data)
                    middle = time.process_time()
                    found += len(analyse(rel, data).evidence)
                    t_analyse += time.process_time() - middle
                    t_parse += middle - start
                    if not collector:
                        gc.collect(0)
                best_parse = min(best_parse, t_parse)
                best_analyse = min(best_analyse, t_analyse)
        finally:
            gc.enable()
    return best_parse, best_analyse, found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default="diffusers,ai")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mirrors", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--path", type=Path, help="a checked-out tree instead of a mirror")
    parser.add_argument(
        "--as-scan", action="store_true", help="collector held off per file, as in the scan"
    )
    args = parser.parse_args()
    if args.path:
        roots = [(args.path.name, args.path)]
    else:
        roots = []
        for name in args.only.split(","):
            root, commit, _ = vs_cdxgen.export(name, vs_cdxgen.REPOS[name], args.mirrors)
            print(f"{name}: {vs_cdxgen.REPOS[name]} @ {commit[:12]}")
            roots.append((name, root))
    print(
        f"{'repository':<24} {'lang':<4} {'files':>6} {'cand.':>6} {'parse':>8} {'analysis':>9}"
        f" {'evid.':>6} ratio (CPU s, best of {args.rounds};"
        f" collector {'held off per file, as in the scan' if args.as_scan else 'on'})"
    )
    fronts = (
        ("py", python.SUFFIXES, python.needles(), _py_parse, python.analyse_file, 1.5),
        ("js", javascript.SUFFIXES, javascript.needles(), _js_parse, javascript.analyse_file, 0),
    )
    for name, root in roots:
        for lang, suffixes, needles, parse, analyse, target in fronts:
            total, files = _candidates(root, suffixes, needles)
            if not files:
                continue
            t_parse, t_analyse, found = measure(
                lang, files, parse, analyse, args.rounds, not args.as_scan
            )
            goal = f"  target <= {target}" if target else ""
            print(
                f"{name:<24} {lang:<4} {total:>6} {len(files):>6} {t_parse:7.2f}s"
                f" {t_analyse:8.2f}s {found:>6} {t_analyse / t_parse:5.2f}x{goal}"
            )


if __name__ == "__main__":
    main()
