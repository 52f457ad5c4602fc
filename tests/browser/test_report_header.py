"""The campaign's header in Chromium: the fill page's header fields stay disabled once the form's
scripts have run, and saving the draft from the page keeps the Q4 header the campaign gave."""

from __future__ import annotations

from datetime import date, datetime

from tests.browser.test_report_workflow import log_in
from tests.formplatform.reporting.campaign_support import new_campaign


def test_a_q4_header_cannot_be_edited_on_the_fill_page(browser, live_server, app, city, seeded):
    from formplatform.reporting.campaigns import open_due_periods
    from formplatform.reporting.models import Report

    with app.test_request_context():
        campaign = new_campaign(city, version=2, period_type="quarter", starts_on=date(2026, 10, 20))
        open_due_periods(datetime(2026, 11, 20, 3, 0))
        rid = Report.objects(campaign_id=campaign.id, agency_id=city.id("d1")).first().id
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    log_in(page, live_server, "cv_q1")
    page.goto(f"{live_server}/reports/{rid}?lang=en")
    page.wait_for_load_state("networkidle")
    for selector, value in (("#f-year", "2026"), ("#f-period_number", "4"), ("#f-period_type", "quarter")):
        control = page.locator(selector)
        assert control.is_disabled() and control.input_value() == value, selector
    page.fill("#f-direction", "Đã ban hành kế hoạch cải cách hành chính năm.")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()
    assert "The draft is saved." in page.content()
    with app.app_context():
        data = Report.objects(id=rid).first().data
        assert (data["period_type"], data["period_number"], data["year"]) == ("quarter", 4, 2026)
        assert data["direction"].startswith("Đã ban hành")
    context.close()
