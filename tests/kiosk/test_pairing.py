"""Pairing kiosks: a code shown once, valid 15 minutes, single use; unpairing revokes the device;
administrators only see and manage the kiosks of their own agencies."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest

from tests.conftest import csrf_token, log_in
from tests.fixtures.city import CITY_PASSWORD


def make_kiosk(app, city, agency="d1", actor="quantri", name="Kiosk 1"):
    from kiosk.pairing import create_kiosk

    with app.test_request_context():
        return create_kiosk(city.id(agency), name, city.users[actor], "Tầng trệt")


def pair_screen(client, code):
    """What the kiosk's browser does: open the pairing page and send the code typed on its keypad."""
    return client.post("/kiosk/pair", data={"code": code, "csrf_token": csrf_token(client, "/kiosk/pair")})


def pair_device(app, city, client, agency="d1"):
    device, code = make_kiosk(app, city, agency)
    response = pair_screen(client, code)
    assert response.status_code == 302 and response.headers["Location"].endswith("/kiosk")
    return device, response


def test_a_pairing_code_is_shown_once_stored_hashed_and_spent_once(app, city):
    from formplatform.audit.models import AuditEvent
    from formplatform.errors import Conflict
    from kiosk.models import KioskDevice
    from kiosk.pairing import kiosk_from_token, pair_kiosk

    device, code = make_kiosk(app, city)
    assert re.fullmatch(r"\d{8}", code)
    stored = KioskDevice.objects.get(id=device.id)
    assert stored.state == "pending" and stored.code_hash and code not in str(stored.to_mongo())
    with app.test_request_context():
        paired, token = pair_kiosk(code, "10.0.0.5")
        assert kiosk_from_token(token).id == device.id
        with pytest.raises(Conflict) as again:
            pair_kiosk(code, "10.0.0.5")
    assert again.value.code == "kiosk_pairing_code_wrong"
    stored.reload()
    assert stored.state == "paired" and stored.code_hash is None and stored.paired_at is not None
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in str(stored.to_mongo())
    assert stored.last_seen_at is not None
    actions = [e.action for e in AuditEvent.objects(target_id=device.id).order_by("created_at")]
    assert actions == ["kiosk.create", "kiosk.pair"]


def test_an_expired_code_is_refused_and_a_new_one_works(app, city):
    from formplatform.errors import Conflict
    from formplatform.models import utcnow
    from kiosk.models import KioskDevice
    from kiosk.pairing import pair_kiosk, renew_pairing_code

    device, code = make_kiosk(app, city)
    KioskDevice.objects(id=device.id).update_one(set__code_expires_at=utcnow() - timedelta(seconds=1))
    assert KioskDevice.objects.get(id=device.id).display_state == "code_expired"
    with app.test_request_context():
        with pytest.raises(Conflict):
            pair_kiosk(code)
        _, fresh = renew_pairing_code(device.id, city.users["quantri"])
        assert fresh != code
        with pytest.raises(Conflict):
            pair_kiosk(code)  # the old code stays dead
        assert pair_kiosk(fresh)[0].id == device.id
        with pytest.raises(Conflict) as paired:
            renew_pairing_code(device.id, city.users["quantri"])
    assert paired.value.code == "kiosk_already_paired"


def test_wrong_codes_from_one_address_lock_pairing_there(app, city):
    from formplatform.errors import Conflict, TooManyRequests
    from kiosk.pairing import PAIRING_FAILURES, pair_kiosk

    _, code = make_kiosk(app, city)
    wrong = "00000000" if code != "00000000" else "11111111"
    with app.test_request_context():
        for _ in range(PAIRING_FAILURES):
            with pytest.raises(Conflict):
                pair_kiosk(wrong, "10.0.0.9")
        with pytest.raises(TooManyRequests) as locked:
            pair_kiosk(code, "10.0.0.9")  # even the right code, from the guessing address
        assert locked.value.code == "kiosk_pairing_locked"
        assert pair_kiosk(code, "10.0.0.10")[0].state == "paired"  # another address is not punished


def test_the_pairing_page_sets_a_strict_kiosk_cookie_and_opens_the_screen(app, city, seeded, client):
    _, response = pair_device(app, city, client)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("kiosk_device=") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Path=/kiosk" in cookie and "Max-Age=" in cookie
    screen = client.get("/kiosk")
    html = screen.get_data(as_text=True)
    assert screen.status_code == 200 and screen.headers["Cache-Control"] == "no-store"
    assert 'id="k-code"' in html and "UBND Quận 1" in html and "District 1 People" in html
    assert "fp-nav" not in html and "<script>" not in html  # own frame, no inline script
    assert client.get("/kiosk/pair").status_code == 302  # a paired screen goes straight to the kiosk


def test_a_wrong_code_on_the_pairing_page_says_so_in_both_languages(app, city, client):
    make_kiosk(app, city)
    response = pair_screen(client, "12")
    html = response.get_data(as_text=True)
    assert response.status_code == 409 and 'data-code="kiosk_pairing_code_wrong"' in html
    assert "kiosk_device=" not in response.headers.get("Set-Cookie", "")
    unpaired = client.get("/kiosk")
    assert unpaired.status_code == 200 and 'id="k-pair-form"' in unpaired.get_data(as_text=True)


def test_unpairing_revokes_the_device_at_its_next_request(app, city, seeded, client):
    from formplatform.audit.models import AuditEvent
    from kiosk.models import KioskDevice

    device, _ = pair_device(app, city, client)
    assert client.get("/kiosk").status_code == 200
    admin = app.test_client()
    log_in(admin, "quantri", CITY_PASSWORD)
    confirm = admin.get(f"/kiosk/devices/{device.id}/unpair?lang=en")
    assert confirm.status_code == 200 and "Unpair kiosk Kiosk 1?" in confirm.get_data(as_text=True)
    assert KioskDevice.objects.get(id=device.id).state == "paired"  # the GET only asks
    done = admin.post(
        f"/kiosk/devices/{device.id}/unpair",
        data={"csrf_token": csrf_token(admin, f"/kiosk/devices/{device.id}/unpair")},
    )
    assert done.status_code == 302
    stored = KioskDevice.objects.get(id=device.id)
    assert stored.state == "revoked" and stored.token_hash is None and stored.revoked_at is not None
    assert 'id="k-pair-form"' in client.get("/kiosk").get_data(as_text=True)  # the pairing page again
    refused = client.post("/kiosk/api/lookup", json={"code": "250314-0012"}, headers={"X-Kiosk": "1"})
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "kiosk_not_paired"
    assert AuditEvent.objects(target_id=device.id, action="kiosk.unpair").count() == 1


def test_administrators_create_kiosks_in_the_ui_and_see_the_code_once(app, city, client):
    from kiosk.models import KioskDevice

    log_in(client, "quantri", CITY_PASSWORD)
    empty = client.get("/kiosk/devices?lang=en").get_data(as_text=True)
    assert "There are no kiosks yet." in empty
    form = client.get("/kiosk/devices/new?lang=en")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.get_data(as_text=True)).group(1)
    missing = client.post("/kiosk/devices/new", data={"agency_id": "", "name": "", "csrf_token": token})
    assert missing.status_code == 422 and KioskDevice.objects.count() == 0
    created = client.post(
        "/kiosk/devices/new",
        data={"agency_id": city.id("d1_ward"), "name": "Ki-ốt <b>1</b>", "location": "Quầy 3", "csrf_token": token},
    )
    html = created.get_data(as_text=True)
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    code = re.search(r'id="pairing-code"[^>]*>(\d{4}) (\d{4})<', html)
    assert code and 'id="pair-url">http://localhost/kiosk<' in html and "Ki-ốt &lt;b&gt;1&lt;/b&gt;" in html
    listing = client.get("/kiosk/devices?lang=en").get_data(as_text=True)
    assert "Waiting for pairing" in listing and "Ki-ốt &lt;b&gt;1&lt;/b&gt;" in listing
    assert "".join(code.groups()) not in listing
    assert client.get("/kiosk/devices?q=quầy").get_data(as_text=True).count("data-kiosk=") == 1
    assert client.get("/kiosk/devices?q=nothing-like-it").get_data(as_text=True).count("data-kiosk=") == 0


def test_kiosks_are_managed_within_the_administrators_scope(app, city, district_admin, client):
    from formplatform.errors import Forbidden

    foreign, _ = make_kiosk(app, city, "d3", name="Kiosk Q3")
    own, _ = make_kiosk(app, city, "d1_ward", name="Kiosk Bến Nghé")
    with app.test_request_context(), pytest.raises(Forbidden):
        from kiosk.pairing import create_kiosk

        create_kiosk(city.id("d3"), "Not mine", district_admin)
    log_in(client, "qt_q1", CITY_PASSWORD)
    listing = client.get("/kiosk/devices").get_data(as_text=True)
    assert "Kiosk Bến Nghé" in listing and "Kiosk Q3" not in listing
    assert client.get(f"/kiosk/devices/{foreign.id}/unpair").status_code == 404
    assert client.get(f"/kiosk/devices/{own.id}/unpair").status_code == 200
    options = client.get("/kiosk/devices/new").get_data(as_text=True)
    assert city.id("d1_ward") in options and city.id("d3") not in options
    token = csrf_token(client, "/kiosk/devices/new")
    refused = client.post("/kiosk/devices/new", data={"agency_id": city.id("d3"), "name": "X", "csrf_token": token})
    assert refused.status_code == 422
    viewer = app.test_client()
    log_in(viewer, "xem_q1", CITY_PASSWORD)
    assert viewer.get("/kiosk/devices").status_code == 403
    assert app.test_client().get("/kiosk/devices").status_code in (302, 401)
