"""One recogniser: what a string found anywhere names.

Every front end (the Python and JS/TS analysers, configs, notebooks, deployment files,
assistant configs), ``aigate explain`` and the foreign-BOM reader hand a value to
:func:`recognise` with

- its :class:`Site`: where it was written (:class:`SiteKind`: a call argument, a config key,
  a catalogue item, a CLI/env default, a raw HTTP body, a deployment file, an assistant
  config, a foreign BOM, user input) and how the consumer reads it (:class:`Reading`: a Hub
  loader, a hosted client, litellm, ``provider:model``, or the value's own shape);
- its :class:`Serving`: what the code says serves it (the SDK and its provider key, a base URL
  or the expression that sets one, a region). ``Serving()`` means nothing is known; a
  ``base_url_expr`` without a ``base_url`` means the code decides at run time, and the
  recognised host is then *unknown* (:attr:`HostSource.UNKNOWN`), never a guessed one;
- the :class:`Knowledge` of the run (:func:`knowledge`: shipped providers, endpoints,
  hosted-model names, conventions and the publisher registry, plus the user's ``--registry``
  files), loaded once.

It returns a :class:`Recognised` (identity, role, evidence kind, the attributes the resolver
reads, and the completed :attr:`Recognised.serving`) or None when the value names nothing.
A value at a :attr:`SiteKind.CATALOGUE_ITEM` site is *listed* (``attributes["listed"]``),
not called. One string gets one identity everywhere; sites differ only in whether a weak
shape is trusted (a bare ``llama3.1`` counts where a person names it, not in code). The rules
are documented in ``docs/references.md``.

    >>> from gate.recognise import Site, SiteKind, Serving, knowledge, recognise
    >>> recognise("Qwen/Qwen2.5-72B-Instruct-Turbo", Site(SiteKind.CONFIG_KEY),
    ...           Serving(base_url="https://api.together.xyz/v1"), knowledge()).identity
    'api:together/Qwen/Qwen2.5-72B-Instruct-Turbo'
"""

from gate.recognise.core import endpoint_of, google_model_name, litellm_prefix, recognise
from gate.recognise.knowledge import (
    Conventions,
    Knowledge,
    Providers,
    conventions,
    knowledge,
    llamafactory_models,
)
from gate.recognise.shapes import (
    has_model_literal,
    hf_repo_of_url,
    is_model_value,
    looks_like_path,
    model_literal_regex,
)
from gate.recognise.site import (
    UNKNOWN_SERVING,
    HostSource,
    Reading,
    Recognised,
    Serving,
    Site,
    SiteKind,
)

__all__ = [
    "UNKNOWN_SERVING",
    "Conventions",
    "HostSource",
    "Knowledge",
    "Providers",
    "Reading",
    "Recognised",
    "Serving",
    "Site",
    "SiteKind",
    "conventions",
    "endpoint_of",
    "google_model_name",
    "has_model_literal",
    "hf_repo_of_url",
    "is_model_value",
    "knowledge",
    "litellm_prefix",
    "llamafactory_models",
    "looks_like_path",
    "model_literal_regex",
    "recognise",
]
