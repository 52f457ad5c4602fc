"""Checking a definition when it is saved or published, one behaviour per test."""

from __future__ import annotations

from typing import Any

from form_definitions.checks import check_definition, missing_translations, storable_keys
from tests.fixtures.definitions import sample_v1, t


def codes(problems: list[Any]) -> set[tuple[str, str]]:
    return {(p.path, p.code) for p in problems}


def form(*fields: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {
        "schema_version": 1,
        "key": "pinned",
        "kind": "report",
        "title": t("Mẫu", "Form"),
        "fields": list(fields),
        **top,
    }


def field(kind: str, name: str, **config: Any) -> dict[str, Any]:
    return {"type": kind, "name": name, "label": t(name, name), **config}


BAND = {"min": 10, "label": t("Tốt", "Good")}


def test_unknown_keys_at_the_top_level_are_refused():
    assert codes(check_definition({**form(), "colour": "red"})) == {("colour", "unknown_field")}


def test_unknown_keys_in_scoring_and_its_bands_are_refused():
    assert codes(check_definition(form(scoring={"bands": [BAND], "weights": 1}))) == {
        ("scoring.weights", "unknown_field")
    }
    assert codes(check_definition(form(scoring={"bands": [{**BAND, "colour": "red"}]}))) == {
        ("scoring.bands.0.colour", "unknown_field")
    }
    assert check_definition(form(scoring={"bands": [{**BAND, "key": "good"}]})) == []


def test_a_band_needs_a_minimum_and_a_label():
    assert codes(check_definition(form(scoring={"bands": [{"label": t("Tốt", "Good")}]}))) == {
        ("scoring.bands.0.min", "required")
    }


def test_the_top_level_needs_its_keys_and_known_values():
    problems = codes(check_definition({"schema_version": 2, "key": "X", "kind": "poll", "fields": []}))
    assert {("schema_version", "not_an_option"), ("key", "pattern"), ("kind", "not_an_option")} <= problems
    assert ("title", "required") in problems


def test_sub_fields_of_a_group_are_checked_like_any_field():
    events = field("group", "events", fields=[field("text", "title", colour="red"), {"type": "nope", "name": "x"}])
    found = codes(check_definition(form(events)))
    assert found == {("fields.0.fields.0.colour", "unknown_field"), ("fields.0.fields.1.type", "unknown_type")}


def test_sub_fields_of_a_group_must_be_translated_to_publish():
    events = field("group", "events", fields=[{**field("text", "title"), "label": {"vi": "Tên", "en": ""}}])
    assert check_definition(form(events)) == []
    assert codes(check_definition(form(events), publishing=True)) == {
        ("fields.0.fields.0.label", "missing_translation")
    }


def test_names_inside_a_group_are_unique_among_siblings_only():
    events = field("group", "events", fields=[field("text", "title"), field("text", "title")])
    assert [(p.path, p.code) for p in check_definition(form(events))] == [("fields.0.fields.1.name", "duplicate_name")]
    section = {"type": "section", "name": "more", "label": t("Thêm", "More"), "fields": [field("text", "title")]}
    nested = field("group", "events", fields=[field("text", "title"), section])
    assert [(p.path, p.code) for p in check_definition(form(nested))] == [
        ("fields.0.fields.1.fields.0.name", "duplicate_name")
    ]
    reused = field("group", "events", fields=[field("text", "title")])
    assert check_definition(form(field("text", "title"), reused)) == []


def test_a_group_rule_may_read_its_row_and_the_form_but_nothing_else():
    rule = {"and": [{"var": "title"}, {"var": "mode"}, {"var": "elsewhere"}]}
    events = field("group", "events", fields=[field("text", "title"), field("text", "note", visible_if=rule)])
    assert [p.as_dict() for p in check_definition(form(field("text", "mode"), events))] == [
        {"path": "fields.1.fields.1.visible_if", "code": "unknown_variable", "params": {"name": "elsewhere"}}
    ]


def test_a_reduce_may_read_its_items_but_a_rule_outside_one_may_not():
    reduce = {"reduce": [{"var": "staff"}, {"+": [{"var": "current"}, {"var": "accumulator"}]}, 0]}
    definition = form(field("integer", "staff"), field("calculated", "c", formula=reduce))
    assert check_definition(definition) == []
    outside = form(field("integer", "staff"), field("calculated", "c", formula={"var": "accumulator"}))
    assert [p.params for p in check_definition(outside)] == [{"name": "accumulator"}]


def test_rules_are_checked_in_visible_if_required_if_and_formula():
    definition = form(
        field("integer", "staff"),
        field("text", "a", visible_if={"var": "nobody"}),
        field("text", "b", required_if={"var": "nobody"}),
        field("calculated", "c", formula={"+": [{"var": "staff"}, {"var": "nobody"}]}),
        field("calculated", "d", formula={"reduce": [{"var": "staff"}, {"var": "accumulator"}, {"var": "start"}]}),
    )
    assert codes(check_definition(definition)) == {
        ("fields.1.visible_if", "unknown_variable"),
        ("fields.2.required_if", "unknown_variable"),
        ("fields.3.formula", "unknown_variable"),
        ("fields.4.formula", "unknown_variable"),
    }


def test_grid_columns_and_rows_are_unique_and_a_fixed_grid_needs_rows():
    columns = [field("integer", "plan"), field("integer", "plan")]
    rows = [{"key": "docs", "label": t("a", "a")}, {"key": "docs", "label": t("b", "b")}]
    found = [p.as_dict() for p in check_definition(form(field("grid", "annex", rows=rows, columns=columns)))]
    assert found == [
        {"path": "fields.0.columns", "code": "duplicate_name", "params": {"name": "plan"}},
        {"path": "fields.0.rows", "code": "duplicate_name", "params": {"name": "docs"}},
    ]
    no_rows = field("grid", "annex", columns=[field("integer", "plan")])
    assert codes(check_definition(form(no_rows))) == {("fields.0.rows", "rows_required")}
    assert check_definition(form({**no_rows, "addable_rows": True})) == []


def test_a_grid_formula_may_read_its_columns_and_the_form():
    columns = [
        field("integer", "plan"),
        field("calculated", "pct", formula={"*": [{"var": "plan"}, {"var": "rate"}, {"var": "other"}]}),
    ]
    grid = field("grid", "annex", addable_rows=True, columns=columns)
    assert codes(check_definition(form(field("decimal", "rate"), grid))) == {
        ("fields.1.columns.1.formula", "unknown_variable")
    }


def test_duplicate_option_values_are_refused():
    options = [{"value": "a", "label": t("A", "A")}, {"value": "a", "label": t("B", "B")}]
    assert [p.as_dict() for p in check_definition(form(field("choice", "c", options=options)))] == [
        {"path": "fields.0.options", "code": "duplicate_option", "params": {"value": "a"}}
    ]


def test_static_texts_hold_no_data_so_they_may_share_a_name():
    note = {"type": "static", "name": "note", "content": t("Lưu ý", "Note")}
    assert check_definition(form(note, dict(note), field("text", "a"))) == []


def test_a_name_used_twice_across_sections_and_nested_sections_is_refused():
    inner = {"type": "section", "name": "inner", "label": t("i", "i"), "fields": [field("text", "agency")]}
    outer = {"type": "section", "name": "outer", "label": t("o", "o"), "fields": [inner]}
    assert [(p.path, p.code) for p in check_definition(form(field("text", "agency"), outer))] == [
        ("fields.1.fields.0.fields.0.name", "duplicate_name")
    ]
    twice = {"type": "section", "name": "s", "label": t("s", "s"), "fields": [field("text", "a"), field("text", "a")]}
    assert [(p.path, p.code) for p in check_definition(form(twice))] == [("fields.0.fields.1.name", "duplicate_name")]


def test_keys_must_be_storable_in_mongodb():
    assert codes(storable_keys({"ok": {"$where": 1, "a.b": 2, "": 3}, "list": [{"$x": 1}]})) == {
        ("ok.$where", "bad_key"),
        ("ok.a.b", "bad_key"),
        ("ok", "bad_key"),
        ("list.0.$x", "bad_key"),
    }
    assert ("meta.$set", "bad_key") in codes(check_definition(form(meta={"$set": 1})))


def test_a_workflow_is_checked_only_once_the_rest_is_sound():
    bad_workflow = {"steps": [{"role": "reviewer"}, {"role": "specialist"}]}
    assert codes(check_definition(form(workflow=bad_workflow))) == {
        ("workflow.steps.0.role", "workflow_first_step"),
        ("workflow.steps.0.role", "workflow_reviewer_last"),
    }
    assert codes(check_definition({**form(workflow=bad_workflow), "kind": "poll"})) == {("kind", "not_an_option")}


def test_publishing_needs_both_languages_everywhere_but_in_rules_and_meta():
    definition = form(
        field("text", "a", help={"vi": "Gợi ý", "en": " "}),
        meta={"label": {"vi": "x"}},
        description={"vi": "Mô tả"},
    )
    assert codes(missing_translations(definition)) == {
        ("fields.0.help", "missing_translation"),
        ("description", "missing_translation"),
    }
    assert missing_translations(sample_v1()) == []


def test_scoring_bands_are_objects_with_a_numeric_minimum_and_a_text_key():
    assert codes(check_definition(form(scoring={"bands": [{**BAND, "key": 5}]}))) == {("scoring.bands.0.key", "type")}
    assert codes(check_definition(form(scoring={"bands": ["good"]}))) == {("scoring.bands.0", "type")}
    assert codes(check_definition(form(scoring={"bands": [{**BAND, "min": "ten"}]}))) == {
        ("scoring.bands.0.min", "type")
    }


def test_a_definition_that_is_not_an_object_says_what_was_expected():
    assert [p.as_dict() for p in check_definition("form")] == [
        {"path": "", "code": "type", "params": {"expected": "object"}}
    ]


def test_an_unknown_type_is_quoted_in_at_most_forty_characters():
    [problem] = check_definition(form({"type": "x" * 60, "name": "a"}))
    assert (problem.path, problem.code, problem.params) == (
        "fields.0.type",
        "unknown_type",
        {"type": str({"type": "x" * 60, "name": "a"})[:40]},
    )


def test_the_title_and_a_grids_total_row_must_be_translated_to_publish():
    total_row = field("grid", "annex", addable_rows=True, columns=[field("integer", "n")], row_total={"vi": "Cộng"})
    stars = field("rating", "stars", min_label={"en": "Bad"}, max_label={"vi": "Tốt"})
    definition = {**form(total_row, stars), "title": {"vi": "Mẫu", "en": ""}}
    assert codes(missing_translations(definition)) == {
        ("title", "missing_translation"),
        ("fields.0.row_total", "missing_translation"),
        ("fields.1.min_label", "missing_translation"),
        ("fields.1.max_label", "missing_translation"),
    }
