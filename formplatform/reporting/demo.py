"""Demo reporting campaigns for the demo city, so the to-do lists and compliance views have content."""

from __future__ import annotations

from datetime import date

from formplatform.accounts.models import User
from formplatform.agencies.models import Agency
from formplatform.models import Form
from formplatform.reporting.campaign_input import CampaignInput
from formplatform.reporting.campaigns import create_campaign, open_due_periods
from formplatform.reporting.models import Campaign
from formplatform.services import forms

DISTRICT_CODES = ("000.00.31.H29", "000.00.33.H29", "000.00.30.H29")  # Quận 1, Quận 3, TP Thủ Đức


def demo_campaigns(today: date) -> list[CampaignInput]:
    """A quarterly administrative-reform report (QĐ 1439, signed) and the monthly KPI sheet (QĐ 62/2024)."""
    agencies = [a.id for a in Agency.objects(code__in=list(DISTRICT_CODES)).only("id")]
    month_start = date(today.year - (today.month < 3), (today.month - 3) % 12 + 1, 1)
    return [
        CampaignInput(
            name={
                "vi": "Báo cáo công tác cải cách hành chính hằng quý",
                "en": "Quarterly administrative reform report",
            },
            form_key="cchc-report",
            version=forms.get_form("cchc-report").latest_version,
            period_type="quarter",
            cutoff="nd09",
            deadline={"type": "working_days", "days": 5},
            agency_ids=agencies,
            starts_on=date(today.year, 1, 1),
        ),
        CampaignInput(
            name={"vi": "Cập nhật chỉ tiêu KPI hằng tháng", "en": "Monthly KPI update"},
            form_key="kpi-monthly",
            version=forms.get_form("kpi-monthly").latest_version,
            period_type="month",
            cutoff="nd09",
            deadline={"type": "day_of_month", "day": 25},
            agency_ids=agencies,
            starts_on=month_start,
        ),
    ]


def seed_demo_reporting(today: date | None = None) -> int:
    """Create the demo campaigns once (by the demo reviewer) and open their due periods."""
    reviewer = User.objects(username="demo.thamdinh").first()
    published = {f.id for f in Form.objects(id__in=["cchc-report", "kpi-monthly"], latest_version__gte=1).only("id")}
    if reviewer is None or len(published) < 2:
        return 0  # the library is not seeded (some tests): nothing to report on
    created = 0
    for data in demo_campaigns(today or date.today()):
        if Campaign.objects(form_key=data.form_key, name__vi=data.name["vi"]).first() is None:
            create_campaign(data, reviewer)
            created += 1
    open_due_periods()
    return created
