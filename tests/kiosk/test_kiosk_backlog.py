"""The kiosk's outbox after trouble: a rating whose first attempt failed on the server is stored on retry,
a late rating keeps its capture time, and a dossier's rating QR scanned at the kiosk finds the dossier."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from tests.fixtures.satisfaction import make_dossier
from tests.kiosk.test_kiosk_api import lookup, rate
from tests.kiosk.test_pairing import pair_device

HOUR = 3600


@pytest.fixture
def kiosk(app, city, seeded, client):
    """A kiosk of Bến Nghé ward, paired through its pairing page (the client holds its cookie)."""
    device, _ = pair_device(app, city, client, "d1_ward")
    return device


def minted_ago(app, monkeypatch, code: str, seconds: int) -> str:
    """A rating token as the kiosk's look-up issued it `seconds` ago."""
    from itsdangerous.timed import TimestampSigner

    from kiosk.tokens import mint_rating_token

    with monkeypatch.context() as past, app.test_request_context():
        past.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - seconds)
        return mint_rating_token(code)


def ms(moment: datetime) -> int:
    return int((moment - datetime(1970, 1, 1)).total_seconds() * 1000)


def test_a_rating_lost_by_a_server_error_after_its_token_was_spent_is_stored_on_retry(
    app, city, kiosk, client, monkeypatch
):
    from pymongo.errors import AutoReconnect

    from formplatform.satisfaction.models import Rating

    def connection_lost(*args, **kwargs):
        raise AutoReconnect("connection lost")

    dossier = make_dossier(city, "d1_ward", seq=21)
    token = lookup(client, dossier.id).get_json()["token"]
    with monkeypatch.context() as broken:
        broken.setattr(Rating, "save", connection_lost)
        assert rate(client, token).status_code == 503  # the database went away: the outbox keeps it (5xx is not final)
    assert Rating.objects.count() == 0
    retry = rate(client, token)
    assert retry.status_code == 201, retry.get_json()
    assert rate(client, token).status_code == 200  # and a lost answer to the retry is still a success
    assert Rating.objects(dossier_code=dossier.id).count() == 1


def test_a_late_rating_is_dated_when_it_was_captured(app, city, kiosk, client, monkeypatch):
    from formplatform.models import utcnow
    from formplatform.satisfaction.models import Rating

    dossier = make_dossier(city, "d1_ward", seq=22)
    token = minted_ago(app, monkeypatch, dossier.id, 10 * HOUR)
    captured = utcnow().replace(microsecond=0) - timedelta(hours=9)
    assert rate(client, token, captured_at=ms(captured)).status_code == 201
    rating = Rating.objects.get(dossier_code=dossier.id)
    assert abs(rating.created_at - captured) < timedelta(seconds=1)
    assert utcnow() - rating.stored_at < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("captured", "expected"),
    [
        (lambda now: ms(now + timedelta(hours=2)), "now"),  # the kiosk's clock runs far ahead
        (lambda now: ms(now - timedelta(days=9)), "now"),  # older than any outbox entry can be
        (lambda now: ms(now - timedelta(hours=12)), "issued"),  # before its dossier was looked up
        (lambda now: "yesterday", "now"),
    ],
)
def test_an_implausible_capture_time_is_not_believed(app, city, kiosk, client, monkeypatch, captured, expected):
    from formplatform.models import utcnow
    from formplatform.satisfaction.models import Rating

    dossier = make_dossier(city, "d1_ward", seq=23)
    token = minted_ago(app, monkeypatch, dossier.id, 10 * HOUR)
    now = utcnow()
    assert rate(client, token, captured_at=captured(now)).status_code == 201
    rating = Rating.objects.get(dossier_code=dossier.id)
    target = now if expected == "now" else now - timedelta(hours=10)
    assert abs(rating.created_at - target) < timedelta(seconds=5)


def test_a_scanned_rating_qr_finds_its_dossier(app, city, kiosk, client, monkeypatch):
    from kiosk.qr import dossier_rating_url

    dossier = make_dossier(city, "d1_ward", seq=24)
    with app.test_request_context(base_url="https://dichvucong.hochiminhcity.gov.vn"):
        link = dossier_rating_url(dossier.id)
    assert link.startswith("https://dichvucong.hochiminhcity.gov.vn/r/")
    found = lookup(client, f"{link}\n")
    assert found.status_code == 200 and found.get_json()["dossier"]["code"] == dossier.id
    assert found.get_json()["token"] and found.get_json()["state"] == "rateable"
    old = minted_ago(app, monkeypatch, dossier.id, 400 * 24 * HOUR)  # an expired slip still names its dossier
    assert lookup(client, f"https://host/r/{old}").get_json()["dossier"]["code"] == dossier.id
    forged = lookup(client, f"https://host/r/{old[:-3]}xyz")
    assert forged.status_code == 400 and forged.get_json()["error"]["code"] == "rating_token_invalid"
    poster = lookup(client, "https://host/rate?agency=abc")
    assert poster.status_code == 422 and poster.get_json()["error"]["code"] == "bad_dossier_code"


def test_a_scanned_qr_of_another_agencys_dossier_is_not_found(app, city, kiosk, client):
    from kiosk.tokens import mint_rating_token

    foreign = make_dossier(city, "d3_ward", seq=25)
    with app.test_request_context():
        token = mint_rating_token(foreign.id)
    refused = lookup(client, f"https://host/r/{token}")
    assert refused.status_code == 404 and refused.get_json()["error"]["code"] == "dossier_not_found"
