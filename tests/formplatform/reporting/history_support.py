"""Years of reporting history for the cost tests: a monthly campaign open for a decade, reports written in
bulk period by period (older ones accepted, the last two still open), and a reviewer's notices."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

AGENCIES = ("d1", "d1_ward", "d3", "d3_ward", "justice")
YEARS = 10


def decade_campaign(city: Any, form_key: str, version: int) -> Any:
    """A monthly campaign of every AGENCIES agency that started YEARS ago and has opened every period since."""
    from formplatform.models import utcnow
    from formplatform.reporting.models import Campaign
    from formplatform.reporting.opening import due_periods
    from formplatform.reporting.periods import vietnam_today

    now = utcnow()
    campaign = Campaign(
        name={"vi": f"Báo cáo {form_key} hằng tháng", "en": f"Monthly {form_key}"},
        form_key=form_key,
        version=version,
        period_type="month",
        deadline={"type": "day_of_month", "day": 25},
        agency_ids=[city.id(a) for a in AGENCIES],
        owner_agency_id=city.id("home_affairs"),
        starts_on=datetime(now.year - YEARS - 1, now.month, 1),
    )
    campaign.opened_through = due_periods(campaign, vietnam_today(now))[-1].key  # nothing opens lazily
    campaign.save()
    return campaign


def months_back(first: int, last: int) -> list[Any]:
    """The monthly periods `first`..`last` months before the current one (0 = the current one)."""
    from formplatform.models import utcnow
    from formplatform.reporting.periods import period_containing, previous_period, vietnam_today

    period = period_containing(vietnam_today(utcnow()), "month")
    found = []
    for back in range(last + 1):
        if back >= first:
            found.append(period)
        period = previous_period(period)
    return found


def add_reports(
    campaign: Any, city: Any, periods: list[Any], data: dict[str, Any] | None = None, old_state: str = "accepted"
) -> int:
    """Every agency's report of each period, inserted in one batch with the steps and revision a received
    report leaves behind; the last two periods still open, older ones in `old_state` (left open: "draft")."""
    from formplatform.models import Form, utcnow
    from formplatform.reporting.models import Report
    from formplatform.reporting.opening import midnight
    from formplatform.reporting.periods import deadline_for, deadline_moment

    now = utcnow()
    version_hash = Form.objects(id=campaign.form_key).first().version_hashes[str(campaign.version)]
    documents = []
    for period in periods:
        deadline = deadline_moment(deadline_for(period, dict(campaign.deadline)))
        recent = deadline > now - timedelta(days=40)
        for n, short in enumerate(AGENCIES):
            state = ("not_started", "draft", "in_approval", "submitted", "returned")[n] if recent else old_state
            received = state in ("submitted", "accepted")
            report = Report(
                campaign_id=campaign.id,
                form_key=campaign.form_key,
                version=campaign.version,
                version_hash=version_hash,
                agency_id=city.id(short),
                owner_agency_id=campaign.owner_agency_id,
                period_key=period.key,
                period_start=midnight(period.start),
                period_end=midnight(period.end),
                deadline=deadline,
                state=state,
                data=data or {},
                submitted_at=deadline - timedelta(days=n) if received else None,
                on_time=True if received else None,
            )
            documents.append(report.to_mongo().to_dict())
    Report._get_collection().insert_many(documents)
    add_steps([d for d in documents if d.get("submitted_at")])
    return len(documents)


def add_steps(reports: list[dict[str, Any]]) -> None:
    """The submit and accept steps and the frozen revision of received reports (as stored documents)."""
    from formplatform.reporting.models import ReportRevision, ReportStep

    steps, revisions = [], []
    for report in reports:
        at, accepted = report["submitted_at"], report["state"] == "accepted"
        for action, to_state in (("submit", "submitted"), ("accept", "accepted"))[: 2 if accepted else 1]:
            step = ReportStep(report_id=report["_id"], action=action, step=0, to_state=to_state, created_at=at)
            steps.append(step.to_mongo().to_dict())
        revision = ReportRevision(report_id=report["_id"], number=1, reason="submitted", created_at=at)
        revisions.append(revision.to_mongo().to_dict())
    if steps:
        ReportStep._get_collection().insert_many(steps)
        ReportRevision._get_collection().insert_many(revisions)


def add_notices(user_id: str, first: datetime, count: int, unread_every: int = 2) -> None:
    """`count` notices for a user, one an hour from `first`; every `unread_every`-th one unread."""
    from formplatform.reporting.models import Notification

    params = {"form": {"vi": "Báo cáo", "en": "Report"}, "period": {"vi": "Tháng 1", "en": "January"}}
    documents = [
        Notification(
            user_id=user_id,
            kind="submitted",
            params=params,
            read=n % unread_every != 0,
            created_at=first + timedelta(hours=n),
        )
        .to_mongo()
        .to_dict()
        for n in range(count)
    ]
    Notification._get_collection().insert_many(documents)


def request_cost(client: Any, mongo_uri: str, path: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """What one GET sends and receives, after a first GET that warms the process caches (published versions)."""
    from formplatform.reporting.models import Notification, Report, ReportRevision, ReportStep
    from tests.querycount import counting, skip_without_events, unindexed_reads

    skip_without_events()
    assert client.get(path, headers=headers or {}).status_code == 200, path
    with counting(mongo_uri) as log:
        response = client.get(path, headers=headers or {})
    assert response.status_code == 200, path
    summary = log.summary()
    return {
        "commands": summary["commands"],
        "documents": summary["documents"],
        "by_command": summary["by_command"],
        "unindexed": unindexed_reads(log, Report, Notification, ReportStep, ReportRevision),
        "log": log,
        "html": response.get_data(as_text=True),
    }
