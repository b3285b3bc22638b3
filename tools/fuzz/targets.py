"""One fuzz target per parser: bytes in, the parser's documented outcome out.

A target calls a parser on arbitrary bytes held in memory. The parsers' contract is that
bad input becomes a risk on the returned header (or a skip in the outcome), never an
exception: header readers may raise only ``OSError`` (the file cannot be read), and over an
in-memory file even that cannot happen. So any exception that escapes a target is a crash.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Final

from gate.discover import configs, pickles
from gate.discover.headers import (
    archives,
    arrays,
    gguf,
    pickled,
    protomodels,
    safetensors,
    simple,
    tflite,
)
from gate.discover.headers.base import Header

Target = Callable[[bytes], object]


def _fh(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def gguf_target(data: bytes) -> object:
    return gguf.read(_fh(data), len(data))


def safetensors_target(data: bytes) -> object:
    return safetensors.read(_fh(data), len(data))


def onnx_target(data: bytes) -> object:
    return protomodels.read_onnx(_fh(data), len(data))


def coreml_target(data: bytes) -> object:
    return protomodels.read_coreml(_fh(data), len(data))


def savedmodel_target(data: bytes) -> object:
    return protomodels.read_savedmodel(_fh(data), len(data))


def tflite_target(data: bytes) -> object:
    return tflite.read(_fh(data), len(data))


def hdf5_target(data: bytes) -> object:
    return simple.read_hdf5(_fh(data), len(data), ".h5")


def ggml_ort_target(data: bytes) -> object:
    simple.read_ggml(_fh(data), len(data))
    return simple.read_ort(_fh(data), len(data))


def archive_target(data: bytes) -> object:
    # The suffix steers classification (package, checkpoint, npz, keras): try the kinds.
    suffix = (".pt", ".keras", ".npz", ".whl", "")[data[-1] % 5 if data else 0]
    return archives.read(_fh(data), len(data), suffix)


def pickle_scanner_target(data: bytes) -> object:
    scan = pickles.scan_bytes(data)
    return scan.risks()


def pickle_file_target(data: bytes) -> object:
    # The file reader: plain, or decompressed first when the bytes start like joblib's.
    return pickled.read(_fh(data), len(data), data[:64])


def npy_target(data: bytes) -> object:
    return arrays.read(_fh(data), len(data))


_CONFIG_NAMES: Final = (
    "config.yaml",
    "settings.json",
    "pyproject.toml",
    "setup.cfg",
    ".env",
    "Dockerfile",
    "docker-compose.yml",
    "MLmodel",
    "dvc.yaml",
    "Modelfile",
)


def config_target(data: bytes) -> object:
    name = _CONFIG_NAMES[data[0] % len(_CONFIG_NAMES)] if data else _CONFIG_NAMES[0]
    return configs.analyse_file(name, data[1:])


def notebook_target(data: bytes) -> object:
    return configs.analyse_file("analysis.ipynb", data)


TARGETS: Final[dict[str, Target]] = {
    "gguf": gguf_target,
    "safetensors": safetensors_target,
    "onnx": onnx_target,
    "coreml": coreml_target,
    "savedmodel": savedmodel_target,
    "tflite": tflite_target,
    "hdf5": hdf5_target,
    "ggml-ort": ggml_ort_target,
    "archives": archive_target,
    "pickle-scanner": pickle_scanner_target,
    "pickle-file": pickle_file_target,
    "npy": npy_target,
    "configs": config_target,
    "notebook": notebook_target,
}
"""Every target, by the name ``make fuzz`` and ``tools/fuzz/run.py`` use."""

ALLOWED: Final = (OSError,)
"""Exceptions a header reader documents (see :mod:`gate.discover.headers`)."""


def check(target: Target, data: bytes) -> None:
    """Run one input; a documented error is fine, anything else propagates (a crash)."""
    try:
        result = target(data)
    except ALLOWED:
        return
    if isinstance(result, Header):
        assert isinstance(result.risks, list)
