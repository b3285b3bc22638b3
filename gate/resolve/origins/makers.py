"""Model makers: who made a hosted model, read from its provider, id prefixes and name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gate import identity
from gate.model import (
    Party,
)
from gate.recognise.knowledge import providers
from gate.registry import Publisher, Registry, endpoints

# Cross-region inference-profile prefixes of Bedrock model ids (us.anthropic.claude-…).
_BEDROCK_REGION = re.compile(r"^(?:us|eu|apac|global|us-gov|jp|au|ca)\.")
# The Gemini API's resource path before a model name (google-genai `models/gemini-…`); a
# provider's own id shapes (Workers AI `@cf/…`, Fireworks `accounts/…/models/…`) are
# providers.yaml `id_shapes`, read through `_own_name`.
_GOOGLE_PATH = "models/"
_VERTEX = re.compile(r"^(?:projects/[^/]+/locations/[^/]+/)?publishers/([^/]+)/models/(.+)$")


def _own_name(name: str) -> str:
    """A model name without the path its provider's spelling puts around it."""
    if name.startswith(_GOOGLE_PATH):
        return name[len(_GOOGLE_PATH) :]
    return providers().shape_model(name) or name


def _repo_behind_api_name(model: str, bare: str, registry: Registry) -> str | None:
    """The open-weights Hub repo a hosted model id names exactly, if the registry knows it."""
    if identity.is_hf_repo_id(model) and registry.model(model) is not None:
        return model
    return registry.known_repo_for_name(bare.rsplit("/", 1)[-1])


@dataclass(frozen=True, slots=True)
class ApiMaker:
    """Who made a hosted model, how that was learned, and the model's bare name."""

    publisher: Publisher | None
    how: str
    heuristic: bool
    name: str

    def party(self, registry: Registry) -> Party | None:
        """The maker as a Party with its provenance."""
        if self.publisher is None:
            return None
        return registry.party(self.publisher, self.how, heuristic=self.heuristic)


def api_maker(
    provider: str, model: str, registry: Registry, *, fallback_provider: str | None = None
) -> ApiMaker:
    """The maker of a hosted model and the model's bare name.

    Order: a vendor prefix in the id (``qwen/qwen-2.5-72b`` on OpenRouter, Vertex
    ``publishers/google/models/…``, Bedrock ``anthropic.claude-…``), the hosted-name table, a
    family named in the model name (heuristic), and finally the provider itself when it is not
    an aggregator (heuristic: a provider may also serve others' models).
    """
    name = model.strip()
    aggregator = registry.is_aggregator(provider)
    if aggregator and ":" in name and not name.startswith("@"):
        name = name.split(":", 1)[0]  # OpenRouter variants (":free"), Bedrock versions (":0")
    vertex = _VERTEX.match(name)
    if vertex:
        vendor, name = vertex.groups()
        pub = registry.publisher_for_vendor(vendor)
        if pub is not None:
            return ApiMaker(pub, f"Vertex publisher {vendor!r} in the model path", False, name)
    name = _own_name(name)
    if "/" in name:
        vendor, rest = name.split("/", 1)
        pub = registry.publisher_for_vendor(vendor)
        if pub is not None and not pub.redistributor:
            return ApiMaker(pub, f"vendor prefix {vendor!r} in the model id {model!r}", False, rest)
        name = rest
    row = registry.api_model(name)
    bare = _BEDROCK_REGION.sub("", name)
    if "." in bare and (
        provider in ("bedrock", "aws-china")
        or (row is not None and row.provider in ("bedrock", "aws-china"))
    ):
        vendor, _, rest = bare.partition(".")
        pub = registry.publisher_for_vendor(vendor)
        if pub is not None:
            return ApiMaker(pub, f"Bedrock model id vendor {vendor!r}", False, rest)
    if row is not None and not registry.is_aggregator(row.provider):
        pub = registry.publisher_for_provider(row.provider)
        if pub is not None:
            how = f"hosted model name {name!r} (api_models.yaml {row.pattern!r} → {row.provider})"
            if provider.lower() in endpoints.deployment_named():
                # Azure OpenAI's `model` is a deployment name the user chose: it usually
                # echoes the model, but nothing makes it (`gpt-4o-eu`, `prod-chat`).
                how = (
                    f"{provider} deployment name {name!r}, chosen by the user, resembles the "
                    f"hosted model name pattern {row.pattern!r} → {row.provider}"
                )
                return ApiMaker(pub, how, True, name)
            return ApiMaker(pub, how, False, name)
    families = registry.families_in(name)
    if families:
        fam = families[0][2]
        pub = registry.publisher(fam.publisher)
        if pub is not None:
            return ApiMaker(pub, f"family {fam.family} in the model name {name!r}", True, name)
    fallback = provider if fallback_provider is None else fallback_provider
    if fallback and not registry.is_aggregator(fallback):
        pub = registry.publisher_for_provider(fallback)
        if pub is not None:
            how = (
                f"the provider {fallback!r} makes models and {name!r} is not in the registry: "
                "assumed to be its own"
            )
            return ApiMaker(pub, how, True, name)
    return ApiMaker(None, "", False, name)
