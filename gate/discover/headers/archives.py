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
MAX_PICKLES: Final = 64
"""Pickle members scanned per archive (a checkpoint has one or two)."""
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


def check_directory(blob: Blob) -> int:
    """The entry count of a zip's central directory, after checking its claims."""
    tail_len = min(blob.size, 65_557)
    tail = blob.read_at(blob.size - tail_len, tail_len, "end of central directory")
    at = tail.rfind(_EOCD)
    if at < 0 or at + 22 > len(tail):
        raise MalformedError("no end-of-central-directory record: not a complete zip archive")
    entries, dir_size, dir_offset = struct.unpack_from("<xxxxxxxxxxHII", tail, at)
    if 0xFFFF in (entries,) or 0xFFFFFFFF in (dir_size, dir_offset):
        loc = at - 20
        if loc < 0 or tail[loc : loc + 4] != _EOCD64_LOCATOR:
            raise MalformedError("zip64 archive without its locator")
        (rec_offset,) = struct.unpack_from("<Q", tail, loc + 8)
        record = blob.read_at(rec_offset, 56, "zip64 end of central directory")
        if record[:4] != b"PK\x06\x06":
            raise MalformedError("zip64 end-of-central-directory record not found")
        entries, dir_size, dir_offset = struct.unpack_from("<QQQ", record, 32)
    if entries > MAX_MEMBERS:
        raise OversizedError(f"claims {entries} members (limit {MAX_MEMBERS})")
    if dir_size > MAX_DIRECTORY:
        raise OversizedError(f"claims a {dir_size}-byte central directory (limit {MAX_DIRECTORY})")
    if dir_offset + dir_size > blob.size:
        raise TruncatedError(
            f"central directory claims bytes {dir_offset}-{dir_offset + dir_size}; the file has"
            f" {blob.size}"
        )
    return int(entries)


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
    pkls = [i for i in infos if i.filename.endswith(".pkl")]
    if any(i.filename.rsplit("/", 1)[-1] == "data.pkl" for i in pkls):
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
    if not model_members and not arrays_inside and suffix not in (".pt", ".pth", ".bin", ".ckpt", ".mar", ".nemo"):
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


def _scan_pickles(zf: zipfile.ZipFile, pkls: list[zipfile.ZipInfo], header: Header) -> None:
    found: set[str] = set()
    protocols: set[int] = set()
    scanned: list[str] = []
    for info in sorted(pkls, key=lambda i: i.filename)[:MAX_PICKLES]:
        if info.file_size > MAX_PICKLE_MEMBER:
            header.risk(
                "oversized-header",
                f"{info.filename}: a {info.file_size}-byte pickle (limit {MAX_PICKLE_MEMBER});"
                " its imports were not read",
            )
            continue
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
    if len(pkls) > MAX_PICKLES:
        header.risk(
            "oversized-header",
            f"{len(pkls)} pickle members; only the first {MAX_PICKLES} were scanned",
        )
    header.metadata["pickles"] = scanned
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
    data_pkl = next(i for i in pkls if i.filename.rsplit("/", 1)[-1] == "data.pkl")
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
            lambdas = _count_lambdas(doc)
            if lambdas:
                header.risk(
                    "unsafe-code",
                    f"{lambdas} Lambda layer(s): Keras stores their Python code in the file and"
                    " runs it when loaded with safe_mode off",
                )
    meta["weights_member"] = next(
        (n for n in ("model.weights.h5", "model.weights.npz") if n in zf.namelist()), None
    )


def _count_lambdas(doc: Any) -> int:
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
