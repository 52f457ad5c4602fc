"""The submission-data JSON Schema and the problems its violations become, pinned by example."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from form_definitions.problems import Problem
from form_definitions.schema import DIALECT, build_schema, jsonschema_problems


def t(vi: str, en: str) -> dict[str, str]:
    return {"vi": vi, "en": en}


def definition(*fields: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"key": "pinned", "title": t("Mẫu", "Sample"), "fields": list(fields), **extra}


def problems(schema_fields: list[dict[str, Any]], data: Any) -> list[Problem]:
    validator = Draft202012Validator(
        build_schema(definition(*schema_fields)), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return jsonschema_problems(validator, data)


def codes(schema_fields: list[dict[str, Any]], data: Any) -> list[tuple[str, str, dict[str, Any]]]:
    return [(p.path, p.code, p.params) for p in problems(schema_fields, data)]


NUMBER_FIELD = {"type": "decimal", "name": "amount", "label": t("Số", "Amount"), "minimum": 1, "maximum": 10}


def test_the_schema_is_draft_2020_12_with_a_urn_id_and_the_vietnamese_title():
    schema = build_schema(definition())
    assert schema["$schema"] == DIALECT == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:formplatform:pinned"
    assert schema["title"] == "Mẫu"
    assert schema["type"] == "object" and schema["additionalProperties"] is False


def test_the_title_falls_back_to_english_then_to_the_key():
    assert build_schema({"key": "k", "title": {"en": "Only English"}})["title"] == "Only English"
    assert build_schema({"key": "k", "title": {"vi": "Chỉ tiếng Việt"}})["title"] == "Chỉ tiếng Việt"
    assert build_schema({"key": "k"})["title"] == "k"
    assert build_schema({})["$id"] == "urn:formplatform:draft"


def test_a_number_field_with_a_maximum_refuses_a_larger_number():
    assert codes([NUMBER_FIELD], {"amount": 10}) == []
    assert codes([NUMBER_FIELD], {"amount": 11}) == [("amount", "too_large", {"limit": 10})]


def test_a_number_field_with_a_minimum_refuses_a_smaller_number():
    assert codes([NUMBER_FIELD], {"amount": 1}) == []
    assert codes([NUMBER_FIELD], {"amount": 0.5}) == [("amount", "too_small", {"limit": 1})]


def test_exclusive_limits_are_reported_as_too_small_or_too_large():
    validator = Draft202012Validator(
        {"type": "object", "properties": {"a": {"exclusiveMinimum": 0}, "b": {"exclusiveMaximum": 5}}}
    )
    found = [(p.path, p.code, p.params) for p in jsonschema_problems(validator, {"a": 0, "b": 5})]
    assert found == [("a", "too_small", {"limit": 0}), ("b", "too_large", {"limit": 5})]


def test_text_length_limits_are_reported_with_their_limit():
    field = {"type": "text", "name": "code", "label": t("Mã", "Code"), "min_length": 2, "max_length": 4}
    assert codes([field], {"code": "abcd"}) == []
    assert codes([field], {"code": "a"}) == [("code", "too_short", {"limit": 2})]
    assert codes([field], {"code": "abcde"}) == [("code", "too_long", {"limit": 4})]


def test_a_multi_choice_with_item_limits_refuses_too_few_or_too_many_answers():
    field = {
        "type": "multi_choice",
        "name": "pick",
        "label": t("Chọn", "Pick"),
        "options": [{"value": v, "label": t(v, v)} for v in ("a", "b", "c")],
        "min_items": 1,
        "max_items": 2,
    }
    assert codes([field], {"pick": ["a", "b"]}) == []
    assert codes([field], {"pick": []}) == [("pick", "too_few", {"limit": 1})]
    assert codes([field], {"pick": ["a", "b", "c"]}) == [("pick", "too_many", {"limit": 2})]
    assert codes([field], {"pick": ["a", "a"]}) == [("pick", "duplicate", {})]
    assert codes([field], {"pick": ["z"]}) == [("pick.0", "not_an_option", {})]


def test_a_wrong_type_names_the_expected_type_even_when_null_is_allowed():
    assert codes([NUMBER_FIELD], {"amount": "ten"}) == [("amount", "type", {"expected": "number"})]
    grid = {
        "type": "grid",
        "name": "annex",
        "label": t("Phụ lục", "Annex"),
        "rows": [{"key": "docs", "label": t("Văn bản", "Documents")}],
        "columns": [{"name": "plan", "type": "decimal", "label": t("Kế hoạch", "Plan")}],
    }
    assert codes([grid], {"annex": {"docs": {"plan": None}}}) == []
    assert codes([grid], {"annex": {"docs": {"plan": "x"}}}) == [("annex.docs.plan", "type", {"expected": "number"})]


def test_a_badly_formatted_email_names_the_format():
    field = {"type": "email", "name": "mail", "label": t("Thư", "Mail")}
    assert codes([field], {"mail": "a@example.com"}) == []
    assert codes([field], {"mail": "not an address"}) == [("mail", "format", {"format": "email"})]


def test_a_phone_number_out_of_pattern_has_no_parameters():
    field = {"type": "phone", "name": "tel", "label": t("ĐT", "Phone")}
    assert codes([field], {"tel": "0912345678"}) == []
    assert codes([field], {"tel": "12"}) == [("tel", "pattern", {})]


def test_missing_required_and_unknown_fields_are_reported_one_per_name():
    field = {**NUMBER_FIELD, "required": True}
    other = {"type": "text", "name": "note", "label": t("Ghi chú", "Note"), "required": True}
    found = [(path, code) for path, code, _ in codes([field, other], {"amount": 2, "extra": 1, "more": 2})]
    assert sorted(found) == [("extra", "unknown_field"), ("more", "unknown_field"), ("note", "required")]
