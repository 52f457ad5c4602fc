"""A KPI indicator across periods and agencies: versions line up by concept, only finished reports count."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import bearer, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.dashboards.support import KPI_KEY, kpi_campaign, kpi_report, publish_kpi

RANGE = {"template": KPI_KEY, "from": "2026-08", "to": "2026-12"}
GRDP = "kpi.figures/grdp/actual"


@pytest.fixture
def kpi(app: Any, city: Any) -> Any:
    """District 1: Sept on v1 (accepted), Oct on v2 (submitted), Nov on v2 still in approval.
    District 3: Oct on v1 (accepted), Nov on v2 returned for supplementation."""
    with app.app_context():
        owner = city.id("home_affairs")
        publish_kpi(owner)
        first = kpi_campaign(owner, [city.id("d1"), city.id("d3")], version=1)
        second = kpi_campaign(owner, [city.id("d1"), city.id("d3")], version=2)
        kpi_report(first, city.id("d1"), 9, 1, "accepted", 5.1, 40)
        kpi_report(second, city.id("d1"), 10, 2, "submitted", 6.25, 42)
        kpi_report(second, city.id("d1"), 11, 2, "in_approval", 99.0, 99)
        kpi_report(first, city.id("d3"), 10, 1, "accepted", 3.0, 30)
        kpi_report(second, city.id("d3"), 11, 2, "returned", 77.0, 77)
    return city


def series(body: dict[str, Any]) -> dict[str, list[Any]]:
    return {line["agency"]["code"]: line["values"] for line in body["series"]}


def test_v1_and_v2_reports_of_one_indicator_form_one_line(client, kpi):
    headers = bearer(client, "xem_tp", CITY_PASSWORD)
    body = client.get("/api/v1/aggregates/kpi", query_string={**RANGE, "indicator": GRDP}, headers=headers)
    assert body.status_code == 200, body.get_json()
    data = body.get_json()
    assert [p["key"] for p in data["periods"]] == ["2026-M09", "2026-M10"]  # November has nothing finished
    assert series(data) == {"000.00.31.H29": [5.1, 6.25], "000.00.33.H29": [None, 3.0]}
    assert data["indicator"]["label"] == {"vi": "Tăng trưởng GRDP — Thực hiện", "en": "GRDP growth — Actual"}
    # a top-level field renamed in v2 (staff → headcount) keeps its concept: one line too
    staff = client.get("/api/v1/aggregates/kpi", query_string={**RANGE, "indicator": "kpi.staff"}, headers=headers)
    assert series(staff.get_json()) == {"000.00.31.H29": [40, 42], "000.00.33.H29": [None, 30]}


def test_indicators_offer_every_row_of_every_version_and_only_numeric_columns(client, kpi):
    headers = bearer(client, "xem_tp", CITY_PASSWORD)
    keys = [i["key"] for i in client.get("/api/v1/aggregates/kpi", headers=headers).get_json()["indicators"]]
    assert "kpi.figures/visitors/actual" in keys and "kpi.figures/jobs/plan" in keys and "kpi.staff" in keys
    assert not any(k.endswith("/note") for k in keys)


def test_the_page_shows_the_same_figures_in_a_table_and_a_chart(client, kpi):
    log_in(client, "xem_tp", CITY_PASSWORD)
    page = client.get("/dashboards/kpi", query_string={**RANGE, "indicator": GRDP, "lang": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'data-fpd-table="series"' in html and "6.25" in html and "5.10" in html and "3.00" in html
    assert "September 2026" in html and "October 2026" in html and "November 2026" not in html
    assert "99" not in html.split('data-fpd-table="series"')[1].split("</table>")[0]
    assert 'id="fpd-data-main"' in html and "District 1 People&#39;s Committee" in html
    vietnamese = client.get("/dashboards/kpi", query_string={**RANGE, "indicator": GRDP, "lang": "vi"})
    assert "6,25" in vietnamese.get_data(as_text=True) and "Tháng 9/2026" in vietnamese.get_data(as_text=True)


def test_a_district_viewer_sees_only_their_district(client, kpi):
    log_in(client, "xem_q1", CITY_PASSWORD)
    body = client.get("/api/v1/aggregates/kpi", query_string={**RANGE, "indicator": GRDP}).get_json()
    assert series(body) == {"000.00.31.H29": [5.1, 6.25]}
    other = client.get("/api/v1/aggregates/kpi", query_string={**RANGE, "agency": kpi.id("d3")})
    assert other.status_code == 404
    assert client.get("/dashboards/kpi", query_string={**RANGE, "agency": kpi.id("d3")}).status_code == 404
    html = client.get("/dashboards/kpi", query_string={**RANGE, "lang": "en"}).get_data(as_text=True)
    assert "District 3" not in html


def test_chosen_agencies_limit_the_lines(client, kpi):
    headers = bearer(client, "xem_tp", CITY_PASSWORD)
    query = {**RANGE, "indicator": GRDP, "agency": kpi.id("d3")}
    assert series(client.get("/api/v1/aggregates/kpi", query_string=query, headers=headers).get_json()) == {
        "000.00.33.H29": [3.0]
    }  # only the periods with figures of the chosen agencies


def test_without_reports_the_page_says_what_to_do(client, app, city):
    with app.app_context():
        publish_kpi(city.id("home_affairs"))
    log_in(client, "xem_tp", CITY_PASSWORD)
    html = client.get("/dashboards/kpi?lang=en").get_data(as_text=True)
    assert "No reports yet for this template in your agencies." in html
