"""The reporting sweep: open due periods, remind what is due soon, warn about what is overdue.

    python -m formplatform.reporting.tasks --data-dir instance     (or --uri / MONGODB_URI; SMTP_* as the app)

The platform's scheduler runs it every 15 minutes (job "reports.sweep"), so no cron job is needed; this
command runs it once, for cron or by hand. Every notice goes out at most once per report and user, so
running it often is harmless.
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from typing import Any

from form_definitions.workflow import REVIEWER
from formplatform.models import utcnow
from formplatform.reporting.campaigns import open_due_periods
from formplatform.reporting.models import Report, eq
from formplatform.reporting.notifications import notify_report
from formplatform.reporting.workflow_access import report_steps

OPEN_STATES = ("not_started", "draft", "in_approval", "returned")
NOT_STARTED_YET = ("not_started", "draft", "returned")
DUE_SOON = timedelta(days=3)
# Overdue notices go to reports whose deadline passed within this window: older ones were warned
# about already (or long forgotten), and the sweep's cost stays independent of the history's size.
OVERDUE_WINDOW = timedelta(days=60)


def acting_roles(report: Report) -> tuple[str, ...]:
    """Who should hear about a late report: the drafting role and the role whose step it waits at."""
    steps = report_steps(report)
    roles = {steps[0]["role"]}
    if report.state == "in_approval" and report.step < len(steps):
        roles.add(steps[report.step]["role"])
    return tuple(sorted(r for r in roles if r != REVIEWER))


def open_reports(states: tuple[str, ...], deadline: dict[str, Any]) -> list[Report]:
    """Reports in these open states whose deadline matches, by deadline.

    One query per state on the (state, deadline) index: the rows read are open work only, never the
    accepted reports of past years (a date range alone, or `$in`, makes the embedded engine read them all).
    """
    found = [r for state in states for r in Report.objects(__raw__={**eq(state=state), "deadline": deadline})]
    return sorted(found, key=lambda report: (report.deadline, report.id))


def sweep_overdue(now: datetime | None = None) -> int:
    """Notify the agency of every open report past its deadline (once per report and user)."""
    now = now or utcnow()
    sent = 0
    for report in open_reports(OPEN_STATES, {"$lt": now, "$gte": now - OVERDUE_WINDOW}):
        sent += notify_report(report, "overdue", acting_roles(report), once=True)
    return sent


def sweep_due_soon(now: datetime | None = None) -> int:
    """Remind the drafters of reports due within three days that nobody has sent on yet (once each)."""
    now = now or utcnow()
    sent = 0
    for report in open_reports(NOT_STARTED_YET, {"$gte": now, "$lte": now + DUE_SOON}):
        days_left = max((report.deadline - now).days, 0)
        params = {"soon": True, "days_left": days_left}
        sent += notify_report(report, "due", acting_roles(report), params=params, once=True)
    return sent


def run_sweep(now: datetime | None = None) -> dict[str, int]:
    """Everything the cron job does, in order; returns what happened."""
    now = now or utcnow()
    return {"opened": open_due_periods(now), "due_soon": sweep_due_soon(now), "overdue": sweep_overdue(now)}


def main(argv: list[str] | None = None) -> int:
    """Build the app on the chosen database and run the sweep once."""
    from formplatform.config import ConfigError
    from formplatform.scheduler.cli import task_app, task_parser

    args = task_parser("formplatform.reporting.tasks", __doc__).parse_args(argv)
    try:
        with task_app(args):
            result = run_sweep()
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(
        f"reports opened: {result['opened']}, due-soon reminders: {result['due_soon']}, "
        f"overdue notices: {result['overdue']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
