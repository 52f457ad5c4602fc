"""The kiosk's JSON endpoints: look a dossier up (typed, scanned or short code), rate it once, and
refuse what a kiosk must not see or do (other agencies' dossiers, replays, floods, foreign pages)."""

from __future__ import annotations

import pytest

from tests.fixtures.satisfaction import ANSWERS, answers, make_dossier, pin_of
from tests.kiosk.test_pairing import pair_device

KIOSK = {"X-Kiosk": "1"}


@pytest.fixture
def kiosk(app, city, seeded, client):
    """A kiosk of Bến Nghé ward, paired through its pairing page (the client holds its cookie)."""
    device, _ = pair_device(app, city, client, "d1_ward")
    return device


TYPED = object()  # a typed full code: send the PIN printed beside it


def lookup(client, code, headers=KIOSK, pin=TYPED):
    """A look-up as the kiosk screen sends it: a scanned link alone, a typed code with its PIN."""
    body = {"code": code}
    if pin is TYPED and not code.strip().startswith("http"):
        pin = pin_of(client.application, code)
    if pin not in (None, TYPED):
        body["pin"] = pin
    return client.post("/kiosk/api/lookup", json=body, headers=headers)


def rate(client, token, data=None, **extra):
    body = {"token": token, "answers": data or ANSWERS, "locale": "en", "client_id": "c-1", **extra}
    return client.post("/kiosk/api/rate", json=body, headers=KIOSK)


def ratings_today(device) -> int:
    """The kiosk list's "ratings today" of a device, as kept at intake."""
    from formplatform.models import utcnow
    from formplatform.satisfaction.models import RatingCounter
    from formplatform.satisfaction.periods import local_date
    from formplatform.satisfaction.ratings import device_day_key

    return RatingCounter.peek(device_day_key(device.id, local_date(utcnow())))


def test_a_scanned_code_shows_the_dossier_card_with_a_rating_token(app, city, kiosk, client):
    from kiosk.tokens import read_rating_token

    dossier = make_dossier(city, "d1_ward", seq=12)
    found = lookup(client, f" {dossier.id.lower()}\n")  # scanners add a newline; case does not matter
    body = found.get_json()
    assert found.status_code == 200 and body["state"] == "rateable" and body["message"] is None
    card = body["dossier"]
    assert card["code"] == dossier.id and card["status"] == "returned"
    assert card["procedure"]["en"] == "Issuing a copy of a civil-status extract"
    assert card["agency"]["vi"] == "UBND Phường Bến Nghé"
    assert (card["received"], card["due"], card["finished"]) == ("10/11/2026", "15/11/2026", "13/11/2026")
    assert card["applicant"] == "P. M. K." and "Phạm" not in found.get_data(as_text=True)
    assert "Nguyễn Văn Tiếp" not in found.get_data(as_text=True)  # officials are not shown at the kiosk
    with app.test_request_context():
        assert read_rating_token(body["token"]).dossier_code == dossier.id


def test_a_short_code_is_completed_with_the_kiosk_agency(app, city, kiosk, client):
    dossier = make_dossier(city, "d1_ward", seq=7)
    found = lookup(client, "261110-0007", pin=pin_of(app, dossier.id))
    assert found.status_code == 200 and found.get_json()["dossier"]["code"] == dossier.id


def test_dossiers_that_cannot_be_rated_show_their_status_and_why(app, city, kiosk, client):
    from formplatform.satisfaction.ratings import submit_rating

    running = make_dossier(city, "d1_ward", seq=1, status="processing")
    rated = make_dossier(city, "d1_ward", seq=2)
    with app.test_request_context():
        submit_rating(rated.id, ANSWERS, channel="qr")
    first = lookup(client, running.id).get_json()
    assert first["state"] == "not_rateable" and "token" not in first and first["dossier"]["status"] == "processing"
    assert first["message"]["en"].startswith("This dossier is still being handled")
    assert set(first["message"]) == {"vi", "en"} and first["message"]["vi"]
    second = lookup(client, rated.id).get_json()
    assert second["state"] == "already_rated" and "token" not in second
    assert second["message"]["en"] == "This dossier has already been rated. Thank you."


def test_unknown_foreign_and_malformed_codes_are_refused_alike(app, city, kiosk, client):
    foreign = make_dossier(city, "d3_ward", seq=3)
    for code in (foreign.id, "000.31.31.H29-261110-0099"):
        refused = lookup(client, code)
        assert refused.status_code == 404 and refused.get_json()["error"]["code"] == "dossier_not_found"
        assert set(refused.get_json()["error"]["message"]) == {"vi", "en"}
    for code in ("261340-0001", "hello", ""):
        bad = lookup(client, code)
        assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "bad_dossier_code"
    garbage = client.post("/kiosk/api/lookup", data="not json", headers={**KIOSK, "Content-Type": "application/json"})
    assert garbage.status_code == 400


def test_a_district_kiosk_sees_the_dossiers_of_its_wards(app, city, seeded, client):
    pair_device(app, city, client, "d1")
    ward = make_dossier(city, "d1_ward", seq=4)
    assert lookup(client, ward.id).status_code == 200


def test_requests_not_made_by_the_kiosk_script_are_refused(app, city, kiosk, client):
    dossier = make_dossier(city, "d1_ward", seq=5)
    bare = client.post("/kiosk/api/lookup", json={"code": dossier.id}, headers={"Accept": "application/json"})
    assert bare.status_code == 400 and bare.get_json()["error"]["code"] == "csrf_failed"
    evil = {**KIOSK, "Origin": "https://evil.example", "Accept": "application/json"}
    cross = lookup(client, dossier.id, headers=evil)
    assert cross.status_code == 400 and cross.get_json()["error"]["code"] == "csrf_failed"
    assert lookup(client, dossier.id, headers={**KIOSK, "Origin": "http://localhost"}).status_code == 200
    stranger = app.test_client()
    assert lookup(stranger, dossier.id).status_code == 401


def test_a_rating_is_stored_once_and_a_lost_answer_can_be_repeated(app, city, kiosk, client):
    from formplatform.satisfaction.models import Rating

    dossier = make_dossier(city, "d1_ward", seq=6)
    token = lookup(client, dossier.id).get_json()["token"]
    stored = rate(client, token)
    assert stored.status_code == 201 and stored.get_json() == {"status": "stored", "client_id": "c-1"}
    rating = Rating.objects.get(dossier_code=dossier.id)
    assert (rating.channel, rating.device_id, rating.locale, rating.total) == ("kiosk", kiosk.id, "en", 17)
    repeat = rate(client, token)  # the outbox sends again when the first answer was lost
    assert repeat.status_code == 200 and repeat.get_json()["repeat"] is True
    assert Rating.objects(dossier_code=dossier.id).count() == 1
    assert ratings_today(kiosk) == 1  # the repeat is not one more rating of the day
    other = lookup(client, dossier.id).get_json()
    assert other["state"] == "already_rated"


def test_a_replayed_token_or_a_second_rating_is_refused(app, city, kiosk, client):
    from formplatform.satisfaction.models import Rating
    from kiosk.tokens import mint_rating_token

    dossier = make_dossier(city, "d1_ward", seq=8)
    with app.test_request_context():
        first, second = mint_rating_token(dossier.id), mint_rating_token(dossier.id)
    assert rate(client, first).status_code == 201
    again = rate(client, second, answers(0, "not_satisfied"))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_rated"
    other_kiosk = app.test_client()
    pair_device(app, city, other_kiosk, "d1_ward")
    replay = rate(other_kiosk, first)
    assert replay.status_code == 409
    assert Rating.objects(dossier_code=dossier.id).count() == 1
    assert Rating.objects.get(dossier_code=dossier.id).overall == "satisfied"


def test_bad_answers_tokens_and_foreign_dossiers_are_refused_without_spending(app, city, kiosk, client):
    from formplatform.satisfaction.models import Rating
    from kiosk.tokens import mint_rating_token

    dossier = make_dossier(city, "d1_ward", seq=9)
    foreign = make_dossier(city, "d3_ward", seq=9)
    token = lookup(client, dossier.id).get_json()["token"]
    partial = {k: v for k, v in ANSWERS.items() if k != "c4"}
    invalid = rate(client, token, partial)
    assert invalid.status_code == 422 and invalid.get_json()["error"]["errors"][0]["path"] == "c4"
    assert rate(client, "forged-token").get_json()["error"]["code"] == "rating_token_invalid"
    with app.test_request_context():
        elsewhere = mint_rating_token(foreign.id)
    assert rate(client, elsewhere).status_code == 404
    assert Rating.objects.count() == 0
    assert rate(client, token).status_code == 201  # the refused attempt spent nothing


def test_a_flooding_kiosk_is_slowed_down(app, city, kiosk, client):
    saved = app.config["RATING_DEVICE_LIMIT"]
    app.config["RATING_DEVICE_LIMIT"] = 1
    try:
        one, two = make_dossier(city, "d1_ward", seq=10), make_dossier(city, "d1_ward", seq=11)
        assert rate(client, lookup(client, one.id).get_json()["token"]).status_code == 201
        limited = rate(client, lookup(client, two.id).get_json()["token"])
        assert limited.status_code == 429 and limited.get_json()["error"]["code"] == "rating_rate_limited"
        assert ratings_today(kiosk) == 1  # the refused one is not counted as stored
    finally:
        app.config["RATING_DEVICE_LIMIT"] = saved


def test_a_kiosk_rating_is_built_from_the_dossier_its_look_up_showed(app, city, kiosk, client):
    """The look-up's token carries the dossier's card: the rating keeps what the kiosk found then, and a
    token without a card (an old one, from the outbox) reads the dossier as it is now."""
    from formplatform.satisfaction.models import Dossier, Rating
    from kiosk.tokens import mint_rating_token, open_card, read_rating_token

    shown, plain = make_dossier(city, "d1_ward", seq=21), make_dossier(city, "d1_ward", seq=22)
    token = lookup(client, shown.id).get_json()["token"]
    with app.test_request_context():
        sealed = read_rating_token(token).card  # the kiosk cannot read the officials in it
        assert "Nguyễn" not in sealed and open_card(sealed, shown.id)[0]["o"]["receive"]["name"] == "Nguyễn Văn Tiếp"
        without_card = mint_rating_token(plain.id)
    renamed = {"receive": {"id": "cb.moi", "name": "Người Mới"}}
    Dossier.objects(id__in=[shown.id, plain.id]).update(set__officials=renamed)  # corrected after the look-up
    assert rate(client, token).status_code == 201 and rate(client, without_card).status_code == 201
    assert Rating.objects.get(dossier_code=shown.id).names["receive"] == "Nguyễn Văn Tiếp"
    assert Rating.objects.get(dossier_code=plain.id).names["receive"] == "Người Mới"
