"""Fifty people (or one script) rating the same dossier at the same moment store exactly one rating."""

from __future__ import annotations

import threading

import pytest

from tests.conftest import ENGINE
from tests.fixtures.satisfaction import answers, make_dossier

pytestmark = pytest.mark.skipif(ENGINE == "mongomock", reason="mongomock is in-process and not thread-atomic")


def test_fifty_concurrent_ratings_of_one_dossier_store_exactly_one(app, city, seeded):
    from formplatform.errors import Conflict
    from formplatform.satisfaction.models import Rating, Rollup
    from formplatform.satisfaction.ratings import submit_rating

    with app.app_context():
        dossier = make_dossier(city)
    start = threading.Barrier(50)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        with app.test_request_context():
            start.wait()
            try:
                submit_rating(
                    dossier.id, answers(i % 3, "satisfied"), channel="qr", token_nonce=f"nonce-{i}", ip=f"10.1.0.{i}"
                )
                result = "stored"
            except Conflict as error:
                result = error.code
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("stored") == 1
    assert set(outcomes) - {"stored"} == {"already_rated"}
    with app.app_context():
        assert Rating.objects(dossier_code=dossier.id).count() == 1
        agency_rollups = list(Rollup.objects(kind="agency", period_kind="year").as_pymongo())
        assert agency_rollups and all(r["n"] == 1 for r in agency_rollups)
        assert Rating.objects(dossier_code=dossier.id).get().token_nonce.startswith("nonce-")
