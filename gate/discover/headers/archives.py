"""Zip-based model files: PyTorch checkpoints, Keras v3 ``.keras``, NumPy ``.npz``.

The central directory's claims (entry count, size, offset) are checked before ``zipfile``
reads it, so a forged directory costs nothing. Pickles inside are scanned for imports,
never loaded; every member read is bounded.

A software package (a wheel, an egg, a jar, ...: told by its suffix or its manifest) is not
a model, whatever data files it ships: it becomes a component (format ``package``) only when
a pickle inside it carries a risk, since whoever loads that pickle runs it. Any other zip is
a model archive when its layout is a model format's (PyTorch, Keras v3, npz), its name is a
checkpoint's, or it holds model files.
"""

from __future__ import annotations

import json
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO, Final

from gate.discover import pickles
from gate.discover.headers import arrays
from gate.discover.headers.base import (
    AmbiguousError,
    Blob,
    Header,
    HeaderError,
    MalformedError,
    OversizedError,
    TruncatedError,
    short_text,
)

MAX_MEMBERS: Final = 100_000
MAX_DIRECTORY: Final = 64 << 20
MAX_PICKLE_BYTES: Final = 4 << 30
"""Bytes of pickle members scanned per archive, all members together (every one is scanned,
the ones torch.load reads first; a checkpoint has one or two)."""
MAX_PICKLE_MEMBER: Final = 1 << 30
MAX_JSON_MEMBER: Final = 8 << 20
MAX_ARRAYS: Final = 1024
KEEP_MEMBERS: Final = 64

_PACKAGE_SUFFIXES: Final = {
    ".whl": "wheel",
    ".egg": "egg",
    ".jar": "jar",
    ".war": "jar",
    ".ear": "jar",
    ".aar": "android",
    ".apk": "android",
    ".nupkg": "nuget",
    ".vsix": "vsix",
    ".xpi": "browser-extension",
}
_PACKAGE_PICKLES: Final = (".pkl", ".pickle")
_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_WEIGHT_MEMBER_SUFFIXES: Final = (
    ".pkl",
    ".pt",
    ".pth",
    ".bin",
    ".safetensors",
    ".gguf",
    ".onnx",
    ".h5",
    ".keras",
    ".npy",
    ".tflite",
    ".ckpt",
)


_DIFFERS: Final = "Python's zipfile and the miniz reader torch.load uses would read different"


def check_directory(blob: Blob) -> int:
    """The entry count of a zip's central directory, after checking its claims.

    Two readers must agree on what this archive holds: aigate reads it with ``zipfile``,
    PyTorch with miniz. Where they locate the end record, the zip64 record or the central
    directory differently (data before the archive, a second end record near the end, a
    zip64 locator that points elsewhere), the archive is refused as ambiguous.
    """
    tail_len = min(blob.size, 65_557)
    tail_start = blob.size - tail_len
    tail = blob.read_at(tail_start, tail_len, "end of central directory")
    at = tail.rfind(_EOCD)
    if at < 0:
        raise MalformedError("no end-of-central-directory record: not a complete zip archive")
    if at + 22 > len(tail):
        raise AmbiguousError(
            f"an end-of-central-directory signature {len(tail) - at} bytes before the end of"
            f" the file, too short to be one: {_DIFFERS} end records"
        )
    disk, cd_disk, on_disk, entries, dir_size, dir_offset, comment = struct.unpack_from(
        "<HHHHIIH", tail, at + 4
    )
    if at + 22 + comment != len(tail):
        raise AmbiguousError(
            f"{len(tail) - at - 22} bytes follow the end record, whose comment claims"
            f" {comment}: {_DIFFERS} end records"
        )
    multi_disk = bool(disk or cd_disk or on_disk != entries)
    eocd = tail_start + at
    cd_end = eocd
    locator = eocd - 20
    if locator >= 0 and blob.read_at(locator, 4, "zip64 locator") == _EOCD64_LOCATOR:
        _, rec_offset, disks = struct.unpack("<IQI", blob.read_at(locator + 4, 16, "locator"))
        if rec_offset != locator - 56 or disks != 1:
            raise AmbiguousError(
                f"the zip64 locator points at byte {rec_offset} (of {disks} disk(s)), not at"
                f" the record before it (byte {locator - 56}): {_DIFFERS} zip64 records"
            )
        record = blob.read_at(rec_offset, 56, "zip64 end of central directory")
        if record[:4] != b"PK\x06\x06":
            raise MalformedError("zip64 end-of-central-directory record not found")
        entries, dir_size, dir_offset = struct.unpack_from("<QQQ", record, 32)
        cd_end = rec_offset
    elif entries == 0xFFFF or 0xFFFFFFFF in (dir_size, dir_offset):
        raise MalformedError("zip64 archive without its locator")
    if entries > MAX_MEMBERS:
        raise OversizedError(f"claims {entries} members (limit {MAX_MEMBERS})")
    if dir_size > MAX_DIRECTORY:
        raise OversizedError(f"claims a {dir_size}-byte central directory (limit {MAX_DIRECTORY})")
    if dir_offset + dir_size > blob.size:
        raise TruncatedError(
            f"central directory claims bytes {dir_offset}-{dir_offset + dir_size}; the file has"
            f" {blob.size}"
        )
    if multi_disk:
        raise AmbiguousError(f"a multi-disk end record: {_DIFFERS} entry counts")
    if dir_offset + dir_size != cd_end:
        # zipfile shifts every offset by the difference (data prepended to the archive);
        # miniz takes them as written. The two then read different directories.
        raise AmbiguousError(
            f"the central directory ends at byte {dir_offset + dir_size}, not where the end"
            f" record starts ({cd_end}): {_DIFFERS} central directories"
        )
    _check_entries(blob, int(entries), int(dir_size), int(dir_offset))
    return int(entries)


def _zip64_offset(extra: bytes, cd: bytes, offset: int) -> int:
    """The local-header offset from a zip64 extra field, when the directory says 0xFFFFFFFF."""
    usize, csize = struct.unpack_from("<II", cd, 24)[0], struct.unpack_from("<I", cd, 20)[0]
    pos = 0
    while pos + 4 <= len(extra):
        tag, length = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4 : pos + 4 + length]
        if tag == 1:
            fields = [v for v in (usize, csize) if v == 0xFFFFFFFF]
            at = 8 * len(fields)
            if len(body) < at + 8:
                raise MalformedError("a zip64 extra field without the header offset")
            return int(struct.unpack_from("<Q", body, at)[0])
        pos += 4 + length
    raise MalformedError("a member offset of 0xFFFFFFFF without a zip64 extra field")


def _check_entries(blob: Blob, entries: int, dir_size: int, dir_offset: int) -> None:
    """Walk the directory as miniz does (by entry count) and compare with zipfile's walk
    (by size), each name with its local header's, and names with each other."""
    directory = blob.read_at(dir_offset, dir_size, "central directory")
    pos = 0
    seen: dict[bytes, bytes] = {}
    for index in range(entries):
        if directory[pos : pos + 4] != b"PK\x01\x02" or pos + 46 > len(directory):
            raise AmbiguousError(
                f"entry {index + 1} of {entries} is not where the directory says: {_DIFFERS}"
                " member lists"
            )
        cd = directory[pos : pos + 46]
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", cd, 28)
        (offset,) = struct.unpack_from("<I", cd, 42)
        name = directory[pos + 46 : pos + 46 + name_len]
        extra = directory[pos + 46 + name_len : pos + 46 + name_len + extra_len]
        pos += 46 + name_len + extra_len + comment_len
        if pos > len(directory):
            raise TruncatedError(f"entry {index + 1} runs past the central directory")
        shown = short_text(name.decode("utf-8", "replace"), 120)
        if b"\0" in name:
            raise AmbiguousError(f"member name {shown!r} holds a NUL byte: {_DIFFERS} names")
        # miniz (torch.load) finds a member by name ignoring case: two pickles whose names
        # differ only in case are one name to it; any other exact repeat is ambiguous too.
        key = name.lower() if name.lower().endswith(b".pkl") else name
        if key in seen:
            raise AmbiguousError(
                f"two members named {shown!r} (ignoring case): a loader may take either"
            )
        seen[key] = name
        if offset == 0xFFFFFFFF:
            offset = _zip64_offset(extra, cd, offset)
        local = blob.read_at(offset, 30, f"local header of {shown!r}")
        if local[:4] != b"PK\x03\x04":
            raise MalformedError(f"member {shown!r} has no local header at byte {offset}")
        (local_len,) = struct.unpack_from("<H", local, 26)
        local_name = blob.read_at(offset + 30, local_len, f"local name of {shown!r}")
        if local_name != name:
            raise AmbiguousError(
                f"member {shown!r} is named"
                f" {short_text(local_name.decode('utf-8', 'replace'), 120)!r} in its local"
                " header: a loader that reads one name and a scan that reads the other"
                " disagree on what it is"
            )
    if pos != dir_size:
        raise AmbiguousError(
            f"{entries} entries take {pos} bytes of a {dir_size}-byte central directory:"
            f" {_DIFFERS} member lists"
        )


@contextmanager
def _zip_errors() -> Iterator[None]:
    # zipfile reports a damaged archive through many exception types.
    try:
        yield
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        ValueError,
        zlib.error,
        struct.error,
        OSError,  # bz2/lzma members report corrupt data as OSError
    ) as exc:
        raise MalformedError(f"damaged zip archive: {short_text(str(exc), 160)}") from exc
    except (NotImplementedError, RuntimeError) as exc:
        raise MalformedError(f"unreadable zip member: {short_text(str(exc), 160)}") from exc


def read(fh: BinaryIO, size: int, suffix: str) -> Header | None:
    """Read a zip-based model file; None when the archive holds nothing model-like."""
    header = Header("zip")
    blob = Blob(fh, size)
    try:
        check_directory(blob)
        with _zip_errors():
            zf = zipfile.ZipFile(fh)
        with zf, _zip_errors():
            return _classify(zf, header, suffix)
    except HeaderError as exc:
        header.problem(exc)
        if suffix in (".pt", ".pth", ".bin", ".ckpt"):
            header.format = "pytorch"
        elif suffix == ".keras":
            header.format = "keras"
        elif suffix == ".npz":
            header.format = "npz"
        return header


def package_kind(names: list[str], suffix: str) -> str | None:
    """The kind of software package a zip is (``wheel``, ``jar``...), or None."""
    if suffix in _PACKAGE_SUFFIXES:
        return _PACKAGE_SUFFIXES[suffix]
    for name in names:
        top, _, rest = name.partition("/")
        if top.endswith(".dist-info") and rest in ("WHEEL", "RECORD"):
            return "wheel"
        if top == "EGG-INFO" and rest == "PKG-INFO":
            return "egg"
        if name == "META-INF/MANIFEST.MF":
            return "jar"
    return None


def _classify(zf: zipfile.ZipFile, header: Header, suffix: str) -> Header | None:
    infos = zf.infolist()
    names = [i.filename for i in infos]
    header.metadata["members"] = len(names)
    package = package_kind(names, suffix)
    if package is not None:
        return _package(zf, infos, header, package)
    # miniz, which torch.load reads archives with, finds members by name ignoring case.
    pkls = [i for i in infos if i.filename.lower().endswith(".pkl")]
    if any(_base(i) == "data.pkl" for i in pkls):
        header.format = "pytorch"
        _pytorch(zf, infos, pkls, header)
        return header
    if "config.json" in names and (
        "model.weights.h5" in names or "model.weights.npz" in names or suffix == ".keras"
    ):
        header.format = "keras"
        _keras(zf, header)
        return header
    if suffix == ".npz" or (names and all(n.endswith(".npy") for n in names)):
        header.format = "npz"
        _npz(zf, infos, header)
        return header
    model_members = [n for n in names if n.lower().endswith(_WEIGHT_MEMBER_SUFFIXES)]
    arrays_inside = any(_starts_with(zf, i, arrays.MAGIC) for i in infos)
    if (
        not model_members
        and not arrays_inside
        and suffix not in (".pt", ".pth", ".bin", ".ckpt", ".mar", ".nemo")
    ):
        return None
    header.metadata["model_members"] = sorted(model_members)[:KEEP_MEMBERS]
    if pkls:
        _scan_pickles(zf, pkls, header)
    if arrays_inside:
        _npz(zf, infos, header)  # np.load reads any zip as an npz, whatever its name
    return header


def _package(
    zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], header: Header, kind: str
) -> Header | None:
    """A package's pickles, scanned: the package is reported only if one carries a risk."""
    pkls = [i for i in infos if i.filename.lower().endswith(_PACKAGE_PICKLES)]
    if not pkls:
        return None
    _scan_pickles(zf, pkls, header)
    if not header.risks:
        return None
    header.format = "package"
    header.metadata["package"] = kind
    return header


def _member_text(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> str | None:
    if info.file_size > cap:
        return None
    with zf.open(info) as member:
        return member.read(cap).decode("utf-8", "replace")


def _base(info: zipfile.ZipInfo) -> str:
    return info.filename.rsplit("/", 1)[-1].lower()


def _scan_pickles(zf: zipfile.ZipFile, pkls: list[zipfile.ZipInfo], header: Header) -> None:
    found: set[str] = set()
    protocols: set[int] = set()
    scanned: list[str] = []
    budget = MAX_PICKLE_BYTES
    # What torch.load and torch.jit.load read first, then every other pickle member.
    order = sorted(pkls, key=lambda i: (_base(i) not in ("data.pkl", "constants.pkl"), i.filename))
    for count, info in enumerate(order):
        if info.file_size > MAX_PICKLE_MEMBER or info.file_size > budget:
            header.risk(
                "oversized-header",
                f"{info.filename}: a {info.file_size}-byte pickle past the bound"
                f" ({MAX_PICKLE_MEMBER} per member, {MAX_PICKLE_BYTES} per archive); its"
                f" imports were not read ({len(order) - count} pickle member(s) left)",
            )
            continue
        budget -= info.file_size
        with zf.open(info) as member:
            # PyTorch's zip reader does not check CRC-32s, so neither may the scan: a wrong
            # checksum must not hide the pickle that torch.load would still run.
            setattr(member, "_expected_crc", None)  # noqa: B010 - CPython's ZipExtFile
            scan = pickles.scan_stream(member, info.file_size)  # type: ignore[arg-type]
        scanned.append(info.filename)
        found.update(scan.names())
        if scan.protocol is not None:
            protocols.add(scan.protocol)
        for risk in scan.risks(info.filename):
            header.risk(risk["kind"], risk["detail"], risk["severity"])
    header.metadata["pickles"] = scanned[:KEEP_MEMBERS]
    header.metadata["pickle_globals"] = sorted(found)
    if protocols:
        header.metadata["pickle_protocol"] = max(protocols)


def _pytorch(
    zf: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    pkls: list[zipfile.ZipInfo],
    header: Header,
) -> None:
    meta = header.metadata
    data_pkl = next(i for i in pkls if _base(i) == "data.pkl")
    prefix = data_pkl.filename[: -len("data.pkl")]
    meta["archive"] = prefix.rstrip("/")
    names = {i.filename: i for i in infos}
    meta["layout"] = "torchscript" if f"{prefix}constants.pkl" in names else "torch.save"
    meta["storages"] = sum(1 for n in names if n.startswith(f"{prefix}data/"))
    for key, member in (("serialization_version", "version"), ("byteorder", "byteorder")):
        info = names.get(f"{prefix}{member}") or names.get(f"{prefix}.data/{member}")
        if info is not None:
            text = _member_text(zf, info, 64)
            if text is not None:
                meta[key] = text.strip()
    _scan_pickles(zf, pkls, header)


def _keras(zf: zipfile.ZipFile, header: Header) -> None:
    meta = header.metadata
    for name in ("metadata.json", "config.json"):
        try:
            info = zf.getinfo(name)
        except KeyError:
            continue
        text = _member_text(zf, info, MAX_JSON_MEMBER)
        if text is None:
            header.risk("oversized-header", f"{name} is larger than {MAX_JSON_MEMBER} bytes")
            continue
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            header.risk("malformed-header", f"{name} is not JSON")
            continue
        if not isinstance(doc, dict):
            continue
        if name == "metadata.json":
            for key in ("keras_version", "date_saved"):
                if isinstance(doc.get(key), str):
                    meta[key] = short_text(doc[key])
        else:
            if isinstance(doc.get("class_name"), str):
                meta["class_name"] = short_text(doc["class_name"])
            config = doc.get("config")
            if isinstance(config, dict) and isinstance(config.get("name"), str):
                meta["model_name"] = short_text(config["name"])
            lambdas = count_lambdas(doc)
            if lambdas:
                header.risk(
                    "unsafe-code",
                    f"{lambdas} Lambda layer(s): Keras stores their Python code in the file and"
                    " runs it when loaded with safe_mode off",
                )
    meta["weights_member"] = next(
        (n for n in ("model.weights.h5", "model.weights.npz") if n in zf.namelist()), None
    )


def count_lambdas(doc: Any) -> int:
    """Lambda layers anywhere in a Keras config (every value is visited).

    No node budget: the member is read only up to MAX_JSON_MEMBER bytes, which bounds the
    walk (a few million values at most), and a budget that ran out would report a config
    it had not finished reading as clean.
    """
    count = 0
    pending: list[Any] = [doc]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            if node.get("class_name") == "Lambda":
                count += 1
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return count


def _starts_with(zf: zipfile.ZipFile, info: zipfile.ZipInfo, magic: bytes) -> bool:
    if info.is_dir() or info.file_size < len(magic):
        return False
    with zf.open(info) as member:
        setattr(member, "_expected_crc", None)  # noqa: B010 - a short read, as in _scan_pickles
        return bool(member.read(len(magic)) == magic)


def _npz(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo], header: Header) -> None:
    # np.load reads a member as an array when its bytes start with the .npy magic, whatever
    # its name (``arr_0`` as well as ``arr_0.npy``): every such member is read.
    members = [i for i in infos if _starts_with(zf, i, arrays.MAGIC)]
    header.metadata["array_count"] = len(members)
    for info in sorted(members, key=lambda i: i.filename)[:MAX_ARRAYS]:
        with zf.open(info) as member:
            arrays.read_stream(member, info.file_size, header, info.filename)  # type: ignore[arg-type]
    if len(members) > MAX_ARRAYS:
        # An array past the bound may hold Python objects (a pickle np.load would run).
        header.risk(
            "oversized-header",
            f"{len(members)} arrays; only the first {MAX_ARRAYS} were read, so the rest were"
            " not checked for pickled objects",
        )
    globals_seen = sorted(
        {g for a in header.metadata.get("arrays", {}).values() for g in a.get("pickle_globals", [])}
    )
    if globals_seen:
        header.metadata["pickle_globals"] = globals_seen
    params = sum(a.get("parameters", 0) for a in header.metadata.get("arrays", {}).values())
    header.metadata["parameters"] = params
