"""Configs that name models: YAML, JSON, TOML, INI, ``.env``; serving containers; notebooks.

* Keys that name a model (``model``, ``EMBEDDING_MODEL``, ``repo_id``...; see
  ``data/config_vocabulary.yaml``) are read with their siblings and parents: a ``provider`` or
  ``base_url`` next to the model, or a parent key naming a provider, decides the identity
  (medium confidence). LiteLLM proxy ``model_list`` entries read ``litellm_params``.
* Containers (docker-compose services, Kubernetes pods, Helm values, Dockerfiles) running
  vLLM, TGI, TEI, SGLang, llama.cpp or Ollama: their ``--model`` arguments, model
  environment variables and ``ollama pull`` commands (high confidence).
* Ollama ``Modelfile`` ``FROM``/``ADAPTER``; MLflow ``MLmodel``; DVC ``.dvc`` outputs and
  imports; Jupyter notebooks, whose code cells are read as Python (location = cell and line)
  and whose ``!`` lines as shell commands.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from gate.discover import (
    assistant_catalogue,
    loaders,
    refs,
    scanning,
)
from gate.discover.base import DiscoverContext
from gate.discover.configs import (
    mounts,
    outputs,
    sqldump,
    supervisor,
    templates,
    terraform,
)
from gate.discover.configs.dockerfile import _dockerfile
from gate.discover.configs.documents import (
    _ini,
    _properties,
    _toml,
    _yaml_or_json,
    heredoc_manifests,
)
from gate.discover.configs.envfiles import _dotenv, _shell
from gate.discover.configs.kinds import _NEEDLES, _WORTH, _kind
from gate.discover.configs.manifests import read as extension_settings
from gate.discover.configs.mlops import _dvc, _is_modelfile, _maybe_modelfile, _modelfile
from gate.discover.configs.notebooks import MAX_NOTEBOOK_BYTES, _notebook
from gate.discover.tree import Tree, TreeFile
from gate.model import Evidence


def discover(tree: Tree, ctx: DiscoverContext) -> Iterator[Evidence]:
    """Yield model references found in the tree's configs, containers and notebooks."""
    pooled: list[TreeFile] = []
    shared: list[TreeFile] = []
    local: list[tuple[TreeFile, str]] = []
    reads = refs.readable(tree, ctx.include_tests)
    assistant_configs = assistant_catalogue.catalogue()
    for tf in tree.files:
        kind = _kind(tf)
        if kind is None and _maybe_modelfile(tf):
            kind = "modelfile?"
        if kind is None or not reads(tf.rel):
            continue
        # An assistant's own settings (.claude/settings.json, .aider.conf.yml, .continue/…)
        # name the model that wrote code, not one the release calls: the assistants source
        # records them on the assistant. Workflows are read by both (rule.assistant is None).
        rule = assistant_configs.config_rule(tf.rel)
        if rule is not None and rule.assistant is not None:
            continue
        if kind in ("modelfile", "dvc", "modelfile?"):
            local.append((tf, kind))
        elif tf.name == "pyproject.toml" or (rule is not None and rule.format == "workflow"):
            shared.append(tf)
        else:
            pooled.append(tf)
    ctx.observer.stage("configs", len(pooled) + len(shared) + len(local))
    needles = tuple(n.encode() for n in _NEEDLES)
    # A notebook's bytes are mostly its outputs (images as base64): its bound is its own,
    # and the bound on code applies to its cells' source (``notebooks.MAX_CELL_SOURCE``).
    books = [tf for tf in pooled if tf.suffix == ".ipynb"]
    if books:
        pooled = [tf for tf in pooled if tf.suffix != ".ipynb"]
    found, _ = scanning.scan(tree, pooled, needles, analyse_file, observer=ctx.observer)
    if books:
        found += scanning.scan(
            tree, books, needles, analyse_file, observer=ctx.observer, limit=MAX_NOTEBOOK_BYTES
        )[0]
    # Read by another source too (dependencies, assistants): parsed here, in this process,
    # where that source finds the parsed document instead of parsing the file again.
    with loaders.share():
        found += scanning.scan(
            tree, shared, needles, analyse_file, observer=ctx.observer, parallel=False
        )[0]
    rels = {f.rel for f in tree.files}
    for tf, kind in local:
        text = tree.read_text(tf, 1_000_000)
        if text is None:
            continue
        if kind == "modelfile?" and not _is_modelfile(text):
            continue
        reader = _dvc if kind == "dvc" else _modelfile
        outcome = reader(tf.rel, text, rels)
        found.extend(outcome.evidence)
        for rel, reason in outcome.skipped:
            tree.skip(rel, reason)
    ctx.observer.done()
    found = mounts.remap(found, tree)
    found = outputs.set_aside(found, tree, ctx)
    yield from refs.finish(tree, ctx, found)


def analyse_file(rel: str, data: bytes) -> scanning.Outcome:
    """Read one config file (dispatching on its name) and return its model references."""
    name = posixpath.basename(rel)
    kind = _kind(TreeFile(rel, rel))
    if kind == "sql":
        # A dump seeding a model table (COPY ... FROM stdin): read only its COPY blocks.
        if b"FROM stdin" not in data:
            return scanning.Outcome()
        return sqldump.read(rel, data.decode("utf-8", errors="replace"))
    if kind == "terraform":
        return terraform.read(rel, data)
    if kind == "manifest":
        return extension_settings(rel, data)
    if kind != "notebook" and not _WORTH.search(data):
        return scanning.Outcome()
    text = data.decode("utf-8", errors="replace")
    if templates.is_template(name):
        # ollama-values.tpl, values.yaml.j2: placeholders made plain strings, lines kept.
        text = templates.neutralise(text)
    if kind == "template":
        return _sniffed_template(rel, text)
    if kind == "notebook":
        outcome = _notebook(rel, text)
    elif kind == "dockerfile":
        outcome = _dockerfile(rel, text)
    elif kind == "dotenv":
        outcome = _dotenv(rel, text)
    elif kind == "json-text":
        is_json = text.lstrip().startswith("{") and loaders.json_doc(text).ok
        outcome = (
            _yaml_or_json(rel, text, json_file=True, mlmodel=False)
            if is_json
            else scanning.Outcome()
        )
    elif kind in ("yaml", "json", "mlmodel"):
        outcome = _yaml_or_json(rel, text, json_file=kind == "json", mlmodel=name == "MLmodel")
    elif kind == "toml":
        outcome = _toml(rel, text)
    elif kind == "ini":
        outcome = _ini(rel, text)
        if supervisor.is_supervisor(text):
            extra = supervisor.read(rel, text)
            outcome = scanning.Outcome(
                evidence=outcome.evidence + extra.evidence, skipped=outcome.skipped
            )
    elif kind == "properties":
        outcome = _properties(rel, text)
    elif kind == "conf":
        is_program = supervisor.is_supervisor(text)
        outcome = supervisor.read(rel, text) if is_program else scanning.Outcome()
    elif kind == "shell":
        outcome = _shell(rel, text)
        manifests = heredoc_manifests(rel, text)
        if manifests.evidence or manifests.skipped:
            outcome = scanning.Outcome(
                evidence=[*outcome.evidence, *manifests.evidence],
                skipped=[*outcome.skipped, *manifests.skipped],
            )
    else:
        outcome = scanning.Outcome()
    return outcome


_YAML_START = re.compile(r"^(?:[\w.\"'-]+\s*:(?:\s|$)|-\s|---)")


def _sniffed_template(rel: str, text: str) -> scanning.Outcome:
    """A template whose name does not say what it renders to: JSON when it starts like JSON,
    YAML when its first line is a key or a list item (then a parse failure is a recorded
    skip), otherwise not a config (an HTML page, a script): nothing."""
    first = next(
        (ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), ""
    )
    if first.lstrip().startswith(("{", "[")):
        parsed = loaders.json_doc(text)
        if not parsed.ok:
            return scanning.Outcome()
        return _yaml_or_json(rel, text, json_file=True, mlmodel=False)
    if not _YAML_START.match(first):
        return scanning.Outcome()
    outcome = _yaml_or_json(rel, text, json_file=False, mlmodel=False)
    return scanning.Outcome(
        evidence=outcome.evidence,
        skipped=[(path, f"template read as YAML: {why}") for path, why in outcome.skipped],
    )
