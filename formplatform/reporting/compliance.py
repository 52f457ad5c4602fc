"""Compliance of a campaign: every assigned agency's report state per period, and rates over time.

QĐ 62/2024 Điều 14 grades agencies on completion (reports completed / reports due) and timeliness
(received on time / received). Everything is scoped: a caller sees only the agencies inside their
`compliance.read` subtrees. Queries on the (campaign_id, period_key, agency_id) index and counting in
Python: the same on every engine, and a campaign has at most a few hundred agencies per period. Nothing
here reads a campaign's whole history: the periods offered are found newest first, one indexed look-up
each, and rates read the key range of the periods shown.

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
from formplatform.paging import Page, combine, page_of
from formplatform.permissions import Principal, allows, grant_roots, root_agency_id, scope_filter
from formplatform.reporting.models import Campaign, Report, eq

READ = "compliance.read"
STATUSES = ("not_started", "draft", "in_approval", "returned", "submitted", "accepted", "overdue")
TIMELINESS = ("on_time", "due_soon", "overdue", "late")
RECEIVED = ("submitted", "accepted")
DUE_SOON = timedelta(days=3)
ROW_FIELDS = ("id", "agency_id", "period_key", "state", "deadline", "submitted_at", "accepted_at", "on_time")
PERIOD_CHOICES = 12  # periods offered at once; earlier ones are reached from the oldest offered


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
    query = {**eq(campaign_id=campaign.id), **reader_filter(principal)}
    return Report.objects(__raw__=query).only("id").first() is not None


def viewed_campaign(principal: Principal | None, campaign: Campaign) -> Campaign:
    """The campaign if the caller may follow it; 404 otherwise."""
    if not can_view(principal, campaign):
        raise NotFound()
    return campaign


def opened_periods(campaign: Campaign, *, before: str | None = None, limit: int = PERIOD_CHOICES) -> list[str]:
    """Keys of up to `limit` opened periods (those older than `before`), newest first.

    One indexed look-up per key — the newest report's key below the last one found — so the cost is
    the number of periods shown, never the number of reports of the campaign's history.
    """
    keys: list[str] = []
    while len(keys) < limit:
        query = eq(campaign_id=campaign.id)
        if before is not None:
            query["period_key"] = {"$lt": before}
        found = Report.objects(__raw__=query).order_by("-period_key").only("period_key").first()
        if found is None:
            break
        keys.append(found.period_key)
        before = found.period_key
    return keys


def period_opened(campaign: Campaign, key: str) -> bool:
    """Whether the campaign has reports for the period `key` (one indexed look-up)."""
    return Report.objects(__raw__=eq(campaign_id=campaign.id, period_key=key)).only("id").first() is not None


def period_window(campaign: Campaign, key: str, count: int, newest: list[str], limit: int) -> list[str]:
    """The `count` opened periods ending with `key`, oldest first.

    `newest` is what opened_periods(limit=limit) found: reused, and walked further back only when it
    may not hold them all (it was full, or `key` is older than it).
    """
    start = newest.index(key) if key in newest else None
    keys = newest[start : start + count] if start is not None else [key]
    if len(keys) < count and (start is None or len(newest) >= limit):
        keys += opened_periods(campaign, before=keys[-1], limit=count - len(keys))
    return list(reversed(keys))


@dataclass
class PeriodChoice:
    """Which periods a compliance view offers and shows, all found without reading the campaign's history."""

    keys: list[str]  # offered, newest first: the newest ones and those up to the chosen one
    period: str  # the period whose reports are listed ("" when none has opened)
    rate_keys: list[str]  # the periods of the rates, oldest first, ending with `period`
    unknown: bool = False  # the period asked for has no reports
    earlier: str = ""  # the oldest period offered, when older ones may exist (a link to go further back)


def choose_periods(campaign: Campaign, wanted: str, count: int) -> PeriodChoice:
    """The period asked for (default: the newest) and the `count` periods up to it for the rates."""
    limit = max(PERIOD_CHOICES, count)
    newest = opened_periods(campaign, limit=limit)
    period = wanted if wanted in newest or (wanted and period_opened(campaign, wanted)) else ""
    unknown = bool(wanted) and not period
    period = period or (newest[0] if newest else "")
    if not period:
        return PeriodChoice([], "", [], unknown)
    around = period_window(campaign, period, limit, newest, limit)
    keys = sorted(set(newest[:PERIOD_CHOICES]) | set(around), reverse=True)
    earlier = around[0] if len(around) >= limit and around[0] != period else ""
    return PeriodChoice(keys, period, around[-count:], unknown, earlier)


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
    query = {**eq(campaign_id=campaign.id, period_key=period_key), **reader_filter(principal)}
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
    # a key range, not `$in`: the embedded engine serves a range from the index and `$in` from no index;
    # the periods shown are consecutive opened periods, so the range holds nothing else
    span = {"$gte": min(period_keys), "$lte": max(period_keys)}
    query = {**eq(campaign_id=campaign.id), "period_key": span, **reader_filter(principal)}
    wanted = set(period_keys)
    reports = [r for r in Report.objects(__raw__=query).only(*ROW_FIELDS) if r.period_key in wanted]
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
        clauses.append(eq(status=status))
    return combine(clauses)


def _subtrees(roots: set[str]) -> dict[str, Any]:
    ids = sorted(roots)
    return {"$or": [{"_id": {"$in": ids}}, {"ancestors": {"$in": ids}}]}


def list_campaigns(
    principal: Principal | None, *, q: str = "", status: str = "", page: int = 1, per_page: int = 20
) -> Page[Campaign]:
    """One page of the campaigns the caller manages or follows, newest first (never counted)."""
    query = Campaign.objects(__raw__=campaign_filter(principal, q=q, status=status))
    return page_of(query.order_by("-created_at", "id"), page, per_page)
