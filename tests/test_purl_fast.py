"""identity.hf_purl and identity.normal_purl answer as packageurl does (they skip it for
plain huggingface purls, which 10,000-component BOMs are made of)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from packageurl import PackageURL

from gate import identity


def _answer(fn: Callable[..., Any], *args: Any) -> object:
    try:
        return str(fn(*args))
    except Exception as exc:  # packageurl raises ValueError and, for some names, TypeError
        return ("error", type(exc).__name__)


def _library_hf(repo: str, rev: str | None) -> str:
    namespace, _, name = repo.rpartition("/")
    return str(PackageURL("huggingface", namespace or None, name, rev).to_string())


def _library_round_trip(text: str) -> str:
    return str(PackageURL.from_string(text).to_string())


def _word(rnd: random.Random, chars: str, longest: int) -> str:
    return "".join(rnd.choice(chars) for _ in range(rnd.randrange(longest)))


def test_hf_purl_and_normal_purl_agree_with_packageurl() -> None:
    rnd = random.Random(15)
    plain, odd = "aZ09._-", "abcXYZ019._-~ /@%:?#+é\t"
    cases: list[tuple[str, str | None]] = [
        ("org5/model-1234", None),
        ("Qwen/Qwen2.5-7B", "Main"),
        ("name-only", "abc"),
        ("a/b", ""),
        ("./..", "v1.0"),
        ("org/na me", None),
        ("org/x", "a b"),
        ("/x", None),
    ]
    for _ in range(6_000):
        chars = odd if rnd.random() < 0.3 else plain
        repo = _word(rnd, chars, 6) + "/" + _word(rnd, chars, 8)
        repo = repo if rnd.random() < 0.9 else repo.replace("/", "")
        cases.append((repo, rnd.choice([None, "", _word(rnd, chars, 6), "Refs-PR-1"])))
    fast = 0
    for repo, rev in cases:
        want = _answer(_library_hf, repo, rev)
        assert _answer(identity.hf_purl, repo, rev) == want, (repo, rev)
        texts = [f"pkg:huggingface/{repo}" + (f"@{rev}" if rev else "")]
        texts += [want] if isinstance(want, str) else []
        for text in texts:
            read_back = _answer(_library_round_trip, text)
            assert _answer(identity.normal_purl, text) == read_back, text
            fast += read_back == text
    assert fast > 3_000  # the plain shape is the common one


def _library_uri(text: str) -> str:
    from cyclonedx.model import XsUri

    return str(XsUri(text))


def test_bom_uris_agree_with_xsuri() -> None:
    from gate.bom.cyclonedx.document import _uri

    rnd = random.Random(16)
    odd, plain = "ab:/.%#?&=-_~ \"'[]<>{}\t\n0F9é", "abc:/.-_~09?&="
    texts = ["https://huggingface.co/org5/model-1", "a b", "%zz", "%2F", "x#y#z", "{x}", ""]
    texts += [_word(rnd, odd if rnd.random() < 0.3 else plain, 20) for _ in range(6_000)]
    for text in texts:
        _uri.cache_clear()
        assert _answer(_uri, text) == _answer(_library_uri, text), text
