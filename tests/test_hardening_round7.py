"""Hostile-repository bounds of the round-7 recogniser passes (review rev-h): crafted input
gives a recorded skip or a bounded amount of work, never an internal error; work is counted,
never timed."""

from __future__ import annotations

import ast
from typing import Any

import pytest

from gate.discover import python as py
from gate.discover.configs import analyse_file, documents
from gate.discover.python import values


def test_form_feeds_before_a_supervisord_program_are_no_internal_error() -> None:
    # str.splitlines() also breaks at \x0c, \x1c, \u2028...: the command line was put at a
    # line index past the end of a list sized by "\n" (IndexError: "analysis failed").
    text = "\x0c\x0c\x0c\n[program:chat]\n\x0c\ncommand=vllm serve acme-ai/Chat-1B\n"
    out = analyse_file("deploy/chat.conf", text.encode())
    assert out.skipped == []
    assert [(ev.identity, ev.location.line) for ev in out.evidence] == [
        ("hf:acme-ai/Chat-1B@unpinned", 4)
    ]


def test_aliased_embedded_documents_are_not_read_again_and_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 64 file-named keys aliasing one block that itself holds 64 aliases of a padded block:
    # a 4.5 KB file made 4,161 YAML parses of 6.4 M characters (64 x 64 documents).
    parsed: list[int] = []
    original = documents._yaml_docs

    def counting(rel: str, text: str) -> Any:
        parsed.append(len(text))
        return original(rel, text)

    monkeypatch.setattr(documents, "_yaml_docs", counting)
    pad = "\n".join(f"    p{i}: v" for i in range(200))
    inner = (
        "inner: &c |\n    model: acme-ai/Chat-1B\n"
        + pad
        + "\n"
        + "".join(f"a{i}.yaml: *c\n" for i in range(64))
    )
    text = (
        "big: &b |\n"
        + "".join("  " + line + "\n" for line in inner.splitlines())
        + "".join(f"k{i}.yaml: *b\n" for i in range(64))
    )
    out = documents._yaml_or_json("k8s/x.yaml", text, json_file=False, mlmodel=False)
    assert 0 < sum(parsed) <= 4 * len(text)
    assert [reason for _, reason in out.skipped] == [
        "embedded documents larger than the file (YAML aliases): the rest not read"
    ]


def test_many_uses_in_one_statement_walk_it_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # One statement holding n calls that each use a name assigned in two if-arms: every use
    # walked the whole statement to find itself (n x n nodes).
    def walked(n: int) -> int:
        count = [0]
        original = ast.iter_child_nodes

        def counting(node: ast.AST) -> Any:
            count[0] += 1
            return original(node)

        calls = ", ".join("OpenAI().chat.completions.create(model=m)" for _ in range(n))
        src = (
            "from openai import OpenAI\n"
            "def f(p):\n"
            "    if p:\n"
            '        m = "gpt-4o"\n'
            "    else:\n"
            '        m = "gpt-4o-mini"\n'
            "    if p:\n"
            f"        x = [{calls}]\n"
        )
        monkeypatch.setattr(values.ast, "iter_child_nodes", counting)
        try:
            out = py.analyse_file("app.py", src.encode())
        finally:
            monkeypatch.setattr(values.ast, "iter_child_nodes", original)
        assert len(out.evidence) == 2 * n
        return count[0]

    small, large = walked(50), walked(400)
    assert 0 < large <= 8 * small * 1.5  # linear: 8 x the calls, not 64 x the walk


def test_form_feeds_do_not_shift_a_recovered_module() -> None:
    # A file ast.parse rejects is read statement by statement; the statements' lines come
    # from the tokenizer (lines end at "\n") but the source was cut with str.splitlines(),
    # which also ends a line at a form feed: every statement was read from the wrong lines,
    # and the unread ones were not named in the skip.
    text = (
        "\x0c\x0c\x0c\nimport openai\nc = openai.OpenAI()\n"
        'c.chat.completions.create(model="gpt-4o")\n'
        "def broken(:\n    pass\n"
        'c.chat.completions.create(model="gpt-4o-mini")\n'
    )
    out = py.analyse_file("app.py", text.encode())
    assert [(ev.identity, ev.location.line) for ev in out.evidence] == [("api:openai/gpt-4o", 4)]
    assert [reason.rsplit("; ", 1)[-1] for _, reason in out.skipped] == ["lines 5-7 not read"]


def test_a_long_redirect_line_is_read_in_one_pass() -> None:
    # `\S+\.` backtracked from every ">" over the rest of the line: 40 KB of ">a" after a
    # here-document took 2 s, 100 KB about a minute (the file name now ends at a ">").
    text = (
        "cat <<EOF " + ">a" * 50_000 + "\nEOF\n"
        "cat > k8s/chat.yaml <<'EOF'\nmodel: acme-ai/Chat-1B\nEOF\n"
    )
    out = documents.heredoc_manifests("deploy/install.sh", text)
    assert [(ev.identity, ev.location.line) for ev in out.evidence] == [
        ("hf:acme-ai/Chat-1B@unpinned", 4)
    ]


def _count_python_clients_asked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the Python call reader's questions "which clients is this expression?"."""
    from gate.discover.python import calls

    asked = [0]
    original = calls.CallReader._clients

    def counting(self: Any, expr: ast.expr, scope: Any, depth: int) -> Any:
        asked[0] += 1
        return original(self, expr, scope, depth)

    monkeypatch.setattr(calls.CallReader, "_clients", counting)
    return asked


def test_a_client_passed_down_many_callers_is_asked_once_a_parameter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # f0(c) uses a client; f1 calls f0(c) eight times, f2 calls f1(c) eight times...: each
    # caller was asked again for every call site below it (8 levels deep: 8**8 walks, the
    # clients list as long).
    asked = _count_python_clients_asked(monkeypatch)
    src = (
        "from openai import OpenAI\n\n"
        "def f0(c):\n    return c.chat.completions.create(model='gpt-4o')\n"
    )
    for k in range(1, 7):
        src += f"\ndef f{k}(c):\n" + f"    f{k - 1}(c)\n" * 8
    src += (
        "\nf6(OpenAI())\n\ndef loop(c):\n    loop(c)\n    loop(c)\n"
        "    c.chat.completions.create(model='gpt-4o-mini')\n\nloop(OpenAI())\n"
    )
    out = py.analyse_file("app.py", src.encode())
    assert {(ev.identity, ev.location.line) for ev in out.evidence} == {
        ("api:openai/gpt-4o", 4),
        ("api:openai/gpt-4o-mini", 71),
    }
    assert 0 < asked[0] < 200


def test_a_client_returned_through_many_factories_is_asked_once_a_function(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # g1 returns one of eight calls to g0, g2 one of eight calls to g1...: each factory was
    # asked again for every return above it (8**5 walks, the client listed 8**5 times).
    asked = _count_python_clients_asked(monkeypatch)
    src = "from openai import OpenAI\n\ndef g0(x):\n    return OpenAI()\n"
    for k in range(1, 6):
        src += f"\ndef g{k}(x):\n" + "".join(
            f"    if x == {i}:\n        return g{k - 1}(x)\n" for i in range(8)
        )
    src += "\nc = g5(1)\nc.chat.completions.create(model='gpt-4o')\n"
    out = py.analyse_file("app.py", src.encode())
    assert [ev.identity for ev in out.evidence] == ["api:openai/gpt-4o"]
    assert 0 < asked[0] < 200


def test_a_js_client_bound_through_layers_of_names_is_asked_once_a_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Six names a layer, each assigned every name of the layer below, five layers: each name
    # was asked again on every path to it (6**5 walks, 7,776 evidence items of 6 clients).
    from gate.discover import javascript as js
    from gate.discover.javascript import calls as jscalls

    asked = [0]
    original = jscalls.CallReader._clients

    def counting(self: Any, node: Any, depth: int) -> Any:
        asked[0] += 1
        return original(self, node, depth)

    monkeypatch.setattr(jscalls.CallReader, "_clients", counting)
    lines = ['import OpenAI from "openai";']
    lines += [f"var n5_{i} = new OpenAI();" for i in range(6)]
    for k in range(4, -1, -1):
        for i in range(6):
            lines.append(f"var n{k}_{i};")
            lines += [f"n{k}_{i} = n{k + 1}_{j};" for j in range(6)]
    lines.append('n0_0.chat.completions.create({model: "gpt-4o"});')
    out = js.analyse_file("app.js", "\n".join(lines).encode())
    assert {ev.identity for ev in out.evidence} == {"api:openai/gpt-4o"}
    assert len(out.evidence) <= 6
    assert 0 < asked[0] < 500


def test_many_elif_arms_are_told_apart_per_pair_not_per_arm(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A name assigned in each arm of an elif chain of k arms, used u times in its else: each
    # (assignment, use) pair compared every arm of the use (u x k x k/2 look-ups).
    ops = [0]

    class Counting(dict[int, str]):
        def get(self, key: int, default: Any = None) -> Any:  # type: ignore[override]
            ops[0] += 1
            return super().get(key, default)

        def items(self) -> Any:
            for pair in super().items():
                ops[0] += 1
                yield pair

        def __reversed__(self) -> Any:
            for key in super().__reversed__():
                ops[0] += 1
                yield key

    original = values.ValueReader._arms_uncached
    monkeypatch.setattr(
        values.ValueReader,
        "_arms_uncached",
        lambda self, node: Counting(original(self, node)),
    )
    k = u = 200
    src = "from openai import OpenAI\nc = OpenAI()\ndef f(p):\n    if p == -1:\n        m = 'x'\n"
    src += "".join(f"    elif p == {i}:\n        m = 'gpt-4o'\n" for i in range(k))
    src += "    else:\n" + "        c.chat.completions.create(model=m)\n" * u
    out = py.analyse_file("app.py", src.encode())
    assert out.evidence == []  # m is never assigned on the way to the else
    assert 0 < ops[0] <= 10 * k * u


def test_an_env_file_of_many_urls_and_models_is_read_in_one_pass() -> None:
    # Each model variable scanned every URL variable for its stem or provider: n of each
    # was n x n steps (8,000 of each: 6 s). Lines run in envfiles.py are counted.
    import sys
    from types import FrameType

    from gate.discover.configs import envfiles

    def steps(n: int) -> int:
        text = "".join(f"S{i}_BASE_URL=http://h{i}.example/v1\n" for i in range(n))
        text += "".join(f"M{i}_MODEL=gpt-4o\n" for i in range(n))
        count = [0]

        def tracer(frame: FrameType, event: str, arg: Any) -> Any:
            if frame.f_code.co_filename != envfiles.__file__:
                return None
            count[0] += 1
            return tracer

        sys.settrace(tracer)
        try:
            out = envfiles._dotenv(".env", text)
        finally:
            sys.settrace(None)
        assert len(out.evidence) == n
        return count[0]

    small, large = steps(200), steps(800)
    assert 0 < large <= 6 * small  # linear: 4 x the lines, not 16 x the steps


def test_a_js_lookup_table_is_read_once_not_once_a_lookup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # MAP[k] with a computed key reads every value of the table: u lookups of a table of n
    # entries read it u times (4,000 entries x 400 lookups: 1.6 M nodes, 10 s).
    from gate.discover import javascript as js
    from gate.discover.javascript import values as jsvalues

    unwrapped = [0]
    original = jsvalues._unwrap

    def counting(node: Any) -> Any:
        unwrapped[0] += 1
        return original(node)

    monkeypatch.setattr(jsvalues, "_unwrap", counting)
    n, u = 1000, 200
    src = 'import OpenAI from "openai";\nconst c = new OpenAI();\nconst MAP = {'
    src += ",".join(f'k{i}: "acme-ai/M-{i}"' for i in range(n)) + "};\n"
    src += "".join(f"c.chat.completions.create({{model: MAP[k{j}]}});\n" for j in range(u))
    out = js.analyse_file("app.js", src.encode())
    assert out.evidence
    assert 0 < unwrapped[0] <= 2 * n + 20 * u


def test_a_python_dict_is_indexed_once_not_scanned_per_lookup(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # MAP["k"] compared every key of the table: n keys x u lookups (the pairs zipped in
    # values.py are counted).
    zipped = [0]

    def counting_zip(*args: Any, **kwargs: Any) -> Any:
        for item in zip(*args, **kwargs):  # noqa: B905 (the caller passes strict=)
            zipped[0] += 1
            yield item

    monkeypatch.setattr(values, "zip", counting_zip, raising=False)
    n, u = 2000, 200
    src = "from openai import OpenAI\nc = OpenAI()\nMAP = {"
    src += ", ".join(f'"k{i}": "gpt-4o"' for i in range(n)) + "}\n"
    src += "".join(f'c.chat.completions.create(model=MAP["k{j}"])\n' for j in range(u))
    out = py.analyse_file("app.py", src.encode())
    assert len(out.evidence) == u
    assert 0 < zipped[0] <= 2 * n


def test_a_js_client_found_through_a_binding_cycle_is_not_cut_by_the_memo() -> None:
    # a = b; b = a; b = new OpenAI(...): asking a first reads b with a in progress; that
    # answer of b's is not kept, so b asked on its own still reaches its client.
    from gate.discover import javascript as js

    src = (
        'import OpenAI from "openai";\nlet a;\nlet b;\na = b;\nb = a;\n'
        'b = new OpenAI({ baseURL: "https://api.deepseek.com" });\n'
        'function first() { a.chat.completions.create({ model: "deepseek-chat" }); }\n'
        'function second() { b.chat.completions.create({ model: "deepseek-reasoner" }); }\n'
    )
    out = js.analyse_file("app.js", src.encode())
    assert sorted((ev.identity, ev.location.line) for ev in out.evidence) == [
        ("api:deepseek/deepseek-chat", 7),
        ("api:deepseek/deepseek-reasoner", 8),
    ]


def test_mutually_recursive_factories_keep_their_clients() -> None:
    # f returns g(...) or a client, g returns f(...): g asked inside f's question is cut
    # (f in progress); that answer is not kept, so g asked on its own reaches the client.
    src = (
        "from openai import OpenAI\n\n"
        "def f(x):\n    if x:\n        return g(x - 1)\n"
        '    return OpenAI(base_url="https://api.deepseek.com")\n\n'
        "def g(x):\n    return f(x)\n\n"
        'def use1():\n    f(1).chat.completions.create(model="deepseek-chat")\n\n'
        'def use2():\n    g(1).chat.completions.create(model="deepseek-reasoner")\n'
    )
    out = py.analyse_file("app.py", src.encode())
    assert sorted((ev.identity, ev.location.line) for ev in out.evidence) == [
        ("api:deepseek/deepseek-chat", 12),
        ("api:deepseek/deepseek-reasoner", 15),
    ]
