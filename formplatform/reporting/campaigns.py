"""Reporting campaigns: open, change and close them (who reports what, when, by which deadline).

The engine that opens each period's reports lives in formplatform.reporting.opening; its entry
points are re-exported here (`open_due_periods`, `assigned_agencies`), where other parts import them.
"""

from __future__ import annotations

from typing import Any

from form_definitions.problems import Problem
from formplatform.accounts.models import User
from formplatform.agencies.models import Agency
from formplatform.audit.services import record_event
from formplatform.errors import Conflict, Invalid, NotFound
from formplatform.models import utcnow
from formplatform.permissions import Principal, allows, grant_roots, require
from formplatform.reporting.campaign_input import CampaignInput, check_campaign
from formplatform.reporting.models import Campaign, Report, eq
from formplatform.reporting.opening import (
    assigned_agencies,
    due_periods,
    in_scope_filter,
    midnight,
    open_campaign_periods,
    open_due_periods,
    period_deadline,
)
from formplatform.reporting.periods import vietnam_today

__all__ = [
    "assigned_agencies",
    "close_campaign",
    "create_campaign",
    "get_campaign",
    "managed_campaign",
    "open_campaign_periods",
    "open_due_periods",
    "period_deadline",
    "update_campaign",
]
MANAGE = "campaigns.manage"
LOCKED_ONCE_OPENED = ("form_key", "version", "period_type", "cutoff", "starts_on")


def get_campaign(campaign_id: str) -> Campaign:
    """A campaign by id; 404 when there is none."""
    campaign = Campaign.objects(id=campaign_id).first()
    if campaign is None:
        raise NotFound()
    return campaign


def managed_campaign(principal: Principal | None, campaign_id: str) -> Campaign:
    """A campaign the caller may manage; 404 when it does not exist or lies outside their scope."""
    campaign = get_campaign(campaign_id)
    require(principal, MANAGE, campaign.owner_agency_id, hide=True)
    return campaign


def default_owner(actor: Principal | None) -> str:
    """The caller's home agency when they manage campaigns there, else the first agency they manage."""
    home = getattr(actor, "agency_id", None)
    if home and allows(actor, MANAGE, home):
        return home
    roots = sorted(grant_roots(actor, MANAGE))
    if not roots:
        require(actor, MANAGE)
    return roots[0]


def _check_agency_scope(ids: list[str], roots: set[str]) -> None:
    """Every listed agency exists inside the caller's subtrees; 404 otherwise (reveals nothing)."""
    wanted = sorted(set(ids))
    if not wanted:
        return
    query = {"$and": [{"_id": {"$in": wanted}}, in_scope_filter(sorted(roots))]}
    if Agency.objects(__raw__=query).count() != len(wanted):
        raise NotFound()


def _values(data: CampaignInput) -> dict[str, Any]:
    """The settings as stored on the document."""
    return {
        "name": {"vi": data.name["vi"].strip(), "en": data.name["en"].strip()},
        "form_key": data.form_key,
        "version": data.version,
        "period_type": data.period_type,
        "cutoff": data.cutoff,
        "deadline": dict(data.deadline),
        "agency_ids": sorted(set(data.agency_ids)),
        "agency_types": sorted(set(data.agency_types)),
        "recurring": bool(data.recurring) and data.period_type != "once",
        "starts_on": midnight(data.starts_on),
        "ends_on": midnight(data.ends_on),
    }


def _snapshot(campaign: Campaign) -> dict[str, Any]:
    fields = ("name", "form_key", "version", "period_type", "cutoff", "deadline", "agency_ids", "agency_types")
    values = {name: getattr(campaign, name) for name in fields}
    values.update(starts_on=str(campaign.starts_on or ""), ends_on=str(campaign.ends_on or ""))
    return values


def create_campaign(data: CampaignInput, actor: User) -> Campaign:
    """Open a reporting campaign after checking its settings and that every agency is in the actor's scope."""
    owner = data.owner_agency_id or default_owner(actor)
    require(actor, MANAGE, owner, hide=True)
    roots = grant_roots(actor, MANAGE)
    if isinstance(data.agency_ids, list) and all(isinstance(i, str) for i in data.agency_ids):
        _check_agency_scope(data.agency_ids, roots)
    problems = check_campaign(data)
    if problems:
        raise Invalid(problems, "invalid_campaign")
    campaign = Campaign(**_values(data), owner_agency_id=owner, scope_ids=sorted(roots), created_by=actor.id)
    campaign.save(force_insert=True)
    record_event(
        "campaign.create",
        actor=actor,
        target_type="campaign",
        target_id=campaign.id,
        agency_id=owner,
        after=_snapshot(campaign),
    )
    return campaign


def has_opened(campaign: Campaign) -> bool:
    """Whether any report of the campaign exists (its form, periods and start are then fixed)."""
    return Report.objects(__raw__=eq(campaign_id=campaign.id)).only("id").first() is not None


def _locked_changes(campaign: Campaign, values: dict[str, Any]) -> list[Problem]:
    if not has_opened(campaign):
        return []
    return [Problem(name, "campaign_locked") for name in LOCKED_ONCE_OPENED if values[name] != campaign[name]]


def _kept_outside_scope(campaign: Campaign, roots: set[str]) -> list[str]:
    """Assigned agencies the editor cannot see: their page shows them no box to untick, so they stay."""
    if not campaign.agency_ids:
        return []
    query = {"$and": [{"_id": {"$in": list(campaign.agency_ids)}}, in_scope_filter(sorted(roots))]}
    visible = {a.id for a in Agency.objects(__raw__=query).only("id")}
    return [i for i in campaign.agency_ids if i not in visible]


def update_campaign(campaign: Campaign, data: CampaignInput, actor: User) -> Campaign:
    """Change a campaign; its form, period type, cut-off and start stay fixed once reports exist."""
    require(actor, MANAGE, campaign.owner_agency_id, hide=True)
    if campaign.status != "active":
        raise Conflict("campaign_closed")
    owner = data.owner_agency_id or campaign.owner_agency_id
    require(actor, MANAGE, owner, hide=True)
    roots = grant_roots(actor, MANAGE)
    if isinstance(data.agency_ids, list) and all(isinstance(i, str) for i in data.agency_ids):
        _check_agency_scope([i for i in data.agency_ids if i not in campaign.agency_ids], roots)
        data.agency_ids = [*data.agency_ids, *_kept_outside_scope(campaign, roots)]
    problems = check_campaign(data)
    values = _values(data)
    problems += _locked_changes(campaign, values)
    if problems:
        raise Invalid(problems, "invalid_campaign")
    before = _snapshot(campaign)
    assignment_changed = (values["agency_ids"], values["agency_types"]) != (
        sorted(campaign.agency_ids),
        sorted(campaign.agency_types),
    )
    for name, value in values.items():
        campaign[name] = value
    campaign.owner_agency_id = owner
    campaign.scope_ids = sorted(set(campaign.scope_ids or []) | roots)
    campaign.save()
    if assignment_changed:
        _reopen_current_period(campaign)
    record_event(
        "campaign.update",
        actor=actor,
        target_type="campaign",
        target_id=campaign.id,
        agency_id=owner,
        before=before,
        after=_snapshot(campaign),
    )
    return campaign


def _reopen_current_period(campaign: Campaign) -> None:
    """Step `opened_through` back one period, so that newly assigned agencies get the current period.

    Conditional on the marker read from the database (a page may have opened a period meanwhile);
    when the current period has not opened yet, nothing changes: it will open with everyone.
    """
    current = Campaign.objects(id=campaign.id).scalar("opened_through").first()
    due = due_periods(campaign, vietnam_today(utcnow()))
    if not due or current != due[-1].key:
        return
    marker = due[-2].key if len(due) > 1 else None
    Campaign.objects(id=campaign.id, opened_through=current).update_one(set__opened_through=marker)
    campaign.opened_through = marker


def close_campaign(campaign: Campaign, actor: User) -> Campaign:
    """Close a campaign: no further period opens; its reports stay and can still be worked on."""
    require(actor, MANAGE, campaign.owner_agency_id, hide=True)
    if not Campaign.objects(id=campaign.id, status="active").update(set__status="closed"):
        raise Conflict("campaign_closed")
    campaign.status = "closed"
    record_event(
        "campaign.close",
        actor=actor,
        target_type="campaign",
        target_id=campaign.id,
        agency_id=campaign.owner_agency_id,
        before={"status": "active"},
        after={"status": "closed"},
    )
    return campaign
