"""Demo reporting campaigns for the demo city, so the to-do lists and compliance views have content;
and a few past months of accepted KPI sheets (some on version 1, some on version 2) for the dashboards."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from form_definitions.answers import compute
from form_definitions.workflow import workflow_steps
from formplatform.accounts.models import User
from formplatform.agencies.models import Agency
from formplatform.models import Form
from formplatform.reporting.campaign_input import CampaignInput
from formplatform.reporting.campaigns import create_campaign, open_due_periods
from formplatform.reporting.models import Campaign, Report
from formplatform.reporting.periods import deadline_moment, period_containing, previous_period
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
    seed_demo_kpi_history()
    return created


# The KPI history: the months before the live demo KPI campaign's first period, filed in that campaign (each
# report pins its own version: the older half on version 1, the newer on version 2). indicator -> (plan,
# first month's actual, change per month); district factors scale the amounts (not the rates).
HISTORY_MONTHS = 6
KPI_FIGURES = {
    "grdp_growth": (8.0, 6.4, 0.25),
    "iip_growth": (7.5, 5.1, 0.3),
    "retail_sales": (96000.0, 7600.0, 8100.0),
    "budget_revenue": (52000.0, 4100.0, 4350.0),
    "public_investment_disbursed": (4200.0, 180.0, 330.0),
    "new_enterprises": (5400.0, 410.0, 445.0),
    "jobs_created": (26000.0, 2000.0, 2150.0),
    "unemployment_rate": (3.0, 3.4, -0.05),
    "online_dossiers": (80.0, 62.0, 2.1),
}
DISTRICT_FACTORS = {"000.00.31.H29": 1.25, "000.00.33.H29": 0.8, "000.00.30.H29": 1.6}
RATE_INDICATORS = ("grdp_growth", "iip_growth", "unemployment_rate", "online_dossiers")
SHARE_INDICATORS = ("unemployment_rate", "online_dossiers")  # percentages of a whole: 0–100


def _kpi_data(definition: dict[str, Any], agency: Agency, step: int, end: date) -> dict[str, Any]:
    """Plausible figures for one district and month; calculated columns filled by the version's formulas."""
    factor = DISTRICT_FACTORS.get(agency.code, 1.0)
    indicators = {}
    for key, (plan, first, change) in KPI_FIGURES.items():
        scale = 1.0 if key in RATE_INDICATORS else factor
        wobble = ((step * 7 + int(factor * 10)) % 5 - 2) * abs(change) * 0.08
        actual = (first + change * step + wobble) * scale
        if key in SHARE_INDICATORS:  # a share stays a share however long the history (kpi-monthly's checks)
            actual = min(max(actual, 0.0), 99.0)
        indicators[key] = {"plan": round(plan * scale, 2), "actual": round(actual, 2)}
    data = {"agency": agency.name.get("vi", ""), "month": end.month, "year": end.year, "indicators": indicators}
    data["contact_name"] = "Chuyên viên thống kê"
    return compute(definition, data)[0]


def seed_demo_kpi_history() -> int:
    """Accepted KPI sheets of the demo districts for the HISTORY_MONTHS months before the live campaign (once)."""
    campaign = Campaign.objects(form_key="kpi-monthly", name__vi="Cập nhật chỉ tiêu KPI hằng tháng").first()
    form = Form.objects(id="kpi-monthly").only("id", "latest_version", "version_hashes").first()
    if campaign is None or form is None or not form.latest_version:
        return 0
    first = period_containing(campaign.starts_on.date(), "month")  # the live campaign's first period
    if Report.objects(campaign_id=campaign.id, period_start__lt=datetime.combine(first.start, time())).first():
        return 0  # loaded before
    periods = [previous_period(first)]
    while len(periods) < HISTORY_MONTHS:
        periods.insert(0, previous_period(periods[0]))
    districts = list(Agency.objects(code__in=list(DISTRICT_CODES)).order_by("code"))
    added = 0
    for step, period in enumerate(periods):
        number = 1 if step < HISTORY_MONTHS // 2 or form.latest_version < 2 else 2
        version = forms.get_version("kpi-monthly", number, form=form)
        deadline = deadline_moment(period.end.replace(day=25))
        for index, agency in enumerate(districts):
            late = (step + index) % 4 == 3  # a late report now and then, for the compliance dashboard
            received = deadline + timedelta(days=2) if late else deadline - timedelta(days=3 + index)
            Report(
                campaign_id=campaign.id,
                form_key="kpi-monthly",
                version=number,
                version_hash=version.hash,
                agency_id=agency.id,
                owner_agency_id=campaign.owner_agency_id,
                period_key=period.key,
                period_start=datetime.combine(period.start, datetime.min.time()),
                period_end=datetime.combine(period.end, datetime.min.time()),
                deadline=deadline,
                state="accepted",
                step=len(workflow_steps(version.definition)),  # past the last step, as accepting leaves it
                data=_kpi_data(version.definition, agency, step, period.end),
                revision=1,
                submissions=1,
                submitted_at=received,
                accepted_at=received + timedelta(days=1),
                on_time=not late,
            ).save(force_insert=True)
            added += 1
    return added
