"""Composite field types: groups, grids, calculated values and the object schema of sections."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from form_definitions.checks import check_definition
from form_definitions.composite import column_schema, object_schema
from form_definitions.registry import field_type


def t(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


def accepts(field: dict[str, Any], value: Any) -> bool:
    return Draft202012Validator(field_type(field["type"]).value_schema(field)).is_valid(value)


def one_field_problems(field: dict[str, Any]) -> set[tuple[str, str]]:
    definition = {"schema_version": 1, "key": "pinned", "kind": "report", "title": t("M", "S"), "fields": [field]}
    return {(p.path, p.code) for p in check_definition(definition)}


GROUP = {
    "type": "group",
    "name": "people",
    "label": t("Người", "People"),
    "max_items": 2,
    "fields": [{"type": "text", "name": "who", "label": t("Ai", "Who"), "required": True}],
}


def test_a_groups_json_schema_is_a_bounded_list_of_objects_forbidding_unknown_sub_fields():
    assert field_type("group").value_schema(GROUP) == {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {"who": {"type": "string", "maxLength": 2000}},
            "additionalProperties": False,
            "required": ["who"],
        },
        "maxItems": 2,
    }
    assert accepts(GROUP, [{"who": "An"}])
    assert not accepts(GROUP, [{"who": "An", "age": 3}])
    assert not accepts(GROUP, [{}])
    assert not accepts(GROUP, [{"who": "a"}] * 3)
    assert not accepts(GROUP, {"who": "An"})
    assert field_type("group").value_schema({"fields": [], "min_items": 1})["minItems"] == 1
    assert field_type("group").value_schema({"fields": []})["maxItems"] == 200


def test_only_unconditionally_required_filler_fields_are_required():
    fields = [
        {"type": "text", "name": "a", "required": True},
        {"type": "text", "name": "b", "required": True, "visible_if": {"var": "a"}},
        {"type": "text", "name": "c", "required": True, "required_if": {"var": "a"}},
        {"type": "text", "name": "d", "required": True, "fill_by": "reviewer"},
        {"type": "section", "visible_if": {"var": "a"}, "fields": [{"type": "text", "name": "e", "required": True}]},
        {"type": "section", "fields": [{"type": "text", "name": "f", "required": True}]},
        {"type": "static", "content": t("x", "x")},
    ]
    schema = object_schema(fields)
    assert list(schema["properties"]) == ["a", "b", "c", "d", "e", "f"]
    assert schema["required"] == ["a", "f"]
    assert "required" not in object_schema([{"type": "text", "name": "a"}])


def test_grid_columns_allow_null_and_calculated_columns_are_read_only():
    assert column_schema({"type": "text"}) == {"type": ["string", "null"], "maxLength": 2000}
    assert column_schema({"type": "integer", "minimum": 0}) == {"type": ["integer", "null"], "minimum": 0}
    assert column_schema({"type": "decimal", "maximum": 5}) == {"type": ["number", "null"], "maximum": 5}
    assert column_schema({"type": "calculated"}) == {"type": ["number", "null"], "readOnly": True}
    assert "readOnly" not in column_schema({"type": "decimal"})


COLUMNS = [{"name": "plan", "type": "integer", "label": t("KH", "Plan")}]


def test_a_grid_with_fixed_rows_is_an_object_keyed_by_row_forbidding_unknown_rows_and_columns():
    grid = {"type": "grid", "name": "annex", "rows": [{"key": "docs", "label": t("VB", "Docs")}], "columns": COLUMNS}
    row = {"type": "object", "properties": {"plan": {"type": ["integer", "null"]}}, "additionalProperties": False}
    assert field_type("grid").value_schema(grid) == {
        "type": "object",
        "properties": {"docs": row},
        "additionalProperties": False,
    }
    assert accepts(grid, {"docs": {"plan": 3}})
    assert not accepts(grid, {"other": {"plan": 3}})
    assert not accepts(grid, {"docs": {"plan": 3, "extra": 1}})


def test_a_grid_with_addable_rows_is_a_bounded_list_of_rows():
    grid = {"type": "grid", "name": "annex", "addable_rows": True, "max_rows": 2, "columns": COLUMNS}
    schema = field_type("grid").value_schema(grid)
    assert schema["type"] == "array" and schema["maxItems"] == 2
    assert schema["items"]["properties"] == {"plan": {"type": ["integer", "null"]}}
    assert accepts(grid, [{"plan": 1}, {"plan": None}])
    assert not accepts(grid, [{"plan": 1}] * 3)
    assert not accepts(grid, [{"plan": "x"}])
    assert not accepts(grid, {"0": {"plan": 1}})
    del grid["max_rows"]
    assert field_type("grid").value_schema(grid)["maxItems"] == 500


def test_a_grid_is_empty_until_some_cell_holds_a_value():
    kind = field_type("grid")
    assert kind.empty(None) and kind.empty({}) and kind.empty([])
    assert kind.empty({"docs": {"plan": None, "note": ""}})
    assert not kind.empty({"docs": {"plan": 0}})
    assert not kind.empty([{"plan": 1}])


def test_a_grid_definition_refuses_unknown_column_keys_and_negative_decimals():
    grid = {
        "type": "grid",
        "name": "annex",
        "label": t("Phụ lục", "Annex"),
        "rows": [{"key": "docs", "label": t("VB", "Docs")}],
        "columns": [{"name": "plan", "type": "decimal", "label": t("KH", "Plan"), "decimals": 0}],
    }
    assert one_field_problems(grid) == set()
    bad = {**grid, "columns": [{**grid["columns"][0], "colour": "red"}]}
    assert ("fields.0.columns.0.colour", "unknown_field") in one_field_problems(bad)
    bad = {**grid, "columns": [{**grid["columns"][0], "decimals": -1}]}
    assert ("fields.0.columns.0.decimals", "too_small") in one_field_problems(bad)
    bad = {**grid, "columns": [{**grid["columns"][0], "decimals": 7}]}
    assert ("fields.0.columns.0.decimals", "too_large") in one_field_problems(bad)


def test_a_calculated_value_is_read_only_and_needs_a_formula():
    assert field_type("calculated").value_schema({}) == {
        "type": ["number", "string", "boolean", "null"],
        "readOnly": True,
    }
    field = {"type": "calculated", "name": "total", "label": t("Tổng", "Total")}
    assert ("fields.0.formula", "required") in one_field_problems(field)
    assert one_field_problems({**field, "formula": {"+": [1, 2]}}) == set()


def test_a_group_definition_allows_a_single_entry_but_not_zero():
    group = {**GROUP, "max_items": 1}
    assert one_field_problems(group) == set()
    assert one_field_problems({**group, "min_items": 0}) == set()
    assert ("fields.0.max_items", "too_small") in one_field_problems({**group, "max_items": 0})
    assert ("fields.0.min_items", "too_small") in one_field_problems({**group, "min_items": -1})
    assert ("fields.0.fields", "too_few") in one_field_problems({**group, "fields": []})


def test_a_section_must_hold_a_list_of_fields():
    section = {"type": "section", "name": "part", "label": t("Phần", "Part")}
    assert one_field_problems({**section, "fields": []}) == set()
    # check_definition itself crashes on a non-list section `fields` (walk.data_fields), so the
    # section's config schema is asked directly.
    config = Draft202012Validator(field_type("section").config_schema())
    assert config.is_valid({**section, "fields": []})
    assert not config.is_valid({**section, "fields": {"a": 1}})
    assert ("fields.0.fields", "required") in one_field_problems(section)


def test_a_text_grid_column_needs_a_positive_max_length():
    grid = {
        "type": "grid",
        "name": "annex",
        "label": t("Phụ lục", "Annex"),
        "rows": [{"key": "docs", "label": t("VB", "Docs")}],
        "columns": [{"name": "note", "type": "text", "label": t("GC", "Note"), "max_length": 1}],
    }
    assert one_field_problems(grid) == set()
    bad = {**grid, "columns": [{**grid["columns"][0], "max_length": 0}]}
    assert ("fields.0.columns.0.max_length", "too_small") in one_field_problems(bad)


def test_calculated_and_number_fields_are_numeric_and_text_is_not():
    assert field_type("calculated").numeric is True
    assert field_type("integer").numeric and field_type("decimal").numeric
    assert not field_type("text").numeric and not field_type("group").numeric


def test_sections_and_static_text_hold_no_data_and_calculated_decimals_cannot_be_negative():
    assert field_type("section").has_data is False and field_type("static").has_data is False
    assert field_type("group").has_data is True
    field = {"type": "calculated", "name": "total", "label": t("Tổng", "Total"), "formula": {"+": [1, 2]}}
    assert one_field_problems({**field, "decimals": 0}) == set()
    assert ("fields.0.decimals", "too_small") in one_field_problems({**field, "decimals": -1})
