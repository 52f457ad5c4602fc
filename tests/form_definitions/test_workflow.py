"""The approval chain a template configures, and the QĐ 1439 default."""

from __future__ import annotations

from form_definitions.checks import check_definition
from form_definitions.library import library_definition
from form_definitions.workflow import DEFAULT_STEPS, has_review, workflow_steps
from tests.fixtures.definitions import sample_v1


def test_templates_without_a_chain_follow_qd_1439():
    steps = workflow_steps(sample_v1())
    assert [s["role"] for s in steps] == ["specialist", "division_head", "agency_head", "reviewer"]
    assert [bool(s.get("sign")) for s in steps] == [False, False, True, False]
    assert has_review(steps)
    steps[0]["role"] = "changed"
    assert DEFAULT_STEPS[0]["role"] == "specialist", "callers get a copy"


def test_kpi_sheet_has_three_levels_without_signature_or_review():
    steps = workflow_steps(library_definition("kpi-monthly"))
    assert [s["role"] for s in steps] == ["specialist", "division_head", "agency_head"]
    assert not any(s.get("sign") for s in steps) and not has_review(steps)


def test_badly_ordered_chains_are_refused_with_their_path():
    definition = sample_v1()
    definition["workflow"] = {
        "steps": [{"role": "reviewer"}, {"role": "specialist"}, {"role": "reviewer", "sign": True}]
    }
    codes = {(p.path, p.code) for p in check_definition(definition)}
    assert codes == {
        ("workflow.steps.0.role", "workflow_first_step"),
        ("workflow.steps.0.role", "workflow_reviewer_last"),
        ("workflow.steps.2.sign", "workflow_reviewer_signs"),
    }
    definition["workflow"] = {"steps": [{"role": "mayor"}]}
    assert check_definition(definition)[0].path.startswith("workflow")


def test_step_labels_need_both_languages_to_publish():
    definition = sample_v1()
    definition["workflow"] = {"steps": [{"role": "specialist", "label": {"vi": "Nhập"}}, {"role": "agency_head"}]}
    assert not check_definition(definition)
    problems = check_definition(definition, publishing=True)
    assert [(p.path, p.code) for p in problems] == [("workflow.steps.0.label", "missing_translation")]
