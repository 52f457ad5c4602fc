"""Compliance of a campaign: every assigned agency's report state per period, and rates over time.

QĐ 62/2024 Điều 14 grades agencies on completion (reports completed / reports due) and timeliness
(received on time / received). Everything is scoped: a caller sees only the agencies inside their
`compliance.read` subtrees. Plain indexed queries (campaign_id, period_key) and counting in Python:
the same on every engine, and a campaign has at most a few hundred agencies per period.

A report returned for supplementation keeps the status "returned" whatever the date (as the workflow
keeps it `returned` until resubmitted) and keeps the on-time flag of its first receipt; while it waits
for the agency it is not completed, and once its deadline has passed without a resubmission its
timeliness is "overdue", so the row is coloured overdue. "overdue" as a status is only for reports
the reviewing agency never received (not started, draft, in approval) after the deadline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from formplatform.agencies.models import Agency
from formplatform.errors import NotFound
from formplatform.models import utcnow
from formplatform.permissions import Principal, allows, grant_roots, root_agency_id, scope_filter
from formplatform.reporting.models import Campaign, Report

READ = "compliance.read"
STATUSES = ("not_started", "draft", "in_approval", "returned", "submitted", "accepted", "overdue")
TIMELINESS = ("on_time", "due_soon", "overdue", "late")
RECEIVED = ("submitted", "accepted")
DUE_SOON = timedelta(days=3)
ROW_FIELDS = ("id", "agency_id", "period_key", "state", "deadline", "submitted_at", "accepted_at", "on_time")


def report_status(report: Report, now: datetime) -> str:
    """The state shown: "overdue" when the deadline passed and the report never reached the reviewing
    agency; a returned report stays "returned" (its lateness shows in `timeliness`)."""
    if report.state not in (*RECEIVED, "returned") and report.deadline < now:
        return "overdue"
    return report.state


def timeliness(report: Report, now: datetime) -> str:
    """on_time / due_soon (≤ 3 days left) / overdue / late (received after the deadline).

    A report with the agency (returned ones too) is judged by its deadline: a returned report not
    resubmitted by then is overdue, while its first receipt still counts as on time in the rates.
    """
    if report.state in RECEIVED:
        return "late" if report.on_time is False else "on_time"
    if report.deadline < now:
        return "overdue"
    return "due_soon" if report.deadline - now <= DUE_SOON else "on_time"


@dataclass
class ComplianceRow:
    """One assigned agency in one period."""

    agency: Agency | None
    report: Report
    status: str
    timeliness: str
    days_left: int


@dataclass
class RateRow:
    """One agency over the last periods: its statuses and rates."""

    agency: Agency | None
    cells: dict[str, str] = field(default_factory=dict)  # period key -> status
    due: int = 0
    completed: int = 0
    received: int = 0
    on_time: int = 0

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.due if self.due else None

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.received if self.received else None


def reader_filter(principal: Principal | None) -> dict[str, Any]:
    """Raw filter on reports' agency_id for the caller's compliance.read scope ({} = everything)."""
    return scope_filter(principal, READ) or {}


def can_view(principal: Principal | None, campaign: Campaign) -> bool:
    """Managers and readers over the owner agency, and readers of at least one assigned agency's report."""
    owner = campaign.owner_agency_id
    if allows(principal, "campaigns.manage", owner) or allows(principal, READ, owner):
        return True
    if not grant_roots(principal, READ):
        return False
    query = {"campaign_id": campaign.id, **reader_filter(principal)}
    return Report.objects(__raw__=query).only("id").first() is not None


def viewed_campaign(principal: Principal | None, campaign: Campaign) -> Campaign:
    """The campaign if the caller may follow it; 404 otherwise."""
    if not can_view(principal, campaign):
        raise NotFound()
    return campaign


def opened_periods(campaign: Campaign) -> list[str]:
    """Keys of the periods opened so far, newest first."""
    keys = set(Report.objects(campaign_id=campaign.id).scalar("period_key"))
    return sorted(keys, reverse=True)


def _agencies(ids: set[str]) -> dict[str, Agency]:
    if not ids:
        return {}
    return {a.id: a for a in Agency.objects(id__in=sorted(ids)).only("id", "code", "name", "type", "active")}


def _days_left(report: Report, now: datetime) -> int:
    return (report.deadline - now).days


def compliance_rows(
    principal: Principal | None, campaign: Campaign, period_key: str, now: datetime | None = None
) -> list[ComplianceRow]:
    """Every report of the period inside the caller's scope, by agency code."""
    now = now or utcnow()
    query = {"campaign_id": campaign.id, "period_key": period_key, **reader_filter(principal)}
    reports = list(Report.objects(__raw__=query).only(*ROW_FIELDS))
    agencies = _agencies({r.agency_id for r in reports})
    rows = [
        ComplianceRow(agencies.get(r.agency_id), r, report_status(r, now), timeliness(r, now), _days_left(r, now))
        for r in reports
    ]
    return sorted(rows, key=lambda row: (row.agency.code if row.agency else "", row.report.agency_id))


def status_counts(rows: list[ComplianceRow]) -> dict[str, Any]:
    """How many rows are in each status and in each timeliness class ("overdue" is in both), and the total."""
    states = dict.fromkeys(STATUSES, 0)
    classes = dict.fromkeys(TIMELINESS, 0)
    for row in rows:
        states[row.status] += 1
        classes[row.timeliness] += 1
    return {"total": len(rows), "states": states, "timeliness": classes}


def agency_rates(
    principal: Principal | None, campaign: Campaign, period_keys: list[str], now: datetime | None = None
) -> list[RateRow]:
    """Per agency in scope, over `period_keys`: statuses, completion and on-time counts.

    A report is due once its deadline has passed (or earlier, when it has already been received);
    it is completed when submitted or accepted (a returned report is completed again on resubmission);
    it counts as received, on time or late, from its first receipt (`on_time` is decided then), even if
    it was later returned for supplementation.
    """
    now = now or utcnow()
    if not period_keys:
        return []
    query = {"campaign_id": campaign.id, "period_key": {"$in": period_keys}, **reader_filter(principal)}
    reports = list(Report.objects(__raw__=query).only(*ROW_FIELDS))
    agencies = _agencies({r.agency_id for r in reports})
    rows: dict[str, RateRow] = {}
    for report in reports:
        row = rows.setdefault(report.agency_id, RateRow(agencies.get(report.agency_id)))
        row.cells[report.period_key] = report_status(report, now)
        received = report.on_time is not None
        if report.deadline < now or received or report.state in RECEIVED:
            row.due += 1
            row.completed += report.state in RECEIVED
        row.received += received
        row.on_time += report.on_time is True
    return sorted(rows.values(), key=lambda r: r.agency.code if r.agency else "")


def campaign_filter(principal: Principal | None, *, q: str = "", status: str = "") -> dict[str, Any]:
    """Campaigns owned inside the caller's campaigns.manage or compliance.read subtrees, searched."""
    roots = grant_roots(principal, "campaigns.manage") | grant_roots(principal, READ)
    clauses: list[dict[str, Any]] = []
    if root_agency_id() not in roots:
        owners = [a.id for a in Agency.objects(__raw__=_subtrees(roots)).only("id")] if roots else []
        clauses.append({"owner_agency_id": {"$in": owners}})
    if q:
        pattern = {"$regex": re.escape(q), "$options": "i"}  # DESIGN §4.2: no compiled regexes
        clauses.append({"$or": [{"name.vi": pattern}, {"name.en": pattern}, {"form_key": pattern}]})
    if status in ("active", "closed"):
        clauses.append({"status": status})
    return {"$and": clauses} if clauses else {}


def _subtrees(roots: set[str]) -> dict[str, Any]:
    ids = sorted(roots)
    return {"$or": [{"_id": {"$in": ids}}, {"ancestors": {"$in": ids}}]}


def list_campaigns(
    principal: Principal | None, *, q: str = "", status: str = "", page: int = 1, per_page: int = 20
) -> tuple[list[Campaign], int]:
    """One page of the campaigns the caller manages or follows, newest first, with the total."""
    query = Campaign.objects(__raw__=campaign_filter(principal, q=q, status=status))
    total = query.count()
    return list(query.order_by("-created_at", "id").skip((page - 1) * per_page).limit(per_page)), total
