"""What each transition leaves behind: a history entry, an audit event, notices to who acts next."""

from __future__ import annotations

from typing import Any

from form_definitions.workflow import REVIEWER
from formplatform.accounts.models import User
from formplatform.audit.services import record_event
from formplatform.reporting.models import Report, ReportStep
from formplatform.reporting.notifications import notify_report
from formplatform.reporting.workflow_access import report_steps
from formplatform.reporting.workflow_data import latest_revision_number


def record_step(report: Report, before: Report, action: str, actor: User, **details: Any) -> None:
    """The history entry and the audit event of one transition (`before` is the report as it was)."""
    ReportStep(
        report_id=report.id,
        action=action,
        step=before.step,
        from_state=before.state,
        to_state=report.state,
        actor_id=actor.id,
        comment=details.get("comment") or "",
        field_comments=details.get("field_comments") or {},
        signature=details.get("signature") or None,
        revision_number=latest_revision_number(report.id),
    ).save(force_insert=True)
    record_event(
        f"report.{action}",
        actor=actor,
        target_type="report",
        target_id=report.id,
        agency_id=report.agency_id,
        before={"state": before.state, "step": before.step},
        after={"state": report.state, "step": report.step},
        details={"form": report.form_key, "period": report.period_key, **(details.get("audit") or {})},
    )


def announce(report: Report) -> None:
    """Tell whoever acts next (the reviewer on receipt); the drafters on a return; the agency when accepted."""
    steps = report_steps(report)
    if report.state == "accepted":
        notify_report(report, "accepted", sorted({s["role"] for s in steps if s["role"] != REVIEWER}))
    elif report.state == "submitted":
        notify_report(report, "submitted", [REVIEWER])
    elif report.state == "in_approval":
        notify_report(report, "to_act", [steps[report.step]["role"]])
    else:
        notify_report(report, "returned", [steps[0]["role"]])
