"""Hostile-repository bounds of the cross-file passes (review rev-e): work grows with the
files read, never with files × names asked of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gate import pipeline
from gate.discover.javascript import across


def test_many_app_factories_walk_a_util_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 300 distinct auto-imported factories asked of one large util file: each name must not
    # walk the util file's whole syntax tree again (that was files x names: quadratic).
    utils = tmp_path / "server" / "utils"
    utils.mkdir(parents=True)
    (utils / "ai.ts").write_text(
        'import { createOpenAI } from "@ai-sdk/openai";\n'
        + "".join(f"export function g{i}() {{ return {i}; }}\n" for i in range(300))
        + "export function useF7() {\n"
        '  return createOpenAI({ baseURL: "https://api.siliconflow.cn/v1" });\n}\n'
    )
    api = tmp_path / "server" / "api"
    api.mkdir(parents=True)
    (api / "x.ts").write_text(
        'import { embed } from "ai";\n'
        + "".join(
            f"const s{i} = useF{i}();\n"
            f'embed({{ model: s{i}.embedding("Qwen/Qwen3-Embedding-0.6B") }});\n'
            for i in range(300)
        )
    )
    walks: list[str] = []
    analysed = across._analysed

    class Counted:
        def __init__(self, inner: Any) -> None:
            self._inner = inner

        def __getattr__(self, name: str) -> Any:
            if name == "root":
                walks.append(self._inner.rel)
            return getattr(self._inner, name)

    def counting(file: Any) -> Any:
        found = analysed(file)
        return None if found is None else Counted(found)

    monkeypatch.setattr(across, "_analysed", counting)
    result = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    ids = {c.id for c in result.inventory.components}
    assert "api:siliconflow/Qwen/Qwen3-Embedding-0.6B" in ids  # useF7 is still resolved
    assert walks == ["server/utils/ai.ts"]
