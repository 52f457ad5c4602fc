"""Only designers over the form's owner agency reach the designer pages and API; nothing leaks otherwise."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import csrf_token, log_in
from tests.fixtures.city import CITY_PASSWORD
from tests.formplatform.designer.pages_support import KEY, make_form, token


def designer_routes(app: Any) -> list[tuple[str, str, bool]]:
    """(method, url, names a form) for every designer page and API route of this area (the editor's excepted)."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(("designer.", "designer_api.")):
            continue
        if app.view_functions[rule.endpoint].__module__.endswith(".editor"):
            continue
        url = rule.build({k: v for k, v in {"key": KEY, "number": 1}.items() if k in rule.arguments})[1]
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            found.append((method, url, "key" in rule.arguments))
    return found


def snapshot() -> dict[str, list[str]]:
    import mongoengine

    db = mongoengine.get_db()
    return {
        name: sorted(json.dumps(doc, default=str, sort_keys=True) for doc in db[name].find())
        for name in db.list_collection_names()
        if name != "audit_events"
    }


@pytest.fixture
def world(app: Any, city: Any) -> Any:
    from formplatform.accounts.services import create_user

    make_form(app, city, 1, draft=2)
    with app.app_context():
        create_user(
            "tk_q1",
            CITY_PASSWORD,
            roles=[("designer", city.id("d1"))],
            agency_id=city.id("d1"),
            must_change_password=False,
        )
    return city


def test_the_area_has_the_expected_routes(app):
    urls = {(m, u) for m, u, _ in designer_routes(app)}
    assert {("GET", "/admin/forms"), ("POST", "/admin/forms/import"), ("GET", f"/admin/forms/{KEY}/compare")} <= urls
    assert {("POST", "/api/v1/forms/import"), ("GET", f"/api/v1/forms/{KEY}/versions/1/export")} <= urls


@pytest.mark.parametrize("username", ["cv_q1", "thamdinh", "xem_tp", "ct_q1"])
def test_non_designers_get_403_on_every_page_and_api_route(app, client, world, username):
    log_in(client, username, CITY_PASSWORD)
    token_ = csrf_token(client, "/")
    headers = token(client, username)
    before = snapshot()
    for method, url, _ in designer_routes(app):
        if url.startswith("/api/"):
            response = client.open(url, method=method, headers=headers, json={})
        else:
            response = client.open(url, method=method, data={"csrf_token": token_, "definition": "{}"})
        assert response.status_code == 403, f"{username} {method} {url}: {response.status_code}"
        assert "quality" not in response.get_data(as_text=True), f"{method} {url} leaks the draft"
    assert snapshot() == before


def test_the_public_gets_401_everywhere(app, world):
    client = app.test_client()
    for method, url, _ in designer_routes(app):
        if method == "GET" or url.startswith("/api/"):
            assert client.open(url, method=method).status_code == 401, f"{method} {url}"


def test_a_designer_of_another_agency_does_not_even_see_the_form(app, client, world):
    log_in(client, "tk_q1", CITY_PASSWORD)
    token_ = csrf_token(client, "/admin/forms")
    headers = token(client, "tk_q1")
    before = snapshot()
    for method, url, names_form in designer_routes(app):
        if not names_form:
            continue
        if url.startswith("/api/"):
            response = client.open(url, method=method, headers=headers, json={"key": "x-copy", "title": {"vi": "X"}})
        else:
            response = client.open(url, method=method, data={"csrf_token": token_, "key": "x-copy", "title_vi": "X"})
        assert response.status_code == 404, f"{method} {url}: {response.status_code}"
    assert snapshot() == before
    assert client.get("/admin/forms").status_code == 200
    assert client.get("/admin/forms/new").status_code == 200 and client.get("/admin/forms/import").status_code == 200


def test_a_district_specialist_cannot_read_the_departments_draft(app, client, world):
    headers = token(client, "cv_q1")
    assert client.get(f"/api/v1/forms/{KEY}/draft", headers=headers).status_code == 403
    assert client.get(f"/api/v1/forms/{KEY}/draft/export", headers=headers).status_code == 403
    log_in(client, "cv_q1", CITY_PASSWORD)
    for path in (f"/admin/forms/{KEY}/draft", f"/admin/forms/{KEY}/publish", "/admin/forms"):
        assert client.get(path).status_code == 403
