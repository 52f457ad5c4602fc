"""Issue 4's acceptance flow in headless Chromium: a designer builds a form from nothing in the visual
editor (a section, a grid with a column total, a scored choice, a show-if rule, both languages),
publishes it, a citizen fills it on the public page, the designer finds the submission; then a second
version with a breaking change is published after explicit confirmation, and the first submission
still renders with version 1."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_accounts_flow import log_in
from tests.fixtures.city import CITY_PASSWORD

KEY = "khao-sat-thu"


def panel(page: Any) -> Any:
    return page.locator("#fp-d-panel")


def fill_label(page: Any, vi: str, en: str, index: int = 0) -> None:
    """The index-th bilingual pair of the property panel (0 = the label)."""
    pair = panel(page).locator(".fp-d-bilingual").nth(index)
    pair.locator("[lang=vi]").fill(vi)
    pair.locator("[lang=en]").fill(en)


def add(page: Any, type_name: str) -> None:
    page.locator(f"#fp-d-palette .fp-d-palette__item[data-type={type_name}]").click()
    page.locator(f".fp-d-node.is-selected[data-ftype={type_name}]").wait_for()


def item(page: Any, legend: str, index: int) -> Any:
    return (
        panel(page)
        .locator("fieldset.fp-d-list", has=page.locator(f"legend:text-is('{legend}')"))
        .locator(".fp-d-item")
        .nth(index)
    )


def wait_saved(page: Any) -> None:
    page.wait_for_function("() => document.getElementById('fp-d-status').classList.contains('is-saved')")


def create_form(page: Any, base: str) -> None:
    page.goto(f"{base}/admin/forms/new?lang=en")
    page.fill("#f-key", KEY)
    page.check("#f-kind-questionnaire")
    page.fill("#f-title_vi", "Khảo sát thử nghiệm")
    page.fill("#f-title_en", "Trial survey")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(f"**/admin/forms/{KEY}/design**")
    page.wait_for_selector("#fp-d-palette .fp-d-palette__item")


def build_fields(page: Any) -> None:
    add(page, "section")
    fill_label(page, "Kết quả thực hiện", "Results")

    add(page, "grid")  # lands inside the selected section
    fill_label(page, "Số liệu theo quý", "Figures by quarter")
    rows = panel(page).locator("fieldset.fp-d-list").nth(0)
    rows.locator(".fp-d-item").nth(0).locator("[lang=vi]").first.fill("Quý 1")
    rows.locator(".fp-d-item").nth(0).locator("[lang=en]").first.fill("Quarter 1")
    rows.get_by_role("button", name="Add a row").click()
    rows = panel(page).locator("fieldset.fp-d-list").nth(0)
    second = rows.locator(".fp-d-item").nth(1)
    second.locator("[lang=vi]").first.fill("Quý 2")
    second.locator("[lang=en]").first.fill("Quarter 2")
    columns = panel(page).locator("fieldset.fp-d-list").nth(1)
    column = columns.locator(".fp-d-item").nth(0)
    column.locator("[lang=vi]").first.fill("Số hồ sơ")
    column.locator("[lang=en]").first.fill("Dossiers")
    column.get_by_label("Total this column").check()
    row_total = panel(page).locator(".fp-d-bilingual", has=page.locator("legend:text-is('Row total column')"))
    row_total.locator("[lang=vi]").fill("Tổng cộng")
    row_total.locator("[lang=en]").fill("Total")

    page.locator(".fp-d-node[data-ftype=section] > .fp-d-node__row .fp-d-node__main").click()
    add(page, "scored_choice")
    fill_label(page, "Thái độ của cán bộ", "Officials' attitude")
    for index, (vi, en) in enumerate([("Tốt", "Good"), ("Bình thường", "Average"), ("Chưa tốt", "Poor")]):
        option = panel(page).locator(".fp-d-list .fp-d-item").nth(index)
        option.locator("[lang=vi]").fill(vi)
        option.locator("[lang=en]").fill(en)

    add(page, "textarea")
    fill_label(page, "Vì sao chưa tốt?", "Why poor?")
    rule = panel(page).locator("fieldset.fp-d-rulebox", has=page.locator("legend:text-is('Show only if')"))
    rule.get_by_role("button", name="Add condition").first.click()
    rule.locator("select:visible").nth(0).select_option("scored_choice_1")
    rule.locator("select:visible").nth(1).select_option("eq")
    rule.locator("select:visible").nth(2).select_option("3")
    page.locator(".fp-d-node.is-selected .fp-d-mark--rule").wait_for()
    wait_saved(page)


def test_designer_builds_publishes_and_versions_a_form(browser: Any, live_server: str, app: Any, city: Any) -> None:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    log_in(page, live_server, "thietke", CITY_PASSWORD)
    create_form(page, live_server)
    build_fields(page)
    assert page.locator("#fp-d-missing").inner_text() == "Both languages complete"
    screenshot(page, "designer-editor-en")

    page.click("#fp-d-tab-preview")
    frame = page.frame_locator("#fp-d-preview-frame")
    frame.locator("legend", has_text="Figures by quarter").wait_for()
    why = frame.locator("textarea").first
    assert why.is_hidden()
    frame.get_by_role("radio", name="Poor").check()
    why.wait_for(state="visible")
    page.locator("#fp-d-devices [data-device=phone]").click()
    frame.locator("legend", has_text="Figures by quarter").wait_for()
    screenshot(page, "designer-preview-phone-en")

    page.click("#fp-d-publish")
    page.wait_for_url(f"**/admin/forms/{KEY}/publish**")
    screenshot(page, "designer-publish-v1-en")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()

    citizen = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    citizen.goto(f"{live_server}/forms/{KEY}?lang=vi")
    citizen.fill("[name='grid_1.row_1.value']", "12")
    citizen.fill("[name='grid_1.row_2.value']", "30")
    totals = citizen.locator("tr", has=citizen.get_by_role("rowheader", name="Tổng cộng"))
    expect(totals).to_contain_text("42")  # the column total is calculated as the citizen types
    citizen.get_by_role("radio", name="Chưa tốt").check()
    citizen.locator("textarea").first.fill("Phải chờ quá lâu")
    screenshot(citizen, "designer-public-fill-vi")
    citizen.locator("main form button[type=submit]").last.click()
    citizen.wait_for_load_state()
    assert "Phải chờ quá lâu" in citizen.content()
    citizen.context.close()

    with app.app_context():
        from formplatform.models import Submission

        stored = Submission.objects(form_key=KEY).get()
        assert stored.version == 1
        assert stored.data["grid_1"]["row_2"]["value"] == 30
        assert stored.score["total"] == 0

    page.goto(f"{live_server}/admin/forms/{KEY}/versions?lang=en")
    assert page.locator("main").inner_text().count("1") >= 1
    screenshot(page, "designer-history-en")

    # Version 2: the free-text question goes (breaking), confirmed explicitly.
    page.goto(f"{live_server}/admin/forms/{KEY}/design?lang=en")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".fp-d-node[data-ftype=textarea] .fp-d-icon--danger").click()
    wait_saved(page)
    page.click("#fp-d-publish")
    page.wait_for_url(f"**/admin/forms/{KEY}/publish**")
    assert "breaking" in page.locator("main").inner_text().lower()
    page.locator("main form button[type=submit]").last.click()  # without the confirmation: refused
    assert page.url.endswith("/publish") or "publish" in page.url
    with app.app_context():
        from formplatform.services.forms import get_form

        assert get_form(KEY).latest_version == 1
    page.locator("input[name=confirm_breaking]").check()
    screenshot(page, "designer-publish-breaking-en")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    with app.app_context():
        assert get_form(KEY).latest_version == 2

    page.goto(f"{live_server}/admin/forms/{KEY}/compare?a=1&b=2&lang=en")
    screenshot(page, "designer-compare-en")
    assert "Why poor?" in page.locator("main").inner_text()
    assert page.locator(".fp-mark--removed", has_text="Why poor?").count() == 1
    page.goto(f"{live_server}/admin/forms/{KEY}/versions/1?lang=vi")
    assert "Phiên bản 1 (chỉ xem)" in page.locator("main").inner_text()
    assert page.locator(".fp-version-view textarea[disabled], .fp-version-view fieldset[disabled] textarea").count()
    screenshot(page, "designer-version-v1-vi")
    context.close()

    # An administrator of the city finds the citizen's submission; it still renders with version 1.
    reader = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    log_in(reader, live_server, "quantri", CITY_PASSWORD)
    reader.goto(f"{live_server}/forms/{KEY}/submissions?lang=en")
    reader.get_by_role("link", name="Open").first.click()
    reader.wait_for_load_state()
    text = reader.locator("main").inner_text()
    assert "Version 1" in text and "the form now has version 2" in text
    assert "Why poor?" in text and "Phải chờ quá lâu" in text  # the field version 2 removed
    screenshot(reader, "designer-old-submission-v1-en")
    reader.context.close()
