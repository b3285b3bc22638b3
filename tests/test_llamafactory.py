"""LLaMA-Factory configs: LLaMA-Board saved settings and training recipes, and the shipped
display-name table generated from LLaMA-Factory's registry (tools/llamafactory_models.py)."""

from __future__ import annotations

import importlib.util
import sys
import textwrap
from pathlib import Path

import yaml

from gate.recognise import llamafactory_models
from tests.confighelp import scan

ROOT = Path(__file__).resolve().parent.parent


BOARD = """\
top.booster: auto
top.checkpoint_path: null
top.finetuning_type: lora
top.model_name: {name}
top.template: qwen3
train.dataset:
- my_local_set
train.dataset_dir: /srv/lf/data
train.learning_rate: 1e-4
"""


def test_a_board_config_names_the_hub_id_of_its_display_name(tmp_path: Path) -> None:
    # Saved in any folder: the board's own keys say what the file is.
    found, _ = scan(tmp_path, {"runs/a.yaml": BOARD.format(name="Qwen3-4B-Instruct-2507")})
    assert [(ev.identity, ev.location.line) for ev in found] == [
        ("hf:Qwen/Qwen3-4B-Instruct-2507@unpinned", 4)
    ]
    ev = found[0]
    assert ev.attributes["llamafactory_name"] == "Qwen3-4B-Instruct-2507"
    assert ev.attributes["modelscope_id"] == "Qwen/Qwen3-4B-Instruct-2507"
    assert ev.as_written == "Qwen3-4B-Instruct-2507"


def test_a_display_name_can_differ_from_the_repo_name(tmp_path: Path) -> None:
    # "Qwen3-4B-Thinking" is LLaMA-Factory's name for the repo Qwen/Qwen3-4B.
    assert llamafactory_models()["Qwen3-4B-Thinking"]["hf"] == "Qwen/Qwen3-4B"
    found, _ = scan(tmp_path, {"b.yaml": BOARD.format(name="Qwen3-4B-Thinking")})
    assert [ev.identity for ev in found] == ["hf:Qwen/Qwen3-4B@unpinned"]


def test_a_model_path_the_user_wrote_wins(tmp_path: Path) -> None:
    text = BOARD.format(name="Qwen3-4B-Base") + "top.model_path: /home/me/models/full-sft\n"
    found, _ = scan(tmp_path, {"c.yaml": text})
    assert [ev.identity for ev in found] == ["local:/home/me/models/full-sft"]
    hub = BOARD.format(name="Qwen3-4B-Base") + "top.model_path: my-org/qwen3-4b-tuned\n"
    found, _ = scan(tmp_path, {"c.yaml": hub})
    assert [ev.identity for ev in found] == ["hf:my-org/qwen3-4b-tuned@unpinned"]


def test_an_unknown_display_name_and_local_dataset_names_name_nothing(tmp_path: Path) -> None:
    found, tree = scan(tmp_path, {"d.yaml": BOARD.format(name="My-Own-Model-7B")})
    assert found == []
    assert list(tree.skipped) == []


def test_dotted_keys_alone_are_not_a_board_config(tmp_path: Path) -> None:
    # A settings file with one `top.model_name` and no other board tab keys: the generic walk.
    found, _ = scan(tmp_path, {"e.yaml": "top.model_name: Qwen3-4B-Base\nother: 1\n"})
    assert [ev.identity for ev in found] == []


def test_a_training_recipe_reads_its_model_not_its_dataset_names_or_template(
    tmp_path: Path,
) -> None:
    recipe = """\
    model_name_or_path: Qwen/Qwen2.5-7B-Instruct
    stage: sft
    do_train: true
    finetuning_type: lora
    dataset: identity,alpaca_en_demo
    template: qwen
    output_dir: saves/qwen2.5-7b/lora/sft
    """
    found, _ = scan(tmp_path, {"examples/train_lora/q.yaml": recipe})
    assert [(ev.identity, ev.location.line) for ev in found] == [
        ("hf:Qwen/Qwen2.5-7B-Instruct@unpinned", 1)
    ]


def test_hostile_board_configs_are_skips_or_nothing(tmp_path: Path) -> None:
    # Wrong types where strings belong, an alias bomb, a broken document: never a crash.
    odd = "top.model_name: [1, 2]\ntop.model_path: {a: b}\ntop.template: x\ntrain.x: 1\n"
    bomb = "a: &a [x, x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\n" + (
        "top.model_name: Qwen3-4B-Base\ntop.x: 1\ntrain.y: 2\n"
    )
    broken = "top.model_name: Qwen3-4B-Base\ntop.x: [unclosed\ntrain.y: 2\n"
    found, tree = scan(tmp_path, {"odd.yaml": odd, "bomb.yaml": bomb, "broken.yaml": broken})
    assert [ev.location.path for ev in found if ev.location.path == "odd.yaml"] == []
    assert any(s.path == "broken.yaml" for s in tree.skipped)


def _tool() -> object:
    spec = importlib.util.spec_from_file_location(
        "llamafactory_models_tool", ROOT / "tools" / "llamafactory_models.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_generator_reads_the_registry_literals_without_running_them() -> None:
    tool = _tool()
    source = textwrap.dedent(
        """
        import os
        os.system("never run")
        register_model_group(
            models={
                "Zeta-7B-Chat": {
                    DownloadSource.DEFAULT: "zeta-org/Zeta-7B-Instruct",
                    DownloadSource.MODELSCOPE: "zeta/Zeta-7B-Instruct",
                },
                "Alpha-1B": {DownloadSource.DEFAULT: "alpha/alpha-1b"},
                "Computed": {DownloadSource.DEFAULT: "x/" + NAME},
                "NoHub": {DownloadSource.MODELSCOPE: "ms/only"},
            },
            template="zeta",
        )
        register_model_group(models=EXTERNAL)
        """
    )
    rows = tool.table(source)  # type: ignore[attr-defined]
    assert rows == {
        "Alpha-1B": {"hf": "alpha/alpha-1b"},
        "Zeta-7B-Chat": {"hf": "zeta-org/Zeta-7B-Instruct", "modelscope": "zeta/Zeta-7B-Instruct"},
    }
    text = tool.render(rows, "a" * 40, "2026-01-02T03:04:05+00:00")  # type: ignore[attr-defined]
    assert text == tool.render(rows, "a" * 40, "2026-01-02T03:04:05+00:00")  # type: ignore[attr-defined]
    doc = yaml.safe_load(text)
    assert list(doc["models"]) == ["Alpha-1B", "Zeta-7B-Chat"]
    assert doc["source"]["commit"] == "a" * 40


def test_the_shipped_table_is_sorted_and_pinned() -> None:
    doc = yaml.safe_load(
        (ROOT / "gate" / "recognise" / "data" / "llamafactory_models.yaml").read_text()
    )
    names = list(doc["models"])
    assert names == sorted(names)
    assert len(doc["source"]["commit"]) == 40
    assert doc["models"]["Qwen3-8B-Base"]["hf"] == "Qwen/Qwen3-8B-Base"


def test_a_board_set_to_modelscope_downloads_the_modelscope_id(tmp_path: Path) -> None:
    text = BOARD.format(name="Qwen3-8B-Base") + "top.hub_name: modelscope\n"
    found, _ = scan(tmp_path, {"f.yaml": text})
    assert [ev.identity for ev in found] == ["modelscope:Qwen/Qwen3-8B-Base@unpinned"]
    text = BOARD.format(name="Qwen3-8B-Base") + "top.hub_name: huggingface\n"
    found, _ = scan(tmp_path, {"f.yaml": text})
    assert [ev.identity for ev in found] == ["hf:Qwen/Qwen3-8B-Base@unpinned"]


def test_an_inference_recipe_loads_its_adapter_from_the_hub_or_a_folder(tmp_path: Path) -> None:
    recipe = """\
    model_name_or_path: Qwen/Qwen2.5-7B-Instruct
    adapter_name_or_path: {adapter}
    template: qwen
    finetuning_type: lora
    infer_backend: huggingface
    """
    found, _ = scan(tmp_path, {"infer.yaml": recipe.format(adapter="org-x/qwen-lora-demo")})
    assert {ev.identity for ev in found} == {
        "hf:Qwen/Qwen2.5-7B-Instruct@unpinned",
        "hf:org-x/qwen-lora-demo@unpinned",
    }
    # The recipe's own training output folder (saves/...) names no Hub repo.
    found, _ = scan(tmp_path, {"infer.yaml": recipe.format(adapter="saves/qwen2.5-7b/lora/sft")})
    assert {ev.identity for ev in found} == {"hf:Qwen/Qwen2.5-7B-Instruct@unpinned"}
