"""Model pickers in markup and JSX, and the code of single-file components.

A page offers models in a menu (``<select id="model-select"><option value="gpt-4">``, a
``<datalist>``, a UI library's ``<el-option>`` or ``<SelectItem value=...>``): each item a
user can pick is a model the release can call, *listed*. The menus and items are data
(``javascript_calls.yaml`` ``pickers``); a menu counts only when its id, name, class or the
variable it is bound to names a model, and the recogniser decides what each value names
(``en`` names nothing). Where the picked value is sent is decided by the app's own calls
(the project's one provider, :mod:`gate.recognise.project`).

``.html``/``.htm``/``.vue``/``.svelte`` files are read with the tree-sitter HTML grammar (a real
parser, linear, never executing anything); their ``<script>`` blocks are analysed as
JavaScript/TypeScript at their own lines, everything else blanked. JSX menus are read from
the JS/TS syntax tree. Work is bounded: items a few levels under their menu only, at most
:data:`MAX_ITEMS` per file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import tree_sitter
import tree_sitter_html

from gate.discover import refs
from gate.discover.driver import Driver, Seen
from gate.discover.javascript.nodes import Columns, _text
from gate.model import Evidence, Location
from gate.recognise import SiteKind

MARKUP_SUFFIXES = (".html", ".htm", ".vue", ".svelte")
MAX_ITEMS = 512
"""Picker items read in one file (real menus hold tens)."""
_ITEM_DEPTH = 3
"""How far under its menu an item may sit (``<optgroup>``, a wrapper, a template)."""
_WORDS = re.compile(r"[\s.\[\](){}'\"`,;:=!?&|+<>/$@#-]+")
_SCRIPT_TYPES = ("", "text/javascript", "application/javascript", "module", "text/babel")


@dataclass(frozen=True, slots=True)
class Pickers:
    """The widgets of ``javascript_calls.yaml`` ``pickers``."""

    menus: frozenset[str]
    items: frozenset[str]
    value_attributes: tuple[str, ...]


@cache
def pickers() -> Pickers:
    """The picker widgets (shipped data, loaded once)."""
    doc = refs.load_data("javascript_calls.yaml").get("pickers") or {}
    return Pickers(
        menus=frozenset(str(m) for m in doc.get("menus") or ()),
        items=frozenset(str(m) for m in doc.get("items") or ()),
        value_attributes=tuple(str(a) for a in doc.get("value_attributes") or ()),
    )


@cache
def _html() -> tree_sitter.Language:
    return tree_sitter.Language(tree_sitter_html.language())


def names_a_model(texts: list[str]) -> str | None:
    """The word of a menu's attributes that names a model (``model-select``,
    ``selectedModel``, ``settings.llm``), or None."""
    for text in texts:
        for word in _WORDS.split(text[:200]):
            if word and (refs.is_catalogue_name(word) or refs.is_model_key(word)):
                return word
    return None


# ---- the two syntaxes: HTML (tree-sitter-html) and JSX (tree-sitter JS/TS) -----------------


def _html_tag(node: tree_sitter.Node) -> tuple[str, list[tuple[str, tree_sitter.Node | None]]]:
    """An HTML element's tag and its attributes (name, value node)."""
    start = next((c for c in node.children if c.type in ("start_tag", "self_closing_tag")), None)
    if start is None:
        return "", []
    tag = ""
    attrs: list[tuple[str, tree_sitter.Node | None]] = []
    for child in start.named_children:
        if child.type == "tag_name":
            tag = _text(child)
        elif child.type == "attribute":
            name = next((c for c in child.named_children if c.type == "attribute_name"), None)
            value = next(
                (
                    c
                    for c in child.named_children
                    if c.type in ("attribute_value", "quoted_attribute_value")
                ),
                None,
            )
            if value is not None and value.type == "quoted_attribute_value":
                value = value.named_children[0] if value.named_children else None
            attrs.append((_text(name), value))
    return tag, attrs


def _jsx_tag(node: tree_sitter.Node) -> tuple[str, list[tuple[str, tree_sitter.Node | None]]]:
    """A JSX element's tag and its attributes (name, value node: a string or expression)."""
    opening = node if node.type == "jsx_self_closing_element" else None
    if node.type == "jsx_element":
        opening = node.child_by_field_name("open_tag")
    if opening is None:
        return "", []
    tag = _text(opening.child_by_field_name("name"))
    attrs: list[tuple[str, tree_sitter.Node | None]] = []
    for child in opening.named_children:
        if child.type != "jsx_attribute" or not child.named_children:
            continue
        key = _text(child.named_children[0])
        attrs.append((key, child.named_children[1] if len(child.named_children) > 1 else None))
    return tag, attrs


_HTML_ELEMENTS = frozenset({"element", "script_element", "template_element"})
_JSX_ELEMENTS = frozenset({"jsx_element", "jsx_self_closing_element"})


def _value(node: tree_sitter.Node | None) -> tuple[str, tree_sitter.Node] | None:
    """An attribute's constant value and where it is written: a plain or quoted attribute, a
    JSX string, or a bound expression that is one string (``:value="'gpt-4o'"``,
    ``value={"gpt-4o"}``)."""
    if node is None:
        return None
    if node.type == "jsx_expression" and node.named_children:
        node = node.named_children[0]
    if node.type == "string":
        raw = _text(node)
        return (raw[1:-1], node) if len(raw) >= 2 else None
    if node.type == "attribute_value":
        raw = _text(node).strip()
        if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"`":
            raw = raw[1:-1]  # :value="'gpt-4o'": a Vue binding of one string
        return raw, node
    return None


class _Reader:
    """The picker items of one syntax tree."""

    def __init__(self, driver: Driver, rel: str, lines: list[bytes], jsx: bool) -> None:
        self.driver = driver
        self.rel = rel
        self.lines = lines
        self.columns = Columns(lines)
        self.jsx = jsx
        self.items = 0
        self.seen: set[tuple[str, int]] = set()
        self.elements = _JSX_ELEMENTS if jsx else _HTML_ELEMENTS
        self.urls: dict[str, str] = {}
        """The page's endpoint fields by their id's stem (see :func:`_url_field`)."""
        self._only_url: tuple[str | None] | None = None
        """The page's one endpoint URL, if it has one, once asked (the fields are all read
        before the menus)."""

    def tag(self, node: tree_sitter.Node) -> tuple[str, list[tuple[str, tree_sitter.Node | None]]]:
        return _jsx_tag(node) if self.jsx else _html_tag(node)

    def menu(self, node: tree_sitter.Node) -> None:
        """Read one element if it is a model menu (or a model's text field)."""
        tag, attrs = self.tag(node)
        widgets = pickers()
        if tag == "input":
            self._field(attrs)
            return
        if tag not in widgets.menus:
            return
        texts = [name for name, _ in attrs if name.startswith(("v-model", "bind:", "x-model"))]
        texts += [_text(value) for name, value in attrs if value is not None and name != "style"]
        key = names_a_model(texts)
        if key is None:
            return
        base_url = self._endpoint_of(attrs)
        hint = _owner(attrs)
        for item, value in self._items(node):
            self._listed(item, value, key, base_url, hint)

    def _field(self, attrs: list[tuple[str, tree_sitter.Node | None]]) -> None:
        """A text field for a model whose default the page writes (``<input type="text"
        id="openrouter-model" value="anthropic/claude-3.5-sonnet">``): the model the page
        sends unless the user types another, offered like a menu's item."""
        by_name = dict(attrs)
        kind = _value(by_name.get("type"))
        if kind is not None and kind[0].lower() not in ("text", "hidden", "search"):
            return
        ident = next((_text(v) for n, v in attrs if n in ("id", "name") and v is not None), "")
        key = names_a_model([ident]) if ident else None
        found = _value(by_name.get("value"))
        if key is None or found is None or not found[0].strip():
            return
        self._listed(found[1], found[0].strip(), key, self._endpoint_of(attrs), _owner(attrs))

    def _endpoint_of(self, attrs: list[tuple[str, tree_sitter.Node | None]]) -> str | None:
        """The URL a page's endpoint field gives the menu (``<input type="hidden"
        id="red-base-url" value="https://api.siliconflow.cn/v1">`` beside ``<select
        id="red-model">``): the field whose id has the menu's stem, or the page's only one."""
        if not self.urls:
            return None
        ident = next((_text(v) for n, v in attrs if n in ("id", "name") and v is not None), "")
        found = self.urls.get(_field_stem(ident))
        if found is None:
            # worked out once: a page of thousands of fields asked it once per field
            if self._only_url is None:
                distinct = set(self.urls.values())
                self._only_url = (next(iter(distinct)) if len(distinct) == 1 else None,)
            found = self._only_url[0]
        return found

    def _items(self, menu: tree_sitter.Node) -> Iterator[tuple[tree_sitter.Node, str]]:
        widgets = pickers()
        stack = [(c, 1) for c in reversed(menu.named_children)]
        while stack:
            node, depth = stack.pop()
            if node.type not in self.elements:
                continue
            tag, attrs = self.tag(node)
            if tag in widgets.items:
                found = self._item_value(node, attrs)
                if found is not None:
                    yield found
                continue
            if tag in widgets.menus or depth >= _ITEM_DEPTH:
                continue  # a menu inside a menu is read on its own
            stack.extend((c, depth + 1) for c in reversed(node.named_children))

    def _item_value(
        self, node: tree_sitter.Node, attrs: list[tuple[str, tree_sitter.Node | None]]
    ) -> tuple[tree_sitter.Node, str] | None:
        by_name = dict(attrs)
        for name in pickers().value_attributes:
            if name in by_name:
                found = _value(by_name[name])
                return (found[1], found[0]) if found is not None else None
        # <option>gpt-4o</option>: with no value, the option's text is its value.
        texts = [c for c in node.named_children if c.type in ("text", "jsx_text")]
        if len(texts) == 1:
            return texts[0], _text(texts[0]).strip()
        return None

    def _listed(
        self,
        node: tree_sitter.Node,
        value: str,
        key: str,
        base_url: str | None = None,
        hint: str | None = None,
    ) -> None:
        row, col = node.start_point
        if not value or (value, row) in self.seen or self.items >= MAX_ITEMS:
            return
        self.items += 1
        self.seen.add((value, row))
        seen = Seen(
            value,
            Location(self.rel, line=row + 1, column=self.columns.at(row, col)),
            node.id,
            value,
        )
        self.driver.listed(
            seen, key, site=SiteKind.CATALOGUE_ITEM, base_url=base_url, provider_hint=hint
        )


def _owner(attrs: list[tuple[str, tree_sitter.Node | None]]) -> str | None:
    """The provider a menu's or field's id or name says its models are for (``ollama-model``,
    ``anthropicModel``), read as an environment variable's name is (``OLLAMA_MODEL``)."""
    for name, value in attrs:
        if name in ("id", "name") and value is not None:
            words = re.sub(r"[^A-Za-z0-9]+", "_", _CAMEL.sub("_", _text(value)))
            provider = refs.provider_from_env_name(words.strip("_").upper())
            if provider is not None:
                return provider
    return None


_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def jsx_pickers(
    driver: Driver, rel: str, lines: list[bytes], elements: list[tree_sitter.Node]
) -> None:
    """Model menus among a JS/TS file's JSX elements (``jsx_opening_element`` captures)."""
    reader = _Reader(driver, rel, lines, jsx=True)
    for opening in elements:
        if opening.parent is not None and opening.parent.type == "jsx_element":
            reader.menu(opening.parent)


@dataclass(frozen=True, slots=True)
class Markup:
    """What one markup file holds: its picker evidence and its code, blanked around."""

    evidence: list[Evidence]
    code: bytes | None
    """The ``<script>`` blocks at their own offsets, everything else spaces (newlines kept),
    or None when the file has no script."""
    suffix: str
    """The suffix the code is parsed as (``.ts`` for ``lang="ts"``)."""


# Elements without an end tag (void) or whose end tag HTML lets a writer leave out (the parser
# closes them itself: WHATWG HTML "Optional tags"): they never deepen the open-element stack.
_NO_DEPTH = frozenset(
    b"area base br col embed hr img input link meta source track wbr html head body li dt dd p"
    b" rb rt rtc rp optgroup option colgroup caption thead tbody tfoot tr td th".split()
)
_TAG = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*?(/?)>")
MAX_MARKUP_DEPTH = 1_000
"""Open elements a page may nest: tree-sitter-html's scanner copies its stack of open tags
at every token, so 20,000 unclosed ``<select>`` cost it minutes; real pages nest tens."""


def markup_depth(data: bytes, limit: int = MAX_MARKUP_DEPTH) -> bool:
    """Whether ``data`` opens more than ``limit`` elements without closing them (one pass
    over its tags, before any parse)."""
    depth = 0
    for match in _TAG.finditer(data):
        closing, name, self_closed = match.groups()
        if self_closed or name.lower() in _NO_DEPTH:
            continue
        depth = max(depth - 1, 0) if closing else depth + 1
        if depth > limit:
            return True
    return False


def read_markup(rel: str, data: bytes, source: str) -> Markup:
    """Parse one markup file: model pickers and script blocks."""
    root = tree_sitter.Parser(_html()).parse(data).root_node
    driver = Driver(source)
    reader = _Reader(driver, rel, data.split(b"\n"), jsx=False)
    scripts: list[tuple[int, int]] = []
    suffix = ".js"
    stack = [root]
    menus: list[tree_sitter.Node] = []
    while stack:
        node = stack.pop()
        if node.type == "script_element":
            found = _script(node, rel)
            if found is not None:
                scripts.append(found[0])
                if found[1] != ".js":
                    suffix = found[1]
            continue
        if node.type in ("element", "template_element"):
            menus.append(node)
            field = _url_field(node)
            if field is not None:
                reader.urls.setdefault(*field)
        stack.extend(reversed(node.named_children))
    for node in menus:  # after the walk: an endpoint field may follow its menu
        reader.menu(node)
    code: bytes | None = None
    if scripts:
        blank = bytearray(b" " * len(data))
        for i in _newlines(data):
            blank[i] = 0x0A
        for start, end in scripts:
            blank[start:end] = data[start:end]
        code = bytes(blank)
    return Markup(evidence=driver.found, code=code, suffix=suffix)


# Words of an element id that say what a field holds, not whose it is: ``red-model`` and
# ``red-base-url`` share the stem ``red``.
_FIELD_WORDS = frozenset(
    {"model", "models", "llm", "select", "selector", "picker", "name", "id", "base", "url",
     "api", "endpoint", "host", "baseurl", "apibase", "input"}
)  # fmt: skip


def _field_stem(ident: str) -> str:
    words = [w for w in re.split(r"[^a-z0-9]+", ident.lower()) if w]
    return "-".join(w for w in words if w not in _FIELD_WORDS)


def _url_field(node: tree_sitter.Node) -> tuple[str, str] | None:
    """``(stem, url)`` of an ``<input>`` whose id or name is an endpoint key and whose value
    is a URL (a page handing its script the endpoint a menu's model is sent to)."""
    tag, attrs = _html_tag(node)
    if tag.lower() != "input":
        return None
    by_name = {n.lower(): v for n, v in attrs}
    ident = _text(by_name.get("id")) or _text(by_name.get("name"))
    url = _text(by_name.get("value")).strip()
    if not ident or "://" not in url or not refs.is_url_key(ident):
        return None
    return _field_stem(ident), url


def _newlines(data: bytes) -> Iterator[int]:
    at = data.find(b"\n")
    while at != -1:
        yield at
        at = data.find(b"\n", at + 1)


def _script(node: tree_sitter.Node, rel: str) -> tuple[tuple[int, int], str] | None:
    """The byte range of an inline script's code and the suffix it parses as, or None for a
    script that is not code (``src=``, JSON, templates)."""
    _, attrs = _html_tag(node)
    given = {
        name.lower(): (_text(value).strip().lower() if value is not None else "")
        for name, value in attrs
    }
    if "src" in given or given.get("type", "") not in _SCRIPT_TYPES:
        return None
    body = next((c for c in node.named_children if c.type == "raw_text"), None)
    if body is None:
        return None
    lang = given.get("lang", "")
    suffix = {"ts": ".ts", "typescript": ".ts", "tsx": ".tsx", "jsx": ".jsx"}.get(lang, ".js")
    if rel.endswith(".html") or rel.endswith(".htm"):
        suffix = ".js"
    return (body.start_byte, body.end_byte), suffix
