"""Who may open the dashboards, integration tokens with `aggregates:read`, and bad filters answered clearly."""

from __future__ import annotations

import pytest

from tests.conftest import bearer, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.dashboards.test_kpi import GRDP, RANGE
from tests.formplatform.dashboards.test_kpi import kpi as kpi  # noqa: F401  (the fixture)

READERS = {"quantri", "thietke", "thamdinh", "tp_q1", "ct_q1", "xem_q1", "xem_tp"}


@pytest.mark.parametrize("username", ["quantri", "thietke", "thamdinh", "cv_q1", "tp_q1", "ct_q1", "xem_q1", "cv_q3"])
def test_dashboards_are_for_leaders_and_readers(client, city, username):
    log_in(client, username, CITY_PASSWORD)
    allowed = username in READERS
    for path in ("/dashboards", "/dashboards/compliance", "/dashboards/kpi", "/dashboards/satisfaction"):
        assert client.get(path).status_code == (200 if allowed else 403), path
    assert client.get("/api/v1/aggregates/kpi").status_code == (200 if allowed else 403)
    nav = client.get("/?lang=en").get_data(as_text=True)
    assert ('href="/dashboards"' in nav) == allowed


def test_without_login_nothing_is_shown(client, city):
    assert client.get("/api/v1/aggregates/compliance").status_code == 401
    assert client.get("/dashboards/kpi").status_code == 401


def test_an_integration_token_needs_the_aggregates_scope_and_stays_in_its_subtree(app, client, kpi):
    from formplatform.accounts.tokens import issue_integration_token

    with app.test_request_context():
        good, _ = issue_integration_token("Kho dữ liệu", ["aggregates:read"], kpi.id("d1"), 30, kpi.users["quantri"])
        other, _ = issue_integration_token("Một cửa", ["satisfaction:read"], kpi.id("d1"), 30, kpi.users["quantri"])
    query = {**RANGE, "indicator": GRDP}
    body = client.get("/api/v1/aggregates/kpi", query_string=query, headers={"Authorization": f"Bearer {good}"})
    assert body.status_code == 200
    assert [line["agency"]["code"] for line in body.get_json()["series"]] == ["000.00.31.H29"]
    refused = client.get("/api/v1/aggregates/kpi", headers={"Authorization": f"Bearer {other}"})
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("path", "query", "code"),
    [
        ("kpi", {"from": "2026-13"}, "bad_month"),
        ("kpi", {"from": "yesterday"}, "bad_month"),
        ("kpi", {"from": "2026-11", "to": "2026-01"}, "bad_month_range"),
        ("kpi", {"template": "kpi-test", "indicator": "kpi.figures/nothing/actual"}, "unknown_indicator"),
        ("kpi", {"template": "cchc-report"}, "unknown_template"),
        ("kpi", {"template": "no-such-form"}, "unknown_template"),
        ("compliance", {"template": "no-such-form"}, "unknown_template"),
        ("compliance", {"campaign": "no-such-campaign"}, "unknown_campaign"),
        ("satisfaction", {"kind": "week"}, "bad_period_kind"),
        ("satisfaction", {"kind": "quarter", "from": "2026-11"}, "bad_satisfaction_period"),
        ("satisfaction", {"from": "2026-11", "to": "2026-02"}, "bad_period_range"),
        ("satisfaction", {"agency": [f"a{i}" for i in range(21)]}, "too_many_agencies"),
    ],
)
def test_bad_filters_answer_400_with_a_message_in_both_languages(client, kpi, path, query, code):
    headers = bearer(client, "xem_tp", CITY_PASSWORD)
    english = client.get(f"/api/v1/aggregates/{path}", query_string={**query, "lang": "en"}, headers=headers)
    assert english.status_code == 400 and english.get_json()["error"]["code"] == code
    message = english.get_json()["error"]["message"]
    vietnamese = client.get(f"/api/v1/aggregates/{path}", query_string={**query, "lang": "vi"}, headers=headers)
    assert vietnamese.status_code == 400 and vietnamese.get_json()["error"]["code"] == code
    assert message and message != "The request could not be understood."
    log_in(client, "xem_tp", CITY_PASSWORD)
    page = client.get(f"/dashboards/{path}", query_string={**query, "lang": "en"})
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and message in html and "These filters cannot be shown." in html
    assert 'class="fpd-filters"' in html  # the filters stay on screen to be corrected
