"""A degraded reading of a Python file that ``ast.parse`` rejects.

One syntax error (a missing comma in a dict, a Python 2 ``print`` statement) makes the whole
file unparseable, and a settings module that lists twenty models would then give nothing.
Python's own tokenizer still reads such a file: it splits it into top-level statements, each
statement is parsed on its own, and a statement that still fails but has the shape
``name = <literal>`` is read by a small literal reader over the tokens that tolerates a
missing comma between items. Nothing else is guessed: any other failing statement is left out
and said so. The analysers run on the recovered module as on any other, and the scan notes
which lines were read degraded and which were not read.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

_CONTINUES = frozenset({"else", "elif", "except", "finally"})
_SKIP = frozenset({tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT})
_CLOSE = {"{": "}", "[": "]", "(": ")"}
_NAMED = {"True": True, "False": False, "None": None}
_MAX_DEPTH = 40


@dataclass(slots=True)
class Recovered:
    """The statements that could be read, and the line ranges read degraded or not at all."""

    module: ast.Module
    literal: list[tuple[int, int]] = field(default_factory=list)
    """Statements ``(first line, last line)`` read by the literal reader only."""
    dropped: list[tuple[int, int]] = field(default_factory=list)
    """Statements ``(first line, last line)`` that could not be read."""

    def note(self) -> str:
        """What was read degraded, for the scan note (``lines 39-64 read as a literal``)."""
        parts = ["read statement by statement"]
        if self.literal:
            parts.append(f"{_spans(self.literal)} read as literal values only")
        if self.dropped:
            parts.append(f"{_spans(self.dropped)} not read")
        return "; ".join(parts)


def recover(text: str) -> Recovered | None:
    """The readable part of a module ``ast.parse`` rejected, or None when no statement could
    be read (the file is then skipped as before)."""
    # The tokenizer's lines (io.StringIO's readline: ended by "\n" only), not
    # str.splitlines(), which also ends one at a form feed and shifted every statement.
    lines = io.StringIO(text).readlines()
    out = Recovered(ast.Module(body=[], type_ignores=[]))
    for first, last, tokens in _statements(text):
        source = "".join(lines[first - 1 : last])
        try:
            parsed = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            stmt = _literal_statement(tokens, lines)
            if stmt is None:
                out.dropped.append((first, last))
            else:
                out.module.body.append(stmt)
                out.literal.append((first, last))
            continue
        ast.increment_lineno(parsed, first - 1)
        out.module.body.extend(parsed.body)
    if not out.module.body:
        return None
    return out


def _spans(spans: Sequence[tuple[int, int]]) -> str:
    words = [f"line {a}" if a == b else f"lines {a}-{b}" for a, b in spans]
    return ", ".join(words)


def _statements(text: str) -> Iterator[tuple[int, int, list[tokenize.TokenInfo]]]:
    """Top-level statements as ``(first line, last line, tokens)``. A tokenizer error (an
    unclosed bracket, an inconsistent dedent) ends the reading: the rest is one statement."""
    current: list[tokenize.TokenInfo] = []
    depth = 0
    decorated = False
    reader = io.StringIO(text).readline
    try:
        for tok in tokenize.generate_tokens(reader):
            if tok.type == tokenize.ENDMARKER:
                break
            starts = not current or (
                depth == 0
                and tok.start[1] == 0
                and tok.type not in _SKIP
                and tok.type != tokenize.NEWLINE
                and _ended(current)
                and not decorated
                and tok.string not in _CONTINUES
            )
            if starts and current:
                yield from _group(current)
                current = []
            if not current:
                decorated = False
            if tok.type == tokenize.OP and tok.string in "([{":
                depth += 1
            elif tok.type == tokenize.OP and tok.string in ")]}":
                depth = max(depth - 1, 0)
            elif tok.type == tokenize.NEWLINE and depth == 0:
                decorated = _logical_line_is_decorator(current)
            current.append(tok)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    if current:
        yield from _group(current)


def _ended(tokens: Sequence[tokenize.TokenInfo]) -> bool:
    """The tokens so far end a logical line (a NEWLINE, possibly followed by blank lines)."""
    for tok in reversed(tokens):
        if tok.type in _SKIP:
            continue
        return tok.type == tokenize.NEWLINE
    return True


def _logical_line_is_decorator(tokens: Sequence[tokenize.TokenInfo]) -> bool:
    """The logical line just ended starts with ``@`` (the next line is what it decorates)."""
    start = len(tokens)
    while start > 0 and tokens[start - 1].type != tokenize.NEWLINE:
        start -= 1
    for tok in tokens[start:]:
        if tok.type in _SKIP:
            continue
        return tok.type == tokenize.OP and tok.string == "@"
    return False


def _group(
    tokens: list[tokenize.TokenInfo],
) -> Iterator[tuple[int, int, list[tokenize.TokenInfo]]]:
    real = [t for t in tokens if t.type not in _SKIP and t.type != tokenize.NEWLINE]
    if real:
        yield real[0].start[0], real[-1].end[0], real


# --- the literal reader ----------------------------------------------------------------------


class _NotLiteralError(Exception):
    """The statement is not ``name = <literal>``."""


def _literal_statement(
    tokens: Sequence[tokenize.TokenInfo], lines: Sequence[str]
) -> ast.stmt | None:
    """``name = {...}`` (or ``a.b = [...]``, ``name: T = ...``) read from its tokens."""
    reader = _Literal(list(tokens), lines)
    try:
        return reader.assignment()
    except (_NotLiteralError, RecursionError):
        return None


class _Literal:
    def __init__(self, tokens: list[tokenize.TokenInfo], lines: Sequence[str]) -> None:
        self.tokens = tokens
        self.lines = lines
        self.pos = 0

    def peek(self) -> tokenize.TokenInfo | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tokenize.TokenInfo:
        tok = self.peek()
        if tok is None:
            raise _NotLiteralError
        self.pos += 1
        return tok

    def is_op(self, text: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.type == tokenize.OP and tok.string == text

    def expect(self, text: str) -> tokenize.TokenInfo:
        if not self.is_op(text):
            raise _NotLiteralError
        return self.take()

    def place(self, node: ast.AST, first: tokenize.TokenInfo, last: tokenize.TokenInfo) -> None:
        node.lineno, node.col_offset = first.start[0], self._byte(first.start)  # type: ignore[attr-defined]
        node.end_lineno, node.end_col_offset = last.end[0], self._byte(last.end)  # type: ignore[attr-defined]

    def _byte(self, where: tuple[int, int]) -> int:
        row, col = where
        line = self.lines[row - 1] if 0 < row <= len(self.lines) else ""
        return len(line[:col].encode("utf-8"))

    def assignment(self) -> ast.stmt:
        first = self.peek()
        if first is None or first.type != tokenize.NAME:
            raise _NotLiteralError
        target = self.target()
        annotation: ast.expr | None = None
        if self.is_op(":"):
            self.take()
            annotation = self.target()
        self.expect("=")
        value = self.value(0)
        if self.peek() is not None:
            raise _NotLiteralError
        last = self.tokens[-1]
        stmt: ast.stmt
        if annotation is not None:
            stmt = ast.AnnAssign(target=target, annotation=annotation, value=value, simple=1)
        else:
            stmt = ast.Assign(targets=[target], value=value)
        self.place(stmt, first, last)
        return stmt

    def target(self) -> ast.Name | ast.Attribute:
        """``name`` or ``a.b.c`` (an annotation reads the same way)."""
        tok = self.take()
        if tok.type != tokenize.NAME:
            raise _NotLiteralError
        node: ast.Name | ast.Attribute = ast.Name(id=tok.string, ctx=ast.Store())
        self.place(node, tok, tok)
        while self.is_op("."):
            self.take()
            attr = self.take()
            if attr.type != tokenize.NAME:
                raise _NotLiteralError
            value = node
            node = ast.Attribute(value=value, attr=attr.string, ctx=ast.Store())
            self.place(node, tok, attr)
        return node

    def value(self, depth: int) -> ast.expr:
        if depth > _MAX_DEPTH:
            raise _NotLiteralError
        tok = self.take()
        if tok.type == tokenize.STRING:
            return self.strings(tok)
        if tok.type == tokenize.NUMBER:
            node: ast.expr = ast.Constant(value=ast.literal_eval(tok.string))
            self.place(node, tok, tok)
            return node
        if tok.type == tokenize.OP and tok.string == "-":
            num = self.take()
            if num.type != tokenize.NUMBER:
                raise _NotLiteralError
            node = ast.Constant(value=-ast.literal_eval(num.string))
            self.place(node, tok, num)
            return node
        if tok.type == tokenize.NAME and tok.string in _NAMED:
            node = ast.Constant(value=_NAMED[tok.string])
            self.place(node, tok, tok)
            return node
        if tok.type == tokenize.OP and tok.string in _CLOSE:
            return self.container(tok, depth)
        raise _NotLiteralError

    def strings(self, first: tokenize.TokenInfo) -> ast.expr:
        """One string or several written side by side (implicit concatenation)."""
        parts = [first]
        while (tok := self.peek()) is not None and tok.type == tokenize.STRING:
            parts.append(self.take())
        values: list[object] = []
        for part in parts:
            try:
                values.append(ast.literal_eval(part.string))
            except (ValueError, SyntaxError):
                raise _NotLiteralError from None  # an f-string: its value is not known
        value: str | bytes
        if all(isinstance(v, str) for v in values):
            value = "".join(str(v) for v in values)
        elif all(isinstance(v, bytes) for v in values):
            value = b"".join(v for v in values if isinstance(v, bytes))
        else:
            raise _NotLiteralError
        node = ast.Constant(value=value)
        self.place(node, first, parts[-1])
        return node

    def container(self, opening: tokenize.TokenInfo, depth: int) -> ast.expr:
        closing = _CLOSE[opening.string]
        keys: list[ast.expr | None] = []
        items: list[ast.expr] = []
        is_dict = opening.string == "{"
        saw_colon = False
        commas = 0
        while not self.is_op(closing):
            item = self.value(depth + 1)
            if is_dict and self.is_op(":"):
                self.take()
                saw_colon = True
                keys.append(item)
                items.append(self.value(depth + 1))
            elif is_dict and saw_colon:
                raise _NotLiteralError
            else:
                items.append(item)
            # The tolerance: a comma between items may be missing.
            if self.is_op(","):
                self.take()
                commas += 1
        last = self.take()
        if opening.string == "(" and len(items) == 1 and not commas:
            return items[0]  # (x) is x
        node: ast.expr
        if is_dict and (saw_colon or not items):
            node = ast.Dict(keys=keys, values=items)
        elif is_dict:
            node = ast.Set(elts=items)
        elif opening.string == "[":
            node = ast.List(elts=items, ctx=ast.Load())
        else:
            node = ast.Tuple(elts=items, ctx=ast.Load())
        self.place(node, opening, last)
        return node
