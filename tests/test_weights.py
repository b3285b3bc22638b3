"""Weight files: real files of every format, their headers, digests, and broken variants."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import pickle
import random
import shutil
import struct
import zipfile
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import gguf
import numpy as np
import pytest
import weightfiles as wf  # tests/ is on sys.path: pytest puts the rootdir conftest's folder there
from click.testing import CliRunner

from gate.bom import cyclonedx
from gate.cli import main
from gate.discover import hashing, sources, weights
from gate.discover.base import DiscoverContext
from gate.discover.headers import archives, pickled, protomodels, tflite
from gate.discover.headers import base as header_base
from gate.discover.headers import gguf as gguf_reader
from gate.discover.tree import Tree
from gate.model import Evidence, Project, Role
from gate.pipeline import ScanOptions, scan
from gate.resolve.assemble import assemble


def found(root: Path, ctx: DiscoverContext | None = None) -> tuple[dict[str, Evidence], Tree]:
    tree = Tree.walk(root)
    evidence = list(weights.discover(tree, ctx or DiscoverContext()))
    return {e.location.path: e for e in evidence}, tree


def one(path: Path) -> Evidence:
    evidence, tree = found(path.parent)
    assert path.name in evidence, (tree.skipped, list(evidence))
    return evidence[path.name]


def kinds(ev: Evidence) -> set[str]:
    return {r["kind"] for r in ev.attributes.get("risks", [])}


# --- safetensors -----------------------------------------------------------------------------


def test_safetensors_header_metadata_dtypes_parameters(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    wf.safetensors_file(
        path, {"format": "pt", "modelspec.title": "Tiny", "modelspec.license": "mit"}
    )
    ev = one(path)
    info = ev.attributes["file"]
    assert info["format"] == "safetensors" and info["size"] == path.stat().st_size
    assert info["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert ev.identity == f"file:sha256:{info['sha256']}"
    meta = info["metadata"]
    assert meta["tensor_count"] == 2 and meta["parameters"] == 16 * 8 + 16
    assert meta["dtypes"] == {"F16": 1, "F32": 1}
    assert meta["metadata"]["format"] == "pt"
    declared = ev.attributes["declared"]
    assert declared["name"] == "Tiny" and declared["license"] == "mit"
    assert declared["provenance"]["license"] == "model.safetensors#__metadata__.modelspec.license"
    assert "risks" not in ev.attributes


def test_safetensors_terabyte_header_claim_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "huge.safetensors"
    path.write_bytes(struct.pack("<Q", 1 << 40) + b'{"a": 1}' + b"\0" * 64)
    assert kinds(one(path)) == {"oversized-header"}
    path.write_bytes(struct.pack("<Q", 5000) + b'{"__metadata__": {}}')
    assert kinds(one(path)) == {"truncated-file"}


def test_safetensors_missing_tensor_data_and_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "model.safetensors"
    wf.safetensors_file(path)
    path.write_bytes(path.read_bytes()[:-100])
    assert kinds(one(path)) == {"truncated-file"}
    header = b'{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]'
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 8)
    assert kinds(one(path)) == {"malformed-header"}
    header = b'{"w": {"dtype": "F32", "shape": [4], "data_offsets": [0, 8]}}'
    path.write_bytes(struct.pack("<Q", len(header)) + header + b"\0" * 8)
    assert kinds(one(path)) == {"malformed-header"}  # 4 floats do not fit in 8 bytes


def test_dtype_table_matches_what_safetensors_writes(tmp_path: Path) -> None:
    from safetensors.numpy import save

    bits = header_base.format_tables()["safetensors_dtypes"]
    for dtype in ("bool", "uint8", "int8", "int16", "uint16", "float16", "int32", "float32"):
        raw = save({"t": np.zeros(3, dtype=dtype)})
        (n,) = struct.unpack("<Q", raw[:8])
        entry = json.loads(raw[8 : 8 + n])["t"]
        assert bits[entry["dtype"]] == np.dtype(dtype).itemsize * 8


# --- GGUF ------------------------------------------------------------------------------------


def test_gguf_every_value_type_and_the_declared_facts(tmp_path: Path) -> None:
    path = tmp_path / "tiny.gguf"
    wf.gguf_file(path)
    ev = one(path)
    meta = ev.attributes["file"]["metadata"]
    kv = meta["kv"]
    # The gguf package's own reader is the reference for every decoded value.
    reader = gguf.GGUFReader(str(path))
    for field in reader.fields.values():
        if field.name.startswith("GGUF.") or field.name.startswith("tokenizer.ggml."):
            continue
        assert field.name in kv, field.name
        if field.types[0] == gguf.GGUFValueType.STRING:
            if field.name != "tokenizer.chat_template":
                assert kv[field.name] == field.contents()
        elif field.types[0] != gguf.GGUFValueType.ARRAY:
            assert kv[field.name] == pytest.approx(field.contents())
    assert kv["t.ints"] == [1, 2, 3] and kv["t.nested"] == [[1, 2], [3]]
    assert kv["t.bool"] is True and kv["t.i64"] == -(1 << 40)
    assert kv["tokenizer.ggml.tokens"] == {"type": "array", "element": "string", "count": 300}
    template = reader.fields["tokenizer.chat_template"].contents().encode()
    assert kv["tokenizer.chat_template"]["sha256"] == hashlib.sha256(template).hexdigest()
    assert meta["tensor_count"] == 2 and meta["parameters"] == 4 * 32 + 2 * 32
    assert meta["tensor_types"] == {"F16": 1, "F32": 1}

    declared = ev.attributes["declared"]
    assert declared["name"] == "Tiny Llama Coder"
    assert declared["organization"] == "Example Org"
    assert declared["license"] == "apache-2.0" and declared["architecture"] == "llama"
    assert declared["quantization"] == "Q8_0" and declared["parameters"] == 192
    assert declared["datasets"] == ["ex/code"]
    first, second = declared["base_models"]
    assert first == {
        "ref": "example/tiny",
        "relation": "quantized",
        "organization": "Example Org",
        "url": "https://huggingface.co/example/tiny",
        "source": "gguf",
        "detail": "tiny.gguf#general.base_model.0.name",
    }
    assert second["ref"] == "Root Model" and second["relation"] == "unknown"
    assert declared["provenance"]["license"] == "tiny.gguf#general.license"


def test_gguf_big_endian_reads_the_same(tmp_path: Path) -> None:
    wf.gguf_file(tmp_path / "le.gguf")
    wf.gguf_file(tmp_path / "be.gguf", big_endian=True)
    evidence, _ = found(tmp_path)
    little, big = (evidence[n].attributes for n in ("le.gguf", "be.gguf"))
    assert big["file"]["metadata"]["endianness"] == "big"
    assert big["file"]["metadata"]["kv"] == little["file"]["metadata"]["kv"]
    assert big["declared"]["base_models"][0]["ref"] == "example/tiny"


def test_gguf_vocabulary_of_152k_tokens_is_summarised(tmp_path: Path) -> None:
    # Its speed is bench/hash_weights.py's (GGUF header reading vs gguf.GGUFReader).
    path = tmp_path / "vocab.gguf"
    wf.gguf_file(path, vocab=152_064)
    with header_base.open_binary(str(path)) as fh:
        header = gguf_reader.read(fh, path.stat().st_size)
    assert header.risks == []
    kv = header.metadata["kv"]
    assert kv["tokenizer.ggml.tokens"]["count"] == 152_064
    assert kv["tokenizer.ggml.scores"] == {"type": "array", "element": "float32", "count": 152_064}


def test_gguf_type_tables_match_the_gguf_package() -> None:
    tables = header_base.format_tables()
    for qtype, (block, size) in gguf.GGML_QUANT_SIZES.items():
        assert tables["ggml_types"][int(qtype)] == [qtype.name, block, size]
    for ftype in gguf.LlamaFileType:
        if ftype.name != "GUESSED":
            name = ftype.name.removeprefix("MOSTLY_").removeprefix("ALL_")
            assert tables["gguf_file_types"][int(ftype)] == name


def _gguf_prefix(kv_count: int) -> bytes:
    return b"GGUF" + struct.pack("<IQQ", 3, 0, kv_count)


def test_gguf_length_claims_are_findings_not_allocations(tmp_path: Path) -> None:
    path = tmp_path / "bad.gguf"
    key = struct.pack("<Q", 4) + b"evil"
    cases = {
        "string of 1 TB": _gguf_prefix(1) + key + struct.pack("<IQ", 8, 1 << 40) + b"x" * 64,
        "array of 2^60": _gguf_prefix(1) + key + struct.pack("<IIQ", 9, 8, 1 << 60) + b"x" * 64,
        "10^12 keys": _gguf_prefix(10**12) + b"x" * 64,
        "key of 1 TB": _gguf_prefix(1) + struct.pack("<Q", 1 << 40) + b"x" * 64,
    }
    for name, data in cases.items():
        path.write_bytes(data)
        found_kinds = kinds(one(path))
        assert found_kinds & {"truncated-file", "oversized-header"}, name
    big_string = _gguf_prefix(1) + key + struct.pack("<IQ", 8, 32 << 20) + b"x" * (32 << 20)
    path.write_bytes(big_string)
    assert kinds(one(path)) == {"oversized-header"}
    path.write_bytes(_gguf_prefix(1) + key + struct.pack("<I", 77) + b"x" * 64)
    assert kinds(one(path)) == {"malformed-header"}
    path.write_bytes(b"GGUF" + struct.pack("<IQQ", 1, 0, 0))
    assert kinds(one(path)) == {"malformed-header"}  # version 1 is not supported


def test_gguf_cut_short_in_its_tensor_data(tmp_path: Path) -> None:
    path = tmp_path / "cut.gguf"
    wf.gguf_file(path)
    path.write_bytes(path.read_bytes()[:-10])
    ev = one(path)
    assert kinds(ev) == {"truncated-file"}
    assert ev.attributes["declared"]["name"] == "Tiny Llama Coder"  # the header was whole


# --- ONNX, PyTorch, Keras, HDF5, TFLite, SavedModel, Core ML, NumPy -------------------------


def test_onnx_model_proto_fields(tmp_path: Path) -> None:
    path = tmp_path / "model.onnx"
    wf.onnx_file(path)
    meta = one(path).attributes["file"]["metadata"]
    assert meta["ir_version"] >= 7 and meta["producer_name"] == "pytorch"
    assert meta["producer_version"] == "2.4.0" and meta["domain"] == "ai.example"
    assert meta["model_version"] == 3 and meta["doc_string"] == "a tiny model"
    assert meta["opset_import"] == {"ai.onnx": 17, "com.microsoft": 1}
    assert meta["metadata_props"] == {"author": "Example Org", "license": "mit"}
    assert meta["graph_name"] == "tiny-graph" and meta["parameters"] == 12


def test_onnx_external_data_outside_the_folder_is_a_risk(tmp_path: Path) -> None:
    wf.onnx_file(tmp_path / "escape.onnx", external="../../etc/passwd")
    wf.onnx_file(tmp_path / "inside.onnx", external="inside.weights")
    (tmp_path / "inside.weights").write_bytes(np.zeros(12, dtype=np.float32).tobytes())
    evidence, _ = found(tmp_path)
    assert kinds(evidence["escape.onnx"]) == {"unsafe-external-data"}
    assert "risks" not in evidence["inside.onnx"].attributes
    data = evidence["inside.weights"].attributes["file"]
    assert data["format"] == "onnx-external-data" and data["metadata"]["part_of"] == "inside.onnx"


def test_pytorch_zip_checkpoint_lists_globals_and_flags_payloads(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    from collections import OrderedDict

    wf.torch_zip(tmp_path / "good.pt", OrderedDict(w=np.zeros(2, dtype=np.float32)))
    wf.torch_zip(tmp_path / "evil.bin", {"w": wf.Payload(marker)}, name="pytorch_model")
    evidence, _ = found(tmp_path)
    good = evidence["good.pt"].attributes["file"]
    assert good["format"] == "pytorch" and good["metadata"]["layout"] == "torch.save"
    assert "collections.OrderedDict" in good["metadata"]["pickle_globals"]
    assert good["metadata"]["pickles"] == ["archive/data.pkl"]
    assert "risks" not in evidence["good.pt"].attributes
    evil = evidence["evil.bin"].attributes
    assert evil["file"]["metadata"]["pickle_globals"] == ["posix.system"]
    [risk] = evil["risks"]
    assert risk["kind"] == "unsafe-pickle" and risk["detail"].startswith("pytorch_model/data.pkl")
    assert not marker.exists()


def test_zip_with_a_forged_central_directory_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "forged.pt"
    wf.torch_zip(path, {"a": 1})
    data = bytearray(path.read_bytes())
    at = data.rfind(b"PK\x05\x06")
    data[at + 10 : at + 12] = struct.pack("<H", 0xFFFE)  # total entries
    data[at + 12 : at + 16] = struct.pack("<I", 0xFFFFFFF0)  # directory size
    path.write_bytes(bytes(data))
    ev = one(path)
    assert ev.attributes["file"]["format"] == "pytorch"
    assert kinds(ev) & {"oversized-header", "truncated-file"}


def test_plain_zip_without_model_members_is_not_a_weight_file(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "docs.zip", "w") as zf:
        zf.writestr("readme.txt", "x" * 2000)
    assert found(tmp_path)[0] == {}


def _wheel(path: Path, extra: dict[str, bytes] | None = None) -> None:
    """A wheel's layout, as pyodide ships matplotlib: code, data arrays, a pickle fixture."""
    npy = io.BytesIO()
    np.save(npy, np.arange(1000, dtype=np.float64))
    members = {
        "mpl/__init__.py": b"",
        "mpl/sample_data/goog.npy": npy.getvalue(),
        "mpl/tests/baseline.pkl": pickle.dumps({"a": [1.0] * 300}, protocol=4),
        "mpl/weights.bin": b"\0" * 2048,
        "mpl-3.8.4.dist-info/WHEEL": b"Wheel-Version: 1.0\n",
        "mpl-3.8.4.dist-info/RECORD": b"",
        **(extra or {}),
    }
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def test_a_package_is_no_model_but_its_pickles_are_scanned(tmp_path: Path) -> None:
    _wheel(tmp_path / "mpl-3.8.4-cp312-cp312-pyodide_2024_0_wasm32.whl")
    _wheel(tmp_path / "vendored.zip")  # a wheel under another name: told by its dist-info
    assert found(tmp_path)[0] == {}
    marker = tmp_path / "pwned"
    evil = pickle.dumps(wf.Payload(marker), protocol=2)
    _wheel(tmp_path / "evil-1.0-py3-none-any.whl", {"evil/model.pkl": evil})
    evidence, _ = found(tmp_path)
    [ev] = evidence.values()
    assert ev.role is Role.SDK and ev.attributes["file"]["format"] == "package"
    assert ev.attributes["file"]["metadata"]["package"] == "wheel"
    assert ev.attributes["file"]["metadata"]["pickle_globals"] == ["posix.system"]
    assert kinds(ev) == {"unsafe-pickle"}
    # The whole pipeline: a library component that carries the risk, in a valid BOM.
    inventory = scan(ScanOptions(root=tmp_path)).inventory
    [comp] = inventory.components
    assert comp.role is Role.SDK and {r.kind for r in comp.risks} == {"unsafe-pickle"}
    cyclonedx.write_bom(inventory, fmt="json", spec="1.6")  # validated as it is written
    assert not marker.exists()


def test_a_zip_of_model_files_is_still_a_model(tmp_path: Path) -> None:
    wf.safetensors_file(tmp_path / "model.safetensors")
    with zipfile.ZipFile(tmp_path / "bundle.zip", "w") as zf:
        zf.write(tmp_path / "model.safetensors", "bert/model.safetensors")
    (tmp_path / "model.safetensors").unlink()
    ev = one(tmp_path / "bundle.zip")
    assert ev.role is Role.EMBEDDED_WEIGHTS
    assert ev.attributes["file"]["metadata"]["model_members"] == ["bert/model.safetensors"]


def test_keras_v3_archive_and_lambda_layers(tmp_path: Path) -> None:
    wf.keras_zip(tmp_path / "plain.keras")
    wf.keras_zip(tmp_path / "lambda.keras", with_lambda=True)
    evidence, _ = found(tmp_path)
    meta = evidence["plain.keras"].attributes["file"]["metadata"]
    assert evidence["plain.keras"].attributes["file"]["format"] == "keras"
    assert meta["keras_version"] == "3.6.0" and meta["class_name"] == "Sequential"
    assert kinds(evidence["lambda.keras"]) == {"unsafe-code"}


def test_keras_h5_and_truncated_hdf5(tmp_path: Path) -> None:
    path = tmp_path / "model.h5"
    wf.keras_h5(path)
    ev = one(path)
    assert ev.attributes["file"]["format"] == "keras-h5"
    assert "keras_version" in ev.attributes["file"]["metadata"]["keras_attributes"]
    path.write_bytes(path.read_bytes()[:1500])
    assert kinds(one(path)) == {"truncated-file"}


def test_tflite_model_metadata(tmp_path: Path) -> None:
    path = tmp_path / "model.tflite"
    wf.tflite_file(path)
    ev = one(path)
    meta = ev.attributes["file"]["metadata"]
    assert meta["schema_version"] == 3 and meta["description"] == "made for tests"
    assert meta["model_metadata"] == wf._TFLITE_META
    assert ev.attributes["declared"]["license"] == "Apache-2.0"


def test_savedmodel_with_its_variables(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    (folder / "variables").mkdir(parents=True)
    wf.savedmodel_file(folder / "saved_model.pb")
    (folder / "variables" / "variables.index").write_bytes(b"\0" * 2048)
    (folder / "variables" / "variables.data-00000-of-00001").write_bytes(b"\1" * 4096)
    evidence, _ = found(tmp_path)
    meta = evidence["export/saved_model.pb"].attributes["file"]["metadata"]
    assert meta["tensorflow_version"] == "2.16.1"
    assert meta["meta_graphs"][0]["tags"] == ["serve"]
    assert meta["meta_graphs"][0]["signatures"] == ["serving_default"]
    part = evidence["export/variables/variables.data-00000-of-00001"].attributes["file"]
    assert part["format"] == "tf-variables"
    assert part["sha256"] == hashlib.sha256(b"\1" * 4096).hexdigest()


def test_coreml_description_metadata(tmp_path: Path) -> None:
    path = tmp_path / "model.mlmodel"
    wf.coreml_file(path)
    ev = one(path)
    meta = ev.attributes["file"]["metadata"]
    assert meta["specification_version"] == 7 and meta["model_type"] == "neuralNetwork"
    assert meta["author"] == "Example Org" and meta["license"] == "BSD-3-Clause"
    assert meta["inputs"] == 1 and meta["outputs"] == 1
    assert ev.attributes["declared"]["license"] == "BSD-3-Clause"


def test_numpy_npy_npz_and_object_arrays(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    # Named as weights: an array with no sign of a model is a data file (tests/test_datafiles.py).
    np.save(tmp_path / "model_a.npy", np.zeros((3, 4), dtype=np.float32))
    np.savez(tmp_path / "weights_b.npz", x=np.zeros(5), y=np.ones((2, 2), dtype=np.int8))
    np.save(tmp_path / "obj.npy", np.array([wf.Payload(marker)], dtype=object))
    evidence, _ = found(tmp_path)
    a = evidence["model_a.npy"].attributes["file"]["metadata"]
    assert a["dtype"] == "<f4" and a["shape"] == [3, 4] and a["parameters"] == 12
    b = evidence["weights_b.npz"].attributes["file"]["metadata"]
    assert sorted(b["arrays"]) == ["x.npy", "y.npy"] and b["parameters"] == 9
    obj = evidence["obj.npy"].attributes
    assert "posix.system" in obj["file"]["metadata"]["pickle_globals"]
    assert kinds(evidence["obj.npy"]) == {"unsafe-pickle"}
    assert not marker.exists()


# --- every format: truncations and bit flips -------------------------------------------------


MAKERS: dict[str, Callable[[Path], None]] = {
    "m.safetensors": wf.safetensors_file,
    "m.gguf": wf.gguf_file,
    "m.onnx": wf.onnx_file,
    "m.pt": lambda p: wf.torch_zip(p, {"w": [1, 2, 3]}),
    "m.keras": wf.keras_zip,
    "m.h5": wf.keras_h5,
    "m.tflite": wf.tflite_file,
    "m.mlmodel": wf.coreml_file,
    "saved_model.pb": wf.savedmodel_file,
    "m.npy": lambda p: np.save(p, np.zeros((4, 4))),
    "m.npz": lambda p: np.savez(p, a=np.zeros(4)),
    # A model pickle names its model library (plain values alone would be data).
    "m.pkl": lambda p: p.write_bytes(
        b"\x80\x04csklearn.linear_model._base\nLinearRegression\nq\x00)\x81}(X\x01\x00\x00\x00a"
        + pickle.dumps(list(range(50)), protocol=4)[2:-1]
        + b"ub."
    ),
}


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_truncated_and_corrupt_files_give_findings_never_crashes(tmp_path: Path, name: str) -> None:
    source = tmp_path / "source" / name
    source.parent.mkdir()
    MAKERS[name](source)
    data = source.read_bytes()
    work = tmp_path / "work"
    work.mkdir()
    target = work / name
    rng = random.Random(name)
    cuts = sorted({rng.randrange(1, len(data)) for _ in range(12)} | {len(data) // 2})
    for cut in cuts:
        target.write_bytes(data[:cut])
        evidence, tree = found(work)
        # Cut short: always listed, always with a finding (saved_model.pb has no model-only
        # extension; a stub of it is listed only when it still parses).
        ev = evidence.get(name)
        if name != "saved_model.pb" or ev is not None:
            assert ev is not None and ev.attributes.get("risks"), (name, cut, tree.skipped)
    for _ in range(25):
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 3)):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        target.write_bytes(bytes(flipped))
        found(work)  # any result, but no exception and no hang


def test_unreadable_file_is_a_skip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wf.safetensors_file(tmp_path / "m.safetensors")
    tree = Tree.walk(tmp_path)

    def refuse(path: str, progress: Any = None) -> hashing.FileDigest:
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(hashing, "sha256_file", refuse)
    assert list(weights.discover(tree, DiscoverContext())) == []
    assert [(s.path, s.reason) for s in tree.skipped] == [
        ("m.safetensors", "weight file cannot be read: Permission denied")
    ]


def test_file_removed_after_the_walk_is_a_skip(tmp_path: Path) -> None:
    path = tmp_path / "m.gguf"
    wf.gguf_file(path)
    tree = Tree.walk(tmp_path)
    path.unlink()
    assert list(weights.discover(tree, DiscoverContext())) == []
    assert tree.skipped[0].path == "m.gguf" and "cannot be read" in tree.skipped[0].reason


# --- hashing ---------------------------------------------------------------------------------


def test_sha256_matches_hashlib_at_block_boundaries(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    sizes = [0, 1, hashing.BLOCK - 1, hashing.BLOCK, hashing.BLOCK + 1, 2 * hashing.BLOCK + 7]
    paths = []
    for size in sizes:
        path = tmp_path / f"f{size}.bin"
        path.write_bytes(rng.integers(0, 256, size, dtype=np.uint8).tobytes())
        paths.append(str(path))
    for workers in (1, 2, 4):
        digests = hashing.hash_files(paths, workers=workers)
        for path in paths:
            digest = digests[path]
            assert isinstance(digest, hashing.FileDigest)
            assert digest.sha256 == hashlib.sha256(Path(path).read_bytes()).hexdigest()


class Recorder:
    def __init__(self) -> None:
        self.stages: list[tuple[str, int | None]] = []
        self.advanced = 0
        self.done_count = 0

    def stage(self, name: str, total: int | None = None) -> None:
        self.stages.append((name, total))

    def advance(self, amount: int = 1) -> None:
        self.advanced += amount

    def warn(self, message: str) -> None:
        pass

    def done(self) -> None:
        self.done_count += 1


def test_hashing_reports_progress_in_bytes(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"{i}.bin").write_bytes(bytes(1000 * (i + 1)))
    obs = Recorder()
    hashing.hash_files([str(p) for p in sorted(tmp_path.iterdir())], workers=2, observer=obs)
    assert obs.stages == [("hashing", 6000)] and obs.advanced == 6000 and obs.done_count == 1


def test_hash_cache_by_stat_and_its_switch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "w.bin"
    path.write_bytes(b"a" * 4096)
    cache = hashing.HashCache(tmp_path / "cache" / "hashes.sqlite3")
    calls: list[str] = []
    real = hashing.sha256_file

    def counting(p: str, progress: Any = None) -> hashing.FileDigest:
        calls.append(p)
        return real(p, progress)

    monkeypatch.setattr(hashing, "sha256_file", counting)
    first = hashing.hash_files([str(path)], cache=cache)[str(path)]
    again = hashing.hash_files([str(path)], cache=cache)[str(path)]
    assert first == again and len(calls) == 1
    # Same size, same mtime, new content: ctime moved, so the file is hashed again.
    stat = path.stat()
    path.write_bytes(b"b" * 4096)
    import os

    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    changed = hashing.hash_files([str(path)], cache=cache)[str(path)]
    assert isinstance(changed, hashing.FileDigest)
    assert changed.sha256 == hashlib.sha256(b"b" * 4096).hexdigest() and len(calls) == 2
    cache.close()
    assert hashing.HashCache.default() is None  # AIGATE_NO_CACHE=1 in the tests
    monkeypatch.setenv("AIGATE_NO_CACHE", "0")
    default = hashing.HashCache.default()
    assert default is not None and str(default.path).startswith(str(hashing.cache_dir()))
    default.close()


# --- the whole scan ----------------------------------------------------------------------------


def _every_format(root: Path) -> None:
    for name, make in MAKERS.items():
        target = root / ("export" if name == "saved_model.pb" else "models") / name
        target.parent.mkdir(parents=True, exist_ok=True)
        make(target)


def test_scan_of_every_format_gives_a_valid_deterministic_bom(tmp_path: Path) -> None:
    root = tmp_path / "app"
    _every_format(root)
    first, second = (scan(ScanOptions(root=root)).inventory for _ in range(2))
    text = cyclonedx.write_bom(first, fmt="json", spec="1.6")  # validated as it is written
    assert cyclonedx.write_bom(second, fmt="json", spec="1.6") == text
    assert cyclonedx.write_bom(first, fmt="xml", spec="1.7").startswith("<?xml")
    doc = json.loads(text)
    files = {c["name"]: c for comp in doc["components"] for c in comp.get("components", [])}
    assert set(files) == {f"{'export' if n == 'saved_model.pb' else 'models'}/{n}" for n in MAKERS}
    for comp in files.values():
        assert comp["hashes"][0]["alg"] == "SHA-256"


def test_copies_of_one_weight_file_are_one_component(tmp_path: Path) -> None:
    wf.gguf_file(tmp_path / "a.gguf")
    shutil.copy(tmp_path / "a.gguf", tmp_path / "b.gguf")
    evidence, _ = found(tmp_path)
    inventory = assemble(evidence.values(), Project("p"))
    [comp] = inventory.components
    assert [f.path for f in comp.files] == ["a.gguf", "b.gguf"]
    assert comp.licence is not None and comp.licence.expression == "apache-2.0"


def test_every_source_module_is_registered() -> None:
    import importlib
    import pkgutil

    import gate.discover

    listed = {fn for _, fn in sources.SOURCES}
    for info in pkgutil.iter_modules(gate.discover.__path__):
        module = importlib.import_module(f"gate.discover.{info.name}")
        if hasattr(module, "NAME") and hasattr(module, "discover"):
            assert module.discover in listed, info.name


def test_demo_scan_shows_weight_files_hashes_and_gguf_facts(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from gate.cli import main

    demo = Path(__file__).resolve().parent.parent / "examples" / "demo-app"
    out = tmp_path / "demo.cdx.json"
    result = CliRunner().invoke(main, ["scan", str(demo), "-o", str(out)])
    assert result.exit_code == 0, result.output
    gguf_path = demo / "models" / "local" / "coder-q4.gguf"
    digest = hashlib.sha256(gguf_path.read_bytes()).hexdigest()
    assert f"file:sha256:{digest}" in result.output
    assert "file: models/local/coder-q4.gguf (gguf" in result.output
    assert "quantization Q4_K_M" in result.output
    assert "lineage: deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B" in result.output
    assert "file: models/local/classifier.pt (pytorch" in result.output
    assert "file: models/summarizer/model.safetensors (safetensors" in result.output
    doc = json.loads(out.read_text())
    comp = next(c for c in doc["components"] if c["bom-ref"] == f"file:sha256:{digest}")
    assert comp["licenses"][0]["license"]["id"] == "MIT"  # resolved to its SPDX id


def test_gguf_long_strings_are_kept_as_length_and_digest(tmp_path: Path) -> None:
    path = tmp_path / "long.gguf"
    template = "{% for m in messages %}" * 1000
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_string("tokenizer.chat_template", template)
    writer.add_string("general.description", "d" * 5000)
    writer.add_tensor("w", np.ones(4, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    kv = one(path).attributes["file"]["metadata"]["kv"]
    assert kv["tokenizer.chat_template"] == {
        "type": "string",
        "length": len(template),
        "sha256": hashlib.sha256(template.encode()).hexdigest(),
    }
    assert kv["general.description"]["length"] == 5000


def test_gguf_nested_arrays_are_kept_within_a_bound(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gguf_reader, "KEEP_VALUES", 1000, raising=False)
    path = tmp_path / "nested.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_array("t.nested", [[[i, j] for j in range(64)] for i in range(64)])
    writer.add_string("general.license", "apache-2.0")  # kept: a top-level string
    writer.add_array("general.tags", ["code"])  # read after the bound: summarised
    writer.add_tensor("w", np.ones(4, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    ev = one(path)
    kv = ev.attributes["file"]["metadata"]["kv"]

    def kept(value: Any) -> int:
        return sum(1 + kept(v) for v in value) if isinstance(value, list) else 0

    assert kept(kv["t.nested"]) <= 1000
    assert kv["general.tags"] == {"type": "array", "element": "string", "count": 1}
    assert ev.attributes["declared"]["license"] == "apache-2.0"
    [risk] = ev.attributes["risks"]
    assert risk["kind"] == "oversized-header" and "later values were summarised" in risk["detail"]


def test_control_characters_in_headers_keep_the_xml_bom_valid(tmp_path: Path) -> None:
    path = tmp_path / "ctrl.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("bad\x01name\x00")
    writer.add_string("general.license", "mit\x1b[31m")
    writer.add_tensor("w", np.ones(4, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    inventory = scan(ScanOptions(root=tmp_path)).inventory
    text = cyclonedx.write_bom(inventory, fmt="xml", spec="1.6")  # validated as written
    assert "bad\ufffdname\ufffd" in text


def test_magic_only_files_that_do_not_parse_are_not_models(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    (tmp_path / "blob.dat").write_bytes(b"\x80\x02" + bytes(range(256)) * 8)
    evil = pickle.dumps(wf.Payload(marker), protocol=2)[:-1] + b"\xff" * 2048
    (tmp_path / "cache.dat").write_bytes(evil)
    evidence, _ = found(tmp_path)
    assert set(evidence) == {"cache.dat"}  # broken, but it imports os.system before breaking
    assert kinds(evidence["cache.dat"]) == {"unsafe-pickle", "malformed-header"}
    assert not marker.exists()


def test_a_wrong_crc_does_not_hide_the_pickle_inside_a_checkpoint(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "crc.pt"
    wf.torch_zip(path, {"w": wf.Payload(marker)})
    data = bytearray(path.read_bytes())
    for signature, crc_at in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):
        at = data.find(signature)  # data.pkl is the first member
        data[at + crc_at : at + crc_at + 4] = b"\0\0\0\0"
    path.write_bytes(bytes(data))
    ev = one(path)
    assert ev.attributes["file"]["metadata"]["pickle_globals"] == ["posix.system"]
    assert "unsafe-pickle" in kinds(ev)
    assert not marker.exists()


def test_damaged_compressed_stream_keeps_what_was_read(tmp_path: Path) -> None:
    import gzip

    marker = tmp_path / "pwned"
    raw = pickle.dumps([wf.Payload(marker), "x" * 100_000], protocol=2)
    data = gzip.compress(raw)
    (tmp_path / "m.joblib").write_bytes(data[: len(data) // 2] + b"\xff" * 64)
    ev = one(tmp_path / "m.joblib")
    assert ev.attributes["file"]["metadata"]["pickle_globals"] == ["posix.system"]
    assert "unsafe-pickle" in kinds(ev)
    assert not marker.exists()


# --- bounds: one that is reached is a finding, never a clean result --------------------------


def test_lambda_after_many_config_values_is_still_found(tmp_path: Path) -> None:
    layers: list[Any] = [{} for _ in range(200_001)]
    layers.append({"class_name": "Lambda", "config": {"function": {"code": "4wEAAA=="}}})
    config = {"class_name": "Sequential", "config": {"name": "evade", "layers": layers}}
    with zipfile.ZipFile(tmp_path / "evade.keras", "w") as zf:
        zf.writestr("metadata.json", json.dumps({"keras_version": "3.6.0"}))
        zf.writestr("config.json", json.dumps(config))
        zf.writestr("model.weights.h5", b"\x89HDF\r\n\x1a\n")
    ev = one(tmp_path / "evade.keras")
    assert kinds(ev) == {"unsafe-code"}
    assert "1 Lambda layer(s)" in ev.attributes["risks"][0]["detail"]


def test_npz_arrays_past_the_bound_are_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(archives, "MAX_ARRAYS", 2)
    marker = tmp_path / "pwned"
    arrays = {"a": np.zeros(2), "b": np.zeros(2), "z": np.array([wf.Payload(marker)], dtype=object)}
    np.savez(tmp_path / "m.npz", **arrays)  # type: ignore[arg-type]
    ev = one(tmp_path / "m.npz")
    assert kinds(ev) == {"oversized-header"}
    assert "3 arrays; only the first 2" in ev.attributes["risks"][0]["detail"]
    assert not marker.exists()


def test_gguf_lineage_past_the_bound_is_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gguf_reader, "MAX_BASES", 1)
    ev = one(wf_path(tmp_path / "tiny.gguf", wf.gguf_file))
    assert [b["ref"] for b in ev.attributes["declared"]["base_models"]] == ["example/tiny"]
    details = [r["detail"] for r in ev.attributes["risks"] if r["kind"] == "oversized-header"]
    assert details == ["general.base_model.count is 2; only the first 1 entries were read"]


def test_tflite_metadata_entries_past_the_bound_are_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tflite, "KEEP_ENTRIES", 0)
    ev = one(wf_path(tmp_path / "model.tflite", wf.tflite_file))
    assert kinds(ev) == {"oversized-header"}
    assert "1 metadata entries; only the first 0" in ev.attributes["risks"][0]["detail"]


def test_onnx_licence_past_the_display_bound_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(protomodels, "KEEP_PROPS", 1)
    ev = one(wf_path(tmp_path / "model.onnx", wf.onnx_file))
    meta = ev.attributes["file"]["metadata"]
    assert meta["metadata_props"] == {"author": "Example Org", "license": "mit"}
    assert ev.attributes["declared"]["license"] == "mit"


def test_pickles_past_the_decompression_bound_are_a_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "pwned"
    first = pickle.dumps({"w": list(range(50))}, protocol=4)
    monkeypatch.setattr(pickled, "MAX_DECOMPRESSED", len(first) + 4)
    data = first + pickle.dumps(wf.Payload(marker), protocol=4)
    (tmp_path / "m.joblib").write_bytes(gzip.compress(data))
    ev = one(tmp_path / "m.joblib")
    assert kinds(ev) == {"oversized-header"}
    assert not marker.exists()


def wf_path(path: Path, make: Callable[[Path], None]) -> Path:
    make(path)
    return path


# --- issue 13: weight files that passed with no finding --------------------------------------

_SYSTEM_CALL = b"cos\nsystem\n(S'touch /tmp/aigate-pwned'\ntR."


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        # protocol 1 (no PROTO opcode), starting with an empty dict and a memo put
        ("pytorch_model.bin", b"}q\x00(X\x01\x00\x00\x00aq\x01" + _SYSTEM_CALL[:-1] + b"u."),
        # protocol 0, no PROTO, a call at once
        ("model.bin", _SYSTEM_CALL),
        # `N0`: push None, pop it, then the call
        ("model.pt", b"N0" + _SYSTEM_CALL),
        ("model.pth", b"K\x010" + _SYSTEM_CALL),
        ("weights.ckpt", b"N0" + _SYSTEM_CALL),
    ],
)
def test_pickles_without_a_proto_header_are_recognised(
    tmp_path: Path, name: str, payload: bytes
) -> None:
    (tmp_path / name).write_bytes(payload)
    ev = one(tmp_path / name)
    assert ev.attributes["file"]["format"] == "pickle"
    assert "os.system" in ev.attributes["file"]["metadata"]["pickle_globals"]
    assert any(
        r["kind"] == "unsafe-pickle" and r["severity"] == "high" for r in ev.attributes["risks"]
    )


def test_a_bin_file_of_other_data_is_still_not_a_model(tmp_path: Path) -> None:
    rng = random.Random(13)
    (tmp_path / "firmware.bin").write_bytes(b"K" + bytes(rng.randrange(256) for _ in range(4096)))
    evidence, tree = found(tmp_path)
    assert evidence == {} and tree.skipped == []


def test_a_file_with_no_extension_whose_pickle_scan_stops_is_recorded(tmp_path: Path) -> None:
    # PROTO 2, then an opcode that does not exist: torch.load("checkpoint") still gets it.
    (tmp_path / "checkpoint").write_bytes(b"\x80\x02\xff" + b"\0" * 2048)
    evidence, tree = found(tmp_path)
    assert evidence == {}
    [skip] = tree.skipped
    assert skip.path == "checkpoint" and "starts like a pickle" in skip.reason
    assert skip.reason.startswith("weight file")


def _npy_bytes(descr: object, body: bytes, shape: tuple[int, ...] = (1,)) -> bytes:
    text = repr({"descr": descr, "fortran_order": False, "shape": shape})
    text += " " * (-(len(text) + 11) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode() + body


@pytest.mark.parametrize(
    "descr",
    [
        "|O8",
        "object",
        "O",
        "<O",
        "O4",
        "i4,O",
        "(2,)O",
        [("a", "|O8")],
        [("a", "<f4"), ("b", [("c", "object")])],
        ("O", (2,)),
        {"names": ["a"], "formats": ["O"]},
    ],
)
def test_npy_object_dtype_in_any_spelling_is_scanned(tmp_path: Path, descr: object) -> None:
    (tmp_path / "arr.npy").write_bytes(_npy_bytes(descr, _SYSTEM_CALL))
    ev = one(tmp_path / "arr.npy")
    assert ev.attributes["file"]["metadata"]["pickle_globals"] == ["os.system"]
    assert any(
        r["kind"] == "unsafe-pickle" and r["severity"] == "high" for r in ev.attributes["risks"]
    )


def test_npy_plain_dtypes_are_not_read_as_pickles(tmp_path: Path) -> None:
    for i, descr in enumerate(["<f4", "float32", "|b1", "<M8[ns]", [("a", "<i8"), ("b", "|S3")]]):
        # Named as weights: a plain array with no model word is a data file (not a component).
        (tmp_path / f"model_weights{i}.npy").write_bytes(_npy_bytes(descr, b"\0" * 16, (0,)))
    evidence, _ = found(tmp_path)
    assert len(evidence) == 5 and all("risks" not in e.attributes for e in evidence.values())


def test_npy_dtype_not_understood_is_a_risk_and_still_scanned(tmp_path: Path) -> None:
    (tmp_path / "odd.npy").write_bytes(_npy_bytes("Q2xyz", _SYSTEM_CALL))
    ev = one(tmp_path / "odd.npy")
    assert kinds(ev) == {"malformed-header", "unsafe-pickle"}


@pytest.mark.parametrize("archive", ["weights.npz", "weights.zip"])
def test_npz_member_without_the_npy_suffix_is_read(tmp_path: Path, archive: str) -> None:
    with zipfile.ZipFile(tmp_path / archive, "w") as zf:
        zf.writestr("arr_0", _npy_bytes("<f4", b"\0" * 4))
        zf.writestr("arr_1", _npy_bytes("|O8", _SYSTEM_CALL))
    ev = one(tmp_path / archive)
    assert ev.attributes["file"]["metadata"]["pickle_globals"] == ["os.system"]
    assert "unsafe-pickle" in kinds(ev)


# --- zip archives two readers would read differently ------------------------------------------

_EVIL_P2 = b"\x80\x02cposix\nsystem\nq\x00X\x04\x00\x00\x00trueq\x01\x85q\x02Rq\x03."
_BENIGN_P2 = b"\x80\x02}q\x00X\x01\x00\x00\x00wq\x01K\x01s."


def _zip_bytes(members: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in members:
            zf.writestr(name, data)
    return buf.getvalue()


def _checkpoint(pickle_bytes: bytes = _BENIGN_P2) -> bytes:
    return _zip_bytes([("archive/data.pkl", pickle_bytes), ("archive/version", b"3\n")])


def _ambiguity(tmp_path: Path, data: bytes) -> str:
    (tmp_path / "model.pt").write_bytes(data)
    ev = one(tmp_path / "model.pt")
    [risk] = [r for r in ev.attributes["risks"] if r["kind"] == "ambiguous-archive"]
    assert risk["severity"] == "high"
    return str(risk["detail"])


def test_zip_with_data_before_it_is_refused(tmp_path: Path) -> None:
    # zipfile shifts every offset by the prepended bytes; miniz reads them as written.
    data = b"PK\x03\x04" + b"\0" * 60 + _checkpoint()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:  # Python's reading accepts it
        assert "archive/data.pkl" in zf.namelist()
    assert "central directory ends at byte" in _ambiguity(tmp_path, data)


def _with_zip64(data: bytes, *, record_at: int | None = None) -> bytes:
    eocd = data.rfind(b"PK\x05\x06")
    entries, size, offset = struct.unpack_from("<HII", data, eocd + 10)
    record = b"PK\x06\x06" + struct.pack("<QHHII", 44, 45, 45, 0, 0)
    record += struct.pack("<QQQQ", entries, entries, size, offset)
    where = eocd if record_at is None else record_at
    locator = b"PK\x06\x07" + struct.pack("<IQI", 0, where, 1)
    return data[:eocd] + record + locator + data[eocd:]


def test_zip64_locator_pointing_elsewhere_is_refused(tmp_path: Path) -> None:
    good = _with_zip64(_checkpoint())
    (tmp_path / "model.pt").write_bytes(good)
    assert "risks" not in one(tmp_path / "model.pt").attributes  # a well-formed zip64 passes
    # zipfile reads the record just before the locator; miniz the one the locator names.
    detail = _ambiguity(tmp_path, _with_zip64(_checkpoint(), record_at=0))
    assert "zip64 locator points at byte 0" in detail


def test_pickles_after_64_other_pickle_members_are_scanned(tmp_path: Path) -> None:
    members = [(f"archive/a{i:03}.pkl", _BENIGN_P2) for i in range(70)]
    members.append(("archive/data.pkl", _EVIL_P2))
    (tmp_path / "model.pt").write_bytes(_zip_bytes(members))
    ev = one(tmp_path / "model.pt")
    assert kinds(ev) == {"unsafe-pickle"}
    assert any(
        "archive/data.pkl: imports posix.system" in r["detail"] for r in ev.attributes["risks"]
    )


def test_a_pickle_member_named_in_another_case_is_scanned(tmp_path: Path) -> None:
    # miniz (torch.load) finds archive/data.pkl whatever the case it is stored in.
    (tmp_path / "model.pt").write_bytes(_zip_bytes([("archive/DATA.PKL", _EVIL_P2)]))
    ev = one(tmp_path / "model.pt")
    assert ev.attributes["file"]["format"] == "pytorch" and "unsafe-pickle" in kinds(ev)


def test_local_header_name_differing_from_the_directory_is_refused(tmp_path: Path) -> None:
    data = bytearray(_checkpoint(_EVIL_P2))
    assert data[30:46] == b"archive/data.pkl"
    data[30:46] = b"archive/data.pkz"  # the local header only
    assert "in its local header" in _ambiguity(tmp_path, bytes(data))


def test_a_fake_end_record_in_the_last_bytes_is_refused(tmp_path: Path) -> None:
    data = _checkpoint() + b"PK\x05\x06" + b"\0" * 10
    assert "too short to be one" in _ambiguity(tmp_path, data)
    data = _checkpoint() + b"trailing bytes the comment does not cover"
    assert "follow the end record" in _ambiguity(tmp_path, data)


@pytest.mark.parametrize("second", ["archive/data.pkl", "archive/Data.pkl"])
def test_duplicate_member_names_are_refused(tmp_path: Path, second: str) -> None:
    members = [("archive/data.pkl", _BENIGN_P2), (second, _EVIL_P2)]
    with pytest.warns(UserWarning) if second == "archive/data.pkl" else nullcontext():
        data = _zip_bytes(members)
    assert "two members named" in _ambiguity(tmp_path, data)


def test_release_and_cfius_strict_deny_an_ambiguous_archive(tmp_path: Path) -> None:
    (tmp_path / "model.pt").write_bytes(b"PK\x03\x04" + b"\0" * 60 + _checkpoint(_EVIL_P2))
    for pack in ("release", "cfius-strict"):
        result = CliRunner().invoke(
            main,
            ["check", str(tmp_path), "--policy", pack, "--format", "json", "--now", "2026-11-26"],
        )
        assert result.exit_code == 1, result.output
        decision = json.loads(result.stdout)
        denied = [f for f in decision["findings"] if f["rule"] == "integrity.uninspectable"]
        assert (
            denied and denied[0]["level"] == "deny" and "ambiguous-archive" in denied[0]["message"]
        )


# --- legacy Keras HDF5: the model_config attribute ---------------------------------------------

_LAMBDA_CONFIG = json.dumps(
    {
        "class_name": "Sequential",
        "config": {
            "name": "tiny",
            "layers": [
                {"class_name": "Dense", "config": {"units": 4}},
                {"class_name": "Lambda", "config": {"function": ["4wEAAA==", None, None]}},
            ],
        },
    }
)


@pytest.mark.parametrize(
    ("value", "libver"),
    [
        (_LAMBDA_CONFIG, "earliest"),  # a variable-length string, in the global heap
        (_LAMBDA_CONFIG.encode(), "earliest"),  # bytes, as Keras 2 writes it
        (np.bytes_(_LAMBDA_CONFIG.encode()), "earliest"),  # a fixed-length string
        (_LAMBDA_CONFIG, "latest"),  # newer object headers and attribute messages
    ],
)
def test_lambda_layer_in_a_keras_h5_model_config_is_denied(
    tmp_path: Path, value: object, libver: str
) -> None:
    import h5py

    path = tmp_path / "model.h5"
    with h5py.File(path, "w", libver=libver) as f:
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = value
        f.create_dataset("model_weights/dense/kernel", data=np.zeros((4, 4), dtype=np.float32))
    ev = one(path)
    assert ev.attributes["file"]["format"] == "keras-h5"
    [risk] = ev.attributes["risks"]
    assert risk["kind"] == "unsafe-code" and "Lambda" in risk["detail"]


def test_keras_h5_without_lambda_and_an_unreadable_config(tmp_path: Path) -> None:
    wf.keras_h5(tmp_path / "plain.h5")
    assert "risks" not in one(tmp_path / "plain.h5").attributes
    # The config's heap reference broken: what Keras would build from it was not judged.
    data = bytearray((tmp_path / "plain.h5").read_bytes())
    gcol = data.find(b"GCOL")
    data[gcol : gcol + 4] = b"XXXX"
    (tmp_path / "broken.h5").write_bytes(bytes(data))
    assert kinds(one(tmp_path / "broken.h5")) == {"malformed-header"}


def test_a_bin_file_that_only_starts_like_a_pickle_is_not_a_model(tmp_path: Path) -> None:
    # ONNX external data (raw floats) whose first bytes happen to be opcodes: STOP at once,
    # or NONE then STOP then more data, is no pickle a loader would be handed.
    (tmp_path / "a.bin").write_bytes(b"." + bytes(range(256)) * 4)
    (tmp_path / "b.bin").write_bytes(b"N." + b"\x00\x00\x80\x3f" * 256)
    evidence, tree = found(tmp_path)
    assert evidence == {} and tree.skipped == []


@pytest.mark.parametrize("chunk", [5, 13, 64, 1000])
def test_keras_h5_model_config_is_found_across_search_chunks(
    tmp_path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import h5py

    from gate.discover.headers import simple

    monkeypatch.setattr(simple, "_SEARCH_CHUNK", chunk)
    path = tmp_path / "model.h5"
    with h5py.File(path, "w") as f:
        f.attrs["model_config"] = _LAMBDA_CONFIG
    assert kinds(one(path)) == {"unsafe-code"}


def test_members_differing_only_in_case_are_fine_outside_pickles(tmp_path: Path) -> None:
    # A jar or wheel may hold LICENSE and license: no loader reads those by name.
    members = [("archive/data.pkl", _BENIGN_P2), ("LICENSE", b"a"), ("license", b"b")]
    (tmp_path / "model.pt").write_bytes(_zip_bytes(members))
    assert "risks" not in one(tmp_path / "model.pt").attributes
