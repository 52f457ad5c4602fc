"""Composite and derived field types: section, repeatable group, grid, calculated, static text."""

from __future__ import annotations

from typing import Any

from form_definitions.crosschecks import CHECKS
from form_definitions.registry import BILINGUAL, REGISTRY, RULE, Field, FieldType, register

GRID_COLUMN_TYPES = ("text", "integer", "decimal", "calculated")
NUMERIC_COLUMN_TYPES = ("integer", "decimal", "calculated")


def _unconditional(fields: list[Field], conditional: bool = False) -> list[tuple[Field, bool]]:
    """Data fields with whether any rule (their own or an enclosing section's) governs them."""
    found: list[tuple[Field, bool]] = []
    for field in fields:
        governed = conditional or bool(field.get("visible_if"))
        if field.get("type") == "section":
            found += _unconditional(field.get("fields") or [], governed)
        elif field.get("type") != "static":
            found.append((field, governed or bool(field.get("required_if"))))
    return found


def object_schema(fields: list[Field]) -> dict[str, Any]:
    """JSON Schema of an object holding the values of `fields` (sections flattened).

    Only fields required whatever the answers are listed in `required`; rules decide the rest.
    """
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field, conditional in _unconditional(fields):
        kind = REGISTRY[field["type"]]
        properties[field["name"]] = kind.value_schema(field)
        if field.get("required") and not conditional and field.get("fill_by") != "reviewer":
            required.append(field["name"])
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


@register
class Section(FieldType):
    name = "section"
    has_data = False
    config = {"fields": {"type": "array"}}

    def config_schema(self) -> dict[str, Any]:
        schema = super().config_schema()
        schema["required"] = ["type", "name", "label", "fields"]
        return schema

    def value_schema(self, field: Field) -> dict[str, Any]:
        raise TypeError("sections hold no value of their own")


@register
class Static(FieldType):
    name = "static"
    has_data = False
    config = {"content": BILINGUAL}

    def value_schema(self, field: Field) -> dict[str, Any]:
        raise TypeError("static text holds no value")


@register
class Group(FieldType):
    name = "group"
    config = {
        "fields": {"type": "array", "minItems": 1},
        "min_items": {"type": "integer", "minimum": 0},
        "max_items": {"type": "integer", "minimum": 1},
    }

    def value_schema(self, field: Field) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": object_schema(field.get("fields") or [])}
        if "min_items" in field:
            schema["minItems"] = field["min_items"]
        schema["maxItems"] = field.get("max_items", 200)
        return schema


def column_schema(column: Field) -> dict[str, Any]:
    if column["type"] == "text":
        return {"type": ["string", "null"], "maxLength": column.get("max_length", 2000)}
    if column["type"] == "integer":
        schema: dict[str, Any] = {"type": ["integer", "null"]}
    else:
        schema = {"type": ["number", "null"]}
    for key in ("minimum", "maximum"):
        if key in column:
            schema[key] = column[key]
    if column["type"] == "calculated":
        schema["readOnly"] = True
    return schema


@register
class Grid(FieldType):
    name = "grid"
    config = {
        "rows": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["key", "label"],
                "properties": {
                    "key": {"type": "string", "pattern": "^[a-z0-9][a-z0-9_]{0,63}$"},
                    "label": BILINGUAL,
                    "unit": BILINGUAL,
                },
                "additionalProperties": False,
            },
        },
        "columns": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name", "type", "label"],
                "properties": {
                    "name": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_-]{0,63}$"},
                    "type": {"enum": list(GRID_COLUMN_TYPES)},
                    "label": BILINGUAL,
                    "unit": BILINGUAL,
                    "minimum": {"type": "number"},
                    "maximum": {"type": "number"},
                    "max_length": {"type": "integer", "minimum": 1},
                    "decimals": {"type": "integer", "minimum": 0, "maximum": 6},
                    "formula": RULE,
                    "total": {"type": "boolean"},
                    "in_row_total": {"type": "boolean"},
                },
                "additionalProperties": False,
            },
        },
        "addable_rows": {"type": "boolean"},
        "max_rows": {"type": "integer", "minimum": 1},
        "row_total": BILINGUAL,
        "row_checks": CHECKS,
    }
    breaking_keys = ("addable_rows",)

    def value_schema(self, field: Field) -> dict[str, Any]:
        row = {
            "type": "object",
            "properties": {c["name"]: column_schema(c) for c in field.get("columns") or []},
            "additionalProperties": False,
        }
        if field.get("addable_rows"):
            return {"type": "array", "items": row, "maxItems": field.get("max_rows", 500)}
        keys = [r["key"] for r in field.get("rows") or []]
        return {
            "type": "object",
            "properties": {key: row for key in keys},
            "additionalProperties": False,
        }

    def empty(self, value: Any) -> bool:
        rows = value.values() if isinstance(value, dict) else (value or [])
        return not any(v not in (None, "") for row in rows if isinstance(row, dict) for v in row.values())


@register
class Calculated(FieldType):
    name = "calculated"
    numeric = True
    config = {"formula": RULE, "decimals": {"type": "integer", "minimum": 0, "maximum": 6}, "unit": BILINGUAL}

    def config_schema(self) -> dict[str, Any]:
        schema = super().config_schema()
        schema["required"] = ["type", "name", "label", "formula"]
        return schema

    def value_schema(self, field: Field) -> dict[str, Any]:
        return {"type": ["number", "string", "boolean", "null"], "readOnly": True}
