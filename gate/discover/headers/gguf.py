"""GGUF v2/v3 headers: every key/value type, tensor infos, and what the file says about itself.

Real files carry arrays of 128k-152k strings (tokenizer vocabularies and merges): those are
walked without being kept and summarised by type and count, so reading a header costs
O(header) time and O(window) memory. Lengths are checked against the file before use.
"""

from __future__ import annotations

import hashlib
import math
import re
import struct
from collections import Counter
from dataclasses import dataclass
from typing import Any, BinaryIO, Final

from gate.discover.headers.base import (
    Cursor,
    Header,
    HeaderError,
    MalformedError,
    OversizedError,
    TruncatedError,
    format_tables,
    short_text,
)

MAX_KV: Final = 65_536
MAX_TENSORS: Final = 1_000_000
MAX_KEY: Final = 4096
MAX_STRING: Final = 16 << 20
MAX_DIMS: Final = 8
MAX_DEPTH: Final = 8
MAX_ELEMENTS: Final = 50_000_000
"""Array elements walked one by one (strings, nested arrays) across the whole header."""
KEEP_ARRAY: Final = 64
"""Arrays up to this many elements are kept; longer ones are summarised."""
KEEP_TEXT: Final = 4096
"""Bytes kept of one string value; longer ones are kept as their length and SHA-256."""
KEEP_TOTAL: Final = 4 << 20
"""Bytes of string values kept across the header (real headers keep a few kilobytes)."""
KEEP_VALUES: Final = 16_384
"""Array elements kept across the header, at any depth (real headers keep a few dozen)."""
MAX_BASES: Final = 64

_SCALARS: Final = {
    0: ("B", "uint8"),
    1: ("b", "int8"),
    2: ("H", "uint16"),
    3: ("h", "int16"),
    4: ("I", "uint32"),
    5: ("i", "int32"),
    6: ("f", "float32"),
    7: ("?", "bool"),
    10: ("Q", "uint64"),
    11: ("q", "int64"),
    12: ("d", "float64"),
}
TYPE_NAMES: Final = {**{k: v[1] for k, v in _SCALARS.items()}, 8: "string", 9: "array"}
_HF_MODEL = re.compile(r"^https?://(?:www\.)?huggingface\.co/([\w.-]+/[\w.-]+?)/?$")
_HF_DATASET = re.compile(r"^https?://(?:www\.)?huggingface\.co/datasets/([\w.-]+/[\w.-]+?)/?$")


def _finite(value: Any) -> Any:
    # JSON has no NaN or infinity; the BOM must stay valid JSON.
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return value


@dataclass(frozen=True, slots=True)
class LongString:
    """A string value too long to keep: its length and digest (a chat template, a licence)."""

    length: int
    sha256: str


class _Reader:
    def __init__(self, cur: Cursor) -> None:
        self.cur = cur
        self.elements = 0
        self.kept = 0
        self.values = 0
        self.exhausted = False
        """A value that would have been kept was summarised because a bound was reached."""
        self.structs: dict[tuple[int, int], struct.Struct] = {}

    def _struct(self, vtype: int, count: int = 1) -> struct.Struct:
        key = (vtype, count)
        found = self.structs.get(key)
        if found is None:
            found = struct.Struct(f"{self.cur.endian}{count}{_SCALARS[vtype][0]}")
            self.structs[key] = found
        return found

    def _count(self, n: int, what: str) -> None:
        self.elements += n
        if self.elements > MAX_ELEMENTS:
            raise OversizedError(f"{what}: more than {MAX_ELEMENTS} array elements in the header")

    def _keep(self, n: int) -> bool:
        """Take ``n`` array elements from the kept-values budget, if it has them."""
        if self.values + n > KEEP_VALUES:
            self.exhausted = True
            return False
        self.values += n
        return True

    def raw_string(self, what: str, cap: int = MAX_STRING) -> bytes:
        cur = self.cur
        at = cur.pos
        n = cur.read_u64(what)
        if n > cur.remaining:
            raise TruncatedError(
                f"{what}: a string of {n} bytes at byte {at} runs past the end of the file"
            )
        if n > cap:
            raise OversizedError(f"{what}: a string of {n} bytes at byte {at} (limit {cap})")
        return cur.take(n, what)

    def string(self, what: str) -> bytes | LongString:
        """A string value: its bytes when short, else its length and SHA-256 (O(window))."""
        cur = self.cur
        at = cur.pos
        n = cur.read_u64(what)
        if n > cur.remaining:
            raise TruncatedError(
                f"{what}: a string of {n} bytes at byte {at} runs past the end of the file"
            )
        if n > MAX_STRING:
            raise OversizedError(f"{what}: a string of {n} bytes at byte {at} (limit {MAX_STRING})")
        if n <= KEEP_TEXT:
            if self.kept + n <= KEEP_TOTAL:
                self.kept += n
                return cur.take(n, what)
            self.exhausted = True
        digest = hashlib.sha256()
        left = n
        while left:
            step = min(left, Cursor.CHUNK)
            digest.update(cur.take(step, what))
            left -= step
        return LongString(n, digest.hexdigest())

    def skip_strings(self, count: int, what: str) -> None:
        """Walk ``count`` length-prefixed strings without keeping them."""
        self._count(count, what)
        cur = self.cur
        u64 = cur.u64
        buf, p = cur.buf, cur.p
        for _ in range(count):
            if p + 8 > len(buf):
                cur.p = p
                cur.need(8, what)
                buf, p = cur.buf, cur.p
            n = u64(buf, p)[0]
            p += 8
            if p + n > len(buf):
                cur.p = p
                cur.skip(n, what)
                buf, p = cur.buf, cur.p
            else:
                p += n
        cur.p = p

    def value(self, vtype: int, what: str, depth: int = 0) -> Any:
        cur = self.cur
        if vtype in _SCALARS:
            return _finite(cur.unpack(self._struct(vtype), what)[0])
        if vtype == 8:
            return self.string(what)
        if vtype == 9:
            return self.array(what, depth + 1)
        raise MalformedError(f"{what}: unknown value type {vtype} at byte {cur.pos - 4}")

    def array(self, what: str, depth: int, keep: bool = True) -> Any:
        """An array's values when short enough to keep (and ``keep``), else a summary.

        Every element is walked either way; only kept ones cost memory, within KEEP_VALUES
        elements and KEEP_TOTAL bytes of text across the header.
        """
        cur = self.cur
        if depth > MAX_DEPTH:
            raise MalformedError(f"{what}: arrays nested more than {MAX_DEPTH} deep")
        at = cur.pos
        etype = cur.read_u32(what)
        count = cur.read_u64(what)
        summary = {"type": "array", "element": TYPE_NAMES.get(etype, str(etype)), "count": count}
        wanted = keep and count <= KEEP_ARRAY
        if etype in _SCALARS:
            size = struct.calcsize(_SCALARS[etype][0]) * count
            if size > cur.remaining:
                raise TruncatedError(
                    f"{what}: an array of {count} {summary['element']} at byte {at} runs past"
                    " the end of the file"
                )
            if wanted and self._keep(count):
                return [_finite(v) for v in cur.unpack(self._struct(etype, count), what)]
            cur.skip(size, what)
            return summary
        if etype == 8:
            if count * 8 > cur.remaining:
                raise TruncatedError(
                    f"{what}: an array of {count} strings at byte {at} runs past the end of"
                    " the file"
                )
            if wanted and self._keep(count):
                self._count(count, what)
                return [self.string(what) for _ in range(count)]
            self.skip_strings(count, what)
            return summary
        if etype == 9:
            if count * 12 > cur.remaining:
                raise TruncatedError(
                    f"{what}: an array of {count} arrays at byte {at} runs past the end of the file"
                )
            self._count(count, what)
            if wanted and self._keep(count):
                return [self.array(what, depth + 1) for _ in range(count)]
            for _ in range(count):
                self.array(what, depth + 1, keep=False)
            return summary
        raise MalformedError(f"{what}: unknown array element type {etype} at byte {at}")


def _display(key: str, value: Any) -> Any:
    """A JSON-friendly, bounded rendering of one value for the BOM."""
    if isinstance(value, LongString):
        return {"type": "string", "length": value.length, "sha256": value.sha256}
    if isinstance(value, bytes):
        if key == "tokenizer.chat_template":
            digest = hashlib.sha256(value).hexdigest()
            return {"type": "string", "length": len(value), "sha256": digest}
        limit = KEEP_TEXT if key.startswith("general.") else 256
        return short_text(value.decode("utf-8", "replace"), limit)
    if isinstance(value, list):
        return [_display(key, v) for v in value]
    return value


def _text(value: Any) -> str | None:
    if isinstance(value, bytes):
        text = value.decode("utf-8", "replace").strip()
        return short_text(text, KEEP_TEXT) if text else None
    return None


def read(fh: BinaryIO, size: int) -> Header:
    """Read a GGUF header (the caller has seen the ``GGUF`` magic)."""
    header = Header("gguf")
    cur = Cursor(fh, size)
    kv: dict[str, Any] = {}
    reader = _Reader(cur)
    try:
        _read_into(reader, header, kv)
    except HeaderError as exc:
        header.problem(exc)
    if reader.exhausted:
        # What was summarised for lack of room may be a fact (a licence, a dataset list).
        header.risk(
            "oversized-header",
            f"metadata keeps more than {KEEP_VALUES} array values or {KEEP_TOTAL} bytes of"
            " text: later values were summarised, so facts they hold were not read",
        )
    if kv:
        header.metadata["kv"] = {k: _display(k, kv[k]) for k in sorted(kv)}
        _declare(header, kv)
    return header


def _read_into(reader: _Reader, header: Header, kv: dict[str, Any]) -> None:
    cur = reader.cur
    meta = header.metadata
    if cur.take(4, "magic") != b"GGUF":
        raise MalformedError("no GGUF magic")
    raw_version = cur.take(4, "version")
    version = int.from_bytes(raw_version, "little")
    if version not in (2, 3) and int.from_bytes(raw_version, "big") in (2, 3):
        version = int.from_bytes(raw_version, "big")
        cur.set_endian(">")
        meta["endianness"] = "big"
    meta["gguf_version"] = version
    if version not in (2, 3):
        raise MalformedError(f"GGUF version {version} is not supported (v2 and v3 are)")
    n_tensors = cur.read_u64("tensor count")
    n_kv = cur.read_u64("key/value count")
    meta["tensor_count"] = n_tensors
    meta["kv_count"] = n_kv
    if n_kv > MAX_KV:
        raise OversizedError(f"claims {n_kv} key/value pairs (limit {MAX_KV})")
    if n_tensors > MAX_TENSORS:
        raise OversizedError(f"claims {n_tensors} tensors (limit {MAX_TENSORS})")
    if n_kv * 13 + n_tensors * 24 > cur.remaining:
        raise TruncatedError(
            f"claims {n_kv} key/value pairs and {n_tensors} tensors: more than the"
            f" {cur.remaining} bytes left in the file can hold"
        )
    for i in range(n_kv):
        key = reader.raw_string(f"key #{i}", MAX_KEY).decode("utf-8", "replace")
        vtype = cur.read_u32(key)
        kv[key] = reader.value(vtype, key)
    _read_tensors(cur, header, kv, n_tensors)


def _read_tensors(cur: Cursor, header: Header, kv: dict[str, Any], n_tensors: int) -> None:
    tables = format_tables()
    ggml_types: dict[int, list[Any]] = tables["ggml_types"]
    u64 = struct.Struct(f"{cur.endian}Q")
    tail = struct.Struct(f"{cur.endian}IQ")
    params = 0
    by_type: Counter[str] = Counter()
    data_end = 0
    bad_blocks = 0
    for i in range(n_tensors):
        what = f"tensor info #{i}"
        name_len = cur.read_u64(what)
        if name_len > MAX_KEY:
            raise OversizedError(f"{what}: a name of {name_len} bytes (limit {MAX_KEY})")
        cur.skip(name_len, what)
        n_dims = cur.read_u32(what)
        if n_dims > MAX_DIMS:
            raise MalformedError(f"{what}: {n_dims} dimensions (at most {MAX_DIMS})")
        elements = 1
        for _ in range(n_dims):
            elements *= cur.unpack(u64, what)[0]
        ttype, offset = cur.unpack(tail, what)
        params += elements
        info = ggml_types.get(ttype)
        by_type[info[0] if info else f"type-{ttype}"] += 1
        if info is not None:
            block, type_size = int(info[1]), int(info[2])
            if elements % block:
                bad_blocks += 1
            data_end = max(data_end, offset + elements // block * type_size)
    meta = header.metadata
    meta["parameters"] = params
    meta["tensor_types"] = dict(sorted(by_type.items()))
    alignment = kv.get("general.alignment", 32)
    if not isinstance(alignment, int) or alignment <= 0 or alignment & (alignment - 1):
        raise MalformedError(f"general.alignment is {alignment!r}: not a power of two")
    data_start = -(-cur.pos // alignment) * alignment
    meta["tensor_data_offset"] = data_start
    if bad_blocks:
        header.risk(
            "malformed-header",
            f"{bad_blocks} tensor(s) whose element count is not a multiple of their type's"
            " block size",
        )
    if n_tensors and data_start + data_end > cur.size:
        raise TruncatedError(
            f"tensor data should end at byte {data_start + data_end}; the file has {cur.size} bytes"
        )


def _hf_id(url: Any, pattern: re.Pattern[str]) -> str | None:
    text = _text(url)
    if not text:
        return None
    match = pattern.match(text)
    return match.group(1) if match else None


def _bounded_list(header: Header, key: str, count: int) -> None:
    if count > MAX_BASES:
        # Lineage past the bound is not read: a policy on ancestors must not take it as none.
        header.risk(
            "oversized-header",
            f"{key} is {count}; only the first {MAX_BASES} entries were read",
        )


def _declare(header: Header, kv: dict[str, Any]) -> None:
    declared: dict[str, Any] = {}
    provenance: dict[str, str] = {}

    def put(field_name: str, key: str, value: Any) -> None:
        if value not in (None, ""):
            declared[field_name] = value
            provenance[field_name] = key

    for field_name, key in (
        ("name", "general.name"),
        ("organization", "general.organization"),
        ("license", "general.license"),
        ("license_name", "general.license.name"),
        ("license_link", "general.license.link"),
        ("architecture", "general.architecture"),
    ):
        put(field_name, key, _text(kv.get(key)))
    file_type = kv.get("general.file_type")
    if isinstance(file_type, int) and not isinstance(file_type, bool):
        names: dict[int, str] = format_tables()["gguf_file_types"]
        quant = names.get(file_type & ~1024, f"file-type-{file_type}")
        put("quantization", "general.file_type", quant)
    elif header.metadata.get("tensor_types"):
        types: dict[str, int] = header.metadata["tensor_types"]
        dominant = max(sorted(types), key=lambda t: types[t])
        put("quantization", "tensor infos", dominant)
    split = kv.get("split.count")
    if "parameters" in header.metadata and not (isinstance(split, int) and split > 1):
        # A shard of a split model holds only part of its parameters.
        put("parameters", "tensor infos", header.metadata["parameters"])

    own_names = {n for n in (_text(kv.get("general.name")), _text(kv.get("general.basename"))) if n}
    source = _hf_id(kv.get("general.source.repo_url"), _HF_MODEL) or _text(
        kv.get("general.source.huggingface.repository")
    )
    bases: list[dict[str, Any]] = []
    count = kv.get("general.base_model.count")
    if isinstance(count, int) and not isinstance(count, bool):
        _bounded_list(header, "general.base_model.count", count)
        for i in range(min(count, MAX_BASES)):
            prefix = f"general.base_model.{i}"
            name = _text(kv.get(f"{prefix}.name"))
            repo = _hf_id(kv.get(f"{prefix}.repo_url"), _HF_MODEL)
            ref = repo or name
            if not ref:
                continue
            base: dict[str, Any] = {
                "ref": ref,
                "relation": "quantized" if (ref == source or name in own_names) else "unknown",
                "source": "gguf",
                "detail": f"{prefix}.name" if name else f"{prefix}.repo_url",
            }
            org = _text(kv.get(f"{prefix}.organization"))
            url = _text(kv.get(f"{prefix}.repo_url")) or _text(kv.get(f"{prefix}.url"))
            if org:
                base["organization"] = org
            if url:
                base["url"] = url
            bases.append(base)
    if source and not any(b["ref"] == source for b in bases):
        bases.insert(
            0,
            {
                "ref": source,
                "relation": "quantized",
                "source": "gguf",
                "detail": "general.source.repo_url",
            },
        )
    if bases:
        declared["base_models"] = bases

    datasets: list[str] = []
    legacy = kv.get("general.datasets")
    if isinstance(legacy, list):
        datasets.extend(t for t in (_text(v) for v in legacy) if t)
        if datasets:
            provenance["datasets"] = "general.datasets"
    n_data = kv.get("general.dataset.count")
    if isinstance(n_data, int) and not isinstance(n_data, bool):
        _bounded_list(header, "general.dataset.count", n_data)
        for i in range(min(n_data, MAX_BASES)):
            prefix = f"general.dataset.{i}"
            ref = _hf_id(kv.get(f"{prefix}.repo_url"), _HF_DATASET) or _text(
                kv.get(f"{prefix}.name")
            )
            if ref and ref not in datasets:
                datasets.append(ref)
                provenance.setdefault("datasets", "general.dataset.count")
    if datasets:
        declared["datasets"] = datasets
    if declared:
        declared["provenance"] = provenance
        header.declared = declared
