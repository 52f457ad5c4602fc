"""A rating is counted in its roll-ups exactly once, even when counting fails halfway and the repair task
(or a second process) finishes the job."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.fixtures.satisfaction import ANSWERS, make_dossier


class Crash(RuntimeError):
    """The process dies here."""


def counts() -> list[float]:
    from formplatform.satisfaction.models import Rollup

    return [r["n"] for r in Rollup.objects.as_pymongo()]


def later():
    from formplatform.models import utcnow
    from formplatform.satisfaction.rollups import CLAIM_LEASE

    return utcnow() + timedelta(seconds=CLAIM_LEASE + 60)


def no_markers() -> bool:
    from formplatform.satisfaction.models import Rollup

    return not any(key.startswith("m_") for r in Rollup.objects.as_pymongo() for key in r)


def test_a_rating_counted_but_not_marked_is_not_counted_again_by_the_repair(app, city, seeded, monkeypatch):
    from formplatform.satisfaction import rollups
    from formplatform.satisfaction.models import Rating
    from formplatform.satisfaction.ratings import submit_rating
    from formplatform.satisfaction.tasks import repair_uncounted

    def crash(*args, **kwargs):
        raise Crash()

    with app.test_request_context():
        dossier = make_dossier(city)
        with monkeypatch.context() as broken:
            broken.setattr(rollups, "finish_count", crash)  # the roll-ups were written, the mark never was
            with pytest.raises(Crash):
                submit_rating(dossier.id, ANSWERS, channel="qr")
        rating = Rating.objects.get(dossier_code=dossier.id)
        assert not rating.rolled_up and rating.counting and counts() and set(counts()) == {1}
        assert repair_uncounted() == 0  # the claim is fresh: its process may still be finishing
        assert repair_uncounted(later()) == 1
        assert set(counts()) == {1} and no_markers()
        assert Rating.objects.get(id=rating.id).rolled_up and repair_uncounted(later()) == 0


def test_a_pass_that_died_halfway_is_completed_once(app, city, seeded, monkeypatch):
    from formplatform.satisfaction import rollups
    from formplatform.satisfaction.models import Rating, Rollup
    from formplatform.satisfaction.ratings import submit_rating
    from formplatform.satisfaction.rollups import rebuild_rollups
    from formplatform.satisfaction.tasks import repair_uncounted

    real = rollups.write_marked_increments

    def half_then_crash(increments, marker):
        real(increments[: len(increments) // 2], marker)
        raise Crash()

    with app.test_request_context():
        dossier = make_dossier(city)
        with monkeypatch.context() as broken:
            broken.setattr(rollups, "write_marked_increments", half_then_crash)
            with pytest.raises(Crash):
                submit_rating(dossier.id, ANSWERS, channel="kiosk", device_id="k1")
        reached = len(counts())  # the roll-ups it reached before the crash
        assert reached and set(counts()) == {1}
        assert repair_uncounted(later()) == 1
        assert len(counts()) > reached and set(counts()) == {1} and no_markers()
        repaired = {r["_id"]: r for r in Rollup.objects.as_pymongo()}
        assert rebuild_rollups() == 1
        assert {r["_id"]: r for r in Rollup.objects.as_pymongo()} == repaired  # the same as counting from scratch
        assert Rating.objects.get(dossier_code=dossier.id).rolled_up


def test_a_second_process_cannot_count_a_rating_claimed_by_another(app, city, seeded):
    from formplatform.satisfaction.models import Rating
    from formplatform.satisfaction.ratings import submit_rating
    from formplatform.satisfaction.rollups import add_rating, claim_rating

    with app.test_request_context():
        dossier = make_dossier(city)
        stored = submit_rating(dossier.id, ANSWERS, channel="qr")
        assert add_rating(stored) is False  # counted already
        Rating.objects(id=stored.id).update_one(set__rolled_up=False)  # as if it still had to be counted
        fresh = Rating.objects.get(id=stored.id)
        assert claim_rating(fresh) is not None
        assert add_rating(fresh) is False and add_rating(Rating.objects.get(id=stored.id)) is False
        assert set(counts()) == {1}
