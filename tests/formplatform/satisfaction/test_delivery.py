"""Ratings that arrive late or twice: a retry after a failed insert is stored once, and a kiosk's backlog
is dated, counted and rate-limited as of its capture, not of its arrival."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.fixtures.satisfaction import ANSWERS, make_dossier

# 08:00 on 1 January 2030 in Ho Chi Minh City (UTC+7); in the future, so no TTL index removes the counters
NOW = datetime(2030, 1, 1, 1, 0)


@pytest.fixture
def limits(app):
    saved = {k: app.config[k] for k in ("RATING_DEVICE_LIMIT", "RATING_DEVICE_BURST")}
    app.config.update(RATING_DEVICE_LIMIT=4, RATING_DEVICE_BURST=2)
    yield app.config
    app.config.update(saved)


@pytest.fixture
def frozen(monkeypatch):
    """The server's clock at NOW while ratings are stored."""
    from formplatform.satisfaction import ratings

    monkeypatch.setattr(ratings, "utcnow", lambda: NOW)
    return NOW


# ---- a spent token whose rating was never stored ---------------------------------------------------------


def test_a_rating_whose_insert_failed_is_stored_on_retry_with_the_same_token(app, city, seeded, monkeypatch):
    from pymongo.errors import AutoReconnect

    from formplatform.errors import Conflict
    from formplatform.satisfaction.models import Rating
    from formplatform.satisfaction.ratings import submit_rating

    def connection_lost(*args, **kwargs):
        raise AutoReconnect("connection lost")

    with app.test_request_context():
        dossier = make_dossier(city, seq=1)
        with monkeypatch.context() as broken:
            broken.setattr(Rating, "save", connection_lost)
            with pytest.raises(AutoReconnect):
                submit_rating(dossier.id, ANSWERS, channel="kiosk", token_nonce="n-1", device_id="k1")
        assert Rating.objects.count() == 0
        submit_rating(dossier.id, ANSWERS, channel="kiosk", token_nonce="n-1", device_id="k1")  # the outbox retries
        stored = Rating.objects(dossier_code=dossier.id).get()
        assert stored.token_nonce == "n-1"  # the kiosk recognises its own rating by it when an answer got lost
        with pytest.raises(Conflict) as again:
            submit_rating(dossier.id, ANSWERS, channel="kiosk", token_nonce="n-1", device_id="k1")
        assert again.value.code == "already_rated"
        assert Rating.objects.count() == 1


# ---- capture times ----------------------------------------------------------------------------------------


def test_a_claimed_capture_time_is_kept_only_when_plausible():
    from formplatform.satisfaction.ratings import capture_time

    issued = NOW - timedelta(hours=10)
    assert capture_time(None, NOW) == NOW
    assert capture_time(NOW - timedelta(hours=9), NOW, issued) == NOW - timedelta(hours=9)
    assert capture_time(NOW + timedelta(minutes=1), NOW, issued) == NOW  # a kiosk clock a little ahead
    assert capture_time(NOW + timedelta(hours=1), NOW, issued) == NOW  # too far ahead: arrival time
    assert capture_time(NOW - timedelta(days=8), NOW) == NOW  # too old: arrival time
    assert capture_time(NOW - timedelta(days=6), NOW) == NOW - timedelta(days=6)
    assert capture_time(NOW - timedelta(hours=11), NOW, issued) == issued  # nobody rates before the look-up


def deliver_backlog(city, captured: list[datetime]) -> list[str]:
    """Deliver one kiosk's queued ratings at once, each with its capture time; statuses or refusal codes."""
    from formplatform.errors import TooManyRequests
    from formplatform.satisfaction.ratings import submit_rating

    outcomes = []
    for seq, at in enumerate(captured, 1):
        dossier = make_dossier(city, seq=seq)
        try:
            rating = submit_rating(dossier.id, ANSWERS, channel="kiosk", device_id="kiosk-1", captured_at=at)
            outcomes.append(rating.status)
        except TooManyRequests as error:
            outcomes.append(error.code)
    return outcomes


def test_an_overnight_backlog_is_counted_in_the_day_and_month_it_was_captured(app, city, seeded, limits, frozen):
    from formplatform.satisfaction.models import Rating, Rollup

    # 31 December, 14:00 to 15:45 local time, one rating every 15 minutes: sent at once on 1 January
    captured = [datetime(2029, 12, 31, 7, 0) + timedelta(minutes=15 * i) for i in range(8)]
    with app.test_request_context():
        assert deliver_backlog(city, captured) == ["counted"] * 8  # no burst, no "try later"
        ratings = Rating.objects.order_by("created_at")
        assert [r.created_at for r in ratings] == captured and {r.stored_at for r in ratings} == {NOW}
        ward = city.id("d1_ward")
        months = {r["period"]: r["n"] for r in Rollup.objects(kind="agency", agency_id=ward).as_pymongo()}
        assert months.get("2029-12") == months.get("2029") == 8 and "2030-01" not in months


def test_a_backlog_that_was_a_burst_when_captured_is_flagged_never_refused(app, city, seeded, limits, frozen):
    captured = [NOW - timedelta(hours=3) + timedelta(seconds=5 * i) for i in range(7)]  # 7 in 30 s, 3 h ago
    with app.test_request_context():
        outcomes = deliver_backlog(city, captured)
    assert outcomes == ["counted", "counted"] + ["flagged"] * 5  # over the burst and the 10-minute limit alike


def test_live_ratings_over_the_limit_are_still_refused(app, city, seeded, limits, frozen):
    with app.test_request_context():
        outcomes = deliver_backlog(city, [NOW - timedelta(seconds=5)] * 6)
    assert outcomes == ["counted", "counted", "flagged", "flagged", "rating_rate_limited", "rating_rate_limited"]
