"""Helpers for the campaign, compliance and notification tests (the city fixture, the published library)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any


def settings(city: Any, **changes: Any) -> Any:
    """Valid campaign settings: monthly cchc-report v1 for District 1 and District 3, due the 25th."""
    from formplatform.reporting.campaign_input import CampaignInput

    values: dict[str, Any] = {
        "name": {"vi": "Báo cáo CCHC hằng tháng", "en": "Monthly reform report"},
        "form_key": "cchc-report",
        "version": 1,
        "period_type": "month",
        "cutoff": "nd09",
        "deadline": {"type": "day_of_month", "day": 25},
        "agency_ids": [city.id("d1"), city.id("d3")],
        "agency_types": [],
        "starts_on": date(2026, 10, 20),
    }
    values.update(changes)
    return CampaignInput(**values)


def user(city: Any, username: str) -> Any:
    """A fresh copy of a city account (role grants read from the database)."""
    from formplatform.accounts.models import User

    return User.objects(username=username).first()


def new_campaign(city: Any, username: str = "thamdinh", **changes: Any) -> Any:
    from formplatform.reporting.campaigns import create_campaign

    return create_campaign(settings(city, **changes), user(city, username))


def report_in_state(
    campaign: Any,
    agency_id: str,
    state: str,
    deadline: datetime,
    *,
    period_key: str = "2026-M11",
    submitted_at: datetime | None = None,
    on_time: bool | None = None,
    accepted_at: datetime | None = None,
    step: int = 0,
) -> Any:
    """One report written directly, in any state (compliance does not care how it got there)."""
    from formplatform.models import Form
    from formplatform.reporting.models import Report

    form = Form.objects(id=campaign.form_key).first()
    report = Report(
        campaign_id=campaign.id,
        form_key=campaign.form_key,
        version=campaign.version,
        version_hash=form.version_hashes[str(campaign.version)],
        agency_id=agency_id,
        owner_agency_id=campaign.owner_agency_id,
        period_key=period_key,
        period_start=datetime(2026, 10, 15),
        period_end=datetime(2026, 11, 14),
        deadline=deadline,
        state=state,
        step=step,
        submitted_at=submitted_at,
        on_time=on_time,
        accepted_at=accepted_at,
    )
    report.save(force_insert=True)
    return report
