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
