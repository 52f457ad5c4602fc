"""The QR flow on a phone: scan a dossier's QR (Vietnamese) or a counter poster (English), rate, thanks."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.fixtures.satisfaction import make_dossier, pin_of


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


def answer_everything(page, points: str, overall: str) -> None:
    for number in range(1, 10):
        page.locator(f'input[name="c{number}"][value="{points}"]').check()
    page.locator(f'input[name="overall"][value="{overall}"]').check()


def test_a_citizen_rates_from_the_dossier_qr_in_vietnamese(app, phone, live_server, city, seeded):
    from formplatform.satisfaction.models import Rating
    from kiosk.tokens import mint_rating_token

    with app.test_request_context():
        dossier = make_dossier(city, "d1_ward", seq=21)
        token = mint_rating_token(dossier.id)
    phone.goto(f"{live_server}/r/{token}?lang=vi")
    card = phone.locator(".fp-rating-dossier").inner_text()
    assert dossier.id in card and "Cấp bản sao trích lục hộ tịch" in card and "P. M. K." in card
    answer_everything(phone, "2", "very_satisfied")
    phone.locator('input[name="c1"][value="1"]').check()
    phone.locator('textarea[name="comment"]').fill("Cán bộ hướng dẫn tận tình, chu đáo")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    screenshot(phone, "rating-qr-vi-phone")
    phone.locator("form.fp-form button[type=submit]").click()
    phone.wait_for_url("**/rate/thanks")
    assert "Cảm ơn" in phone.locator("main").inner_text()
    screenshot(phone, "rating-thanks-vi-phone")
    rating = Rating.objects.get(dossier_code=dossier.id)
    assert (rating.total, rating.channel, rating.locale) == (17, "qr", "vi")
    assert rating.data["comment"] == "Cán bộ hướng dẫn tận tình, chu đáo"
    phone.goto(f"{live_server}/r/{token}")  # scanning the same slip again
    assert "đã được đánh giá" in phone.locator("main").inner_text()


def test_a_citizen_rates_from_the_counter_poster_in_english(app, phone, live_server, city, seeded):
    from formplatform.satisfaction.models import Rating

    with app.app_context():
        dossier = make_dossier(city, "d3_ward", seq=7, status="finished")
    ward = city.agencies["d3_ward"]
    phone.goto(f"{live_server}/rate?agency={ward.id}&lang=en")
    assert "Vo Thi Sau Ward" in phone.locator("main").inner_text()
    phone.locator("#dossier-code").fill("261110-0008")  # a typo first
    phone.locator("#rating-pin").fill(pin_of(app, dossier.id))  # the PIN printed beside the code
    phone.locator("form.fp-rating-code button[type=submit]").click()
    assert "No dossier has this code" in phone.locator("#dossier-code-error").inner_text()
    screenshot(phone, "rating-code-error-en-phone")
    phone.locator("#dossier-code").fill("261110-0007")
    phone.locator("form.fp-rating-code button[type=submit]").click()  # the page kept the code, not the PIN
    assert "Enter the 6-digit rating PIN" in phone.locator("#rating-pin-error").inner_text()
    screenshot(phone, "rating-code-pin-en-phone")
    phone.locator("#rating-pin").fill(pin_of(app, dossier.id))
    phone.locator("form.fp-rating-code button[type=submit]").click()
    phone.wait_for_url("**/r/**")
    assert dossier.id in phone.locator(".fp-rating-dossier").inner_text()
    answer_everything(phone, "1", "satisfied")
    screenshot(phone, "rating-poster-en-phone")
    phone.locator("form.fp-form button[type=submit]").click()
    phone.wait_for_url("**/rate/thanks")
    assert "Thank you for your rating" in phone.locator("main").inner_text()
    assert Rating.objects.get(dossier_code=dossier.id).total == 9
