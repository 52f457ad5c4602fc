"""Scalar field types: their exact value schemas, the documents those accept and refuse, and scores."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator

from form_definitions.checks import check_definition
from form_definitions.registry import field_type


def t(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


def accepts(field: dict[str, Any], value: Any) -> bool:
    schema = field_type(field["type"]).value_schema(field)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).is_valid(value)


def one_field_problems(field: dict[str, Any]) -> set[tuple[str, str]]:
    definition = {"schema_version": 1, "key": "pinned", "kind": "report", "title": t("M", "S"), "fields": [field]}
    return {(p.path, p.code) for p in check_definition(definition)}


def test_a_textarea_is_a_string_of_at_most_twenty_thousand_characters_by_default():
    field = {"type": "textarea", "name": "why"}
    assert field_type("textarea").value_schema(field) == {"type": "string", "maxLength": 20000}
    assert accepts(field, "because") and not accepts(field, 5) and not accepts(field, "x" * 20001)
    assert field_type("textarea").value_schema({**field, "max_length": 3}) == {"type": "string", "maxLength": 3}


def test_a_text_field_schema_carries_its_length_limits_and_pattern():
    field = {"type": "text", "name": "code", "min_length": 2, "max_length": 5, "pattern": "^[A-Z]+$"}
    assert field_type("text").value_schema(field) == {
        "type": "string",
        "maxLength": 5,
        "minLength": 2,
        "pattern": "^[A-Z]+$",
    }
    assert field_type("text").value_schema({"type": "text"}) == {"type": "string", "maxLength": 2000}


def test_number_fields_carry_their_limits_and_integers_refuse_fractions():
    field = {"type": "integer", "name": "n", "minimum": 0, "maximum": 9}
    assert field_type("integer").value_schema(field) == {"type": "integer", "minimum": 0, "maximum": 9}
    assert field_type("decimal").value_schema({"type": "decimal"}) == {"type": "number"}
    assert accepts(field, 9) and not accepts(field, 10) and not accepts(field, 1.5) and not accepts(field, -1)


def test_a_scored_number_is_capped_by_its_score_and_cannot_be_negative():
    field = {"type": "decimal", "name": "score", "score_max": 10}
    assert field_type("decimal").value_schema(field) == {"type": "number", "maximum": 10, "minimum": 0}
    assert accepts(field, 0) and accepts(field, 10)
    assert not accepts(field, -0.5) and not accepts(field, 10.5)
    assert field_type("decimal").value_schema({**field, "maximum": 5})["maximum"] == 5
    assert field_type("decimal").value_schema({**field, "minimum": 2})["minimum"] == 2


def test_number_points_count_only_when_the_field_is_scored():
    kind = field_type("decimal")
    assert kind.points({"score_max": 10}, 7) == 7.0 and kind.points({"score_max": 10}, "x") == 0.0
    assert kind.points({}, 7) is None
    assert kind.max_points({"score_max": 10}) == 10.0 and kind.max_points({}) is None


def test_a_date_field_is_a_formatted_string_with_optional_bounds():
    field = {"type": "date", "name": "d", "minimum": "2024-01-01", "maximum": "2024-12-31"}
    assert field_type("date").value_schema(field) == {
        "type": "string",
        "format": "date",
        "formatMinimum": "2024-01-01",
        "formatMaximum": "2024-12-31",
    }
    assert accepts(field, "2024-05-01") and not accepts(field, "2024-13-45")


def test_choices_accept_only_their_option_values():
    options = [{"value": "a", "label": t("A", "A")}, {"value": "b", "label": t("B", "B")}]
    assert field_type("choice").value_schema({"options": options}) == {"type": "string", "enum": ["a", "b"]}
    multi = {"type": "multi_choice", "options": options, "min_items": 1, "max_items": 2}
    assert field_type("multi_choice").value_schema(multi) == {
        "type": "array",
        "items": {"type": "string", "enum": ["a", "b"]},
        "uniqueItems": True,
        "minItems": 1,
        "maxItems": 2,
    }


def test_yes_no_rating_email_and_phone_schemas():
    assert field_type("yes_no").value_schema({}) == {"type": "boolean"}
    assert field_type("rating").value_schema({}) == {"type": "integer", "minimum": 1, "maximum": 5}
    assert field_type("rating").value_schema({"scale_min": 0, "scale_max": 10}) == {
        "type": "integer",
        "minimum": 0,
        "maximum": 10,
    }
    assert field_type("email").value_schema({}) == {"type": "string", "format": "email", "maxLength": 254}
    phone = {"type": "phone"}
    assert accepts(phone, "+84912345678") and accepts(phone, "0912345678") and not accepts(phone, "912345678")


def test_a_scored_choice_earns_its_options_points_and_nothing_without_options():
    options = [
        {"value": "low", "label": t("T", "L"), "points": 1},
        {"value": "high", "label": t("C", "H"), "points": 4.5},
    ]
    kind = field_type("scored_choice")
    assert kind.points({"options": options}, "high") == 4.5
    assert kind.points({"options": options}, "other") == 0.0
    assert kind.max_points({"options": options}) == 4.5
    assert kind.max_points({"options": []}) == 0.0
    assert kind.max_points({}) == 0.0


def test_a_scored_choice_definition_needs_at_least_one_option_with_points():
    field = {"type": "scored_choice", "name": "q", "label": t("Câu", "Q")}
    good = [{"value": "a", "label": t("A", "A"), "points": 1}]
    assert one_field_problems({**field, "options": good}) == set()
    assert ("fields.0.options", "too_few") in one_field_problems({**field, "options": []})
    assert ("fields.0.options.0.points", "required") in one_field_problems(
        {**field, "options": [{"value": "a", "label": t("A", "A")}]}
    )
    assert ("fields.0.options.0.extra", "unknown_field") in one_field_problems(
        {**field, "options": [{**good[0], "extra": 1}]}
    )


def file_value(**extra: Any) -> dict[str, Any]:
    return {"id": "f1", "name": "a.pdf", "size": 100, "content_type": "application/pdf", **extra}


def test_a_file_value_refuses_unknown_keys_and_oversized_or_unaccepted_files():
    field = {"type": "file", "name": "att", "accept": ["application/pdf"], "max_size": 1000}
    assert accepts(field, file_value()) and accepts(field, file_value(sha256="abc"))
    assert not accepts(field, file_value(path="/etc/passwd"))
    assert not accepts(field, file_value(size=1001))
    assert not accepts(field, file_value(size=-1))
    assert not accepts(field, file_value(content_type="image/png"))
    assert not accepts(field, file_value(id=""))
    assert not accepts(field, {"id": "f1", "name": "a.pdf", "size": 1})


def test_a_file_without_limits_takes_any_type_up_to_ten_megabytes():
    schema = field_type("file").value_schema({"type": "file"})
    assert schema["additionalProperties"] is False
    assert schema["properties"]["content_type"] == {"type": "string"}
    assert schema["properties"]["size"]["maximum"] == 10 * 1024 * 1024


@pytest.mark.parametrize(
    ("kind", "raw", "value"),
    [
        ("integer", [" 12 "], 12),
        ("decimal", ["1,5"], 1.5),
        ("decimal", ["abc"], "abc"),
        ("integer", [""], None),
        ("multi_choice", ["a", "", "b"], ["a", "b"]),
        ("multi_choice", [""], None),
        ("yes_no", ["yes"], True),
        ("yes_no", ["no"], False),
        ("yes_no", [], None),
        ("rating", ["4"], 4),
        ("phone", ["091 234-56.78"], "0912345678"),
    ],
)
def test_form_strings_are_read_into_json_values(kind: str, raw: list[str], value: Any):
    assert field_type(kind).read_form({"type": kind}, raw) == value


def test_decimal_places_and_rating_scales_cannot_be_negative():
    decimal = {"type": "decimal", "name": "d", "label": t("Số", "Number")}
    assert one_field_problems({**decimal, "decimals": 0}) == set()
    assert ("fields.0.decimals", "too_small") in one_field_problems({**decimal, "decimals": -1})
    rating = {"type": "rating", "name": "r", "label": t("Điểm", "Rating")}
    assert one_field_problems({**rating, "scale_min": 0}) == set()
    assert ("fields.0.scale_min", "too_small") in one_field_problems({**rating, "scale_min": -1})


def test_a_file_field_may_allow_up_to_fifteen_megabytes_of_listed_mime_types():
    field = {"type": "file", "name": "att", "label": t("Tệp", "File")}
    assert one_field_problems({**field, "max_size": 15 * 1024 * 1024, "accept": ["image/*"]}) == set()
    assert ("fields.0.max_size", "too_large") in one_field_problems({**field, "max_size": 15 * 1024 * 1024 + 1})
    assert ("fields.0.accept.0", "type") in one_field_problems({**field, "accept": [5]})
    assert ("fields.0.accept", "type") in one_field_problems({**field, "accept": "image/png"})
    assert ("fields.0.accept.0", "pattern") in one_field_problems({**field, "accept": ["pdf"]})


def test_a_stored_file_id_must_be_a_string():
    field = {"type": "file", "name": "att"}
    assert not accepts(field, file_value(id=5))
    assert not accepts(field, file_value(name=5))
    assert not accepts(field, file_value(sha256=5))


def test_a_multi_choice_definition_needs_options_and_a_positive_max_items():
    field = {"type": "multi_choice", "name": "m", "label": t("Chọn", "Pick")}
    options = [{"value": "a", "label": t("A", "A")}]
    assert one_field_problems({**field, "options": options, "max_items": 1}) == set()
    assert ("fields.0.options", "too_few") in one_field_problems({**field, "options": []})
    assert ("fields.0.max_items", "too_small") in one_field_problems({**field, "options": options, "max_items": 0})
