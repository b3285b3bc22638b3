"""One Go, Rust, Java, Kotlin or C# file's model references, written once over the roles of
:mod:`.grammars`.

Every string literal of the file is placed by its syntax: the argument of a call or builder
method (``ollama.WithModel("llama3.2")``, ``.model("gpt-4o")``), the value of a struct field,
keyed element or named argument (``Model: "gpt-4o"``, ``model = "gpt-4o"``), a constant
(``const MODEL = "..."``), an item of a list (``vec![...]``, ``List.of(...)``) or a Spring
``@Value("${...:default}")`` default. The driver (:mod:`gate.discover.driver`) asks the
recogniser what each names, with the serving context the file gives: the SDK the call's
receiver is imported from (``polyglot_calls.yaml``), its base URL member, and the one known
endpoint every request URL of the file points at. Comments are never read (they are not
string nodes); a list under a catalogue name is *listed*.
"""

from __future__ import annotations

import bisect
import fnmatch
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import tree_sitter

from gate import identity
from gate.discover import refs
from gate.discover.driver import Driver, Seen
from gate.discover.polyglot.grammars import Grammar
from gate.model import Evidence, Location

NAME = "polyglot"
MAX_NODES = 400_000
"""Syntax nodes one file may cost (a bound on generated code, far above real files)."""
_MAX_CLIMB = 8
_MAX_USE_DEPTH = 32
_PUT = frozenset({"put", "insert", "set", "Set", "setProperty", "put_str", "with"})
"""Methods taking ``(key, value)``: ``map.put("model", "gpt-4o")`` names a model key."""
_ENV_READ = re.compile(r"(?i)env|propert|getOrDefault")
"""Members reading a setting with a default (``getEnv(key, default)``, ``getProperty``)."""
_OR_DEFAULT = frozenset({"unwrap_or", "or", "getOrDefault", "orElse"})
"""Members giving an environment read its default (``env::var("X").unwrap_or("y")``)."""
_TEST_MODULES = frozenset({"tests", "test"})
_CONSTANT_NODES = frozenset(
    {"field_access", "scoped_identifier", "identifier", "navigation_expression"}
)
"""Argument nodes that may be an SDK constant (``Enum.MEMBER``, ``module::CONST``, ``CONST``)."""
_MAX_CONSTANT_BYTES = 1000
"""The longest argument read as a possible SDK constant (its name, stripped of whitespace,
is at most 200 characters)."""
_PLACEHOLDER = re.compile(r"^\$\{([A-Za-z0-9_.\-\[\]]+):([^}]*)\}$")


@dataclass(frozen=True, slots=True)
class SdkRow:
    """One row of ``polyglot_calls.yaml``."""

    match: tuple[str, ...]
    family: str
    sdk: str
    provider: str | None
    model: frozenset[str]
    base_url: frozenset[str]

    def matches(self, path: str) -> bool:
        """Whether an import path is this SDK's."""
        return any(fnmatch.fnmatchcase(path, pattern) for pattern in self.match)


@cache
def sdk_rows() -> tuple[SdkRow, ...]:
    """The SDK table (loaded once)."""
    doc = refs.load_data("polyglot_calls.yaml")
    return tuple(
        SdkRow(
            match=tuple(str(m) for m in row["match"]),
            family=str(row["family"]),
            sdk=str(row["sdk"]),
            provider=row.get("provider"),
            model=frozenset(str(m) for m in row.get("model") or ()),
            base_url=frozenset(str(m) for m in row.get("base_url") or ()),
        )
        for row in doc.get("calls") or ()
    )


@dataclass(frozen=True, slots=True)
class ConstantRow:
    """One ``constants`` row of ``polyglot_calls.yaml``: an SDK's model-name constants."""

    owner: tuple[str, ...]
    family: str
    sdk: str
    provider: str | None
    values: dict[str, str]

    def owns(self, path: str) -> bool:
        """Whether an owner's import path (a class, a module) is this row's."""
        return any(fnmatch.fnmatchcase(path, pattern) for pattern in self.owner)


@cache
def constant_rows() -> tuple[ConstantRow, ...]:
    """The SDK constants table (loaded once)."""
    doc = refs.load_data("polyglot_calls.yaml")
    return tuple(
        ConstantRow(
            owner=tuple(str(m) for m in row["owner"]),
            family=str(row["family"]),
            sdk=str(row["sdk"]),
            provider=row.get("provider"),
            values={str(k): str(v) for k, v in (row.get("values") or {}).items()},
        )
        for row in doc.get("constants") or ()
    )


def _literal_head(pattern: str) -> str:
    """A glob's text before its first wildcard (all of it when it has none)."""
    return re.split(r"[*?[]", pattern, maxsplit=1)[0]


@cache
def _sdk_heads() -> tuple[str, ...]:
    """The literal heads of the SDK table's import globs."""
    return tuple(sorted({_literal_head(m) for row in sdk_rows() for m in row.match}))


def _candidates(packages: list[str], heads: tuple[str, ...]) -> list[str]:
    """The star-imported ``packages`` (each once, in order) a glob with one of these literal
    ``heads`` may match a name of (``package.Name``): a glob matches only names its head
    starts, so the package and the head agree up to the shorter. A file's unrelated star
    imports (``import java.util.*``) are then never tried name by name."""
    return [
        p
        for p in dict.fromkeys(packages)
        if any((p + ".").startswith(h) or h.startswith(p + ".") for h in heads)
    ]


def _text(node: tree_sitter.Node | None) -> str:
    raw = node.text if node is not None else None
    return "" if raw is None else raw.decode("utf-8", errors="replace")


_ESCAPES = {"\\$": "$", '\\"': '"', "\\\\": "\\", "\\'": "'", "\\n": "\n", "\\t": "\t"}


@dataclass(frozen=True, slots=True)
class _Place:
    """Where a string stands: ``arg`` (of ``call``, member ``key``), ``keyed`` (field
    ``key`` of the struct, map or named-argument list ``owner``), ``decl`` (named ``key``),
    ``item`` (of the list ``owner``) or ``annotation``."""

    kind: str
    key: str = ""
    call: tree_sitter.Node | None = None
    owner: tree_sitter.Node | None = None


class Analyser:
    """One file: index imports and calls, learn its serving, place every string."""

    def __init__(self, grammar: Grammar, rel: str, data: bytes, root: tree_sitter.Node) -> None:
        self.g = grammar
        self.rel = rel
        self.data = data
        self.root = root
        self.lines = data.split(b"\n")
        self.driver = Driver(NAME)
        self.imports: dict[str, str] = {}
        self.star_imports: list[str] = []
        """Java/Kotlin packages imported whole (``import dev.langchain4j.model.openai.*``)."""
        self.strings: list[tree_sitter.Node] = []
        self.calls: list[tree_sitter.Node] = []
        self.file_url: str | None = None
        self.file_gateway: str | None = None
        self.base_urls: dict[str, set[str]] = {}
        """SDK → the literal base URLs its base-URL members are given in the file."""
        self.dynamic: set[str] = set()
        """SDKs given a base URL the file does not write as a literal."""
        self.truncated = False
        """Whether the file held more syntax nodes than :data:`MAX_NODES` (the rest unread)."""
        self.model_names: dict[str, tuple[SdkRow, str]] = {}
        """Names passed as an SDK model member's argument (``.modelName(MODEL)``): the SDK row
        and member, for the file's declaration of that name (:meth:`_string`)."""
        self.bound: dict[str, tree_sitter.Node | None] = {}
        """Local names bound once to a call's value (:meth:`_binding`); None: bound twice."""
        self._args: dict[int, list[tree_sitter.Node]] = {}
        self._star_owners: dict[str, str | None] = {}
        """:meth:`_star_owner`'s answers by name."""
        self._star_memo: dict[tuple[str, ...], list[str]] = {}
        """:meth:`_star_candidates`' answers by heads (asked only once :meth:`_index` has
        read every import)."""
        self._parents: dict[int, tree_sitter.Node] = {}
        """Each indexed node's parent: tree-sitter finds a parent by descending from the root,
        so ``Node.parent`` costs the node's depth, and a literal nested thousands deep cost
        that per look-up (a quadratic file)."""
        self._starts: dict[int, list[int]] = {}
        """A call's arguments' start bytes (:meth:`_position`), listed once per call."""
        self._menus: dict[int, str | None] = {}
        """A list's gateway (:meth:`_menu_hint`), computed once per list."""
        self.clients: list[tuple[str, str, tree_sitter.Node]] = []
        """(field or variable, URL, literal): a value built with an http URL literal among
        its arguments (``chutes: OpenAIClient::new(key, "https://llm.chutes.ai")``)."""
        self.asked: list[tuple[tree_sitter.Node, str, str, tuple[str, ...]]] = []
        """(literal, text, method, receiver names): a model-shaped first argument of the
        app's own method on a receiver (``state.chutes.complete("zai-org/GLM-4.5-Air")``),
        served by the client that receiver holds (:mod:`.across`)."""

    # ---- index ----

    def run(self) -> list[Evidence]:
        """The file's evidence."""
        self._index()
        self._serving()
        for node in self.strings:
            self._string(node)
        rows = self._constant_rows()
        if rows:
            self._constants(rows)
        return self.driver.found

    def _index(self) -> None:
        stack = [self.root]
        seen = 0
        g = self.g
        while stack:
            node = stack.pop()
            seen += 1
            if seen > MAX_NODES:
                self.truncated = True
                break
            kind = node.type
            if kind in g.strings:
                self.strings.append(node)
                continue
            if "comment" in kind:
                continue
            if kind in g.skipped_blocks and _text(node.child_by_field_name("name")) in (
                _TEST_MODULES
            ):
                continue  # a Rust crate's `mod tests`: its unit tests
            if kind in g.imports:
                self._import(node)
                continue
            if kind in g.calls:
                self.calls.append(node)
            elif kind in g.declarations:
                self._binding(node)
            children = node.children
            for child in children:
                self._parents[child.id] = node
            stack.extend(reversed(children))
        self.strings.sort(key=lambda n: n.start_byte)

    def _binding(self, decl: tree_sitter.Node) -> None:
        """``let client = openai::Client::from_env();`` (a declaration whose value is a
        call): the call a local name holds, so a method called on the name is called on what
        the call returns (:meth:`root_import`). A name bound twice is left unknown."""
        value = decl.child_by_field_name("value")
        if value is None or value.type not in self.g.calls:
            return
        field = self.g.declarations.get(decl.type, "")
        holder = decl.child_by_field_name(field) if field else None
        if holder is None or holder.type != "identifier":
            return
        name = _text(holder)
        self.bound[name] = None if name in self.bound else value

    def _import(self, node: tree_sitter.Node) -> None:
        if self.g.name == "go":
            path = self.string_value(node.child_by_field_name("path"))
            if not path:
                return
            alias = _text(node.child_by_field_name("name"))
            if alias and alias not in ("_", "."):
                self.imports[alias] = path
                return
            parts = path.split("/")
            last = parts[-1]
            if re.fullmatch(r"v\d+", last) and len(parts) > 1:
                last = parts[-2]
            for name in {last, last.removeprefix("go-"), last.removesuffix("-go"),
                         last.split("-")[0]}:  # fmt: skip
                self.imports.setdefault(name, path)
            return
        if self.g.name == "rust":
            arg = node.child_by_field_name("argument")
            if arg is not None:
                self._use(arg, "")
            return
        if self.g.name == "csharp":
            # `using Microsoft.SemanticKernel;` brings a namespace's types and extension
            # methods into scope (a star import); `using Chat = OpenAI.Chat.ChatClient;` an alias.
            words = re.sub(r"\s+", " ", _text(node)).removeprefix("global ").strip().rstrip(";")
            words = words.removeprefix("using").strip()
            if words.startswith("static "):
                return
            alias, eq, target = words.partition("=")
            if eq:
                self.imports[alias.strip()] = target.strip()
            elif words:
                self.star_imports.append(words)
            return
        # Java and Kotlin: a qualified class name (a star import names no class).
        text = re.sub(r"\s+", "", _text(node)).removeprefix("import").removeprefix("static")
        text = text.rstrip(";")
        alias = ""
        if " as " in _text(node):
            text, _, alias = _text(node).removeprefix("import").partition(" as ")
            text, alias = text.strip(), alias.strip().rstrip(";")
        if text.endswith(".*"):
            self.star_imports.append(text[:-2])
            return
        if not text:
            return
        self.imports[alias or text.rsplit(".", 1)[-1]] = text

    def _use(self, node: tree_sitter.Node, prefix: str, depth: int = 0) -> None:
        """A Rust ``use`` tree (``a::b::{C, d::E as F}``) into local name → path; lists
        nested deeper than :data:`_MAX_USE_DEPTH` name nothing read (a crafted
        ``use a::{b::{c::{...}}}`` thousands deep overflowed the stack: the file was lost)."""
        if depth > _MAX_USE_DEPTH:
            return
        kind = node.type
        join = (prefix + "::") if prefix else ""
        if kind == "self" and prefix:
            # use a::b::{self, C}: `b` names the module a::b itself
            self.imports[prefix.rsplit("::", 1)[-1]] = prefix
        elif kind in ("identifier", "scoped_identifier", "crate", "self", "super"):
            path = join + _text(node)
            self.imports[path.rsplit("::", 1)[-1]] = path
        elif kind == "use_as_clause":
            path = join + _text(node.child_by_field_name("path"))
            self.imports[_text(node.child_by_field_name("alias"))] = path
        elif kind == "scoped_use_list":
            inner = join + _text(node.child_by_field_name("path"))
            listed = node.child_by_field_name("list")
            for child in listed.named_children if listed is not None else ():
                self._use(child, inner, depth + 1)
        elif kind == "use_list":
            for child in node.named_children:
                self._use(child, prefix, depth + 1)

    def _up(self, node: tree_sitter.Node) -> tree_sitter.Node | None:
        """A node's parent, from the index when it was walked."""
        known = self._parents.get(node.id)
        return known if known is not None else _descend_to_parent(node)

    # ---- SDK constants standing for a model ----

    def _constant_rows(self) -> tuple[ConstantRow, ...]:
        """The constants rows whose owner the file imports (by name or by package): only
        such a file's call arguments are looked at."""
        paths = [*self.imports.values(), *self.star_imports]
        return tuple(
            row
            for row in constant_rows()
            if any(row.owns(p) or row.owns(p.rsplit("::", 1)[0]) or any(
                o.startswith(p + ".") for o in row.owner) for p in paths)
        )  # fmt: skip

    def _constants(self, rows: tuple[ConstantRow, ...]) -> None:
        """``.modelName(OpenAiImageModelName.DALL_E_3)``, ``.agent(openai::GPT_5_1)``: an
        argument that is an SDK's model-name constant names that model at its provider."""
        heads = tuple(_literal_head(o) for row in rows for o in row.owner)
        for call in self.calls:
            member, _ = self.member(call)
            for arg in self.args(call):
                if arg.type not in _CONSTANT_NODES:
                    continue
                found = self._constant(arg, rows, heads)
                if found is None:
                    continue
                row, value = found
                ctx = refs.RefContext(family=row.family, sdk=row.sdk, provider=row.provider)
                seen = Seen(value, self._loc(arg), arg.id, _text(arg), flow="sdk-constant")
                self.driver.call(seen, ctx, call=f"{row.sdk}:{member}", argument="#0")

    def _constant(
        self, arg: tree_sitter.Node, rows: tuple[ConstantRow, ...], heads: tuple[str, ...]
    ) -> tuple[ConstantRow, str] | None:
        """The row and model of an argument naming one of ``rows``' constants; ``heads``
        are the literal heads of the rows' owner globs (worked out once per file)."""
        if arg.end_byte - arg.start_byte > _MAX_CONSTANT_BYTES:
            # not a constant's name; read and stripped, the nested chains of a hostile file
            # (`g(f(f(x).y).y)...`) were read once per level: quadratic
            return None
        text = re.sub(r"\s+", "", _text(arg))
        if not text or len(text) > 200:
            return None
        sep = "::" if "::" in text else "."
        owner, _, name = text.rpartition(sep)
        owners: list[str] = []
        if not owner:
            # GPT_4O after `use rig::providers::openai::GPT_4O` (or a Java static import)
            path = self.imports.get(name, "")
            sep = "::" if "::" in path else "."
            owner = path.rpartition(sep)[0]
            owners = [owner] if owner else []
        else:
            head, cut, rest = owner.partition(sep)
            base = self.imports.get(head)
            if base is not None:
                owners = [base + (sep + rest if cut else "")]
            elif sep == "::":
                owners = [owner]
            else:
                owners = [f"{package}.{owner}" for package in self._star_candidates(heads)]
        for path in owners:
            for row in rows:
                value = row.values.get(name)
                if value is not None and row.owns(path):
                    return row, value
        return None

    # ---- strings ----

    def string_value(self, node: tree_sitter.Node | None) -> str | None:
        """A string literal's text (escapes decoded), or None when it splices values in."""
        if node is None or node.type not in self.g.strings:
            return None
        parts: list[str] = []
        for child in node.named_children:
            if child.type in self.g.interpolations:
                return None
            if child.type in self.g.content:
                text = _text(child)
                parts.append(_ESCAPES.get(text, text) if child.type == "escape_sequence" else text)
        if not node.named_children:
            return ""
        return "".join(parts)

    def loc(self, node: tree_sitter.Node) -> Location:
        """A node's 1-based line and column."""
        return self._loc(node)

    def _loc(self, node: tree_sitter.Node) -> Location:
        row, col = node.start_point
        line = self.lines[row] if row < len(self.lines) else b""
        column = len(line[:col].decode("utf-8", errors="replace"))
        return Location(self.rel, line=row + 1, column=column + 1)

    def _seen(self, node: tree_sitter.Node, text: str, flow: str) -> Seen:
        return Seen(text, self._loc(node), node.id, text, flow=flow)

    # ---- calls: member names, receivers and the SDK they come from ----

    def member(self, call: tree_sitter.Node) -> tuple[str, tree_sitter.Node | None]:
        """``(member name, receiver)`` of a call: ``ollama.WithModel`` → (``WithModel``,
        ``ollama``); ``Request(...)`` → (``Request``, None)."""
        kind = call.type
        if kind == "method_invocation":
            return _text(call.child_by_field_name("name")), call.child_by_field_name("object")
        if kind == "object_creation_expression":
            typ = call.child_by_field_name("type")
            return _text(typ).rsplit(".", 1)[-1].split("<", 1)[0], typ
        if kind == "constructor_invocation":
            typ = call.named_children[0] if call.named_children else None
            return _text(typ).rsplit(".", 1)[-1], typ
        if kind in ("call", "member_call_expression", "scoped_call_expression"):
            # Ruby `recv.method(...)`, PHP `$recv->name(...)` and `Cls::name(...)`
            name = call.child_by_field_name("method") or call.child_by_field_name("name")
            receiver = (
                call.child_by_field_name("receiver")
                or call.child_by_field_name("object")
                or call.child_by_field_name("scope")
            )
            return _text(name), receiver
        func = call.child_by_field_name("function")
        if func is None and call.named_children:
            func = call.named_children[0]  # Kotlin: the callee is the first child
        if func is None:
            return "", None
        if func.type == "member_access_expression":
            return _text(func.child_by_field_name("name")), func.child_by_field_name("expression")
        if func.type in ("selector_expression", "field_expression"):
            field = func.child_by_field_name("field")
            receiver = func.child_by_field_name("operand") or func.child_by_field_name("value")
            return _text(field), receiver
        if func.type == "scoped_identifier":
            return _text(func.child_by_field_name("name")), func.child_by_field_name("path")
        if func.type == "navigation_expression":
            parts = func.named_children
            return (_text(parts[-1]), parts[0]) if len(parts) >= 2 else (_text(func), None)
        if func.type == "generic_function":
            inner = func.child_by_field_name("function")
            return _text(inner).rsplit("::", 1)[-1], None
        return _text(func), None

    def root_import(self, call: tree_sitter.Node) -> str | None:
        """The import the call's receiver chain starts from (``OllamaOptions.builder().
        model(...)`` → ``org.springframework.ai.ollama.api.OllamaOptions``), or None."""
        name, receiver = self.member(call)
        node = receiver
        for _ in range(_MAX_CLIMB * 2):
            if node is None:
                break
            if node.type in self.g.calls:
                name, node = self.member(node)
                continue
            if node.type in ("selector_expression", "field_expression"):
                node = node.child_by_field_name("operand") or node.child_by_field_name("value")
                continue
            if node.type == "member_access_expression":
                node = node.child_by_field_name("expression")
                continue
            if node.type == "navigation_expression" and node.named_children:
                node = node.named_children[0]
                continue
            if node.type in ("scoped_identifier", "scoped_type_identifier", "qualified_type"):
                return self._import_of(_text(node))
            name = _text(node)
            held = self.bound.get(name) if node.type == "identifier" else None
            if held is not None and name not in self.imports:
                node = held  # `let c = openai::Client::from_env(); c.agent("gpt-4o")`
                continue
            break
        head = re.split(r"::|\.", name, maxsplit=1)[0] if name else ""
        return self.imports.get(head) or self._star_owner(head)

    def _star_candidates(self, heads: tuple[str, ...]) -> list[str]:
        """:func:`_candidates` of the file's star imports, worked out once per ``heads``."""
        known = self._star_memo.get(heads)
        if known is None:
            known = self._star_memo[heads] = _candidates(self.star_imports, heads)
        return known

    def _star_owner(self, head: str) -> str | None:
        """A name a star import may bring (Java ``import dev.langchain4j.model.openai.*``
        then ``OpenAiChatModel``; C# ``using Microsoft.SemanticKernel;`` whose extension
        methods any receiver takes): the first package + name an SDK row owns."""
        if not head or not self.star_imports:
            return None
        if self.g.name != "csharp" and not head[:1].isupper():
            return None  # a Java local variable, not a class
        # Once per head, over the packages an SDK row may own a name of: asked per call over
        # every star import, 500 of each took 20 s (then the per-file backstop).
        if head in self._star_owners:
            return self._star_owners[head]
        found = None
        for package in self._star_candidates(_sdk_heads()):
            path = f"{package}.{head}"
            if self.sdk_of(path) is not None:
                found = path
                break
        self._star_owners[head] = found
        return found

    def role(self, call: tree_sitter.Node) -> tuple[SdkRow | None, str, str]:
        """``(SDK row, member, role)`` of a call: role ``model`` or ``base_url`` when the
        row names the member (``WithModel``) or the member of the receiver's type
        (``GenerationRequest.new``: ollama-rs's ``GenerationRequest::new(model, prompt)``)."""
        member, _ = self.member(call)
        path = self.root_import(call)
        row = self.sdk_of(path)
        if row is None or not member:
            return row, member, ""
        typed = re.split(r"::|\.", path or "")[-1] + "." + member
        for role, names in (("model", row.model), ("base_url", row.base_url)):
            if member in names or typed in names:
                return row, member, role
        return row, member, ""

    def sdk_of(self, path: str | None) -> SdkRow | None:
        """The SDK row an import path belongs to."""
        if not path:
            return None
        return next((row for row in sdk_rows() if row.matches(path)), None)

    def args(self, call: tree_sitter.Node) -> list[tree_sitter.Node]:
        """A call's arguments (Kotlin's unwrapped from their ``value_argument``), listed once
        per call: every string argument asks, and a call of thousands was quadratic."""
        known = self._args.get(call.id)
        if known is None:
            known = self._args[call.id] = self._args_uncached(call)
        return known

    def _position(self, call: tree_sitter.Node, node: tree_sitter.Node) -> int:
        """The index of the argument ``node`` is (or holds), or -1: a bisection over the
        arguments' starts, not a scan of them per string."""
        args = self.args(call)
        starts = self._starts.get(call.id)
        if starts is None:
            starts = self._starts[call.id] = [a.start_byte for a in args]
        at = bisect.bisect_right(starts, node.start_byte) - 1
        for i in (at, at + 1):
            if 0 <= i < len(args) and _covers(args[i], node):
                return i
        return -1

    def _args_uncached(self, call: tree_sitter.Node) -> list[tree_sitter.Node]:
        found = call.child_by_field_name("arguments")
        if found is None:
            found = next((c for c in call.named_children if c.type in self.g.arguments), None)
        if found is None:
            return []
        out = []
        for arg in found.named_children:
            if arg.type in ("value_argument", "argument") and arg.named_children:
                arg = arg.named_children[-1]
            out.append(arg)
        return out

    # ---- serving: the endpoints the file writes ----

    def _serving(self) -> None:
        """The SDK base URLs the file sets, and the one known endpoint its URLs point at."""
        for call in self.calls:
            row, member, role = self.role(call)
            if row is not None and role == "base_url":
                self._base_url(row, self.args(call)[:1])
            elif row is not None and role == "model":
                given = self.args(call)[:1]
                if given and given[0].type == "identifier":
                    # .modelName(TINY_DOLPHIN_MODEL): the file's constant of that name is
                    # this member's argument (the first such call names it).
                    self.model_names.setdefault(_text(given[0]), (row, member))
        for node in self.strings:
            place = self.place(node)
            if place.kind != "keyed" or place.owner is None:
                continue
            row = self.sdk_of(self._owner_import(place.owner))
            if row is not None and place.key in row.base_url:
                self._base_url(row, [node])
        self._clients()
        providers: set[str | None] = set()
        first: dict[str, str] = {}
        for node in self.strings:
            text = self.string_value(node)
            if not text or not refs.is_request_url(text) or " " in text:
                continue
            provider = refs.endpoint_provider(text) or (
                "ollama" if refs.at_ollama_port(text) else None
            )
            providers.add(provider)
            if provider is not None:
                first.setdefault(provider, text)
        if len(providers) == 1 and (owner := next(iter(providers))) is not None:
            self.file_url = first[owner]
            kn = refs.current_knowledge()
            self.file_gateway = owner if kn.registry.is_aggregator(owner) else None

    def _clients(self) -> None:
        """Fields and variables holding a value built with an http URL literal."""
        for node in self.strings:
            text = self.string_value(node)
            if not text or not text.startswith(("http://", "https://")) or " " in text:
                continue
            value, _ = self._climb(node)
            holder = self._up(value)
            call = self._up(holder) if holder is not None else None
            if holder is None or holder.type not in self.g.arguments or call is None:
                continue
            built, _ = self._climb(call)
            place = self._bound(built)
            if place:
                self.clients.append((place, text, node))

    def _bound(self, value: tree_sitter.Node) -> str:
        """The field or variable a value is bound to (``chutes: X::new(..)``, ``x := ...``)."""
        parent = self._up(value)
        if parent is None:
            return ""
        if parent.type in self.g.keyed:
            key_field, value_field = self.g.keyed[parent.type]
            held = parent.child_by_field_name(value_field)
            if held is not None and held.id == value.id:
                return self._key_text(parent.child_by_field_name(key_field))
            return ""
        if parent.type in self.g.declarations:
            return self._declared(parent, 0)
        if parent.type == "value_argument":
            return _argument_name(parent) or ""
        return ""

    def receiver_names(self, call: tree_sitter.Node) -> tuple[str, ...]:
        """The field and variable names along a call's receiver chain (not its methods):
        ``task_state.inference().chutes.clone().complete(..)`` → (``chutes``,
        ``task_state``)."""
        _, node = self.member(call)
        names: list[str] = []
        for _ in range(_MAX_CLIMB * 2):
            if node is None:
                break
            if node.type in self.g.calls:
                _, node = self.member(node)
                continue
            if node.type in ("selector_expression", "field_expression", "field_access"):
                field = node.child_by_field_name("field")
                names.append(_text(field))
                node = (
                    node.child_by_field_name("operand")
                    or node.child_by_field_name("value")
                    or node.child_by_field_name("object")
                )
                continue
            if node.type == "navigation_expression" and len(node.named_children) >= 2:
                names.append(_text(node.named_children[-1]))
                node = node.named_children[0]
                continue
            if node.type in ("identifier", "simple_identifier", "self", "this"):
                names.append(_text(node))
            break
        return tuple(n for n in names if n and n not in ("self", "this"))

    def _base_url(self, row: SdkRow, nodes: list[tree_sitter.Node]) -> None:
        for arg in nodes:
            text = self.string_value(self._literal(arg))
            if text:
                self.base_urls.setdefault(row.sdk + row.family, set()).add(text)
            else:
                self.dynamic.add(row.sdk + row.family)

    def _literal(self, node: tree_sitter.Node) -> tree_sitter.Node:
        """The string literal under conversions (``"x".to_string()``, ``String::from("x")``)."""
        for _ in range(3):
            if node.type in self.g.strings:
                return node
            if node.type in self.g.calls:
                member, receiver = self.member(node)
                if member in self.g.conversions:
                    args = self.args(node)
                    node = (
                        args[0]
                        if args and receiver is not None and (receiver.type not in self.g.strings)
                        else (receiver or node)
                    )
                    continue
            if node.type in self.g.transparent and node.named_children:
                node = node.named_children[0]
                continue
            break
        return node

    def _ctx(self, row: SdkRow) -> refs.RefContext:
        urls = self.base_urls.get(row.sdk + row.family, set())
        dynamic = row.sdk + row.family in self.dynamic
        base_url = next(iter(urls)) if len(urls) == 1 and not dynamic else None
        expr = None if base_url else ("several base URLs" if urls else None)
        if dynamic and not base_url:
            expr = "a base URL the code computes"
        return refs.RefContext(
            family=row.family,
            sdk=row.sdk,
            provider=row.provider,
            base_url=base_url,
            base_url_dynamic=expr,
        )

    # ---- placing a string ----

    def _climb(self, node: tree_sitter.Node) -> tuple[tree_sitter.Node, int]:
        """The node a literal's value stands as (through conversions and wrappers), and its
        index in an expression list (Go ``a, b := "x", "y"``)."""
        index = 0
        g = self.g
        for _ in range(_MAX_CLIMB):
            parent = self._up(node)
            if parent is None:
                break
            if parent.type == "expression_list":
                index = next((i for i, c in enumerate(parent.named_children) if c.id == node.id), 0)
                node = parent
                continue
            if parent.type in g.transparent:
                node = parent
                continue
            # Rust: "x".to_string() / "x".into(): the call is the value.
            if parent.type == "field_expression" and parent.child_by_field_name("value") == node:
                call = self._up(parent)
                if (
                    call is not None
                    and call.type in g.calls
                    and _text(parent.child_by_field_name("field")) in g.conversions
                ):
                    node = call
                    continue
            # Ruby "x".freeze: a call on the string that only converts it is the value.
            if (
                parent.type == "call"
                and parent.child_by_field_name("receiver") == node
                and _text(parent.child_by_field_name("method")) in g.conversions
            ):
                node = parent
                continue
            # String::from("x")
            outer = self._up(parent) if parent.type in g.arguments else None
            if outer is not None:
                member, _ = self.member(outer)
                func = outer.child_by_field_name("function")
                if member in g.conversions and _text(func) in g.conversions:
                    node = outer
                    continue
            break
        return node, index

    def place(self, literal: tree_sitter.Node) -> _Place:
        """Where a string literal stands."""
        node, index = self._climb(literal)
        parent = self._up(node)
        if parent is None:
            return _Place("none")
        g = self.g
        kind = parent.type
        if kind in g.keyed:
            key_field, value_field = g.keyed[kind]
            value = parent.child_by_field_name(value_field)
            if value is not None and value.id == node.id:
                return _Place("keyed", self._key_text(parent.child_by_field_name(key_field)),
                              owner=self._up(parent))  # fmt: skip
            return _Place("none")
        if kind == "value_argument" or (kind == "argument" and g.name in ("csharp", "php")):
            return self._kotlin_argument(parent, node)
        if kind == "array_element_initializer":
            # PHP ['model' => 'gpt-4o'] (keyed) or ['gpt-4o', 'gpt-4o-mini'] (an item)
            parts = parent.named_children
            if any(not c.is_named and c.type == "=>" for c in parent.children):
                if len(parts) == 2 and parts[1].id == node.id:
                    return _Place("keyed", self._key_text(parts[0]), owner=self._up(parent))
                return _Place("none")
            holder = self._up(parent)
            return _Place("item", owner=holder) if holder is not None else _Place("none")
        if kind == "infix_expression" and len(parent.named_children) == 3:
            # Kotlin mapOf("deepseek" to "deepseek-chat")
            head, verb, tail = parent.named_children
            if _text(verb) == "to" and tail.id == node.id:
                return _Place("keyed", self.string_value(head) or "", owner=self._up(parent))
            return _Place("none")
        if kind in g.arguments:
            return self._argument(parent, node)
        if kind in g.declarations:
            return _Place("decl", self._declared(parent, index), owner=parent)
        if kind == "binary_expression" and any(c.type == "?:" for c in parent.children):
            # Kotlin System.getenv("MODEL") ?: "gpt-4o"
            right = parent.child_by_field_name("right")
            key = self._env_name(parent.child_by_field_name("left"))
            if right is not None and right.id == node.id and key:
                return _Place("env", key)
            return _Place("none")
        if kind == "match_arm":
            # Rust `match self { Self::Llama2 => "llama2", .. }` in an `impl OllamaModel`
            value = parent.child_by_field_name("value")
            enclosing = self._enclosing_type(parent)
            if value is not None and value.id == node.id and enclosing:
                return _Place("enum", enclosing)
            return _Place("none")
        if kind in g.returns or (
            kind == "block"
            and g.name == "rust"
            and parent.named_child_count
            and parent.named_children[-1].id == node.id
        ):
            # fn default_model() -> String { "llama3.1".to_string() }, `return "gpt-4o";` in
            # getModelName(): the value of a function named for a model.
            name = self._function_name(parent)
            return _Place("decl", name) if name else _Place("none")
        if kind in g.collections or (kind == "literal_value" and self._is_list(parent)):
            return _Place("item", owner=parent)
        if kind == "token_tree":
            return self._token(parent, node)
        if kind == "annotation_argument_list" or self._in_annotation(parent):
            return _Place("annotation")
        return _Place("none")

    def _function_name(self, node: tree_sitter.Node) -> str:
        """The name of the function a return (or tail expression) is in, or ``""``; a
        closure or lambda in between ends the climb."""
        cur: tree_sitter.Node | None = node
        for _ in range(_MAX_CLIMB * 2):
            cur = self._up(cur) if cur is not None else None
            if cur is None or cur.type in _CLOSURES:
                return ""
            if cur.type in self.g.functions:
                name = cur.child_by_field_name("name")
                if name is None:
                    name = next((c for c in cur.named_children if c.type in (
                        "identifier", "simple_identifier")), None)  # fmt: skip
                return _text(name)
        return ""

    def _kotlin_argument(self, arg: tree_sitter.Node, node: tree_sitter.Node) -> _Place:
        """A Kotlin ``model = "x"`` or C# ``model: "x"`` named argument, else a positional one."""
        named_by = ":" if self.g.name in ("csharp", "php") else "="
        has_eq = any(not c.is_named and c.type == named_by for c in arg.children)
        if has_eq and (name := _argument_name(arg)) is not None:
            if arg.named_children[-1].id != node.id:
                return _Place("none")
            return _Place("keyed", name, owner=self._up(arg))
        if self._in_annotation(arg):
            return _Place("annotation")
        holder = self._up(arg)
        if holder is None:
            return _Place("none")
        return self._argument(holder, arg)

    def _argument(self, holder: tree_sitter.Node, node: tree_sitter.Node) -> _Place:
        call = self._up(holder)
        if call is None:
            return _Place("none")
        if self._in_annotation(holder):
            return _Place("annotation")
        if call.type in ("enum_constant", "enum_entry"):
            # Java `GPT4O("gpt-4o")`, Kotlin `GPT4O("gpt-4o")`: an enum's constants
            enclosing = self._enclosing_type(call)
            return _Place("enum", enclosing) if enclosing else _Place("none")
        member, _ = self.member(call)
        if member in self.g.collection_calls:
            return _Place("item", owner=call)
        args = self.args(call)
        position = self._position(call, node)
        if position == 1 and member in _PUT:
            key = self.string_value(self._literal(args[0]))
            if key:
                return _Place("keyed", key, owner=call)
        if position == 1 and _ENV_READ.search(member):
            # getEnv("OLLAMA_MODEL", "llama3.2"), env.getProperty("app.ai.model", "gpt-4o")
            key = self.string_value(self._literal(args[0]))
            return _Place("env", key, call=call) if key else _Place("none")
        if position == 0 and member in _OR_DEFAULT:
            # Rust std::env::var("MODEL").unwrap_or("gpt-4o".to_string())
            key = self._env_name(self.member(call)[1])
            return _Place("env", key, call=call) if key else _Place("none")
        if position != 0:
            return _Place("none")
        return _Place("arg", member, call=call)

    def _env_name(self, read: tree_sitter.Node | None) -> str:
        """The variable an environment read names (``env::var("MODEL")``,
        ``System.getenv("MODEL")``), or ``""``."""
        if read is None or read.type not in self.g.calls:
            return ""
        member, _ = self.member(read)
        args = self.args(read)
        if (not _ENV_READ.search(member) and member != "var") or not args:
            return ""
        return self.string_value(self._literal(args[0])) or ""

    def _token(self, tree: tree_sitter.Node, node: tree_sitter.Node) -> _Place:
        """A string inside a Rust macro's token tree (``json!({"model": "x"})``,
        ``vec![Model { identifier: "x".to_string(), .. }]``)."""
        prev = node.prev_sibling
        if prev is not None and not prev.is_named and prev.type in (":", "=>"):
            key = prev.prev_sibling
            if key is not None and key.type in ("identifier", *self.g.strings):
                text = _text(key) if key.type == "identifier" else self.string_value(key)
                return _Place("keyed", text or "", owner=tree)
            return _Place("none")
        if (prev is None or prev.type in ("[", "(", ",")) and self._token_list(tree):
            return _Place("item", owner=tree)
        return _Place("none")

    def _token_list(self, tree: tree_sitter.Node) -> bool:
        """A token tree that is a list: ``vec![...]``, or ``[...]`` inside a macro."""
        # child(0), not .children: a copy of thousands of nodes per string
        if tree.child_count and tree.child(0).type == "[":
            return True
        macro = self._up(tree)
        return (
            macro is not None
            and macro.type == "macro_invocation"
            and _text(macro.child_by_field_name("macro")) == "vec"
        )

    def _is_list(self, literal_value: tree_sitter.Node) -> bool:
        """A Go ``literal_value`` of elements (a slice), not of keyed fields (a struct)."""
        return not any(c.type == "keyed_element" for c in literal_value.named_children)

    def _in_annotation(self, node: tree_sitter.Node) -> bool:
        cur: tree_sitter.Node | None = node
        for _ in range(4):
            if cur is None:
                return False
            if cur.type in self.g.annotations:
                return True
            cur = self._up(cur)
        return False

    def _declared_type(self, decl: tree_sitter.Node | None) -> str:
        """The named type of a Go constant or variable (``const GPT4o Model = ...``)."""
        if decl is None or decl.type not in ("const_spec", "var_spec"):
            return ""
        typ = decl.child_by_field_name("type")
        if typ is None or typ.type not in ("type_identifier", "qualified_type"):
            return ""
        return _text(typ).rsplit(".", 1)[-1]

    def _enclosing_type(self, node: tree_sitter.Node) -> str:
        """The enum, class or ``impl`` type a node is declared in."""
        cur = self._up(node)
        for _ in range(_MAX_CLIMB * 2):
            if cur is None:
                return ""
            if cur.type in ("enum_declaration", "class_declaration"):
                name = cur.child_by_field_name("name")
                if name is None:
                    name = next((c for c in cur.named_children if c.type in (
                        "identifier", "type_identifier", "simple_identifier")), None)  # fmt: skip
                return _text(name)
            if cur.type == "impl_item":
                if cur.child_by_field_name("trait") is not None:
                    return ""  # `impl Display for X`: formatting, not a catalogue
                return _text(cur.child_by_field_name("type")).split("<", 1)[0]
            cur = self._up(cur)
        return ""

    def _key_text(self, key: tree_sitter.Node | None) -> str:
        if key is None:
            return ""
        if key.type == "literal_element" and key.named_children:
            key = key.named_children[0]
        value = self.string_value(key)
        return value if value is not None else _text(key)

    def _declared(self, decl: tree_sitter.Node, index: int) -> str:
        field = self.g.declarations.get(decl.type, "")
        holder = decl.child_by_field_name(field) if field else None
        if holder is None:
            # Kotlin: `val NAME = ...` (variable_declaration) / `x.y = ...`
            holder = next(
                (c for c in decl.named_children if c.type in (
                    "variable_declaration", "directly_assignable_expression")),
                None,
            )  # fmt: skip
        if holder is None:
            return ""
        if holder.type in ("expression_list", "variable_declaration"):
            names = [c for c in holder.named_children if c.type == "identifier"]
            holder = names[min(index, len(names) - 1)] if names else holder
        text = _text(holder)
        if decl.type == "const_spec" or decl.type == "var_spec":
            names = list(decl.children_by_field_name("name"))
            if names:
                text = _text(names[min(index, len(names) - 1)])
        # PHP `$model`, Ruby `@model` and `$model`: the variable's name without its sigil
        return re.split(r"[.:>]", text.replace("::", "."))[-1].strip().lstrip("$@") if text else ""

    # ---- emitting ----

    def _string(self, node: tree_sitter.Node) -> None:
        text = self.string_value(node)
        if not text or len(text) > 300:
            return
        place = self.place(node)
        if place.kind == "arg" and place.call is not None:
            row, _, role = self.role(place.call)
            if row is not None and role == "model":
                self.driver.call(
                    self._seen(node, text, "literal"),
                    self._ctx(row),
                    call=f"{row.sdk}:{place.key}",
                    argument="#0",
                )
            elif role != "base_url" and _sets_model(place.key):
                self._named(node, text, place.key, "argument")
            elif row is None and _model_shaped(text):
                names = self.receiver_names(place.call)
                if names:
                    self.asked.append((node, text, place.key, names))
        elif place.kind == "keyed":
            self._keyed(node, text, place)
        elif place.kind == "decl":
            typed = self._declared_type(place.owner)
            passed = self.model_names.get(place.key)
            if passed is not None:
                row, member = passed
                self.driver.call(
                    self._seen(node, text, "constant"),
                    self._ctx(row),
                    call=f"{row.sdk}:{member}",
                    argument="#0",
                )
            elif refs.is_model_key(place.key):
                self._named(node, text, place.key, "assignment")
            elif typed and refs.is_catalogue_name(typed):
                # Go `const GPT4o Model = "gpt-4o"`: a constant of a model type is an entry
                # of the catalogue that type is.
                self._listed(node, text, typed, refs.provider_in_name(typed))
        elif place.kind == "env":
            if refs.is_model_key(place.key.rsplit(".", 1)[-1]):
                seen = Seen(text, self._loc(node), node.id, text, flow="env-default",
                            env_var=place.key)  # fmt: skip
                url = self.file_url if not self._own_shape(text) else None
                self.driver.named(seen, place.key, base_url=url)
        elif place.kind == "enum":
            if refs.is_catalogue_name(place.key):
                self._listed(node, text, place.key, refs.provider_in_name(place.key))
        elif place.kind == "item" and place.owner is not None:
            name = self._name_of(place.owner)
            if name and refs.is_catalogue_name(name):
                hint = self._menu_hint(place.owner, text) or refs.provider_in_name(name)
                self._listed(node, text, name, hint)
        elif place.kind == "annotation":
            self._annotation(node, text)

    def _named(self, node: tree_sitter.Node, text: str, key: str, flow: str) -> None:
        hint = self._gateway_of(text)
        # The file's one endpoint serves a name its own shape leaves open (``llama3.2`` in a
        # file calling Ollama), never one a provider's table names (``gpt-4o``): a file-wide
        # fact must not turn a hosted model into another server's.
        url = self.file_url if hint is None and not self._own_shape(text) else None
        self.driver.named(self._seen(node, text, flow), key, base_url=url, provider_hint=hint)

    def _own_shape(self, text: str) -> bool:
        return refs.current_knowledge().api_model(text) is not None

    def _gateway_of(self, text: str) -> str | None:
        """The file's one gateway, for a ``<maker>/<model>`` name it may serve."""
        return self.file_gateway if 1 <= text.count("/") <= 2 else None

    def _listed(self, node: tree_sitter.Node, text: str, key: str, hint: str | None) -> None:
        if hint is None:
            hint = self._gateway_of(text)
        self.driver.listed(self._seen(node, text, "catalogue"), key, provider_hint=hint)

    def _keyed(self, node: tree_sitter.Node, text: str, place: _Place) -> None:
        owner = place.owner
        row = self.sdk_of(self._owner_import(owner)) if owner is not None else None
        if row is not None and place.key in row.model:
            self.driver.call(
                self._seen(node, text, "literal"),
                self._ctx(row),
                call=f"{row.sdk}:{place.key}",
                argument=place.key,
            )
            return
        if row is not None and place.key in row.base_url:
            return
        collection = self._collection_of(owner) if owner is not None else None
        if collection is not None:
            name = self._name_of(collection)
            entry = self._entry(owner) if owner is not None else {}
            fields = refs.catalogue_fields(entry)
            hint = refs.catalogue_hint(place.key)
            if (name and refs.is_catalogue_name(name) and place.key in fields) or hint:
                hint = hint or self._entry_provider(entry)
                hint = hint or self._menu_hint(collection, text)
                hint = hint or (refs.provider_in_name(name) if name else None)
                self._listed(node, text, place.key, hint)
                return
        if refs.is_model_key(place.key):
            self._named(node, text, place.key, "assignment")
            return
        # {"deepseek": "deepseek-chat"} under a catalogue name: the key names the provider.
        name = self._name_of(owner) if owner is not None else None
        hint = refs.catalogue_hint(place.key)
        if name and refs.is_catalogue_name(name) and hint:
            self._listed(node, text, place.key, hint)

    def _annotation(self, node: tree_sitter.Node, text: str) -> None:
        """Spring ``@Value("${spring.ai.ollama.chat.options.model:llama3}")``: the default
        of a model property, served by the provider its path names."""
        found = _PLACEHOLDER.match(text.strip())
        if found is None or not found.group(2):
            return
        path, default = found.group(1), found.group(2)
        key = path.rsplit(".", 1)[-1]
        if not refs.is_model_key(key):
            return
        hint = next(
            (alias for part in path.split(".")[:-1] if (alias := refs.provider_alias(part))),
            None,
        )
        seen = Seen(default, self._loc(node), node.id, text, flow="env-default")
        self.driver.named(seen, path, provider_hint=hint, base_url=None if hint else self.file_url)

    # ---- catalogues ----

    def _owner_import(self, owner: tree_sitter.Node) -> str | None:
        """The import a struct literal's type or a named-argument call's callee comes from."""
        node: tree_sitter.Node | None = owner
        if node is not None and node.type in ("literal_value", "field_initializer_list",
                                              "value_arguments"):  # fmt: skip
            node = self._up(node)
        if node is None:
            return None
        if node.type in self.g.calls:
            return self.root_import(node)
        typ = node.child_by_field_name("type") or node.child_by_field_name("name")
        if typ is None:
            return None
        return self._import_of(_text(typ))

    def _import_of(self, text: str) -> str | None:
        """The import a qualified name's head names (``OllamaOptions.Builder``), else the name
        itself when it is a Rust path (``ollama_rs::Ollama``), else None."""
        head = re.split(r"::|\.", text, maxsplit=1)[0]
        return self.imports.get(head) or (text if "::" in text else None)

    def _collection_of(self, owner: tree_sitter.Node) -> tree_sitter.Node | None:
        """The list a struct or map literal is an item of, if any."""
        node: tree_sitter.Node | None = owner
        if node is not None and node.type in ("field_initializer_list", "value_arguments",
                                              "literal_value"):  # fmt: skip
            node = self._up(node) if node.type != "literal_value" else node
        for _ in range(4):
            if node is None:
                return None
            parent = self._up(node)
            if parent is None:
                return None
            if parent.type in self.g.collections:
                return parent
            if parent.type == "literal_value" and self._is_list(parent):
                return parent
            if parent.type == "token_tree" and self._token_list(parent):
                return parent
            outer = self._up(parent) if parent.type in self.g.arguments else None
            if outer is not None:
                member, _ = self.member(outer)
                return outer if member in self.g.collection_calls else None
            if parent.type in ("struct_expression", "composite_literal", "literal_element",
                               "value_argument", *self.g.transparent):  # fmt: skip
                node = parent
                continue
            return None
        return None

    def _name_of(self, collection: tree_sitter.Node) -> str | None:
        """The name a list or map is bound to: a declaration, a field or a key."""
        node = collection
        outer = self._up(node)
        if node.type == "token_tree" and outer is not None:
            if outer.type == "macro_invocation":
                node = outer
            elif outer.type == "token_tree":
                prev = node.prev_sibling
                if prev is not None and not prev.is_named and prev.type in (":", "=>"):
                    key = prev.prev_sibling
                    if key is not None:
                        return _text(key) if key.type == "identifier" else self.string_value(key)
                return None
        if node.type == "literal_value":
            node = self._up(node) or node
        if node.type == "value_arguments":
            node = self._up(node) or node
        for _ in range(_MAX_CLIMB):
            parent = self._up(node)
            if parent is None:
                return None
            kind = parent.type
            if kind in self.g.keyed:
                return self._key_text(parent.child_by_field_name(self.g.keyed[kind][0]))
            if kind == "value_argument":
                if (name := _argument_name(parent)) is not None:
                    return name
                node = parent
                continue
            if kind in self.g.declarations:
                return self._declared(parent, 0)
            if kind == "token_tree":
                return self._name_of(parent) if self._up(parent) is not None else None
            if kind in (*self.g.transparent, "expression_list", "composite_literal",
                        "array_creation_expression", "reference_expression"):  # fmt: skip
                node = parent
                continue
            if kind in self.g.calls:  # .to_vec(), .collect(), List.of(...)
                node = parent
                continue
            if kind in self.g.arguments or kind == "field_expression":
                node = parent
                continue
            return None
        return None

    def _entry(self, owner: tree_sitter.Node) -> dict[str, str | None]:
        """A struct or map literal's fields and their string (or path) values."""
        return dict(self._fields(owner))

    def _fields(self, owner: tree_sitter.Node) -> Iterator[tuple[str, str | None]]:
        if owner.type == "token_tree":
            children = owner.children
            for i, child in enumerate(children[:-2]):
                if child.type in (":", "=>") and i > 0:
                    key = children[i - 1]
                    value = children[i + 1]
                    name = _text(key) if key.type == "identifier" else self.string_value(key)
                    if not name:
                        continue
                    if value.type in self.g.strings:
                        yield name, self.string_value(value)
                    else:
                        # InferenceProvider::OpenRouter: the path up to the next comma.
                        parts: list[str] = []
                        for tok in children[i + 1 :]:
                            if tok.type == ",":
                                break
                            parts.append(_text(tok))
                        yield name, "".join(parts)
            return
        for child in owner.named_children:
            if child.type in self.g.keyed:
                key_field, value_field = self.g.keyed[child.type]
                raw = child.child_by_field_name(value_field)
                literal = self._literal(raw) if raw is not None else None
                text = self.string_value(literal)
                yield (
                    self._key_text(child.child_by_field_name(key_field)),
                    (text if text is not None else _text(literal)),
                )
            elif child.type == "value_argument":
                name = _argument_name(child)
                if name is not None:
                    held = self._literal(child.named_children[-1])
                    said = self.string_value(held)
                    yield name, said if said is not None else _text(held)

    def _entry_provider(self, entry: dict[str, str | None]) -> str | None:
        """The provider a catalogue entry names beside its model (``provider:
        InferenceProvider::OpenRouter``, ``Provider: "groq"``)."""
        for key, value in entry.items():
            if value and refs.is_provider_key(key):
                word = re.split(r"::|\.", value)[-1]
                alias = refs.provider_alias(word)
                if alias is not None:
                    return alias
        return None

    def _menu_hint(self, collection: tree_sitter.Node, text: str) -> str | None:
        """The gateway one of the list's entries says it lists (``…:free``: OpenRouter's):
        its other ``<maker>/<model>`` entries are that gateway's too."""
        if text.count("/") != 1:
            return None
        if collection.id not in self._menus:
            texts: list[str | None] = []
            for node in self.strings:
                if collection.start_byte <= node.start_byte < collection.end_byte:
                    texts.append(self.string_value(node))
            self._menus[collection.id] = refs.menu_gateway(texts[:200])
        return self._menus[collection.id]


_NOT_A_SETTER = re.compile(
    r"^(?:get|create|build|make|new|load|find|fetch|list|delete|remove|update|parse|read"
    r"|is|has|to|validate|check|resolve|lookup)(?:[A-Z_]|$)"
)


_CLOSURES = frozenset(
    {"closure_expression", "func_literal", "lambda_expression", "lambda_literal",
     "anonymous_function", "anonymous_method_expression"}
)  # fmt: skip
"""Closures and lambdas of the grammars: a return inside one is not its function's."""


def _sets_model(member: str) -> bool:
    """A method whose one argument is a model (``WithModel``, ``.model``, ``setModelName``),
    not a factory or query named after one (``createChatModel("OPENAI")``, ``getModel(id)``)."""
    return refs.is_model_key(member) and _NOT_A_SETTER.match(member) is None


def _model_shaped(text: str) -> bool:
    """A string only a model would be: an ``org/name`` Hub-style id or a hosted model name
    the shipped tables know (``zai-org/GLM-4.5-Air``, ``gpt-4o``); a route, path or word is
    not."""
    value = text.strip()
    if value.count("/") == 1 and identity.is_hf_repo_id(value) and not value.startswith("/"):
        return refs.model_like(value)
    return refs.current_knowledge().api_model(value) is not None


def _argument_name(arg: tree_sitter.Node) -> str | None:
    """The name of a Kotlin named argument (``model = "gpt-4o"``: ``model``), else None."""
    named = arg.named_children
    if len(named) >= 2 and named[0].type in ("identifier", "simple_identifier"):
        return _text(named[0])
    return None


def _descend_to_parent(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """``Node.parent``: a descent from the root, as deep as the node (nodes not indexed)."""
    return node.parent


def _covers(a: tree_sitter.Node, b: tree_sitter.Node) -> bool:
    """Whether one node spans the other (an argument and its Kotlin ``value_argument``)."""
    inside = a.start_byte <= b.start_byte and b.end_byte <= a.end_byte
    return inside or (b.start_byte <= a.start_byte and a.end_byte <= b.end_byte)
