"""Reading Rego sources before the engine does: tokens, rule heads, calls and comment blocks.

regopy 1.5.2 accepts text that OPA v1 rejects and gives it another meaning (a v0 ``deny[msg]
{…}`` becomes an object), crashes on some constructs and has no ``rego.metadata``. aigate
therefore reads each module itself: enough of a lexer to find top-level rule heads, function
calls and ``# METADATA`` comment blocks with their lines; not a Rego parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"[0-9][0-9.eE+\-]*")
_PUNCT2 = (":=", "==", "!=", "<=", ">=")
_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {")", "]", "}"}
KEYWORDS = frozenset(
    {
        "package",
        "import",
        "default",
        "if",
        "else",
        "contains",
        "some",
        "every",
        "in",
        "not",
        "with",
        "as",
        "true",
        "false",
        "null",
    }
)


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical token: kind is ident, number, string, punct or newline."""

    kind: str
    text: str
    line: int
    column: int
    depth: int
    """Bracket depth before this token (0 at the top level of the module)."""


@dataclass(frozen=True, slots=True)
class Comment:
    """A ``#`` comment with its line; ``text`` excludes the ``#``."""

    line: int
    text: str
    alone: bool
    """Nothing but whitespace precedes it on its line."""


@dataclass(frozen=True, slots=True)
class RuleHead:
    """A top-level statement that defines a rule or function."""

    name: str
    line: int
    tokens: tuple[Token, ...]
    """The head: from the name up to the body (``if`` or ``{``) or the end of the statement."""
    is_function: bool
    has_if: bool
    is_default: bool
    v0_body: bool
    """A body follows the head without ``if``: Rego v0, which regopy silently misreads."""


@dataclass(slots=True)
class Module:
    """What aigate knows about one Rego module before the engine sees it."""

    path: str
    text: str
    package: str = ""
    package_line: int = 0
    imports: dict[str, str] = field(default_factory=dict)
    """Alias → imported reference (``data.aigate.lib.x``)."""
    tokens: list[Token] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)
    heads: list[RuleHead] = field(default_factory=list)

    @property
    def is_test(self) -> bool:
        """Test modules (``*_test.rego``) are loaded by ``aigate policy test`` only."""
        return Path(self.path).name.endswith("_test.rego")


class LexError(ValueError):
    """Text that is not Rego at the lexical level."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line


def _string_end(text: str, start: int, line: int) -> int:
    quote = text[start]
    i = start + 1
    while i < len(text):
        ch = text[i]
        if quote == '"' and ch == "\\":
            i += 2
            continue
        if ch == quote:
            return i + 1
        if quote == '"' and ch == "\n":
            break
        i += 1
    raise LexError(line, "unterminated string")


def lex(text: str) -> tuple[list[Token], list[Comment]]:
    """Tokens and comments of a Rego source."""
    tokens: list[Token] = []
    comments: list[Comment] = []
    stack: list[str] = []
    i, line, line_start = 0, 1, 0
    n = len(text)
    while i < n:
        ch = text[i]
        col = i - line_start + 1
        if ch == "\n":
            tokens.append(Token("newline", "\n", line, col, len(stack)))
            i += 1
            line += 1
            line_start = i
            continue
        if ch in " \t\r":
            i += 1
            continue
        if ch == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
            alone = not text[line_start:i].strip()
            comments.append(Comment(line, text[i + 1 : end], alone))
            i = end
            continue
        if ch in '"`':
            end = _string_end(text, i, line)
            tokens.append(Token("string", text[i:end], line, col, len(stack)))
            line += text.count("\n", i, end)
            if "\n" in text[i:end]:
                line_start = text.rfind("\n", i, end) + 1
            i = end
            continue
        match = _IDENT.match(text, i)
        if match:
            tokens.append(Token("ident", match.group(), line, col, len(stack)))
            i = match.end()
            continue
        match = _NUMBER.match(text, i)
        if match:
            tokens.append(Token("number", match.group(), line, col, len(stack)))
            i = match.end()
            continue
        two = text[i : i + 2]
        if two in _PUNCT2:
            tokens.append(Token("punct", two, line, col, len(stack)))
            i += 2
            continue
        depth = len(stack)
        if ch in _OPEN:
            stack.append(_OPEN[ch])
        elif ch in _CLOSE:
            if not stack or stack[-1] != ch:
                raise LexError(line, f"unbalanced {ch!r}")
            stack.pop()
            depth = len(stack)
        tokens.append(Token("punct", ch, line, col, depth))
        i += 1
    if stack:
        raise LexError(line, f"missing {stack[-1]!r} at the end of the module")
    return tokens, comments


def _statements(tokens: list[Token]) -> list[list[Token]]:
    """Top-level statements: a new one starts at a depth-0 token that begins a line."""
    statements: list[list[Token]] = []
    current: list[Token] = []
    at_line_start = True
    for tok in tokens:
        if tok.kind == "newline":
            if tok.depth == 0:
                at_line_start = True
            continue
        if tok.depth == 0 and at_line_start and current and not _continues(current, tok):
            statements.append(current)
            current = []
        current.append(tok)
        at_line_start = False
    if current:
        statements.append(current)
    return statements


def _continues(current: list[Token], tok: Token) -> bool:
    # `else` and an infix operator at a line start continue the previous statement.
    if tok.text in ("else", "if", "{", ":=", "=", "|", "&"):
        return True
    last = current[-1]
    return last.kind == "punct" and last.text in (":=", "=", ",", "|", "&", "+", "-", "*", "/")


def parse(path: str, text: str) -> Module:
    """Lex a module and find its package, imports and rule heads."""
    tokens, comments = lex(text)
    module = Module(path=path, text=text, tokens=tokens, comments=comments)
    for stmt in _statements(tokens):
        first = stmt[0]
        if first.kind != "ident":
            raise LexError(first.line, f"unexpected {first.text!r} at the top level")
        if first.text == "package":
            module.package = _ref_text(stmt[1:])
            module.package_line = first.line
            continue
        if first.text == "import":
            ref_tokens = stmt[1:]
            alias = None
            if len(ref_tokens) >= 2 and ref_tokens[-2].text == "as":
                alias = ref_tokens[-1].text
                ref_tokens = ref_tokens[:-2]
            ref = _ref_text(ref_tokens)
            if alias is None:
                alias = ref.rsplit(".", 1)[-1]
            module.imports[alias] = ref
            continue
        is_default = first.text == "default"
        head_tokens = stmt[1:] if is_default else stmt
        if not head_tokens:
            raise LexError(first.line, "empty rule")
        head: list[Token] = []
        has_if = v0 = False
        for tok in head_tokens:
            if tok.depth == 0 and tok.text == "if":
                has_if = True
                break
            if tok.depth == 0 and tok.text == "{" and _ends_term(head):
                v0 = True
                break
            head.append(tok)
        name_tok = head_tokens[0]
        is_function = len(head_tokens) > 1 and head_tokens[1].text == "("
        module.heads.append(
            RuleHead(
                name=name_tok.text,
                line=name_tok.line,
                tokens=tuple(head),
                is_function=is_function,
                has_if=has_if,
                is_default=is_default,
                v0_body=v0,
            )
        )
    return module


def _ref_text(tokens: list[Token]) -> str:
    return "".join(t.text for t in tokens)


def _ends_term(head: list[Token]) -> bool:
    """The last head token closes a term, so a following ``{`` opens a body, not a value."""
    if not head:
        return False
    last = head[-1]
    if last.kind in ("string", "number"):
        return True
    if last.kind == "ident":
        return last.text not in KEYWORDS or last.text in ("true", "false", "null")
    return last.text in (")", "]", "}")


@dataclass(frozen=True, slots=True)
class Call:
    """A function call in a module: dotted name and where."""

    name: str
    line: int
    column: int


def calls(module: Module) -> list[Call]:
    """Every ``name(`` or ``a.b.c(`` call outside strings and comments."""
    out: list[Call] = []
    toks = [t for t in module.tokens if t.kind != "newline"]
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.kind != "ident" or tok.text in KEYWORDS:
            i += 1
            continue
        # Skip identifiers that continue a ref (`x.y`): only a ref's start begins a call name.
        if i > 0 and toks[i - 1].text == "." and toks[i - 1].kind == "punct":
            i += 1
            continue
        j = i
        parts = [tok.text]
        while (
            j + 2 < len(toks)
            and toks[j + 1].text == "."
            and toks[j + 2].kind == "ident"
            and toks[j + 2].line == tok.line
        ):
            parts.append(toks[j + 2].text)
            j += 2
        if j + 1 < len(toks) and toks[j + 1].text == "(" and toks[j + 1].line == toks[j].line:
            out.append(Call(".".join(parts), tok.line, tok.column))
        i = j + 1
    return out


def metadata_blocks(module: Module) -> list[tuple[int, str, int | None]]:
    """``# METADATA`` blocks: (line of the marker, YAML text, line of the rule that follows).

    A block is the marker comment and the comment lines right below it, as in OPA; it
    belongs to the first rule head after it.
    """
    by_line = {c.line: c for c in module.comments if c.alone}
    blocks: list[tuple[int, str, int | None]] = []
    for comment in module.comments:
        if not comment.alone or comment.text.strip() != "METADATA":
            continue
        lines: list[str] = []
        ln = comment.line + 1
        while ln in by_line and by_line[ln].text.strip() != "METADATA":
            body = by_line[ln].text
            lines.append(body[1:] if body.startswith(" ") else body)
            ln += 1
        following = next((h.line for h in module.heads if h.line >= ln), None)
        blocks.append((comment.line, "\n".join(lines), following))
    return blocks
