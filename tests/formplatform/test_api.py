"""REST API v1, end to end through the test client on the configured engine."""

from __future__ import annotations

from jsonschema import Draft202012Validator

from tests.conftest import USER_PASSWORD, bearer
from tests.fixtures.definitions import sample_v1, sample_v2, sample_v3, valid_answers

KEY = "sample-report"


def publish(client, headers, definition, confirm=False):
    saved = client.put(f"/api/v1/forms/{KEY}/draft", json=definition, headers=headers)
    assert saved.status_code in (200, 201), saved.get_json()
    return client.post(f"/api/v1/forms/{KEY}/publish", json={"confirm_breaking": confirm}, headers=headers)


def test_token_needs_right_password_and_malformed_body_is_400(client, admin):
    assert client.post("/api/v1/auth/token", json={"username": "admin", "password": "wrong"}).status_code == 401
    response = client.post("/api/v1/auth/token", data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "invalid_json"


def test_writing_definitions_needs_an_administrator(client, user):
    assert client.put(f"/api/v1/forms/{KEY}/draft", json=sample_v1()).status_code == 401
    headers = bearer(client, "chuyenvien", USER_PASSWORD)
    assert client.put(f"/api/v1/forms/{KEY}/draft", json=sample_v1(), headers=headers).status_code == 403


def test_create_publish_list_and_read_a_version(client, admin_headers):
    response = publish(client, admin_headers, sample_v1())
    assert response.status_code == 201
    assert response.get_json()["number"] == 1 and response.get_json()["hash"].startswith("sha256:")
    listed = client.get("/api/v1/forms").get_json()
    assert [f["key"] for f in listed["items"]] == [KEY]
    form = client.get(f"/api/v1/forms/{KEY}").get_json()
    assert [v["number"] for v in form["versions"]] == [1]
    version = client.get(f"/api/v1/forms/{KEY}/versions/1").get_json()
    assert version["schema"]["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(version["schema"])
    assert version["definition"]["fields"][0]["fields"][0]["concept"] == f"{KEY}.agency"


def test_invalid_definition_is_refused_with_paths_and_nothing_saved(client, admin_headers):
    broken = sample_v1()
    broken["fields"][0]["fields"][0]["type"] = "sparkle"
    response = client.put(f"/api/v1/forms/{KEY}/draft", json=broken, headers=admin_headers)
    assert response.status_code == 422
    assert {"path": "fields.0.fields.0.type", "code": "unknown_type"}.items() <= response.get_json()["error"]["errors"][
        0
    ].items()
    assert client.get(f"/api/v1/forms/{KEY}/draft", headers=admin_headers).status_code == 404


def test_key_in_url_and_definition_must_agree(client, admin_headers):
    response = client.put("/api/v1/forms/other-key/draft", json=sample_v1(), headers=admin_headers)
    assert response.status_code == 422 and response.get_json()["error"]["errors"][0]["code"] == "key_mismatch"


def test_stale_draft_revision_is_a_conflict_not_an_overwrite(client, admin_headers):
    client.put(f"/api/v1/forms/{KEY}/draft", json=sample_v1(), headers=admin_headers)
    first = client.put(f"/api/v1/forms/{KEY}/draft", json=sample_v2(), headers={**admin_headers, "If-Match": "1"})
    assert first.status_code == 200 and first.get_json()["revision"] == 2
    second = client.put(f"/api/v1/forms/{KEY}/draft", json=sample_v3(), headers={**admin_headers, "If-Match": "1"})
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "draft_conflict"
    draft = client.get(f"/api/v1/forms/{KEY}/draft", headers=admin_headers).get_json()
    assert draft["definition"]["fields"][0]["fields"][2]["label"]["en"] == "Administrative level"


def test_publishing_missing_translation_is_refused(client, admin_headers):
    definition = sample_v1()
    definition["title"]["en"] = ""
    response = publish(client, admin_headers, definition)
    assert response.status_code == 422
    assert {"path": "title", "code": "missing_translation"}.items() <= response.get_json()["error"]["errors"][0].items()


def test_a_form_without_questions_is_not_published(client, admin_headers):
    definition = sample_v1()
    definition["fields"] = [{"type": "section", "name": "empty", "label": {"vi": "Trống", "en": "Empty"}, "fields": []}]
    response = publish(client, admin_headers, definition)
    assert response.status_code == 422
    assert response.get_json()["error"]["errors"][0]["code"] == "no_fields"
    assert client.get(f"/api/v1/forms/{KEY}", headers=admin_headers).get_json()["latest_version"] == 0


def test_breaking_change_needs_confirmation_and_shows_the_diff(client, admin_headers):
    publish(client, admin_headers, sample_v1())
    assert publish(client, admin_headers, sample_v2()).status_code == 201
    refused = publish(client, admin_headers, sample_v3())
    assert refused.status_code == 409
    body = refused.get_json()["error"]
    assert body["code"] == "breaking_change_unconfirmed" and body["diff"]["breaking"]
    assert {c["name"] for c in body["diff"]["changes"]} == {"level", "quality"}
    confirmed = client.post(f"/api/v1/forms/{KEY}/publish", json={"confirm_breaking": True}, headers=admin_headers)
    assert confirmed.status_code == 201 and confirmed.get_json()["number"] == 3


def test_republishing_an_unchanged_draft_is_refused(client, admin_headers):
    publish(client, admin_headers, sample_v1())
    response = client.post(f"/api/v1/forms/{KEY}/publish", json={}, headers=admin_headers)
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "nothing_to_publish"


def test_submission_errors_come_back_per_field_in_the_requested_language(client, admin_headers):
    publish(client, admin_headers, sample_v1())
    bad = {"data": {**valid_answers(), "staff": -3, "level": "village"}}
    vi = client.post(f"/api/v1/forms/{KEY}/submissions?lang=vi", json=bad, headers=admin_headers).get_json()
    en = client.post(f"/api/v1/forms/{KEY}/submissions?lang=en", json=bad, headers=admin_headers).get_json()
    by_path_vi = {e["path"]: e for e in vi["error"]["errors"]}
    by_path_en = {e["path"]: e for e in en["error"]["errors"]}
    assert by_path_en["staff"]["code"] == "too_small" and by_path_en["staff"]["message"] == (
        "The value must be at least 0."
    )
    assert (
        by_path_vi["level"]["code"] == "not_an_option"
        and by_path_vi["level"]["message"] != by_path_en["level"]["message"]
    )
    from formplatform.models import Submission

    assert Submission.objects.count() == 0


def test_old_submission_keeps_its_version_after_a_new_one_is_published(client, admin_headers):
    publish(client, admin_headers, sample_v1())
    created = client.post(f"/api/v1/forms/{KEY}/submissions", json={"data": valid_answers()}, headers=admin_headers)
    assert created.status_code == 201
    record = created.get_json()
    assert record["version"] == 1 and record["score"]["total"] == 2
    publish(client, admin_headers, sample_v2())
    again = client.get(f"/api/v1/submissions/{record['id']}", headers=admin_headers).get_json()
    assert again["version"] == 1 and again["version_hash"] == record["version_hash"]
    assert again["data"]["annex"]["docs"]["pct"] == 80
    pinned = client.post(
        f"/api/v1/forms/{KEY}/submissions", json={"data": valid_answers(), "version": 1}, headers=admin_headers
    )
    assert pinned.get_json()["version"] == 1
    latest = client.post(
        f"/api/v1/forms/{KEY}/submissions", json={"data": {**valid_answers(), "level": "ward"}}, headers=admin_headers
    )
    assert latest.status_code == 201 and latest.get_json()["version"] == 2


def test_submissions_are_private_except_with_the_receipt(client, admin_headers, user):
    publish(client, admin_headers, sample_v1())
    record = client.post(
        f"/api/v1/forms/{KEY}/submissions", json={"data": valid_answers()}, headers=admin_headers
    ).get_json()
    assert client.get(f"/api/v1/submissions/{record['id']}").status_code == 404
    other = bearer(client, "chuyenvien", USER_PASSWORD)
    assert client.get(f"/api/v1/submissions/{record['id']}", headers=other).status_code == 404
    assert client.get(f"/api/v1/submissions/{record['id']}?receipt=forged").status_code == 404
    assert client.get(f"/api/v1/submissions/{record['id']}?receipt={record['receipt']}").status_code == 200


def test_reports_need_login_but_questionnaires_are_public(client, admin_headers):
    publish(client, admin_headers, sample_v1())
    response = client.post(f"/api/v1/forms/{KEY}/submissions", json={"data": valid_answers()})
    assert response.status_code == 401


def test_unknown_form_and_version_are_404_json(client):
    response = client.get("/api/v1/forms/nope/versions/3")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_openapi_document_describes_every_route(client, app):
    import re

    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    routes = {
        re.sub(r"<(?:[^:>]+:)?[^>]+>", "{}", str(rule))
        for rule in app.url_map.iter_rules()
        if str(rule).startswith("/api/v1/")
    }
    described = {"/api/v1" + re.sub(r"{[^}]+}", "{}", path) for path in document["paths"]}
    assert routes - {"/api/v1/openapi.json", "/api/v1/docs"} <= described  # docs: the HTML reference


def test_healthz_names_the_engine(client):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["database"]["reachable"] is True
    assert body["database"]["engine"]
