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
