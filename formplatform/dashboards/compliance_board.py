"""The compliance dashboard: per period, how many reports are in each state; per agency, completion and
on-time rates — for one template (every campaign of it) or one campaign, inside the viewer's scope.

The vocabulary and rules are compliance.py's: `report_status` (overdue is derived), `RateRow` (its rates),
and `agency_rates`'s counting of due / completed / received / on time, applied to the reports of the
`dashboards.read` scope (compliance.py filters by `compliance.read`, which division heads do not hold).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from formplatform.dashboards.params import Filters
from formplatform.dashboards.scope import agencies_by_id, report_filter
from formplatform.dashboards.window import CAMPAIGN_FIELDS, PeriodColumn, period_columns, window_reports
from formplatform.errors import BadRequest
from formplatform.models import Form, by_ids, utcnow
from formplatform.permissions import Principal
from formplatform.reporting.compliance import RECEIVED, ROW_FIELDS, STATUSES, RateRow, report_status
from formplatform.reporting.models import Campaign, Report

FIELDS = (*ROW_FIELDS, "campaign_id", "period_start", "period_end")


@dataclass
class ComplianceBoard:
    template: Form | None
    campaign: Campaign | None
    campaigns: list[Campaign]  # the campaigns counted
    periods: list[PeriodColumn] = field(default_factory=list)
    cut: bool = False
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # period key -> status -> reports
    rates: list[RateRow] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.periods


def choices() -> tuple[list[Form], list[Campaign]]:
    """Templates that have reporting campaigns, and the campaigns, newest first (names only, no figures)."""
    campaigns = list(Campaign.objects.only("id", "name", "form_key", "status", "created_at").order_by("-created_at"))
    keys = list(dict.fromkeys(c.form_key for c in campaigns))
    forms = by_ids(Form.objects.only("id", "title", "kind"), keys)
    return [forms[k] for k in keys if k in forms], campaigns


def resolve(filters: Filters) -> tuple[Form | None, Campaign | None, list[Campaign]]:
    """The chosen campaign, or every campaign of the chosen template (default: the newest campaign's)."""
    if filters.campaign:
        campaign = Campaign.objects(id=filters.campaign).first()
        if campaign is None:
            raise BadRequest("unknown_campaign")
        return Form.objects(id=campaign.form_key).only("id", "title", "kind").first(), campaign, [campaign]
    key = filters.template
    if not key:
        newest = Campaign.objects.only("form_key").order_by("-created_at").first()
        if newest is None:
            return None, None, []
        key = newest.form_key
    form = Form.objects(id=key).only("id", "title", "kind", "latest_version").first()
    if form is None or not form.latest_version:
        raise BadRequest("unknown_template")
    return form, None, list(Campaign.objects(form_key=key).only(*CAMPAIGN_FIELDS))


def tally(row: RateRow, report: Report, now: datetime) -> None:
    """Count one report in an agency's row, by the rules of compliance.agency_rates."""
    row.cells[report.period_key] = report_status(report, now)
    received = report.on_time is not None
    if report.deadline < now or received or report.state in RECEIVED:
        row.due += 1
        row.completed += report.state in RECEIVED
    row.received += received
    row.on_time += report.on_time is True


def compliance_board(principal: Principal | None, filters: Filters, now: datetime | None = None) -> ComplianceBoard:
    """Counts by state per period and rates per agency, for the viewer's agencies only."""
    now = now or utcnow()
    form, campaign, campaigns = resolve(filters)
    board = ComplianceBoard(form, campaign, campaigns)
    if not campaigns:
        return board
    query: dict[str, Any] = report_filter(principal)
    if filters.agencies:  # already checked to lie in the scope
        query["agency_id"] = {"$in": filters.agencies}
    reports = window_reports(campaigns, filters, query, FIELDS)
    board.periods, board.cut = period_columns(reports)
    shown = {p.key for p in board.periods}
    reports = [r for r in reports if r.period_key in shown]
    board.counts = {p.key: dict.fromkeys(STATUSES, 0) for p in board.periods}
    agencies = agencies_by_id({r.agency_id for r in reports})
    rows: dict[str, RateRow] = {}
    for report in reports:
        board.counts[report.period_key][report_status(report, now)] += 1
        tally(rows.setdefault(report.agency_id, RateRow(agencies.get(report.agency_id))), report, now)
    board.rates = sorted(rows.values(), key=lambda r: (r.agency.code if r.agency else "", id(r)))
    return board
