"""The designer's last save as the page goes: navigator.sendBeacon posts the draft as a form (a beacon
carries no custom headers), on the same URL as the ordinary save, with the revision and the CSRF token."""

from __future__ import annotations

import json

from tests.conftest import ADMIN_PASSWORD, csrf_token, log_in
from tests.fixtures.definitions import sample_v1

KEY = "sample-report"
URL = f"/api/v1/forms/{KEY}/draft"


def beacon(client, definition, revision, token):
    body = {"definition": json.dumps(definition), "revision": str(revision), "csrf_token": token}
    return client.post(URL, data=body, content_type="multipart/form-data")


def test_a_beacon_saves_the_draft_like_an_ordinary_save(client, admin):
    log_in(client, "admin", ADMIN_PASSWORD)
    token = csrf_token(client, "/account/password")
    assert client.put(URL, json=sample_v1(), headers={"X-CSRFToken": token}).status_code == 201
    edited = {**sample_v1(), "title": {"vi": "Sửa lúc rời trang", "en": "Edited while leaving"}}
    saved = beacon(client, edited, 1, token)
    assert saved.status_code == 200 and saved.get_json()["revision"] == 2
    assert client.get(URL).get_json()["definition"]["title"]["en"] == "Edited while leaving"


def test_a_beacon_never_overwrites_newer_work_nor_skips_its_checks(client, admin):
    log_in(client, "admin", ADMIN_PASSWORD)
    token = csrf_token(client, "/account/password")
    client.put(URL, json=sample_v1(), headers={"X-CSRFToken": token})
    client.put(URL, json=sample_v1(), headers={"X-CSRFToken": token, "If-Match": "1"})
    stale = beacon(client, {**sample_v1(), "title": {"vi": "Cũ", "en": "Old"}}, 1, token)
    assert stale.status_code == 409
    assert beacon(client, sample_v1(), 2, "forged").status_code == 400  # no valid CSRF token: refused
    broken = client.post(URL, data={"definition": "{not json", "csrf_token": token}, content_type="multipart/form-data")
    assert broken.status_code == 422 and broken.get_json()["error"]["code"] == "invalid_definition"
    assert [e["code"] for e in broken.get_json()["error"]["errors"]] == ["invalid_json"]
    assert client.get(URL).get_json()["revision"] == 2
