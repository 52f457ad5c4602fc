"""An administrator creates an agency and an account; the new user must change the password and then
sees only their own agency's data."""

from __future__ import annotations

from tests.browser.conftest import screenshot
from tests.fixtures.city import CITY_PASSWORD
from tests.fixtures.definitions import sample_v1, valid_answers

KEY = "sample-report"


def option_value(page, select: str, text: str) -> str:
    value = page.locator(f"{select} option", has_text=text).first.get_attribute("value")
    assert value, f"no option {text!r} in {select}"
    return value


def log_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/login?lang=vi")
    page.fill("#username", username)
    page.fill("#password", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_admin_creates_agency_and_user_who_sees_only_their_own_data(browser, live_server, app, city):
    from formplatform.services.forms import publish_form, save_draft
    from formplatform.services.submissions import submit_form

    with app.app_context():
        save_draft(KEY, sample_v1(), None, owner_agency_id=city.id("home_affairs"))
        publish_form(KEY, None)
        district1 = submit_form(KEY, valid_answers(), actor=city.users["cv_q1"])

    admin = browser.new_context(viewport={"width": 1366, "height": 768})
    page = admin.new_page()
    log_in(page, live_server, "quantri", CITY_PASSWORD)

    page.goto(f"{live_server}/admin/agencies/new")
    page.fill("#code", "000.00.35.H29")
    page.fill("#name_vi", "UBND Quận 5")
    page.fill("#name_en", "District 5 People's Committee")
    page.select_option("#type", "district")
    page.select_option("#parent_id", option_value(page, "#parent_id", "000.00.00.H29"))
    screenshot(page, "admin-new-agency-vi")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "UBND Quận 5" in page.content()

    page.goto(f"{live_server}/admin/users/new")
    page.fill("#f-username", "cv.q5")
    page.fill("#f-display_name", "Nguyễn Văn Năm")
    district5 = option_value(page, "#f-agency_id", "000.00.35.H29")
    page.select_option("#f-agency_id", district5)
    page.select_option("#f-roles-0", "specialist")
    page.select_option("#f-roles-0-agency", district5)
    screenshot(page, "admin-new-user-vi")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    temporary = page.locator("[data-testid=temporary-password]").inner_text().strip()
    assert len(temporary) >= 10
    admin.close()

    person = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = person.new_page()
    log_in(page, live_server, "cv.q5", temporary)
    assert "/account/password" in page.url  # forced to choose a password first
    page.goto(f"{live_server}/forms/{KEY}/submissions")
    assert "/account/password" in page.url  # and every other page sends them back there
    page.fill("#current_password", temporary)
    page.fill("#new_password", "quan5-moi-2026")
    page.fill("#confirm_password", "quan5-moi-2026")
    screenshot(page, "forced-password-change-phone-vi")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/account/password" not in page.url

    page.goto(f"{live_server}/agency")
    assert "UBND Quận 5" in page.locator("main").inner_text()
    page.goto(f"{live_server}/forms/{KEY}/submissions")
    listing = page.locator("main").inner_text()
    assert district1.id not in page.content() and "Chưa có bài nộp nào." in listing  # none of District 1's
    response = page.goto(f"{live_server}/forms/{KEY}/submissions/{district1.id}")
    assert response.status == 404
    screenshot(page, "other-agency-404-phone-vi")
    person.close()
