"""A client question answered under the depth limit is not reused where a shallower question
has room to read further: the answer no longer depends on which call site was read first."""

from __future__ import annotations

from gate.discover import python, refs


def _found(first_deep: bool) -> set[tuple[str, object]]:
    # make() is first asked through a0..a7 (eight bindings), where reading its return hits
    # the depth limit; b = make() asks the same question with room to spare.
    chain = "\n".join(["a0 = make()", *(f"a{i} = a{i - 1}" for i in range(1, 8))])
    deep = 'a7.chat.completions.create(model="acme-ai/Deep-1")'
    shallow = 'b = make()\nb.chat.completions.create(model="acme-ai/Shallow-1")'
    body = [chain, deep, shallow] if first_deep else [chain, shallow, deep]
    src = (
        "from openai import OpenAI\n"
        "def make():\n"
        '    return OpenAI(base_url="https://api.together.xyz/v1")\n' + "\n".join(body) + "\n"
    )
    out = python.analyse_file("app.py", src.encode())
    return {(e.identity, e.attributes.get("host")) for e in refs.dedupe(out.evidence)}


def test_a_client_cut_by_the_depth_limit_is_read_again_from_a_shallower_call() -> None:
    shallow = ("api:together/acme-ai/Shallow-1", "api.together.xyz")
    assert shallow in _found(first_deep=True)
    assert shallow in _found(first_deep=False)
    # the deep call was cut when asked first: no endpoint-only record stands for its client
    assert not any(ident == "api:together/*" for ident, _ in _found(first_deep=True))
