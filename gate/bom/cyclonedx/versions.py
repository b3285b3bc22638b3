"""The CycloneDX spec versions and formats aigate writes and reads."""

from __future__ import annotations

from cyclonedx.schema import SchemaVersion

SPEC_VERSIONS = {"1.6": SchemaVersion.V1_6, "1.7": SchemaVersion.V1_7}
FORMATS = ("json", "xml")
CDX_NS = "http://cyclonedx.org/schema/bom/"
