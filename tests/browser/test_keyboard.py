"""Issue 22: keyboard-only use. A citizen fills and submits the public questionnaire with Tab, Space, typing and
Enter alone, and rates a dossier on the kiosk the same way; every element the focus reaches shows it."""

from __future__ import annotations

from typing import Any

from tests.fixtures.satisfaction import make_dossier, pin_of

# What has the focus, and whether it can be seen (an outline or a ring; a kiosk option shows it on its label).
FOCUSED = """() => {
  const e = document.activeElement;
  const shown = el => { const s = getComputedStyle(el);
    return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'; };
  const ring = e.matches('input[type=radio], input[type=checkbox]') && e.nextElementSibling
    ? shown(e) || shown(e.nextElementSibling) : shown(e);
  const group = e.name ? document.querySelectorAll(`input[name="${e.name}"]:checked`).length : 0;
  return {tag: e.tagName.toLowerCase(), type: e.type || '', name: e.name || e.id || '', answered: group > 0,
          submit: e.matches('form.fp-form button[type=submit]'), visible: ring};
}"""


def tab_through_the_form(page: Any) -> list[str]:
    """Answer each radio group with its first option (Space), type a comment, press Enter on Submit."""
    unseen = []
    for _ in range(150):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if not focused["visible"]:
            unseen.append(f"{focused['tag']} {focused['name']}")
        if focused["type"] == "radio" and not focused["answered"]:
            page.keyboard.press("Space")
        elif focused["tag"] == "textarea":
            page.keyboard.type("Gõ bằng bàn phím")
        elif focused["submit"]:
            page.keyboard.press("Enter")
            return unseen
    raise AssertionError("the submit button was never reached with Tab")


def test_the_public_questionnaire_is_filled_and_sent_with_the_keyboard_only(page, live_server, seeded):
    from formplatform.models import Submission

    page.goto(f"{live_server}/forms/dossier-satisfaction?lang=vi")
    unseen = tab_through_the_form(page)
    page.wait_for_url("**/submissions/**")
    assert "18 / 18" in page.locator("main").inner_text()
    stored = Submission.objects.get()
    assert stored.data["comment"] == "Gõ bằng bàn phím" and stored.data["channel"] == "counter"
    assert unseen == []


def test_a_kiosk_rating_is_given_with_the_keyboard_only(app, browser, live_server, city, seeded):
    from formplatform.satisfaction.models import Rating
    from kiosk.pairing import create_kiosk
    from tests.browser.test_accessibility import pair_kiosk_page

    with app.app_context():
        dossier = make_dossier(city, "d1_ward", seq=51, status="finished")
        _, code = create_kiosk(city.id("d1_ward"), "Ki-ốt bàn phím", city.users["quantri"])
    context = browser.new_context(viewport={"width": 1080, "height": 1400})
    page = context.new_page()
    pair_kiosk_page(page, live_server, code)
    page.keyboard.type(dossier.id)  # the focus waits in the code box
    page.keyboard.press("Enter")
    page.locator("#k-pin-step").wait_for(state="visible")
    page.keyboard.type(pin_of(app, dossier.id))
    page.keyboard.press("Enter")
    page.locator("#k-card").wait_for(state="visible")
    tab_until(page, "#k-rate")
    page.keyboard.press("Enter")
    for name in ["channel", *(f"c{n}" for n in range(1, 10)), "overall"]:
        page.locator(f'section[data-name="{name}"]').wait_for(state="visible")
        tab_until(page, f'section[data-name="{name}"] input[type=radio]')
        page.keyboard.press("Space")
        page.keyboard.press("Enter")  # Enter on an answer means "next"
    page.locator('section[data-name="comment"]').wait_for(state="visible")
    tab_until(page, 'section[data-name="comment"] [data-action="send"]')
    page.keyboard.press("Enter")
    page.locator("#k-thanks").wait_for(state="visible")
    rating = Rating.objects.get(dossier_code=dossier.id)
    assert (rating.total, rating.overall, rating.channel) == (18, "very_satisfied", "kiosk")
    context.close()


def tab_until(page: Any, selector: str, limit: int = 40) -> None:
    """Press Tab until the element matching `selector` has the focus, and check the focus is visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            assert page.evaluate(FOCUSED)["visible"], f"{selector} has the focus but does not show it"
            return
    raise AssertionError(f"Tab never reached {selector}")
