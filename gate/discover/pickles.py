"""Which globals a pickle imports, read from its opcodes alone: nothing is ever unpickled.

A pickle runs code only through the callables it imports (``GLOBAL``, ``STACK_GLOBAL``,
``INST``) and calls. This reader walks the opcode stream with a small model of the
unpickler's stack and memo, so that ``STACK_GLOBAL`` names built from memoised strings are
resolved too; names it cannot resolve statically are themselves a finding. Every length
in the stream is bounded: big payloads are skipped, never allocated.
"""

from __future__ import annotations

import _compat_pickle
import codecs
import io
import os
import pickletools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import BinaryIO, Final

from gate import shipped

MAX_OPCODES: Final = 5_000_000
"""Opcodes read per stream; past this the rest is not read (and that is a finding)."""
MAX_CAPTURE: Final = 1024
"""Longest string kept for resolving ``STACK_GLOBAL`` (module and attribute names are short)."""
MAX_MEMO_TEXT: Final = 16 << 20
"""Total characters of memoised strings kept; later ones become unknown strings."""
MAX_MEMO_ENTRIES: Final = 1_000_000
"""Memoised strings kept; past this a fetched memo entry is unknown (and so is its import)."""
MAX_LINE: Final = 1 << 16
"""Longest newline-terminated argument (protocol 0 opcodes)."""
TORCH_MAGIC: Final = 0x1950A86A20F9469CFC6C
"""The number a legacy ``torch.save`` file pickles first; five pickles follow from there."""
TORCH_LEGACY_PICKLES: Final = 5
"""Pickles ``torch.load`` reads from a legacy file: magic, protocol, system info, the
object, the storage keys (then raw storage bytes, which are no pickle)."""
MAX_LISTED: Final = 10
"""Unknown imports named in one risk; the rest are counted (all are in ``names()``)."""
_CHUNK: Final = 1 << 20


class _Unknown:
    """A stack value whose content is not modelled (an object, a long string, ...)."""

    __slots__ = ("label",)

    def __init__(self, label: str) -> None:
        self.label = label


_OBJ: Final = _Unknown("object")
_LONG_STR: Final = _Unknown("long string")
_MARK: Final = _Unknown("mark")
_WRAPPER_CLASS: Final = _Unknown("joblib NumpyArrayWrapper class")
_DTYPE_CLASS: Final = _Unknown("numpy dtype class")


class _Tuple:
    """A tuple of modelled values (joblib's array shapes, a dtype's arguments)."""

    __slots__ = ("items",)

    def __init__(self, items: list[_Item]) -> None:
        self.items = items


class _Dict:
    """A dict with string keys, mutated in place like the unpickler's (an object's state)."""

    __slots__ = ("items", "overflow")

    def __init__(self) -> None:
        self.items: dict[str, _Item] = {}
        self.overflow = False


class _Wrapper:
    """A joblib ``NumpyArrayWrapper`` instance: its BUILD is followed by raw array bytes."""

    __slots__ = ()


class _Dtype:
    """A numpy dtype built by the stream: its type string, then what BUILD sets."""

    __slots__ = ("descr", "elsize", "structured")

    def __init__(self, descr: _Item) -> None:
        self.descr = descr
        self.elsize = -1
        self.structured = False


_Item = str | int | _Unknown | _Tuple | _Dict | _Wrapper | _Dtype
MAX_MODELLED: Final = 64
"""Items kept in a modelled tuple or dict (array states have six)."""
MAX_NESTED: Final = 16
"""Nested pickles (joblib object arrays) read inside one another."""


class _StopError(Exception):
    """The stream cannot be read further; ``kind`` says why."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail


class _StreamError(_StopError):
    """The container (zip member, compressed stream) failed, not the pickle."""


@dataclass(frozen=True, slots=True)
class _OpInfo:
    name: str
    arg: str | None
    pops: int
    """Items popped above the mark (or from the top when ``to_mark`` is False)."""
    to_mark: bool
    below_mark: int
    """Items popped below the mark, after it."""
    pushes: int


def _build_table() -> dict[int, _OpInfo]:
    # pickletools' opcode descriptions are the stdlib's own record of the format; only the
    # table is used here, never its readers (they trust the lengths a stream claims).
    table: dict[int, _OpInfo] = {}
    for op in pickletools.opcodes:
        before = [s.name for s in op.stack_before]
        to_mark = "mark" in before
        below = before.index("mark") if to_mark else 0
        table[ord(op.code)] = _OpInfo(
            name=op.name,
            arg=op.arg.name if op.arg is not None else None,
            pops=0 if to_mark else len(before),
            to_mark=to_mark,
            below_mark=below,
            pushes=len(op.stack_after),
        )
    return table


_OPS: Final = _build_table()


def opcode_bytes() -> list[int]:
    """Every byte that is a pickle opcode (a stream's first byte is one of them)."""
    return sorted(_OPS)


_JOBLIB_ARRAY: Final = ("joblib.numpy_pickle", "NumpyArrayWrapper")
_STRING_OPS: Final = frozenset(
    {
        "STRING",
        "BINSTRING",
        "SHORT_BINSTRING",
        "UNICODE",
        "SHORT_BINUNICODE",
        "BINUNICODE",
        "BINUNICODE8",
    }
)


@dataclass(frozen=True, slots=True)
class _ImportRules:
    dangerous: Mapping[str, frozenset[str] | None]
    """module → dangerous names (None: every name, and every submodule)."""
    attributes: frozenset[str]
    safe: Mapping[str, frozenset[str]]
    """module → names known safe (exact names only)."""


def _rules_from(doc: Mapping[str, object], *, wildcards: bool) -> dict[str, frozenset[str] | None]:
    out: dict[str, frozenset[str] | None] = {}
    for module, names in doc.items():
        if names == "*" and wildcards:
            out[str(module)] = None
        elif isinstance(names, list) and all(isinstance(n, str) for n in names):
            out[str(module)] = frozenset(names)
        else:
            raise ValueError(f"pickle_imports.yaml: {module}: expected a list of names")
    return out


@cache
def import_rules() -> _ImportRules:
    """The dangerous / safe import lists (``data/pickle_imports.yaml``), loaded once."""
    doc = shipped.yaml_data("gate.discover", "data/pickle_imports.yaml")
    dangerous = _rules_from(doc["dangerous"], wildcards=True)
    safe = {m: n or frozenset() for m, n in _rules_from(doc["safe"], wildcards=False).items()}
    both = sorted(
        f"{m}.{n}" for m, names in safe.items() for n in names & (dangerous.get(m) or frozenset())
    )
    if both:
        # A name on both lists would be judged by whichever rule is read first.
        raise ValueError(f"pickle_imports.yaml: listed as safe and dangerous: {', '.join(both)}")
    return _ImportRules(
        dangerous=dangerous,
        attributes=frozenset(doc["dangerous_attributes"]),
        safe=safe,
    )


def _named(rules: Mapping[str, frozenset[str] | None], module: str, name: str) -> bool:
    """The module's list names ``name`` (or the attribute a dotted name starts from)."""
    names = rules.get(module)
    return names is not None and name.split(".", 1)[0] in names


def _whole_module(rules: Mapping[str, frozenset[str] | None], module: str) -> bool:
    """A ``"*"`` rule covers the module or a package it is in (``os`` covers ``os.path``)."""
    parts = module.split(".")
    return any(
        ".".join(parts[:i]) in rules and rules[".".join(parts[:i])] is None
        for i in range(1, len(parts) + 1)
    )


def classify(module: str, name: str) -> str:
    """``dangerous``, ``safe`` or ``unknown`` for one imported global.

    A name listed as dangerous is dangerous; a name listed as safe beats a whole-module
    dangerous rule (``copyreg._reconstructor``); a dotted name is safe only if listed as it
    is (``numpy.ndarray`` does not make ``ndarray.tofile`` safe).
    """
    rules = import_rules()
    candidates = [(module, name)]
    # Protocol < 3 pickles are loaded with Python 2 names mapped to Python 3 ones.
    mapped = _compat_pickle.NAME_MAPPING.get((module, name))
    if mapped:
        candidates.append(mapped)
    if module in _compat_pickle.IMPORT_MAPPING:
        candidates.append((_compat_pickle.IMPORT_MAPPING[module], name))
    for mod, attr in candidates:
        if _named(rules.dangerous, mod, attr):
            return "dangerous"
        # A dotted name walks attributes (protocol 4): ``torch`` + ``serialization.os.system``.
        steps = attr.split(".")
        if len(steps) > 1 and any(
            s in rules.attributes or s in rules.dangerous or s.startswith("__") for s in steps
        ):
            return "dangerous"
    safe = any(attr in rules.safe.get(mod, ()) for mod, attr in candidates)
    if safe:
        return "safe"
    if any(_whole_module(rules.dangerous, mod) for mod, _ in candidates):
        return "dangerous"
    return "unknown"


@dataclass(slots=True)
class PickleScan:
    """What one pickle stream imports and how it could be read."""

    globals: set[tuple[str, str]] = field(default_factory=set)
    """Every (module, name) the stream imports."""
    computed_imports: int = 0
    """``STACK_GLOBAL`` opcodes whose module or name is not a literal string."""
    extensions: set[int] = field(default_factory=set)
    """Extension-registry codes (``EXT1/2/4``): imports named by the loading process."""
    protocol: int | None = None
    pickles: int = 0
    """Complete pickles read (legacy PyTorch files hold several in a row)."""
    opcodes: int = 0
    trailing_data: bool = False
    torch_legacy: bool = False
    """The first pickle is legacy ``torch.save``'s magic number."""
    joblib_arrays: bool = False
    """The scan stopped at raw NumPy data that joblib writes between opcodes."""
    problem: tuple[str, str] | None = None
    """(risk kind, detail) when the stream could not be read to its end."""

    def dangerous(self) -> list[str]:
        """The imports that give a loader code, shell, file or network access, sorted."""
        return sorted(f"{m}.{n}" for m, n in self.globals if classify(m, n) == "dangerous")

    def unknown(self) -> list[str]:
        """The imports neither known safe nor dangerous, sorted."""
        return sorted(f"{m}.{n}" for m, n in self.globals if classify(m, n) == "unknown")

    def names(self) -> list[str]:
        """Every import as ``module.name``, sorted."""
        return sorted(f"{m}.{n}" for m, n in self.globals)

    def risks(self, where: str = "") -> list[dict[str, str]]:
        """Findings, each ``{"kind", "detail", "severity"}``."""
        prefix = f"{where}: " if where else ""
        found: list[dict[str, str]] = []
        for g in self.dangerous():
            found.append(
                {
                    "kind": "unsafe-pickle",
                    "detail": f"{prefix}imports {g}: loading it can run arbitrary code",
                    "severity": "high",
                }
            )
        unknown = self.unknown()
        if unknown:
            shown = ", ".join(unknown[:MAX_LISTED])
            more = f" and {len(unknown) - MAX_LISTED} more" if len(unknown) > MAX_LISTED else ""
            found.append(
                {
                    "kind": "unsafe-pickle",
                    "detail": f"{prefix}imports {shown}{more}: neither known safe nor known"
                    " dangerous, so loading it runs code this scan cannot vouch for",
                    "severity": "medium",
                }
            )
        if self.computed_imports:
            found.append(
                {
                    "kind": "unsafe-pickle",
                    "detail": f"{prefix}{self.computed_imports} import(s) whose module or name is"
                    " computed at load time (STACK_GLOBAL on a non-literal)",
                    "severity": "high",
                }
            )
        if self.extensions:
            codes = ", ".join(str(c) for c in sorted(self.extensions)[:10])
            found.append(
                {
                    "kind": "unsafe-pickle",
                    "detail": f"{prefix}imports through the extension registry (codes {codes}):"
                    " what they name depends on the loading process",
                    "severity": "medium",
                }
            )
        if self.problem is not None:
            kind, detail = self.problem
            severity = "medium" if kind == "truncated-file" or self.joblib_arrays else "high"
            found.append({"kind": kind, "detail": f"{prefix}{detail}", "severity": severity})
        return found


class _Source:
    """Bounded reads over a binary stream; long payloads are skipped, not allocated."""

    def __init__(self, fh: BinaryIO, size: int | None) -> None:
        self.fh = fh
        self.size = size
        self.buf = b""
        self.p = 0
        self.consumed = 0  # stream bytes before buf[0]
        self.eof = False
        try:
            self.seekable = fh.seekable()
        except (OSError, ValueError):
            self.seekable = False

    @property
    def pos(self) -> int:
        return self.consumed + self.p

    def _fill(self, n: int) -> bool:
        while len(self.buf) - self.p < n and not self.eof:
            chunk = self._read(max(_CHUNK, n))
            if not chunk:
                self.eof = True
                break
            self.consumed += self.p
            self.buf = self.buf[self.p :] + chunk
            self.p = 0
        return len(self.buf) - self.p >= n

    def _read(self, n: int) -> bytes:
        try:
            return self.fh.read(n)
        except Exception as exc:
            # Zip members, gzip, bz2, lzma and zlib streams each report damaged data with
            # their own exception types; whatever was read up to here still counts.
            raise _StreamError("malformed-header", f"the stream cannot be read: {exc}") from exc

    def peek(self) -> int | None:
        if not self._fill(1):
            return None
        return self.buf[self.p]

    def read(self, n: int, what: str) -> bytes:
        if not self._fill(n):
            raise _StopError("truncated-file", f"{what} at byte {self.pos} runs past the end")
        data = self.buf[self.p : self.p + n]
        self.p += n
        return data

    def readline(self, what: str) -> bytes | None:
        """The next newline-terminated argument, or None when it is longer than MAX_LINE.

        The unpickler reads lines of any length, so a long one is stepped over to its
        newline (never kept), and the scan goes on where the loader would.
        """
        long_line = False
        while True:
            idx = self.buf.find(b"\n", self.p)
            if idx >= 0:
                line = self.buf[self.p : idx]
                self.p = idx + 1
                return None if long_line else line
            if len(self.buf) - self.p > MAX_LINE:
                long_line = True
                self.consumed += len(self.buf)
                self.buf, self.p = b"", 0
            if not self._fill(len(self.buf) - self.p + 1):
                raise _StopError("truncated-file", f"{what} at byte {self.pos} runs past the end")

    def skip(self, n: int, what: str) -> None:
        available = len(self.buf) - self.p
        if n <= available:
            self.p += n
            return
        rest = n - available
        if self.size is not None and self.pos + n > self.size:
            raise _StopError(
                "truncated-file",
                f"{what} at byte {self.pos} claims {n} bytes; the stream has"
                f" {self.size - self.pos} left",
            )
        self.consumed += len(self.buf)
        self.buf, self.p = b"", 0
        if self.seekable:
            try:
                self.fh.seek(rest, io.SEEK_CUR)
            except Exception as exc:  # see _read
                raise _StreamError("malformed-header", f"the stream cannot be read: {exc}") from exc
            self.consumed += rest
            return
        while rest:
            chunk = self._read(min(rest, _CHUNK))
            if not chunk:
                self.eof = True
                raise _StopError("truncated-file", f"{what} runs past the end of the stream")
            rest -= len(chunk)
            self.consumed += len(chunk)


def _uint(data: bytes) -> int:
    return int.from_bytes(data, "little")


def _int(data: bytes) -> int:
    return int.from_bytes(data, "little", signed=True)


class _Scanner:
    def __init__(self, src: _Source, result: PickleScan) -> None:
        self.src = src
        self.result = result
        self.stack: list[_Item] = []
        self.marks = 0
        self.memo: dict[int, _Item] = {}
        self.memo_text = 0
        self.slots: set[int] = set()
        """Memo indexes in use: MEMOIZE stores at their count, as the unpickler does."""
        self.memo_lost = False
        self.underflow = False
        self.depth = 0
        self.escaped = False
        """The joblib wrapper class reached an opcode not modelled: a BUILD on an unknown
        object may then be a wrapper's, followed by array bytes the scan cannot place."""

    def _pop(self) -> _Item:
        if self.stack:
            item = self.stack.pop()
            if item is _MARK:
                self.marks -= 1
            return item
        self.underflow = True
        return _OBJ

    def _pop_to_mark(self) -> None:
        if not self.marks:
            self.underflow = True
            self.stack.clear()
            return
        while self.stack:
            if self.stack.pop() is _MARK:
                self.marks -= 1
                return

    def _push(self, item: _Item) -> None:
        if item is _MARK:
            self.marks += 1
        self.stack.append(item)

    def _memo_put(self, idx: int) -> None:
        # Only strings are remembered (they are what STACK_GLOBAL can use); anything else
        # stored at an index replaces the string that was there.
        if len(self.slots) >= MAX_MEMO_ENTRIES and idx not in self.slots:
            self.memo_lost = True  # every later fetch is unknown: imports become findings
            return
        self.slots.add(idx)
        top = self.stack[-1] if self.stack else _OBJ
        if not isinstance(top, str):
            if top is _OBJ or top is _MARK or top is _LONG_STR:
                self.memo.pop(idx, None)
            else:
                self.memo[idx] = top  # a modelled value (joblib wrappers, dtypes, shapes)
            return
        if self.memo_text + len(top) > MAX_MEMO_TEXT:
            self.memo.pop(idx, None)
            return
        self.memo_text += len(top)
        self.memo[idx] = top

    def _text(self, data: bytes, encoding: str) -> _Item:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            return _OBJ

    def _string_arg(self, arg: str) -> _Item:
        """Read a string opcode's argument; long strings are skipped, not kept."""
        src = self.src
        if arg == "stringnl":
            line = src.readline("STRING")
            if line is None:
                return _LONG_STR
            if len(line) >= 2 and line[:1] == line[-1:] and line[:1] in (b"'", b'"'):
                try:
                    return self._text(codecs.escape_decode(line[1:-1])[0], "ascii")
                except ValueError:
                    return _OBJ
            raise _StopError("malformed-header", f"STRING at byte {src.pos} is not quoted")
        if arg == "unicodestringnl":
            line = src.readline("UNICODE")
            return _LONG_STR if line is None else self._text(line, "raw-unicode-escape")
        width = {"string1": 1, "unicodestring1": 1, "string4": 4, "unicodestring4": 4}.get(arg, 8)
        raw = src.read(width, arg)
        n = _int(raw) if arg == "string4" else _uint(raw)
        if n < 0:
            raise _StopError("malformed-header", f"negative string length at byte {src.pos}")
        if n > MAX_CAPTURE:
            src.skip(n, arg)
            return _LONG_STR
        data = src.read(n, arg)
        return self._text(data, "ascii" if arg.startswith("string") else "utf-8")

    def _skip_arg(self, arg: str) -> int | None:
        """Read or skip a non-string argument; returns small integers (memo indexes, codes)."""
        src = self.src
        fixed = {"uint1": 1, "uint2": 2, "int4": 4, "uint4": 4, "uint8": 8, "float8": 8}
        if arg in fixed:
            raw = src.read(fixed[arg], arg)
            return _int(raw) if arg == "int4" else _uint(raw)
        if arg in ("decimalnl_short", "decimalnl_long", "floatnl", "stringnl_noescape"):
            line = src.readline(arg)
            if line is None or arg in ("floatnl", "stringnl_noescape"):
                return None
            # The unpickler reads INT in base 0 (``I0x10``) and memo indexes in base 10;
            # a value that parses neither way is not needed to follow the stream, so the
            # scan never stops where a loader would go on.
            text = line.strip().rstrip(b"L")
            if len(text) > 40:
                return None
            for base in (10, 0):
                try:
                    return int(text, base)
                except ValueError:
                    continue
            return None
        widths = {"long1": 1, "bytes1": 1, "long4": 4, "bytes4": 4}
        width = widths.get(arg, 8)  # bytes8, bytearray8
        raw = src.read(width, arg)
        n = _int(raw) if arg == "long4" else _uint(raw)
        if n < 0:
            raise _StopError("malformed-header", f"negative length at byte {src.pos}")
        if arg.startswith("long") and n <= 16:
            return _int(src.read(n, arg))  # small enough to be the legacy torch magic
        src.skip(n, arg)
        return None

    def _import(self, module: _Item, name: _Item) -> _Item:
        """Record an import; the value it pushes (the classes joblib arrays need, else an
        unknown object)."""
        if isinstance(module, str) and isinstance(name, str):
            self.result.globals.add((module, name))
            if name == "NumpyArrayWrapper" and module.endswith("numpy_pickle"):
                return _WRAPPER_CLASS
            if (module, name) in (("numpy", "dtype"), ("numpy.core.multiarray", "dtype")):
                return _DTYPE_CLASS
            return _OBJ
        self.result.computed_imports += 1
        return _OBJ

    def _pop_items(self) -> list[_Item]:
        """Pop to the mark; the items above it, bottom first."""
        items: list[_Item] = []
        if not self.marks:
            self.underflow = True
            items.extend(self.stack)
            self.stack.clear()
            return items
        while self.stack:
            item = self.stack.pop()
            if item is _MARK:
                self.marks -= 1
                break
            items.append(item)
        items.reverse()
        return items

    def _note_escape(self, items: list[_Item]) -> None:
        for item in items:
            if item is _WRAPPER_CLASS or isinstance(item, _Wrapper):
                self.escaped = True
            elif isinstance(item, _Tuple):
                self._note_escape(item.items)
            elif isinstance(item, _Dict):
                self._note_escape(list(item.items.values()))

    def _instance(self, cls: _Item, args: list[_Item]) -> _Item:
        """What calling or instantiating ``cls`` with ``args`` pushes."""
        if cls is _WRAPPER_CLASS:
            return _Wrapper()
        if cls is _DTYPE_CLASS and args:
            return _Dtype(args[0])  # numpy.dtype('f8', False, True)
        # copyreg._reconstructor(cls, base, state), copyreg.__newobj__(cls, ...), or the
        # class passed on in any other way: an instance of it may come out.
        self._note_escape(args)
        return _OBJ

    def _modelled(self, name: str, info: _OpInfo, at: int) -> None:
        """Opcodes modelled for joblib's array layout (tuples, dicts, objects, BUILD)."""
        if name == "EMPTY_TUPLE":
            self._push(_Tuple([]))
        elif name in ("TUPLE1", "TUPLE2", "TUPLE3"):
            n = int(name[-1])
            items = [self._pop() for _ in range(n)]
            items.reverse()
            self._push(_Tuple(items))
        elif name == "TUPLE":
            self._push(_Tuple(self._pop_items()[:MAX_MODELLED]))
        elif name == "EMPTY_DICT":
            self._push(_Dict())
        elif name == "DICT":
            d = _Dict()
            self._set_items(d, self._pop_items())
            self._push(d)
        elif name in ("SETITEM", "SETITEMS"):
            pairs = self._pop_items() if name == "SETITEMS" else []
            if name == "SETITEM":
                value = self._pop()
                key = self._pop()
                pairs = [key, value]
            target = self.stack[-1] if self.stack else _OBJ
            if isinstance(target, _Dict):
                self._set_items(target, pairs)
            else:
                self._note_escape(pairs)
        elif name in ("REDUCE", "NEWOBJ"):
            args = self._pop()
            cls = self._pop()
            self._push(self._instance(cls, args.items if isinstance(args, _Tuple) else [args]))
        elif name == "NEWOBJ_EX":
            kwargs = self._pop()
            args = self._pop()
            cls = self._pop()
            self._note_escape([kwargs])
            self._push(self._instance(cls, args.items if isinstance(args, _Tuple) else [args]))
        elif name == "OBJ":
            items = self._pop_items()
            self._push(self._instance(items[0], items[1:]) if items else _OBJ)
        elif name == "BUILD":
            state = self._pop()
            target = self.stack[-1] if self.stack else _OBJ
            if isinstance(target, _Wrapper):
                self.stack[-1] = _OBJ
                self._array(state, at)
            elif isinstance(target, _Dtype):
                self._dtype_state(target, state)
            elif target is _OBJ and self.escaped:
                raise _StopError(
                    "malformed-header",
                    f"BUILD at byte {at} may be a joblib array's whose class was passed"
                    " through opcodes the scan does not model: where its data ends is unknown",
                )
            else:
                self._note_escape([state])

    def _set_items(self, d: _Dict, pairs: list[_Item]) -> None:
        for i in range(0, len(pairs) - 1, 2):
            key, value = pairs[i], pairs[i + 1]
            if isinstance(key, str) and (len(d.items) < MAX_MODELLED or key in d.items):
                d.items[key] = value
            else:
                d.overflow = True
                self._note_escape([value])
        if len(pairs) % 2:
            self.underflow = True

    @staticmethod
    def _dtype_state(dtype: _Dtype, state: _Item) -> None:
        # numpy's dtype state: (version, byteorder, subarray, names, fields, elsize,
        # alignment, flags); a structured dtype's fields are not modelled.
        items = state.items if isinstance(state, _Tuple) else []
        if len(items) >= 8:
            names, elsize = items[3], items[5]
            dtype.structured = names is not _OBJ or items[2] is not _OBJ
            if isinstance(elsize, int):
                dtype.elsize = elsize
        else:
            dtype.structured = True

    def _array(self, state: _Item, at: int) -> None:
        """Step over the array joblib writes after a wrapper's BUILD, as joblib reads it."""
        if isinstance(state, _Tuple) and len(state.items) == 2:
            state = state.items[0]  # (instance dict, slot state)
        fields = state.items if isinstance(state, _Dict) and not state.overflow else {}
        shape, dtype = fields.get("shape"), fields.get("dtype")
        alignment = fields.get("numpy_array_alignment_bytes")
        dims = shape.items if isinstance(shape, _Tuple) else None
        size = _dtype_size(dtype)
        if (
            dims is None
            or not all(isinstance(d, int) and d >= 0 for d in dims)
            or size is None
            or (alignment is not None and not isinstance(alignment, int) and alignment is not _OBJ)
        ):
            raise _StopError(
                "malformed-header",
                f"joblib array at byte {at} whose shape or dtype the scan cannot read: where"
                " its data ends (and the pickle resumes) is unknown",
            )
        if size == 0:
            # Python objects: a pickle of its own, read by a fresh unpickler.
            if self.depth >= MAX_NESTED:
                raise _StopError("oversized-header", f"more than {MAX_NESTED} nested pickles")
            inner = _Scanner(self.src, self.result)
            inner.depth = self.depth + 1
            inner.run_one(count=False)
            self.underflow = self.underflow or inner.underflow
            return
        count = 1
        for d in dims:
            count *= d if isinstance(d, int) else 0
        if "numpy_array_alignment_bytes" in fields:
            padding = self.src.read(1, "joblib padding length")[0]
            self.src.skip(padding, "joblib padding")
        self.src.skip(count * size, "joblib array data")
        self.result.joblib_arrays = True

    def run_one(self, count: bool = True) -> None:
        """Read one pickle up to and including its STOP."""
        src, result = self.src, self.result
        self.stack.clear()
        self.memo.clear()
        self.marks = 0
        self.memo_text = 0
        self.slots.clear()
        self.memo_lost = False
        while True:
            code = src.peek()
            if code is None:
                raise _StopError("truncated-file", f"pickle ends at byte {src.pos} without STOP")
            at = src.pos
            src.p += 1
            info = _OPS.get(code)
            if info is None:
                raise _StopError("malformed-header", f"unknown opcode 0x{code:02x} at byte {at}")
            result.opcodes += 1
            if result.opcodes > MAX_OPCODES:
                raise _StopError(
                    "oversized-header",
                    f"more than {MAX_OPCODES} opcodes: imports after byte {at} were not read",
                )
            name = info.name
            if name in _STRING_OPS:
                self._push(self._string_arg(info.arg or ""))
                continue
            if name == "STOP":
                self._pop()
                if count:
                    result.pickles += 1
                return
            if name == "PROTO":
                proto = _uint(src.read(1, "PROTO"))
                if proto > 5:
                    raise _StopError("malformed-header", f"unsupported pickle protocol {proto}")
                if result.protocol is None:
                    result.protocol = proto
                continue
            if name in ("GLOBAL", "INST"):
                module = src.readline(name)
                attr = src.readline(name)
                cls = self._import(
                    _LONG_STR if module is None else self._text(module, "utf-8"),
                    _LONG_STR if attr is None else self._text(attr, "utf-8"),
                )
                if name == "INST":
                    args = self._pop_items()
                    self._push(self._instance(cls, args))
                else:
                    self._push(cls)
                continue
            if name == "STACK_GLOBAL":
                attr_item = self._pop()
                module_item = self._pop()
                self._push(self._import(module_item, attr_item))
                continue
            if name in _MODELLED_OPS:
                self._modelled(name, info, at)
                continue
            value = self._skip_arg(info.arg) if info.arg is not None else None
            if value == TORCH_MAGIC and name in ("LONG", "LONG1", "LONG4"):
                result.torch_legacy = True
            if name in ("GET", "BINGET", "LONG_BINGET"):
                if self.memo_lost or value is None:
                    self._push(_OBJ)
                else:
                    self._push(self.memo.get(value, _OBJ))
            elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
                if value is not None:
                    self._memo_put(value)
            elif name == "MEMOIZE":
                self._memo_put(len(self.slots))
            elif name == "DUP":
                top = self.stack[-1] if self.stack else _OBJ
                self._push(_OBJ if top is _MARK else top)
            elif name == "MARK":
                self._push(_MARK)
            elif name in ("EXT1", "EXT2", "EXT4"):
                result.extensions.add(value or 0)
                self._push(_OBJ)
            elif name in ("INT", "BININT", "BININT1", "BININT2", "LONG", "LONG1", "LONG4"):
                self._push(value if isinstance(value, int) else _OBJ)
            elif name in ("POP", "POP_MARK"):
                self._pop_items() if name == "POP_MARK" else self._pop()  # dropped, not used
            else:
                if info.to_mark:
                    self._note_escape(self._pop_items())
                    for _ in range(info.below_mark):
                        self._note_escape([self._pop()])
                else:
                    self._note_escape([self._pop() for _ in range(info.pops)])
                for _ in range(info.pushes):
                    self._push(_OBJ)


_MODELLED_OPS: Final = frozenset(
    "EMPTY_TUPLE TUPLE1 TUPLE2 TUPLE3 TUPLE EMPTY_DICT DICT SETITEM SETITEMS REDUCE NEWOBJ"
    " NEWOBJ_EX OBJ BUILD".split()
)
_TYPESTR: Final = re.compile(r"[<>|=]?([?bBhHiIlLqQpPeEfdgFDGSUVaOmMc])(\d*)(?:\[\w+\])?\Z")
_DEFAULT_SIZES: Final = {
    "?": 1,
    "b": 1,
    "B": 1,
    "h": 2,
    "H": 2,
    "i": 4,
    "I": 4,
    "l": 8,
    "L": 8,
    "q": 8,
    "Q": 8,
    "p": 8,
    "P": 8,
    "e": 2,
    "f": 4,
    "d": 8,
    "g": 16,
    "F": 8,
    "D": 16,
    "G": 32,
    "m": 8,
    "M": 8,
}


def _dtype_size(dtype: _Item | None) -> int | None:
    """Bytes per element of a modelled dtype; 0 for Python objects; None when unknown."""
    if not isinstance(dtype, _Dtype) or dtype.structured or not isinstance(dtype.descr, str):
        return None
    match = _TYPESTR.match(dtype.descr)
    if match is None:
        return None
    code, width = match.group(1), match.group(2)
    if code == "O":
        return 0
    if dtype.elsize > 0:
        return dtype.elsize
    if width:
        return int(width) * (4 if code == "U" else 1)
    return _DEFAULT_SIZES.get(code)


def scan_stream(fh: BinaryIO, size: int | None = None) -> PickleScan:
    """Read the opcodes of the pickle(s) in ``fh`` and report what they import.

    ``size`` is the stream's length when known (it bounds skips). A loader may call
    ``pickle.load`` again and again on one stream (legacy ``torch.save`` files hold five
    pickles, at any protocol, then raw storage bytes), so pickles are read one after another
    until one does not parse; what follows that point is noted as data, not parsed further.
    """
    result = PickleScan()
    src = _Source(fh, size)
    scanner = _Scanner(src, result)
    underflow = False
    try:
        while True:
            first = result.pickles == 0
            # A later pickle is read into its own record: it may be raw data that happens to
            # start like a pickle, whose "imports" are noise.
            part = result if first else PickleScan(opcodes=result.opcodes)
            legacy_part = result.torch_legacy and result.pickles < TORCH_LEGACY_PICKLES
            scanner.result = part
            scanner.underflow = False
            try:
                scanner.run_one()
            except _StopError as stop:
                if first or stop.kind == "oversized-header" or isinstance(stop, _StreamError):
                    _merge(result, part, complete=not first)
                    result.problem = (stop.kind, stop.detail)
                    if _JOBLIB_ARRAY in result.globals and stop.detail.startswith("unknown"):
                        # joblib writes each NumPy array's raw bytes into the opcode stream
                        # (its loader reads them itself): a scan cannot step over them.
                        result.problem = (
                            "malformed-header",
                            f"joblib array data ({stop.detail}): imports after the first"
                            " array were not read",
                        )
                        result.joblib_arrays = True
                elif legacy_part:
                    # torch.load reads five pickles from a legacy file: one of them that
                    # does not parse here is one whose imports were not judged.
                    _merge(result, part, complete=False)
                    result.problem = (
                        "malformed-header",
                        f"legacy torch.save pickle {result.pickles + 1} of"
                        f" {TORCH_LEGACY_PICKLES} cannot be read ({stop.detail}): torch.load"
                        " reads it, so what it imports was not judged",
                    )
                else:
                    # The data after the last pickle. A loader that reads it as one runs
                    # the imports it meets before the damage, so real names still count.
                    _merge(result, part, complete=False)
                    result.trailing_data = True
                break
            finally:
                scanner.result = result
            if not first:
                _merge(result, part, complete=True)
            underflow = underflow or scanner.underflow
            if src.peek() is None:
                break
    except OSError as exc:
        result.problem = ("truncated-file", f"cannot read the stream: {exc}")
    if underflow and result.problem is None:
        result.problem = ("malformed-header", "opcodes pop more than the stack holds")
    return result


_PYTHON_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*\Z")


def _merge(into: PickleScan, part: PickleScan, *, complete: bool) -> None:
    """Add what a later pickle imported to the stream's record.

    From a pickle that did not parse to its end only imports named like Python modules
    and attributes are kept: raw bytes read as opcodes make up other names.
    """
    if part is into:
        return
    into.opcodes = part.opcodes
    if complete:
        into.globals |= part.globals
        into.computed_imports += part.computed_imports
        into.extensions |= part.extensions
        into.pickles += part.pickles
        if into.protocol is None:
            into.protocol = part.protocol
        return
    into.globals |= {
        (m, n) for m, n in part.globals if _PYTHON_NAME.match(m) and _PYTHON_NAME.match(n)
    }


def scan_file(path: str | os.PathLike[str]) -> PickleScan:
    """Scan a pickle file (see :func:`scan_stream`)."""
    with open(path, "rb") as fh:
        return scan_stream(fh, os.fstat(fh.fileno()).st_size)


def scan_bytes(data: bytes) -> PickleScan:
    """Scan an in-memory pickle (see :func:`scan_stream`)."""
    return scan_stream(io.BytesIO(data), len(data))
