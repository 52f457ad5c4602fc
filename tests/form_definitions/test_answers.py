from __future__ import annotations

from jsonschema import Draft202012Validator

from form_definitions.answers import check_answers
from form_definitions.schema import build_schema
from tests.fixtures.definitions import sample_v1, valid_answers


def codes(outcome):
    return {(p.path, p.code) for p in outcome.problems}


def test_valid_answers_are_stored_with_calculations_totals_and_score():
    outcome = check_answers(sample_v1(), valid_answers())
    assert outcome.ok, outcome.problems
    assert outcome.data["annex"]["docs"]["pct"] == 80
    assert outcome.data["annex"]["procs"]["pct"] == 100
    assert outcome.data["staff_x2"] == 24
    assert outcome.totals["annex"]["columns"] == {"plan": 14, "actual": 12}
    assert outcome.score == {"total": 2, "max": 2, "fields": {"quality": 2.0}, "band": None}


def test_stored_data_validates_with_a_plain_json_schema_validator():
    outcome = check_answers(sample_v1(), valid_answers())
    Draft202012Validator.check_schema(build_schema(sample_v1()))
    assert list(Draft202012Validator(build_schema(sample_v1())).iter_errors(outcome.data)) == []


def test_each_wrong_value_is_reported_at_its_path():
    answers = valid_answers()
    answers.update(staff=-1, level="village", bogus=1)
    answers["annex"]["docs"]["plan"] = "many"
    answers["events"][0].pop("title")
    found = codes(check_answers(sample_v1(), answers))
    assert {
        ("staff", "too_small"),
        ("level", "not_an_option"),
        ("bogus", "unknown_field"),
        ("annex.docs.plan", "type"),
        ("events.0.title", "required"),
    } <= found


def test_required_only_when_visible():
    answers = valid_answers()
    assert check_answers(sample_v1(), answers).ok  # why_no_plan hidden while has_plan is true
    answers["has_plan"] = False
    assert ("why_no_plan", "required") in codes(check_answers(sample_v1(), answers))
    answers["why_no_plan"] = "Chưa có kinh phí"
    assert check_answers(sample_v1(), answers).ok


def test_hidden_fields_are_not_stored():
    answers = {**valid_answers(), "why_no_plan": "left over from an earlier edit"}
    outcome = check_answers(sample_v1(), answers)
    assert outcome.ok and "why_no_plan" not in outcome.data


def test_division_by_zero_gives_an_empty_cell_not_an_error():
    answers = valid_answers()
    answers["annex"]["docs"] = {"plan": 0, "actual": 3}
    outcome = check_answers(sample_v1(), answers)
    assert outcome.ok and outcome.data["annex"]["docs"]["pct"] is None


def test_client_cannot_override_calculated_values():
    outcome = check_answers(sample_v1(), {**valid_answers(), "staff_x2": 999})
    assert outcome.data["staff_x2"] == 24


def test_reviewer_only_fields_are_refused_from_fillers():
    definition = sample_v1()
    definition["fields"].append(
        {"type": "decimal", "name": "verified", "label": {"vi": "Thẩm định", "en": "Verified"}, "fill_by": "reviewer"}
    )
    assert ("verified", "reviewer_only") in codes(check_answers(definition, {**valid_answers(), "verified": 3}))
    assert check_answers(definition, {**valid_answers(), "verified": 3}, role="reviewer").ok


def test_non_object_answers_are_one_problem():
    assert codes(check_answers(sample_v1(), [1, 2])) == {("", "type")}


def test_required_field_inside_a_hidden_section_is_not_demanded():
    definition = {
        "schema_version": 1,
        "key": "hidden-section",
        "kind": "report",
        "title": {"vi": "T", "en": "T"},
        "fields": [
            {"type": "yes_no", "name": "has", "label": {"vi": "Có?", "en": "Any?"}},
            {
                "type": "section",
                "name": "details",
                "label": {"vi": "Chi tiết", "en": "Details"},
                "visible_if": {"var": "has"},
                "fields": [{"type": "text", "name": "x", "label": {"vi": "X", "en": "X"}, "required": True}],
            },
        ],
    }
    assert check_answers(definition, {"has": False}).ok
    assert {(p.path, p.code) for p in check_answers(definition, {"has": True}).problems} == {("x", "required")}


def test_checking_leaves_the_callers_data_untouched():
    answers = valid_answers()
    snapshot = repr(answers)
    check_answers(sample_v1(), answers)
    assert repr(answers) == snapshot


def test_grid_totals_inside_repeatable_groups_are_kept_per_row():
    definition = {
        "schema_version": 1,
        "key": "nested-grid",
        "kind": "report",
        "title": {"vi": "T", "en": "T"},
        "fields": [
            {
                "type": "group",
                "name": "units",
                "label": {"vi": "Đơn vị", "en": "Units"},
                "fields": [
                    {
                        "type": "grid",
                        "name": "figures",
                        "label": {"vi": "Số liệu", "en": "Figures"},
                        "rows": [
                            {"key": "a", "label": {"vi": "A", "en": "A"}},
                            {"key": "b", "label": {"vi": "B", "en": "B"}},
                        ],
                        "columns": [{"name": "n", "type": "integer", "label": {"vi": "Số", "en": "N"}, "total": True}],
                    }
                ],
            }
        ],
    }
    outcome = check_answers(
        definition,
        {"units": [{"figures": {"a": {"n": 1}, "b": {"n": 2}}}, {"figures": {"a": {"n": 10}, "b": {"n": 20}}}]},
    )
    assert outcome.ok, outcome.problems
    assert outcome.totals["units.0.figures"]["columns"] == {"n": 3}
    assert outcome.totals["units.1.figures"]["columns"] == {"n": 30}
