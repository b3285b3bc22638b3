"""Hub enrichment over real HTTP (a local server with the real response shape): opt-in,
cached with a TTL, retried with backoff, and a failure leaves facts unknown with one warning."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from hubserver import QWEN_SHA, WEIGHT_SHA, model_info, serve

from gate.errors import NetworkError
from gate.model import (
    Component,
    ComponentId,
    FactSource,
    Hash,
    Inventory,
    Project,
    Role,
)
from gate.net import Net
from gate.progress import NullObserver
from gate.resolve import origins
from gate.resolve.hub import Hub

REPO = "Qwen/Qwen2.5-7B-Instruct"
CARD = {
    "license": "apache-2.0",
    "license_link": "https://huggingface.co/Qwen/Qwen2.5-7B-Instruct/blob/main/LICENSE",
    "language": ["en"],
    "pipeline_tag": "text-generation",
    "base_model": "Qwen/Qwen2.5-7B",
    "datasets": ["HuggingFaceFW/fineweb"],
    "tags": ["chat"],
    "library_name": "transformers",
}
INFO = model_info(REPO, QWEN_SHA, CARD, {"model-00001-of-00004.safetensors": WEIGHT_SHA})


def _no_sleep(seconds: float) -> None:
    pass


def test_offline_guard_raises_before_connecting() -> None:
    net = Net(online=False)
    with pytest.raises(NetworkError, match=r"offline: refused to connect to huggingface\.co"):
        net.get("https://huggingface.co/api/models/x/y")
    assert net._session is None  # no session, so no socket was ever opened


def test_offline_hub_never_asks_the_server(tmp_path: Path) -> None:
    with serve() as hub_server:
        hub_server.answer(f"/api/models/{REPO}", (200, INFO))
        hub = Hub(online=False, cache_dir=tmp_path, endpoint=hub_server.url)
        assert hub.model_info(REPO) is None
        assert hub_server.requests == []
    assert not (tmp_path / "hub.sqlite3").exists()


def test_online_model_info_honours_token_and_endpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with serve() as hub_server:
        hub_server.answer(f"/api/models/{REPO}", (200, INFO))
        monkeypatch.setenv("HF_ENDPOINT", hub_server.url)
        monkeypatch.setenv("HF_TOKEN", "hf_test_token")
        hub = Hub(online=True, cache_dir=tmp_path)
        info = hub.model_info(REPO)
        assert info is not None
        assert (info.sha, info.author, info.license) == (QWEN_SHA, "Qwen", "apache-2.0")
        assert info.base_models == ("Qwen/Qwen2.5-7B",)
        assert info.datasets == ("HuggingFaceFW/fineweb",)
        weights = [f for f in info.files if f.sha256]
        assert [(f.path, f.sha256) for f in weights] == [
            ("model-00001-of-00004.safetensors", WEIGHT_SHA)
        ]
        (req,) = hub_server.requests
        assert req["query"] == {"blobs": ["true"]}
        assert req["headers"]["authorization"] == "Bearer hf_test_token"
        assert req["headers"]["user-agent"].startswith("aigate/")
        hub.close()


def test_cache_serves_offline_and_ttl_decides_when_to_ask_again(tmp_path: Path) -> None:
    with serve() as hub_server:
        hub_server.answer(f"/api/models/{REPO}", (200, INFO))
        first = Hub(online=True, cache_dir=tmp_path, endpoint=hub_server.url)
        assert first.model_info(REPO) is not None
        first.close()
        offline = Hub(online=False, cache_dir=tmp_path, endpoint=hub_server.url)
        cached = offline.model_info(REPO)
        assert cached is not None and cached.sha == QWEN_SHA
        assert offline.files_with_sha256(WEIGHT_SHA) == [
            (REPO, QWEN_SHA, "model-00001-of-00004.safetensors")
        ]
        offline.close()
        fresh = Hub(online=True, cache_dir=tmp_path, endpoint=hub_server.url)
        assert fresh.model_info(REPO) is not None
        fresh.close()
        assert len(hub_server.requests) == 1
        expired = Hub(online=True, cache_dir=tmp_path, endpoint=hub_server.url, ttl=0)
        assert expired.model_info(REPO) is not None
        expired.close()
        assert len(hub_server.requests) == 2


def test_not_found_is_cached_and_gated_warns_once(tmp_path: Path) -> None:
    obs = NullObserver()
    with serve() as hub_server:
        hub_server.answer("/api/models/meta-llama/Llama-3.1-8B", (401, {"error": "gated"}))
        hub = Hub(online=True, cache_dir=tmp_path, endpoint=hub_server.url, observer=obs)
        assert hub.model_info("nobody/nothing") is None
        assert hub.model_info("meta-llama/Llama-3.1-8B") is None
        assert hub.model_info("meta-llama/Llama-3.1-8B", "main") is None
        hub.close()
        again = Hub(online=True, cache_dir=tmp_path, endpoint=hub_server.url, observer=obs)
        assert again.model_info("nobody/nothing") is None
        again.close()
        paths = [r["path"] for r in hub_server.requests]
    assert paths.count("/api/models/nobody/nothing") == 1
    gated = [w for w in obs.warnings if "gated or private" in w]
    assert len(gated) == 1 and "HF_TOKEN" in gated[0]


def test_server_errors_are_retried_with_backoff(tmp_path: Path) -> None:
    slept: list[float] = []
    with serve() as hub_server:
        hub_server.answer(
            f"/api/models/{REPO}/revision/{QWEN_SHA}",
            (503, {"error": "busy"}),
            (429, {"error": "slow down"}),
            (200, INFO),
        )
        net = Net(online=True, backoff=0.25, sleep=slept.append)
        hub = Hub(online=True, cache_dir=tmp_path, endpoint=hub_server.url, net=net)
        info = hub.model_info(REPO, QWEN_SHA)
        hub.close()
        assert info is not None and info.sha == QWEN_SHA
        assert len(hub_server.requests) == 3
    assert slept == [0.25, 0.5]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_hub_warns_once_and_invents_nothing(tmp_path: Path) -> None:
    obs = NullObserver()
    net = Net(online=True, retries=1, timeout=(0.5, 0.5), sleep=_no_sleep)
    hub = Hub(
        online=True,
        cache_dir=tmp_path,
        endpoint=f"http://127.0.0.1:{_closed_port()}",
        observer=obs,
        net=net,
    )
    assert hub.model_info(REPO) is None
    assert hub.model_info("Qwen/Qwen2.5-7B") is None
    hub.close()
    assert len(obs.warnings) == 1
    assert "unreachable" in obs.warnings[0] and "stay unknown" in obs.warnings[0]


def test_corrupt_cache_is_ignored_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "hub.sqlite3").write_bytes(b"this is not a database" * 100)
    obs = NullObserver()
    hub = Hub(online=False, cache_dir=tmp_path, observer=obs)
    assert hub.model_info(REPO) is None
    assert any("not usable" in w for w in obs.warnings)


def test_resolver_uses_hub_facts_with_their_source(tmp_path: Path) -> None:
    model = Component(id=ComponentId(f"hf:{REPO}@unpinned"), role=Role.RUNTIME_MODEL, name="x")
    weight = Component(
        id=ComponentId(f"file:sha256:{WEIGHT_SHA}"),
        role=Role.EMBEDDED_WEIGHTS,
        name="w.safetensors",
        hashes=(Hash("SHA-256", WEIGHT_SHA),),
    )
    merge = Component(
        id=ComponentId("hf:acme-unknown/fancy-merge@unpinned"), role=Role.RUNTIME_MODEL, name="m"
    )
    merge_card = {
        "license": "other",
        "license_name": "qwen",
        "base_model": ["mistralai/Mistral-7B-v0.1", "Qwen/Qwen2.5-7B"],
        "base_model_relation": "merge",
    }
    inventory = Inventory(project=Project("p"), components=(model, weight, merge))
    with serve() as hub_server:
        hub_server.answer(f"/api/models/{REPO}", (200, INFO))
        hub_server.answer(
            "/api/models/acme-unknown/fancy-merge",
            (200, model_info("acme-unknown/fancy-merge", "f" * 40, merge_card, {})),
        )
        options = origins.ResolveOptions(
            online=True, cache_dir=tmp_path, hub_endpoint=hub_server.url
        )
        resolved = origins.resolve_inventory(inventory, options)
    got, file_comp = resolved.component(model.id), resolved.component(weight.id)
    assert got is not None and file_comp is not None
    assert got.licence is not None and got.licence.expression == "Apache-2.0"
    assert got.licence.provenance[0].source is FactSource.HUB
    assert QWEN_SHA in got.licence.provenance[0].detail
    # The registry knows this repo's parent, so it wins over the Hub (same answer here).
    assert [a.name for a in got.lineage][:1] == ["Qwen/Qwen2.5-7B"]
    assert got.datasets == (ComponentId("dataset:hf:HuggingFaceFW/fineweb"),)
    # The weight file is known by content: a copy of the repo's file, made by Qwen.
    assert [(a.name, a.relation) for a in file_comp.lineage][:1] == [(REPO, "copy")]
    assert file_comp.lineage[0].provenance[0].source is FactSource.HUB
    assert resolved.properties["origins"]["online"] is True
    merged = resolved.component(merge.id)
    assert merged is not None and merged.publisher is not None
    assert merged.publisher.country is None  # an unknown org: no country is claimed
    assert [
        (a.name, a.relation, a.publisher.country if a.publisher else None) for a in merged.lineage
    ] == [
        ("Qwen/Qwen2.5-7B", "merge", "CN"),
        ("mistralai/Mistral-7B-v0.1", "merge", "FR"),
    ]
    assert {a.provenance[0].source for a in merged.lineage} == {FactSource.HUB}
    assert merged.licence is not None and merged.licence.expression == "LicenseRef-aigate-qwen"
