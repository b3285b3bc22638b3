"""The imports a Python module's analysis gives back (``Outcome.imports``) are what the
cross-module pass would read from a second parse, and the pass answers the same with them."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from gate.discover import python, scanning
from gate.discover.base import DiscoverContext
from gate.discover.python import imports
from gate.discover.tree import Tree
from gate.pipeline import scanning as pipeline

_WITH_EVIDENCE = textwrap.dedent(
    """
    import os, transformers.models as tm
    from .helpers import load
    from . import ms_local, other as o
    from ms_embeddings import ModelScopeEmbeddings
    def f():
        import modelscope.hub
        try:
            from openai import OpenAI
        except ImportError:
            pass
    embedding_model_dict = {"corom": "damo/nlp_corom_sentence-embedding_chinese-base"}
    """
)


def test_a_module_with_evidence_gives_its_import_roots() -> None:
    data = _WITH_EVIDENCE.encode()
    outcome = python.analyse_file("app.py", data, pending=True)
    assert outcome.evidence
    assert outcome.imports == imports.import_roots(ast.parse(_WITH_EVIDENCE))
    assert outcome.imports == {
        "os",
        "transformers",
        "helpers",
        "ms_local",
        "other",
        "ms_embeddings",
        "modelscope",
        "openai",
    }
    # not asked for (pending=False: not the scan's own analysis)
    assert python.analyse_file("app.py", data).imports is None


@pytest.mark.parametrize(
    "source",
    [
        "import transformers\nx = 1\n",  # nothing found
        "from openai import OpenAI\nclient = OpenAI(\nmodel = 'gpt-4o'\n",  # recovered
    ],
)
def test_a_module_without_evidence_or_cleanly_parsed_tree_gives_none(source: str) -> None:
    assert python.analyse_file("app.py", source.encode(), pending=True).imports is None


def _app(root: Path) -> None:
    (root / "ms_embeddings.py").write_text(
        textwrap.dedent(
            """
            class ModelScopeEmbeddings:
                def __init__(self, model_id):
                    from modelscope.pipelines import pipeline
                    self.pipe = pipeline("sentence-embedding", model=model_id)
            """
        )
    )
    (root / "app.py").write_text(
        textwrap.dedent(
            """
            from ms_embeddings import ModelScopeEmbeddings
            embedding_model_dict = {"corom": "damo/nlp_corom_sentence-embedding_chinese-base"}
            """
        )
    )
    (root / "hf_app.py").write_text(
        'import transformers\nfrom ms_embeddings import x\nMODEL_NAME = "Qwen/Qwen2.5-7B"\n'
    )
    (root / "plain.py").write_text('import helpers\nMODEL_NAME = "Qwen/Qwen2.5-7B"\n')
    (root / "helpers.py").write_text("import json\n")


@pytest.mark.parametrize("pooled", [False, True])
def test_the_hub_pass_answers_the_same_with_the_given_roots(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pooled: bool
) -> None:
    _app(tmp_path)
    if pooled:
        monkeypatch.setattr(scanning, "PARALLEL_MIN_BYTES", 0)
        monkeypatch.setattr(scanning, "_BATCH_BYTES", 1)
    tree = Tree.walk(tmp_path)
    files = [f for f in tree.files if f.suffix == ".py"]
    try:
        submitted = scanning.submit(tree, files, python.needles(), python._analyse_app_file)
        found, _ = submitted.collect()
    finally:
        scanning.release_pool()
    assert set(submitted.imports) == {"app.py", "hf_app.py", "plain.py"}
    given = imports.hub_through_local_imports(tree, list(found), {}, submitted.imports)
    parsed = imports.hub_through_local_imports(tree, list(found), {})
    assert [repr(e) for e in given] == [repr(e) for e in parsed]
    ids = {e.identity for e in given}
    assert ids == {
        "modelscope:damo/nlp_corom_sentence-embedding_chinese-base@unpinned",
        "hf:Qwen/Qwen2.5-7B@unpinned",
    }

    ctx = DiscoverContext(include_tests=False, history="none")
    whole = pipeline.discover(Tree.walk(tmp_path), ctx, ["python"])
    assert {e.identity for e in whole} == ids
