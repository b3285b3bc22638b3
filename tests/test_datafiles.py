"""Data is not a model; Git LFS pointers stand in for weights not in the checkout."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import numpy as np

from gate.discover import weights
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.model import Evidence, Role
from gate.pipeline import ScanOptions, scan
from tests.weightfiles import safetensors_file

OID = hashlib.sha256(b"the real adapter weights").hexdigest()
POINTER = f"version https://git-lfs.github.com/spec/v1\noid sha256:{OID}\nsize 67126040\n"


class _Evil:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        import os

        return (os.system, ("echo pwned",))


def _found(root: Path, ctx: DiscoverContext | None = None) -> tuple[dict[str, Evidence], Tree]:
    tree = Tree.walk(root)
    found = list(weights.discover(tree, ctx or DiscoverContext()))
    return {ev.location.path: ev for ev in found}, tree


def test_vector_store_files_are_data_not_weights(tmp_path: Path) -> None:
    (tmp_path / "rag_index").mkdir()
    np.save(tmp_path / "rag_index" / "embeddings.npy", np.zeros((8, 4), dtype=np.float32))
    (tmp_path / "faiss_metadata.pkl").write_bytes(pickle.dumps([{"text": "chunk", "id": 1}]))
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "index.faiss").write_bytes(b"IxFI" + b"\0" * 60)
    (tmp_path / "store" / "index.pkl").write_bytes(pickle.dumps(({"a": "doc"}, {0: "a"})))
    (tmp_path / "cache.pkl").write_bytes(pickle.dumps(_Evil()))
    (tmp_path / "models").mkdir()
    np.save(tmp_path / "models" / "w.npy", np.ones((2, 2), dtype=np.float32))
    safetensors_file(tmp_path / "embeddings.safetensors")
    ctx = DiscoverContext()
    by_path, _ = _found(tmp_path, ctx)
    roles = {path: ev.role for path, ev in by_path.items()}
    assert roles == {
        # A malicious pickle is a risk whatever it is called: a data component with its risk.
        "cache.pkl": Role.DATASET,
        "models/w.npy": Role.EMBEDDED_WEIGHTS,
        # A model format's header is evidence enough, whatever the name.
        "embeddings.safetensors": Role.EMBEDDED_WEIGHTS,
    }
    evil = by_path["cache.pkl"]
    assert evil.identity.startswith("file:sha256:")
    assert [(r["kind"], r["severity"]) for r in evil.attributes["risks"]] == [
        ("unsafe-pickle", "high")
    ]
    # Data files with no risk are hashed and listed as a scan fact, not as components.
    data = {d["path"]: d["why"] for d in ctx.facts.properties["data_files"]}
    assert data == {
        "faiss_metadata.pkl": "a vector store or index file (its path names 'faiss')",
        "rag_index/embeddings.npy": "a vector store or index file (its path names 'index')",
        "store/index.pkl": "beside the vector index store/index.faiss",
    }
    assert all(len(str(d["sha256"])) == 64 for d in ctx.facts.properties["data_files"])
    assert ctx.facts.notes == [
        "3 data file(s) (arrays, pickles, vector-index files) hashed and scanned: not models,"
        " no risk found (inventory property data_files)"
    ]


def test_a_pickle_of_a_model_library_is_a_model(tmp_path: Path) -> None:
    # A fitted scikit-learn estimator as pickle writes it (GLOBAL, NEWOBJ, BUILD): never loaded.
    data = b"\x80\x02csklearn.linear_model._logistic\nLogisticRegression\nq\x00)\x81}b."
    (tmp_path / "saved.pkl").write_bytes(data)
    by_path, _ = _found(tmp_path)
    assert by_path["saved.pkl"].role is Role.EMBEDDED_WEIGHTS
    assert "data_file" not in by_path["saved.pkl"].attributes


def test_lfs_pointer_is_a_weight_component_marked_not_in_checkout(tmp_path: Path) -> None:
    adapter = tmp_path / "adapter"
    adapter.mkdir()
    (adapter / "adapter_model.safetensors").write_text(POINTER)
    (adapter / "broken.gguf").write_text("version https://git-lfs.github.com/spec/v1\nsize x\n")
    by_path, tree = _found(tmp_path)
    ev = by_path["adapter/adapter_model.safetensors"]
    assert ev.identity == f"file:sha256:{OID}"
    assert ev.role is Role.EMBEDDED_WEIGHTS
    assert ev.attributes["file"]["size"] == 67126040
    assert ev.attributes["file"]["format"] == "git-lfs-pointer"
    assert ev.attributes["not_in_checkout"] == "git-lfs-pointer"
    assert [(s.path, s.reason) for s in tree.skipped] == [
        (
            "adapter/broken.gguf",
            "a damaged Git LFS pointer (no 'oid sha256:<64 hex digits>' line): "
            "the weights are unknown",
        )
    ]

    inventory = scan(ScanOptions(root=tmp_path)).inventory
    comp = next(c for c in inventory.components if c.id == f"file:sha256:{OID}")
    assert comp.properties["not_in_checkout"] == [
        "adapter/adapter_model.safetensors (git-lfs-pointer)"
    ]
    assert [h.value for h in comp.hashes] == [OID]
    assert [(f.size, f.format) for f in comp.files] == [(67126040, "git-lfs-pointer")]


def test_an_office_document_is_data_not_weights(tmp_path: Path) -> None:
    # An .xlsx is a zip of XML parts; Excel writes printer settings as a .bin part.
    import zipfile

    with zipfile.ZipFile(tmp_path / "exercises.xlsx", "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/printerSettings/printerSettings1.bin", bytes(range(256)) * 8)
    with zipfile.ZipFile(tmp_path / "model.zip", "w") as zf:
        zf.writestr("weights/pytorch_model.bin", b"\0" * 64)
    ctx = DiscoverContext()
    by_path, _ = _found(tmp_path, ctx)
    assert set(by_path) == {"model.zip"}
    data = {d["path"]: d["why"] for d in ctx.facts.properties["data_files"]}
    assert data == {
        "exercises.xlsx": "an Office document (its .bin parts are printer settings, objects"
        " or macros)"
    }


def _torch_save(path: Path, tensors: dict[str, int], extra_globals: bytes = b"") -> None:
    """A torch.save zip as PyTorch lays it out (``<name>/data.pkl``, one ``data/<n>``
    member per storage), with a state-dict pickle that only names its imports."""
    import zipfile

    path.parent.mkdir(parents=True, exist_ok=True)
    name = path.stem
    body = b"\x80\x02ccollections\nOrderedDict\nq\x00)Rq\x01"
    for key in tensors:
        body += b"X" + len(key).to_bytes(4, "little") + key.encode()
        body += b"ctorch._utils\n_rebuild_tensor_v2\nq\x02(ctorch\nHalfStorage\nq\x03tRs"
    body += extra_globals + b"."
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{name}/data.pkl", body)
        zf.writestr(f"{name}/version", "3\n")
        zf.writestr(f"{name}/byteorder", "little")
        for i, count in enumerate(tensors.values()):
            zf.writestr(f"{name}/data/{i}", b"\0" * count)


def test_a_few_small_bare_tensors_are_data_not_a_model(tmp_path: Path) -> None:
    # A speaker-statistics vector saved with torch.save: one small tensor, no layer class.
    (tmp_path / "asset").mkdir()
    _torch_save(tmp_path / "asset" / "spk_stat.pt", {"spk_stat": 4096})
    # The same layout under a name that says model, or with many tensors, is a model's state.
    (tmp_path / "models").mkdir()
    _torch_save(tmp_path / "models" / "head.pt", {"w": 64})
    _torch_save(tmp_path / "adapter_state.pt", {f"layer.{i}.weight": 64 for i in range(12)})
    # A pickled layer class (a whole nn.Module) is a model whatever its size.
    _torch_save(tmp_path / "tiny.pt", {"w": 64}, b"ctorch.nn.modules.linear\nLinear\n0")
    # One lone tensor is data at any size; bare tensors under an index name too.
    _torch_save(tmp_path / "doc_vectors_cache.pt", {"m": 2 << 20})
    _torch_save(tmp_path / "rag" / "embeddings.pt", {f"t{i}": 64 for i in range(9)})
    ctx = DiscoverContext()
    by_path, _ = _found(tmp_path, ctx)
    assert {p: ev.role for p, ev in by_path.items()} == {
        "models/head.pt": Role.EMBEDDED_WEIGHTS,
        "adapter_state.pt": Role.EMBEDDED_WEIGHTS,
        "tiny.pt": Role.EMBEDDED_WEIGHTS,
    }
    data = {d["path"]: d["why"] for d in ctx.facts.properties["data_files"]}
    assert sorted(data) == ["asset/spk_stat.pt", "doc_vectors_cache.pt", "rag/embeddings.pt"]
    assert data["asset/spk_stat.pt"].startswith("a torch.save of one bare tensor")
    assert data["rag/embeddings.pt"].startswith("bare tensors of a vector store or index")


def test_a_pickle_of_plain_values_is_data_whatever_its_name(tmp_path: Path) -> None:
    # A dev server's saved state called "checkpoint": dicts, bytes and dates, no array.
    state = {"runs": [{"id": "r1", "at": __import__("datetime").datetime(2026, 1, 1)}]}
    (tmp_path / ".server_state").mkdir()
    (tmp_path / ".server_state" / "run_checkpoint.1.pckl").write_bytes(
        pickle.dumps(state, protocol=2) + b"\0" * 2048
    )
    (tmp_path / "checkpoint.pkl").write_bytes(pickle.dumps({"step": 3, "blob": b"\x01" * 900}))
    # Arrays under a model name stay a model (the name is the only evidence there).
    (tmp_path / "model_weights.pkl").write_bytes(pickle.dumps(np.ones((3, 3))))
    ctx = DiscoverContext()
    by_path, _ = _found(tmp_path, ctx)
    assert {p: ev.role for p, ev in by_path.items()} == {"model_weights.pkl": Role.EMBEDDED_WEIGHTS}
    data = {d["path"]: d["why"] for d in ctx.facts.properties["data_files"]}
    assert data["checkpoint.pkl"].startswith("a pickle of plain Python values")


def test_a_hostile_torch_save_is_still_judged(tmp_path: Path) -> None:
    # Small and tensor-shaped, but importing os.system: a risk, so still a component.
    _torch_save(tmp_path / "stat.pt", {"x": 16}, b"cos\nsystem\n0")
    # A zip that claims to be a torch.save but is cut short: a recorded problem, no crash.
    good = tmp_path / "cut.pt"
    _torch_save(good, {"x": 16})
    good.write_bytes(good.read_bytes()[:60])
    by_path, tree = _found(tmp_path)
    assert by_path["stat.pt"].attributes.get("risks")
    assert "cut.pt" in by_path or any(s.path == "cut.pt" for s in tree.skipped)


def test_vector_store_pickles_of_known_data_classes_are_quiet_data_files(tmp_path: Path) -> None:
    # As LangChain's FAISS.save_local and Chroma's local HNSW segment write them (GLOBAL,
    # NEWOBJ, BUILD), never loaded: data classes that only store what they are given.
    docstore = (
        b"\x80\x04(clangchain_community.docstore.in_memory\nInMemoryDocstore\n)\x81}b"
        b"clangchain_core.documents.base\nDocument\n)\x81}b}t."
    )
    chroma = (
        b"\x80\x04cchromadb.segment.impl.vector.local_persistent_hnsw\nPersistentData\n)\x81}b."
    )
    (tmp_path / "faiss_index").mkdir()
    (tmp_path / "faiss_index" / "index.faiss").write_bytes(b"IxFI" + b"\0" * 60)
    (tmp_path / "faiss_index" / "index.pkl").write_bytes(docstore)
    (tmp_path / "chroma_db" / "0c2f").mkdir(parents=True)
    (tmp_path / "chroma_db" / "0c2f" / "index_metadata.pickle").write_bytes(chroma)
    ctx = DiscoverContext()
    by_path, _ = _found(tmp_path, ctx)
    assert by_path == {}
    data = {d["path"] for d in ctx.facts.properties["data_files"]}
    assert data == {"faiss_index/index.pkl", "chroma_db/0c2f/index_metadata.pickle"}
