"""What the gate could not see must not pass silently: skipped files, weight files not fully
inspected, unsafe model code, unknown serving hosts and ancestors, guessed lineage, and a
git history that was not (fully) read. Real trees, real weight files, real git, the real
engine and the shipped packs (the reviewer's reproductions among them)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import weightfiles as wf
from click.testing import CliRunner
from conftest import GitRepo

from gate.cli import main
from gate.policy import input as policy_input

NOW = "2026-11-26"


def check(target: Path | None, *args: str) -> tuple[int, dict[str, Any]]:
    where = [] if target is None else [str(target)]
    result = CliRunner().invoke(main, ["check", *where, "--now", NOW, "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def findings(decision: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in decision["findings"] if f["rule"] == rule]


def levels(decision: dict[str, Any], rule: str) -> set[str]:
    return {f["level"] for f in findings(decision, rule)}


# ---- skipped files ----------------------------------------------------------------------


def test_a_reference_in_a_skipped_file_no_longer_passes_cfius_strict(tmp_path: Path) -> None:
    # The reviewer's case: DeepSeek-R1 is referenced, then a 2 MB comment makes the file
    # too large to parse; the scan skips it, so nothing was judged.
    (tmp_path / "app.py").write_text(
        'from transformers import AutoModel\nm = AutoModel.from_pretrained("deepseek-ai/'
        'DeepSeek-R1")\n' + "#" * 2_000_000 + "\n"
    )
    code, decision = check(tmp_path, "--policy", "cfius-strict")
    assert code == 1
    [finding] = findings(decision, "scan.incomplete")
    assert finding["level"] == "deny" and finding["component"] is None
    assert "app.py (larger than" in finding["message"]
    assert [e["file"] for e in finding["evidence"]] == ["app.py"]
    assert finding["facts"]["value"] == 1
    code, decision = check(tmp_path, "--policy", "release")
    assert levels(decision, "scan.incomplete") == {"warn"}
    # The text report says what was skipped, and where the full list is, whatever the pack.
    text = CliRunner().invoke(main, ["check", str(tmp_path), "--now", NOW]).stdout
    assert "scan: 1 file(s) or folder(s) not read, so not judged" in text
    assert "  - app.py: larger than" in text and "aigate:skipped" in text


def test_a_complete_tree_has_no_scan_finding(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text('print("no AI here")\n')
    _, decision = check(tmp_path, "--policy", "cfius-strict")
    assert not findings(decision, "scan.incomplete")


# ---- weight files ----------------------------------------------------------------------


def test_unsafe_model_code_and_external_data_are_denied(tmp_path: Path) -> None:
    (tmp_path / "keras").mkdir()
    wf.keras_zip(tmp_path / "keras/model.keras", with_lambda=True)
    (tmp_path / "onnx").mkdir()
    wf.onnx_file(tmp_path / "onnx/model.onnx", external="../../etc/passwd")
    code, decision = check(tmp_path, "--policy", "release")
    assert code == 1
    [code_finding] = findings(decision, "integrity.unsafe-code")
    assert code_finding["level"] == "deny" and "Lambda" in code_finding["message"]
    assert code_finding["evidence"][0]["file"] == "keras/model.keras"
    [data_finding] = findings(decision, "integrity.unsafe-external-data")
    assert data_finding["level"] == "deny" and "../../etc/passwd" in data_finding["message"]
    # The default pack reports them as warnings, for adoption.
    code, decision = check(tmp_path)
    assert code == 0 and levels(decision, "integrity.unsafe-code") == {"warn"}


def test_weights_not_fully_read_follow_the_unknown_parameter(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    path = tmp_path / "m/model.safetensors"
    wf.safetensors_file(path)
    path.write_bytes(path.read_bytes()[:-100])  # tensor data cut off
    code, decision = check(tmp_path, "--policy", "cfius-strict")
    [finding] = findings(decision, "integrity.uninspectable")
    assert code == 1 and finding["level"] == "deny"
    assert "truncated-file" in finding["message"] and finding["facts"]["kind"] == "truncated-file"
    # The release pack must not ship a weight file it could not read either.
    code, decision = check(tmp_path, "--policy", "release")
    assert code == 1 and levels(decision, "integrity.uninspectable") == {"deny"}
    # The default pack (adoption) only reports it.
    code, decision = check(tmp_path)
    assert code == 0 and levels(decision, "integrity.uninspectable") == {"warn"}


# ---- serving hosts ----------------------------------------------------------------------

RESELLER = """from openai import OpenAI

client = OpenAI(base_url="https://api.some-reseller.cn/v1")
client.chat.completions.create(model="gpt-4o", messages=[])
"""

FROM_ENV = """import os
from openai import OpenAI

client = OpenAI(base_url=os.environ["LLM_URL"])
client.chat.completions.create(model="gpt-4o-mini", messages=[])
"""


def test_a_reseller_endpoint_of_no_known_country_fails_cfius_strict(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(RESELLER)
    code, decision = check(tmp_path, "--policy", "cfius-strict")
    assert code == 1
    [finding] = findings(decision, "jurisdiction.unknown-serving-country")
    assert finding["level"] == "deny" and "api.some-reseller.cn" in finding["message"]
    assert finding["facts"]["fact"] == "served_by.country" and finding["facts"]["value"] is None
    assert finding["facts"]["sources"][0]["source"] == "code"
    _, decision = check(tmp_path, "--policy", "release")
    assert levels(decision, "jurisdiction.unknown-serving-country") == {"warn"}


def test_an_endpoint_the_scan_cannot_read_is_unknown_serving(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(FROM_ENV)
    code, decision = check(tmp_path, "--policy", "cfius-strict")
    assert code == 1
    [finding] = findings(decision, "jurisdiction.unknown-serving-country")
    assert 'os.environ["LLM_URL"]' in finding["message"]
    assert finding["evidence"] == [{"file": "app.py", "line": 5, "column": None, "commit": None}]


def test_unresolved_endpoints_survive_the_bom(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(FROM_ENV)
    bom = tmp_path / "bom.json"
    assert CliRunner().invoke(main, ["scan", str(tmp_path), "-q", "-o", str(bom)]).exit_code == 0
    code, decision = check(None, "--bom", str(bom), "--policy", "cfius-strict")
    assert code == 1 and findings(decision, "jurisdiction.unknown-serving-country")


# ---- lineage ------------------------------------------------------------------------------

AWQ = """from transformers import AutoModel

m = AutoModel.from_pretrained(
    "someuser/Qwen2.5-7B-Instruct-AWQ", revision="0123456789abcdef0123456789abcdef01234567"
)
"""


def test_a_lineage_only_a_name_gave_denies_in_release_saying_it_is_a_guess(
    tmp_path: Path,
) -> None:
    # A re-upload named after a listed model is how such a model usually arrives: release
    # denies it like a stated lineage, and the message says the link is a guess.
    (tmp_path / "app.py").write_text(AWQ)
    _, decision = check(tmp_path, "--policy", "release")
    lineage = findings(decision, "jurisdiction.lineage-country")
    assert lineage and {f["level"] for f in lineage} == {"deny"}
    assert all("a guess" in f["message"] and f["facts"]["heuristic"] for f in lineage)
    # The link's sources say it was a name heuristic, and the publisher's where it is from.
    [nearest] = [
        f for f in lineage if f["facts"]["ancestor"] == "hf:Qwen/Qwen2.5-7B-Instruct@unpinned"
    ]
    assert [s["source"] for s in nearest["facts"]["sources"]] == ["heuristic", "registry"]
    # A pack of one's own may cap guesses at a warning.
    pack = tmp_path / "guesses-warn.yaml"
    pack.write_text(
        "apiVersion: aigate/v1\nkind: PolicyPack\nname: guesses-warn\n"
        "params:\n  jurisdiction:\n    heuristic_lineage: warn\n"
    )
    (tmp_path / ".aigateignore").write_text("guesses-warn.yaml\n")
    _, decision = check(tmp_path, "--policy", "release", "--policy", str(pack))
    assert levels(decision, "jurisdiction.lineage-country") == {"warn"}
    origin = [f for f in decision["findings"] if f["rule"].startswith("jurisdiction.")]
    assert origin and not [f for f in origin if f["level"] == "deny"]
    _, decision = check(tmp_path, "--policy", "cfius-strict")
    assert levels(decision, "jurisdiction.lineage-country") == {"deny"}


def test_guessed_ancestors_are_marked_in_the_policy_input(tmp_path: Path) -> None:
    from gate import pipeline

    (tmp_path / "app.py").write_text(AWQ)
    inventory = pipeline.scan(pipeline.ScanOptions(root=tmp_path)).inventory
    doc = policy_input.build_input(inventory, policy_input.InputContext(now=NOW))
    policy_input.validate_input(doc)
    [comp] = doc["components"]
    # depth 1 by a name rule; depth 2 stated by the registry, but reached only through it.
    assert [(a["depth"], a["heuristic"]) for a in comp["lineage"]] == [(1, True), (2, True)]
    assert comp["lineage"][1]["sources"][0]["source"] == "registry"


# ---- git history --------------------------------------------------------------------------


def test_a_shallow_clone_or_an_unread_history_is_unknown_not_none(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    git_repo.commit("one", {"app.py": 'print("hello")\n'})
    git_repo.commit("two", {"b.py": 'print("again")\n'})
    _, decision = check(git_repo.root, "--policy", "cfius-strict")
    assert not findings(decision, "assistants.unread-history")  # a full history was read
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{git_repo.root}", str(clone)],
        check=True,
        env=git_repo.env("Dev <dev@example.com>", None),
    )
    code, decision = check(clone, "--policy", "cfius-strict")
    [finding] = findings(decision, "assistants.unread-history")
    assert code == 1 and finding["level"] == "deny" and "shallow clone" in finding["message"]
    assert finding["facts"]["value"]["shallow"] is True
    _, decision = check(clone, "--policy", "release")
    assert levels(decision, "assistants.unread-history") == {"warn"}
    _, decision = check(clone)
    assert levels(decision, "assistants.unread-history") == {"info"}
    _, decision = check(git_repo.root, "--policy", "cfius-strict", "--history", "none")
    [finding] = findings(decision, "assistants.unread-history")
    assert "(--history none)" in finding["message"]


def test_history_facts_reach_the_input_from_a_scan_and_from_a_bom(
    git_repo: GitRepo, tmp_path: Path
) -> None:
    git_repo.commit("one", {"app.py": 'print("hello")\n'})
    bom = tmp_path / "bom.json"
    assert (
        CliRunner().invoke(main, ["scan", str(git_repo.root), "-q", "-o", str(bom)]).exit_code == 0
    )
    from gate.bom.cyclonedx import read_bom

    inventory, _ = read_bom(bom)
    doc = policy_input.build_input(inventory, policy_input.InputContext(now=NOW))
    policy_input.validate_input(doc)
    history = doc["inventory"]["history"]
    assert history["read"] is True and history["complete"] is True
    assert history["commits_read"] == 1
    _, decision = check(None, "--bom", str(bom), "--policy", "cfius-strict")
    assert not findings(decision, "assistants.unread-history")


# ---- pickles and other tools' BOMs -------------------------------------------------------


def test_a_pickle_importing_unvetted_code_denies_in_release(tmp_path: Path) -> None:
    # The reviewer's case: IPython.utils.process.system is on no list, so it is a medium
    # risk; release must still deny it (a deny-list is never complete).
    model = tmp_path / "mymodel"
    model.mkdir()
    (model / "model.pkl").write_bytes(
        b"\x80\x02cIPython.utils.process\nsystem\nX\x02\x00\x00\x00idtR."
    )
    code, decision = check(tmp_path, "--policy", "release")
    assert code == 1
    [pickle] = findings(decision, "integrity.unsafe-pickle")
    assert pickle["level"] == "deny" and "IPython.utils.process.system" in pickle["message"]


def test_a_bom_that_does_not_say_what_was_read_is_judged_incomplete(tmp_path: Path) -> None:
    bom = tmp_path / "other-tool.cdx.json"
    bom.write_text(
        json.dumps(
            {
                "bomFormat": "CycloneDX",
                "specVersion": "1.6",
                "version": 1,
                "components": [
                    {
                        "type": "machine-learning-model",
                        "bom-ref": "m1",
                        "name": "Qwen/Qwen2.5-7B-Instruct",
                        "purl": "pkg:huggingface/Qwen/Qwen2.5-7B-Instruct",
                    }
                ],
            }
        )
    )
    result = CliRunner().invoke(
        main,
        ["check", "--bom", str(bom), "--policy", "cfius-strict", "--now", NOW, "--format", "json"],
    )
    assert result.exit_code == 1, result.output
    decision = json.loads(result.stdout)
    [finding] = findings(decision, "scan.incomplete")
    assert finding["level"] == "deny" and "does not say which files were read" in finding["message"]
