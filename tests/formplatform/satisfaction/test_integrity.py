"""Stuffing defences: hard limits per kiosk and per address, suspicious volumes flagged, reviewed by a person."""

from __future__ import annotations

import pytest

from tests.fixtures.satisfaction import ANSWERS, make_dossier


@pytest.fixture
def limits(app):
    saved = {
        k: app.config[k]
        for k in ("RATING_DEVICE_LIMIT", "RATING_DEVICE_BURST", "RATING_ADDRESS_LIMIT", "RATING_ADDRESS_FLAG")
    }
    app.config.update(RATING_DEVICE_LIMIT=4, RATING_DEVICE_BURST=2, RATING_ADDRESS_LIMIT=3, RATING_ADDRESS_FLAG=1)
    yield app.config
    app.config.update(saved)


def rate_many(city, count: int, **origin):
    from formplatform.errors import TooManyRequests
    from formplatform.satisfaction.ratings import submit_rating

    outcomes = []
    for seq in range(1, count + 1):
        dossier = make_dossier(city, seq=seq)
        try:
            outcomes.append(submit_rating(dossier.id, ANSWERS, **origin).status)
        except TooManyRequests as error:
            outcomes.append(error.code)
    return outcomes


def agency_count(city) -> int:
    from formplatform.satisfaction.models import Rollup

    row = Rollup.objects(kind="agency", agency_id=city.id("d1_ward"), period_kind="year").as_pymongo().first()
    return int(row["n"]) if row else 0


def test_a_kiosk_burst_is_flagged_then_refused_and_flagged_ratings_are_not_counted(app, city, seeded, limits):
    with app.test_request_context():
        outcomes = rate_many(city, 6, channel="kiosk", device_id="kiosk-1", ip="10.9.9.9")
        assert outcomes == ["counted", "counted", "flagged", "flagged", "rating_rate_limited", "rating_rate_limited"]
        assert agency_count(city) == 2


def test_many_ratings_from_one_address_are_flagged_then_refused(app, city, seeded, limits):
    from formplatform.satisfaction.models import Rating

    with app.test_request_context():
        outcomes = rate_many(city, 4, channel="qr", ip="203.0.113.7")
        assert outcomes == ["counted", "flagged", "flagged", "rating_rate_limited"]
        flagged = Rating.objects(status="flagged").first()
        assert flagged.flags == ["address_volume"] and flagged.address and "203.0.113.7" not in flagged.address
        assert Rating.objects.count() == 3  # the refused one stored nothing


def test_a_reviewer_counts_a_flagged_rating_or_leaves_it_out(app, city, seeded, limits):
    from formplatform.errors import Conflict
    from formplatform.satisfaction.models import Rating
    from formplatform.satisfaction.ratings import review_rating

    reviewer = city.users["thamdinh"]
    with app.test_request_context():
        rate_many(city, 3, channel="qr", ip="198.51.100.1")
        first, second = Rating.objects(status="flagged").order_by("id")
        assert agency_count(city) == 1
        review_rating(first.id, "accept", reviewer)
        assert agency_count(city) == 2 and Rating.objects.get(id=first.id).status == "counted"
        review_rating(second.id, "reject", reviewer)
        assert agency_count(city) == 2 and Rating.objects.get(id=second.id).status == "rejected"
        with pytest.raises(Conflict):
            review_rating(second.id, "reject", reviewer)
        review_rating(first.id, "reject", reviewer)  # counted, then found to be stuffing after all
        assert agency_count(city) == 1


def test_a_district_viewer_cannot_review_ratings(app, city, seeded, limits):
    from formplatform.errors import NotFound
    from formplatform.satisfaction.models import Rating
    from formplatform.satisfaction.ratings import review_rating

    with app.test_request_context():
        rate_many(city, 2, channel="qr", ip="198.51.100.2")
        flagged = Rating.objects(status="flagged").first()
        with pytest.raises(NotFound):
            review_rating(flagged.id, "accept", city.users["xem_q1"])
        assert Rating.objects.get(id=flagged.id).status == "flagged"


def test_a_counter_and_its_shorter_windows_move_together_in_one_round_trip(app):
    from datetime import datetime

    from formplatform.satisfaction.models import RatingCounter

    later = datetime(2030, 1, 1)
    with app.app_context():
        assert RatingCounter.bump_within("ipday|x|1", ("h1",), later) == (1, 1)
        assert RatingCounter.bump_within("ipday|x|1", ("h1",), later) == (2, 2)
        assert RatingCounter.bump_within("ipday|x|1", ("h2",), later) == (3, 1)  # a new hour, the same day
        assert RatingCounter.bump_within("ipday|x|2", ("h3",), later) == (1, 1)  # a new day starts afresh
        assert RatingCounter.objects.get(id="ipday|x|1").expires_at == later  # a date, for the TTL index
