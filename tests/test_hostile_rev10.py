"""Hostile scanned sources (review of round 10's new code): work stays linear in the input,
counted, never timed."""

from __future__ import annotations

import pytest

from gate.discover.javascript import analyser
from tests.jshelp import js
from tests.jshelp import listed_ids as ids


def test_form_fields_work_is_linear_in_appends_and_bodies(monkeypatch: pytest.MonkeyPatch) -> None:
    # n appends of a model field and n requests passing the form as their body: each form's
    # URL is worked out once, not once per append over every request (n * n URL reads)
    n = 300
    calls = 0
    url_above = analyser._Analyser._url_above

    def counted(self: analyser._Analyser, start: object) -> str | None:
        nonlocal calls
        calls += 1
        return url_above(self, start)  # type: ignore[arg-type]

    monkeypatch.setattr(analyser._Analyser, "_url_above", counted)
    source = (
        "async function send(audio) {\n  const form = new FormData();\n"
        + '  form.append("model", "whisper-large-v3");\n' * n
        + '  await fetch("https://api.groq.com/openai/v1/audio/transcriptions", { body: form });\n'
        + '  await fetch("https://api.groq.com/openai/v1/audio/transcriptions", { body: form });\n'
        * (n - 1)
        + "}\n"
    )
    found = js(source, "upload.js")
    assert ("api:groq/whisper-large-v3", 3, False) in ids(found)
    assert calls < 4 * n  # n * n before
