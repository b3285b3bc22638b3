"""Regenerate the small weight files of the demo app (they are committed; run to refresh).

Usage: .venv/bin/python examples/make_weights.py
Needs the test extras (numpy, safetensors, gguf). The files are tiny but real: real headers,
real tensors, real metadata, so that `aigate scan` reads them exactly as it reads big ones.
"""

from __future__ import annotations

import io
import pickle
import zipfile
from collections import OrderedDict
from pathlib import Path

import gguf
import numpy as np
from safetensors.numpy import save_file

HERE = Path(__file__).resolve().parent / "demo-app" / "models"


def safetensors_model() -> None:
    rng = np.random.default_rng(7)
    tensors = {
        "model.embed_tokens.weight": rng.standard_normal((64, 16)).astype(np.float16),
        "lm_head.weight": rng.standard_normal((64, 16)).astype(np.float16),
    }
    save_file(tensors, str(HERE / "summarizer" / "model.safetensors"), metadata={"format": "pt"})


def gguf_model() -> None:
    path = HERE / "local" / "coder-q4.gguf"
    writer = gguf.GGUFWriter(str(path), "qwen2")
    writer.add_name("DeepSeek R1 Distill Qwen 1.5B")
    writer.add_string("general.organization", "Deepseek Ai")
    writer.add_string("general.license", "mit")
    writer.add_uint32("general.base_model.count", 1)
    writer.add_string("general.base_model.0.name", "DeepSeek R1 Distill Qwen 1.5B")
    writer.add_string("general.base_model.0.organization", "Deepseek Ai")
    writer.add_string(
        "general.base_model.0.repo_url",
        "https://huggingface.co/deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B",
    )
    writer.add_uint32("general.file_type", 15)  # MOSTLY_Q4_K_M
    writer.add_array("tokenizer.ggml.tokens", [f"tok{i}" for i in range(256)])
    writer.add_tensor("token_embd.weight", np.ones((32, 8), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


class _Rebuild:
    """Stands in for torch._utils._rebuild_tensor_v2 when writing a PyTorch-layout pickle."""

    def __reduce__(self) -> tuple[object, tuple[()]]:
        return (OrderedDict, ())


def pytorch_checkpoint() -> None:
    # The zip layout torch.save writes: <name>/data.pkl, <name>/version, <name>/data/0.
    buf = io.BytesIO()
    state = OrderedDict([("classifier.weight", _Rebuild()), ("classifier.bias", _Rebuild())])
    pickle.dump(state, buf, protocol=2)
    with zipfile.ZipFile(HERE / "local" / "classifier.pt", "w") as zf:
        zf.writestr("classifier/data.pkl", buf.getvalue())
        zf.writestr("classifier/byteorder", "little")
        zf.writestr("classifier/version", "3\n")
        zf.writestr("classifier/data/0", np.zeros(16, dtype=np.float32).tobytes())


if __name__ == "__main__":
    safetensors_model()
    gguf_model()
    pytorch_checkpoint()
    print("demo weights written under", HERE)
