"""Generated policy-input validators (tools/gen_policy_validators.py)."""

# ruff: noqa
# fmt: off
from typing import Any, Callable

from gate.policy._schemas import document
from gate.policy._schemas import component
from gate.policy._schemas import publisher
from gate.policy._schemas import served_by
from gate.policy._schemas import lineage
from gate.policy._schemas import licence

SCHEMA_SHA256 = "9a6b52c4e3219302c906a63a70a372a0e339af299d9fd81515ef6df7b33d1d15"
"""The schema file these were generated from."""

VALIDATORS: dict[str, Callable[[Any], Any]] = {
    'document': document.validate,
    'component': component.validate,
    'publisher': publisher.validate,
    'served_by': served_by.validate,
    'lineage': lineage.validate,
    'licence': licence.validate,
}

FILE_VALIDATORS: dict[str, tuple[str, str]] = {
    'pack.schema.json': ('gate.policy._schemas.pack_file', '3e9e6291f982015db5db9ed317b982218419be88591c90fa089124799a6904c0'),
    'waivers.schema.json': ('gate.policy._schemas.waivers_file', '44463b155994fb9cbfe44e3166efeb62fa3074a7823982589624ed831e5f4677'),
}
"""Pack and waiver file schema → the module of its validator (imported when a file is checked)
and the SHA-256 of the schema it was generated from."""
