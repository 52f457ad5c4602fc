"""Cross-field checks: how a definition declares them, how answers are judged, how versions differ."""

from __future__ import annotations

import copy

from form_definitions.answers import check_answers
from form_definitions.checks import check_definition
from form_definitions.versions import diff_definitions
from tests.fixtures.checks import figures_definition

WRONG = {"received": 3, "on_time": 3, "late": 3, "pending": 3}
RIGHT = {"received": 9, "on_time": 3, "late": 3, "pending": 3}


def codes(problems):
    return sorted((p.path, p.code) for p in problems)


def test_the_fixture_is_a_valid_definition():
    assert check_definition(figures_definition(), publishing=True) == []


def test_figures_that_do_not_add_up_fail_on_every_attached_field():
    outcome = check_answers(figures_definition(), WRONG)
    assert codes(outcome.problems) == [("pending", "check_failed"), ("received", "check_failed")]
    assert outcome.problems[0].params["check"] == "dossiers_add_up"
    assert outcome.problems[0].params["message"]["en"].startswith("On time + late")
    assert outcome.data == WRONG  # the answers are kept (a draft save stores them and reports the problem)


def test_corrected_figures_pass():
    outcome = check_answers(figures_definition(), RIGHT)
    assert outcome.ok, outcome.problems


def test_a_check_is_skipped_while_one_of_its_figures_is_empty_or_hidden():
    assert check_answers(figures_definition(), {"received": 3, "on_time": 3, "late": 3}).ok
    hidden = figures_definition()
    hidden["fields"][3]["visible_if"] = {"==": [{"var": "late"}, 99]}
    assert check_answers(hidden, WRONG).ok  # pending is hidden, so it is dropped and the check is skipped


def test_a_var_with_a_default_counts_a_blank_as_that_value():
    definition = figures_definition()
    definition["checks"][0]["rule"] = {
        "==": [{"+": [{"var": ["on_time", 0]}, {"var": ["late", 0]}, {"var": ["pending", 0]}]}, {"var": "received"}]
    }
    assert codes(check_answers(definition, {"received": 3, "on_time": 1}).problems)[0][1] == "check_failed"
    assert check_answers(definition, {"received": 3, "on_time": 3}).ok


def test_row_checks_judge_each_row_and_attach_to_the_row():
    outcome = check_answers(figures_definition(), {**RIGHT, "targets": {"q1": {"plan": 5, "actual": 7}}})
    assert codes(outcome.problems) == [("targets.q1", "check_failed")]
    assert check_answers(figures_definition(), {**RIGHT, "targets": {"q1": {"plan": 5, "actual": 5}}}).ok
    assert check_answers(figures_definition(), {**RIGHT, "targets": {"q1": {"plan": 5}}}).ok


def test_bad_checks_are_reported_with_their_paths():
    definition = figures_definition()
    definition["checks"] += [
        {"name": "bad_op", "rule": {"sum_of": [1]}, "message": {"vi": "x", "en": "x"}},
        {"name": "bad_var", "rule": {"==": [{"var": "nope"}, 1]}, "message": {"vi": "x", "en": "x"}, "fields": ["nah"]},
        {"name": "bad_var", "rule": True, "message": {"vi": "", "en": "y"}},
        {"name": "no_rule", "message": {"vi": "x", "en": "x"}},
    ]
    definition["fields"][4]["row_checks"][0]["rule"] = {"<=": [{"var": "actual"}, {"var": "missing_col"}]}
    found = {(p.path, p.code, tuple(sorted(p.params.items()))) for p in check_definition(definition, publishing=True)}
    assert ("checks.1.rule", "unknown_operator", (("operator", "sum_of"),)) in found
    assert ("checks.2.rule", "unknown_variable", (("name", "nope"),)) in found
    assert ("checks.2.fields", "unknown_field_name", (("name", "nah"),)) in found
    assert ("checks.3.name", "duplicate_name", (("name", "bad_var"),)) in found
    assert ("checks.3.message", "missing_translation", (("lang", "vi"),)) in found
    assert ("checks.4.rule", "required") in {(p, c) for p, c, _ in found}
    assert ("fields.4.row_checks.0.rule", "unknown_variable", (("name", "missing_col"),)) in found


def test_checks_are_part_of_the_version_diff():
    old = figures_definition()
    new = copy.deepcopy(old)
    new["checks"][0]["message"] = {"vi": "Sai tổng.", "en": "Wrong total."}
    diff = diff_definitions(old, new)
    assert [(c.kind, c.name, c.breaking, c.reasons) for c in diff.changes] == [
        ("changed", "dossiers_add_up", False, ["check_message_changed"])
    ]
    new["checks"][0]["rule"] = {"<=": [{"var": "pending"}, {"var": "received"}]}
    assert diff_definitions(old, new).breaking
    removed = copy.deepcopy(old)
    removed["checks"] = []
    assert [(c.kind, c.breaking) for c in diff_definitions(old, removed).changes] == [("removed", False)]
    tighter = copy.deepcopy(old)
    tighter["fields"][4]["row_checks"].append(
        {"name": "plan_positive", "rule": {">": [{"var": "plan"}, 0]}, "message": {"vi": "x", "en": "x"}}
    )
    assert diff_definitions(old, tighter).breaking
    assert not diff_definitions(tighter, old).breaking  # dropping a row check refuses nothing more
