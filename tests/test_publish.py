"""aigate publish / fleet report against a local server speaking Dependency-Track's API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gate.cli import main
from gate.errors import NetworkError
from gate.net import Net
from gate.publish import dtrack, fleet, portable
from tests import dtserver
from tests.snippets import DEEPSEEK, MINILM, QWEN


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def publish(app: Path, server: dtserver.DTServer, *extra: str) -> tuple[int, str, str]:
    """``aigate publish APP`` to the local server as project p, version 1."""
    return run(
        "publish",
        str(app),
        "--dependency-track",
        server.url,
        "--project",
        "p",
        "--version",
        "1",
        *extra,
    )


@pytest.fixture
def app(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    root.mkdir()
    (root / "chat.py").write_text(QWEN)
    (root / "embed.py").write_text(MINILM)
    (root / "api.py").write_text(DEEPSEEK)
    return root


@pytest.fixture
def key(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DT_API_KEY", dtserver.API_KEY)
    return dtserver.API_KEY


def _stored(server: dtserver.DTServer, name: str, version: str) -> dict[str, dict[str, str]]:
    project = server.project(name, version)
    assert project is not None and project.bom is not None
    return {
        portable.component_facts(c).get("aigate:id", c.get("bom-ref", "")): (
            portable.component_facts(c)
        )
        for c in project.bom["components"]
    }


def test_publish_then_fleet_report_keeps_countries_through_ingest(
    app: Path, key: str, tmp_path: Path
) -> None:
    with dtserver.serve() as server:
        server.processing_polls = 0
        code, _, err = run(
            "publish",
            str(app),
            "--dependency-track",
            server.url,
            "--project",
            "shop",
            "--version",
            "1.0",
            "--tag",
            "payments",
            "--policy",
            "release",
            "--timeout",
            "30",
        )
        assert code == 0, err
        assert "uploaded shop 1.0" in err and "published verdict: fail" in err
        put = next(r for r in server.requests if r["method"] == "PUT")
        assert put["size"] > 0
        assert put["path"] == "/api/v1/bom" and put["headers"]["x-api-key"] == key
        stored = _stored(server, "shop", "1.0")
        # Dependency-Track dropped pedigree and addresses; the properties carry the facts.
        qwen = stored["hf:Qwen/Qwen2.5-7B-Instruct@unpinned"]
        assert qwen["aigate:publisher:country"] == "CN"
        assert qwen["aigate:concern:countries"] == "CN"
        assert qwen["aigate:policy:status"] == "deny"
        assert json.loads(qwen["aigate:lineage"])[0]["country"] == "CN"
        deepseek = stored["api:deepseek/deepseek-chat"]
        assert deepseek["aigate:served-by:country"] == "CN"
        minilm = next(v for k, v in stored.items() if k.startswith("hf:sentence-transformers"))
        assert "aigate:concern:countries" not in minilm
        assert minilm["aigate:policy:status"] == "warn"

        code, out, err = run(
            "fleet", "report", "--dependency-track", server.url, "--format", "json"
        )
        assert code == 0, err
        doc = json.loads(out)
        assert doc["releases"] == 1
        touching = doc["releases_touching_listed_countries"][0]
        assert touching["release"] == "shop@1.0"
        ids = {row["component"] for row in touching["components"]}
        assert ids == {"hf:Qwen/Qwen2.5-7B-Instruct@unpinned", "api:deepseek/deepseek-chat"}
        assert doc["by_publisher_country"] == [
            {"components": 2, "publisher_country": "CN", "releases": 1},
            {"components": 1, "publisher_country": "DE", "releases": 1},
        ]
        again = run("fleet", "report", "--dependency-track", server.url, "--format", "json")[1]
        assert again == out  # deterministic


def test_the_api_key_comes_only_from_the_environment(
    app: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DT_API_KEY", raising=False)
    code, _, err = run(
        "publish",
        str(app),
        "--dependency-track",
        "http://127.0.0.1:9",
        "--project",
        "p",
        "--version",
        "1",
    )
    assert code == 2 and "DT_API_KEY" in err and "no Dependency-Track API key" in err
    code, _, err = run("publish", str(app), "--api-key", "x")
    assert code == 2 and "No such option" in err


def test_wrong_key_is_a_clear_401(app: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DT_API_KEY", "wrong")
    with dtserver.serve() as server:
        code, _, err = publish(app, server)
    assert code == 2
    assert "401 Unauthorized" in err and "hint: set DT_API_KEY" in err


def test_forbidden_names_the_permissions(app: Path, key: str) -> None:
    with dtserver.serve() as server:
        server.forbid = True
        code, _, err = publish(app, server)
    assert code == 2 and "403 Forbidden" in err and "BOM_UPLOAD" in err


def test_too_large_is_a_clear_413(app: Path, key: str) -> None:
    with dtserver.serve() as server:
        server.max_body = 100
        code, _, err = publish(app, server)
    assert code == 2 and "413 Payload Too Large" in err and "size limit" in err


def test_missing_parent_is_a_clear_404(app: Path, key: str) -> None:
    with dtserver.serve() as server:
        code, _, err = publish(app, server, "--parent", "platform@2026")
    assert code == 2 and "404 Not Found" in err and "parent component could not be found" in err


def test_invalid_bom_shows_the_problem_details(key: str, tmp_path: Path) -> None:
    with dtserver.serve() as server:
        client = dtrack.DependencyTrack(server.url, key, net=Net(online=True, retries=0))
        with pytest.raises(NetworkError) as err:
            client.upload(b"{not json", project="p", version="1")
    assert "The uploaded BOM is invalid: Schema validation failed: $: not valid JSON" in str(
        err.value
    )


def test_slow_processing_is_polled_until_done_and_then_times_out(key: str) -> None:
    slept: list[float] = []
    now = [0.0]

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    with dtserver.serve() as server:
        server.processing_polls = 3
        client = dtrack.DependencyTrack(
            server.url,
            key,
            net=Net(online=True),
            sleep=sleep,
            clock=lambda: now[0],
            poll_interval=2.0,
            poll_timeout=60.0,
        )
        token = client.upload(b'{"bomFormat": "CycloneDX"}', project="p", version="1")
        client.wait(token)
        assert slept == [2.0, 2.0, 2.0]
        server.processing_polls = 100
        token = client.upload(b'{"bomFormat": "CycloneDX"}', project="p", version="2")
        with pytest.raises(NetworkError, match="still processing the BOM after 60 s"):
            client.wait(token)


def test_large_boms_go_multipart(key: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dtrack, "MULTIPART_ABOVE", 10)
    with dtserver.serve() as server:
        client = dtrack.DependencyTrack(server.url, key, net=Net(online=True))
        client.upload(
            b'{"bomFormat": "CycloneDX", "components": []}',
            project="p",
            version="1",
            tags=("a", "b"),
            parent=None,
        )
        post = next(r for r in server.requests if r["method"] == "POST")
        assert post["headers"]["content-type"].startswith("multipart/form-data")
        project = server.project("p", "1")
        assert project is not None and project.tags == ["a", "b"]


def test_malformed_answers_are_errors_not_empty_fleets(key: str) -> None:
    with dtserver.serve() as server:
        server.malformed = True
        code, _, err = run("fleet", "report", "--dependency-track", server.url)
    assert code == 2 and "project list: the answer is not JSON" in err


def test_fleet_reads_every_page_and_filters_by_tag(key: str) -> None:
    bom = {
        "components": [
            {
                "name": "x",
                "properties": [
                    {"name": "aigate:id", "value": "api:deepseek/deepseek-chat"},
                    {"name": "aigate:role", "value": "hosted-api"},
                    {"name": "aigate:publisher:country", "value": "CN"},
                    {"name": "aigate:served-by:country", "value": "CN"},
                ],
            },
            {
                "name": "y",
                "properties": [
                    {"name": "aigate:id", "value": "hf:acme/mystery@unpinned"},
                    {"name": "aigate:role", "value": "runtime-model"},
                ],
            },
        ]
    }
    with dtserver.serve() as server:
        for i in range(dtrack.PAGE_SIZE + 30):
            tags = ["cn"] if i % 2 else []
            server.projects.append(
                dtserver.Project(f"id-{i:04d}", f"svc-{i:04d}", "1", tags, None, bom)
            )
        code, out, _ = run("fleet", "report", "--dependency-track", server.url, "--format", "json")
        doc = json.loads(out)
        assert code == 0 and doc["releases"] == dtrack.PAGE_SIZE + 30
        pages = [
            r["query"]["pageNumber"] for r in server.requests if r["path"] == "/api/v1/project"
        ]
        assert pages == [["1"], ["2"]]
        code, out, _ = run(
            "fleet", "report", "--dependency-track", server.url, "--tag", "cn", "--format", "csv"
        )
        rows = out.splitlines()
        assert rows[0].startswith("release,component,role,publisher,publisher_country")
        assert len(rows) == 1 + 2 * 65
        code, md, _ = run(
            "fleet", "report", "--dependency-track", server.url, "--format", "markdown"
        )
        assert "| CN | 1 | 130 |" in md and "## Unknown origins" in md
        assert "svc-0000@1: hf:acme/mystery@unpinned" in md


def test_portable_copies_what_ingest_drops() -> None:
    doc = {
        "components": [
            {
                "bom-ref": "hf:a/b@unpinned",
                "manufacturer": {"name": "Acme", "address": {"country": "US"}},
                "properties": [
                    {"name": "aigate:id", "value": "hf:a/b@unpinned"},
                    {"name": "aigate:role", "value": "runtime-model"},
                ],
                "pedigree": {
                    "ancestors": [
                        {
                            "name": "deepseek-ai/DeepSeek-R1",
                            "manufacturer": {"name": "DeepSeek", "address": {"country": "CN"}},
                            "properties": [
                                {
                                    "name": "aigate:id",
                                    "value": "hf:deepseek-ai/DeepSeek-R1@unpinned",
                                },
                                {"name": "aigate:relation", "value": "distill"},
                                {"name": "aigate:depth", "value": "1"},
                            ],
                        }
                    ]
                },
            }
        ]
    }
    out = portable.portable(doc, concern={"us-15cfr791.4": ("CN", "RU")})
    facts = portable.component_facts(out["components"][0])
    assert facts["aigate:publisher:country"] == "US"
    assert facts["aigate:lineage:countries"] == "CN"
    assert facts["aigate:concern:countries"] == "CN"
    assert facts["aigate:concern:lists"] == "us-15cfr791.4"
    assert json.loads(facts["aigate:lineage"]) == [
        {
            "country": "CN",
            "id": "hf:deepseek-ai/DeepSeek-R1@unpinned",
            "parent_country": None,
            "relation": "distill",
        }
    ]
    assert len(doc["components"][0]["properties"]) == 2  # the input is not changed
    built = fleet.build([("r@1", out)], {"us-15cfr791.4": ("CN",)})
    assert built.uses[0].concern == ("CN",)
