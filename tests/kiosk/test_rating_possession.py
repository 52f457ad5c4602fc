"""Rating a dossier by its typed code needs its rating PIN (printed on the receipt and the result slip):
whoever only guesses a code cannot rate in the applicant's name; wrong PINs are throttled per dossier
and per address or kiosk; a scanned QR needs no PIN."""

from __future__ import annotations

import re

import pytest

from tests.conftest import bearer
from tests.fixtures.city import CITY_PASSWORD
from tests.fixtures.satisfaction import make_dossier, pin_of
from tests.formplatform.accounts.conftest import as_user
from tests.kiosk.test_kiosk_api import lookup
from tests.kiosk.test_pairing import pair_device


def page_csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def by_code(client, code: str, pin: str | None, ip: str = "198.51.100.7"):
    html = client.get("/rate?lang=en").get_data(as_text=True)
    data = {"code": code, "csrf_token": page_csrf(html), **({"pin": pin} if pin is not None else {})}
    return client.post("/rate", data=data, environ_base={"REMOTE_ADDR": ip})


def wrong(pin: str) -> str:
    return f"{(int(pin) + 1) % 1_000_000:06d}"


@pytest.fixture
def ready(app, city, seeded):
    return make_dossier(city, "d1_ward", seq=21)


def test_the_pin_is_six_digits_tied_to_the_code_and_the_platform_secret(app, city, seeded, monkeypatch):
    first, second = pin_of(app, "000.31.31.H29-261110-0001"), pin_of(app, "000.31.31.H29-261110-0002")
    assert re.fullmatch(r"\d{6}", first) and first != second
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-platform-secret-0123")
    assert pin_of(app, "000.31.31.H29-261110-0001") != first  # not derivable from the code alone


def test_on_the_web_a_typed_code_opens_the_questionnaire_only_with_its_pin(app, client, ready):
    missing = by_code(client, ready.id, None)
    assert missing.status_code == 422 and 'data-code="rating_pin_required"' in missing.get_data(as_text=True)
    assert 'aria-invalid="true"' in missing.get_data(as_text=True).split('id="rating-pin"')[1][:400]
    refused = by_code(client, ready.id, wrong(pin_of(app, ready.id)))
    assert refused.status_code == 403 and "This PIN does not match" in refused.get_data(as_text=True)
    pin = pin_of(app, ready.id)
    opened = by_code(client, ready.id.lower(), f"{pin[:3]} {pin[3:]}")  # as printed, in two groups
    assert opened.status_code == 302 and "/r/" in opened.headers["Location"]


def test_wrong_pins_lock_the_dossier_for_the_day_whoever_asks(app, client, ready):
    bad = wrong(pin_of(app, ready.id))
    for n in range(5):
        assert by_code(client, ready.id, bad, ip=f"203.0.113.{n}").status_code == 403
    locked = by_code(client, ready.id, pin_of(app, ready.id), ip="203.0.113.99")
    assert locked.status_code == 429 and "until tomorrow" in locked.get_data(as_text=True)


def test_one_address_guessing_across_dossiers_is_stopped(app, client, city, seeded):
    dossiers = [make_dossier(city, "d1_ward", seq=40 + n) for n in range(11)]
    statuses = [by_code(client, d.id, wrong(pin_of(app, d.id)), ip="192.0.2.50").status_code for d in dossiers]
    assert statuses == [403] * 10 + [429]
    other_address = by_code(client, dossiers[-1].id, pin_of(app, dossiers[-1].id), ip="192.0.2.51")
    assert other_address.status_code == 302


def test_at_the_kiosk_a_typed_code_shows_nothing_until_its_pin_is_given(app, city, seeded, client):
    pair_device(app, city, client, "d1_ward")
    dossier = make_dossier(city, "d1_ward", seq=33)
    asked = lookup(client, dossier.id, pin=None)
    assert asked.status_code == 422 and asked.get_json()["error"]["code"] == "rating_pin_required"
    assert "dossier" not in asked.get_json() and "Phạm" not in asked.get_data(as_text=True)
    refused = lookup(client, dossier.id, pin=wrong(pin_of(app, dossier.id)))
    assert refused.status_code == 403 and "dossier" not in refused.get_json() and "token" not in refused.get_json()
    found = lookup(client, "261110-0033", pin=pin_of(app, dossier.id))
    assert found.status_code == 200 and found.get_json()["state"] == "rateable" and found.get_json()["token"]


def test_staff_who_handle_the_dossier_see_its_pin_and_the_one_stop_system_gets_it(app, city, ready):
    pin = pin_of(app, ready.id)
    handler = as_user(app, "cv_q1")
    page = handler.get(f"/admin/dossiers/{ready.id}?lang=en").get_data(as_text=True)
    assert f"{pin[:3]} {pin[3:]}" in page
    viewer = as_user(app, "xem_q1")
    seen = viewer.get(f"/admin/dossiers/{ready.id}?lang=en")
    assert seen.status_code == 200 and f"{pin[:3]} {pin[3:]}" not in seen.get_data(as_text=True)
    client = app.test_client()
    managing = client.get(f"/api/v1/dossiers/{ready.id}", headers=bearer(client, "cv_q1", CITY_PASSWORD))
    assert managing.get_json()["rating_pin"] == pin
    reading = client.get(f"/api/v1/dossiers/{ready.id}", headers=bearer(client, "xem_q1", CITY_PASSWORD))
    assert reading.status_code == 200 and "rating_pin" not in reading.get_json()
