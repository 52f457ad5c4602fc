"""The compliance and KPI dashboards cost the same with ten years of reports as with one (DESIGN §6).

They read the periods of their window (default: the last twelve months) campaign by campaign as a range
of period keys: counted with pymongo command monitoring and checked against the embedded engine's plans
(tests/querycount.py), never timed.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import bearer, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.reporting.history_support import (
    YEARS,
    add_reports,
    decade_campaign,
    months_back,
    request_cost,
)

COUNTED = pytest.mark.embedded_only  # command monitoring: mongomock has no wire protocol
PATHS = {
    "compliance API": "/api/v1/aggregates/compliance?template=cchc-report",
    "compliance API, one campaign": "/api/v1/aggregates/compliance?campaign={reform}",
    "KPI API": "/api/v1/aggregates/kpi?template=kpi-monthly",
    "compliance dashboard": "/dashboards/compliance?template=cchc-report",
    "KPI dashboard": "/dashboards/kpi?template=kpi-monthly",
}


@pytest.fixture
def history(app: Any, city: Any, seeded: Any) -> Any:
    """Monthly reform reports and KPI sheets of five agencies: the window's year (and a month), then a decade."""
    from tests.form_definitions.test_library import kpi_answers

    with app.app_context():
        reform = decade_campaign(city, "cchc-report", 1)
        kpi = decade_campaign(city, "kpi-monthly", 2)
        for campaign, data in ((reform, {}), (kpi, kpi_answers())):
            add_reports(campaign, city, months_back(0, 12), data)

    def add_years() -> None:
        with app.app_context():
            for campaign, data in ((reform, {}), (kpi, kpi_answers())):
                add_reports(campaign, city, months_back(13, 12 * YEARS - 1), data)

    return {"reform": reform, "kpi": kpi, "add_years": add_years}


def costs(app: Any, mongo_uri: str, reform_id: str) -> dict[str, dict[str, Any]]:
    page, api = app.test_client(), app.test_client()
    log_in(page, "xem_tp", CITY_PASSWORD)
    token = bearer(api, "xem_tp", CITY_PASSWORD)
    measured = {}
    for name, path in PATHS.items():
        client, headers = (api, token) if path.startswith("/api/") else (page, None)
        measured[name] = request_cost(client, mongo_uri, path.format(reform=reform_id), headers)
    return measured


@COUNTED
def test_dashboards_cost_the_same_with_ten_years_of_reports(app, mongo_uri, history):
    one_year = costs(app, mongo_uri, history["reform"].id)
    history["add_years"]()
    ten_years = costs(app, mongo_uri, history["reform"].id)
    for name in PATHS:
        before, after = one_year[name], ten_years[name]
        assert (after["commands"], after["documents"]) == (before["commands"], before["documents"]), (
            name,
            before["by_command"],
            after["by_command"],
        )
        assert after["unindexed"] == [], (name, after["unindexed"])
        assert not [c for c in after["log"].commands if c.name in ("count", "aggregate", "distinct")], name


def test_the_window_holds_the_periods_ending_in_its_months(app, client, history):
    """Twelve monthly periods by default; an older span reads its own periods, and the figures add up."""
    history["add_years"]()
    headers = bearer(client, "xem_tp", CITY_PASSWORD)
    body = client.get(PATHS["compliance API"], headers=headers).get_json()
    assert len(body["periods"]) == 12 and all(p["total"] == 5 for p in body["periods"])
    old = client.get(PATHS["compliance API"] + "&from=2020-01&to=2020-06", headers=headers).get_json()
    assert [p["key"] for p in old["periods"]] == [f"2020-M0{m}" for m in range(1, 7)]
    assert all(p["counts"]["accepted"] == 5 for p in old["periods"])
    kpi = client.get(PATHS["KPI API"] + "&from=2020-01&to=2020-06", headers=headers).get_json()
    assert [p["key"] for p in kpi["periods"]] == [f"2020-M0{m}" for m in range(1, 7)]
    assert len(kpi["series"]) == 5 and all(v == 7.2 for line in kpi["series"] for v in line["values"])
