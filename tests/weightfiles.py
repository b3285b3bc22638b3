"""Real weight files of every format, made with the formats' own libraries, for the tests."""

from __future__ import annotations

import importlib
import io
import json
import os
import pickle
import zipfile
from pathlib import Path
from typing import Any

import flatbuffers
import gguf
import h5py
import numpy as np
import onnx
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from onnx import TensorProto, external_data_helper, helper
from safetensors.numpy import save_file

# The tflite package re-exports classes under the modules' names; the builder functions
# live in the modules themselves.
Buffer = importlib.import_module("tflite.Buffer")
Metadata = importlib.import_module("tflite.Metadata")
Model = importlib.import_module("tflite.Model")


class Payload:
    """Pickles into ``os.system("touch <marker>")``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def safetensors_file(path: Path, metadata: dict[str, str] | None = None) -> None:
    tensors = {
        "embed.weight": np.zeros((16, 8), dtype=np.float16),
        "head.bias": np.zeros((16,), dtype=np.float32),
    }
    save_file(tensors, str(path), metadata=metadata)


def gguf_file(path: Path, *, vocab: int = 300, big_endian: bool = False) -> None:
    endian = gguf.GGUFEndian.BIG if big_endian else gguf.GGUFEndian.LITTLE
    writer = gguf.GGUFWriter(str(path), "llama", endianess=endian)
    writer.add_name("Tiny Llama Coder")
    writer.add_string("general.organization", "Example Org")
    writer.add_string("general.license", "apache-2.0")
    writer.add_uint32("general.base_model.count", 2)
    writer.add_string("general.base_model.0.name", "Tiny Llama Coder")
    writer.add_string("general.base_model.0.organization", "Example Org")
    writer.add_string("general.base_model.0.repo_url", "https://huggingface.co/example/tiny")
    writer.add_string("general.base_model.1.name", "Root Model")
    writer.add_uint32("general.dataset.count", 1)
    writer.add_string("general.dataset.0.name", "Code Corpus")
    writer.add_string("general.dataset.0.repo_url", "https://huggingface.co/datasets/ex/code")
    writer.add_uint32("general.file_type", 7)  # MOSTLY_Q8_0
    writer.add_uint8("t.u8", 200)
    writer.add_int8("t.i8", -5)
    writer.add_uint16("t.u16", 60000)
    writer.add_int16("t.i16", -300)
    writer.add_int32("t.i32", -70000)
    writer.add_float32("t.f32", 0.5)
    writer.add_bool("t.bool", True)
    writer.add_uint64("t.u64", 1 << 40)
    writer.add_int64("t.i64", -(1 << 40))
    writer.add_float64("t.f64", 0.25)
    writer.add_array("t.ints", [1, 2, 3])
    writer.add_array("t.nested", [[1, 2], [3]])
    writer.add_string("tokenizer.chat_template", "{% for m in messages %}{{ m }}{% endfor %}")
    writer.add_array("tokenizer.ggml.tokens", [f"tok{i}" for i in range(vocab)])
    writer.add_array("tokenizer.ggml.scores", [float(i) for i in range(vocab)])
    writer.add_tensor("token_embd.weight", np.ones((4, 32), dtype=np.float32))
    writer.add_tensor("output.weight", np.ones((2, 32), dtype=np.float16))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def onnx_file(path: Path, *, external: str | None = None) -> None:
    zeros = np.zeros(12, dtype=np.float32)
    weight = helper.make_tensor("W", TensorProto.FLOAT, [3, 4], zeros.tobytes(), raw=True)
    if external is not None:
        external_data_helper.set_external_data(weight, location=external)
        weight.ClearField("raw_data")
        weight.data_location = TensorProto.EXTERNAL
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["X", "W"], ["Y"])],
        "tiny-graph",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 3])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, 4])],
        [weight],
    )
    model = helper.make_model(
        graph,
        producer_name="pytorch",
        producer_version="2.4.0",
        doc_string="a tiny model",
        opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)],
    )
    model.domain = "ai.example"
    model.model_version = 3
    helper.set_model_props(model, {"author": "Example Org", "license": "mit"})
    path.write_bytes(model.SerializeToString())
    if external is None:
        onnx.checker.check_model(onnx.load_from_string(path.read_bytes()), full_check=False)


def torch_zip(path: Path, state: Any, name: str = "archive") -> None:
    """The zip layout torch.save writes: <name>/data.pkl, <name>/version, <name>/data/0."""
    buf = io.BytesIO()
    pickle.dump(state, buf, protocol=2)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{name}/data.pkl", buf.getvalue())
        zf.writestr(f"{name}/byteorder", "little")
        zf.writestr(f"{name}/version", "3\n")
        zf.writestr(f"{name}/data/0", np.zeros(16, dtype=np.float32).tobytes())


def keras_zip(path: Path, *, with_lambda: bool = False) -> None:
    layers: list[dict[str, Any]] = [{"class_name": "Dense", "config": {"units": 4}}]
    if with_lambda:
        layers.append({"class_name": "Lambda", "config": {"function": {"code": "4wEAAA=="}}})
    config = {"class_name": "Sequential", "config": {"name": "tiny", "layers": layers}}
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("metadata.json", json.dumps({"keras_version": "3.6.0", "date_saved": "x"}))
        zf.writestr("config.json", json.dumps(config))
        zf.writestr("model.weights.h5", b"\x89HDF\r\n\x1a\n")


def keras_h5(path: Path) -> None:
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = "2.15.0"
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps({"class_name": "Sequential"})
        f.create_dataset("model_weights/dense/kernel", data=np.zeros((4, 4), dtype=np.float32))


def tflite_file(path: Path) -> None:
    """A TFLite model with a TFLITE_METADATA buffer holding a ModelMetadata table."""
    meta = flatbuffers.Builder(256)
    strings = {k: meta.CreateString(v) for k, v in _TFLITE_META.items()}
    meta.StartObject(8)
    for slot, key in ((0, "name"), (2, "version"), (4, "author"), (5, "license")):
        meta.PrependUOffsetTRelativeSlot(slot, strings[key], 0)
    meta.Finish(meta.EndObject(), file_identifier=b"M001")
    meta_bytes = bytes(meta.Output())

    b = flatbuffers.Builder(1024)
    data = b.CreateByteVector(meta_bytes)
    Buffer.BufferStart(b)
    empty = Buffer.BufferEnd(b)
    Buffer.BufferStart(b)
    Buffer.BufferAddData(b, data)
    filled = Buffer.BufferEnd(b)
    name = b.CreateString("TFLITE_METADATA")
    Metadata.MetadataStart(b)
    Metadata.MetadataAddName(b, name)
    Metadata.MetadataAddBuffer(b, 1)
    entry = Metadata.MetadataEnd(b)
    Model.ModelStartMetadataVector(b, 1)
    b.PrependUOffsetTRelative(entry)
    metadata_vec = b.EndVector()
    Model.ModelStartBuffersVector(b, 2)
    b.PrependUOffsetTRelative(filled)
    b.PrependUOffsetTRelative(empty)
    buffers = b.EndVector()
    description = b.CreateString("made for tests")
    Model.ModelStart(b)
    Model.ModelAddVersion(b, 3)
    Model.ModelAddDescription(b, description)
    Model.ModelAddBuffers(b, buffers)
    Model.ModelAddMetadata(b, metadata_vec)
    b.Finish(Model.ModelEnd(b), file_identifier=b"TFL3")
    path.write_bytes(bytes(b.Output()))


_TFLITE_META = {
    "name": "Tiny classifier",
    "version": "v2",
    "author": "Example Org",
    "license": "Apache-2.0",
}


def _message_classes(proto: descriptor_pb2.FileDescriptorProto) -> dict[str, Any]:
    pool = descriptor_pool.DescriptorPool()
    fd = pool.Add(proto)
    return {
        m: message_factory.GetMessageClass(fd.message_types_by_name[m])
        for m in fd.message_types_by_name
    }


def _field(
    msg: Any, name: str, number: int, ftype: int, type_name: str = "", repeated: bool = False
) -> None:
    f = msg.field.add()
    f.name, f.number, f.type = name, number, ftype
    f.label = f.LABEL_REPEATED if repeated else f.LABEL_OPTIONAL
    if type_name:
        f.type_name = type_name


def savedmodel_file(path: Path) -> None:
    """saved_model.pb with the field numbers of tensorflow's saved_model/meta_graph protos."""
    ft = descriptor_pb2.FieldDescriptorProto
    fdp = descriptor_pb2.FileDescriptorProto(name="sm.proto", package="t", syntax="proto3")
    info = fdp.message_type.add(name="MetaInfoDef")
    _field(info, "meta_graph_version", 1, ft.TYPE_STRING)
    _field(info, "tags", 4, ft.TYPE_STRING, repeated=True)
    _field(info, "tensorflow_version", 5, ft.TYPE_STRING)
    _field(info, "tensorflow_git_version", 6, ft.TYPE_STRING)
    entry = fdp.message_type.add(name="SigEntry")
    _field(entry, "key", 1, ft.TYPE_STRING)
    _field(entry, "value", 2, ft.TYPE_BYTES)
    graph = fdp.message_type.add(name="MetaGraphDef")
    _field(graph, "meta_info_def", 1, ft.TYPE_MESSAGE, ".t.MetaInfoDef")
    _field(graph, "graph_def", 2, ft.TYPE_BYTES)
    _field(graph, "signature_def", 5, ft.TYPE_MESSAGE, ".t.SigEntry", repeated=True)
    saved = fdp.message_type.add(name="SavedModel")
    _field(saved, "saved_model_schema_version", 1, ft.TYPE_INT64)
    _field(saved, "meta_graphs", 2, ft.TYPE_MESSAGE, ".t.MetaGraphDef", repeated=True)
    classes = _message_classes(fdp)
    msg = classes["SavedModel"](saved_model_schema_version=1)
    mg = msg.meta_graphs.add()
    mg.meta_info_def.tags.append("serve")
    mg.meta_info_def.tensorflow_version = "2.16.1"
    mg.graph_def = b"\x00" * 64
    mg.signature_def.add(key="serving_default", value=b"\x0a\x00")
    path.write_bytes(msg.SerializeToString())


def coreml_file(path: Path) -> None:
    """A .mlmodel with the field numbers of coremltools' Model.proto."""
    ft = descriptor_pb2.FieldDescriptorProto
    fdp = descriptor_pb2.FileDescriptorProto(name="ml.proto", package="c", syntax="proto3")
    user = fdp.message_type.add(name="UserEntry")
    _field(user, "key", 1, ft.TYPE_STRING)
    _field(user, "value", 2, ft.TYPE_STRING)
    meta = fdp.message_type.add(name="Metadata")
    for name, number in (
        ("shortDescription", 1),
        ("versionString", 2),
        ("author", 3),
        ("license", 4),
    ):
        _field(meta, name, number, ft.TYPE_STRING)
    _field(meta, "userDefined", 100, ft.TYPE_MESSAGE, ".c.UserEntry", repeated=True)
    desc = fdp.message_type.add(name="ModelDescription")
    _field(desc, "input", 1, ft.TYPE_BYTES, repeated=True)
    _field(desc, "output", 10, ft.TYPE_BYTES, repeated=True)
    _field(desc, "metadata", 100, ft.TYPE_MESSAGE, ".c.Metadata")
    model = fdp.message_type.add(name="Model")
    _field(model, "specificationVersion", 1, ft.TYPE_INT32)
    _field(model, "description", 2, ft.TYPE_MESSAGE, ".c.ModelDescription")
    _field(model, "neuralNetwork", 500, ft.TYPE_BYTES)
    classes = _message_classes(fdp)
    msg = classes["Model"](specificationVersion=7)
    msg.description.input.append(b"\x0a\x01x")
    msg.description.output.append(b"\x0a\x01y")
    msg.description.metadata.author = "Example Org"
    msg.description.metadata.license = "BSD-3-Clause"
    msg.description.metadata.userDefined.add(
        key="com.github.apple.coremltools.version", value="8.0"
    )
    msg.neuralNetwork = b"\x0a\x00"
    path.write_bytes(msg.SerializeToString())
