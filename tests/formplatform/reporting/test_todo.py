"""The to-do list, report listings and the permission matrix: nobody sees or moves another agency's report.

The city (tests/fixtures/city.py): District 1's chain is cv_q1 → tp_q1 (its Home Affairs division)
→ ct_q1; cv_q3 is District 3's specialist; thamdinh reviews city-wide; xem_q1 / xem_tp are viewers;
thietke designs forms; quantri administers the city.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.conftest import bearer, log_in
from tests.fixtures.city import ACCOUNTS, CITY_PASSWORD
from tests.formplatform.reporting.workflow_support import FAKE_SIGNATURE, cchc_data, kpi_data, make_report, users

EVERYONE = sorted(ACCOUNTS)
# who may read the District 1 / District 3 reports (tp_q1 works in a division of District 1)
READS_D1 = {"quantri", "thamdinh", "cv_q1", "tp_q1", "ct_q1", "xem_q1", "xem_tp"}
READS_D3 = {"quantri", "thamdinh", "cv_q3", "xem_tp"}


@pytest.fixture
def world(app: Any, city: Any, seeded: Any, client: Any) -> Any:
    now = datetime.utcnow()
    with app.app_context():
        soon = make_report(city, "cchc-report", deadline=now + timedelta(days=2))
        later = make_report(city, "kpi-monthly", version=2, deadline=now + timedelta(days=20))
        late = make_report(city, "kpi-monthly", version=2, period_key="2026-M10", deadline=now - timedelta(days=1))
        d3 = make_report(
            city, "cchc-report", agency="d3", campaign_id=soon.campaign_id, deadline=now + timedelta(days=5)
        )
    tokens = {name: bearer(client, name, CITY_PASSWORD) for name in EVERYONE}
    return {"city": city, "soon": soon.id, "later": later.id, "late": late.id, "d3": d3.id, "tokens": tokens}


def todo(app: Any, city: Any, username: str) -> list[Any]:
    from formplatform.reporting.reports import todo_for

    with app.test_request_context():
        return todo_for(users(city)[username])


def test_the_drafter_sees_every_open_report_of_the_agency_by_deadline(app, city, world):
    items = todo(app, city, "cv_q1")
    assert [i.report.id for i in items] == [world["late"], world["soon"], world["later"]]
    assert [i.due for i in items] == ["overdue", "due_soon", "on_track"] and all(i.mine for i in items)
    assert [i.report.id for i in todo(app, city, "cv_q3")] == [world["d3"]]


def test_approvers_see_their_agencys_reports_and_act_when_it_is_their_turn(app, city, world):
    from formplatform.reporting import workflow

    assert not any(i.mine for i in todo(app, city, "tp_q1")) and len(todo(app, city, "tp_q1")) == 3
    assert todo(app, city, "thamdinh") == []
    with app.app_context():
        u = users(city)
        workflow.save_report(world["soon"], cchc_data(), u["cv_q1"])
        workflow.submit_report(world["soon"], u["cv_q1"])
    mine = {i.report.id for i in todo(app, city, "tp_q1") if i.mine}
    assert mine == {world["soon"]}
    assert {i.report.id for i in todo(app, city, "cv_q1") if i.mine} == {world["late"], world["later"]}
    with app.app_context():
        workflow.approve_report(world["soon"], u["tp_q1"])
        workflow.approve_report(world["soon"], u["ct_q1"], signature=FAKE_SIGNATURE)
    reviewer = todo(app, city, "thamdinh")
    assert [(i.report.id, i.mine, i.due) for i in reviewer] == [(world["soon"], True, "received")]
    assert world["soon"] not in {i.report.id for i in todo(app, city, "cv_q1")}  # with the reviewer now
    with app.app_context():
        workflow.return_report(world["soon"], u["thamdinh"], comment="Bổ sung")
    returned = [i for i in todo(app, city, "cv_q1") if i.report.id == world["soon"]]
    assert returned[0].report.state == "returned" and returned[0].mine


def test_the_next_people_are_notified_including_a_division_head(app, city, world):
    """Each step notifies whoever acts next, the division head of the district's division included."""
    from formplatform.reporting import workflow
    from formplatform.reporting.models import Notification

    def notices(username: str, kind: str) -> int:
        return Notification.objects(user_id=u[username].id, kind=kind, report_id=world["later"]).count()

    with app.app_context():
        u = users(city)
        workflow.save_report(world["later"], kpi_data(), u["cv_q1"])
        workflow.submit_report(world["later"], u["cv_q1"])
        assert notices("tp_q1", "to_act") == 1 and notices("ct_q1", "to_act") == 0
        workflow.send_back(world["later"], u["tp_q1"], "Sửa số liệu")
        assert notices("cv_q1", "returned") == 1 and notices("cv_q3", "returned") == 0
        workflow.submit_report(world["later"], u["cv_q1"])
        workflow.approve_report(world["later"], u["tp_q1"])
        assert notices("ct_q1", "to_act") == 1
        workflow.approve_report(world["later"], u["ct_q1"])
        assert notices("cv_q1", "accepted") == 1 and notices("tp_q1", "accepted") == 1
        assert Notification.objects(user_id=u["thamdinh"].id).count() == 0  # kpi-monthly v2: no reviewer


def test_the_to_do_page_colours_and_empty_state(app, client, city, world):
    log_in(client, "cv_q1", CITY_PASSWORD)
    html = client.get("/reports?lang=en").get_data(as_text=True)
    assert "fp-todo__item--overdue" in html and "fp-todo__item--due_soon" in html
    assert html.index(world["late"]) < html.index(world["soon"]) < html.index(world["later"])
    assert "Fill in" in html and world["d3"] not in html
    client._cookies.clear()
    log_in(client, "xem_tp", CITY_PASSWORD)
    assert "Nothing to do" in client.get("/reports?lang=en").get_data(as_text=True)
    every = client.get("/reports/all?lang=en").get_data(as_text=True)
    assert all(world[k] in every for k in ("soon", "later", "late", "d3"))
    overdue = client.get("/reports/all?state=overdue").get_data(as_text=True)
    assert world["late"] in overdue and world["soon"] not in overdue
    assert client.get("/reports/all?state=bogus").status_code == 400


@pytest.mark.parametrize("username", EVERYONE)
def test_reading_a_report_respects_the_agency(client, world, username):
    headers = world["tokens"][username]
    for which, readers in (("soon", READS_D1), ("d3", READS_D3)):
        response = client.get(f"/api/v1/reports/{world[which]}", headers=headers)
        if username in readers:
            assert response.status_code == 200 and response.get_json()["id"] == world[which]
        else:
            assert response.status_code == 404 and "data" not in response.get_json()
        for suffix in ("/history", "/changes"):
            status = client.get(f"/api/v1/reports/{world[which]}{suffix}", headers=headers).status_code
            assert status == (200 if username in readers else 404)


@pytest.mark.parametrize("username", EVERYONE)
def test_listings_hold_only_the_callers_agencies(client, world, username):
    response = client.get("/api/v1/reports?per_page=100", headers=world["tokens"][username])
    if username not in READS_D1 | READS_D3:
        assert response.status_code == 200 and response.get_json()["items"] == []
        return
    ids = {item["id"] for item in response.get_json()["items"]}
    expected = {world[k] for k in ("soon", "later", "late") if username in READS_D1}
    expected |= {world["d3"]} if username in READS_D3 else set()
    assert ids == expected


@pytest.mark.parametrize("username", EVERYONE)
def test_only_the_drafter_of_the_agency_writes_and_submits(app, client, world, username):
    from formplatform.reporting.models import Report

    headers = world["tokens"][username]
    saved = client.put(f"/api/v1/reports/{world['d3']}", json={"data": cchc_data()}, headers=headers)
    submitted = client.post(f"/api/v1/reports/{world['d3']}/submit", json={}, headers=headers)
    if username == "cv_q3":
        assert saved.status_code == 200 and submitted.status_code == 200
        assert submitted.get_json()["state"] == "in_approval"
    else:
        expected = 403 if username in READS_D3 else 404
        assert saved.status_code == expected and submitted.status_code == expected
        with app.app_context():
            assert Report.objects(id=world["d3"]).first().state == "not_started"


@pytest.mark.parametrize("username", ["cv_q1", "cv_q3", "xem_q1", "thietke", "xem_tp"])
def test_html_report_pages_follow_the_same_rules(client, world, username):
    log_in(client, username, CITY_PASSWORD)
    for which, readers in (("soon", READS_D1), ("d3", READS_D3)):
        assert client.get(f"/reports/{world[which]}").status_code == (200 if username in readers else 404)
        assert client.get(f"/reports/{world[which]}/changes").status_code == (200 if username in readers else 404)
    listing = client.get("/reports/all").get_data(as_text=True)
    assert (world["soon"] in listing) == (username in READS_D1)
    assert (world["d3"] in listing) == (username in READS_D3)


def test_the_api_walks_the_chain_with_if_match_and_step(app, client, world):
    tokens, rid = world["tokens"], world["later"]
    read = client.get(f"/api/v1/reports/{rid}", headers=tokens["cv_q1"])
    assert read.headers["ETag"] == '"0"' and read.get_json()["can_act"] is True
    draft = client.put(
        f"/api/v1/reports/{rid}", json={"data": {"month": 13}}, headers={**tokens["cv_q1"], "If-Match": '"0"'}
    )
    assert draft.status_code == 200 and {p["path"] for p in draft.get_json()["problems"]} >= {"month", "commentary"}
    stale = client.put(
        f"/api/v1/reports/{rid}", json={"data": kpi_data()}, headers={**tokens["cv_q1"], "If-Match": '"0"'}
    )
    assert stale.status_code == 409 and stale.get_json()["error"]["details"]["revision"] == 1
    invalid = client.post(f"/api/v1/reports/{rid}/submit", json={}, headers=tokens["cv_q1"])
    assert invalid.status_code == 422 and invalid.get_json()["error"]["errors"]
    assert client.put(f"/api/v1/reports/{rid}", json={"data": kpi_data()}, headers=tokens["cv_q1"]).status_code == 200
    assert client.post(f"/api/v1/reports/{rid}/submit", json={"step": 0}, headers=tokens["cv_q1"]).status_code == 200
    assert client.post(f"/api/v1/reports/{rid}/approve", json={"step": 1}, headers=tokens["tp_q1"]).status_code == 200
    again = client.post(f"/api/v1/reports/{rid}/approve", json={"step": 1}, headers=tokens["tp_q1"])
    assert again.status_code == 409
    done = client.post(f"/api/v1/reports/{rid}/approve", json={"step": 2}, headers=tokens["ct_q1"])
    assert done.status_code == 200 and done.get_json()["state"] == "accepted"
    history = client.get(f"/api/v1/reports/{rid}/history", headers=tokens["xem_q1"]).get_json()
    assert [s["action"] for s in history["steps"]] == ["submit", "approve", "approve"]
    assert client.post(f"/api/v1/reports/{rid}/approve", data="x", headers=tokens["ct_q1"]).status_code == 400


def test_an_integration_client_reads_its_subtree_and_moves_nothing(app, client, city, world):
    from formplatform.accounts.services import issue_integration_token

    with app.app_context():
        token, _ = issue_integration_token("one-stop", ["submissions:read"], city.id("d1"), 30, city.users["quantri"])
    headers = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/v1/reports", headers=headers).get_json()
    assert {item["id"] for item in listed["items"]} == {world["soon"], world["later"], world["late"]}
    assert client.get(f"/api/v1/reports/{world['soon']}", headers=headers).get_json()["can_act"] is False
    assert client.get(f"/api/v1/reports/{world['d3']}", headers=headers).status_code == 404
    assert client.post(f"/api/v1/reports/{world['soon']}/submit", json={}, headers=headers).status_code == 403
    assert client.get("/api/v1/reports").status_code == 401
