"""The header comes from the campaign: a Q4 campaign yields a Q4 header that nobody can edit.

Through the campaign flow: the campaign opens the fourth quarter; the report starts with its header;
the fill page shows it locked; a tampered form post, API body or service call cannot change it, and
the report goes through the chain with it intact.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pytest

from tests.conftest import bearer, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.form_definitions.test_library import cchc_answers_for
from tests.formplatform.reporting.campaign_support import new_campaign, user

NOV_20 = datetime(2026, 11, 20, 3, 0)  # 10:00 in Vietnam, inside the fourth quarter (15 Sep – 14 Dec)
Q4_HEADER = {
    "agency": "UBND Quận 1",
    "period_type": "quarter",
    "period_number": 4,
    "year": 2026,
    "period_from": "2026-09-15",
    "period_to": "2026-12-14",
    "deadline": "2026-12-25",
}
TAMPERED = {
    "agency": "UBND Quận 3",
    "period_type": "nine_months",
    "period_number": 3,
    "year": 2025,
    "period_from": "2025-01-01",
    "period_to": "2025-09-30",
    "deadline": "2099-01-01",
}


@pytest.fixture
def q4_report(app: Any, city: Any, seeded: Any) -> str:
    """District 1's report of a quarterly cchc-report v2 campaign, opened on 20 November 2026."""
    from formplatform.reporting.campaigns import open_due_periods
    from formplatform.reporting.models import Report

    with app.test_request_context():
        campaign = new_campaign(city, version=2, period_type="quarter", starts_on=date(2026, 10, 20))
        assert open_due_periods(NOV_20) == 2
        report = Report.objects(campaign_id=campaign.id, agency_id=city.id("d1")).first()
        assert report.period_key == "2026-Q4"
        return str(report.id)


def header_of(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data.get(name) for name in Q4_HEADER}


def test_the_opened_report_starts_with_the_q4_header(app, q4_report):
    from formplatform.reporting.models import Report

    with app.app_context():
        assert header_of(Report.objects(id=q4_report).first().data) == Q4_HEADER


def test_the_fill_page_shows_the_header_locked_and_a_tampered_post_changes_nothing(app, client, q4_report):
    from formplatform.reporting.models import Report

    log_in(client, "cv_q1", CITY_PASSWORD)
    html = client.get(f"/reports/{q4_report}?lang=vi").get_data(as_text=True)
    for name in Q4_HEADER:
        control = re.search(rf'<(?:input|select)[^>]*name="{name}"[^>]*>', html)
        assert control and "disabled" in control.group(0) and "data-fp-locked" in control.group(0), name
    assert re.search(r'name="year" value="2026"', html) and "2.026" not in html
    assert re.search(r'<option value="quarter" selected>Quý</option>', html)
    assert "Điền tự động theo đợt báo cáo" in html
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    posted = {**{k: str(v) for k, v in TAMPERED.items()}, "direction": "Đã ban hành kế hoạch."}
    saved = client.post(f"/reports/{q4_report}/save", data={"csrf_token": token, "revision": "0", **posted})
    assert saved.status_code == 302
    with app.app_context():
        data = Report.objects(id=q4_report).first().data
        assert header_of(data) == Q4_HEADER and data["direction"] == "Đã ban hành kế hoạch."
    shown = client.get(f"/reports/{q4_report}?lang=en").get_data(as_text=True)
    assert "Filled in from the campaign" in shown and 'name="year" value="2026"' in shown


def test_a_tampered_api_body_is_overwritten_and_the_header_survives_the_chain(app, client, city, q4_report):
    from formplatform.reporting import workflow
    from formplatform.reporting.models import Report

    headers = bearer(client, "cv_q1", CITY_PASSWORD)
    body = {"data": cchc_answers_for(2, **TAMPERED)}
    answered = client.put(f"/api/v1/reports/{q4_report}", json=body, headers=headers)
    assert answered.status_code == 200, answered.get_json()
    with app.test_request_context():
        assert header_of(Report.objects(id=q4_report).first().data) == Q4_HEADER
        Report.objects(id=q4_report).update_one(set__data__year=2025)  # even a stored change is put right
        moved = workflow.submit_report(q4_report, user(city, "cv_q1"))
        assert moved.state == "in_approval" and header_of(moved.data) == Q4_HEADER
    log_in(client, "xem_q1", CITY_PASSWORD)  # a reader sees the header on the report page, year unseparated
    view = client.get(f"/reports/{q4_report}?lang=vi").get_data(as_text=True)
    assert "2026" in view and "2.026" not in view and "Quý" in view and "25/12/2026" in view
