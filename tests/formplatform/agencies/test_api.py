"""The agencies API: each caller reads its own subtrees only; ids outside it answer 404."""

from __future__ import annotations

import re

from tests.conftest import bearer, log_in
from tests.fixtures.city import CITY_PASSWORD

CONTACT = {"name": "Trần Thị Bình", "position": "Chánh Văn phòng", "phone": "0901234567", "email": "binh@tphcm.example"}


def codes(body) -> list[str]:
    return [item["code"] for item in body["items"]]


def test_anonymous_callers_get_401(client, city):
    assert client.get("/api/v1/agencies").status_code == 401
    assert client.get(f"/api/v1/agencies/{city.id('d1')}").status_code == 401
    assert client.put(f"/api/v1/agencies/{city.id('d1')}/contact", json=CONTACT).status_code == 401


def test_the_city_reads_everything_paged_by_code(client, city):
    headers = bearer(client, "xem_tp", CITY_PASSWORD)
    body = client.get("/api/v1/agencies", headers=headers).get_json()
    assert body["total"] == 8 and body["page"] == 1 and body["per_page"] == 20
    assert codes(body) == sorted(a.code for a in city.agencies.values())
    page2 = client.get("/api/v1/agencies?per_page=3&page=2", headers=headers).get_json()
    assert codes(page2) == codes(body)[3:6] and page2["total"] == 8
    wards = client.get("/api/v1/agencies?type=ward&q=vo thi", headers=headers).get_json()
    assert codes(wards) == ["000.33.33.H29"] and wards["items"][0]["name"]["vi"] == "UBND Phường Võ Thị Sáu"
    for bad in ("per_page=101", "page=0", "page=x", "type=province"):
        assert client.get(f"/api/v1/agencies?{bad}", headers=headers).status_code == 400, bad


def test_a_district_user_reads_only_its_district(client, city):
    headers = bearer(client, "cv_q1", CITY_PASSWORD)
    body = client.get("/api/v1/agencies", headers=headers).get_json()
    assert codes(body) == ["000.00.31.H29", "000.01.31.H29", "000.31.31.H29"] and body["total"] == 3
    assert codes(client.get("/api/v1/agencies?q=quan 3", headers=headers).get_json()) == []
    record = client.get(f"/api/v1/agencies/{city.id('d1_ward')}", headers=headers).get_json()
    assert record["ancestors"] == [city.id("city"), city.id("d1")] and record["type"] == "ward"
    for short in ("d3", "d3_ward", "city", "justice"):
        response = client.get(f"/api/v1/agencies/{city.id(short)}", headers=headers)
        assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    assert client.get("/api/v1/agencies/no-such-id", headers=headers).status_code == 404


def test_contact_update_over_the_api(client, city):
    from formplatform.agencies.models import Agency

    headers = bearer(client, "ct_q1", CITY_PASSWORD)
    response = client.put(f"/api/v1/agencies/{city.id('d1')}/contact", json=CONTACT, headers=headers)
    assert response.status_code == 200 and response.get_json()["contact"] == CONTACT
    assert Agency.objects(id=city.id("d1")).first().contact == CONTACT
    other = client.put(f"/api/v1/agencies/{city.id('d3')}/contact", json=CONTACT, headers=headers)
    assert other.status_code == 404 and Agency.objects(id=city.id("d3")).first().contact == {}


def test_a_bad_contact_answers_422_by_field(client, city):
    headers = bearer(client, "cv_q1", CITY_PASSWORD)
    bad = {**CONTACT, "phone": "0123", "email": "nope", "name": ""}
    response = client.put(f"/api/v1/agencies/{city.id('d1')}/contact?lang=en", json=bad, headers=headers)
    assert response.status_code == 422
    errors = {e["path"]: e for e in response.get_json()["error"]["errors"]}
    assert {p: e["code"] for p, e in errors.items()} == {
        "name": "required",
        "phone": "phone_format",
        "email": "email_format",
    }
    assert errors["phone"]["message"].startswith("Enter a Vietnamese phone number")
    for body in ("not json", "[1, 2]"):
        response = client.put(
            f"/api/v1/agencies/{city.id('d1')}/contact",
            data=body,
            headers={**headers, "Content-Type": "application/json"},
        )
        assert response.status_code == 400


def test_viewers_and_integration_clients_cannot_change_contacts(client, app, city):
    from formplatform.accounts.services import issue_integration_token

    headers = bearer(client, "xem_q1", CITY_PASSWORD)
    assert client.put(f"/api/v1/agencies/{city.id('d1')}/contact", json=CONTACT, headers=headers).status_code == 404
    with app.app_context():
        token, _ = issue_integration_token("one-stop", ["submissions:read"], city.id("d1"), 30, city.users["quantri"])
    integration = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/agencies", headers=integration).status_code == 403
    assert client.put(f"/api/v1/agencies/{city.id('d1')}/contact", json=CONTACT, headers=integration).status_code == 404


def test_a_session_write_needs_the_csrf_header(client, city):
    log_in(client, "cv_q1", CITY_PASSWORD)
    assert client.get("/api/v1/agencies").status_code == 200
    response = client.put(f"/api/v1/agencies/{city.id('d1')}/contact", json=CONTACT)
    assert response.status_code == 400


def test_the_openapi_document_describes_the_agency_routes(client, app):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    rules = {str(r) for r in app.url_map.iter_rules() if str(r).startswith("/api/v1/agencies")}
    assert {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.removeprefix("/api/v1")) for rule in rules} <= set(paths)
    assert "get" in paths["/agencies"] and "get" in paths["/agencies/{agency_id}"]
    assert "422" in paths["/agencies/{agency_id}/contact"]["put"]["responses"]
