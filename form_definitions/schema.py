"""The standard JSON Schema (draft 2020-12) of a definition's submission data."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

import form_definitions.composite  # noqa: F401  (registers composite types)
import form_definitions.fields  # noqa: F401  (registers scalar types)
from form_definitions.composite import object_schema
from form_definitions.problems import Problem, join_path

DIALECT = "https://json-schema.org/draft/2020-12/schema"

# jsonschema validator keyword -> our stable problem code
CODES = {
    "type": "type",
    "enum": "not_an_option",
    "const": "not_an_option",
    "required": "required",
    "minimum": "too_small",
    "exclusiveMinimum": "too_small",
    "maximum": "too_large",
    "exclusiveMaximum": "too_large",
    "minLength": "too_short",
    "maxLength": "too_long",
    "pattern": "pattern",
    "format": "format",
    "minItems": "too_few",
    "maxItems": "too_many",
    "uniqueItems": "duplicate",
    "additionalProperties": "unknown_field",
}


def build_schema(definition: dict[str, Any]) -> dict[str, Any]:
    """Generate the submission-data schema; conditional rules are checked by the rule engine."""
    schema = object_schema(definition.get("fields") or [])
    title = definition.get("title") or {}
    return {
        "$schema": DIALECT,
        "$id": f"urn:formplatform:{definition.get('key', 'draft')}",
        "title": title.get("vi") or title.get("en") or definition.get("key", ""),
        **schema,
    }


def _params(error: ValidationError) -> dict[str, Any]:
    keyword = str(error.validator)
    value: Any = error.validator_value  # Any: the stubs' Unset is only for errors built by hand
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength"):
        return {"limit": value}
    if keyword in ("minItems", "maxItems"):
        return {"limit": value}
    if keyword == "type":
        return {"expected": value if isinstance(value, str) else value[0]}
    if keyword == "format":
        return {"format": value}
    return {}


def _expand(error: ValidationError, base: str) -> Iterator[Problem]:
    keyword = str(error.validator)
    # Any: the stubs' Unset is only for errors built by hand; iter_errors sets all three.
    value: Any = error.validator_value
    instance: Any = error.instance
    schema: Any = error.schema
    if keyword == "required":
        present = instance if isinstance(instance, dict) else {}
        for name in value:
            if name not in present:
                yield Problem(join_path(base, name), "required")
    elif keyword == "additionalProperties":
        allowed = schema.get("properties", {})
        for name in instance:
            if name not in allowed:
                yield Problem(join_path(base, name), "unknown_field")
    else:
        yield Problem(base, CODES.get(keyword, "invalid"), _params(error))


def jsonschema_problems(validator: Draft202012Validator, data: Any) -> list[Problem]:
    """Every schema violation as a Problem with a dotted path to the offending value."""
    found: list[Problem] = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        found.extend(_expand(error, join_path(*error.absolute_path)))
    return found
