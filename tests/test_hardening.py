"""Hostile inputs a repository or a bundle controls: bounded reads, no hangs, clear errors.

Each test builds the hostile file in code (issue 13, items 3-7) and checks that aigate
refuses it promptly with the file named and exit 2 (or exit 1 for a bundle that does not
verify), never hanging, exhausting memory or crashing.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from gate import files
from gate.cli import main
from gate.errors import InputError, PolicyError
from gate.policy.yamlfile import load_yaml

NOW = "2026-11-26"

WAIVER_HEAD = "apiVersion: aigate/v1\nkind: Waivers\nwaivers:\n"


def _laughs(levels: int = 9) -> str:
    """The billion-laughs YAML: each anchor a list of nine aliases of the previous one."""
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def bom(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from evidence_data import inventory

    from gate.bom.cyclonedx import write_bom

    path = tmp_path_factory.mktemp("bom") / "bom.cdx.json"
    path.write_text(write_bom(inventory()), encoding="utf-8")
    return path


# ---- one bounded reader ------------------------------------------------------------------------


def test_a_fifo_a_device_and_a_folder_are_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    for path, kind in ((fifo, "FIFO"), (link, "device"), (tmp_path, "folder")):
        with pytest.raises(InputError, match=kind) as err:
            files.read_bounded(path, 1024)
        assert str(path) in str(err.value)


def test_a_file_larger_than_the_cap_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big"
    with open(big, "wb") as out:
        out.truncate(3 * 1024 * 1024 * 1024)  # sparse: 3 GiB that take no disk
    with pytest.raises(InputError, match="3072 MiB, more than the 8 MiB"):
        files.read_bounded(big, files.MAX_POLICY_FILE)


def test_streaming_digest_matches_hashlib(tmp_path: Path) -> None:
    import hashlib

    data = os.urandom(3 * files.CHUNK + 17)
    (tmp_path / "f").write_bytes(data)
    assert files.sha256_file(tmp_path / "f") == (hashlib.sha256(data).hexdigest(), len(data))
    (tmp_path / "l").symlink_to(tmp_path / "f")
    with pytest.raises(InputError, match="symbolic link"):
        files.sha256_file(tmp_path / "l", follow=False)


# ---- YAML: aliases, depth ------------------------------------------------------------------------


def test_billion_laughs_and_deep_nesting_are_refused_promptly(tmp_path: Path) -> None:
    laughs = tmp_path / "laughs.yaml"
    laughs.write_text(_laughs())
    with pytest.raises(PolicyError, match="aliases expand to more than"):
        load_yaml(laughs)
    deep = tmp_path / "deep.yaml"
    deep.write_text("a: " + "[" * 200 + "]" * 200 + "\n")
    with pytest.raises(PolicyError, match=r"nested deeper than|nesting depth"):
        load_yaml(deep)
    deeper = tmp_path / "deeper.yaml"
    deeper.write_text("a:\n" + "".join("  " * i + f"- k{i}:\n" for i in range(1, 300)))
    with pytest.raises(PolicyError):
        load_yaml(deeper)
    # A few shared anchors, as real files use them, are fine.
    shared = tmp_path / "shared.yaml"
    shared.write_text("a: &x [1, 2]\nb: *x\n")
    assert load_yaml(shared).value == {"a": [1, 2], "b": [1, 2]}


@pytest.mark.parametrize("how", ["laughs", "fifo", "zero"])
def test_hostile_waiver_files_exit_2_naming_the_file(tmp_path: Path, bom: Path, how: str) -> None:
    path = tmp_path / "waivers.yaml"
    if how == "laughs":
        path.write_text(WAIVER_HEAD + "  []\n" + _laughs())
    elif how == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    code, _, err = run("check", "--bom", str(bom), "--waivers", str(path), "--now", NOW)
    assert code == 2, err
    assert "waivers.yaml" in err


def test_a_pack_naming_a_device_as_module_or_registry_is_refused(tmp_path: Path, bom: Path) -> None:
    for section in ("modules", "registries", "waivers"):
        pack = tmp_path / f"{section}.yaml"
        pack.write_text(
            f"apiVersion: aigate/v1\nkind: PolicyPack\nname: p\n{section}: [/dev/zero]\n"
        )
        code, _, err = run("check", "--bom", str(bom), "--policy", str(pack), "--now", NOW)
        assert code == 2, (section, err)
        assert "/dev/zero" in err, err


@pytest.mark.parametrize("how", ["fifo", "zero"])
def test_a_bom_or_registry_that_is_a_fifo_or_device_is_refused(
    tmp_path: Path, bom: Path, how: str
) -> None:
    path = tmp_path / "input.yaml"
    if how == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    code, _, err = run("check", "--bom", str(path), "--now", NOW)
    assert code == 2 and "input.yaml" in err and "not a regular file" in err, err
    pack = tmp_path / "pack.yaml"
    pack.write_text("apiVersion: aigate/v1\nkind: PolicyPack\nname: p\nregistries: [input.yaml]\n")
    code, _, err = run("check", "--bom", str(bom), "--policy", str(pack), "--now", NOW)
    assert code == 2 and "input.yaml" in err, err


def test_a_registry_file_with_billion_laughs_is_refused(tmp_path: Path, bom: Path) -> None:
    from gate import registry

    path = tmp_path / "registry.yaml"
    path.write_text(_laughs())
    with pytest.raises(InputError, match="aliases expand"):
        registry.read_user_file(path)


# ---- crashes ------------------------------------------------------------------------------------


def test_file_names_that_are_not_utf8_survive_escaped(tmp_path: Path) -> None:
    # Issue 13, item 6: a weight or source file named with bytes that are not UTF-8 made
    # every output fail ("surrogates not allowed").
    import json
    import struct

    repo = tmp_path / "repo"
    repo.mkdir()
    header = b'{"__metadata__":{"format":"pt"}}'
    weights = struct.pack("<Q", len(header)) + header
    os.makedirs(os.fsencode(repo), exist_ok=True)
    with open(os.fsencode(repo) + b"/model-\xff\xfe.safetensors", "wb") as f:
        f.write(weights)
    with open(os.fsencode(repo) + b"/app-\xe9.py", "wb") as f:
        f.write(
            b'from transformers import AutoModel\nAutoModel.from_pretrained("Qwen/Qwen2.5-7B")\n'
        )
    bom = tmp_path / "bom.json"
    code, _, err = run("scan", str(repo), "-o", str(bom), "-q")
    assert code == 0, err
    text = bom.read_text(encoding="utf-8")
    assert "model-\\\\xff\\\\xfe.safetensors" in text and "app-\\\\xe9.py" in text
    for fmt in ("json", "sarif", "text", "html", "markdown", "junit"):
        code, out, err = run("check", str(repo), "--policy", "release", "--format", fmt)
        assert code == 1, (fmt, err)
    code, out, _ = run("check", str(repo), "--policy", "release", "--format", "json")
    assert "app-\\\\xe9.py" in json.dumps(json.loads(out))


def test_escaping_keeps_valid_names_and_shows_bad_bytes() -> None:
    assert files.printable_name("modèle/数据.gguf") == "modèle/数据.gguf"
    assert files.printable_name(os.fsdecode(b"a\xffb")) == "a\\xffb"


# ---- policy holes -------------------------------------------------------------------------------


def test_a_bom_with_no_components_is_an_error_not_a_pass(tmp_path: Path) -> None:
    # Issue 13, item 5: an empty CycloneDX document passed `release`. It is evidence of
    # nothing, so it is not judged (exit 2); aigate's own BOM of a scan that read files and
    # found no AI is evidence, and passes.
    import json

    empty = tmp_path / "empty.cdx.json"
    empty.write_text(json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1}))
    code, _, err = run("check", "--bom", str(empty), "--policy", "release", "--now", NOW)
    assert code == 2 and "empty.cdx.json" in err and "evidence of nothing" in err, err
    tree = tmp_path / "plain"
    tree.mkdir()
    (tree / "main.py").write_text("print('no AI here')\n")
    bom = tmp_path / "plain.cdx.json"
    assert run("scan", str(tree), "-o", str(bom), "-q")[0] == 0
    code, out, err = run("check", "--bom", str(bom), "--policy", "release", "--now", NOW)
    assert code == 0, out + err


def test_a_component_named_one_model_with_the_purl_of_another_is_flagged(tmp_path: Path) -> None:
    # Issue 13, item 5: the name said Qwen, the purl another model; judged by the purl alone.
    import json

    def bom(name: str) -> Path:
        path = tmp_path / f"{name.replace('/', '_')}.cdx.json"
        doc = {
            "bomFormat": "CycloneDX",
            "specVersion": "1.6",
            "version": 1,
            "components": [
                {
                    "type": "machine-learning-model",
                    "name": name,
                    "purl": "pkg:huggingface/meta-llama/Llama-3.1-8B@abc123",
                }
            ],
        }
        path.write_text(json.dumps(doc))
        return path

    _, out, _ = run(
        "check",
        "--bom",
        str(bom("Qwen2.5-7B-Instruct")),
        "--policy",
        "release",
        "--format",
        "json",
        "--now",
        NOW,
    )
    findings = json.loads(out)["findings"]
    flagged = [f for f in findings if "identity-conflict" in json.dumps(f)]
    assert flagged and "'Qwen2.5-7B-Instruct'" in flagged[0]["message"], findings
    assert "meta-llama/Llama-3.1-8B" in flagged[0]["message"]
    # Names that agree (case, organisation, a shorter form) are not flagged.
    for name in ("Llama-3.1-8B", "meta-llama/llama-3.1-8b", "llama-3.1-8b-instruct"):
        _, out, _ = run(
            "check",
            "--bom",
            str(bom(name)),
            "--policy",
            "release",
            "--format",
            "json",
            "--now",
            NOW,
        )
        assert "identity-conflict" not in out, name


def test_a_pack_that_turns_every_rule_off_is_refused(tmp_path: Path, bom: Path) -> None:
    # Issue 13, item 5: a pack with every rule off passed with no note. A gate with nothing
    # enabled would pass anything: it is an error (exit 2) naming the pack.
    from gate.policy import packs

    engine = packs.build_engine(packs.load_policy(["default"]))
    areas = sorted({str(r.id).split(".", 1)[0] for r in engine.rules})
    head = "apiVersion: aigate/v1\nkind: PolicyPack\nname: nothing\nrules:\n"
    pack = tmp_path / "nothing.yaml"
    pack.write_text(head + "".join(f'  {a}.*: {{mode: "off"}}\n' for a in areas))
    code, _, err = run("check", "--bom", str(bom), "--policy", str(pack), "--now", NOW)
    assert code == 2 and "nothing.yaml" in err and "rules is off" in err, err
    # One area left on is a policy (its findings are the decision).
    pack.write_text(head + "".join(f'  {a}.*: {{mode: "off"}}\n' for a in areas[1:]))
    code, _, err = run("check", "--bom", str(bom), "--policy", str(pack), "--now", NOW)
    assert code in (0, 1), err


# ---- bounded Rego evaluation ---------------------------------------------------------------------

RANGE_BOMB = """package aigate.rules.bomb

# METADATA
# title: A rule that builds 300 million numbers
# custom:
#   id: bomb.range
deny_range := [f | some n in numbers.range(1, 300000000); n == 0; f := {"msg": "never"}]
"""

SLOW = """package aigate.rules.slow

# METADATA
# title: A rule that loops for minutes in little memory
# custom:
#   id: slow.loop
deny_loop := [f |
	some a in numbers.range(1, 30000)
	some b in numbers.range(1, 30000)
	a * b == -1
	f := {"msg": "never"}
]
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="bounded evaluation needs fork")
def test_a_rule_that_grows_without_bound_is_stopped_with_exit_2(
    tmp_path: Path, bom: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Issue 13, item 4: numbers.range(1, 300000000) took 6 GB in 16 s.
    monkeypatch.setenv("AIGATE_POLICY_MEMORY_MB", "256")
    module = tmp_path / "bomb.rego"
    module.write_text(RANGE_BOMB)
    code, _, err = run("check", "--bom", str(bom), "--policy", str(module), "--now", NOW)
    assert code == 2, err
    assert "more than 256 MiB of memory" in err and "AIGATE_POLICY_MEMORY_MB" in err, err


@pytest.mark.skipif(not hasattr(os, "fork"), reason="bounded evaluation needs fork")
def test_a_rule_that_runs_too_long_is_stopped_with_exit_2(
    tmp_path: Path, bom: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIGATE_POLICY_SECONDS", "3")
    module = tmp_path / "slow.rego"
    module.write_text(SLOW)
    code, _, err = run("check", "--bom", str(bom), "--policy", str(module), "--now", NOW)
    assert code == 2, err
    assert "took more than 3 s of CPU time" in err and "AIGATE_POLICY_SECONDS" in err, err


def test_bounded_evaluation_gives_the_same_findings_and_errors(bom: Path) -> None:
    from gate.bom.cyclonedx import read_bom
    from gate.policy import bounded, packs
    from gate.policy import input as policy_input

    engine = packs.build_engine(packs.load_policy(["release"]))
    inv, _ = read_bom(bom)
    doc = policy_input.build_input(inv, policy_input.InputContext(now=NOW))
    assert engine._evaluate(doc, True) == engine.query(doc)

    def fails() -> None:
        raise PolicyError("x.rego", "broken", line=3, hint="fix it")

    with pytest.raises(PolicyError) as err:
        bounded.call(fails)
    assert (err.value.path, err.value.problem, err.value.line, err.value.hint) == (
        "x.rego",
        "broken",
        3,
        "fix it",
    )


@pytest.mark.skipif(not hasattr(os, "fork"), reason="bounded evaluation needs fork")
def test_a_bug_in_the_bounded_child_is_named_not_blamed_on_memory() -> None:
    from gate.policy import bounded

    def buggy() -> None:
        raise KeyError("components")

    with pytest.raises(PolicyError, match=r"failed inside aigate \(KeyError: 'components'\)"):
        bounded.call(buggy, what="policy evaluation")


def test_a_bom_nested_200_deep_is_a_clear_error(tmp_path: Path) -> None:
    # Issue 13, item 4: a RecursionError ("internal error") before.
    import json

    comp: dict[str, object] = {"type": "library", "name": "leaf"}
    for i in range(200):
        comp = {"type": "library", "name": f"n{i}", "components": [comp]}
    path = tmp_path / "deep.cdx.json"
    path.write_text(
        json.dumps(
            {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": [comp]}
        )
    )
    code, _, err = run("check", "--bom", str(path), "--now", NOW)
    assert code == 2 and "deep.cdx.json" in err and "nested deeper than 100" in err, err


def test_a_key_that_is_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / "manifest.json").write_text("{}")
    key = tmp_path / "key.pub"
    os.mkfifo(key)
    code, _, err = run("verify", str(bundle), "--key", str(key))
    assert code == 2 and "key.pub" in err and "FIFO" in err, err


def test_export_of_a_bom_that_is_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "bom.cdx.json"
    os.mkfifo(fifo)
    code, _, err = run("export", "--bom", str(fifo), "--out", str(tmp_path / "ev"), "--now", NOW)
    assert code == 2 and "bom.cdx.json" in err and "FIFO" in err, err
