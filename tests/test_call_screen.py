"""Calls whose callee ends in a word no call-table entry ends in are refused before their
qualified name is worked out (``CallReader._table_words``): no refused call has an entry."""

from __future__ import annotations

import ast
import textwrap

from gate.discover.python.analyser import Analyser
from gate.discover.python.tables import table
from gate.model import Location
from tests.suitesrc import suite_python

CRAFTED = textwrap.dedent(
    """
    import openai as oa
    from transformers import AutoModel as Loader, pipeline
    from huggingface_hub import hf_hub_download as fetch
    import boto3
    from langchain_community.chat_models import ChatTongyi
    session = boto3.Session()
    bedrock = session.client("bedrock-runtime")
    Loader.from_pretrained("bert-base-uncased")
    fetch("org/name", "f.bin")
    oa.OpenAI().chat.completions.create(model="gpt-4o")
    pipeline("text-generation", model="gpt2")
    ChatTongyi(model="qwen-max")
    make = Loader.from_pretrained
    make("x/y")
    len([1]); print("x"); torch.cat([a, b]); self.norm(h); (lambda: 1)(); fns[0]("x")
    """
)

OPEN_GLOBS = textwrap.dedent(
    """
    qianfan = build()
    qianfan.resources.ChatCompletion(model="ERNIE-4.0-8K")
    haystack.components.generators.HuggingFaceAPIGenerator(api_type="x")
    """
)

FULLWIDTH = "ｑｉａｎｆａｎ = build()\nqianfan.resources.Anything(model='ERNIE-4.0-8K')\n"


def _snippets() -> list[str]:
    """The Python sources written in this suite's tests (SDK calls of every kind)."""
    return [
        CRAFTED,
        OPEN_GLOBS,
        FULLWIDTH,
        *suite_python(lambda text: "import" in text and "(" in text),
    ]


def test_no_call_the_screen_refuses_has_a_call_table_entry() -> None:
    refused = entries = 0
    for source in _snippets():
        analyser = Analyser(
            ast.parse(source), source, source.splitlines(), lambda a, b: Location("m", a, b), "py"
        )
        analyser._index(analyser.module, analyser.root, None)
        for call, scope in analyser.calls:
            qual = analyser._qualname(call.func, scope)
            spec = table().lookup(qual) if qual else None
            entries += spec is not None
            if not analyser._may_be_listed(call.func):
                refused += 1
                assert spec is None, (qual, source)
        analyser.release()
    assert entries > 100 and refused > 150


def test_a_module_naming_an_open_glob_start_is_not_screened() -> None:
    for source in (OPEN_GLOBS, FULLWIDTH):
        analyser = Analyser(
            ast.parse(source), source, source.splitlines(), lambda a, b: Location("m", a, b), "py"
        )
        assert analyser._table_words() is None
    assert any(
        table().lookup(name) is not None
        for name in ("qianfan.resources.Anything", "haystack.components.x.HuggingFaceAPIGenerator")
    )
