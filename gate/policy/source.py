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


def statements(module: Module) -> list[list[Token]]:
    """The module's top-level statements (package, imports, rules), newlines included."""
    return _statements(module.tokens, keep_newlines=True)


def _statements(tokens: list[Token], *, keep_newlines: bool = False) -> list[list[Token]]:
    """Top-level statements: a new one starts at a depth-0 token that begins a line."""
    statements: list[list[Token]] = []
    current: list[Token] = []
    last: Token | None = None
    at_line_start = True
    for tok in tokens:
        if tok.kind == "newline":
            if tok.depth == 0:
                at_line_start = True
            if keep_newlines and current:
                current.append(tok)
            continue
        if tok.depth == 0 and at_line_start and last is not None and not _continues(last, tok):
            statements.append(current)
            current = []
        current.append(tok)
        last = tok
        at_line_start = False
    if current:
        statements.append(current)
    return statements


def _continues(last: Token, tok: Token) -> bool:
    # `else` and an infix operator at a line start continue the previous statement.
    if tok.text in ("else", "if", "{", ":=", "=", "|", "&"):
        return True
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


_TERM_END = ("ident", "string", "number")


@dataclass(frozen=True, slots=True)
class Comprehension:
    """An array, set or object comprehension: its token span and what its body declares."""

    start: int
    """Index of the opening bracket in the statement's tokens."""
    end: int
    """Index of the closing bracket."""
    declared: dict[str, Token]
    """Names the body declares (``some x``, ``some x in``, ``x :=``) → their first token."""
    pairs: list[Token]
    """``some`` tokens of the body that declare two names (``some k, v in x``)."""

    def holds(self, index: int) -> bool:
        """The token at ``index`` lies inside the brackets."""
        return self.start < index < self.end

    def within(self, other: Comprehension) -> bool:
        """This comprehension lies inside ``other``."""
        return other.start < self.start and self.end < other.end


def _opens_body(before: Token | None) -> bool:
    """A ``{`` after this token opens a rule, ``else`` or ``every`` body, not a term."""
    if before is None:
        return False
    if before.kind == "ident":
        return (
            before.text in ("if", "else")
            or before.text not in KEYWORDS
            or before.text
            in (
                "true",
                "false",
                "null",
            )
        )
    return before.kind in _TERM_END or before.text in (")", "]", "}")


def comprehensions(stmt: list[Token]) -> list[Comprehension]:
    """The comprehensions of one top-level statement (newline tokens kept), outermost first."""
    found: list[Comprehension] = []
    opens: list[int] = []
    for i, tok in enumerate(stmt):
        if tok.kind != "punct":
            continue
        if tok.text in ("[", "{", "("):
            opens.append(i)
        elif tok.text in ("]", "}", ")") and opens:
            start = opens.pop()
            opener = stmt[start]
            if opener.text == "(":
                continue
            before = next((t for t in reversed(stmt[:start]) if t.kind != "newline"), None)
            if opener.text == "{" and _opens_body(before):
                continue
            inner = opener.depth + 1
            bar = next(
                (
                    j
                    for j in range(start + 1, i)
                    if stmt[j].depth == inner and stmt[j].text == "|" and stmt[j].kind == "punct"
                ),
                None,
            )
            if bar is not None:
                found.append(_comprehension(stmt, start, bar, i, inner))
    return sorted(found, key=lambda c: c.start)


def _comprehension(stmt: list[Token], start: int, bar: int, end: int, depth: int) -> Comprehension:
    declared: dict[str, Token] = {}
    pairs: list[Token] = []
    expr_start = True
    j = bar + 1
    while j < end:
        tok = stmt[j]
        if tok.depth != depth:
            j += 1
            expr_start = False
            continue
        if tok.kind == "newline" or tok.text == ";":
            expr_start = True
            j += 1
            continue
        if tok.text == "some" and tok.kind == "ident":
            names: list[Token] = []
            k = j + 1
            while k < end and stmt[k].kind == "ident" and stmt[k].text not in KEYWORDS:
                names.append(stmt[k])
                if k + 1 < end and stmt[k + 1].text == ",":
                    k += 2
                else:
                    k += 1
                    break
            if len(names) > 1:
                pairs.append(tok)
            for name in names:
                if name.text != "_":
                    declared.setdefault(name.text, name)
            j = k
            expr_start = False
            continue
        if (
            expr_start
            and tok.kind == "ident"
            and tok.text not in KEYWORDS
            and j + 1 < end
            and stmt[j + 1].text == ":="
        ):
            declared.setdefault(tok.text, tok)
        expr_start = False
        j += 1
    return Comprehension(start=start, end=end, declared=declared, pairs=pairs)


def variables(stmt: list[Token]) -> list[tuple[int, Token]]:
    """Identifiers of a statement that name variables or rules (not fields, calls, keywords)."""
    out: list[tuple[int, Token]] = []
    for i, tok in enumerate(stmt):
        if tok.kind != "ident" or tok.text in KEYWORDS or tok.text == "_":
            continue
        if i > 0 and stmt[i - 1].text == "." and stmt[i - 1].kind == "punct":
            continue
        # The head of a call (`f(`, `glob.match(`) names a function, not a variable.
        j = i
        while j + 2 < len(stmt) and stmt[j + 1].text == "." and stmt[j + 2].kind == "ident":
            j += 2
        if j + 1 < len(stmt) and stmt[j + 1].text == "(":
            continue
        out.append((i, tok))
    return out
