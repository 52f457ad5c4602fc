"""Opening a campaign in Chromium (preview, then open), its compliance view, and the notification bell,
on a desktop and on a phone, in Vietnamese and English."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tests.browser.conftest import screenshot
from tests.fixtures.city import CITY_PASSWORD


def log_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login?lang=en")
    page.fill("#username", username)
    page.fill("#password", CITY_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def fill_campaign(page: Any, city: Any) -> None:
    page.fill("#name_vi", "Báo cáo cải cách hành chính hằng tháng")
    page.fill("#name_en", "Monthly administrative reform report")
    page.select_option("#form_version", "cchc-report@1")
    page.check("input[name=period_type][value=month]")
    page.check("input[name=deadline_type][value=day_of_month]")
    page.fill("#deadline_day", "25")
    page.fill("#starts_on", "2026-10-20")
    page.check("input[name=agency_types][value=district]")
    page.check(f"input[name=agency_ids][value='{city.id('justice')}']")


def put_reports_in_every_state(app: Any, campaign_id: str, city: Any) -> None:
    from formplatform.reporting.models import Report

    now = datetime.utcnow()
    with app.app_context():
        reports = {r.agency_id: r for r in Report.objects(campaign_id=campaign_id, period_key="2026-M11")}
        changes = {
            "d1": {"set__state": "submitted", "set__on_time": True, "set__submitted_at": now},
            "d3": {"set__state": "returned", "set__on_time": False, "set__submitted_at": now},
        }
        for short, update in changes.items():
            Report.objects(id=reports[city.id(short)].id).update(**update)
        Report.objects(campaign_id=campaign_id, period_key="2026-M12", agency_id=city.id("d1")).update(
            set__state="draft"
        )


def test_open_a_campaign_and_follow_its_compliance(browser, live_server, app, city, seeded):
    from formplatform.reporting.models import Campaign

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    log_in(page, live_server, "thamdinh")
    page.goto(f"{live_server}/admin/campaigns?lang=en")
    assert "There are no reporting campaigns yet." in page.content()
    page.get_by_role("link", name="New campaign").first.click()
    page.wait_for_load_state()
    fill_campaign(page, city)
    page.get_by_role("button", name="Preview the periods").click()
    page.wait_for_load_state()
    assert "Preview of the periods" in page.content() and "3 agencies will report." in page.content()
    screenshot(page, "campaign-form-preview-en")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "campaign-form-preview-en-phone")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server}/admin/campaigns/new?lang=vi")
    page.locator("button[value=save]").click()
    page.wait_for_load_state()
    screenshot(page, "campaign-form-errors-vi")
    assert page.locator(".fp-error").count() >= 4
    page.goto(f"{live_server}/admin/campaigns/new?lang=en")
    fill_campaign(page, city)
    page.locator("button[value=save]").click()
    page.wait_for_load_state()
    with app.app_context():
        campaign = Campaign.objects.get()
    assert page.url.endswith(f"/admin/campaigns/{campaign.id}")
    put_reports_in_every_state(app, campaign.id, city)
    page.goto(f"{live_server}/admin/campaigns/{campaign.id}?period=2026-M11&lang=en")
    assert page.locator("tr.fpc-row").count() == 3  # District 1, District 3, Justice
    screenshot(page, "campaign-compliance-en")
    page.goto(f"{live_server}/admin/campaigns/{campaign.id}?period=2026-M11&lang=vi")
    screenshot(page, "campaign-compliance-vi")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "campaign-compliance-vi-phone")

    log_in(page, live_server, "cv_q1")
    page.goto(f"{live_server}/notifications?lang=en")
    assert page.locator(".fpc-notice").count() >= 1
    screenshot(page, "notifications-en-phone")
    page.locator(".fpc-notice").first.get_by_role("button", name="Open the report").click()
    page.wait_for_load_state()
    assert "/reports/" in page.url
    context.close()
