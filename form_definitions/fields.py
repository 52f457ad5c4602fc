"""Scalar field types: text, numbers, dates, choices, contact details and files."""

from __future__ import annotations

from typing import Any

from form_definitions.registry import BILINGUAL, OPTION, Field, FieldType, register

NUMBER = {"type": "number"}
PHONE_PATTERN = r"^(0|\+84)[0-9]{9,10}$"
DEFAULT_MAX_FILE_SIZE = 10 * 1024 * 1024


def _to_number(text: str, integer: bool) -> Any:
    cleaned = text.replace(" ", "").replace(",", ".") if not integer else text.replace(" ", "")
    try:
        return int(cleaned) if integer else float(cleaned)
    except ValueError:
        return text


@register
class Text(FieldType):
    name = "text"
    config = {
        "min_length": {"type": "integer", "minimum": 0},
        "max_length": {"type": "integer", "minimum": 1},
        "pattern": {"type": "string", "format": "regex"},
    }

    def value_schema(self, field: Field) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "maxLength": field.get("max_length", 2000)}
        if "min_length" in field:
            schema["minLength"] = field["min_length"]
        if "pattern" in field:
            schema["pattern"] = field["pattern"]
        return schema


@register
class Textarea(FieldType):
    name = "textarea"
    config = {"max_length": {"type": "integer", "minimum": 1}}

    def value_schema(self, field: Field) -> dict[str, Any]:
        return {"type": "string", "maxLength": field.get("max_length", 20000)}


class _Number(FieldType):
    numeric = True
    integer = False
    config = {
        "minimum": NUMBER,
        "maximum": NUMBER,
        "unit": BILINGUAL,
        "score_max": {"type": "number", "exclusiveMinimum": 0},
    }
    breaking_keys = ("unit",)

    def value_schema(self, field: Field) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        for key in ("minimum", "maximum"):
            if key in field:
                schema[key] = field[key]
        if "score_max" in field:
            schema["maximum"] = min(field["score_max"], field.get("maximum", field["score_max"]))
            schema.setdefault("minimum", 0)
        return schema

    def read_form(self, field: Field, raw: list[str]) -> Any:
        text = raw[0].strip() if raw else ""
        return _to_number(text, self.integer) if text else None

    def points(self, field: Field, value: Any) -> float | None:
        if "score_max" not in field:
            return None
        return float(value) if isinstance(value, (int, float)) else 0.0

    def max_points(self, field: Field) -> float | None:
        return float(field["score_max"]) if "score_max" in field else None


@register
class Integer(_Number):
    name = "integer"
    integer = True


@register
class Decimal(_Number):
    name = "decimal"
    config = {**_Number.config, "decimals": {"type": "integer", "minimum": 0, "maximum": 6}}


@register
class Date(FieldType):
    name = "date"
    config = {"minimum": {"type": "string", "format": "date"}, "maximum": {"type": "string", "format": "date"}}

    def value_schema(self, field: Field) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "format": "date"}
        if "minimum" in field:
            schema["formatMinimum"] = field["minimum"]
        if "maximum" in field:
            schema["formatMaximum"] = field["maximum"]
        return schema


def option_values(field: Field) -> list[str]:
    return [o["value"] for o in field.get("options") or []]


@register
class Choice(FieldType):
    name = "choice"
    config = {"options": {"type": "array", "items": OPTION, "minItems": 1}, "widget": {"enum": ["radio", "select"]}}

    def value_schema(self, field: Field) -> dict[str, Any]:
        return {"type": "string", "enum": option_values(field)}


@register
class MultiChoice(FieldType):
    name = "multi_choice"
    config = {
        "options": {"type": "array", "items": OPTION, "minItems": 1},
        "min_items": {"type": "integer", "minimum": 0},
        "max_items": {"type": "integer", "minimum": 1},
    }

    def value_schema(self, field: Field) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "array",
            "items": {"type": "string", "enum": option_values(field)},
            "uniqueItems": True,
        }
        if "min_items" in field:
            schema["minItems"] = field["min_items"]
        if "max_items" in field:
            schema["maxItems"] = field["max_items"]
        return schema

    def read_form(self, field: Field, raw: list[str]) -> Any:
        values = [r for r in raw if r != ""]
        return values or None


@register
class YesNo(FieldType):
    name = "yes_no"

    def value_schema(self, field: Field) -> dict[str, Any]:
        return {"type": "boolean"}

    def read_form(self, field: Field, raw: list[str]) -> Any:
        text = raw[0] if raw else ""
        return {"yes": True, "no": False}.get(text, text or None)


@register
class Rating(FieldType):
    name = "rating"
    config = {
        "scale_min": {"type": "integer", "minimum": 0},
        "scale_max": {"type": "integer", "minimum": 1, "maximum": 10},
        "min_label": BILINGUAL,
        "max_label": BILINGUAL,
    }
    breaking_keys = ("scale_min", "scale_max")

    def value_schema(self, field: Field) -> dict[str, Any]:
        return {"type": "integer", "minimum": field.get("scale_min", 1), "maximum": field.get("scale_max", 5)}

    def read_form(self, field: Field, raw: list[str]) -> Any:
        text = raw[0].strip() if raw else ""
        return _to_number(text, True) if text else None


@register
class ScoredChoice(FieldType):
    name = "scored_choice"
    config = {
        "options": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["value", "label", "points"],
                "properties": {**OPTION["properties"], "points": NUMBER},
                "additionalProperties": False,
            },
        },
        "widget": {"enum": ["radio", "select", "buttons"]},
    }

    def value_schema(self, field: Field) -> dict[str, Any]:
        return {"type": "string", "enum": option_values(field)}

    def points(self, field: Field, value: Any) -> float | None:
        for option in field.get("options") or []:
            if option["value"] == value:
                return float(option["points"])
        return 0.0

    def max_points(self, field: Field) -> float | None:
        return max((float(o["points"]) for o in field.get("options") or []), default=0.0)


@register
class Email(FieldType):
    name = "email"

    def value_schema(self, field: Field) -> dict[str, Any]:
        return {"type": "string", "format": "email", "maxLength": 254}


@register
class Phone(FieldType):
    name = "phone"

    def value_schema(self, field: Field) -> dict[str, Any]:
        return {"type": "string", "pattern": PHONE_PATTERN}

    def read_form(self, field: Field, raw: list[str]) -> Any:
        text = (raw[0] if raw else "").replace(" ", "").replace(".", "").replace("-", "")
        return text or None


@register
class File(FieldType):
    name = "file"
    config = {
        "max_size": {"type": "integer", "minimum": 1, "maximum": 15 * 1024 * 1024},
        "accept": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]+/[a-z0-9.+*-]+$"}},
    }

    def value_schema(self, field: Field) -> dict[str, Any]:
        content_type: dict[str, Any] = {"type": "string"}
        if field.get("accept"):
            content_type["enum"] = list(field["accept"])
        return {
            "type": "object",
            "required": ["id", "name", "size", "content_type"],
            "properties": {
                "id": {"type": "string", "minLength": 1},
                "name": {"type": "string"},
                "size": {"type": "integer", "minimum": 0, "maximum": field.get("max_size", DEFAULT_MAX_FILE_SIZE)},
                "content_type": content_type,
                "sha256": {"type": "string"},
            },
            "additionalProperties": False,
        }
