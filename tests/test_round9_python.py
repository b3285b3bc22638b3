"""Python and config classes measured on round 9 (issue 12): settings modules re-exported by
a package, raw requests whose URL and model both come from the app's settings, and the other
classes below. Hand-written cases, none copied from a scanned repository."""

from __future__ import annotations

import textwrap
from pathlib import Path

from gate.discover import configs, javascript, localpaths, python, refs
from gate.model import Evidence
from tests.treehelp import components as _scan
from tests.treehelp import write as _write

# --- a raw request to a URL of the app's settings module ------------------------------------


def test_a_raw_request_with_url_and_model_from_a_re_exporting_settings_package(
    tmp_path: Path,
) -> None:
    _write(
        tmp_path,
        {
            "svc/__init__.py": "",
            "svc/conf/__init__.py": "from svc.conf.values import VISION_URL, VISION_MODEL\n",
            "svc/conf/values.py": """
                VISION_URL = "https://api.siliconflow.cn/v1/chat/completions"
                VISION_MODEL = "Qwen/Qwen2.5-VL-7B-Instruct"
            """,
            "svc/read.py": """
                import requests
                from svc.conf import VISION_URL, VISION_MODEL

                def describe(image_b64):
                    body = {"model": VISION_MODEL, "messages": [image_b64]}
                    return requests.post(VISION_URL, json=body, timeout=30).json()
            """,
        },
    )
    got = _scan(tmp_path)
    assert set(got) == {"api:siliconflow/Qwen/Qwen2.5-VL-7B-Instruct"}
    ev = got["api:siliconflow/Qwen/Qwen2.5-VL-7B-Instruct"].evidence[0]
    assert ev.location.path == "svc/conf/values.py"


def test_a_raw_request_to_an_imported_url_with_an_inline_body(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "settings.py": """
                CHAT_URL = "https://api.deepseek.com/chat/completions"
                CHAT_MODEL = "deepseek-chat"
            """,
            "bot.py": """
                import httpx
                import settings

                async def ask(q):
                    async with httpx.AsyncClient() as c:
                        r = await c.post(settings.CHAT_URL, json={"model": settings.CHAT_MODEL})
                    return r.json()
            """,
        },
    )
    assert set(_scan(tmp_path)) == {"api:deepseek/deepseek-chat"}


# --- a .env naming one local server's address and its models -------------------------------


def cfg(text: str, name: str = "config.yaml") -> list[Evidence]:
    outcome = configs.analyse_file(name, textwrap.dedent(text).encode())
    return refs.dedupe(outcome.evidence)


def ids(found: list[Evidence]) -> set[str]:
    return {ev.identity for ev in found}


def test_an_env_servers_address_serves_the_models_its_prefix_names() -> None:
    found = cfg(
        """
        VECTOR_DB_ADDR="http://127.0.0.1:8000/api/v1"
        INFER_ADDR="http://127.0.0.1:9997"
        INFER_CHAT_MODEL_ID="glm4-chat"
        INFER_EMBED_MODEL_ID="bge-m3"
        """,
        ".env",
    )
    assert ids(found) == {"api:local/glm4-chat", "api:local/bge-m3"}


# --- an SDK enum member named by a string --------------------------------------------------


def py(source: str, name: str = "app.py") -> list[Evidence]:
    outcome = python.analyse_file(name, textwrap.dedent(source).encode())
    return refs.dedupe(outcome.evidence)


def test_a_dashscope_generation_models_member_is_the_name_it_stands_for() -> None:
    found = py(
        """
        import dashscope
        member = "qwen_plus"
        def ask(messages):
            chosen = getattr(dashscope.Generation.Models, member)
            return dashscope.Generation.call(chosen, messages=messages)
        def ask_max(messages):
            member = dashscope.Generation.Models.qwen_max
            return dashscope.Generation.call(member, messages=messages)
        """
    )
    assert ids(found) == {"api:alibaba/qwen-plus", "api:alibaba/qwen-max"}
    plus = next(ev for ev in found if ev.identity == "api:alibaba/qwen-plus")
    assert plus.location.line == 3  # the string naming the member


def test_a_name_no_member_has_gives_nothing() -> None:
    found = py(
        """
        import dashscope
        def ask(messages):
            chosen = getattr(dashscope.Generation.Models, "not_a_member")
            return dashscope.Generation.call(chosen, messages=messages)
        """
    )
    assert ids(found) == set()


# --- an HTML menu beside the endpoint field its page posts to --------------------------------


def page(source: str) -> list[Evidence]:
    outcome = javascript.analyse_file("templates/play.html", textwrap.dedent(source).encode())
    return refs.dedupe(outcome.evidence)


def test_an_html_menu_is_served_at_the_endpoint_field_with_its_stem() -> None:
    found = page(
        """
        <html><body>
          <select id="left-model"><option value="Qwen/Qwen3-8B">Qwen3</option></select>
          <input type="hidden" id="left-base-url" value="https://api.siliconflow.cn/v1">
          <select id="right-model"><option value="gpt-4o-mini">mini</option></select>
          <input type="hidden" id="right-base-url" value="https://api.openai.com/v1">
        </body></html>
        """
    )
    assert ids(found) == {"api:siliconflow/Qwen/Qwen3-8B", "api:openai/gpt-4o-mini"}
    assert all(ev.attributes.get("listed") is True for ev in found)


def test_an_html_menu_without_an_endpoint_field_stays_as_it_was() -> None:
    found = page(
        """
        <select id="model-select"><option value="Qwen/Qwen3-8B">Qwen3</option></select>
        <input id="webhook" value="https://hooks.example.org/x">
        """
    )
    assert ids(found) == {"hf:Qwen/Qwen3-8B@unpinned"}


# --- model folders: a Space card is no model, an export subfolder is its parent's ------------


def _bom_ids(tmp_path: Path) -> set[str]:
    return set(_scan(tmp_path))


def test_a_spaces_readme_card_is_no_model_folder(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "README.md": """\
                ---
                title: Diagram maker
                license: mit
                tags: [space, diagrams]
                sdk: gradio
                app_file: app.py
                ---
                # Diagram maker
                """,
            "app.py": "print('hi')\n",
        },
    )
    assert not any(i.startswith("local:") for i in _bom_ids(tmp_path))


def test_an_onnx_export_subfolder_is_part_of_its_parents_model(tmp_path: Path) -> None:
    config = '{"architectures": ["BertModel"], "model_type": "bert"}'
    _write(
        tmp_path,
        {
            "weights/encoder/config.json": config,
            "weights/encoder/onnx/config.json": config,
            "weights/encoder/onnx/model.onnx": "",
            "weights/other/config.json": config,
            "weights/other/ckpt/config.json": config,
        },
    )
    got = {i for i in _bom_ids(tmp_path) if i.startswith("local:")}
    assert got == {"local:weights/encoder", "local:weights/other", "local:weights/other/ckpt"}


# --- a recipe's container path that a compose mount fills from the tree -----------------------


def test_a_recipes_container_model_path_is_the_tree_folder_compose_mounts_there(
    tmp_path: Path,
) -> None:
    _write(
        tmp_path,
        {
            "compose.yaml": """
                services:
                  train:
                    image: example/trainer
                    volumes:
                      - ./recipe.yml:/work/recipe.yml
                      - ./weights/:/work/weights/
                    command: python -m trainer /work/recipe.yml
            """,
            "recipe.yml": "base_model: /work/weights/tiny-llama-1b\nmodel_type: LlamaForCausalLM\n",
            "spare.yml": "base_model: /srv/elsewhere/tiny-llama-1b\n",
        },
    )
    got = {i for i in _bom_ids(tmp_path) if i.startswith("local:")}
    assert got == {"local:weights/tiny-llama-1b", "local:/srv/elsewhere/tiny-llama-1b"}


# --- model folders named from the root a script runs from -----------------------------------


def test_shell_and_slurm_scripts_name_in_tree_model_folders(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "jobs/finetune.sh": """
                torchrun train/run.py \\
                    --model_name models/Tiny-Chat-1B \\
                    --output_dir out/run1
            """,
            "jobs/serve.slurm": """
                #!/bin/bash
                #SBATCH --nodes=2
                SIZE=${1:-3}
                MODEL="models/merged/tiny${SIZE}-chat"
                srun trl vllm-serve --model "${MODEL}" &
            """,
            "train/grpo.py": """
                import argparse
                p = argparse.ArgumentParser()
                p.add_argument("--model", default="checkpoints/tiny-sft")
                p.add_argument("--dataset", default="saved_sets/floor_plans")
                p.add_argument("--judge", default="models/gemini-2.5-flash")
                args = p.parse_args()
            """,
        },
    )
    got = _bom_ids(tmp_path)
    assert {
        "local:models/Tiny-Chat-1B",
        "local:models/merged/tiny3-chat",
        "local:checkpoints/tiny-sft",
    } <= got
    assert not any(i.startswith("dataset:") for i in got)  # saved_sets/: no Hub namespace
    assert "local:out/run1" not in got  # an output folder names no model


def test_a_hub_id_is_not_taken_for_a_folder() -> None:
    assert localpaths.in_tree_folder("Qwen/Qwen2.5-7B-Instruct") is None
    assert localpaths.in_tree_folder("./models/x") is None  # the script's own folder decides
    assert localpaths.in_tree_folder("models/${NAME}") is None
    assert localpaths.in_tree_folder("models/tokenizer.json") is None
    assert localpaths.in_tree_folder("models/x/") == "models/x"


# --- template expressions and LiteLLM routes ------------------------------------------------


def test_a_templated_api_base_is_an_unknown_host_never_a_provider() -> None:
    found = cfg(
        """
        proxy_config:
          model_list:
            - model_name: chat
              litellm_params:
                model: azure/gpt-4.1-mini
                api_base: {{ env "AZURE_API_BASE" }}
            - model_name: claude
              litellm_params:
                model: databricks/databricks-claude-sonnet-4
                api_base: https://adb-1234.5.azuredatabricks.net/serving-endpoints
            - model_name: other
              litellm_params:
                model: openai/gpt-4o
                api_base: "{{ .Values.relay }}"
        """,
        "helmfile.yaml.gotmpl",
    )
    got = ids(found)
    assert got == {
        "api:azure-openai/gpt-4.1-mini",
        "api:adb-1234.5.azuredatabricks.net/databricks-claude-sonnet-4",
        "api:openai/gpt-4o",
    }
    assert not any("tpl" in i or "{" in i for i in got)


def test_databricks_is_a_hub_org_outside_a_litellm_route() -> None:
    found = cfg("model_name_or_path: databricks/dbrx-instruct\n")
    assert ids(found) == {"hf:databricks/dbrx-instruct@unpinned"}


# --- ms-swift's CLI and a conditional default -------------------------------------------------


def test_swift_cli_models_are_modelscope_ids_unless_use_hf(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "train.sh": """
                swift sft \\
                    --model 'Qwen/Qwen2.5-0.5B-Instruct' \\
                    --train_type lora
                swift infer --model deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B --use_hf true
            """,
        },
    )
    got = _bom_ids(tmp_path)
    assert "modelscope:Qwen/Qwen2.5-0.5B-Instruct@unpinned" in got
    assert "hf:Qwen/Qwen2.5-0.5B-Instruct@unpinned" not in got
    assert "hf:deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B@unpinned" in got


def test_a_conditional_default_of_a_model_parameter_is_read() -> None:
    found = py(
        """
        def build(model_path=None):
            model_path = "DAMO-NLP-SG/VideoLLaMA2-7B" if model_path is None else model_path
            return load_weights(model_path)
        """
    )
    assert ids(found) == {"hf:DAMO-NLP-SG/VideoLLaMA2-7B@unpinned"}


# --- placeholders and switch words are no models ---------------------------------------------


def test_a_placeholder_path_names_no_model(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "eval.py": """
                from transformers import AutoModelForCausalLM
                tuned_model_path = "./path_to_finetuned_model"
                model = AutoModelForCausalLM.from_pretrained(tuned_model_path)
                other = AutoModelForCausalLM.from_pretrained("/path/to/checkpoint")
            """,
        },
    )
    assert not any(i.startswith("local:") for i in _bom_ids(tmp_path))


def test_an_embedding_backend_switch_word_is_no_ollama_tag() -> None:
    found = cfg(
        """
        LLM=llama3.2
        EMBEDDING_MODEL=sentence_transformer
        OLLAMA_BASE_URL=http://ollama:11434
        """,
        ".env",
    )
    assert ids(found) == {"ollama:llama3.2:latest"}


def test_axolotl_datasets_entries_name_hub_datasets() -> None:
    found = cfg(
        """
        base_model: NousResearch/Llama-2-7b-hf
        datasets:
          - path: tatsu-lab/alpaca
            type: alpaca
          - path: data/local_split.jsonl
            type: alpaca
        """,
        "recipe.yml",
    )
    assert ids(found) == {"hf:NousResearch/Llama-2-7b-hf@unpinned", "dataset:hf:tatsu-lab/alpaca"}
