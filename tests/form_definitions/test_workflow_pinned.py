"""The workflow block of a definition is checked by its JSON Schema before the order rules."""

from __future__ import annotations

from typing import Any

from form_definitions.checks import check_definition
from form_definitions.workflow import check_workflow
from tests.fixtures.definitions import sample_v1


def workflow_problems(workflow: Any) -> set[tuple[str, str]]:
    definition = sample_v1()
    definition["workflow"] = workflow
    return {(p.path, p.code) for p in check_definition(definition)}


def test_steps_must_be_a_list():
    assert workflow_problems({"steps": [{"role": "specialist"}]}) == set()
    assert ("workflow.steps", "type") in workflow_problems({"steps": {"role": "specialist"}})
    assert ("workflow.steps", "type") in workflow_problems({"steps": "specialist"})


def test_each_step_is_an_object_with_a_known_role_and_no_unknown_keys():
    assert ("workflow.steps.0.colour", "unknown_field") in workflow_problems(
        {"steps": [{"role": "specialist", "colour": "red"}]}
    )
    assert ("workflow.steps.0", "type") in workflow_problems({"steps": ["specialist"]})
    assert ("workflow.steps.0.role", "required") in workflow_problems({"steps": [{"sign": True}]})
    assert ("workflow.steps.0.sign", "type") in workflow_problems({"steps": [{"role": "specialist", "sign": "y"}]})


def test_a_chain_has_one_to_eight_steps():
    assert ("workflow.steps", "too_few") in workflow_problems({"steps": []})
    assert ("workflow.steps", "too_many") in workflow_problems({"steps": [{"role": "specialist"}] * 9})


def test_an_unknown_role_is_not_an_option():
    problems = workflow_problems({"steps": [{"role": "specialist"}, {"role": "mayor"}]})
    assert ("workflow.steps.1.role", "not_an_option") in problems
    assert workflow_problems({"steps": [{"role": "specialist"}, {"role": "reviewer"}]}) == set()


def test_the_order_check_finds_nothing_in_a_missing_or_empty_chain():
    assert check_workflow(None) == []
    assert check_workflow({}) == []
    assert check_workflow({"steps": []}) == []
    assert check_workflow({"steps": "specialist"}) == []
    assert check_workflow({"steps": [{"role": "specialist"}, {"role": "reviewer"}]}) == []
