"""Generate the CycloneDX JSON validators in gate/bom/_schemas/ (fastjsonschema code).

Run after upgrading cyclonedx-python-lib or fastjsonschema: ``python tools/gen_bom_validators.py``
(``--check`` exits 1 when a committed file differs from what would be generated; a test runs
it). The code comes from the official schemas the library ships (bom-1.x, spdx, jsf,
cryptography-defs), resolved locally; compiling them takes seconds, so it is done here once
rather than in every aigate process. Formats fastjsonschema does not know (``iri``,
``iri-reference``, ``idn-email``) are checked by functions gate/bom/validate.py passes in;
exceptions are short (the detailed ones repeat whole schema parts: 7 MB of code), since on
a failure aigate asks jsonschema for the best-matching message anyway.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

import cyclonedx.schema._res as resources
import fastjsonschema
from fastjsonschema import generator

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "gate" / "bom" / "_schemas"
SCHEMAS = Path(resources.__file__).parent
VERSIONS = ("1.6", "1.7")
CUSTOM_FORMATS = ("iri", "iri-reference", "idn-email")


def _local(uri: str) -> Any:
    """A schema the bom schema refers to (http://cyclonedx.org/schema/spdx…), from the library."""
    name = uri.rsplit("/", 1)[-1].split("#", 1)[0]
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def _short_messages() -> None:
    # fastjsonschema 2.x fails on its own `const` message without detailed exceptions.
    original = generator.CodeGenerator.exc

    def exc(self: Any, msg: str, *args: Any, append_to_msg: Any = None, rule: Any = None) -> Any:
        msg = msg.replace("{definition_rule}", "the value the schema gives")
        return original(self, msg, *args, append_to_msg=append_to_msg, rule=rule)

    generator.CodeGenerator.exc = exc  # type: ignore[method-assign]


def _enum_as_set() -> None:
    # fastjsonschema writes an enum as `x == 'a' or x == 'b' or ...`: the SPDX licence list
    # makes that 700 comparisons per licence id (a third of validating a large BOM). A set
    # literal of strings compiles to a frozenset constant: one hash lookup.
    from fastjsonschema.draft04 import CodeGeneratorDraft04

    original = CodeGeneratorDraft04.generate_enum

    def generate_enum(self: Any) -> None:
        enum = self._definition["enum"]
        if not isinstance(enum, list) or len(enum) < 8 or not all(isinstance(v, str) for v in enum):
            original(self)
            return
        literal = "{" + ", ".join(repr(v) for v in sorted(set(enum))) + "}"
        with self.l("if not (isinstance({variable}, str) and {variable} in {}):", literal):
            self.exc("{name} must be one of {}", self.e(enum), rule="enum")

    CodeGeneratorDraft04.generate_enum = generate_enum  # type: ignore[method-assign]


UNIQUE_HELPER = """

def _aigate_duplicates(items, fn):
    # uniqueItems, exactly as fastjsonschema's fn decides equality, but the whole-item
    # fingerprint is only built for items that agree on a cheap key first (the values of
    # bom-ref, ref, name, type, version): 10,000 components took a quarter of the time of
    # validating a BOM when every one was fingerprinted. Items equal by fn have equal keys
    # (fn-equal scalars are ==, so hash alike); an item with an unhashable value there
    # (a list or object: no scalar is fn-equal to one) is keyed by its string values only.
    if len(items) < 2:
        return False
    buckets = {}
    for item in items:
        if type(item) is dict:
            get = item.get
            key = (len(item), get("bom-ref"), get("ref"), get("name"), get("type"), get("version"))
            try:
                group = buckets.get(key)
            except TypeError:
                values = (get(k) for k in _AIGATE_KEYS)
                key = (len(item),) + tuple(v if isinstance(v, str) else None for v in values)
                group = buckets.get(key)
        else:
            key = None
            group = buckets.get(key)
        if group is None:
            buckets[key] = [item]
        else:
            group.append(item)
    for group in buckets.values():
        if len(group) > 1 and len(group) > len(set(fn(x) for x in group)):
            return True
    return False


_AIGATE_KEYS = ("bom-ref", "ref", "name", "type", "version")
"""


def _unique_items_by_bucket() -> None:
    from fastjsonschema.draft04 import CodeGeneratorDraft04

    def generate_unique_items(self: Any) -> None:
        if not self._definition["uniqueItems"]:
            return
        self.create_variable_is_list()
        with self.l("if {variable}_is_list:"):
            self.l(
                "def fn(var): "
                "return frozenset(dict((k, fn(v)) "
                "for k, v in var.items()).items()) "
                'if hasattr(var, "items") else tuple(fn(v) '
                "for v in var) "
                "if isinstance(var, (dict, list)) else (bool, var) "
                "if isinstance(var, bool) else var"
            )
            with self.l("if _aigate_duplicates({variable}, fn):"):
                self.exc("{name} must contain unique items", rule="uniqueItems")

    CodeGeneratorDraft04.generate_unique_items = generate_unique_items  # type: ignore[method-assign]


_FORMAT_LOCALS = re.compile(r'"((?:[^"\\]|\\.)*)"\.format\(\*\*locals\(\)\)')


def _names_without_locals(code: str) -> str:
    # fastjsonschema names each item it hands a sub-validator with
    # `"...[{data_x}]".format(**locals())`: a dict of every local per item (1.2 s of CPU for
    # a 10,000-component BOM, more than the checks themselves). An f-string says the same.
    return _FORMAT_LOCALS.sub(r'f"\1"', code)


_PROPERTY_CALL = re.compile(
    r"^(?P<ind> *)(?P<call>validate_\w+__definitions_property"
    r"\((?P<item>\w+), custom_formats, .*\))$",
    re.M,
)
_PROPERTY = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "value": {"type": "string"}},
    "additionalProperties": False,
}


def _shape(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _shape(v) for k, v in node.items() if k not in ("title", "description")}
    return node


def _plain_properties_inline(code: str, schema: dict[str, Any]) -> str:
    # A BOM of 10,000 components holds ~110,000 `property` objects: a call per object (and
    # its name for messages) was a third of validating the BOM. A property that is a dict
    # of a string name and at most a string value is valid: only others are handed to the
    # validator, which accepts or names the problem as before. Done only while the schema's
    # `property` is exactly that shape.
    if _shape(schema["definitions"]["property"]) != _PROPERTY:
        return code
    test = (
        "type({item}) is dict and type({item}.get('name')) is str and (len({item}) == 1 or"
        " (len({item}) == 2 and type({item}.get('value')) is str))"
    )

    def inline(m: re.Match[str]) -> str:
        ind, item = m["ind"], m["item"]
        return f"{ind}if not ({test.format(item=item)}):\n{ind}    {m['call']}"

    return _PROPERTY_CALL.sub(inline, code)


def generate(version: str) -> str:
    schema = json.loads((SCHEMAS / f"bom-{version}.SNAPSHOT.schema.json").read_text("utf-8"))
    code = fastjsonschema.compile_to_code(
        schema,
        handlers={"http": _local, "https": _local},
        formats={name: (lambda value: True) for name in CUSTOM_FORMATS},
        use_default=False,
        detailed_exceptions=False,
    )
    header = (
        f"# Generated by tools/gen_bom_validators.py from CycloneDX {version}"
        f" (cyclonedx-python-lib's schemas, fastjsonschema {fastjsonschema.VERSION}).\n"
        "# Do not edit: regenerate.\n"
        "# ruff: noqa\n"
        "# mypy: ignore-errors\n"
        "# fmt: off\n"
    )
    first = code.index("def validate_") + len("def ")
    name = code[first : code.index("(", first)]
    code = _plain_properties_inline(_names_without_locals(code), schema)
    return header + code + UNIQUE_HELPER + f"\n\nvalidate = {name}\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    _short_messages()
    _enum_as_set()
    _unique_items_by_bucket()
    OUT.mkdir(exist_ok=True)
    stale = []
    for version in VERSIONS:
        path = OUT / f"cdx_{version.replace('.', '_')}.py"
        code = generate(version)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != code:
                stale.append(str(path))
        else:
            path.write_text(code, encoding="utf-8")
    init = OUT / "__init__.py"
    if not args.check:
        init.write_text(
            '"""Generated CycloneDX JSON validators (tools/gen_bom_validators.py)."""\n',
            encoding="utf-8",
        )
    if stale:
        sys.exit(f"stale generated validators (run tools/gen_bom_validators.py): {stale}")


if __name__ == "__main__":
    main()
