"""A form's status and newest version are read once per FORM_CACHE_SECONDS for submissions, not per submission;
what this process changes is seen at once, what another process changes within those seconds."""

from __future__ import annotations

import time

from tests.fixtures.satisfaction import answers
from tests.querycount import counting, skip_without_events

URL = "/api/v1/forms/dossier-satisfaction/submissions"


def test_submissions_read_the_form_once_per_period(app, client, seeded, mongo_uri, monkeypatch):
    skip_without_events()
    monkeypatch.setitem(app.config, "FORM_CACHE_SECONDS", 30)
    assert client.post(URL, json={"data": answers()}).status_code == 201
    with counting(mongo_uri) as log:
        for _ in range(3):
            assert client.post(URL, json={"data": answers()}).status_code == 201
    assert [c.name for c in log.on("forms")] == []  # no form read at all for these three
    assert len(log.on("submissions")) == 3


def test_archiving_here_is_seen_at_once_and_a_change_elsewhere_within_the_period(
    app, client, seeded, admin, monkeypatch
):
    from formplatform.designer.services import archive_form, restore_form
    from formplatform.models import Form

    monkeypatch.setitem(app.config, "FORM_CACHE_SECONDS", 0.5)
    assert client.post(URL, json={"data": answers()}).status_code == 201
    with app.app_context():
        archive_form("dossier-satisfaction", admin)
    assert client.post(URL, json={"data": answers()}).status_code == 410  # this process forgot its copy
    with app.app_context():
        restore_form("dossier-satisfaction", admin)
    assert client.post(URL, json={"data": answers()}).status_code == 201
    with app.app_context():  # another process archives it: this one learns within the period
        Form.objects(id="dossier-satisfaction").update_one(set__status="archived")
    assert client.post(URL, json={"data": answers()}).status_code == 201
    time.sleep(0.6)
    assert client.post(URL, json={"data": answers()}).status_code == 410


def test_the_cache_period_is_checked_at_start():
    import pytest

    from formplatform.config import ConfigError, load_config

    base = {"MONGODB_URI": "mongomock://localhost/x", "SECRET_KEY": "k" * 32}
    assert load_config({**base, "FORM_CACHE_SECONDS": "1.5"})["FORM_CACHE_SECONDS"] == 1.5
    for bad in ("soon", "-1", "3600"):
        with pytest.raises(ConfigError):
            load_config({**base, "FORM_CACHE_SECONDS": bad})


def test_a_rating_reads_neither_the_form_nor_its_agency_tree_twice_within_the_period(
    app, client, city, seeded, mongo_uri, monkeypatch
):
    from formplatform.satisfaction.ratings import submit_rating
    from tests.fixtures.satisfaction import make_dossier

    skip_without_events()
    monkeypatch.setitem(app.config, "FORM_CACHE_SECONDS", 30)
    monkeypatch.setitem(app.config, "COUNT_RATINGS_AT_INTAKE", False)
    with app.test_request_context():
        first, second = make_dossier(city, seq=1), make_dossier(city, seq=2)
        submit_rating(first.id, answers(), channel="qr")
        with counting(mongo_uri) as log:
            submit_rating(second.id, answers(), channel="qr")
    assert log.on("forms") == [] and log.on("agencies") == []
    assert [c.name for c in log.on("ratings")] == ["insert"]  # stored; counted later by the scheduler
    assert log.on("version_tallies") == []  # its version's count is the counting pass's work too


def test_the_counting_pass_tallies_each_rating_once_per_version_and_a_flagged_one_at_intake(
    app, city, seeded, mongo_uri, monkeypatch
):
    from formplatform.satisfaction.models import Rating
    from formplatform.satisfaction.ratings import submit_rating
    from formplatform.satisfaction.tasks import count_waiting, repair_uncounted
    from formplatform.services.forms import get_form
    from formplatform.services.tallies import submission_counts
    from tests.fixtures.satisfaction import make_dossier

    skip_without_events()
    monkeypatch.setitem(app.config, "COUNT_RATINGS_AT_INTAKE", False)
    monkeypatch.setitem(app.config, "RATING_ADDRESS_FLAG", 2)  # the third rating from one address is flagged
    with app.test_request_context():
        version_id = f"dossier-satisfaction@{get_form('dossier-satisfaction').latest_version}"
        stored = [
            submit_rating(make_dossier(city, seq=n).id, answers(), channel="qr", ip="203.0.113.9") for n in range(4)
        ]
        assert [r.status for r in stored] == ["counted", "counted", "flagged", "flagged"]
        assert submission_counts([version_id]) == {version_id: 2}  # the flagged ones, at intake
        with counting(mongo_uri) as log:
            assert count_waiting() == 2
        tally_writes = [c for c in log.on("version_tallies") if c.name == "update"]
        assert len(tally_writes) == 1  # one update for the version, not one per rating
        assert submission_counts([version_id]) == {version_id: 4}
        assert count_waiting() == 0 and repair_uncounted() == 0
        assert submission_counts([version_id]) == {version_id: 4}  # never twice
        assert Rating.objects(untallied=True).count() == 0
