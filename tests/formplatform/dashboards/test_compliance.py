"""Compliance per period and per agency for a template or a campaign, within the viewer's agencies."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import bearer, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.reporting.campaign_support import new_campaign, report_in_state

DAY = timedelta(days=1)
RANGE = {"template": "cchc-report", "from": "2026-10", "to": "2026-11"}
NOVEMBER = {"not_started": 1, "draft": 1, "in_approval": 0, "returned": 1, "submitted": 1, "accepted": 1, "overdue": 2}


@pytest.fixture
def world(app: Any, city: Any, seeded: Any) -> Any:
    """November 2026: one agency per state (two overdue); October: District 1 accepted, District 3 overdue."""
    now = datetime.utcnow().replace(microsecond=0)
    past, later = now - 2 * DAY, now + 10 * DAY
    with app.test_request_context():
        a = city.id
        agencies = ["d1", "d1_ward", "d1_division", "d3", "d3_ward", "justice", "home_affairs"]
        campaign = new_campaign(city, agency_ids=[a(x) for x in agencies], starts_on=date(2099, 1, 1))
        report_in_state(campaign, a("d1"), "submitted", past, submitted_at=past - DAY, on_time=True)
        report_in_state(campaign, a("d1_ward"), "accepted", past, submitted_at=past + DAY, on_time=False)
        report_in_state(campaign, a("d1_division"), "in_approval", past, step=1)  # overdue
        report_in_state(campaign, a("d3"), "returned", later, submitted_at=now - DAY, on_time=True)
        report_in_state(campaign, a("d3_ward"), "draft", later)
        report_in_state(campaign, a("justice"), "not_started", later)
        report_in_state(campaign, a("home_affairs"), "not_started", past)  # overdue
        october = {"period_key": "2026-M10"}
        report_in_state(
            campaign, a("d1"), "accepted", past - 30 * DAY, submitted_at=past - 31 * DAY, on_time=True, **october
        )
        report_in_state(campaign, a("d3"), "not_started", past - 30 * DAY, **october)
    return {"campaign": campaign, "city": city, "now": now}


def by_code(body: dict[str, Any]) -> dict[str, Any]:
    return {row["agency"]["code"]: row for row in body["agencies"]}


def test_counts_per_state_per_period(client, world):
    headers = bearer(client, "xem_tp", CITY_PASSWORD)
    body = client.get("/api/v1/aggregates/compliance", query_string=RANGE, headers=headers).get_json()
    periods = {p["key"]: p for p in body["periods"]}
    assert list(periods) == ["2026-M10", "2026-M11"]
    assert periods["2026-M11"]["counts"] == NOVEMBER and periods["2026-M11"]["total"] == 7
    assert periods["2026-M10"]["counts"]["accepted"] == 1 and periods["2026-M10"]["counts"]["overdue"] == 1
    assert body["states"][0] == {"key": "not_started", "label": {"vi": "Chưa thực hiện", "en": "Not started"}}
    campaign = client.get(
        "/api/v1/aggregates/compliance", query_string={"campaign": world["campaign"].id, **RANGE}, headers=headers
    ).get_json()
    assert campaign["periods"] == body["periods"] and campaign["campaign"]["id"] == world["campaign"].id


def test_rates_are_those_of_the_campaign_compliance_page(app, client, world):
    from formplatform.accounts.models import User
    from formplatform.reporting.compliance import agency_rates

    headers = bearer(client, "xem_tp", CITY_PASSWORD)
    rows = by_code(client.get("/api/v1/aggregates/compliance", query_string=RANGE, headers=headers).get_json())
    d1 = rows["000.00.31.H29"]
    assert (d1["due"], d1["completed"], d1["completion_rate"], d1["on_time_rate"]) == (2, 2, 100.0, 100.0)
    d3 = rows["000.00.33.H29"]  # October overdue, November returned before its deadline
    assert (d3["due"], d3["completed"], d3["received"], d3["completion_rate"]) == (2, 0, 1, 0.0)
    with app.test_request_context():
        expected = agency_rates(User.objects(username="xem_tp").first(), world["campaign"], ["2026-M10", "2026-M11"])
    for rate in expected:
        row = rows[rate.agency.code]
        assert (row["due"], row["completed"], row["received"], row["on_time"]) == (
            rate.due,
            rate.completed,
            rate.received,
            rate.on_time,
        )
        assert row["statuses"] == rate.cells


def test_the_page_has_the_chart_data_and_both_tables(client, world):
    log_in(client, "xem_tp", CITY_PASSWORD)
    page = client.get("/dashboards/compliance", query_string={**RANGE, "lang": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-fpd-table="periods"' in html and 'data-fpd-table="agencies"' in html
    assert 'id="fpd-data-main"' in html and "Overdue" in html and "November 2026" in html
    assert "/dashboards/compliance.xlsx?" in html and "table=agencies" in html


def test_a_district_head_sees_only_their_district(client, world):
    city = world["city"]
    log_in(client, "ct_q1", CITY_PASSWORD)
    body = client.get("/api/v1/aggregates/compliance", query_string=RANGE).get_json()
    assert set(by_code(body)) == {"000.00.31.H29", "000.31.31.H29", "000.01.31.H29"}
    assert sum(p["total"] for p in body["periods"]) == 4
    assert (
        client.get("/api/v1/aggregates/compliance", query_string={**RANGE, "agency": city.id("d3")}).status_code == 404
    )
    assert client.get("/dashboards/compliance", query_string={**RANGE, "agency": city.id("d3")}).status_code == 404
    html = client.get("/dashboards/compliance", query_string={**RANGE, "lang": "en"}).get_data(as_text=True)
    assert "District 3" not in html.split("<main")[1].split('name="agency"')[1].split("</select>")[1]


def test_a_division_head_follows_their_division(client, world):
    log_in(client, "tp_q1", CITY_PASSWORD)
    body = client.get("/api/v1/aggregates/compliance", query_string=RANGE).get_json()
    assert set(by_code(body)) == {"000.01.31.H29"}


def test_no_campaign_yet_says_so(client, city):
    log_in(client, "xem_tp", CITY_PASSWORD)
    html = client.get("/dashboards/compliance?lang=en").get_data(as_text=True)
    assert "No reporting campaign has been opened yet." in html
