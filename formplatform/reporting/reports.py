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
from formplatform.paging import Page, combine, page_of
from formplatform.permissions import PERMISSIONS, Principal, root_agency_id
from formplatform.reporting.campaigns import open_due_periods
from formplatform.reporting.models import REPORT_STATES, Report, eq
from formplatform.reporting.workflow_access import (
    acting_agencies,
    can_act,
    current_step,
    load_definitions,
    may_read,
    reading_filter,
    subtree_ids,
)
from i18n.messages import register_errors

DUE_SOON = timedelta(days=3)
TODO_LIMIT = 500
CONTENT_FIELDS = ("data", "totals", "score", "review", "signature")  # what a list of reports never shows
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


def open_in_state(state: str, agencies: list[str] | None, limit: int = TODO_LIMIT) -> list[Report]:
    """Reports in one open state (of `agencies`; None = all), by deadline, at most `limit`, without content.

    One state at a time: the (state, deadline) index then walks open work only, never the accepted
    reports that make up most of the history (the embedded engine serves `$in` from no index). A list
    needs no report's content: leaving it out keeps each row small however large the forms are.
    """
    query = {**eq(state=state), **({"agency_id": {"$in": agencies}} if agencies is not None else {})}
    return list(Report.objects(__raw__=query).exclude(*CONTENT_FIELDS).order_by("deadline").limit(limit))


def _reviewer_candidates(user: User, limit: int) -> list[Report]:
    roots = _reviewer_roots(user)
    if not roots:
        return []
    return open_in_state("submitted", None if root_agency_id() in roots else subtree_ids(roots), limit)


def todo_for(user: User | None, limit: int = TODO_LIMIT) -> list[TodoItem]:
    """What the user can act on now, and their agencies' open reports with their due dates, by deadline.

    At most `limit` reports are read from each open state (and as many waiting for review), so the first
    `limit` items are exact and a page costs what it shows, however many reports were left open over the
    years."""
    if user is None or not user.can_log_in:
        return []
    open_due_periods()  # lazily: periods that came due since anyone last looked appear now
    agencies = acting_agencies(user)
    found: dict[str, Report] = {}
    if agencies:
        mine = sorted((r for s in AGENCY_OPEN for r in open_in_state(s, agencies, limit)), key=lambda r: r.deadline)
        found.update((report.id, report) for report in mine[:limit])
    candidates = _reviewer_candidates(user, limit)
    load_definitions([*found.values(), *candidates])  # one query for the forms of every report listed
    for report in candidates:
        if can_act(user, report):
            found[report.id] = report
    now = utcnow()
    items = [TodoItem(r, current_step(r), can_act(user, r), due_status(r, now)) for r in found.values()]
    return sorted(items, key=lambda item: (item.report.deadline, item.report.id))


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
        query.update(eq(state=state))
    for name, field in (("campaign", "campaign_id"), ("form", "form_key"), ("agency", "agency_id")):
        if filters.get(name):
            query.update(eq(**{field: filters[name]}))
    if filters.get("period"):
        query.update(eq(period_key=filters["period"]))
    return query


def _restricted(restriction: dict[str, Any] | None, wanted: dict[str, Any]) -> dict[str, Any]:
    """The filter within the caller's reading scope, flat: an agency asked for must lie inside it."""
    if restriction is not None and "agency_id" in wanted:
        allowed = restriction["agency_id"]["$in"]
        inside = wanted["agency_id"]["$eq"] in allowed
        return {**wanted, "agency_id": wanted["agency_id"] if inside else {"$in": []}}
    return combine([restriction, wanted])


def visible_reports(
    principal: Principal | None, filters: dict[str, str], page: int = 1, per_page: int = 20
) -> Page[Report]:
    """A page of the reports the principal may read, matching `filters` (state, campaign, form, agency, period)."""
    if principal is None:
        raise Unauthorized()
    query = _restricted(reading_filter(principal), _filter_query(filters))
    return page_of(Report.objects(__raw__=query).order_by("-deadline", "agency_id"), page, per_page)
