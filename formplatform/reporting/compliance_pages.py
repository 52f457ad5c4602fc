"""The compliance view of a campaign: every assigned agency's state in a period, and rates over periods."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from formplatform.auth import current_principal
from formplatform.errors import Unauthorized
from formplatform.models import Form, utcnow
from formplatform.paging import Page, page_number
from formplatform.permissions import allows
from formplatform.reporting import bp
from formplatform.reporting.campaigns import MANAGE, get_campaign, open_campaign_periods
from formplatform.reporting.compliance import (
    STATUSES,
    TIMELINESS,
    agency_rates,
    choose_periods,
    compliance_rows,
    status_counts,
    viewed_campaign,
)
from formplatform.reporting.models import Campaign
from formplatform.reporting.periods import period_label
from i18n.babel import current_locale

ROWS_PER_PAGE = 100
RATE_PERIODS = 6
MAX_RATE_PERIODS = 24


def key_label(campaign: Campaign, key: str) -> str:
    """A period key of this campaign in words (a one-off period with its dates)."""
    start = campaign.starts_on.date() if campaign.starts_on else None
    end = campaign.ends_on.date() if campaign.ends_on else None
    return period_label(key, current_locale(), start, end)


def bar_class(rate: float | None) -> str:
    """A CSS width class in steps of 5% (no inline styles under the content security policy)."""
    return "fpc-w-0" if rate is None else f"fpc-w-{round(rate * 20) * 5}"


def _rate_periods() -> int:
    count = request.args.get("n", RATE_PERIODS, type=int) or RATE_PERIODS
    return min(max(count, 1), MAX_RATE_PERIODS)


@bp.get("/admin/campaigns/<campaign_id>")
def campaign(campaign_id: str) -> Any:
    principal = current_principal()
    if principal is None:
        raise Unauthorized()
    found = viewed_campaign(principal, get_campaign(campaign_id))
    open_campaign_periods(found)  # lazily: a recurring campaign opens its new period when looked at
    now = utcnow()
    choice = choose_periods(found, request.args.get("period", ""), _rate_periods())
    period = choice.period
    rows = compliance_rows(principal, found, period, now) if period else []
    counts = status_counts(rows)
    state = request.args.get("state", "")
    state = state if state in STATUSES or state in TIMELINESS else ""
    shown = [r for r in rows if not state or state in (r.status, r.timeliness)]
    number = page_number(request.args.get("page"))
    start = (number - 1) * ROWS_PER_PAGE  # a period's rows are read whole for its counts: page them here
    page = Page(shown[start : start + ROWS_PER_PAGE], number, ROWS_PER_PAGE, len(shown) > start + ROWS_PER_PAGE)
    form = Form.objects(id=found.form_key).only("id", "title").first()
    return render_template(
        "reporting/compliance.html",
        campaign=found,
        form=form,
        keys=choice.keys,
        earlier=choice.earlier,
        period=period,
        key_label=lambda key: key_label(found, key),
        rows=page.items,
        page=page,
        counts=counts,
        deadline=rows[0].report.deadline if rows else None,
        state=state,
        statuses=STATUSES,
        timeliness_classes=TIMELINESS,
        rate_keys=choice.rate_keys,
        rates=agency_rates(principal, found, choice.rate_keys, now),
        rate_count=_rate_periods(),
        bar_class=bar_class,
        can_manage=allows(principal, MANAGE, found.owner_agency_id),
    )
