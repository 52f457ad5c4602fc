"""Issue 22's designer acceptance in headless Chromium: a KPI sheet whose completion rate is built from
the grid's column totals (actual total ÷ plan total × 100) and a cross-field check, all without JSON;
published, filled by a specialist, the rate right in the browser and on the server; and an edit made
just before leaving the designer is saved (pagehide beacon) after a warning."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import screenshot
from tests.browser.test_accounts_flow import log_in
from tests.browser.test_designer_flow import add, fill_label, panel, wait_saved
from tests.fixtures.city import CITY_PASSWORD

KEY = "kpi-thu"
TOTAL = {
    "plan": {"+": [{"var": ["grid_1.row_1.plan", 0]}, {"var": ["grid_1.row_2.plan", 0]}]},
    "actual": {"+": [{"var": ["grid_1.row_1.actual", 0]}, {"var": ["grid_1.row_2.actual", 0]}]},
}


def draft(app: Any) -> dict[str, Any]:
    from formplatform.services.forms import get_form

    with app.app_context():
        return get_form(KEY, with_draft=True).draft


def list_items(page: Any, legend: str) -> Any:
    return (
        panel(page).locator("fieldset.fp-d-list", has=page.locator(f"legend:text-is('{legend}')")).locator(".fp-d-item")
    )


def new_kpi_sheet(page: Any, base: str) -> None:
    page.goto(f"{base}/admin/forms/new?lang=en")
    page.fill("#f-key", KEY)
    page.check("#f-kind-kpi_sheet")
    page.fill("#f-title_vi", "Chỉ số thử")
    page.fill("#f-title_en", "Trial KPIs")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**/admin/forms/{KEY}/design**")
    page.wait_for_selector("#fp-d-palette .fp-d-palette__item")


def build_grid(page: Any) -> None:
    add(page, "grid")
    fill_label(page, "Chỉ tiêu", "Indicators")
    rows = list_items(page, "Rows")
    assert rows.nth(0).locator("[lang=vi]").first.input_value() == "Dòng 1"  # not "Option 1"
    assert rows.nth(0).locator("[lang=en]").first.input_value() == "Row 1"
    panel(page).get_by_role("button", name="Add a row").click()
    assert list_items(page, "Rows").nth(1).locator("[lang=en]").first.input_value() == "Row 2"
    column = list_items(page, "Columns").nth(0)
    column.get_by_label("Column name").fill("plan")
    column.locator("[lang=vi]").first.fill("Kế hoạch")
    column.locator("[lang=en]").first.fill("Plan")
    panel(page).get_by_role("button", name="Add a column").click()
    column = list_items(page, "Columns").nth(1)
    column.get_by_label("Column name").fill("actual")
    column.locator("[lang=vi]").first.fill("Thực hiện")
    column.locator("[lang=en]").first.fill("Actual")
    row_total = panel(page).locator(".fp-d-bilingual", has=page.locator("legend:text-is('Row total column')"))
    row_total.locator("[lang=vi]").fill("Cộng dòng")
    row_total.locator("[lang=en]").fill("Row total")
    plan = list_items(page, "Columns").nth(0).get_by_label("Counts in the row total")
    assert plan.is_checked()  # nothing marked yet: every number column counts, as before
    plan.uncheck()  # only the actual figure counts in the row total
    panel(page).get_by_role("button", name="Add a check").click()
    check = list_items(page, "Row checks").nth(0)
    check.locator("[lang=vi]").first.fill("Dòng vượt kế hoạch.")
    check.locator("[lang=en]").first.fill("The row exceeds its plan.")
    check.locator(".fp-re-picks").nth(0).get_by_label("Actual", exact=True).check()
    check.get_by_label("must be").select_option(label="at most")
    check.locator(".fp-re-picks").nth(1).get_by_label("Plan", exact=True).check()
    wait_saved(page)


def build_rate(page: Any) -> dict[str, Any]:
    add(page, "calculated")
    fill_label(page, "Tỷ lệ hoàn thành", "Completion rate")
    box = panel(page).locator("fieldset.fp-d-rulebox", has=page.locator("legend:text-is('Formula')"))
    box.get_by_label("Calculation").select_option(label="Ratio (a ÷ b)")
    box.get_by_label("Field a").select_option(label="Total of Actual (Indicators)")
    box.get_by_label("Field b").select_option(label="Total of Plan (Indicators)")
    box.get_by_label("Then").select_option(label="multiply by a number")
    box.get_by_label("By").fill("100")
    summary = "Calculated as: Total of Actual (Indicators) ÷ Total of Plan (Indicators) × 100"
    assert box.locator(".fp-re-summary").text_content() == summary
    assert box.locator(".fp-re-advanced").is_hidden()  # never JSON
    wait_saved(page)
    return draft(page.app)["fields"][-1]


def build_check(page: Any) -> None:
    page.click("#fp-d-form-settings")
    panel(page).get_by_role("button", name="Add a check").click()
    check = list_items(page, "Cross-field checks").nth(0)
    check.locator("[lang=vi]").first.fill("Thực hiện không vượt kế hoạch.")
    check.locator("[lang=en]").first.fill("The actual total may not exceed the plan.")
    check.locator(".fp-re-picks").nth(0).get_by_label("Total of Actual (Indicators)").check()
    check.get_by_label("must be").select_option(label="at most")
    check.locator(".fp-re-picks").nth(1).get_by_label("Total of Plan (Indicators)").check()
    summary = "Must hold: Total of Actual (Indicators) ≤ Total of Plan (Indicators)"
    assert check.locator(".fp-re-summary").text_content() == summary
    wait_saved(page)


def test_a_kpi_sheet_rate_from_grid_totals_is_built_without_json(browser, live_server, app, city):
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.app = app
    log_in(page, live_server, "thietke", CITY_PASSWORD)
    new_kpi_sheet(page, live_server)
    build_grid(page)
    rate = build_rate(page)
    assert rate["formula"] == {"*": [{"/": [TOTAL["actual"], TOTAL["plan"]]}, 100]}
    build_check(page)
    saved = draft(app)
    assert saved["checks"][0]["rule"] == {"<=": [TOTAL["actual"], TOTAL["plan"]]}
    assert [c.get("in_row_total") for c in saved["fields"][0]["columns"]] == [None, True]
    assert saved["fields"][0]["row_checks"][0]["rule"] == {"<=": [{"var": "actual"}, {"var": "plan"}]}
    screenshot(page, "designer-kpi-rate-en")
    assert errors == []
    page.click("#fp-d-publish")
    page.wait_for_url(f"**/admin/forms/{KEY}/publish**")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    page.context.close()

    filler = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    log_in(filler, live_server, "cv_q1", CITY_PASSWORD)
    filler.goto(f"{live_server}/forms/{KEY}?lang=vi")
    for cell, value in (("row_1.plan", "40"), ("row_1.actual", "30"), ("row_2.plan", "60"), ("row_2.actual", "55")):
        filler.fill(f"[name='grid_1.{cell}']", value)
    assert filler.locator(f"#f-{rate['name']}").inner_text() == "85"  # (30 + 55) ÷ (40 + 60) × 100
    assert filler.locator("#f-grid_1\\.row_2-total").inner_text() == "55"  # the row total adds the actual only
    filler.fill("[name='grid_1.row_2.actual']", "95")  # actual 125 > plan 100: the check speaks at once
    assert "Thực hiện không vượt kế hoạch." in filler.locator("main").inner_text()
    assert filler.locator("#f-grid_1\\.row_2-check-check_1").inner_text() == "Dòng vượt kế hoạch."  # the row check
    filler.fill("[name='grid_1.row_2.actual']", "55")
    assert "Thực hiện không vượt kế hoạch." not in filler.locator("main").inner_text()
    filler.locator("main form button[type=submit]").last.click()
    filler.wait_for_url("**/submissions/**")
    with app.app_context():
        from formplatform.models import Submission

        stored = Submission.objects(form_key=KEY).get()
        assert stored.data[rate["name"]] == 85
        assert stored.totals["grid_1"]["rows"]["row_2"] == 55
    filler.context.close()


def test_an_edit_just_before_leaving_is_saved(browser, live_server, app, city):
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    log_in(page, live_server, "thietke", CITY_PASSWORD)
    new_kpi_sheet(page, live_server)
    warned = []
    page.on("dialog", lambda dialog: (warned.append(dialog.type), dialog.accept()))
    # Autosave (PUT) cannot get through: whatever reaches the server can only be the leaving beacon.
    page.route(f"**/api/v1/forms/{KEY}/draft", lambda r: r.abort() if r.request.method == "PUT" else r.continue_())
    page.click("#fp-d-form-settings")
    title = panel(page).locator(".fp-d-bilingual", has=page.locator("legend:text-is('Title')"))
    title.locator("[lang=en]").fill("Trial KPIs, edited as I leave")
    page.goto(f"{live_server}/admin/forms?lang=en")
    page.wait_for_load_state()
    assert warned == ["beforeunload"]  # leaving with unsaved work asks first
    for _ in range(50):
        if draft(app)["title"]["en"] == "Trial KPIs, edited as I leave":
            break
        page.wait_for_timeout(100)
    assert draft(app)["title"]["en"] == "Trial KPIs, edited as I leave"
    page.context.close()
