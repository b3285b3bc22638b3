"""The unpickler's stack and memo, modelled: one pickle's opcodes read up to its STOP."""

from __future__ import annotations

import codecs
from typing import Final

from gate.discover.pickles.opcodes import _MODELLED_OPS, _OPS, _STRING_OPS, _OpInfo
from gate.discover.pickles.result import PickleScan
from gate.discover.pickles.source import _int, _Source, _StopError, _uint
from gate.discover.pickles.values import (
    _DTYPE_CLASS,
    _LONG_STR,
    _MARK,
    _OBJ,
    _WRAPPER_CLASS,
    _Dict,
    _Dtype,
    _dtype_size,
    _Item,
    _Tuple,
    _Wrapper,
)

MAX_OPCODES: Final = 5_000_000
"""Opcodes read per stream; past this the rest is not read (and that is a finding)."""
MAX_CAPTURE: Final = 1024
"""Longest string kept for resolving ``STACK_GLOBAL`` (module and attribute names are short)."""
MAX_MEMO_TEXT: Final = 16 << 20
"""Total characters of memoised strings kept; later ones become unknown strings."""
MAX_MEMO_ENTRIES: Final = 1_000_000
"""Memoised strings kept; past this a fetched memo entry is unknown (and so is its import)."""
TORCH_MAGIC: Final = 0x1950A86A20F9469CFC6C
"""The number a legacy ``torch.save`` file pickles first; five pickles follow from there."""
MAX_MODELLED: Final = 64
"""Items kept in a modelled tuple or dict (array states have six)."""
MAX_NESTED: Final = 16
"""Nested pickles (joblib object arrays) read inside one another."""


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
