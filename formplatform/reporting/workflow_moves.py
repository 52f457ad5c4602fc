"""How a report moves: the checks before a transition and the one conditional write that makes it.

Each transition is ONE conditional `modify` on (id, state, step): of two people acting at once,
exactly one moves the report and the other gets 409. `expect` checks, in order: that the report
waits for this action (409), then that the actor holds the step's role (403).
"""

from __future__ import annotations

from typing import Any

from form_definitions.problems import Problem
from form_definitions.workflow import REVIEWER
from formplatform.accounts.models import User
from formplatform.errors import Conflict, Forbidden, Invalid, NotFound
from formplatform.models import utcnow
from formplatform.reporting.models import Report
from formplatform.reporting.workflow_access import can_act, current_step, report_steps


def get_report(report_id: str) -> Report:
    report = Report.objects(id=report_id).first()
    if report is None:
        raise NotFound()
    return report


def expect(report: Report, kind: str, states: tuple[str, ...], actor: Any, expected_step: int | None) -> dict[str, Any]:
    """The current step, after checking it is a `kind` step in one of `states` and the actor's to act."""
    step = current_step(report)
    if expected_step is not None and expected_step != report.step:
        raise Conflict("report_conflict", state=report.state, step=report.step)
    if step["kind"] != kind or report.state not in states:
        raise Conflict("report_not_actionable", state=report.state, step=report.step)
    if not isinstance(actor, User) or not can_act(actor, report):
        raise Forbidden()
    return step


def move(report: Report, update: dict[str, Any], *, revision: int | None = None) -> Report:
    """Apply `update` (modify keywords) only if the report is still in the state and step it was read in."""
    condition: dict[str, Any] = {"id": report.id, "state": report.state, "step": report.step}
    if revision is not None:
        condition["revision"] = revision
    moved = Report.objects(**condition).modify(new=True, set__updated_at=utcnow(), **update)
    if moved is None:
        current = Report.objects(id=report.id).only("state", "step", "revision").first()
        details = {"state": current.state, "step": current.step, "revision": current.revision} if current else {}
        raise Conflict("report_conflict", **details)
    return moved


def advance(report: Report, index: int) -> dict[str, Any]:
    """Modify keywords that move the report past agency step `index` (to the next step, or received)."""
    steps = report_steps(report)
    following = index + 1
    if following < len(steps) and steps[following]["role"] != REVIEWER:
        return {"set__state": "in_approval", "set__step": following}
    now = utcnow()
    update: dict[str, Any] = {"set__submitted_at": now, "inc__submissions": 1}
    if report.on_time is None:  # the first receipt decides, later ones never change it
        update["set__on_time"] = now <= report.deadline
    if following < len(steps):
        return {**update, "set__state": "submitted", "set__step": following}
    return {**update, "set__state": "accepted", "set__step": len(steps), "set__accepted_at": now}


def signed(step: dict[str, Any], signature: dict[str, Any] | None) -> dict[str, Any]:
    """At a signing step, the signature to keep (refused when missing or invalid); elsewhere nothing."""
    if not step["sign"]:
        return {}
    if not isinstance(signature, dict) or not signature or signature.get("valid") is False:
        raise Invalid([Problem("signature", "signature_required")])
    return {"set__signature": signature}
