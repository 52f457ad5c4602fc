"""Issue 21: the declaration refuses in our shape and language, the API follows Accept-Language, the reference."""

from __future__ import annotations

from typing import Any

from tests.conftest import bearer
from tests.fixtures.city import CITY_PASSWORD


def test_a_request_breaking_its_declaration_gets_our_422_in_the_asked_language(client: Any, city: Any) -> None:
    headers = bearer(client, "quantri", CITY_PASSWORD)
    url = "/api/v1/satisfaction/agencies/x/procedures?per_page=5&page=abc"
    english = client.get("/api/v1/users?q=" + "x" * 201, headers={**headers, "Accept-Language": "en-US,en;q=0.9"})
    assert english.status_code == 422
    error = english.get_json()["error"]
    assert error["code"] == "invalid_request" and error["message"].startswith("The request does not match")
    assert [(e["path"], e["code"]) for e in error["errors"]] == [("q", "too_long")]
    assert error["errors"][0]["message"] == "Enter at most 200 characters."
    vietnamese = client.get("/api/v1/users?lang=vi&q=" + "x" * 201, headers={**headers, "Accept-Language": "en"})
    assert vietnamese.get_json()["error"]["errors"][0]["message"] != "Enter at most 200 characters."  # ?lang= wins
    assert client.get(url).get_json()["error"]["code"] == "bad_page"  # v1's paging answer is kept
    wrong_method = client.delete("/api/v1/forms", headers=headers)
    assert wrong_method.status_code == 405 and set(wrong_method.headers["Allow"].split(", ")) >= {"GET", "POST"}


def test_accept_language_chooses_the_api_language_but_not_the_pages(client: Any) -> None:
    english = client.get("/api/v1/forms/no-such-form", headers={"Accept-Language": "en"})
    vietnamese = client.get("/api/v1/forms/no-such-form", headers={"Accept-Language": "vi"})
    assert english.status_code == vietnamese.status_code == 404
    assert english.get_json()["error"]["message"] == "Not found."
    assert vietnamese.get_json()["error"]["message"] != "Not found."
    page = client.get("/login", headers={"Accept-Language": "en"})
    assert 'lang="vi"' in page.get_data(as_text=True)  # pages: ?lang=, cookie, then Vietnamese


def test_the_reference_is_served_offline_in_the_site_layout(client: Any) -> None:
    page = client.get("/api/v1/docs?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "API reference" in html and "/api/v1/openapi.json" in html
    assert "/static/vendor/redoc/redoc.standalone.js" in html and "cdn" not in html.lower()
    assert client.get("/static/vendor/redoc/redoc.standalone.js").status_code == 200
    assert "Tài liệu tra cứu API" in client.get("/api/v1/docs?lang=vi").get_data(as_text=True)


def test_the_document_comes_from_the_declarations(client: Any) -> None:
    from openapi_spec_validator import validate

    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)  # a valid OpenAPI 3.1 document, as integrators' code generators will read it
    assert document["openapi"].startswith("3.1") and document["servers"] == [{"url": "/api/v1"}]
    operation = document["paths"]["/forms/{key}/submissions"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert document["components"]["schemas"][body]["required"] == ["data"]
    assert operation["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorBody")
    assert operation["operationId"] == "post_forms_key_submissions"
    listing = document["paths"]["/users"]["get"]["parameters"]
    assert {p["name"] for p in listing} >= {"page", "per_page", "q"}
