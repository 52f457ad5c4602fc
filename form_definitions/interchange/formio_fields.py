"""Form.io input components -> scalar definition fields (text, numbers, choices, dates, files)."""

from __future__ import annotations

import re
from typing import Any

from form_definitions.interchange.columns import mime_types
from form_definitions.interchange.common import number_value, whole_number
from form_definitions.interchange.formio_reader import Field, FormioReader, Handler, Reading, meaningful, setting_of
from form_definitions.interchange.formio_rules import ConditionError, json_rule

SIZE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*([kmg]?b)?\s*$", re.IGNORECASE)
UNITS = {"": 1, "b": 1, "kb": 1024, "mb": 1024**2, "gb": 1024**3}


def _text(reader: FormioReader, comp: Any, path: str) -> list[Field]:
    field = reader.base(comp, path, "text")
    reader.put(
        field,
        comp,
        path,
        {
            "min_length": ("validate.minLength", whole_number),
            "max_length": ("validate.maxLength", whole_number),
            "pattern": ("validate.pattern", str),
        },
    )
    return [field]


def _patterned(pattern: str) -> Handler:
    """url and time: asked as text with a pattern (the change is reported), unless the form sets its own."""

    def handler(reader: FormioReader, comp: Any, path: str) -> list[Field]:
        fields = _text(reader, comp, path)
        fields[0].setdefault("pattern", pattern)
        label = str(comp.raw.get("label") or "")
        reader.report(path, "import_component_changed", key=str(comp.key or ""), label=label, type=str(comp.type))
        return fields

    return handler


def _textarea(reader: FormioReader, comp: Any, path: str) -> list[Field]:
    field = reader.base(comp, path, "textarea")
    reader.put(field, comp, path, {"max_length": ("validate.maxLength", whole_number)})
    for name in ("validate.minLength", "validate.pattern"):
        if meaningful(setting_of(comp.raw, name)):
            reader.report(path, "import_unsupported_setting", key=str(comp.key or ""), property=name)
    return [field]


def _number(reader: FormioReader, comp: Any, path: str) -> list[Field]:
    raw = comp.raw
    integer = bool(setting_of(raw, "validate.integer")) or raw.get("decimalLimit") == 0
    field = reader.base(comp, path, "integer" if integer else "decimal")
    pairs = {"minimum": ("validate.min", number_value), "maximum": ("validate.max", number_value)}
    if not integer:
        pairs["decimals"] = ("decimalLimit", whole_number)
    reader.put(field, comp, path, pairs)
    if comp.type == "currency" and str(raw.get("currency") or "").strip():
        field["unit"] = {reader.language: str(raw["currency"]).strip()}
    if isinstance(raw.get("calculateValue"), dict):
        return [_calculated(reader, comp, path, field)]
    return [field]


def _calculated(reader: FormioReader, comp: Any, path: str, field: Field) -> Field:
    """A number whose calculateValue is JSON Logic becomes our calculated field (scripts are never run)."""
    try:
        formula = json_rule(comp.raw["calculateValue"])
    except ConditionError:
        reader.report(path, "import_javascript", key=str(comp.key or ""), property="calculateValue")
        return field
    kept = {k: v for k, v in field.items() if k in ("name", "label", "help", "visible_if", "decimals", "unit")}
    return {"type": "calculated", **kept, "formula": formula}


def _simple(kind: str) -> Handler:
    return lambda reader, comp, path: [reader.base(comp, path, kind)]


def _choice(reader: FormioReader, comp: Any, path: str) -> list[Field]:
    raw = comp.raw
    if comp.type == "select":
        kind = "multi_choice" if raw.get("multiple") else "choice"
        values = setting_of(raw, "data.values")
    else:
        kind = "multi_choice" if comp.type == "selectboxes" else "choice"
        values = raw.get("values")
    field = reader.base(comp, path, kind)
    field["options"] = reader.options(comp, path, values)
    if not field["options"]:
        # Nothing to choose from (options filled by a script or a URL at run time): left out, and said so.
        reader.report(path, "import_no_options", key=str(comp.key or ""), label=str(comp.label or ""))
        return []
    if comp.type == "select" and kind == "choice":
        field["widget"] = "select"
    if kind == "multi_choice":
        pairs = {"min_items": ("validate.minSelectedCount", whole_number)}
        pairs["max_items"] = ("validate.maxSelectedCount", whole_number)
        reader.put(field, comp, path, pairs)
    return [field]


def _date(reader: FormioReader, comp: Any, path: str) -> list[Field]:
    field = reader.base(comp, path, "date")
    if comp.type == "datetime" and comp.raw.get("enableTime", True) is not False:
        reader.report(path, "import_time_dropped", key=str(comp.key or ""))
    for key, name in (("minimum", "datePicker.minDate"), ("maximum", "datePicker.maxDate")):
        value = str(setting_of(comp.raw, name) or "")
        if re.match(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            field[key] = value[:10]
    return [field]


def _size(value: Any) -> int:
    match = SIZE.match(str(value))
    if not match:
        raise ValueError(value)
    return int(float(match.group(1)) * UNITS[(match.group(2) or "").lower()])


def _file(reader: FormioReader, comp: Any, path: str) -> list[Field]:
    field = reader.base(comp, path, "file")
    pattern = str(comp.raw.get("filePattern") or "").strip()
    pairs: dict[str, Reading] = {"max_size": ("fileMaxSize", _size)}
    if pattern not in ("", "*"):
        pairs["accept"] = ("filePattern", mime_types)
    reader.put(field, comp, path, pairs)
    return [field]


FIELD_HANDLERS: dict[str, Handler] = {
    "textfield": _text,
    "textarea": _textarea,
    "number": _number,
    "currency": _number,
    "checkbox": _simple("yes_no"),
    "email": _simple("email"),
    "phoneNumber": _simple("phone"),
    "radio": _choice,
    "select": _choice,
    "selectboxes": _choice,
    "datetime": _date,
    "day": _date,
    "file": _file,
    "url": _patterned(r"^https?://\S+$"),
    "time": _patterned("^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"),
}
