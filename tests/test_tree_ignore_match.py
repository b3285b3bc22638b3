"""The walk's one-regex test of an ignore file says what pathspec's own check says."""

from __future__ import annotations

import itertools

import pathspec

from gate.discover.tree import _Spec

LINES = [
    "*.log",
    "!keep.log",
    "build/",
    "/root-only",
    "docs/**/draft-*.md",
    "**/node_modules",
    "a?c",
    "[abc]x",
    "\\#literal",
    "\\!bang",
    "trailing\\ ",
    "back\\\\slash",
    "(?P<ps_d>x",
    "weird(?P=ps_d)",
    "sp ace/",
    "",
    "# comment",
    "ünïcode/*.txt",
    "deep/**",
    "!deep/keep/",
]
PATHS = [
    "x.log", "keep.log", "sub/keep.log", "build/", "build", "src/build/", "src/build/x.py",
    "root-only", "sub/root-only", "docs/a/b/draft-1.md", "docs/draft-2.md", "node_modules/",
    "a/node_modules/x.js", "abc", "abbc", "ax", "dx", "#literal", "!bang", "trailing ",
    "back\\slash", "(?P<ps_d>x", "weird(?P=ps_d)", "sp ace/", "ünïcode/a.txt", "deep/x",
    "deep/keep/", "deep/keep/y", "plain.py", "dir/", "./x.log", "/x.log",
]  # fmt: skip


def _same(lines: list[str]) -> None:
    spec = _Spec("", pathspec.GitIgnoreSpec.from_lines(lines))
    for path in PATHS:
        assert spec.check(path) == spec.spec.check_file(path).include, (lines, path)


def test_each_pattern_alone() -> None:
    for line in LINES:
        _same([line])


def test_patterns_together_in_both_orders() -> None:
    _same(LINES)
    _same(list(reversed(LINES)))
    for pair in itertools.combinations(LINES, 2):
        _same(list(pair))


def test_no_patterns_and_only_comments() -> None:
    _same([])
    _same(["# nothing", ""])
    assert _Spec("", pathspec.GitIgnoreSpec.from_lines(["# c"])).any_match is None


def test_the_shortcut_is_taken_for_ordinary_ignore_files() -> None:
    assert _Spec("", pathspec.GitIgnoreSpec.from_lines(LINES)).any_match is not None
