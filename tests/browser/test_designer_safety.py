"""The designer never loses work: autosave, two designers on one draft, a dropped network, a closed
tab; and fields are reordered by drag and drop as well as with the keyboard."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import screenshot
from tests.browser.test_accounts_flow import log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.fixtures.definitions import sample_v1

KEY = "sample-report"


def open_designer(browser: Any, base: str, lang: str = "en") -> Any:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    log_in(page, base, "thietke", CITY_PASSWORD)
    page.goto(f"{base}/admin/forms/{KEY}/design?lang={lang}")
    page.wait_for_selector(".fp-d-node")
    return page


def draft(app: Any) -> tuple[dict[str, Any], int]:
    from formplatform.services.forms import get_form

    with app.app_context():
        form = get_form(KEY, with_draft=True)
        return form.draft, form.draft_revision


def label_input(page: Any, lang: str) -> Any:
    return page.locator(f"#fp-d-panel .fp-d-bilingual__lang input[lang={lang}]").first


def wait_saved(page: Any) -> None:
    page.wait_for_function("() => document.getElementById('fp-d-status').classList.contains('is-saved')")


def sample_form(app: Any, city: Any) -> None:
    from formplatform.services.forms import save_draft

    with app.app_context():
        save_draft(KEY, sample_v1(), None, owner_agency_id=city.id("home_affairs"))


def test_edits_autosave_with_their_revision(browser, live_server, app, city):
    sample_form(app, city)
    page = open_designer(browser, live_server)
    _, before = draft(app)
    page.locator(".fp-d-node__main").nth(1).click()
    label_input(page, "vi").fill("Tên cơ quan báo cáo")
    wait_saved(page)
    saved, after = draft(app)
    assert after == before + 1
    texts = [f.get("label", {}).get("vi") for f in saved["fields"]] + [
        c.get("label", {}).get("vi") for f in saved["fields"] for c in f.get("fields", [])
    ]
    assert "Tên cơ quan báo cáo" in texts
    page.context.close()


def test_second_designer_is_told_of_the_conflict_and_chooses(browser, live_server, app, city):
    sample_form(app, city)
    first = open_designer(browser, live_server)
    second = open_designer(browser, live_server)
    first.locator(".fp-d-node__main").first.click()
    label_input(first, "en").fill("Changed by the first designer")
    wait_saved(first)
    second.locator(".fp-d-node__main").first.click()
    label_input(second, "en").fill("Changed by the second designer")
    banner = second.locator("#fp-d-banner")
    banner.wait_for(state="visible")
    assert f"revision {draft(app)[1]}" in banner.inner_text()
    screenshot(second, "designer-conflict-en")
    stored, _ = draft(app)
    assert "Changed by the first designer" in str(stored) and "second designer" not in str(stored)
    banner.get_by_role("button", name="Overwrite with mine").click()
    wait_saved(second)
    stored, _ = draft(app)
    assert "Changed by the second designer" in str(stored) and "first designer" not in str(stored)
    first.context.close()
    second.context.close()


def test_work_survives_a_network_drop_and_a_closed_tab(browser, live_server, app, city):
    sample_form(app, city)
    page = open_designer(browser, live_server)
    page.context.set_offline(True)
    page.locator(".fp-d-node__main").first.click()
    label_input(page, "en").fill("Written while offline")
    page.locator("#fp-d-banner").wait_for(state="visible")
    assert "Written while offline" not in str(draft(app)[0])
    page.close()  # closed while still offline (its last-chance beacon cannot leave): the browser holds the work
    page.context.set_offline(False)

    reopened = page.context.new_page()
    reopened.goto(f"{live_server}/admin/forms/{KEY}/design?lang=en")
    banner = reopened.locator("#fp-d-banner")
    banner.wait_for(state="visible")
    banner.get_by_role("button", name="Restore my changes").click()
    wait_saved(reopened)
    assert "Written while offline" in str(draft(app)[0])
    reopened.context.close()


def test_fields_move_by_drag_and_drop_and_by_keyboard(browser, live_server, app, city):
    sample_form(app, city)
    page = open_designer(browser, live_server)
    names = lambda: [f.get("name") for f in draft(app)[0]["fields"]]  # noqa: E731
    before = names()
    handles = page.locator("#fp-d-outline > ul > li > .fp-d-node__row .fp-d-handle")
    handles.nth(0).drag_to(page.locator("#fp-d-outline > ul > li").nth(2), target_position={"x": 40, "y": 30})
    wait_saved(page)
    after = names()
    assert after != before and sorted(map(str, after)) == sorted(map(str, before))

    page.locator("#fp-d-palette .fp-d-palette__item[data-type=date]").drag_to(
        page.locator("#fp-d-outline > ul > li").first, target_position={"x": 40, "y": 5}
    )
    wait_saved(page)
    fields = draft(app)[0]["fields"]
    assert any(f["type"] == "date" for f in fields), "a palette item dropped in becomes a field"

    page.locator("#fp-d-outline > ul > li").nth(1).locator(".fp-d-node__main").first.click()
    moved = page.locator(".fp-d-node.is-selected .fp-d-node__main").first.inner_text()
    page.locator(".fp-d-node.is-selected > .fp-d-node__row button[title='Move up']").click()
    wait_saved(page)
    assert page.locator("#fp-d-outline > ul > li").first.locator(".fp-d-node__main").first.inner_text() == moved
    page.context.close()


def test_a_draft_with_problems_is_not_saved_and_says_why(browser, live_server, app, city):
    sample_form(app, city)
    page = open_designer(browser, live_server)
    _, before = draft(app)
    page.locator(".fp-d-node__main", has_text="Level").click()
    values = page.locator("#fp-d-panel .fp-d-item input[type=text]:not([lang])")
    values.nth(1).fill(values.nth(0).input_value())  # two options with the same stored value
    problems = page.locator("#fp-d-problems")
    problems.wait_for(state="visible")
    assert "options" in problems.inner_text()
    assert page.locator(".fp-d-node.is-problem").count() == 1
    assert draft(app)[1] == before
    screenshot(page, "designer-problems-en")
    values.nth(1).fill("regional")
    wait_saved(page)
    assert problems.is_hidden()
    assert "regional" in str(draft(app)[0])
    page.context.close()
