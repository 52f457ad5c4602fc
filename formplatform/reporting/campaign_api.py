"""REST API v1: campaigns, their compliance per period (for the city data platform), and notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import jsonify, request
from pydantic import BaseModel, Field

from formplatform.api import json_body
from formplatform.apispec import AUTH, Open, Page, Paging, api, ok, paging
from formplatform.auth import current_principal, current_user, require_login, require_permission
from formplatform.errors import BadRequest, Forbidden, NotFound, Unauthorized
from formplatform.models import utcnow
from formplatform.paging import page_body
from formplatform.permissions import allows_somewhere
from formplatform.reporting import api_bp
from formplatform.reporting.campaign_input import CampaignInput
from formplatform.reporting.campaigns import MANAGE, create_campaign, get_campaign, open_campaign_periods
from formplatform.reporting.compliance import (
    READ,
    agency_rates,
    choose_periods,
    compliance_rows,
    list_campaigns,
    opened_periods,
    status_counts,
    viewed_campaign,
)
from formplatform.reporting.models import Campaign, Notification
from formplatform.reporting.notifications import list_notifications, notification_text, report_url
from formplatform.reporting.periods import period_label
from i18n.babel import current_locale


class ListCampaignsQuery(Paging):
    q: str | None = None
    status: str | None = Field(None, max_length=64, description="One of: active, closed.")


class CreateCampaignBody(Open):
    """A campaign: the service checks every member and names each problem (422, path = member)."""

    name: Any = Field(None, description="Required: {vi, en}.")
    form_key: Any = Field(None, description="Required: the form's key.")
    version: Any = Field(None, description="Required: a published version of the form (a whole number from 1).")
    period_type: Any = Field(None, description="Required: one of month, quarter, half, nine_months, year, once.")
    cutoff: Any = Field(
        "nd09",
        description="One of nd09 (periods run from the 15th to the 14th, Decree 09/2019), calendar (natural periods).",
    )
    deadline: Any = Field(
        None,
        description=(
            "day_of_month: the first `day` (1–31, clamped to the month's end) on or after the period's last "
            "day; working_days: `days` (1–60) Monday–Friday without public holidays after it; days: `days` "
            "(0–366) calendar days after it; date: a fixed `date` (one-off campaigns only)."
        ),
    )
    agency_ids: list[str] | None = None
    agency_types: list[Any] | None = None
    owner_agency_id: Any = Field(None, description="The reviewing agency; default the caller's.")
    recurring: Any = Field(True)
    starts_on: Any = Field(None, description="Required: the first period contains this day (YYYY-MM-DD).")
    ends_on: Any = Field(None, description="No period opens after it; required for once.")


class CampaignComplianceQuery(BaseModel):
    period: str | None = Field(
        None, max_length=64, description="A period key, any opened one (404 otherwise). Default: the latest."
    )
    periods: int | None = Field(None, ge=1, le=24)


class NotificationsQuery(Paging):
    unread: str | None = Field(None, max_length=64, description="One of: 0, 1.")


MAX_RATE_PERIODS = 24


def _time(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if isinstance(value, datetime) else None


def _day(value: datetime | None) -> str | None:
    return value.date().isoformat() if isinstance(value, datetime) else None


def campaign_record(campaign: Campaign) -> dict[str, Any]:
    """What the API tells about a campaign."""
    return {
        "id": campaign.id,
        "name": dict(campaign.name),
        "form_key": campaign.form_key,
        "version": campaign.version,
        "period_type": campaign.period_type,
        "cutoff": campaign.cutoff,
        "deadline": dict(campaign.deadline),
        "agency_ids": list(campaign.agency_ids),
        "agency_types": list(campaign.agency_types),
        "owner_agency_id": campaign.owner_agency_id,
        "recurring": campaign.recurring,
        "starts_on": _day(campaign.starts_on),
        "ends_on": _day(campaign.ends_on),
        "status": campaign.status,
        "opened_through": campaign.opened_through,
        "created_at": _time(campaign.created_at),
    }


def _followed(campaign_id: str) -> Campaign:
    principal = current_principal()
    if principal is None:
        raise Unauthorized()
    return viewed_campaign(principal, get_campaign(campaign_id))


@api_bp.get("/campaigns")
@api.validate(query=ListCampaignsQuery, resp=ok(Page), tags=["campaigns"], security=AUTH)
def api_list_campaigns() -> Any:
    """Campaigns the caller manages or follows, newest first (paged, never counted)"""
    principal = current_principal()
    if principal is None:
        raise Unauthorized()
    if not (allows_somewhere(principal, MANAGE) or allows_somewhere(principal, READ)):
        raise Forbidden()
    page, per_page = paging()
    filters = {name: (request.args.get(name) or "").strip() for name in ("q", "status")}
    found = list_campaigns(principal, page=page, per_page=per_page, **filters)
    return jsonify(page_body(found, [campaign_record(c) for c in found.items]))


@api_bp.post("/campaigns")
@require_permission(MANAGE)
@api.validate(json=CreateCampaignBody, resp=ok(Open, 201), tags=["campaigns"], security=AUTH)
def api_create_campaign() -> Any:
    """Open a reporting campaign (agencies must lie in the caller's scope: 404 otherwise)"""
    user = current_user()
    if user is None:
        raise Forbidden()
    body = json_body()  # an object: the declaration checked it
    campaign = create_campaign(CampaignInput.from_json(body), user)
    return jsonify(campaign_record(campaign)), 201


@api_bp.get("/campaigns/<campaign_id>")
@api.validate(resp=ok(Open), tags=["campaigns"], security=AUTH)
def api_read_campaign(campaign_id: str) -> Any:
    """A campaign and the keys of its newest 12 opened periods"""
    campaign = _followed(campaign_id)
    return jsonify({**campaign_record(campaign), "periods": opened_periods(campaign)})


def _rate_count() -> int:
    try:
        count = int(request.args.get("periods", 6))
    except ValueError as error:
        raise BadRequest("bad_page") from error
    return min(max(count, 1), MAX_RATE_PERIODS)


@api_bp.get("/campaigns/<campaign_id>/compliance")
@api.validate(query=CampaignComplianceQuery, resp=ok(Open), tags=["campaigns"], security=AUTH)
def api_campaign_compliance(campaign_id: str) -> Any:
    """Compliance of one period: every assigned agency in the caller's scope with its state (overdue derived),
    timeliness (on_time, due_soon, overdue, late), counts, and completion / on-time rates over the `periods` periods
    up to it. `periods` lists the newest 12 opened periods and those up to the chosen one
    """
    principal = current_principal()
    campaign = _followed(campaign_id)
    open_campaign_periods(campaign)
    now = utcnow()
    choice = choose_periods(campaign, request.args.get("period") or "", _rate_count())
    if choice.unknown:
        raise NotFound()
    period, rate_keys = choice.period, choice.rate_keys
    rows = compliance_rows(principal, campaign, period, now) if period else []
    rates = agency_rates(principal, campaign, rate_keys, now)
    return jsonify(
        {
            "campaign": campaign_record(campaign),
            "periods": choice.keys,
            "period": _period_record(campaign, period, rows),
            "counts": status_counts(rows),
            "items": [_row_record(row) for row in rows],
            "rates": {"periods": rate_keys, "items": [_rate_record(r) for r in rates]},
        }
    )


def _period_record(campaign: Campaign, key: str, rows: list[Any]) -> dict[str, Any] | None:
    if not key:
        return None
    report = rows[0].report if rows else None
    start = campaign.starts_on.date() if campaign.starts_on else None
    end = campaign.ends_on.date() if campaign.ends_on else None
    return {
        "key": key,
        "label": {lang: period_label(key, lang, start, end) for lang in ("vi", "en")},
        "deadline": _time(report.deadline) if report else None,
    }


def _row_record(row: Any) -> dict[str, Any]:
    report = row.report
    return {
        "agency_id": report.agency_id,
        "agency_code": row.agency.code if row.agency else None,
        "agency_name": dict(row.agency.name) if row.agency else None,
        "report_id": report.id,
        "report_url": report_url(report.id),
        "state": report.state,
        "status": row.status,
        "timeliness": row.timeliness,
        "deadline": _time(report.deadline),
        "submitted_at": _time(report.submitted_at),
        "accepted_at": _time(report.accepted_at),
        "on_time": report.on_time,
    }


def _rate_record(row: Any) -> dict[str, Any]:
    return {
        "agency_id": row.agency.id if row.agency else None,
        "agency_code": row.agency.code if row.agency else None,
        "agency_name": dict(row.agency.name) if row.agency else None,
        "statuses": row.cells,
        "due": row.due,
        "completed": row.completed,
        "received": row.received,
        "on_time": row.on_time,
        "completion_rate": row.completion_rate,
        "on_time_rate": row.on_time_rate,
    }


def notification_record(notification: Notification, locale: str) -> dict[str, Any]:
    title, sentence = notification_text(notification, locale)
    return {
        "id": notification.id,
        "kind": notification.kind,
        "title": title,
        "message": sentence,
        "report_id": notification.report_id,
        "params": dict(notification.params or {}),
        "read": notification.read,
        "created_at": _time(notification.created_at),
    }


@api_bp.get("/notifications")
@require_login
@api.validate(query=NotificationsQuery, resp=ok(Page), tags=["notifications"], security=AUTH)
def api_notifications() -> Any:
    """The caller's notifications, newest first (paged, never counted)"""
    user = current_user()
    page, per_page = paging()
    unread_only = request.args.get("unread") in ("1", "true")
    found = list_notifications(user, unread_only=unread_only, page=page, per_page=per_page)
    locale = current_locale()
    return jsonify(page_body(found, [notification_record(n, locale) for n in found.items]))
