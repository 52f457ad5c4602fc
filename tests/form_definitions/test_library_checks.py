"""The built-in templates' cross-field checks: figures that must add up are refused until they do."""

from __future__ import annotations

from typing import Any

from form_definitions.answers import check_answers
from form_definitions.library import library_definition


def failed(definition: dict[str, Any], data: dict[str, Any]) -> list[tuple[str, str]]:
    problems = check_answers(definition, data).problems
    return [(p.path, p.params["check"]) for p in problems if p.code == "check_failed"]


def test_cchc_report_dossiers_must_add_up_per_row():
    definition = library_definition("cchc-report", 2)
    row = {"received": 3, "resolved_on_time": 3, "resolved_late": 3, "pending": 3}
    data = {"annex_dossiers": {"counter": row, "online": {"received": 9, "resolved_on_time": 5, "pending": 4}}}
    assert failed(definition, data) == [("annex_dossiers.counter", "dossiers_add_up")]
    data["annex_dossiers"]["counter"] = {**row, "received": 9}
    assert failed(definition, data) == []


def test_kpi_sheet_percentages_and_amounts_are_checked():
    definition = library_definition("kpi-monthly")
    data = {"indicators": {"unemployment_rate": {"plan": 3, "actual": 130}, "retail_sales": {"plan": 10, "actual": -5}}}
    assert sorted(check for _, check in failed(definition, data)) == [
        "amounts_not_negative",
        "unemployment_rate_is_a_percentage",
    ]
    data = {"indicators": {"unemployment_rate": {"plan": 3, "actual": 2.5}, "retail_sales": {"plan": 10, "actual": 5}}}
    assert failed(definition, data) == []


def test_a_check_does_not_judge_a_value_already_refused():
    definition = library_definition("kpi-monthly")
    outcome = check_answers(definition, {"indicators": {"retail_sales": {"plan": 10, "actual": "nhiều"}}})
    assert ("indicators.retail_sales.actual", "type") in {(p.path, p.code) for p in outcome.problems}
    assert failed(definition, {"indicators": {"retail_sales": {"plan": 10, "actual": "nhiều"}}}) == []
