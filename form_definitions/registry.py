"""The explicit registry of field types, keyed by the stable names stored in definitions."""

from __future__ import annotations

from typing import Any, ClassVar

Field = dict[str, Any]

BILINGUAL: dict[str, Any] = {
    "type": "object",
    "properties": {"vi": {"type": "string"}, "en": {"type": "string"}},
    "additionalProperties": False,
}
RULE: dict[str, Any] = {"type": ["object", "boolean"]}
OPTION: dict[str, Any] = {
    "type": "object",
    "required": ["value", "label"],
    "properties": {"value": {"type": "string", "minLength": 1}, "label": BILINGUAL},
    "additionalProperties": False,
}

COMMON_KEYS: dict[str, Any] = {
    "type": {"type": "string"},
    "name": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_-]{0,63}$"},
    "concept": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"},
    "label": BILINGUAL,
    "help": BILINGUAL,
    "required": {"type": "boolean"},
    "visible_if": RULE,
    "required_if": RULE,
    "fill_by": {"enum": ["filler", "reviewer"]},
    "widget": {"type": "string"},
    # filled from the campaign and period, read-only (form_definitions.prefill.SOURCES)
    "prefill": {
        "enum": [
            "campaign.agency_name",
            "period.type",
            "period.number",
            "period.year",
            "period.start",
            "period.end",
            "period.deadline",
        ]
    },
    "format": {"enum": ["plain", "grouped"]},  # integers: "plain" for years, codes, ids (no separators)
}


class FieldType:
    """Behaviour of one field type: its config, its JSON Schema, how to read and score a value."""

    name: ClassVar[str]
    has_data: ClassVar[bool] = True
    numeric: ClassVar[bool] = False
    config: ClassVar[dict[str, Any]] = {}
    # Config keys whose change breaks comparability with earlier data.
    breaking_keys: ClassVar[tuple[str, ...]] = ()

    def config_schema(self) -> dict[str, Any]:
        """JSON Schema that a field of this type must satisfy inside a definition."""
        return {
            "type": "object",
            "required": ["type", "name", "label"] if self.has_data else ["type"],
            "properties": {**COMMON_KEYS, **self.config},
            "additionalProperties": False,
        }

    def value_schema(self, field: Field) -> dict[str, Any]:
        """JSON Schema (draft 2020-12) of this field's value in submission data."""
        raise NotImplementedError

    def read_form(self, field: Field, raw: list[str]) -> Any:
        """Turn raw HTML form strings into a JSON value (invalid text is kept for the validator)."""
        text = raw[0].strip() if raw else ""
        return text if text != "" else None

    def points(self, field: Field, value: Any) -> float | None:
        """Points this value earns, or None when the field does not count towards a score."""
        return None

    def max_points(self, field: Field) -> float | None:
        """The most points this field can earn, or None when it does not count."""
        return None

    def empty(self, value: Any) -> bool:
        """Whether a value counts as 'not answered' for required checks."""
        return value is None or value == "" or value == [] or value == {}


REGISTRY: dict[str, FieldType] = {}


def register(cls: type[FieldType]) -> type[FieldType]:
    """Class decorator adding a field type; a duplicate name is a programming error."""
    if not getattr(cls, "name", "") or cls.name in REGISTRY:
        raise RuntimeError(f"field type name missing or registered twice: {cls.__name__}")
    REGISTRY[cls.name] = cls()
    return cls


def field_type(name: str) -> FieldType:
    """Look up a registered type; unknown names raise KeyError."""
    return REGISTRY[name]
