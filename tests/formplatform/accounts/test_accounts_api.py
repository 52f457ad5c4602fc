"""REST API of the accounts area: /me, and the accounts an administrator manages (scoped, never the hash)."""

from __future__ import annotations

from tests.conftest import bearer
from tests.fixtures.city import CITY_PASSWORD


def test_me_describes_the_user_behind_the_token(client, city):
    headers = bearer(client, "tp_q1", CITY_PASSWORD)
    body = client.get("/api/v1/me", headers=headers).get_json()
    assert body["type"] == "user" and body["username"] == "tp_q1"
    assert body["agency"]["code"] == "000.01.31.H29"
    assert body["roles"] == [
        {"role": "division_head", "agency_id": city.id("d1_division"), "agency_code": "000.01.31.H29"}
    ]
    assert "password_hash" not in body
    assert client.get("/api/v1/me").status_code == 401


def test_users_lists_only_the_callers_scope_with_search_and_pages(client, city, district_admin):
    headers = bearer(client, "qt_q1", CITY_PASSWORD)
    body = client.get("/api/v1/users?per_page=2", headers=headers).get_json()
    assert set(body) == {"items", "total", "page", "per_page"} and body["per_page"] == 2
    everything = client.get("/api/v1/users?per_page=100", headers=headers).get_json()
    names = {u["username"] for u in everything["items"]}
    assert names == {"cv_q1", "tp_q1", "ct_q1", "xem_q1", "qt_q1"} and everything["total"] == 5
    assert all("password_hash" not in u for u in everything["items"])
    found = client.get("/api/v1/users?q=TP_", headers=headers).get_json()
    assert [u["username"] for u in found["items"]] == ["tp_q1"]
    assert client.get("/api/v1/users?q=.*", headers=headers).get_json()["total"] == 0  # the term is literal
    assert client.get("/api/v1/users?page=0", headers=headers).status_code == 400


def test_a_user_outside_the_scope_is_404_and_non_admins_are_403(client, city, district_admin):
    headers = bearer(client, "qt_q1", CITY_PASSWORD)
    mine = client.get(f"/api/v1/users/{city.users['cv_q1'].id}", headers=headers)
    assert mine.status_code == 200 and mine.get_json()["username"] == "cv_q1"
    assert client.get(f"/api/v1/users/{city.users['cv_q3'].id}", headers=headers).status_code == 404
    assert client.get("/api/v1/users/no-such-id", headers=headers).status_code == 404
    root = bearer(client, "quantri", CITY_PASSWORD)
    assert client.get(f"/api/v1/users/{city.users['cv_q3'].id}", headers=root).status_code == 200
    specialist = bearer(client, "cv_q1", CITY_PASSWORD)
    assert client.get("/api/v1/users", headers=specialist).status_code == 403
    assert client.get("/api/v1/users").status_code == 401


def test_the_openapi_document_describes_the_account_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/me", "/users", "/users/{user_id}"} <= set(paths)
