"""Checking answers, one behaviour per test: limits, hidden values, calculations, totals and scores."""

from __future__ import annotations

from typing import Any

from form_definitions.answers import check_answers, compute, grid_totals, score_of
from tests.fixtures.definitions import t


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


def codes(outcome: Any) -> set[tuple[str, str]]:
    return {(p.path, p.code) for p in outcome.problems}


# Dates


def test_a_date_before_its_minimum_is_too_early_and_after_its_maximum_too_late():
    definition = form(field("date", "on", minimum="2026-01-01", maximum="2026-12-31"))
    early = check_answers(definition, {"on": "2025-12-31"})
    assert [p.as_dict() for p in early.problems] == [
        {"path": "on", "code": "date_too_early", "params": {"limit": "2026-01-01"}}
    ]
    late = check_answers(definition, {"on": "2027-01-01"})
    assert [p.as_dict() for p in late.problems] == [
        {"path": "on", "code": "date_too_late", "params": {"limit": "2026-12-31"}}
    ]


def test_a_date_equal_to_its_limits_is_accepted():
    definition = form(field("date", "on", minimum="2026-01-01", maximum="2026-12-31"))
    assert check_answers(definition, {"on": "2026-01-01"}).ok
    assert check_answers(definition, {"on": "2026-12-31"}).ok
    assert check_answers(form(field("date", "on", minimum="2026-03-01")), {"on": "2030-01-01"}).ok
    assert check_answers(form(field("date", "on", maximum="2026-03-01")), {"on": "2020-01-01"}).ok


def test_a_date_inside_a_group_row_is_held_to_its_limits():
    events = field("group", "events", fields=[field("date", "on", minimum="2026-01-01", maximum="2026-12-31")])
    answers = {"events": [{"on": "2026-01-01"}, {"on": "2025-06-01"}, {"on": "2027-06-01"}]}
    assert codes(check_answers(form(events), answers)) == {
        ("events.1.on", "date_too_early"),
        ("events.2.on", "date_too_late"),
    }


def test_a_date_that_is_not_a_date_is_a_format_problem_not_a_limit_one():
    definition = form(field("date", "on", minimum="2026-01-01"))
    assert codes(check_answers(definition, {"on": "14/03/2026"})) >= {("on", "format")}


# Hidden values are not stored


def test_every_answer_inside_a_hidden_section_is_dropped():
    inner = {"type": "section", "name": "inner", "label": t("Trong", "Inner"), "fields": [field("text", "c")]}
    hidden = {
        "type": "section",
        "name": "extra",
        "label": t("Thêm", "Extra"),
        "visible_if": {"==": [{"var": "more"}, True]},
        "fields": [field("text", "a"), field("integer", "b", required=True), inner],
    }
    definition = form(field("yes_no", "more"), hidden, field("text", "after"))
    outcome = check_answers(definition, {"more": False, "a": "x", "b": 3, "c": "y", "after": "kept"})
    assert outcome.ok and outcome.data == {"more": False, "after": "kept"}
    shown = check_answers(definition, {"more": True, "a": "x", "b": 3, "c": "y"})
    assert shown.ok and shown.data == {"more": True, "a": "x", "b": 3, "c": "y"}


def test_a_hidden_field_inside_a_group_row_is_dropped_from_that_row_only():
    events = field(
        "group",
        "events",
        fields=[
            field("yes_no", "online"),
            field("text", "room", required=True, visible_if={"==": [{"var": "online"}, False]}),
        ],
    )
    answers = {"events": [{"online": True, "room": "A1"}, {"online": False, "room": "B2"}]}
    outcome = check_answers(form(events), answers)
    assert outcome.ok and outcome.data["events"] == [{"online": True}, {"online": False, "room": "B2"}]
    missing = check_answers(form(events), {"events": [{"online": True}, {"online": False}]})
    assert codes(missing) == {("events.1.room", "required")}


def test_a_group_row_rule_may_read_the_forms_own_fields():
    events = field("group", "events", fields=[field("text", "note", visible_if={"==": [{"var": "mode"}, "long"]})])
    definition = form(field("text", "mode"), events)
    assert check_answers(definition, {"mode": "short", "events": [{"note": "x"}]}).data["events"] == [{}]
    assert check_answers(definition, {"mode": "long", "events": [{"note": "x"}]}).data["events"] == [{"note": "x"}]


def test_an_empty_answer_counts_as_not_answered():
    definition = form(field("text", "name", required=True), field("text", "other"))
    outcome = check_answers(definition, {"name": "", "other": ""})
    assert codes(outcome) == {("name", "required")} and outcome.data == {}


def test_a_field_is_required_when_its_required_if_holds():
    definition = form(field("integer", "staff"), field("text", "why", required_if={">": [{"var": "staff"}, 10]}))
    assert check_answers(definition, {"staff": 5}).ok
    assert codes(check_answers(definition, {"staff": 11})) == {("why", "required")}


def test_a_reviewer_may_fill_reviewer_only_fields():
    definition = form(field("text", "name"), field("text", "verdict", fill_by="reviewer", required=True))
    assert check_answers(definition, {"name": "a", "verdict": "ok"}, role="reviewer").data["verdict"] == "ok"
    refused = check_answers(definition, {"name": "a", "verdict": "ok"})
    assert codes(refused) == {("verdict", "reviewer_only")} and "verdict" not in refused.data
    assert check_answers(definition, {"name": "a"}).ok  # not demanded from the filler


# Calculations and totals


def test_a_formula_may_read_a_formula_defined_after_it():
    definition = form(
        field("integer", "staff"),
        field("calculated", "total", formula={"+": [{"var": "double"}, 1]}),
        field("calculated", "double", formula={"*": [{"var": "staff"}, 2]}),
    )
    outcome = check_answers(definition, {"staff": 4})
    assert outcome.ok and outcome.data == {"staff": 4, "total": 9, "double": 8}
    assert compute(definition, {"staff": 4})[0] == {"staff": 4, "total": 9, "double": 8}


def test_a_calculated_value_is_rounded_to_its_decimals():
    definition = form(field("calculated", "third", formula={"/": [1, 3]}, decimals=2))
    assert check_answers(definition, {}).data == {"third": 0.33}


def test_calculations_inside_sections_and_group_rows_use_each_rows_values():
    section = {
        "type": "section",
        "name": "s",
        "label": t("S", "S"),
        "fields": [field("integer", "rate"), field("calculated", "rate_x2", formula={"*": [{"var": "rate"}, 2]})],
    }
    rows = field(
        "group",
        "items",
        fields=[field("integer", "n"), field("calculated", "cost", formula={"*": [{"var": "n"}, {"var": "rate"}]})],
    )
    outcome = check_answers(form(section, rows), {"rate": 3, "items": [{"n": 2}, {"n": 5}]})
    assert outcome.ok and outcome.data["rate_x2"] == 6
    assert outcome.data["items"] == [{"n": 2, "cost": 6}, {"n": 5, "cost": 15}]


def numbers_grid(**config: Any) -> dict[str, Any]:
    return field(
        "grid",
        "annex",
        rows=[{"key": "docs", "label": t("Văn bản", "Docs")}, {"key": "procs", "label": t("Thủ tục", "Procs")}],
        columns=[
            {"name": "plan", "type": "integer", "label": t("KH", "Plan"), "total": True},
            {"name": "actual", "type": "decimal", "label": t("TH", "Actual")},
            {"name": "note", "type": "text", "label": t("Ghi chú", "Note")},
            {
                "name": "gap",
                "type": "calculated",
                "label": t("Chênh", "Gap"),
                "formula": {"-": [{"var": "plan"}, {"var": "actual"}]},
                "total": True,
            },
        ],
        **config,
    )


def test_grid_row_totals_sum_every_numeric_column_of_each_row():
    answers = {"annex": {"docs": {"plan": 10, "actual": 7.5, "note": "9"}, "procs": {"plan": 4, "actual": 4}}}
    outcome = check_answers(form(numbers_grid(row_total=t("Cộng", "Total"))), answers)
    assert outcome.ok
    assert outcome.data["annex"]["docs"]["gap"] == 2.5
    assert outcome.totals == {"annex": {"columns": {"plan": 14, "gap": 2.5}, "rows": {"docs": 20, "procs": 8}}}


def test_a_grid_without_row_total_has_only_column_totals():
    answers = {"annex": {"docs": {"plan": 10, "actual": 7}}}
    assert check_answers(form(numbers_grid()), answers).totals == {
        "annex": {"columns": {"plan": 10, "gap": 3}, "rows": {}}
    }


def test_a_column_total_of_empty_cells_is_empty_not_zero():
    spec = numbers_grid()
    assert grid_totals(spec, {"docs": {"note": "x"}}) == {"columns": {"plan": None, "gap": None}, "rows": {}}
    assert grid_totals(spec, "not a grid") == {"columns": {"plan": None, "gap": None}, "rows": {}}


def test_addable_row_grids_total_each_row_by_its_position():
    spec = numbers_grid(addable_rows=True, row_total=t("Cộng", "Total"))
    spec.pop("rows")
    outcome = check_answers(form(spec), {"annex": [{"plan": 1, "actual": 1}, {"plan": 5, "actual": 2}]})
    assert outcome.ok
    assert outcome.totals["annex"] == {"columns": {"plan": 6, "gap": 3}, "rows": {"0": 2, "1": 10}}


def test_grid_totals_keep_six_decimals_and_hide_floating_point_noise():
    spec = numbers_grid(row_total=t("Cộng", "Total"))
    totals = grid_totals(spec, {"docs": {"plan": 0.1, "actual": 0.2}, "procs": {"plan": 0.0000001, "actual": 1}})
    assert totals["rows"] == {"docs": 0.3, "procs": 1} and totals["columns"]["plan"] == 0.1


def test_yes_no_answers_are_not_counted_as_numbers_in_totals():
    spec = numbers_grid(row_total=t("Cộng", "Total"))
    assert grid_totals(spec, {"docs": {"plan": True, "actual": 2}})["rows"] == {"docs": 2}


# Scores


def scored(name: str, **config: Any) -> dict[str, Any]:
    options = [
        {"value": "good", "points": 2, "label": t("Tốt", "Good")},
        {"value": "poor", "points": 0.5, "label": t("Kém", "Poor")},
    ]
    return field("scored_choice", name, options=options, **config)


BANDS = {
    "bands": [
        {"min": 4, "key": "excellent", "label": t("Xuất sắc", "Excellent")},
        {"min": 2, "label": t("Khá", "Good")},
        {"min": 0, "label": t("Kém", "Weak")},
    ]
}


def test_a_score_adds_chosen_points_and_numeric_values_out_of_their_maxima():
    definition = form(scored("q1"), scored("q2"), field("integer", "kpi", score_max=10), scoring=BANDS)
    outcome = check_answers(definition, {"q1": "good", "q2": "poor", "kpi": 7})
    assert outcome.score == {
        "total": 9.5,
        "max": 14,
        "fields": {"q1": 2.0, "q2": 0.5, "kpi": 7.0},
        "band": "excellent",
    }


def test_the_band_is_the_first_whose_minimum_the_total_reaches():
    definition = form(scored("q1"), scored("q2"), scoring=BANDS)
    assert check_answers(definition, {"q1": "good", "q2": "good"}).score["band"] == "excellent"
    assert check_answers(definition, {"q1": "good"}).score["band"] == "Good"  # no key: the English label
    assert check_answers(definition, {"q1": "poor"}).score["band"] == "Weak"
    assert check_answers(form(scored("q1")), {"q1": "good"}).score["band"] is None


def test_an_unanswered_required_scored_field_still_counts_towards_the_maximum():
    definition = form(scored("q1"), scored("q2", required=True, fill_by="reviewer"), scored("q3"))
    expected = {"total": 2, "max": 4, "fields": {"q1": 2.0}, "band": None}
    assert check_answers(definition, {"q1": "good"}).score == expected
    conditional = form(scored("q1"), scored("q2", required=True, visible_if={"==": [{"var": "q1"}, "poor"]}))
    assert check_answers(conditional, {"q1": "good"}).score["max"] == 2


def test_a_form_without_scored_fields_has_no_score_and_a_refused_one_none_either():
    assert check_answers(form(field("text", "name")), {"name": "x"}).score is None
    definition = form(scored("q1"), field("text", "name", required=True))
    assert check_answers(definition, {"q1": "good"}).score is None
    assert score_of(form(scored("q1")), {}) is None  # an unanswered optional scored field: nothing to score


def test_a_score_keeps_six_decimals():
    definition = form(field("decimal", "share", score_max=1), scored("q1"))
    score = check_answers(definition, {"share": 0.1234567, "q1": "poor"}).score
    assert score["total"] == 0.623457 and score["max"] == 3


def test_a_hidden_scored_field_earns_nothing():
    definition = form(field("yes_no", "on"), scored("q1", visible_if={"==": [{"var": "on"}, True]}), scored("q2"))
    outcome = check_answers(definition, {"on": False, "q1": "good", "q2": "poor"})
    assert outcome.score == {"total": 0.5, "max": 2, "fields": {"q2": 0.5}, "band": None}


def test_each_problem_is_reported_once():
    definition = form(field("text", "name", required=True))
    assert [p.code for p in check_answers(definition, {}).problems] == ["required"]
