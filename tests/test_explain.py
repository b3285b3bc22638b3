"""`aigate explain`: the chain identity → publisher → parent → country → lineage → licence."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from hubserver import QWEN_SHA, model_info, serve

from gate.cli import main

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "demo-app"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_explain_a_quantised_distill_shows_both_makers() -> None:
    code, out, _ = run("explain", "bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF")
    assert code == 0
    assert out.startswith("hf:bartowski/DeepSeek-R1-Distill-Qwen-7B-GGUF@unpinned\n")
    assert "bartowski (individual quantiser) [country unknown]" in out
    assert "1. quantized  deepseek-ai/DeepSeek-R1-Distill-Qwen-7B" in out
    assert "heuristic: name rule 'derivative suffix'" in out
    assert "2. finetune   Qwen/Qwen2.5-Math-7B" in out
    assert "2. distill    deepseek-ai/DeepSeek-R1" in out
    assert "countries  CN" in out


def test_explain_an_ollama_tag_as_json() -> None:
    code, out, _ = run("explain", "qwen2.5-coder:7b", "--format", "json")
    assert code == 0
    doc = json.loads(out)
    (comp,) = doc["components"]
    assert comp["id"] == "ollama:qwen2.5-coder:7b"
    assert comp["publisher"]["country"] == "CN"
    assert comp["publisher"]["sources"][0]["source"] == "registry"
    assert comp["lineage"][0]["id"] == "hf:Qwen/Qwen2.5-Coder-7B-Instruct@unpinned"
    assert comp["licence"]["expression"] == "Apache-2.0"
    assert comp["licence"]["sources"][0]["source"] == "heuristic"
    assert comp["countries"]["publisher"] == "CN" and comp["countries"]["lineage"] == ["CN"]


def test_explain_a_hosted_api_and_a_bare_name() -> None:
    code, out, _ = run("explain", "api:deepseek/deepseek-chat")
    assert code == 0
    assert "[CN], parent High-Flyer" in out
    assert "served by  api.deepseek.com: DeepSeek [CN]" in out
    code, out, _ = run("explain", "gpt-4o", "--format", "json")
    comp = json.loads(out)["components"][0]
    assert comp["id"] == "api:openai/gpt-4o" and comp["served_by"]["country"] == "US"
    assert "licence" in comp["countries"]["unknown"]


def test_explain_a_path_scans_it() -> None:
    code, out, _ = run("explain", str(EXAMPLE / "models" / "summarizer"))
    assert code == 0
    assert "Qwen/Qwen2.5-0.5B-Instruct" in out and "model-card:" in out
    # explain skips the history on purpose; no note blames a --history it was not given.
    assert "history" not in out


def test_explain_output_is_deterministic() -> None:
    first = run("explain", "deepseek-r1:70b", "--format", "json")[1]
    assert first == run("explain", "deepseek-r1:70b", "--format", "json")[1]
    assert json.loads(first)["components"][0]["countries"]["lineage"] == ["CN", "US"]


def test_unplaceable_reference_and_bad_registry_exit_2(tmp_path: Path) -> None:
    code, _, err = run("explain", "certainly not a model")
    assert code == 2 and "not a model reference" in err
    bad = tmp_path / "reg.yaml"
    bad.write_text("publishers:\n  - id: x\n    name: X\n    country: Narnia\n", encoding="utf-8")
    code, _, err = run("explain", "gpt-4o", "--registry", str(bad))
    assert code == 2 and f"{bad}:4:" in err and "ISO 3166-1" in err


def test_explain_online_asks_the_hub_and_names_it(tmp_path: Path) -> None:
    card = {"license": "other", "license_name": "deepseek", "base_model": "deepseek-ai/DeepSeek-V3"}
    with serve() as hub_server:
        hub_server.answer(
            "/api/models/someone/ds-finetune",
            (200, model_info("someone/ds-finetune", QWEN_SHA, card, {})),
        )
        result = CliRunner(env={"HF_ENDPOINT": hub_server.url}).invoke(
            main,
            [
                "explain",
                "someone/ds-finetune",
                "--online",
                "--cache-dir",
                str(tmp_path),
                "--format",
                "json",
            ],
        )
    assert result.exit_code == 0, result.stderr
    comp = json.loads(result.stdout)["components"][0]
    assert comp["licence"]["expression"] == "LicenseRef-aigate-deepseek"
    assert comp["licence"]["sources"][0]["source"] == "hub"
    assert comp["lineage"][0]["id"] == "hf:deepseek-ai/DeepSeek-V3@unpinned"
    assert comp["lineage"][0]["sources"][0]["source"] == "hub"
    assert comp["countries"]["lineage"] == ["CN"]


def test_malformed_identities_and_overlong_references_exit_2_with_a_reason() -> None:
    cases = {
        "ollama:": "ollama: needs <name>",
        "file:sha256:zz": "64 lower-case hex digits",
        "hf:Qwen": "hf: needs org/name",
        "api:openai/": "api: needs <provider>/<model>",
        "dataset:hf:": "dataset: needs",
        "modelscope:foo": "modelscope: needs org/name",
        "a" * 5000: "5000 characters long",
        "x/" * 3000: "6000 characters long",
    }
    for ref, reason in cases.items():
        code, out, err = run("explain", ref)
        assert code == 2, ref[:40]
        assert reason in err and "internal error" not in err, err
        assert out == ""
    # Well-formed identities still explain.
    digest = "ab" * 32
    assert run("explain", f"file:sha256:{digest}")[0] == 0
    assert run("explain", "ollama:qwen2.5-coder:7b")[0] == 0


def test_identity_problems_name_the_scheme() -> None:
    from gate import identity

    assert identity.problem("hf:Qwen/Qwen2.5-7B-Instruct@unpinned") is None
    assert identity.problem("ollama:hf.co/bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M") is None
    assert identity.problem("assistant:anthropic/claude-code") is None
    assert identity.problem("local:models/ft") is None
    assert identity.problem("pkg:pypi/openai") is None
    assert identity.problem("file:sha256:" + "0" * 63) is not None
    assert identity.problem("assistant:anthropic") is not None
    assert identity.problem("ollama:bad name:7b") is not None


def test_a_missing_path_is_said_to_be_missing(tmp_path: Path) -> None:
    for ref in (str(tmp_path / "nope"), "./models/missing.gguf", "a/b/c"):
        code, _, err = run("explain", ref)
        assert code == 2 and "no such file or directory" in err, (ref, err)
        assert "not a model reference" not in err


def test_a_weight_hash_from_check_output_finds_its_lineage_in_the_bom(tmp_path: Path) -> None:
    """`explain file:sha256:…` (copied from check) with the BOM gives what the path gives."""
    bom = tmp_path / "demo.cdx.json"
    assert run("scan", str(EXAMPLE), "-o", str(bom), "-q")[0] == 0
    gguf = EXAMPLE / "models" / "local" / "coder-q4.gguf"
    code, by_path, _ = run("explain", str(gguf), "--format", "json")
    assert code == 0
    cid = json.loads(by_path)["components"][0]["id"]
    assert cid.startswith("file:sha256:")
    code, by_hash, _ = run("explain", cid, "--bom", str(bom), "--format", "json")
    assert code == 0

    def ancestors(doc: str) -> list[str]:
        comp = json.loads(doc)["components"][0]
        return [a["id"] for a in comp["lineage"]]

    assert ancestors(by_hash) == ancestors(by_path) and ancestors(by_path)
    # Without the BOM a hash alone cannot reach the file: the output says how to get there.
    code, out, _ = run("explain", cid)
    assert code == 0 and "--bom" in out and "explain its path" in out
