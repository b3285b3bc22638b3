"""aigate's facts as a BOM states them: properties, parties, licences, locations."""

from __future__ import annotations

import json
from collections.abc import Mapping
from enum import Enum
from functools import lru_cache
from typing import Any, TypeVar

import orjson

from gate.bom.properties import Prop
from gate.model import FactSource, Licence, LicenceCategory, Location, Party, Provenance

E = TypeVar("E", bound=Enum)


def loads_json(text: str) -> Any:
    """``json.loads``, through orjson (a third of the time, shared key strings) when it
    accepts the text; what it refuses (NaN, integers beyond 64 bits, lone surrogates,
    malformed JSON) goes to the standard library, which accepts or explains exactly as
    before."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


_MEMBERS: dict[type[Enum], dict[Any, Any]] = {}


def member(kind: type[E], value: Any) -> E:
    """``kind(value)`` by a dictionary lookup (an Enum call costs microseconds, and a BOM of
    10,000 components makes some 60,000); a value that is not a member raises as before."""
    table = _MEMBERS.get(kind)
    if table is None:
        table = _MEMBERS[kind] = {m.value: m for m in kind}
    try:
        found = table.get(value)
    except TypeError:  # unhashable: the Enum call says what is wrong
        found = None
    return found if found is not None else kind(value)


def prop_map(obj: Mapping[str, Any]) -> dict[str, list[str]]:
    """Property values by name. Documents are parsed JSON (or XML read into the same
    shape): their objects are dicts, checked as such (an ABC check per property was a
    tenth of reading a large BOM); names and values are nearly always strings already."""
    out: dict[str, list[str]] = {}
    for prop in obj.get("properties", []) or []:
        if isinstance(prop, dict) and "name" in prop:
            name = prop["name"]
            value = prop.get("value", "")
            if type(name) is not str:
                name = str(name)
            if type(value) is not str:
                value = str(value)
            values = out.get(name)
            if values is None:
                out[name] = [value]
            else:
                values.append(value)
    return out


def prop_value(props: Mapping[str, list[str]], key: str) -> str | None:
    values = props.get(key)
    return values[0] if values else None


def provenance_of(raw: str | None) -> tuple[Provenance, ...]:
    if not raw:
        return ()
    return _provenance(raw)


@lru_cache(maxsize=4096)
def _provenance(raw: str) -> tuple[Provenance, ...]:
    # Components of one BOM repeat a few source lists thousands of times (the registry entry
    # of their publisher, their licence): each distinct text is parsed once. The value is a
    # tuple of frozen objects, so sharing it changes nothing.
    try:
        pairs = loads_json(raw)
        return tuple(Provenance(member(FactSource, s), d) for s, d in pairs)
    except (ValueError, TypeError):
        return (Provenance(FactSource.BOM, raw),)


@lru_cache(maxsize=4096)
def _obligations(raw: str) -> tuple[Any, ...]:
    return tuple(loads_json(raw))


def party_from(
    obj: Mapping[str, Any] | None, props: Mapping[str, list[str]], stated_by: str | None = None
) -> Party | None:
    if not obj or not obj.get("name"):
        return None
    address = obj.get("address") or {}
    provenance = provenance_of(prop_value(props, Prop.PUBLISHER_SOURCES))
    if not provenance and stated_by:
        provenance = (Provenance(FactSource.BOM, stated_by),)
    return Party(
        name=str(obj["name"]),
        country=address.get("country"),
        parent=prop_value(props, Prop.PUBLISHER_PARENT),
        parent_country=prop_value(props, Prop.PUBLISHER_PARENT_COUNTRY),
        provenance=provenance,
        entity_listed=prop_value(props, Prop.PUBLISHER_ENTITY_LISTED) == "true",
    )


def licence_from(
    comp: Mapping[str, Any], props: Mapping[str, list[str]], source_path: str = "BOM"
) -> Licence | None:
    expression = prop_value(props, Prop.LICENCE_EXPRESSION)
    name = prop_value(props, Prop.LICENCE_NAME)
    if expression is None:
        texts = []
        for entry in comp.get("licenses", []) or []:
            if "expression" in entry:
                texts.append(str(entry["expression"]))
            elif isinstance(entry.get("license"), Mapping):
                lic = entry["license"]
                texts.append(str(lic.get("id") or lic.get("name") or ""))
        texts = [t for t in texts if t]
        if not texts:
            return None
        expression = " AND ".join(texts) if len(texts) > 1 else texts[0]
    category = prop_value(props, Prop.LICENCE_CATEGORY)
    obligations = prop_value(props, Prop.LICENCE_OBLIGATIONS)
    return Licence(
        expression=expression,
        name=name,
        url=prop_value(props, Prop.LICENCE_URL),
        category=member(LicenceCategory, category) if category else LicenceCategory.UNKNOWN,
        obligations=_obligations(obligations) if obligations else (),
        provenance=provenance_of(prop_value(props, Prop.LICENCE_SOURCES))
        if prop_value(props, Prop.ID)
        else (Provenance(FactSource.BOM, f"{source_path}: licenses, as the BOM states them"),),
    )


def location_from_json(raw: Mapping[str, Any] | None) -> Location | None:
    if not raw:
        return None
    return Location(
        path=str(raw.get("path", "")),
        line=raw.get("line"),
        column=raw.get("column"),
        commit=raw.get("commit"),
        context=raw.get("context"),
    )
