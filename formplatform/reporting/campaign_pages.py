"""Campaign pages: the list, opening and changing a campaign (with a preview of its periods), closing it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from formplatform.accounts.queries import agency_choices
from formplatform.agencies.models import Agency
from formplatform.agencies.services import agency_tree
from formplatform.auth import current_principal, current_user, require_permission
from formplatform.errors import Conflict, Forbidden, Invalid, Unauthorized, localize_problems
from formplatform.models import Form, by_ids, utcnow
from formplatform.paging import page_number
from formplatform.permissions import allows_somewhere, grant_roots
from formplatform.reporting import bp, campaign_words
from formplatform.reporting.campaign_input import ASSIGNABLE_TYPES, CampaignInput, check_campaign
from formplatform.reporting.campaigns import (
    MANAGE,
    assigned_agencies,
    close_campaign,
    create_campaign,
    has_opened,
    managed_campaign,
    open_due_periods,
    period_deadline,
    update_campaign,
)
from formplatform.reporting.compliance import list_campaigns
from formplatform.reporting.models import Campaign
from formplatform.reporting.notifications import report_url, vietnam_date_text, vietnam_datetime_text
from formplatform.reporting.periods import (
    PERIOD_TYPES,
    Period,
    next_period,
    once_period,
    period_containing,
    periods_between,
    vietnam_today,
)
from formplatform.services.forms import list_forms

PAGE_SIZE = 20
PREVIEW_COUNT = 3
PERIOD_FIELDS = ("period_type", "cutoff", "deadline", "starts_on", "ends_on")


@bp.context_processor
def campaign_helpers() -> dict[str, Any]:
    """Words shared by the campaign and compliance templates."""
    return {
        "words": campaign_words,
        "report_url": report_url,
        "period_types": PERIOD_TYPES,
        "vn_date": vietnam_date_text,
        "vn_datetime": vietnam_datetime_text,
    }


@dataclass
class PreviewRow:
    """A period the campaign will open, with its deadline."""

    period: Period
    deadline: date
    opens_on: date  # the later of the period's start and the campaign's

    def open_now(self, today: date) -> bool:
        return self.opens_on <= today


def preview_periods(data: CampaignInput, today: date) -> tuple[list[PreviewRow], int]:
    """The current (or first) period and the ones after it, up to three; and how many open at once."""
    values = SimpleNamespace(deadline=data.deadline)
    start, end = data.starts_on, data.ends_on
    if data.period_type == "once":
        period = once_period(start, end)
        return [PreviewRow(period, period_deadline(values, period), start)], int(start <= today)
    last = today if end is None else min(today, end)
    started = periods_between(start, last, data.period_type, data.cutoff) if start <= today else []
    if not data.recurring:
        started = started[:1]
    periods = [started[-1] if started else period_containing(start, data.period_type, data.cutoff)]
    while data.recurring and len(periods) < PREVIEW_COUNT:
        following = next_period(periods[-1], data.cutoff)
        if end is not None and following.start > end:
            break
        periods.append(following)
    rows = [PreviewRow(p, period_deadline(values, p), max(p.start, start)) for p in periods]
    return rows, len(started)


def _form_choices() -> list[dict[str, Any]]:
    """Forms with published versions, each with its version numbers (newest first)."""
    return [
        {"form": form, "versions": sorted((int(n) for n in (form.version_hashes or {})), reverse=True)}
        for form in list_forms()
    ]


def _errors(problems: list[Any]) -> dict[str, str]:
    """Message by page field: "name.vi" -> name_vi, form and version -> form_version, deadline.* -> deadline."""
    errors: dict[str, str] = {}
    for problem in localize_problems(problems):
        path = problem["path"]
        name = "form_version" if path in ("form_key", "version") else path.replace(".", "_")
        if path.startswith("deadline."):
            name = "deadline"
        elif path.startswith("agency_"):
            name = "agencies"
        errors.setdefault(name, problem["message"])
    return errors


def _page(data: CampaignInput, campaign: Campaign | None, errors: dict[str, str], preview: bool = False) -> str:
    principal = current_principal()
    roots = grant_roots(principal, MANAGE)
    rows = [row for row in agency_tree(roots) if row.agency.active]
    problems = [p for p in check_campaign(data) if p.path.split(".")[0] in PERIOD_FIELDS]
    periods, opening = ([], 0)
    if not problems:
        periods, opening = preview_periods(data, vietnam_today(utcnow()))
    reporting = 0
    if preview and isinstance(data.agency_ids, list):
        probe = Campaign(agency_ids=data.agency_ids, agency_types=data.agency_types, scope_ids=sorted(roots))
        reporting = len(assigned_agencies(probe))
    return render_template(
        "reporting/campaign_edit.html",
        data=data,
        campaign=campaign,
        errors=errors,
        forms=_form_choices(),
        owners=agency_choices(principal, MANAGE),
        tree=rows,
        assignable_types=ASSIGNABLE_TYPES,
        locked=campaign is not None and has_opened(campaign),
        preview=preview,
        preview_rows=periods,
        opening=opening,
        today=vietnam_today(utcnow()),
        reporting=reporting,
    )


def _save(campaign: Campaign | None) -> Any:
    data = CampaignInput.from_form(request.form)
    if request.form.get("action") == "preview":
        return _page(data, campaign, {}, preview=True)
    user = current_user()
    if user is None:
        raise Forbidden()
    try:
        saved = create_campaign(data, user) if campaign is None else update_campaign(campaign, data, user)
    except Invalid as error:
        return _page(data, campaign, _errors(error.problems)), 422
    done = gettext("The campaign was saved.") if campaign else gettext("The campaign was opened.")
    flash(done, "success")
    return redirect(url_for("reporting.campaign", campaign_id=saved.id))


@bp.get("/admin/campaigns")
def campaigns() -> Any:
    principal = current_principal()
    if principal is None:
        raise Unauthorized()
    if not (allows_somewhere(principal, MANAGE) or allows_somewhere(principal, "compliance.read")):
        raise Forbidden()
    open_due_periods()  # recurring campaigns open their new periods by themselves, lazily
    filters = {name: (request.args.get(name) or "").strip() for name in ("q", "status")}
    page = list_campaigns(principal, page=page_number(request.args.get("page")), per_page=PAGE_SIZE, **filters)
    items = page.items
    forms = by_ids(Form.objects.only("id", "title"), (c.form_key for c in items))
    owners = by_ids(Agency.objects.only("id", "name"), (c.owner_agency_id for c in items))
    return render_template(
        "reporting/campaigns.html",
        items=items,
        page=page,
        filters=filters,
        query={k: v for k, v in filters.items() if v},
        forms=forms,
        owners=owners,
        can_manage=allows_somewhere(principal, MANAGE),
    )


@bp.route("/admin/campaigns/new", methods=["GET", "POST"])
@require_permission(MANAGE)
def new_campaign() -> Any:
    if request.method == "POST":
        return _save(None)
    data = CampaignInput(starts_on=vietnam_today(utcnow()))
    choices = _form_choices()
    wanted = request.args.get("form", "")
    chosen = next((c for c in choices if c["form"].id == wanted), None)
    if chosen:
        data.form_key, data.version = wanted, chosen["versions"][0]
    return _page(data, None, {})


@bp.route("/admin/campaigns/<campaign_id>/edit", methods=["GET", "POST"])
@require_permission(MANAGE)
def edit_campaign(campaign_id: str) -> Any:
    campaign = managed_campaign(current_principal(), campaign_id)
    if campaign.status != "active":
        raise Conflict("campaign_closed")
    if request.method == "POST":
        return _save(campaign)
    return _page(CampaignInput.from_campaign(campaign), campaign, {})


@bp.route("/admin/campaigns/<campaign_id>/close", methods=["GET", "POST"])
@require_permission(MANAGE)
def close_campaign_page(campaign_id: str) -> Any:
    """A confirmation page saying what closing does; the POST from it closes."""
    campaign = managed_campaign(current_principal(), campaign_id)
    if request.method == "POST":
        user = current_user()
        if user is None:
            raise Forbidden()
        close_campaign(campaign, user)
        flash(gettext("The campaign was closed. No further period will open."), "success")
        return redirect(url_for("reporting.campaign", campaign_id=campaign.id))
    return render_template("reporting/campaign_close.html", campaign=campaign)
