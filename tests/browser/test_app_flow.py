"""A citizen rates a dossier on the public form, in Vietnamese on a desktop and in English on a phone."""

from __future__ import annotations

from tests.browser.conftest import screenshot


def rate(page, base: str, lang: str) -> None:
    page.goto(f"{base}/forms/dossier-satisfaction?lang={lang}")
    for number in range(1, 10):
        page.locator(f'input[name="c{number}"][value="2"]').check()
    page.locator('input[name="overall"][value="very_satisfied"]').check()
    page.locator('textarea[name="comment"]').fill("Cán bộ hướng dẫn tận tình")


def test_citizen_rates_in_vietnamese_and_reads_the_receipt(page, live_server, seeded):
    rate(page, live_server, "vi")
    page.locator('input[name="c3"][value="0"]').check()
    screenshot(page, "satisfaction-fill-vi-desktop")
    page.locator("form.fp-form button[type=submit]").click()
    page.wait_for_url("**/submissions/**")
    body = page.locator("main").inner_text()
    assert "Cảm ơn" in body and "16 / 18" in body
    assert "Cán bộ hướng dẫn tận tình" in body
    screenshot(page, "satisfaction-receipt-vi-desktop")


def test_missing_answers_are_flagged_next_to_the_field_in_english_on_a_phone(browser, live_server, seeded):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    rate(page, live_server, "en")
    page.evaluate("document.querySelectorAll('input[name=c5]').forEach(i => i.checked = false)")
    page.locator("form.fp-form button[type=submit]").click()
    page.wait_for_load_state()
    error = page.locator("#fp-box-c5 .error, #fp-box-c5 [class*=error]").first
    assert "This field is required." in error.inner_text()
    assert page.locator('input[name="c1"][value="2"]').is_checked()  # nothing typed is lost
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "satisfaction-error-en-phone")
    context.close()
