"""Finding reports: the to-do list, an agency's reports, and listings scoped to what the caller may read.

A user never sees another agency's reports: every query here goes through `reading_filter`
(readers of submissions over their subtrees, plus the agencies whose divisions they work in), and a
report outside it answers 404 as if it did not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from form_definitions.workflow import REVIEWER
from formplatform.accounts.models import User
from formplatform.errors import BadRequest, NotFound, Unauthorized
from formplatform.models import utcnow
from formplatform.permissions import PERMISSIONS, Principal, root_agency_id
from formplatform.reporting.campaigns import open_due_periods
from formplatform.reporting.models import REPORT_STATES, Report
from formplatform.reporting.workflow_access import (
    acting_agencies,
    can_act,
    current_step,
    may_read,
    reading_filter,
    subtree_ids,
)
from i18n.messages import register_errors

DUE_SOON = timedelta(days=3)
TODO_LIMIT = 500
AGENCY_OPEN = ("not_started", "draft", "returned", "in_approval")
FILTER_STATES = (*REPORT_STATES, "overdue")

register_errors({"bad_state": _l("Unknown report state.")})


@dataclass
class TodoItem:
    """A line of the to-do list: the report, where it stands, whether it is yours to act, how urgent."""

    report: Report
    step: dict[str, Any]
    mine: bool
    due: str  # "overdue", "due_soon", "on_track" or "received" (with the reviewing agency)


def due_status(report: Report, now: Any = None) -> str:
    """How urgent a report is: overdue, due soon (≤ 3 days), on track, or received/accepted."""
    if report.state in ("submitted", "accepted"):
        return "received"
    now = now or utcnow()
    if report.deadline < now:
        return "overdue"
    return "due_soon" if report.deadline - now <= DUE_SOON else "on_track"


def _reviewer_roots(user: User) -> set[str]:
    roles = PERMISSIONS["reports.review"] | {REVIEWER}
    return {g.agency_id for g in user.roles if g.role in roles}


def _reviewer_candidates(user: User) -> list[Report]:
    roots = _reviewer_roots(user)
    if not roots:
        return []
    query: dict[str, Any] = {"state": "submitted"}
    if root_agency_id() not in roots:
        query["agency_id"] = {"$in": subtree_ids(roots)}
    return list(Report.objects(__raw__=query).order_by("deadline").limit(TODO_LIMIT))


def todo_for(user: User | None) -> list[TodoItem]:
    """What the user can act on now, and their agencies' open reports with their due dates, by deadline."""
    if user is None or not user.can_log_in:
        return []
    open_due_periods()  # lazily: periods that came due since anyone last looked appear now
    agencies = acting_agencies(user)
    found: dict[str, Report] = {}
    if agencies:
        query = {"agency_id": {"$in": agencies}, "state": {"$in": list(AGENCY_OPEN)}}
        for report in Report.objects(__raw__=query).order_by("deadline").limit(TODO_LIMIT):
            found[report.id] = report
    for report in _reviewer_candidates(user):
        if can_act(user, report):
            found[report.id] = report
    now = utcnow()
    items = [TodoItem(r, current_step(r), can_act(user, r), due_status(r, now)) for r in found.values()]
    return sorted(items, key=lambda item: (item.report.deadline, item.report.id))


def reports_for_agency(agency_id: str, form_key: str) -> list[Report]:
    """One agency's reports of one template, newest period first (the caller checks it may read them)."""
    return list(Report.objects(agency_id=agency_id, form_key=form_key).order_by("-period_start"))


def readable_report(principal: Principal | None, report_id: str) -> Report:
    """The report if the caller may read it; otherwise 404 (401 without anyone logged in)."""
    if principal is None:
        raise Unauthorized()
    report = Report.objects(id=report_id).first()
    if report is None or not may_read(principal, report):
        raise NotFound()
    return report


def _filter_query(filters: dict[str, str]) -> dict[str, Any]:
    query: dict[str, Any] = {}
    state = filters.get("state") or ""
    if state and state not in FILTER_STATES:
        raise BadRequest("bad_state")
    if state == "overdue":
        query["state"] = {"$in": list(AGENCY_OPEN)}
        query["deadline"] = {"$lt": utcnow()}  # written at insert: comparable on every engine
    elif state:
        query["state"] = state
    for name, field in (("campaign", "campaign_id"), ("form", "form_key"), ("agency", "agency_id")):
        if filters.get(name):
            query[field] = filters[name]
    if filters.get("period"):
        query["period_key"] = filters["period"]
    return query


def visible_reports(
    principal: Principal | None, filters: dict[str, str], page: int = 1, per_page: int = 20
) -> tuple[list[Report], int]:
    """A page of the reports the principal may read, matching `filters` (state, campaign, form, agency, period)."""
    if principal is None:
        raise Unauthorized()
    restriction = reading_filter(principal)
    wanted = _filter_query(filters)
    query = {"$and": [restriction, wanted]} if restriction is not None else wanted
    cursor = Report.objects(__raw__=query).order_by("-deadline", "agency_id")
    total = cursor.count()
    return list(cursor.skip((page - 1) * per_page).limit(per_page)), total
