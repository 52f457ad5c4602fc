"""Role × agency × endpoint: allowed combinations work, every other one answers 403/404 and leaks nothing.

The city (tests/fixtures/city.py): quantri = admin of the city; thietke = designer of Sở Nội vụ;
thamdinh = reviewer over the city; cv_q1 / ct_q1 / xem_q1 = specialist / agency head / viewer of
District 1; tp_q1 = division head of District 1's Home Affairs division; cv_q3 = specialist of
District 3; xem_tp = viewer over the whole city.
"""

from __future__ import annotations

import pytest

from tests.conftest import bearer, csrf_token, log_in
from tests.fixtures.city import ACCOUNTS, CITY_PASSWORD
from tests.fixtures.definitions import sample_v1, valid_answers

KEY = "sample-report"
EVERYONE = sorted(ACCOUNTS)


@pytest.fixture
def world(app, city, client):
    """The report form (owned by Sở Nội vụ) with one submission each for District 1 and District 3."""
    from formplatform.services.forms import publish_form, save_draft
    from formplatform.services.submissions import submit_form

    with app.app_context():
        save_draft(KEY, sample_v1(), None, owner_agency_id=city.id("home_affairs"))
        publish_form(KEY, None)
        d1 = submit_form(KEY, valid_answers(), actor=city.users["cv_q1"])
        d3 = submit_form(KEY, valid_answers(), actor=city.users["cv_q3"])
    tokens = {name: bearer(client, name, CITY_PASSWORD) for name in EVERYONE}
    return {"city": city, "d1": d1.id, "d3": d3.id, "tokens": tokens}


DESIGNERS = {"quantri", "thietke"}


@pytest.mark.parametrize("username", EVERYONE)
def test_only_designers_of_the_owner_can_change_a_form(client, world, username):
    headers = world["tokens"][username]
    draft = client.put(f"/api/v1/forms/{KEY}/draft", json=sample_v1(), headers=headers)
    publish = client.post(f"/api/v1/forms/{KEY}/publish", json={}, headers=headers)
    if username in DESIGNERS:
        assert draft.status_code == 200 and publish.status_code in (201, 409)
    else:
        assert draft.status_code == 403 and publish.status_code == 403
        assert "definition" not in draft.get_json().get("error", {})


# who may file a report for which agency (short agency names of the city fixture)
MAY_FILE = {
    "quantri": {"d1", "d3", "d1_division"},
    "cv_q1": {"d1", "d1_division", "d1_ward"},
    "ct_q1": {"d1", "d1_division"},
    "tp_q1": {"d1_division"},
    "cv_q3": {"d3", "d3_ward"},
}


@pytest.mark.parametrize("username", EVERYONE)
@pytest.mark.parametrize("agency", ["d1", "d1_division", "d3"])
def test_filing_a_report_needs_the_specialist_chain_over_that_agency(client, world, username, agency):
    headers = world["tokens"][username]
    body = {"data": valid_answers(), "agency_id": world["city"].id(agency)}
    response = client.post(f"/api/v1/forms/{KEY}/submissions", json=body, headers=headers)
    if agency in MAY_FILE.get(username, set()):
        assert response.status_code == 201, response.get_json()
        assert response.get_json()["agency_id"] == world["city"].id(agency)
    else:
        assert response.status_code in (403, 404), response.get_json()
        assert "id" not in response.get_json()


# who may read the District 1 / District 3 submissions
READS_D1 = {"quantri", "thamdinh", "cv_q1", "ct_q1", "xem_q1", "xem_tp"}
READS_D3 = {"quantri", "thamdinh", "cv_q3", "xem_tp"}


@pytest.mark.parametrize("username", EVERYONE)
def test_reading_a_submission_by_id_respects_the_subtree(client, world, username):
    headers = world["tokens"][username]
    for which, readers in (("d1", READS_D1), ("d3", READS_D3)):
        response = client.get(f"/api/v1/submissions/{world[which]}", headers=headers)
        if username in readers:
            assert response.status_code == 200
        else:
            assert response.status_code == 404 and "data" not in response.get_json()


@pytest.mark.parametrize("username", EVERYONE)
def test_listings_contain_only_the_callers_subtree(client, world, username):
    response = client.get(f"/api/v1/forms/{KEY}/submissions", headers=world["tokens"][username])
    readers = READS_D1 | READS_D3
    if username not in readers and username not in {"tp_q1"}:
        assert response.status_code == 403
        return
    ids = {item["id"] for item in response.get_json()["items"]}
    expected = {world[w] for w, r in (("d1", READS_D1), ("d3", READS_D3)) if username in r}
    assert ids == expected


@pytest.mark.parametrize("username", ["cv_q1", "cv_q3", "xem_q1", "thietke"])
def test_html_pages_follow_the_same_rules(client, world, username):
    log_in(client, username, CITY_PASSWORD)
    for which, readers in (("d1", READS_D1), ("d3", READS_D3)):
        page = client.get(f"/forms/{KEY}/submissions/{world[which]}")
        assert page.status_code == (200 if username in readers else 404)
    listing = client.get(f"/forms/{KEY}/submissions")
    if username in READS_D1 | READS_D3:
        html = listing.get_data(as_text=True)
        assert (world["d1"] in html) == (username in READS_D1)
        assert (world["d3"] in html) == (username in READS_D3)
    else:
        assert listing.status_code == 403
    admin_page = client.get(f"/admin/forms/{KEY}/draft")
    assert admin_page.status_code == (200 if username in DESIGNERS else 403)


def test_a_district_user_cannot_write_through_the_html_form_for_another_district(client, world):
    log_in(client, "cv_q3", CITY_PASSWORD)
    token = csrf_token(client, f"/forms/{KEY}")
    response = client.post(f"/forms/{KEY}/versions/1", data={"csrf_token": token, "agency": "Q3", "level": "city"})
    assert response.status_code in (302, 422)
    from formplatform.models import Submission

    # whatever was filed through the page belongs to the filer's own agency, never to District 1
    assert Submission.objects(agency_id=world["city"].id("d1")).count() == 1


# who may read the dashboards (dashboards.read): leaders, reviewers, designers and viewers — not specialists
DASHBOARD_READERS = {"quantri", "thietke", "thamdinh", "tp_q1", "ct_q1", "xem_q1", "xem_tp"}


@pytest.mark.parametrize("username", EVERYONE)
def test_dashboards_and_aggregates_need_dashboards_read(client, world, username):
    headers = world["tokens"][username]
    for board in ("compliance", "kpi", "satisfaction"):
        response = client.get(f"/api/v1/aggregates/{board}", headers=headers)
        assert response.status_code == (200 if username in DASHBOARD_READERS else 403), (board, response.get_json())
    # an agency outside the caller's subtree is not found, whatever the role
    outside = world["city"].id("d3") if username in {"cv_q1", "tp_q1", "ct_q1", "xem_q1"} else None
    if outside and username in DASHBOARD_READERS:
        assert client.get(f"/api/v1/aggregates/kpi?agency={outside}", headers=headers).status_code == 404
