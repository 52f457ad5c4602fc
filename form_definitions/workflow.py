"""The approval chain a report template configures (`workflow` in a definition; FORMAT.md).

A chain is an ordered list of steps, each naming the role that acts at it. The first step drafts and
submits; the following agency steps approve (or send back), and one of them may sign; a final
`reviewer` step belongs to the reviewing agency (Sở Nội vụ), which accepts or returns the report.
Without `workflow` a template follows QĐ 1439/QĐ-UBND: specialist → division head → agency head
(signs) → Sở Nội vụ reviewer.
"""

from __future__ import annotations

import copy
from typing import Any

from form_definitions.problems import Problem
from form_definitions.registry import BILINGUAL

AGENCY_ROLES = ("specialist", "division_head", "agency_head")
REVIEWER = "reviewer"
DEFAULT_STEPS: list[dict[str, Any]] = [
    {"role": "specialist"},
    {"role": "division_head"},
    {"role": "agency_head", "sign": True},
    {"role": "reviewer"},
]
WORKFLOW_SCHEMA = {
    "type": "object",
    "required": ["steps"],
    "properties": {
        "steps": {
            "type": "array",
            "minItems": 1,
            "maxItems": 8,
            "items": {
                "type": "object",
                "required": ["role"],
                "properties": {
                    "role": {"enum": [*AGENCY_ROLES, REVIEWER]},
                    "sign": {"type": "boolean"},
                    "label": BILINGUAL,
                },
                "additionalProperties": False,
            },
        }
    },
    "additionalProperties": False,
}


def workflow_steps(definition: dict[str, Any]) -> list[dict[str, Any]]:
    """The chain of a definition (a copy): its own `workflow.steps`, or the QĐ 1439 default."""
    steps = (definition.get("workflow") or {}).get("steps")
    return copy.deepcopy(steps if steps else DEFAULT_STEPS)


def has_review(steps: list[dict[str, Any]]) -> bool:
    """Whether the chain ends with the reviewing agency (otherwise the last agency step completes it)."""
    return bool(steps) and steps[-1]["role"] == REVIEWER


def check_workflow(workflow: Any) -> list[Problem]:
    """Order rules the JSON Schema cannot say: agency steps first, at most one reviewer step, last."""
    steps = workflow.get("steps") if isinstance(workflow, dict) else None
    if not isinstance(steps, list) or not steps:
        return []
    problems: list[Problem] = []
    roles = [s.get("role") for s in steps if isinstance(s, dict)]
    if roles and roles[0] not in AGENCY_ROLES:
        problems.append(Problem("workflow.steps.0.role", "workflow_first_step"))
    for index, role in enumerate(roles):
        if role == REVIEWER and index != len(roles) - 1:
            problems.append(Problem(f"workflow.steps.{index}.role", "workflow_reviewer_last"))
    for index, step in enumerate(steps):
        if isinstance(step, dict) and step.get("sign") and step.get("role") == REVIEWER:
            problems.append(Problem(f"workflow.steps.{index}.sign", "workflow_reviewer_signs"))
    return problems
