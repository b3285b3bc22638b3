"""A Python file ``ast.parse`` rejects is read statement by statement: one syntax error (a
missing comma in a settings dict, a Python 2 ``print``) never silences the rest of it."""

from __future__ import annotations

import ast
import textwrap

from gate.discover import python
from gate.discover.python import recover


def analyse(source: str) -> python.scanning.Outcome:
    return python.analyse_file("config.py", textwrap.dedent(source).lstrip().encode())


def test_a_dict_missing_a_comma_is_read_as_a_literal() -> None:
    out = analyse(
        """
        import os
        init_llm = "ChatGLM2-6B"
        llm_model_dict = {
            "chatglm2": {
                "ChatGLM2-6B": "THUDM/chatglm2-6b",
            }
            "internlm": {
                "internlm-chat-7b": "internlm/internlm-chat-7b",
            },
        }
        """
    )
    got = {(ev.identity, ev.location.line, ev.location.column) for ev in out.evidence}
    assert got == {
        ("hf:THUDM/chatglm2-6b@unpinned", 5, 24),
        ("hf:internlm/internlm-chat-7b@unpinned", 8, 29),
    }
    assert all(ev.attributes.get("listed") is True for ev in out.evidence)
    assert all(ev.attributes.get("recovered") is True for ev in out.evidence)
    [(path, reason)] = out.skipped
    assert path == "config.py"
    assert "not parseable by Python" in reason and "(line 4)" in reason
    assert "lines 3-10 read as literal values only" in reason


def test_statements_around_a_python2_line_are_read_as_code() -> None:
    out = analyse(
        """
        from transformers import AutoModel

        print "loading"

        @decorated
        def load():
            if True:
                return AutoModel.from_pretrained("bert-base-uncased")
            else:
                pass

        model = AutoModel.from_pretrained("Qwen/Qwen2.5-7B")
        """
    )
    assert sorted(ev.identity for ev in out.evidence) == [
        "hf:Qwen/Qwen2.5-7B@unpinned",
        "hf:google-bert/bert-base-uncased@unpinned",
    ]
    [(_, reason)] = out.skipped
    assert reason.endswith("read statement by statement; line 3 not read")


def test_what_is_not_a_literal_is_left_out_and_said_so() -> None:
    rec = recover.recover('MODELS = [f"{org}/x" 1]\nOTHER = call(1 2)\nNAME = "gpt-4o"\n')
    assert rec is not None
    assert rec.dropped == [(1, 1), (2, 2)] and rec.literal == []
    assert len(rec.module.body) == 1 and rec.module.body[0].lineno == 3
    assert rec.note() == "read statement by statement; line 1, line 2 not read"


def test_a_file_with_nothing_readable_stays_a_skip() -> None:
    out = analyse('x = "Qwen/Qwen2.5-7B" +\n')
    assert out.evidence == []
    [(_, reason)] = out.skipped
    assert "read statement" not in reason


def test_implicit_concatenation_and_tuples_in_a_literal() -> None:
    rec = recover.recover('MODELS = ("Qwen/" "Qwen2.5-7B" "org/a", -1, None\n  "b")\nx = )\n')
    assert rec is not None and rec.literal == [(1, 2)] and rec.dropped == [(3, 3)]
    stmt = rec.module.body[0]
    assert isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Tuple)
    values = [e.value for e in stmt.value.elts if isinstance(e, ast.Constant)]
    assert values == ["Qwen/Qwen2.5-7Borg/a", -1, None, "b"]
