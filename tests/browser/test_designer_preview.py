"""The designer's preview at kiosk size is the counter kiosk itself for questionnaires (renderers.kiosk,
one question per screen, the kiosk's own script), says what the kiosk leaves out, and sends nothing."""

from __future__ import annotations

from typing import Any

from tests.browser.conftest import screenshot
from tests.browser.test_accounts_flow import log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.fixtures.definitions import sample_v1, t

KEY = "kiosk-trial"


def questionnaire() -> dict[str, Any]:
    return {
        "schema_version": 1,
        "key": KEY,
        "kind": "questionnaire",
        "title": t("Khảo sát tại quầy", "Counter survey"),
        "fields": [
            {
                "type": "scored_choice",
                "name": "attitude",
                "label": t("Thái độ của cán bộ", "Officials' attitude"),
                "required": True,
                "options": [
                    {"value": "good", "points": 2, "label": t("Tốt", "Good")},
                    {"value": "poor", "points": 0, "label": t("Chưa tốt", "Poor")},
                ],
            },
            {
                "type": "textarea",
                "name": "why",
                "label": t("Vì sao chưa tốt?", "Why poor?"),
                "visible_if": {"==": [{"var": "attitude"}, "poor"]},
            },
            {
                "type": "grid",
                "name": "counts",
                "label": t("Số lần đến quầy", "Visits to the counter"),
                "rows": [{"key": "r1", "label": t("Lần", "Visits")}],
                "columns": [{"name": "n", "type": "integer", "label": t("Số", "Number")}],
            },
        ],
    }


def open_preview(browser: Any, base: str, key: str) -> Any:
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    log_in(page, base, "thietke", CITY_PASSWORD)
    page.goto(f"{base}/admin/forms/{key}/design?lang=en")
    page.wait_for_selector(".fp-d-node")
    page.click("#fp-d-tab-preview")
    page.locator("#fp-d-devices [data-device=kiosk]").click()
    return page


def draft(app: Any, city: Any, definition: dict[str, Any]) -> None:
    from formplatform.services.forms import save_draft

    with app.app_context():
        save_draft(definition["key"], definition, None, owner_agency_id=city.id("home_affairs"))


def test_a_questionnaire_previews_as_the_counter_kiosk(browser, live_server, app, city):
    draft(app, city, questionnaire())
    page = open_preview(browser, live_server, KEY)
    kiosk = page.frame_locator("#fp-d-preview-frame")
    first = kiosk.locator('section.k-q[data-name="attitude"]')
    first.wait_for()
    assert kiosk.locator("section.k-q:visible").count() == 1  # one question per screen
    notes = kiosk.locator(".k-preview__notes").inner_text()
    assert "nothing is sent" in notes
    assert "Visits to the counter" in notes  # the grid is not asked on a kiosk, and the designer is told
    assert "show-if" in notes
    screenshot(page, "designer-preview-kiosk-en")

    first.locator('[data-action="next"]').click()
    assert first.locator(".k-q__need").is_visible()  # required: the kiosk holds back
    first.locator(".k-option", has_text="Poor").click()  # a tapped answer moves on by itself
    second = kiosk.locator('section.k-q[data-name="why"]')
    second.wait_for(state="visible")
    second.locator('[data-action="back"]').click()
    first.wait_for(state="visible")
    assert first.locator("input[value=poor]").is_checked()
    first.locator('[data-action="next"]').click()
    second.locator("textarea").fill("Phải chờ lâu")
    second.locator('[data-action="send"]').click()
    kiosk.locator("#k-thanks").wait_for(state="visible")
    kiosk.get_by_role("button", name="Start again").click()
    first.wait_for(state="visible")
    assert not first.locator("input[value=poor]").is_checked()

    kiosk.locator('.k-lang__btn[data-lang="vi"]').click()  # the kiosk's own language switch
    assert kiosk.locator("h2, legend").filter(has_text="Thái độ của cán bộ").first.is_visible()
    with app.app_context():
        from formplatform.models import Submission

        assert Submission.objects(form_key=KEY).count() == 0
    page.context.close()


def test_other_kinds_preview_their_fill_page_at_kiosk_size(browser, live_server, app, city):
    draft(app, city, sample_v1())
    page = open_preview(browser, live_server, "sample-report")
    frame = page.frame_locator("#fp-d-preview-frame")
    frame.locator("body.fp-preview--kiosk form[data-fp-form]").wait_for()
    assert frame.locator(".k-quiz").count() == 0
    page.context.close()
