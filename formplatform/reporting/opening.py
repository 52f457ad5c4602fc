"""The engine that opens each period's reports of every active campaign.

`open_due_periods` runs lazily when the to-do list and the compliance pages load, and from
`python -m formplatform.reporting.tasks` (cron). It is idempotent through the unique index on
(campaign, period, agency): a report is inserted, and an existing one is left alone. A campaign
remembers the last period it opened (`opened_through`), so an up-to-date campaign costs no query
beyond the list of active campaigns.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from flask import current_app, has_app_context
from mongoengine.errors import NotUniqueError

from form_definitions.workflow import workflow_steps
from formplatform.agencies.models import Agency
from formplatform.audit.services import record_event
from formplatform.errors import NotFound
from formplatform.models import Form, utcnow
from formplatform.reporting.header import official_name, with_header
from formplatform.reporting.holidays import holiday_set, parse_extra
from formplatform.reporting.models import Campaign, Report, eq
from formplatform.reporting.notifications import notify_report
from formplatform.reporting.periods import (
    Period,
    deadline_for,
    deadline_moment,
    once_period,
    periods_between,
    vietnam_today,
)
from formplatform.services.forms import get_version

log = logging.getLogger(__name__)


def in_scope_filter(roots: list[str]) -> dict[str, Any]:
    """Raw filter for agencies inside the subtrees of `roots`."""
    return {"$or": [{"_id": {"$in": roots}}, {"ancestors": {"$in": roots}}]}


def midnight(day: date | None) -> datetime | None:
    """A calendar day as the naive datetime stored for it."""
    return datetime.combine(day, datetime.min.time()) if day else None


def assigned_agencies(campaign: Campaign) -> list[Agency]:
    """The active agencies that must report: the listed ones and every agency of the listed types, in scope."""
    wanted = [{"_id": {"$in": list(campaign.agency_ids)}}] if campaign.agency_ids else []
    if campaign.agency_types:
        wanted.append({"type": {"$in": list(campaign.agency_types)}})
    if not wanted:
        return []
    clauses: list[dict[str, Any]] = [{"active": True}, {"$or": wanted}]
    if campaign.scope_ids:
        clauses.append(in_scope_filter(list(campaign.scope_ids)))
    return sorted(Agency.objects(__raw__={"$and": clauses}), key=lambda a: a.code)


def due_periods(campaign: Campaign, today: date) -> list[Period]:
    """The campaign's periods that have started by `today` (and before its end date), oldest first."""
    start = campaign.starts_on.date()
    if start > today:
        return []
    if campaign.period_type == "once":
        return [once_period(start, (campaign.ends_on or campaign.starts_on).date())]
    last = today if campaign.ends_on is None else min(today, campaign.ends_on.date())
    periods = periods_between(start, last, campaign.period_type, campaign.cutoff)
    return periods if campaign.recurring else periods[:1]


def configured_holidays(years: range) -> frozenset[date]:
    """Vietnamese public holidays of those years plus the HOLIDAYS setting."""
    extra = current_app.config.get("HOLIDAYS", "") if has_app_context() else ""
    return holiday_set(years, parse_extra(extra)[0])


def period_deadline(campaign: Campaign | Any, period: Period) -> date:
    """The deadline day of one period under the campaign's rule and the holidays around it."""
    years = range(period.end.year, period.end.year + 2)
    return deadline_for(period, dict(campaign.deadline), configured_holidays(years))


def open_due_periods(now: datetime | None = None) -> int:
    """Open the reports of every started period of every active campaign; returns how many were created."""
    now = now or utcnow()
    created = 0
    for campaign in Campaign.objects(status="active"):
        try:
            created += open_campaign_periods(campaign, now)
        except NotFound:  # its pinned version vanished (a restore): the others still open
            log.warning("campaign %s: version %s of %s not found", campaign.id, campaign.version, campaign.form_key)
    return created


def open_campaign_periods(campaign: Campaign, now: datetime | None = None) -> int:
    """Open the campaign's started periods not opened yet (cheap when it is up to date)."""
    now = now or utcnow()
    periods = due_periods(campaign, vietnam_today(now))
    keys = [p.key for p in periods]
    if campaign.opened_through in keys:
        periods = periods[keys.index(campaign.opened_through) + 1 :]
    if not periods or campaign.status != "active":
        return 0
    form = Form.objects(id=campaign.form_key).only("id", "version_hashes").first()
    version = get_version(campaign.form_key, campaign.version, form=form) if form else None
    if version is None:
        raise NotFound()
    first_role = workflow_steps(version.definition)[0]["role"]
    agencies = assigned_agencies(campaign)
    created = sum(_open_period(campaign, p, agencies, version, first_role, now) for p in periods)
    Campaign.objects(id=campaign.id).update_one(set__opened_through=periods[-1].key)
    campaign.opened_through = periods[-1].key
    return created


def _open_period(
    campaign: Campaign, period: Period, agencies: list[Agency], version: Any, first_role: str, now: datetime
) -> int:
    """Insert the missing reports of one period; tell the drafters of a period still open to submit.

    Each report starts with its header (agency, period, deadline) filled from the campaign.
    """
    deadline = deadline_moment(period_deadline(campaign, period))
    existing = set(Report.objects(__raw__=eq(campaign_id=campaign.id, period_key=period.key)).scalar("agency_id"))
    created = 0
    for agency in agencies:
        if agency.id in existing:
            continue
        report = Report(
            campaign_id=campaign.id,
            form_key=campaign.form_key,
            version=campaign.version,
            version_hash=version.hash,
            agency_id=agency.id,
            owner_agency_id=campaign.owner_agency_id,
            period_key=period.key,
            period_start=midnight(period.start),
            period_end=midnight(period.end),
            deadline=deadline,
        )
        report.data = with_header(version.definition, {}, report, official_name(agency))
        try:
            report.save(force_insert=True)
        except NotUniqueError:  # opened at the same moment by another request
            continue
        created += 1
        if deadline >= now:
            notify_report(report, "due", (first_role,))
    if created:
        record_event(
            "campaign.period_open",
            target_type="campaign",
            target_id=campaign.id,
            agency_id=campaign.owner_agency_id,
            details={"period": period.key, "reports": created, "deadline": deadline.isoformat()},
            actor_name="system",
        )
    return created
