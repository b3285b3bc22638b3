"""One environment variable, one model: a code default of a variable the project's own env
file sets to the same value is the model that file configures.

``CHAT_MODEL = get_env_var("CHAT_MODEL", "deepseek-ai/DeepSeek-V3")`` read alone is a Hub id
(``hf:``); the committed ``.env.example`` sets ``CHAT_MODEL=deepseek-ai/DeepSeek-V3`` beside
``CHAT_API_BASE_URL=https://api.siliconflow.cn/v1``, so the value the code falls back to is
the one the deployment sends to SiliconFlow (``api:siliconflow/deepseek-ai/DeepSeek-V3``).
Run once per scan, after every source (gate.pipeline.scanning).
"""

from __future__ import annotations

from collections.abc import Sequence

from gate.model import JSON, Evidence
from gate.recognise.relabel import Rule, relabel


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
