"""Staff results pages: scope (a District 1 viewer never sees District 3), officials per stage, and the
queue of flagged ratings (accepting counts a rating and changes the rankings; rejecting never does)."""

from __future__ import annotations

import re
from datetime import datetime

import pytest

from tests.conftest import csrf_token, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.satisfaction.test_results import OFFICIALS, known_ratings, store_rating

FLAGGED_AT = datetime(2025, 8, 21, 2)


@pytest.fixture
def staff_city(app, city, seeded):
    with app.test_request_context():
        known_ratings(city)
        store_rating(city, "d1", 9, [2] * 9, "very_satisfied", FLAGGED_AT, 2, status="flagged", flags=["device_burst"])
        store_rating(
            city, "d3_ward", 9, [2] * 9, "very_satisfied", FLAGGED_AT, 2, status="flagged", flags=["address_volume"]
        )
    return city


def agencies_listed(html: str) -> set[str]:
    return set(re.findall(r'data-fps-agency="([^"]+)"', html))


def test_staff_see_only_the_agencies_in_their_scope(client, staff_city):
    c = staff_city
    assert client.get("/admin/satisfaction").status_code == 401
    log_in(client, "xem_q1", CITY_PASSWORD)
    html = client.get("/admin/satisfaction?period=2025&lang=en").get_data(as_text=True)
    assert agencies_listed(html) == {c.id("d1"), c.id("d1_ward")}
    assert "66.7%" in html and "1 rating is flagged" in html  # District 1's flagged one only
    assert client.get(f"/admin/satisfaction/agencies/{c.id('d3')}?period=2025").status_code == 404
    assert client.get(f"/admin/satisfaction/agencies/{c.id('d3_ward')}?period=2025").status_code == 404
    queue = client.get("/admin/satisfaction/flagged?lang=en").get_data(as_text=True)
    assert c.agencies["d1"].code in queue and c.agencies["d3_ward"].code not in queue
    assert "Waiting for a reviewer" in queue and "Accept…" not in queue  # a viewer may not review


def test_the_city_reviewer_sees_every_agency_and_filters(client, staff_city):
    c = staff_city
    log_in(client, "thamdinh", CITY_PASSWORD)
    html = client.get("/admin/satisfaction?period=2025&lang=en").get_data(as_text=True)
    rated = {c.id(s) for s in ("home_affairs", "justice", "d1", "d1_ward", "d3", "d3_ward")}
    assert agencies_listed(html) == rated and "2 ratings are flagged" in html
    wards = client.get("/admin/satisfaction?period=2025&type=ward&lang=en").get_data(as_text=True)
    assert agencies_listed(wards) == {c.id("d1_ward"), c.id("d3_ward")}
    found = client.get("/admin/satisfaction?period=2025&q=V%C3%B5%20Th%E1%BB%8B&lang=en").get_data(as_text=True)
    assert agencies_listed(found) == {c.id("d3_ward")}
    nothing = client.get("/admin/satisfaction?period=2025&q=zzz&lang=en").get_data(as_text=True)
    assert "No agency matches your search." in nothing


def test_the_staff_agency_page_shows_officials_per_stage(client, staff_city):
    c = staff_city
    log_in(client, "xem_q1", CITY_PASSWORD)
    page = client.get(f"/admin/satisfaction/agencies/{c.id('d1_ward')}?period=2025&lang=en").get_data(as_text=True)
    for name in OFFICIALS:
        assert name in page
    keys = re.findall(r'data-fps-official="([^"]+)"', page)
    assert sorted(keys) == ["process:cb.xuly", "receive:cb.tiepnhan", "return:cb.trakq"]
    assert "Receiving" in page and "Returning the result" in page and "66.7%" in page
    receive = client.get(f"/admin/satisfaction/agencies/{c.id('d1_ward')}?period=2025&stage=receive&lang=en")
    assert re.findall(r'data-fps-official="([^"]+)"', receive.get_data(as_text=True)) == ["receive:cb.tiepnhan"]
    empty = client.get(f"/admin/satisfaction/agencies/{c.id('d1_ward')}?period=2024&lang=en").get_data(as_text=True)
    assert "No official has been rated in this period." in empty


def test_accepting_a_flagged_rating_counts_it_and_changes_the_ranking(client, app, staff_city):
    from formplatform.satisfaction.models import Rating
    from formplatform.satisfaction.results import ranking

    c = staff_city
    rating_id = f"{c.agencies['d1'].code}-250821-0009|dossier"
    with app.test_request_context():
        assert [e["agency"].id for e in ranking("2025", "district")] == [c.id("d3"), c.id("d1")]
    log_in(client, "thamdinh", CITY_PASSWORD)
    queue = client.get("/admin/satisfaction/flagged?lang=en").get_data(as_text=True)
    assert "Many ratings from one kiosk within minutes" in queue and "21/08/2025 09:00" in queue
    confirm = client.get(f"/admin/satisfaction/flagged/{rating_id}?decision=accept&lang=en")
    assert confirm.status_code == 200 and "Accept this rating?" in confirm.get_data(as_text=True)
    assert Rating.objects.get(id=rating_id).status == "flagged"  # the confirmation page changes nothing
    response = client.post(
        f"/admin/satisfaction/flagged/{rating_id}",
        data={"decision": "accept", "csrf_token": csrf_token(client, "/admin/satisfaction/flagged")},
    )
    assert response.status_code == 302
    assert Rating.objects.get(id=rating_id).status == "counted"
    with app.test_request_context():
        d1 = next(e for e in ranking("2025", "district") if e["agency"].id == c.id("d1"))
        assert (d1["n"], d1["satisfaction_rate"], d1["average_total"]) == (4, 75.0, 11.25)
        assert [e["agency"].id for e in ranking("2025-08", "district")] == [c.id("d3"), c.id("d1")]
        assert next(e for e in ranking("2025-08", "district") if e["agency"].id == c.id("d1"))["n"] == 2
    again = client.post(
        f"/admin/satisfaction/flagged/{rating_id}",
        data={"decision": "reject", "csrf_token": csrf_token(client, "/admin/satisfaction/flagged")},
        follow_redirects=True,
    )
    assert "This rating has already been reviewed." in again.get_data(as_text=True)
    assert Rating.objects.get(id=rating_id).status == "counted"


def test_rejecting_a_flagged_rating_leaves_the_results_alone(client, app, staff_city):
    from formplatform.satisfaction.models import Rating
    from formplatform.satisfaction.results import ranking

    c = staff_city
    rating_id = f"{c.agencies['d3_ward'].code}-250821-0009|dossier"
    log_in(client, "thamdinh", CITY_PASSWORD)
    token = csrf_token(client, "/admin/satisfaction/flagged")
    no_csrf = client.post(f"/admin/satisfaction/flagged/{rating_id}", data={"decision": "reject"})
    assert no_csrf.status_code == 400 and Rating.objects.get(id=rating_id).status == "flagged"
    response = client.post(f"/admin/satisfaction/flagged/{rating_id}", data={"decision": "reject", "csrf_token": token})
    assert response.status_code == 302
    assert Rating.objects.get(id=rating_id).status == "rejected"
    with app.test_request_context():
        d3 = next(e for e in ranking("2025", "district") if e["agency"].id == c.id("d3"))
        assert d3["n"] == 2
    empty = client.get("/admin/satisfaction/flagged?lang=en").get_data(as_text=True)
    assert c.agencies["d3_ward"].code not in empty


def test_reviewing_needs_the_review_permission_over_the_agency(client, staff_city):
    from formplatform.satisfaction.models import Rating

    c = staff_city
    d1_rating = f"{c.agencies['d1'].code}-250821-0009|dossier"
    d3_rating = f"{c.agencies['d3_ward'].code}-250821-0009|dossier"
    log_in(client, "cv_q1", CITY_PASSWORD)  # a District 1 specialist reads results but does not review
    token = csrf_token(client, "/admin/satisfaction/flagged")
    refused = client.post(f"/admin/satisfaction/flagged/{d1_rating}", data={"decision": "accept", "csrf_token": token})
    assert refused.status_code == 403 and Rating.objects.get(id=d1_rating).status == "flagged"
    client.post("/logout", data={"csrf_token": token})
    from formplatform.accounts.services import create_user

    with client.application.app_context():
        create_user(
            "duyet_q1",
            CITY_PASSWORD,
            roles=[("reviewer", c.id("d1"))],
            agency_id=c.id("d1"),
            must_change_password=False,
        )
    log_in(client, "duyet_q1", CITY_PASSWORD)
    token = csrf_token(client, "/admin/satisfaction/flagged")
    hidden = client.post(f"/admin/satisfaction/flagged/{d3_rating}", data={"decision": "accept", "csrf_token": token})
    assert hidden.status_code == 404 and Rating.objects.get(id=d3_rating).status == "flagged"
    assert client.get(f"/admin/satisfaction/flagged/{d3_rating}?decision=accept").status_code == 404


def test_the_flagged_queue_is_empty_and_paginated(client, app, city, seeded):
    log_in(client, "thamdinh", CITY_PASSWORD)
    assert "No rating is waiting for review." in client.get("/admin/satisfaction/flagged?lang=en").get_data(
        as_text=True
    )
    with app.test_request_context():
        for seq in range(1, 23):
            store_rating(
                city, "d1_ward", seq, [1] * 9, "satisfied", FLAGGED_AT, 2, status="flagged", flags=["device_burst"]
            )
    first = client.get("/admin/satisfaction/flagged?lang=en").get_data(as_text=True)
    second = client.get("/admin/satisfaction/flagged?page=2&lang=en").get_data(as_text=True)
    rows = re.findall(r'data-fps-rating="([^"]+)"', first) + re.findall(r'data-fps-rating="([^"]+)"', second)
    assert len(rows) == 22 and len(set(rows)) == 22 and "Page 1, rows 1–20" in first and 'rel="next"' in first
    assert "Page 2, rows 21–22" in second and 'rel="next"' not in second and 'rel="prev"' in second
