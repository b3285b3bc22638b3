"""Small valid inputs per fuzz target, built in code (nothing is downloaded or loaded)."""

from __future__ import annotations

import io
import json
import os
import pickle
import struct
import zipfile
from collections.abc import Callable
from typing import Final


def _safetensors() -> list[bytes]:
    head = json.dumps(
        {"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}, "__metadata__": {"a": "b"}}
    ).encode()
    return [struct.pack("<Q", len(head)) + head + b"\0" * 8]


def _gguf_string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("<Q", len(raw)) + raw


def _gguf() -> list[bytes]:
    kv = _gguf_string("general.name") + struct.pack("<I", 8) + _gguf_string("tiny")
    kv += _gguf_string("general.architecture") + struct.pack("<I", 8) + _gguf_string("llama")
    arr = _gguf_string("tokenizer.ggml.tokens") + struct.pack("<II", 9, 8) + struct.pack("<Q", 2)
    arr += _gguf_string("a") + _gguf_string("b")
    tensor = _gguf_string("w") + struct.pack("<I", 1) + struct.pack("<Q", 4)
    tensor += struct.pack("<I", 0) + struct.pack("<Q", 0)
    body = b"GGUF" + struct.pack("<IQQ", 3, 1, 3) + kv + arr + tensor
    body += b"\0" * (-len(body) % 32) + b"\0" * 16
    return [body]


def _npy(descr: str, shape: tuple[int, ...], data: bytes) -> bytes:
    text = repr({"descr": descr, "fortran_order": False, "shape": shape})
    text += " " * (-(len(text) + 11) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode() + data


def _pickles() -> list[bytes]:
    state = {"w": [1.0, 2.0], "name": "x", "t": (1, 2), "b": b"\0\1"}
    out = [pickle.dumps(state, protocol=p) for p in range(6)]
    out.append(b"cos\nsystem\n(S'true'\ntR.")
    out.append(b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x94\x8c\x06system\x94\x93.")
    return out


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _archives() -> list[bytes]:
    data = pickle.dumps({"w": 1}, protocol=2)
    return [
        _zip({"archive/data.pkl": data, "archive/version": b"3\n", "archive/data/0": b"\0" * 8}),
        _zip({"a.npy": _npy("<f4", (2,), b"\0" * 8)}),
        _zip({"config.json": b'{"class_name": "Sequential", "config": {"layers": []}}'}),
    ]


def _hdf5() -> list[bytes]:
    undefined = 2**64 - 1
    sb = b"\x89HDF\r\n\x1a\n" + bytes([0, 0, 0, 0, 0, 8, 8, 0]) + struct.pack("<HH", 4, 16)
    sb += struct.pack("<I", 0) + struct.pack("<QQQQ", 0, undefined, undefined, undefined)
    sb += b"\0" * (-len(sb) % 8)
    config = json.dumps(
        {"class_name": "Sequential", "config": {"layers": [{"class_name": "Lambda", "config": {}}]}}
    ).encode()
    name = b"model_config\0" + b"\0" * 3  # 13 bytes padded to 16
    space = bytes([1, 0, 0, 0]) + b"\0" * 4  # scalar
    # An attribute message (version 1) holding a fixed-length string.
    fixed_type = bytes([0x13, 0, 0, 0]) + struct.pack("<I", len(config))
    fixed = struct.pack("<BBHHH", 1, 0, 13, 8, 8) + name + fixed_type + space + config
    # The same as a variable-length string in a global heap collection.
    vlen_type = bytes([0x19, 1, 0, 0]) + struct.pack("<I", 16) + bytes([0x13, 0, 0, 0, 1, 0, 0, 0])
    heap_at = len(sb) + 8 + 16 + 16 + 8 + 16
    ref = struct.pack("<IQI", len(config), heap_at, 1)
    vlen = struct.pack("<BBHHH", 1, 0, 13, 16, 8) + name + vlen_type + space + ref
    obj = struct.pack("<HHIQ", 1, 0, 0, len(config)) + config + b"\0" * (-len(config) % 8)
    heap = b"GCOL" + bytes([1, 0, 0, 0]) + struct.pack("<Q", 16 + len(obj)) + obj
    return [sb, sb + fixed, sb + vlen + heap, sb + b"keras_version\0model_config\0"]


def _proto() -> list[bytes]:
    # ModelProto: ir_version=8, producer_name="t", graph{name="g"}, opset_import{version=17}
    return [b"\x08\x08\x12\x01t\x3a\x03\x0a\x01g\x42\x02\x10\x11"]


def _tflite() -> list[bytes]:
    return [struct.pack("<I", 16) + b"TFL3" + b"\0" * 64]


def _configs() -> list[bytes]:
    return [
        b"\x00model: Qwen/Qwen2.5-7B\nbase_url: https://api.deepseek.com\n",
        b'\x01{"model": "gpt-4o", "api_base": "https://x"}',
        b'\x02[tool.x]\nmodel = "meta-llama/Llama-3.1-8B"\n',
        b"\x03[llm]\nmodel = mistral\n",
        b"\x04OPENAI_MODEL=gpt-4o\n",
        b"\x05FROM ollama/ollama\nRUN ollama pull qwen2.5-coder:7b\n",
        b"\x09FROM llama3.1:8b\n",
    ]


def _notebook() -> list[bytes]:
    cell = {"cell_type": "code", "source": ["!pip install openai\n", "m = 'gpt-4o'\n"]}
    return [json.dumps({"cells": [cell], "nbformat": 4}).encode()]


SEEDS: Final[dict[str, Callable[[], list[bytes]]]] = {
    "gguf": _gguf,
    "safetensors": _safetensors,
    "onnx": _proto,
    "coreml": _proto,
    "savedmodel": _proto,
    "tflite": _tflite,
    "hdf5": _hdf5,
    "ggml-ort": lambda: [b"tjgg\x03\0\0\0" + b"\0" * 32, b"\0\0\0\0ORTM" + b"\0" * 32],
    "archives": _archives,
    "pickle-scanner": _pickles,
    "pickle-file": _pickles,
    "npy": lambda: [_npy("<f4", (2, 2), b"\0" * 16), _npy("|O", (1,), pickle.dumps([1], 2))],
    "configs": _configs,
    "notebook": _notebook,
}


def write(name: str, folder: str) -> None:
    """Write the seeds of target ``name`` into ``folder``."""
    for i, data in enumerate(SEEDS[name]()):
        with open(os.path.join(folder, f"seed-{i}"), "wb") as fh:
            fh.write(data)
