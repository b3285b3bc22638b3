"""Config, container, Modelfile, MLmodel, DVC and notebook references."""

from __future__ import annotations

import json
from pathlib import Path

from gate.discover import configs
from gate.discover.base import DiscoverContext
from gate.discover.tree import Tree
from gate.model import Confidence, Evidence, EvidenceKind, Project, Role
from gate.resolve.assemble import assemble
from tests.confighelp import scan


def test_sibling_provider_parent_key_and_endpoint(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "config.yaml": """
            ollama:
              model: llama3.2
            chat:
              provider: openai
              base_url: https://api.moonshot.cn/v1
              model: moonshot-v1-8k
            """
        },
    )
    got = {(ev.identity, ev.location.line, ev.location.context) for ev in found}
    assert got == {
        ("ollama:llama3.2:latest", 3, "ollama.model"),
        ("api:moonshot/moonshot-v1-8k", 7, "chat.model"),
    }
    assert all(ev.confidence is Confidence.MEDIUM for ev in found)


def test_env_file_pairs_urls_with_models_by_stem(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            ".env": """
            LLM_BASE_URL=https://api.deepseek.com
            LLM_MODEL=deepseek-chat
            EMBEDDING_MODEL=text-embedding-3-small
            ANTHROPIC_BASE_URL=https://api.anthropic.com
            SECRET_KEY=not-a-model
            """
        },
    )
    got = {ev.identity: ev.attributes.get("host") for ev in found}
    assert got == {
        "api:deepseek/deepseek-chat": "api.deepseek.com",
        "api:openai/text-embedding-3-small": "api.openai.com",
        "api:anthropic/*": "api.anthropic.com",
    }
    assert all(ev.as_written != "not-a-model" for ev in found)


def test_env_file_with_one_endpoint_serves_every_model_variable(tmp_path: Path) -> None:
    # CHAT_API_BASE_URL ↔ CHAT_MODEL share a stem once "_API" is read as part of the suffix;
    # EMBEDDING_MODEL has no URL of its stem, but every URL the file sets is the same one.
    found, _ = scan(
        tmp_path,
        {
            ".env.example": """
            CHAT_API_BASE_URL=https://api.siliconflow.cn/v1
            CHAT_MODEL=deepseek-ai/DeepSeek-V3
            MEMORY_API_BASE_URL=https://api.siliconflow.cn/v1
            EMBEDDING_MODEL=BAAI/bge-m3
            """
        },
    )
    assert {ev.identity for ev in found} == {
        "api:siliconflow/deepseek-ai/DeepSeek-V3",
        "api:siliconflow/BAAI/bge-m3",
    }


def test_env_file_ollama_url_under_a_bare_name_serves_its_model_word_variables(
    tmp_path: Path,
) -> None:
    # OLLAMA=<url> is an endpoint variable; MODEL as any word of a variable's name counts
    # when the value is a name of Ollama's library and the file configures an Ollama daemon.
    found, _ = scan(
        tmp_path,
        {
            ".env.example": """
            OLLAMA="http://localhost:11434/"
            MODEL_CHAT_GENERATOR="llama3.1:8b"
            #MODEL_CHAT_GENERATOR="gemma2:9b"
            EMBEDDING_MODEL_QUERY="nomic-embed-text:latest"
            MODEL_DEVICE="cuda:0"
            MODEL_PROVIDER=ollama
            """
        },
    )
    assert {ev.identity for ev in found} == {
        "ollama:llama3.1:8b",
        "ollama:nomic-embed-text:latest",
    }


def test_env_file_model_word_variables_need_an_ollama_daemon(tmp_path: Path) -> None:
    found, _ = scan(tmp_path, {".env": 'MODEL_CHAT_GENERATOR="llama3.1:8b"\n'})
    assert found == []


def test_env_file_bare_sentence_transformers_name_under_an_embedding_variable(
    tmp_path: Path,
) -> None:
    found, _ = scan(
        tmp_path,
        {"example.env": "OPENAI_API_KEY=\nEMB_MODEL=all-MiniLM-L6-v2\nMODEL=\n"},
    )
    assert [ev.identity for ev in found] == ["hf:sentence-transformers/all-MiniLM-L6-v2@unpinned"]


def test_compose_servers_and_commands(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "compose.yaml": """
            services:
              llm:
                image: vllm/vllm-openai:v0.6.3
                command: vllm serve Qwen/Qwen2.5-1.5B-Instruct --port 8000
              embed:
                image: ghcr.io/huggingface/text-embeddings-inference:1.5
                command: ["--model-id", "BAAI/bge-small-en-v1.5"]
              pull:
                image: curlimages/curl
                command: ["sh", "-c", "huggingface-cli download TheBloke/Mistral-7B-GGUF x.gguf"]
            """
        },
    )
    got = {(ev.identity, ev.attributes.get("server")) for ev in found}
    assert got == {
        ("hf:Qwen/Qwen2.5-1.5B-Instruct@unpinned", "vllm"),
        ("hf:BAAI/bge-small-en-v1.5@unpinned", "tei"),
        ("hf:TheBloke/Mistral-7B-GGUF@unpinned", None),
    }
    assert all(ev.confidence is Confidence.HIGH for ev in found)


def test_modelfile_local_weights_join_the_weight_file_component(tmp_path: Path) -> None:
    (tmp_path / "weights").mkdir()
    (tmp_path / "weights" / "coder.gguf").write_bytes(b"GGUF" + bytes(60))
    found, _ = scan(
        tmp_path,
        {"Modelfile": "FROM ./weights/coder.gguf\nADAPTER /abs/elsewhere.gguf\nFROM llama3.1\n"},
    )
    by_line = {ev.location.line: ev for ev in found}
    assert set(by_line) == {1, 2, 3}
    assert by_line[1].identity == "local:weights/coder.gguf"
    # Weights outside the tree: an unresolved local model known by its path.
    assert by_line[2].identity == "local:/abs/elsewhere.gguf"
    assert by_line[2].attributes["not_in_checkout"] == "local path outside the tree"
    assert by_line[1].attributes["weights_path"] == "weights/coder.gguf"
    assert by_line[3].identity == "ollama:llama3.1:latest"
    # The weights source names the file by content; assembly joins the Modelfile to it.
    weight = Evidence(
        source="weights",
        kind=EvidenceKind.WEIGHT_FILE,
        identity="file:sha256:" + "ab" * 32,  # type: ignore[arg-type]
        role=Role.EMBEDDED_WEIGHTS,
        as_written="weights/coder.gguf",
        location=by_line[1].location.__class__("weights/coder.gguf"),
        confidence=Confidence.HIGH,
    )
    inventory = assemble([weight, *found], Project("p"))
    joined = inventory.component("file:sha256:" + "ab" * 32)
    assert joined is not None and len(joined.evidence) == 2
    assert inventory.component("local:weights/coder.gguf") is None


def test_mlmodel_and_dvc(tmp_path: Path) -> None:
    sha = "0fc9ddf78a1e988dac52e2dac162b0ede4fd74ab"
    found, _ = scan(
        tmp_path,
        {
            "model/MLmodel": f"""
            flavors:
              transformers:
                source_model_name: google/flan-t5-small
                source_model_revision: {sha}
            """,
            "data/train.csv.dvc": "outs:\n- md5: abc\n  size: 10\n  path: train.csv\n",
            "hub.dvc": "deps:\n- path: x\n  repo:\n    url: https://huggingface.co/datasets/org/ds\n"
            "    rev_lock: 1111111111111111111111111111111111111111\n",
        },
    )
    got = {(ev.identity, ev.role) for ev in found}
    assert got == {
        (f"hf:google/flan-t5-small@{sha}", Role.RUNTIME_MODEL),
        ("local:data/train.csv", Role.DATASET),
        ("dataset:hf:org/ds", Role.DATASET),
    }


def test_notebook_cells_are_python_with_cell_locations(tmp_path: Path) -> None:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": ["gpt-4o is discussed here"]},
            {"cell_type": "code", "source": ["import litellm\n", "M = 'deepseek/deepseek-chat'\n"]},
            {"cell_type": "code", "source": ["%time x = 1\n", "litellm.completion(model=M)\n"]},
            {"cell_type": "code", "source": ["!ollama pull qwen2.5:0.5b\n"]},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    found, _ = scan(tmp_path, {"nb.ipynb": json.dumps(notebook)})
    got = {(ev.identity, ev.location.context, ev.location.line) for ev in found}
    assert got == {
        ("api:deepseek/deepseek-chat", "cell 2", 2),
        ("ollama:qwen2.5:0.5b", "cell 4", 1),
    }


def test_malformed_configs_are_recorded_skips(tmp_path: Path) -> None:
    found, tree = scan(
        tmp_path,
        {
            "bad.yaml": "model: [unclosed\n",
            "bad.json": '{"model": "gpt-4o"',
            "bad.toml": "model = \n",
            "fine.yaml": "note: nothing here\n",
        },
    )
    assert found == []
    assert sorted(s.path for s in tree.skipped) == ["bad.json", "bad.toml", "bad.yaml"]


def test_pip_installs_in_notebooks_and_dockerfiles_are_dependencies(tmp_path: Path) -> None:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["# pip install openai\n"]},
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": [
                "%pip install -q transformers>=4.46 'openai==1.51.0' -i https://pypi.org/simple\n",
                "!pip install --upgrade anthropic && echo done\n",
                "import os\n",
            ],
        },
    ]
    notebook = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    found, tree = scan(
        tmp_path,
        {
            "nb.ipynb": notebook,
            "Dockerfile": (
                "FROM python:3.12-slim\n"
                "RUN pip install --no-cache-dir -r requirements.txt && \\\n"
                "    pip install vllm==0.6.3 flask\n"
            ),
        },
    )
    assert tree.skipped == []
    got = {
        (ev.location.path, ev.location.line, ev.location.context, ev.identity): (
            ev.attributes.get("version")
        )
        for ev in found
    }
    assert got == {
        ("nb.ipynb", 1, "cell 2", "pkg:pypi/transformers"): None,
        ("nb.ipynb", 1, "cell 2", "pkg:pypi/openai"): "1.51.0",
        ("nb.ipynb", 2, "cell 2", "pkg:pypi/anthropic"): None,
        ("Dockerfile", 2, "RUN", "pkg:pypi/vllm"): "0.6.3",
    }
    assert all(ev.kind is EvidenceKind.DEPENDENCY and ev.role is Role.SDK for ev in found)


def test_a_modelfile_under_another_name_is_read_by_its_content(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "bot/body-builder-llama3-1-model": (
                "# set the base model\nFROM llama3.1:8b\nPARAMETER temperature 0.2\n"
            ),
            "bot/ollama_alpaca_file": "FROM model_trained_with_alpaca_format.gguf\n",
            "bot/model-server": "FROM python:3.12\nRUN pip install vllm\n",
        },
    )
    assert {(ev.identity, ev.location.path, ev.location.line) for ev in found} == {
        ("ollama:llama3.1:8b", "bot/body-builder-llama3-1-model", 2),
        ("local:bot/model_trained_with_alpaca_format.gguf", "bot/ollama_alpaca_file", 1),
    }


def test_a_config_shipped_as_its_own_template_is_read_as_its_format(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "config.json.template": json.dumps(
                {
                    "llm": {
                        "base_url": {"value": "https://api.siliconflow.cn/v1/"},
                        "model": {"value": "Pro/deepseek-ai/DeepSeek-V3"},
                    }
                },
                indent=2,
            ),
            "settings.yaml.example": "llm:\n  model: qwen-max\n",
            "package.json.example": '{"name": "x", "model": "gpt-4o"}',
        },
    )
    assert sorted((ev.identity, ev.location.path) for ev in found) == [
        ("api:alibaba/qwen-max", "settings.yaml.example"),
        ("api:siliconflow/Pro/deepseek-ai/DeepSeek-V3", "config.json.template"),
    ]


def test_curl_request_bodies_in_shell_scripts_are_raw_api_calls(tmp_path: Path) -> None:
    # A JSON body in single quotes spans lines; one the API would refuse (a trailing comma)
    # still names its model; a body with no literal URL or a variable model names none.
    found, _ = scan(
        tmp_path,
        {
            "call.sh": """\
            curl --location 'https://dashscope.aliyuncs.com/api/v1/services/aigc/generation' \\
            --header 'Content-Type: application/json' \\
            --data '{
                "model": "some-dashscope-model-v1",
                "input": {"prompt": "hi"}
            }'
            curl https://api.openai.com/v1/chat/completions -d '{"model": "gpt-4o-mini",}'
            curl "$BASE/v1/chat" -d '{"model": "gpt-4o"}'
            curl https://api.openai.com/v1/chat/completions -d '{"model": "$MODEL"}'
            """,
        },
    )
    assert {(ev.identity, ev.location.line) for ev in found} == {
        ("api:alibaba/some-dashscope-model-v1", 4),
        ("api:openai/gpt-4o-mini", 7),
    }


def test_entrypoint_defaults_and_lists_of_named_models(tmp_path: Path) -> None:
    # `${VAR:-default}` with no ARG/ENV above still runs its default; a list of entries under
    # a model key (a CI matrix) names one model per entry's `name`.
    found, _ = scan(
        tmp_path,
        {
            "Dockerfile": """\
            FROM vllm/vllm-openai:latest
            ENTRYPOINT python3 -m vllm.entrypoints.openai.api_server \\
                --model ${MODEL_NAME:-example-org/example-7b-instruct}
            """,
            "ci.yaml": """\
            strategy:
              matrix:
                model:
                  - name: example-org/example-2b-it
                    tag: registry/example-2b:latest
                  - name: other-org/other-1b
                    tag: registry/other-1b:latest
            """,
        },
    )
    assert {ev.identity for ev in found} == {
        "hf:example-org/example-7b-instruct@unpinned",
        "hf:example-org/example-2b-it@unpinned",
        "hf:other-org/other-1b@unpinned",
    }


def test_a_dockerfile_heredoc_script_is_run_line_by_line(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "ollama.Dockerfile": """\
            FROM ollama/ollama:0.6.6
            RUN <<EOF
            ollama serve &
            ollama pull some-embed-text
            EOF
            """,
        },
    )
    assert {(ev.identity, ev.location.line) for ev in found} == {
        ("ollama:some-embed-text:latest", 4),
    }


def test_ollama_chart_operations_are_not_models_and_created_models_are(tmp_path: Path) -> None:
    # otwld's chart: `run:` with every entry commented out is empty, not a model called "run";
    # `create:` entries are models the chart builds and serves under their name.
    found, _ = scan(
        tmp_path,
        {
            "values.yaml": """\
            ollama:
              models:
                pull:
                  - some-model
                run:
                  # - other-model
                create:
                  - name: some-model-ctx
                    template: |
                      FROM some-model
            """,
        },
    )
    assert {ev.identity for ev in found} == {
        "ollama:some-model:latest",
        "ollama:some-model-ctx:latest",
    }


def test_a_modelfile_written_by_a_script_is_read_at_the_scripts_lines(tmp_path: Path) -> None:
    found, _ = scan(
        tmp_path,
        {
            "ops/start.sh": """\
            #!/bin/sh
            cat > /tmp/Modelfile <<'EOF'
            FROM /srv/weights/tiny-7b.Q4_K_M.gguf
            PARAMETER stop "[/INST]"
            EOF
            ollama create tiny -f /tmp/Modelfile
            cat <<EOF > notes.txt
            FROM here we go
            EOF
            """
        },
    )
    got = {(ev.identity, ev.location.line) for ev in found}
    assert got == {("local:/srv/weights/tiny-7b.Q4_K_M.gguf", 3)}


def test_a_container_path_compose_mounts_from_the_tree_is_the_tree_path(tmp_path: Path) -> None:
    files = {
        "docker-compose.yaml": """\
        services:
          ollama:
            image: ollama/ollama
            volumes:
              - ollama_data:/root/.ollama
              - ./weights:/root/.ollama/models
              - ./weights/run.sh:/run.sh
        """,
        "weights/run.sh": """\
        cat > /tmp/Modelfile <<EOF
        FROM /root/.ollama/models/tiny-3b-q4_k_m.gguf
        EOF
        ollama create tiny -f /tmp/Modelfile
        """,
        "Modelfile": "FROM /opt/elsewhere/x.gguf\n",
    }
    found, _ = scan(tmp_path, files)
    got = {ev.identity: ev for ev in found}
    # Not in the checkout (gitignored weights): still the tree path, marked so.
    ev = got["local:weights/tiny-3b-q4_k_m.gguf"]
    assert ev.attributes["container_path"] == "/root/.ollama/models/tiny-3b-q4_k_m.gguf"
    assert ev.attributes["not_in_checkout"] == "path not in the checkout"
    assert ev.location.path == "weights/run.sh" and ev.location.line == 2
    assert "local:/opt/elsewhere/x.gguf" in got  # no mount there: the container's own path
    # Present in the checkout: pinned by the file itself.
    (tmp_path / "weights" / "tiny-3b-q4_k_m.gguf").write_bytes(b"GGUF")
    found, _ = scan(tmp_path, {})
    ev = {e.identity: e for e in found}["local:weights/tiny-3b-q4_k_m.gguf"]
    assert ev.attributes["weights_path"] == "weights/tiny-3b-q4_k_m.gguf"


def test_hostile_compose_and_heredocs_are_bounded(tmp_path: Path) -> None:
    # A heredoc that never ends, a compose file that is no YAML, a mount climbing out.
    files = {
        "a.sh": "ollama serve &\ncat > Modelfile <<EOF\nFROM /m/x.gguf\n"
        + "PARAMETER x y\n" * 5000,
        "compose.yaml": "services:\n  s: {volumes: [unclosed\n",
        "sub/compose.yml": "services:\n  s:\n    volumes: ['../../../etc:/m']\n",
    }
    found, tree = scan(tmp_path, files)
    assert {ev.identity for ev in found} == {"local:/m/x.gguf"}
    assert any(s.path == "compose.yaml" for s in tree.skipped)


def test_templates_are_read_as_the_format_they_render_to(tmp_path: Path) -> None:
    files = {
        # Terraform templatefile() values for the otwld Ollama chart (0.x: ollama.models).
        "deploy/ollama-values.tpl": """\
        image:
          tag: "${tag}"
        ollama:
          gpu:
            enabled: true
          models:
            - phi3
        service:
          port: ${port}
        """,
        "conf/app.yaml.j2": """\
        {# rendered by the installer #}
        llm:
          provider: openai
          model: "{{ llm_model | default('gpt-4o-mini') }}"
        {% if use_local %}
        ollama:
          model: {{ local_model }}
        {% endif %}
        """,
        "charts/values.yaml.gotmpl": """\
        {{- if .Values.enabled }}
        server:
          env:
            - name: MODEL_ID
              value: {{ .Values.model | default "org-a/tiny-chat-1b" }}
        {{- end }}
        """,
        "web/page.html.j2": "<html>{{ model }} model: {{ x }}</html>\n",
        "mail.j2": "Dear {{ name }},\nthe model: {{ model }} is ready\n",
    }
    found, tree = scan(tmp_path, files)
    got = {(ev.location.path, ev.identity, ev.location.line) for ev in found}
    assert got == {
        ("deploy/ollama-values.tpl", "ollama:phi3:latest", 7),
        ("conf/app.yaml.j2", "api:openai/gpt-4o-mini", 4),
        ("charts/values.yaml.gotmpl", "hf:org-a/tiny-chat-1b@unpinned", 5),
    }
    pulled = next(ev for ev in found if ev.identity == "ollama:phi3:latest")
    assert pulled.attributes.get("listed") is None
    assert pulled.attributes["command"] == "ollama pull"
    assert list(tree.skipped) == []


def test_hostile_templates_are_skips_or_nothing(tmp_path: Path) -> None:
    from gate.discover.configs import templates

    # An expression never spans a brace (a scan from each unclosed opening stops at the next
    # one: a line of thousands of `{{` stays linear) and lines keep their count.
    assert templates.neutralise("a: {{ x {{ y }}") == "a: {{ x ${tpl}"
    flood = "model: " + "{{" * 4990 + "\n" + "{%" * 4990
    assert templates.neutralise(flood).count("\n") == 1
    files = {
        "a.tpl": "model: [unclosed {{ x }}\nllm: ${y}\n",
        "b.tftpl": "{{ {{ {{ model }} }} }}\n" + "{" * 20000 + "\n",
        "c.tpl": "a: &a [x, x]\nb: &b [*a, *a, *a]\nmodel: " + "[" * 5000 + "\n",
    }
    found, tree = scan(tmp_path, files)
    assert found == []
    skipped = {s.path for s in tree.skipped}
    assert "a.tpl" in skipped and all("template read as YAML" in s.reason for s in tree.skipped)


def test_the_trees_own_training_output_is_not_a_component(tmp_path: Path) -> None:
    recipe_cell = {
        "cell_type": "code",
        "metadata": {},
        "outputs": [],
        "execution_count": None,
        "source": [
            "%%writefile /content/train/sft.yaml\n",
            "model_name_or_path: org-a/tiny-base-1b\n",
            "output_dir: /mnt/drive/runs/sft-out/\n",
        ],
    }
    load_cell = {
        **recipe_cell,
        "source": [
            "from peft import AutoPeftModelForCausalLM\n",
            'finetuned_model_id = "/mnt/drive/runs/sft-out"\n',
            "model = AutoPeftModelForCausalLM.from_pretrained(finetuned_model_id)\n",
        ],
    }
    notebook = {
        "cells": [recipe_cell, load_cell],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    files = {
        "train.ipynb": json.dumps(notebook),
        "configs/merge.yaml": "output:\n  merged_dir: /models/merged/mine\n",
        "docker-compose.yml": """\
        services:
          llm:
            image: vllm/vllm-openai:latest
            command: vllm serve /models/merged/mine
          other:
            image: vllm/vllm-openai:latest
            command: vllm serve /models/bought/theirs
        """,
        "run.sh": "python train.py --output_dir /srv/out/lora\nMODEL_PATH=/srv/out/lora\n",
    }
    tree_root = tmp_path
    found, _ = scan(tree_root, files)
    ids = {ev.identity for ev in found}
    assert "hf:org-a/tiny-base-1b@unpinned" in ids  # the base stays a component
    assert "local:/models/bought/theirs" in ids  # a folder no recipe writes stays
    assert not ids & {"local:/mnt/drive/runs/sft-out", "local:/models/merged/mine"}
    assert "local:/srv/out/lora" not in ids
    ctx = DiscoverContext()
    tree = Tree.walk(tree_root)
    list(configs.discover(tree, ctx))
    trained = {e["id"]: e["written_by"] for e in ctx.facts.properties["trained_here"]}  # type: ignore[union-attr,index]
    assert trained == {
        "local:/mnt/drive/runs/sft-out": "train.ipynb cell 1 (%%writefile /content/train/sft.yaml)",
        "local:/models/merged/mine": "configs/merge.yaml:2",
        "local:/srv/out/lora": "run.sh",
    }


def test_hostile_recipes_do_not_break_the_output_pass(tmp_path: Path) -> None:
    deep = "output:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(200))
    files = {
        "a.yaml": deep + "  " * 201 + "output_dir: /x/y\n",
        "b.json": '{"output_dir": ' * 3000,
        "c.sh": "python t.py --output_dir 'unclosed\nMODEL_PATH=/opt/m/z\n",
        "d.ipynb": '{"cells": "not a list", "output_dir": "/opt/m/z"}',
    }
    found, _ = scan(tmp_path, files)
    assert {ev.identity for ev in found} == {"local:/opt/m/z"}


def test_a_relative_model_folder_in_a_shell_script_is_a_tree_path(tmp_path: Path) -> None:
    files = {
        "app/run_vllm.sh": """\
        python3 -m vllm.entrypoints.openai.api_server \\
          --model ./models/Tiny-Chat-7B \\
          --served-model-name tiny
        python eval.py --model ../../outside/x
        docker run -v ./w:/w vllm/vllm-openai --model ./in-container
        """,
        "Dockerfile": "FROM python:3.11\nWORKDIR /app\nCMD python serve.py --model ./models/m\n",
        # A commented-out line ends the command (bash does not continue a comment).
        "app/two.sh": """\
        CUDA_VISIBLE_DEVICES=0,1 \\
        # VLLM_ATTENTION_BACKEND=FLASHINFER \\
        vllm serve ./models/Other-2B \\
          --port 8001
        """,
    }
    found, _ = scan(tmp_path, files)
    got = {(ev.location.path, ev.identity, ev.location.line) for ev in found}
    assert got == {
        ("app/run_vllm.sh", "local:app/models/Tiny-Chat-7B", 1),
        ("app/two.sh", "local:app/models/Other-2B", 3),
    }


def test_an_engine_key_names_only_a_known_hosted_model(tmp_path: Path) -> None:
    # The legacy OpenAI SDK's engine= (a config passing it on); a database or template
    # engine is no model.
    found, _ = scan(
        tmp_path,
        {
            "run.json": json.dumps(
                {"default": {"model_name": "label", "engine": "gpt-3.5-turbo-0613"}}
            ),
            "settings.yaml": """
            model_label: x
            database:
              engine: postgres
            templates:
              engine: jinja2
            search:
              engine: duckduckgo
            """,
        },
    )
    assert {ev.identity for ev in found} == {"api:openai/gpt-3.5-turbo-0613"}


def test_a_saved_conversation_names_no_model_the_release_calls(tmp_path: Path) -> None:
    messages = [
        {"role": "user", "content": "hi", "model": {"provider": "OpenAI", "name": "4o-Mini"}},
        {"role": "assistant", "content": "hello", "model": "gpt-4o-mini"},
    ]
    found, _ = scan(
        tmp_path,
        {
            "conversationHistory.json": json.dumps(messages),
            "settings.json": json.dumps({"model": "gpt-4o-mini"}),
        },
    )
    assert [(ev.identity, ev.location.path) for ev in found] == [
        ("api:openai/gpt-4o-mini", "settings.json")
    ]


def test_an_evaluation_tools_results_file_names_nothing_the_release_uses(tmp_path: Path) -> None:
    results = {
        "results": {"some_task": {"acc": 0.5}},
        "configs": {"some_task": {"dataset_path": "some-org/some-bench"}},
        "versions": {"some_task": 1},
        "config": {"model": "hf", "model_args": "pretrained=some-org/some-model"},
        "model_name": "some-org/some-model",
    }
    found, _ = scan(
        tmp_path,
        {
            "results/results_2024-01-01.json": json.dumps(results),
            "eval.json": json.dumps({"model_name": "some-org/some-model"}),
        },
    )
    assert [(ev.identity, ev.location.path) for ev in found] == [
        ("hf:some-org/some-model@unpinned", "eval.json")
    ]
