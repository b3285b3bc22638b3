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


def test_many_imported_constants_scan_the_defining_module_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 300 constants imported from one module and each passed as a model: the module's
    # bindings and the caller's imports are indexed once, not scanned once per name
    # (files x names: 2,000 names took 4 s in the pass, 8,000 would take a minute).
    from gate.discover.python import imports

    n = 300
    (tmp_path / "config.py").write_text("".join(f'C{i} = "gpt-4o-mini"\n' for i in range(n)))
    (tmp_path / "app.py").write_text(
        "from openai import OpenAI\n"
        + "".join(f"from config import C{i}\n" for i in range(n))
        + "client = OpenAI()\n"
        + "".join(f"client.chat.completions.create(model=C{i}, messages=[])\n" for i in range(n))
    )
    scans: dict[str, int] = {}

    class Counted(list[Any]):
        def __init__(self, items: list[Any], rel: str) -> None:
            super().__init__(items)
            self.rel = rel

        def __iter__(self) -> Any:
            scans[self.rel] = scans.get(self.rel, 0) + 1
            return super().__iter__()

    parsed = imports._parsed

    def counting(file: Any, cache: Any) -> Any:
        module = parsed(file, cache)
        if module is not None and not isinstance(module.body, Counted):
            module.body = Counted(module.body, file.rel)
        return module

    monkeypatch.setattr(imports, "_parsed", counting)
    result = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    assert "api:openai/gpt-4o-mini" in {c.id for c in result.inventory.components}
    assert scans and max(scans.values()) < 20, scans


def test_a_pickle_importing_builtins_exec_is_not_called_plain_values(tmp_path: Path) -> None:
    # `builtins` holds dict and list, and exec and eval too: a pickle is "plain Python values"
    # (data) only when every global it imports is one the pickle rules call safe.
    import pickle

    class Runs:
        def __reduce__(self) -> tuple[Any, ...]:
            return (exec, ("print(1)",))

    (tmp_path / "state.pkl").write_bytes(pickle.dumps({"a": Runs()}))
    result = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    why = {
        ev.location.path: ev.attributes.get("data_file")
        for c in result.inventory.components
        for ev in c.evidence
    }
    assert why["state.pkl"] is None or "plain Python values" not in str(why["state.pkl"])
    from gate.discover import datafiles

    plain = ["builtins.set", "collections.OrderedDict", "datetime.datetime", "uuid.UUID"]
    assert datafiles._plain_values({"pickle_globals": plain})
    assert not datafiles._plain_values({"pickle_globals": [*plain, "builtins.eval"]})


def test_an_imported_module_nested_too_deeply_is_a_skip_not_a_crash(tmp_path: Path) -> None:
    # The module parses (600 unary minus signs) but printing the expression back recurses
    # past Python's limit: the cross-module pass must record it, not stop the whole scan.
    deep = "-" * 600 + "x"
    (tmp_path / "clients.py").write_text(
        f"from openai import OpenAI\nclient = OpenAI(base_url={deep})\n"
        f"def make():\n    return OpenAI(base_url={deep})\n"
        f"MODEL = {deep}\n"
    )
    (tmp_path / "app.py").write_text(
        "from clients import client, make, MODEL\n"
        'client.chat.completions.create(model="gpt-4o", messages=[])\n'
        'make().chat.completions.create(model="gpt-4o-mini", messages=[])\n'
        "from openai import OpenAI\n"
        "OpenAI().chat.completions.create(model=MODEL, messages=[])\n"
    )
    result = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    assert "api:openai/gpt-4o" in {c.id for c in result.inventory.components}
    skipped = {s.path: s.reason for s in result.inventory.skipped}
    assert "nests code too deeply" in skipped.get("app.py", ""), skipped


def test_nested_app_factories_look_at_each_call_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 300 factories nested in one another, each asked: the provider a factory makes is looked
    # for in its body once per call node, not again for every enclosing factory (n^2 / 2).
    from gate.discover.javascript.analyser import _Analyser

    n = 300
    utils = tmp_path / "server" / "utils"
    utils.mkdir(parents=True)
    (utils / "ai.ts").write_text(
        'import { createOpenAI } from "@ai-sdk/openai";\n'
        + "".join(f"function useF{i}() {{ g{i}();\n" for i in range(n))
        + 'createOpenAI({ baseURL: "https://api.siliconflow.cn/v1" });\n'
        + "}\n" * n
    )
    api = tmp_path / "server" / "api"
    api.mkdir(parents=True)
    (api / "x.ts").write_text(
        'import { embed } from "ai";\n'
        + "".join(
            f"const s{i} = useF{i}();\n"
            f'embed({{ model: s{i}.embedding("Qwen/Qwen3-Embedding-0.6B") }});\n'
            for i in range(n)
        )
    )
    from gate.discover.javascript import across as js_across

    counted = {"on": False, "calls": 0}
    callee = _Analyser._callee

    def counting(self: Any, node: Any) -> Any:
        if counted["on"]:
            counted["calls"] += 1
        return callee(self, node)

    passes = js_across.through_app_factories

    def pass_counted(tree: Any, found: Any) -> Any:
        counted["on"] = True
        try:
            return passes(tree, found)
        finally:
            counted["on"] = False

    monkeypatch.setattr(_Analyser, "_callee", counting)
    monkeypatch.setattr(js_across, "through_app_factories", pass_counted)
    result = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    ids = {c.id for c in result.inventory.components}
    assert "api:siliconflow/Qwen/Qwen3-Embedding-0.6B" in ids
    # the util file's own analysis (in the pass) sees each call a few times; n^2 / 2 is 45,000
    assert 0 < counted["calls"] < 10 * n, counted


def test_a_factory_called_many_times_is_read_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 300 calls of one imported client factory: the factory's body is walked for the client it
    # returns once, not once per call (calls x body size: quadratic on crafted input).
    from gate.discover.python import across as py_across

    (tmp_path / "clients.py").write_text(
        "from openai import OpenAI\ndef make():\n"
        + "".join(f"    a{i} = {i}\n" for i in range(300))
        + '    return OpenAI(base_url="https://api.groq.com/openai/v1")\n'
    )
    (tmp_path / "app.py").write_text(
        "from clients import make\n"
        + "".join(
            f'make().chat.completions.create(model="gpt-4o-{i}", messages=[])\n' for i in range(300)
        )
    )
    walks: list[str] = []
    returned = py_across._returned_call

    def counting(func: Any) -> Any:
        walks.append(func.name)
        return returned(func)

    monkeypatch.setattr(py_across, "_returned_call", counting)
    result = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    assert len(result.inventory.components) == 300
    assert walks == ["make"]


def test_an_endpoint_constant_asked_many_times_scans_its_module_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 300 models sent to a client whose base URL is an imported constant the scan cannot read
    # (os.getenv with no default): the defining module is indexed once, not scanned per model.
    from gate.discover.python import imports

    n = 300
    (tmp_path / "config.py").write_text(
        "import os\nBASE = os.getenv('BASE_URL')\n"
        + "".join(f'M{i} = "gpt-4o-mini"\n' for i in range(n))
    )
    (tmp_path / "app.py").write_text(
        "from openai import OpenAI\nfrom config import BASE\n"
        + "".join(f"from config import M{i}\n" for i in range(n))
        + "client = OpenAI(base_url=BASE)\n"
        + "".join(f"client.chat.completions.create(model=M{i}, messages=[])\n" for i in range(n))
    )
    scans: dict[str, int] = {}

    class Counted(list[Any]):
        def __init__(self, items: list[Any], rel: str) -> None:
            super().__init__(items)
            self.rel = rel

        def __iter__(self) -> Any:
            scans[self.rel] = scans.get(self.rel, 0) + 1
            return super().__iter__()

    parsed = imports._parsed

    def counting(file: Any, cache: Any) -> Any:
        module = parsed(file, cache)
        if module is not None and not isinstance(module.body, Counted):
            module.body = Counted(module.body, file.rel)
        return module

    monkeypatch.setattr(imports, "_parsed", counting)
    pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    assert scans and max(scans.values()) < 20, scans


def test_container_paths_are_mapped_without_scanning_every_mount(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 300 Modelfile weights named by container path against 300 compose mounts: each path is
    # looked up by its prefixes, not compared with every mount (paths x mounts).
    from gate.discover.configs import mounts

    n = 300
    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  ollama:\n    image: ollama/ollama\n    volumes:\n"
        + "".join(f"      - ./w{i}:/models/w{i}\n" for i in range(n))
    )
    (tmp_path / "Modelfile").write_text("".join(f"FROM /models/w{i}/x.gguf\n" for i in range(n)))
    from gate.discover.configs.containers import _mounted as mounted

    compared: list[int] = []

    def counting(value: str, volumes: Any) -> Any:
        compared.append(len(volumes))
        return mounted(value, volumes)

    monkeypatch.setattr(mounts, "_mounted", counting, raising=False)
    result = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    ids = {c.id for c in result.inventory.components}
    assert "local:w7/x.gguf" in ids, sorted(ids)[:5]
    assert sum(compared) < 10 * n


def test_an_imported_module_with_a_huge_number_is_a_skip_not_a_crash(tmp_path: Path) -> None:
    # A 5,000-digit hex literal parses, but printing it back in decimal passes Python's
    # int-to-string limit (ValueError): recorded, the scan goes on.
    (tmp_path / "clients.py").write_text(
        "from openai import OpenAI\nclient = OpenAI(base_url=0x" + "f" * 5000 + ")\n"
    )
    (tmp_path / "app.py").write_text(
        'from clients import client\nclient.chat.completions.create(model="gpt-4o", messages=[])\n'
    )
    result = pipeline.scan(pipeline.ScanOptions(root=tmp_path, history="none"))
    assert "api:openai/gpt-4o" in {c.id for c in result.inventory.components}
    skipped = {s.path: s.reason for s in result.inventory.skipped}
    assert "too large" in skipped.get("app.py", ""), skipped
