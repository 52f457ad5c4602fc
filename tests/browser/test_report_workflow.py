"""A report's pages in Chromium: the page's own Save draft / Submit buttons drive the rendered form
(they belong to it through the `form` attribute), an approver sends it back, the reviewer returns it
with a comment per section and the drafter sees that comment next to the field. On a phone too."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import screenshot
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.reporting.workflow_support import FAKE_SIGNATURE, cchc_data, make_report, par_data, users


def log_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login?lang=en")
    page.fill("#username", username)
    page.fill("#password", CITY_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def state_of(app: Any, report_id: str) -> tuple[str, int]:
    from formplatform.reporting.models import Report

    with app.app_context():
        found = Report.objects(id=report_id).first()
        return found.state, found.step


def test_draft_submit_send_back_return_and_comments_in_a_browser(browser, live_server, app, city, seeded):
    from formplatform.reporting import workflow

    with app.app_context():
        report = make_report(city, "cchc-report", data={**cchc_data(), "direction": ""})
        rid = report.id
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    log_in(page, live_server, "cv_q1")
    page.goto(f"{live_server}/reports?lang=en")
    screenshot(page, "reports-todo-en")
    page.locator(f'a[href="/reports/{rid}"]').first.click()
    page.wait_for_load_state()
    page.fill("#f-agency", "UBND Quận 1 (bản nháp)")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_load_state()
    assert "The draft is saved." in page.content() and state_of(app, rid) == ("draft", 0)
    assert page.locator("#f-agency").input_value() == "UBND Quận 1 (bản nháp)"
    screenshot(page, "report-draft-saved-en")
    page.get_by_role("button", name="Submit for approval").click()
    page.wait_for_load_state()
    assert state_of(app, rid) == ("draft", 0) and "This field is required." in page.content()  # direction
    page.fill("#f-direction", "Ban hành kế hoạch và chỉ đạo thực hiện đầy đủ.")
    page.get_by_role("button", name="Submit for approval").click()
    page.wait_for_load_state()
    assert state_of(app, rid) == ("in_approval", 1)

    log_in(page, live_server, "tp_q1")
    page.goto(f"{live_server}/reports/{rid}?lang=en")
    page.fill("#back-comment", "Đề nghị kiểm tra lại số liệu phụ lục.")
    page.get_by_role("button", name="Send back").click()  # the confirmation box is required first
    assert state_of(app, rid) == ("in_approval", 1)
    page.locator("input[name=confirm]").check()
    screenshot(page, "report-send-back-en")
    page.get_by_role("button", name="Send back").click()
    page.wait_for_load_state()
    assert state_of(app, rid) == ("draft", 0)

    with app.app_context():
        u = users(city)
        workflow.submit_report(rid, u["cv_q1"])
        workflow.approve_report(rid, u["tp_q1"])
        workflow.approve_report(rid, u["ct_q1"], signature=FAKE_SIGNATURE)
    log_in(page, live_server, "thamdinh")
    page.goto(f"{live_server}/reports/{rid}?lang=en")
    page.fill('[name="_comment__results"]', "Mục 2 cần nêu số thủ tục đã cắt giảm.")
    page.fill('[name="_general_comment"]', "Đề nghị bổ sung.")
    page.locator('input[name=confirm][form="fp-report-form"]').check()
    screenshot(page, "report-review-en")
    page.get_by_role("button", name="Return for supplementation").click()
    page.wait_for_load_state()
    assert state_of(app, rid) == ("returned", 0)

    log_in(page, live_server, "cv_q1")
    page.goto(f"{live_server}/reports/{rid}?lang=en")
    assert "Mục 2 cần nêu số thủ tục đã cắt giảm." in page.locator(".fp-report__comments").inner_text()
    assert not page.locator(".fp-error-summary").is_visible()  # comments, not errors
    screenshot(page, "report-returned-en")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    mobile = phone.new_page()
    log_in(mobile, live_server, "cv_q1")
    mobile.goto(f"{live_server}/reports/{rid}?lang=vi")
    width = mobile.evaluate("document.documentElement.scrollWidth")
    screenshot(mobile, "report-returned-phone-vi")
    assert width <= 400
    phone.close()
    context.close()


def test_the_reviewer_scores_a_par_assessment_in_a_browser(browser, live_server, app, city, seeded):
    from form_definitions.library import library_definition
    from formplatform.reporting import workflow

    with app.app_context():
        u = users(city)
        report = make_report(city, "par-self-assessment", data=par_data(library_definition("par-self-assessment")))
        workflow.submit_report(report.id, u["cv_q1"])
        workflow.approve_report(report.id, u["tp_q1"])
        workflow.approve_report(report.id, u["ct_q1"], signature=FAKE_SIGNATURE)
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    log_in(page, live_server, "thamdinh")
    page.goto(f"{live_server}/reports/{report.id}?lang=en")
    page.fill("#f-s1_1_1_verified", "0.5")
    page.locator('input[name="_exempt"][value="area4"]').check()
    page.get_by_role("button", name="Save review").click()
    page.wait_for_load_state()
    assert "Your review is saved." in page.content()
    # one item verified (0.5) out of the 26 points left once area 4 (2 points) is exempt
    assert page.locator('[data-fp-par="verified"]').inner_text() == str(round(0.5 / 26 * 100, 2))
    screenshot(page, "report-par-review-en")
    context.close()
