"""The kiosk end to end in headless Chromium: an administrator creates a kiosk, the kiosk pairs with the
code, a citizen enters a code on the keypad (Vietnamese) and another scans one (English), sees the
status, rates, is thanked, and the screen resets itself leaving nothing personal; a network drop
during sending still ends in exactly one stored rating."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import screenshot
from tests.fixtures.city import CITY_PASSWORD
from tests.fixtures.satisfaction import make_dossier, pin_of

THANKS, IDLE = 2, 4


@pytest.fixture
def quick_kiosk(app) -> Iterator[None]:
    """Short thank-you and idle times (the app is shared by the whole session: restore them)."""
    saved = {key: app.config[key] for key in ("KIOSK_THANKS_SECONDS", "KIOSK_IDLE_SECONDS")}
    app.config.update(KIOSK_THANKS_SECONDS=THANKS, KIOSK_IDLE_SECONDS=IDLE)
    yield
    app.config.update(saved)


@pytest.fixture
def kiosk_context(browser) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True)
    yield context
    context.close()


def create_kiosk_as_admin(browser, base: str, ward_id: str) -> tuple[Any, str]:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    admin = context.new_page()
    admin.goto(f"{base}/login?lang=vi")
    admin.fill("#username", "quantri")
    admin.fill("#password", CITY_PASSWORD)
    admin.locator("main form button[type=submit]").click()
    admin.wait_for_load_state()
    admin.goto(f"{base}/kiosk/devices/new?lang=vi")
    admin.select_option("#agency_id", ward_id)
    admin.fill("#name", "Ki-ốt quầy 3")
    admin.fill("#location", "Tầng trệt, cạnh quầy 3")
    admin.locator("main form button[type=submit]").click()
    code = re.sub(r"\D", "", admin.locator("#pairing-code").inner_text())
    assert len(code) == 8 and admin.locator("#pair-url").inner_text().endswith("/kiosk")
    screenshot(admin, "kiosk-admin-pairing-code-vi")
    return admin, code


def tap_keys(page, pad_target: str, text: str) -> None:
    for char in text:
        page.locator(f'.k-keypad[data-target="{pad_target}"] .k-key[data-key="{char}"]').tap()


def tap_until_moved_on(step, option, tries: int = 3) -> None:
    """Tap an answer and wait for its screen to move on; a tap that landed while the screen was still
    sliding in is lost (as a citizen would, tap it again)."""
    for attempt in range(tries):
        option.tap()
        try:
            step.wait_for(state="hidden", timeout=5000)
            return
        except PlaywrightTimeout:
            if attempt == tries - 1:
                raise


def answer_all(page, points: str, overall: str, lang: str, channel: bool = True) -> None:
    """Tap an answer on each screen (a tapped answer moves on by itself)."""
    if channel:
        page.locator('section[data-name="channel"] label.k-option').first.tap()
    for number in range(1, 10):
        question = page.locator(f'section[data-name="c{number}"]')
        question.wait_for(state="visible")
        if number == 1:
            screenshot(page, f"kiosk-question-{lang}")
        tap_until_moved_on(question, question.locator(f'label.k-option:has(input[value="{points}"])'))
    overall_step = page.locator('section[data-name="overall"]')
    overall_step.wait_for(state="visible")
    overall_step.locator(f'label.k-option:has(input[value="{overall}"])').tap()
    page.locator('section[data-name="comment"]').wait_for(state="visible")


def assert_nothing_personal(page, dossier) -> None:
    page.locator("#k-welcome").wait_for(state="visible", timeout=(IDLE + THANKS + 3) * 1000)
    html = page.content()
    assert dossier.id not in html and "P. M. K." not in html and dossier.procedure_name["vi"] not in html
    assert page.locator("#k-code").input_value() == ""
    assert page.locator("#k-card").inner_html() == "" and page.locator("#k-quiz input:checked").count() == 0
    assert page.evaluate("document.body.dataset.lang") == "vi"  # the next citizen starts in Vietnamese


def test_the_kiosk_flow_end_to_end_in_both_languages(
    app, browser, kiosk_context, live_server, city, seeded, quick_kiosk
):
    from formplatform.satisfaction.models import Rating
    from kiosk.models import KioskDevice

    with app.app_context():
        first = make_dossier(city, "d1_ward", seq=31)
        second = make_dossier(city, "d1_ward", seq=32, status="finished")
        running = make_dossier(city, "d1_ward", seq=33, status="processing")
    admin, code = create_kiosk_as_admin(browser, live_server, city.id("d1_ward"))

    kiosk = kiosk_context.new_page()
    kiosk.goto(f"{live_server}/kiosk")  # the address the kiosk keeps: it asks for pairing first
    kiosk.locator("#k-pair-form").wait_for(state="visible")
    tap_keys(kiosk, "k-pair-code", code)
    screenshot(kiosk, "kiosk-pair-vi")
    kiosk.locator("#k-pair-form button[type=submit]").tap()
    kiosk.locator("#k-welcome").wait_for(state="visible")
    device = KioskDevice.objects.get(name="Ki-ốt quầy 3")
    assert device.state == "paired"
    assert kiosk.evaluate("document.activeElement.id") == "k-code"  # ready for a scanner
    screenshot(kiosk, "kiosk-welcome-vi")

    # Vietnamese: the short code typed on the on-screen keypad
    tap_keys(kiosk, "k-code", "261110-0031")
    kiosk.locator("#k-look-up").tap()
    kiosk.locator("#k-pin-step").wait_for(state="visible")  # a typed code needs the PIN from the receipt
    assert kiosk.evaluate("document.activeElement.id") == "k-pin" and "P. M. K." not in kiosk.content()
    pin = pin_of(app, first.id)
    tap_keys(kiosk, "k-pin", f"{(int(pin) + 1) % 1_000_000:06d}")
    kiosk.locator("#k-pin-send").tap()
    kiosk.locator("#k-pin-error").wait_for(state="visible")
    assert "Mã PIN không khớp" in kiosk.locator("#k-pin-error").inner_text()
    assert kiosk.locator("#k-pin").input_value() == "" and "P. M. K." not in kiosk.content()
    screenshot(kiosk, "kiosk-pin-wrong-vi")
    tap_keys(kiosk, "k-pin", pin)
    kiosk.locator("#k-pin-send").tap()
    card = kiosk.locator("#k-card")
    card.wait_for(state="visible")
    assert first.id in card.inner_text() and "Cấp bản sao trích lục hộ tịch" in card.inner_text()
    assert "P. M. K." in card.inner_text() and "Phạm" not in kiosk.content()
    screenshot(kiosk, "kiosk-status-vi")
    kiosk.locator("#k-rate").tap()
    answer_all(kiosk, "2", "very_satisfied", "vi")
    kiosk.locator('section[data-name="comment"] [data-action="back"]').tap()  # back keeps the answer
    assert kiosk.locator('section[data-name="overall"] input:checked').get_attribute("value") == "very_satisfied"
    kiosk.locator('section[data-name="overall"] [data-action="next"]').tap()
    kiosk.locator("#kq-comment").fill("Cán bộ hướng dẫn tận tình")
    kiosk.locator('section[data-name="comment"] [data-action="send"]').tap()
    kiosk.locator("#k-thanks").wait_for(state="visible")
    assert kiosk.locator("#k-thanks-note").is_hidden()
    screenshot(kiosk, "kiosk-thanks-vi")
    stored = Rating.objects.get(dossier_code=first.id)
    assert (stored.channel, stored.device_id, stored.locale, stored.total) == ("kiosk", device.id, "vi", 18)
    assert stored.data["comment"] == "Cán bộ hướng dẫn tận tình" and stored.overall == "very_satisfied"
    assert_nothing_personal(kiosk, first)  # the thank-you screen goes away by itself
    screenshot(kiosk, "kiosk-reset-vi")

    # English, landscape: a scanner types the full code and Enter; the network drops while sending
    kiosk.set_viewport_size({"width": 1280, "height": 800})
    kiosk.locator('.k-lang__btn[data-lang="en"]').tap()
    screenshot(kiosk, "kiosk-welcome-en")
    kiosk.keyboard.type(second.id.lower())
    kiosk.keyboard.press("Enter")
    kiosk.locator("#k-pin-step").wait_for(state="visible")
    screenshot(kiosk, "kiosk-pin-en")
    kiosk.keyboard.type(pin_of(app, second.id))
    kiosk.keyboard.press("Enter")
    kiosk.locator("#k-card").wait_for(state="visible")
    assert "Issuing a copy of a civil-status extract" in kiosk.locator("#k-card").inner_text()
    assert "Result ready" in kiosk.locator("#k-card").inner_text()
    screenshot(kiosk, "kiosk-status-en")
    kiosk.locator("#k-rate").tap()
    kiosk.locator('section[data-name="channel"] label.k-option').first.tap()
    kiosk.locator('section[data-name="c1"]').wait_for(state="visible")
    kiosk.locator('section[data-name="c1"] [data-action="next"]').tap()  # a required question
    assert kiosk.locator('section[data-name="c1"] .k-q__need').is_visible()
    kiosk.locator('.k-lang__btn[data-lang="vi"]').tap()  # switching language keeps the question
    assert kiosk.locator('section[data-name="c1"]').is_visible()
    assert "Tổng thời gian" in kiosk.locator('section[data-name="c1"]').inner_text()
    kiosk.locator('.k-lang__btn[data-lang="en"]').tap()
    answer_all(kiosk, "1", "satisfied", "en", channel=False)
    kiosk_context.set_offline(True)
    kiosk.locator('section[data-name="comment"] [data-action="send"]').tap()
    kiosk.locator("#k-thanks").wait_for(state="visible")
    assert "will be sent as soon as the connection is back" in kiosk.locator("#k-thanks-note").inner_text()
    assert len(kiosk.evaluate("JSON.parse(localStorage.getItem('kiosk.outbox.v1'))")) == 1
    screenshot(kiosk, "kiosk-thanks-offline-en")
    assert Rating.objects(dossier_code=second.id).count() == 0
    assert_nothing_personal(kiosk, second)
    kiosk_context.set_offline(False)
    deadline = time.time() + 30
    while not Rating.objects(dossier_code=second.id).count() and time.time() < deadline:
        time.sleep(0.3)
    late = Rating.objects.get(dossier_code=second.id)
    assert (late.channel, late.locale, late.total, late.device_id) == ("kiosk", "en", 9, device.id)
    kiosk.wait_for_function("JSON.parse(localStorage.getItem('kiosk.outbox.v1') || '[]').length === 0")

    # a dossier still being handled: its status is shown, and idling clears it
    kiosk.locator('.k-lang__btn[data-lang="en"]').tap()
    kiosk.keyboard.type(running.id)
    kiosk.keyboard.press("Enter")
    kiosk.locator("#k-pin-step").wait_for(state="visible")
    kiosk.keyboard.type(pin_of(app, running.id))
    kiosk.keyboard.press("Enter")
    kiosk.locator("#k-status-note").wait_for(state="visible")
    assert (
        "still being handled" in kiosk.locator("#k-status-note").inner_text() and kiosk.locator("#k-rate").is_hidden()
    )
    screenshot(kiosk, "kiosk-not-rateable-en")
    assert_nothing_personal(kiosk, running)
    assert Rating.objects(device_id=device.id).count() == 2

    # unpairing from the administration: the kiosk's next request shows the pairing page
    admin.goto(f"{live_server}/kiosk/devices/{device.id}/unpair?lang=vi")
    admin.locator("main form button[type=submit]").click()
    admin.wait_for_url("**/kiosk/devices")
    assert "Ki-ốt quầy 3" in admin.locator("main").inner_text()
    assert admin.locator(f'tr[data-kiosk="{device.id}"] [data-state="revoked"]').count() == 1
    screenshot(admin, "kiosk-admin-list-vi")
    admin.context.close()
    kiosk.keyboard.type("261110-0031")
    kiosk.keyboard.press("Enter")
    kiosk.wait_for_url("**/kiosk/pair")
