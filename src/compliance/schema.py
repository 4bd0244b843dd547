"""Validate loaded YAML against the JSON Schemas in ``schemas/``.

The schemas are the single source of truth for the shape of every file. Each
validator is built once per process; jsonschema is imported only when a file is
validated. Errors come back as Problems positioned on the offending node.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib import resources
from typing import Any

from .loader import Document
from .model import Problem

_TYPE_WORDS = {
    "string": "text",
    "number": "a number",
    "integer": "a whole number",
    "boolean": "true or false",
    "object": "a mapping (key: value lines)",
    "array": "a list",
    "null": "empty",
}


@cache
def schema(name: str) -> dict[str, Any]:
    """The parsed JSON Schema ``schemas/NAME.schema.json``."""
    text = resources.files("compliance").joinpath("schemas", f"{name}.schema.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


SCHEMAS = ("metrics", "pack", "catalogue", "rules", "pack-tests", "waivers", "result")


@cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    # pack.schema.json borrows rule keys from rules.schema.json by $ref
    registry = Registry().with_resources((schema(other)["$id"], Resource.from_contents(schema(other)))
                                         for other in SCHEMAS)
    return Draft202012Validator(schema(name), registry=registry)


def validate(document: Document, name: str) -> list[Problem]:
    """Every way ``document`` departs from schema ``name``, positioned and sorted."""
    problems = {
        problem
        for error in _validator(name).iter_errors(document.data)
        for problem in _problems(document, error)
    }
    return sorted(problems)


def _problems(document: Document, error: Any) -> list[Problem]:
    path = tuple(error.absolute_path)
    keyword = error.validator
    where = document.where(path)
    field = _field_name(path)
    if keyword == "additionalProperties":
        allowed = list(error.schema.get("properties", {}))
        extra = [key for key in error.instance if key not in allowed]
        return [
            Problem(document.where_key(path + (key,)), _unknown_key(key, allowed, field))
            for key in extra
        ]
    if keyword == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return [Problem(where, f"{field or 'the file'} is missing the required key {missing!r}")]
    if keyword == "type":
        expected = _type_words(error.validator_value)
        message = f"{field or 'the file'} should be {expected}, not {_describe(error.instance)}"
        if "x-message" in error.schema:
            message += f" ({error.schema['x-message']})"
        elif isinstance(error.instance, str) and _is_number(error.instance) and "number" in error.validator_value:
            message += "; remove the quotes"
        return [Problem(where, message)]
    if keyword == "enum":
        choices = ", ".join(str(choice) for choice in error.validator_value)
        hint = did_you_mean(error.instance, [str(c) for c in error.validator_value])
        return [Problem(where, f"{field}: {error.instance!r} is not one of: {choices}{hint}")]
    if keyword == "pattern" and "x-message" in error.schema:
        if isinstance(error.instance, str) and path + (error.instance,) in document.key_marks:
            where = document.where_key(path + (error.instance,))  # a key failed propertyNames
        return [Problem(where, f"{error.instance!r}: {error.schema['x-message']}")]
    if keyword == "propertyNames":
        return []  # reported by the 'pattern' error beneath it
    if keyword == "dependentRequired":
        present = next(iter(k for k in error.validator_value if k in error.instance), "")
        needed = " and ".join(error.validator_value.get(present, []))
        return [Problem(where, f"{field}: {present!r} needs {needed!r} as well")]
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        relation = "at least" if "inimum" in keyword else "at most"
        return [Problem(where, f"{field} should be {relation} {error.validator_value}, not {error.instance}")]
    if keyword == "minLength":
        return [Problem(where, f"{field} should not be empty")]
    if keyword in ("minItems", "minProperties"):
        return [Problem(where, f"{field} needs at least {error.validator_value} entr"
                               + ("y" if error.validator_value == 1 else "ies"))]
    return [Problem(where, f"{field}: {error.message}" if field else error.message)]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _field_name(path: tuple[Any, ...]) -> str:
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _unknown_key(key: str, allowed: list[str], field: str) -> str:
    place = f" in {field}" if field else ""
    if not allowed:
        return f"unexpected key {key!r}{place}"
    return f"unknown key {key!r}{place}{did_you_mean(key, allowed)}; allowed: {', '.join(allowed)}"


def did_you_mean(word: Any, choices: Any) -> str:
    """' (did you mean X?)' for the closest of ``choices``, or ''."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def _type_words(types: str | list[str]) -> str:
    if isinstance(types, str):
        types = [types]
    words = [_TYPE_WORDS.get(t, t) for t in types if t != "null"]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown!r}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"
