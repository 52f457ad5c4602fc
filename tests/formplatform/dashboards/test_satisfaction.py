"""Satisfaction trend per agency from the roll-ups, and points per criterion for the last period."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import bearer, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.dashboards.support import rollups

QUERY = {"kind": "month", "from": "2026-09", "to": "2026-11"}


@pytest.fixture
def rated(app: Any, city: Any, seeded: Any) -> Any:
    """Ben Nghe ward (District 1): October 3 of 4 satisfied, November 1 of 1 at 1 point a criterion;
    District 3: November 1 of 2 satisfied."""
    with app.app_context():
        rollups([city.id("d1_ward")], "2026-10", ["very_satisfied", "satisfied", "satisfied", "not_satisfied"])
        rollups([city.id("d1_ward")], "2026-11", ["satisfied"], points=1)
        rollups([city.id("d3")], "2026-11", ["satisfied", "not_satisfied"])
    return city


def figures(body: dict[str, Any]) -> dict[str, list[Any]]:
    return {s["agency"]["code"]: [f["satisfaction_rate"] for f in s["figures"]] for s in body["series"]}


def test_rates_per_agency_and_period_come_from_the_rollups(client, rated):
    headers = bearer(client, "xem_tp", CITY_PASSWORD)
    body = client.get("/api/v1/aggregates/satisfaction", query_string=QUERY, headers=headers).get_json()
    assert [p["key"] for p in body["periods"]] == ["2026-09", "2026-10", "2026-11"]
    assert body["periods"][1]["label"] == {"vi": "Tháng 10/2026", "en": "Month 10/2026"}
    # a city-wide viewer gets Sở and districts; District 1 includes its ward's ratings
    rates = figures(body)
    assert rates["000.00.31.H29"] == [None, 75.0, 100.0] and rates["000.00.33.H29"] == [None, None, 50.0]
    assert "000.31.31.H29" not in rates
    district1 = next(s for s in body["series"] if s["agency"]["code"] == "000.00.31.H29")
    november = district1["figures"][-1]
    assert november["n"] == 1 and november["average_total"] == 9.0
    assert {c["average"] for c in november["criteria"]} == {1.0}
    assert set(body["charted"]) == {rated.id("d1"), rated.id("d3")}


def test_a_district_viewer_sees_their_district_and_its_wards_only(client, rated):
    log_in(client, "xem_q1", CITY_PASSWORD)
    body = client.get("/api/v1/aggregates/satisfaction", query_string=QUERY).get_json()
    rates = figures(body)
    assert set(rates) == {"000.00.31.H29", "000.31.31.H29"}
    assert rates["000.31.31.H29"] == [None, 75.0, 100.0]
    assert client.get("/api/v1/aggregates/satisfaction", query_string={"agency": rated.id("d3")}).status_code == 404
    assert client.get("/dashboards/satisfaction", query_string={"agency": rated.id("d3")}).status_code == 404


def test_the_page_shows_the_trend_and_the_criteria_with_their_tables(client, rated):
    log_in(client, "xem_tp", CITY_PASSWORD)
    page = client.get("/dashboards/satisfaction", query_string={**QUERY, "lang": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-fpd-table="trend"' in html and 'data-fpd-table="criteria"' in html
    assert "75.0" in html and "100.0" in html and "50.0" in html
    assert 'id="fpd-data-main"' in html and 'id="fpd-data-criteria"' in html


def test_quarters_add_up_the_months(client, rated):
    headers = bearer(client, "xem_tp", CITY_PASSWORD)
    query = {"kind": "quarter", "from": "2026-Q4", "to": "2026-Q4", "agency": rated.id("d1")}
    body = client.get("/api/v1/aggregates/satisfaction", query_string=query, headers=headers).get_json()
    assert figures(body) == {"000.00.31.H29": [80.0]}  # 4 of 5 ratings satisfied in Q4


def test_without_ratings_the_page_says_what_to_do(client, city, seeded):
    log_in(client, "xem_tp", CITY_PASSWORD)
    html = client.get("/dashboards/satisfaction?lang=en").get_data(as_text=True)
    assert "No ratings yet for your agencies in these periods." in html
