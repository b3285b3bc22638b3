"""The ``aigate:`` property taxonomy: facts CycloneDX has no field for.

CycloneDX 1.6 has ``manufacturer.address.country`` but no field for the controlling parent,
the serving jurisdiction, or where a fact was learned; these live in namespaced properties.
Composite values are JSON strings (property values must be strings).
"""

from __future__ import annotations

from enum import StrEnum


class Prop(StrEnum):
    """Property names aigate writes and reads back."""

    ID = "aigate:id"
    """The canonical component identity (``hf:…``, ``api:…``, ``file:sha256:…``)."""
    ROLE = "aigate:role"
    """embedded-weights, runtime-model, hosted-api, code-assistant, dataset, sdk."""
    PINNED = "aigate:pinned"
    """true when the content is fixed (commit sha, content hash), false when it can move."""
    PUBLISHER_PARENT = "aigate:publisher:parent"
    PUBLISHER_PARENT_COUNTRY = "aigate:publisher:parent-country"
    PUBLISHER_SOURCES = "aigate:publisher:sources"
    """JSON list of ``[source, detail]`` pairs behind the publisher facts."""
    PUBLISHER_ENTITY_LISTED = "aigate:publisher:entity-listed"
    SERVED_BY_HOST = "aigate:served-by:host"
    SERVED_BY_OPERATOR = "aigate:served-by:operator"
    SERVED_BY_COUNTRY = "aigate:served-by:country"
    SERVED_BY_SOURCES = "aigate:served-by:sources"
    SERVED_BY_REGION = "aigate:served-by:region"
    """The cloud region the serving host names (``cn-north-1``), when it names one."""
    SERVED_BY_REGION_COUNTRY = "aigate:served-by:region-country"
    """Where that region's data centres stand (``ap-east-1`` → ``HK``)."""
    LICENCE_EXPRESSION = "aigate:licence:expression"
    """The licence as aigate understood it (SPDX expression or ``LicenseRef-…``)."""
    LICENCE_NAME = "aigate:licence:name"
    LICENCE_URL = "aigate:licence:url"
    LICENCE_CATEGORY = "aigate:licence:category"
    LICENCE_OBLIGATIONS = "aigate:licence:obligations"
    LICENCE_SOURCES = "aigate:licence:sources"
    RISK = "aigate:risk"
    """JSON ``{kind, detail, severity, location}``; one property per risk."""
    DATASET = "aigate:dataset"
    """A dataset id the model declares it was trained on; one property per dataset."""
    FACT = "aigate:fact:"
    """Prefix: ``aigate:fact:<key>`` = JSON value of a further component fact."""
    RELATION = "aigate:relation"
    """On an ancestor: finetune, adapter, merge, quantized, distill, unknown."""
    DEPTH = "aigate:depth"
    SOURCES = "aigate:sources"
    FORMAT = "aigate:format"
    SIZE = "aigate:size"
    METADATA = "aigate:metadata"
    FILES_SCANNED = "aigate:files-scanned"
    SKIPPED = "aigate:skipped"
    NOTE = "aigate:note"
    INVENTORY = "aigate:inventory:"
    """Prefix for inventory-level facts (history range, commits read, …)."""
    PROJECT_ROOT = "aigate:project:root"
    GROUP = "aigate:group"
    NAME = "aigate:name"
    VERSION = "aigate:version"
