"""The demo city gives the KPI and compliance dashboards past months to show, once."""

from __future__ import annotations

from tests.conftest import bearer

INDICATOR = "kpi_monthly.indicators/grdp_growth/actual"


def test_the_demo_has_six_months_of_accepted_kpi_sheets_on_both_versions(app, client, core, seeded):
    from formplatform.reporting.demo import seed_demo_kpi_history
    from formplatform.reporting.models import Report
    from formplatform.services.demo import DEMO_PASSWORD, seed_demo

    with app.app_context():
        seed_demo()
        history = Report.objects(form_key="kpi-monthly", state="accepted")
        assert history.count() == 18 and set(history.scalar("version")) == {1, 2}
        assert seed_demo_kpi_history() == 0 and Report.objects(state="accepted").count() == 18
    headers = bearer(client, "demo.thamdinh", DEMO_PASSWORD)
    body = client.get("/api/v1/aggregates/kpi", query_string={"indicator": INDICATOR}, headers=headers).get_json()
    assert len(body["periods"]) == 6 and len(body["series"]) == 3
    assert all(None not in line["values"] and all(3 < v < 12 for v in line["values"]) for line in body["series"])
    district1 = bearer(client, "demo.xem", DEMO_PASSWORD)
    mine = client.get("/api/v1/aggregates/kpi", query_string={"indicator": INDICATOR}, headers=district1).get_json()
    assert [line["agency"]["code"] for line in mine["series"]] == ["000.00.31.H29"]
    compliance = client.get("/api/v1/aggregates/compliance?template=kpi-monthly", headers=headers).get_json()
    assert sum(p["counts"]["accepted"] for p in compliance["periods"]) == 18
