"""Rating intake: validated, one per dossier, counted in the roll-ups as it arrives."""

from __future__ import annotations

import pytest

from tests.fixtures.satisfaction import ANSWERS, answers, make_dossier


@pytest.fixture
def rating_city(app, city, seeded):
    return city


def test_a_rating_is_stored_with_its_points_and_counted_everywhere(app, rating_city):
    from formplatform.satisfaction.models import Rating
    from formplatform.satisfaction.ratings import submit_rating
    from formplatform.satisfaction.results import agency_overview, breakdown, ranking

    with app.test_request_context():
        dossier = make_dossier(rating_city)
        rating = submit_rating(dossier.id, ANSWERS, channel="qr", ip="10.0.0.1")
        stored = Rating.objects.get(id=f"{dossier.id}|dossier")
        assert (stored.total, stored.max, stored.overall, stored.band) == (17, 18, "satisfied", "excellent")
        assert stored.points["satisfaction:c3"] == 1 and len(stored.points) == 9
        assert stored.version == 2 and stored.status == "counted" and stored.rolled_up
        period = rating.created_at.strftime("%Y-%m")
        districts = ranking(period, "district")
        d1 = next(e for e in districts if e["agency"].id == rating_city.id("d1"))
        assert (d1["n"], d1["satisfaction_rate"], d1["average_total"], d1["rank"]) == (1, 100.0, 17.0, 1)
        d3 = next(e for e in districts if e["agency"].id == rating_city.id("d3"))
        assert d3["n"] == 0 and d3["rank"] is None
        ward = agency_overview(rating_city.id("d1_ward"), period)
        assert ward["figures"]["n"] == 1 and ward["trend"][-1]["n"] == 1
        officials, total = breakdown(rating_city.id("d1_ward"), "official", period)
        assert total == 3 and {o["key"] for o in officials} == {
            "receive:cb.tiepnhan",
            "process:cb.xuly",
            "return:cb.trakq",
        }
        assert officials[0]["name"] in {"Nguyễn Văn Tiếp", "Trần Thị Xử", "Lê Văn Trả"}


def test_a_second_rating_and_a_replayed_token_are_refused(app, rating_city):
    from formplatform.errors import Conflict
    from formplatform.satisfaction.ratings import submit_rating

    with app.test_request_context():
        first, second = make_dossier(rating_city, seq=1), make_dossier(rating_city, seq=2)
        submit_rating(first.id, ANSWERS, channel="qr", token_nonce="n1")
        with pytest.raises(Conflict) as refused:
            submit_rating(first.id, answers(0, "not_satisfied"), channel="qr", token_nonce="n2")
        assert refused.value.code == "already_rated"
        with pytest.raises(Conflict) as replay:  # the same link again: its dossier's one rating is stored
            submit_rating(first.id, ANSWERS, channel="qr", token_nonce="n1")
        assert replay.value.code == "already_rated"
        submit_rating(second.id, ANSWERS, channel="qr", token_nonce="n3")


def test_incremental_rollups_equal_a_full_rebuild(app, rating_city):
    from formplatform.satisfaction.models import Rollup
    from formplatform.satisfaction.ratings import submit_rating
    from formplatform.satisfaction.rollups import rebuild_rollups

    with app.test_request_context():
        for seq, (points, overall) in enumerate([(2, "very_satisfied"), (1, "satisfied"), (0, "not_satisfied")], 1):
            dossier = make_dossier(rating_city, "d3_ward" if seq == 2 else "d1_ward", seq=seq)
            submit_rating(dossier.id, answers(points, overall), channel="kiosk", device_id="k1")
        before = {r["_id"]: r for r in Rollup.objects.as_pymongo()}
        assert rebuild_rollups() == 3
        after = {r["_id"]: r for r in Rollup.objects.as_pymongo()}
        assert after == before


def test_a_rating_stored_but_never_counted_is_counted_by_the_repair_task(app, rating_city):
    from datetime import timedelta

    from formplatform.satisfaction.models import Rating, Rollup
    from formplatform.satisfaction.ratings import submit_rating
    from formplatform.satisfaction.rollups import remove_rating
    from formplatform.satisfaction.tasks import repair_uncounted

    with app.test_request_context():
        dossier = make_dossier(rating_city)
        rating = submit_rating(dossier.id, ANSWERS, channel="qr")
        # as after a crash between the insert and the roll-ups: stored, marked uncounted, counted nowhere
        remove_rating(rating)
        Rating.objects(id=rating.id).delete()
        rating.created_at -= timedelta(minutes=5)  # settled: no other process is still counting it
        rating.rolled_up = False
        rating.save(force_insert=True)
        assert all(r["n"] == 0 for r in Rollup.objects.as_pymongo())
        assert repair_uncounted() == 1
        assert all(r["n"] == 1 for r in Rollup.objects.as_pymongo())
        assert repair_uncounted() == 0
