"""One environment variable, one model: a code default of a variable the project's own env
file sets to the same value is the model that file configures.

``CHAT_MODEL = get_env_var("CHAT_MODEL", "deepseek-ai/DeepSeek-V3")`` read alone is a Hub id
(``hf:``); the committed ``.env.example`` sets ``CHAT_MODEL=deepseek-ai/DeepSeek-V3`` beside
``CHAT_API_BASE_URL=https://api.siliconflow.cn/v1``, so the value the code falls back to is
the one the deployment sends to SiliconFlow (``api:siliconflow/deepseek-ai/DeepSeek-V3``).

The other way round (:func:`env_files_as_called`): the env file's value is sent where the
calls reading its variable send their default, when the code places their endpoint.
Both run once per scan, after every source (gate.pipeline.scanning).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from gate.model import JSON, Evidence
from gate.recognise.core import recognise
from gate.recognise.knowledge import Knowledge
from gate.recognise.relabel import Rule, relabel
from gate.recognise.site import SERVING_ATTRIBUTES, HostSource, Reading, Serving, Site, SiteKind


def _env_file_setting(ev: Evidence) -> tuple[str, str] | None:
    """``(variable, value)`` of a hosted model an env file sets (its key is the variable)."""
    var = ev.attributes.get("env_var")
    if (
        ev.source != "configs"
        or not isinstance(var, str)
        or ev.attributes.get("key") != var
        or not ev.identity.startswith("api:")
    ):
        return None
    return var, ev.as_written.strip()


def _code_default(ev: Evidence) -> tuple[str, str] | None:
    """``(variable, value)`` of a code default of an environment variable read as a Hub id
    (a loader call, weights loaded from the Hub, keeps its reading)."""
    var = ev.attributes.get("env_var")
    if (
        isinstance(var, str)
        and ev.identity.startswith("hf:")
        and "call" not in ev.attributes
        and _env_file_setting(ev) is None
    ):
        return var, ev.as_written.strip()
    return None


def _where(env: Evidence) -> JSON:
    where = f"{env.location.path}:{env.location.line}" if env.location.line else ""
    return where or (env.location.path or "")


_CONFIGURED = Rule(
    authority=_env_file_setting, follower=_code_default, mark="configured_by", where=_where
)


def env_defaults_as_configured(found: Sequence[Evidence]) -> list[Evidence]:
    """Code defaults of an environment variable (``os.getenv("X", v)``, the app's own env
    helper) read as a Hub id are the hosted model the project's env file configures under
    the same variable with the same value, when it configures exactly one. A loader call
    (weights loaded from the Hub) keeps its reading."""
    return relabel(found, _CONFIGURED)


# How a call's host is learned when the code itself places it beside the call.
_PLACED_HOSTS = frozenset(
    {str(HostSource.BASE_URL), str(HostSource.ENV_DEFAULT), str(HostSource.CONFIG)}
)


def _env_file_by_shape(ev: Evidence) -> str | None:
    """The variable of an env file's model that only the value's shape placed (a maker's
    pattern: ``MODEL_NAME=deepseek-r1`` read as DeepSeek's API)."""
    setting = _env_file_setting(ev)
    attrs = ev.attributes
    if setting is None or "base_url" in attrs or "base_url_expr" in attrs:
        return None
    if attrs.get("host_source") != str(HostSource.MODEL_PROVIDER_DEFAULT):
        return None
    return setting[0]


def _called_with(ev: Evidence) -> str | None:
    """The variable a call reads its model from when the code places the call's endpoint
    (``client.chat.completions.create({model: process.env.MODEL_NAME || "deepseek-v3"})``
    on a client made with DashScope's base URL)."""
    var = ev.attributes.get("env_var")
    if (
        not isinstance(var, str)
        or "call" not in ev.attributes
        or not ev.identity.startswith("api:")
        or ev.attributes.get("host_source") not in _PLACED_HOSTS
        or not isinstance(ev.attributes.get("provider"), str)
    ):
        return None
    return var


def env_files_as_called(found: Sequence[Evidence], kn: Knowledge) -> list[Evidence]:
    """An env file's model whose provider only its shape decided is sent where the app's
    calls reading that variable send it: ``MODEL_NAME=deepseek-r1`` in ``.env.example``,
    read by ``create({model: process.env.MODEL_NAME || "deepseek-v3"})`` on a client at
    DashScope, is DashScope's ``deepseek-r1`` (``api:alibaba/deepseek-r1``), not DeepSeek's
    own API. Only when every such call agrees on one endpoint (the value differs from the
    code's default, so it is read again there, as the call would read it)."""
    calls: dict[str, dict[tuple[JSON, JSON], Evidence]] = {}
    for ev in found:
        var = _called_with(ev)
        if var is not None:
            key = (ev.attributes.get("provider"), ev.attributes.get("base_url"))
            calls.setdefault(var, {}).setdefault(key, ev)
    if not calls:
        return list(found)
    out: list[Evidence] = []
    for ev in found:
        var = _env_file_by_shape(ev)
        by = calls.get(var) if var is not None else None
        if by is not None and len(by) == 1:
            ev = _as_called(ev, next(iter(by.values())), kn) or ev
        out.append(ev)
    return out


def _as_called(ev: Evidence, call: Evidence, kn: Knowledge) -> Evidence | None:
    """The env file's value ``ev`` read as ``call`` reads its model (the same serving), or
    None when it names no hosted model there."""
    attrs = call.attributes
    base_url = attrs.get("base_url")
    serving = Serving(
        provider=str(attrs["provider"]),
        base_url=base_url if isinstance(base_url, str) else None,
        host_source=HostSource(str(attrs["host_source"])),
        sdk=str(attrs["sdk"]) if isinstance(attrs.get("sdk"), str) else None,
    )
    site = Site(kind=SiteKind.CONFIG_KEY, reads=Reading.HOSTED, key=str(ev.attributes["key"]))
    got = recognise(ev.as_written.strip(), site, serving, kn)
    if got is None or not got.identity.startswith("api:"):
        return None
    new: dict[str, JSON] = {
        k: v for k, v in ev.attributes.items() if k not in SERVING_ATTRIBUTES and k != "named_by"
    }
    new.update({k: v for k, v in got.attributes.items() if k in SERVING_ATTRIBUTES})
    new["called_by"] = _where(call)
    return replace(ev, identity=got.identity, kind=got.kind, role=got.role, attributes=new)
