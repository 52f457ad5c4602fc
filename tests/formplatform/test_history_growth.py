"""Everyday paths cost the same after history grows (issue: ten years must not slow anything down).

Each test measures a request once with a little history and once after much more has been stored
through the live services, and asserts what the request asked of the database is the same: as many
commands, as many documents received, no count or aggregate, and no read that the embedded engine
would answer by scanning a collection (tests/querycount.py replays each read and checks SQLite's plan).
No timing: a path that went back to counting or scanning fails here whatever the machine.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import bearer, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.fixtures.satisfaction import answers, make_dossier
from tests.querycount import CommandLog, counting, skip_without_events, unindexed_reads

pytestmark = pytest.mark.embedded_only


def documents() -> tuple[Any, ...]:
    from formplatform.audit.models import AuditEvent
    from formplatform.models import Form, FormVersion, Submission, VersionTally
    from formplatform.satisfaction.models import Dossier, Rating, RatingCounter, Rollup, UsedRatingToken

    return (
        AuditEvent,
        Form,
        FormVersion,
        Submission,
        VersionTally,
        Dossier,
        Rating,
        RatingCounter,
        Rollup,
        UsedRatingToken,
    )


def cost(log: CommandLog) -> tuple[int, int]:
    """Commands sent and documents received, but for capped counts (the flagged badge reads up to its cap
    whatever the history: a bounded cost that still differs between two small histories)."""
    from formplatform.satisfaction.admin_pages import FLAGGED_BADGE_CAP

    capped = [c for c in log.commands if c.name == "find" and c.body.get("limit") == FLAGGED_BADGE_CAP + 1]
    return len(log.commands), sum(c.documents for c in log.commands if c not in capped)


def assert_same_cost(small: CommandLog, large: CommandLog) -> None:
    """Same commands and documents at both sizes; nothing counted, aggregated or scanned."""
    assert cost(small) == cost(large), (small.summary(), large.summary())
    for log in (small, large):
        assert not [c for c in log.commands if c.name in ("count", "aggregate")], log.summary()
        reads = CommandLog()
        reads.commands = [c for c in log.commands if c.name in ("find", "distinct")]
        assert unindexed_reads(reads, *documents()) == []


def rate_history(app: Any, city: Any, first: int, count: int) -> None:
    """Ratings of finished dossiers stored through the live intake service (web channel, counted; every
    second flagged for review as a burst would be), each with an event in the audit log."""
    from formplatform.audit.services import record_event
    from formplatform.satisfaction.models import Rating
    from formplatform.satisfaction.ratings import submit_rating

    with app.test_request_context():
        for seq in range(first, first + count):
            dossier = make_dossier(city, "d1_ward", seq=seq)
            rating = submit_rating(dossier.id, answers(seq % 3), channel="web")
            if seq % 2 == 0:
                Rating.objects(id=rating.id).update_one(set__status="flagged")
            record_event("dossier.status", actor=city.users["cv_q1"], target_type="dossier", target_id=dossier.id)


def rate_by_qr(app: Any, client: Any, mongo_uri: str, code: str) -> CommandLog:
    """A citizen's rating through the dossier's QR page; the POST is what is measured."""
    from kiosk.tokens import mint_rating_token

    with app.test_request_context():
        token = mint_rating_token(code)
    html = client.get(f"/r/{token}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    card = re.search(r'name="card" value="([^"]+)"', html).group(1)  # the dossier as the page showed it
    with counting(mongo_uri) as log:
        sent = client.post(f"/r/{token}", data={**answers(2, "very_satisfied"), "csrf_token": csrf, "card": card})
    assert sent.status_code == 302, sent.get_data(as_text=True)[:300]
    return log


def as_in_production(app: Any, monkeypatch: Any) -> None:
    """Caches on and ratings counted by the scheduler's pass, as a deployment runs (the suite turns both off)."""
    monkeypatch.setitem(app.config, "FORM_CACHE_SECONDS", 60)
    monkeypatch.setitem(app.config, "COUNT_RATINGS_AT_INTAKE", False)


def test_a_citizens_rating_costs_the_same_after_many_more_ratings(app, client, city, seeded, mongo_uri, monkeypatch):
    skip_without_events()
    as_in_production(app, monkeypatch)
    with app.app_context():
        codes = [make_dossier(city, "d1_ward", seq=9000 + n).id for n in range(3)]
    rate_by_qr(app, client, mongo_uri, codes[0])  # the first of the hour creates the rate-limit counters
    rate_history(app, city, 1, 3)
    small = rate_by_qr(app, client, mongo_uri, codes[1])
    rate_history(app, city, 100, 40)
    large = rate_by_qr(app, client, mongo_uri, codes[2])
    assert_same_cost(small, large)
    sent = [(c.collection, c.name) for c in large.commands]  # the address's counter, the rating: nothing read
    assert sent == [("rating_counters", "findAndModify"), ("ratings", "insert")], large.summary()
    assert not [c for c in large.commands if c.collection == "form_versions" and c.name == "update"]


def test_a_kiosk_rating_reads_only_its_device(app, client, city, seeded, mongo_uri, monkeypatch):
    """The look-up's token carries the dossier's card: a kiosk rating reads its device (the pairing cookie),
    counts itself in the device's day and inserts, the same three commands after many more ratings."""
    from tests.kiosk.test_kiosk_api import KIOSK, lookup
    from tests.kiosk.test_pairing import pair_device

    skip_without_events()
    as_in_production(app, monkeypatch)
    pair_device(app, city, client, "d1_ward")
    with app.app_context():
        codes = [make_dossier(city, "d1_ward", seq=9100 + n).id for n in range(3)]
    logs = []
    for n, code in enumerate(codes):
        rate_history(app, city, 200 + 40 * n, 1 + 39 * n)
        token = lookup(client, code).get_json()["token"]
        with counting(mongo_uri) as log:
            sent = client.post("/kiosk/api/rate", json={"token": token, "answers": answers()}, headers=KIOSK)
        assert sent.status_code == 201, sent.get_data(as_text=True)
        logs.append(log)
    assert_same_cost(logs[1], logs[2])
    expected = [("kiosk_devices", "find"), ("rating_counters", "findAndModify"), ("ratings", "insert")]
    assert [(c.collection, c.name) for c in logs[2].commands] == expected, logs[2].summary()


def test_a_submission_writes_only_itself_and_the_tallying_pass_costs_the_same_for_3_or_30(
    app, client, city, seeded, mongo_uri
):
    """No document is written by every submission: the version's count is the tallying pass's work, whose
    commands do not grow with the number of submissions it adds."""
    from formplatform.models import utcnow
    from formplatform.services.tallies import submission_counts, tally_waiting

    skip_without_events()
    with app.app_context():
        from formplatform.services.forms import get_form

        version_id = f"dossier-satisfaction@{get_form('dossier-satisfaction').latest_version}"
    passes = []
    for count in (3, 30):
        with counting(mongo_uri) as log:
            for _ in range(count):
                sent = client.post("/api/v1/forms/dossier-satisfaction/submissions", json={"data": answers()})
                assert sent.status_code == 201
        assert {(c.collection, c.name) for c in log.commands if c.name in WRITES} == {("submissions", "insert")}
        with app.app_context(), counting(mongo_uri) as log:
            assert tally_waiting(utcnow()) == count
            passes.append([(c.collection, c.name) for c in log.commands])
            updates = [u["q"] for c in log.commands if c.name == "update" for u in c.body["updates"]]
            # nx-27017 serves an update's equality from an index only when it says `$eq`; else it reads them all
            assert all(isinstance(v, dict) for q in updates for k, v in q.items() if k != "_id"), updates
        with app.app_context():
            assert submission_counts([version_id]) == {version_id: 3 + (count if count == 30 else 0)}
            assert tally_waiting(utcnow()) == 0  # nothing waits: never twice
    assert passes[0] == passes[1]


WRITES = ("insert", "update", "findAndModify", "delete")


def submit_history(app: Any, count: int) -> None:
    from formplatform.services.submissions import submit_form

    with app.test_request_context():
        for n in range(count):
            submit_form("dossier-satisfaction", answers(n % 3), source="api")


def test_the_submissions_list_costs_the_same_after_many_more_submissions(app, client, city, seeded, mongo_uri):
    skip_without_events()
    headers = bearer(client, "quantri", CITY_PASSWORD)
    url = "/api/v1/forms/dossier-satisfaction/submissions?per_page=5"
    submit_history(app, 12)
    logs = []
    for size in ("small", "large"):
        if size == "large":
            submit_history(app, 60)
        with counting(mongo_uri) as log:
            first = client.get(url, headers=headers).get_json()
            deep = client.get(f"{url}&page=2", headers=headers).get_json()
        assert len(first["items"]) == len(deep["items"]) == 5 and first["has_next"] and "total" not in first
        logs.append(log)
    assert_same_cost(*logs)


def test_staff_lists_cost_the_same_after_history_grows(app, client, city, seeded, mongo_uri):
    """Dossiers, flagged ratings and the audit log: first and second page, before and after growth."""
    skip_without_events()
    rate_history(app, city, 1, 60)  # three pages of dossiers, a full first page of events
    log_in(client, "quantri", CITY_PASSWORD)
    pages = (
        "/admin/dossiers",
        "/admin/dossiers?page=2",
        "/admin/dossiers?q=261110-0005",  # a short code, as printed for the counter: by ids, not a regex
        "/admin/audit",
        "/admin/satisfaction/flagged",
    )
    logs = []
    for size in ("small", "large"):
        if size == "large":
            rate_history(app, city, 200, 60)
        with counting(mongo_uri) as log:
            for url in pages:
                assert client.get(url).status_code == 200, url
        logs.append(log)
    assert_same_cost(*logs)


def test_a_page_number_past_the_end_or_absurd_is_answered_not_a_server_error(client, city, seeded):
    headers = bearer(client, "quantri", CITY_PASSWORD)
    for page in ("922337203685477580", "0", "-1", "x"):
        answer = client.get(f"/api/v1/forms/dossier-satisfaction/submissions?page={page}", headers=headers)
        assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "bad_page"
    log_in(client, "quantri", CITY_PASSWORD)
    for url in ("/admin/dossiers?page=922337203685477580", "/admin/audit?page=922337203685477580"):
        assert client.get(url).status_code == 200


def test_a_kiosks_ratings_of_the_day_are_counted_at_intake_without_reading_ratings(app, city, seeded):
    """The kiosk list's "ratings today" comes from a day counter kept when a kiosk rating is stored."""
    from formplatform.models import utcnow
    from formplatform.satisfaction.models import RatingCounter
    from formplatform.satisfaction.periods import local_date
    from formplatform.satisfaction.ratings import device_day_key, submit_rating

    with app.test_request_context():
        for seq in (1, 2, 3):
            dossier = make_dossier(city, "d1_ward", seq=seq)
            submit_rating(dossier.id, answers(), channel="kiosk", device_id="kiosk-a" if seq < 3 else "kiosk-b")
        today = local_date(utcnow())
        assert RatingCounter.peek(device_day_key("kiosk-a", today)) == 2
        assert RatingCounter.peek(device_day_key("kiosk-b", today)) == 1


def flag_ratings(app: Any, city: Any, agencies: tuple[str, ...], first: int, count: int) -> None:
    """Flagged ratings of dossiers of `agencies` in turn, stored through the live intake service."""
    from formplatform.satisfaction.models import Rating
    from formplatform.satisfaction.ratings import submit_rating

    with app.test_request_context():
        for seq in range(first, first + count):
            dossier = make_dossier(city, agencies[seq % len(agencies)], seq=seq)
            rating = submit_rating(dossier.id, answers(seq % 3), channel="web")
            Rating.objects(id=rating.id).update_one(set__status="flagged")


def test_the_flagged_queue_reads_its_agencies_once_however_many_appear_on_a_page(app, client, city, seeded, mongo_uri):
    """Whether the reviewer may review each row is decided from the page's agencies, read in one query: a
    queue that grew to cover more agencies costs the same as one agency's."""
    skip_without_events()
    log_in(client, "quantri", CITY_PASSWORD)
    flag_ratings(app, city, ("d1_ward",), 1, 110)  # past the badge's cap: it reads as many ids at both sizes
    logs = []
    for size in ("small", "large"):
        if size == "large":  # newer flagged ratings of four agencies fill the first page
            flag_ratings(app, city, ("d1_ward", "d3_ward", "d1", "d3"), 200, 25)
        with counting(mongo_uri) as log:
            html = client.get("/admin/satisfaction/flagged?lang=en").get_data(as_text=True)
        assert html.count('rel="next"') == 1 and ">20+</span>" in html
        assert [c.body.get("limit") for c in log.on("ratings")] == [21]  # the page is the badge: one read
        logs.append(log)
    with counting(mongo_uri) as log:
        html = client.get("/admin/satisfaction?lang=en").get_data(as_text=True)
    assert "More than 20 ratings are flagged" in html
    assert [c.body.get("limit") for c in log.on("ratings")] == [21]  # the badge never reads the backlog
    small, large = (log.summary() for log in logs)
    assert small["by_command"] == large["by_command"], (small, large)  # one agency look-up, not one per row
    small["documents_by_collection"].pop("agencies"), large["documents_by_collection"].pop("agencies")
    assert small["documents_by_collection"] == large["documents_by_collection"], (small, large)
    for log in logs:
        reads = CommandLog()
        reads.commands = [c for c in log.commands if c.name == "find"]
        assert unindexed_reads(reads, *documents()) == []
