"""Compliance of a campaign with agencies in every state; nobody sees another agency's reports."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from tests.conftest import bearer, csrf_token, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.reporting.campaign_support import new_campaign, report_in_state

DAY = timedelta(days=1)
# agency -> (status shown, timeliness)
EXPECTED = {
    "d1": ("submitted", "on_time"),
    "d1_ward": ("accepted", "late"),
    "d1_division": ("overdue", "overdue"),
    "d1_ward2": ("accepted", "on_time"),
    "d3": ("returned", "on_time"),
    "d3_ward": ("draft", "due_soon"),
    "d3_ward2": ("submitted", "late"),
    "d3_ward3": ("in_approval", "on_time"),  # between specialist and agency head, deadline ahead
    # returned after an on-time receipt and not resubmitted by the deadline: still "returned", coloured overdue
    "d1_ward3": ("returned", "overdue"),
    "justice": ("not_started", "on_time"),
    "home_affairs": ("overdue", "overdue"),
}
D1_SIDE = {"d1", "d1_ward", "d1_division", "d1_ward2", "d1_ward3"}


@pytest.fixture
def world(app: Any, city: Any, seeded: Any) -> Any:
    """November 2026 of a campaign: one agency per state; October for two of them (rates over time)."""
    from formplatform.services.seed import ensure_agency

    now = datetime.utcnow().replace(microsecond=0)
    past, soon, later = now - 2 * DAY, now + 2 * DAY, now + 10 * DAY
    with app.test_request_context():
        city.agencies["d1_ward2"] = ensure_agency("000.32.31.H29", "000.00.31.H29", "ward", "Phường Đa Kao", "Da Kao")
        city.agencies["d3_ward2"] = ensure_agency("000.34.33.H29", "000.00.33.H29", "ward", "Phường 4", "Ward 4")
        city.agencies["d1_ward3"] = ensure_agency(
            "000.35.31.H29", "000.00.31.H29", "ward", "Phường Tân Định", "Tan Dinh"
        )
        city.agencies["d3_ward3"] = ensure_agency("000.36.33.H29", "000.00.33.H29", "ward", "Phường 5", "Ward 5")
        # starts far ahead: the page's lazy opening adds nothing, the reports below are the whole truth
        campaign = new_campaign(city, agency_ids=[city.id(a) for a in EXPECTED], starts_on=date(2099, 1, 1))
        a = city.id
        ids = {
            "d1": report_in_state(campaign, a("d1"), "submitted", past, submitted_at=past - DAY, on_time=True),
            "d1_ward": report_in_state(
                campaign, a("d1_ward"), "accepted", past, submitted_at=past + DAY, on_time=False, accepted_at=now
            ),
            "d1_division": report_in_state(campaign, a("d1_division"), "in_approval", past, step=1),
            "d1_ward2": report_in_state(
                campaign, a("d1_ward2"), "accepted", later, submitted_at=now, on_time=True, accepted_at=now
            ),
            "d3": report_in_state(campaign, a("d3"), "returned", later, submitted_at=now - DAY, on_time=True),
            "d3_ward": report_in_state(campaign, a("d3_ward"), "draft", soon),
            "d3_ward2": report_in_state(campaign, a("d3_ward2"), "submitted", past, submitted_at=now, on_time=False),
            "d3_ward3": report_in_state(campaign, a("d3_ward3"), "in_approval", later, step=1),
            "d1_ward3": report_in_state(
                campaign, a("d1_ward3"), "returned", past, submitted_at=past - DAY, on_time=True
            ),
            "justice": report_in_state(campaign, a("justice"), "not_started", later),
            "home_affairs": report_in_state(campaign, a("home_affairs"), "not_started", past),
        }
        october = now - 30 * DAY
        kw = {"period_key": "2026-M10"}
        report_in_state(campaign, a("d1"), "accepted", october, submitted_at=october, on_time=True, **kw)
        report_in_state(campaign, a("d3"), "not_started", october, **kw)
    return {"campaign": campaign, "reports": {k: r.id for k, r in ids.items()}, "now": now, "city": city}


def principal(username: str) -> Any:
    from formplatform.accounts.models import User

    return User.objects(username=username).first()


def rows_by_agency(app: Any, world: Any, username: str, period: str = "2026-M11") -> dict[str, Any]:
    from formplatform.reporting.compliance import compliance_rows

    names = {agency.id: short for short, agency in world["city"].agencies.items()}
    with app.test_request_context():
        rows = compliance_rows(principal(username), world["campaign"], period, world["now"])
    return {names[row.report.agency_id]: row for row in rows}


def test_every_state_and_timeliness_is_derived(app, world):
    from formplatform.reporting.compliance import status_counts

    rows = rows_by_agency(app, world, "xem_tp")
    assert {name: (row.status, row.timeliness) for name, row in rows.items()} == EXPECTED
    assert rows["d3_ward"].days_left in (1, 2)
    counts = status_counts(list(rows.values()))
    assert counts["total"] == 11
    assert counts["states"] == {
        "not_started": 1,
        "draft": 1,
        "in_approval": 1,
        "returned": 2,
        "submitted": 2,
        "accepted": 2,
        "overdue": 2,
    }
    assert counts["timeliness"] == {"on_time": 5, "due_soon": 1, "overdue": 3, "late": 2}


def test_a_returned_report_stays_returned_after_its_deadline_and_keeps_its_on_time_receipt(app, world):
    """The rule of workflow.py and compliance.py: returned whatever the date, coloured overdue once the
    deadline passed without a resubmission; received on time for good, completed again on resubmission."""
    from formplatform.reporting.compliance import agency_rates, report_status, timeliness
    from formplatform.reporting.models import Report

    returned = Report.objects(id=world["reports"]["d1_ward3"]).first()
    now = world["now"]
    before = now - 3 * DAY  # a day before its deadline
    assert (report_status(returned, before), timeliness(returned, before)) == ("returned", "due_soon")
    assert (report_status(returned, now), timeliness(returned, now)) == ("returned", "overdue")
    names = {agency.id: short for short, agency in world["city"].agencies.items()}
    with app.test_request_context():
        rates = agency_rates(principal("xem_tp"), world["campaign"], ["2026-M11"], now)
    row = next(r for r in rates if names[r.agency.id] == "d1_ward3")
    assert row.cells == {"2026-M11": "returned"}
    assert (row.due, row.completed, row.received, row.on_time) == (1, 0, 1, 1)
    assert (row.completion_rate, row.on_time_rate) == (0.0, 1.0)
    Report.objects(id=returned.id).update_one(set__state="submitted", set__step=3)  # resubmitted late
    with app.test_request_context():
        again = agency_rates(principal("xem_tp"), world["campaign"], ["2026-M11"], now)
    row = next(r for r in again if names[r.agency.id] == "d1_ward3")
    assert (row.completed, row.on_time, row.completion_rate, row.on_time_rate) == (1, 1, 1.0, 1.0)
    in_approval = rows_by_agency(app, world, "xem_tp")["d3_ward3"]
    assert (in_approval.status, in_approval.timeliness) == ("in_approval", "on_time")


@pytest.mark.parametrize(
    ("username", "sees"),
    [
        ("xem_tp", set(EXPECTED)),
        ("thamdinh", set(EXPECTED)),
        ("quantri", set(EXPECTED)),
        ("ct_q1", D1_SIDE),
        ("xem_q1", D1_SIDE),
        ("thietke", {"home_affairs"}),
    ],
)
def test_each_reader_sees_only_the_agencies_of_their_scope(app, world, username, sees):
    assert set(rows_by_agency(app, world, username)) == sees


def test_rates_per_agency_over_periods(app, world):
    from formplatform.reporting.compliance import agency_rates

    names = {agency.id: short for short, agency in world["city"].agencies.items()}
    with app.test_request_context():
        rates = agency_rates(principal("xem_tp"), world["campaign"], ["2026-M10", "2026-M11"], world["now"])
    by_name = {names[r.agency.id]: r for r in rates}
    d1, d3 = by_name["d1"], by_name["d3"]
    assert d1.cells == {"2026-M10": "accepted", "2026-M11": "submitted"}
    assert (d1.due, d1.completed, d1.received, d1.on_time) == (2, 2, 2, 2)
    assert (d1.completion_rate, d1.on_time_rate) == (1.0, 1.0)
    # October overdue; November returned before its deadline: received on time, not complete, not yet due
    assert d3.cells == {"2026-M10": "overdue", "2026-M11": "returned"}
    assert (d3.due, d3.completed, d3.received, d3.on_time) == (2, 0, 1, 1)
    assert (d3.completion_rate, d3.on_time_rate) == (0.0, 1.0)
    late = by_name["d3_ward2"]
    assert (late.completion_rate, late.on_time_rate) == (1.0, 0.0)
    assert by_name["justice"].completion_rate is None and by_name["justice"].due == 0
    with app.test_request_context():
        narrow = agency_rates(principal("ct_q1"), world["campaign"], ["2026-M10", "2026-M11"], world["now"])
    assert {names[r.agency.id] for r in narrow} == D1_SIDE


def test_the_compliance_page_shows_counts_filters_and_links(client, world):
    log_in(client, "xem_tp", CITY_PASSWORD)
    campaign = world["campaign"]
    page = client.get(f"/admin/campaigns/{campaign.id}?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "November 2026" in html and "October 2026" in html
    assert html.count('data-status="overdue"') == 2 and html.count('data-status="accepted"') == 2
    assert html.count("fpc-row--late") == 2 and html.count("fpc-row--due_soon") == 1
    assert html.count('data-status="returned"') == 2 and html.count('data-status="in_approval"') == 1
    assert html.count("fpc-row--overdue") == 3  # the returned report past its deadline is coloured overdue
    for report_id in world["reports"].values():
        assert f"/reports/{report_id}" in html
    assert "Completion and timeliness per agency" in html and "fpc-w-100" in html
    overdue = client.get(f"/admin/campaigns/{campaign.id}?period=2026-M11&state=overdue").get_data(as_text=True)
    assert overdue.count('<tr class="fpc-row') == 3
    late = client.get(f"/admin/campaigns/{campaign.id}?period=2026-M11&state=late").get_data(as_text=True)
    assert late.count('<tr class="fpc-row') == 2
    october = client.get(f"/admin/campaigns/{campaign.id}?period=2026-M10&state=bogus&n=abc").get_data(as_text=True)
    assert october.count('<tr class="fpc-row') == 2
    assert "Edit" not in october.split("<main", 1)[1].split("Reports of one period")[0]  # viewers do not manage


def test_the_page_is_scoped_and_hidden_from_people_without_compliance_rights(client, world):
    campaign = world["campaign"]
    log_in(client, "ct_q1", CITY_PASSWORD)
    html = client.get(f"/admin/campaigns/{campaign.id}?period=2026-M11").get_data(as_text=True)
    assert html.count('<tr class="fpc-row') == 5
    assert world["reports"]["d3"] not in html and world["reports"]["home_affairs"] not in html
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    log_in(client, "cv_q3", CITY_PASSWORD)
    assert client.get(f"/admin/campaigns/{campaign.id}").status_code == 404
    assert client.get("/admin/campaigns/no-such-campaign").status_code == 404


def test_the_compliance_api_matches_the_page(client, world):
    campaign = world["campaign"]
    city_viewer = bearer(client, "xem_tp", CITY_PASSWORD)
    body = client.get(f"/api/v1/campaigns/{campaign.id}/compliance?period=2026-M11", headers=city_viewer).get_json()
    assert body["periods"] == ["2026-M11", "2026-M10"] and body["period"]["label"]["vi"] == "Tháng 11/2026"
    counts = body["counts"]
    assert counts["total"] == 11 and counts["states"]["overdue"] == 2 and counts["timeliness"]["late"] == 2
    assert counts["states"]["in_approval"] == 1 and counts["states"]["returned"] == 2
    statuses = sorted((i["status"], i["timeliness"]) for i in body["items"])
    assert statuses == sorted(EXPECTED.values())
    d1 = next(i for i in body["rates"]["items"] if i["agency_code"] == "000.00.31.H29")
    assert d1["completion_rate"] == 1.0 and d1["statuses"] == {"2026-M10": "accepted", "2026-M11": "submitted"}
    district = bearer(client, "ct_q1", CITY_PASSWORD)
    narrow = client.get(f"/api/v1/campaigns/{campaign.id}/compliance", headers=district).get_json()
    assert narrow["period"]["key"] == "2026-M11" and len(narrow["items"]) == 5
    assert (
        client.get(f"/api/v1/campaigns/{campaign.id}/compliance?period=2030-M01", headers=city_viewer).status_code
        == 404
    )
    outsider = bearer(client, "cv_q3", CITY_PASSWORD)
    assert client.get(f"/api/v1/campaigns/{campaign.id}/compliance", headers=outsider).status_code == 404
    assert client.get(f"/api/v1/campaigns/{campaign.id}/compliance").status_code == 401
