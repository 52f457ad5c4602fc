"""Bad input answers 400 or 413 with the usual error shape, never 500 (issue 18): JSON nested or sized beyond
the limits, oversized query strings and odd page numbers, bodies above MAX_CONTENT_LENGTH; and a 405 says
which methods are allowed."""

from __future__ import annotations

from typing import Any

import pytest

from formplatform.limits import MAX_JSON_BYTES, MAX_JSON_DEPTH, MAX_QUERY_VALUE, parse_json
from tests.conftest import csrf_token, log_in
from tests.fixtures.city import CITY_PASSWORD

DEEP = "[" * 10_000 + "]" * 10_000
JSON = {"Content-Type": "application/json"}


def error_of(response: Any) -> dict[str, Any]:
    body = response.get_json()
    assert set(body["error"]) >= {"code", "message"} and body["error"]["message"], body
    return dict(body["error"])


@pytest.mark.parametrize(
    "method, path",
    [
        ("post", "/api/v1/forms/sample-report/submissions"),  # public: no login needed to reach the parser
        ("post", "/api/v1/auth/token"),
        ("post", "/api/v1/forms"),
        ("put", "/api/v1/forms/sample-report/draft"),
        ("post", "/api/v1/dossiers"),
        ("patch", "/api/v1/dossiers/000.00.00.H29-250314-0012"),
    ],
)
def test_a_10000_deep_json_body_is_a_400_not_a_500(client, admin_headers, method, path):
    response = getattr(client, method)(path, data=DEEP, headers={**JSON, **admin_headers})
    assert response.status_code == 400
    assert error_of(response)["code"] == "json_too_deep"


def test_the_kiosk_api_refuses_deep_json_too(app, city, seeded, client):
    from tests.kiosk.test_pairing import pair_device

    pair_device(app, city, client, "d1_ward")
    for path in ("/kiosk/api/lookup", "/kiosk/api/rate"):
        response = client.post(path, data=DEEP, headers={**JSON, "X-Kiosk": "1"})
        assert response.status_code == 400 and error_of(response)["code"] == "json_too_deep"


def test_json_up_to_the_depth_limit_is_read_and_deeper_is_refused():
    fits = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert parse_json(fits) is not None
    with pytest.raises(ValueError):  # a JSONDecodeError: every "malformed JSON" handler catches it
        parse_json("[" + fits + "]")
    with pytest.raises(ValueError):
        parse_json('{"a":' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1))


def test_a_json_body_above_the_json_limit_is_a_413(client):
    body = '{"username": "' + "x" * MAX_JSON_BYTES + '"}'
    response = client.post("/api/v1/auth/token", data=body, headers=JSON)
    assert response.status_code == 413 and error_of(response)["code"] == "json_too_large"


def test_a_body_above_max_content_length_is_a_clean_413_for_api_and_pages(app, client):
    too_big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    api = client.post("/api/v1/auth/token", data=too_big, headers=JSON)
    assert api.status_code == 413 and error_of(api)["code"] == "too_large"
    page = client.post("/login", data=too_big, content_type="application/x-www-form-urlencoded")
    assert page.status_code == 413 and "text/html" in page.content_type


def test_a_deep_definition_pasted_in_the_designer_is_a_problem_not_a_500(app, client, admin):
    from tests.conftest import ADMIN_PASSWORD

    log_in(client, "admin", ADMIN_PASSWORD)
    token = csrf_token(client, "/admin/forms/new")
    page = client.post("/admin/forms/new", data={"definition": DEEP, "csrf_token": token})
    assert page.status_code == 422 and "JSON" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    "query",
    [
        {"q": "x" * (MAX_QUERY_VALUE + 1)},
        {f"p{i}": "1" for i in range(100)},
    ],
)
def test_oversized_query_strings_are_a_400(client, admin_headers, query):
    for path in ("/api/v1/forms", "/api/v1/dossiers", "/"):
        response = client.get(path, query_string=query, headers=admin_headers)
        assert response.status_code == 400, path
    assert error_of(client.get("/api/v1/forms", query_string=query, headers=admin_headers))["code"] == "bad_query"


@pytest.mark.parametrize("page", ["922337203685477580", "²", "-1", "0", "1.5", "9" * 5000])
def test_odd_page_numbers_are_a_400_on_api_lists(client, admin_headers, page):
    for path in ("/api/v1/forms/sample-report/submissions", "/api/v1/dossiers", "/api/v1/audit"):
        response = client.get(path, query_string={"page": page}, headers=admin_headers)
        assert response.status_code in (400, 404), (path, response.status_code)


@pytest.mark.parametrize("page", ["922337203685477580", "²", "9" * 5000])
def test_odd_page_numbers_on_pages_show_a_page_not_a_500(app, city, page):
    client = app.test_client()
    log_in(client, "quantri", CITY_PASSWORD)
    for path in ("/admin/dossiers", "/admin/forms", "/admin/users", "/admin/audit"):
        answer = client.get(path, query_string={"page": page})
        assert answer.status_code == (400 if len(page) > MAX_QUERY_VALUE else 200), path


@pytest.mark.parametrize(
    "method, path, allowed",
    [
        ("delete", "/api/v1/openapi.json", {"GET"}),
        ("put", "/api/v1/auth/token", {"POST"}),
        ("delete", "/login", {"GET", "POST"}),
        ("get", "/logout", {"POST"}),
    ],
)
def test_a_405_says_which_methods_are_allowed(client, method, path, allowed):
    response = getattr(client, method)(path)
    assert response.status_code == 405
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}
