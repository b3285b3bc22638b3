"""Which config reader a file goes to, and the byte filters that skip files naming no model."""

from __future__ import annotations

import re

from gate.discover.configs import templates
from gate.discover.tree import TreeFile

NAME = "configs"
_NOTEBOOK_LIMIT = 20_000_000
_SKIP_JSON = frozenset(
    {"package.json", "package-lock.json", "composer.json", "composer.lock", "tsconfig.json"}
    | {"jsconfig.json", ".eslintrc.json", "renovate.json", ".babelrc", "Pipfile.lock"}
)
_NEEDLES = (
    "model", "Model", "MODEL", "llm", "LLM", "repo_id", "deployment_name", "azure_deployment",
    "DEPLOYMENT", "ollama", "vllm",
    "text-generation-inference", "text-embeddings-inference", "sglang", "llama.cpp",
    "huggingface", "hf.co", "source_model_name", "base_url", "BASE_URL", "api_base", "baseURL",
    "pip install", "pip3 install", "dataset", "hf download", "FROM stdin", "HF_REPO", "hf_repo",
)  # fmt: skip


# Lock files: the dependencies source reads those it knows, and none names a model in a
# key a config reader would find; parsing them twice cost 0.72x of a scan's wall time
# (issue 15). Lock files of other ecosystems are not read at all.
_LOCK_FILES = frozenset(
    {"package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", "Pipfile.lock"}
    | {"poetry.lock", "uv.lock", "pdm.lock", "Cargo.lock", "composer.lock", "Gemfile.lock"}
    | {"bun.lock", "deno.lock", "conda-lock.yml", "conda-lock.yaml", "pixi.lock"}
)


# Apps whose settings file is JSON under a .txt name (Fooocus reads and writes config.txt,
# lllyasviel/Fooocus modules/config.py, read 2026-12): read as JSON when the text is a JSON
# object, else not a config.
_JSON_TEXT_NAMES = frozenset({"config.txt"})


# A config shipped as a template of itself (config.json.template, settings.yaml.example):
# the release's defaults, read as the format under the added suffix.
_TEMPLATE_SUFFIXES = (".template", ".example", ".sample", ".dist", ".default", *templates.SUFFIXES)


def _kind(tf: TreeFile) -> str | None:
    name = tf.name
    if name in _LOCK_FILES:
        return None
    lower = name.lower()
    suffix = tf.suffix
    if suffix in _TEMPLATE_SUFFIXES and not lower.startswith(".env"):
        inner = name[: -len(suffix)]
        inner_suffix = ("." + inner.rsplit(".", 1)[1].lower()) if "." in inner else ""
        if inner_suffix in (".json", ".yaml", ".yml", ".toml"):
            name, lower, suffix = inner, inner.lower(), inner_suffix
        elif not inner_suffix and templates.is_template(name):
            return "template"  # ollama-values.tpl: the format is sniffed from the text
    if suffix == ".ipynb":
        return "notebook"
    if name == "Modelfile" or lower.endswith(".modelfile") or name.startswith("Modelfile."):
        return "modelfile"
    if suffix == ".dvc":
        return "dvc"
    if name == "MLmodel":
        return "mlmodel"
    if (
        name in ("Dockerfile", "Containerfile")
        or name.startswith("Dockerfile.")
        or (lower.endswith(".dockerfile"))
    ):
        return "dockerfile"
    if lower == ".env" or lower.startswith(".env.") or lower.endswith(".env"):
        return "dotenv"
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if name == "package.json":
        return "manifest"  # an extension's settings (configs/manifests.py), nothing else
    if suffix in (".json", ".jsonc") and name not in _SKIP_JSON:
        return "json"
    if lower in _JSON_TEXT_NAMES:
        return "json-text"
    if suffix == ".toml" and name not in ("Cargo.lock", "poetry.lock", "uv.lock"):
        return "toml"
    if suffix in (".ini", ".cfg"):
        return "ini"
    if suffix == ".properties":
        return "properties"
    if suffix == ".conf":
        return "conf"  # read only when it holds supervisord programs
    if suffix in (".sh", ".bash", ".slurm", ".sbatch"):
        return "shell"  # Slurm batch scripts are shell scripts with #SBATCH comments
    if suffix == ".sql":
        return "sql"
    if suffix == ".tf":
        return "terraform"
    return None


# A config is parsed only when a key that can name a model or an endpoint is assigned in it,
# or it runs a model server or fetches a model (the needles alone also match prose). The key
# may run on for a bounded length only: an unbounded run backtracks quadratically on long
# words (10 KB of letters took 5 s).
_WORTH = re.compile(
    rb"(?i)(?:model|llm|deployment|repo_id|hf_repo|base_?url|api_base)[\w.-]{0,64}[\"']?\s{0,16}[:=]"
    rb"|ollama|vllm|text-generation-inference|text-embeddings-inference|sglang|llama\.cpp"
    rb"|dataset[\w.-]{0,64}[\"']?\s{0,16}[:=]|--[\w-]{0,40}(?:model|dataset)"
    rb"|(?:name|action_id|block_id)[\"']?\s{0,4}:\s{0,4}[\"']?[\w.-]{0,64}(?:model|llm)"
    rb"|huggingface-cli|hf download|huggingface\.co/|hf\.co/|source_model_name|pip3? install"
)
